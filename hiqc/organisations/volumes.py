"""Business volume per org unit and month (premium, policies in force, insured persons): the
denominators of the complaint rates (CP-11). Imported from the policy system as CSV.

One code path for the page, the API and ``manage.py import_business_volume``: each line is checked
on its own; a bad line is reported with its number and field while the good ones are kept; a
(unit, month) already present is updated in place, so re-running a file changes nothing twice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, scope
from hiqc.core.audit import audit_record
from hiqc.core.errors import ValidationFailed

from .models import PATH_SEGMENT, BusinessVolume, OrgUnit

PERM = "complaints.report"
COLUMNS = ("org_unit", "month", "premium_yuan", "policies_in_force", "insured_persons")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_PREMIUM = Decimal("1e15")
MAX_COUNT = 2_000_000_000


@dataclass
class VolumeImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def volume_list(actor: Actor, *, month: date | None = None) -> QuerySet[BusinessVolume]:
    qs = scope(actor, BusinessVolume.objects.select_related("org_unit"), PERM)
    if month:
        qs = qs.filter(month=month)
    return qs.order_by("-month", "org_unit__path")


def _clean_row(row: dict[str, str], units: dict[str, OrgUnit]) -> tuple[dict[str, Any], list]:
    problems: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    code = (row.get("org_unit") or "").strip()
    unit = units.get(code)
    if unit is None:
        problems.append(
            ("org_unit", _("机构代码不存在或不在您的权限范围内：{code}").format(code=code))
        )
    out["org_unit"] = unit
    m = MONTH.match((row.get("month") or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        problems.append(("month", _("月份格式应为 YYYY-MM。")))
    else:
        out["month"] = date(int(m.group(1)), int(m.group(2)), 1)
    try:
        premium = Decimal((row.get("premium_yuan") or "").strip().replace(",", ""))
        if not premium.is_finite() or premium < 0 or premium >= MAX_PREMIUM:
            raise InvalidOperation
        out["premium_yuan"] = premium.quantize(Decimal("0.01"))
    except InvalidOperation:
        problems.append(("premium_yuan", _("保费应为不小于 0 的金额（元）。")))
    for name in ("policies_in_force", "insured_persons"):
        raw = (row.get(name) or "").strip().replace(",", "")
        if not raw.isdigit() or int(raw) > MAX_COUNT:
            problems.append((name, _("应为不小于 0 的整数。")))
        else:
            out[name] = int(raw)
    return out, problems


def _nests(unit: OrgUnit, month: date) -> bool:
    """Another unit on the same branch of the tree (an ancestor or a descendant) already has
    volume for the month: the rates would count its complaints twice (CP-11)."""
    step = PATH_SEGMENT + 1
    ancestors = [unit.path[:i] for i in range(step, len(unit.path), step)]
    return (
        BusinessVolume.objects.filter(month=month)
        .exclude(org_unit=unit)
        .filter(
            models.Q(org_unit__path__in=ancestors) | models.Q(org_unit__path__startswith=unit.path)
        )
        .exists()
    )


def volume_import(*, actor: Actor, lines: Iterable[str], source: str = "") -> VolumeImportReport:
    """Import CSV lines (header: org_unit,month,premium_yuan,policies_in_force,insured_persons)."""
    report = VolumeImportReport()
    units = {u.code: u for u in scope(actor, OrgUnit.objects.all(), PERM)}
    reader = csv.DictReader(lines)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ValidationFailed(
            _("不是有效的 CSV 文件。"), fields={"line 1": [_("表头无法读取。")]}
        ) from exc
    missing = [c for c in COLUMNS if c not in header]
    if missing:  # nothing can be read: the whole file is refused, naming line 1
        raise ValidationFailed(
            _("表头缺少列：{cols}").format(cols=", ".join(missing)),
            fields={"line 1": [_("须包含列：{cols}").format(cols=",".join(COLUMNS))]},
        )
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error:  # a malformed line: report it, keep reading
            report.rejected.append(
                {"line": reader.line_num, "field": "", "problem": _("该行不是有效的 CSV。")}
            )
            continue
        line = reader.line_num
        values, problems = _clean_row(row, units)
        if not problems and _nests(values["org_unit"], values["month"]):
            problems.append(
                (
                    "org_unit",
                    _(
                        "该月已有上级或下级机构的业务规模数据：同一月份只在一个层级登记，避免重复计算。"
                    ),
                )
            )
        if problems:
            report.rejected.extend({"line": line, "field": f, "problem": p} for f, p in problems)
            continue
        with transaction.atomic():
            existing = (
                BusinessVolume.objects.select_for_update()
                .filter(org_unit=values["org_unit"], month=values["month"])
                .first()
            )
            if existing is None:
                BusinessVolume.objects.create(**values)
                report.created += 1
            elif all(getattr(existing, k) == v for k, v in values.items()):
                report.unchanged += 1
            else:
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.save()
                report.updated += 1
    audit_record(
        actor=actor,
        action="organisations.business_volume.import",
        subject_type="organisations.businessvolume",
        data={**{k: v for k, v in report.as_dict().items() if k != "rejected"},
              "rejected": len(report.rejected), "source": source[:100]},
    )  # fmt: skip
    return report


def volume_import_text(*, actor: Actor, text: str, source: str = "") -> VolumeImportReport:
    return volume_import(
        actor=actor, lines=io.StringIO(text.lstrip("\ufeff"), newline=""), source=source
    )
