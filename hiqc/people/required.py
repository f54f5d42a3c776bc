"""Required training per role (issue 18 §8; standard 7.1.1, 7.1.2, 9.1.2(3)): head office names,
per role, the hours of each content of 7.1.2 a person must attend in a calendar year. Data, not
code: ``required_training_set`` writes one row (hours 0 removes it); the coverage indicator
(``people.required_training_coverage``) reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.qualifications import (
    qualification_demands,
    qualification_holdings,
    qualification_label,
    qualification_state,
)
from hiqc.core.rules import rule_value
from hiqc.organisations.enums import Role
from hiqc.organisations.models import User

from .enums import TRAINING_MANAGE, TRAINING_VIEW, Content, Topic
from .models import RequiredTraining
from .renewal import FIRST as FIRST_REMINDER


def required_training(actor: Actor) -> QuerySet[RequiredTraining]:
    require(actor, TRAINING_VIEW)
    return RequiredTraining.objects.all()


def required_training_set(*, actor: Actor, data: Mapping[str, Any]) -> RequiredTraining | None:
    """Set the hours a role must attend of a content (and, optionally, of courses carrying a
    ``topic``, ADR 0029) each year (0 removes the requirement); training.manage at head office."""
    if not actor.can_globally(TRAINING_MANAGE):
        raise Forbidden(_("岗位必修培训由总公司培训管理员设定。"))
    errors: dict[str, list[str]] = {}
    role, content = str(data.get("role") or ""), str(data.get("content") or "")
    if role not in Role.values:
        errors["role"] = [_("请选择岗位角色。")]
    if content not in Content.values:
        errors["content"] = [_("请选择培训内容。")]
    topic = str(data.get("topic") or "")
    if topic and topic not in Topic.values:
        errors["topic"] = [_("请选择培训主题（或留空）。")]
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
            gone = RequiredTraining.objects.filter(role=role, content=content, topic=topic).first()
            if gone is not None:
                audit_record(actor=actor, action="people.required.set", subject=gone,
                             data={"role": role, "content": content, "topic": topic,
                                   "hours": "0"})  # fmt: skip
                gone.delete()
            return None
        row, _created = RequiredTraining.objects.update_or_create(
            role=role,
            content=content,
            topic=topic,
            defaults={"hours": hours, "note": str(data.get("note") or "")[:200]},
        )
        audit_record(actor=actor, action="people.required.set", subject=row, fields=["hours"],
                     data={"role": role, "content": content, "topic": topic,
                           "hours": str(hours)})  # fmt: skip
    return row


def required_qualifications(actor: Actor, *, today: date) -> list[dict[str, Any]]:
    """Who needs which qualification because of the work other chapters give them (8.2.6: the
    equipment they operate), read through ``hiqc.core.qualifications`` — this app names no
    domain. Per person and qualification, in the actor's training.view scope (by the unit of the
    work): the reasons, and the state of their certificate today (current, expiring within the
    renewal reminder's days, lapsed, missing)."""
    require(actor, TRAINING_VIEW)
    demands = [d for d in qualification_demands() if actor.can(TRAINING_VIEW, d.org_unit_path)]
    grouped: dict[tuple[str, str], list[str]] = {}
    for d in demands:
        grouped.setdefault((d.user_id, d.qualification), []).append(d.reason)
    users = {str(u.pk): u for u in User.objects.filter(pk__in={u for u, _q in grouped})}
    holdings = qualification_holdings(list(users), {q for _u, q in grouped}, today)
    window = int(rule_value(FIRST_REMINDER))
    rows = []
    for (user_id, code), reasons in grouped.items():
        user = users.get(user_id)
        if user is None:
            continue
        holding = holdings.get((user_id, code))
        rows.append({
            "user_id": user.pk, "name": user.display_name or user.username,
            "qualification": code, "qualification_label": qualification_label(code),
            "reasons": reasons, "state": qualification_state(holding, today, window),
            "expires_on": holding[1] if holding else None,
        })  # fmt: skip
    order = {"missing": 0, "lapsed": 1, "expiring": 2, "current": 3}
    return sorted(rows, key=lambda r: (order[r["state"]], r["qualification"], r["name"]))
