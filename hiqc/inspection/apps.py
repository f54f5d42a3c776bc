from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "hiqc.inspection"
    label = "inspection"
    verbose_name = "质检"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        from . import indicators  # noqa: F401  (declares the QA indicators)
        from .rules import register_rules

        register_rules()
        register_link("quality", "inspection:queue", _("质检任务"), "qa.inspect")
        register_link("quality", "inspection:sample", _("质检抽样"), "qa.inspect")
        register_link("quality", "inspection:disputes", _("质检申诉裁决"), "qa.inspect")
        register_link("quality", "inspection:results", _("质检结果"), "qa.view")
        register_link("quality", "inspection:sheets", _("质检评分表"), "qa.view")
        register_link("quality", "inspection:my_scores", _("我的质检评分"), "qa.dispute")
