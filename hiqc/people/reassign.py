"""The reassignment list (issue 18 §3): open cases of a gated kind whose assignee holds no current
certificate of the qualification the kind's rule names — a holder's certificate lapsed, or the gate
was turned on while they had work — for the call-centre supervisor, branch service manager and
quality lead in scope (``certificates.reassign``) to hand to someone qualified.

The list reads the case kinds through the kernel (``CASE_KINDS``; this app imports no domain), and
reassigning goes through the engine (``case_transition`` with the kind's own ``reassign`` action),
so the domain's checks and the gate apply to the new assignee exactly as on the case's page. A kind
or state with no ``reassign`` action is listed with a link to its page only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require, scope
from hiqc.core.casekinds import CASE_KINDS, CaseKind, case_url
from hiqc.core.casework import case_allowed_actions, case_transition
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.models import CaseEvent, CaseModel
from hiqc.organisations.models import User

from .enums import CERTIFICATES_REASSIGN, Qualification
from .gate import GATED, required_qualification
from .models import Certificate

REASSIGN = CERTIFICATES_REASSIGN
ACTION = "reassign"
LIMIT = 500


@dataclass
class Lapsed:
    kind: CaseKind
    case: CaseModel
    qualification: str
    reassignable: bool
    url: str

    @property
    def label(self) -> str:
        for name in ("reference", "number", "label"):
            value = getattr(self.case, name, "")
            if value:
                return str(value)
        return str(self.case.pk)[:8]

    @property
    def qualification_label(self) -> str:
        return str(Qualification(self.qualification).label)

    @property
    def status_label(self) -> str:
        return str(self.kind.workflow.states.get(self.case.status, self.case.status))


def _current(qualification: str, today: date) -> Any:
    return Certificate.objects.filter(
        user_id=OuterRef("assignee_id"), qualification=qualification, issued_on__lte=today,
        expires_on__gte=today,
    )  # fmt: skip


def lapsed_cases(actor: Actor, *, today: date) -> list[Lapsed]:
    """The open cases in the actor's scope whose assignee may no longer be assigned them."""
    require(actor, REASSIGN)
    out: list[Lapsed] = []
    for label in GATED:
        needed = required_qualification(label)
        kind = CASE_KINDS.get(label)
        if needed is None or kind is None:
            continue
        model: Any = kind.model
        qs = scope(actor, model.objects.filter(assignee__isnull=False), REASSIGN)
        if kind.view_perm:  # only cases the actor may open anyway
            qs = scope(actor, qs, kind.view_perm)
        qs = (qs.exclude(status__in=kind.workflow.final).exclude(Exists(_current(needed, today)))
              .select_related("assignee").order_by("created_at", "pk"))  # fmt: skip
        for case in qs[:LIMIT]:
            may = ACTION in case_allowed_actions(kind, case, actor)
            out.append(Lapsed(kind, case, needed, may, case_url(label, str(case.pk))))
    return out


def qualified_people(actor: Actor, qualification: str, *, today: date) -> list[User]:
    """Holders of a current certificate of ``qualification`` in the actor's scope: whom a case
    may go to (the engine and the domain check again when it does)."""
    held = scope(actor, Certificate.objects.all(), REASSIGN).filter(
        qualification=qualification, issued_on__lte=today, expires_on__gte=today
    )
    return list(
        User.objects.filter(pk__in=held.values("user_id"), is_active=True)
        .order_by("display_name", "username")
    )  # fmt: skip


def lapsed_reassign(
    *, actor: Actor, case_type: str, case_id: Any, data: dict[str, Any]
) -> CaseModel:
    """Give a listed case to someone else through the engine (the kind's ``reassign`` action):
    the domain's checks and the qualification gate apply to the new assignee."""
    require(actor, REASSIGN)
    kind = CASE_KINDS.get(case_type) if case_type in GATED else None
    if kind is None:
        raise NotFound()
    case = kind.access(actor, case_id)
    require(actor, REASSIGN, case)
    reason = str(data.get("reason") or "").strip()
    if not data.get("assignee"):
        raise ValidationFailed(_("请选择新承办人。"), fields={"assignee": [_("此项必填。")]})
    if len(reason) < 4:
        raise ValidationFailed(_("请说明改派理由。"),
                               fields={"reason": [_("请说明改派理由（至少 4 个字）。")]})  # fmt: skip
    # the step's one audit record notes it came from the reassignment list (never a second)
    return case_transition(kind=kind, actor=actor, case_id=case.pk, action=ACTION,
                           data={"assignee": str(data["assignee"]), "reason": reason},
                           version=case.version, source=CaseEvent.Source.PAGE,
                           audit={"via": "people.reassign", "from": str(case.assignee_id)})  # fmt: skip
