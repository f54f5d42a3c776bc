"""The claims-audit demo step: one completed and one open round, idempotent, and nothing at all
when the claims demo decided no claims (issue 5 §8, §11)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from hiqc.claimaudit.demo import demo_load
from hiqc.claimaudit.models import AuditItem, AuditRound
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent, Finding

from .factories import decided_claims

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 5, 20, 12, tzinfo=BEIJING)


def _load(org, personas):
    users = {"quality_lead": personas["quality_lead"], "claims_reviewer": personas["reviewer"]}
    with time_machine.travel(NOW, tick=False):
        return demo_load(seed=7, org_units=org, users=users, actor=Actor.system("demo"))


def test_given_no_decided_claims_the_demo_creates_no_rounds(org, personas):
    assert _load(org, personas) == {"rounds": 0, "reviews": 0, "errors": 0}


def test_the_demo_completes_one_round_and_leaves_one_open_and_is_idempotent(org, personas):
    decided_claims(org["C1"], 150, start=datetime(2026, 3, 2, 9, tzinfo=BEIJING),
                   decider=personas["claims"])  # fmt: skip
    decided_claims(org["C2"], 60, start=datetime(2026, 4, 2, 9, tzinfo=BEIJING),
                   decider=personas["reviewer"])  # fmt: skip
    counts = _load(org, personas)
    done, open_round = AuditRound.objects.order_by("period_start")
    assert (done.status, done.method, open_round.status) == ("completed", "stratified", "open")
    assert not AuditItem.objects.filter(round=done).exclude(status="done").exists()
    assert AuditItem.objects.filter(round=open_round, status="done").count() == 15
    # the reviewer decided April's claims: the quality lead reviewed those instead
    assert not AuditItem.objects.filter(reviewer=personas["reviewer"], round=open_round).exists()
    assert counts["rounds"] == 2 and counts["reviews"] == done.sample_size + 15
    assert Finding.objects.filter(kind="claims.audit_error").count() == counts["errors"]
    # through the case engine: one event per state each round and item has been in
    for label, model in (
        ("claimaudit.auditround", AuditRound),
        ("claimaudit.audititem", AuditItem),
    ):
        versions = sum(model.objects.values_list("version", flat=True))
        assert CaseEvent.objects.filter(case_type=label).count() == versions
    assert _load(org, personas) == {"rounds": 0, "reviews": 0, "errors": 0}
