"""The menu marks one page as current (issue 4 review: nested URLs lit two links)."""

from __future__ import annotations

import pytest

from hiqc.core.navigation import navigation_for

pytestmark = pytest.mark.django_db


def _active(actor, path):
    return [
        link["url"] for section in navigation_for(actor, path) for link in section["links"]
        if link["active"]
    ]  # fmt: skip


def test_a_nested_page_lights_only_its_own_link(actors):
    assert _active(actors["supervisor"], "/callcentre/calls/import/") == [
        "/callcentre/calls/import/"
    ]
    assert _active(actors["supervisor"], "/callcentre/") == ["/callcentre/"]


def test_a_detail_page_lights_its_list(actors):
    assert _active(actors["handler"], "/complaints/0b6e0f8e-0000-4000-8000-000000000000/") == [
        "/complaints/"
    ]
