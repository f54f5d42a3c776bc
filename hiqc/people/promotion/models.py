"""Promotion with public notice (standard 7.3.2–7.3.3; issue 18 §6).

App label ``people``: ``hiqc.people.models`` imports this module so that Django finds it.

* ``Promotion`` — a case (see ``workflow``): a person of a unit put forward for a named position
  and grade, by themself (员工自荐, 7.3.3(1)) or by their department (部门推荐, 7.3.3(2)); the
  comprehensive evaluation on the three criteria of 7.3.2 (工作绩效, 业务能力, 综合素质), each
  scored 0–100 by the evaluator with its evidence (7.3.3(3)); the public notice and its
  working-day clock; the decision (7.3.3(4)).
* ``Objection`` — one objection lodged during the notice by anyone of the unit or below. The
  objector is recorded (``objector``) and shown only to the handlers; the text is encrypted at
  rest. Each objection is answered: upheld (the promotion stops) or dismissed, with reasons.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.calendar import BEIJING
from hiqc.core.crypto import EncryptedTextField
from hiqc.core.models import BaseModel, CaseModel
from hiqc.core.personaldata import SAME_AS_RECORD, Basis, DataClass, Declared


class PromotionStatus(models.TextChoices):
    NOMINATED = "nominated", _("已提名")
    EVALUATED = "evaluated", _("已完成综合评估")
    NOTICE = "notice", _("公示中")
    REVIEW = "review", _("公示期满")
    APPOINTED = "appointed", _("已任命")
    STOPPED = "stopped", _("异议成立，已终止")
    REJECTED = "rejected", _("未予晋升")


class PromotionRoute(models.TextChoices):
    SELF = "self", _("员工自荐")  # 7.3.3(1)
    DEPARTMENT = "department", _("部门推荐")  # 7.3.3(2)


class Criterion(models.TextChoices):
    """The promotion criteria of 7.3.2."""

    PERFORMANCE = "performance", _("工作绩效")  # 7.3.2(1)
    ABILITY = "ability", _("业务能力")  # 7.3.2(2)
    CONDUCT = "conduct", _("综合素质")  # 7.3.2(3): ethics, teamwork


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待答复")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Promotion(CaseModel):
    status = models.CharField(_("状态"), max_length=40, db_index=True,
                              choices=PromotionStatus.choices)  # fmt: skip
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("晋升人选"),
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    # the candidate's unit when put forward: the notice is shown to this unit and below
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("所属机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    route = models.CharField(_("提名方式"), max_length=20, choices=PromotionRoute.choices)
    current_position = models.CharField(_("现任岗位"), max_length=120, blank=True)
    position = models.CharField(_("拟任岗位"), max_length=120)
    grade = models.CharField(_("拟任职级"), max_length=60, blank=True)
    reason = models.TextField(_("推荐（自荐）理由"), max_length=2000)
    nominated_by = models.CharField(_("提名人"), max_length=150)
    nominated_at = models.DateTimeField(_("提名时间"))
    # comprehensive evaluation (7.3.2, 7.3.3(3)): {criterion: {"score": 0–100, "note": "…"}}
    scores = models.JSONField(_("综合评估评分"), default=dict, blank=True)
    overall = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=1, null=True,
                                  blank=True)  # fmt: skip
    # the assessment result the performance score rests on: a reference or grade text today,
    # a link to the assessment record once assessments exist (issue 18 §4)
    assessment_ref = models.CharField(_("考核结果（引用或等级）"), max_length=200, blank=True)
    # what HIQC knew of the candidate's ability when evaluated (exam passes, current certificates)
    ability_evidence = models.JSONField(_("业务能力依据"), default=list, blank=True)
    evaluator = models.CharField(_("评估人"), max_length=150, blank=True)
    evaluated_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    # public notice (7.3.3(4)): the number of working days in force when it was published
    notice_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), null=True, blank=True)
    notice_from = models.DateTimeField(_("公示开始"), null=True, blank=True)
    notice_until = models.DateTimeField(_("公示截止"), null=True, blank=True)
    notice_text = models.TextField(_("公示内容"), blank=True, max_length=2000)
    decided_by = models.CharField(_("决定人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    effective_on = models.DateField(_("任命生效日期"), null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True, max_length=2000)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta(CaseModel.Meta):
        app_label = "people"
        ordering = ("-nominated_at",)
        verbose_name = _("晋升")
        verbose_name_plural = _("晋升")

    def __str__(self) -> str:
        return f"{self.position}"

    @property
    def notice_last_day(self) -> date | None:
        """The notice's last day (Beijing), its ``notice_until`` being the exclusive end."""
        if self.notice_until is None:
            return None
        return (self.notice_until - timedelta(microseconds=1)).astimezone(BEIJING).date()


class Objection(BaseModel):
    promotion = models.ForeignKey(Promotion, verbose_name=_("晋升"), on_delete=models.CASCADE,
                                  related_name="objections")  # fmt: skip
    objector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("异议人"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    text = EncryptedTextField(_("异议内容"))
    lodged_at = models.DateTimeField(_("提出时间"))
    outcome = models.CharField(_("处理结果"), max_length=20, choices=ObjectionStatus.choices,
                               default=ObjectionStatus.PENDING)  # fmt: skip
    answer = models.TextField(_("答复理由"), blank=True, max_length=2000)
    answered_by = models.CharField(_("答复人"), max_length=150, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    scope_path: ClassVar[str] = "promotion__org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "text": Declared(
            DataClass.PERSONAL, _("晋升公示期内的异议内容，用于核查"), Basis.HR, SAME_AS_RECORD
        ),
    }

    class Meta:
        app_label = "people"
        ordering = ("lodged_at",)
        verbose_name = _("晋升公示异议")
        verbose_name_plural = _("晋升公示异议")
