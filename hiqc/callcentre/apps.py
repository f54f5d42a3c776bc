from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role


class CallCentreConfig(AppConfig):
    name = "hiqc.callcentre"
    label = "callcentre"
    verbose_name = "呼叫中心"
    manifest = Manifest(
        urls=(("callcentre/", "hiqc.callcentre.urls"),),
        api_routers=("hiqc.callcentre.api.router",),
        permissions={
            "calls.view": _("查看话务数据与呼叫中心看板"),
            "calls.import": _("导入话务数据"),
        },
        roles={
            Role.QUALITY_LEAD: ("calls.view", "calls.import"),
            Role.BRANCH_MANAGER: ("calls.view",),
            Role.CALL_CENTRE_SUPERVISOR: ("calls.view", "calls.import"),
            Role.COMPLIANCE_OFFICER: ("calls.view",),
            Role.RISK_MANAGER: ("calls.view",),
            Role.AUDITOR: ("calls.view",),
        },
        nav=(
            NavLink("ch4", "callcentre:dashboard", _("呼叫中心看板"), "calls.view"),
            NavLink("ch4", "callcentre:staffing", _("坐席排班测算")),
            NavLink("ch4", "callcentre:import", _("话务数据导入"), "calls.import"),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)

        register_audit_labels(
            {
                "calls.import": gettext_noop("导入话务数据"),
            }
        )
        register_system_actors(
            {
                "import_calls": gettext_noop("命令行（导入话务）"),
            }
        )

        from hiqc.core.jobs import register_job

        register_job("callcentre.calls_indicators", _("话务指标重算（导入后）"))

        from . import indicators  # noqa: F401  (registers the call-centre indicators)
        from .rules import register_rules

        register_rules()
        from hiqc.core.retention import register_retention
        from hiqc.core.rules import register_rules as register_kernel_rules

        from .retention import AGENT_RETENTION_YEARS
        from .retention import POLICY as RETENTION_POLICY

        register_kernel_rules(AGENT_RETENTION_YEARS)
        register_retention(RETENTION_POLICY)  # issue 21 §2: removed by the kernel's job
