"""Read guards: another app may withhold a record of any kind from a person for a while; jobs and
imports are never held back."""

from __future__ import annotations

import uuid

import pytest

from hiqc.core.access import Actor
from hiqc.core.readguards import (
    Withheld,
    read_guarded,
    register_list_guard,
    register_read_guard,
    withheld_ids,
)

LABEL = "probe.guarded"
PERSON = uuid.UUID("00000000-0000-4000-8000-000000000001")


def _refuse_odd(actor: Actor, record: int) -> None:
    if record % 2:
        raise Withheld("稍后再看", url="/elsewhere/", link_label="去别处")


def _hide_two(actor: Actor) -> set[str]:
    return {"2"}


register_read_guard(LABEL, _refuse_odd)
register_list_guard(LABEL, _hide_two)
register_read_guard(LABEL, _refuse_odd)  # registering twice keeps one


def test_a_guarded_record_is_withheld_from_a_person_and_says_where_to_go():
    person = Actor(user_id=PERSON, username="p")
    assert read_guarded(LABEL, person, 2) == 2
    with pytest.raises(Withheld) as refused:
        read_guarded(LABEL, person, 3)
    assert (refused.value.status, refused.value.url) == (403, "/elsewhere/")
    assert withheld_ids(LABEL, person) == {"2"}


def test_system_actors_and_unguarded_kinds_are_never_held_back():
    assert read_guarded(LABEL, Actor.system("job"), 3) == 3
    assert withheld_ids(LABEL, Actor.system("job")) == set()
    person = Actor(user_id=PERSON, username="p")
    assert read_guarded("probe.other", person, 3) == 3
