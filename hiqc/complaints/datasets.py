"""The complaint datasets HIQC may share (standard 6.3; CP-10, CP-11; issue 21 §7; ADR 0030),
registered in the kernel's dataset registry (``hiqc.core.datasets``) so the information app
shares them without naming this app.

* ``complaints.quarter_stats`` — the quarter's statistics in the regulator's dimensions, one row
  per reported unit and a total (aggregates: no personal column). The regulator share of the
  quarterly report goes through it.
* ``complaints.cases`` — the complaints received in a quarter, one row per complaint: the
  complainant's name, mobile and ID number (sensitive, PIPL art. 28), the dates and the
  classification; the subject key is the complainant's customer id (separate consent).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.datasets import DATE, NUMBER, Column, Dataset, Param, register_dataset
from hiqc.core.personaldata import DataClass
from hiqc.customers.masking import mask_id_number, mask_mobile
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import units_by_path

from .enums import DisputeType, ProductLine


def parse_quarter(text: str) -> tuple[int, int]:
    """ "2026Q3" → (2026, 3); ValueError otherwise."""
    year, sep, q = text.upper().partition("Q")
    if not sep or not year.isdigit() or q not in {"1", "2", "3", "4"}:
        raise ValueError(text)
    if not 2000 <= int(year) <= 2100:
        raise ValueError(text)
    return int(year), int(q)


def last_quarter(today: date) -> str:
    from .stats import current_quarter

    year, q = current_quarter(today)
    return f"{year}Q{q}"


PERIOD = Param("period", _("季度"), parse_quarter, last_quarter, _("请填写季度，例如 2026Q3。"))


def _unit(path: str) -> OrgUnit | None:
    return units_by_path([path]).get(path)


def stats_rows(org_path: str, params: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    from .stats import RATES, quarter_stats

    year, q = parse_quarter(str(params.get("period", "")))
    root = _unit(org_path)
    s = quarter_stats(Actor.system("information.share"), year=year, quarter=q, root=root)
    period = f"{year}Q{q}"
    for row in s.units:
        yield {"period": period, "unit": row.name, "received": row.received,
               **{k: row.rates.get(k) for k, *_x in RATES}}  # fmt: skip
    yield {
        "period": period,
        "unit": str(_("合计")),
        "received": s.received,
        "decided": s.decided,
        "on_time": s.on_time,
        **{k: s.rates.get(k) for k, *_x in RATES},
    }


QUARTER_STATS = Dataset(
    code="complaints.quarter_stats",
    name=_("季度投诉统计（监管口径）"),
    owner="complaints",
    columns=(
        Column("period", _("季度")),
        Column("unit", _("机构")),
        Column("received", _("投诉件数"), kind=NUMBER),
        Column("decided", _("办结件数"), kind=NUMBER),
        Column("on_time", _("按时办结件数"), kind=NUMBER),
        Column("per_100m_premium", _("亿元保费投诉量"), kind=NUMBER),
        Column("per_10k_policies", _("万张保单投诉量"), kind=NUMBER),
        Column("per_10k_insured", _("万人次投诉量"), kind=NUMBER),
    ),
    rows=stats_rows,
    params=(PERIOD,),
    description=_("按季度统计的投诉件数与亿元保费、万张保单、万人次投诉量（CP-10、CP-11）"),
    clauses=("CP-10", "CP-11"),
)


def case_rows(org_path: str, params: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    from .models import Complaint
    from .stats import quarter_bounds

    year, q = parse_quarter(str(params.get("period", "")))
    start, end, _months = quarter_bounds(year, q)
    disputes, products = dict(DisputeType.choices), dict(ProductLine.choices)
    qs = (Complaint.objects.filter(org_unit__path__startswith=org_path, received_at__gte=start,
                                   received_at__lt=end, anonymised_at__isnull=True)
          .select_related("complainant", "org_unit").order_by("received_at", "reference"))  # fmt: skip
    for c in qs.iterator(chunk_size=500):
        person = c.complainant
        yield {
            "reference": c.reference,
            "unit": c.org_unit.localized_name,
            "received_on": c.received_at.astimezone(BEIJING).date(),  # the Beijing day
            "name": person.name if person else "",
            "mobile": person.mobile if person else "",
            "id_number": person.id_number if person else "",
            "birth_date": person.birth_date if person else None,
            "dispute_type": str(disputes.get(c.dispute_type, c.dispute_type)),
            "product_line": str(products.get(c.product_line, c.product_line)),
            "customer": str(c.complainant_id or ""),
        }


CASES = Dataset(
    code="complaints.cases",
    name=_("投诉案件明细"),
    owner="complaints",
    columns=(
        Column("reference", _("投诉编号")),
        Column("unit", _("机构")),
        Column("received_on", _("接收日期"), kind=DATE),
        Column("name", _("投诉人姓名"), DataClass.PERSONAL),
        Column("mobile", _("手机号码"), DataClass.PERSONAL, mask=mask_mobile),
        Column("id_number", _("证件号码"), DataClass.SENSITIVE, mask=mask_id_number),
        Column("birth_date", _("出生日期"), DataClass.PERSONAL, kind=DATE),
        Column("dispute_type", _("争议类型")),
        Column("product_line", _("险种")),
    ),
    rows=case_rows,
    params=(PERIOD,),
    subject_column="customer",
    description=_("季度内接收的投诉，含投诉人信息（按协议脱敏）"),
    clauses=("CP-10",),
)


def register() -> None:
    register_dataset(QUARTER_STATS)
    register_dataset(CASES)
