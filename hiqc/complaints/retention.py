"""The retention of complaint files (CP-14: design default 5 years from archiving, aligned with
CL-9; standard 6.1.3(3); issue 21 §2).

An archived complaint keeps its file until ``retain_until``. Then the kernel's retention job
(``hiqc.core.retention``) anonymises it: the request, the facts, the findings, the decision, the
review opinion, the respondent's name and the letters' text are emptied; the complaint row stays
with its dates, categories and clocks for the statistics and the regulator's reports. A legal
hold on the complaint number stops it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hiqc.core.retention import ANONYMISE, RetentionPolicy
from hiqc.customers.models import Customer

from .models import Complaint, Letter

HOLD_TYPE = "complaints.complaint"


def due(as_of: date) -> QuerySet[Any]:
    return Complaint.objects.filter(retain_until__lt=as_of, anonymised_at__isnull=True)


def remove(qs: QuerySet[Any], now: datetime) -> int:
    ids = list(qs.values_list("pk", flat=True))
    Letter.objects.filter(complaint_id__in=ids).update(body="")
    return Complaint.objects.filter(pk__in=ids).update(
        request="",
        facts="",
        facts_found="",
        basis="",
        decision_text="",
        review_opinion="",
        respondent_name="",
        anonymised_at=now,
    )


POLICY = RetentionPolicy(
    code="complaints.files",
    label=_("投诉档案"),
    model="complaints.Complaint",
    method=ANONYMISE,
    basis=_("CP-14：归档后保存 5 年（设计默认值，与 CL-9 一致）"),
    due=due,
    remove=remove,
    ref_field="reference",
    hold_type=HOLD_TYPE,
    number_field="reference",
)


def customers_needed(as_of: date) -> QuerySet[Any]:
    """Customers a complaint still needs on ``as_of`` (the complainant): every complaint not
    yet anonymised — open, within CP-14, or kept by a legal hold (ADR 0031)."""
    live = Complaint.objects.filter(anonymised_at__isnull=True)
    return Customer.objects.filter(pk__in=live.values("complainant_id")).values_list(
        "pk", flat=True
    )
