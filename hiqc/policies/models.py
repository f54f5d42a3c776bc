"""The product catalogue and policies (issue 5 §1; issue 17, ADR 0019).

A product belongs to one health-insurance line; its terms are versioned (3.1.1, 3.3.1): a
``ProductVersion`` holds the responsibilities, sum insured options, insurance period, premium
basis, waiting period, renewability, health-management services, the claim types covered and, per
claim type, the documents a claim needs (the checklist the one-time notice works through, CL-1). A
version is a draft until it is published with a date in force, then frozen. A policy has a holder
and insured persons (customers), an org unit, a period, a premium and the version it was sold
under.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel

from .enums import ClaimType, PolicyStatus, PremiumBasis, ProductLine, Relation, Renewal


class Product(BaseModel):
    code = models.CharField(_("产品代码"), max_length=40, unique=True)
    name = models.CharField(_("产品名称"), max_length=100)
    line = models.CharField(_("险种"), max_length=30, choices=ProductLine.choices)
    description = models.TextField(_("产品说明"), blank=True)
    active = models.BooleanField(_("在售"), default=True)

    unscoped: ClassVar[str] = "the insurer's product catalogue, shared by every branch"

    class Meta:
        ordering = ("code",)
        verbose_name = _("产品")
        verbose_name_plural = _("产品")

    def __str__(self) -> str:
        return self.name


class ProductVersion(BaseModel):
    """A product's terms (3.1.1) as of a date: a draft until published, then frozen (ADR 0019).

    Its state is derived, not stored: no ``effective_from`` — draft; otherwise scheduled, in
    force or superseded by the next published version's date (``selectors.version_state``)."""

    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    coverage = models.JSONField(
        _("保险责任"), default=list, blank=True, help_text=_("[{code, name, description}]")
    )
    sum_insured_options = models.JSONField(_("保险金额档次（元）"), default=list, blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("保险期间（年）"), default=1, help_text=_("决定理赔档案保存期（CL-9）")
    )
    premium_basis = models.CharField(
        _("费率基础"), max_length=20, choices=PremiumBasis.choices, default=PremiumBasis.AGE_BANDED
    )
    net_premium_yuan = models.DecimalField(
        _("参考年净保费（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("健康管理服务成本占比的分母（PR-1）"),
    )
    waiting_period_days = models.PositiveSmallIntegerField(_("等待期（天）"), default=0)
    renewal = models.CharField(
        _("续保条件"), max_length=20, choices=Renewal.choices, default=Renewal.NONE
    )
    health_services = models.JSONField(
        _("健康管理服务"), default=list, blank=True, help_text=_("[{name, cost_yuan}]")
    )
    claim_types = models.JSONField(_("可理赔类型"), default=list)
    change_summary = models.TextField(_("版本说明"), blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    unscoped: ClassVar[str] = "part of the product catalogue"

    class Meta:
        ordering = ("product", "number")
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="product_version_unique")
        ]
        verbose_name = _("产品版本")
        verbose_name_plural = _("产品版本")

    def __str__(self) -> str:
        return f"{self.product_id} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.effective_from is not None

    @property
    def health_service_cost_yuan(self) -> Decimal:
        return sum(
            (Decimal(str(s.get("cost_yuan") or 0)) for s in self.health_services or []),
            Decimal("0.00"),
        )

    @property
    def health_service_share(self) -> Decimal | None:
        """Health-management service cost ÷ the reference net premium (PR-1); None without one."""
        if not self.net_premium_yuan:
            return None
        return self.health_service_cost_yuan / self.net_premium_yuan


class DocumentRequirement(BaseModel):
    """One item of a product version's claim checklist for a claim type."""

    version = models.ForeignKey(
        ProductVersion,
        verbose_name=_("产品版本"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    claim_type = models.CharField(_("理赔类型"), max_length=30, choices=ClaimType.choices)
    code = models.CharField(_("材料代码"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=100)
    required = models.BooleanField(_("必需"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    unscoped: ClassVar[str] = "part of the product catalogue"

    class Meta:
        ordering = ("version", "claim_type", "position", "code")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "claim_type", "code"], name="document_requirement_unique"
            )
        ]
        verbose_name = _("理赔材料要求")
        verbose_name_plural = _("理赔材料要求")

    def __str__(self) -> str:
        return self.name


class Policy(BaseModel):
    number = models.CharField(_("保单号"), max_length=40, unique=True)
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="policies"
    )
    product_version = models.ForeignKey(
        ProductVersion,
        verbose_name=_("销售时的产品版本"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    holder = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("投保人"),
        on_delete=models.PROTECT,
        related_name="policies_held",
    )
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("承保机构"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    start_date = models.DateField(_("生效日"))
    end_date = models.DateField(_("满期日"))
    premium_yuan = models.DecimalField(_("保费（元）"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("保单状态"), max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE
    )

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-start_date", "number")
        indexes = [models.Index(fields=["org_unit", "start_date"])]
        verbose_name = _("保单")
        verbose_name_plural = _("保单")

    def __str__(self) -> str:
        return self.number


class PolicyInsured(BaseModel):
    policy = models.ForeignKey(
        Policy, verbose_name=_("保单"), on_delete=models.CASCADE, related_name="insured"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("被保险人"),
        on_delete=models.PROTECT,
        related_name="policies_insured",
    )
    relation = models.CharField(
        _("与投保人关系"), max_length=10, choices=Relation.choices, default=Relation.SELF
    )

    scope_path: ClassVar[str | None] = "policy__org_unit__path"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "customer"], name="policy_insured_unique")
        ]
        verbose_name = _("被保险人")
        verbose_name_plural = _("被保险人")

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.customer_id}"
