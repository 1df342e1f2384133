from django.urls import path

from . import views, views_signatures

app_name = "applications"

urlpatterns = [
    path("ny/", views.application_new, name="new"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/avsnitt/<slug:key>/", views.section_edit, name="section"),
    path("<int:pk>/budget/summa/", views.budget_totals, name="budget_totals"),
    path("<int:pk>/skicka-in/", views.application_submit, name="submit"),
    path("<int:pk>/atgard/<slug:name>/", views.application_transition, name="transition"),
    path("<int:pk>/meddelanden/", views.message_create, name="message"),
    path("<int:pk>/bilagor/", views.attachments, name="attachments"),
    path("<int:pk>/bilagor/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/andringar/", views.changes_view, name="changes"),
    path("<int:pk>/ansokan.pdf", views.application_pdf, name="pdf"),
    path("<int:pk>/underskrifter/", views_signatures.signatures_page, name="signatures"),
    path("<int:pk>/underskrifter/be-om/", views_signatures.signatures_request_view, name="signatures_request"),
    path("underskrift/<int:pk>/", views_signatures.signing_page, name="signing"),
    path("underskrift/version/<int:pk>/ansokan.pdf", views_signatures.signing_pdf, name="signing_pdf"),
]
