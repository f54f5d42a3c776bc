from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.processdocs import doc_path, sync


class Command(BaseCommand):
    help = (
        "Write each registered process's generated flowchart and tables into docs/domains/<app>.md."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="fail if a committed file is stale"
        )
        parser.add_argument(
            "--docs-dir",
            type=Path,
            default=None,
            help="another docs folder (then test-only case kinds are written too)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        docs_dir: Path | None = options["docs_dir"]
        kinds = [
            k
            for k in CASE_KINDS.values()
            if docs_dir is not None or k.model.__module__.startswith("hiqc.")
        ]
        target = docs_dir or Path(settings.BASE_DIR) / "docs"
        changed = [doc_path(k, target) for k in kinds if sync(k, target, check=options["check"])]
        if options["check"] and changed:
            raise CommandError(
                "stale generated docs (run manage.py process_docs): " + ", ".join(map(str, changed))
            )
        for path in changed:
            self.stdout.write(f"updated {path}")
