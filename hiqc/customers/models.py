"""Customers (policyholders, insured, claimants, complainants) with encrypted personal data.

ID number, mobile, e-mail, address and bank account are encrypted at rest (AES-GCM, key id stored
with each value); ID number and mobile are found by exact match through keyed hashes (PI-1, PI-4).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.crypto import EncryptedTextField
from hiqc.core.models import BaseModel
from hiqc.core.personaldata import Basis, DataClass, Declared

from .enums import Gender, IdType, RevealableField


class Customer(BaseModel):
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("归属机构"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    name = models.CharField(_("姓名"), max_length=100, db_index=True)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = EncryptedTextField(_("证件号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    gender = models.CharField(
        _("性别"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN
    )
    mobile = EncryptedTextField(_("手机号码"), blank=True)
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = EncryptedTextField(_("电子邮箱"), blank=True)
    address = EncryptedTextField(_("联系地址"), blank=True)
    bank_account = EncryptedTextField(_("银行账号"), blank=True)
    kinds = models.JSONField(_("客户身份"), default=list, blank=True)
    # where the data last came from (6.1.2, PIPL art. 13; ADR 0031)
    collection = models.ForeignKey(
        "core.CollectionRecord",
        verbose_name=_("信息来源"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # set when the retention job anonymised the customer (6.1.3(3); ADR 0031)
    anonymised_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    scope_path: ClassVar[str | None] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "name": Declared(
            DataClass.PERSONAL,
            _("识别客户，办理承保、理赔、投诉与回访"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "id_number": Declared(
            DataClass.SENSITIVE,
            _("核验客户身份（实名制与反洗钱要求）"),
            Basis.LEGAL_DUTY,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "id_number_hash": Declared(
            DataClass.PERSONAL,
            _("按证件号码精确查找客户（不可逆的密钥散列）"),
            Basis.LEGAL_DUTY,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "birth_date": Declared(
            DataClass.PERSONAL,
            _("核保、理赔时计算年龄"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "gender": Declared(
            DataClass.PERSONAL,
            _("核保、理赔与服务统计"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "mobile": Declared(
            DataClass.PERSONAL,
            _("联系客户：理赔通知、投诉答复、满意度回访"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "mobile_hash": Declared(
            DataClass.PERSONAL,
            _("按手机号码精确查找客户（不可逆的密钥散列）"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "email": Declared(
            DataClass.PERSONAL,
            _("向客户发送通知与文书"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "address": Declared(
            DataClass.PERSONAL,
            _("寄送保险合同、理赔与投诉文书"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
        "bank_account": Declared(
            DataClass.SENSITIVE,
            _("支付理赔款（金融账户，敏感个人信息）"),
            Basis.CONTRACT,
            _("理赔档案保存期：短期险终止后 5 年、长期险终止后 10 年（CL-9，保险法第八十七条）"),
            "claims.retention_years_long",
        ),
    }

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="customer_identity_unique",
            )
        ]
        verbose_name = _("客户")
        verbose_name_plural = _("客户")

    def __str__(self) -> str:
        return self.name


class RevealRecord(BaseModel):
    """An access record: who saw which personal field of whom, when and why (PI-4, 6.2.3)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="reveals"
    )
    field = models.CharField(_("字段"), max_length=20, choices=RevealableField.choices)
    purpose = models.CharField(_("查看用途"), max_length=200)
    actor_id = models.UUIDField(_("查看人 ID"), null=True)
    actor_name = models.CharField(_("查看人"), max_length=150)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=64, blank=True)

    scope_path: ClassVar[str | None] = "customer__org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "ip": Declared(
            DataClass.PERSONAL,
            _("记录查看敏感信息的来源地址，用于安全审计"),
            Basis.LEGAL_DUTY,
            _("不少于 184 天（PI-8，网络安全法第二十一条）"),
            "audit.retention_days",
        ),
    }

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")


class CustomerQualityTally(BaseModel):
    """One owning unit's customer-data quality on one day (standard 6.1.1; ADR 0031): counts
    only — how many customers, how many with any problem, with a problem of accuracy (anything
    but staleness), and per problem (``quality.PROBLEMS``). Written by the nightly job
    ``customers.quality_tally`` (``quality.quality_tally_run``); the data-quality page and the
    evidence rule ``customers.data_accurate`` read it instead of decrypting every customer."""

    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(_("机构路径"), max_length=255, db_index=True)  # on the day
    day = models.DateField(_("统计日期"), db_index=True)
    total = models.PositiveIntegerField(_("客户数"))
    with_problem = models.PositiveIntegerField(_("有数据问题的客户数"))
    inaccurate = models.PositiveIntegerField(_("信息缺失或无效的客户数"))  # all but stale
    counts = models.JSONField(_("各类问题的客户数"), default=dict)  # problem → customers

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("-day", "org_path")
        verbose_name = _("客户数据质量统计")
        verbose_name_plural = _("客户数据质量统计")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "day"], name="customer_quality_tally_unique"
            )
        ]
