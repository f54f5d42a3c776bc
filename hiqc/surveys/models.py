"""Customer satisfaction surveys (standard 4.3, 5.3.2(2); issue 6).

* ``Questionnaire`` / ``Question`` — versioned head-office configuration: a published version is
  frozen; publishing the same code again creates version n+1. A ``Response`` keeps the version it
  answered.
* ``SurveyPlan`` — goal, scope (an org-unit subtree, products, channels), the sampling frame drawn
  from real records, method, schedule, sample size from the wanted margin of error, quotas per
  stratum, the contact-fatigue rule and the event trigger (N days after the case event, a sampling
  rate).
* ``Invitation`` — one customer asked about one case. The link token is shown once and stored only
  as a keyed hash; it is single use and expires. The invitation carries the case's org unit,
  channel, product and handler so every answer is attributed without re-reading the case.
* ``SurveyResponse`` — the answers (partial until submitted) with the overall satisfaction (1–5)
  and likelihood to recommend (0–10) copied out for fast statistics.
* ``OptOut`` — a customer who asked not to be surveyed again (honoured by every plan).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.crypto import EncryptedTextField
from hiqc.core.models import BaseModel, CaseModel
from hiqc.core.personaldata import Basis, DataClass, Declared, not_personal

from .enums import (
    Delivery,
    Frame,
    Frequency,
    InvitationStatus,
    Method,
    PlanStatus,
    QuestionKind,
    QuestionnaireStatus,
    ResponseMode,
    Stratify,
)


class Questionnaire(CaseModel):
    """A questionnaire version: a case of ``workflow.QUESTIONNAIRE_WORKFLOW`` (draft → published
    → retired). ``number`` is the version number within the code (v1, v2, …); ``version`` (from
    CaseModel) is the row's edit counter for the 409 on a stale page."""

    code = models.SlugField(_("编码"), max_length=40)
    number = models.PositiveIntegerField(_("版本号"), default=1)
    title = models.CharField(_("标题"), max_length=120)
    intro = models.TextField(_("开场说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=40, db_index=True, choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.DRAFT,
    )  # fmt: skip
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.CharField(_("发布人"), max_length=150, blank=True)
    # head-office configuration shared by every branch: owned by the head office (the root unit's
    # path), so the engine checks ``surveys.manage`` over the head office for its actions
    org_path = models.CharField(_("机构路径"), max_length=255, blank=True)

    scope_path: ClassVar[str] = "org_path"

    class Meta:
        ordering = ("code", "-number")
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        constraints = [
            models.UniqueConstraint(fields=("code", "number"), name="surveys_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.status != QuestionnaireStatus.DRAFT


class Question(BaseModel):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    code = models.SlugField(_("编码"), max_length=40)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    help = models.CharField(_("说明"), max_length=300, blank=True)
    # choices: [{"value": "a", "label": "…"}]; matrix rows: [{"code": "speed", "label": "…"}]
    options = models.JSONField(_("选项"), default=list, blank=True)
    rows = models.JSONField(_("矩阵行"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=False)
    # shown only when another question's answer is one of the values: {"question": code,
    # "values": [...]}; for scales and NPS the values are the numbers that show it
    show_if = models.JSONField(_("显示条件"), default=dict, blank=True)
    scale = models.SlugField(_("量表"), max_length=40, blank=True)  # items of one scale (alpha)
    overall = models.BooleanField(_("总体满意度题"), default=False)  # the CSAT question

    unscoped: ClassVar[str] = "part of a head-office questionnaire"

    class Meta:
        ordering = ("questionnaire", "position")
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        constraints = [
            models.UniqueConstraint(fields=("questionnaire", "code"), name="surveys_question_code")
        ]

    def __str__(self) -> str:
        return self.text


class SurveyPlan(CaseModel):
    """A survey plan: a case of ``workflow.PLAN_WORKFLOW`` (draft → active → closed)."""

    name = models.CharField(_("名称"), max_length=120)
    goal = models.TextField(_("调查目标"))
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("调查范围（机构）"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    frame = models.CharField(_("调查对象来源"), max_length=30, choices=Frame.choices)
    method = models.CharField(_("调查方式"), max_length=10, choices=Method.choices)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="plans",
        null=True, blank=True,
    )  # fmt: skip
    products = models.JSONField(_("产品范围（编码）"), default=list, blank=True)
    channels = models.JSONField(_("渠道范围"), default=list, blank=True)
    frequency = models.CharField(
        _("频次"), max_length=12, choices=Frequency.choices, default=Frequency.CONTINUOUS
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    # sample size from the wanted margin of error (a share, e.g. 0.05) and confidence (percent)
    margin = models.DecimalField(_("允许误差"), max_digits=4, decimal_places=3, default=0.05)
    confidence = models.PositiveSmallIntegerField(_("置信水平（%）"), default=95)
    expected_response_percent = models.PositiveSmallIntegerField(_("预期回收率（%）"), default=30)
    sample_size = models.PositiveIntegerField(_("目标有效样本量"), default=0)
    stratify_by = models.CharField(
        _("分层"), max_length=10, choices=Stratify.choices, default=Stratify.ORG_UNIT, blank=True
    )
    quotas = models.JSONField(_("各层配额（邀请数）"), default=dict, blank=True)
    fatigue_days = models.PositiveSmallIntegerField(_("同一客户最短调查间隔（天）"), default=90)
    delay_days = models.PositiveSmallIntegerField(_("事件后几天发出邀请"), default=3)
    sampling_percent = models.PositiveSmallIntegerField(_("抽样比例（%）"), default=30)
    valid_days = models.PositiveSmallIntegerField(_("邀请有效期（天）"), default=14)
    reminder_days = models.PositiveSmallIntegerField(_("几天未答发送提醒"), default=5)
    retention_days = models.PositiveIntegerField(_("答卷保存期限（天）"), default=730)
    status = models.CharField(
        _("状态"), max_length=40, db_index=True, choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
    )  # fmt: skip
    created_by = models.CharField(_("创建人"), max_length=150, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "stratify_by": not_personal(_("抽样分层依据（机构、产品等），不是人员")),
    }

    class Meta:
        ordering = ("-start_date", "name")
        verbose_name = _("满意度调查方案")
        verbose_name_plural = _("满意度调查方案")

    def __str__(self) -> str:
        return self.name


class Invitation(BaseModel):
    plan = models.ForeignKey(
        SurveyPlan, verbose_name=_("调查方案"), on_delete=models.CASCADE,
        related_name="invitations",
    )  # fmt: skip
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_encrypted = models.TextField(editable=False)  # for reminders with the same link
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.PROTECT, related_name="+"
    )
    # the case that prompted the survey; attribution is copied so answers never re-read it
    case_type = models.CharField(_("案件类型"), max_length=60, blank=True)
    case_id = models.CharField(_("案件 ID"), max_length=64, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=40, blank=True)
    event_at = models.DateTimeField(_("触发事件时间"), null=True, blank=True)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(_("机构路径"), max_length=255)
    channel = models.CharField(_("渠道"), max_length=20, blank=True)
    product_code = models.CharField(_("产品"), max_length=40, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    stratum = models.CharField(_("分层"), max_length=80, blank=True)
    delivery = models.CharField(_("发送方式"), max_length=10, choices=Delivery.choices)
    destination = models.CharField(_("发送至（掩码）"), max_length=80, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.SENT
    )
    sent_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("有效期至"))
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("首次打开时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("退订时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "token_hash": not_personal(_("问卷链接令牌的散列，不含个人信息")),
    }

    class Meta:
        ordering = ("-sent_at",)
        verbose_name = _("调查邀请")
        verbose_name_plural = _("调查邀请")
        indexes = [
            models.Index(fields=["plan", "sent_at"], name="surveys_invitation_plan_idx"),
            models.Index(fields=["customer", "sent_at"], name="surveys_invitation_cust_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("plan", "case_type", "case_id"), condition=~models.Q(case_id=""),
                name="surveys_invitation_case_unique",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.case_number or self.pk}"


class SurveyResponse(BaseModel):
    invitation = models.OneToOneField(
        Invitation, verbose_name=_("调查邀请"), on_delete=models.CASCADE, related_name="response"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷版本"), on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("回答（选择与评分）"), default=dict, blank=True)
    # free text may hold personal data: encrypted at rest, masked on display (issue 6 §7)
    text_answers = EncryptedTextField(_("文字回答"), blank=True)
    mode = models.CharField(_("方式"), max_length=10, choices=ResponseMode.choices)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("访问员"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("总体满意度（1–5）"), null=True, blank=True)
    recommend = models.PositiveSmallIntegerField(_("推荐意愿（0–10）"), null=True, blank=True)
    org_path = models.CharField(_("机构路径"), max_length=255)

    scope_path: ClassVar[str] = "org_path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "text_answers": Declared(
            DataClass.PERSONAL,
            _("满意度调查的文字回答，用于改进服务"),
            Basis.CONSENT,
            _("调查方案规定的答卷保存期（默认 730 天）"),
        ),
    }

    class Meta:
        ordering = ("-submitted_at",)
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")

    def __str__(self) -> str:
        return str(self.invitation_id)

    @property
    def complete(self) -> bool:
        return self.submitted_at is not None

    @property
    def texts(self) -> dict[str, str]:
        return json.loads(self.text_answers) if self.text_answers else {}

    @property
    def all_answers(self) -> dict[str, Any]:
        return {**self.answers, **self.texts}


class OptOut(BaseModel):
    customer = models.OneToOneField(
        "customers.Customer", verbose_name=_("客户"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("退订时间"))
    source = models.CharField(_("来源"), max_length=40, blank=True)

    scope_path: ClassVar[str] = "customer__org_unit__path"

    class Meta:
        verbose_name = _("调查退订")
        verbose_name_plural = _("调查退订")

    def __str__(self) -> str:
        return str(self.customer_id)


from .mystery.models import MysteryScenario, MysteryScore, MysteryVisit  # noqa: E402,F401  (mystery shopping, issue 6 §4)
