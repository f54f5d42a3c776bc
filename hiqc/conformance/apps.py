from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role

from .enums import VIEW


class ConformanceConfig(AppConfig):
    """Conformance (standard 1.1–1.3 and every clause; issue 22 §1, §2, §6 and pages; ADR 0034):
    the standard as data, the evidence rules each app declares next to its capability
    (``hiqc.core.evidence``), the status of every clause per unit and period, computed on request.
    Self-assessment rounds, principles and reports (§3–§5, §7) come later."""

    name = "hiqc.conformance"
    label = "conformance"
    verbose_name = "标准符合性"
    manifest = Manifest(
        urls=(("conformance/", "hiqc.conformance.urls"),),
        api_routers=("hiqc.conformance.api.router",),
        permissions={
            VIEW: _("查看标准条款、证据规则及各机构各期间的条款符合状态"),
        },
        roles={
            Role.QUALITY_LEAD: (VIEW,),
            Role.AUDITOR: (VIEW,),
            Role.COMPLIANCE_OFFICER: (VIEW,),
            Role.BRANCH_MANAGER: (VIEW,),
        },
        nav_sections=(("ch1", _("标准符合性（第1章 总则）"), "ch2"),),
        nav=(
            NavLink("ch1", "conformance:clauses", _("条款符合状态"), VIEW),
            NavLink("ch1", "conformance:principles", _("服务原则"), VIEW),
        ),
    )

    def ready(self) -> None:
        from . import coverage, evidence  # noqa: F401  (control evidence; the N/A and pending lists)
