"""Writes of sharing and exchange and of impact assessments (standard 6.3; PIPL arts. 13, 21,
23, 28–29, 55–56; PI-1, PI-2, PI-5; issue 21 §7, §8; ADR 0030).

* ``partner_create`` / ``agreement_create`` / ``agreement_act`` — the compliance officer
  (``information.share_compliance``) registers partners and agreements; an agreement is a case on
  the engine (``information.sharingagreement``): activated — covering sensitive data only with a
  concluded impact assessment attached (409 ``pia_missing``; PI-5) —, ended or withdrawn with a
  reason.
* ``share_request`` / ``share_act`` — the outgoing share on the engine: approval by the data
  owner, and by the compliance officer when sensitive; ``export`` calls the dataset's producer
  (``hiqc.core.datasets``), applies the profile to every column, leaves out the rows of subjects
  without separate consent when the agreement needs it (PIPL art. 29; PI-1), stores the file and
  writes the ``ShareRecord`` with its sha256.
* ``share_file`` — the produced file, to the requester's side and the compliance officer,
  audited.
* ``incoming_record``, ``assessment_record``, ``consent_record``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.casekinds import CaseKind, Refusal
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.datasets import Dataset, dataset_get, parse_params
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.identifiers import create_numbered
from hiqc.core.personaldata import Basis
from hiqc.core.retention import beijing_today
from hiqc.core.rules import Rule, rule_value
from hiqc.organisations.selectors import unit_in_scope

from ..enums import VIEW
from . import masking
from .enums import (
    CONCLUDED,
    SHARE_COMPLIANCE,
    SHARE_REQUEST,
    AgreementStatus,
    AssessmentTarget,
    Conclusion,
    Frequency,
    Method,
    PartnerKind,
    ShareStatus,
)
from .models import (
    DataShare,
    ImpactAssessment,
    IncomingExchange,
    Partner,
    ShareConsent,
    ShareRecord,
    SharingAgreement,
)
from .selectors import access_agreement, access_partner, access_share
from .workflow import (
    AGREEMENT,
    AGREEMENT_PROCESS,
    AGREEMENT_WORK,
    DATASHARE,
    SHARE_PROCESS,
)

Errors = dict[str, list[str]]

PIA_YEARS = Rule(
    "information.pia_retention_years", 3, "years", gettext_lazy("个人信息保护影响评估报告保存年限"),
    "个人信息保护法第五十六条（至少保存三年）；PI-5", "A", "floor",
)  # fmt: skip
RULES = (PIA_YEARS,)


def _url(case_id: str) -> str:
    return reverse("information:share", args=[case_id])


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | Refusal | None:
    """The domain guard (issue 21 §7): the owner's approval is one step without sensitive data
    and two with; nobody approves their own request, at either level, and the compliance
    approval is another person's than the owner's (three people for sensitive data: a scheduled
    share is requested by the schedule); nothing is exported under an agreement not in force."""
    if action == "approve" and case.sensitive:
        return Refusal(
            _("涉及敏感个人信息，须经数据负责人和合规负责人两级审批。"), "compliance_needed"
        )
    if action == "approve_owner" and not case.sensitive:
        return Refusal(_("不涉及敏感个人信息，由数据负责人直接批准。"), "not_sensitive")
    approving = action in ("approve", "approve_owner", "approve_compliance")
    if (approving and actor.username == case.requested_by) or (
        action == "approve_compliance" and actor.username == case.owner_approved_by
    ):
        return Refusal(_("申请人不能审批本人的申请，两级审批须由不同人员完成。"), "own_request")
    if action == "export":
        agreement = case.agreement
        today = beijing_today(at)
        if agreement.status != AgreementStatus.ACTIVE:
            return Refusal(_("共享协议未生效，不能导出。"), "agreement_inactive")
        if not agreement.effective_on <= today <= agreement.expires_on:
            return Refusal(_("共享协议已到期或尚未生效，不能导出。"), "agreement_expired")
    return None


KIND = CaseKind(label=SHARE_PROCESS, workflow=DATASHARE, access=access_share,
                name=gettext_lazy("数据共享"), view_perm=VIEW, url_for=_url,
                blocked=_blocked)  # fmt: skip


def _text(data: Mapping[str, Any], name: str, errors: Errors, *, limit: int,
          required: bool = True) -> str:  # fmt: skip
    text = str(data.get(name) or "").strip()
    if required and not text:
        errors[name] = [_("此项必填。")]
    elif len(text) > limit:
        errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
    return text


def _date(data: Mapping[str, Any], name: str, errors: Errors) -> date | None:
    raw = data.get(name)
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors[name] = [_("请填写日期，例如 2026-03-01。")]
        return None


def _choice(data: Mapping[str, Any], name: str, choices: Iterable[str], errors: Errors) -> str:
    value = str(data.get(name) or "")
    if value not in set(choices):
        errors[name] = [_("请选择列出的选项之一。")]
    return value


def _fail(errors: Errors, message: str | None = None) -> None:
    if errors:
        raise ValidationFailed(message or _("信息有误，请按提示修改。"), fields=errors)


# --- partners and agreements ---------------------------------------------------------------------


@transaction.atomic
def partner_create(*, actor: Actor, data: Mapping[str, Any]) -> Partner:
    require(actor, SHARE_COMPLIANCE)
    errors: Errors = {}
    name = _text(data, "name", errors, limit=200)
    kind = _choice(data, "kind", PartnerKind.values, errors)
    description = _text(data, "description", errors, limit=500, required=False)
    if not data.get("org_unit"):
        errors["org_unit"] = [_("此项必填。")]
    _fail(errors)
    unit = unit_in_scope(actor, data["org_unit"], SHARE_COMPLIANCE)
    partner = Partner.objects.create(org_unit=unit, name=name, kind=kind, description=description)
    audit_record(actor=actor, action="information.partner.create", subject=partner,
                 data={"kind": kind})  # fmt: skip
    return partner


def profile_check(dataset: Dataset, raw: Any, errors: Errors) -> dict[str, str]:
    """The masking profile: a method for columns of the dataset only, ``year`` for dates only;
    at least one column exported."""
    if not isinstance(raw, Mapping):
        errors["profile"] = [_("请为每个字段选择提供方式。")]
        return {}
    profile: dict[str, str] = {}
    for code, method in raw.items():
        column = dataset.column(str(code))
        if column is None:
            errors[f"profile.{code}"] = [_("数据集中没有该字段。")]
        elif str(method) not in masking.methods_for(column):
            errors[f"profile.{code}"] = [_("该字段不能使用此提供方式。")]
        elif str(method) != Method.DROP:
            profile[column.code] = str(method)
    if (
        not profile
        and "profile" not in errors
        and not any(k.startswith("profile.") for k in errors)
    ):
        errors["profile"] = [_("至少提供一个字段。")]
    return profile


def profile_flags(dataset: Dataset, profile: Mapping[str, str]) -> tuple[bool, bool]:
    """(sensitive, separate consent needed): sensitive columns exported in any form; a sensitive
    column kept unmasked needs the subjects' separate consent (PIPL art. 29; PI-1)."""
    cols = masking.exported_columns(dataset, profile)
    sensitive = any(c.sensitive for c, _m in cols)
    consent = any(c.sensitive and m == Method.KEEP for c, m in cols)
    return sensitive, consent


@transaction.atomic
def agreement_create(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None
                     ) -> SharingAgreement:  # fmt: skip
    """Register a draft agreement (information.share_compliance over the partner's unit)."""
    require(actor, SHARE_COMPLIANCE)
    at = at or timezone.now()
    errors: Errors = {}
    title = _text(data, "title", errors, limit=200)
    purpose = _text(data, "purpose", errors, limit=2000)
    basis = _choice(data, "legal_basis", [b for b in Basis.values if b != Basis.NOT_PERSONAL],
                    errors)  # fmt: skip
    frequency = _choice(data, "frequency", Frequency.values, errors)
    effective = _date(data, "effective_on", errors)
    expires = _date(data, "expires_on", errors)
    if effective and expires and expires < effective:
        errors["expires_on"] = [_("到期日期不能早于生效日期。")]
    dataset = dataset_get(str(data.get("dataset") or ""))
    profile: dict[str, str] = {}
    if dataset is None:
        errors["dataset"] = [_("请选择已登记的数据集。")]
    else:
        profile = profile_check(dataset, data.get("profile"), errors)
    if not data.get("partner"):
        errors["partner"] = [_("此项必填。")]
    _fail(errors, _("共享协议信息有误，请按提示修改。"))
    assert dataset is not None and effective and expires
    partner = access_partner(actor, data["partner"])
    require(actor, SHARE_COMPLIANCE, partner)
    sensitive, consent = profile_flags(dataset, profile)
    agreement = create_numbered(
        SharingAgreement, field="number", letters="GX", at=at, digits=3,
        org_unit=partner.org_unit, partner=partner, title=title, dataset=dataset.code,
        purpose=purpose, legal_basis=basis, profile=profile, frequency=frequency,
        effective_on=effective, expires_on=expires, sensitive=sensitive,
        separate_consent=consent, status=AgreementStatus.DRAFT,
    )  # fmt: skip
    case_opened(kind=AGREEMENT_KIND, case=agreement, actor=actor, at=at,
                data={"partner": partner.name, "dataset": dataset.code})  # fmt: skip
    audit_record(actor=actor, action="information.agreement.create", subject=agreement,
                 data={"dataset": dataset.code, "columns": sorted(profile),
                       "sensitive": sensitive})  # fmt: skip
    return agreement


def _agreement_url(case_id: str) -> str:
    return reverse("information:agreement", args=[case_id])


def _agreement_blocked(case: Any, action: str, actor: Actor, at: datetime) -> Refusal | None:
    """An agreement comes into force only before its expiry and, covering sensitive data, with a
    concluded impact assessment attached (PIPL art. 55; PI-5)."""
    if action != "activate":
        return None
    if case.expires_on < beijing_today(at):
        return Refusal(_("协议已过到期日期。"), "agreement_expired")
    if case.sensitive and not case.assessments.filter(conclusion__in=CONCLUDED).exists():
        return Refusal(_("涉及敏感个人信息的共享协议，须先完成个人信息保护影响评估。"),
                       "pia_missing")  # fmt: skip
    return None


AGREEMENT_KIND = CaseKind(label=AGREEMENT_PROCESS, workflow=AGREEMENT, access=access_agreement,
                          name=gettext_lazy("数据共享协议"), view_perm=VIEW,
                          work_by_state=AGREEMENT_WORK, url_for=_agreement_url,
                          blocked=_agreement_blocked)  # fmt: skip


def agreement_act(*, actor: Actor, agreement_id: Any, action: str, data: Mapping[str, Any],
                  version: int | None = None, at: datetime | None = None,
                  source: str = Source.PAGE) -> SharingAgreement:  # fmt: skip
    """``activate`` (into force; 409 ``pia_missing``, ``agreement_expired``), ``end`` and
    ``withdraw`` (a reason), on the engine."""
    access_agreement(actor, agreement_id)  # the door first: a reader is told 404, never 422
    at = at or timezone.now()
    data = {k: str(v).strip() for k, v in data.items()}
    if len(data.get("reason", "")) > 2000:
        raise ValidationFailed(_("内容过长。"),
                               fields={"reason": [_("不能超过 {n} 个字。").format(n=2000)]})  # fmt: skip
    updates: dict[str, Any] = {}
    if action == "activate":
        updates = {"activated_at": at, "activated_by": actor.username}
    elif action in ("end", "withdraw"):
        updates = {"ended_at": at, "ended_by": actor.username, "end_reason": data.get("reason", "")}
    case = case_transition(kind=AGREEMENT_KIND, actor=actor, case_id=agreement_id, action=action,
                           data=data, version=version, at=at, source=source, updates=updates)  # fmt: skip
    assert isinstance(case, SharingAgreement)
    return case


def agreement_activate(*, actor: Actor, agreement_id: Any, at: datetime | None = None
                       ) -> SharingAgreement:  # fmt: skip
    """Bring a draft agreement into force (``agreement_act`` ``activate``)."""
    return agreement_act(actor=actor, agreement_id=agreement_id, action="activate", data={}, at=at)


@transaction.atomic
def consent_record(*, actor: Actor, agreement_id: Any, subject_keys: Iterable[str],
                   evidence: str = "", at: datetime | None = None) -> int:  # fmt: skip
    """Record data subjects' separate consent to the provision under an agreement (PIPL arts.
    23, 29); returns how many were new."""
    at = at or timezone.now()
    agreement = access_agreement(actor, agreement_id)
    require(actor, SHARE_COMPLIANCE, agreement)
    if not agreement.separate_consent:
        raise Conflict(_("该协议不提供未脱敏的敏感个人信息，无需单独同意。"),
                       code="consent_not_needed")  # fmt: skip
    errors: Errors = {}
    given = [str(k).strip() for k in subject_keys]
    for i, key in enumerate(given, start=1):
        if not key or len(key) > 64:
            errors[f"subject_keys.{i}"] = [_("第 {n} 行：个人标识须为 1–64 个字符。").format(n=i)]
    if not given:
        errors["subject_keys"] = [_("请至少填写一个个人标识。")]
    if len(evidence) > 200:
        errors["evidence"] = [_("不超过 200 个字符。")]
    _fail(errors, _("单独同意登记有误，请按提示修改。"))
    keys = sorted(set(given))
    have = set(
        agreement.consents.filter(subject_key__in=keys).values_list("subject_key", flat=True)
    )
    new = [ShareConsent(agreement=agreement, subject_key=k, given_at=at, evidence=evidence)
           for k in keys if k not in have]  # fmt: skip
    ShareConsent.objects.bulk_create(new)
    audit_record(actor=actor, action="information.consent.record", subject=agreement,
                 data={"count": len(new)})  # fmt: skip
    return len(new)


# --- the outgoing share --------------------------------------------------------------------------


@transaction.atomic
def share_request(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None,
                  source: str = Source.PAGE) -> DataShare:  # fmt: skip
    """Request a share under an agreement in force (information.share_request over its unit)."""
    require(actor, SHARE_REQUEST)
    at = at or timezone.now()
    errors: Errors = {}
    note = _text(data, "note", errors, limit=500, required=False)
    if not data.get("agreement"):
        errors["agreement"] = [_("此项必填。")]
    _fail(errors)
    agreement = access_agreement(actor, data["agreement"])
    require(actor, SHARE_REQUEST, agreement)
    dataset = dataset_get(agreement.dataset)
    if dataset is None:
        raise Conflict(_("协议的数据集已不再提供。"), code="dataset_missing")
    raw = data.get("params") if isinstance(data.get("params"), Mapping) else {}
    params, bad = parse_params(dataset, raw)  # type: ignore[arg-type]
    if bad:
        raise ValidationFailed(_("共享参数有误。"),
                               fields={f"params.{k}": [str(v)] for k, v in bad.items()})  # fmt: skip
    today = beijing_today(at)
    if agreement.status != AgreementStatus.ACTIVE:
        raise Conflict(_("共享协议未生效。"), code="agreement_inactive")
    if not agreement.effective_on <= today <= agreement.expires_on:
        raise Conflict(_("共享协议已到期或尚未生效。"), code="agreement_expired")
    share = create_numbered(
        DataShare, field="number", letters="SJ", at=at, digits=4, org_unit=agreement.org_unit,
        agreement=agreement, params=params, note=note, sensitive=agreement.sensitive,
        requested_at=at, requested_by=actor.username, status=ShareStatus.REQUESTED,
    )  # fmt: skip
    case_opened(kind=KIND, case=share, actor=actor, at=at, source=source,
                data={"agreement": agreement.number, "params": params})  # fmt: skip
    return share


SCHEDULER = "information.share_schedule"
SCHEDULED = (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY)
ENDED = (ShareStatus.REJECTED, ShareStatus.CANCELLED)


def shares_schedule(*, at: datetime | None = None) -> dict[str, int]:
    """Daily: under every agreement in force with a regular frequency, request the share of the
    period its dataset proposes for today (e.g. the last complete quarter) unless one for the same
    parameters is already requested or done (rejected and cancelled ones do not count). The
    schedule is the requester, so the owner and the compliance officer approve as usual. A rerun
    requests nothing twice."""
    at = at or timezone.now()
    today = beijing_today(at)
    system = Actor.system(SCHEDULER)
    counts = {"requested": 0, "already": 0}
    agreements = SharingAgreement.objects.filter(
        status=AgreementStatus.ACTIVE, frequency__in=SCHEDULED, effective_on__lte=today,
        expires_on__gte=today).order_by("number")  # fmt: skip
    for agreement in agreements:
        dataset = dataset_get(agreement.dataset)
        if dataset is None:
            continue
        params, bad = parse_params(dataset, {p.name: p.default(today) for p in dataset.params})
        if bad:
            continue
        taken = agreement.shares.exclude(status__in=ENDED).values_list("params", flat=True)
        if any(p == params for p in taken):
            counts["already"] += 1
            continue
        share_request(actor=system, at=at, source=Source.SYSTEM, data={
            "agreement": agreement.pk, "params": params,
            "note": _("按协议频率（{frequency}）自动申请").format(
                frequency=agreement.get_frequency_display())})  # fmt: skip
        counts["requested"] += 1
    return counts


def _produce(share: DataShare, actor: Actor, at: datetime) -> ShareRecord:
    """Call the producer, keep the consented rows, apply the profile to every column, store the
    file and record what was sent."""
    agreement = share.agreement
    dataset = dataset_get(agreement.dataset)
    if dataset is None:
        raise Conflict(_("协议的数据集已不再提供。"), code="dataset_missing")
    rows = list(dataset.rows(share.org_unit.path, share.params))
    excluded = 0
    if agreement.separate_consent and not dataset.subject_column:
        # consent is per person: a dataset that cannot name its subjects cannot honour it
        raise Conflict(
            _("该数据集未标识个人，无法按单独同意筛选，不能导出。"), code="consent_unverifiable"
        )
    if agreement.separate_consent:
        consented = set(agreement.consents.filter(withdrawn_at__isnull=True)
                        .values_list("subject_key", flat=True))  # fmt: skip
        kept = [r for r in rows if str(r.get(dataset.subject_column)) in consented]
        excluded, rows = len(rows) - len(kept), kept
    cols = masking.exported_columns(dataset, agreement.profile)
    body = masking.csv_bytes([str(c.label) for c, _m in cols],
                             masking.masked_rows(dataset, agreement.profile, rows,
                                                 salt=str(agreement.pk)))  # fmt: skip
    record = ShareRecord(
        share=share, fields=[{"code": c.code, "label": str(c.label), "method": m} for c, m in cols],
        row_count=len(rows), excluded_no_consent=excluded, sha256=masking.sha256(body),
        recipient=agreement.partner.name, exported_at=at, exported_by=actor.username,
    )  # fmt: skip
    record.file.save(f"{share.number}.csv", ContentFile(body), save=False)
    record.save()
    return record


def share_act(*, actor: Actor, case_id: Any, action: str, data: Mapping[str, Any],
              version: int | None = None, at: datetime | None = None) -> DataShare:  # fmt: skip
    """approve, approve_owner, approve_compliance, reject / reject_compliance (reason), export,
    send (channel), cancel (reason)."""
    access_share(actor, case_id)  # the door first: a reader is told 404, never 422
    data = {k: str(v).strip() for k, v in data.items()}
    for name, limit in (("reason", 2000), ("channel", 200)):
        if len(data.get(name, "")) > limit:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=limit)]}
            )
    at = at or timezone.now()
    updates: dict[str, Any] = {}
    if action in ("approve", "approve_owner"):
        updates = {"owner_approved_by": actor.username}
    elif action == "approve_compliance":
        updates = {"compliance_approved_by": actor.username}
    elif action in ("reject", "reject_compliance", "cancel"):
        updates = {"reason": data.get("reason", "")}
    with transaction.atomic():
        case = case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, data=data,
                               version=version, at=at, source=Source.PAGE, updates=updates)  # fmt: skip
        assert isinstance(case, DataShare)
        if action == "export":
            share = access_share(actor, case.pk)
            record = _produce(share, actor, at)
            audit_record(actor=actor, action="information.datashare.produce", subject=share,
                         data={"rows": record.row_count, "excluded": record.excluded_no_consent,
                               "sha256": record.sha256,
                               "fields": [f["code"] for f in record.fields]})  # fmt: skip
        elif action == "send":
            ShareRecord.objects.filter(share=case).update(
                sent_at=at, sent_by=actor.username, channel=data.get("channel", "")[:200]
            )
    return case


def may_download(actor: Actor, share: DataShare) -> bool:
    return actor.can(SHARE_REQUEST, share.org_unit.path) or actor.can(
        SHARE_COMPLIANCE, share.org_unit.path)  # fmt: skip


def share_file(*, actor: Actor, case_id: Any) -> tuple[str, bytes]:
    """The produced (masked) file: to the requester's side and the compliance officer over the
    share's unit; every download is audited."""
    share = access_share(actor, case_id)
    if not may_download(actor, share):
        raise Forbidden(_("您没有下载共享文件的权限。"))
    record = ShareRecord.objects.filter(share=share).first()
    if record is None:
        raise Conflict(_("尚未导出。"), code="not_exported")
    with record.file.open("rb") as fh:
        body = fh.read()
    audit_record(actor=actor, action="information.datashare.download", subject=share,
                 data={"sha256": record.sha256})  # fmt: skip
    return f"{share.number}.csv", body


# --- incoming exchanges and impact assessments ---------------------------------------------------


@transaction.atomic
def incoming_record(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None
                    ) -> IncomingExchange:  # fmt: skip
    require(actor, SHARE_REQUEST)
    at = at or timezone.now()
    errors: Errors = {}
    description = _text(data, "description", errors, limit=500)
    basis = _choice(data, "legal_basis", Basis.values, errors)
    note = _text(data, "note", errors, limit=500, required=False)
    sha = str(data.get("sha256") or "").strip().lower()
    if sha and (len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha)):
        errors["sha256"] = [_("请填写 64 位十六进制的 SHA-256 值。")]
    try:
        rows = int(str(data.get("row_count") or 0))
        if not 0 <= rows <= 100_000_000:
            raise ValueError
    except ValueError:
        rows = 0
        errors["row_count"] = [_("请填写非负整数。")]
    received = at
    if data.get("received_at"):
        try:
            received = datetime.fromisoformat(str(data["received_at"]))
            if received.tzinfo is None:
                received = received.replace(tzinfo=BEIJING)
        except ValueError:
            errors["received_at"] = [_("请填写时间，例如 2026-03-01T10:00。")]
    if not data.get("partner"):
        errors["partner"] = [_("此项必填。")]
    _fail(errors, _("接收登记信息有误，请按提示修改。"))
    partner = access_partner(actor, data["partner"])
    require(actor, SHARE_REQUEST, partner)
    item = IncomingExchange.objects.create(
        org_unit=partner.org_unit, partner=partner, description=description, legal_basis=basis,
        received_at=received, row_count=rows, sha256=sha, recorded_by=actor.username, note=note,
    )  # fmt: skip
    audit_record(actor=actor, action="information.incoming.record", subject=item,
                 data={"rows": rows})  # fmt: skip
    return item


def activities() -> list[str]:
    """The processing activities a PIA may name: the models of the personal-data inventory."""
    from hiqc.core.personaldata import inventory

    return sorted({row.model for row in inventory()})


@transaction.atomic
def assessment_record(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None
                      ) -> ImpactAssessment:  # fmt: skip
    """Record a PIA (PIPL art. 56) of a processing activity or an agreement; kept at least
    ``information.pia_retention_years`` (3) years."""
    require(actor, SHARE_COMPLIANCE)
    at = at or timezone.now()
    errors: Errors = {}
    target = _choice(data, "target", AssessmentTarget.values, errors)
    title = _text(data, "title", errors, limit=200)
    texts = {n: _text(data, n, errors, limit=4000)
             for n in ("purpose_lawful", "rights_impact", "measures")}  # fmt: skip
    conclusion = _choice(data, "conclusion", Conclusion.values, errors)
    activity = str(data.get("activity") or "").strip()
    agreement = None
    if target == AssessmentTarget.ACTIVITY:
        if activity not in activities():
            errors["activity"] = [_("请选择个人信息清单中的处理活动。")]
    elif target == AssessmentTarget.AGREEMENT and not data.get("agreement"):
        errors["agreement"] = [_("此项必填。")]
    if target == AssessmentTarget.ACTIVITY and not data.get("org_unit"):
        errors["org_unit"] = [_("此项必填。")]
    _fail(errors, _("影响评估信息有误，请按提示修改。"))
    if target == AssessmentTarget.AGREEMENT:
        agreement = access_agreement(actor, data["agreement"])
        require(actor, SHARE_COMPLIANCE, agreement)
        unit, activity = agreement.org_unit, ""
    else:
        unit = unit_in_scope(actor, data["org_unit"], SHARE_COMPLIANCE)
    years = int(rule_value(PIA_YEARS.key))
    pia = create_numbered(
        ImpactAssessment, field="number", letters="PIA", at=at, digits=3, org_unit=unit,
        target=target, activity=activity, agreement=agreement, title=title, conclusion=conclusion,
        assessed_at=at, assessed_by=actor.username, retain_until=years_after(beijing_today(at), years),
        **texts,
    )  # fmt: skip
    audit_record(actor=actor, action="information.pia.record", subject=pia,
                 data={"target": target, "conclusion": conclusion})  # fmt: skip
    return pia
