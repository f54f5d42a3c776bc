"""Quality-inspection (质检) choices; labels are the Chinese msgids (DESIGN §8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The interactions an inspector can score (standard 4.1.3(2), 4.2.3(2))."""

    CALL = "call", _("通话")
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉处理")


class Reason(models.TextChoices):
    """Why an interaction was sampled (抽样原因)."""

    RANDOM = "random", _("随机抽样")
    LONG_CALL = "long_call", _("长通话")
    REPEAT_CALLER = "repeat_caller", _("重复来电")
    CONVERTED = "converted", _("咨询转投诉")
    COMPLAINT = "complaint", _("投诉处理")


TARGETED = (Reason.CONVERTED, Reason.REPEAT_CALLER, Reason.LONG_CALL, Reason.COMPLAINT)


class TaskStatus(models.TextChoices):
    """A sampled interaction: waiting for an inspector's score, then scored (workflow.TASK)."""

    PENDING = "pending", _("待评分")
    SCORED = "scored", _("已评分")


class ScoreStatus(models.TextChoices):
    """A score and its dispute window (workflow.SCORE): scored (the window runs; the agent may
    dispute) → disputed → upheld / amended, or confirmed when the window ran out unused."""

    SCORED = "scored", _("已评分")
    DISPUTED = "disputed", _("申诉中")
    UPHELD = "upheld", _("申诉维持")
    AMENDED = "amended", _("申诉改分")
    CONFIRMED = "confirmed", _("评分已确认")


class DisputeStatus(models.TextChoices):
    """An agent's dispute (workflow.DISPUTE_CASE): open → upheld / amended by an inspector."""

    OPEN = "open", _("待裁决")
    UPHELD = "upheld", _("维持原评分")
    AMENDED = "amended", _("改正评分")


class Decision(models.TextChoices):
    UPHOLD = "uphold", _("维持原评分")
    AMEND = "amend", _("改正评分")
