"""The demo generator's consultations: realistic, fast, deterministic and idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from hiqc.consultations.models import Consultation, Suggestion
from hiqc.consultations.services import consultation_clean
from hiqc.core.models import CaseEvent, Deadline


def _only_this_hook(monkeypatch):
    """Run demo_load with this app's hook only (other domains test theirs)."""
    from hiqc.consultations.demo import demo_load

    monkeypatch.setattr(
        "hiqc.demo.management.commands.demo_load.domain_hooks",
        lambda: iter([("consultations", demo_load)]),
    )


@pytest.mark.django_db
def test_demo_consultations_are_realistic_and_a_rerun_adds_nothing(monkeypatch):
    _only_this_hook(monkeypatch)
    call_command("demo_load", customers=400, verbosity=0, stdout=StringIO())
    cases = list(Consultation.objects.select_related("org_unit", "topic__category"))
    assert len(cases) == 600  # 1.5 per customer
    resolved = [c for c in cases if c.status == "resolved"]
    fcr = sum(c.first_contact_resolution for c in resolved) / len(resolved)
    assert 0.65 <= fcr <= 0.85
    assert len({c.channel for c in cases}) >= 5
    assert len({c.topic.category.code for c in cases}) == 6
    assert all(c.call_id and c.recording_ref for c in cases if c.channel == "phone")
    for c in cases[:50]:
        data = {
            "channel": c.channel,
            "topic_id": str(c.topic_id),
            "question": c.question,
            "customer_id": str(c.customer_id or ""),
            "contact_name": c.contact_name,
            "contact_mobile": c.contact_mobile,
            "call_id": c.call_id,
            "recording_ref": c.recording_ref,
        }
        assert consultation_clean(data)[1] == {}
    events = CaseEvent.objects.filter(case_type="consultations.consultation")
    assert events.count() == sum(c.version for c in cases)
    mine = [c for c in cases if c.assignee and c.assignee.username == "agent_bj"]
    open_mine = [c for c in mine if c.status in ("received", "answered")]
    assert len(open_mine) >= 8
    assert all(c.org_unit.code.startswith("BJ-CY") for c in mine)
    # every consultation has its reply clock, started on capture as the engine starts it, and
    # closed by the answer: only those still waiting for one have it open
    closed = dict(
        Deadline.objects.filter(case_type="consultations.consultation").values_list(
            "case_id", "closed_at"
        )
    )
    assert set(closed) == {str(c.pk) for c in cases}
    assert all((closed[str(c.pk)] is None) == (c.status == "received") for c in cases)
    assert all(c.answered_at == closed[str(c.pk)] for c in cases if c.status != "received")
    suggestions = Suggestion.objects.count()
    # suggestions are cases as the engine leaves them: a create event, then the decision if any
    trail: dict[str, list[tuple[str, str]]] = {}
    for case_id, activity, to_state in (
        CaseEvent.objects.filter(case_type="consultations.suggestion")
        .order_by("at", "id")
        .values_list("case_id", "activity", "to_state")
    ):
        trail.setdefault(case_id, []).append((activity, to_state))
    for s in Suggestion.objects.all():
        expected = [("create", "registered")]
        if s.status != "registered":
            expected.append(({"adopted": "adopt", "not_adopted": "decline"}[s.status], s.status))
        assert trail[str(s.pk)] == expected and s.version == len(expected)
        # registered when its consultation was converted, never after its decision
        created = CaseEvent.objects.get(case_id=str(s.pk), activity="create").at
        assert s.created_at == created and (s.decided_at is None or s.decided_at >= created)

    call_command("demo_load", customers=400, verbosity=0, stdout=StringIO())
    assert Consultation.objects.count() == 600
    assert Suggestion.objects.count() == suggestions
