from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "hiqc.quality"
    label = "quality"
    verbose_name = "质量监控与改进"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        register_link("quality", "quality:overview", _("质量总览"), "indicators.view")
        register_link("quality", "quality:catalogue", _("指标目录"), "indicators.view")
