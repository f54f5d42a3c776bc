from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hiqc.core"
    label = "core"
    verbose_name = "系统内核"

    def ready(self) -> None:
        from . import checks, indicators, schedule  # noqa: F401  (checks, indicators, periodic jobs)
        from .deadlines import deadline_warned
        from .notifications import on_deadline_warned

        deadline_warned.connect(on_deadline_warned, dispatch_uid="hiqc.deadline_notifications")
