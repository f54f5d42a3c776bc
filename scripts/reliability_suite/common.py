"""What every part shares: the HTTP client (plain ``http.client``, one connection per request as
gunicorn's sync workers close it), the per-part tally of requests and 5xx, and the result record
printed in the summary table."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_PASSWORD = "hiqc-demo-2026"  # hiqc.demo.people.DEFAULT_PASSWORD
API = "/api/v1"
# Set by SIGTERM / SIGINT / SIGHUP: libraries that catch every exception (hypothesis wraps what a
# test raises) cannot swallow an interruption, the parts check this flag and stop.
STOP = threading.Event()


class Interrupted(KeyboardInterrupt):
    """The run was interrupted by a signal: stop what runs, clean up, report."""


def stop_if_asked() -> None:
    if STOP.is_set():
        raise Interrupted


# --- results -------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class PartResult:
    key: str
    title: str
    requests: int = 0
    server_errors: int = 0
    mismatches: int = 0
    leaks: int = 0
    lost_rows: int = 0
    seconds: float = 0.0
    checks: list[Check] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    skipped: bool = False

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        mark = "ok  " if ok else "FAIL"
        print(f"    {mark} {name}" + (f": {detail}" if detail and not ok else ""), flush=True)
        return bool(ok)

    @property
    def failures(self) -> int:
        return sum(1 for c in self.checks if not c.ok) + (1 if self.error else 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "part": self.key,
            "title": self.title,
            "skipped": self.skipped,
            "requests": self.requests,
            "5xx": self.server_errors,
            "schema_mismatches": self.mismatches,
            "leaks": self.leaks,
            "lost_or_doubled_rows": self.lost_rows,
            "failures": self.failures,
            "seconds": round(self.seconds, 1),
            "error": self.error,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "details": self.details,
        }


# --- HTTP ----------------------------------------------------------------------------------------


class Tally:
    """Requests and 5xx answers of one part (thread-safe); a 5xx keeps its request as evidence."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.server_errors = 0
        self.examples: list[str] = []

    def add(self, method: str, path: str, status: int, body: bytes = b"") -> None:
        with self.lock:
            self.requests += 1
            if status >= 500:
                self.server_errors += 1
                if len(self.examples) < 10:
                    snippet = body[:200].decode("utf-8", "replace")
                    self.examples.append(f"{method} {path} → HTTP {status}: {snippet}")


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def json(self) -> Any:
        return json.loads(self.body)

    def text(self, limit: int = 300) -> str:
        return self.body[:limit].decode("utf-8", "replace")


class Http:
    """Requests to the stack; every answer is counted in ``tally`` (swapped per part)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.base = base
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.netloc = parts.netloc
        self.tally = Tally()

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Reply:
        h = {"Accept": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            reply = Reply(resp.status, list(resp.getheaders()), resp.read())
        finally:
            conn.close()
        self.tally.add(method, path, reply.status, reply.body)
        return reply


class Browser:
    """A signed-in browser behind the TLS proxy (``X-Forwarded-Proto: https``): its own cookies
    (Secure cookies, which clients keep only over HTTPS, are kept here by hand)."""

    def __init__(self, http_: Http) -> None:
        self.http = http_
        self.cookies: dict[str, str] = {}
        self.origin = f"https://{http_.netloc}"

    def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        headers = {"X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = self.http.request(method, path, headers=headers, **kwargs)
        for key, value in reply.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return reply

    def csrf(self) -> str:
        if "csrftoken" not in self.cookies:
            reply = self.request("GET", "/accounts/login/", headers={"Accept": "text/html"})
            if reply.status != 200 or "csrftoken" not in self.cookies:
                raise RuntimeError(f"GET /accounts/login/: HTTP {reply.status}, no csrftoken")
        return self.cookies["csrftoken"]

    def login_post(self, username: str, password: str) -> Reply:
        """One sign-in attempt through the login form (302 = signed in, 200 = refused)."""
        form = urlencode(
            {"csrfmiddlewaretoken": self.csrf(), "username": username, "password": password}
        ).encode()
        return self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Accept": "text/html",
            },
        )

    def login(self, username: str, password: str) -> None:
        reply = self.login_post(username, password)
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {username}: HTTP {reply.status} (expected 302)")

    def api_token(self, name: str, days: int = 1) -> str:
        """A personal API token created through the API with the session (CSRF header)."""
        reply = self.request(
            "POST",
            f"{API}/tokens",
            json_body={"name": name, "days": days},
            headers={
                "X-CSRFToken": self.cookies["csrftoken"],
                "Origin": self.origin,
                "Referer": self.origin + "/",
            },
        )
        if reply.status != 201:
            raise RuntimeError(f"POST {API}/tokens: HTTP {reply.status}: {reply.text()}")
        return str(reply.json()["token"])


def concurrently(calls: Iterable[Callable[[], Any]], *, threads: int | None = None) -> list[Any]:
    """Run the calls at once (one thread each, released together); results in call order.
    An exception is returned in place of its result."""
    calls = list(calls)
    results: list[Any] = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            gate.wait(timeout=30)
            results[i] = fn()
        except Exception as exc:  # returned to the caller as evidence
            results[i] = exc

    pool = [threading.Thread(target=run, args=(i, fn), daemon=True) for i, fn in enumerate(calls)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=300)
    return results


def statuses(results: list[Any]) -> list[int | str]:
    return [r.status if isinstance(r, Reply) else type(r).__name__ for r in results]


def histogram(values: Iterable[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return dict(sorted(out.items()))


class Timer:
    def __init__(self) -> None:
        self.started = time.monotonic()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started
