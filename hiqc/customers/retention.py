"""The retention of customers themselves (standard 6.1.3(3); PIPL arts. 19, 47; PI-3; issue 21
§2; ADR 0031).

A customer is kept while anything retained still needs them: each domain whose records name a
customer (policies, claims, complaints, consultations) registers a reference provider with the
kernel (``hiqc.core.retention.register_reference``) answering "which customers do my retained
records still need on this day"; this module combines them without naming those domains. A
customer no record needs any more, and whose own record was last written more than
``customers.retention_years`` ago (design default 5 years, P), is anonymised: name, ID, contact
and bank details emptied; the row stays (its links keep the statistics of past years true).

A legal hold on a case keeps the case unanonymised, so its provider keeps naming its customer:
holds protect customers through their cases (a customer has no case number of its own)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.retention import ANONYMISE, RetentionPolicy, still_referenced
from hiqc.core.rules import Rule, rule_value

from .models import Customer

TARGET = "customers.Customer"
ANONYMISED_NAME = "（已匿名）"

RETENTION_YEARS = Rule(
    "customers.retention_years",
    5,
    "years",
    _("客户档案在不再被任何业务记录需要后的保存年限（自最后更新起）"),
    "HIQC 设计默认值（P）；标准 6.1.3(3)、个人信息保护法第十九条、第四十七条：保单、理赔、投诉、"
    "咨询均不再需要该客户后，自客户信息最后更新起再保存 5 年（与 CL-9 短期险、CP-14 一致）",
    "P",
)
STALE_YEARS = Rule(
    "customers.stale_years",
    3,
    "years",
    _("客户信息多久未更新视为陈旧"),
    "HIQC 设计默认值（P）；标准 6.1.1：保证客户信息准确，长期未核实更新的信息列为待核实",
    "P",
)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def due(as_of: date) -> QuerySet[Any]:
    years = int(rule_value(RETENTION_YEARS.key))
    cut = _start_of(years_after(as_of, -years))
    qs = Customer.objects.filter(anonymised_at__isnull=True, updated_at__lt=cut)
    for needed in still_referenced(TARGET, as_of):
        qs = qs.exclude(pk__in=needed)
    return qs


def remove(qs: QuerySet[Any], now: datetime) -> int:
    ids = list(qs.values_list("pk", flat=True))
    # update(): no auto_now, and the encrypted fields store "" as empty
    return Customer.objects.filter(pk__in=ids).update(
        name=ANONYMISED_NAME,
        id_number="",
        id_number_hash="",
        birth_date=None,
        mobile="",
        mobile_hash="",
        email="",
        address="",
        bank_account="",
        anonymised_at=now,
    )


POLICY = RetentionPolicy(
    code="customers.customers",
    label=_("客户档案"),
    model=TARGET,
    method=ANONYMISE,
    basis=_(
        "保单、理赔、投诉、咨询均不再需要该客户，且客户信息最后更新已满 5 年"
        "（设计默认值 P；个人信息保护法第十九条、第四十七条）"
    ),
    due=due,
    remove=remove,
)
