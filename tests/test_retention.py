"""Retention enforced by one kernel mechanism for every domain (standard 6.1.3(3); PIPL arts. 19,
47; issue 21 §2): listed a notice period ahead, then removed — exactly what is due, nothing a
legal hold names — with an audit record of what was removed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from hiqc.claimaudit.tests.factories import decided_claims
from hiqc.claims.models import Claim, ClaimLetter
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent, LegalHold, RetentionReport
from hiqc.core.retention import (
    legal_hold_place,
    legal_hold_release,
    pending_report,
    report_apply,
    retention_daily,
)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def claims(org):
    """Three closed claims at C1 kept until 2026-12-10, 2026-12-20 and 2027-06-30, one at C2
    kept until 2026-12-10."""
    mine = decided_claims(org["C1"], 3)
    theirs = decided_claims(org["C2"], 1)
    for claim, until in zip(
        [*mine, *theirs],
        [date(2026, 12, 10), date(2026, 12, 20), date(2027, 6, 30), date(2026, 12, 10)],
        strict=True,
    ):
        Claim.objects.filter(pk=claim.pk).update(
            status="closed", retain_until=until, diagnosis_text="阑尾炎", reason_text="符合条款"
        )
        ClaimLetter.objects.create(claim=claim, kind="decision", body="理赔决定通知书正文")
    return [Claim.objects.get(pk=c.pk) for c in [*mine, *theirs]]


def _claim(pk) -> Claim:
    return Claim.objects.get(pk=pk)


def test_due_claims_are_listed_a_week_ahead_then_anonymised_on_the_day(claims):
    # given today 12-07 with a notice period of 7 days: the dry run is for 12-14
    report = retention_daily(now=NOW)["report"]
    assert report == {"as_of": "2026-12-14", "listed": 2}
    pending = pending_report()
    assert pending is not None and sorted(pending.items["claims.files"]["refs"]) == sorted(
        [claims[0].number, claims[3].number]
    )
    # nothing is removed before its day
    assert _claim(claims[0].pk).diagnosis_text == "阑尾炎"
    # when the day comes, exactly the listed claims lose their personal data
    done = retention_daily(now=NOW + timedelta(days=7))
    assert done["applied"]["claims.files"] == 2
    gone = _claim(claims[0].pk)
    assert gone.anonymised_at is not None
    assert (gone.diagnosis_text, gone.diagnosis_code, gone.reason_text) == ("", "", "")
    assert ClaimLetter.objects.get(claim=gone).body == ""
    # the claim row stays for the statistics; the later claims are untouched
    assert gone.amount_approved == claims[0].amount_approved
    assert _claim(claims[1].pk).diagnosis_text == "阑尾炎"
    assert _claim(claims[2].pk).anonymised_at is None
    # one audit event per policy, counts only
    event = AuditEvent.objects.get(action="privacy.retention.apply", data__policy="claims.files")
    assert event.data == {"policy": "claims.files", "listed": 2, "removed": 2}


def test_a_legal_hold_spares_the_case_until_released(claims, actors):
    held = claims[0]
    hold = legal_hold_place(
        actor=actors["compliance"], case_type="claims.claim", number=held.number, reason="诉讼"
    )
    retention_daily(now=NOW)
    assert pending_report().items["claims.files"]["held"] == 1
    retention_daily(now=NOW + timedelta(days=7))
    assert _claim(held.pk).anonymised_at is None  # spared
    assert _claim(claims[3].pk).anonymised_at is not None
    # released, the next runs list it and remove it
    legal_hold_release(actor=actors["compliance"], hold_id=hold.pk, reason="诉讼已结束")
    retention_daily(now=NOW + timedelta(days=8))
    retention_daily(now=NOW + timedelta(days=15))
    assert _claim(held.pk).anonymised_at is not None


def test_a_hold_placed_during_the_notice_period_still_stops_the_removal(claims, actors):
    retention_daily(now=NOW)  # lists claims[0] and claims[3]
    legal_hold_place(
        actor=actors["compliance"],
        case_type="claims.claim",
        number=claims[0].number,
        reason="监管调查",
    )
    done = retention_daily(now=NOW + timedelta(days=7))
    assert done["applied"]["claims.files"] == 1
    assert _claim(claims[0].pk).anonymised_at is None


def test_holds_answer_missing_and_out_of_scope_alike(claims, actors, org):
    from hiqc.organisations.models import Membership, User
    from hiqc.organisations.services import actor_for_user

    # given a compliance officer of P1 only, and a claim of C2 (under P2)
    Membership.objects.filter(user__username="compliance").update(org_unit=org["P1"])
    p1 = actor_for_user(User.objects.get(username="compliance"))
    with pytest.raises(NotFound) as theirs:
        legal_hold_place(actor=p1, case_type="claims.claim", number=claims[3].number, reason="x")
    with pytest.raises(NotFound) as missing:
        legal_hold_place(actor=p1, case_type="claims.claim", number="LP-NONE", reason="x")
    assert str(theirs.value) == str(missing.value)


def test_a_hold_needs_a_known_type_a_number_and_a_reason_and_stands_once(claims, actors):
    with pytest.raises(ValidationFailed) as bad:
        legal_hold_place(actor=actors["compliance"], case_type="x", number="", reason="")
    assert set(bad.value.fields) == {"case_type", "number", "reason"}
    legal_hold_place(
        actor=actors["compliance"], case_type="claims.claim", number=claims[0].number, reason="a"
    )
    with pytest.raises(Conflict):
        legal_hold_place(
            actor=actors["compliance"],
            case_type="claims.claim",
            number=claims[0].number,
            reason="b",
        )
    assert LegalHold.objects.count() == 1


def test_only_privacy_hold_holders_place_holds(claims, actors):
    for name in ("auditor", "claims", "quality_lead"):
        with pytest.raises(Forbidden):
            legal_hold_place(
                actor=actors[name], case_type="claims.claim", number=claims[0].number, reason="a"
            )


def test_a_report_is_applied_once_and_never_before_its_day(claims):
    retention_daily(now=NOW)
    report = pending_report()
    with pytest.raises(Conflict):
        report_apply(report, now=NOW)
    report_apply(report, now=NOW + timedelta(days=7))
    with pytest.raises(Conflict):
        report_apply(RetentionReport.objects.get(pk=report.pk), now=NOW + timedelta(days=8))


def test_missed_days_apply_the_newest_report_and_supersede_the_older(claims):
    # given reports made on 12-07 and 12-08 and the job stopped until 12-20
    retention_daily(now=NOW)
    retention_daily(now=NOW + timedelta(days=1))
    done = retention_daily(now=NOW + timedelta(days=13))
    # then the newest report whose day has come is applied (what it listed), the older one is
    # superseded, and the next dry run is made
    assert done["applied"]["claims.files"] == 2
    assert RetentionReport.objects.filter(superseded=True).count() == 1
    assert done["report"]["as_of"] == "2026-12-27"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING),
        datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING),
        datetime(2028, 2, 29, 12, 0, tzinfo=BEIJING),
        datetime(2027, 3, 31, 23, 30, tzinfo=BEIJING),
    ],
)
def test_the_dry_run_day_is_the_beijing_day_plus_the_notice(claims, moment):
    with time_machine.travel(moment, tick=False):
        out = retention_daily()
    expected = moment.astimezone(BEIJING).date() + timedelta(days=7)
    assert out["report"]["as_of"] == expected.isoformat()


def test_an_archived_complaint_past_its_retention_loses_its_texts_but_keeps_its_figures(org):
    from hiqc.complaints.models import Complaint, Letter
    from hiqc.customers.models import Customer

    customer = Customer.objects.create(org_unit=org["C1"], name="赵六")
    complaint = Complaint.objects.create(
        status="archived", reference="TTSC100001", org_unit=org["C1"], complainant=customer,
        channel="phone", received_at=NOW - timedelta(days=2000), respondent_kind="branch",
        respondent_name="张三", request="要求赔付", facts="拒赔理由不清", dispute_type="claims",
        product_line="medical", nature="contract_dispute", decision_text="维持原决定",
        retain_until=date(2026, 12, 1),
    )  # fmt: skip
    Letter.objects.create(
        complaint=complaint, kind="decision", title="处理决定", body="正文", issued_by="handler"
    )
    retention_daily(now=NOW)  # lists it for 12-14
    retention_daily(now=NOW + timedelta(days=7))
    gone = Complaint.objects.get(pk=complaint.pk)
    assert gone.anonymised_at is not None
    assert (gone.request, gone.facts, gone.decision_text, gone.respondent_name) == ("", "", "", "")
    assert Letter.objects.get(complaint=gone).body == ""
    assert (gone.dispute_type, gone.received_at) == ("claims", complaint.received_at)


# --- the pages and the API ---------------------------------------------------------------------


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_retention_page_shows_the_dry_run_and_lets_compliance_hold_a_case(claims, personas):
    import json

    retention_daily(now=NOW)
    compliance = _client(personas["compliance"])
    page = compliance.get("/privacy/retention/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "理赔档案" in text and claims[0].number in text and 'id="hold-form"' in text
    # a number that is not found reads the same whatever the reason; nothing is held
    bad = compliance.post(
        "/privacy/holds/", {"case_type": "claims.claim", "number": "LP-NONE", "reason": "诉讼"}
    )
    assert bad.status_code == 422 and "未找到该编号的案件" in bad.content.decode()
    ok = compliance.post(
        "/privacy/holds/",
        {"case_type": "claims.claim", "number": claims[0].number, "reason": "诉讼"},
    )
    assert ok.status_code == 302 and LegalHold.objects.filter(released_at__isnull=True).count() == 1
    # the auditor reads, without the form; a claims handler may not read
    auditor = _client(personas["auditor"]).get("/privacy/retention/")
    assert auditor.status_code == 200 and 'id="hold-form"' not in auditor.content.decode()
    assert _client(personas["claims"]).get("/privacy/retention/").status_code == 403
    # the API: the hold is listed, released with a reason; the report names the held claim
    api = compliance.get("/api/v1/legal-holds?standing=true").json()
    assert [h["case_label"] for h in api["items"]] == [claims[0].number]
    hold_id = api["items"][0]["id"]
    release = compliance.post(
        f"/api/v1/legal-holds/{hold_id}/release",
        data=json.dumps({"reason": "结案"}),
        content_type="application/json",
    )
    assert release.status_code == 200 and release.json()["released_by"] == "compliance"
    reports_api = compliance.get("/api/v1/retention/reports").json()["items"]
    assert reports_api[0]["as_of"] == "2026-12-14"


def test_an_auditor_cannot_place_a_hold_through_the_api(claims, personas):
    import json

    response = _client(personas["auditor"]).post(
        "/api/v1/legal-holds",
        data=json.dumps({"case_type": "claims.claim", "number": claims[0].number, "reason": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403 and not LegalHold.objects.exists()
