"""Sharing and exchange over the complaints' datasets, impact assessments (standard 6.3; PIPL arts. 23, 29, 55–56; PI-1, PI-2,
PI-5; issue 21 §7, §8): the masking profile on every exported column, approval before export,
the compliance officer's approval of sensitive data, expiry, separate consent, the record's hash,
the doors. Here, not under hiqc/information/tests: the information app may not import a
domain, and these tests make real complaints."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from hiqc.complaints.services import complaint_register
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.datasets import dataset_get
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.customers.services import customer_create
from hiqc.information.sharing import masking
from hiqc.information.sharing.enums import Method
from hiqc.information.sharing.models import ShareRecord
from hiqc.information.sharing.services import (
    agreement_activate,
    agreement_create,
    assessment_record,
    consent_record,
    partner_create,
    share_act,
    share_file,
    share_request,
)
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 10, 0, tzinfo=BEIJING)
PERIOD = "2026Q3"
ID_NUMBER = "11010519491231002X"
# every column of complaints.cases with a method (each method at least once)
PROFILE = {
    "reference": Method.KEEP, "unit": Method.KEEP, "received_on": Method.YEAR,
    "name": Method.MASK, "mobile": Method.MASK, "id_number": Method.HASH,
    "birth_date": Method.YEAR, "dispute_type": Method.KEEP, "product_line": Method.DROP,
}  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def manager_p2(org) -> User:
    user = User.objects.create_user(username="manager_p2", password="x" * 20, org_unit=org["P2"],
                                    display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.BRANCH_MANAGER, org_unit=org["P2"])
    return user


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def complaints(actors, org):
    """Two complaints received in 2026Q3 at C1 by two customers."""
    made = []
    for name, mobile in (("赵六", "13812345678"), ("钱七", "13987654321")):
        customer = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={
            "name": name, "mobile": mobile, "id_number": ID_NUMBER if name == "赵六" else "",
            "birth_date": "1949-12-31"})  # fmt: skip
        with time_machine.travel(datetime(2026, 8, 3, 9, tzinfo=BEIJING), tick=False):
            complaint_register(actor=actors["handler"], org_unit_id=org["C1"].pk, data={
                "customer_id": str(customer.pk), "channel": "phone", "request": "r", "facts": "f",
                "product_line": "medical", "nature": "contract_dispute",
                "respondent_kind": "branch", "dispute_type": "claims"})  # fmt: skip
        made.append(customer)
    return made


def _agreement(actors, org, profile, *, unit="HO", pia=True, activate=True):
    compliance = actors["compliance"]
    with transaction.atomic():
        partner = partner_create(actor=compliance, data={"org_unit": org[unit].pk,
                                                         "name": "康源健康", "kind": "business"})  # fmt: skip
        a = agreement_create(actor=compliance, data={
            "partner": partner.pk, "title": "回访合作", "dataset": "complaints.cases",
            "purpose": "回访", "legal_basis": "contract", "frequency": "quarterly",
            "effective_on": "2026-01-01", "expires_on": "2026-12-31", "profile": profile})  # fmt: skip
        if pia:
            assessment_record(actor=compliance, data={
                "target": "agreement", "agreement": a.pk, "title": "PIA", "purpose_lawful": "a",
                "rights_impact": "b", "measures": "c", "conclusion": "acceptable"})  # fmt: skip
        if activate:
            agreement_activate(actor=compliance, agreement_id=a.pk)
    return a


def _act(actor, share, action, **data):
    share.refresh_from_db()
    return share_act(actor=actor, case_id=share.pk, action=action, data=data,
                     version=share.version)  # fmt: skip


SCHEDULE = Actor.system("information.share_schedule")


def _exported(actors, agreement):
    """Requested (sensitive data: by the schedule, so the three people differ), approved, exported."""
    requester = SCHEDULE if agreement.sensitive else actors["compliance"]
    with transaction.atomic():
        share = share_request(actor=requester,
                              data={"agreement": agreement.pk, "params": {"period": PERIOD}})  # fmt: skip
    if agreement.sensitive:
        _act(actors["quality_lead"], share, "approve_owner")
        _act(actors["compliance"], share, "approve_compliance")
    else:
        _act(actors["quality_lead"], share, "approve")
    _act(actors["compliance"], share, "export")
    return share


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_masking_profile_is_applied_to_every_exported_column(actors, org, complaints):
    agreement = _agreement(actors, org, PROFILE)
    share = _exported(actors, agreement)
    _name, body = share_file(actor=actors["compliance"], case_id=share.pk)
    header, *rows = _csv(body)
    dataset = dataset_get("complaints.cases")
    assert dataset is not None
    raw = {r["reference"]: r for r in dataset.rows(org["HO"].path, {"period": PERIOD})}
    exported = [c for c in dataset.columns if PROFILE[c.code] != Method.DROP]
    assert header == [str(c.label) for c in exported]  # dropped columns never leave
    assert len(rows) == 2
    for row in rows:
        source = raw[row[0]]
        for column, value in zip(exported, row, strict=True):
            original = masking._text(source[column.code])
            method = PROFILE[column.code]
            if method == Method.KEEP:
                assert value == original
            elif method == Method.MASK:
                assert value == (column.mask or masking.default_mask)(original) != original
            elif method == Method.HASH:
                assert (len(value) == 24 and value != original) or not original
            elif method == Method.YEAR:
                assert value == original[:4] and len(value) == 4
    # the ID number never leaves in clear, nor the mobile
    assert ID_NUMBER.encode() not in body and b"13812345678" not in body


def test_the_same_person_hashes_alike_within_an_agreement_and_differently_across(
    actors, org, complaints
):
    first = _exported(actors, _agreement(actors, org, PROFILE))
    second = _exported(actors, _agreement(actors, org, PROFILE))
    col = list(PROFILE).index("id_number") - 1  # product_line (last) is dropped; name before
    one = {r[0]: r for r in _csv(share_file(actor=actors["compliance"], case_id=first.pk)[1])[1:]}
    two = {r[0]: r for r in _csv(share_file(actor=actors["compliance"], case_id=second.pk)[1])[1:]}
    ref = next(k for k, r in one.items() if r[col + 1])
    assert one[ref][col + 1] != two[ref][col + 1]


def test_an_export_before_approval_is_refused_409(personas, actors, org, complaints):
    agreement = _agreement(actors, org, {"reference": "keep", "unit": "keep"})
    with transaction.atomic():
        share = share_request(actor=actors["compliance"],
                              data={"agreement": agreement.pk, "params": {"period": PERIOD}})  # fmt: skip
    answer = post(client_for(personas["compliance"]),
                  f"/api/v1/data-shares/{share.pk}/actions/export", {"version": share.version})  # fmt: skip
    assert answer.status_code == 409
    assert not ShareRecord.objects.exists()


def test_sensitive_data_needs_the_compliance_officers_approval_after_the_owners(
    actors, org, complaints
):
    agreement = _agreement(actors, org, PROFILE)
    assert agreement.sensitive and not agreement.separate_consent  # the ID number is hashed
    with transaction.atomic():
        share = share_request(actor=SCHEDULE,
                              data={"agreement": agreement.pk, "params": {"period": PERIOD}})  # fmt: skip
    with pytest.raises(Conflict) as refused:
        _act(actors["quality_lead"], share, "approve")
    assert refused.value.code == "compliance_needed"
    _act(actors["quality_lead"], share, "approve_owner")
    with pytest.raises(Conflict):
        _act(actors["compliance"], share, "export")  # owner-approved is not approved
    with pytest.raises(Forbidden):  # the data owner is not the compliance officer
        _act(actors["quality_lead"], share, "approve_compliance")
    _act(actors["compliance"], share, "approve_compliance")
    _act(actors["compliance"], share, "export")
    share.refresh_from_db()
    assert share.status == "exported" and share.compliance_approved_by == "compliance"


def test_the_data_owner_never_approves_their_own_request(actors, org, complaints):
    agreement = _agreement(actors, org, {"reference": "keep"})
    with transaction.atomic():
        share = share_request(actor=actors["quality_lead"],
                              data={"agreement": agreement.pk, "params": {"period": PERIOD}})  # fmt: skip
    with pytest.raises(Conflict) as refused:
        _act(actors["quality_lead"], share, "approve")
    assert refused.value.code == "own_request"


def test_the_compliance_officer_never_gives_the_second_approval_of_their_own_request(
    actors, org, complaints
):
    # given the compliance officer requests sensitive data and the data owner approves it
    agreement = _agreement(actors, org, PROFILE)
    with transaction.atomic():
        share = share_request(actor=actors["compliance"],
                              data={"agreement": agreement.pk, "params": {"period": PERIOD}})  # fmt: skip
    _act(actors["quality_lead"], share, "approve_owner")
    # when the same officer gives the compliance approval: refused, the share waits
    with pytest.raises(Conflict) as refused:
        _act(actors["compliance"], share, "approve_compliance")
    assert refused.value.code == "own_request"
    share.refresh_from_db()
    assert share.status == "owner_approved"


def test_the_schedule_requests_each_regular_agreements_period_once(actors, org, complaints):
    from hiqc.information.sharing.models import DataShare
    from hiqc.information.sharing.services import shares_schedule

    # given a quarterly agreement in force and a one-off one
    quarterly = _agreement(actors, org, {"reference": "keep"})
    once = _agreement(actors, org, {"reference": "keep"}, activate=False)
    once.frequency = "once"
    once.save(update_fields=["frequency"])
    agreement_activate(actor=actors["compliance"], agreement_id=once.pk)
    # when the daily job runs on 11-10 (twice): the last complete quarter is requested once
    assert shares_schedule() == {"requested": 1, "already": 0}
    assert shares_schedule() == {"requested": 0, "already": 1}
    share = DataShare.objects.get()
    assert (share.agreement_id, share.params, share.requested_by) == (
        quarterly.pk, {"period": PERIOD}, "information.share_schedule")  # fmt: skip
    # a rejected request does not count: the next run asks again
    _act(actors["quality_lead"], share, "reject", reason="重复")
    assert shares_schedule() == {"requested": 1, "already": 0}
    # the last evening of the year still proposes Q3 (Q4 is not complete): nothing new
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING), tick=False):
        assert shares_schedule() == {"requested": 0, "already": 1}
    # on 01-01 (Beijing) Q4 would be due, but the agreement expired on 12-31
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING), tick=False):
        assert shares_schedule() == {"requested": 0, "already": 0}  # the agreement expired 12-31


def test_an_export_after_the_agreements_expiry_is_refused(actors, org, complaints):
    agreement = _agreement(actors, org, {"reference": "keep"})
    with transaction.atomic():
        share = share_request(actor=actors["compliance"],
                              data={"agreement": agreement.pk, "params": {"period": PERIOD}})  # fmt: skip
    _act(actors["quality_lead"], share, "approve")
    with time_machine.travel(datetime(2027, 1, 1, 9, tzinfo=BEIJING), tick=False):
        with pytest.raises(Conflict) as refused:
            _act(actors["compliance"], share, "export")
        assert refused.value.code == "agreement_expired"
        with pytest.raises(Conflict):
            share_request(actor=actors["compliance"],
                          data={"agreement": agreement.pk, "params": {"period": PERIOD}})  # fmt: skip


def test_a_sensitive_agreement_is_not_activated_without_a_concluded_pia(actors, org):
    agreement = _agreement(actors, org, PROFILE, pia=False, activate=False)
    with pytest.raises(Conflict) as refused:
        agreement_activate(actor=actors["compliance"], agreement_id=agreement.pk)
    assert refused.value.code == "pia_missing"
    plain = _agreement(actors, org, {"reference": "keep"}, pia=False, activate=False)
    assert agreement_activate(actor=actors["compliance"], agreement_id=plain.pk).status == "active"


def test_rows_without_separate_consent_are_left_out_and_counted(actors, org, complaints):
    agreement = _agreement(actors, org, {"reference": "keep", "id_number": "keep"})
    assert agreement.separate_consent  # a sensitive column kept unmasked (PIPL art. 29)
    consent_record(actor=actors["compliance"], agreement_id=agreement.pk,
                   subject_keys=[str(complaints[0].pk)], evidence="回访同意书")  # fmt: skip
    share = _exported(actors, agreement)
    record = ShareRecord.objects.get(share=share)
    assert record.row_count == 1 and record.excluded_no_consent == 1
    rows = _csv(share_file(actor=actors["compliance"], case_id=share.pk)[1])
    assert rows[1][1] == ID_NUMBER


def test_the_share_record_hash_is_the_files_and_the_download_is_audited(
    personas, actors, org, complaints
):
    share = _exported(actors, _agreement(actors, org, PROFILE))
    record = ShareRecord.objects.get(share=share)
    answer = client_for(personas["compliance"]).get(f"/api/v1/data-shares/{share.pk}/file")
    assert answer.status_code == 200
    body = base64.b64decode(answer.json()["content_base64"])
    assert hashlib.sha256(body).hexdigest() == record.sha256 == answer.json()["sha256"]
    assert record.fields and record.recipient == "康源健康" and record.row_count == 2
    assert AuditEvent.objects.filter(action="information.datashare.download").count() == 1
    page = client_for(personas["compliance"]).get(f"/information/shares/{share.pk}/file/")
    assert page.status_code == 200 and hashlib.sha256(page.content).hexdigest() == record.sha256
    # the auditor sees the share but may not take the data
    auditor = client_for(personas["auditor"])
    assert auditor.get(f"/api/v1/data-shares/{share.pk}").status_code == 200
    assert auditor.get(f"/api/v1/data-shares/{share.pk}/file").status_code == 403


def test_another_branchs_share_is_the_same_404_as_a_missing_one(actors, org, personas,
                                                                 manager_p2, complaints):  # fmt: skip
    share = _exported(actors, _agreement(actors, org, {"reference": "keep"}, unit="P1"))
    other = client_for(manager_p2)

    for suffix in ("", "/file"):
        theirs = other.get(f"/api/v1/data-shares/{share.pk}{suffix}")
        missing = other.get(f"/api/v1/data-shares/{uuid.uuid4()}{suffix}")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    assert client_for(personas["branch_manager"]).get(
        f"/api/v1/data-shares/{share.pk}").status_code == 200  # fmt: skip
    with pytest.raises(NotFound):
        share_file(actor=actors["outsider_agent"], case_id=share.pk)


def test_an_agreements_profile_names_only_the_datasets_columns(personas, actors, org):
    partner = partner_create(actor=actors["compliance"], data={
        "org_unit": org["HO"].pk, "name": "X", "kind": "regulator"})  # fmt: skip
    with pytest.raises(ValidationFailed) as bad:
        agreement_create(actor=actors["compliance"], data={
            "partner": partner.pk, "title": "t", "dataset": "complaints.cases", "purpose": "p",
            "legal_basis": "contract", "frequency": "once", "effective_on": "2026-01-01",
            "expires_on": "2025-01-01", "profile": {"nope": "keep", "name": "year"}})  # fmt: skip
    fields = bad.value.fields
    assert {"profile.nope", "profile.name", "expires_on"} <= set(fields)
    answer = post(client_for(personas["compliance"]), "/api/v1/sharing-agreements", {
        "partner": str(partner.pk), "title": "t", "dataset": "unknown", "purpose": "p",
        "legal_basis": "contract", "frequency": "once", "effective_on": "2026-01-01",
        "expires_on": "2026-12-31", "profile": {}})  # fmt: skip
    assert answer.status_code == 422 and "dataset" in answer.content.decode()
    # permission before the body
    body = {
        "partner": str(partner.pk),
        "title": "t",
        "dataset": "complaints.cases",
        "purpose": "p",
        "legal_basis": "contract",
        "frequency": "once",
        "effective_on": "2026-01-01",
        "expires_on": "2026-12-31",
        "profile": {"name": "keep"},
    }
    denied = post(client_for(personas["auditor"]), "/api/v1/sharing-agreements", body)
    assert denied.status_code == 403


def test_the_regulator_statistics_go_through_a_share(actors, org, complaints):
    compliance = actors["compliance"]
    with transaction.atomic():
        regulator = partner_create(actor=compliance, data={
            "org_unit": org["HO"].pk, "name": "监管局", "kind": "regulator"})  # fmt: skip
        keep = {c.code: "keep" for c in dataset_get("complaints.quarter_stats").columns}  # type: ignore[union-attr]
        a = agreement_create(actor=compliance, data={
            "partner": regulator.pk, "title": "季度统计", "dataset": "complaints.quarter_stats",
            "purpose": "报送", "legal_basis": "legal_duty", "frequency": "quarterly",
            "effective_on": "2026-01-01", "expires_on": "2026-12-31", "profile": keep})  # fmt: skip
        agreement_activate(actor=compliance, agreement_id=a.pk)
    assert not a.sensitive
    share = _exported(actors, a)
    rows = _csv(share_file(actor=compliance, case_id=share.pk)[1])
    assert rows[-1][0] == PERIOD and rows[-1][2] == "2"  # the total row: two received


def test_the_pages_show_agreements_shares_incoming_and_assessments(
    personas, actors, org, complaints
):
    share = _exported(actors, _agreement(actors, org, PROFILE))
    client = client_for(personas["quality_lead"])
    for url in ("/information/agreements/", f"/information/agreements/{share.agreement_id}/",
                "/information/shares/", f"/information/shares/{share.pk}/",
                "/information/incoming/", "/information/assessments/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    assert (
        "脱敏显示" in client.get(f"/information/agreements/{share.agreement_id}/").content.decode()
    )


def test_a_share_is_requested_from_the_agreement_page(personas, actors, org, complaints):
    agreement = _agreement(actors, org, {"reference": "keep"})
    client = client_for(personas["quality_lead"])
    answer = client.post(f"/information/agreements/{agreement.pk}/",
                         {"period": "2026Q9", "note": ""})  # fmt: skip
    assert answer.status_code == 422
    answer = client.post(f"/information/agreements/{agreement.pk}/", {"period": PERIOD})
    assert answer.status_code == 302
    assert agreement.shares.get().params == {"period": PERIOD}


def test_a_pia_is_kept_at_least_three_years(actors, org):
    pia = assessment_record(actor=actors["compliance"], data={
        "target": "activity", "org_unit": org["HO"].pk, "activity": "customers.Customer",
        "title": "t", "purpose_lawful": "a", "rights_impact": "b", "measures": "c",
        "conclusion": "acceptable"})  # fmt: skip
    assert pia.retain_until == NOW.date().replace(year=2029)
    with pytest.raises(ValidationFailed):
        assessment_record(actor=actors["compliance"], data={
            "target": "activity", "org_unit": org["HO"].pk, "activity": "nope.Nothing",
            "title": "t", "purpose_lawful": "a", "rights_impact": "b", "measures": "c",
            "conclusion": "acceptable"})  # fmt: skip


def test_incoming_exchanges_are_recorded_with_source_and_basis(personas, actors, org):
    partner = partner_create(actor=actors["compliance"], data={
        "org_unit": org["HO"].pk, "name": "行业平台", "kind": "industry"})  # fmt: skip
    client = client_for(personas["quality_lead"])
    bad = post(client, "/api/v1/incoming-exchanges", {
        "partner": str(partner.pk), "description": "名单", "legal_basis": "nope"})  # fmt: skip
    assert bad.status_code == 422
    ok = post(client, "/api/v1/incoming-exchanges", {
        "partner": str(partner.pk), "description": "名单", "legal_basis": "legal_duty",
        "row_count": 12, "sha256": "a" * 64})  # fmt: skip
    assert ok.status_code == 201 and ok.json()["partner_name"] == "行业平台"
    listed = client.get("/api/v1/incoming-exchanges").json()["items"]
    assert [i["row_count"] for i in listed] == [12]
    assert (NOW + timedelta(0)).year == 2026


def test_a_complaint_received_early_on_the_first_of_a_quarter_is_exported_on_its_beijing_day(
    actors, org
):
    # given a complaint received at 07:30 Beijing on 1 July (still 30 June in UTC)
    customer = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk,
                               data={"name": "孙八", "mobile": "13700001111"})  # fmt: skip
    with time_machine.travel(datetime(2026, 7, 1, 7, 30, tzinfo=BEIJING), tick=False):
        complaint_register(actor=actors["handler"], org_unit_id=org["C1"].pk, data={
            "customer_id": str(customer.pk), "channel": "phone", "request": "r", "facts": "f",
            "product_line": "medical", "nature": "contract_dispute",
            "respondent_kind": "branch", "dispute_type": "claims"})  # fmt: skip
    # when the third quarter's case list is produced, then it is dated 1 July, in Q3
    rows = list(dataset_get("complaints.cases").rows(org["HO"].path, {"period": PERIOD}))
    assert [str(r["received_on"]) for r in rows] == ["2026-07-01"]


def test_partners_agreements_and_consents_through_the_api(personas, org, complaints, manager_p2):
    # given the compliance officer registers a partner and a draft agreement keeping ID numbers
    officer = client_for(personas["compliance"])
    bad = post(officer, "/api/v1/sharing-partners", {"org_unit": str(org["HO"].pk), "name": "",
                                                     "kind": "friend"})  # fmt: skip
    assert bad.status_code == 422 and {"name", "kind"} <= set(bad.json()["fields"])
    made = post(officer, "/api/v1/sharing-partners", {"org_unit": str(org["P1"].pk),
                                                      "name": "康源健康", "kind": "business"})  # fmt: skip
    assert made.status_code == 201, made.content
    partner = made.json()["id"]
    listed = officer.get("/api/v1/sharing-partners").json()
    assert [p["name"] for p in listed["items"]] == ["康源健康"]
    draft = post(officer, "/api/v1/sharing-agreements", {
        "partner": partner, "title": "回访", "dataset": "complaints.cases", "purpose": "回访",
        "legal_basis": "contract", "frequency": "quarterly", "effective_on": "2026-01-01",
        "expires_on": "2026-12-31", "profile": {"reference": "keep", "id_number": "keep"}})  # fmt: skip
    assert draft.status_code == 201 and draft.json()["separate_consent"] is True
    aid = draft.json()["id"]
    # when it is activated without an impact assessment: 409 pia_missing
    refused = officer.post(f"/api/v1/sharing-agreements/{aid}/activate")
    assert refused.status_code == 409 and refused.json()["code"] == "pia_missing"
    # consents: a bad row is named, nothing is kept; a rerun adds nothing
    row_error = post(officer, f"/api/v1/sharing-agreements/{aid}/consents",
                     {"subject_keys": [str(complaints[0].pk), " ", "x" * 65]})  # fmt: skip
    assert row_error.status_code == 422
    assert {"subject_keys.2", "subject_keys.3"} <= set(row_error.json()["fields"])
    keys = {"subject_keys": [str(complaints[0].pk)], "evidence": "同意书"}
    first = post(officer, f"/api/v1/sharing-agreements/{aid}/consents", keys)
    again = post(officer, f"/api/v1/sharing-agreements/{aid}/consents", keys)
    assert (first.status_code, first.json(), again.json()) == (
        201, {"added": 1, "total": 1}, {"added": 0, "total": 1})  # fmt: skip
    # then the doors: another branch's manager gets the same 404 as for a missing agreement
    other = client_for(manager_p2)
    for suffix, body in (("activate", None), ("consents", keys)):
        theirs = post(other, f"/api/v1/sharing-agreements/{aid}/{suffix}", body or {})
        missing = post(other, f"/api/v1/sharing-agreements/{uuid.uuid4()}/{suffix}", body or {})
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    # and a reader in scope is refused (403) before anything is read of the body
    assert post(client_for(personas["auditor"]), f"/api/v1/sharing-agreements/{aid}/consents",
                {"subject_keys": []}).status_code == 403  # fmt: skip


def test_consent_is_refused_for_an_agreement_that_sends_no_sensitive_data_unmasked(actors, org):
    plain = _agreement(actors, org, {"reference": "keep"}, pia=False, activate=False)
    with pytest.raises(Conflict) as refused:
        consent_record(actor=actors["compliance"], agreement_id=plain.pk, subject_keys=["a"])
    assert refused.value.code == "consent_not_needed"


def test_the_pages_register_a_partner_an_agreement_its_pia_and_consents(personas, org,
                                                                        complaints):  # fmt: skip
    from hiqc.information.sharing.models import Partner, SharingAgreement

    c = client_for(personas["compliance"])
    # a partner from the agreements page; a missing kind is named and nothing is written
    bad = c.post("/information/agreements/", {"form": "partner", "org_unit": str(org["HO"].pk),
                                               "name": "康源健康", "kind": ""})  # fmt: skip
    assert bad.status_code == 422 and Partner.objects.count() == 0
    assert 'value="康源健康"' in bad.content.decode()
    ok = c.post("/information/agreements/", {"form": "partner", "org_unit": str(org["HO"].pk),
                                              "name": "康源健康", "kind": "business"})  # fmt: skip
    assert ok.status_code == 302
    partner = Partner.objects.get()
    # an agreement: the chosen dataset's selects make the profile; a bad date is named
    form = {"form": "agreement", "partner": str(partner.pk), "title": "回访合作",
            "dataset": "complaints.cases", "purpose": "回访", "legal_basis": "contract",
            "frequency": "quarterly", "effective_on": "2026-01-01", "expires_on": "2025-01-01",
            "profile.complaints.cases.reference": "keep",
            "profile.complaints.cases.id_number": "keep",
            "profile.complaints.quarter_stats.complaints": "keep"}  # fmt: skip
    page = c.get("/information/agreements/").content.decode()
    assert 'name="profile.complaints.cases.id_number"' in page
    wrong = c.post("/information/agreements/", form)
    assert wrong.status_code == 422 and SharingAgreement.objects.count() == 0
    assert "到期日期不能早于生效日期" in wrong.content.decode()
    made = c.post("/information/agreements/", {**form, "expires_on": "2026-12-31"})
    agreement = SharingAgreement.objects.get()
    assert (
        made.status_code == 302 and made["Location"] == f"/information/agreements/{agreement.pk}/"
    )
    assert agreement.profile == {"reference": "keep", "id_number": "keep"}
    assert agreement.separate_consent
    url = f"/information/agreements/{agreement.pk}/"
    # its impact assessment on its page, then it is brought into force
    pia = {"form": "assessment", "title": "回访 PIA", "purpose_lawful": "a", "rights_impact": "b",
           "measures": "c", "conclusion": "acceptable"}  # fmt: skip
    assert c.post(url, {**pia, "conclusion": ""}).status_code == 422
    assert c.post(url, pia).status_code == 302
    page = c.get(url).content.decode()
    assert 'id="action-activate"' in page and 'id="action-withdraw"' in page
    assert c.post(f"{url}actions/activate/", {"version": agreement.version}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "active" and agreement.assessments.count() == 1
    # separate consent: a bad row is named by its line; good keys are recorded once
    long_key = "x" * 65
    rows = c.post(url, {"form": "consent", "subject_keys": f"{complaints[0].pk}\n{long_key}"})
    assert rows.status_code == 422 and "第 2 行" in rows.content.decode()
    assert agreement.consents.count() == 0
    assert c.post(url, {"form": "consent", "subject_keys": str(complaints[0].pk),
                        "evidence": "同意书"}).status_code == 302  # fmt: skip
    assert agreement.consents.count() == 1
    # a reader sees the agreement, none of the forms
    read = client_for(personas["auditor"]).get(url).content.decode()
    assert 'id="consent-form"' not in read and 'id="pia-form"' not in read


def test_the_pages_record_an_incoming_exchange_and_an_activitys_pia(personas, actors, org):
    from hiqc.information.sharing.models import ImpactAssessment, IncomingExchange

    c = client_for(personas["compliance"])
    partner = partner_create(actor=actors["compliance"], data={
        "org_unit": org["HO"].pk, "name": "行业平台", "kind": "industry"})  # fmt: skip
    bad = c.post("/information/incoming/", {"partner": str(partner.pk), "description": "黑名单",
                                            "legal_basis": "legal_duty", "row_count": "-1",
                                            "sha256": "xyz"})  # fmt: skip
    assert bad.status_code == 422 and IncomingExchange.objects.count() == 0
    assert {"row_count", "sha256"} <= set(bad.context["errors"])
    ok = c.post("/information/incoming/", {"partner": str(partner.pk), "description": "黑名单",
                                           "legal_basis": "legal_duty", "row_count": "120",
                                           "received_at": "2026-11-09T15:00"})  # fmt: skip
    assert ok.status_code == 302 and IncomingExchange.objects.get().row_count == 120
    activity = "customers.Customer"
    page = c.get("/information/assessments/").content.decode()
    assert f'<option value="{activity}"' in page
    done = c.post("/information/assessments/", {"org_unit": str(org["HO"].pk), "activity": activity,
                                                "title": "客户信息处理", "purpose_lawful": "a",
                                                "rights_impact": "b", "measures": "c",
                                                "conclusion": "acceptable"})  # fmt: skip
    assert done.status_code == 302
    assert ImpactAssessment.objects.get().activity == activity


def test_an_agreement_is_a_case_activated_then_ended_with_a_reason_after_which_nothing_is_shared(
    personas, actors, org
):
    # given a draft with its impact assessment: a case with its create event, two actions open
    draft = _agreement(actors, org, {"reference": "keep"}, activate=False)
    officer = client_for(personas["compliance"])
    url = f"/api/v1/sharing-agreements/{draft.pk}"
    got = officer.get(url).json()
    assert (got["status"], got["version"]) == ("draft", 1)
    assert set(got["allowed_actions"]) == {"activate", "withdraw"}
    assert [e["activity"] for e in got["events"]] == ["create"]
    # when it is ended while still a draft: 409, and the actions it allows are named
    early = post(officer, f"{url}/actions/end", {"version": 1, "data": {"reason": "x"}})
    assert early.status_code == 409 and "activate" in early.json()["allowed_actions"]
    # when activated at a stale version: 409; at its version: in force, version 2
    assert post(officer, f"{url}/actions/activate", {"version": 9, "data": {}}).status_code == 409
    active = post(officer, f"{url}/actions/activate", {"version": 1, "data": {}}).json()
    assert (active["status"], active["version"]) == ("active", 2)
    assert active["activated_at"] and active["allowed_actions"] == ["end"]
    # a reader may not end it: 403 before the missing reason is looked at
    auditor = client_for(personas["auditor"])
    assert post(auditor, f"{url}/actions/end", {"version": 2, "data": {}}).status_code == 403
    # ending needs a reason (422 naming it), then ends it with the reason kept
    missing = post(officer, f"{url}/actions/end", {"version": 2, "data": {}})
    assert missing.status_code == 422 and "reason" in missing.json()["fields"]
    ended = post(officer, f"{url}/actions/end", {"version": 2, "data": {"reason": "合作终止"}})
    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert (body["status"], body["end_reason"]) == ("ended", "合作终止")
    assert [e["activity"] for e in body["events"]] == ["create", "activate", "end"]
    # then no share is requested under it any more
    with pytest.raises(Conflict) as refused:
        share_request(
            actor=actors["compliance"], data={"agreement": draft.pk, "params": {"period": PERIOD}}
        )
    assert refused.value.code == "agreement_inactive"


def test_a_draft_is_the_compliance_officers_work_and_withdrawn_with_a_reason(personas, actors, org):
    from hiqc.core.casekinds import CASE_KINDS

    kind = CASE_KINDS["information.sharingagreement"]
    assert kind.work_map() == {"draft": ("information.share_compliance",), "active": ()}
    draft = _agreement(actors, org, {"reference": "keep"}, pia=False, activate=False)
    page = client_for(personas["compliance"])
    url = f"/information/agreements/{draft.pk}/"
    refused = page.post(f"{url}actions/withdraw/", {"version": 1, "reason": ""})
    assert refused.status_code == 422 and 'id="withdraw-reason-error"' in refused.content.decode()
    assert page.post(f"{url}actions/withdraw/", {"version": 1, "reason": "不再合作"}
                     ).status_code == 302  # fmt: skip
    draft.refresh_from_db()
    assert (draft.status, draft.end_reason, draft.activated_at) == ("ended", "不再合作", None)
    shown = page.get(url).content.decode()
    assert "撤回" in shown and "不再合作" in shown
