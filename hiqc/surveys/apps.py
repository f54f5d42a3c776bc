from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "hiqc.surveys"
    label = "surveys"
    verbose_name = "满意度调查"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        from . import indicators  # noqa: F401  (declares the satisfaction indicators)
        from .rules import register_rules

        register_rules()
        register_link("service", "surveys:plans", _("满意度调查"), "surveys.view")
        register_link("service", "surveys:interviews", _("电话回访"), "surveys.interview")
        register_link("service", "surveys:mystery_visits", _("神秘客户走访"), "surveys.shop")
        register_link("service", "surveys:mystery_results", _("神秘客户结果"), "surveys.view")
