"""Self-enrolment (issue 18 §1 follow-up; standard 7.1.3): staff (``training.attend``) see the
sessions of the training plans of their own unit and the units above it, enrol while places remain
and the session has not begun, and cancel before it begins. The same rules as a trainer's ``enrol``
(the plan's unit or below; capacity, 409 ``full``), through one door: a session outside those
plans is the same 404 as a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.organisations.models import User

from .enums import TRAINING_ATTEND, TRAINING_VIEW
from .models import Enrolment, Session


def _me(actor: Actor) -> Any:
    if actor.user_id is None:  # a system actor enrols nobody
        raise NotFound()
    return actor.user_id


def _my_path(actor: Actor, perms: tuple[str, ...]) -> str | None:
    if actor.user_id is None:
        return None
    path = (User.objects.filter(pk=actor.user_id, is_active=True)
            .values_list("org_unit__path", flat=True).first())  # fmt: skip
    return path if path and any(actor.can(p, path) for p in perms) else None


def sessions_open_to_me(actor: Actor, *, reading: bool = False) -> QuerySet[Session]:
    """The sessions of the plans of the actor's unit and the units above it, each annotated with
    ``enrolled`` (the actor's own enrolment exists). Staff (``training.attend``) may enrol in
    them; ``reading`` lets those who see training (``training.view``) list the same sessions."""
    path = _my_path(actor, (TRAINING_ATTEND, TRAINING_VIEW) if reading else (TRAINING_ATTEND,))
    if path is None:
        return Session.objects.none()
    above = [path[:i] for i in range(5, len(path) + 1, 5)]
    mine = Enrolment.objects.filter(session_id=OuterRef("pk"), user_id=_me(actor))
    return (
        Session.objects.filter(course__plan__org_unit__path__in=above)
        .select_related("course", "course__plan", "course__plan__org_unit")
        .annotate(enrolled=Exists(mine)).order_by("starts_at", "pk")
    )  # fmt: skip


def access_my_session(actor: Actor, session_id: Any, *, for_update: bool = False) -> Session:
    """The door of a session the actor may enrol in: missing and not open to them are one 404."""
    try:
        key = uuid.UUID(str(session_id))
    except ValueError:
        raise NotFound() from None
    qs = sessions_open_to_me(actor).filter(pk=key)
    if for_update:  # the row itself, never the nullable side of a join (PostgreSQL)
        qs = qs.select_for_update(of=("self",))
    session = qs.first()
    if session is None:
        raise NotFound()
    return session


def _not_started(session: Session) -> None:
    if session.starts_at <= timezone.now():
        raise Conflict(_("该场次已开始，不能再报名或取消。"), code="started")


def enrol_self(*, actor: Actor, session_id: Any) -> Enrolment:
    """Enrol oneself in a session open to one, before it begins, while places remain."""
    require(actor, TRAINING_ATTEND)
    with transaction.atomic():
        session = access_my_session(actor, session_id, for_update=True)
        _not_started(session)
        if session.enrolments.filter(user_id=_me(actor)).exists():
            raise ValidationFailed(_("您已报名此场次。"), code="duplicate",
                                   fields={"session": [_("已报名。")]})  # fmt: skip
        if session.enrolments.count() >= session.capacity:
            raise Conflict(_("该场次已满员（{n} 人）。").format(n=session.capacity), code="full")
        enrolment = Enrolment.objects.create(session=session, user_id=_me(actor))
        audit_record(actor=actor, action="people.enrol.self", subject=enrolment,
                     data={"session": str(session.pk)})  # fmt: skip
    return enrolment


def enrol_cancel(*, actor: Actor, session_id: Any) -> None:
    """Withdraw one's own enrolment before the session begins."""
    require(actor, TRAINING_ATTEND)
    with transaction.atomic():
        session = access_my_session(actor, session_id, for_update=True)
        enrolment = session.enrolments.filter(user_id=_me(actor)).first()
        if enrolment is None:
            raise NotFound(_("您未报名此场次。"))
        _not_started(session)
        audit_record(actor=actor, action="people.enrol.cancel", subject=enrolment,
                     data={"session": str(session.pk)})  # fmt: skip
        enrolment.delete()
