"""``manage.py import_policies FILE``: bulk import of policies from a CSV file (issue 5 §1).

The same service as the upload page and the API (``services.policies_import``), as the system
actor, with a progress bar by bytes read and the same report: created, updated, unchanged, bad
rows by line.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from hiqc.core.access import Actor
from hiqc.core.errors import ValidationFailed
from hiqc.policies.services import policies_import


class Command(BaseCommand):
    help = (
        "Import policies from a CSV file with a header row (number, product, org_unit, "
        "holder_id_number, insured_id_numbers, relation, start_date, end_date, premium_yuan, "
        "status); idempotent by policy number."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the CSV file")
        parser.add_argument("--show", type=int, default=20, help="bad rows to list (default 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        console = Console(file=cast(IO[str], self.stdout._out), highlight=False)
        if not console.is_terminal:
            console.width = 120
        progress = Progress(
            TextColumn("导入保单"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=options["verbosity"] == 0,
        )
        with progress, path.open("rb") as handle:
            task = progress.add_task("import", total=path.stat().st_size)
            try:
                report = policies_import(
                    actor=Actor.system("import_policies"),
                    source=handle,
                    origin="command",
                    file_name=path.name,
                    on_progress=lambda n: progress.advance(task, n),
                )
            except ValidationFailed as exc:
                raise CommandError(f"{exc.message} {exc.fields}") from exc
        console.print(
            f"Read {report.rows_read:,} rows in {report.seconds:.1f} s "
            f"({report.rows_per_second:,.0f} rows/s): created {report.created:,}, "
            f"updated {report.updated:,}, unchanged {report.unchanged:,}, "
            f"rejected {report.rejected_total:,}."
        )
        if report.rejected and options["show"]:
            table = Table(title="Rejected rows", title_justify="left")
            for column in ("line", "field", "problem"):
                table.add_column(column)
            for r in report.rejected[: options["show"]]:
                table.add_row(str(r.line), r.field or "—", r.problem)
            console.print(table)
            more = report.rejected_total - min(len(report.rejected), options["show"])
            if more:
                console.print(f"… and {more:,} more rejected rows.")
