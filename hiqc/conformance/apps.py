from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role

from .enums import ASSESS, SIGN_OFF, VIEW


class ConformanceConfig(AppConfig):
    """Conformance (standard 1.1–1.3 and every clause; issue 22; ADRs 0034, 0035): the standard
    as data, the evidence rules each app declares next to its capability (``hiqc.core.evidence``),
    the status of every clause per unit and period, computed on request, and self-assessment
    rounds (a case kind) that store those statuses with the assessor's judgements and sign-off.
    Principles and reports (§4, §5) come later."""

    name = "hiqc.conformance"
    label = "conformance"
    verbose_name = "标准符合性"
    manifest = Manifest(
        urls=(("conformance/", "hiqc.conformance.urls"),),
        api_routers=("hiqc.conformance.api.router",),
        permissions={
            VIEW: _("查看标准条款、证据规则及各机构各期间的条款符合状态"),
            ASSESS: _("开展标准符合性自评估：开始、逐条评定、提交或撤销"),
            SIGN_OFF: _("签署或退回他人提交的标准符合性自评估"),
        },
        roles={
            Role.QUALITY_LEAD: (VIEW, ASSESS, SIGN_OFF),
            Role.AUDITOR: (VIEW,),
            Role.COMPLIANCE_OFFICER: (VIEW,),
            Role.BRANCH_MANAGER: (VIEW, ASSESS),
        },
        nav_sections=(("ch1", _("标准符合性（第1章 总则）"), "ch2"),),
        nav=(
            NavLink("ch1", "conformance:clauses", _("条款符合状态"), VIEW),
            NavLink("ch1", "conformance:principles", _("服务原则"), VIEW),
            NavLink("ch1", "conformance:rounds", _("自评估"), VIEW),
        ),
    )

    def ready(self) -> None:
        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.casekinds import register_case_kind

        from . import coverage, evidence  # noqa: F401  (control evidence; the N/A and pending lists)
        from .services import KIND

        register_case_kind(KIND)
        register_audit_labels({"conformance.round.judge": gettext_noop("评定自评估条款")})
