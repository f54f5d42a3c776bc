from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role


class PoliciesConfig(AppConfig):
    name = "hiqc.policies"
    label = "policies"
    verbose_name = "保单与产品"
    manifest = Manifest(
        urls=(("policies/", "hiqc.policies.urls"),),
        api_routers=("hiqc.policies.api.router",),
        permissions={
            "policies.view": _("查看产品与保单"),
            "policies.manage": _("维护产品目录、导入保单"),
        },
        roles={
            Role.QUALITY_LEAD: ("policies.view", "policies.manage"),
            Role.BRANCH_MANAGER: ("policies.view",),
            Role.CONSULTATION_AGENT: ("policies.view",),
            Role.COMPLAINT_HANDLER: ("policies.view",),
            Role.CLAIMS_HANDLER: ("policies.view",),
            Role.CLAIMS_REVIEWER: ("policies.view",),
            Role.CALL_CENTRE_SUPERVISOR: ("policies.view",),
            Role.COMPLIANCE_OFFICER: ("policies.view",),
            Role.RISK_MANAGER: ("policies.view",),
            Role.PRODUCT_MANAGER: ("policies.view", "policies.manage"),
            Role.AUDITOR: ("policies.view",),
            Role.SYSTEM_ADMIN: ("policies.manage",),
        },
        nav=(
            NavLink("ch5", "policies:list", _("保单查询"), "policies.view"),
            NavLink("ch5", "policies:products", _("产品目录"), "policies.view"),
            NavLink("ch5", "policies:import", _("保单导入"), "policies.manage"),
            NavLink("ch3", "policies:catalogue", _("产品目录"), "policies.view"),
        ),
    )

    def ready(self) -> None:
        from hiqc.core.retention import register_reference

        from .retention import customers_needed

        # holders and insured are kept while the policy file is (CL-9; ADR 0031)
        register_reference("customers.Customer", "policies.files", customers_needed)
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors

        register_audit_labels(
            {
                "policies.import": gettext_noop("导入保单"),
                "products.catalogue.create": gettext_noop("新建产品"),
                "products.catalogue.product_update": gettext_noop("修改产品信息"),
                "products.catalogue.draft": gettext_noop("新建产品版本草稿"),
                "products.catalogue.update": gettext_noop("修改产品版本草稿"),
                "products.catalogue.checklist": gettext_noop("修改理赔材料清单"),
                "products.catalogue.discard": gettext_noop("放弃产品版本草稿"),
                "products.catalogue.publish": gettext_noop("发布产品版本"),
                "products.catalogue.import": gettext_noop("导入产品目录"),
            }
        )
        register_system_actors(
            {
                "import_policies": gettext_noop("命令行（导入保单）"),
                "import_products": gettext_noop("命令行（导入产品目录）"),
            }
        )
