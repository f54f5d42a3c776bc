"""The assessment demo (issue 18 §4, §9): the Beijing branch's cycle over the last full quarter,
published before it began, computed, with one 360° group under three raters hidden and one
appeal — whatever today is (frozen at 12-31, 01-01, 02-29 and 03-31); a rerun adds nothing."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.people.assessment import demo
from hiqc.people.assessment.models import Appeal, AssessmentCycle, AssessmentResult, CycleStatus

pytestmark = pytest.mark.django_db
STAFF = {  # username → (role, unit code in the test tree)
    "branch_manager_bj": (Role.BRANCH_MANAGER, "P1"),
    "complaint_handler_bj": (Role.COMPLAINT_HANDLER, "P1"),
    "claims_handler_bj": (Role.CLAIMS_HANDLER, "P1"),
    "agent_bj": (Role.CONSULTATION_AGENT, "C1"),
    "facility_bj": (Role.FACILITY_ADMIN, "C1"),
    "quality_lead": (Role.QUALITY_LEAD, "HO"),
    "cc_supervisor": (Role.CALL_CENTRE_SUPERVISOR, "HO"),
}


@pytest.fixture
def staff(org):
    made = {}
    for name, (role, unit) in STAFF.items():
        made[name] = User.objects.create_user(username=name, password="x" * 20,
                                              org_unit=org[unit], display_name=name)  # fmt: skip
        Membership.objects.create(user=made[name], role=role, org_unit=org[unit])
    return made


@pytest.mark.parametrize(("moment", "start", "end"), [
    ("2026-12-31 23:30", date(2026, 7, 1), date(2026, 9, 30)),
    ("2027-01-01 00:30", date(2026, 10, 1), date(2026, 12, 31)),
    ("2028-02-29 09:00", date(2027, 10, 1), date(2027, 12, 31)),
    ("2027-03-31 18:00", date(2026, 10, 1), date(2026, 12, 31)),
])  # fmt: skip
def test_the_demo_assesses_the_last_full_quarter_and_a_rerun_adds_nothing(
    org, staff, moment, start, end
):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        load = lambda: demo.assessment_demo_load(org_units={"BJ": org["P1"]}, users=staff)  # noqa: E731
        assert load() == {"assessment_cycles": 1, "assessment_results": 3,
                          "assessment_ratings": 11, "assessment_appeals": 1}  # fmt: skip
        assert load() == {}
    cycle = AssessmentCycle.objects.get()
    assert (cycle.period_start, cycle.period_end) == (start, end)
    assert cycle.status == CycleStatus.COMPUTED
    # the scheme was published before the quarter began (7.2.1)
    assert cycle.published_at is not None
    assert cycle.published_at < datetime.combine(start, time(0), BEIJING)
    liu = AssessmentResult.objects.get(user__username="complaint_handler_bj")
    assert liu.groups["superior"]["shown"] and not liu.groups["peer"]["shown"]
    assert liu.groups["peer"]["raters"] == 2 and liu.groups["peer"]["teamwork"] is None
    assert Appeal.objects.get().result == liu
