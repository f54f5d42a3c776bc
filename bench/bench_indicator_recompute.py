"""Indicator recompute at 10× the demo volume vs one hand-written SQL query (a benchmark, not a
test).

    .venv/bin/python bench/bench_indicator_recompute.py [--deadlines 2200000] [--engines sqlite,postgresql]

Issue 7 §9 asks how the engine's recompute compares with the same aggregation written as one
hand-tuned query on the same database. The demo closes about 220,000 clocks a year (claims,
complaints, consultations); this script writes ``--deadlines`` (10× by default) closed clocks over
12 months across the demo's leaf units into a throw-away database, then times, for 12 months:

* ``core.deadlines_met_rate`` by day and month through the engine (``indicators_compute``: one
  grouped query for the whole range, rows replaced at once) — and the same figures as one
  ``GROUP BY day, org_path`` query;
* ``claims.paid_on_time_rate`` by day and month, the same way;

and prints each time, the rows produced, and the ratio engine ÷ hand-written SQL. Both sides
produce the same numbers (checked). ``bench_recompute_all.py`` does this for every indicator on
realistic source tables; this one isolates the clock table at 2.2 million rows. SQLite runs on a
temporary file; PostgreSQL on ``HIQC_BENCH_DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/hiqc_bench_recompute``.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/hiqc_bench_recompute"
CASE_TYPES = {"claims": "claims.claim", "complaints": "complaints.complaint",
              "consultation": "consultations.consultation"}  # fmt: skip


def child(deadlines: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    db = settings.DATABASES["default"]
    old_name = db["NAME"]
    if connection.vendor == "sqlite":
        db.setdefault("TEST", {})["NAME"] = str(old_name)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(deadlines)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(deadlines: int) -> None:
    from django.db import connection

    from hiqc.core.bulkwrite import Table, rendered, store
    from hiqc.core.calendar import BEIJING
    from hiqc.core.indicators import align, indicators_compute
    from hiqc.core.models import Deadline, IndicatorValue
    from hiqc.demo.org import load_org_tree
    from hiqc.organisations.models import OrgUnit

    load_org_tree()
    leaves = list(OrgUnit.objects.filter(children__isnull=True).values_list("path", flat=True))
    end = align(datetime.now(BEIJING), "month")
    start = align(end - timedelta(days=360), "month")
    span = (end - start).total_seconds()
    rnd = random.Random(11)
    postgres = connection.vendor == "postgresql"
    clocks = ("claims.decide", "claims.payment", "claims.refusal_notice", "complaints.decide",
              "consultation.reply")  # fmt: skip
    started = time.perf_counter()
    batch = 200_000
    for first in range(0, deadlines, batch):
        table = Table(Deadline)
        for i in range(first, min(deadlines, first + batch)):
            closed = start + timedelta(seconds=rnd.random() * span)
            table.add_dicts([{
                "case_type": CASE_TYPES[clocks[i % len(clocks)].split(".")[0]], "case_id": str(i), "org_path": rnd.choice(leaves),
                "clock": clocks[i % len(clocks)], "label": "bench", "source": "bench",
                "unit": "calendar_days", "amount": 10, "max_amount": None,
                "started_at": closed - timedelta(days=5), "due_at": closed + timedelta(days=1),
                "last_day": None, "rolled_over_from": None,
                "state": "met" if rnd.random() < 0.97 else "breached", "paused_at": None,
                "remaining": None, "pauses": [], "extensions": [], "restarts": 0,
                "warning_level": 0, "next_warning_at": None, "warning_fractions": [],
                "warning_times": [], "breached_at": None, "closed_at": closed,
                "calendar_warnings": [],
            }])  # fmt: skip
        store(rendered([table], postgres), postgres)
    print(f"{connection.vendor}: wrote {deadlines:,} closed clocks in "
          f"{time.perf_counter() - started:.1f} s; {len(leaves)} leaf units", flush=True)  # fmt: skip
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_deadline")

    def engine(code: str, granularity: str) -> tuple[float, int]:
        began = time.perf_counter()
        rows = indicators_compute(codes=[code], granularity=granularity, start=start, end=end)
        return time.perf_counter() - began, rows

    def hand(code_clock: str | None, granularity: str) -> tuple[float, list[tuple]]:
        if postgres:
            bucket = {"day": "day", "month": "month"}[granularity]
            sql = (f"SELECT date_trunc('{bucket}', closed_at AT TIME ZONE 'Asia/Shanghai') AS p, "
                   "org_path, SUM(CASE WHEN state = 'met' THEN 1 ELSE 0 END), COUNT(*) "
                   "FROM core_deadline WHERE closed_at >= %s AND closed_at < %s "
                   "AND state IN ('met', 'breached') "
                   + ("AND clock = %s " if code_clock else "") + "GROUP BY 1, 2")  # fmt: skip
        else:
            fmt = "%Y-%m-%d" if granularity == "day" else "%Y-%m"
            sql = (f"SELECT strftime('{fmt}', closed_at, '+8 hours') AS p, org_path, "
                   "SUM(CASE WHEN state = 'met' THEN 1 ELSE 0 END), COUNT(*) FROM core_deadline "
                   "WHERE closed_at >= %s AND closed_at < %s AND state IN ('met', 'breached') "
                   + ("AND clock = %s " if code_clock else "") + "GROUP BY 1, 2")  # fmt: skip
        bounds = (
            [start, end]
            if postgres
            else [  # SQLite stores naive UTC text (Django's format)
                str(b.astimezone(UTC).replace(tzinfo=None)) for b in (start, end)
            ]
        )
        params: list = bounds + ([code_clock] if code_clock else [])
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return time.perf_counter() - began, rows

    for code, clock, granularity in (
        ("core.deadlines_met_rate", None, "day"),
        ("core.deadlines_met_rate", None, "month"),
        ("claims.paid_on_time_rate", "claims.payment", "day"),
        ("claims.paid_on_time_rate", "claims.payment", "month"),
    ):
        seconds, written = engine(code, granularity)
        sql_seconds, rows = hand(clock, granularity)
        stored = IndicatorValue.objects.filter(code=code, granularity=granularity)
        total = sum(d for _n, d in stored.values_list("numerator", "denominator"))
        assert abs(total - sum(r[3] for r in rows)) < 0.5, (code, total, sum(r[3] for r in rows))
        print(f"  {code:<26} {granularity:<5} engine {seconds:7.2f} s ({written:>7,} rows)   "
              f"one SQL query {sql_seconds:6.2f} s ({len(rows):>7,} groups)   "
              f"ratio {seconds / sql_seconds:5.1f}×", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=2_200_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.deadlines)
        return
    print(f"machine: {os.cpu_count()} cores")
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            url = (os.environ.get("HIQC_BENCH_DATABASE_URL", DEFAULT_PG) if engine == "postgresql"
                   else f"sqlite:///{tmp}/bench.sqlite3")  # fmt: skip
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            }
            subprocess.run([sys.executable, __file__, "--child", "--deadlines",
                            str(args.deadlines)], env=env, check=True)  # fmt: skip


if __name__ == "__main__":
    main()
