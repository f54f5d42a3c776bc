"""The operators and renewal part of the facilities demo (issue 19 §7–§8): operators named for
the equipment that needs them from the personas holding the qualification (one certificate
lapsed, so it shows on the gaps list), old items with suggestions, and renewal plans for this
budget year (one approved, one done with its old item disposed of) and the next — dated from
today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.facilities import demo
from hiqc.facilities.models import Equipment, EquipmentOperator, RenewalPlan
from hiqc.facilities.operators import operator_gaps
from hiqc.facilities.renewal import renewal_budget, renewal_suggestions
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlets(org):
    units = dict(org)
    for n in range(2, 8):
        units[f"O{n}"] = OrgUnit.objects.create(
            code=f"O{n}", name=f"网点{n}", name_en=f"O{n}", level=OrgLevel.OUTLET,
            parent=org["C2"], path=f"0001/0002/0001/{n:04d}/")  # fmt: skip
    return units


def _holders(org, today):
    """What the people demo gives the personas: self-service and telephony certificates, one
    self-service certificate lapsed four days ago (in P2), one telephony one running out."""
    certificate = apps.get_model("people", "Certificate")
    users = {}
    for username, unit, grants in (
        ("holder_p1", "C1", (("self_service_operator", 400, 330),
                             ("telephony_operator", 380, 350))),
        ("holder_p2", "C2", (("self_service_operator", 735, -4),
                             ("telephony_operator", 700, 12))),
    ):  # fmt: skip
        user = User.objects.create_user(username=username, password="x" * 20,
                                        org_unit=org[unit], display_name=username)  # fmt: skip
        users[username] = user
        for code, issued_ago, runs_out_in in grants:
            certificate.objects.create(
                user=user, org_unit=user.org_unit, qualification=code, source="granted",
                issued_on=today - timedelta(days=issued_ago),
                expires_on=today + timedelta(days=runs_out_in), issued_by="demo")  # fmt: skip
    return users


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_names_operators_and_plans_renewals_from_today(outlets, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        today = timezone.now().astimezone(BEIJING).date()
        users = _holders(outlets, today)
        load = lambda: demo.demo_load(seed=1, org_units=outlets, users=users,  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        first = load()
        assert first["renewal_equipment"] == 4 and first["renewal_plans"] == 4
        assert first["operators"] == EquipmentOperator.objects.count() > 0
        assert load() == {}
        system = Actor.system("t")
        # every item needing an operator has one; P2's self-service operator has lapsed
        gaps = operator_gaps(system)
        assert {g["state"] for g in gaps} <= {"lapsed", "expiring"} and gaps
        assert {g["operator"] for g in gaps if g["state"] == "lapsed"} == {"holder_p2"}
        assert all(g["org_unit"].path.startswith("0001/0002/") for g in gaps)
        # plans this year (approved, done) and next (planned, approved)
        states = sorted(RenewalPlan.objects.values_list("budget_year", "status"))
        assert states == sorted([(today.year, "approved"), (today.year, "done"),
                                 (today.year + 1, "planned"), (today.year + 1, "approved")])  # fmt: skip
        done = RenewalPlan.objects.get(status="done")
        assert done.replacement is not None and done.replacement.asset_number == "DEMO-EQ-R04"
        assert Equipment.objects.get(asset_number="DEMO-EQ-R03").state == "disposed"
        assert [b["budget_year"] for b in renewal_budget(system)] == [today.year + 1, today.year]
        suggested = {s["asset_number"]: s["reasons"] for s in renewal_suggestions(system)}
        assert suggested["DEMO-EQ-R02"] == ["age", "faults"]  # R01, R03 are planned: not suggested
        assert not {"DEMO-EQ-R01", "DEMO-EQ-R03", "DEMO-EQ-R04"} & set(suggested)
