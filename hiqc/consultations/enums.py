"""Statuses of consultations and suggestions (standard 4.1.1, 4.1.3(3))."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ANSWERED = "answered", _("已答复")
    RESOLVED = "resolved", _("已办结")
    CONVERTED_COMPLAINT = "converted_complaint", _("已转投诉")
    CONVERTED_SUGGESTION = "converted_suggestion", _("已转建议")


class SuggestionStatus(models.TextChoices):
    """A suggestion (建议) has a simple life of its own: registered, then adopted or not."""

    REGISTERED = "registered", _("已登记")
    ADOPTED = "adopted", _("已采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")
