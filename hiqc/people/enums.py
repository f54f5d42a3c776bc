"""The people app's code lists (standard 7.1.2, 7.1.3; issue 18 §1–§3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Content(models.TextChoices):
    """What training covers (7.1.2)."""

    CULTURE = "culture", _("企业文化与价值观")
    BUSINESS = "business", _("业务知识（含产品与法律法规）")
    SERVICE = "service", _("服务技能（含投诉处理）")
    TEAMWORK = "teamwork", _("团队协作与领导力")


class Topic(models.TextChoices):
    """What a course is about across the contents of 7.1.2 (issue 20 §3, issue 21 §5; ADR 0029):
    the subjects other chapters require by role — compliance (9.1.2(3)), information-security
    awareness (6.2.1), personal-information protection (6.1)."""

    COMPLIANCE = "compliance", _("合规")
    SECURITY_AWARENESS = "security_awareness", _("信息安全意识")
    PERSONAL_INFORMATION = "personal_information", _("个人信息保护")
    ANTI_FRAUD = "anti_fraud", _("反保险欺诈")


class Form(models.TextChoices):
    """How training is given (7.1.3)."""

    CLASSROOM = "classroom", _("课堂讲授")
    ONLINE = "online", _("在线学习")
    DRILL = "drill", _("实操演练")
    SHARING = "sharing", _("经验分享")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")
    SHORT = "short", _("简答题（人工评分）")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("容易")
    MEDIUM = 2, _("中等")
    HARD = 3, _("困难")


class Qualification(models.TextChoices):
    """The qualifications that gate work (4.1.2, 4.2.2, 5.3.3, 8.2.6). A code list, not a table:
    the rules that say which one a case kind needs offer them as choices (ADR 0020)."""

    COMPLAINT_HANDLER = "complaint_handler", _("投诉处理上岗资格")
    CLAIMS_SPECIALIST = "claims_specialist", _("理赔专员资格")
    INSPECTOR = "inspector", _("质检员资格")
    CONSULTATION_AGENT = "consultation_agent", _("咨询坐席上岗资格")
    # equipment operators (8.2.6; issue 19 §7): facilities names them per equipment category
    TELEPHONY_OPERATOR = "telephony_operator", _("电话与呼叫系统操作培训合格")
    SELF_SERVICE_OPERATOR = "self_service_operator", _("自助服务终端操作培训合格")


class CertificateSource(models.TextChoices):
    EXAM = "exam", _("考试合格")
    GRANTED = "granted", _("培训管理员认定")


# permissions (declared in the app's manifest)
TRAINING_VIEW = "training.view"
TRAINING_MANAGE = "training.manage"
EXAMS_TAKE = "exams.take"
EXAMS_MANAGE = "exams.manage"
CERTIFICATES_VIEW = "certificates.view"
CERTIFICATES_MANAGE = "certificates.manage"
TRAINING_ATTEND = "training.attend"
CERTIFICATES_REASSIGN = "certificates.reassign"
