"""Core-system claim events (issue 5 §7): the single path and the bulk path apply the same rules;
re-sent events change nothing; impossible or out-of-order events are rejected by line while the
other lines apply; imported clocks run from the core system's own times (CL-2, CL-3, CL-5)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from hiqc.claims.events import claim_events_import, claim_events_import_bulk
from hiqc.claims.models import Claim
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent, Deadline
from hiqc.customers.services import customer_create
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured
from hiqc.policies.tests.factories import catalogue_product

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)  # Monday
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=BEIJING)
DOCS = ["form", "id", "invoice", "discharge"]


@pytest.fixture
def policy(actors, org):
    product = catalogue_product(
        code="MED-1", name="住院医疗保险", line="medical",
        claim_types=["medical_reimbursement", "hospital_cash"], term_years=1,
    )  # fmt: skip
    for i, (code, name) in enumerate(
        [("form", "理赔申请书"), ("id", "身份证明"), ("invoice", "医疗费用发票"),
         ("discharge", "出院小结"), ("records", "门诊病历")]
    ):  # fmt: skip
        DocumentRequirement.objects.create(
            version=product.v1, claim_type="medical_reimbursement", code=code, name=name,
            position=i, required=code != "records",
        )  # fmt: skip
    holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "王五"})
    policy = Policy.objects.create(
        number="P-0001", product=product, product_version=product.v1, holder=holder, org_unit=org["C1"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("1200"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=policy, customer=holder)
    return policy


class Script:
    """Builds the JSON lines a core system would send."""

    def __init__(self, system: str = "CORE") -> None:
        self.system, self.n = system, 0
        self.lines: list[str] = []

    def ev(self, claim: str, action: str, at: datetime, **data) -> Script:
        self.n += 1
        self.lines.append(json.dumps({
            "source_system": self.system, "external_id": f"E{self.n}", "claim": claim,
            "action": action, "at": at.isoformat(), "data": data,
        }, ensure_ascii=False))  # fmt: skip
        return self

    def create(self, claim: str, at: datetime, amount: str = "8600", **data) -> Script:
        fields = {"policy_number": "P-0001", "claim_type": "medical_reimbursement",
                  "incident_date": "2026-02-20", "amount_claimed": amount,
                  "diagnosis_code": "K35.8", "diagnosis_text": "急性阑尾炎"}  # fmt: skip
        return self.ev(claim, "create", at, **{**fields, **data})


def story(system: str = "CORE") -> Script:
    """Three claims: paid after a supplement, refused, withdrawn; and three bad lines."""
    s = Script(system)
    d = timedelta(days=1)
    s.create("C-1", T0, documents=["form", "id"])
    s.ev("C-1", "start_review", T0 + timedelta(hours=2))
    s.ev("C-1", "request_supplement", T0 + timedelta(hours=3), items=["invoice", "discharge"])
    s.ev("C-1", "notice_delivered", T0 + 2 * d, delivered_at=(T0 + 2 * d).isoformat())
    s.ev("C-1", "supplement_received", T0 + 12 * d, received_at=(T0 + 12 * d).isoformat())
    s.ev("C-1", "decide", T0 + 13 * d, outcome="approve", amount_approved="8600")  # line 6: not yet
    s.ev("C-1", "documents_complete", T0 + 13 * d)
    s.ev("C-1", "decide", T0 + 14 * d, outcome="partial", amount_approved="6400",
         reason_code="non_medical")  # fmt: skip
    s.ev("C-1", "agree_amount", T0 + 15 * d)
    s.ev("C-1", "pay", T0 + 17 * d, channel="bank_transfer", reference="PAY-1")
    s.ev("C-1", "start_review", T0 + 16 * d)  # line 11: out of order
    s.ev("C-1", "close", T0 + 18 * d)
    s.create("C-2", T0 + d, amount="2500", documents=DOCS)
    s.ev("C-2", "start_review", T0 + d + timedelta(hours=1))
    s.ev("C-2", "documents_complete", T0 + d + timedelta(hours=2))
    s.ev("C-2", "refuse", T0 + d + timedelta(hours=5), reason_code="exclusion",
         reason_text="既往症属于责任免除。")  # fmt: skip
    s.ev("C-2", "send_refusal_notice", T0 + 2 * d)
    s.ev("C-2", "close", T0 + 3 * d)
    s.create("C-3", T0 + 2 * d)
    s.ev("C-3", "withdraw", T0 + 3 * d, reason="客户撤回")
    s.ev("C-9", "start_review", T0 + 3 * d)  # line 21: no such claim
    return s


def run(actor, lines, *, bulk=False, **kwargs):
    with time_machine.travel(NOW, tick=False):
        fn = claim_events_import_bulk if bulk else claim_events_import
        return fn(actor=actor, lines=lines, **kwargs)


def clock(claim, code):
    return Deadline.objects.get(case_type="claims.claim", case_id=str(claim.pk), clock=code)


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_given_a_core_system_file_when_imported_then_bad_lines_are_rejected_by_line_and_the_rest_apply(
    actors, policy, bulk
):
    report = run(actors["claims"], story().lines, bulk=bulk)
    assert (report.applied, report.duplicate) == (18, 0)
    by_line = {r["line"]: r for r in report.rejected}
    assert set(by_line) == {6, 11, 21}
    assert (by_line[6]["claim"], by_line[6]["action"], by_line[6]["state"]) == (
        "C-1", "decide", "review",
    )  # fmt: skip
    assert "documents_complete" in by_line[6]["allowed_actions"]
    assert by_line[11]["state"] == "paid" and "顺序" in by_line[11]["problem"]
    assert by_line[21]["claim"] == "C-9" and by_line[21]["state"] == ""
    states = dict(Claim.objects.values_list("external_ref", "status"))
    assert states == {"C-1": "closed", "C-2": "closed", "C-3": "withdrawn"}


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_given_events_already_imported_when_sent_again_then_they_are_duplicates_and_change_nothing(
    actors, policy, bulk
):
    lines = story().lines
    run(actors["claims"], lines, bulk=bulk)
    before = (CaseEvent.objects.count(), Deadline.objects.count(), Claim.objects.count())
    again = run(actors["claims"], lines, bulk=bulk)
    assert (again.applied, again.duplicate) == (0, 18)
    assert {r["line"] for r in again.rejected} == {6, 11, 21}
    assert (CaseEvent.objects.count(), Deadline.objects.count(), Claim.objects.count()) == before


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_given_events_the_design_does_not_allow_when_imported_then_each_is_recorded_once_as_out_of_design(
    actors, policy, bulk
):
    from hiqc.core.findings import OUT_OF_DESIGN
    from hiqc.core.models import Finding

    # Given the story (line 6 decides C-1 still in review) and one more line reviewing the
    # documents of C-2 after it was closed (line 22)
    s = story()
    s.ev("C-2", "documents_complete", T0 + timedelta(days=4))
    # When it is imported, and imported again
    first = run(actors["claims"], s.lines, bulk=bulk)
    again = run(actors["claims"], s.lines, bulk=bulk)
    # Then both lines are refused by row each time, and recorded once each on their claims,
    # with the state they were in; the out-of-order line and the unknown claim are not
    assert {r["line"] for r in first.rejected} == {r["line"] for r in again.rejected} == {
        6, 11, 21, 22,
    }  # fmt: skip
    claims = dict(Claim.objects.values_list("external_ref", "pk"))
    recorded = {
        (f.case_id, f.data["action"], f.data["from_state"], f.data["line"], f.created_at)
        for f in Finding.objects.filter(kind=OUT_OF_DESIGN, case_type="claims.claim")
    }
    assert recorded == {
        (str(claims["C-1"]), "decide", "review", 6, T0 + timedelta(days=13)),
        (str(claims["C-2"]), "documents_complete", "closed", 22, T0 + timedelta(days=4)),
    }
    assert set(Finding.objects.filter(kind=OUT_OF_DESIGN).values_list("org_path", flat=True)) == {
        policy.org_unit.path
    }


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_given_a_create_then_decide_from_the_core_system_then_the_clocks_run_from_its_times(
    actors, policy, bulk
):
    received = datetime(2026, 9, 1, 10, tzinfo=BEIJING)
    s = Script().create("C-7", received, documents=DOCS)
    s.ev("C-7", "start_review", received + timedelta(days=1))
    s.ev("C-7", "documents_complete", received + timedelta(days=2))
    s.ev("C-7", "decide", received + timedelta(days=31), outcome="approve", amount_approved="8600")
    report = run(actors["claims"], s.lines, bulk=bulk)
    assert report.applied == 4, report.rejected
    claim = Claim.objects.get(external_ref="C-7")
    assert (claim.received_at, claim.channel, claim.source_system) == (
        received,
        "core_system",
        "CORE",
    )
    decide = clock(claim, "claims.decide")
    # 30 days from 1 September is Thu 1 October (National Day): the limit rolls to 8 October, so
    # a decision on 2 October is still on time (CL-2)
    assert (decide.started_at, decide.last_day) == (received, date(2026, 10, 8))
    assert (decide.state, decide.closed_at) == ("met", received + timedelta(days=31))
    assert clock(claim, "claims.advance").state == "cancelled"
    created = CaseEvent.objects.get(case_id=str(claim.pk), activity="create")
    assert (created.at, created.source, created.external_id) == (received, "import", "E1")


def _snapshot(system: str) -> dict:
    out = {}
    skip = {"id", "created_at", "updated_at", "number", "source_system"}
    for claim in Claim.objects.filter(source_system=system):
        key = claim.external_ref
        row = {f.attname: getattr(claim, f.attname) for f in Claim._meta.concrete_fields
               if f.attname not in skip}  # fmt: skip
        clocks = {
            d["clock"]: {k: v for k, v in d.items() if k not in ("id", "case_id")}
            for d in Deadline.objects.filter(case_id=str(claim.pk)).values()
        }
        events = list(
            CaseEvent.objects.filter(case_id=str(claim.pk)).order_by("at", "id").values_list(
                "activity", "from_state", "to_state", "at", "source", "external_id", "data",
                "org_path",
            )
        )  # fmt: skip
        supplements = list(claim.supplements.values_list(
            "items", "requested_at", "delivered_at", "fulfilled_at", "first"))  # fmt: skip
        documents = sorted(claim.documents.values_list("requirement_code", "name", "received_at"))
        payments = list(claim.payments.values_list("kind", "amount", "channel", "paid_at"))
        out[key] = (row, clocks, events, supplements, documents, payments)
    return out


def _events(rows):
    """Events without the source system's name and the payment reference (they differ)."""
    return [(*e[:4], e[5], {k: v for k, v in e[6].items() if k != "reference"}, e[7]) for e in rows]


def test_given_the_same_events_when_imported_by_the_bulk_and_the_single_path_then_every_state_is_the_same(
    actors, policy
):
    single, bulk = story("ONE"), story("TWO")
    for s in (single, bulk):  # payment references are unique across systems
        s.lines = [line.replace("PAY-1", f"PAY-{s.system}") for line in s.lines]
    a = run(actors["claims"], single.lines)
    b = run(actors["claims"], bulk.lines, bulk=True)
    assert (a.applied, a.duplicate, a.rejected_total) == (b.applied, b.duplicate, b.rejected_total)
    assert [(r["line"], r["state"], r["problem"]) for r in a.rejected] == [
        (r["line"], r["state"], r["problem"]) for r in b.rejected
    ]
    one, two = _snapshot("ONE"), _snapshot("TWO")
    for ref in ("C-1", "C-2", "C-3"):
        one_payments = [p[:2] + p[3:] for p in one[ref][5]]
        two_payments = [p[:2] + p[3:] for p in two[ref][5]]
        assert one[ref][0] == two[ref][0], ref
        assert one[ref][1] == two[ref][1], ref
        assert _events(one[ref][2]) == _events(two[ref][2]), ref
        assert one[ref][3:5] == two[ref][3:5] and one_payments == two_payments, ref


def test_given_a_claim_stored_before_when_the_bulk_path_meets_its_events_then_they_continue_from_its_state(
    actors, policy
):
    s = story()
    run(actors["claims"], s.lines[:3])  # C-1 created, in review, supplement requested
    report = run(actors["claims"], s.lines, bulk=True)
    assert (report.applied, report.duplicate) == (15, 3)
    claim = Claim.objects.get(external_ref="C-1")
    assert claim.status == "closed" and claim.payments.count() == 1
    decide = clock(claim, "claims.decide")
    # paused from the delivery on 4 March to the documents on 14 March: 10 days added back
    assert decide.state == "met" and len(decide.pauses) == 1


def test_given_the_command_when_run_with_and_without_bulk_then_it_reports_the_same_counts(
    actors, policy, tmp_path
):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(story().lines) + "\n", encoding="utf-8")
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("import_claim_events", str(path), "--bulk", stdout=out)
        call_command("import_claim_events", str(path), stdout=out)
    text = out.getvalue()
    assert "applied 18, duplicate 0, rejected 3" in text
    assert "applied 0, duplicate 18, rejected 3" in text
    # the first run is recorded as a collection from the core system (6.1.2); the rerun brought
    # nothing in and is not
    from hiqc.core.models import CollectionRecord

    (record,) = CollectionRecord.objects.filter(kind="claims.events")
    assert (record.channel, record.basis, record.rows, record.file_name) == (
        "system", "contract", 18, "events.jsonl")  # fmt: skip
    assert record.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def _client(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


def test_given_the_api_when_a_claims_handler_posts_events_then_they_apply_and_others_are_refused(
    personas, policy
):
    body = "\n".join(story().lines).encode()
    url = "/api/v1/claims/events/import"
    with time_machine.travel(NOW, tick=False):
        answer = _client(personas, "claims").post(url, body, content_type="application/x-ndjson")
        assert answer.status_code == 200, answer.content
        assert answer.json()["applied"] == 18
        assert [r["line"] for r in answer.json()["rejected"]] == [6, 11, 21]
        from hiqc.core.models import CollectionRecord

        (record,) = CollectionRecord.objects.filter(kind="claims.events")
        assert (record.channel, record.rows, record.actor_name) == ("api", 18, "claims")
        assert record.file_sha256 == hashlib.sha256(body).hexdigest()
        refused = _client(personas, "outsider_agent").post(
            url, body, content_type="application/x-ndjson"
        )
        assert refused.status_code == 403
        wrong = _client(personas, "claims").post(url, b"{}", content_type="text/csv")
        assert wrong.status_code == 422
        assert Client().post(url, body, content_type="application/x-ndjson").status_code == 401


def test_given_the_api_when_the_body_is_utf16_then_it_is_read_or_refused_naming_the_encoding(
    personas, policy
):
    """Issue 14 §7: UTF-16 split as bytes made every line "not JSON"."""
    text = "\n".join(story().lines)
    url = "/api/v1/claims/events/import"
    client = _client(personas, "claims")
    with time_machine.travel(NOW, tick=False):
        refused = client.post(url, text.encode("utf-16-le"), content_type="application/x-ndjson")
        assert refused.status_code == 422
        assert "UTF-16" in refused.json()["message"] and "body" in refused.json()["fields"]
        answer = client.post(url, text.encode("utf-16"), content_type="application/x-ndjson")
        assert answer.status_code == 200 and answer.json()["applied"] == 18


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_given_malformed_lines_when_imported_then_each_is_rejected_by_line_and_the_rest_apply(
    actors, policy, bulk
):
    s = Script().create("C-5", T0, documents=DOCS)
    s.ev("C-5", "start_review", T0 + timedelta(hours=1), documents=5)  # not a list
    lines = [*s.lines, "not json", json.dumps({"claim": "C-5", "action": "close"}),
             json.dumps({"source_system": "CORE", "external_id": "X", "claim": "C-5",
                         "action": "start_review", "at": "2026-03-02T12:00:00"})]  # fmt: skip
    report = run(actors["claims"], lines, bulk=bulk)
    assert report.applied == 1
    assert [r["line"] for r in report.rejected] == [2, 3, 4, 5]
    assert "external_id" in report.rejected[2]["problem"]  # missing fields are named
    assert "时区" in report.rejected[3]["problem"]  # a time without offset is refused


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_given_an_incident_outside_the_policy_period_when_imported_then_both_paths_refuse_it(
    actors, policy, bulk
):
    s = Script()
    s.create("C-1", T0, incident_date="2025-12-01")  # before the policy starts (2026-01-01)
    s.create("C-2", T0)  # covered
    report = run(actors["claims"], s.lines, bulk=bulk)
    assert report.applied == 1
    (rejected,) = report.rejected
    assert rejected["line"] == 1
    assert "不在保险期间" in " ".join(rejected["fields"]["incident_date"])
    assert list(Claim.objects.values_list("external_ref", flat=True)) == ["C-2"]


def test_importers_side_by_side_on_disjoint_claims_never_take_the_same_claim_number(actors, policy):
    """Given a backfill split by claim over two importers (numbering (0, 2) and (1, 2)), when both
    create claims received on the same day, then each numbers in its own residue class above the
    day's highest number: no two claims share a number, whichever importer writes first."""
    first, second = Script(), Script("CORE2")
    for i in range(3):
        first.create(f"A-{i}", T0 + timedelta(minutes=i))
        second.create(f"B-{i}", T0 + timedelta(minutes=i))

    run(actors["claims"], first.lines, bulk=True, numbering=(0, 2))
    run(actors["claims"], second.lines, bulk=True, numbering=(1, 2))

    numbers = {ref: int(n[-6:]) for ref, n in Claim.objects.values_list("external_ref", "number")}
    assert len(set(numbers.values())) == 6
    assert [numbers[f"A-{i}"] % 2 for i in range(3)] == [0, 0, 0]
    assert [numbers[f"B-{i}"] % 2 for i in range(3)] == [1, 1, 1]


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_a_create_keeps_how_the_claimant_applied_and_refuses_an_unknown_channel_by_line(
    actors, policy, bulk
):
    # given three claims: applied in the app, not said (the core system's own), and a bad channel
    s = Script()
    s.create("C-1", T0, channel="app")
    s.create("C-2", T0)
    s.create("C-3", T0, channel="fax")
    report = run(actors["claims"], s.lines, bulk=bulk)
    # then the first two are registered with their channel and the third is refused, naming it
    assert report.applied == 2
    (rejected,) = report.rejected
    assert rejected["line"] == 3 and "channel" in rejected["fields"]
    assert dict(Claim.objects.values_list("external_ref", "channel")) == {
        "C-1": "app", "C-2": "core_system"}  # fmt: skip
    opened = CaseEvent.objects.get(case_id=str(Claim.objects.get(external_ref="C-1").pk),
                                   activity="create")  # fmt: skip
    assert opened.data["channel"] == "app"
