"""Every write to nonconformities (DESIGN rules 1, 3; standard 10.2, 2.3.1; issue 7 §4).

* ``nonconformity_open`` — by hand, from supervision (on-site, remote monitoring), customer
  feedback, an audit, a complaint root cause or a compliance finding (linked by id, not copied).
* ``nonconformities_detect`` — the daily job: for every indicator with a target (and every key
  indicator) and every org unit down to the 中心支公司 level, the last complete month is checked
  against its target (red opens one) and, for the key indicators, on its control chart (a Western
  Electric signal opens one); ``dedupe_key`` = indicator × unit × month × kind, so a re-run or a
  second signal of the same kind opens nothing new.
* The owner: a new nonconformity is assigned to the branch manager of its unit (the nearest one up
  the tree), else to the head office's quality lead — the unit's owner role.
* Status changes only through ``nonconformity_act`` → ``case_transition``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import ValidationFailed
from hiqc.core.identifiers import create_numbered
from hiqc.core.indicators import INDICATORS, align
from hiqc.core.models import Finding, IndicatorTarget
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit
from hiqc.organisations.selectors import active_units, unit_in_scope

from ..enums import NCSource, NCStatus
from ..monitoring import KEY_INDICATORS, control_chart, display, period_window
from ..workflow import NONCONFORMITY, OPEN, PROCESS, VIEW, WORK_BY_STATE
from .models import Nonconformity

TEXT_MAX = 4000
DETECT_MAX_LEVEL = OrgLevel.CITY  # head office, provinces and 中心支公司 (not each outlet)


def access_nonconformity(actor: Actor, nc_id: Any, *, for_update: bool = False) -> Nonconformity:
    """The one door: missing and out of scope are the same 404 (DESIGN rule 2)."""
    qs = Nonconformity.objects.select_related("org_unit")
    if not for_update:
        qs = qs.select_related("assignee", "finding")
    return get_in_scope(actor, qs, nc_id, VIEW, for_update=for_update)


def _url(case_id: str) -> str:
    return reverse("quality:nonconformity", args=[case_id])


KIND = CaseKind(label=PROCESS, workflow=NONCONFORMITY, access=access_nonconformity,
                name=gettext_lazy("不符合项"), view_perm=VIEW, work_by_state=WORK_BY_STATE,
                url_for=_url)  # fmt: skip


def owner_for(unit: OrgUnit) -> Any:
    """The unit's owner: a branch manager of the unit or the nearest unit above, else a quality
    lead at head office."""
    parts = [p for p in unit.path.split("/") if p]
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    managers = (
        Membership.objects.filter(role=Role.BRANCH_MANAGER, org_unit__path__in=paths,
                                  user__is_active=True)
        .select_related("org_unit").order_by("-org_unit__path", "user__username")
    )  # fmt: skip
    found = managers.first()
    if found is None:
        found = (
            Membership.objects.filter(role=Role.QUALITY_LEAD, user__is_active=True)
            .order_by("org_unit__path", "user__username").first()
        )  # fmt: skip
    return found.user_id if found else None


def _create(*, actor: Actor, unit: OrgUnit, source: str, title: str, description: str,
            at: datetime, extra: Mapping[str, Any] | None = None) -> Nonconformity:  # fmt: skip
    nc = create_numbered(
        Nonconformity, field="number", letters="BF", at=at, digits=4, org_unit=unit,
        source=source, title=title[:200], description=description, opened_at=at,
        opened_by=actor.username, status=NCStatus.OPEN, assignee_id=owner_for(unit),
        **(extra or {}),
    )  # fmt: skip
    case_opened(kind=KIND, case=nc, actor=actor, at=at, source=Source.SYSTEM if actor.is_system
                else Source.PAGE, data={"source": source})  # fmt: skip
    return nc


def nonconformity_open(*, actor: Actor, org_unit_id: Any, data: Mapping[str, Any]
                       ) -> Nonconformity:  # fmt: skip
    """Open one by hand (quality.nc.open over the unit)."""
    require(actor, OPEN)
    unit = unit_in_scope(actor, org_unit_id, OPEN)
    errors: dict[str, list[str]] = {}
    source = str(data.get("source") or "")
    if source not in NCSource.values or source in (NCSource.INDICATOR_BREACH,
                                                   NCSource.CONTROL_SIGNAL):  # fmt: skip
        errors["source"] = [
            _("请选择来源（现场检查、远程监测、客户反馈、审计、投诉根因或合规事项）。")
        ]
    title = str(data.get("title") or "").strip()
    description = str(data.get("description") or "").strip()
    if not title:
        errors["title"] = [_("请填写标题。")]
    if not description:
        errors["description"] = [_("请说明发现的情况。")]
    elif len(description) > TEXT_MAX:
        errors["description"] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
    finding = None
    raw_finding = str(data.get("finding") or "").strip()
    if raw_finding:
        finding = Finding.objects.filter(pk=int(raw_finding) if raw_finding.isdigit() else -1,
                                         org_path__startswith=unit.path).first()  # fmt: skip
        if finding is None:
            errors["finding"] = [_("该机构范围内没有这个合规事项编号。")]
    if source == NCSource.FINDING and finding is None and "finding" not in errors:
        errors["finding"] = [_("来源为合规事项时请填写合规事项编号。")]
    if errors:
        raise ValidationFailed(_("不符合项信息有误，请按提示修改。"), fields=errors)
    with transaction.atomic():
        return _create(actor=actor, unit=unit, source=source, title=title,
                       description=description, at=timezone.now(),
                       extra={"finding": finding,
                              "reference": str(data.get("reference") or "").strip()[:60]})  # fmt: skip


def nonconformity_act(*, actor: Actor, nc_id: Any, action: str, data: Mapping[str, Any],
                      version: int | None = None) -> Nonconformity:  # fmt: skip
    data = {k: str(v).strip() for k, v in data.items()}
    for name in ("root_cause", "correction", "verification", "reason"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = timezone.now()
    with transaction.atomic():
        nc = case_transition(kind=KIND, actor=actor, case_id=nc_id, action=action, data=data,
                             version=version, at=at, source=Source.PAGE,
                             record={k: len(v) for k, v in data.items()})  # fmt: skip
        assert isinstance(nc, Nonconformity)
        fields = []
        if action == "record_cause":
            nc.root_cause, nc.correction = data["root_cause"], data["correction"]
            fields = ["root_cause", "correction"]
        elif action == "close":
            nc.verification, nc.closed_at = data["verification"], at
            fields = ["verification", "closed_at"]
        elif action == "cancel":
            nc.verification, nc.closed_at = data["reason"], at
            fields = ["verification", "closed_at"]
        if fields:
            nc.save(update_fields=[*fields, "updated_at"])
    return nc


# --- automatic opening ---------------------------------------------------------------------------


@dataclass
class DetectReport:
    opened: list[str] = field(default_factory=list)
    checked: int = 0


def _open_auto(actor: Actor, unit: OrgUnit, *, code: str, month: datetime, kind: str,
               title: str, description: str, evidence: dict[str, Any], report: DetectReport
               ) -> None:  # fmt: skip
    key = f"{code}:{unit.path}:{month:%Y-%m}:{kind}"
    if Nonconformity.objects.filter(dedupe_key=key).exists():
        return
    try:
        with transaction.atomic():
            nc = _create(actor=actor, unit=unit, source=kind, title=title,
                         description=description, at=timezone.now(),
                         extra={"indicator_code": code, "granularity": "month",
                                "period_start": month, "evidence": evidence,
                                "dedupe_key": key})  # fmt: skip
    except IntegrityError:  # opened by a concurrent run
        return
    report.opened.append(nc.number)


def nonconformities_detect(*, now: datetime | None = None) -> DetectReport:
    """Check the last complete month of every key indicator at every unit down to
    ``DETECT_MAX_LEVEL``: a red status or a control-chart signal opens a nonconformity once."""
    from hiqc.core.targets import status, targets_for

    now = now or timezone.now()
    actor = Actor.system("quality.detect")
    month = align(align(now, "month") - timedelta(days=1), "month")
    start, end = period_window("month", 24, month + timedelta(days=1))
    report = DetectReport()
    with_targets = sorted({code for code in IndicatorTarget.objects.values_list("code", flat=True)
                           if code in INDICATORS})  # fmt: skip
    codes = [*KEY_INDICATORS, *(c for c in with_targets if c not in KEY_INDICATORS)]
    for unit in active_units(max_level=DETECT_MAX_LEVEL):
        found = targets_for(codes, unit.path, month.date())
        for code in codes:
            indicator = INDICATORS.get(code)
            if indicator is None:
                continue
            chart = control_chart(
                code, unit.path, granularity="month", start=start, end=end, on=month
            )
            last = chart.points[-1] if chart.points else None
            if last is None or last.period_start != month:
                continue
            report.checked += 1
            evidence = {"value": last.value, "numerator": last.numerator,
                        "denominator": last.denominator, "centre": last.centre,
                        "lower": last.lower, "upper": last.upper, "rules": last.rules}  # fmt: skip
            target = found.get(code)
            if status(code, last.value, target) == "red" and target is not None:
                _open_auto(actor, unit, code=code, month=month, kind=NCSource.INDICATOR_BREACH,
                           title=_("{unit} {name} {month} 未达目标").format(
                               unit=unit.name, name=indicator.name_zh, month=f"{month:%Y-%m}"),
                           description=_("{name}为 {value}，目标 {target}（{source}）。").format(
                               name=indicator.name_zh, value=display(indicator, last.value),
                               target=display(indicator, target.target), source=target.source),
                           evidence={**evidence, "target": target.target}, report=report)  # fmt: skip
            if last.rules and code in KEY_INDICATORS:  # signals on the key indicators only
                _open_auto(actor, unit, code=code, month=month, kind=NCSource.CONTROL_SIGNAL,
                           title=_("{unit} {name} {month} 控制图判异").format(
                               unit=unit.name, name=indicator.name_zh, month=f"{month:%Y-%m}"),
                           description=_("{name}为 {value}，西电规则 {rules} 判异（中心线 {centre}）。").format(
                               name=indicator.name_zh, value=display(indicator, last.value),
                               rules="、".join(str(r) for r in last.rules),
                               centre=display(indicator, last.centre)),
                           evidence=evidence, report=report)  # fmt: skip
    return report
