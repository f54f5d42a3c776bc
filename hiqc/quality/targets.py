"""Setting indicator targets (issue 7 §1): a target and warning level for one indicator at one
unit (inherited by its subtree), dated, with its source — validated and audited. Targets are
never edited in place: a new one with a later ``valid_from`` replaces the old from that day, so
past statuses keep the target they were judged against."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.errors import ValidationFailed
from hiqc.core.indicators import INDICATORS
from hiqc.core.models import IndicatorTarget
from hiqc.organisations.selectors import root_paths, unit_in_scope

MANAGE = "quality.targets.manage"


def _number(data: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> float | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        errors[name] = [_("请输入数字；比例用小数，例如 0.95 表示 95%。")]
        return None


def target_set(*, actor: Actor, data: Mapping[str, Any]) -> IndicatorTarget:
    require(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    code = str(data.get("code") or "")
    indicator = INDICATORS.get(code)
    if indicator is None:
        errors["code"] = [_("请选择指标。")]
    unit_id = data.get("org_unit")
    path = ""
    if unit_id:
        path = unit_in_scope(actor, unit_id, MANAGE).path
    elif not any(actor.can(MANAGE, root) for root in root_paths()):
        errors["org_unit"] = [_("只有总公司可以设定适用于全部机构的目标。")]
    target, warning = _number(data, "target", errors), _number(data, "warning", errors)
    if target is None and "target" not in errors:
        errors["target"] = [_("请填写目标值。")]
    if indicator is not None and indicator.unit == "ratio":
        for name, value in (("target", target), ("warning", warning)):
            if value is not None and not 0 <= value <= 1:
                errors[name] = [_("比例应在 0 与 1 之间，例如 0.95。")]
    if indicator is not None and target is not None and warning is not None:
        lower_better = indicator.direction == "lower_better"
        if (warning < target) if lower_better else (warning > target):
            errors["warning"] = [
                _("预警值应比目标宽松（越高越好的指标预警值低于目标，越低越好的相反）。")
            ]
    kind = str(data.get("source_kind") or "")
    if kind not in IndicatorTarget.SourceKind.values:
        errors["source_kind"] = [_("请选择来源类别。")]
    source = str(data.get("source") or "").strip()
    if not source:
        errors["source"] = [_("请写明依据（法规条文、标准条款或内部决定）。")]
    try:
        valid_from = date.fromisoformat(str(data.get("valid_from") or ""))
    except ValueError:
        errors["valid_from"] = [_("请输入生效日期，例如 2027-01-01。")]
    if errors or target is None:
        raise ValidationFailed(_("目标设定有误，请按提示修改。"), fields=errors)
    try:
        with transaction.atomic():
            row = IndicatorTarget.objects.create(
                code=code, org_path=path, target=target, warning=warning, source_kind=kind,
                source=source[:200], valid_from=valid_from, set_by=actor.username,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationFailed(_("该机构该指标在这一天已有目标；请选择另一个生效日期。"),
                               fields={"valid_from": [_("已有同一天生效的目标。")]}) from None  # fmt: skip
    audit_record(actor=actor, action="quality.target.set", subject=row,
                 data={"code": code, "target": target, "warning": warning, "org_path": path})  # fmt: skip
    return row
