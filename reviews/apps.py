from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Beredning och beslut")

    def ready(self) -> None:
        from applications.signals import application_withdrawn

        from .withdrawal import close_withdrawn

        application_withdrawn.connect(close_withdrawn, dispatch_uid="reviews.close_withdrawn")
