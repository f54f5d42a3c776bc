"""The one door to the org tree (issue 15 §4): every app reads org units through
hiqc.organisations.selectors; a unit that is missing and one outside the actor's scope are the same
NotFound, by id and by code alike."""

from __future__ import annotations

import uuid

import pytest

from hiqc.core.errors import NotFound
from hiqc.organisations.selectors import (
    active_children,
    active_units,
    root_path,
    root_paths,
    unit_by_code_in_scope,
    unit_by_id,
    unit_codes,
    unit_in_scope,
    unit_names,
    units_by_id,
    units_by_path,
    units_in_scope,
    units_under,
    units_with_ids,
)

pytestmark = pytest.mark.django_db

PERM = "customers.edit"  # the branch manager holds it over P1 and below


def _close(unit) -> None:
    unit.is_active = False
    unit.save(update_fields=["is_active"])


def test_units_in_scope_are_the_actors_subtree_by_path_active_unless_asked(actors, org):
    manager = actors["branch_manager"]
    assert [u.code for u in units_in_scope(manager, PERM)] == ["P1", "C1", "O1"]
    _close(org["O1"])
    assert [u.code for u in units_in_scope(manager, PERM)] == ["P1", "C1"]
    assert [u.code for u in units_in_scope(manager, PERM, active=False)] == ["P1", "C1", "O1"]
    assert list(units_in_scope(actors["nobody"], PERM)) == []


def _answer(call) -> tuple[type, str]:
    with pytest.raises(NotFound) as exc:
        call()
    return type(exc.value), str(exc.value.message)


def test_missing_and_out_of_scope_are_the_same_not_found_by_id_and_by_code(actors, org):
    manager = actors["branch_manager"]
    assert unit_in_scope(manager, org["C1"].pk, PERM) == org["C1"]
    assert unit_by_code_in_scope(manager, "C1", PERM) == org["C1"]
    by_id = {
        "out of scope": _answer(lambda: unit_in_scope(manager, org["C2"].pk, PERM)),
        "missing": _answer(lambda: unit_in_scope(manager, uuid.uuid4(), PERM)),
        "not an id": _answer(lambda: unit_in_scope(manager, "x", PERM)),
    }
    by_code = {
        "out of scope": _answer(lambda: unit_by_code_in_scope(manager, "C2", PERM)),
        "missing": _answer(lambda: unit_by_code_in_scope(manager, "ZZ", PERM)),
    }
    assert len({*by_id.values(), *by_code.values()}) == 1, (by_id, by_code)


def test_a_closed_unit_is_not_found_only_when_an_active_one_is_asked_for(actors, org):
    manager = actors["branch_manager"]
    _close(org["C1"])
    assert unit_in_scope(manager, org["C1"].pk, PERM) == org["C1"]
    with pytest.raises(NotFound):
        unit_in_scope(manager, org["C1"].pk, PERM, active=True)


def test_the_system_reads_are_named_for_what_they_return(org):
    assert root_paths() == ["0001/"] and root_path() == "0001/"
    _close(org["C2"])
    codes = unit_codes()
    assert codes["C2"] == (org["C2"].pk, org["C2"].path) and len(codes) == 6
    assert set(unit_codes(active=True)) == {"HO", "P1", "C1", "O1", "P2"}
    assert [u.code for u in active_units()] == ["HO", "P1", "C1", "O1", "P2"]
    assert [u.code for u in active_units(max_level=org["P1"].level)] == ["HO", "P1", "P2"]
    assert [u.code for u in active_children([org["HO"], org["P2"]])] == ["P1", "P2"]
    assert list(active_children([])) == []
    assert {u.code for u in units_under(org["P2"].path)} == {"P2", "C2"}
    assert units_by_path([org["C1"].path, "9999/"]) == {org["C1"].path: org["C1"]}
    assert unit_names([org["C1"].path]) == {org["C1"].path: "朝阳中心支公司"}
    assert units_by_id([org["C1"].pk]) == {org["C1"].pk: org["C1"]}
    assert list(units_with_ids({org["C1"].pk})) == [org["C1"]]
    assert unit_by_id(org["C1"].pk) == org["C1"]
    assert unit_by_id(uuid.uuid4()) is None and unit_by_id("not-a-uuid") is None


def test_root_path_of_an_empty_tree_is_empty(db):
    assert root_path() == "" and root_paths() == []
