"""Every write of the compliance app (DESIGN rules 1, 3; standard 9.1.2, 9.1.3; issue 20 §1, §2).

* ``control_run`` — test one automatic control for one month: the check's outcomes grouped by org
  unit (down to the 中心支公司 level) into ``ControlResult`` rows, replacing that month's earlier
  run (idempotent); ``controls_run_month`` runs every active automatic control (the monthly job).
* ``attestation_record`` — a manual control's statement for a unit and period with its evidence
  file, checked by content (``hiqc.core.filecheck``) within the size limit.
* ``change_record`` — a regulatory change, which opens its impact assessment case with a clock.
* ``assessment_act`` — the assessment's steps through the engine; ``note`` records an obligation,
  control or rule it updated (the code must exist).
"""

from __future__ import annotations

import calendar
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.filecheck import FileRefused, inspect_document
from hiqc.core.identifiers import create_numbered
from hiqc.core.rules import RULES
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import active_units, root_path, unit_in_scope, units_by_path

from .controls import check_get, effectiveness, status_for
from .enums import ATTEST, MANAGE, VIEW, AssessmentStatus, ControlKind
from .models import (
    Attestation,
    Control,
    ControlResult,
    ImpactAssessment,
    Law,
    Obligation,
    RegulatoryChange,
)
from .selectors import access_assessment, access_control
from .workflow import ASSESSMENT, PROCESS, WORK_BY_STATE

MB = 1024 * 1024
DEFAULT_MAX_EVIDENCE_BYTES = 10 * MB
TEXT_MAX = 2000
MAX_REFS = 200  # failing records kept per result (the count is exact; the list is a sample)

Errors = dict[str, list[str]]


def max_evidence_bytes() -> int:
    return int(getattr(settings, "HIQC_COMPLIANCE_MAX_EVIDENCE_BYTES", DEFAULT_MAX_EVIDENCE_BYTES))


def _url(case_id: str) -> str:
    return reverse("compliance:assessment", args=[case_id])


KIND = CaseKind(label=PROCESS, workflow=ASSESSMENT, access=access_assessment,
                name=gettext_lazy("法规变化影响评估"), view_perm=VIEW,
                work_by_state=WORK_BY_STATE, url_for=_url)  # fmt: skip


# --- periods -------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_after(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def month_bounds(start: date) -> tuple[datetime, datetime]:
    """[00:00 Beijing on the 1st, 00:00 Beijing on the next 1st)."""
    return (datetime.combine(start, time(0), BEIJING),
            datetime.combine(month_after(start), time(0), BEIJING))  # fmt: skip


def month_last_day(start: date) -> date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def parse_period(raw: Any, field: str = "period") -> date:
    """'YYYY-MM' (or a date in the month) → the month's first day; 422 naming the field."""
    text = str(raw or "").strip()
    try:
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        return month_start(date.fromisoformat(text))
    except (ValueError, TypeError):
        raise ValidationFailed(
            _("期间格式有误。"), fields={field: [_("请按“年-月”填写，例如 2026-11。")]}
        ) from None


# --- automatic controls --------------------------------------------------------------------------


def _grouping_units() -> list[OrgUnit]:
    """The units results are kept for: head office, branches and 中心支公司, deepest first."""
    units = list(active_units(max_level=OrgLevel.CITY).only("id", "path", "level"))
    return sorted(units, key=lambda u: -len(u.path))


def _unit_of(path: str, units: list[OrgUnit]) -> OrgUnit | None:
    return next((u for u in units if path.startswith(u.path)), None)


@transaction.atomic
def control_run(*, actor: Actor, control: Control, period: date,
                at: datetime | None = None) -> list[ControlResult]:  # fmt: skip
    """Test ``control`` (automatic) on ``period``'s records; its results for the month replace any
    earlier run's. Needs compliance.manage over the control's unit scope (the job: a system actor)."""
    require(actor, MANAGE, path=control_path(control))
    check = check_get(control.check_code) if control.kind == ControlKind.AUTOMATIC else None
    if check is None:
        raise ValidationFailed(_("该控制措施不是已登记的自动控制，无法运行检测。"),
                               fields={"control": [_("仅自动控制可运行检测。")]})  # fmt: skip
    period = month_start(period)
    start, end = month_bounds(period)
    units = _grouping_units()
    tally: dict[Any, list[Any]] = defaultdict(lambda: [0, 0, []])
    unit_by_id = {u.pk: u for u in units}
    for outcome in check.run(start, end):
        if not outcome.org_path.startswith(control.unit_path):
            continue
        unit = _unit_of(outcome.org_path, units)
        if unit is None:
            continue
        row = tally[unit.pk]
        row[0] += 1
        if not outcome.passed:
            row[1] += 1
            if len(row[2]) < MAX_REFS:
                row[2].append(outcome.ref)
    at = at or timezone.now()
    control.results.filter(period_start=period).exclude(org_unit_id__in=list(tally)).delete()
    results = []
    for unit_id, (population, failures, refs) in tally.items():
        result, _created = ControlResult.objects.update_or_create(
            control=control, org_unit_id=unit_id, period_start=period,
            defaults={"org_path": unit_by_id[unit_id].path, "population": population,
                      "failures": failures, "effectiveness": effectiveness(population, failures),
                      "status": status_for(population, failures), "failing_refs": sorted(refs),
                      "run_at": at, "run_by": actor.username},
        )  # fmt: skip
        results.append(result)
    audit_record(actor=actor, action="compliance.control.run", subject=control,
                 data={"control": control.code, "period": period.isoformat(),
                       "units": len(results), "population": sum(r.population for r in results),
                       "failures": sum(r.failures for r in results)})  # fmt: skip
    return sorted(results, key=lambda r: r.org_path)


def controls_run_month(*, actor: Actor, period: date) -> int:
    """Run every active automatic control on ``period``; the number of results written."""
    n = 0
    for control in Control.objects.filter(kind=ControlKind.AUTOMATIC, active=True):
        if check_get(control.check_code) is not None:
            n += len(control_run(actor=actor, control=control, period=period))
    return n


def control_run_by_id(*, actor: Actor, control_id: Any, period: Any) -> list[ControlResult]:
    """On demand (a compliance officer): scope, then permission, then the period."""
    control = access_control(actor, control_id)
    require(actor, MANAGE, path=control_path(control))
    return control_run(actor=actor, control=control, period=parse_period(period))


# --- manual controls: attestations ---------------------------------------------------------------


@transaction.atomic
def attestation_record(*, actor: Actor, control_id: Any, data: Mapping[str, Any],
                       evidence: IO[bytes] | None, at: datetime | None = None
                       ) -> Attestation:  # fmt: skip
    """A manual control's statement for ``org_unit`` and ``period`` with its evidence file (JPEG,
    PNG or PDF, checked by content). One per control, unit and period: a second is a 409."""
    control = access_control(actor, control_id)
    require(actor, ATTEST)  # before any input is judged (a reader is told 403, never 422)
    errors: Errors = {}
    unit = None
    try:
        unit = unit_in_scope(actor, data.get("org_unit"), ATTEST)
    except Exception:  # missing, not yours or malformed: named on the field
        errors["org_unit"] = [_("请选择您有权声明的机构。")]
    if unit is not None:
        require(actor, ATTEST, unit)
    if control.kind != ControlKind.MANUAL:
        errors["control"] = [_("自动控制由系统检测，无需人工声明。")]
    period = None
    try:
        period = parse_period(data.get("period"))
    except ValidationFailed as exc:
        errors.update(exc.fields or {})
    statement = str(data.get("statement") or "").strip()
    if not statement:
        errors["statement"] = [_("请填写声明内容。")]
    elif len(statement) > TEXT_MAX:
        errors["statement"] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
    content = b""
    kind = None
    if evidence is None:
        errors["evidence"] = [_("请上传证据文件（JPEG、PNG 图片或 PDF）。")]
    else:
        content = evidence.read(max_evidence_bytes() + 1)
        if len(content) > max_evidence_bytes():
            errors["evidence"] = [_("文件超过 {n} MB。").format(n=max_evidence_bytes() // MB)]
        elif not content:
            errors["evidence"] = [_("文件为空。")]
        else:
            try:
                kind = inspect_document(content)
            except FileRefused as exc:
                errors["evidence"] = [str(exc)]
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)
    assert unit is not None and period is not None and kind is not None
    if Attestation.objects.filter(control=control, org_unit=unit, period_start=period).exists():
        raise Conflict(_("该机构本期已声明过此控制措施。"), code="already_attested")
    from django.core.files.base import ContentFile

    at = at or timezone.now()
    effective = str(data.get("effective", "true")).strip().lower() not in ("false", "0", "no", "否")
    att = Attestation(control=control, org_unit=unit, period_start=period, statement=statement,
                      effective=effective, attested_by=actor.username, attested_at=at,
                      content_type=kind.content_type, size=len(content),
                      sha256=hashlib.sha256(content).hexdigest())  # fmt: skip
    att.evidence.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(content), save=False)
    att.save(force_insert=True)
    audit_record(actor=actor, action="compliance.attest", subject=att,
                 data={"control": control.code, "period": period.isoformat(),
                       "effective": effective, "size": len(content)})  # fmt: skip
    return att


# --- regulatory changes and their impact assessment ----------------------------------------------


def control_path(control: Control) -> str:
    """The subtree a control answers for: its unit scope, or head office's for the whole company."""
    return control.unit_path or _head_office().path


def head_office_path() -> str:
    return _head_office().path


def _head_office() -> OrgUnit:
    unit = units_by_path([root_path()]).get(root_path())
    if unit is None:
        raise ValidationFailed(_("尚未建立机构树。"))
    return unit


@transaction.atomic
def change_record(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None
                  ) -> RegulatoryChange:  # fmt: skip
    """Record a regulatory change (law, effective date, what changes) and open its impact
    assessment at head office with its clock (compliance.manage at head office)."""
    ho = _head_office()
    require(actor, MANAGE, ho)
    errors: Errors = {}
    law = Law.objects.filter(code=str(data.get("law") or "").strip()).first()
    if law is None:
        errors["law"] = [_("请选择登记簿中的法律法规（代码）。")]
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("请填写标题。")]
    elif len(title) > 200:
        errors["title"] = [_("不能超过 {n} 个字。").format(n=200)]
    summary = str(data.get("summary") or "").strip()
    if not summary:
        errors["summary"] = [_("请说明变化内容。")]
    elif len(summary) > TEXT_MAX:
        errors["summary"] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
    effective_on = None
    try:
        effective_on = date.fromisoformat(str(data.get("effective_on") or ""))
    except ValueError:
        errors["effective_on"] = [_("请填写生效日期（年-月-日）。")]
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)
    assert law is not None and effective_on is not None
    at = at or timezone.now()
    change = RegulatoryChange.objects.create(law=law, title=title, effective_on=effective_on,
                                             summary=summary, recorded_by=actor.username)  # fmt: skip
    case = create_numbered(ImpactAssessment, field="number", letters="YX", at=at, digits=4,
                           change=change, org_unit=ho, status=AssessmentStatus.OPEN,
                           opened_at=at)  # fmt: skip
    case_opened(kind=KIND, case=case, actor=actor, at=at,
                source=Source.SYSTEM if actor.is_system else Source.PAGE,
                data={"law": law.code, "effective_on": effective_on.isoformat()})  # fmt: skip
    audit_record(actor=actor, action="compliance.change.record", subject=change,
                 data={"law": law.code, "effective_on": effective_on.isoformat(),
                       "assessment": case.number})  # fmt: skip
    return change


LINK_TYPES = ("obligation", "control", "rule")


def _link(data: Mapping[str, str]) -> dict[str, str]:
    """What a ``note`` records: an obligation, control or rule by its code (``type`` optional:
    found by the code when not given); an unknown code is refused on ``ref``."""
    kind = data.get("type", "")
    ref = data.get("ref", "")[:60]
    if kind and kind not in LINK_TYPES:
        raise ValidationFailed(_("信息有误，请按提示修改。"),
                               fields={"type": [_("请选择：义务、控制措施或规则。")]})  # fmt: skip
    found = {
        "obligation": lambda: Obligation.objects.filter(code=ref).exists(),
        "control": lambda: Control.objects.filter(code=ref).exists(),
        "rule": lambda: ref in RULES,
    }
    kinds = [kind] if kind else list(LINK_TYPES)
    hit = next((k for k in kinds if found[k]()), None)
    if hit is None:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields={"ref": [
            _("登记簿中没有编号为“{ref}”的合规义务、控制措施或规则。").format(ref=ref)]})  # fmt: skip
    return {"type": hit, "ref": ref, "note": data.get("note", "")[:500]}


def assessment_act(*, actor: Actor, case_id: Any, action: str, data: Mapping[str, Any],
                   version: int | None = None, at: datetime | None = None,
                   source: str = Source.API) -> ImpactAssessment:  # fmt: skip
    """start (analysis), note (type, ref, note), conclude (outcome), cancel (reason)."""
    data = {k: str(v).strip() for k, v in data.items()}
    for name in ("analysis", "outcome", "reason", "note"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = at or timezone.now()
    with transaction.atomic():
        link = _link(data) if action == "note" and data.get("ref") else None
        case = case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, data=data,
                               version=version, at=at, source=source,
                               record={k: (v if k in ("type", "ref") else len(v))
                                       for k, v in data.items()})  # fmt: skip
        assert isinstance(case, ImpactAssessment)
        fields: list[str] = []
        if action == "start":
            case.analysis, fields = data["analysis"], ["analysis"]
        elif action == "note" and link is not None:
            case.links, fields = [*case.links, link], ["links"]
        elif action == "conclude":
            case.outcome, case.closed_at = data["outcome"], at
            fields = ["outcome", "closed_at"]
        elif action == "cancel":
            case.outcome, case.closed_at = data["reason"], at
            fields = ["outcome", "closed_at"]
        if fields:
            case.save(update_fields=[*fields, "updated_at"])
    return case
