"""``manage.py import_products FILE``: import product versions from a CSV or an Excel workbook
(issue 17 §1). The same service as the upload page and the API (``catalogue_import``), as the
system actor: products created, versions created, drafts updated, versions published, rows
unchanged, bad rows by line and field. Re-running the same file changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiqc.core.access import Actor
from hiqc.core.errors import ValidationFailed
from hiqc.policies.catalogue_import import COLUMNS, catalogue_import


class Command(BaseCommand):
    help = (
        "Import product versions from a CSV or .xlsx file with a header row ("
        + ", ".join(COLUMNS)
        + "); rows with effective_from are published; idempotent (docs/samples/products.csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the CSV or .xlsx file")
        parser.add_argument("--show", type=int, default=20, help="bad rows to list (default 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as handle:
            try:
                report = catalogue_import(
                    actor=Actor.system("import_products"),
                    source=handle,
                    origin="command",
                    file_name=path.name,
                )
            except ValidationFailed as exc:
                raise CommandError(f"{exc.message} {exc.fields}") from exc
        self.stdout.write(
            f"Read {report.rows_read} rows: products created {report.products_created}, "
            f"versions created {report.versions_created}, drafts updated "
            f"{report.versions_updated}, published {report.versions_published}, unchanged "
            f"{report.unchanged}, rejected {report.rejected_total}."
        )
        for r in report.rejected[: options["show"]]:
            self.stdout.write(f"  line {r.line} {r.field or '—'}: {r.problem}")
        more = len(report.rejected) - min(len(report.rejected), options["show"])
        if more or report.rejected_more:
            self.stdout.write(f"  … and {more + report.rejected_more} more problems.")
