"""Events/s of the core-system claim-event bulk import on SQLite and PostgreSQL (not a test).

    .venv/bin/python bench/bench_claim_events.py [--claims 1000000] [--engines sqlite,postgresql]
                                                 [--no-reimport] [--workers N]

Issue 5 §7 asks for a backfill of 1,000,000 claims (~5,000,000 events) at ≥ 20,000 events/s on
PostgreSQL with the same validation as the single-event path. The script writes the core
system's events once to ``var/bench-claim-events-<N>.jsonl`` (time-ordered JSON lines, reused by
later runs): claims received over 12 months, most paid (create → start_review →
documents_complete → decide → agree_amount → pay → close), some through a supplement request
(request_supplement → notice_delivered → supplement_received), some refused, a few withdrawn, and
a share still in progress at the end of the file. Then, per engine in a fresh interpreter on a
throw-away database with 5,000 policies, it imports the file through
``claim_events_import_bulk`` (``manage.py import_claim_events --bulk``) and, unless
``--no-reimport``, imports it again (every event a duplicate).

Beside it, in the same run (issue 15 §8): the database-only ceiling — the rows the import wrote
(claims, events, clocks, supplement notices, documents, payments) dumped, the tables emptied and
the same rows loaded again with no Python in between (``COPY`` on PostgreSQL, ``executemany`` in
one transaction on SQLite) — and the import's share of it. With ``--workers N`` (N > 1) the tables
are emptied once more and the file, split by claim into N parts, is imported by N processes side
by side (``numbering`` keeps their claim numbers apart); the speed-up over one process is printed.

SQLite runs on a temporary file; PostgreSQL on ``HIQC_BENCH_DATABASE_URL`` or
``postgres://postgres@127.0.0.1:5432/hiqc_bench_claims``, whose ``test_`` database the script
creates and drops.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/hiqc_bench_claims"
POLICIES = 5_000
BEIJING = timezone(timedelta(hours=8))
DOCS = ("form", "id", "invoice", "discharge")
H = timedelta(hours=1)
D = timedelta(days=1)


def claim_events(rnd: random.Random, i: int, received: datetime) -> list[tuple[datetime, dict]]:
    """One claim's events: (time, event) in order."""
    ref = f"CORE-{i:08d}"
    amount = rnd.choice((800, 1500, 2600, 4200, 8600, 12000, 35000, 120000))
    roll = rnd.random()
    supplement = 0.45 <= roll < 0.55
    docs = list(DOCS[:2]) if supplement else list(DOCS)
    steps: list[tuple[timedelta, str, dict]] = [
        (timedelta(0), "create", {
            "policy_number": f"BP-{rnd.randrange(POLICIES):06d}",
            "claim_type": "medical_reimbursement", "incident_date":
            (received - D * rnd.randrange(1, 40)).date().isoformat(),
            "amount_claimed": str(amount), "diagnosis_code": "K35.8",
            "diagnosis_text": "急性阑尾炎", "documents": docs,
        }),
        (H * rnd.randrange(1, 30), "start_review", {}),
    ]  # fmt: skip
    if supplement:
        steps += [
            (H * rnd.randrange(1, 20), "request_supplement", {"items": list(DOCS[2:])}),
            (D * rnd.randrange(1, 4), "notice_delivered", {}),
            (D * rnd.randrange(2, 15), "supplement_received", {}),
        ]
    steps.append((H * rnd.randrange(1, 72), "documents_complete", {}))
    if 0.55 <= roll < 0.63:
        steps += [
            (D * rnd.randrange(1, 20), "refuse",
             {"reason_code": "exclusion", "reason_text": "既往症属于责任免除。"}),
            (H * rnd.randrange(1, 60), "send_refusal_notice", {}),
            (D * rnd.randrange(1, 5), "close", {}),
        ]  # fmt: skip
    elif 0.63 <= roll < 0.65:
        steps = [*steps[:2], (D * rnd.randrange(1, 5), "withdraw", {"reason": "客户撤回"})]
    else:
        approved = amount if rnd.random() < 0.8 else amount * 3 // 4
        steps += [
            (D * rnd.randrange(1, 20), "decide", {
                "outcome": "approve" if approved == amount else "partial",
                "amount_approved": str(approved),
                **({} if approved == amount else {"reason_code": "non_medical"}),
            }),
            (H * rnd.randrange(1, 48), "agree_amount", {}),
            (D * rnd.randrange(1, 9), "pay", {"channel": "bank_transfer", "reference": f"PAY-{i:09d}"}),
            (D * rnd.randrange(1, 5), "close", {}),
        ]  # fmt: skip
    if roll >= 0.65:  # still in progress when the file was cut
        steps = steps[: rnd.randrange(1, 5)]
    out, at = [], received
    for n, (delay, action, data) in enumerate(steps):
        at = at + delay
        out.append((at, {"source_system": "CORE", "external_id": f"{ref}-{n}", "claim": ref,
                         "action": action, "at": at.isoformat(), "data": data}))  # fmt: skip
    return out


def write_file(path: Path, claims: int) -> int:
    """Time-ordered lines: a heap holds the events of claims still running."""
    rnd = random.Random(2026)
    start = datetime(2025, 11, 1, 8, 0, tzinfo=BEIJING)
    step = timedelta(days=365) / claims
    heap: list[tuple[datetime, int, str]] = []
    written, seq = 0, 0
    with path.open("w", encoding="utf-8") as out:
        lines: list[str] = []
        for i in range(claims):
            received = start + step * i
            while heap and heap[0][0] <= received:
                lines.append(heapq.heappop(heap)[2])
            for at, ev in claim_events(rnd, i, received):
                seq += 1
                heapq.heappush(heap, (at, seq, json.dumps(ev, ensure_ascii=False) + "\n"))
            if len(lines) >= 50_000:
                out.writelines(lines)
                written += len(lines)
                lines = []
        while heap:
            lines.append(heapq.heappop(heap)[2])
        out.writelines(lines)
        written += len(lines)
    return written


def run_engine(url: str, path: Path, reimport: bool, workers: int) -> None:
    """One engine in a fresh interpreter: Django binds its database at set-up."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    command = [sys.executable, __file__, "--child", str(path), "--workers", str(workers)]
    subprocess.run([*command, *([] if reimport else ["--no-reimport"])], env=env, check=True)


def _written_models() -> list:
    """The models the import writes rows of, parents first."""
    from hiqc.claims.models import Claim, ClaimDocument, Payment, SupplementRequest
    from hiqc.core.models import CaseEvent, Deadline

    return [Claim, SupplementRequest, ClaimDocument, Payment, Deadline, CaseEvent]


def _empty_written_tables() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(f'"{m._meta.db_table}"' for m in _written_models())
            cursor.execute(f"TRUNCATE {names} CASCADE")
        else:
            for model in reversed(_written_models()):
                cursor.execute(f'DELETE FROM "{model._meta.db_table}"')


def ceiling(events: int, import_seconds: float) -> None:
    """Load the rows the import wrote once more with no Python in between and print the time."""
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    dumps: list[tuple[str, list[str], object]] = []
    rows = 0
    with connection.cursor() as cursor:
        for model in _written_models():
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields]
            cols = ", ".join(f'"{c}"' for c in columns)
            if postgres:
                data = bytearray()
                with cursor.cursor.copy(f'COPY "{table}" ({cols}) TO STDOUT') as copy:
                    for block in copy:
                        data += block
                rows += data.count(b"\n")
                dumps.append((table, columns, bytes(data)))
            else:
                cursor.execute(f'SELECT {cols} FROM "{table}"')
                fetched = cursor.fetchall()
                rows += len(fetched)
                dumps.append((table, columns, fetched))
    _empty_written_tables()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, data in dumps:
            cols = ", ".join(f'"{c}"' for c in columns)
            if postgres:
                with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    copy.write(data)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', data)
    seconds = time.perf_counter() - started
    how = "COPY" if postgres else "executemany"
    print(
        f"{connection.vendor:<10} {'database only (' + how + ')':<27} {events:>10,} events "
        f"{seconds:7.1f} s  {events / seconds:>8,.0f} events/s  ({rows:,} rows, no Python); "
        f"the import reaches {seconds / import_seconds:.2f} of it",
        flush=True,
    )


def split_by_claim(path: Path, parts: int, into: Path) -> list[Path]:
    """The file in ``parts`` files, every claim's events in one of them, in their order."""
    import zlib

    files = [into / f"part-{k}.jsonl" for k in range(parts)]
    handles = [f.open("wb") for f in files]
    try:
        with path.open("rb") as source:
            for line in source:
                claim = json.loads(line)["claim"].encode()
                handles[zlib.crc32(claim) % parts].write(line)
    finally:
        for h in handles:
            h.close()
    return files


def worker(path: Path, part: int, parts: int) -> None:
    """One of ``--workers`` importers, on the test database the parent made."""
    import django

    django.setup()
    from hiqc.claims.events import claim_events_import_bulk
    from hiqc.core.access import Actor

    with path.open("rb") as handle:
        report = claim_events_import_bulk(
            actor=Actor.system("bench"), lines=handle, numbering=(part, parts)
        )
    if report.rejected:
        print(f"  worker {part}: first rejections:", report.rejected[:3], flush=True)


def side_by_side(path: Path, workers: int, events: int, single_seconds: float) -> None:
    from django.conf import settings
    from django.db import connection

    _empty_written_tables()
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        url = f"sqlite:///{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    connection.close()
    with tempfile.TemporaryDirectory() as tmp:
        files = split_by_claim(path, workers, Path(tmp))
        started = time.perf_counter()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    str(f),
                    "--part",
                    str(k),
                    "--workers",
                    str(workers),
                ],
                env=env,
            )
            for k, f in enumerate(files)
        ]
        codes = [p.wait() for p in procs]
        seconds = time.perf_counter() - started
    if any(codes):
        raise SystemExit(f"a worker failed: exit codes {codes}")
    print(
        f"{connection.vendor:<10} {f'{workers} workers, split by claim':<27} {events:>10,} events "
        f"{seconds:7.1f} s  {events / seconds:>8,.0f} events/s  "
        f"(speed-up {single_seconds / seconds:.2f}× over one process on {os.cpu_count()} cores)",
        flush=True,
    )


def setup_reference_data() -> None:
    from datetime import date
    from decimal import Decimal

    from django.db import transaction

    from hiqc.customers.models import Customer
    from hiqc.demo.org import load_org_tree
    from hiqc.organisations.models import OrgUnit
    from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured
    from hiqc.policies.tests.factories import catalogue_product

    with transaction.atomic():
        load_org_tree()
        units = list(OrgUnit.objects.filter(children__isnull=True).order_by("path"))
        product = catalogue_product(code="BENCH-MED", name="住院医疗保险", line="medical",
                                         claim_types=["medical_reimbursement"], term_years=1)  # fmt: skip
        for n, code in enumerate((*DOCS, "records")):
            DocumentRequirement.objects.create(version=product.v1, claim_type="medical_reimbursement",
                                               code=code, name=code, position=n,
                                               required=code != "records")  # fmt: skip
        people = Customer.objects.bulk_create(
            Customer(org_unit=units[i % len(units)], name=f"客户{i}") for i in range(POLICIES)
        )
        policies = Policy.objects.bulk_create(
            Policy(number=f"BP-{i:06d}", product=product, product_version=product.v1, holder=people[i],
                   org_unit=units[i % len(units)], start_date=date(2025, 1, 1),
                   end_date=date(2027, 12, 31), premium_yuan=Decimal("1200"))
            for i in range(POLICIES)
        )  # fmt: skip
        PolicyInsured.objects.bulk_create(
            PolicyInsured(policy=p, customer=people[i]) for i, p in enumerate(policies)
        )


def child(path: Path, reimport: bool, workers: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from hiqc.claims.events import claim_events_import_bulk
    from hiqc.claims.models import Claim
    from hiqc.core.access import Actor
    from hiqc.core.models import CaseEvent, Deadline

    settings.DEBUG = False  # no query log
    db = settings.DATABASES["default"]
    old_name = db["NAME"]
    if connection.vendor == "sqlite":  # a file, as in production, not the in-memory test default
        db.setdefault("TEST", {})["NAME"] = str(old_name)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        setup_reference_data()
        actor = Actor.system("bench")
        size = path.stat().st_size
        labels = ["first import", "re-import (all duplicates)"][: 2 if reimport else 1]
        first: tuple[int, float] | None = None
        for label in labels:
            with path.open("rb") as handle:
                started = time.perf_counter()
                report = claim_events_import_bulk(actor=actor, lines=handle)
                seconds = time.perf_counter() - started
            first = first or (report.lines, seconds)
            print(
                f"{connection.vendor:<10} {label:<27} {report.lines:>10,} events "
                f"{seconds:7.1f} s  {report.lines / seconds:>8,.0f} events/s  "
                f"(applied {report.applied:,}, duplicate {report.duplicate:,}, "
                f"rejected {report.rejected_total:,}; {size / 1e6:.0f} MB)",
                flush=True,
            )
            if report.timings:
                print("  steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()))
            if report.rejected:
                print("  first rejections:", report.rejected[:3], flush=True)
        assert first is not None
        ceiling(*first)
        if workers > 1:
            side_by_side(path, workers, *first)
        print(
            f"{connection.vendor:<10} rows: {Claim.objects.count():,} claims, "
            f"{CaseEvent.objects.count():,} events, {Deadline.objects.count():,} deadlines",
            flush=True,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--workers", type=int, default=1,
                        help="also import the file split by claim over N processes")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--part", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.worker), args.part, args.workers)
        return
    if args.child:
        child(Path(args.child), not args.no_reimport, args.workers)
        return
    path = ROOT / "var" / f"bench-claim-events-{args.claims}.jsonl"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        started = time.perf_counter()
        lines = write_file(path, args.claims)
        print(f"wrote {lines:,} events to {path.relative_to(ROOT)} "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"machine: {os.cpu_count()} cores; file {path.stat().st_size / 1e6:.0f} MB")
    engines = args.engines.split(",")
    if "postgresql" in engines:
        run_engine(
            os.environ.get("HIQC_BENCH_DATABASE_URL", DEFAULT_PG),
            path,
            not args.no_reimport,
            args.workers,
        )
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as tmp:
            run_engine(f"sqlite:///{tmp}/bench.sqlite3", path, not args.no_reimport, args.workers)


if __name__ == "__main__":
    main()
