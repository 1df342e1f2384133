from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("RUN")

    def ready(self) -> None:
        from applications.signals import application_withdrawn, requested_changed
        from outbox.models import OutboxKind
        from outbox.services import handler_register
        from reviews.signals import item_recommended

        from . import totals
        from .letters import store_decision_letter
        from .services import close_withdrawn

        application_withdrawn.connect(close_withdrawn, dispatch_uid="decisions.close_withdrawn")
        application_withdrawn.connect(totals.recommendation_withdrawn, dispatch_uid="decisions.totals.withdrawn")
        requested_changed.connect(totals.requested_changed, dispatch_uid="decisions.totals.requested")
        item_recommended.connect(totals.item_recommended, dispatch_uid="decisions.totals.recommended")
        handler_register(OutboxKind.DECISION_LETTER, store_decision_letter)
