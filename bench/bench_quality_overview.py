"""Render time of the quality overview (质量总览) at 1× and 10× history (a benchmark, not a test).

    .venv/bin/python bench/bench_quality_overview.py [--years 1,10] [--repeat 5]

Issue 7 §2: the overview reads indicator rows only, so its time must not grow with history. On a
throw-away copy of the configured database (``DATABASE_URL`` picks the engine) with the demo org
tree, the script writes day and month rows for every key indicator and every leaf unit over 1 year
of history, times the page (head office, months; a signed-in quality lead through the test client:
URL routing, scope, reads, template), then extends the history to 10 years (10× the rows) and times
it again. It prints rows stored, and the median and best render time of each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="1,10")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django
    from django.conf import settings
    from django.db import connection

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    from django.test import Client
    from django.utils import timezone

    from hiqc.core.calendar import BEIJING
    from hiqc.core.indicators import align, next_start
    from hiqc.core.models import IndicatorValue
    from hiqc.demo.org import load_org_tree
    from hiqc.organisations.enums import Role
    from hiqc.organisations.models import Membership, OrgUnit, User
    from hiqc.quality.monitoring import KEY_INDICATORS

    db = settings.DATABASES["default"]
    old_name, tmp = db["NAME"], None
    if connection.vendor == "sqlite":
        tmp = tempfile.TemporaryDirectory()
        db.setdefault("TEST", {})["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        load_org_tree()
        root = OrgUnit.objects.get(parent=None)
        leaves = list(OrgUnit.objects.filter(children__isnull=True).values_list("path", flat=True))
        user = User.objects.create_user(username="bench_lead", password="x", org_unit=root)
        Membership.objects.create(user=user, org_unit=root, role=Role.QUALITY_LEAD)
        client = Client()
        client.force_login(user)
        rnd = random.Random(7)
        now = timezone.now().astimezone(BEIJING)
        written_from = align(now, "month") + timedelta(days=1)  # nothing yet

        def fill(years: int) -> None:
            nonlocal written_from
            start = align(now - timedelta(days=365 * years), "month")
            rows = []
            for granularity in ("month", "day"):
                cursor = start
                while cursor < written_from and cursor <= now:
                    for code in KEY_INDICATORS:
                        for path in leaves:
                            d = rnd.randint(20, 200)
                            rows.append(IndicatorValue(code=code, granularity=granularity,
                                                       period_start=cursor, org_path=path,
                                                       numerator=d * rnd.uniform(0.7, 1.0),
                                                       denominator=d))  # fmt: skip
                    if len(rows) > 50_000:
                        IndicatorValue.objects.bulk_create(rows, batch_size=5000)
                        rows = []
                    cursor = next_start(cursor, granularity)
            IndicatorValue.objects.bulk_create(rows, batch_size=5000)
            written_from = start

        def render() -> float:
            started = time.perf_counter()
            response = client.get("/quality/")
            assert response.status_code == 200, response.status_code
            return time.perf_counter() - started

        print(
            f"{connection.vendor}: {len(KEY_INDICATORS)} key indicators × {len(leaves)} leaf units"
        )
        for years in (int(y) for y in args.years.split(",")):
            started = time.perf_counter()
            fill(years)
            fill_s = time.perf_counter() - started
            render()  # warm caches (templates, first queries)
            times = [render() for _ in range(args.repeat)]
            print(f"history {years:>2} year(s): {IndicatorValue.objects.count():>10,} rows "
                  f"(written in {fill_s:5.1f} s); overview render median "
                  f"{1000 * statistics.median(times):6.0f} ms, best {1000 * min(times):6.0f} ms",
                  flush=True)  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
