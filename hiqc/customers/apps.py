from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import HomeCount, Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role


class CustomersConfig(AppConfig):
    name = "hiqc.customers"
    label = "customers"
    verbose_name = "客户"
    manifest = Manifest(
        urls=(("customers/", "hiqc.customers.urls"),),
        api_routers=("hiqc.customers.api.router",),
        permissions={
            "customers.view": _("查看客户（脱敏）"),
            "customers.edit": _("登记与修改客户"),
            "customers.reveal": _("查看客户敏感信息明文（需说明用途，留痕）"),
        },
        roles={
            Role.QUALITY_LEAD: ("customers.view",),
            Role.BRANCH_MANAGER: ("customers.view", "customers.edit"),
            Role.CONSULTATION_AGENT: ("customers.view", "customers.edit", "customers.reveal"),
            Role.COMPLAINT_HANDLER: ("customers.view", "customers.edit", "customers.reveal"),
            Role.CLAIMS_HANDLER: ("customers.view", "customers.edit", "customers.reveal"),
            Role.CLAIMS_REVIEWER: ("customers.view", "customers.reveal"),
            Role.CALL_CENTRE_SUPERVISOR: ("customers.view",),
            Role.COMPLIANCE_OFFICER: ("customers.view",),
            Role.AUDITOR: ("customers.view",),
        },
        periodic=(
            Periodic(
                "customers.quality_tally",
                "hiqc.customers.tasks.quality_tally_job",
                daily_beijing(4, 40),  # after core.retention_daily has anonymised what is due
                "Count each unit's customers with missing, invalid or stale data for today "
                "(decrypted once; a rerun replaces the day's tally) for the data-quality page "
                "and the evidence of 6.1.1(1).",
                _("客户数据质量统计"),
            ),
        ),
        home_counts=(
            HomeCount("customers.Customer", "customers.view", "customers:list", _("范围内客户")),
        ),
        nav=(
            NavLink("ch4", "customers:list", _("客户"), "customers.view"),
            NavLink("ch6", "customers:reveals", _("敏感信息查看记录"), "audit.view"),
            NavLink("ch6", "customers:quality", _("客户数据质量"), "customers.view"),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from hiqc.core.retention import register_retention
        from hiqc.core.rules import register_rules

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .retention import POLICY as RETENTION_POLICY
        from .retention import RETENTION_YEARS, STALE_YEARS

        register_rules(RETENTION_YEARS, STALE_YEARS)
        register_retention(RETENTION_POLICY)  # customers themselves (ADR 0031)

        from hiqc.core.personaldata import (
            SAME_AS_RECORD,
            Basis,
            DataClass,
            Declared,
            register_link_convention,
        )

        # A link to a customer (a claim's claimant, a complaint's complainant…) is the customer's
        # personal data, held to serve them (issue 21 §1; hiqc.core.personaldata).
        register_link_convention(
            "customers.Customer",
            Declared(
                DataClass.PERSONAL,
                gettext_lazy("关联客户档案，用于办理本业务"),
                Basis.CONTRACT,
                SAME_AS_RECORD,
            ),
        )
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "customer.create": gettext_noop("登记客户"),
                "customer.update": gettext_noop("修改客户信息"),
                "customer.reveal": gettext_noop("查看客户敏感信息明文"),
            }
        )
