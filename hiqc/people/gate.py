"""Qualifications that gate the work (standard 4.1.2, 4.2.2, 5.3.3, 8.2.6; issue 18 §3; ADR 0020).

A rule per case kind names the qualification its handler must hold (``people.gate.<kind>``); the
shipped default is "not required" — a design default (P): head office turns a gate on at the
rules page once its staff hold certificates, so switching this app on blocks no open work. The
check is registered into the kernel (``register_assignment_check``) for every gated kind, and the
engine (``hiqc.core.casework.assignment_check``) asks it wherever a case is given to someone.
The kinds are named by label only: this app imports no domain.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import register_assignment_check
from hiqc.core.qualifications import QualificationSource, register_qualification_source
from hiqc.core.rules import Rule, register_rules, rule_value
from hiqc.organisations.models import User

from .enums import Qualification
from .models import Certificate

OFF = "off"
# case kind label → (rule key, what the rule is about, the clause that asks for trained staff)
GATED: dict[str, tuple[str, Any, str]] = {
    "complaints.complaint": ("people.gate.complaint", gettext_lazy("投诉承办人须持有的资格"),
                             "4.2.2"),
    "consultations.consultation": ("people.gate.consultation",
                                   gettext_lazy("咨询经办坐席须持有的资格"), "4.1.2"),
    "claims.claim": ("people.gate.claim", gettext_lazy("理赔经办人须持有的资格"), "5.3.3"),
    "inspection.inspectiontask": ("people.gate.inspection", gettext_lazy("质检任务承担人须持有的资格"),
                                  "8.2.6"),
}  # fmt: skip
CHOICES = ((OFF, gettext_lazy("不要求（未启用）")), *Qualification.choices)


def gate_rules() -> list[Rule]:
    return [
        Rule(key, OFF, "choice", label,
             f"标准 {clause} 要求经培训考核上岗；HIQC 设计默认值（P）：不启用，由总公司在规则页启用",
             "P", choices=CHOICES)
        for key, label, clause in GATED.values()
    ]  # fmt: skip


def required_qualification(case_type: str) -> str | None:
    """The qualification a handler of ``case_type`` must hold now (None: not gated)."""
    entry = GATED.get(case_type)
    if entry is None:
        return None
    value = rule_value(entry[0])
    return None if value == OFF else str(value)


def holds_current(user_id: Any, qualification: str, at: datetime) -> bool:
    day = at.astimezone(BEIJING).date()
    return Certificate.objects.filter(
        user_id=user_id, qualification=qualification, issued_on__lte=day, expires_on__gte=day
    ).exists()


def qualification_refusal(case_type: str, user_id: Any, at: datetime) -> str | None:
    """Why ``user_id`` may not be assigned a case of ``case_type`` at ``at`` (None: they may)."""
    needed = required_qualification(case_type)
    if needed is None or holds_current(user_id, needed, at):
        return None
    user = User.objects.filter(pk=user_id).only("username", "display_name").first()
    name = (user.display_name or user.username) if user is not None else str(user_id)
    return _(
        "{name} 未持有有效的“{qualification}”，不能承办此类案件（须先通过考试取得资格或续期）。"
    ).format(name=name, qualification=Qualification(needed).label)


def holdings(user_ids: Iterable[Any], codes: Iterable[str], day: date
             ) -> dict[tuple[str, str], tuple[date, date]]:  # fmt: skip
    """Per (user, qualification): the certificate issued on or before ``day`` that runs out last
    — what other chapters read through ``hiqc.core.qualifications`` (8.2.6: equipment operators)."""
    out: dict[tuple[str, str], tuple[date, date]] = {}
    rows = (
        Certificate.objects.filter(
            user_id__in=list(user_ids), qualification__in=list(codes), issued_on__lte=day
        )
        .order_by("expires_on")
        .values_list("user_id", "qualification", "issued_on", "expires_on")
    )
    for user_id, qualification, issued_on, expires_on in rows:
        out[(str(user_id), qualification)] = (issued_on, expires_on)  # the latest wins
    return out


def register_gate() -> None:
    register_rules(*gate_rules())
    register_qualification_source(
        QualificationSource(choices=lambda: Qualification.choices, holdings=holdings)
    )
    for case_type in GATED:
        register_assignment_check(case_type, qualification_refusal)
