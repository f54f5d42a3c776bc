from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "hiqc.complaints"
    label = "complaints"
    verbose_name = "投诉"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.casework import register_case_kind
        from hiqc.core.navigation import register_link

        from . import (
            indicators,  # noqa: F401  (declares the complaint indicators)
            rules,
        )
        from .services import KIND

        rules.register()
        register_case_kind(KIND)
        register_link("service", "complaints:list", _("投诉"), "complaints.view")
        register_link("service", "complaints:new", _("登记投诉"), "complaints.register")
        register_link("service", "complaints:statistics", _("投诉统计"), "complaints.view")
