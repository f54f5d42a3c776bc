"""Complaint classifications (CP-9, CP-10 in ../shared/domain/regulations.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    INVESTIGATING = "investigating", _("调查处理中")
    APPRAISAL = "appraisal", _("外部鉴定中（中止计时）")
    DECIDED = "decided", _("已作出处理决定")
    UNDER_REVIEW = "under_review", _("核查中")
    REVIEWED = "reviewed", _("已核查")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")
    ARCHIVED = "archived", _("已归档")


class Source(models.TextChoices):
    """CP-9: forwarded complaints get the same treatment as direct ones."""

    DIRECT = "direct", _("直接投诉")
    REGULATOR = "regulator", _("监管转送")
    ASSOCIATION = "association", _("行业协会转送")


class DisputeType(models.TextChoices):
    """CP-10 dispute types (监管投诉统计口径)."""

    CLAIMS = "claims", _("理赔")
    SALES = "sales", _("销售")
    SURRENDER = "surrender", _("退保")
    POLICY_SERVICE = "policy_service", _("保全")
    UNDERWRITING = "underwriting", _("承保")
    SERVICE = "service", _("服务")
    OTHER = "other", _("其他")


class ProductLine(models.TextChoices):
    """CP-10 product lines of health insurance."""

    CRITICAL_ILLNESS = "critical_illness", _("疾病保险")
    MEDICAL = "medical", _("医疗保险")
    LONG_TERM_CARE = "long_term_care", _("护理保险")
    DISABILITY_INCOME = "disability_income", _("失能收入损失保险")
    MEDICAL_ACCIDENT = "medical_accident", _("医疗意外保险")
    OTHER = "other", _("其他")


class Nature(models.TextChoices):
    """CP-10 nature of the complaint."""

    CONTRACT_DISPUTE = "contract_dispute", _("合同纠纷")
    SUSPECTED_VIOLATION = "suspected_violation", _("涉嫌违法违规")


class RespondentKind(models.TextChoices):
    BRANCH = "branch", _("机构")
    EMPLOYEE = "employee", _("员工")
    AGENT = "agent", _("代理人")
    PARTNER = "partner", _("合作机构")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("支持投诉请求")
    PARTLY_UPHELD = "partly_upheld", _("部分支持")
    NOT_UPHELD = "not_upheld", _("不支持")
    SETTLED = "settled", _("协商和解")


class LetterKind(models.TextChoices):
    EXTENSION = "extension", _("延期处理告知书")
    FURTHER_EXTENSION = "further_extension", _("再次延期处理告知书")
    APPRAISAL = "appraisal", _("鉴定中止计时告知书")
    DECISION = "decision", _("投诉处理决定书")
    REVIEW = "review", _("核查意见书")
