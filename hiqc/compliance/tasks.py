"""The compliance app's jobs (DESIGN rule 7): take nothing, build a system actor, call one
service."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING

from .services import controls_run_month, month_start


def controls_monthly_job() -> int:
    """On the 1st (and catch-up safe any day after): test every automatic control on the month
    just ended and on the month so far (a rerun replaces the month's results)."""
    today = timezone.now().astimezone(BEIJING).date()
    this_month = month_start(today)
    last_month = month_start(this_month - timedelta(days=1))
    actor = Actor.system("compliance.controls")
    return controls_run_month(actor=actor, period=last_month) + controls_run_month(
        actor=actor, period=this_month
    )
