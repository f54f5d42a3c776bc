from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from huey import crontab

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role


class ProcessesConfig(AppConfig):
    """Service process management (standard chapter 2): the process catalogue, process mining
    and conformance on the one event log (issue 16)."""

    name = "hiqc.process_management"
    label = "process_management"
    verbose_name = "服务流程管理"
    manifest = Manifest(
        urls=(("process-management/", "hiqc.process_management.urls"),),
        api_routers=(
            "hiqc.process_management.api.router",
            "hiqc.process_management.supervision.api.router",
        ),
        permissions={
            "processes.view": _("查看流程分析（流程挖掘、瓶颈与符合性）"),
            "processes.supervise": _("流程监督（制定监督计划、录入监督检查、登记与验证监督发现）"),
            "processes.findings.handle": _("答复本机构的监督发现"),
        },
        roles={
            Role.QUALITY_LEAD: ("processes.view", "processes.supervise"),
            Role.BRANCH_MANAGER: (
                "processes.view",
                "processes.supervise",
                "processes.findings.handle",
            ),
            Role.CALL_CENTRE_SUPERVISOR: ("processes.view", "processes.findings.handle"),
            Role.COMPLIANCE_OFFICER: ("processes.view", "processes.supervise"),
            Role.RISK_MANAGER: ("processes.view",),
            Role.AUDITOR: ("processes.view",),
        },
        periodic=(
            Periodic(
                "process_management.snapshots",
                "hiqc.process_management.tasks.snapshots_job",
                daily_beijing(3, 30),
                "Recompute every process's mining figures for the last twelve months, per unit "
                "down to city level (the process pages' default view; issue 16).",
                _("流程分析快照"),
            ),
            Periodic(
                "process_management.mining_tables",
                "hiqc.process_management.tasks.mining_tables_job",
                crontab(minute="*/10"),
                "Bring the mining tables up to the event log: the cases with new events get their "
                "directly-follows and trace rows replaced (issue 16).",
                _("流程挖掘表更新"),
            ),
        ),
        nav_sections=(("ch2", _("服务流程管理（第2章）"), "ch3"),),
        nav=(
            NavLink("ch2", "process_management:list", _("流程分析"), "processes.view"),
            NavLink("ch2", "process_management:supervision_plans", _("流程监督"), "processes.view"),
            NavLink(
                "ch2", "process_management:supervision_findings", _("监督发现"), "processes.view"
            ),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.plan_links import register_effect_reader

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .effects import version_effect

        register_effect_reader(version_effect)

        register_audit_labels(
            {
                "processes.guidance": gettext_noop("修订流程操作要求"),
                "processes.profile": gettext_noop("修订流程目录信息"),
                "processes.needs": gettext_noop("添加流程需求分析"),
                "processes.needs_evidence": gettext_noop("添加需求分析依据"),
            }
        )

        from hiqc.core.casekinds import register_case_kind

        from .indicators import register_process_indicators
        from .supervision.services import FINDING_KIND, VISIT_KIND

        register_case_kind(VISIT_KIND)
        register_case_kind(FINDING_KIND)

        register_process_indicators()  # every app before this one has registered its case kinds
