"""The probe's workflow, door and services — the shape a domain will have."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from hiqc.core.access import Actor, get_in_scope
from hiqc.core.calendar import Unit
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_opened
from hiqc.core.workflow import Clock, Extend, Pause, Restart, Resume, Start, Stop, T, Workflow

from .models import ProbeCase

DECIDE = Clock("probe.decide", "决定", 15, Unit.CALENDAR_DAYS, "CP-1 (test)", max_amount=60)
STATES = {"new": "已登记", "open": "处理中", "waiting": "等待鉴定", "done": "已决定"}
PERM = "customers.edit"  # any permission the personas hold in a known pattern

WORKFLOW = Workflow.build(
    name="probe",
    states=STATES,
    initial="new",
    final=["done"],
    clocks=[DECIDE],
    on_create=[Start(DECIDE)],
    transitions=[
        T("assign", "new", "open", perm=PERM),
        T(
            "extend",
            "open",
            "open",
            perm=PERM,
            requires=["reason"],
            effects=[Extend(DECIDE, to_amount=30)],
        ),
        T("appraise", "open", "waiting", perm=PERM, effects=[Pause(DECIDE)]),
        T("resume", "waiting", "open", perm=PERM, effects=[Resume(DECIDE)]),
        T("new_facts", "open", "open", perm=PERM, effects=[Restart(DECIDE)]),
        T("decide", "open", "done", perm=PERM, requires=["decision"], effects=[Stop(DECIDE)]),
    ],
)


def access_probe(actor: Actor, case_id: Any, *, for_update: bool = False) -> ProbeCase:
    return get_in_scope(
        actor,
        ProbeCase.objects.select_related("org_unit"),
        case_id,
        "customers.view",
        for_update=for_update,
    )


KIND = CaseKind(
    label="engine.probecase",
    workflow=WORKFLOW,
    access=access_probe,
    name="探针案件",
    view_perm="customers.view",
)


@transaction.atomic
def probe_create(
    *, actor: Actor, org_unit: Any, title: str, at: datetime | None = None
) -> ProbeCase:
    case = ProbeCase.objects.create(org_unit=org_unit, title=title, status=WORKFLOW.initial)
    case_opened(kind=KIND, case=case, actor=actor, at=at)
    return case
