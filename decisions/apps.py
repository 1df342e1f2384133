from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("RUN")

    def ready(self) -> None:
        from applications.signals import application_withdrawn
        from outbox.models import OutboxKind
        from outbox.services import handler_register

        from .letters import store_decision_letter
        from .services import close_withdrawn

        application_withdrawn.connect(close_withdrawn, dispatch_uid="decisions.close_withdrawn")
        handler_register(OutboxKind.DECISION_LETTER, store_decision_letter)
