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

from django.utils.translation import gettext as _

from .access import Actor
from .calendar import BEIJING, Unit
from .models import ProcessVersion
from .selectors import org_units_in_scope

DEFAULT_WARNING_FRACTIONS = (0.5, 0.8)
MAX_TARGET_AMOUNT = 999  # an internal target beyond this is a typing error (and would stall clocks)


def ancestor_paths(path: str) -> list[str]:
    """'0001/0002/' → ['', '0001/', '0001/0002/'] (the root first)."""
    parts = [p for p in path.split("/") if p]
    return ["", *("".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts)))]


def process_version_in_force(process: str, org_path: str, on: date) -> ProcessVersion | None:
    candidates = ProcessVersion.objects.filter(
        process=process, org_path__in=ancestor_paths(org_path), effective_from__lte=on
    )
    return max(candidates, key=lambda v: (len(v.org_path), v.number), default=None)


class VersionsInForce:
    """The versions of one process, read once for a batch run (a demo loader, a backfill):
    ``in_force`` answers as ``process_version_in_force`` without a query per case."""

    def __init__(self, process: str) -> None:
        self.versions = list(ProcessVersion.objects.filter(process=process))

    def in_force(self, org_path: str, on: date) -> ProcessVersion | None:
        if not self.versions:
            return None
        paths = set(ancestor_paths(org_path))
        return max(
            (v for v in self.versions if v.org_path in paths and v.effective_from <= on),
            key=lambda v: (len(v.org_path), v.number),
            default=None,
        )


def warning_fractions_for(
    process: str, org_path: str, at: datetime, clock: str = ""
) -> tuple[float, ...]:
    """Thresholds for ``clock``: the clock's own in the version in force, else the process's, else
    the defaults (50 % and 80 %)."""
    version = process_version_in_force(process, org_path, at.astimezone(BEIJING).date())
    return version_warning_fractions(version, clock)


def version_warning_fractions(version: ProcessVersion | None, clock: str) -> tuple[float, ...]:
    """``warning_fractions_for`` with the version in force given."""
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


def units_for_process_manage(actor: Actor) -> list[Any]:
    """Active org units the actor may publish a process version for (the editor's scope list)."""
    return list(org_units_in_scope(actor, "process.manage", active=True))


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
    """Field errors for a parameters document (empty when valid), keyed by the path of the value
    (``steps.<transition>.owner_role``, ``clocks.<code>.warning_fractions``, ...)."""
    errors: dict[str, list[str]] = {}
    fractions_message = _("须为大于 0、小于 100 的百分比，由小到大排列（例如 50、80）。")
    steps = parameters.get("steps") or {}
    if not isinstance(steps, dict):
        return {"steps": [_("步骤参数须为以步骤名称为键的对象。")]}
    for name, p in steps.items():
        key = f"steps.{name}"
        if name not in transitions:
            errors.setdefault(key, []).append(
                _("未知的步骤“{name}”；可用步骤：{names}。").format(
                    name=name, names="、".join(sorted(transitions))
                )
            )
            continue
        if not isinstance(p, dict):
            errors.setdefault(key, []).append(_("须为对象。"))
            continue
        role = p.get("owner_role")
        if role and (not isinstance(role, str) or role not in roles):
            errors.setdefault(f"{key}.owner_role", []).append(
                _("未知的角色“{role}”；请从列表中选择。").format(role=role)
            )
        amount = p.get("target_amount")
        if amount is not None and (
            not isinstance(amount, int)
            or isinstance(amount, bool)
            or not 1 <= amount <= MAX_TARGET_AMOUNT
        ):
            errors.setdefault(f"{key}.target_amount", []).append(
                _("须为 1 到 {max} 之间的整数。").format(max=MAX_TARGET_AMOUNT)
            )
        if amount is not None and p.get("target_unit") not in {u.value for u in Unit}:
            errors.setdefault(f"{key}.target_unit", []).append(_("单位须为自然日、工作日或小时。"))
    fractions = parameters.get("warning_fractions")
    if fractions is not None and not _fractions_ok(fractions):
        errors["warning_fractions"] = [fractions_message]
    for code, p in (parameters.get("clocks") or {}).items():
        if code not in clocks:
            errors.setdefault(f"clocks.{code}", []).append(
                _("未知的时限“{code}”；可用时限：{codes}。").format(
                    code=code, codes="、".join(sorted(clocks))
                )
            )
        elif not isinstance(p, dict) or not _fractions_ok(p.get("warning_fractions")):
            errors.setdefault(f"clocks.{code}.warning_fractions", []).append(fractions_message)
    unknown = set(parameters) - {"steps", "warning_fractions", "clocks"}
    if unknown:
        errors["parameters"] = [
            _("未知的参数：{keys}。").format(keys="、".join(sorted(map(str, unknown))))
        ]
    return errors
