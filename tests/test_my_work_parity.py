"""Parity of "my work" with the actions offered (issue 15 §3).

A case is in someone's work exactly when they may act on it now: they can open it (its kind's
door) and ``case_allowed_actions`` is not empty — or, in a state that is its assignee's alone
(``work_by_state`` ``()``), exactly when it is assigned to them. Checked for every registered case
kind in every open state, for every demo persona, on the demo's own data (each kind's open cases
are put in each open state in turn).

Where the two differ on purpose, ``EXCUSED`` says why; nothing else may differ.
"""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from hiqc.core.access import Actor
from hiqc.core.casekinds import CASE_KINDS, CaseKind
from hiqc.core.casework import case_allowed_actions
from hiqc.core.errors import NotFound
from hiqc.core.models import CaseEvent
from hiqc.core.mywork import my_work
from hiqc.organisations.models import User
from hiqc.organisations.services import actor_for_user

pytestmark = pytest.mark.django_db

TEST_ONLY = {"engine.probecase"}  # the engine's probe kind: no demo data (tests/engine)


def _no_further_extension_asked(case: Any) -> bool:
    last = (
        CaseEvent.objects.filter(case_type="complaints.complaint", case_id=str(case.pk),
                                 activity__in=("request_further_extension", "extend_further"))
        .order_by("-at", "-id").values_list("activity", flat=True).first()
    )  # fmt: skip
    return last != "request_further_extension"


QUALITY_CANCEL_ONLY = (
    ("quality.nonconformity", ("open", "analysing")),
    ("quality.improvementplan", ("plan", "do")),
)

# (kind, state) → (when the difference is excused, why); called with the case, the actions
# allowed and whether it is in the actor's work
Excuse = Callable[[Any, list[str], bool], bool]
EXCUSED: dict[tuple[str, str], tuple[Excuse, str]] = {
    ("complaints.complaint", "investigating"): (
        lambda case, allowed, in_work: (
            not in_work and allowed == ["extend_further"] and _no_further_extension_asked(case)
        ),
        "A head-office approver may grant the second extension of a complaint extended once, "
        "unasked; it is their work once a handler asks for it (CP-3, request_further_extension).",
    ),
    ("consultations.consultation", "answered"): (
        lambda case, allowed, in_work: not in_work and allowed == ["convert_complaint"],
        "Whoever registers complaints over the unit may turn an answered consultation into a "
        "complaint; the consultation is its handlers' work (consultations/workflow.py).",
    ),
    ("claimaudit.auditround", "open"): (
        lambda case, allowed, in_work: in_work and allowed == [],
        "An open round is its auditors' work while claims are left to review: completing it is "
        "held back until then (the domain guard), and its page leads to the claims left.",
    ),
    ("process_management.supervisionfinding", "open"): (
        lambda case, allowed, in_work: not in_work and allowed == ["close"],
        "Closing an open supervision finding is a supervisor's right, not work waiting for them: "
        "the owning unit must answer it (process_management/supervision/workflow.py).",
    ),
    **{
        (label, state): (
            lambda case, allowed, in_work: not in_work and allowed == ["cancel"],
            "Cancelling (quality.nc.open) is a right of whoever opens them, not work waiting for "
            "them (quality/workflow.py WORK_BY_STATE).",
        )
        for label, states in QUALITY_CANCEL_ONLY
        for state in states
    },
    ("facilities.rectification", "open"): (
        lambda case, allowed, in_work: not in_work and allowed == ["cancel"],
        "Cancelling an open rectification is the inspectors' right, not work waiting for them: "
        "the outlet must correct it (facilities/workflow.py WORK_BY_STATE).",
    ),
    ("information.remediation", "open"): (
        lambda case, allowed, in_work: not in_work and allowed == ["cancel"],
        "Cancelling an open remediation is the security officer's right, not work waiting for "
        "them: the unit must correct it (information/workflow.py REMEDIATION_WORK).",
    ),
}


def _work_ids(actor: Actor, kind: CaseKind) -> set[str]:
    return {str(item.case.pk) for item in my_work(actor, case_type=kind.label)}


def _allowed(kind: CaseKind, actor: Actor, pk: Any) -> list[str] | None:
    """The actions offered to ``actor`` on the case, or None when they cannot open it."""
    try:
        case = kind.access(actor, pk)
    except NotFound:
        return None
    return case_allowed_actions(kind, case, actor)


def test_a_case_is_in_my_work_exactly_when_i_may_act_on_it_for_every_kind_state_and_persona():
    # Given the demo (its personas, one per role, and its cases of every kind)
    call_command("demo_load", stdout=StringIO(), customers=200, verbosity=0)
    people = [actor_for_user(u) for u in User.objects.filter(is_active=True).order_by("username")]
    differences, excused, covered = [], set(), set()
    for kind in CASE_KINDS.values():
        rows = kind.model._default_manager
        work = kind.work_map()
        cases = list(rows.exclude(status__in=kind.workflow.final).order_by("pk")[:3])
        if cases:
            covered.add(kind.label)
        for state in work:
            # When its open cases are in each open state in turn
            rows.filter(pk__in=[c.pk for c in cases]).update(status=state)
            for case in cases:
                case.refresh_from_db()
            for actor in people:
                listed = _work_ids(actor, kind)
                for case in cases:
                    in_work = str(case.pk) in listed
                    allowed = _allowed(kind, actor, case.pk)
                    if work[state] == ():  # the assignee's alone
                        expected = case.assignee_id == actor.user_id and allowed is not None
                    else:
                        expected = bool(allowed)
                    if in_work == expected:
                        continue
                    # Then it is in their work exactly when they may act, or the excuse says why
                    excuse = EXCUSED.get((kind.label, state))
                    if excuse is not None and excuse[0](case, allowed or [], in_work):
                        excused.add((kind.label, state))
                        continue
                    differences.append(
                        f"{kind.label} {state} {actor.username}: in my work {in_work}, "
                        f"allowed {allowed}, assigned {case.assignee_id == actor.user_id}"
                    )
    assert differences == []
    assert covered == set(CASE_KINDS) - TEST_ONLY  # no kind went unchecked
    assert excused  # the excuses are still needed (else: remove them)
