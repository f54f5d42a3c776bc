"""``manage.py import_claim_events FILE [--bulk]``: events of claims worked in the core system
(issue 5 §7), JSON lines as in ``hiqc/claims/events.py``.

Without ``--bulk`` every event goes through the claims services one by one (each line its own
transaction); with ``--bulk`` (backfills) the same rules run on claims held in memory and the
results are written in batches. Both are idempotent by (source_system, external_id); a progress
bar follows the bytes read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
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

from hiqc.claims.events import claim_events_import, claim_events_import_bulk
from hiqc.claims.events.collection import events_collected
from hiqc.core.access import Actor
from hiqc.core.collection import Channel


def _read(handle: IO[bytes], advance: Callable[[int], None], digest: Any) -> Iterator[bytes]:
    pending = 0
    for line in handle:
        digest.update(line)
        pending += len(line)
        if pending >= 1 << 20:
            advance(pending)
            pending = 0
        yield line
    advance(pending)


class Command(BaseCommand):
    help = (
        "Import core-system claim events (JSON lines); idempotent by source_system + external_id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the JSON-lines file")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="backfill: validate in memory and write in batches (COPY / executemany)",
        )
        parser.add_argument("--show", type=int, default=20, help="rejected lines to list")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        console = Console(file=cast(IO[str], self.stdout._out), highlight=False)
        if not console.is_terminal:
            console.width = 120
        progress = Progress(
            TextColumn("导入理赔事件"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=options["verbosity"] == 0,
        )
        run = claim_events_import_bulk if options["bulk"] else claim_events_import
        actor = Actor.system("import_claim_events")
        digest = hashlib.sha256()
        with progress, path.open("rb") as handle:
            task = progress.add_task("import", total=path.stat().st_size)
            report = run(
                actor=actor,
                lines=_read(handle, lambda n: progress.advance(task, n), digest),
            )
        # the source of what came in (6.1.2): read whole, the digest is the file's
        events_collected(actor=actor, report=report, channel=Channel.SYSTEM,
                         file_sha256=digest.hexdigest(), file_name=path.name)  # fmt: skip
        console.print(
            f"Read {report.lines:,} lines in {report.seconds:.1f} s "
            f"({report.events_per_second:,.0f} events/s): applied {report.applied:,}, "
            f"duplicate {report.duplicate:,}, rejected {report.rejected_total:,}."
        )
        if report.rejected and options["show"]:
            table = Table(title="Rejected events", title_justify="left")
            for column in ("line", "claim", "action", "state", "problem"):
                table.add_column(column)
            for r in report.rejected[: options["show"]]:
                table.add_row(str(r["line"]), r.get("claim", ""), r.get("action", ""),
                              r.get("state", ""), r["problem"])  # fmt: skip
            console.print(table)
            more = report.rejected_total - min(len(report.rejected), options["show"])
            if more:
                console.print(f"… and {more:,} more rejected lines.")
