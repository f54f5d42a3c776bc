"""Writes of process management: the handbook's operating requirements (2.1.2(2)(3))."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.errors import Forbidden, ValidationFailed

from .models import DOCUMENTS_MAX, REQUIREMENTS_MAX, StepGuidance
from .selectors import access_process

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
