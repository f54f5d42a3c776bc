from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "hiqc.consultations"
    label = "consultations"
    verbose_name = "咨询"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.casework import register_case_kind
        from hiqc.core.navigation import register_link

        from . import indicators
        from .services import KIND

        register_case_kind(KIND)
        indicators.register()
        register_link("service", "consultations:create", _("登记咨询"), "consultations.handle")
        register_link("service", "consultations:list", _("咨询记录"), "consultations.view")
        register_link("service", "consultations:suggestions", _("客户建议"), "consultations.view")
        register_link(
            "service", "consultations:topics", _("咨询主题分类"), "consultations.configure"
        )
