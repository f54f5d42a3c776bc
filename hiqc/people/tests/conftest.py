"""Fixtures of the people tests: a small bank at head office and an exam that earns the complaint
handler's qualification."""

from __future__ import annotations

import pytest
from django.test import Client

from hiqc.people.enums import Qualification
from hiqc.people.services import exam_create, question_create

TOPIC = "投诉处理"


@pytest.fixture
def bank(actors, org) -> list:
    """Six single-choice items per difficulty, one true/false and one short answer (medium)."""
    made = []
    for difficulty in (1, 2, 3):
        for i in range(6):
            made.append(question_create(actor=actors["trainer"], data={
                "org_unit": org["HO"].pk, "topic": TOPIC, "kind": "single",
                "difficulty": str(difficulty), "text": f"第{difficulty}-{i}题：投诉受理时限？",
                "options": "5 日\n10 日\n15 日", "answer": "2", "points": "2",
            }))  # fmt: skip
    return made


@pytest.fixture
def exam(actors, org, bank):
    return exam_create(actor=actors["trainer"], data={
        "org_unit": org["HO"].pk, "title": "投诉处理上岗考试", "topic": TOPIC, "easy": "2",
        "medium": "2", "hard": "1", "duration_minutes": "30", "pass_percent": "80",
        "max_attempts": "2", "qualification": Qualification.COMPLAINT_HANDLER,
        "validity_months": "12",
    })  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
