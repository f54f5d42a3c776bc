"""Preventive maintenance code lists (standard 8.2.2; issue 19 §4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskState(models.TextChoices):
    PENDING = "pending", _("待保养")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


# The task's steps are its workflow (``workflow.py``, ADR 0032): the engine writes its status.
MAINTAIN = "facilities.maintain"  # record the maintenance of an item (its owners' work)

CHECKLIST_PURPOSE = "facilities.maintenance"
GENERATOR = "facilities_maintenance_generate"  # the daily job's system actor
