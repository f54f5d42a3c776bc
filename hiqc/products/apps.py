from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest
from hiqc.organisations.enums import Role


class ProductsConfig(AppConfig):
    """Product design (standard chapter 3): R&D projects through stage gates with the compliance
    review checklist, adaptability evaluation and in-market monitoring (issue 17; ADR 0019). The
    catalogue itself (products, versions, claim checklists) is ``hiqc.policies``."""

    name = "hiqc.products"
    label = "products"
    verbose_name = "产品设计与管理"
    manifest = Manifest(
        urls=(("products/", "hiqc.products.urls"),),
        api_routers=("hiqc.products.api.router",),
        permissions={
            "products.view": _("查看产品研发、适应性评价与产品监测"),
        },
        roles={
            Role.QUALITY_LEAD: ("products.view",),
            Role.PRODUCT_MANAGER: ("products.view",),
            Role.COMPLIANCE_OFFICER: ("products.view",),
            Role.RISK_MANAGER: ("products.view",),
            Role.AUDITOR: ("products.view",),
        },
        nav_sections=(("ch3", _("产品设计（第3章）"), "ch4"),),
    )
