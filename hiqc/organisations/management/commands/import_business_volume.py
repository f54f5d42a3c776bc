"""manage.py import_business_volume FILE — load business volume (CP-11 denominators) from CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hiqc.core.access import Actor
from hiqc.core.errors import ValidationFailed
from hiqc.core.textfiles import UnreadableText, text_decode
from hiqc.organisations.volumes import volume_import_text


class Command(BaseCommand):
    help = (
        "Import business volume CSV: org_unit,month,premium_yuan,policies_in_force,insured_persons"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:  # the same encodings as the upload (hiqc.core.textfiles)
            text = text_decode(path.read_bytes())
        except UnreadableText as exc:
            raise CommandError(f"{path}: {exc}") from exc
        try:
            report = volume_import_text(
                actor=Actor.system("import_business_volume"), text=text, source=path.name
            )
        except ValidationFailed as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        for r in report.rejected:
            self.stderr.write(f"line {r['line']}: {r['field']}: {r['problem']}")
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"rejected lines {len({r['line'] for r in report.rejected})}"
        )
