"""Required training per role (issue 18 §8; standard 7.1.1, 7.1.2, 9.1.2(3)): head office names,
per role, the hours of each content of 7.1.2 a person must attend in a calendar year. Data, not
code: ``required_training_set`` writes one row (hours 0 removes it); the coverage indicator
(``people.required_training_coverage``) reads them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.organisations.enums import Role

from .enums import TRAINING_MANAGE, TRAINING_VIEW, Content
from .models import RequiredTraining


def required_training(actor: Actor) -> QuerySet[RequiredTraining]:
    require(actor, TRAINING_VIEW)
    return RequiredTraining.objects.all()


def required_training_set(*, actor: Actor, data: Mapping[str, Any]) -> RequiredTraining | None:
    """Set the hours a role must attend of a content each year (0 removes the requirement);
    training.manage at head office."""
    if not actor.can_globally(TRAINING_MANAGE):
        raise Forbidden(_("岗位必修培训由总公司培训管理员设定。"))
    errors: dict[str, list[str]] = {}
    role, content = str(data.get("role") or ""), str(data.get("content") or "")
    if role not in Role.values:
        errors["role"] = [_("请选择岗位角色。")]
    if content not in Content.values:
        errors["content"] = [_("请选择培训内容。")]
    try:
        hours = Decimal(str(data.get("hours", "")).strip()).quantize(Decimal("0.1"))
        if not Decimal(0) <= hours <= Decimal(999):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["hours"] = [_("请填写 0–999 之间的学时（0 表示取消该要求）。")]
    if errors:
        raise ValidationFailed(_("请检查标出的项目。"), fields=errors)
    with transaction.atomic():
        if hours == 0:
            gone = RequiredTraining.objects.filter(role=role, content=content).first()
            if gone is not None:
                audit_record(actor=actor, action="people.required.set", subject=gone,
                             data={"role": role, "content": content, "hours": "0"})  # fmt: skip
                gone.delete()
            return None
        row, _created = RequiredTraining.objects.update_or_create(
            role=role,
            content=content,
            defaults={"hours": hours, "note": str(data.get("note") or "")[:200]},
        )
        audit_record(actor=actor, action="people.required.set", subject=row, fields=["hours"],
                     data={"role": role, "content": content, "hours": str(hours)})  # fmt: skip
    return row
