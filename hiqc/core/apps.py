from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hiqc.core"
    label = "core"
    verbose_name = "系统内核"

    def ready(self) -> None:
        from . import checks, schedule  # noqa: F401  (register system checks and periodic jobs)
