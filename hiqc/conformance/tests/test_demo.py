"""The conformance demo (issue 22 §7): a signed-off round for the last complete quarter at head
office and 北京 (and one in progress), statuses computed (not seeded), honest overrides with reasons, a nonconformity
for every leaf judged not conforming, nothing stamped after now — whatever today is; a rerun adds
nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from hiqc.conformance import demo, selectors
from hiqc.conformance.models import AssessmentRound, RoundClause
from hiqc.conformance.periods import last_complete_quarter, quarter_of
from hiqc.conformance.standard import children
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.models import AuditEvent, CaseEvent, Deadline
from hiqc.quality.nonconformities.models import Nonconformity

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_signs_off_two_computed_rounds_and_a_rerun_adds_nothing(org, personas, moment):
    now = datetime.fromisoformat(moment).replace(tzinfo=BEIJING)
    units = {"BJ": org["P1"], "GD": org["P2"], **org}
    users = {"quality_lead": personas["quality_lead"],
             "branch_manager_bj": personas["branch_manager"]}  # fmt: skip
    with time_machine.travel(now, tick=False):
        load = lambda: demo.demo_load(seed=1, org_units=units, users=users,  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        first = load()
        period = last_complete_quarter()
        # the statuses the rounds should hold, computed now as the demo did
        expected = {u: selectors.clause_statuses(org[u].path, period) for u in ("HO", "P1")}
        assert load() == {}
    assert first["rounds"] == 4
    before = AssessmentRound.objects.exclude(period=period.label).get()
    assert before.org_unit == org["HO"] and before.status == "signed_off"
    assert before.period == quarter_of(period.start - timedelta(days=1)).label
    rounds = {r.org_unit.code: r for r in
              AssessmentRound.objects.filter(period=period.label).select_related("org_unit")}  # fmt: skip
    assert set(rounds) == {"HO", "P1", "P2"}
    assert rounds.pop("P2").status == "in_progress"  # 广东's, still being judged
    for code, case in rounds.items():
        assert case.status == "signed_off" and case.period == period.label
        assert case.signed_off_by == "quality_lead" and case.submitted_by != case.signed_off_by
        rows = selectors.round_clauses(case)
        assert {r.clause.code: r.auto_status for r in rows} == {
            c: s.status for c, s in expected[code].items()}  # fmt: skip
        overridden = [r for r in rows if r.overridden]
        assert overridden and all(r.reason for r in overridden)
        leaves = [r for r in rows if r.judgement == "not_conforming"
                  and not children()[r.clause.code]]  # fmt: skip
        assert all(r.nonconformity_id for r in leaves)
    bj = RoundClause.objects.get(round=rounds["P1"], clause__code="9.3.2")
    assert bj.judgement == "not_conforming" and bj.nonconformity is not None
    assert first["nonconformities"] == Nonconformity.objects.count() >= 1
    # nothing after now
    assert not CaseEvent.objects.filter(at__gt=now).exists()
    assert not Deadline.objects.filter(started_at__gt=now).exists()
    assert not AuditEvent.objects.filter(at__gt=now).exists()
    assert not AssessmentRound.objects.filter(signed_off_at__gt=now).exists()
