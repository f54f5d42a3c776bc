"""Who acted, as pages show it: a person by their display name, a job by what it is called."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from hiqc.core.audit_labels import SYSTEM_ACTORS, actor_label, person_label

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_person_is_shown_by_their_display_name_and_asked_for_once(
    personas, django_assert_num_queries
):
    user = personas["product_manager"]
    assert user.display_name
    with django_assert_num_queries(1):
        assert person_label(user.username) == user.display_name
        assert person_label(user.username) == user.display_name  # from the cache


def test_an_unknown_name_or_a_person_without_a_display_name_is_shown_as_it_is(personas):
    assert person_label("nobody-here") == "nobody-here"
    user = personas["auditor"]
    user.display_name = ""
    user.save(update_fields=["display_name"])
    assert person_label(user.username) == user.username


def test_a_job_is_shown_by_what_it_is_called():
    name = next(iter(SYSTEM_ACTORS))
    assert person_label(name) == actor_label(name) != name
    assert person_label("") == ""
