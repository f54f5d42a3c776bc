"""The assessment API and pages (issue 18 §4–§5, §7): the case API contract for cycles (field
errors, actions at a version, 404 for another unit's id as for a missing one), the person's own
result with its evidence and appeal, the rater's own ratings, and the pages each role reaches."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from hiqc.core.calendar import BEIJING
from hiqc.people.assessment.models import AssessmentResult, Rating

from .conftest import client_for
from .test_assessment import BEFORE, NEW_YEAR, measure, scheme  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _body(org):
    data = scheme(org)
    return {**data, "org_unit": str(org["P1"].pk), **{k: int(data[k]) for k in (
        "w_ability", "w_performance", "w_teamwork", "w_ethics")}}  # fmt: skip


def test_a_cycle_through_the_api_from_scheme_to_appeal(personas, org, measure):  # noqa: F811
    boss = client_for(personas["branch_manager"])
    with time_machine.travel(BEFORE, tick=False):
        bad = post(boss, f"{API}/assessments", {**_body(org), "w_ethics": 30, "title": ""})
        assert bad.status_code == 422 and "title" in bad.json()["fields"]
        made = post(boss, f"{API}/assessments", _body(org))
        assert made.status_code == 201, made.content
        cycle = made.json()
        assert cycle["status"] == "draft" and cycle["allowed_actions"] == ["publish"]
        done = post(boss, f"{API}/assessments/{cycle['id']}/actions/publish",
                    {"version": cycle["version"]})  # fmt: skip
        assert done.status_code == 200 and done.json()["status"] == "published", done.content
        stale = post(boss, f"{API}/assessments/{cycle['id']}/actions/compute",
                     {"version": cycle["version"]})  # fmt: skip
        assert stale.status_code == 409
        rater = personas["claims"]
        assigned = post(boss, f"{API}/assessments/{cycle['id']}/raters", {"rows": [
            {"subject": str(personas["handler"].pk), "rater": str(rater.pk), "group": "peer"}]})  # fmt: skip
        assert assigned.status_code == 200, assigned.content
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=BEIJING), tick=False):
        boss = client_for(personas["branch_manager"])  # a new session: the old one idled out
        mine = client_for(rater).get(f"{API}/assessment-ratings").json()["items"]
        assert [r["subject"] for r in mine] == ["handler"]
        sent = post(client_for(rater), f"{API}/assessment-ratings/{mine[0]['id']}",
                    {"teamwork": 101, "ethics": 80})  # fmt: skip
        assert sent.status_code == 422 and "teamwork" in sent.json()["fields"]
        # nobody but the rater reaches the rating: the same 404 as a missing one
        theirs = post(
            boss, f"{API}/assessment-ratings/{mine[0]['id']}", {"teamwork": 1, "ethics": 1}
        )
        missing = post(
            boss, f"{API}/assessment-ratings/{uuid.uuid4()}", {"teamwork": 1, "ethics": 1}
        )
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    with time_machine.travel(NEW_YEAR, tick=False):
        boss = client_for(personas["branch_manager"])
        current = boss.get(f"{API}/assessments/{cycle['id']}").json()
        computed = post(boss, f"{API}/assessments/{cycle['id']}/actions/compute",
                        {"version": current["version"]})  # fmt: skip
        assert computed.status_code == 200 and computed.json()["results"] == 1
    handler = client_for(personas["handler"])
    listed = handler.get(f"{API}/assessment-results?mine=true").json()["items"]
    result = handler.get(f"{API}/assessment-results/{listed[0]['id']}").json()
    assert result["measures"][0]["value"] == 80.0 and result["measures"][0]["evidence"]
    # one rater in the peer group: hidden, its scores not given
    assert {g["group"]: g["shown"] for g in result["groups"]}["peer"] is False
    assert {g["group"]: g["teamwork"] for g in result["groups"]}["peer"] is None
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=BEIJING), tick=False):
        handler, boss = client_for(personas["handler"]), client_for(personas["branch_manager"])
        appealed = post(handler, f"{API}/assessment-results/{result['id']}/appeal",
                        {"reason": "请复核"})  # fmt: skip
        assert appealed.status_code == 201 and appealed.json()["appeal"]["reason"] == "请复核"
        again = post(handler, f"{API}/assessment-results/{result['id']}/appeal", {"reason": "再次"})
        assert again.status_code == 409
        refused = post(boss, f"{API}/assessment-results/{result['id']}/appeal/decision",
                       {"decision": "dismissed", "note": "我计算的"})  # fmt: skip
        assert refused.status_code == 403


def test_another_units_cycle_and_result_answer_exactly_as_missing_ones(personas, org, measure):  # noqa: F811
    from hiqc.organisations.services import actor_for_user
    from hiqc.people.assessment.services import cycle_act, cycle_create

    boss = actor_for_user(personas["branch_manager"])
    with time_machine.travel(BEFORE, tick=False):
        cycle = cycle_create(actor=boss, data=scheme(org))
        cycle_act(actor=boss, cycle_id=cycle.pk, action="publish")
    with time_machine.travel(NEW_YEAR, tick=False):
        cycle_act(actor=boss, cycle_id=cycle.pk, action="compute")
    result = AssessmentResult.objects.get(cycle=cycle)
    outsider = client_for(personas["outsider_agent"])
    for url in (f"{API}/assessments/{{}}", f"{API}/assessment-results/{{}}"):
        pk = cycle.pk if "assessments/" in url else result.pk
        theirs, missing = outsider.get(url.format(pk)), outsider.get(url.format(uuid.uuid4()))
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    # pages: the manager's cycle page lists everyone, the person's own page shows the evidence
    page = client_for(personas["branch_manager"]).get(reverse("people:cycle", args=[cycle.pk]))
    assert page.status_code == 200 and "handler" in page.content.decode()
    own = client_for(personas["handler"]).get(reverse("people:result", args=[result.pk]))
    text = own.content.decode()
    assert own.status_code == 200 and "测试及时率" in text and "case-1" in text
    assert client_for(personas["outsider_agent"]).get(
        reverse("people:result", args=[result.pk])).status_code == 404  # fmt: skip
    assert client_for(personas["handler"]).get(reverse("people:my_assessments")).status_code == 200


def test_the_cycles_page_creates_a_cycle_from_the_scheme_form(personas, org, measure):  # noqa: F811
    boss = client_for(personas["branch_manager"])
    assert client_for(personas["handler"]).get(reverse("people:cycles")).status_code == 403
    with time_machine.travel(BEFORE, tick=False):
        page = boss.get(reverse("people:cycles"))
        assert (
            page.status_code == 200
            and "weight_complaint_handler__test.on_time" in page.content.decode()
        )
        form = {"org_unit": str(org["P1"].pk), "title": "页面创建", "kind": "quarterly",
                "period_start": "2026-10-01", "period_end": "2026-12-31", "w_ability": "0",
                "w_performance": "60", "w_teamwork": "20", "w_ethics": "20",
                "weight_complaint_handler__test.on_time": "100",
                "target_complaint_handler__test.on_time": "80"}  # fmt: skip
        bad = boss.post(reverse("people:cycles"), {**form, "w_ethics": "25"})
        assert bad.status_code == 422
        made = boss.post(reverse("people:cycles"), form)
        assert made.status_code == 302
    assert Rating.objects.count() == 0
