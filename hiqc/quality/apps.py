from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role


class QualityConfig(AppConfig):
    name = "hiqc.quality"
    label = "quality"
    verbose_name = "质量监控与改进"
    manifest = Manifest(
        urls=(("quality/", "hiqc.quality.urls"),),
        api_routers=("hiqc.quality.api.router",),
        permissions={
            "quality.nc.view": _("查看不符合项"),
            "quality.nc.handle": _("分析、整改与关闭本机构的不符合项"),
            "quality.nc.open": _("登记与撤销不符合项（监督检查、审计、客户反馈等）"),
            "quality.targets.manage": _("设定指标目标与预警值"),
        },
        roles={
            Role.QUALITY_LEAD: (
                "quality.nc.view",
                "quality.nc.handle",
                "quality.nc.open",
                "quality.targets.manage",
            ),
            Role.BRANCH_MANAGER: ("quality.nc.view", "quality.nc.handle"),
            Role.CALL_CENTRE_SUPERVISOR: ("quality.nc.view", "quality.nc.handle"),
            Role.COMPLIANCE_OFFICER: ("quality.nc.view", "quality.nc.open"),
            Role.RISK_MANAGER: ("quality.nc.view",),
            Role.AUDITOR: ("quality.nc.view",),
        },
        periodic=(
            Periodic(
                "quality.nonconformities_detect",
                "hiqc.quality.tasks.nonconformities_detect_job",
                daily_beijing(2, 0),
                "Open a nonconformity for each key indicator and unit whose last complete month "
                "misses its target or signals on its control chart (once each; issue 7 §4).",
                _("指标不合格项识别"),
            ),
        ),
        nav=(
            NavLink("ch10", "quality:overview", _("质量总览"), "indicators.view"),
            NavLink("ch10", "quality:catalogue", _("指标目录"), "indicators.view"),
            NavLink("ch10", "quality:targets", _("指标目标"), "indicators.view"),
            NavLink("ch10", "quality:nonconformities", _("不符合项"), "quality.nc.view"),
            NavLink("ch10", "quality:plans", _("改进计划（PDCA）"), "quality.nc.view"),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)

        register_audit_labels(
            {
                "quality.target.set": gettext_noop("设定指标目标"),
            }
        )
        register_system_actors(
            {
                "quality.detect": gettext_noop("系统（质量监测任务）"),
            }
        )

        from hiqc.core.casekinds import register_case_kind

        from .nonconformities.services import KIND
        from .plans.services import PLAN_KIND

        register_case_kind(KIND)
        register_case_kind(PLAN_KIND)

        from hiqc.core.plan_links import register_improvement_opener

        from .plans.services import plan_open_with_actions

        register_improvement_opener(plan_open_with_actions)
