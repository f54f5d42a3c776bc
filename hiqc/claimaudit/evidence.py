"""Claim audit's evidence for the standard (issue 22 §2; ADR 0034): 5.3.2 the claims-quality
evaluation carried out periodically by audit sampling, quantitative (error rate with its interval)
and qualitative (the reviewer's note on each error)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import RECORD, Evidence, beijing_bounds, evidence_rule, ratio_evidence

from .enums import RoundStatus


@evidence_rule(
    "claimaudit.rounds_complete", clauses=("5.3.2",), kind=RECORD,
    name=gettext_noop("理赔质量定期抽样评估完整"),
    description=gettext_noop("本期完成的理赔质量抽检轮次，每个样本均有复核判定（定量），"
                             "判定有差错的均有复核说明（定性）。"),
)  # fmt: skip
def rounds_complete(org_path: str, start: date, end: date) -> Evidence:
    """5.3.2 (1)–(3) quantitative and qualitative, periodic: the audit rounds of the subtree
    completed in the period; one counts against it when a sampled claim lacks its error verdict
    or an error lacks the reviewer's note. No round completed → not yet assessable (the
    evaluation was not carried out in the period)."""
    from .models import AuditRound

    lo, hi = beijing_bounds(start, end)
    rounds = (
        AuditRound.objects.filter(
            org_unit__path__startswith=org_path, status=RoundStatus.COMPLETED,
            completed_at__gte=lo, completed_at__lt=hi,
        )
        .annotate(
            unjudged=Count("items", filter=Q(items__reviewed_at__isnull=True)),
            unexplained=Count("items", filter=Q(items__has_error=True, items__review_note="")),
        )
        .values_list("name", "unjudged", "unexplained")
    )  # fmt: skip
    rows = list(rounds)
    bad = [name for name, unjudged, unexplained in rows if unjudged or unexplained]
    return ratio_evidence(len(rows), len(bad), url=reverse("claimaudit:list"),
                          note=", ".join(bad[:3]))  # fmt: skip
