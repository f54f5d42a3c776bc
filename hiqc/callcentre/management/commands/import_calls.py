"""``manage.py import_calls FILE [--format csv|jsonl]``: bulk import of call records (issue 4 §2).

The same service as the upload page and the API (``services.calls_import``), as the system actor,
with a progress bar by bytes read and the same report: inserted, duplicates, bad rows by line.
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

from hiqc.callcentre.enums import ImportFormat, ImportSource
from hiqc.callcentre.services import calls_import
from hiqc.core.access import Actor
from hiqc.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Import call records from a CSV (with header) or JSON-lines file; idempotent by call_id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the CSV or JSON-lines file")
        parser.add_argument(
            "--format",
            choices=ImportFormat.values,
            help="csv or jsonl (default: from the file extension; .jsonl/.ndjson/.json → jsonl)",
        )
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help="do not recompute the call-centre indicators of the days imported",
        )
        parser.add_argument("--show", type=int, default=20, help="bad rows to list (default 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        file_format = options["format"] or (
            ImportFormat.JSONL if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"
        )
        console = Console(file=cast(IO[str], self.stdout._out), highlight=False)
        if not console.is_terminal:
            console.width = 120
        progress = Progress(
            TextColumn("导入话务"),
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
                report = calls_import(
                    actor=Actor.system("import_calls"),
                    source=handle,
                    file_format=file_format,
                    origin=ImportSource.COMMAND,
                    file_name=path.name,
                    on_progress=lambda n: progress.advance(task, n),
                    recompute=not options["no_recompute"],
                )
            except ValidationFailed as exc:
                raise CommandError(f"{exc.message} {exc.fields}") from exc
        console.print(
            f"Read {report.rows_read:,} rows in {report.seconds:.1f} s "
            f"({report.rows_per_second:,.0f} rows/s): inserted {report.inserted:,}, "
            f"duplicates {report.duplicates:,}, rejected {report.rejected_total:,}."
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
