"""The retention of consultations (standard 6.1.3(3); PIPL arts. 19, 47; PI-3; issue 21 §2; ADR
0031).

No statute fixes how long a consultation is kept. Design default (P):
``consultations.retention_years`` = 5 years after it closed (resolved, or converted into a
complaint or a suggestion) — aligned with CP-14 and CL-9 (short term), since what a customer was
told is evidence in a later complaint or claim dispute. Then the kernel's retention job
(``hiqc.core.retention``) anonymises it: the caller's name and number, the question, the answer
and the recording reference are emptied; the row stays with its channel, topic, dates and
first-contact flag for the statistics (4.1.3(2)). A legal hold on the consultation number stops
it. While a consultation is not anonymised its customer is kept (a reference provider)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.retention import ANONYMISE, RetentionPolicy
from hiqc.core.rules import Rule, rule_value
from hiqc.customers.models import Customer

from .enums import ConsultationStatus
from .models import Consultation

HOLD_TYPE = "consultations.consultation"
CONVERTED = (ConsultationStatus.CONVERTED_COMPLAINT, ConsultationStatus.CONVERTED_SUGGESTION)

RETENTION_YEARS = Rule(
    "consultations.retention_years",
    5,
    "years",
    _("咨询记录办结后的保存年限"),
    "HIQC 设计默认值（P）；标准 6.1.3(3)、个人信息保护法第十九条：无法定期限，与 CP-14 投诉档案、"
    "CL-9 短期险档案一致（咨询内容是日后投诉、理赔争议的证据）",
    "P",
)


def _cut(as_of: date) -> datetime:
    years = int(rule_value(RETENTION_YEARS.key))
    return datetime.combine(years_after(as_of, -years), time.min, tzinfo=BEIJING)


def due(as_of: date) -> QuerySet[Any]:
    cut = _cut(as_of)
    return Consultation.objects.filter(anonymised_at__isnull=True).filter(
        Q(resolved_at__lt=cut)
        | Q(resolved_at__isnull=True, status__in=CONVERTED, updated_at__lt=cut)
    )


def remove(qs: QuerySet[Any], now: datetime) -> int:
    ids = list(qs.values_list("pk", flat=True))
    return Consultation.objects.filter(pk__in=ids).update(
        contact_name="",
        contact_mobile="",
        contact_mobile_hash="",
        question="",
        answer="",
        recording_ref="",
        anonymised_at=now,
    )


def customers_needed(as_of: date) -> QuerySet[Any]:
    """Customers a consultation not yet anonymised still names."""
    live = Consultation.objects.filter(anonymised_at__isnull=True, customer__isnull=False)
    return Customer.objects.filter(pk__in=live.values("customer_id")).values_list("pk", flat=True)


POLICY = RetentionPolicy(
    code="consultations.records",
    label=_("咨询记录"),
    model="consultations.Consultation",
    method=ANONYMISE,
    basis=_("办结后 5 年（设计默认值 P，与 CP-14、CL-9 一致）"),
    due=due,
    remove=remove,
    ref_field="number",
    hold_type=HOLD_TYPE,
    number_field="number",
)
