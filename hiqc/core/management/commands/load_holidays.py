from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hiqc.core.access import Actor
from hiqc.core.services import calendar_years_load


class Command(BaseCommand):
    help = (
        "Load or correct years of the official holiday calendar from a CSV file with lines "
        "`date,type,name` (type: holiday | workday). Each year in the file replaces that year's "
        "table; bad lines are reported with their numbers and the good ones still load."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--note", default="", help="where the schedule comes from")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        report = calendar_years_load(
            actor=Actor.system("load_holidays"),
            text=path.read_text(encoding="utf-8-sig"),
            note=options["note"] or path.name,
        )
        for year, days in report.years.items():
            self.stdout.write(f"{year}: {days} days loaded")
        for line, problem in report.rejected:
            self.stderr.write(f"{path}:{line}: {problem}")
        if report.rejected:
            raise CommandError(
                f"{len(report.rejected)} line(s) rejected; the other lines were loaded."
            )
        if not report.years:
            raise CommandError("no calendar days found in the file")
