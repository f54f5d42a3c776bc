from django.apps import AppConfig


class CallCentreConfig(AppConfig):
    name = "hiqc.callcentre"
    label = "callcentre"
    verbose_name = "呼叫中心"
