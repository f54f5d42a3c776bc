"""Customers' evidence for the standard (issue 22 §2; ADR 0034), from the customer-data quality
figures (``quality.problems_of``, ADR 0031): 6.1.1(1) customer data true, accurate and complete
(an ID number passing GB 11643, a mainland mobile, a birth date, an address), read from the
nightly tally (``quality.quality_tally_run``) — no customer is decrypted to assess it; 6.1.3(3)
customer data kept current (updated within ``customers.stale_years``), counted in the database.
Imported by ``CustomersConfig.ready``."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import (
    RECORD,
    Evidence,
    EvidenceStatus,
    beijing_bounds,
    evidence_rule,
    ratio_evidence,
)

from .models import Customer
from .quality import stale_before, tally_on


def _on_books(org_path: str, end: date) -> QuerySet[Customer]:
    """The subtree's customers registered before the period's end and not anonymised."""
    _lo, hi = beijing_bounds(end, end)
    return Customer.objects.filter(
        org_unit__path__startswith=org_path, anonymised_at__isnull=True, created_at__lt=hi
    )


@evidence_rule(
    "customers.data_accurate", clauses=("6.1.1(1)",), kind=RECORD,
    name=gettext_noop("客户信息真实、准确、完整"),
    description=gettext_noop("期末在册客户的证件号码（居民身份证通过 GB 11643 校验）、手机号码、出生日期"
                             "与联系地址均已登记且格式有效。"),
)  # fmt: skip
def data_accurate(org_path: str, start: date, end: date) -> Evidence:
    """6.1.1(1) true, accurate, complete: no customer of the subtree lacks an ID number, a mobile,
    a birth date or an address, or holds an invalid resident ID or mobile number — as the nightly
    tally counted it on the period's end (``end``, the day after the period: taken in its early
    hours, it is the state at the period's end) or, failing that, the latest tally before; none
    yet → not yet assessable."""
    url = reverse("customers:quality")
    found = tally_on(org_path, end)
    if found is None:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url,
                        "no customer-data tally by the period's end")  # fmt: skip
    day, total, bad = found
    if not total:
        return ratio_evidence(0, 0, url=url, note=f"no customers in the tally of {day:%Y-%m-%d}")
    note = f"{bad} 位客户信息缺失或无效（{day:%Y-%m-%d} 统计）" if bad else f"{day:%Y-%m-%d} 统计"
    return ratio_evidence(total, bad, url=url, note=note)


@evidence_rule(
    "customers.data_current", clauses=("6.1.3(3)",), kind=RECORD,
    name=gettext_noop("客户信息保持更新"),
    description=gettext_noop("期末在册客户的信息在规则 customers.stale_years 规定的年限内有更新"
                             "（超过保存期限的记录由保存期限任务删除）。"),
)  # fmt: skip
def data_current(org_path: str, start: date, end: date) -> Evidence:
    """6.1.3(3) dynamic management, timeliness: no customer record of the subtree has gone without
    an update for ``customers.stale_years`` at the period's end (counted in the database: no
    value needs decrypting)."""
    customers = _on_books(org_path, end)
    total = customers.count()
    bad = customers.filter(updated_at__lt=stale_before(end)).count()
    return ratio_evidence(total, bad, url=reverse("customers:quality"),
                          note=f"{bad} 位客户信息长期未更新" if bad else "")  # fmt: skip
