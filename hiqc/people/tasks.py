"""The people app's jobs (DESIGN rule 7: jobs take ids or nothing, build a system actor or none,
and call one service)."""

from __future__ import annotations

from django.utils import timezone

from hiqc.core.calendar import BEIJING

from .assessment.services import cycles_finalise_due
from .renewal import renewal_reminders_send


def renewal_reminders_job() -> int:
    """Daily: renewal reminders before certificates run out (issue 18 §3)."""
    return renewal_reminders_send(today=timezone.now().astimezone(BEIJING).date())


def assessment_finalise_job() -> int:
    """Daily: finalise the assessment cycles whose appeal window has closed with every appeal
    decided (issue 18 §4)."""
    return cycles_finalise_due()
