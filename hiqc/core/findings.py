"""Recording compliance findings (CL-8 and others); one row per dedupe key, so a rule breached
once is recorded once however often it is noticed. Among them, the kernel's own: an imported
event the designed workflow refused (``out_of_design_record``)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Finding


def finding_record(
    *,
    rule: str,
    kind: str,
    title: str,
    org_path: str,
    dedupe_key: str,
    case_type: str = "",
    case_id: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Finding | None:
    """Create the finding unless one with this dedupe key exists; returns the new row or None.
    ``at`` dates it when it was found earlier than now (a step recorded with its own time)."""
    try:
        with transaction.atomic():
            return Finding.objects.create(
                rule=rule,
                kind=kind,
                title=title[:200],
                org_path=org_path,
                case_type=case_type,
                case_id=case_id,
                data=dict(data or {}),
                dedupe_key=dedupe_key[:150],
                created_at=at or timezone.now(),
            )
    except IntegrityError:
        return None


# --- an imported event the design refuses (standard 2.2, 2.3.1; issue 16 §4) ----------------------

OUT_OF_DESIGN = "process.out_of_design"  # the finding kind
OUT_OF_DESIGN_RULE = "2.3.1"  # remote monitoring of the service process


def out_of_design_record(
    *, kind: Any, case_id: str, org_path: str, from_state: str, action: str, at: datetime,
    source_system: str, external_id: str, line: int,
) -> Finding | None:  # fmt: skip
    """An event another system reported that the designed workflow does not allow from where the
    case was (the events door refused it, so it never reached the event log): recorded as a
    compliance finding on the case, dated at the event's own time, so the process's conformance
    can show what moved outside the design. Once per (kind, source system, external id): a
    re-sent line is the same attempt. Returns the new row or None (already recorded)."""
    from django.utils.translation import gettext as _

    wf = kind.workflow
    step = next((t for t in wf.transitions if t.name == action), None)
    state_label = _(str(wf.states[from_state])) if from_state in wf.states else from_state
    key = hashlib.sha256(f"{kind.label}|{source_system}|{external_id}".encode()).hexdigest()
    return finding_record(
        rule=OUT_OF_DESIGN_RULE, kind=OUT_OF_DESIGN,
        title=_("导入的事件违背流程设计：{state}时不能“{action}”").format(
            state=state_label, action=_(str(step.label)) if step is not None else action
        ),
        org_path=org_path, case_type=kind.label, case_id=str(case_id),
        dedupe_key=f"ood:{key[:48]}", at=at,
        data={"action": action, "from_state": from_state,
              "to_state": step.target if step is not None else "", "source": "import",
              "source_system": source_system, "external_id": external_id, "line": line},
    )  # fmt: skip
