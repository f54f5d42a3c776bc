"""Bounded load on the production stack: page latency and requests/s (a benchmark, not a test).

    .venv/bin/python bench/bench_load.py [--users 50] [--duration 60] [--customers 200000]
        [--workers 5] [--think 1.0] [--reuse] [--keep] [--no-load]

What it does (issue 13 §6):

1. Starts the PRODUCTION configuration on loopback exactly as ``scripts/prod-smoke`` does
   (``scripts/prod-stack.sh up bench``: a fresh PostgreSQL database ``hiqc_prod_bench``, Redis
   DB 8, generated secrets, ``config.settings.prod``, migrate, collectstatic, ``check --deploy``,
   gunicorn with ``--workers`` sync workers and ``manage.py run_huey``), without the access log.
   ``--reuse`` uses a stack already up (``scripts/prod-stack.sh up bench``, or an earlier run with
   ``--keep``) and leaves it running.
2. Loads the demo data with ``manage.py demo_load --allow-production --customers N`` (10× the
   default 20,000 customers by default; ``--no-load`` skips it on a reused stack). Only customers
   scale with N: the domain generators cap their cases (≈3,000 complaints, ≈50,000 claims, 30,000
   consultations, a year of history), so the case tables are the demo's, the customer and policy
   tables ten times bigger.
3. Signs in ``--user`` (default ``quality_lead``, password ``$HIQC_DEMO_PASSWORD`` or the demo's
   default) through the login form once per virtual user, as behind the TLS proxy
   (``X-Forwarded-Proto: https``), and samples complaint ids from the API with that session.
4. A 1-user baseline (``--baseline`` s), then ``--users`` concurrent users, each requesting in a
   loop, without think time, one of: 我的待办 ``/my-work/``, a complaint page
   ``/complaints/<id>/``, the complaint list ``/complaints/``, the quality overview ``/quality/``.
   The first ``--warmup`` seconds of the loaded phase are not counted. This phase measures what
   the server can do (requests/s at saturation); its latency is mostly queueing (50 users with no
   pause wait ≈ 50 ÷ requests/s each).
   Then the same users again, each pausing ``--think`` seconds on average (exponential) after a
   page, as people read what they opened: the latency a user sees under 50 concurrent users.
5. Prints p50/p95/p99 latency and requests/s per page and overall, beside the targets (p99 < 100 ms
   on case pages, ≥ 300 requests/s for reads on 2 cores), and writes them to
   ``bench/out/bench_load.json``. It asserts nothing.

The load generator is plain Python (threads and ``http.client``, one new connection per request
since gunicorn's sync workers close it); it runs on the same machine and takes CPU from the server,
so its own CPU time is printed too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "prod-stack.sh"
NAME = "bench"
REDIS_DB = "8"
ENV_FILE = ROOT / "var" / f"prod-{NAME}" / "env"
DEMO_PASSWORD = "hiqc-demo-2026"  # hiqc.demo.people.DEFAULT_PASSWORD
PAGES = ("my-work", "complaint", "complaint-list", "quality")
CASE_PAGES = ("complaint",)
TARGET_P99_MS = 100.0
TARGET_RPS = 300.0


def stack_env() -> dict[str, str]:
    """The environment of the running stack (secrets, DATABASE_URL, PS_URL …) from its env file."""
    if not ENV_FILE.exists():
        sys.exit(f"No {ENV_FILE.relative_to(ROOT)}: the stack is not up ({STACK.name} up {NAME}).")
    out = subprocess.run(
        ["bash", "-c", 'source "$1" && env -0', "_", str(ENV_FILE)],
        check=True,
        capture_output=True,
    ).stdout.decode()
    env = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
    if "PS_URL" not in env:
        sys.exit(f"{ENV_FILE.relative_to(ROOT)} has no PS_URL: the stack was not started.")
    return env


def stack_up(workers: int) -> None:
    env = {**os.environ, "GUNICORN_ACCESS_LOG": "0"}
    subprocess.run([str(STACK), "up", NAME, REDIS_DB, str(workers)], check=True, env=env)


def stack_down() -> None:
    subprocess.run([str(STACK), "down", NAME], check=False)


def demo_load(env: dict[str, str], customers: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "manage.py",
            "demo_load",
            "--allow-production",
            "--customers",
            str(customers),
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


# --- HTTP ------------------------------------------------------------------------------------


class Client:
    """One signed-in browser: its own cookies, one connection per request (gunicorn sync closes)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.origin = f"https://{parts.netloc}"
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            h = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}
            if self.cookies:
                h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            h.update(headers or {})
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            for value in resp.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return resp.status, data
        finally:
            conn.close()

    def login(self, username: str, password: str) -> None:
        status, _ = self.request("GET", "/accounts/login/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"GET /accounts/login/: HTTP {status}, no csrftoken")
        form = urlencode(
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "username": username,
                "password": password,
            }
        ).encode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username}: HTTP {status} (expected 302 and a session)")


def complaint_ids(client: Client, want: int = 500) -> list[str]:
    ids: list[str] = []
    while len(ids) < want:
        status, data = client.request(
            "GET",
            f"/api/v1/complaints?limit=500&offset={len(ids)}",
            headers={"Accept": "application/json"},
        )
        if status != 200:
            raise RuntimeError(f"GET /api/v1/complaints: HTTP {status}: {data[:300]!r}")
        items = json.loads(data)["items"]
        ids += [row["id"] for row in items]
        if len(items) < 500:
            break
    if not ids:
        raise RuntimeError("no complaint visible to the signed-in user: demo data not loaded?")
    return ids


# --- load ------------------------------------------------------------------------------------


@dataclass
class Samples:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def page_path(page: str, rng: random.Random, ids: list[str]) -> str:
    if page == "my-work":
        return "/my-work/"
    if page == "complaint":
        return f"/complaints/{rng.choice(ids)}/"
    if page == "complaint-list":
        return "/complaints/"
    return "/quality/"


def user_loop(
    client: Client,
    ids: list[str],
    seed: int,
    count_from: float,
    stop_at: float,
    samples: Samples,
    think: float = 0.0,
) -> None:
    rng = random.Random(seed)
    pages = list(PAGES)
    rng.shuffle(pages)
    i = 0
    while True:
        page = pages[i % len(pages)]
        i += 1
        path = page_path(page, rng, ids)
        started = time.perf_counter()
        if started >= stop_at:
            return
        try:
            status, _ = client.request("GET", path)
            problem = "" if status == 200 else f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            problem = type(exc).__name__
        elapsed = time.perf_counter() - started
        if think:  # a user reads the page before the next click (exponential, mean ``think``)
            time.sleep(min(rng.expovariate(1 / think), max(0.0, stop_at - time.perf_counter())))
        if started < count_from:
            continue
        with samples.lock:
            if problem:
                samples.errors[page] += 1
                if len(samples.error_examples) < 5:
                    samples.error_examples.append(f"{path}: {problem}")
            else:
                samples.latency[page].append(elapsed)


def run_phase(
    clients: list[Client], ids: list[str], seconds: float, warmup: float, think: float = 0.0
) -> tuple[Samples, float, float]:
    samples = Samples()
    now = time.perf_counter()
    count_from, stop_at = now + warmup, now + warmup + seconds
    cpu0 = time.process_time()
    threads = [
        threading.Thread(
            target=user_loop,
            args=(c, ids, n, count_from, stop_at, samples, think),
            daemon=True,
        )
        for n, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, seconds, time.process_time() - cpu0


def pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k] * 1000


def summarise(samples: Samples, seconds: float) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    everything: list[float] = []
    for page in PAGES:
        values = sorted(samples.latency.get(page, []))
        everything += values
        rows[page] = _row(values, samples.errors.get(page, 0), seconds)
    rows["overall"] = _row(sorted(everything), sum(samples.errors.values()), seconds)
    return rows


def _row(values: list[float], errors: int, seconds: float) -> dict:
    return {
        "requests": len(values),
        "errors": errors,
        "rps": len(values) / seconds,
        "p50_ms": pct(values, 50),
        "p95_ms": pct(values, 95),
        "p99_ms": pct(values, 99),
    }


def print_table(title: str, rows: dict[str, dict], *, targets: bool, rate: bool = True) -> None:
    print(f"\n{title}")
    print(
        f"  {'page':<16}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}  target"
    )
    for page, r in rows.items():
        note = ""
        if targets and page in CASE_PAGES:
            met = r["p99_ms"] < TARGET_P99_MS
            note = f"p99 < {TARGET_P99_MS:.0f} ms: {'met' if met else 'MISSED'}"
        if targets and rate and page == "overall":
            met = r["rps"] >= TARGET_RPS
            note = f"≥ {TARGET_RPS:.0f} req/s: {'met' if met else 'MISSED'}"
        print(
            f"  {page:<16}{r['requests']:>9,}{r['errors']:>8,}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}"
            f"{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}  {note}"
        )


def conditions(env: dict[str, str], workers: int) -> dict:
    db = (
        subprocess.run(
            [
                "psql",
                env["DATABASE_URL"],
                "-Atc",
                "SELECT current_setting('server_version'), "
                "(SELECT count(*) FROM customers_customer), (SELECT count(*) FROM complaints_complaint), "
                "(SELECT count(*) FROM claims_claim), (SELECT count(*) FROM policies_policy)",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        .stdout.strip()
        .split("|")
    )
    keys = ("postgresql", "customers", "complaints", "claims", "policies")
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "gunicorn_workers": workers,
        **dict(zip(keys, db, strict=False)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds (60)")
    parser.add_argument("--warmup", type=float, default=5, help="uncounted seconds first (5)")
    parser.add_argument("--baseline", type=float, default=10, help="1-user seconds first (10)")
    parser.add_argument("--customers", type=int, default=200_000, help="demo customers (200000)")
    parser.add_argument(
        "--workers", type=int, default=5, help="gunicorn workers (5: gunicorn's 2 × cores + 1)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean think time (s) of the last phase, 0 to skip it (1.0)",
    )
    parser.add_argument("--user", default="quality_lead", help="demo login (quality_lead)")
    parser.add_argument("--reuse", action="store_true", help="use the running bench stack")
    parser.add_argument("--keep", action="store_true", help="leave the stack running at the end")
    parser.add_argument("--no-load", action="store_true", help="skip demo_load (with --reuse)")
    args = parser.parse_args()

    started_stack = False
    try:
        if not args.reuse:
            stack_up(args.workers)
            started_stack = True
        env = stack_env()
        workers = int(env.get("PS_WORKERS", args.workers))
        load_seconds = None
        if not args.no_load:
            print(f"demo_load --allow-production --customers {args.customers:,} …", flush=True)
            load_seconds = demo_load(env, args.customers)
            print(f"demo_load: {load_seconds:.0f} s", flush=True)
        base = env["PS_URL"]
        password = os.environ.get("HIQC_DEMO_PASSWORD", DEMO_PASSWORD)
        clients = [Client(base) for _ in range(args.users)]
        for c in clients:
            c.login(args.user, password)
        ids = complaint_ids(clients[0])
        info = conditions(env, workers)
        info.update(
            users=args.users,
            duration_s=args.duration,
            signed_in_as=args.user,
            complaint_ids_sampled=len(ids),
            demo_load_s=load_seconds,
        )
        print("\nConditions: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)

        base_samples, base_s, _ = run_phase(clients[:1], ids, args.baseline, 1)
        baseline = summarise(base_samples, base_s)
        print_table(f"1 user, {args.baseline:.0f} s (no concurrency):", baseline, targets=False)

        samples, seconds, cpu = run_phase(clients, ids, args.duration, args.warmup)
        loaded = summarise(samples, seconds)
        print_table(
            f"{args.users} users, {args.duration:.0f} s, no think time, {workers} gunicorn "
            f"workers on {info['cpus']} CPUs:",
            loaded,
            targets=True,
        )
        print(
            f"\n  load generator CPU: {cpu:.1f} s over {seconds:.0f} s "
            f"({cpu / seconds:.0%} of one core)"
        )
        if samples.error_examples:
            print("  errors, e.g.: " + "; ".join(samples.error_examples))
        thinking = None
        if args.think > 0:
            think_samples, think_s, _ = run_phase(
                clients, ids, args.duration, args.warmup, args.think
            )
            thinking = summarise(think_samples, think_s)
            print_table(
                f"{args.users} users, {args.duration:.0f} s, each reading a page for "
                f"{args.think:g} s on average (exponential) before the next:",
                thinking,
                targets=True,
                rate=False,  # the users' pauses set the rate here, not the server
            )
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench_load.json").write_text(
            json.dumps(
                {
                    "conditions": info,
                    "baseline": baseline,
                    "loaded": loaded,
                    "think_time_s": args.think,
                    "thinking": thinking,
                    "client_cpu_s": cpu,
                    "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    finally:
        if started_stack and not args.keep:
            stack_down()
        elif started_stack:
            print(
                f"Stack left running: source {ENV_FILE.relative_to(ROOT)}; "
                f"{STACK.relative_to(ROOT)} down {NAME} to stop it."
            )


if __name__ == "__main__":
    main()
