from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role

EVALUATE = "products.evaluate"
SCORE = "products.evaluation.score"


class ProductsConfig(AppConfig):
    """Product design (standard chapter 3): R&D projects through stage gates with the compliance
    review checklist, adaptability evaluation and in-market monitoring (issue 17; ADR 0019). The
    catalogue itself (products, versions, claim checklists) is ``hiqc.policies``."""

    name = "hiqc.products"
    label = "products"
    verbose_name = "产品设计与管理"
    manifest = Manifest(
        urls=(("products/", "hiqc.products.urls"),),
        api_routers=(
            "hiqc.products.api.router",
            "hiqc.products.evaluation.api.router",
            "hiqc.products.monitoring.api.router",
        ),
        permissions={
            "products.view": _("查看产品研发、适应性评价与产品监测"),
            EVALUATE: _("组织产品适应性评价"),
            SCORE: _("担任产品适应性评价专家"),
        },
        roles={
            Role.QUALITY_LEAD: ("products.view", EVALUATE, SCORE),
            Role.PRODUCT_MANAGER: ("products.view", EVALUATE, SCORE),
            Role.COMPLIANCE_OFFICER: ("products.view", SCORE),
            Role.RISK_MANAGER: ("products.view", SCORE),
            Role.BRANCH_MANAGER: ("products.view", SCORE),
            Role.AUDITOR: ("products.view",),
        },
        nav_sections=(("ch3", _("产品设计（第3章）"), "ch4"),),
        nav=(
            NavLink("ch3", "products:monitoring", _("产品监测"), "products.view"),
            NavLink("ch3", "products:evaluations", _("适应性评价"), "products.view"),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.casekinds import register_case_kind

        from .evaluation.services import ROUND_KIND
        from .monitoring.targets import register_rules

        register_audit_labels(
            {
                "products.evaluation.score": gettext_noop("保存产品适应性评价评分"),
                "products.evaluation.submit": gettext_noop("提交产品适应性评价评分"),
            }
        )
        register_case_kind(ROUND_KIND)
        register_rules()
