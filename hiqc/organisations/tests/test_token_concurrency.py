"""Tokens created and revoked at once by one person (issue 14 §2): no deadlock, no 500.

PostgreSQL only: SQLite serialises writers, so there is nothing to interleave."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from hiqc.organisations.models import ApiToken
from hiqc.organisations.services import api_token_create, api_token_revoke

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks interleave on PostgreSQL only"
    ),
]


def test_concurrent_token_creation_and_revocation_by_one_user_never_deadlocks(personas, actors):
    actor, user = actors["agent"], personas["agent"]
    existing = [
        api_token_create(actor=actor, user_id=user.pk, name=f"旧{n}")[0].pk for n in range(12)
    ]
    errors: list[BaseException] = []
    start = threading.Barrier(24)

    def run(job: Callable[[], object]) -> None:
        try:
            start.wait()
            for _ in range(3):
                job()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    jobs = [lambda: api_token_create(actor=actor, user_id=user.pk, name="新")] * 12 + [
        (lambda pk=pk: api_token_revoke(actor=actor, token_id=pk)) for pk in existing
    ]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert ApiToken.objects.filter(name="新").count() == 36
    assert ApiToken.objects.filter(pk__in=existing, revoked_at__isnull=False).count() == 12
