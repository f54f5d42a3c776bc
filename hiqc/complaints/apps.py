from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "hiqc.complaints"
    label = "complaints"
    verbose_name = "投诉"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "complaints.register": gettext_noop("登记投诉"),
                "complaints.letter.issue": gettext_noop("出具投诉告知文书"),
                "complaints.letter.read": gettext_noop("查阅投诉告知文书"),
                "complaints.statistics.export": gettext_noop("导出监管投诉统计"),
            }
        )
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
