"""Time the nightly customer-data quality tally for N customers (a benchmark, not a test).

    .venv/bin/python bench/bench_customer_quality_tally.py [--customers 20000] [--seed 2026]

ADR 0031 (amended): the data-quality page and the evidence of 6.1.1(1) read one stored tally per
unit and day; the job ``customers.quality_tally`` (``quality.quality_tally_run``) decrypts every
customer once a night to write it. On a throw-away database (``DATABASE_URL`` picks the engine;
SQLite: a temporary file) with the demo org tree and N demo customers (``hiqc.demo.customers``,
written in bulk, encrypted), the script times the tally (first run, then a rerun the same day,
which replaces the day's rows), and beside it what the tally saves on each request: the evidence
rule ``customers.data_accurate`` for the head office and the data-quality figures for a quality
lead, both from the tally, against the old path (every customer of the tree decrypted and
checked). It prints customers/s of the tally and the time of each read; at a million customers the
tally's time is roughly linear (one pass, ``iterator(chunk_size=2000)``).
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
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import django
    from django.conf import settings
    from django.db import connection

    django.setup()
    from hiqc.conformance.periods import last_complete_quarter
    from hiqc.core.access import Actor
    from hiqc.core.evidence import RULES, assess
    from hiqc.core.retention import beijing_today
    from hiqc.customers.models import Customer, CustomerQualityTally
    from hiqc.customers.quality import (
        ONLY,
        data_quality,
        problems_of,
        quality_tally_run,
        stale_before,
    )
    from hiqc.demo.customers import load_customers
    from hiqc.demo.org import load_org_tree

    db = settings.DATABASES["default"]
    old_name, tmp = db["NAME"], None
    if connection.vendor == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        db.setdefault("TEST", {})["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        tree = load_org_tree()
        loaded = load_customers(tree, count=args.customers, seed=args.seed)
        n = Customer.objects.count()
        print(f"engine: {connection.vendor}; {n:,} customers over {len(tree.units)} units "
              f"(loaded in {loaded.seconds:.1f} s)")  # fmt: skip

        t0 = time.perf_counter()
        first = quality_tally_run()
        tally_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        quality_tally_run()
        rerun_s = time.perf_counter() - t0
        rows = CustomerQualityTally.objects.count()
        print(f"nightly tally: {tally_s:.2f} s for {first['customers']:,} customers "
              f"({first['customers'] / tally_s:,.0f} customers/s), {first['units']} unit rows; "
              f"rerun the same day {rerun_s:.2f} s ({rows} rows kept)")  # fmt: skip

        # what each request now reads, against the old path (decrypt and check every customer)
        period = last_complete_quarter()
        today = beijing_today()
        rule = RULES["customers.data_accurate"]
        head = tree.units["HO"].path
        assess(rule, head, period.start, today)  # the first call loads the URL conf (reverse)
        t0 = time.perf_counter()
        found = assess(rule, head, period.start, today)
        rule_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        units = data_quality(Actor.system("bench"))
        page_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        cut = stale_before(today)
        bad = sum(1 for c in Customer.objects.filter(anonymised_at__isnull=True).only(*ONLY)
                  .order_by().iterator(chunk_size=2000) if problems_of(c, cut) - {"stale"})  # fmt: skip
        direct_s = time.perf_counter() - t0
        assert (found.records, found.failing) == (n, bad), (found, n, bad)
        print(f"evidence customers.data_accurate at head office from the tally: "
              f"{rule_s * 1000:.1f} ms ({found.records:,} customers, {found.failing:,} failing); "
              f"old path (decrypt every customer): {direct_s:.2f} s")  # fmt: skip
        print(f"data-quality figures from the tally: {page_s * 1000:.1f} ms for {len(units)} units")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
