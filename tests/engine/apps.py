from django.apps import AppConfig


class EngineTestConfig(AppConfig):
    name = "tests.engine"
    label = "engine"
    verbose_name = "Case-engine probe (tests only)"

    def ready(self) -> None:
        from hiqc.core.casekinds import register_case_kind

        from .probe import KIND

        register_case_kind(KIND)
