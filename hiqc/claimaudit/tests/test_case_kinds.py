"""Audit rounds and sampled claims are case kinds (issue 15 §3): every status change is an event
of the one log through the case engine, a stale version is a 409, out of scope answers exactly
like missing, "my work" lists each case to whoever must act next and nobody else, and the pages
and the API offer exactly the actions that will succeed."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client

from hiqc.claimaudit import selectors
from hiqc.claimaudit.models import AuditItem, AuditRound
from hiqc.claimaudit.services import (
    ITEM_KIND,
    ROUND_KIND,
    item_readjudicate,
    item_record_errors,
    round_complete,
    round_create,
)
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_allowed_actions
from hiqc.core.errors import Conflict, NotFound
from hiqc.core.models import CaseEvent
from hiqc.core.mywork import my_work
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user

from .factories import decided_claims

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 4, 10, 10, tzinfo=BEIJING)


@pytest.fixture
def audit(actors, org):
    """Three decided claims of C1 (one decided by the reviewer), sampled into an open round."""
    decided_claims(org["C1"], 2)
    decided_claims(org["C1"], 1, start=datetime(2026, 3, 20, tzinfo=BEIJING), outcome="refuse")
    with time_machine.travel(NOW, tick=False):
        r = round_create(actor=actors["quality_lead"], name="三月抽检", org_unit_id=org["HO"].pk,
                         period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), seed=1)  # fmt: skip
    return r, list(AuditItem.objects.filter(round=r).select_related("claim").order_by("pk"))


def _events(kind, case):
    return list(
        CaseEvent.objects.filter(case_type=kind.label, case_id=str(case.pk))
        .order_by("at", "id")
        .values_list("activity", "from_state", "to_state")
    )


def _review(actors, item, who="reviewer"):
    return item_readjudicate(actor=actors[who], item_id=item.pk, outcome="approve",
                             amount=item.claim.amount_claimed)  # fmt: skip


# --- the one event log ---------------------------------------------------------------------------


def test_a_new_round_and_each_sampled_claim_open_as_cases_without_the_original_decision(audit):
    r, items = audit
    assert _events(ROUND_KIND, r) == [("create", "", "open")]
    assert (r.status, r.version) == ("open", 1)
    for item in items:
        assert _events(ITEM_KIND, item) == [("create", "", "pending")]
        assert (item.status, item.version, item.assignee_id) == ("pending", 1, None)
    data = CaseEvent.objects.filter(case_type=ITEM_KIND.label).values_list("data", flat=True)
    assert all(set(d) == {"round", "stratum"} for d in data)  # no outcome, amount or reason


def test_the_blind_decision_and_the_errors_are_events_and_the_item_becomes_its_reviewers(
    actors, personas, audit
):
    _r, items = audit
    item = _review(actors, items[0])
    assert (item.status, item.version, item.assignee_id) == ("compared", 2, personas["reviewer"].pk)
    item = item_record_errors(actor=actors["reviewer"], item_id=item.pk, error_types=["procedure"])
    assert (item.status, item.version) == ("done", 3)
    assert _events(ITEM_KIND, item) == [
        ("create", "", "pending"), ("readjudicate", "pending", "compared"),
        ("record_errors", "compared", "done"),
    ]  # fmt: skip
    decision = CaseEvent.objects.get(case_id=str(item.pk), activity="readjudicate")
    assert decision.data == {}  # the comparison lives on the item, not in the log
    assert CaseEvent.objects.get(case_id=str(item.pk), activity="record_errors").data == {
        "errors": ["procedure"]
    }


def test_completing_a_round_is_an_event_once_every_claim_is_reviewed(actors, audit):
    r, items = audit
    for item in items:
        _review(actors, item)
        item_record_errors(actor=actors["reviewer"], item_id=item.pk, error_types=[])
    done = round_complete(actor=actors["quality_lead"], round_id=r.pk, version=1)
    assert (done.status, done.version) == ("completed", 2) and done.completed_at is not None
    assert _events(ROUND_KIND, r) == [("create", "", "open"), ("complete", "open", "completed")]


# --- 409 -----------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_with_409_and_changes_nothing(actors, audit):
    _r, items = audit
    _review(actors, items[0])
    with pytest.raises(Conflict) as exc:
        item_record_errors(actor=actors["reviewer"], item_id=items[0].pk, error_types=[], version=1)
    assert exc.value.code == "stale_version"
    assert AuditItem.objects.get(pk=items[0].pk).status == "compared"


def test_a_stale_page_or_api_client_gets_409(actors, personas, audit):
    r, items = audit
    client = Client()
    client.force_login(personas["reviewer"])
    _review(actors, items[0], who="quality_lead")  # version 2 now
    api = client.post(f"/api/v1/claim-audits/items/{items[1].pk}/review",
                      json.dumps({"outcome": "approve", "amount": "1", "version": 2}),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 409 and api.json()["code"] == "stale_version"
    page = client.post(f"/claim-audits/items/{items[1].pk}/review/",
                       {"outcome": "approve", "amount": "1", "version": "7"}, follow=True)  # fmt: skip
    assert "已被他人更新" in page.content.decode()
    assert AuditItem.objects.get(pk=items[1].pk).status == "pending"
    stale = client.post(f"/api/v1/claim-audits/rounds/{r.pk}/complete?version=9")
    assert stale.status_code == 409


def test_a_round_with_claims_left_to_review_is_refused_with_the_number_left(actors, audit):
    r, items = audit
    _review(actors, items[0])
    with pytest.raises(Conflict) as exc:
        round_complete(actor=actors["quality_lead"], round_id=r.pk)
    assert exc.value.code == "action_refused" and "还有 3 件" in exc.value.message


# --- scope ---------------------------------------------------------------------------------------


def test_out_of_scope_answers_exactly_like_missing(org, audit):
    _r, items = audit
    user = User.objects.create_user(username="sh_reviewer", password="x", org_unit=org["P2"])
    Membership.objects.create(user=user, role=Role.CLAIMS_REVIEWER, org_unit=org["P2"])
    shanghai = actor_for_user(user)
    for door, case_id in [
        (selectors.access_item, items[0].pk),  # a claim of Beijing
        (selectors.access_round, items[0].round_id),  # a head-office round
    ]:
        with pytest.raises(NotFound) as theirs:
            door(shanghai, case_id)
        with pytest.raises(NotFound) as missing:
            door(shanghai, uuid.uuid4())
        assert theirs.value.message == missing.value.message
    client = Client()
    client.force_login(user)
    theirs_api = client.get(f"/api/v1/claim-audits/items/{items[0].pk}")
    missing_api = client.get(f"/api/v1/claim-audits/items/{uuid.uuid4()}")
    assert theirs_api.status_code == missing_api.status_code == 404
    assert theirs_api.content == missing_api.content
    acted = client.post(f"/api/v1/claim-audits/items/{items[0].pk}/review",
                        json.dumps({"outcome": "approve", "amount": "1"}),
                        content_type="application/json")  # fmt: skip
    assert acted.status_code == 404 and acted.content == missing_api.content
    assert my_work(shanghai, case_type=ITEM_KIND.label).count() == 0
    assert my_work(shanghai, case_type=ROUND_KIND.label).count() == 0


# --- my work -------------------------------------------------------------------------------------


def _work(actors, who):
    """The audit cases in ``who``'s work (their claims, if they handle any, are not the point)."""
    kinds = (ROUND_KIND.label, ITEM_KIND.label)
    return sorted(
        (i.kind.label, str(i.case.pk)) for i in my_work(actors[who]) if i.kind.label in kinds
    )


def test_my_work_lists_the_open_round_to_its_auditors_and_a_compared_item_to_its_reviewer_only(
    actors, audit
):
    r, items = audit
    round_entry = (ROUND_KIND.label, str(r.pk))
    # pending claims are nobody's yet: the round stands for them ("复核下一件")
    assert _work(actors, "reviewer") == _work(actors, "quality_lead") == [round_entry]
    assert _work(actors, "claims") == [] and _work(actors, "branch_manager") == []
    _review(actors, items[0])
    assert _work(actors, "reviewer") == sorted([round_entry, (ITEM_KIND.label, str(items[0].pk))])
    assert _work(actors, "quality_lead") == [round_entry]  # not theirs to finish
    item_record_errors(actor=actors["reviewer"], item_id=items[0].pk, error_types=[])
    assert _work(actors, "reviewer") == [round_entry]
    for item in items[1:]:
        _review(actors, item, who="quality_lead")
        item_record_errors(actor=actors["quality_lead"], item_id=item.pk, error_types=[])
    round_complete(actor=actors["reviewer"], round_id=r.pk)
    assert _work(actors, "reviewer") == _work(actors, "quality_lead") == []


# --- the actions offered are the ones that succeed -----------------------------------------------


def test_allowed_actions_leave_out_what_the_domain_refuses(actors, personas, org, audit):
    r, items = audit
    assert case_allowed_actions(ROUND_KIND, r, actors["quality_lead"]) == []  # claims left
    assert case_allowed_actions(ITEM_KIND, items[0], actors["reviewer"]) == ["readjudicate"]
    assert case_allowed_actions(ITEM_KIND, items[0], actors["claims"]) == []  # no claims.audit
    compared = _review(actors, items[0])
    assert case_allowed_actions(ITEM_KIND, compared, actors["reviewer"]) == ["record_errors"]
    assert case_allowed_actions(ITEM_KIND, compared, actors["quality_lead"]) == []
    (own,) = decided_claims(org["C2"], 1, decider=personas["reviewer"])
    with time_machine.travel(NOW, tick=False):
        again = round_create(actor=actors["quality_lead"], name="复查", org_unit_id=org["C2"].pk,
                             period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))  # fmt: skip
    recused = AuditItem.objects.get(round=again, claim=own)
    assert case_allowed_actions(ITEM_KIND, recused, actors["reviewer"]) == []  # they decided it
    assert case_allowed_actions(ITEM_KIND, recused, actors["quality_lead"]) == ["readjudicate"]


def test_the_api_names_the_allowed_actions_status_label_and_version(actors, personas, audit):
    r, items = audit
    client = Client()
    client.force_login(personas["reviewer"])
    body = client.get(f"/api/v1/claim-audits/items/{items[0].pk}").json()
    assert (body["status_label"], body["version"], body["allowed_actions"]) == (
        "待复核", 1, ["readjudicate"]
    )  # fmt: skip
    assert body["original"] is None  # still blind
    answer = client.post(f"/api/v1/claim-audits/items/{items[0].pk}/review",
                         json.dumps({"outcome": "approve", "amount": "1", "version": 1}),
                         content_type="application/json").json()  # fmt: skip
    assert (answer["version"], answer["allowed_actions"]) == (2, ["record_errors"])
    lead = Client()
    lead.force_login(personas["quality_lead"])
    assert lead.get(f"/api/v1/claim-audits/items/{items[0].pk}").json()["allowed_actions"] == []
    listed = lead.get("/api/v1/claim-audits/rounds").json()["items"]
    assert (listed[0]["status_label"], listed[0]["allowed_actions"]) == ("进行中", [])
    got = lead.get(f"/api/v1/claim-audits/rounds/{r.pk}").json()["round"]
    assert (got["version"], got["allowed_actions"]) == (1, [])


def test_the_pages_offer_only_what_will_succeed(actors, personas, audit):
    r, items = audit
    lead = Client()
    lead.force_login(personas["quality_lead"])
    reviewer = Client()
    reviewer.force_login(personas["reviewer"])
    _review(actors, items[0])
    assert (
        'id="errors-form"' in reviewer.get(f"/claim-audits/items/{items[0].pk}/").content.decode()
    )
    other = lead.get(f"/claim-audits/items/{items[0].pk}/").content.decode()
    assert 'id="errors-form"' not in other and "差错须由给出复核结论的复核人判定" in other
    detail = lead.get(f"/claim-audits/{r.pk}/").content.decode()
    assert 'id="complete-form"' not in detail and "还有 3 件抽检案件未完成复核" in detail
    item_record_errors(actor=actors["reviewer"], item_id=items[0].pk, error_types=[])
    for item in items[1:]:
        _review(actors, item, who="quality_lead")
        item_record_errors(actor=actors["quality_lead"], item_id=item.pk, error_types=[])
    detail = lead.get(f"/claim-audits/{r.pk}/").content.decode()
    assert 'id="complete-form"' in detail and 'name="version" value="1"' in detail
    done = lead.post(f"/claim-audits/{r.pk}/complete/", {"version": "1"})
    assert done.status_code == 302 and AuditRound.objects.get(pk=r.pk).status == "completed"
