from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role


class ComplaintsConfig(AppConfig):
    name = "hiqc.complaints"
    label = "complaints"
    verbose_name = "投诉"
    manifest = Manifest(
        urls=(("complaints/", "hiqc.complaints.urls"),),
        api_routers=("hiqc.complaints.api.router",),
        permissions={
            "complaints.view": _("查看投诉"),
            "complaints.register": _("登记投诉"),
            "complaints.handle": _("承办投诉（调查、延期、中止、作出处理决定）"),
            "complaints.approve": _("批准投诉再次延期（总公司高级管理人员，CP-3）与复核"),
            "complaints.report": _("导出监管投诉统计、维护业务规模数据"),
        },
        roles={
            Role.QUALITY_LEAD: ("complaints.view", "complaints.approve", "complaints.report"),
            Role.BRANCH_MANAGER: ("complaints.view", "complaints.register", "complaints.handle"),
            Role.CONSULTATION_AGENT: ("complaints.view", "complaints.register"),
            Role.COMPLAINT_HANDLER: ("complaints.view", "complaints.register", "complaints.handle"),
            Role.CALL_CENTRE_SUPERVISOR: ("complaints.view",),
            Role.COMPLIANCE_OFFICER: ("complaints.view", "complaints.approve", "complaints.report"),
            Role.RISK_MANAGER: ("complaints.view",),
            Role.AUDITOR: ("complaints.view",),
        },
        nav=(
            NavLink("ch4", "complaints:list", _("投诉"), "complaints.view"),
            NavLink("ch4", "complaints:new", _("登记投诉"), "complaints.register"),
            NavLink("ch4", "complaints:statistics", _("投诉统计"), "complaints.view"),
        ),
    )

    def ready(self) -> None:
        from hiqc.core.retention import register_retention

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .retention import POLICY as RETENTION_POLICY

        register_retention(RETENTION_POLICY)  # issue 21 §2: removed by the kernel's job
        from hiqc.core.retention import register_reference

        from .retention import customers_needed

        # its customers are kept while the file is (ADR 0031)
        register_reference("customers.Customer", "complaints.files", customers_needed)
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

        from hiqc.core.casekinds import register_case_kind

        from . import (
            datasets,  # the shareable datasets (issue 21 §7)
            indicators,  # declares the complaint indicators
            rules,
        )
        from .services import KIND

        rules.register()
        datasets.register()
        indicators.register_person_measures()
        register_case_kind(KIND)
