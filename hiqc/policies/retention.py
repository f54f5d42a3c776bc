"""Which customers a policy still needs (CL-9: Insurance Law art. 87; standard 6.1.3(3); ADR
0031).

A policy file is kept 5 years after the policy ends when its term is at most one year, 10 years
beyond (the claims rules ``claims.retention_years_short`` / ``_long``: one setting for CL-9);
while it is, its holder and insured stay unanonymised. Registered with the kernel as a reference
provider for customers (``hiqc.core.retention.register_reference``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet

from hiqc.core.calendar import years_after
from hiqc.core.rules import rule_value
from hiqc.customers.models import Customer

from .models import Policy, PolicyInsured

LONG_TERM = timedelta(days=366)  # a term of more than one year (a leap year's is 366 days)


def policies_kept(as_of: date) -> QuerySet[Policy]:
    short = int(rule_value("claims.retention_years_short"))
    long = int(rule_value("claims.retention_years_long"))
    term = ExpressionWrapper(F("end_date") - F("start_date"), output_field=DurationField())
    return Policy.objects.annotate(term=term).filter(
        Q(end_date__gte=years_after(as_of, -short))
        | Q(end_date__gte=years_after(as_of, -long), term__gt=LONG_TERM)
    )


def customers_needed(as_of: date) -> QuerySet[Any]:
    kept = policies_kept(as_of)
    insured = PolicyInsured.objects.filter(policy__in=kept.values("pk"))
    return Customer.objects.filter(
        Q(pk__in=kept.values("holder_id")) | Q(pk__in=insured.values("customer_id"))
    ).values_list("pk", flat=True)
