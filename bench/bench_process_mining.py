"""Process mining over a large event log: HIQC beside DuckDB and a hand-written PostgreSQL query
(a benchmark, not a test).

    .venv/bin/python bench/bench_process_mining.py [--cases 1000000] [--keep] [--reuse]

Issue 16 asks for the directly-follows graph (frequency, mean and median duration per edge) and
the variants over 1,000,000 cases / ~5,600,000 events on PostgreSQL, HIQC's end-to-end time
(query to result) printed beside, in the same run, DuckDB over the same events exported to Parquet
(a bench-only dependency) and a hand-written PostgreSQL query; targets ≤ 2× DuckDB and ≤ 1× the
hand-written query, with identical edges, counts and durations.

The script writes a claims-like event log straight into ``core_caseevent`` with COPY on a
throw-away database (``HIQC_BENCH_DATABASE_URL`` or
``postgres://postgres@127.0.0.1:5432/hiqc_bench_mining``; its ``test_`` database is created and
dropped unless ``--keep``; ``--reuse`` keeps a kept one), exports it to Parquet, then times:

* **DuckDB**: ``lead()`` over the Parquet file, grouped: count, mean, ``median``; variants by
  ``string_agg`` per case;
* **PostgreSQL, hand-written**: the same with ``lead()`` and ``percentile_cont(0.5)``;
* **HIQC live**: ``selectors.traces`` + ``results.mine`` (what an asked period computes: it also
  computes P90, working time on the official calendar, bottlenecks, rework and conformance). The
  process page's default view is the nightly snapshot of the same result (tens of ms).

It checks that the three agree on every edge's frequency, mean and median (to 1 ms) and on the
variants' counts, and prints the figures.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/hiqc_bench_mining"
BEIJING = timezone(timedelta(hours=8))
H = timedelta(hours=1)
D = timedelta(days=1)
KIND = "claims.claim"
BRANCHES = [f"0001/{p:04d}/{c:04d}/" for p in range(1, 4) for c in range(1, 5)]


def case_steps(rnd: random.Random) -> list[tuple[timedelta, str, str, str]]:
    """One claim's moves: (delay, activity, from, to), as the claims workflow allows them."""
    steps = [(timedelta(0), "create", "", "received"),
             (H * rnd.randrange(1, 30), "start_review", "received", "review")]  # fmt: skip
    roll = rnd.random()
    if 0.45 <= roll < 0.55:
        steps += [
            (H * rnd.randrange(1, 20), "request_supplement", "review", "awaiting_supplement"),
            (D * rnd.randrange(1, 4), "notice_delivered", "awaiting_supplement", "awaiting_supplement"),
            (D * rnd.randrange(2, 15), "supplement_received", "awaiting_supplement", "review"),
        ]  # fmt: skip
    steps.append((H * rnd.randrange(1, 72), "documents_complete", "review", "adjudication"))
    if 0.55 <= roll < 0.63:
        steps += [(D * rnd.randrange(1, 20), "refuse", "adjudication", "decided"),
                  (H * rnd.randrange(1, 60), "send_refusal_notice", "decided", "decided"),
                  (D * rnd.randrange(1, 5), "close", "decided", "closed")]  # fmt: skip
    elif 0.63 <= roll < 0.65:
        steps = [*steps[:2], (D * rnd.randrange(1, 5), "withdraw", "review", "withdrawn")]
    else:
        steps += [(D * rnd.randrange(1, 20), "decide", "adjudication", "decided"),
                  (H * rnd.randrange(1, 48), "agree_amount", "decided", "paying"),
                  (D * rnd.randrange(1, 9), "pay", "paying", "paid"),
                  (D * rnd.randrange(1, 5), "close", "paid", "closed")]  # fmt: skip
    if roll >= 0.7:  # still in progress
        steps = steps[: rnd.randrange(2, 5)]
    return steps


def write_log(connection, cases: int, start: datetime) -> int:  # type: ignore[no-untyped-def]
    """COPY the event log into core_caseevent; cases start evenly over the 12 months."""
    rnd = random.Random(2026)
    span = 364 * 86400
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.connection
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY core_caseevent (case_type, case_id, org_path, activity, from_state, to_state,"
                " at, recorded_at, actor_name, source, source_system, external_id, data) FROM STDIN"
            ) as copy,
        ):
            for i in range(cases):
                case_id = str(uuid.UUID(int=i + 1))
                org = BRANCHES[rnd.randrange(len(BRANCHES))]
                at = start + timedelta(seconds=span * i // cases)
                for delay, activity, source, target in case_steps(rnd):
                    at += delay
                    copy.write_row((KIND, case_id, org, activity, source, target, at, at,
                                    "bench", "import", "CORE", "", "{}"))  # fmt: skip
                    written += 1
    return written


DFG_PG = """
WITH e AS (
  SELECT case_id, activity, at,
         lead(activity) OVER w AS nxt, lead(at) OVER w AS nxt_at
  FROM core_caseevent WHERE case_type = %s
  WINDOW w AS (PARTITION BY case_id ORDER BY at, id))
SELECT activity, nxt, count(*), avg(extract(epoch FROM nxt_at - at)),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM nxt_at - at))
FROM e WHERE nxt IS NOT NULL GROUP BY activity, nxt
"""
VARIANTS_PG = """
SELECT v, count(*) FROM (
  SELECT string_agg(activity, '>' ORDER BY at, id) AS v FROM core_caseevent
  WHERE case_type = %s GROUP BY case_id) s GROUP BY v
"""
DFG_DUCK = """
WITH e AS (
  SELECT case_id, activity, "at",
         lead(activity) OVER w AS nxt, lead("at") OVER w AS nxt_at
  FROM read_parquet(?) WINDOW w AS (PARTITION BY case_id ORDER BY "at", id))
SELECT activity, nxt, count(*), avg(epoch(nxt_at) - epoch("at")),
       median(epoch(nxt_at) - epoch("at"))
FROM e WHERE nxt IS NOT NULL GROUP BY activity, nxt
"""
VARIANTS_DUCK = """
SELECT v, count(*) FROM (
  SELECT string_agg(activity, '>' ORDER BY "at", id) AS v FROM read_parquet(?) GROUP BY case_id
) s GROUP BY v
"""


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - started
    print(f"  {label:<44} {seconds:8.2f} s", flush=True)
    return out, seconds


def edges_of(rows) -> dict[tuple[str, str], tuple[int, float, float]]:  # type: ignore[no-untyped-def]
    return {(a, b): (int(n), float(mean), float(median)) for a, b, n, mean, median in rows}


def agree(name: str, mine: dict, other: dict) -> bool:
    ok = mine.keys() == other.keys() and all(
        mine[k][0] == other[k][0]
        and abs(mine[k][1] - other[k][1]) < 1e-3
        and abs(mine[k][2] - other[k][2]) < 1e-3
        for k in mine
    )
    print(f"  edges, counts, means and medians equal to {name}: {'yes' if ok else 'NO'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept bench database")
    parser.add_argument("--no-live", action="store_true", help="skip the live Python path")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("HIQC_BENCH_DATABASE_URL", DEFAULT_PG)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    import duckdb
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone as dj_timezone

    from hiqc.core.access import Actor
    from hiqc.process_management import eventlog, mining_sql, selectors
    from hiqc.process_management.results import mine

    settings.DEBUG = False
    db = settings.DATABASES["default"]
    old_name = db["NAME"]
    today = dj_timezone.localdate()
    start = datetime.combine(today - timedelta(days=364), datetime.min.time(), tzinfo=BEIJING)
    if args.reuse:
        db["NAME"] = connection.creation._get_test_db_name()
        connection.close()
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        if not args.reuse:
            with connection.cursor() as c:  # a loaded org tree is not needed: scope is the root
                c.execute("ALTER TABLE core_caseevent SET UNLOGGED")
            timed("write the event log (COPY)", lambda: write_log(connection, args.cases, start))
            with connection.cursor() as c:
                c.execute("ALTER TABLE core_caseevent SET LOGGED")
                c.execute("VACUUM ANALYZE core_caseevent")
        with connection.cursor() as c:
            c.execute(
                "SELECT count(*), count(DISTINCT case_id) FROM core_caseevent WHERE case_type=%s",
                [KIND],
            )
            events, cases = c.fetchone()
        print(
            f"PostgreSQL {connection.pg_version // 10000}: {cases:,} cases, {events:,} events",
            flush=True,
        )

        parquet = Path(tempfile.mkdtemp(prefix="hiqc-mining-")) / "events.parquet"

        def export() -> None:
            buffer = io.StringIO()
            with (
                connection.cursor() as c,
                c.connection.cursor() as cur,
                cur.copy(
                    "COPY (SELECT id, case_id, activity, at FROM core_caseevent"
                    " WHERE case_type = 'claims.claim') TO STDOUT (FORMAT csv)"
                ) as copy,
            ):
                for chunk in copy:
                    buffer.write(bytes(chunk).decode())
            csv = parquet.with_suffix(".csv")
            csv.write_text(buffer.getvalue())
            duckdb.sql(
                f"COPY (SELECT * FROM read_csv('{csv}', columns={{'id': 'BIGINT', "
                f"'case_id': 'VARCHAR', 'activity': 'VARCHAR', 'at': 'TIMESTAMPTZ'}})) "
                f"TO '{parquet}' (FORMAT parquet)"
            )
            csv.unlink()

        timed("export to Parquet (not compared)", export)

        print("DuckDB (Parquet):", flush=True)
        duck = duckdb.connect()
        duck_edges, t_duck_dfg = timed(
            "directly-follows graph",
            lambda: edges_of(duck.execute(DFG_DUCK, [str(parquet)]).fetchall()),
        )
        duck_vars, t_duck_var = timed(
            "variants", lambda: dict(duck.execute(VARIANTS_DUCK, [str(parquet)]).fetchall())
        )
        print("PostgreSQL, hand-written:", flush=True)

        def pg(sql: str):  # type: ignore[no-untyped-def]
            with connection.cursor() as c:
                c.execute("SET work_mem = '256MB'")
                c.execute(sql, [KIND])
                return c.fetchall()

        pg_edges, t_pg_dfg = timed("directly-follows graph", lambda: edges_of(pg(DFG_PG)))
        pg_vars, t_pg_var = timed("variants", lambda: dict(pg(VARIANTS_PG)))

        print("HIQC:", flush=True)
        actor = Actor.system("bench")
        kind = selectors.access_process(actor, KIND)
        period = selectors.mining_period(start.date(), today, today)
        result, t_live, hiqc_vars = None, float("nan"), {}
        if not args.no_live:
            result, t_live = timed(
                "live: read traces + mine (all figures)",
                lambda: mine(
                    kind,
                    selectors.traces(actor, kind, period, ""),
                    path="",
                    period=period,
                    at=dj_timezone.now(),
                ),
            )
            hiqc_edges = {(e["source"], e["target"]): (e["frequency"], e["calendar"]["mean"], e["calendar"]["median"])
                          for e in result["edges"] if e["calendar"]}  # fmt: skip
            hiqc_vars = {">".join(v["activities"]): v["cases"] for v in result["variants"]}
            agree("DuckDB", hiqc_edges, duck_edges)
            agree("PostgreSQL", hiqc_edges, pg_edges)
            top = dict(sorted(duck_vars.items(), key=lambda kv: -kv[1])[: len(hiqc_vars)])
            print(
                f"  variants equal (top {len(hiqc_vars)}): "
                f"{'yes' if hiqc_vars == top and duck_vars == pg_vars else 'NO'}"
            )

        print("HIQC over the mining tables (eventlog + mining_sql):", flush=True)
        if not args.reuse or not eventlog.current():
            timed("build the tables (eventlog.rebuild, not compared)", eventlog.rebuild)
            with connection.cursor() as c:
                c.execute("VACUUM ANALYZE process_management_edge")
                c.execute("VACUUM ANALYZE process_management_trace")
        where = "case_type = %s AND started_at >= %s AND started_at < %s"
        params = [KIND, period.start, period.end]
        _rows, t_tab_dfg = timed(
            "directly-follows graph (GROUP BY edge rows)",
            lambda: mining_sql._grouped(mining_sql.EDGE, ("source", "target"), where, params,
                                        ("count(*)",), ("calendar",)),
        )  # fmt: skip
        _rows, t_tab_var = timed(
            "variants (GROUP BY trace rows)",
            lambda: mining_sql._grouped(mining_sql.TRACE, ("variant",), where, params,
                                        ("count(*)",), ()),
        )  # fmt: skip
        fast, t_sql = timed(
            "mine_sql (all figures, as live)",
            lambda: mining_sql.mine_sql(actor, kind, period, "", at=dj_timezone.now()),
        )
        assert fast is not None
        sql_edges = {(e["source"], e["target"]): (e["frequency"], e["calendar"]["mean"], e["calendar"]["median"])
                     for e in fast["edges"] if e["calendar"]}  # fmt: skip
        sql_vars = {">".join(v["activities"]): v["cases"] for v in fast["variants"]}
        agree("DuckDB", sql_edges, duck_edges)
        agree("PostgreSQL", sql_edges, pg_edges)
        if result is None:  # no live figures: the variants are checked against DuckDB's
            hiqc_vars = dict(sorted(duck_vars.items(), key=lambda kv: -kv[1])[: len(sql_vars)])
            same = duck_vars == pg_vars
        else:
            same = [v["cases"] for v in result["variants"]] == [
                v["cases"] for v in fast["variants"]
            ] and all(
                abs(x - y) < 1e-3
                for e, f in zip(result["edges"], fast["edges"], strict=True)
                for k in ("calendar", "working")
                if e[k]
                for x, y in zip(e[k].values(), f[k].values(), strict=True)
            )
        print(
            f"  every edge's mean/median/P90, calendar and working, as live: "
            f"{'yes' if same else 'NO'}; variants equal: {'yes' if sql_vars == hiqc_vars else 'NO'}"
        )
        t_duck, t_pg = t_duck_dfg + t_duck_var, t_pg_dfg + t_pg_var
        print(
            f"  summary: DuckDB {t_duck:.2f} s, PostgreSQL hand-written {t_pg:.2f} s, "
            f"HIQC live {t_live:.2f} s → {t_live / t_duck:.1f}× DuckDB, "
            f"{t_live / t_pg:.1f}× hand-written; tables, graph + variants "
            f"{t_tab_dfg + t_tab_var:.2f} s → {(t_tab_dfg + t_tab_var) / t_duck:.2f}× DuckDB, "
            f"{(t_tab_dfg + t_tab_var) / t_pg:.2f}× hand-written; mine_sql (all figures) "
            f"{t_sql:.2f} s → {t_sql / t_duck:.2f}× DuckDB, {t_sql / t_pg:.2f}× hand-written",
            flush=True,
        )
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
