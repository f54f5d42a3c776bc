"""Part 2: the persona × ``{id}``-door matrix.

For every operation of the live OpenAPI document whose path carries an id, and for every branch
persona, the same request is sent twice: once with the id of a real object of ANOTHER branch and
once with a random id (uuid4). "Missing" and "not yours" must be the same answer (DESIGN rule 2):
any difference in status, body bytes or headers (``Date``, ``X-Request-ID`` and ``Set-Cookie``
aside) is a leak. Write operations are included: their body is one generated example (the same
for both requests); case actions carry a stale version, so a door that leaked could not act.
The indicator paths carry a code, not an object: their door is the ``org_unit`` query parameter
(another branch's unit against a random id), with a real code and month.

An id path that DOORS below does not know is a failure: the matrix must cover every path.
"""

from __future__ import annotations

import uuid
from typing import Any

from .common import API, PartResult

# path prefix (up to the id) → (model label, lookup of the object's org path)
DOORS: dict[str, tuple[str, str]] = {
    f"{API}/org-units/{{org_unit_id}}": ("organisations.OrgUnit", "path"),
    f"{API}/users/{{user_id}}": ("organisations.User", "org_unit__path"),
    f"{API}/memberships/{{membership_id}}": ("organisations.Membership", "org_unit__path"),
    f"{API}/tokens/{{token_id}}": ("organisations.ApiToken", "user__org_unit__path"),
    f"{API}/customers/{{customer_id}}": ("customers.Customer", "org_unit__path"),
    f"{API}/consultations/{{consultation_id}}": ("consultations.Consultation", "org_unit__path"),
    f"{API}/complaints/{{complaint_id}}": ("complaints.Complaint", "org_unit__path"),
    f"{API}/complaint-letters/{{letter_id}}": ("complaints.Letter", "complaint__org_unit__path"),
    f"{API}/policies/{{policy_id}}": ("policies.Policy", "org_unit__path"),
    f"{API}/claims/{{claim_id}}": ("claims.Claim", "org_unit__path"),
    f"{API}/online-claims/claims/{{claim_id}}": ("claims.Claim", "org_unit__path"),
    f"{API}/claim-audits/rounds/{{round_id}}": ("claimaudit.AuditRound", "org_unit__path"),
    f"{API}/claim-audits/items/{{item_id}}": ("claimaudit.AuditItem", "org_unit__path"),
    f"{API}/inspection/tasks/{{task_id}}": ("inspection.InspectionTask", "org_unit__path"),
    f"{API}/inspection/scores/{{score_id}}": ("inspection.Score", "org_unit__path"),
    f"{API}/inspection/disputes/{{dispute_id}}": ("inspection.Dispute", "score__org_unit__path"),
    f"{API}/surveys/plans/{{plan_id}}": ("surveys.SurveyPlan", "org_unit__path"),
    f"{API}/nonconformities/{{nc_id}}": ("quality.Nonconformity", "org_unit__path"),
    f"{API}/improvement-plans/{{plan_id}}": ("quality.ImprovementPlan", "org_unit__path"),
    f"{API}/supervision/plans/{{plan_id}}": (
        "process_management.SupervisionPlan", "org_unit__path"),
    f"{API}/supervision/visits/{{visit_id}}": (
        "process_management.SupervisionVisit", "org_unit__path"),
    f"{API}/supervision/findings/{{finding_id}}": (
        "process_management.SupervisionFinding", "org_unit__path"),
    f"{API}/product-projects/{{project_id}}": ("products.ProductProject", "org_unit__path"),
    f"{API}/product-evaluations/{{round_id}}": ("products.EvaluationRound", "org_unit__path"),
    f"{API}/training/plans/{{plan_id}}": ("people.TrainingPlan", "org_unit__path"),
    f"{API}/training/courses/{{course_id}}": ("people.Course", "plan__org_unit__path"),
    f"{API}/training/sessions/{{session_id}}": (
        "people.Session", "course__plan__org_unit__path"),
    f"{API}/exams/{{exam_id}}": ("people.Exam", "org_unit__path"),
    f"{API}/exams/attempts/{{attempt_id}}": ("people.Attempt", "org_unit__path"),
    f"{API}/certificates/{{certificate_id}}": ("people.Certificate", "org_unit__path"),
    f"{API}/outlets/{{outlet_id}}": ("organisations.OrgUnit", "path"),
    f"{API}/facility-inspections/{{inspection_id}}": (
        "facilities.Inspection", "org_unit__path"),
    f"{API}/facility-rectifications/{{case_id}}": (
        "facilities.Rectification", "org_unit__path"),
    f"{API}/equipment/{{equipment_id}}": ("facilities.Equipment", "org_unit__path"),
    f"{API}/maintenance-plans/{{plan_id}}": ("facilities.MaintenancePlan", "org_unit__path"),
    f"{API}/maintenance-tasks/{{task_id}}": (
        "facilities.MaintenanceTask", "equipment__org_unit__path"),
    f"{API}/faults/{{fault_id}}": ("facilities.Fault", "org_unit__path"),
    # …/equipment/{equipment_id}/operators goes through the equipment door above
    f"{API}/renewal-plans/{{plan_id}}": ("facilities.RenewalPlan", "org_unit__path"),
    f"{API}/assessments/{{cycle_id}}": ("people.AssessmentCycle", "org_unit__path"),
    f"{API}/assessment-results/{{result_id}}": ("people.AssessmentResult", "org_unit__path"),
    # a rating is its rater's alone: another branch's is the same 404 as a random id
    f"{API}/assessment-ratings/{{rating_id}}": ("people.Rating", "cycle__org_unit__path"),
    f"{API}/promotions/{{promotion_id}}": ("people.Promotion", "org_unit__path"),
    f"{API}/promotion-notices/{{promotion_id}}": ("people.Promotion", "org_unit__path"),
    f"{API}/legal-holds/{{hold_id}}": ("core.LegalHold", "org_path"),
    # a control applies to a subtree (its unit scope) or to the whole insurer ("")
    f"{API}/controls/{{control_id}}": ("compliance.Control", "unit_path"),
    f"{API}/impact-assessments/{{case_id}}": ("compliance.ImpactAssessment", "org_unit__path"),
    f"{API}/compliance-inspections/{{case_id}}": (
        "compliance.ComplianceInspection", "org_unit__path"),
    f"{API}/conformance/rounds/{{round_id}}": ("conformance.AssessmentRound", "org_unit__path"),
    f"{API}/risks/{{risk_id}}": ("compliance.Risk", "org_unit__path"),
    f"{API}/risk-treatments/{{case_id}}": ("compliance.RiskTreatment", "org_unit__path"),
    f"{API}/emergency-plans/{{plan_id}}": ("emergency.EmergencyPlan", "org_unit__path"),
    f"{API}/drills/{{drill_id}}": ("emergency.Drill", "org_unit__path"),
    f"{API}/incidents/{{case_id}}": ("emergency.Incident", "org_unit__path"),
    f"{API}/access-recertifications/{{case_id}}": (
        "information.AccessRecertification", "org_unit__path"),
    f"{API}/security-evaluations/{{evaluation_id}}": (
        "information.SecurityEvaluation", "org_unit__path"),
    f"{API}/security-remediations/{{case_id}}": ("information.Remediation", "org_unit__path"),
    f"{API}/sharing-agreements/{{agreement_id}}": (
        "information.SharingAgreement", "org_unit__path"),
    f"{API}/data-shares/{{case_id}}": ("information.DataShare", "org_unit__path"),
}  # fmt: skip
INDICATOR_PREFIX = f"{API}/indicators/{{code}}"
# A process's code names a workflow, the same for everyone: its door is the ``org_unit`` query
# parameter (the mining, as the indicators'); the catalogue's needs analyses are one for the whole
# insurer, with no branch object to probe.
PROCESS_PREFIX = f"{API}/processes/{{code}}"
PROCESS_PROBED = "claims.claim"
# The product catalogue is the insurer's, the same for every branch (ADR 0019): its paths carry a
# product code, not a branch object, so there is nothing of another branch to probe; its writes
# need ``policies.manage`` at head office (a branch persona gets 403 whatever the code).
CATALOGUE_PREFIX = f"{API}/products/{{code}}"
# The obligations register (laws → obligations) is the insurer's too, with no branch object: an
# obligation is read by anyone holding compliance.view (ADR 0024); its controls carry the scope.
REGISTER_PREFIX = f"{API}/obligations/{{obligation_id}}"
# ... except a product's figures, which are read over an org subtree: their door is the
# ``org_unit`` query parameter (the reference product the suite loads is probed).
PRODUCT_FIGURES = f"{API}/products/{{code}}/figures"
PRODUCT_PROBED = "REL-MED"
CASE_KINDS = {  # model label → its CaseKind label (the workflow whose action names are used)
    "complaints.Complaint": "complaints.complaint",
    "consultations.Consultation": "consultations.consultation",
    "claims.Claim": "claims.claim",
    "quality.Nonconformity": "quality.nonconformity",
    "quality.ImprovementPlan": "quality.improvementplan",
    "process_management.SupervisionVisit": "process_management.supervisionvisit",
    "process_management.SupervisionFinding": "process_management.supervisionfinding",
    "products.ProductProject": "products.productproject",
    "products.EvaluationRound": "products.evaluationround",
    "facilities.Rectification": "facilities.rectification",
    "facilities.Fault": "facilities.fault",
    "people.AssessmentCycle": "people.assessmentcycle",
    "people.Promotion": "people.promotion",
    "compliance.ImpactAssessment": "compliance.impactassessment",
    "compliance.ComplianceInspection": "compliance.complianceinspection",
    "conformance.AssessmentRound": "conformance.assessmentround",
    "compliance.RiskTreatment": "compliance.risktreatment",
    "emergency.Incident": "emergency.incident",
    "information.AccessRecertification": "information.accessrecertification",
    "information.Remediation": "information.remediation",
    "information.DataShare": "information.datashare",
    "information.SharingAgreement": "information.sharingagreement",
}
# Actions of objects that are not case kinds (their steps are data of their own app), probed
# with a stale version as the case actions are.
OTHER_ACTIONS = {"facilities.MaintenanceTask": "complete"}
STALE_VERSION = 2_000_000_000  # the schema's maximum: never a case's current version
IGNORED_HEADERS = {"date", "x-request-id", "set-cookie"}


def door_for(template: str) -> tuple[str, str, str] | None:
    """(prefix, label, lookup) of the longest DOORS prefix that ``template`` starts with."""
    best = None
    for prefix, (label, lookup) in DOORS.items():
        if (template == prefix or template.startswith(prefix + "/")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, label, lookup)
    return best


def door_specs() -> list[list[str]]:
    return [[prefix, label, lookup] for prefix, (label, lookup) in DOORS.items()]


def _catalogue(template: str) -> bool:
    """The insurer-wide reference paths: the product catalogue and the obligations register."""
    return any(template == p or template.startswith(p + "/")
               for p in (CATALOGUE_PREFIX, REGISTER_PREFIX))  # fmt: skip


def _id_param(prefix: str) -> str:
    return prefix.rsplit("{", 1)[1].rstrip("}")


def _fingerprint(response: Any) -> tuple[int, bytes, tuple[tuple[str, tuple[str, ...]], ...]]:
    headers = tuple(
        sorted(
            (k.lower(), tuple(v))
            for k, v in response.headers.items()
            if k.lower() not in IGNORED_HEADERS
        )
    )
    return response.status_code, response.content, headers


def _describe_difference(a: Any, b: Any) -> str:
    fa, fb = _fingerprint(a), _fingerprint(b)
    if fa[0] != fb[0]:
        return f"HTTP {fa[0]} for another branch's object, {fb[0]} for a random id"
    if fa[1] != fb[1]:
        return (
            f"bodies differ: {fa[1][:160].decode('utf-8', 'replace')!r} vs "
            f"{fb[1][:160].decode('utf-8', 'replace')!r}"
        )
    ha, hb = dict(fa[2]), dict(fb[2])
    keys = sorted(k for k in ha.keys() | hb.keys() if ha.get(k) != hb.get(k))
    return "headers differ: " + ", ".join(f"{k}: {ha.get(k)} vs {hb.get(k)}" for k in keys)


def run(ctx: Any, part: PartResult) -> None:
    from .contract import example_case, load_schema

    schema = load_schema(ctx.http.base)
    prepared = ctx.prepared
    ops, unknown = [], []
    for result in schema.get_all_operations():
        op = result.ok()
        if "{" not in op.path:
            continue
        if op.path.startswith((INDICATOR_PREFIX + "/", PROCESS_PREFIX + "/")) or _catalogue(
            op.path
        ):
            ops.append((op, None))
            continue
        door = door_for(op.path)
        if door is None:
            unknown.append(f"{op.method.upper()} {op.path}")
            continue
        ops.append((op, door))
    part.check(
        f"every one of the {len(ops) + len(unknown)} operations with an id has a known door",
        not unknown,
        f"add their models to DOORS in scripts/reliability_suite/doors.py: {unknown}",
    )
    personas = [(name, info) for name, info in ctx.branch_personas.items() if info["branch_code"]]
    part.details["personas"] = [name for name, _ in personas]
    part.details["operations"] = len(ops)
    rows: list[dict[str, Any]] = []
    leaks: list[str] = []
    skipped: list[str] = []
    own_open = 0
    examples = {op.label: example_case(op) for op, _ in ops}
    for name, info in personas:
        token = ctx.tokens[name]
        code = info["branch_code"]
        for op, door in ops:
            method, template = op.method.upper(), op.path
            case = examples[op.label]
            path_params = dict(case.path_parameters or {})
            query = dict(case.query or {})
            process = door is None and template.startswith(PROCESS_PREFIX + "/")
            figures = template == PRODUCT_FIGURES
            if (process and not template.endswith("/mining")) or (
                _catalogue(template) and not figures
            ):
                skipped.append(f"{name} {method} {template}: one for the whole insurer")
                continue
            if door is None:  # indicators and process mining: the door is ?org_unit=
                ind = prepared["indicator"].get(code)
                if ind is None:
                    skipped.append(f"{name} {method} {template}: no indicator figures elsewhere")
                    continue
                mining = template.startswith(PROCESS_PREFIX + "/")
                path_params["code"] = (
                    PROCESS_PROBED if mining else PRODUCT_PROBED if figures else ind["code"]
                )
                if (
                    not mining
                    and not figures
                    and ("period" in query or template.endswith("/cases"))
                ):
                    query["period"] = ind["period"]
                for key in ("from", "to", "granularity"):
                    query.pop(key, None)
                real = {**query, "org_unit": ind["other_unit"]}
                fake = {**query, "org_unit": str(uuid.uuid4())}
                pair = (
                    _send(ctx, case, path_params, real, token),
                    _send(ctx, case, path_params, fake, token),
                )
                target = f"?org_unit={ind['other_unit']} ({ind['other_path']}), code {ind['code']}"
            else:
                prefix, label, _lookup = door
                ids = prepared["doors"][prefix][code]
                if not ids["other"]:
                    skipped.append(f"{name} {method} {template}: no object in another branch")
                    continue
                id_param = _id_param(prefix)
                if "action" in path_params:
                    path_params["action"] = (
                        OTHER_ACTIONS.get(label) or prepared["actions"][CASE_KINDS[label]]
                    )
                    case.body = {"version": STALE_VERSION, "data": {}}
                real_params = {**path_params, id_param: ids["other"]}
                fake_params = {**path_params, id_param: str(uuid.uuid4())}
                pair = (
                    _send(ctx, case, real_params, query, token),
                    _send(ctx, case, fake_params, query, token),
                )
                target = f"{id_param}={ids['other']} ({ids['other_path']})"
                if method == "GET" and ids["own"]:
                    own = _send(ctx, case, {**path_params, id_param: ids["own"]}, query, token)
                    own_open += own.status_code == 200
            same = _fingerprint(pair[0]) == _fingerprint(pair[1])
            row = {
                "persona": name,
                "operation": f"{method} {template}",
                "target": target,
                "status_other": pair[0].status_code,
                "status_random": pair[1].status_code,
                "same": same,
            }
            rows.append(row)
            if not same:
                part.leaks += 1
                leaks.append(
                    f"{name}: {method} {template} with {target}: "
                    f"{_describe_difference(pair[0], pair[1])}"
                )
    part.details.update(
        pairs=len(rows),
        skipped=skipped,
        own_branch_get_200=own_open,
        status_pairs=_status_pairs(rows),
        leaks=leaks,
        rows=rows,
    )
    part.check(
        f"{len(rows)} pairs (another branch's object vs a random id) answer byte-for-byte alike",
        not leaks,
        f"{len(leaks)} leaks, e.g. {leaks[0] if leaks else ''}",
    )
    for leak in leaks:
        print(f"      leak: {leak}")


def _send(ctx: Any, case: Any, path_params: dict[str, Any], query: dict[str, Any], token: str):
    case.path_parameters = path_params
    case.query = query
    response = case.call(
        base_url=ctx.http.base, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    ctx.http.tally.add(case.method.upper(), case.formatted_path, response.status_code)
    return response


def _status_pairs(rows: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        key = f"{r['status_other']}/{r['status_random']}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))
