from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "hiqc.policies"
    label = "policies"
    verbose_name = "保单与产品"
