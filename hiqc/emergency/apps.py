from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role

from .enums import DRILL, INCIDENT, MANAGE, VIEW


class EmergencyConfig(AppConfig):
    """Emergency management (standard 9.3 应急预案与处理, 6.2.1(3), 6.2.3(2); issue 20 §6; ADR
    0025): emergency plans per scenario with their contact tree, steps and recovery targets; the
    drill schedule and drill records with after-action reviews; incidents as cases with their
    containment and notification clocks."""

    name = "hiqc.emergency"
    label = "emergency"
    verbose_name = "应急管理"
    manifest = Manifest(
        urls=(("emergency/", "hiqc.emergency.urls"),),
        api_routers=("hiqc.emergency.api.router",),
        permissions={
            VIEW: _("查看应急预案、应急演练与突发事件"),
            MANAGE: _("制定、修订并批准应急预案"),
            DRILL: _("安排并登记应急演练及演练后评估"),
            INCIDENT: _("报告并处置突发事件（含信息安全事件）"),
        },
        roles={
            Role.RISK_MANAGER: (VIEW, MANAGE, DRILL, INCIDENT),
            Role.COMPLIANCE_OFFICER: (VIEW, MANAGE, DRILL, INCIDENT),
            Role.SYSTEM_ADMIN: (VIEW, INCIDENT),  # information-security incidents (6.2.1(3))
            Role.BRANCH_MANAGER: (VIEW, DRILL, INCIDENT),  # their unit's drills and incidents
            Role.QUALITY_LEAD: (VIEW, DRILL),
            Role.AUDITOR: (VIEW,),
        },
        periodic=(
            Periodic(
                "emergency.drill_schedule",
                "hiqc.emergency.tasks.drill_schedule_job",
                daily_beijing(6, 20),
                "Put the next drill of every plan on the schedule when due (one per plan, "
                "catch-up safe) and count the overdue drills (issue 20 §6; "
                "emergency.drill_interval_months).",
                _("应急演练排期"),
            ),
        ),
        nav=(
            NavLink("ch9", "emergency:overview", _("应急管理概览"), VIEW),
            NavLink("ch9", "emergency:plans", _("应急预案"), VIEW),
            NavLink("ch9", "emergency:drills", _("应急演练"), VIEW),
            NavLink("ch9", "emergency:incidents", _("突发事件"), VIEW),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors
        from hiqc.core.casekinds import register_case_kind

        from . import evidence, indicators  # noqa: F401  (evidence: the standard's rules, ADR 0034)
        from .incidents import KIND
        from .rules import register_rules
        from .services import REVIEWER, SCHEDULER

        register_rules()
        indicators.register()
        register_case_kind(KIND)
        register_audit_labels(
            {
                "emergency.plan.create": gettext_noop("制定应急预案"),
                "emergency.plan.update": gettext_noop("修改应急预案"),
                "emergency.plan.version": gettext_noop("修订应急预案（新版本）"),
                "emergency.drill.plan": gettext_noop("安排应急演练"),
                "emergency.drill.record": gettext_noop("登记应急演练"),
            }
        )
        register_system_actors(
            {
                SCHEDULER: gettext_noop("系统（应急演练排期）"),
                REVIEWER: gettext_noop("系统（演练与事件后评估）"),
            }
        )
