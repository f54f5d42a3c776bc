"""``manage.py mining_tables_refresh [--full]``: bring the mining tables up to the event log
(issue 16): the cases with new events (the periodic job's work), or every case with ``--full``
(after a process version changed the design the conformance was replayed against)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hiqc.process_management import eventlog


class Command(BaseCommand):
    help = "Refresh the process-mining tables from the event log (--full: rebuild them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild every case's rows")

    def handle(self, *args: Any, **options: Any) -> None:
        result = eventlog.rebuild() if options["full"] else eventlog.refresh()
        self.stdout.write(f"cases written: {result['cases']}")
