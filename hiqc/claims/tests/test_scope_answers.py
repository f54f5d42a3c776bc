"""Another branch's claim, event or policy answers exactly like a missing one (DESIGN rule 2;
issue 15, first finding).

Each test asks the same question twice, byte for byte: first in a world where the Shanghai
object does not exist, then — after head office has created it — in the world where it exists
but lies outside the Beijing claims handler's scope. The answers must be the same: status and
JSON body on the HTTP doors, the report (counts and every rejection entry) on the import paths.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from hiqc.claims.events import claim_events_import, claim_events_import_bulk
from hiqc.claims.models import Claim
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent
from hiqc.customers.services import customer_create
from hiqc.policies.models import Policy, PolicyInsured
from hiqc.policies.tests.factories import catalogue_product

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=BEIJING)
PATHS = pytest.mark.parametrize("path", ["single", "bulk"])
NOT_CREATABLE = "不能立案：案号或所属机构不在您的权限范围内。"


@pytest.fixture
def product():
    return catalogue_product(
        code="MED-1", name="住院医疗保险", line="medical",
        claim_types=["medical_reimbursement"], term_years=1,
    )  # fmt: skip


@pytest.fixture
def beijing(actors, org, product):
    """The Beijing claims handler's own policy (朝阳, C1), one insured person."""
    holder = customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "王五"})
    policy = Policy.objects.create(
        number="BJ-0001", product=product, product_version=product.v1, holder=holder, org_unit=org["C1"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("1200"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=policy, customer=holder)
    return policy


@pytest.fixture
def shanghai_people(actors, org):
    actor, unit = actors["outsider_agent"], org["P2"].pk
    return [
        customer_create(actor=actor, org_unit_id=unit, data={"name": n}) for n in ("孙八", "孙九")
    ]


def make_shanghai_policy(org, product, people) -> Policy:
    """A Shanghai policy with two insured persons (what a leak would tell a Beijing user)."""
    policy = Policy.objects.create(
        number="SH-0001", product=product, product_version=product.v1, holder=people[0], org_unit=org["P2"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("900"),
    )  # fmt: skip
    for person in people:
        PolicyInsured.objects.create(policy=policy, customer=person)
    return policy


@pytest.fixture
def shanghai(org, product, shanghai_people):
    return make_shanghai_policy(org, product, shanghai_people)


def line(external_id: str, claim: str, action: str, at: datetime = T0, **data) -> str:
    return json.dumps({"source_system": "CORE", "external_id": external_id, "claim": claim,
                       "action": action, "at": at.isoformat(), "data": data},
                      ensure_ascii=False)  # fmt: skip


def create(external_id: str, claim: str, policy_number: str = "", **data) -> str:
    fields = {"policy_number": policy_number, "claim_type": "medical_reimbursement",
              "incident_date": "2026-02-20", "amount_claimed": "3000", "diagnosis_code": "K35.8",
              "diagnosis_text": "急性阑尾炎"}  # fmt: skip
    return line(external_id, claim, "create", **{**fields, **data})


def answer(personas, actors, path: str, lines: list[str]) -> bytes:
    """The import's answer as its reader gets it: the HTTP door's body on the single path, the
    report serialised the same way on the bulk path (``import_claim_events --bulk``)."""
    with time_machine.travel(NOW, tick=False):
        if path == "single":
            client = Client()
            client.force_login(personas["claims"])
            response = client.post("/api/v1/claims/events/import", "\n".join(lines).encode(),
                                   content_type="application/x-ndjson")  # fmt: skip
            assert response.status_code == 200, response.content
            return response.content
        report = claim_events_import_bulk(actor=actors["claims"], lines=lines)
        return json.dumps(report.as_dict(), ensure_ascii=False, separators=(",", ":")).encode()


def head_office_opens_the_shanghai_claim(actors, shanghai_people) -> Claim:
    """The Shanghai claim SH-1 and its first action, from the core system through head office."""
    lines = [
        create("E-SH-1", "SH-1", "SH-0001", insured_id=str(shanghai_people[1].pk)),
        line("E-SH-2", "SH-1", "start_review", T0 + timedelta(hours=1)),
    ]
    with time_machine.travel(NOW, tick=False):
        report = claim_events_import(actor=actors["reviewer"], lines=lines)
    assert (report.applied, report.rejected) == (2, [])
    return Claim.objects.get(source_system="CORE", external_ref="SH-1")


# --- 1. a create with another branch's claim number -----------------------------------------------


@PATHS
def test_a_create_with_another_branchs_claim_number_answers_as_for_a_number_that_does_not_exist(
    personas, actors, org, beijing, shanghai, shanghai_people, path
):
    lines = [
        create("E-1", "SH-1", "SH-0001"),  # the Shanghai claim's own policy: not the handler's
        create("E-2", "SH-1", "BJ-0001", org_unit="C2"),  # a unit the handler may not use
        create("E-3", "SH-1", "BJ-0001", org_unit="NOPE"),  # a unit that does not exist
        create("E-4", "SH-1", "BJ-0001", amount_claimed="abc"),  # invalid: the fields say why
        line("E-5", "SH-1", "start_review"),
    ]
    # Given no claim SH-1 anywhere
    missing = answer(personas, actors, path, lines)

    # When head office opens SH-1 in Shanghai, and the Beijing handler sends the same lines
    shanghai_claim = head_office_opens_the_shanghai_claim(actors, shanghai_people)
    elsewhere = answer(personas, actors, path, lines)

    # Then the answer is the same, byte for byte: nothing says "案号已存在"
    assert elsewhere == missing
    body = json.loads(elsewhere)
    assert (body["applied"], body["duplicate"], body["rejected_total"]) == (0, 0, 5)
    assert [r["problem"] for r in body["rejected"]][1:3] == [NOT_CREATABLE, NOT_CREATABLE]
    assert all((r["state"], r["allowed_actions"]) == ("", []) for r in body["rejected"])
    assert "已存在" not in elsewhere.decode()

    # And a valid create under the handler's own policy is refused as under a unit it may not use
    # (the number is the core system's and unique; that is all a refusal can say)
    (taken,) = json.loads(answer(personas, actors, path, [create("E-6", "SH-1", "BJ-0001")]))[
        "rejected"
    ]
    assert taken == {**body["rejected"][1], "line": 1}
    shanghai_claim.refresh_from_db()
    assert (shanghai_claim.policy_id, shanghai_claim.version) == (shanghai.pk, 2)


@PATHS
def test_a_create_with_a_claim_number_the_importer_sees_still_names_it_as_existing(
    personas, actors, beijing, path
):
    lines = [create("E-1", "BJ-1", "BJ-0001")]
    assert json.loads(answer(personas, actors, "single", lines))["applied"] == 1
    (entry,) = json.loads(answer(personas, actors, path, [create("E-2", "BJ-1", "BJ-0001")]))[
        "rejected"
    ]
    assert entry["problem"] == "核心系统案号已存在，不能重复立案。"
    assert (entry["state"], entry["allowed_actions"]) == ("received", ["start_review", "withdraw"])


# --- 2. a re-sent event id of another branch's claim -----------------------------------------------


@PATHS
def test_a_resent_event_of_another_branchs_claim_is_reported_as_an_event_for_an_unknown_claim(
    personas, actors, beijing, shanghai, shanghai_people, path
):
    lines = [
        create("E-SH-1", "SH-1", "SH-0001", insured_id=str(shanghai_people[1].pk)),
        line("E-SH-2", "SH-1", "start_review", T0 + timedelta(hours=1)),
    ]
    # Given no claim SH-1 and no event E-SH-1 / E-SH-2 anywhere
    missing = answer(personas, actors, path, lines)

    # When head office imports exactly these events, and the Beijing handler re-sends them
    head_office_opens_the_shanghai_claim(actors, shanghai_people)
    elsewhere = answer(personas, actors, path, lines)

    # Then they are not duplicates for it: the answer is the one for an unknown claim
    assert elsewhere == missing
    assert json.loads(elsewhere)["duplicate"] == 0
    # (head office, which sees the claim, still gets its duplicates)
    with time_machine.travel(NOW, tick=False):
        assert claim_events_import(actor=actors["reviewer"], lines=lines).duplicate == 2


@PATHS
def test_an_event_id_of_another_branchs_claim_is_refused_on_the_importers_own_claim_as_not_found(
    personas, actors, beijing, shanghai, shanghai_people, path
):
    # Given the Shanghai claim with its events E-SH-1, E-SH-2, and (bulk: in the same file) the
    # Beijing handler's own claim BJ-1
    head_office_opens_the_shanghai_claim(actors, shanghai_people)
    own = [create("E-BJ-1", "BJ-1", "BJ-0001")]
    if path == "single":
        assert json.loads(answer(personas, actors, path, own))["applied"] == 1
        own = []

    # When the handler reuses the Shanghai event id for an action on BJ-1 (or to open BJ-2)
    body = json.loads(answer(personas, actors, path, [
        *own,
        line("E-SH-2", "BJ-1", "start_review", T0 + timedelta(hours=1)),
        create("E-SH-1", "BJ-2", "BJ-0001"),
    ]))  # fmt: skip

    # Then each line is refused as one for an unknown claim, naming nothing (and no error)
    first = len(own) + 1
    rejected = [{k: v for k, v in r.items() if (k, v) != ("fields", {})} for r in body["rejected"]]
    assert rejected == [
        {"line": first, "claim": "BJ-1", "action": "start_review", "state": "",
         "allowed_actions": [], "problem": "未找到，或不在您的权限范围内。"},
        {"line": first + 1, "claim": "BJ-2", "action": "create", "state": "",
         "allowed_actions": [], "problem": NOT_CREATABLE},
    ]  # fmt: skip
    assert (body["applied"], body["duplicate"]) == (len(own), 0)
    bj1 = Claim.objects.get(source_system="CORE", external_ref="BJ-1")
    assert bj1.status == "received"
    assert not Claim.objects.filter(external_ref="BJ-2").exists()
    held_by = CaseEvent.objects.filter(external_id="E-SH-2").values_list("case_id", flat=True)
    assert held_by.get() != str(bj1.pk)  # still the Shanghai claim's event


# --- 3. another branch's policy -------------------------------------------------------------------

APPLICATIONS: dict[str, dict[str, object]] = {
    # a claim type the product does not cover, an incident outside the policy period
    "uncovered": {"claim_type": "hospital_cash", "incident_date": "2025-06-01"},
    # no insured person named: the policy has two
    "insured": {},
    # an insured person of that policy named (the second: a Shanghai customer)
    "named": {"insured_id": "second"},
    # a cover override asked for by someone who may not give one
    "override": {"incident_date": "2025-06-01", "cover_override_reason": "客户坚持"},
}


def _application(people, case: str) -> dict:
    data = {"policy_number": "SH-0001", "claim_type": "medical_reimbursement",
            "incident_date": "2026-02-20", "amount_claimed": "3000.00", "channel": "app",
            "diagnosis_code": "K35.8"}  # fmt: skip
    extra = dict(APPLICATIONS[case])
    if extra.get("insured_id") == "second":
        extra["insured_id"] = str(people[1].pk)
    return {**data, **extra}


@pytest.mark.parametrize("case", list(APPLICATIONS))
def test_the_claims_api_answers_another_branchs_policy_as_a_missing_one(
    personas, org, product, shanghai_people, case
):
    client = Client()
    client.force_login(personas["claims"])
    body = json.dumps(_application(shanghai_people, case))

    def ask():
        with time_machine.travel(NOW, tick=False):
            response = client.post("/api/v1/claims", body, content_type="application/json")
        return response.status_code, response.content

    missing = ask()
    make_shanghai_policy(org, product, shanghai_people)
    elsewhere = ask()

    assert elsewhere == missing
    status, content = elsewhere
    assert status == 422 and "policy_number" in json.loads(content)["fields"]
    assert not Claim.objects.exists()


@PATHS
@pytest.mark.parametrize("case", list(APPLICATIONS))
def test_the_events_door_answers_another_branchs_policy_as_a_missing_one(
    personas, actors, org, product, beijing, shanghai_people, path, case
):
    data = {k: v for k, v in _application(shanghai_people, case).items() if k != "channel"}
    lines = [line("E-1", "C-1", "create", **data)]

    missing = answer(personas, actors, path, lines)
    make_shanghai_policy(org, product, shanghai_people)
    elsewhere = answer(personas, actors, path, lines)

    assert elsewhere == missing
    (entry,) = json.loads(elsewhere)["rejected"]
    assert "policy_number" in entry["fields"]


# --- 4. another branch's customer as the claimant -------------------------------------------------


def _claimant_asked(personas, actors, org, beijing, path: str | None):
    """The same application on the Beijing policy, asked twice with one claimant id: first while
    the Shanghai customer with that id exists, then after it is gone (the missing world)."""
    stranger = customer_create(
        actor=actors["outsider_agent"], org_unit_id=org["P2"].pk, data={"name": "孙十"}
    )
    data = {"policy_number": "BJ-0001", "claim_type": "medical_reimbursement",
            "incident_date": "2026-02-20", "amount_claimed": "3000.00", "diagnosis_code": "K35.8",
            "claimant_id": str(stranger.pk)}  # fmt: skip

    def ask() -> tuple[int, bytes]:
        if path is None:
            client = Client()
            client.force_login(personas["claims"])
            with time_machine.travel(NOW, tick=False):
                response = client.post(
                    "/api/v1/claims", json.dumps({**data, "channel": "app"}),
                    content_type="application/json",
                )  # fmt: skip
            return response.status_code, response.content
        return 200, answer(personas, actors, path, [create("E-1", "C-1", **data)])

    elsewhere = ask()
    type(stranger).objects.filter(pk=stranger.pk).delete()
    missing = ask()
    return elsewhere, missing


def test_the_claims_api_answers_another_branchs_customer_as_claimant_as_a_missing_one(
    personas, actors, org, beijing
):
    elsewhere, missing = _claimant_asked(personas, actors, org, beijing, None)

    assert elsewhere == missing
    status, content = elsewhere
    assert status == 422 and json.loads(content)["fields"]["claimant_id"] == ["请选择申请人。"]
    assert not Claim.objects.exists()


@PATHS
def test_the_events_door_answers_another_branchs_customer_as_claimant_as_a_missing_one(
    personas, actors, org, beijing, path
):
    elsewhere, missing = _claimant_asked(personas, actors, org, beijing, path)

    assert elsewhere == missing
    (entry,) = json.loads(elsewhere[1])["rejected"]
    assert entry["fields"] == {"claimant_id": ["请选择申请人。"]}
    assert not Claim.objects.exists()


@PATHS
def test_a_claimant_in_the_handlers_scope_or_on_the_policy_is_accepted(
    personas, actors, org, beijing, shanghai_people, path
):
    """A Beijing customer who is not on the policy (e.g. a parent claiming for the insured) may
    claim; so may the holder of a policy even where the holder is registered elsewhere."""
    neighbour = customer_create(
        actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "赵六"}
    )
    beijing.holder = shanghai_people[0]
    beijing.save(update_fields=["holder"])
    lines = [
        create("E-1", "C-1", "BJ-0001", claimant_id=str(neighbour.pk)),
        create("E-2", "C-2", "BJ-0001", claimant_id=str(shanghai_people[0].pk)),
    ]

    report = json.loads(answer(personas, actors, path, lines))

    assert (report["applied"], report["rejected"]) == (2, [])
    claimants = dict(Claim.objects.values_list("external_ref", "claimant_id"))
    assert claimants == {"C-1": neighbour.pk, "C-2": shanghai_people[0].pk}
