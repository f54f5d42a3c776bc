"""``claims.accuracy_rate`` (理赔准确率; standard 5.1.2(3), 5.3.1), declared with the kernel's
indicator engine: per org unit (the audited claim's unit) and month of the finished review,
numerator = reviews without an error, denominator = finished reviews. Rolled up a subtree as
Σnumerator ÷ Σdenominator, so a branch's rate weighs each review once. Computed by one grouped
query for the whole range.

The reviews behind the figure (``Indicator.cases``) are the finished audit items, those with an
error first, each linked to its audit item page (whose own door applies) rather than to the claim.
They are shown by the claim's number, except while the claim waits for a blind review in an open
round: an error found earlier would tell its reviewer what the original decision was."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from hiqc.core.indicators import (
    CASES_LIMIT,
    Counted,
    Indicator,
    RangeRow,
    align,
    counted_by_period,
    indicators_compute,
    next_start,
    register_indicator,
)
from hiqc.core.personmeasures import Measured, PersonMeasure, register_person_measure, tally
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from .enums import ErrorType, ItemStatus, RoundStatus
from .models import AuditItem

CODE = "claims.accuracy_rate"


def _finished(start: datetime, end: datetime) -> QuerySet[AuditItem]:
    return AuditItem.objects.filter(
        status=ItemStatus.DONE, reviewed_at__gte=start, reviewed_at__lt=end
    )


def _accuracy(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    return counted_by_period(_finished(start, end), at="reviewed_at", granularity=granularity,
                             hit=Q(has_error=False), path="org_unit__path")  # fmt: skip


def _errors(item: AuditItem) -> str:
    if not item.has_error:
        return gettext("无差错")
    labels = dict(ErrorType.choices)
    named = "、".join(str(labels.get(e, e)) for e in item.errors or ())
    return named or gettext("有差错")


def _accuracy_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The reviews finished in the period, those that found an error first."""
    items = list(
        _finished(start, end).filter(org_unit__path__startswith=org_path)
        .select_related("org_unit", "claim")
        .only("claim__number", "org_unit__path", "reviewed_at", "has_error", "errors")
        .order_by("-has_error", "reviewed_at", "pk")[:CASES_LIMIT]
    )  # fmt: skip
    blind = set(
        AuditItem.objects.filter(
            claim_id__in=[i.claim_id for i in items], status=ItemStatus.PENDING,
            round__status=RoundStatus.OPEN,
        ).values_list("claim_id", flat=True)
    )  # fmt: skip
    name = str(AuditItem._meta.verbose_name)
    return [
        Counted("claimaudit.item", str(i.pk), i.org_unit.path, i.reviewed_at, _errors(i),
                i.has_error, label=str(i.pk)[:8] if i.claim_id in blind else i.claim.number,
                url=reverse("claimaudit:item", kwargs={"item_id": i.pk}), name=name)
        for i in items
    ]  # fmt: skip


ACCURACY_RATE = Indicator(
    code=CODE,
    name_zh="理赔准确率",
    name_en="Claims accuracy rate",
    unit="ratio",
    direction="higher_better",
    clauses=("5.1.2(3)", "5.3.1"),
    formula=gettext_noop(
        "盲审重新核定未发现差错的抽检案件数 ÷ 抽检案件数，按抽检审核完成的月份统计 = 1 − 差错率"
    ),
    source=gettext_noop("本平台理赔质量抽检（抽检案件及其记录的差错类型）"),
    compute_range=_accuracy,
    granularities=("month",),
    cases=_accuracy_cases,
    owner="claims_reviewer",
)

register_indicator(ACCURACY_RATE)


def accuracy_recompute(moment: datetime) -> int:
    """Recompute the month containing ``moment`` (after a review is finished); idempotent."""
    start = align(moment, "month")
    return indicators_compute(
        codes=[CODE], granularity="month", start=start, end=next_start(start, "month")
    )


# --- per-person measure for the staff assessment (standard 5.3.3, 7.2.2; issue 18 §4; ADR 0021) -


def accuracy_by_person(user_ids: list[str], start: datetime, end: datetime) -> dict[str, Measured]:
    """Claim-audit accuracy of the original handler: the audited decisions without an error ÷
    the audited decisions judged in ``[start, end)`` (5.3.3: claims quality feeds the claims
    staff's assessment), one query."""
    rows = _finished(start, end).filter(handler_id__in=user_ids).order_by("reviewed_at")
    return tally((pk, user, not err) for pk, user, err in
                 rows.values_list("pk", "handler_id", "has_error"))  # fmt: skip


def register_person_measures() -> None:
    register_person_measure(PersonMeasure(
        "claimaudit.accuracy", gettext_noop("理赔抽检准确率"), "rate", ("claims_handler",),
        accuracy_by_person, lambda pk: reverse("claimaudit:item", args=[pk]), "%",
    ))  # fmt: skip


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "claims.accuracy_rate": (P.FAIRNESS, P.INTEGRITY),  # no wrongful or missed payment
})  # fmt: skip
