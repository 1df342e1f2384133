from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Beredning och beslut")

    def ready(self) -> None:
        from applications.signals import application_withdrawn
        from outbox.models import OutboxKind
        from outbox.services import handler_register

        from .minutes import store_minutes_pdf
        from .services import close_withdrawn

        application_withdrawn.connect(close_withdrawn, dispatch_uid="reviews.close_withdrawn")
        handler_register(OutboxKind.MINUTES_PDF, store_minutes_pdf)
