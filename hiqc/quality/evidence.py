"""Quality's evidence for the standard (issue 22 §2; ADR 0034): 10.1.2 monitoring indicators with
targets; 10.2.3 improvement actions done by their deadline. Also the indicator page every indicator
evidence links to (``hiqc.core.evidence.register_drilldown``)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import (
    RECORD,
    Evidence,
    evidence_rule,
    ratio_evidence,
    register_drilldown,
)
from hiqc.core.targets import targets_for
from hiqc.organisations.selectors import units_by_path

from .monitoring import KEY_INDICATORS


def indicator_url(*, code: str, org_path: str, start: date) -> str:
    """The indicator's page for the unit (the drill-down of every indicator evidence)."""
    unit = units_by_path([org_path]).get(org_path)
    url = reverse("quality:indicator", args=[code])
    return f"{url}?{urlencode({'unit': unit.pk})}" if unit is not None else url


@evidence_rule(
    "quality.key_indicator_targets", clauses=("10.1.2",), kind=RECORD,
    name=gettext_noop("关键指标均设定目标"),
    description=gettext_noop("质量总览的每个关键指标在本机构于期末均有生效的目标值（本级或上级设定）。"),
)  # fmt: skip
def key_indicator_targets(org_path: str, start: date, end: date) -> Evidence:
    """10.1.2 monitoring indicators set: every key indicator has a target in force for the unit."""
    found = targets_for(KEY_INDICATORS, org_path, end - timedelta(days=1))
    missing = [code for code in KEY_INDICATORS if code not in found]
    return ratio_evidence(len(KEY_INDICATORS), len(missing), url=reverse("quality:targets"),
                          note=", ".join(missing[:3]))  # fmt: skip


@evidence_rule(
    "quality.actions_on_time", clauses=("10.2.3",), kind=RECORD,
    name=gettext_noop("改进措施按期完成"),
    description=gettext_noop("本期到期的改进措施均在完成期限内完成。"),
)  # fmt: skip
def actions_on_time(org_path: str, start: date, end: date) -> Evidence:
    """10.2.3 implement the improvement: the actions due in the period were done by their day."""
    from .plans.models import ImprovementAction

    due = ImprovementAction.objects.filter(
        plan__org_unit__path__startswith=org_path, due_date__gte=start, due_date__lt=end
    ).values_list("due_date", "done_at")
    rows = list(due)
    late = sum(1 for d, done in rows if done is None or done.astimezone(BEIJING).date() > d)
    return ratio_evidence(len(rows), late, url=reverse("quality:plans"))


register_drilldown("indicator", indicator_url)
