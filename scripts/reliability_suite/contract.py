"""Part 1: schemathesis against the live stack (PostgreSQL, gunicorn) over every operation of
``/api/v1/openapi.json``, as two personas (one of head office, one of a branch), with a bounded
budget: ``--examples`` schema-valid and as many schema-invalid cases per operation and persona.

Every answer is checked: no 5xx (``not_a_server_error``) and, for the rest, the response
conformance checks (a declared status, a declared content type, declared headers, a body that
matches its schema). Schema-invalid input that was accepted (``negative_data_rejection``) is
counted beside them for information, as the in-process contract test does (file bodies aside).

Operations that would revoke or end the caller's own credentials are left out: revoking a token
and deactivating a user (the door matrix sends them, with other people's ids).
"""

from __future__ import annotations

import re
from typing import Any

from .common import PartResult, stop_if_asked

EXCLUDED = re.compile(r"/(revoke|deactivate|logout)$")
TEXT_BODIES = {"text/csv", "application/x-ndjson"}
_ALIASED = False


def load_schema(base: str) -> Any:
    global _ALIASED
    import schemathesis

    if not _ALIASED:  # JSON-lines import bodies are declared as strings: send them as text
        schemathesis.serializer.alias("application/x-ndjson", "text/plain")
        _ALIASED = True
    return schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json", timeout=30)


def _settings(examples: int) -> Any:
    from hypothesis import HealthCheck, Phase, Verbosity, settings

    return settings(
        max_examples=examples,
        phases=[Phase.explicit, Phase.generate],  # nothing fails the test: no shrinking
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )


def drive(strategy: Any, examples: int, seed: int, each: Any) -> None:
    """Draw up to ``examples`` cases from ``strategy`` and hand each to ``each``."""
    from hypothesis import given
    from hypothesis import seed as hypothesis_seed

    @hypothesis_seed(seed)
    @_settings(examples)
    @given(strategy)
    def test(case: Any) -> None:
        each(case)

    test()


def example_case(operation: Any, seed: int = 2026) -> Any:
    """One schema-valid case of ``operation`` (deterministic for a seed)."""
    got: list[Any] = []
    drive(operation.as_strategy(), 1, seed, got.append)
    return got[0]


def _checks() -> tuple[Any, list[tuple[str, Any]], Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    conformance = [
        ("status_code_conformance", status_code_conformance),
        ("content_type_conformance", content_type_conformance),
        ("response_headers_conformance", response_headers_conformance),
        ("response_schema_conformance", response_schema_conformance),
    ]
    return not_a_server_error, conformance, negative_data_rejection


class Persona:
    """The figures of one persona's run."""

    def __init__(self, name: str, token: str) -> None:
        self.name, self.token = name, token
        self.requests = self.server_errors = self.mismatched = self.transport_errors = 0
        self.accepted_invalid = 0
        self.by_check: dict[str, int] = {}
        self.statuses: dict[str, int] = {}
        self.generation_errors: list[str] = []
        self.examples: list[str] = []
        self.operations = 0

    def note(self, text: str) -> None:
        if len(self.examples) < 15:
            self.examples.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "operations": self.operations,
            "requests": self.requests,
            "statuses": dict(sorted(self.statuses.items())),
            "5xx": self.server_errors,
            "schema_mismatches": self.mismatched,
            "mismatches_by_check": self.by_check,
            "transport_errors": self.transport_errors,
            "accepted_invalid_input": self.accepted_invalid,
            "generation_errors": self.generation_errors,
            "examples": self.examples,
        }


def run(ctx: Any, part: PartResult) -> None:
    from schemathesis import GenerationMode
    from schemathesis.core.failures import Failure, FailureGroup

    server_error, conformance, negative_rejection = _checks()
    schema = load_schema(ctx.http.base)
    operations, excluded = [], []
    for result in schema.get_all_operations():
        op = result.ok()
        (excluded if EXCLUDED.search(op.path) else operations).append(op)
    part.details["operations"] = len(operations)
    part.details["excluded"] = [f"{op.method.upper()} {op.path}" for op in excluded]
    part.details["examples_per_mode"] = ctx.args.examples
    part.details["seed"] = ctx.args.seed
    tally = ctx.http.tally

    for name in ctx.contract_personas:
        who = Persona(name, ctx.tokens[name])
        auth = {"Authorization": f"Bearer {who.token}"}

        def each(case: Any, who: Persona = who, auth: dict[str, str] = auth) -> None:
            stop_if_asked()
            label = f"{case.method.upper()} {case.formatted_path}"
            try:
                response = case.call(base_url=ctx.http.base, headers=auth, timeout=60)
            except Exception as exc:  # connection reset, timeout: counted and shown
                who.transport_errors += 1
                who.note(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
                return
            who.requests += 1
            key = str(response.status_code)
            who.statuses[key] = who.statuses.get(key, 0) + 1
            tally.add(case.method.upper(), case.formatted_path, response.status_code)
            curl = case.as_curl_command(headers=auth).replace(who.token, f"$TOKEN_{who.name}")
            if _fails(case, response, server_error, auth, FailureGroup, Failure):
                who.server_errors += 1
                who.note(f"HTTP {response.status_code}: {curl}")
                return
            failed = [
                (n, f)
                for n, check in conformance
                if (f := _fails(case, response, check, auth, FailureGroup, Failure))
            ]
            if failed:
                who.mismatched += 1
                for n, _f in failed:
                    who.by_check[n] = who.by_check.get(n, 0) + 1
                n, f = failed[0]
                who.note(f"{n} (HTTP {response.status_code}): {f.title}: {curl}")
            if case.media_type not in TEXT_BODIES and _fails(
                case, response, negative_rejection, auth, FailureGroup, Failure
            ):
                who.accepted_invalid += 1

        for op in operations:
            who.operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    drive(
                        op.as_strategy(generation_mode=mode), ctx.args.examples, ctx.args.seed, each
                    )
                except Exception as exc:  # a strategy that cannot be built or satisfied
                    stop_if_asked()  # … or hypothesis wrapping an interruption
                    who.generation_errors.append(
                        f"{op.method.upper()} {op.path} ({mode.value}): {type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:160] if str(exc) else ''}"
                    )
        part.details[name] = who.as_dict()
        print(
            f"    {name}: {who.requests} requests over {who.operations} operations, "
            f"{who.server_errors} × 5xx, {who.mismatched} schema mismatches, "
            f"{who.transport_errors} transport errors, {who.accepted_invalid} invalid inputs "
            f"accepted, {len(who.generation_errors)} generation errors; statuses "
            f"{dict(sorted(who.statuses.items()))}",
            flush=True,
        )
        part.mismatches += who.mismatched
        part.check(f"{name}: no 5xx", who.server_errors == 0, _first(who, "HTTP 5"))
        part.check(
            f"{name}: every answer matches the OpenAPI document",
            who.mismatched == 0,
            f"{who.mismatched} mismatches {who.by_check}; {_first(who, '_conformance')}",
        )
        part.check(f"{name}: no transport error", who.transport_errors == 0, _first(who, "Error"))
        for line in who.examples:
            print(f"      {line[:400]}")


def _fails(case: Any, response: Any, check: Any, auth: dict[str, str], group: Any, single: Any):
    """The first failure of one check on one response, or None."""
    try:
        case.validate_response(response, checks=[check], headers=auth)
    except group as exc:
        return exc.exceptions[0]
    except single as exc:
        return exc
    return None


def _first(who: Persona, needle: str) -> str:
    return next((e for e in who.examples if needle in e), "")
