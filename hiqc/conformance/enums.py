"""The conformance app's permissions and the self-assessment round's states (issue 22 §3;
ADRs 0034, 0035). Clause statuses are the kernel's (``hiqc.core.evidence.EvidenceStatus``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW = "conformance.view"
ASSESS = "conformance.assess"  # open a round, judge its clauses, submit, refresh, cancel
SIGN_OFF = "conformance.sign_off"  # sign a submitted round off (or return it)


class RoundStatus(models.TextChoices):
    """A self-assessment round: in progress → submitted → signed off (or cancelled)."""

    IN_PROGRESS = "in_progress", _("自评中")
    SUBMITTED = "submitted", _("待签署")
    SIGNED_OFF = "signed_off", _("已签署")
    CANCELLED = "cancelled", _("已撤销")
