from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("RUN")

    def ready(self) -> None:
        from applications.signals import application_withdrawn

        from .services import close_withdrawn

        application_withdrawn.connect(close_withdrawn, dispatch_uid="decisions.close_withdrawn")
