"""Process configuration (DESIGN §6; issue 3 §9): versioned, effective-dated parameters per process
and org subtree. Parameters::

    {"steps": {"<transition>": {"owner_role": "<role>", "target_amount": 10, "target_unit": "working_days"}},
     "warning_fractions": [0.5, 0.8],
     "clocks": {"<clock code>": {"warning_fractions": [0.6, 0.9]}}}   # per clock, overrides the above

The version in force for a case is the one with the longest org path that is an ancestor of (or
equal to) the case's org unit, among versions effective on that day; the highest number wins.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .calendar import BEIJING, Unit
from .models import ProcessVersion

DEFAULT_WARNING_FRACTIONS = (0.5, 0.8)


def ancestor_paths(path: str) -> list[str]:
    """'0001/0002/' → ['', '0001/', '0001/0002/'] (the root first)."""
    parts = [p for p in path.split("/") if p]
    return ["", *("".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts)))]


def process_version_in_force(process: str, org_path: str, on: date) -> ProcessVersion | None:
    candidates = ProcessVersion.objects.filter(
        process=process, org_path__in=ancestor_paths(org_path), effective_from__lte=on
    )
    return max(candidates, key=lambda v: (len(v.org_path), v.number), default=None)


def warning_fractions_for(
    process: str, org_path: str, at: datetime, clock: str = ""
) -> tuple[float, ...]:
    """Thresholds for ``clock``: the clock's own in the version in force, else the process's, else
    the defaults (50 % and 80 %)."""
    version = process_version_in_force(process, org_path, at.astimezone(BEIJING).date())
    params = version.parameters if version else {}
    per_clock = ((params.get("clocks") or {}).get(clock) or {}).get("warning_fractions")
    fractions = per_clock or params.get("warning_fractions") or DEFAULT_WARNING_FRACTIONS
    return tuple(float(f) for f in fractions)


def flowchart_config(version: ProcessVersion | None, role_label: Any) -> dict[str, dict[str, str]]:
    """Owner and target per step, as text for ``Workflow.flowchart``."""
    units = {Unit.CALENDAR_DAYS: "自然日", Unit.WORKING_DAYS: "工作日", Unit.HOURS: "小时"}
    out: dict[str, dict[str, str]] = {}
    for step, p in ((version.parameters.get("steps") or {}) if version else {}).items():
        entry: dict[str, str] = {}
        if p.get("owner_role"):
            entry["owner"] = str(role_label(p["owner_role"]))
        if p.get("target_amount"):
            entry["target"] = (
                f"目标 {p['target_amount']} {units.get(p.get('target_unit', ''), '')}".strip()
            )
        out[step] = entry
    return out


def _fractions_ok(fractions: object) -> bool:
    return (
        isinstance(fractions, list)
        and bool(fractions)
        and all(isinstance(f, int | float) and 0 < f < 1 for f in fractions)
        and fractions == sorted(fractions)
    )


def validate_parameters(
    parameters: dict, *, transitions: set[str], roles: set[str], clocks: set[str]
) -> dict[str, list[str]]:
    """Field errors for a parameters document (empty when valid)."""
    errors: dict[str, list[str]] = {}
    steps = parameters.get("steps") or {}
    if not isinstance(steps, dict):
        return {"steps": ["steps must be an object keyed by transition name"]}
    for name, p in steps.items():
        key = f"steps.{name}"
        if name not in transitions:
            errors.setdefault(key, []).append(
                f"unknown step {name!r}; steps: {sorted(transitions)}"
            )
            continue
        if not isinstance(p, dict):
            errors.setdefault(key, []).append("must be an object")
            continue
        if p.get("owner_role") and p["owner_role"] not in roles:
            errors.setdefault(f"{key}.owner_role", []).append(f"unknown role {p['owner_role']!r}")
        amount = p.get("target_amount")
        if amount is not None and (not isinstance(amount, int) or amount < 1):
            errors.setdefault(f"{key}.target_amount", []).append("must be a positive integer")
        if amount is not None and p.get("target_unit") not in {u.value for u in Unit}:
            errors.setdefault(f"{key}.target_unit", []).append(
                "must be calendar_days, working_days or hours"
            )
    fractions = parameters.get("warning_fractions")
    if fractions is not None and not _fractions_ok(fractions):
        errors["warning_fractions"] = ["ascending numbers between 0 and 1, e.g. [0.5, 0.8]"]
    for code, p in (parameters.get("clocks") or {}).items():
        if code not in clocks:
            errors.setdefault(f"clocks.{code}", []).append(
                f"unknown clock {code!r}; clocks: {sorted(clocks)}"
            )
        elif not isinstance(p, dict) or not _fractions_ok(p.get("warning_fractions")):
            errors.setdefault(f"clocks.{code}.warning_fractions", []).append(
                "ascending numbers between 0 and 1, e.g. [0.5, 0.8]"
            )
    unknown = set(parameters) - {"steps", "warning_fractions", "clocks"}
    if unknown:
        errors["parameters"] = [f"unknown keys: {sorted(unknown)}"]
    return errors
