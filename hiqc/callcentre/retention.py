"""The retention of call records' agent ids (standard 6.1.3(3); PIPL arts. 19, 47; PI-3; issue
21 §2; ADR 0031).

A call record holds no customer data (no caller number, no recording — those stay in the
telephony and recording systems); the one personal item is the agent id, which identifies a
member of staff (PIPL art. 4: information about an identifiable person). It serves coaching and
the appraisal of this year and last, so it is kept ``callcentre.agent_retention_years`` (design
default 2 years after the call, P) and then emptied by the kernel's retention job: the call row
stays, so every unit-level indicator of past years (CC-2, CC-3) is unchanged. A legal hold on a
call id stops it."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.retention import ANONYMISE, RetentionPolicy
from hiqc.core.rules import Rule, rule_value

from .models import CallRecord

HOLD_TYPE = "callcentre.call"

AGENT_RETENTION_YEARS = Rule(
    "callcentre.agent_retention_years",
    2,
    "years",
    _("话务记录中坐席工号的保存年限"),
    "HIQC 设计默认值（P）；标准 6.1.3(3)、个人信息保护法第十九条：坐席工号用于辅导与本年度、"
    "上一年度考核，之后只需机构层面的统计",
    "P",
)


def due(as_of: date) -> QuerySet[Any]:
    years = int(rule_value(AGENT_RETENTION_YEARS.key))
    cut = datetime.combine(years_after(as_of, -years), time.min, tzinfo=BEIJING)
    return CallRecord.objects.filter(offered_at__lt=cut).exclude(agent="")


def remove(qs: QuerySet[Any], now: datetime) -> int:
    ids = list(qs.values_list("pk", flat=True))
    return CallRecord.objects.filter(pk__in=ids).update(agent="")


POLICY = RetentionPolicy(
    code="callcentre.calls",
    label=_("话务记录（坐席工号）"),
    model="callcentre.CallRecord",
    method=ANONYMISE,
    basis=_("来话后 2 年（设计默认值 P）：清除坐席工号，保留话务统计"),
    due=due,
    remove=remove,
    ref_field="call_id",
    hold_type=HOLD_TYPE,
    number_field="call_id",
)
