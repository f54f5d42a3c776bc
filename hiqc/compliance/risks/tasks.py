"""The risk register's job (DESIGN rule 7): take nothing, build a system actor, call one service."""

from __future__ import annotations

from hiqc.core.access import Actor

from .services import risks_daily


def risks_daily_job() -> dict[str, int]:
    """Daily: residual ratings from the controls' latest tests; every KRI read (9.2.1(3))."""
    return risks_daily(actor=Actor.system("compliance.risks"))
