"""A 409 lists only what the caller may do (issue 14 §6).

``allowed_actions`` in a 409 (stale version, action not allowed in this state, a clock rule, a
domain refusal) and in the claim-events import's rejections used to list every action of the
case's state, including those the caller has no permission for or whose case lies outside the
caller's scope. It now lists what ``allowed_actions`` lists on the case itself
(``case_allowed_actions``: state, permission, scope and the domain's guard).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from hiqc.claims.events import EventRules, claim_events_import, claim_events_import_bulk
from hiqc.claims.services import KIND as CLAIM_KIND
from hiqc.claims.workflow import WORKFLOW as CLAIM_WORKFLOW
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_allowed_actions, case_opened, case_transition
from hiqc.core.errors import Conflict
from hiqc.core.workflow import Pause, Resume, Start, Stop, T, Workflow
from hiqc.customers.services import customer_create
from hiqc.policies.models import Policy, PolicyInsured
from hiqc.policies.tests.factories import catalogue_product
from hiqc.quality.nonconformities.services import nonconformity_open
from tests.engine.models import ProbeCase
from tests.engine.probe import DECIDE, PERM, STATES, access_probe

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)

# The probe's shape with one action behind a permission the agent persona does not hold
# (audit.view: the auditor holds it, and not the probe's customers.edit).
GATED = Workflow.build(
    name="gated_probe",
    states=STATES,
    initial="new",
    final=["done"],
    clocks=[DECIDE],
    on_create=[Start(DECIDE)],
    transitions=[
        T("assign", "new", "open", perm=PERM),
        T("escalate", ["new", "open"], "open", perm="audit.view"),
        T("appraise", "open", "waiting", perm=PERM, effects=[Pause(DECIDE)]),
        T("resume", "waiting", "open", perm=PERM, effects=[Resume(DECIDE)]),
        T("decide", "open", "done", perm=PERM, requires=["decision"], effects=[Stop(DECIDE)]),
    ],
)
KIND = CaseKind(label="engine.probecase", workflow=GATED, access=access_probe, name="门控探针")


@pytest.fixture
def case(actors, org):
    probe = ProbeCase.objects.create(org_unit=org["C1"], title="门控", status=GATED.initial)
    case_opened(kind=KIND, case=probe, actor=actors["agent"], at=T0)
    return probe


def refused(actor, case, action, **kwargs) -> Conflict:
    with pytest.raises(Conflict) as exc:
        case_transition(kind=KIND, actor=actor, case_id=case.pk, action=action, **kwargs)
    return exc.value


def test_an_action_not_allowed_now_lists_only_the_callers_actions(actors, case):
    # Given a new case: "assign" needs customers.edit (the agent's), "escalate" audit.view
    # When each persona tries an action the state does not allow
    agent = refused(actors["agent"], case, "decide", data={"decision": "x"})
    auditor = refused(actors["auditor"], case, "decide", data={"decision": "x"})

    # Then each 409 offers what that persona may do, as the case's own representation does
    assert (agent.code, agent.allowed_actions) == ("action_not_allowed", ["assign"])
    assert (auditor.code, auditor.allowed_actions) == ("action_not_allowed", ["escalate"])
    assert agent.allowed_actions == case_allowed_actions(KIND, case, actors["agent"])


def test_a_stale_version_lists_only_the_callers_actions(actors, case):
    stale = refused(actors["agent"], case, "assign", version=7)
    assert (stale.code, stale.version, stale.allowed_actions) == ("stale_version", 1, ["assign"])


def test_a_clock_rule_lists_the_callers_actions_of_the_state_the_case_stays_in(actors, case):
    # Given an open case whose 15-day clock has run out
    case_transition(kind=KIND, actor=actors["agent"], case_id=case.pk, action="assign", at=T0)

    # When the agent tries to pause it (appraisal) three weeks later
    rule = refused(actors["agent"], case, "appraise", at=T0 + timedelta(days=21))

    # Then the 409 names the state and version the case keeps, and the agent's actions from it
    assert (rule.code, rule.state, rule.version) == ("clock_rule", "open", 2)
    assert rule.allowed_actions == ["appraise", "decide"]  # not "escalate" (audit.view)
    case.refresh_from_db()
    assert (case.status, case.version) == ("open", 2)


def test_over_the_api_a_branch_manager_is_not_offered_cancelling_a_nonconformity(
    actors, personas, org
):
    # Given a nonconformity in Beijing: its branch manager works it (quality.nc.handle) but only
    # those who open nonconformities (quality.nc.open) may cancel it
    nc = nonconformity_open(actor=actors["quality_lead"], org_unit_id=org["C1"].pk, data={
        "source": "onsite", "title": "柜面未一次性告知", "description": "现场检查发现",
    })  # fmt: skip
    url = f"/api/v1/nonconformities/{nc.pk}/actions/"

    def post(persona: str, action: str, version: int):
        client = Client()
        client.force_login(personas[persona])
        return client.post(url + action, {"version": version, "data": {}},
                           content_type="application/json")  # fmt: skip

    # When the branch manager sends a stale version, then an action the state does not allow
    stale = post("branch_manager", "start_analysis", 9)
    not_now = post("branch_manager", "close", 1)

    # Then both 409s offer only what the branch manager may do; the quality lead is offered both
    assert stale.status_code == not_now.status_code == 409
    assert (
        stale.json()["allowed_actions"] == not_now.json()["allowed_actions"] == ["start_analysis"]
    )
    assert post("quality_lead", "close", 1).json()["allowed_actions"] == [
        "start_analysis",
        "cancel",
    ]


# --- the claim-events import ------------------------------------------------------------------------


@pytest.fixture
def shanghai_policy(actors, org):
    product = catalogue_product(
        code="MED-SH", name="住院医疗保险", line="medical",
        claim_types=["medical_reimbursement"], term_years=1,
    )  # fmt: skip
    holder = customer_create(
        actor=actors["outsider_agent"], org_unit_id=org["P2"].pk, data={"name": "孙八"}
    )
    policy = Policy.objects.create(
        number="SH-0001", product=product, product_version=product.v1, holder=holder, org_unit=org["P2"],
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), premium_yuan=Decimal("900"),
    )  # fmt: skip
    PolicyInsured.objects.create(policy=policy, customer=holder)
    return policy


def _line(n: int, action: str, at: datetime, **data) -> str:
    return json.dumps({"source_system": "CORE", "external_id": f"E{n}", "claim": "SH-1",
                       "action": action, "at": at.isoformat(), "data": data}, ensure_ascii=False)  # fmt: skip


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_an_event_on_a_claim_outside_the_importers_scope_names_no_state_and_no_actions(
    actors, shanghai_policy, bulk
):
    # Given a Shanghai claim opened by the head-office reviewer (claims.handle over everything)
    create = _line(1, "create", T0, policy_number="SH-0001", claim_type="medical_reimbursement",
                   incident_date="2026-02-20", amount_claimed="3000", diagnosis_code="K35.8",
                   diagnosis_text="急性阑尾炎")  # fmt: skip
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        assert claim_events_import(actor=actors["reviewer"], lines=[create]).applied == 1
        # When a Beijing claims handler imports an event on it
        fn = claim_events_import_bulk if bulk else claim_events_import
        report = fn(
            actor=actors["claims"], lines=[_line(2, "start_review", T0 + timedelta(hours=1))]
        )

    # Then it is refused as for a claim that does not exist: no state, nothing offered
    (entry,) = report.rejected
    assert (entry["state"], entry["allowed_actions"]) == ("", [])


def test_the_bulk_path_offers_only_actions_the_importer_holds_over_the_claims_unit(actors, org):
    store = EventRules(actors["claims"]).store  # claims.handle over 朝阳 (C1) only
    offered = store.offered_in(CLAIM_KIND, "review", org["C1"].path)
    assert offered == CLAIM_WORKFLOW.allowed_actions("review")
    assert store.offered_in(CLAIM_KIND, "review", org["P2"].path) == []
