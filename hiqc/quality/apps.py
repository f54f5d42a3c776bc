from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "hiqc.quality"
    label = "quality"
    verbose_name = "质量监控与改进"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "quality.target.set": gettext_noop("设定指标目标"),
            }
        )
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.casework import register_case_kind
        from hiqc.core.navigation import register_link

        from .plans import PLAN_KIND
        from .services import KIND

        register_case_kind(KIND)
        register_case_kind(PLAN_KIND)
        register_link("quality", "quality:overview", _("质量总览"), "indicators.view")
        register_link("quality", "quality:catalogue", _("指标目录"), "indicators.view")
        register_link("quality", "quality:targets", _("指标目标"), "indicators.view")
        register_link("quality", "quality:nonconformities", _("不符合项"), "quality.nc.view")
        register_link("quality", "quality:plans", _("改进计划（PDCA）"), "quality.nc.view")
