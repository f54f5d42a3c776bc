from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role

from .enums import ATTEST, MANAGE, VIEW
from .risks.enums import RISK_MANAGE


class ComplianceConfig(AppConfig):
    """Compliance (standard 9.1; issue 20 §1, §2, §7 part; ADR 0024): the obligations register
    (laws → obligations → controls), regulatory changes with their impact assessment case,
    automatic controls tested on HIQC's own data per unit and month, manual controls attested with
    evidence, and the findings tied to the control that should have prevented them. The risk
    register, KRIs, emergency plans, drills and incidents (§4–§6) come later and reference
    ``Control``."""

    name = "hiqc.compliance"
    label = "compliance"
    verbose_name = "合规管理"
    manifest = Manifest(
        urls=(("compliance/", "hiqc.compliance.urls"),),
        api_routers=(
            "hiqc.compliance.api.router",
            "hiqc.compliance.inspections.api.router",
            "hiqc.compliance.risks.api.router",
        ),
        permissions={
            VIEW: _("查看合规义务登记簿、控制措施及其检测结果、法规变化与影响评估"),
            MANAGE: _("维护合规登记簿：登记法规变化、办理影响评估、运行控制检测"),
            ATTEST: _("对人工控制措施作出定期声明并上传证据"),
            RISK_MANAGE: _("维护风险登记簿：登记与评估风险、设置关键风险指标、办理风险应对计划"),
        },
        roles={
            Role.COMPLIANCE_OFFICER: (VIEW, MANAGE, ATTEST, RISK_MANAGE),
            Role.QUALITY_LEAD: (VIEW, ATTEST),
            Role.BRANCH_MANAGER: (VIEW, ATTEST),
            Role.RISK_MANAGER: (VIEW, RISK_MANAGE),
            Role.AUDITOR: (VIEW,),
        },
        periodic=(
            Periodic(
                "compliance.controls_monthly",
                "hiqc.compliance.tasks.controls_monthly_job",
                daily_beijing(3, 20),  # daily, so a missed 1st is caught up
                "Test every automatic control on last month and this month so far, per unit "
                "(a rerun replaces the month's results).",
                _("合规控制检测"),
            ),
            Periodic(
                "compliance.risks_daily",
                "hiqc.compliance.risks.tasks.risks_daily_job",
                daily_beijing(4, 10),  # after the controls' run
                "Refresh every risk's residual rating from its controls' latest tests and "
                "evaluate every key risk indicator (a breach raises the risk for review).",
                _("风险登记簿每日评估"),
            ),
        ),
        nav_sections=(("ch9", _("合规与风险管理（第9章）"), "ch10"),),
        nav=(
            NavLink("ch9", "compliance:overview", _("合规概览"), VIEW),
            NavLink("ch9", "compliance:register", _("合规义务登记簿"), VIEW),
            NavLink("ch9", "compliance:controls", _("控制措施"), VIEW),
            NavLink("ch9", "compliance:changes", _("法规变化与影响评估"), VIEW),
            NavLink("ch9", "compliance:inspections", _("合规检查"), VIEW),
            NavLink("ch9", "compliance:risks", _("风险登记簿"), VIEW),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.casekinds import register_case_kind

        from . import checks, controls, evidence  # noqa: F401  (evidence: the standard, ADR 0034)
        from .inspections import services as inspections
        from .risks import scale
        from .risks.services import TREATMENT_KIND
        from .services import KIND

        assert checks.CLAIMS_IN_TIME in controls.CHECKS
        controls.register()
        inspections.register()
        register_case_kind(KIND)
        register_case_kind(inspections.KIND)
        scale.register()
        register_case_kind(TREATMENT_KIND)
        _register_upload_limits()
        register_audit_labels(
            {
                "compliance.control.run": gettext_noop("运行合规控制检测"),
                "compliance.attest": gettext_noop("作出控制措施声明"),
                "compliance.change.record": gettext_noop("登记法规变化"),
                "compliance.inspection_plan.create": gettext_noop("制定合规检查计划"),
                "compliance.inspection.report": gettext_noop("出具合规检查报告"),
                "compliance.risk.create": gettext_noop("登记风险"),
                "compliance.risk.update": gettext_noop("修改风险"),
                "compliance.risk.review": gettext_noop("重新评估风险"),
                "compliance.risk.review_raised": gettext_noop("提示风险需重新评估"),
                "compliance.kri.create": gettext_noop("设置关键风险指标"),
                "compliance.kri.evaluate": gettext_noop("关键风险指标状态变化"),
            }
        )


def _register_upload_limits() -> None:
    """The attestation doors (page and API) refuse a body larger than the evidence may be before
    reading it (``hiqc.core.bodylimit``)."""
    from django.utils.translation import gettext as _

    from hiqc.core.bodylimit import body_limit_register

    from .services import MB, max_evidence_bytes

    def limit() -> int:
        return max_evidence_bytes() + 256 * 1024  # the file and the statement

    def hint() -> str:
        return _("证据文件不超过 {n} MB。").format(n=max_evidence_bytes() // MB)

    body_limit_register("compliance:control", limit, field="evidence", hint=hint)
    body_limit_register("api:compliance_attestation_upload", limit, field="evidence", hint=hint)
