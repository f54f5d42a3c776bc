from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hiqc.core.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain; report the first broken or missing link (exit 1)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
            return
        raise CommandError(
            f"Audit chain broken at event {report.seq}: {report.problem} "
            f"({report.checked} events verified before it)."
        )
