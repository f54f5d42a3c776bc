from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role


class SurveysConfig(AppConfig):
    name = "hiqc.surveys"
    label = "surveys"
    verbose_name = "满意度调查"
    manifest = Manifest(
        urls=(
            ("surveys/", "hiqc.surveys.urls"),
            ("s/", "hiqc.surveys.public_urls"),
        ),
        api_routers=("hiqc.surveys.api.router",),
        permissions={
            "surveys.view": _("查看满意度调查结果"),
            "surveys.manage": _("制定调查方案、维护问卷"),
            "surveys.interview": _("电话访问并录入答卷"),
            "surveys.shop": _("神秘客户走访与评分"),
        },
        roles={
            Role.QUALITY_LEAD: (
                "surveys.view",
                "surveys.manage",
                "surveys.interview",
                "surveys.shop",
            ),
            Role.BRANCH_MANAGER: ("surveys.view",),
            Role.CONSULTATION_AGENT: ("surveys.interview",),
            Role.CLAIMS_REVIEWER: ("surveys.view",),
            Role.CALL_CENTRE_SUPERVISOR: ("surveys.view", "surveys.interview"),
            Role.COMPLIANCE_OFFICER: ("surveys.view",),
            Role.AUDITOR: ("surveys.view",),
        },
        periodic=(
            Periodic(
                "surveys.invitations_daily",
                "hiqc.surveys.tasks.invitations_daily_job",
                daily_beijing(10, 0),
                "Survey invitations for cases whose event is due (delay, sampling rate, contact "
                "fatigue, quotas), then expire and remind (issue 6 §3).",
                _("满意度调查邀请"),
            ),
        ),
        nav=(
            NavLink("ch4", "surveys:plans", _("满意度调查"), "surveys.view"),
            NavLink("ch4", "surveys:interviews", _("电话回访"), "surveys.interview"),
            NavLink("ch4", "surveys:mystery_visits", _("神秘客户走访"), "surveys.shop"),
            NavLink("ch4", "surveys:mystery_results", _("神秘客户结果"), "surveys.view"),
        ),
    )

    def ready(self) -> None:
        from hiqc.core.retention import register_retention

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .retention import POLICY as RETENTION_POLICY

        register_retention(RETENTION_POLICY)  # issue 21 §2: removed by the kernel's job
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_finding_kinds

        register_finding_kinds(
            {
                "surveys.mystery.below_pass": gettext_noop("神秘顾客走访未达合格分"),
                "surveys.mystery.fatal": gettext_noop("神秘顾客走访出现否决项"),
            }
        )
        register_audit_labels(
            {
                "surveys.mystery.assign": gettext_noop("分派神秘顾客走访"),
                "surveys.mystery.cancel": gettext_noop("取消神秘顾客走访"),
                "surveys.mystery.record": gettext_noop("登记神秘顾客走访结果"),
                "surveys.mystery.scenario_create": gettext_noop("新建走访场景"),
                "surveys.mystery.scenario_new_version": gettext_noop("走访场景新版本"),
                "surveys.mystery.scenario_publish": gettext_noop("发布走访场景"),
                "surveys.mystery.scenario_update": gettext_noop("修改走访场景"),
                "surveys.plan.create": gettext_noop("新建调查计划"),
                "surveys.plan.status": gettext_noop("调查计划状态变更"),
                "surveys.questionnaire.new_version": gettext_noop("问卷新版本"),
                "surveys.questionnaire.publish": gettext_noop("发布问卷"),
                "surveys.report.export": gettext_noop("导出调查报告"),
                "surveys.response.phone": gettext_noop("录入电话回访答卷"),
            }
        )

        from hiqc.core.casekinds import register_case_kind
        from hiqc.core.productfigures import register_product_figure

        from . import indicators  # the satisfaction indicators, and satisfaction by product
        from .mystery.services import SCENARIO_KIND, VISIT_KIND
        from .questionnaires import QUESTIONNAIRE_KIND
        from .rules import register_rules
        from .services import PLAN_KIND

        register_product_figure(
            "satisfaction", gettext_noop("客户满意度"), indicators.satisfaction_by_product
        )
        indicators.register_person_measures()  # satisfaction in the staff assessment
        register_rules()
        for kind in (PLAN_KIND, QUESTIONNAIRE_KIND, SCENARIO_KIND, VISIT_KIND):
            register_case_kind(kind)
