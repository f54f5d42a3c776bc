"""Consultations (咨询) across channels, their topic taxonomy and the suggestions they turn into.

Standard 4.1.1 (multi-channel reception with a defined process), 4.1.3(2) (first-contact
resolution), 4.1.3(3) (conversion into a complaint or suggestion, linked), 4.1.3(4) (recording
reference). Personal data of anonymous callers is encrypted like a customer's (PI-1, PI-4).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.crypto import EncryptedTextField
from hiqc.core.models import BaseModel, CaseModel
from hiqc.core.personaldata import SAME_AS_RECORD, Basis, DataClass, Declared
from hiqc.customers.enums import Channel

from .enums import ConsultationStatus, SuggestionStatus


class TopicCategory(BaseModel):
    """Level 1 of the topic taxonomy (e.g. 理赔咨询). Head-office configuration."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    unscoped: ClassVar[str | None] = "one insurer-wide taxonomy maintained by head office"

    class Meta:
        ordering = ("position", "code")
        verbose_name = _("咨询类别")
        verbose_name_plural = _("咨询类别")

    def __str__(self) -> str:
        return self.name


class Topic(BaseModel):
    """Level 2 of the taxonomy: what a consultation is recorded against. A topic that has been
    used is never deleted (PROTECT); it can be deactivated so it is no longer offered."""

    category = models.ForeignKey(
        TopicCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="topics"
    )
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    unscoped: ClassVar[str | None] = "one insurer-wide taxonomy maintained by head office"

    class Meta:
        ordering = ("category__position", "position", "code")
        verbose_name = _("咨询主题")
        verbose_name_plural = _("咨询主题")

    def __str__(self) -> str:
        return f"{self.category.name} / {self.name}"


class Consultation(CaseModel):
    """One consultation, run by the workflow in ``workflow.py``. ``assignee`` is the handler."""

    number = models.CharField(_("咨询编号"), max_length=32, unique=True)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("受理机构"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    contact_name = models.CharField(_("来电人称呼"), max_length=60, blank=True)
    contact_mobile = EncryptedTextField(_("联系电话"), blank=True)
    contact_mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    topic = models.ForeignKey(
        Topic, verbose_name=_("咨询主题"), on_delete=models.PROTECT, related_name="consultations"
    )
    question = models.TextField(_("咨询内容"))
    answer = models.TextField(_("答复内容"), blank=True)
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    first_contact_resolution = models.BooleanField(_("首次接触解决"), default=False)
    call_id = models.CharField(_("通话流水号"), max_length=64, blank=True, db_index=True)
    recording_ref = models.CharField(_("录音/录像编号"), max_length=255, blank=True)
    # set when the retention job anonymised it (6.1.3(3); consultations.retention)
    anonymised_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("转投诉"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )

    scope_path: ClassVar[str | None] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "contact_name": Declared(
            DataClass.PERSONAL, _("称呼来电或来访客户，回复咨询"), Basis.CONTRACT, SAME_AS_RECORD
        ),
        "contact_mobile": Declared(
            DataClass.PERSONAL, _("回复咨询、回访"), Basis.CONTRACT, SAME_AS_RECORD
        ),
        "contact_mobile_hash": Declared(
            DataClass.PERSONAL,
            _("按来电号码查找历史咨询（不可逆的密钥散列）"),
            Basis.CONTRACT,
            SAME_AS_RECORD,
        ),
    }

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = [
            models.Index(fields=["org_unit", "received_at"], name="consult_unit_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_contact_resolution=False)
                | models.Q(status=ConsultationStatus.RESOLVED),
                name="consult_fcr_only_when_resolved",
            ),
        ]
        verbose_name = _("咨询")
        verbose_name_plural = _("咨询")

    def __str__(self) -> str:
        return f"{self.number} · {self.status_label}"

    @property
    def status_label(self) -> str:
        return str(dict(ConsultationStatus.choices).get(self.status, self.status))


class Suggestion(CaseModel):
    """A customer's suggestion (建议), usually converted from a consultation (4.1.3(3)), run by
    the workflow ``workflow.SUGGESTION``. ``assignee`` is the agent who follows it up."""

    number = models.CharField(_("建议编号"), max_length=32, unique=True)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("来源咨询"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestion",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    content = models.TextField(_("建议内容"))
    status = models.CharField(_("状态"), max_length=20, choices=SuggestionStatus.choices)
    response = models.TextField(_("处理意见"), blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("建议")
        verbose_name_plural = _("建议")

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self) -> str:
        return str(dict(SuggestionStatus.choices).get(self.status, self.status))
