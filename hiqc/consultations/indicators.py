"""Indicators contributed by consultations (DESIGN rule 5; standard 4.1.3(2))."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from hiqc.core.indicators import (
    CASES_LIMIT,
    Counted,
    Indicator,
    RangeRow,
    clock_cases,
    clocks_on_time,
    counted_by_period,
    register_indicator,
)
from hiqc.core.personmeasures import Measured, PersonMeasure, register_person_measure, tally
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from .enums import ConsultationStatus
from .models import Consultation
from .workflow import PROCESS as CASE_TYPE  # the case kind
from .workflow import REPLY


def _resolved(start: datetime, end: datetime) -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        status=ConsultationStatus.RESOLVED, resolved_at__gte=start, resolved_at__lt=end
    )


def _fcr(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    """Per org unit: consultations resolved in the period, and those resolved at first contact."""
    return counted_by_period(_resolved(start, end), at="resolved_at", granularity=granularity,
                             hit=Q(first_contact_resolution=True), path="org_unit__path")  # fmt: skip


def _fcr_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The consultations resolved in the period, those not resolved at first contact first."""
    rows = (
        _resolved(start, end)
        .filter(org_unit__path__startswith=org_path)
        .order_by("first_contact_resolution", "resolved_at")
        .values_list("pk", "number", "org_unit__path", "resolved_at", "first_contact_resolution")
    )[:CASES_LIMIT]
    return [
        Counted(CASE_TYPE, str(pk), path, at,
                gettext("首次接触解决") if fcr else gettext("经跟进解决"), not fcr, label=number)
        for pk, number, path, at, fcr in rows
    ]  # fmt: skip


FCR_RATE = Indicator(
    code="consultations.fcr_rate",
    name_zh="咨询首次接触解决率",
    name_en="Consultation first-contact resolution rate",
    unit="ratio",
    direction="higher_better",
    clauses=("4.1.3(2)",),
    formula=gettext_noop(
        "本期办结的咨询中首次接触即答复并解决（登记时即办结、无需跟进）的咨询数 ÷ 本期办结的咨询数"
    ),
    source=gettext_noop("本平台咨询记录（办结时间、首次接触解决）"),
    compute_range=_fcr,
    cases=_fcr_cases,
    owner="call_centre_supervisor",
)


REPLIED_ON_TIME = Indicator(
    code="consultations.replied_on_time_rate",
    name_zh="咨询按时答复率",
    name_en="Consultations answered on time",
    unit="ratio",
    direction="higher_better",
    clauses=("4.1.1", "4.1.3(2)"),
    formula=gettext_noop(
        "本期在内部时限（默认 1 个工作日，按流程版本设置）内完成的答复时限数 ÷ 本期结束"
        "（按时完成或超时）的答复时限数"
    ),
    source=gettext_noop("本平台咨询记录（答复时限）"),
    compute_range=clocks_on_time(REPLY.code),
    cases=clock_cases(REPLY.code),
    owner="call_centre_supervisor",
)


def register() -> None:
    register_indicator(FCR_RATE)
    register_indicator(REPLIED_ON_TIME)


# --- per-person measures for the staff assessment (standard 7.2.2; issue 18 §4; ADR 0021) -------


def _resolved_by(user_ids: list[str], start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    return list(_resolved(start, end).filter(assignee_id__in=user_ids).order_by("resolved_at")
                .values_list("pk", "assignee_id", "first_contact_resolution"))  # fmt: skip


def handled_by_person(user_ids: list[str], start: datetime, end: datetime) -> dict[str, Measured]:
    """Consultations resolved in ``[start, end)`` by their handler, one query."""
    return tally((pk, user, 1) for pk, user, _fcr in _resolved_by(user_ids, start, end))


def fcr_by_person(user_ids: list[str], start: datetime, end: datetime) -> dict[str, Measured]:
    """First-contact resolution: resolved at the first contact ÷ resolved, one query."""
    return tally(_resolved_by(user_ids, start, end))


def register_person_measures() -> None:
    def link(pk: str) -> str:
        return reverse("consultations:detail", args=[pk])

    roles = ("consultation_agent",)
    register_person_measure(PersonMeasure(
        "consultations.handled", gettext_noop("办结咨询件数"), "count", roles,
        handled_by_person, link, gettext_noop("件"),
    ))  # fmt: skip
    register_person_measure(PersonMeasure(
        "consultations.fcr", gettext_noop("首次接触解决率"), "rate", roles, fcr_by_person, link,
        "%",
    ))  # fmt: skip


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "consultations.fcr_rate": (P.PEOPLE_FIRST, P.EFFICIENT),  # one contact solves it
    "consultations.replied_on_time_rate": (P.EFFICIENT, P.PEOPLE_FIRST),
})  # fmt: skip
