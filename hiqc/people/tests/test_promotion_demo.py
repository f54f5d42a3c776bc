"""The promotion demo (issue 18 §9): one promotion in its notice with an objection and one
appointed earlier — dated from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.people.promotion import demo
from hiqc.people.promotion.models import Objection, Promotion, PromotionStatus
from hiqc.people.promotion.services import notice_open, notices_visible

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(org):
    units = {
        demo.MANAGER: ("branch_manager", "P1"),
        demo.IN_NOTICE: ("complaint_handler", "P1"),
        demo.APPOINTED: ("claims_handler", "P1"),
        demo.OBJECTOR: ("consultation_agent", "C1"),
    }
    out = {}
    for name, (role, unit) in units.items():
        user = User.objects.create_user(username=name, password="x" * 20, org_unit=org[unit],
                                        display_name=name)  # fmt: skip
        Membership.objects.create(user=user, role=role, org_unit=org[unit])
        out[name] = user
    return out


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_has_one_notice_with_an_objection_and_one_appointment(org, staff, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        load = lambda: demo.demo_load(seed=1, org_units={}, users=staff,  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        assert load() == {"promotions": 2, "promotion_objections": 1}
        assert load() == {}
        now = timezone.now()
        current = Promotion.objects.get(candidate__username=demo.IN_NOTICE)
        assert current.status == PromotionStatus.NOTICE and notice_open(current, now)
        assert Objection.objects.get().promotion == current
        done = Promotion.objects.get(candidate__username=demo.APPOINTED)
        assert (
            done.status == PromotionStatus.APPOINTED
            and done.decided_at is not None
            and done.decided_at < now
        )
        agent = actor_for_user(staff[demo.OBJECTOR])
        assert set(notices_visible(agent)) == {current, done}
