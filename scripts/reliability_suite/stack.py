"""The suite's own production stack, through ``scripts/prod-stack.sh`` (as prod-smoke and the
load benchmark use it): ``up`` / ``down``, its environment, ``manage.py`` and PostgreSQL on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .common import ROOT

STACK = ROOT / "scripts" / "prod-stack.sh"
PYTHON = ROOT / ".venv" / "bin" / "python"
MARK = "RELIABILITY-JSON:"


class Stack:
    def __init__(self, name: str, redis_db: str) -> None:
        self.name, self.redis_db = name, redis_db
        self.dir = ROOT / "var" / f"prod-{name}"
        self.env_file = self.dir / "env"
        self.env: dict[str, str] = {}

    # --- life cycle ---------------------------------------------------------------------------

    def running(self) -> bool:
        for pidfile in ("gunicorn.pid", "huey.pid"):
            path = self.dir / pidfile
            if path.exists():
                try:
                    os.kill(int(path.read_text().strip()), 0)
                    return True
                except (OSError, ValueError):
                    continue
        return False

    def up(self, workers: int = 2) -> None:
        subprocess.run(  # noqa: S603
            [str(STACK), "up", self.name, self.redis_db, str(workers)], check=True, cwd=ROOT
        )
        self.load_env()

    def down(self) -> None:
        subprocess.run([str(STACK), "down", self.name], check=False, cwd=ROOT)  # noqa: S603

    def load_env(self) -> dict[str, str]:
        if not self.env_file.exists():
            sys.exit(f"No {self.env_file.relative_to(ROOT)}: the stack {self.name} is not up.")
        out = subprocess.run(  # noqa: S603
            ["bash", "-c", 'source "$1" && env -0', "_", str(self.env_file)],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout.decode()
        self.env = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
        if "PS_URL" not in self.env:
            sys.exit(f"{self.env_file.relative_to(ROOT)} has no PS_URL: the stack was not started.")
        return self.env

    @property
    def url(self) -> str:
        return self.env["PS_URL"]

    # --- commands on the stack ----------------------------------------------------------------

    def manage_argv(self, *args: str) -> list[str]:
        return [str(PYTHON), "manage.py", *args]

    def manage(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            self.manage_argv(*args),
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def on_stack(self, command: str, **payload: Any) -> Any:
        """Run ``reliability_suite.on_stack.<command>(payload)`` inside ``manage.py shell`` with
        the stack's settings; its JSON answer comes back on a marked line."""
        code = (
            "import sys; sys.path.insert(0, 'scripts'); "
            "from reliability_suite import on_stack; on_stack.main()"
        )
        proc = subprocess.run(  # noqa: S603
            self.manage_argv("shell", "-c", code),
            cwd=ROOT,
            env=self.env,
            input=json.dumps({"command": command, "payload": payload}),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        for line in reversed(proc.stdout.splitlines()):
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
        raise RuntimeError(
            f"on_stack {command} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
        )

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
            cursor = conn.execute(query, params)  # type: ignore[arg-type]
            return list(cursor.fetchall()) if cursor.description else []

    def redis(self) -> Any:
        import redis

        url = self.env.get("HIQC_CACHE_URL") or self.env["REDIS_URL"]
        return redis.Redis.from_url(url, socket_timeout=5)

    def log_tracebacks(self) -> dict[str, Any]:
        """Tracebacks in the gunicorn and run_huey logs, with the most frequent error lines."""
        out: dict[str, Any] = {}
        for name in ("gunicorn", "huey"):
            path = self.dir / f"{name}.log"
            if not path.exists():
                continue
            count, errors = 0, {}
            previous = ""
            with path.open(errors="replace") as log:
                for line in log:
                    if line.startswith("Traceback"):
                        count += 1
                    elif previous.startswith("  ") and line[:1].isalpha() and ":" in line:
                        key = line.strip()[:120]  # the exception line closing a traceback
                        errors[key] = errors.get(key, 0) + 1
                    previous = line
            top = sorted(errors.items(), key=lambda kv: -kv[1])[:5]
            out[name] = {"tracebacks": count, "most_frequent": dict(top)}
        return out
