"""Customers' evidence for the standard (issue 22 §2; ADR 0034), from the customer-data quality
figures (``quality.problems_of``, ADR 0031): 6.1.1(1) customer data true, accurate and complete
(an ID number passing GB 11643, a mainland mobile, a birth date, an address); 6.1.3(3) customer
data kept current (updated within ``customers.stale_years``). Imported by
``CustomersConfig.ready``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import RECORD, Evidence, beijing_bounds, evidence_rule, ratio_evidence

from .models import Customer
from .quality import ONLY, problems_of, stale_before


def _problems(org_path: str, end: date) -> Iterator[set[str]]:
    """Per customer of the subtree on the books at the period's end (registered before it, not
    anonymised): what is wrong with the data as it stands now, staleness judged at the period's
    end. Values are decrypted in memory only, as on the data-quality page."""
    customers = _on_books(org_path, end).only(*ONLY)
    cut = stale_before(end)
    for customer in customers.order_by().iterator(chunk_size=2000):
        yield problems_of(customer, cut)


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
    a birth date or an address, or holds an invalid resident ID or mobile number."""
    rows = [p - {"stale"} for p in _problems(org_path, end)]
    bad = sum(1 for p in rows if p)
    return ratio_evidence(len(rows), bad, url=reverse("customers:quality"),
                          note=f"{bad} 位客户信息缺失或无效" if bad else "")  # fmt: skip


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
