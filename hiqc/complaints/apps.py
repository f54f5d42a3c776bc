from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "hiqc.complaints"
    label = "complaints"
    verbose_name = "投诉"
