"""One step, one audit record (ADR 0015): the executor audits every workflow step it writes, so
a service that runs a step adds what it knows to that record (``case_transition(updates=…,
audit=…)``) and never writes a second record of its own for the same case."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _names(node: ast.AST | None) -> set[str]:
    """``case`` for ``case``, ``case.pk`` or ``case.id``."""
    if isinstance(node, ast.Attribute) and node.attr in ("pk", "id"):
        node = node.value
    return {node.id} if isinstance(node, ast.Name) else set()


def _called(call: ast.Call, name: str) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == name


def second_records(source: str) -> list[str]:
    """``function:line`` of each ``audit_record`` on a case the same function steps through the
    executor (the case read or returned by ``case_transition``)."""
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        stepped: set[str] = set()
        for node in ast.walk(fn):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and _called(node.value, "case_transition")
            ):
                for target in node.targets:
                    stepped |= _names(target)
            if isinstance(node, ast.Call) and _called(node, "case_transition"):
                for kw in node.keywords:
                    if kw.arg == "case_id":
                        stepped |= _names(kw.value)
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and _called(node, "audit_record"):
                subject = next((kw.value for kw in node.keywords if kw.arg == "subject"), None)
                if _names(subject) & stepped:
                    found.append(f"{fn.name}:{node.lineno}")
    return found


def test_no_service_writes_a_second_audit_record_for_a_step_the_executor_audits():
    # Given every module of every app
    offenders = []
    for path in sorted((ROOT / "hiqc").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "case_transition" in text and "audit_record" in text:
            offenders += [f"{path.relative_to(ROOT)}:{hit}" for hit in second_records(text)]
    # Then none audits a stepped case a second time
    assert offenders == []


def test_the_check_finds_a_planted_second_record():
    plant = (
        "def item_close(actor, item_id):\n"
        "    item = case_transition(kind=K, actor=actor, case_id=item_id, action='close')\n"
        "    audit_record(actor=actor, action='x.close', subject=item)\n"
        "def round_done(actor, r):\n"
        "    case_transition(kind=K, actor=actor, case_id=r.pk, action='done')\n"
        "    audit_record(actor=actor, action='x.done', subject=r)\n"
        "def score(actor, task):\n"
        "    case_transition(kind=K, actor=actor, case_id=task.pk, action='score')\n"
        "    audit_record(actor=actor, action='x.score', subject=other)\n"  # another subject: fine
    )
    assert second_records(plant) == ["item_close:3", "round_done:6"]
