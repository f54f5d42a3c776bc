"""Part 5: the lockout and rate-limit rules across the 2 gunicorn workers.

Lockout (rule ``auth.lockout_threshold`` / ``auth.lockout_minutes``, read from ``/api/v1/rules``),
on a persona nobody else uses here, through the login form, every batch sent at once over as many
connections (how many workers served a batch is shown, from their CPU time in /proc); the
account's row and audit trail are read from the database after each batch:

1. threshold − 1 wrong passwords → not locked, that many failures counted;
2. 2 × threshold + 1 more → locked exactly once: the count stops at the threshold;
3. the right password during the lock, and more wrong ones → refused, the lock NOT extended;
4. every attempt is in the audit trail, those during the lock marked so;
5. the lock's end (its ``locked_until`` moved into the past in the database, instead of waiting)
   → one typo counts from zero and does not lock; the right password signs in.

Rate limits of the public online claim (``hiqc/claims/online/services.py`` LIMITS, as configured
on the stack): the suite empties the counters in Redis, then sends more requests at once than a
bucket allows; exactly the limit must pass (one shared counter), the rest get 429. Buckets: one-time
codes per address (each request with its own policy number and a forged ``X-Forwarded-For``,
which an untrusted client cannot use to escape), one-time codes per policy number, and code
checks per address. A limit that does not hold (e.g. a per-process cache) is a failure.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any

from .common import API, Browser, PartResult, concurrently, histogram, statuses

ID_NUMBER = "11010519491231002X"  # a well-formed resident id number (test value)


def run(ctx: Any, part: PartResult) -> None:
    _lockout(ctx, part)
    _rate_limits(ctx, part)


# --- lockout -------------------------------------------------------------------------------------


def _rules(ctx: Any) -> dict[str, Any]:
    reply = ctx.http.request("GET", f"{API}/rules", token=ctx.tokens[ctx.head_office])
    if reply.status != 200:
        raise RuntimeError(f"GET {API}/rules: HTTP {reply.status}: {reply.text()}")
    return {r["key"]: r["value"] for r in reply.json()}


def _account(ctx: Any, username: str) -> dict[str, Any]:
    rows = ctx.stack.sql(
        "SELECT id, failed_logins, locked_until FROM organisations_user WHERE username = %s",
        (username,),
    )
    if not rows:
        raise RuntimeError(f"no user {username}")
    user_id, failed, locked = rows[0]
    audit = ctx.stack.sql(
        "SELECT count(*), count(*) FILTER (WHERE (data->>'during_lock') = 'true') "
        "FROM core_auditevent WHERE action = 'auth.login_failed' AND subject_id = %s",
        (str(user_id),),
    )[0]
    return {
        "id": str(user_id),
        "failed_logins": failed,
        "locked_until": locked,
        "audit_failed": audit[0],
        "audit_during_lock": audit[1],
    }


def _worker_ticks(ctx: Any) -> dict[int, int]:
    """CPU ticks (user + system) of each gunicorn worker: which workers served a batch."""
    try:
        master = int((ctx.stack.dir / "gunicorn.pid").read_text().strip())
    except (OSError, ValueError):
        return {}
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


def _workers_used(before: dict[int, int], after: dict[int, int]) -> int:
    return sum(1 for pid, t in after.items() if t > before.get(pid, t))


def _attempts(ctx: Any, username: str, password: str, n: int) -> list[int | str]:
    """n sign-in attempts at once, each on its own connection (302 = signed in)."""
    seed = Browser(ctx.http)
    token = seed.csrf()

    def attempt() -> Any:
        b = Browser(ctx.http)
        b.cookies["csrftoken"] = token
        return b.login_post(username, password)

    return statuses(concurrently([attempt] * n))


def _lockout(ctx: Any, part: PartResult) -> None:
    user = ctx.args.lockout_user
    rules = _rules(ctx)
    t = int(rules["auth.lockout_threshold"])
    minutes = int(rules["auth.lockout_minutes"])
    wrong = "wrong-" + secrets.token_urlsafe(8)
    log: list[dict[str, Any]] = []
    part.details["lockout"] = {"user": user, "threshold": t, "minutes": minutes, "steps": log}
    print(f"    lockout of {user}: threshold {t}, {minutes} min", flush=True)

    def step(label: str, password: str, n: int) -> tuple[list[int | str], dict[str, Any]]:
        before = _worker_ticks(ctx)
        codes = _attempts(ctx, user, password, n) if n else []
        workers = _workers_used(before, _worker_ticks(ctx))
        state = _account(ctx, user)
        log.append(
            {"step": label, "sent": n, "statuses": histogram(codes), "workers": workers, **state}
        )
        print(
            f"      {label}: {histogram(codes)} (workers busy: {workers}) → "
            f"failed_logins {state['failed_logins']}, "
            f"locked_until {state['locked_until']}, audit {state['audit_failed']} "
            f"({state['audit_during_lock']} during the lock)",
            flush=True,
        )
        return codes, state

    ctx.stack.sql(  # a clean start, also on a reused stack
        "UPDATE organisations_user SET failed_logins = 0, locked_until = NULL WHERE username = %s",
        (user,),
    )
    _, s0 = step("before", wrong, 0)
    if not part.check(
        f"{user} starts unlocked with no failure",
        s0["failed_logins"] == 0 and s0["locked_until"] is None,
        str(s0),
    ):
        return
    sent = 0
    codes, s1 = step(f"{t - 1} wrong passwords at once", wrong, t - 1)
    sent += t - 1
    part.check(
        f"{t - 1} wrong passwords: all refused, {t - 1} counted, not locked",
        codes.count(200) == t - 1 and s1["failed_logins"] == t - 1 and s1["locked_until"] is None,
        f"{histogram(codes)}, {s1}",
    )
    extra = 2 * t + 1
    codes, s2 = step(f"{extra} more wrong passwords at once", wrong, extra)
    sent += extra
    locked = s2["locked_until"]
    part.check(
        f"{extra} more: all refused, locked at exactly {t} failures",
        codes.count(200) == extra and s2["failed_logins"] == t and locked is not None,
        f"{histogram(codes)}, {s2}",
    )
    codes, s3 = step("the right password during the lock, 5 at once", ctx.password, 5)
    sent += 5
    part.check(
        "the right password during the lock: refused, the lock not extended",
        codes.count(200) == 5 and s3["locked_until"] == locked and s3["failed_logins"] == t,
        f"{histogram(codes)}, locked_until {locked} → {s3['locked_until']}",
    )
    codes, s4 = step("wrong passwords during the lock, 5 at once", wrong, 5)
    sent += 5
    part.check(
        "wrong passwords during the lock: refused, the lock not extended",
        codes.count(200) == 5 and s4["locked_until"] == locked and s4["failed_logins"] == t,
        f"{histogram(codes)}, locked_until {locked} → {s4['locked_until']}",
    )
    during = sent - t  # every attempt after the one that locked
    part.check(
        f"audit trail: {sent} failed sign-ins recorded, {during} of them during the lock",
        s4["audit_failed"] - s0["audit_failed"] == sent
        and s4["audit_during_lock"] - s0["audit_during_lock"] == during,
        f"{s4['audit_failed'] - s0['audit_failed']} recorded, "
        f"{s4['audit_during_lock'] - s0['audit_during_lock']} during the lock",
    )
    # the lock's end, without waiting lockout_minutes
    ctx.stack.sql(
        "UPDATE organisations_user SET locked_until = now() - interval '1 second' "
        "WHERE username = %s",
        (user,),
    )
    codes, s5 = step("after the lock's end: one wrong password", wrong, 1)
    part.check(
        "after the lock: one typo counts from zero and does not lock again",
        s5["failed_logins"] == 1 and s5["locked_until"] is None,
        str(s5),
    )
    codes, s6 = step("after the lock's end: the right password", ctx.password, 1)
    part.check(
        "after the lock: the right password signs in (302) and clears the count",
        codes == [302] and s6["failed_logins"] == 0,
        f"{codes}, {s6}",
    )


# --- rate limits ---------------------------------------------------------------------------------


def _flush_counters(ctx: Any) -> int:
    """Delete the online-claim rate-limit counters (hiqc.core.ratelimit: ``hiqc:online-claims:…``
    under the cache's key prefix) from the stack's Redis; the number deleted is reported, so a
    cache that is not Redis, or keys that moved, show as 0."""
    r = ctx.stack.redis()
    keys = list(r.scan_iter(match="*hiqc:online-claims:*", count=1000)) or list(
        r.scan_iter(match="*online-claims*", count=1000)
    )
    if keys:
        r.delete(*keys)
    return len(keys)


def _code(ctx: Any, policy: str, forwarded: str | None = None) -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return ctx.http.request(
        "POST",
        f"{API}/online-claims/code",
        json_body={"policy_number": policy, "id_number": ID_NUMBER},
        headers=headers,
    )


def _rate_limits(ctx: Any, part: PartResult) -> None:
    limits = {k: tuple(v) for k, v in ctx.prepared["limits"].items()}
    health = ctx.http.request("GET", "/healthz")
    cache = health.json().get("cache", {}) if health.status == 200 else {}
    part.details["rate_limits"] = {"limits": limits, "healthz_cache": cache, "buckets": []}
    print(f"    rate limits {limits}; /healthz cache {cache}", flush=True)

    def bucket(label: str, limit: int, calls: list[Any], expected_pass: int) -> None:
        removed = _flush_counters(ctx)
        ticks = _worker_ticks(ctx)
        codes = statuses(concurrently(calls))
        workers = _workers_used(ticks, _worker_ticks(ctx))
        passed = [c for c in codes if c != 429]
        entry = {
            "bucket": label,
            "limit": limit,
            "sent": len(calls),
            "counters_cleared": removed,
            "statuses": histogram(codes),
            "workers": workers,
        }
        part.details["rate_limits"]["buckets"].append(entry)
        print(
            f"      {label}: {len(calls)} at once → {histogram(codes)} (workers busy: {workers})",
            flush=True,
        )
        part.check(
            f"{label}: exactly {expected_pass} of {len(calls)} pass across the workers, "
            f"the rest 429",
            len(passed) == expected_pass and codes.count(429) == len(calls) - expected_pass,
            f"{len(passed)} passed: {histogram(codes)} (cache {cache.get('backend', '?')})",
        )

    n_ip, _w = limits["code:ip"]
    sent = n_ip * 3
    bucket(
        f"one-time codes per address ({n_ip}/window, forged X-Forwarded-For)",
        n_ip,
        [
            (lambda i=i: _code(ctx, f"REL-LIMIT-{i}", f"198.51.100.{i % 250 + 1}"))
            for i in range(sent)
        ],
        n_ip,
    )
    n_policy, _w = limits["code:policy"]
    sent = min(n_policy + 3, n_ip)  # stays within the per-address limit
    bucket(
        f"one-time codes per policy number ({n_policy}/window)",
        n_policy,
        [lambda: _code(ctx, "REL-LIMIT-POLICY")] * sent,
        min(n_policy, sent),
    )
    n_verify, _w = limits["verify:ip"]
    sent = n_verify + 10
    bucket(
        f"code checks per address ({n_verify}/window)",
        n_verify,
        [
            (
                lambda: ctx.http.request(
                    "POST",
                    f"{API}/online-claims/session",
                    json_body={"challenge_id": str(uuid.uuid4()), "code": "000000"},
                )
            )
        ]
        * sent,
        n_verify,
    )
    _flush_counters(ctx)
