from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "hiqc.consultations"
    label = "consultations"
    verbose_name = "咨询"
