"""Emergency's evidence for the standard (issue 22 §2; ADR 0034), 9.3 (known by its headings):
9.3.1 approved emergency plans in force for the unit; 9.3.2 drills done by their day and meeting
their targets; 9.3.3 incidents closed with their cause, lessons and the notifications they
required. Imported by ``EmergencyConfig.ready``."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import RECORD, Evidence, beijing_bounds, evidence_rule, record_evidence


def _ancestors(org_path: str) -> list[str]:
    """The paths of the unit and every unit above it ("0001/0002/" → "0001/", "0001/0002/")."""
    return [org_path[: i + 1] for i, ch in enumerate(org_path) if ch == "/"]


@evidence_rule(
    "emergency.plans_approved", clauses=("9.3.1",), kind=RECORD,
    name=gettext_noop("现行应急预案均已批准"),
    description=gettext_noop("适用于本机构（本级、上级或下属机构制定）的现行应急预案版本均已批准。"),
)  # fmt: skip
def plans_approved(org_path: str, start: date, end: date) -> Evidence:
    """9.3.1 emergency plans: the current version of every plan that applies to the unit (set by
    it, a unit above it or one below it) is approved."""
    from .models import EmergencyPlan

    plans = EmergencyPlan.objects.filter(current=True).filter(
        Q(org_unit__path__startswith=org_path) | Q(org_unit__path__in=_ancestors(org_path))
    )
    return record_evidence(plans, Q(approved=False), url=reverse("emergency:plans"))


@evidence_rule(
    "emergency.drills_on_time", clauses=("9.3.2",), kind=RECORD,
    name=gettext_noop("应急演练按期开展并达标"),
    description=gettext_noop("本期应演练的应急演练均在应演练日期前完成，且总体达标（含恢复时间目标）。"),
)  # fmt: skip
def drills_on_time(org_path: str, start: date, end: date) -> Evidence:
    """9.3.2 drills: the drills due in the period were performed by their due day and met their
    targets (the recovery time objective among them)."""
    from .models import Drill

    due = Drill.objects.filter(
        org_unit__path__startswith=org_path, due_date__gte=start, due_date__lt=end
    )
    failing = Q(performed_on__isnull=True) | Q(performed_on__gt=F("due_date")) | Q(met=False)
    return record_evidence(due, failing, url=reverse("emergency:drills"))


@evidence_rule(
    "emergency.incidents_handled", clauses=("9.3.3",), kind=RECORD,
    name=gettext_noop("突发事件处置闭环"),
    description=gettext_noop("本期关闭的突发事件均记录了根本原因与经验教训；涉及个人信息的已通知客户，"
                             "需报告监管的已报告。"),
)  # fmt: skip
def incidents_handled(org_path: str, start: date, end: date) -> Evidence:
    """9.3.3 emergency handling: the incidents closed in the period name their root cause and the
    lessons learnt, and made the notifications they required (customers when personal data was
    involved, the regulator when a report was required)."""
    from .enums import IncidentStatus
    from .models import Incident

    lo, hi = beijing_bounds(start, end)
    closed = Incident.objects.filter(
        org_unit__path__startswith=org_path, closed_at__gte=lo, closed_at__lt=hi
    ).exclude(status=IncidentStatus.WITHDRAWN)
    failing = (
        Q(root_cause="")
        | Q(lessons="")
        | Q(personal_data=True, customers_notified_at__isnull=True)
        | Q(regulator_required=True, regulator_notified_at__isnull=True)
    )
    return record_evidence(closed, failing, url=reverse("emergency:incidents"))
