"""Products and policies as far as claims need them (issue 5 §1; chapter 3 extends products).

A product belongs to one health-insurance line, covers some claim types and lists, per claim
type, the documents a claim needs (the checklist the one-time notice works through, CL-1). A
policy has a holder and insured persons (customers), an org unit, a period and a premium.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel

from .enums import ClaimType, PolicyStatus, ProductLine, Relation


class Product(BaseModel):
    code = models.CharField(_("产品代码"), max_length=40, unique=True)
    name = models.CharField(_("产品名称"), max_length=100)
    line = models.CharField(_("险种"), max_length=30, choices=ProductLine.choices)
    claim_types = models.JSONField(_("可理赔类型"), default=list)
    term_years = models.PositiveSmallIntegerField(
        _("保险期间（年）"), default=1, help_text=_("决定理赔档案保存期（CL-9）")
    )
    active = models.BooleanField(_("在售"), default=True)

    unscoped: ClassVar[str] = "the insurer's product catalogue, shared by every branch"

    class Meta:
        ordering = ("code",)
        verbose_name = _("产品")
        verbose_name_plural = _("产品")

    def __str__(self) -> str:
        return self.name


class DocumentRequirement(BaseModel):
    """One item of a product's claim checklist for a claim type."""

    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.CASCADE, related_name="documents"
    )
    claim_type = models.CharField(_("理赔类型"), max_length=30, choices=ClaimType.choices)
    code = models.CharField(_("材料代码"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=100)
    required = models.BooleanField(_("必需"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    unscoped: ClassVar[str] = "part of the product catalogue"

    class Meta:
        ordering = ("product", "claim_type", "position", "code")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "claim_type", "code"], name="document_requirement_unique"
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
