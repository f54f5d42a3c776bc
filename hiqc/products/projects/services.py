"""Every write to product R&D projects (standard 3.1.2, 3.3.2, 3.1.1(3); issue 17 §2, §3).
Status changes only through the case engine (``case_transition``); the catalogue (products and
their versions) only through ``hiqc.policies.catalogue``.

* ``project_open`` — a new-product project creates the product and its first draft version; an
  update project drafts the next version from the current one. The project belongs to the head
  office unit of the person who opens it.
* ``project_act`` — the gates' actions (``workflow.PROJECT``): record a gate's inputs, sign a gate
  off (refused with what is missing), reject back to the gate before with the reasons, launch
  (publishes the draft version in force from a date), cancel (discards the draft).
* ``attachment_add`` — a file for the current gate: a real PDF, JPEG or PNG (checked by its
  content, ``hiqc.core.filecheck``) of at most ``MAX_ATTACHMENT_BYTES``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind, Prepared, Refusal
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import ValidationFailed
from hiqc.core.filecheck import FileRefused, inspect_document
from hiqc.core.identifiers import create_numbered
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import root_path, units_by_path
from hiqc.policies import catalogue
from hiqc.policies import selectors as policy_selectors
from hiqc.policies.models import ClaimType, ProductLine

from . import checklist
from .models import GATES, TEXT_MAX, Gate, ProductProject, ProjectAttachment, ProjectKind
from .workflow import (
    DEVELOP,
    PREVIOUS,
    PROCESS,
    PROJECT,
    RECORDER,
    VIEW,
    WORK_BY_STATE,
    pass_action,
)

MB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 10 * MB
MAX_ATTACHMENTS = 30  # per project
RISKS_MAX = 30
ATTACHMENT_GATES = {Gate.NEEDS, Gate.DESIGN, Gate.RISK, Gate.COMPLIANCE, Gate.TESTING}
ATTACHMENT_NAMES: dict[str, Any] = {
    Gate.NEEDS: gettext_lazy("市场调研 / 需求分析报告"),
    Gate.DESIGN: gettext_lazy("产品设计文档"),
    Gate.RISK: gettext_lazy("风险评估报告"),
    Gate.COMPLIANCE: gettext_lazy("合规审查证据"),
    Gate.TESTING: gettext_lazy("测试记录"),
}


# --- doors -------------------------------------------------------------------------------------


def _projects() -> Any:
    return ProductProject.objects.select_related("org_unit", "product", "product_version")


def access_project(actor: Actor, project_id: Any, *, for_update: bool = False) -> ProductProject:
    """The one door: missing and out of scope are the same 404 (DESIGN rule 2)."""
    qs = ProductProject.objects.select_related("org_unit") if for_update else _projects()
    return get_in_scope(actor, qs, project_id, VIEW, for_update=for_update)


def access_attachment(actor: Actor, attachment_id: Any) -> ProjectAttachment:
    qs = ProjectAttachment.objects.select_related("project", "project__org_unit")
    return get_in_scope(actor, qs, attachment_id, VIEW)


def _url(case_id: str) -> str:
    return reverse("products:project", args=[case_id])


# --- what a gate needs -------------------------------------------------------------------------


def _attachments(project: ProductProject, gate: str) -> list[ProjectAttachment]:
    return [a for a in ProjectAttachment.objects.filter(project_id=project.pk, gate=gate)]


def gate_problems(project: ProductProject, gate: str | None = None) -> list[str]:
    """What stops ``gate`` (by default the current one) from being signed off: empty when its
    inputs and attachments are all there (3.1.2)."""
    gate = gate or project.status
    out: list[str] = []
    needs_file = gate in ATTACHMENT_GATES and gate != Gate.COMPLIANCE
    version = _version(project)
    if gate == Gate.NEEDS and not project.needs_analysis.strip():
        out.append(_("缺少市场调研与需求分析"))
    elif gate == Gate.DESIGN:
        if version is None:
            out.append(_("没有草稿版本"))
        else:
            for field, msgs in catalogue.version_problems(version).items():
                out.append(
                    _("产品条款不完整（{field}：{msgs}）").format(
                        field=field, msgs="、".join(map(str, msgs))
                    )
                )
    elif gate == Gate.RISK:
        if not project.risks:
            out.append(_("缺少风险评估（至少一项风险及其控制措施）"))
        elif any(not str(r.get("control") or "").strip() for r in project.risks):
            out.append(_("有风险未制定控制措施"))
    elif gate == Gate.COMPLIANCE:
        out += checklist.problems(version, project.checklist_answers)
    elif gate == Gate.TESTING:
        if not project.test_result.strip():
            out.append(_("缺少测试结果"))
        elif not project.test_passed:
            out.append(_("测试未通过"))
    elif gate == Gate.LAUNCH:
        if version is None or version.effective_from is not None:
            out.append(_("没有待发布的草稿版本"))
        elif catalogue.version_problems(version):
            out.append(_("产品条款不完整，请退回产品设计"))
    if needs_file and not _attachments(project, gate):
        out.append(_("缺少附件：{name}").format(name=ATTACHMENT_NAMES[gate]))
    return out


def gates_of(project: ProductProject) -> list[dict[str, Any]]:
    """The six gates with where the project stands, what the current one lacks and sign-offs."""
    current = GATES.index(project.status) if project.status in GATES else None
    out = []
    for i, gate in enumerate(GATES):
        if (
            project.status == Gate.LAUNCHED
            or (current is not None and i < current)
            or (project.status == Gate.CANCELLED and gate in project.signoffs)
        ):
            state = "done"
        elif current == i:
            state = "current"
        else:
            state = "waiting"
        out.append(
            {
                "gate": gate,
                "label": str(Gate(gate).label),
                "state": state,
                "problems": gate_problems(project) if state == "current" else [],
                "signoff": project.signoffs.get(gate),
            }
        )
    return out


def _version(project: ProductProject) -> Any:
    return project.product_version if project.product_version_id is not None else None


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> Refusal | None:
    """A sign-off is held back while its gate lacks inputs or attachments (the engine then
    refuses it with 409 and the reasons, and the page lists it as unavailable with them)."""
    if action != pass_action(case.status):
        return None
    found = gate_problems(case)
    if not found:
        return None
    code = "gate_incomplete"
    if case.status == Gate.COMPLIANCE and any(
        r["auto"] and r["result"] == checklist.FAIL
        for r in checklist.evaluate(_version(case), case.checklist_answers)
    ):
        code = "compliance_check_failed"
    label = Gate(case.status).label
    return Refusal(
        _("{gate}不能签批：{problems}。").format(gate=label, problems="；".join(found)), code
    )


# --- the gates' inputs -------------------------------------------------------------------------


def _fail(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)


def _text(
    data: Mapping[str, Any],
    name: str,
    errors: dict[str, list[str]],
    *,
    required: str = "",
    limit: int = TEXT_MAX,
) -> str:
    value = str(data.get(name) or "").strip()
    if not value and required:
        errors[name] = [required]
    elif len(value) > limit:
        errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
    return value


def _risks(data: Mapping[str, Any], errors: dict[str, list[str]]) -> list[dict[str, str]]:
    """``risks``: a list of {"risk", "control"}, or text with one risk per line as
    ``风险 | 控制措施``."""
    raw = data.get("risks")
    rows: list[dict[str, str]] = []
    if isinstance(raw, str):
        for line in raw.splitlines():
            if line.strip():
                risk, _sep, control = line.partition("|")
                rows.append({"risk": risk.strip(), "control": control.strip()})
    elif isinstance(raw, list):
        for r in raw:
            if isinstance(r, Mapping):
                rows.append(
                    {
                        "risk": str(r.get("risk") or "").strip(),
                        "control": str(r.get("control") or "").strip(),
                    }
                )
            else:
                errors["risks"] = [_("每项风险须包含 risk 与 control。")]
                return []
    if not rows:
        errors["risks"] = [_("请至少填写一项风险及其控制措施（每行一项：风险 | 控制措施）。")]
    elif len(rows) > RISKS_MAX:
        errors["risks"] = [_("最多 {n} 项。").format(n=RISKS_MAX)]
    else:
        for i, r in enumerate(rows, start=1):
            if not r["risk"]:
                errors["risks"] = [_("第 {i} 项缺少风险描述。").format(i=i)]
            elif not r["control"]:
                errors["risks"] = [
                    _("第 {i} 项风险“{risk}”缺少控制措施。").format(i=i, risk=r["risk"][:40])
                ]
            elif len(r["risk"]) > 500 or len(r["control"]) > 1000:
                errors["risks"] = [_("第 {i} 项过长。").format(i=i)]
            if "risks" in errors:
                break
    return rows


def _answers(
    project: ProductProject, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, dict[str, str]]:
    """The reviewer's answers to the manual items: ``result_<code>`` pass / fail, ``note_<code>``
    (required when failing) and ``attachment_<code>`` (an attachment of the compliance gate)."""
    answers = {k: dict(v) for k, v in project.checklist_answers.items()}
    evidence = {str(a.pk) for a in _attachments(project, Gate.COMPLIANCE)}
    given = 0
    for item in checklist.MANUAL:
        result = str(data.get(f"result_{item.code}") or "").strip()
        note = str(data.get(f"note_{item.code}") or "").strip()
        attachment = str(data.get(f"attachment_{item.code}") or "").strip()
        if not result and not note and not attachment:
            continue
        given += 1
        if result not in (checklist.PASS, checklist.FAIL):
            errors[f"result_{item.code}"] = [_("请选择通过或不通过。")]
        elif result == checklist.FAIL and not note:
            errors[f"note_{item.code}"] = [_("不通过时请说明理由。")]
        if len(note) > 1000:
            errors[f"note_{item.code}"] = [_("不能超过 {n} 个字。").format(n=1000)]
        if attachment and attachment not in evidence:
            errors[f"attachment_{item.code}"] = [_("请选择本项目合规审查阶段上传的附件。")]
        answers[item.code] = {"result": result, "note": note, "attachment": attachment}
    unknown = [
        k[len("result_") :]
        for k in data
        if str(k).startswith("result_")
        and k[len("result_") :] not in {i.code for i in checklist.MANUAL}
    ]
    for code in unknown:
        errors[f"result_{code}"] = [_("没有这个人工审查项（自动检查项由系统计算）。")]
    if not given and not unknown:
        errors["result"] = [_("请至少答复一个审查项。")]
    return answers


LIST_TERMS = ("coverage", "health_services")


def terms_from_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """The draft version's terms from the design form's fields (text the page posts) or from the
    API's JSON (lists and numbers as they are): ``coverage`` one per line ``代码 | 名称 | 说明``,
    ``health_services`` one per line ``名称 | 成本（元）``, ``sum_insured_options`` separated by
    commas, ``claim_types`` a list. Only the fields given are changed."""
    terms: dict[str, Any] = {}
    raw: Any
    for name in ("term_years", "waiting_period_days"):
        if name in data:
            raw = str(data.get(name) or "").strip()
            terms[name] = int(raw) if raw.isdigit() else raw
    for name in ("premium_basis", "renewal", "change_summary"):
        if name in data:
            terms[name] = str(data.get(name) or "").strip()
    if "net_premium_yuan" in data:
        premium = str(data.get("net_premium_yuan") or "").strip()
        try:
            terms["net_premium_yuan"] = Decimal(premium) if premium else None
        except InvalidOperation:
            terms["net_premium_yuan"] = premium
    if "sum_insured_options" in data:
        raw = data.get("sum_insured_options")
        if isinstance(raw, str):
            parts = [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]
            terms["sum_insured_options"] = [int(p) if p.isdigit() else p for p in parts]
        else:
            terms["sum_insured_options"] = raw
    if "claim_types" in data:
        raw = data.get("claim_types")
        terms["claim_types"] = [raw] if isinstance(raw, str) and raw else list(raw or [])
    if "coverage" in data:
        raw = data.get("coverage")
        if isinstance(raw, str):
            rows = []
            for line in raw.splitlines():
                if line.strip():
                    parts = [p.strip() for p in line.split("|")]
                    rows.append(
                        {
                            "code": parts[0],
                            "name": parts[1] if len(parts) > 1 else "",
                            "description": parts[2] if len(parts) > 2 else "",
                        }
                    )
            terms["coverage"] = rows
        else:
            terms["coverage"] = raw
    if "health_services" in data:
        raw = data.get("health_services")
        if isinstance(raw, str):
            rows = []
            for line in raw.splitlines():
                if line.strip():
                    name, _sep, cost = line.partition("|")
                    rows.append({"name": name.strip(), "cost_yuan": cost.strip()})
            terms["health_services"] = rows
        else:
            terms["health_services"] = raw
    return terms


def _checklists(data: Mapping[str, Any]) -> dict[str, list[tuple[str, str, bool]]]:
    """``checklist_<claim type>``: the claim documents, one per line ``代码 | 名称 | 必需(是/否)``."""
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for claim_type in ClaimType.values:
        raw = data.get(f"checklist_{claim_type}")
        if raw is None:
            continue
        items = []
        lines = raw.splitlines() if isinstance(raw, str) else raw
        for line in lines:
            if isinstance(line, str):
                if not line.strip():
                    continue
                parts = [p.strip() for p in line.split("|")]
                required = len(parts) < 3 or parts[2] not in ("否", "0", "no", "false")
                items.append((parts[0], parts[1] if len(parts) > 1 else parts[0], required))
            else:
                items.append((str(line[0]), str(line[1]), bool(line[2])))
        out[claim_type] = items
    return out


def _design(actor: Actor, project: ProductProject, data: Mapping[str, Any]) -> dict[str, Any]:
    """Write the design into the draft version (``version_update`` and, per claim type given,
    ``version_set_checklist``); the catalogue's field errors come back as they are."""
    errors: dict[str, list[str]] = {}
    summary = _text(data, "design_summary", errors)
    _fail(errors)
    version = _version(project)
    if version is None or version.effective_from is not None:
        raise ValidationFailed(
            _("没有可修改的草稿版本。"), fields={"version": [_("没有草稿版本。")]}
        )
    terms = terms_from_form(data)
    if terms:
        catalogue.version_update(actor, version, terms)
    for claim_type, items in _checklists(data).items():
        if claim_type in (version.claim_types or []):  # a form lists every type; set the covered
            catalogue.version_set_checklist(actor, version, claim_type, items)
    return {"design_summary": summary} if "design_summary" in data else {}


def _effective_from(data: Mapping[str, Any], at: datetime) -> date:
    raw = str(data.get("effective_from") or "").strip()
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        raise ValidationFailed(
            _("请填写生效日期（年-月-日）。"),
            fields={"effective_from": [_("请填写生效日期（年-月-日）。")]},
        )
    if day < at.astimezone(BEIJING).date():
        raise ValidationFailed(
            _("生效日期不能早于今天。"), fields={"effective_from": [_("生效日期不能早于今天。")]}
        )
    return day


def _publisher(actor: Actor) -> Actor:
    """Who publishes the version at launch: the signer, when they maintain the catalogue
    (``policies.manage``); otherwise the project on the signer's behalf (the quality lead may
    approve a launch without maintaining the catalogue; the audit names both)."""
    if actor.is_system or actor.can("policies.manage"):
        return actor
    return Actor.system(f"{actor.username}（产品上线）")


def _prepare(
    store: Any,
    case: Any,
    actor: Actor,
    action: str,
    data: Mapping[str, Any],
    at: datetime,
    source: str,
) -> Prepared:
    """The gate actions' own checks and changes (run by the engine after the permission and
    the guard)."""
    errors: dict[str, list[str]] = {}
    updates: dict[str, Any] = {}
    record: dict[str, Any] = {}
    after: Callable[[Any], None] | None = None
    stamp = {"by": actor.username, "at": at.isoformat()}
    if action == "record_needs":
        updates["needs_analysis"] = _text(
            data, "needs_analysis", errors, required=_("请填写市场调研与需求分析。")
        )
        record = {"needs_analysis": len(updates["needs_analysis"])}
    elif action == "record_design":
        updates = _design(actor, case, data)
        record = {"fields": sorted(k for k in data if k != "design_summary")}
    elif action == "record_risk":
        updates["risks"] = _risks(data, errors)
        record = {"risks": len(updates["risks"])}
    elif action == "record_compliance":
        updates["checklist_answers"] = _answers(case, data, errors)
        record = {"answers": {k: v["result"] for k, v in updates["checklist_answers"].items()}}
    elif action == "record_testing":
        updates["test_result"] = _text(data, "test_result", errors, required=_("请填写测试结果。"))
        passed = str(data.get("test_passed") or "").strip().lower()
        if passed not in ("true", "1", "on", "yes", "false", "0", "no", "off", ""):
            errors["test_passed"] = [_("请说明测试是否通过。")]
        updates["test_passed"] = passed in ("true", "1", "on", "yes")
        record = {"test_passed": updates["test_passed"]}
    elif action.startswith("pass_") or action == "launch":
        gate = case.status
        updates["signoffs"] = {**case.signoffs, gate: stamp}
        record = {"gate": gate}
        if gate == Gate.COMPLIANCE:
            opinion = _text(data, "opinion", errors)
            updates["compliance_opinion"] = opinion
            record["checklist"] = {
                r["code"]: r["result"]
                for r in checklist.evaluate(_version(case), case.checklist_answers)
            }
        if action == "launch":
            day = _effective_from(data, at)
            updates.update(effective_from=day, launched_at=at)
            record["effective_from"] = day.isoformat()
            version = _version(case)

            def publish(_case: Any, version: Any = version, day: date = day) -> None:
                catalogue.version_publish(_publisher(actor), version, effective_from=day)

            after = publish
    elif action.startswith("reject_"):
        reason = _text(data, "reason", errors, limit=2000)
        updates["rejections"] = [
            *case.rejections,
            {
                "gate": case.status,
                "to": PREVIOUS.get(case.status, ""),
                "reason": reason,
                **stamp,
            },
        ]
        record = {"gate": case.status, "reason": reason}
    elif action == "cancel":
        reason = _text(data, "reason", errors, limit=2000)
        updates["cancel_reason"] = reason
        record = {"reason": reason}
        version = _version(case)
        if version is not None and version.effective_from is None:
            updates["product_version"] = None  # the draft goes; the project keeps its product

            def discard(_case: Any, version: Any = version) -> None:
                catalogue.version_discard(_publisher(actor), version)

            after = discard

    _fail(errors)
    return Prepared(at=at, updates=updates, record=record, after=after)


KIND = CaseKind(
    label=PROCESS,
    workflow=PROJECT,
    access=access_project,
    name=gettext_lazy("产品研发项目"),
    view_perm=VIEW,
    work_by_state=WORK_BY_STATE,
    url_for=_url,
    blocked=_blocked,
    prepare=_prepare,
)


# --- opening -----------------------------------------------------------------------------------


def head_office(actor: Actor) -> OrgUnit:
    """The head office unit (top of the tree) above the actor's home unit."""
    top = actor.home_path.split("/")[0] + "/" if actor.home_path else ""
    unit = units_by_path([top]).get(top) if top else None
    if unit is None:
        unit = units_by_path([root_path()]).get(root_path())
    if unit is None:
        raise ValidationFailed(_("尚未建立机构。"), fields={"org_unit": [_("尚未建立机构。")]})
    return unit


def project_open(*, actor: Actor, data: Mapping[str, Any]) -> ProductProject:
    """Open a project (products.develop): ``kind`` new (``code``, ``name``, ``line``,
    ``description``: the product and its first draft are created) or update (``product``: its
    code; the next version is drafted from the current one), with ``title`` and ``reason``."""
    require(actor, DEVELOP)
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "").strip()
    if kind not in ProjectKind.values:
        errors["kind"] = [_("请选择新产品开发或产品更新。")]
    title = _text(data, "title", errors, required=_("请填写项目名称。"), limit=200)
    reason = _text(data, "reason", errors, required=_("请填写立项原因与背景。"))
    product = None
    if kind == ProjectKind.UPDATE:
        code = str(data.get("product") or "").strip()
        product = policy_selectors.product_get(code) if code else None
        if product is None:
            errors["product"] = [_("请选择要更新的产品。")]
    elif kind == ProjectKind.NEW:
        _text(data, "code", errors, required=_("请填写产品代码。"), limit=40)
        _text(data, "name", errors, required=_("请填写产品名称。"), limit=100)
        if str(data.get("line") or "") not in ProductLine.values:
            errors["line"] = [_("请选择险种。")]
    _fail(errors)
    require(actor, DEVELOP, path=head_office(actor).path)
    at = timezone.now()
    with transaction.atomic():
        if kind == ProjectKind.NEW:
            product = catalogue.product_create(
                actor,
                code=str(data.get("code")).strip(),
                name=str(data.get("name")).strip(),
                line=str(data.get("line")),
                description=str(data.get("description") or "").strip(),
            )
            version = catalogue.version_draft(actor, product)
        else:
            assert product is not None
            try:
                version = catalogue.version_draft(actor, product)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    exc.message,
                    fields={
                        "product": [m for msgs in (exc.fields or {}).values() for m in msgs]
                        or [exc.message]
                    },
                ) from exc
        unit = head_office(actor)
        project = create_numbered(
            ProductProject,
            field="number",
            letters="YF",
            at=at,
            digits=4,
            kind=kind,
            title=title,
            product=product,
            product_version=version,
            reason=reason,
            org_unit=unit,
            owner=actor.username,
            opened_at=at,
            status=Gate.NEEDS,
            assignee_id=actor.user_id,
        )
        case_opened(
            kind=KIND,
            case=project,
            actor=actor,
            at=at,
            source=Source.SYSTEM if actor.is_system else Source.PAGE,
            data={
                "kind": kind,
                "product": product.code,
                "version": getattr(version, "number", None),
            },
        )
    return project


def project_act(
    *,
    actor: Actor,
    project_id: Any,
    action: str,
    data: Mapping[str, Any],
    version: int | None = None,
    source: str = Source.PAGE,
) -> ProductProject:
    """One gate action through the engine (see ``workflow``)."""
    project = case_transition(
        kind=KIND,
        actor=actor,
        case_id=project_id,
        action=action,
        data=dict(data),
        version=version,
        source=source,
    )
    assert isinstance(project, ProductProject)
    return project


# --- attachments -------------------------------------------------------------------------------


def _digest(upload: UploadedFile, limit: int) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            break
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest(), size


def attachment_add(
    *, actor: Actor, project_id: Any, gate: str, upload: UploadedFile | None, name: str = ""
) -> ProjectAttachment:
    """A file for the project's current gate, by the gate's recorder (the compliance officer
    for the compliance evidence, the product manager otherwise). The type is read from the
    content (PDF, JPEG or PNG, parsed whole); the stored name is generated."""
    project = access_project(actor, project_id)
    gate = str(gate or project.status)
    if gate not in ATTACHMENT_GATES:
        raise ValidationFailed(_("该阶段不接收附件。"), fields={"gate": [_("请选择阶段。")]})
    require(actor, RECORDER[gate], project)
    if project.status != gate:
        raise ValidationFailed(
            _("只能为项目当前所处的阶段上传附件。"),
            fields={"gate": [_("项目当前处于{gate}。").format(gate=project.get_status_display())]},
        )
    errors: dict[str, list[str]] = {}
    label = _text({"name": name}, "name", errors, limit=200) or str(ATTACHMENT_NAMES[gate])
    if upload is None:
        errors["file"] = [_("请选择文件。")]
    _fail(errors)
    assert upload is not None
    sha256, size = _digest(upload, MAX_ATTACHMENT_BYTES)
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(
            _("文件过大：每个文件不超过 {n} MB。").format(n=MAX_ATTACHMENT_BYTES // MB),
            code="file_too_large",
            fields={"file": [_("文件不超过 {n} MB。").format(n=MAX_ATTACHMENT_BYTES // MB)]},
        )
    if size == 0:
        raise ValidationFailed(_("文件为空。"), fields={"file": [_("文件为空。")]})
    try:
        kind = inspect_document(upload.read(MAX_ATTACHMENT_BYTES + 1))
    except FileRefused as exc:
        message = (
            _("只接受 PDF 文件或 JPEG、PNG 图片。") if exc.code == "file_type" else exc.message
        )
        raise ValidationFailed(message, code=exc.code, fields={"file": [exc.message]}) from exc
    upload.seek(0)
    if ProjectAttachment.objects.filter(project=project, sha256=sha256).exists():
        raise ValidationFailed(
            _("该文件已经上传过。"), code="duplicate", fields={"file": [_("重复的文件。")]}
        )
    if ProjectAttachment.objects.filter(project=project).count() >= MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("该项目的附件已达上限。"),
            code="too_many_files",
            fields={"file": [_("附件已达上限。")]},
        )
    with transaction.atomic():
        doc = ProjectAttachment(
            project=project,
            gate=gate,
            name=label,
            uploaded_by=actor.username,
            content_type=kind.content_type,
            size=size,
            sha256=sha256,
        )
        doc.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
        doc.save(force_insert=True)
        audit_record(
            actor=actor,
            action="products.project.attachment",
            subject=doc,
            data={
                "project": project.number,
                "gate": gate,
                "size": size,
                "content_type": kind.content_type,
            },
        )
    return doc


def attachment_open(*, actor: Actor, attachment_id: Any) -> ProjectAttachment:
    """An attachment for those who may see the project; every opening is audited."""
    doc = access_attachment(actor, attachment_id)
    audit_record(
        actor=actor,
        action="products.project.attachment_open",
        subject=doc,
        data={"project": doc.project.number, "gate": doc.gate},
    )
    return doc


def project_attachments(project: ProductProject) -> list[ProjectAttachment]:
    """The project's attachments (read through a door already: the caller holds the project)."""
    return list(ProjectAttachment.objects.filter(project_id=project.pk).order_by("created_at"))
