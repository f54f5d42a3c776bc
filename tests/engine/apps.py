from django.apps import AppConfig


class EngineTestConfig(AppConfig):
    name = "tests.engine"
    label = "engine"
    verbose_name = "Case-engine probe (tests only)"
