from __future__ import annotations

import pytest

from hiqc.consultations.models import Topic
from hiqc.customers.services import customer_create


@pytest.fixture
def topic(db) -> Topic:
    """A level-2 topic of the default taxonomy (data migration 0002)."""
    return Topic.objects.select_related("category").get(code="claims.progress")


@pytest.fixture
def customer(actors, org):
    return customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "赵六", "id_number": "110101199003074477", "mobile": "13900001111"},
    )


@pytest.fixture
def capture_data(topic, customer) -> dict:
    return {
        "customer_id": str(customer.pk),
        "channel": "phone",
        "topic_id": str(topic.pk),
        "question": "我上周提交的住院理赔到哪一步了？",
        "call_id": "CALL-20261126-0001",
    }
