"""Writes of process management: the handbook's operating requirements (2.1.2(2)(3))."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, role_codes
from hiqc.core.audit import audit_record
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.errors import Forbidden, NotFound, ValidationFailed
from hiqc.core.models import ProcessVersion
from hiqc.organisations.selectors import active_units

from .models import (
    DOCUMENTS_MAX,
    FACT_MAX,
    NEEDS_MAX,
    REQUIREMENTS_MAX,
    MiningSnapshot,
    NeedsAnalysis,
    NeedsEvidence,
    ProcessProfile,
    StepGuidance,
)
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


# --- the catalogue's facts (2.1.1) and the needs analysis (2.1.2(1)) ------------------------------


def _require_manage(actor: Actor) -> None:
    if not actor.can_globally(MANAGE):
        raise Forbidden(_("维护流程目录与需求分析需要总公司的“发布流程版本”权限。"))


@transaction.atomic
def profile_save(
    *, actor: Actor, process: str, owner_role: str, customers: str, channels: str, note: str
) -> ProcessProfile:
    """The next revision of a process's catalogue facts (head office: one catalogue)."""
    access_process(actor, process)
    _require_manage(actor)
    owner_role, customers, channels, note = (
        owner_role.strip(), customers.strip(), channels.strip(), note.strip()
    )  # fmt: skip
    errors: dict[str, list[str]] = {}
    if owner_role and owner_role not in role_codes():
        errors["owner_role"] = [_("没有这个角色。")]
    for name, value in (("customers", customers), ("channels", channels)):
        if len(value) > FACT_MAX:
            errors[name] = [_("最多 {n} 字。").format(n=FACT_MAX)]
    if len(note) < 4:
        errors["note"] = [_("请说明本次修订（至少 4 个字）。")]
    if errors:
        raise ValidationFailed(_("流程目录信息有误。"), fields=errors)
    last = (
        ProcessProfile.objects.select_for_update()
        .filter(process=process)
        .order_by("-number")
        .first()
    )
    row = ProcessProfile.objects.create(
        process=process, number=(last.number + 1) if last else 1, owner_role=owner_role,
        customers=customers, channels=channels, note=note, edited_by=actor.username,
    )  # fmt: skip
    audit_record(
        actor=actor, action="processes.profile", subject=row, org_path="",
        data={"process": process, "number": row.number},
    )  # fmt: skip
    return row


def evidence_case(actor: Actor, case_type: str, case_id: str) -> None:
    """Raises NotFound unless ``actor`` may open the case through its kind's door: a missing
    case, a case out of scope and an unknown kind answer the same."""
    kind = CASE_KINDS.get(case_type)
    if kind is None:
        raise NotFound()
    try:
        kind.access(actor, case_id)
    except (NotFound, Forbidden, ValueError, DjangoValidationError) as exc:
        raise NotFound() from exc


@transaction.atomic
def analysis_create(
    *, actor: Actor, process: str, version_id: str, summary: str, needs: str,
    other_evidence: str = "", evidence: Sequence[tuple[str, str]] = (),
) -> NeedsAnalysis:  # fmt: skip
    """A needs analysis (2.1.2(1)) for one published version of the process, with the cases
    it cites (case type, case id): one not found refuses the whole analysis."""
    access_process(actor, process)
    _require_manage(actor)
    summary, needs, other_evidence = summary.strip(), needs.strip(), other_evidence.strip()
    errors: dict[str, list[str]] = {}
    version = None
    with contextlib.suppress(ValueError, DjangoValidationError):
        version = ProcessVersion.objects.filter(process=process, pk=version_id).first()
    if version is None:
        errors["version"] = [_("该流程没有这个版本。")]
    for name, value, required in (
        ("summary", summary, True), ("needs", needs, True), ("other_evidence", other_evidence, False)
    ):  # fmt: skip
        if required and not value:
            errors[name] = [_("必填。")]
        elif len(value) > NEEDS_MAX:
            errors[name] = [_("最多 {n} 字。").format(n=NEEDS_MAX)]
    if errors or version is None:
        raise ValidationFailed(_("需求分析有误。"), fields=errors)
    row = NeedsAnalysis.objects.create(
        process=process, version=version, summary=summary, needs=needs,
        other_evidence=other_evidence, created_by=actor.username,
    )  # fmt: skip
    audit_record(
        actor=actor, action="processes.needs", subject=row, org_path="",
        data={"process": process, "version": version.number},
    )  # fmt: skip
    for i, (case_type, case_id) in enumerate(evidence):
        try:
            evidence_add(actor=actor, analysis=row, case_type=case_type, case_id=case_id)
        except ValidationFailed as exc:
            problem = next(iter(exc.fields.get("case_id", [str(exc)])))
            raise ValidationFailed(
                str(exc), fields={"evidence": [_("第 {n} 项：{p}").format(n=i + 1, p=problem)]}
            ) from exc
    return row


@transaction.atomic
def evidence_add(
    *, actor: Actor, analysis: NeedsAnalysis, case_type: str, case_id: str
) -> NeedsEvidence:
    """Link a case of any registered kind to the analysis, checked through the kind's door
    (a case the actor cannot open is "not found", whatever the reason)."""
    _require_manage(actor)
    case_type, case_id = case_type.strip(), case_id.strip()
    try:
        evidence_case(actor, case_type, case_id)
    except NotFound as exc:
        raise ValidationFailed(
            _("找不到该案件。"), fields={"case_id": [_("找不到该案件。")]}
        ) from exc
    if analysis.evidence.filter(case_type=case_type, case_id=case_id).exists():
        raise ValidationFailed(_("该案件已是依据。"), fields={"case_id": [_("该案件已是依据。")]})
    row = NeedsEvidence.objects.create(
        analysis=analysis, case_type=case_type, case_id=case_id, added_by=actor.username
    )
    audit_record(
        actor=actor, action="processes.needs_evidence", subject=analysis, org_path="",
        data={"process": analysis.process, "case_type": case_type},
    )  # fmt: skip
    return row
