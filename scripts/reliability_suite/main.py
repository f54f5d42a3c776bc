"""The reliability suite (issue 14): ``scripts/reliability [options]`` (``--help``).

1. Starts its own PRODUCTION stack with ``scripts/prod-stack.sh up rel 9``: a fresh PostgreSQL
   database ``hiqc_prod_rel``, Redis DB 9 (prod-smoke uses 7, the load benchmark 8), generated
   secrets, ``config.settings.prod``, migrate, collectstatic, ``check --deploy``, gunicorn with 2
   workers and ``manage.py run_huey``; loads the demo (``demo_load --allow-production
   --customers 2000``); signs the personas in through the login form and creates their API tokens
   through ``POST /api/v1/tokens`` with that session.
2. Runs the five parts over HTTP against gunicorn on loopback (each module's docstring says what
   it does): 1 ``contract`` (schemathesis), 2 ``doors`` (the persona × ``{id}`` matrix),
   3 ``imports`` (kill -9 of the bulk imports), 4 ``concurrency`` (one case, N identical
   actions), 5 ``limits`` (lockout and rate limits across the workers).
3. Prints the summary table, writes it with every detail to ``var/reliability.json``, and stops
   and drops the stack, also on failure or Ctrl-C. Exit 1 when any part found a 5xx, a schema
   mismatch, a leak, a lost or doubled row, a broken rule, or could not run.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import concurrency, contract, doors, imports, limits
from .common import (
    DEMO_PASSWORD,
    ROOT,
    STOP,
    Browser,
    Http,
    Interrupted,
    PartResult,
    Tally,
    Timer,
)
from .stack import Stack

PARTS = {
    "1": ("contract", "schemathesis, 2 personas", contract.run),
    "2": ("doors", "persona × {id} doors", doors.run),
    "3": ("imports", "kill -9 of bulk imports", imports.run),
    "4": ("concurrency", "concurrent actions, 1 case", concurrency.run),
    "5": ("limits", "lockout + rate limits", limits.run),
}
BRANCH_PERSONAS = (
    "branch_manager_bj,complaint_handler_bj,claims_handler_bj,agent_bj,facility_bj,"
    "branch_manager_gd,agent_gd"
)
# which columns mean something for each part (the others print "·")
COLUMNS = {
    "contract": {"requests", "5xx", "mismatches"},
    "doors": {"requests", "5xx", "leaks"},
    "imports": {"lost"},
    "concurrency": {"requests", "5xx"},
    "limits": {"requests", "5xx"},
}


@dataclass
class Context:
    args: argparse.Namespace
    stack: Stack
    http: Http = field(init=False)
    password: str = DEMO_PASSWORD
    prepared: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    children: list[subprocess.Popen[Any]] = field(default_factory=list)
    # keys of this run's imported rows (call-id prefix, source system): unique on a reused stack
    run_tag: str = field(default_factory=lambda: secrets.token_hex(2).upper())

    @property
    def head_office(self) -> str:
        return self.args.personas.split(",")[0]

    @property
    def contract_personas(self) -> list[str]:
        return self.args.personas.split(",")

    @property
    def branch_personas(self) -> dict[str, Any]:
        wanted = self.args.door_personas.split(",")
        known = self.prepared["personas"]
        return {n: known[n] for n in wanted if n in known and known[n]["branch"]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="scripts/reliability",
        description="The reliability suite (issue 14) against a production stack on loopback.",
    )
    p.add_argument("--parts", default="1,2,3,4,5", help="which parts to run (default 1,2,3,4,5)")
    p.add_argument("--examples", type=int, default=5, help="cases per operation, persona and "
                   "mode (schema-valid, schema-invalid) in part 1 (default 5)")  # fmt: skip
    p.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    p.add_argument("--personas", default="quality_lead,complaint_handler_bj",
                   help="part 1 personas: head office first, then a branch one")  # fmt: skip
    p.add_argument("--door-personas", default=BRANCH_PERSONAS, help="part 2 branch personas")
    p.add_argument("--handler", default="complaint_handler_bj", help="part 4 persona")
    p.add_argument("--concurrent", type=int, default=30, help="part 4 simultaneous actions")
    p.add_argument("--lockout-user", default="trainer", help="part 5 account to lock (trainer)")
    p.add_argument("--calls", type=int, default=100_000, help="part 3 call records per file")
    p.add_argument("--claims", type=int, default=6_000, help="part 3 claims per event file")
    p.add_argument("--kill-at", default="0.3,commit,0.7",
                   help="part 3 kill points: fractions of the undisturbed run's time, or "
                   "'commit' (as soon as its first rows are committed)")  # fmt: skip
    p.add_argument("--customers", type=int, default=2000, help="demo customers (2000)")
    p.add_argument("--name", default="rel", help="stack name (var/prod-NAME, hiqc_prod_NAME)")
    p.add_argument("--redis-db", default="9", help="the stack's Redis database (9)")
    p.add_argument("--reuse", action="store_true", help="use the stack NAME already up")
    p.add_argument("--no-load", action="store_true", help="skip demo_load (with --reuse)")
    p.add_argument("--keep", action="store_true", help="leave the stack running at the end")
    p.add_argument("--json", default=str(ROOT / "var" / "reliability.json"), help="report file")
    args = p.parse_args(argv)
    args.kill_at = [
        x.strip() if x.strip() == "commit" else float(x)
        for x in args.kill_at.split(",")
        if x.strip()
    ]
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2**31)
    return args


def _interrupt(signum: int, _frame: Any) -> None:
    if STOP.is_set():  # already stopping: let the clean-up finish
        return
    STOP.set()
    raise Interrupted(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _interrupt)
    clock = Timer()
    stack = Stack(args.name, args.redis_db)
    ctx = Context(args=args, stack=stack)
    results: list[PartResult] = []
    setup: dict[str, Any] = {"seed": args.seed, "started_at": _now()}
    started_stack = False
    code = 1
    try:
        if args.reuse:
            stack.load_env()
        else:
            if stack.running():
                print(
                    f"The stack {args.name} is already running (var/prod-{args.name}/): "
                    f"scripts/prod-stack.sh down {args.name} first, or pass --reuse.",
                    file=sys.stderr,
                )
                return 2
            print(f"==> production stack {args.name} (Redis DB {args.redis_db})", flush=True)
            started_stack = True
            t = Timer()
            stack.up(2)
            setup["stack_up_s"] = round(t.seconds, 1)
        ctx.http = Http(stack.url)
        if not args.no_load:
            print(f"==> demo_load --allow-production --customers {args.customers}", flush=True)
            t = Timer()
            stack.manage(
                "demo_load", "--allow-production", "--customers", str(args.customers), "-v", "0"
            )
            setup["demo_load_s"] = round(t.seconds, 1)
        print("==> fixtures and personas", flush=True)
        t = Timer()
        personas = sorted({*args.personas.split(","), *args.door_personas.split(","), args.handler})
        ctx.prepared = stack.on_stack(
            "prepare",
            personas=personas,
            doors=doors.door_specs(),
            policies=500,
        )
        missing = [p for p in personas if p not in ctx.prepared["personas"]]
        if missing:
            raise RuntimeError(f"personas missing from the demo: {missing}")
        for name in personas:
            browser = Browser(ctx.http)
            browser.login(name, ctx.password)
            ctx.tokens[name] = browser.api_token("reliability")
        setup["fixtures_s"] = round(t.seconds, 1)
        setup["personas"] = {n: ctx.prepared["personas"][n]["paths"] for n in personas}
        setup["url"] = stack.url
        print(f"    {len(ctx.tokens)} personas signed in, tokens through POST /api/v1/tokens")

        for key in args.parts.split(","):
            key = key.strip()
            if key not in PARTS:
                raise SystemExit(f"unknown part {key!r} (1–5)")
            name, title, fn = PARTS[key]
            part = PartResult(key=f"{key} {name}", title=title)
            results.append(part)
            print(f"==> part {key}: {title}", flush=True)
            ctx.http.tally = Tally()
            t = Timer()
            try:
                fn(ctx, part)
            except KeyboardInterrupt:
                part.error = "interrupted"
                raise
            except Exception as exc:  # a part that cannot run is a failure, the others go on
                if STOP.is_set():
                    part.error = "interrupted"
                    raise Interrupted from exc
                part.error = f"{type(exc).__name__}: {exc}"
                print(f"    ERROR {part.error}", flush=True)
                traceback.print_exc()
            finally:
                _close_part(ctx, part, t)
        code = 0
    except KeyboardInterrupt:
        print("\nINTERRUPTED: stopping what the suite started.", file=sys.stderr, flush=True)
        setup["interrupted"] = True
        code = 130
    finally:
        setup["log_tracebacks"] = stack.log_tracebacks()
        for proc in list(ctx.children):  # an import still running after an interruption
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if started_stack and not args.keep:
            print(f"==> stopping the stack {args.name}", flush=True)
            stack.down()
        elif started_stack or args.reuse:
            print(f"Stack left running: scripts/prod-stack.sh down {args.name} to stop it.")
        setup["seconds"] = round(clock.seconds, 1)
        if results:
            failed = _summary(results, setup, args, clock.seconds)
            if failed and code == 0:
                code = 1
    return code


def _close_part(ctx: Context, part: PartResult, t: Timer) -> None:
    part.seconds = t.seconds
    part.requests += ctx.http.tally.requests
    part.server_errors += ctx.http.tally.server_errors
    if ctx.http.tally.examples:
        part.details["5xx_examples"] = ctx.http.tally.examples
    for example in ctx.http.tally.examples:
        print(f"      5xx: {example}")


def _tracebacks(setup: dict[str, Any]) -> str:
    logs = setup.get("log_tracebacks") or {}
    return ", ".join(f"{k} {v['tracebacks']}" for k, v in logs.items()) or "?"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(results: list[PartResult], setup: dict[str, Any], args: Any, seconds: float) -> bool:
    header = ("part", "requests", "5xx", "schema mismatches", "leaks", "lost/doubled rows",
              "failures", "seconds")  # fmt: skip
    rows = []
    for r in results:
        cols = COLUMNS.get(r.key.split(" ", 1)[1], set())

        def cell(name: str, value: int, cols: set[str] = cols) -> str:
            return f"{value:,}" if name in cols else "·"

        rows.append(
            (
                f"{r.key} ({r.title})",
                cell("requests", r.requests),
                cell("5xx", r.server_errors),
                cell("mismatches", r.mismatches),
                cell("leaks", r.leaks),
                cell("lost", r.lost_rows),
                f"{r.failures:,}",
                f"{r.seconds:.0f}",
            )
        )
    total = (
        "total",
        f"{sum(r.requests for r in results):,}",
        f"{sum(r.server_errors for r in results):,}",
        f"{sum(r.mismatches for r in results):,}",
        f"{sum(r.leaks for r in results):,}",
        f"{sum(r.lost_rows for r in results):,}",
        f"{sum(r.failures for r in results):,}",
        f"{seconds:.0f}",
    )
    widths = [max(len(str(x[i])) for x in [header, *rows, total]) for i in range(len(header))]

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(
            str(v).ljust(widths[i]) if i == 0 else str(v).rjust(widths[i])
            for i, v in enumerate(values)
        )

    print("\nReliability suite summary")
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    print("  ".join("-" * w for w in widths))
    print(line(total))
    failed_checks = [(r.key, c) for r in results for c in r.checks if not c.ok]
    if failed_checks or any(r.error for r in results):
        print("\nFailures:")
        for key, c in failed_checks:
            print(f"  [{key}] {c.name}: {c.detail[:600]}")
        for r in results:
            if r.error:
                print(f"  [{r.key}] could not run: {r.error}")
    failed = bool(
        failed_checks or any(r.error or r.server_errors or r.leaks or r.lost_rows for r in results)
    )
    verdict = "INTERRUPTED" if setup.get("interrupted") else ("FAILED" if failed else "passed")
    failed = failed or bool(setup.get("interrupted"))
    print(
        f"\n{verdict}: {seconds / 60:.1f} min in all "
        f"(stack {setup.get('stack_up_s', '-')} s, demo_load {setup.get('demo_load_s', '-')} s); "
        f"hypothesis seed {args.seed}; tracebacks in the logs: {_tracebacks(setup)}; "
        f"details in {args.json}"
    )
    report = {
        "failed": failed,
        "seconds": round(seconds, 1),
        "setup": setup,
        "totals": {
            "requests": sum(r.requests for r in results),
            "5xx": sum(r.server_errors for r in results),
            "schema_mismatches": sum(r.mismatches for r in results),
            "leaks": sum(r.leaks for r in results),
            "lost_or_doubled_rows": sum(r.lost_rows for r in results),
            "failures": sum(r.failures for r in results),
        },
        "parts": [r.as_dict() for r in results],
    }
    target = Path(args.json)
    if not target.is_absolute():
        target = ROOT / target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return failed


if __name__ == "__main__":
    sys.exit(main())
