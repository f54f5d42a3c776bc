"""Health-insurance lines, claim types and policy states (standard ch. 5; glossary)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductLine(models.TextChoices):
    MEDICAL = "medical", _("医疗保险")
    CRITICAL_ILLNESS = "critical_illness", _("疾病保险")
    LONG_TERM_CARE = "long_term_care", _("护理保险")
    DISABILITY_INCOME = "disability_income", _("失能收入损失保险")
    MEDICAL_ACCIDENT = "medical_accident", _("医疗意外保险")


class ClaimType(models.TextChoices):
    MEDICAL_REIMBURSEMENT = "medical_reimbursement", _("医疗费用报销")
    CRITICAL_ILLNESS = "critical_illness", _("重大疾病给付")
    HOSPITAL_CASH = "hospital_cash", _("住院津贴")
    DISABILITY = "disability", _("失能给付")
    CARE = "care", _("护理给付")


class PolicyStatus(models.TextChoices):
    IN_FORCE = "in_force", _("有效")
    LAPSED = "lapsed", _("失效")
    TERMINATED = "terminated", _("终止")
    SURRENDERED = "surrendered", _("退保")


class Relation(models.TextChoices):
    SELF = "self", _("本人")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class PremiumBasis(models.TextChoices):
    AGE_BANDED = "age_banded", _("按年龄分档费率")
    LEVEL = "level", _("均衡费率")
    FLAT = "flat", _("统一费率")


class Renewal(models.TextChoices):
    NONE = "none", _("不可续保")
    NON_GUARANTEED = "non_guaranteed", _("非保证续保")
    GUARANTEED = "guaranteed", _("保证续保")


# A product version's derived state (ADR 0019; ``selectors.version_state``).
VERSION_STATES = {
    "draft": _("草稿"),
    "scheduled": _("待生效"),
    "in_force": _("生效中"),
    "superseded": _("已停用"),
}
