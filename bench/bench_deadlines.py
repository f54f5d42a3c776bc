"""Time the deadline sweep and clock computations (a benchmark, not a test).

    .venv/bin/python bench/bench_deadlines.py [--deadlines 20000]

Runs on a throw-away copy of the configured database (``DATABASE_URL`` picks the engine). It
starts N clocks (15 calendar days, staggered start times) through ``deadline_start`` — the same
code the transition service uses — then times ``deadlines_sweep`` as a scheduler that was down
for weeks would run it (every warning level and every breach due at once), then a second sweep
(nothing left to raise: the per-minute steady state), and ``compute_due`` alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=20000)
    args = parser.parse_args()

    import django
    from django.conf import settings
    from django.db import connection, transaction

    django.setup()
    from hiqc.core.calendar import BEIJING, Unit, compute_due
    from hiqc.core.deadlines import deadline_start, deadlines_sweep
    from hiqc.core.models import DeadlineWarning
    from hiqc.core.workflow import Clock

    db = settings.DATABASES["default"]
    old_name, tmp = db["NAME"], None
    if connection.vendor == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        db.setdefault("TEST", {})["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        clock = Clock("bench.decide", "决定", 15, Unit.CALENDAR_DAYS, "bench")
        t0 = datetime(2026, 1, 5, 9, tzinfo=BEIJING)
        started = time.perf_counter()
        with transaction.atomic():
            for i in range(args.deadlines):
                deadline_start(
                    case_type="bench.case",
                    case_id=str(i),
                    org_path="0001/",
                    clock=clock,
                    at=t0 + timedelta(minutes=7 * i),
                )
        start_s = time.perf_counter() - started

        started = time.perf_counter()
        raised = deadlines_sweep(t0 + timedelta(days=400))
        sweep_s = time.perf_counter() - started
        started = time.perf_counter()
        deadlines_sweep(t0 + timedelta(days=400))
        steady_s = time.perf_counter() - started

        n = 20000
        started = time.perf_counter()
        for i in range(n):
            compute_due(t0 + timedelta(hours=i), 30, Unit.WORKING_DAYS)
        due_s = time.perf_counter() - started

        print(f"engine: {connection.vendor}")
        print(
            f"start {args.deadlines:,} clocks:     {start_s:7.2f} s  ({args.deadlines / start_s:,.0f} clocks/s)"
        )
        print(
            f"catch-up sweep:         {sweep_s:7.2f} s  ({raised['warnings']:,} warnings, "
            f"{raised['breaches']:,} breaches; {DeadlineWarning.objects.count():,} rows)"
        )
        print(f"steady-state sweep:     {steady_s * 1000:7.1f} ms (nothing due)")
        print(f"compute_due x{n:,} (30 working days): {due_s:5.2f} s  ({n / due_s:,.0f}/s)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
