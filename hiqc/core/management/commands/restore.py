from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiqc.core.access import Actor
from hiqc.core.backup import backup_restore_test


class Command(BaseCommand):
    help = (
        "Restore test of a backup made by `backup`: with --verify, decrypt FILE and restore it "
        "into a scratch database (a temporary PostgreSQL database on the same server, dropped "
        "afterwards, or a temporary SQLite file) — never the live one — then compare it with its "
        "manifest: payload SHA-256, row counts per table, migration state, the audit chain and "
        "its head, and the sampled indicator values. Exits 1 on any mismatch. Restoring onto the "
        "live database is not part of this command: do that by hand with pg_restore (or by "
        "replacing the SQLite file) after a passing restore test."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the encrypted backup (.hiqcbak)")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="restore into a scratch database and compare with the manifest (required)",
        )
        parser.add_argument(
            "--manifest", help="the manifest (default: <name>.manifest.json beside FILE)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["verify"]:
            raise CommandError(
                "Only a restore test is supported: add --verify. Restoring onto the live database "
                "is not part of this command."
            )
        report = backup_restore_test(
            actor=Actor.system("manage.py restore"),
            path=options["file"],
            manifest=options["manifest"],
        )
        self.stdout.write(f"Restore test of {report.record.file_name}")
        for item in report.checks:
            mark = self.style.SUCCESS("  OK  ") if item["ok"] else self.style.ERROR("  FAIL")
            self.stdout.write(f"{mark} {item['check']:<17} {item['detail']}")
        if not report.ok:
            failed = ", ".join(c["check"] for c in report.checks if not c["ok"])
            raise CommandError(f"Restore test FAILED ({failed}).")
        self.stdout.write(self.style.SUCCESS("Restore test passed."))
