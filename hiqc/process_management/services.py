"""Writes of process management: the handbook's operating requirements (2.1.2(2)(3))."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.organisations.selectors import active_units

from .models import DOCUMENTS_MAX, REQUIREMENTS_MAX, MiningSnapshot, StepGuidance
from .results import mine
from .selectors import access_process, mining_period, traces, within

SNAPSHOT_LEVELS = 3  # head office, provinces and cities: the units a manager looks at

MANAGE = "process.manage"  # the kernel's permission to publish process versions


@transaction.atomic
def guidance_save(
    *, actor: Actor, process: str, step: str, requirements: str, documents: str, note: str
) -> StepGuidance:
    """The next revision of a step's operating requirements (head office: the handbook is one
    for the whole insurer; a branch's own rules are process versions)."""
    kind = access_process(actor, process)
    if not actor.can_globally(MANAGE):
        raise Forbidden(_("修订流程手册需要总公司的“发布流程版本”权限。"))
    errors: dict[str, list[str]] = {}
    if step and step not in {t.name for t in kind.workflow.transitions}:
        errors["step"] = [_("该流程没有这个步骤。")]
    requirements, documents, note = requirements.strip(), documents.strip(), note.strip()
    if len(requirements) > REQUIREMENTS_MAX:
        errors["requirements"] = [_("最多 {n} 字。").format(n=REQUIREMENTS_MAX)]
    if len(documents) > DOCUMENTS_MAX:
        errors["documents"] = [_("最多 {n} 字。").format(n=DOCUMENTS_MAX)]
    if len(note) < 4:
        errors["note"] = [_("请说明本次修订（至少 4 个字）。")]
    if errors:
        raise ValidationFailed(_("操作要求有误。"), fields=errors)
    last = (
        StepGuidance.objects.select_for_update()
        .filter(process=process, step=step)
        .order_by("-number")
        .first()
    )
    row = StepGuidance.objects.create(
        process=process, step=step, number=(last.number + 1) if last else 1,
        requirements=requirements, documents=documents, note=note, edited_by=actor.username,
    )  # fmt: skip
    audit_record(
        actor=actor, action="processes.guidance", subject=row, org_path="",
        data={"process": process, "step": step, "number": row.number},
    )  # fmt: skip
    return row


def snapshots_refresh() -> dict[str, int]:
    """Recompute every process's mining result for the default period (the last twelve months)
    over the whole insurer and each unit down to city level, replacing the previous night's. The
    events are read once per process; each unit's figures come from its cases' events there."""
    actor = Actor.system("process-snapshots")
    now = timezone.now()
    period = mining_period(None, None, timezone.localdate())
    paths = [u.path for u in active_units(max_level=SNAPSHOT_LEVELS)]
    written = 0
    for kind in CASE_KINDS.values():
        everything = list(traces(actor, kind, period, ""))
        rows: list[MiningSnapshot] = []
        for path in paths:
            subset = [t for t in (within(x, path, period) for x in everything) if t is not None]
            if not subset and rows:  # a unit with no case of the process: nothing to show
                continue
            result = mine(kind, subset, path=path, period=period, at=now)
            rows.append(MiningSnapshot(
                process=kind.label, org_path=path, period_from=period.first,
                period_to=period.last, computed_at=now, result=result,
            ))  # fmt: skip
        with transaction.atomic():
            MiningSnapshot.objects.filter(process=kind.label).delete()
            MiningSnapshot.objects.bulk_create(rows)
        written += len(rows)
    return {"processes": len(CASE_KINDS), "snapshots": written}
