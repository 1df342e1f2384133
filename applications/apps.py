from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Ansökningar")

    def ready(self) -> None:
        from outbox.models import OutboxKind
        from outbox.services import handler_register

        from .documents import store_application_pdf
        from .signatures import store_signing_pdf

        handler_register(OutboxKind.APPLICATION_PDF, store_application_pdf)
        handler_register(OutboxKind.SIGNING_PDF, store_signing_pdf)
