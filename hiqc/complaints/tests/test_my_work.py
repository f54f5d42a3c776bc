"""A complaint in "my work" (issue 15 §3): the work of those who must act on it in its state, and
never of those the rules recuse (CP-6, CP-8) — exactly as the actions are offered and refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hiqc.complaints.services import KIND
from hiqc.core.access import Actor
from hiqc.core.mywork import my_work
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user

from . import test_complaint_process as process
from .test_complaint_process import T0, act, decide, register

# the fixtures of the complaint process tests
colleague, complaint, customer = process.colleague, process.complaint, process.customer

pytestmark = pytest.mark.django_db


def in_my_work(actor: Actor) -> list[str]:
    return [str(item.case.pk) for item in my_work(actor, case_type=KIND.label)]


def test_a_complaint_under_review_is_in_the_approvers_work_not_the_handlers(
    actors,
    complaint,
    colleague,
):
    # Given a decided complaint whose review the complainant has asked for
    c = decide(actors, complaint, T0 + timedelta(days=9))
    assert str(c.pk) in in_my_work(actors["handler"])  # decided: the handlers ask or archive
    c = act(actors, c, "request_review", at=T0 + timedelta(days=20), reason="不服")
    # Then only the approvers must act (conclude_review): not its handlers, nor its assignee
    assert str(c.pk) not in in_my_work(actors["handler"])
    assert str(c.pk) not in in_my_work(actor_for_user(colleague))
    assert str(c.pk) in in_my_work(actors["quality_lead"])
    assert str(c.pk) in in_my_work(actors["compliance"])


def test_the_decider_does_not_have_the_review_of_their_own_decision_in_my_work(
    actors,
    org,
    complaint,
):
    """CP-6, CP-8: no one reviews their own decision (conclude_review refuses the decider)."""
    # Given a head-office approver who also handles complaints in C1 and decided this one
    user = User.objects.create_user(username="both", password="x" * 20, org_unit=org["HO"])
    Membership.objects.create(user=user, role=Role.QUALITY_LEAD, org_unit=org["HO"])
    Membership.objects.create(user=user, role=Role.COMPLAINT_HANDLER, org_unit=org["C1"])
    actors["both"] = both = actor_for_user(user)
    c = act(actors, complaint, "decide", who="both", at=T0 + timedelta(days=9),
            outcome="partly_upheld", root_cause="claims.explanation", facts_found="事实",
            basis="依据", decision_text="决定")  # fmt: skip
    c = act(actors, c, "request_review", at=T0 + timedelta(days=20), reason="不服")
    # Then the review is the other approvers' work, not the decider's
    assert str(c.pk) not in in_my_work(both)
    assert str(c.pk) in in_my_work(actors["quality_lead"])


def test_someone_involved_in_a_complaint_does_not_have_it_in_my_work(
    actors,
    org,
    customer,
    colleague,
):
    """CP-6: the person complained about or named in the complaint may take no step on it."""
    # Given a complaint naming the branch manager, who otherwise handles complaints over P1
    c = register(actors, org, customer, involved_user_ids=[str(actors["branch_manager"].user_id)])
    other = register(actors, org, customer)
    # Then it is not in their work, while another complaint in their scope is
    assert in_my_work(actors["branch_manager"]) == [str(other.pk)]
    assert set(in_my_work(actors["handler"])) == {str(c.pk), str(other.pk)}


def test_the_employee_complained_about_does_not_have_the_complaint_in_my_work(
    actors,
    org,
    customer,
    personas,
):
    c = register(actors, org, customer, respondent_kind="employee",
                 respondent_user_id=str(personas["handler"].pk))  # fmt: skip
    assert str(c.pk) not in in_my_work(actors["handler"])
    assert str(c.pk) in in_my_work(actors["branch_manager"])


def test_a_further_extension_asked_for_is_in_the_head_office_approvers_work_until_granted(
    actors,
    complaint,
):
    """CP-3: in investigation the approvers act only on a further extension a handler asked for."""
    # Given a complaint under investigation, extended once
    c = act(actors, complaint, "extend", at=T0 + timedelta(days=5), reason="复杂")
    assert str(c.pk) not in in_my_work(actors["quality_lead"])
    # When the handler asks head office for a further extension
    c = act(actors, c, "request_further_extension", at=T0 + timedelta(days=6), reason="仍复杂")
    # Then it is the head-office approvers' work, and still the handlers'
    assert str(c.pk) in in_my_work(actors["quality_lead"])
    assert str(c.pk) in in_my_work(actors["handler"])
    # and once granted, it is the approvers' no more
    act(actors, c, "extend_further", who="quality_lead", at=T0 + timedelta(days=7), reason="多家")
    assert str(c.pk) not in in_my_work(actors["quality_lead"])
