"""Part 3: ``kill -9`` of each bulk import at several points, then a re-run to completion.

Two bulk imports, each run as the real management command against the stack's database:

* call records: ``manage.py import_calls FILE`` (chunks of 50,000 rows, each its own transaction;
  idempotent by ``call_id``), ``--calls`` rows of a generated CSV;
* core-system claim events: ``manage.py import_claim_events FILE --bulk`` (validated in memory,
  written in batches; idempotent by ``source_system`` + ``external_id``), the events of
  ``--claims`` claims on the suite's own policies (``RP-…``).

Trial 0 imports its file undisturbed: the reference, and its duration D. Each later trial imports
the same content under its own key (call-id prefix, source system) and is killed with SIGKILL at
its kill point (``--kill-at``): a fraction of D, or ``commit`` — as soon as its first rows are
committed (polled every 20 ms) — then re-run to completion. A run that finished before its kill
point is tried again, earlier, under a new key. After the re-run its rows must equal the file's
(calls: one row per line; claim events: one event per line) and the reference's for everything
derived (claims, events, clocks, supplement requests, documents, payments, and the claims' states
and versions): a missing row is lost, an extra one doubled.
"""

from __future__ import annotations

import heapq
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .common import ROOT, PartResult, stop_if_asked

if str(ROOT) not in sys.path:  # bench/ holds the file generators the benchmarks use too
    sys.path.insert(0, str(ROOT))

BEIJING = timezone(timedelta(hours=8))
DOCS = ("form", "id", "invoice", "discharge")
H, D = timedelta(hours=1), timedelta(days=1)
OPEN_SHARE = 0.03  # the claims of an event file still open at its end


# --- input files ---------------------------------------------------------------------------------


def write_calls(path: Path, rows: int, prefix: str, units: list[str], start: datetime) -> None:
    """``rows`` valid call records, 20 s apart from ``start``: the bench's own generator."""
    from bench.bench_call_import import write_file

    write_file(path, rows, prefix=prefix, units=units, start=start)


def _claim_events(
    rnd: random.Random, i: int, received: datetime, policies: int, system: str
) -> list[tuple[datetime, dict[str, Any]]]:
    """One finished claim's events (as bench/bench_claim_events.py): most paid, some through a
    supplement request, some refused, a few withdrawn."""
    ref = f"REL-{i:08d}"
    amount = rnd.choice((800, 1500, 2600, 4200, 8600, 12000, 35000, 120000))
    roll = rnd.random()
    supplement = 0.45 <= roll < 0.55
    docs = list(DOCS[:2]) if supplement else list(DOCS)
    steps: list[tuple[timedelta, str, dict[str, Any]]] = [
        (
            timedelta(0),
            "create",
            {
                "policy_number": f"RP-{rnd.randrange(policies):06d}",
                "claim_type": "medical_reimbursement",
                "incident_date": (received - D * rnd.randrange(1, 40)).date().isoformat(),
                "amount_claimed": str(amount),
                "diagnosis_code": "K35.8",
                "diagnosis_text": "急性阑尾炎",
                "documents": docs,
            },
        ),
        (H * rnd.randrange(1, 30), "start_review", {}),
    ]
    if supplement:
        steps += [
            (H * rnd.randrange(1, 20), "request_supplement", {"items": list(DOCS[2:])}),
            (D * rnd.randrange(1, 4), "notice_delivered", {}),
            (D * rnd.randrange(2, 15), "supplement_received", {}),
        ]
    steps.append((H * rnd.randrange(1, 72), "documents_complete", {}))
    if 0.55 <= roll < 0.63:
        steps += [
            (
                D * rnd.randrange(1, 20),
                "refuse",
                {"reason_code": "exclusion", "reason_text": "既往症属于责任免除。"},
            ),
            (H * rnd.randrange(1, 60), "send_refusal_notice", {}),
            (D * rnd.randrange(1, 5), "close", {}),
        ]
    elif 0.63 <= roll < 0.65:
        steps = [*steps[:2], (D * rnd.randrange(1, 5), "withdraw", {"reason": "客户撤回"})]
    else:
        approved = amount if rnd.random() < 0.8 else amount * 3 // 4
        decision = {
            "outcome": "approve" if approved == amount else "partial",
            "amount_approved": str(approved),
            **({} if approved == amount else {"reason_code": "non_medical"}),
        }
        steps += [
            (D * rnd.randrange(1, 20), "decide", decision),
            (H * rnd.randrange(1, 48), "agree_amount", {}),
            (
                D * rnd.randrange(1, 9),
                "pay",
                {"channel": "bank_transfer", "reference": f"PAY-{system}-{i:09d}"},
            ),
            (D * rnd.randrange(1, 5), "close", {}),
        ]
    out, at = [], received
    for n, (delay, action, data) in enumerate(steps):
        at = at + delay
        event = {
            "source_system": system,
            "external_id": f"{ref}-{n}",
            "claim": ref,
            "action": action,
            "at": at.isoformat(),
            "data": data,
        }
        out.append((at, event))
    return out


def write_events(path: Path, claims: int, policies: int, system: str, now: datetime) -> int:
    """Time-ordered JSON lines of ``claims`` claims: finished ones received over 300 days up to
    ``now`` − 70 days (their last events stay in the past), and the last ``OPEN_SHARE`` received
    2 to 4 days ago and still open (the bulk import writes those at the end; their clocks are not
    overdue, so the stack's deadline sweep has nothing old to notify about)."""
    rnd = random.Random(2026)
    opened = max(1, int(claims * OPEN_SHARE))
    start = now - timedelta(days=370)
    step = timedelta(days=300) / (claims - opened)
    heap: list[tuple[datetime, int, str]] = []
    written = seq = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(claims):
            if i < claims - opened:
                received = start + step * i
            else:
                received = now - timedelta(days=4) + timedelta(days=2) * (i % opened) / opened
            while heap and heap[0][0] <= received:
                out.write(heapq.heappop(heap)[2])
                written += 1
            events = _claim_events(rnd, i, received, policies, system)
            if i >= claims - opened:  # received, perhaps under review: still open
                events = events[: 1 + i % 2]
            for at, event in events:
                seq += 1
                heapq.heappush(heap, (at, seq, json.dumps(event, ensure_ascii=False) + "\n"))
        while heap:
            out.write(heapq.heappop(heap)[2])
            written += 1
    return written


# --- runs ----------------------------------------------------------------------------------------


def _run(
    ctx: Any,
    argv: list[str],
    log: Path,
    *,
    kill_after: float | None = None,
    kill_when: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Run a management command; SIGKILL it after ``kill_after`` s, or as soon as ``kill_when()``
    (polled every 20 ms) is true, if it is still running then."""
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603
            ctx.stack.manage_argv(*argv),
            cwd=ROOT,
            env=ctx.stack.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        ctx.children.append(proc)
        killed_at = None
        try:
            while proc.poll() is None and (kill_after is not None or kill_when is not None):
                stop_if_asked()
                elapsed = time.monotonic() - started
                if (kill_after is not None and elapsed >= kill_after) or (
                    kill_when is not None and kill_when()
                ):
                    if proc.poll() is None:
                        os.kill(proc.pid, signal.SIGKILL)
                        killed_at = round(time.monotonic() - started, 2)
                    break
                time.sleep(0.02)
            while proc.poll() is None:
                stop_if_asked()
                time.sleep(0.1)
            code = proc.wait()
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
            ctx.children.remove(proc)
    output = log.read_text(errors="replace")
    return {
        "seconds": round(time.monotonic() - started, 2),
        "killed": killed_at is not None,
        "killed_at_s": killed_at,
        "exit": code,
        "summary": next((ln for ln in output.splitlines() if ln.startswith("Read ")), ""),
        "output": output[-1500:],
    }


def _report_numbers(output: str, words: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for word in words:
        m = re.search(rf"{word} ([\d,]+)", output)
        if m:
            out[word] = int(m.group(1).replace(",", ""))
    return out


# the rows of one import's claims (the source system is the one bound parameter)
EVENT_COUNTS = {
    "claims": "SELECT count(*) FROM claims_claim WHERE source_system = %s",
    "events": "SELECT count(*) FROM core_caseevent WHERE source_system = %s",
    "distinct_events": (
        "SELECT count(DISTINCT external_id) FROM core_caseevent WHERE source_system = %s"
    ),
    "all_events_of_claims": (
        "SELECT count(*) FROM core_caseevent e JOIN claims_claim c ON e.case_id = c.id::text "
        "WHERE c.source_system = %s"
    ),
    "clocks": (
        "SELECT count(*) FROM core_deadline d JOIN claims_claim c ON d.case_id = c.id::text "
        "WHERE c.source_system = %s"
    ),
    "supplement_requests": (
        "SELECT count(*) FROM claims_supplementrequest s JOIN claims_claim c ON s.claim_id = c.id "
        "WHERE c.source_system = %s"
    ),
    "documents": (
        "SELECT count(*) FROM claims_claimdocument d JOIN claims_claim c ON d.claim_id = c.id "
        "WHERE c.source_system = %s"
    ),
    "payments": (
        "SELECT count(*) FROM claims_payment p JOIN claims_claim c ON p.claim_id = c.id "
        "WHERE c.source_system = %s"
    ),
}


@dataclass
class Import:
    """One bulk import under test: how to write its file under a key, run it, and count its
    rows (``first_row`` is true once the import has committed anything)."""

    label: str
    write: Callable[[Path, str], int]  # (path, key) → lines written
    argv: Callable[[Path], list[str]]
    counts: Callable[[str], dict[str, Any]]
    first_row: Callable[[str], bool]
    report_words: tuple[str, ...]
    suffix: str


def _difference(got: dict[str, Any], want: dict[str, Any]) -> int:
    """Rows lost or doubled: the sum of |got − want| over the counts (states included)."""
    total = 0
    for key in want.keys() | got.keys():
        a, b = got.get(key, 0), want.get(key, 0)
        if isinstance(a, dict) or isinstance(b, dict):
            total += _difference(a or {}, b or {})
        else:
            total += abs(int(a) - int(b))
    return total


def run(ctx: Any, part: PartResult) -> None:
    work = ctx.stack.dir / "reliability"
    work.mkdir(parents=True, exist_ok=True)
    part.details["kill_points"] = ctx.args.kill_at
    stack = ctx.stack
    now = datetime.now(BEIJING).replace(microsecond=0)
    calls_start = now.replace(tzinfo=None) - timedelta(days=200)
    rows, claims = ctx.args.calls, ctx.args.claims
    units = ctx.prepared["call_units"]
    policies = ctx.prepared["reference"]["policies"]

    def calls_write(path: Path, key: str) -> int:
        write_calls(path, rows, key, units, calls_start)
        return rows

    def calls_counts(key: str) -> dict[str, Any]:
        n, distinct = stack.sql(
            "SELECT count(*), count(DISTINCT call_id) FROM callcentre_callrecord "
            "WHERE call_id LIKE %s",
            (key + "%",),
        )[0]
        return {"rows": n, "distinct_call_ids": distinct}

    imports = [
        Import(
            label="import_calls",
            write=calls_write,
            argv=lambda path: ["import_calls", str(path)],
            counts=calls_counts,
            first_row=lambda key: bool(
                stack.sql(
                    "SELECT 1 FROM callcentre_callrecord WHERE call_id = %s", (f"{key}{0:010d}",)
                )
            ),
            report_words=("inserted", "duplicates", "rejected"),
            suffix="csv",
        ),
        Import(
            label="import_claim_events --bulk",
            write=lambda path, key: write_events(path, claims, policies, key, now),
            argv=lambda path: ["import_claim_events", str(path), "--bulk"],
            counts=lambda key: _event_counts(ctx, key),
            first_row=lambda key: bool(
                stack.sql(
                    "SELECT 1 FROM claims_claim WHERE source_system = %s AND external_ref <> '' "
                    "LIMIT 1",
                    (key,),
                )
            ),
            report_words=("applied", "duplicate", "rejected"),
            suffix="jsonl",
        ),
    ]
    try:
        for spec in imports:
            _trials(ctx, part, spec, work)
    finally:
        for f in work.glob("*"):
            f.unlink()
        work.rmdir()


def _trials(ctx: Any, part: PartResult, spec: Import, work: Path) -> None:
    """Trial 0 undisturbed (the reference), then one trial per kill point: killed, re-run."""
    points = ctx.args.kill_at
    base = "RC" if spec.suffix == "csv" else "REL"
    trials: list[dict[str, Any]] = []
    reference: dict[str, Any] = {}
    reference_seconds = 0.0
    print(f"    {spec.label}: kill points {points}", flush=True)
    for k, point in enumerate([None, *points]):
        attempts: list[dict[str, Any]] = []
        for attempt in range(MAX_ATTEMPTS):
            key = f"{base}{ctx.run_tag}{k}{'abcdefgh'[attempt]}-"
            if spec.suffix == "jsonl":
                key = key.rstrip("-")
            path = work / f"{key}.{spec.suffix}"
            lines = spec.write(path, key)
            if point is None:
                break
            if point == "commit":
                how = {"kill_when": lambda key=key: spec.first_row(key)}
            else:
                delay = round(reference_seconds * float(point) * 0.7**attempt, 2)
                how = {"kill_after": delay}
            killed = _run(ctx, spec.argv(path), work / f"{key}-killed.log", **how)
            killed["after_kill"] = spec.counts(key)
            attempts.append(killed)
            if killed["killed"]:
                break
            path.unlink()  # it finished before the kill point: again, earlier, under a new key
        trial: dict[str, Any] = {"key": key, "point": point, "lines": lines, "attempts": attempts}
        trial["run"] = _run(ctx, spec.argv(path), work / f"{key}.log")
        trial["report"] = _report_numbers(trial["run"]["summary"], spec.report_words)
        counts = spec.counts(key)
        trial["counts"] = counts
        if k == 0:
            reference_seconds = trial["run"]["seconds"]
            reference = counts
            want = _expected_from_file(spec, counts, lines)
        else:
            want = reference
        trial["want"] = want
        trial["lost_or_doubled"] = _difference(counts, want)
        part.lost_rows += trial["lost_or_doubled"]
        trials.append(trial)
        _say_trial(spec.label, k, trial)
        rejected = trial["report"].get("rejected", 0)
        if k == 0:
            label = "undisturbed: every line applied once"
        else:
            label = f"{_point_label(point)}, then a re-run: the reference's rows"
        part.check(
            f"{spec.label} trial {k} ({label})",
            trial["run"]["exit"] == 0 and trial["lost_or_doubled"] == 0 and rejected == 0,
            f"exit {trial['run']['exit']}, rejected {rejected}, counts {counts} (want {want}); "
            f"{trial['run']['output'][-300:]}",
        )
        if k:
            part.check(
                f"{spec.label} trial {k}: the kill landed while the import ran",
                bool(attempts) and attempts[-1]["killed"],
                f"every attempt had finished before the kill: {attempts}",
            )
        path.unlink()
    part.details[spec.label] = {"trials": trials}


MAX_ATTEMPTS = 4


def _expected_from_file(spec: Import, counts: dict[str, Any], lines: int) -> dict[str, Any]:
    if spec.suffix == "csv":  # one call record per line, none twice
        return {"rows": lines, "distinct_call_ids": lines}
    # one event per line, none twice; the derived rows are the reference's own
    return {**counts, "events": lines, "distinct_events": lines}


def _point_label(point: Any) -> str:
    if point == "commit":
        return "SIGKILL right after its first commit"
    return f"SIGKILL at {float(point):.0%} of the undisturbed run"


def _event_counts(ctx: Any, system: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: ctx.stack.sql(sql, (system,))[0][0] for k, sql in EVENT_COUNTS.items()
    }
    out["states"] = {
        f"{status} v{version}": n
        for status, version, n in ctx.stack.sql(
            "SELECT status, version, count(*) FROM claims_claim WHERE source_system = %s "
            "GROUP BY status, version ORDER BY status, version",
            (system,),
        )
    }
    return out


def _say_trial(what: str, k: int, trial: dict[str, Any]) -> None:
    if k == 0:
        head = f"trial 0 undisturbed ({trial['run']['seconds']} s)"
    else:
        last = trial["attempts"][-1]
        misses = len(trial["attempts"]) - (1 if last["killed"] else 0)
        head = (
            f"trial {k} ({_point_label(trial['point'])}) SIGKILL at {last['killed_at_s']} s"
            + (f" after {misses} attempt(s) that finished first" if misses else "")
            + f": {_brief(last['after_kill'])} → re-run ({trial['run']['seconds']} s)"
        )
    print(
        f"      {what} {head}: {_brief(trial['counts'])}, report {trial['report']}, "
        f"lost/doubled {trial['lost_or_doubled']}",
        flush=True,
    )


def _brief(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items() if not isinstance(v, dict))
