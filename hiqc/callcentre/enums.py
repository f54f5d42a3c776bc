"""Call-centre enumerations (regulations.md CC-1..CC-4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallQueue(models.TextChoices):
    """The telephony system's queues as HIQC groups them."""

    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    CLAIMS = "claims", _("理赔")
    OTHER = "other", _("其他")


class ImportSource(models.TextChoices):
    PAGE = "page", _("页面上传")
    API = "api", _("接口")
    COMMAND = "command", _("命令行")
    DEMO = "demo", _("演示数据")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSONL = "jsonl", "JSON lines"
