"""Time ``manage.py demo_load`` on the configured database engine (a benchmark, not a test).

    .venv/bin/python bench/bench_demo_load.py [--customers 20000] [--seed 2026] [--in-place]

By default it runs against a throw-away copy of the configured database — Django's test-database
machinery: ``test_<name>`` on PostgreSQL, a temporary file on SQLite — so the figures are for an
empty database and the dev data is left alone. ``--in-place`` runs against the configured database
itself (a second run there mostly measures the idempotent skip path).

Prints the wall time of a first (loading) run and a second (nothing to add) run, and customers/s.
Settings: ``DJANGO_SETTINGS_MODULE`` (default ``config.settings.dev``); ``DATABASE_URL`` chooses
the engine, e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/hiqc_bench``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def _run(customers: int, seed: int) -> tuple[float, str]:
    """Wall time of one demo_load, and its own customers line (rows/s of the bulk phase)."""
    from django.core.management import call_command

    out = StringIO()
    started = time.perf_counter()
    call_command("demo_load", customers=customers, seed=seed, stdout=out)
    elapsed = time.perf_counter() - started
    line = next((x for x in out.getvalue().splitlines() if x.startswith("Customers:")), "")
    return elapsed, line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--in-place", action="store_true", help="use the configured database")
    args = parser.parse_args()

    import django
    from django.conf import settings
    from django.db import connection

    django.setup()
    from hiqc.customers.models import Customer

    db = settings.DATABASES["default"]
    old_name = db["NAME"]
    tmp = None
    if not args.in_place:
        if connection.vendor == "sqlite":
            tmp = tempfile.TemporaryDirectory()
            db.setdefault("TEST", {})["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        before = Customer.objects.count()
        first, first_line = _run(args.customers, args.seed)
        added = Customer.objects.count() - before
        second, second_line = _run(args.customers, args.seed)
        again = Customer.objects.count() - before - added
        print(f"engine: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(
            f"first run:  {first:7.2f} s wall, {added:,} customers added, "
            f"{added / first:,.0f} customers/s over the whole command"
        )
        print(f"            {first_line}")
        print(f"second run: {second:7.2f} s wall, {again:,} customers added (idempotent re-run)")
        print(f"            {second_line}")
    finally:
        if not args.in_place:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
