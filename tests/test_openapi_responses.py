"""Real answers against the published schema (issue 14 §6).

The property-based contract test (test_openapi_contract.py) feeds generated input to an empty
database, so most reads answer an empty list and most {id} reads a 404: the shapes of real
objects were never compared with the document. Here the demo generator (small size) fills every
domain, then every GET operation is called — the list operations as they are, every {id}
operation with ids of real objects taken from the lists — as the head-office quality lead (the
online-claims reads as a claimant who identified through the public endpoints), and the JSON-lines
events import is sent a real file with its documented media type. Every body must validate
against the response schema the document declares for its status; a mismatch fails with the
operation and the JSON path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from io import StringIO
from typing import Any

import jsonschema_rs
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from hiqc.claims.models import Claim
from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user, api_token_create
from hiqc.policies.enums import PolicyStatus
from hiqc.policies.models import DocumentRequirement, Policy

pytestmark = pytest.mark.django_db

DOCUMENT_URL = "/api/v1/openapi.json"
PER_TEMPLATE = 3  # ids tried per {id} operation (of different statuses where the list has them)


def _items(body: Any) -> list[Any]:
    """The objects of a list answer (plain or paginated), or the object itself."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return body["items"]
    return [body]


def _field(name: str) -> Callable[[Any], Iterable[str]]:
    return lambda body: [str(item[name]) for item in _items(body) if item.get(name)]


def _letters(body: Any) -> Iterable[str]:
    return [str(letter["id"]) for item in _items(body) for letter in item.get("letters", [])]


# Where the value of each path parameter comes from: (the operation whose answers list the
# objects, how to read their ids). A new GET operation with a path parameter must be added here.
SOURCES: dict[str, tuple[str, Callable[[Any], Iterable[str]]]] = {
    "/api/v1/indicators/{code}/values": ("/api/v1/indicators", _field("code")),
    "/api/v1/indicators/{code}/cases": ("/api/v1/indicators", _field("code")),
    "/api/v1/org-units/{org_unit_id}": ("/api/v1/org-units", _field("id")),
    "/api/v1/users/{user_id}": ("/api/v1/users", _field("id")),
    "/api/v1/customers/{customer_id}": ("/api/v1/customers", _field("id")),
    "/api/v1/consultations/{consultation_id}": ("/api/v1/consultations", _field("id")),
    "/api/v1/complaints/{complaint_id}": ("/api/v1/complaints", _field("id")),
    "/api/v1/complaint-letters/{letter_id}": ("/api/v1/complaints/{complaint_id}", _letters),
    "/api/v1/policies/{policy_id}": ("/api/v1/policies", _field("id")),
    "/api/v1/products/{code}": ("/api/v1/products", _field("code")),
    "/api/v1/products/{code}/compare": ("/api/v1/products", _field("code")),
    "/api/v1/claims/{claim_id}": ("/api/v1/claims", _field("id")),
    "/api/v1/online-claims/claims/{claim_id}": ("/api/v1/online-claims/claims", _field("id")),
    "/api/v1/claim-audits/rounds/{round_id}": ("/api/v1/claim-audits/rounds", _field("id")),
    "/api/v1/claim-audits/rounds/{round_id}/items": (
        "/api/v1/claim-audits/rounds",
        _field("id"),
    ),
    "/api/v1/claim-audits/items/{item_id}": (
        "/api/v1/claim-audits/rounds/{round_id}/items",
        _field("id"),
    ),
    "/api/v1/surveys/plans/{plan_id}/results": ("/api/v1/surveys/plans", _field("id")),
    "/api/v1/nonconformities/{nc_id}": ("/api/v1/nonconformities", _field("id")),
    "/api/v1/improvement-plans/{plan_id}": ("/api/v1/improvement-plans", _field("id")),
    "/api/v1/processes/{code}/mining": ("/api/v1/processes", _field("code")),
    "/api/v1/processes/{code}/needs-analyses": ("/api/v1/processes", _field("code")),
    "/api/v1/supervision/plans/{plan_id}": ("/api/v1/supervision/plans", _field("id")),
    "/api/v1/supervision/findings/{finding_id}": ("/api/v1/supervision/findings", _field("id")),
    "/api/v1/supervision/visits/{visit_id}": ("/api/v1/supervision/findings", _field("visit_id")),
    "/api/v1/product-projects/{project_id}": ("/api/v1/product-projects", _field("id")),
    "/api/v1/product-evaluations/{round_id}": ("/api/v1/product-evaluations", _field("id")),
    "/api/v1/products/{code}/figures": ("/api/v1/products", _field("code")),
    "/api/v1/training/plans/{plan_id}": ("/api/v1/training/plans", _field("id")),
    "/api/v1/training/plans/{plan_id}/courses": ("/api/v1/training/plans", _field("id")),
    "/api/v1/training/courses/{course_id}": ("/api/v1/training/courses", _field("id")),
    "/api/v1/training/sessions/{session_id}": ("/api/v1/training/sessions", _field("id")),
    "/api/v1/exams/{exam_id}": ("/api/v1/exams", _field("id")),
    "/api/v1/exams/attempts/{attempt_id}": ("/api/v1/exams/attempts", _field("id")),
    "/api/v1/certificates/{certificate_id}": ("/api/v1/certificates", _field("id")),
    "/api/v1/outlets/{outlet_id}": ("/api/v1/outlets", _field("id")),
    "/api/v1/outlets/{outlet_id}/inspections": (
        "/api/v1/outlets",
        _field("id"),
    ),
    "/api/v1/facility-inspections/{inspection_id}": (
        "/api/v1/facility-inspections",
        _field("id"),
    ),
    "/api/v1/facility-rectifications/{case_id}": (
        "/api/v1/facility-rectifications",
        _field("id"),
    ),
    "/api/v1/equipment/{equipment_id}": ("/api/v1/equipment", _field("id")),
    "/api/v1/maintenance-plans/{plan_id}": ("/api/v1/maintenance-plans", _field("id")),
    "/api/v1/maintenance-tasks/{task_id}": ("/api/v1/maintenance-tasks", _field("id")),
    "/api/v1/faults/{fault_id}": ("/api/v1/faults", _field("id")),
    "/api/v1/equipment/{equipment_id}/operators": ("/api/v1/equipment", _field("id")),
    "/api/v1/renewal-plans/{plan_id}": ("/api/v1/renewal-plans", _field("id")),
    "/api/v1/assessments/{cycle_id}": ("/api/v1/assessments", _field("id")),
    "/api/v1/assessment-results/{result_id}": ("/api/v1/assessment-results", _field("id")),
    "/api/v1/promotions/{promotion_id}": ("/api/v1/promotions", _field("id")),
    "/api/v1/promotion-notices/{promotion_id}": ("/api/v1/promotion-notices", _field("id")),
    "/api/v1/obligations/{obligation_id}": ("/api/v1/obligations", _field("id")),
    "/api/v1/controls/{control_id}": ("/api/v1/controls", _field("id")),
    "/api/v1/controls/{control_id}/results": ("/api/v1/controls", _field("id")),
    "/api/v1/impact-assessments/{case_id}": ("/api/v1/regulatory-changes", _field("assessment_id")),
    "/api/v1/compliance-inspections/{case_id}": ("/api/v1/compliance-inspections", _field("id")),
    "/api/v1/conformance/rounds/{round_id}": ("/api/v1/conformance/rounds", _field("id")),
    "/api/v1/risks/{risk_id}": ("/api/v1/risks", _field("id")),
    "/api/v1/risks/{risk_id}/kris": ("/api/v1/risks", _field("id")),
    "/api/v1/risk-treatments/{case_id}": ("/api/v1/risk-treatments", _field("id")),
    "/api/v1/emergency-plans/{plan_id}": ("/api/v1/emergency-plans", _field("id")),
    "/api/v1/drills/{drill_id}": ("/api/v1/drills", _field("id")),
    "/api/v1/incidents/{case_id}": ("/api/v1/incidents", _field("id")),
    "/api/v1/access-recertifications/{case_id}": (
        "/api/v1/access-recertifications",
        _field("id"),
    ),
    "/api/v1/security-evaluations/{evaluation_id}": ("/api/v1/security-evaluations", _field("id")),
    "/api/v1/security-remediations/{case_id}": ("/api/v1/security-remediations", _field("id")),
    "/api/v1/sharing-agreements/{agreement_id}": ("/api/v1/sharing-agreements", _field("id")),
    "/api/v1/data-shares/{case_id}": ("/api/v1/data-shares", _field("id")),
    "/api/v1/data-shares/{case_id}/file": ("/api/v1/data-shares", _field("id")),
}


def _query() -> dict[str, dict[str, str]]:
    """Query parameters: every required one, and demo-shaped ranges where the default is thin."""
    now = timezone.now().astimezone(BEIJING)
    last_month = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return {
        "/api/v1/calendar/due": {"start": now.isoformat(), "amount": "15", "unit": "working_days"},
        "/api/v1/staffing/erlang-c": {"calls": "120", "aht_s": "240"},
        "/api/v1/indicators/{code}/values": {
            "granularity": "month",
            "from": (now - timedelta(days=365)).isoformat(),
        },
        "/api/v1/indicators/{code}/cases": {"period": last_month},
        "/api/v1/audit-events": {"limit": "200"},
        "/api/v1/products/{code}/compare": {"base": "1", "other": "1"},
    }


def _json_path(parts: Iterable[Any]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _summary(problems: list[str]) -> str:
    """One line per operation, place and problem: array indices folded into [*] with a count and
    the first concrete path (a wrong item schema fails once per item otherwise)."""
    seen: dict[str, tuple[int, str]] = {}
    for problem in problems:
        folded = re.sub(r"\[\d+\]", "[*]", problem)
        count, first = seen.get(folded, (0, problem))
        seen[folded] = (count + 1, first)
    lines = []
    for folded, (n, first) in seen.items():
        place = re.search(r" at (\S+):", first)
        example = f", e.g. {place.group(1)}" if place and place.group(1) not in folded else ""
        lines.append(f"  {folded}" + (f"  (×{n}{example})" if n > 1 else ""))
    return "\n".join(lines)


class Document:
    """The published OpenAPI document and validators for its response schemas."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self._validators: dict[tuple[str, str, int, str], Any] = {}

    def operations(self, method: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for path, item in self.document["paths"].items():
            if method in item:
                yield path, item[method]

    def problems(
        self, method: str, path: str, status: int, content_type: str, body: bytes
    ) -> list[str]:
        """What is wrong with an answer: an undeclared status or media type, or each place where
        the body departs from the declared schema (with its JSON path)."""
        where = f"{method.upper()} {path} → {status}"
        declared = self.document["paths"][path][method]["responses"]
        answer = declared.get(str(status), declared.get(status))
        if answer is None:
            return [f"{where}: status not declared (declared: {sorted(map(str, declared))})"]
        content = answer.get("content")
        if not content:
            return [] if not body else [f"{where}: a body where none is declared"]
        media_type = content_type.split(";")[0].strip()
        if media_type not in content:
            return [f"{where}: media type {media_type!r} not declared ({sorted(content)})"]
        key = (method, path, status, media_type)
        if key not in self._validators:
            schema = {**content[media_type]["schema"], "components": self.document["components"]}
            self._validators[key] = jsonschema_rs.Draft202012Validator(
                schema, validate_formats=True
            )
        try:
            data = json.loads(body)
        except ValueError:
            return [f"{where}: not JSON: {body[:200]!r}"]
        return [
            f"{where} at {_json_path(e.instance_path)}: {e.message}"
            for e in self._validators[key].iter_errors(data)
        ]


def _placeholders(template: str) -> list[str]:
    return re.findall(r"{([^}]+)}", template)


def _sample(values: Iterable[str], statuses: dict[str, str]) -> list[str]:
    """Up to PER_TEMPLATE distinct ids, one per status first (so several shapes are seen)."""
    chosen: list[str] = []
    seen_status: set[str] = set()
    values = list(dict.fromkeys(values))
    for value in values:
        status = statuses.get(value, "")
        if status not in seen_status:
            seen_status.add(status)
            chosen.append(value)
        if len(chosen) == PER_TEMPLATE:
            return chosen
    return (chosen + [v for v in values if v not in chosen])[:PER_TEMPLATE]


def _read_everything(
    client: Client, document: Document, paths: list[str], problems: list[str]
) -> dict[str, list[tuple[int, Any]]]:
    """GET every path (templates filled from SOURCES, in dependency order); validate each answer.
    Returns the answers per template."""
    query = _query()
    answers: dict[str, list[tuple[int, Any]]] = {}
    pending = list(paths)
    while pending:
        ready = [p for p in pending if p not in SOURCES or SOURCES[p][0] in answers]
        assert ready, f"no source answered for {pending}"
        for template in ready:
            pending.remove(template)
            urls = [template]
            if template in SOURCES:
                source, read = SOURCES[template]
                bodies = [body for status, body in answers[source] if status == 200]
                statuses = {
                    str(item.get("id") or item.get("code")): str(item.get("status", ""))
                    for body in bodies
                    for item in _items(body)
                    if isinstance(item, dict)
                }
                found = [i for body in bodies for i in read(body)]
                # every indicator (they differ in what they count), a few of anything else
                ids = (
                    list(dict.fromkeys(found))
                    if template.startswith("/api/v1/indicators/")
                    else _sample(found, statuses)
                )
                (name,) = _placeholders(template)
                urls = [template.replace(f"{{{name}}}", i) for i in ids]
            answers[template] = []
            for url in urls:
                response = client.get(url, query.get(template, {}))
                problems.extend(
                    document.problems(
                        "get",
                        template,
                        response.status_code,
                        response.headers.get("Content-Type", ""),
                        response.content,
                    )
                )
                body = json.loads(response.content) if response.content else None
                answers[template].append((response.status_code, body))
    return answers


def _claimant_client(
    client: Client, document: Document, problems: list[str], on_commit: Any
) -> Client | None:
    """A claimant of a demo claim, identified through the public endpoints (code by e-mail)."""

    def post(path: str, payload: dict[str, Any]) -> Any:
        with on_commit(execute=True):  # the code is e-mailed once its row is committed
            answer = client.post(path, payload, content_type="application/json")
        problems.extend(
            document.problems("post", path, answer.status_code,
                              answer.headers.get("Content-Type", ""), answer.content)
        )  # fmt: skip
        return answer

    for claim in Claim.objects.select_related("policy", "claimant").order_by("received_at"):
        customer = claim.claimant
        if customer is None or not customer.id_number or not customer.email:
            continue
        sent = post(
            "/api/v1/online-claims/code",
            {"policy_number": claim.policy.number, "id_number": customer.id_number},
        )
        if sent.status_code != 200:
            continue
        code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
        assert code, "the one-time code was not sent"
        opened = post(
            "/api/v1/online-claims/session",
            {"challenge_id": sent.json()["challenge_id"], "code": code.group(1)},
        )
        assert opened.status_code == 200, opened.content
        return Client(HTTP_AUTHORIZATION=f"Bearer {opened.json()['token']}")
    return None


def _reveal_one_customer(document: Document, problems: list[str]) -> None:
    """A Beijing agent reveals a customer's mobile number, so the reveal records have one."""
    agent = Client(HTTP_AUTHORIZATION=f"Bearer {_token('agent_bj')}")
    customer_id = agent.get("/api/v1/customers").json()["items"][0]["id"]
    path = "/api/v1/customers/{customer_id}/reveal"
    answer = agent.post(
        path.format(customer_id=customer_id),
        {"field": "mobile", "purpose": "回访核实联系方式"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    problems.extend(
        document.problems("post", path, answer.status_code,
                          answer.headers.get("Content-Type", ""), answer.content)
    )  # fmt: skip


@pytest.fixture
def demo():
    """The demo at small size (a few seconds); notices sent at once."""
    cache.clear()  # rate-limit counters
    call_command("demo_load", customers=60, verbosity=0, stdout=StringIO())
    yield
    cache.clear()


def _token(username: str) -> str:
    user = User.objects.get(username=username)
    return api_token_create(actor=actor_for_user(user), user_id=user.pk, name="contract")[1]


def test_every_read_answers_as_the_document_says_on_demo_data(
    demo, django_capture_on_commit_callbacks
):
    # Given the demo data and the published document
    document = Document(Client().get(DOCUMENT_URL).json())
    reads = [path for path, _op in document.operations("get")]
    for template in reads:
        needed = [
            p["name"]
            for p in document.document["paths"][template]["get"].get("parameters", [])
            if p["in"] == "query" and p.get("required")
        ]
        assert set(needed) <= set(_query().get(template, {})), f"{template}: query {needed}"
        assert not _placeholders(template) or template in SOURCES, f"{template}: add to SOURCES"
    online = [p for p in reads if p.startswith("/api/v1/online-claims/")]
    problems: list[str] = []
    _reveal_one_customer(document, problems)  # the one thing the demo never does

    # When the head-office quality lead reads every operation (ids of real objects) ...
    staff = Client(HTTP_AUTHORIZATION=f"Bearer {_token('quality_lead')}")
    answers = _read_everything(staff, document, [p for p in reads if p not in online], problems)
    # ... and a claimant of a demo claim reads the online-claims operations
    claimant = _claimant_client(Client(), document, problems, django_capture_on_commit_callbacks)
    assert claimant is not None, "no demo claimant with an e-mail address"
    answers.update(_read_everything(claimant, document, online, problems))

    # Then every answer validates against the schema of its status ...
    assert not problems, "answers that do not match the published schema:\n" + _summary(problems)
    # ... and every operation answered 200 at least once, with something in it
    not_ok = {
        t: sorted({s for s, _ in a}) for t, a in answers.items() if (200 not in {s for s, _ in a})
    }
    assert not not_ok, f"operations that never answered 200: {not_ok}"
    empty = sorted(
        t for t, a in answers.items() if all(b in ([], {"items": [], "count": 0}) for _s, b in a)
    )
    assert not empty, f"operations whose every answer was empty on demo data: {empty}"


def _events(policy: Policy, claim_type: str, documents: list[str], incident: date) -> list[str]:
    """A core system's file: a claim opened and reviewed, an event that is impossible in the
    claim's state, a malformed line and a re-sent event."""
    now = timezone.now()
    create = {
        "policy_number": policy.number,
        "claim_type": claim_type,
        "incident_date": incident.isoformat(),
        "amount_claimed": "3200.00",
        "diagnosis_code": "K35.8",
        "diagnosis_text": "急性阑尾炎",
        "documents": documents,
    }

    def line(n: int, action: str, hours_ago: int, data: dict) -> str:
        return json.dumps(
            {"source_system": "CONTRACT", "external_id": f"EV-{n}", "claim": "CORE-0001",
             "action": action, "at": (now - timedelta(hours=hours_ago)).isoformat(),
             "data": data},
            ensure_ascii=False,
        )  # fmt: skip

    first = line(1, "create", 5, create)
    return [
        first,
        line(2, "start_review", 4, {}),
        line(3, "close", 3, {}),  # not from "review": rejected with the claim's state
        '{"source_system": "CONTRACT"',  # malformed
        first,  # sent again: a duplicate
    ]


def test_the_events_import_reads_its_documented_media_type_and_answers_as_documented(demo):
    # Given the document's request body for the import and a Beijing claims handler
    document = Document(Client().get(DOCUMENT_URL).json())
    path = "/api/v1/claims/events/import"
    operation = document.document["paths"][path]["post"]
    (media_type,) = operation["requestBody"]["content"]
    assert media_type == "application/x-ndjson"
    incident = (timezone.now() - timedelta(days=20)).astimezone(BEIJING).date()
    beijing = OrgUnit.objects.get(code="BJ").path  # the claims handler's scope
    policy = next(
        p
        for p in Policy.objects.select_related("product_version").filter(
            org_unit__path__startswith=beijing,
            status=PolicyStatus.IN_FORCE,
            start_date__lte=incident,
            end_date__gte=incident,
        )
        if p.product_version.claim_types
    )
    claim_type = policy.product_version.claim_types[0]
    documents = list(
        DocumentRequirement.objects.filter(
            version=policy.product_version, claim_type=claim_type
        ).values_list("code", flat=True)[:2]
    )
    handler = Client(HTTP_AUTHORIZATION=f"Bearer {_token('claims_handler_bj')}")

    # When a core system's file is posted with the documented media type
    answer = handler.post(
        path, "\n".join(_events(policy, claim_type, documents, incident)), content_type=media_type
    )

    # Then it was read and applied, and the report validates against the declared schema
    problems = document.problems(
        "post", path, answer.status_code, answer.headers.get("Content-Type", ""), answer.content
    )
    assert not problems, _summary(problems)
    assert answer.status_code == 200, answer.content
    report = answer.json()
    assert (report["applied"], report["duplicate"], report["rejected_total"]) == (2, 1, 2)
    refused = {r["line"]: r for r in report["rejected"]}
    assert refused[3]["state"] == "review" and "close" not in refused[3]["allowed_actions"]
    assert set(refused) == {3, 4}
    # and a body in another media type is refused as documented (422, the error body)
    wrong = handler.post(path, "\n".join(_events(policy, claim_type, documents, incident)),
                         content_type="text/plain")  # fmt: skip
    assert wrong.status_code == 422
    assert not document.problems("post", path, 422, wrong.headers["Content-Type"], wrong.content)
