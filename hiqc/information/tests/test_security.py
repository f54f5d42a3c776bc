"""Security responsibilities and the yearly self-evaluation (6.2.1(1)(4), 6.2.3(1); issue 21
§5): holders per unit with vacancies; the evaluation scored on the kernel checklist, one per unit
and year, failed items opening remediation cases that run on the engine."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent, Deadline
from hiqc.information.models import Remediation
from hiqc.information.security.selectors import responsibilities, vacancies
from hiqc.information.security.services import (
    evaluation_perform,
    holder_assign,
    holder_end,
    remediation_act,
    security_checklist,
)
from hiqc.organisations.services import actor_for_user

pytestmark = pytest.mark.django_db


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def test_vacant_roles_per_unit_and_holders_with_terms(personas, org):
    compliance = actor_for_user(personas["compliance"])
    today = _today()
    before = {(v["unit"].code, v["role"]) for v in vacancies(compliance, today=today)}
    assert len(before) == 4 + 2 + 2  # HO all four, P1 and P2 two each
    holder = holder_assign(actor=compliance, data={
        "org_unit": org["HO"].pk, "role": "security_lead", "user": personas["compliance"].pk,
        "starts_on": (today - timedelta(days=5)).isoformat()})  # fmt: skip
    holder_assign(actor=compliance, data={
        "org_unit": org["P1"].pk, "role": "data_protection", "user": personas["branch_manager"].pk,
        "starts_on": today.isoformat()})  # fmt: skip
    after = {(v["unit"].code, v["role"]) for v in vacancies(compliance, today=today)}
    assert before - after == {("HO", "security_lead"), ("P1", "data_protection")}
    with pytest.raises(ValidationFailed) as wrong_line:  # a P2 person cannot hold P1's role
        holder_assign(actor=compliance, data={
            "org_unit": org["P1"].pk, "role": "security_lead",
            "user": personas["outsider_agent"].pk, "starts_on": today.isoformat()})  # fmt: skip
    assert "user" in wrong_line.value.fields
    with pytest.raises(ValidationFailed) as bad:
        holder_assign(actor=compliance, data={"org_unit": org["HO"].pk, "role": "nope",
                                              "user": personas["admin"].pk, "starts_on": "x"})  # fmt: skip
    assert {"role", "starts_on"} <= set(bad.value.fields)
    holder_end(actor=compliance, holder_id=holder.pk, ends_on=today - timedelta(days=1))
    assert ("HO", "security_lead") in {(v["unit"].code, v["role"])
                                       for v in vacancies(compliance, today=today)}  # fmt: skip
    assert AuditEvent.objects.filter(action="information.security_role.assign").count() == 2
    with pytest.raises(Forbidden):
        holder_assign(actor=actor_for_user(personas["branch_manager"]), data={})
    p1_rows = responsibilities(actor_for_user(personas["branch_manager"]), today=today)
    assert [r["unit"].code for r in p1_rows] == ["P1"]  # a branch sees its own


def _marks(items, failed):
    return {str(i.pk): (0 if i.pk in failed else i.points) for i in items}


def test_the_evaluation_is_scored_and_failed_items_become_remediations(personas, org):
    compliance = actor_for_user(personas["compliance"])
    items = checklist_items(security_checklist())
    critical = next(i for i in items if i.critical)
    minor = next(i for i in items if not i.critical)
    year = _today().year
    e = evaluation_perform(actor=compliance, org_unit_id=org["HO"].pk, year=year,
                           marks=_marks(items, {critical.pk, minor.pk}),
                           notes={str(minor.pk): "未演练"})  # fmt: skip
    total = sum(i.points for i in items)
    assert (e.score, e.max_score) == (total - critical.points - minor.points, total)
    assert e.passed is False  # a failed critical item fails it whatever the percentage
    cases = list(Remediation.objects.order_by("item__position"))
    assert [c.item_id for c in cases] == sorted([critical.pk, minor.pk], key=lambda pk: next(
        i.position for i in items if i.pk == pk))  # fmt: skip
    assert all(c.status == "open" for c in cases)
    assert Deadline.objects.filter(case_type="information.remediation").count() == 2
    with pytest.raises(Conflict):
        evaluation_perform(actor=compliance, org_unit_id=org["HO"].pk, year=year,
                           marks=_marks(items, set()))  # fmt: skip
    with pytest.raises(ValidationFailed) as missing:
        evaluation_perform(actor=compliance, org_unit_id=org["P1"].pk, year=year, marks={})
    assert len(missing.value.fields) == len(items)
    case = cases[0]
    admin = actor_for_user(personas["admin"])
    case = remediation_act(actor=admin, case_id=case.pk, action="rectify",
                           data={"correction": "已修订应急预案并演练"}, version=case.version)  # fmt: skip
    with pytest.raises(Forbidden):  # the remediation is the admin's, the verification not
        remediation_act(actor=admin, case_id=case.pk, action="verify",
                        data={"verification": "x"})  # fmt: skip
    case = remediation_act(actor=compliance, case_id=case.pk, action="verify",
                           data={"verification": "已复核"}, version=case.version)  # fmt: skip
    assert case.status == "closed" and case.closed_at is not None
    clean = evaluation_perform(actor=compliance, org_unit_id=org["P1"].pk, year=year,
                               marks=_marks(items, set()))  # fmt: skip
    assert clean.passed and clean.percent == 100 and not clean.remediations.exists()


def test_only_the_security_officer_evaluates(personas, org):
    items = checklist_items(security_checklist())
    for name in ("branch_manager", "auditor", "admin"):
        with pytest.raises(Forbidden):
            evaluation_perform(actor=actor_for_user(personas[name]), org_unit_id=org["P1"].pk,
                               year=_today().year, marks=_marks(items, set()))  # fmt: skip
