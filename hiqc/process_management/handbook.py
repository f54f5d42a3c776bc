"""The process handbook (standard 2.1.2(2)(3)): per process, generated from the same data the
engine runs — the workflow, the process version in force, the legal clocks — plus the owner's
operating requirements per step. Never drawn by hand: a new version or revision changes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from hiqc.core.access import role_codes, role_label, role_permissions
from hiqc.core.calendar import Unit
from hiqc.core.casekinds import CaseKind
from hiqc.core.models import ProcessVersion
from hiqc.core.processes import flowchart_config, process_version_in_force
from hiqc.core.selectors import process_versions
from hiqc.core.workflow import EFFECT_LABELS

from .models import ProcessProfile, StepGuidance
from .selectors import guidance_history, guidance_in_force

UNIT_LABELS = {Unit.CALENDAR_DAYS: "自然日", Unit.WORKING_DAYS: "工作日", Unit.HOURS: "小时"}


@dataclass
class Step:
    name: str
    label: str
    sources: list[str]
    target: str
    responsible: list[str]  # the version's owner role, else the roles that hold the permission
    owner_set: bool  # named by the process version
    internal_target: str
    clocks: list[str]
    guidance: StepGuidance | None


@dataclass
class Handbook:
    kind: CaseKind
    name: str
    version: ProcessVersion | None
    chart: str
    general: StepGuidance | None
    states: list[tuple[str, str, bool]]  # value, label, final
    steps: list[Step]
    clocks: list[dict[str, Any]]
    versions: list[ProcessVersion]
    revisions: list[StepGuidance] = field(default_factory=list)
    profile: ProcessProfile | None = None  # the catalogue's facts (2.1.1)
    owner: str = ""  # the profile's owner role, by name


def _unit(unit: str) -> str:
    return _(UNIT_LABELS.get(Unit(unit), unit)) if unit in set(Unit) else unit


def handbook(kind: CaseKind, on: date) -> Handbook:
    """The handbook of ``kind``'s process as in force on ``on`` for the whole insurer."""
    wf = kind.workflow
    version = process_version_in_force(kind.label, "", on)
    params = (version.parameters.get("steps") or {}) if version else {}
    guidance = guidance_in_force(kind.label)
    profile = ProcessProfile.objects.filter(process=kind.label).first()  # the latest revision
    clocks = wf.clock_map
    holders: dict[str, list[str]] = {}
    for role in sorted(role_codes()):
        for perm in role_permissions(role):
            holders.setdefault(perm, []).append(str(role_label(role)))
    steps = []
    for t in wf.transitions:
        p = params.get(t.name) or {}
        owner = p.get("owner_role")
        target = ""
        if p.get("target_amount"):
            target = f"{p['target_amount']} {_unit(p.get('target_unit', ''))}".strip()
        effects = [f"{_(EFFECT_LABELS[e.kind])}：{_(clocks[e.clock].label)}" for e in t.effects]
        steps.append(
            Step(
                t.name, str(t.label), [str(wf.states.get(s, s)) for s in t.sources],
                str(wf.states.get(t.target, t.target)),
                [str(role_label(owner))] if owner else holders.get(t.perm, []), bool(owner),
                target, effects, guidance.get(t.name),
            )
        )  # fmt: skip
    clock_rows = [
        {"label": _(c.label), "amount": c.amount, "unit": _unit(c.unit), "max": c.max_amount,
         "source": _(c.source), "window": c.window}
        for c in wf.clocks
    ]  # fmt: skip
    return Handbook(
        kind=kind,
        name=str(kind.name) or kind.label,
        version=version,
        chart=wf.flowchart(flowchart_config(version, role_label)),
        general=guidance.get(""),
        states=[(s, str(label), s in wf.final) for s, label in wf.states.items()],
        steps=steps,
        clocks=clock_rows,
        versions=[v for v in process_versions(kind.label)],
        revisions=guidance_history(kind.label),
        profile=profile,
        owner=str(role_label(profile.owner_role)) if profile and profile.owner_role else "",
    )
