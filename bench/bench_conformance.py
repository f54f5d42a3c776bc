"""Time to compute every clause's conformance status (a benchmark, not a test).

    .venv/bin/python bench/bench_conformance.py [--customers 2000] [--db PATH]

Issue 22 §2/§6: the clause tree's status for a unit and a period is computed from the evidence
rules (each rule assessed once per unit and period). On a throw-away database (``DATABASE_URL``
picks the engine; SQLite: a temporary file, or ``--db`` to reuse a file loaded before) loaded
with the demo (``--customers``), the script times, for the head office and one province and the
last complete quarter: every rule alone (cold, the slowest first), the whole tree cold (empty
evidence cache) and warm (from the cache, ``HIQC_CONFORMANCE_CACHE_SECONDS``), and prints them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--db", default="", help="SQLite file to keep (loaded once, reused)")
    args = parser.parse_args()

    import django
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    from hiqc.conformance.periods import last_complete_quarter
    from hiqc.conformance.selectors import clause_statuses
    from hiqc.core.evidence import RULES, assess
    from hiqc.organisations.models import OrgUnit

    db = settings.DATABASES["default"]
    tmp = None
    reuse = False
    if connection.vendor == "sqlite":
        if args.db:
            reuse = Path(args.db).exists()
            db.setdefault("TEST", {})["NAME"] = args.db
        else:
            tmp = tempfile.TemporaryDirectory()
            db.setdefault("TEST", {})["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    if reuse:
        db["NAME"] = args.db
        connection.close()
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=bool(args.db))
        started = time.perf_counter()
        call_command("demo_load", customers=args.customers, verbosity=0)
        print(f"demo_load --customers {args.customers}: {time.perf_counter() - started:.0f} s "
              f"({connection.vendor})")  # fmt: skip
    period = last_complete_quarter()
    head = OrgUnit.objects.get(parent=None)
    province = OrgUnit.objects.filter(parent=head).order_by("path").first()
    for unit in (head, province):
        cache.clear()
        times = []
        for rule in RULES.values():
            t0 = time.perf_counter()
            assess(rule, unit.path, period.start, period.end)
            times.append((time.perf_counter() - t0, rule.code))
        times.sort(reverse=True)
        print(f"{unit.name} {period.label}: {len(times)} rules, Σ {sum(t for t, _c in times):.2f} s;"
              " slowest: " + ", ".join(f"{c} {t:.2f} s" for t, c in times[:5]))  # fmt: skip
        cache.clear()
        t0 = time.perf_counter()
        clause_statuses(unit.path, period)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        clause_statuses(unit.path, period)
        warm = time.perf_counter() - t0
        print(f"{unit.name} {period.label}: whole tree cold {cold:.2f} s, warm {warm:.3f} s "
              f"({connection.vendor})")  # fmt: skip
    if tmp is not None:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    main()
