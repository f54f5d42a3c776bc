from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiqc.core.access import Actor
from hiqc.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the configured database (pg_dump --format=custom on PostgreSQL, the online "
        "backup API on SQLite) into a file encrypted with the current field-encryption key, with "
        "a manifest beside it (<name>.manifest.json). Default directory: HIQC_BACKUP_DIR. "
        "Check a backup with `restore FILE --verify`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", dest="directory", help="directory (default HIQC_BACKUP_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(
                actor=Actor.system("manage.py backup"), directory=options["directory"]
            )
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        payload = result.manifest["payload"]
        head = result.manifest["audit_head"]
        counts = result.manifest["row_counts"]
        self.stdout.write(f"Backup:   {result.payload}")
        self.stdout.write(f"Manifest: {result.manifest_path}")
        self.stdout.write(
            f"  {payload['size']} bytes, SHA-256 {payload['sha256']}, key {payload['key_id']}"
        )
        self.stdout.write(
            f"  {len(counts)} tables, {sum(counts.values())} rows, audit head #{head['seq']}, "
            f"{len(result.manifest['indicator_sample'])} indicator values sampled"
        )
        self.stdout.write(
            self.style.SUCCESS("Backup written. Verify it with: restore FILE --verify")
        )
