"""Response time of the claims timeliness dashboard (理赔时效看板) at head office on the demo data.

    .venv/bin/python bench/bench_claims_timeliness.py [--months 3,12] [--repeat 5] [--unit HO]
                                                      [--user quality_lead] [--profile]

Issue 13: the page took about a second at head office on the demo (other pages 30–110 ms) and is
meant to answer well under 300 ms. Unlike most benchmarks here it measures the demo data in place
(``var/hiqc.sqlite3``, or the database ``DATABASE_URL`` names, e.g. a demo loaded into
PostgreSQL): the figure is about that volume (≈ 48,000 claims over 12 months). It only reads,
apart from the session row that signing in and each request write.

For each period it requests ``/claims/timeliness/`` as the demo's quality lead through the test
client (URL routing, scope, reads, template) once to warm up, then ``--repeat`` times, and prints
the median, best and worst; then the median time of each read of the page on its own. The machine
has 2 cores and other work may run beside it, so the load average is printed with the figures.
``--profile`` prints the 25 most expensive functions of one request per period.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def _ms(times: list[float]) -> str:
    return (f"median {1000 * statistics.median(times):6.0f} ms, best {1000 * min(times):6.0f} ms, "
            f"worst {1000 * max(times):6.0f} ms")  # fmt: skip


def _reads(unit: Any, months: int) -> dict[str, Callable[[], Any]]:
    """The page's reads (``hiqc.claims.timeliness``), each on its own."""
    from hiqc.claims import timeliness as t

    start, end = t.period_bounds(months)
    return {
        "timeliness (step medians)": lambda: t.timeliness(unit, start, end),
        "payment_time": lambda: t.payment_time(unit, start, end),
        "quality_scores": lambda: t.quality_scores(unit, start, end),
        "rates + branch_rates": lambda: (
            t.rates(unit, start, end),
            t.branch_rates(unit, start, end),
        ),
        "near_limits": lambda: t.near_limits(unit),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--months", default="3,12", help="periods to time (1, 3, 6, 12)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--unit", default="HO", help="org unit code (default: head office)")
    parser.add_argument("--user", default="quality_lead")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import django
    from django.conf import settings
    from django.db import connection

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    from django.test import Client

    from hiqc.claims.models import Claim, ClaimStep
    from hiqc.core.models import Deadline
    from hiqc.organisations.models import OrgUnit, User

    user = User.objects.filter(username=args.user).first()
    if user is None:
        sys.exit(f"no user {args.user!r}: load the demo first (make demo, or manage.py demo_load)")
    unit = OrgUnit.objects.get(code=args.unit)
    client = Client()
    client.force_login(user)
    db = connection.settings_dict["NAME"]
    print(f"{connection.vendor} ({db}): {Claim.objects.count():,} claims, "
          f"{Deadline.objects.count():,} clocks, {ClaimStep.objects.count():,} claim steps; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")  # fmt: skip

    for months in (int(m) for m in args.months.split(",")):
        url = f"/claims/timeliness/?org={unit.code}&months={months}"

        def page(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        page()  # warm up: templates, first queries, the claim-step refresh
        print(f"{url}: {_ms(_timed(page, args.repeat))} ({args.repeat} requests)", flush=True)
        for name, read in _reads(unit, months).items():
            times = _timed(read, args.repeat)
            print(f"    {name:<27} median {1000 * statistics.median(times):6.0f} ms", flush=True)
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(page)
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
