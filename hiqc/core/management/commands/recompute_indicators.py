from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date
from rich.progress import Progress

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import GRANULARITIES, INDICATORS, indicators_compute, periods


class Command(BaseCommand):
    help = "Recompute indicator rows for a date range (idempotent: each period is replaced)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--code", action="append", help="indicator code (repeatable; default: all)"
        )
        parser.add_argument("--granularity", choices=GRANULARITIES, default="day")
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (Beijing)")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD, exclusive")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = parse_date(options["start"] or ""), parse_date(options["end"] or "")
        if start is None or end is None or end <= start:
            raise CommandError("--from and --to must be dates (YYYY-MM-DD) with --to after --from")
        unknown = set(options["code"] or []) - set(INDICATORS)
        if unknown:
            raise CommandError(
                f"unknown indicator(s): {sorted(unknown)}; known: {sorted(INDICATORS)}"
            )
        begin = datetime.combine(start, time.min, tzinfo=BEIJING)
        finish = datetime.combine(end, time.min, tzinfo=BEIJING)
        chunks = list(periods(options["granularity"], begin, finish))
        written = 0
        with Progress() as progress:
            bar = progress.add_task("Computing indicators", total=len(chunks))
            for period in chunks:
                written += indicators_compute(
                    codes=options["code"],
                    granularity=options["granularity"],
                    start=period.start,
                    end=period.end,
                )
                progress.advance(bar)
        self.stdout.write(
            self.style.SUCCESS(f"{written} rows written for {len(chunks)} period(s).")
        )
