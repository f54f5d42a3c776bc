"""``manage.py recompute_indicators --from --to``: backfill indicator rows with a progress bar."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date
from rich.progress import Progress

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import GRANULARITIES, INDICATORS, indicators_compute


class Command(BaseCommand):
    help = (
        "Recompute indicator rows for a date range (idempotent: each period is replaced). Each "
        "indicator is read once for the whole range per granularity; one step of the progress "
        "bar per indicator and granularity (a family of indicators read together is one step)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--code", action="append", help="indicator code (repeatable; default: all)"
        )
        parser.add_argument(
            "--granularity",
            action="append",
            choices=GRANULARITIES,
            help="repeatable; default: day and month (15-minute rows only when asked for)",
        )
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (Beijing)")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD, exclusive")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = parse_date(options["start"] or ""), parse_date(options["end"] or "")
        if start is None or end is None or end <= start:
            raise CommandError("--from and --to must be dates (YYYY-MM-DD) with --to after --from")
        codes = options["code"] or list(INDICATORS)
        unknown = set(codes) - set(INDICATORS)
        if unknown:
            raise CommandError(
                f"unknown indicator(s): {sorted(unknown)}; known: {sorted(INDICATORS)}"
            )
        begin = datetime.combine(start, time.min, tzinfo=BEIJING)
        finish = datetime.combine(end, time.min, tzinfo=BEIJING)
        steps = _steps(codes, options["granularity"] or ["day", "month"])
        written = 0
        with Progress() as progress:
            bar = progress.add_task("Computing indicators", total=len(steps))
            for granularity, group in steps:
                progress.update(bar, description=f"{group[0]} ({granularity})")
                written += indicators_compute(
                    codes=group, granularity=granularity, start=begin, end=finish
                )
                progress.advance(bar)
        self.stdout.write(
            self.style.SUCCESS(f"{written} rows written for {len(steps)} indicator step(s).")
        )


def _steps(codes: list[str], granularities: list[str]) -> list[tuple[str, list[str]]]:
    """(granularity, codes) per progress step: one indicator, or the members of one family."""
    steps: list[tuple[str, list[str]]] = []
    for granularity in granularities:
        families: dict[str, list[str]] = {}
        for code in codes:
            indicator = INDICATORS[code]
            if granularity not in indicator.granularities or indicator.samples is not None:
                continue
            if indicator.family is None:
                steps.append((granularity, [code]))
            elif indicator.family.name not in families:
                families[indicator.family.name] = [code]
                steps.append((granularity, families[indicator.family.name]))
            else:
                families[indicator.family.name].append(code)
    return steps
