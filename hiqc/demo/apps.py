from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hiqc.demo"
    label = "demo"
    verbose_name = "Demo data"
