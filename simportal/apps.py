from django.contrib.admin.apps import AdminConfig


class SimportalAdminConfig(AdminConfig):
    default_site = "simportal.admin.SimportalAdminSite"
