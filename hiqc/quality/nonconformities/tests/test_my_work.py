"""A nonconformity in "my work" (issue 15 §3): the work of the handlers over its unit in every open
state; cancelling it is a right of whoever opens nonconformities, not work waiting for them."""

from __future__ import annotations

import pytest

from hiqc.core.casework import case_allowed_actions
from hiqc.core.mywork import my_work
from hiqc.quality.nonconformities.services import KIND, nonconformity_act, nonconformity_open

pytestmark = pytest.mark.django_db


def test_a_nonconformity_is_its_handlers_work_not_the_work_of_those_who_may_only_cancel_it(
    actors, org
):
    # Given a nonconformity opened by compliance (quality.nc.open, not quality.nc.handle)
    nc = nonconformity_open(actor=actors["compliance"], org_unit_id=org["C1"].pk, data={
        "source": "audit", "title": "档案不全", "description": "审计发现",
    })  # fmt: skip
    for step in (None, "start_analysis"):
        if step:
            nc = nonconformity_act(actor=actors["branch_manager"], nc_id=nc.pk, action=step,
                                   data={})  # fmt: skip
        # Then compliance may cancel it, yet it is not in their work
        assert case_allowed_actions(KIND, nc, actors["compliance"]) == ["cancel"]
        assert my_work(actors["compliance"], case_type=KIND.label).count() == 0
        # while the handlers over the unit have it
        assert [i.case.pk for i in my_work(actors["branch_manager"], case_type=KIND.label)] == [
            nc.pk
        ]
