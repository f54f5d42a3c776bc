"""The risk register's code lists, permission and 5×5 scale labels (standard 9.2.1; issue 20 §4).

The five likelihood and five impact labels are HIQC design defaults (P): no regulation fixes them.
The rating bands are rules (``hiqc.compliance.risks.scale``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# read with compliance.view (scoped by the risk's unit); written with this one
RISK_MANAGE = "compliance.risk_manage"


class RiskCategory(models.TextChoices):
    """The six categories of issue 20 §4 (9.2.1(1): identify risks in every line of business)."""

    MARKET = "market", _("市场风险")
    CREDIT = "credit", _("信用风险")
    OPERATIONAL = "operational", _("操作风险")
    COMPLIANCE = "compliance", _("合规风险")
    INFOSEC = "infosec", _("信息安全风险")
    REPUTATIONAL = "reputational", _("声誉风险")


class ReviewStatus(models.TextChoices):
    CURRENT = "current", _("评估有效")
    REVIEW_NEEDED = "review_needed", _("待重新评估")


class Band(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")
    EXTREME = "extreme", _("极高")


class RatingKind(models.TextChoices):
    """Why a rating history line was written."""

    INITIAL = "initial", _("初次评估")
    REVIEW = "review", _("重新评估")
    CONTROLS = "controls", _("控制测试结果变化")
    EDIT = "edit", _("修改")


class KriDirection(models.TextChoices):
    HIGHER_WORSE = "higher_worse", _("数值越高风险越大")
    LOWER_WORSE = "lower_worse", _("数值越低风险越大")


class KriStatus(models.TextChoices):
    NO_DATA = "no_data", _("无数据")
    OK = "ok", _("正常")
    WARNING = "warning", _("预警")
    BREACH = "breach", _("突破限额")


class TreatmentStatus(models.TextChoices):
    OPEN = "open", _("待实施")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


# design defaults (P): the 5×5 scale's words (9.2.1(3) quantitative assessment)
LIKELIHOOD_LABELS = {
    1: _("极少发生"),
    2: _("不太可能"),
    3: _("可能"),
    4: _("很可能"),
    5: _("几乎确定"),
}
IMPACT_LABELS = {
    1: _("轻微"),
    2: _("较小"),
    3: _("中等"),
    4: _("重大"),
    5: _("灾难性"),
}
