"""Rows/s of the call-record bulk import on SQLite and PostgreSQL (a benchmark, not a test).

    .venv/bin/python bench/bench_call_import.py [--rows 1000000] [--engines sqlite,postgresql]

Issue 4 §2 asks for ≥ 50,000 rows/s on PostgreSQL. The script writes N valid call records to
``var/bench-calls-<N>.csv`` (once; reused by later runs), then for each engine imports the file
through ``services.calls_import`` — the path behind the upload page, the API and
``manage.py import_calls`` — on a throw-away database, and imports it a second time (every row a
duplicate). Indicators are not recomputed (``recompute=False``): this measures ingestion.

SQLite runs on a temporary file; PostgreSQL on ``HIQC_BENCH_DATABASE_URL`` or
``postgres://postgres@127.0.0.1:5432/hiqc_bench``, a database the script creates and drops.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/hiqc_bench"
UNITS = ("BJ-CY", "BJ-HD", "GD-GZ", "GD-SZ", "SC-CD")
QUEUES = ("consultation", "consultation", "consultation", "complaint", "claims", "other")


def write_file(
    path: Path,
    rows: int,
    *,
    prefix: str = "B",
    units: tuple[str, ...] | list[str] = UNITS,
    start: datetime | None = None,
) -> None:
    """``rows`` valid call records 20 s apart from ``start`` (also the reliability suite's file,
    scripts/reliability_suite/imports.py)."""
    rnd = random.Random(2026)
    if start is None:
        start = datetime(2025, 1, 1, 8, 0)  # noqa: DTZ001  (written without offset: Beijing time)
    header = "call_id,queue,org_unit,offered_at,answered_at,ended_at,agent,abandoned,ivr_only\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        lines = []
        for i in range(rows):
            offered = start + timedelta(seconds=i * 20 + rnd.randrange(20))
            roll = rnd.random()
            answered = ""
            agent = ""
            abandoned = ivr = "false"
            if roll < 0.05:
                ended, ivr = offered + timedelta(seconds=40), "true"
            elif roll < 0.12:
                ended, abandoned = offered + timedelta(seconds=rnd.randrange(1, 90)), "true"
            else:
                ans = offered + timedelta(seconds=rnd.randrange(0, 45))
                ended = ans + timedelta(seconds=rnd.randrange(60, 600))
                answered, agent = ans.isoformat(sep=" "), f"A{rnd.randrange(500):04d}"
            lines.append(
                f"{prefix}{i:010d},{QUEUES[i % len(QUEUES)]},{units[i % len(units)]},"
                f"{offered.isoformat(sep=' ')},{answered},{ended.isoformat(sep=' ')},"
                f"{agent},{abandoned},{ivr}\n"
            )
            if len(lines) >= 50_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)


def run_engine(engine: str, url: str, path: Path, rows: int) -> None:
    """One engine in a fresh interpreter: Django binds its database at set-up."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--rows", str(rows)],
        env=env,
        check=True,
    )


def child(path: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from hiqc.callcentre.models import CallRecord
    from hiqc.callcentre.services import calls_import
    from hiqc.core.access import Actor
    from hiqc.demo.org import load_org_tree

    settings.DEBUG = False  # no query log
    db = settings.DATABASES["default"]
    old_name = db["NAME"]
    if connection.vendor == "sqlite":  # a file, as in production, not the in-memory test default
        db.setdefault("TEST", {})["NAME"] = str(old_name)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        load_org_tree()
        actor = Actor.system("bench")
        size = path.stat().st_size
        for label in ("first import", "re-import (all duplicates)"):
            with path.open("rb") as handle:
                started = time.perf_counter()
                report = calls_import(
                    actor=actor, source=handle, file_name=path.name, recompute=False
                )
                seconds = time.perf_counter() - started
            print(
                f"{connection.vendor:<10} {label:<27} {report.rows_read:>9,} rows "
                f"{seconds:7.1f} s  {report.rows_read / seconds:>9,.0f} rows/s  "
                f"(inserted {report.inserted:,}, duplicates {report.duplicates:,}, "
                f"rejected {report.rejected_total:,}; {size / 1e6:.0f} MB)",
                flush=True,
            )
        assert CallRecord.objects.count() == report.rows_read
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child))
        return
    path = ROOT / "var" / f"bench-calls-{args.rows}.csv"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        started = time.perf_counter()
        write_file(path, args.rows)
        print(f"wrote {path.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    print(f"machine: {os.cpu_count()} cores; file {path.stat().st_size / 1e6:.0f} MB")
    engines = args.engines.split(",")
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as tmp:
            run_engine("sqlite", f"sqlite:///{tmp}/bench.sqlite3", path, args.rows)
    if "postgresql" in engines:
        run_engine(
            "postgresql", os.environ.get("HIQC_BENCH_DATABASE_URL", DEFAULT_PG), path, args.rows
        )


if __name__ == "__main__":
    main()
