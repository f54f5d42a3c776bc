"""The kernel's scored checklist (issue 19 §1; ADR 0023): versions freeze when published, editing
makes the next version, and the scoring rule — a failed critical item fails whatever the score."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hiqc.core.access import Actor
from hiqc.core.checklists import (
    ItemSpec,
    checklist_current,
    checklist_draft,
    checklist_items,
    checklist_items_set,
    checklist_publish,
    checklist_score,
    checklist_seed,
    checklist_set_active,
    checklists_for,
)
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PERM = "facilities.checklists"
ITEMS = (
    ItemSpec("区域甲", "座椅整洁", 2),
    ItemSpec("区域甲", "独立窗口", 3, critical=True),
    ItemSpec("区域乙", "饮水设备", 5),
)


@pytest.fixture
def seeded():
    return checklist_seed(actor=Actor.system("t"), code="t-list", name="测试清单",
                          purpose="test", items=ITEMS, pass_percent=80)  # fmt: skip


def test_scoring_counts_points_leaves_out_not_applicable_and_a_critical_failure_fails(seeded):
    a, crit, c = checklist_items(seeded)
    full = checklist_score([a, crit, c], {a.pk: 2, crit.pk: 3, c.pk: 5}, pass_percent=80)
    assert (full.score, full.max_score, full.percent, full.passed) == (
        10,
        10,
        Decimal("100.0"),
        True,
    )
    partial = checklist_score([a, crit, c], {a.pk: 1, crit.pk: 3, c.pk: None}, pass_percent=80)
    assert (partial.score, partial.max_score, partial.percent) == (4, 5, Decimal("80.0"))
    assert partial.passed and partial.failed == [a.pk] and partial.critical_failed == []
    critical = checklist_score([a, crit, c], {a.pk: 2, crit.pk: 2, c.pk: 5}, pass_percent=80)
    assert critical.percent == Decimal("90.0") and not critical.passed
    assert critical.critical_failed == [crit.pk]
    below = checklist_score([a, crit, c], {a.pk: 0, crit.pk: 3, c.pk: 4}, pass_percent=80)
    assert below.percent == Decimal("70.0") and not below.passed


def test_scoring_names_the_item_left_unmarked_or_marked_out_of_range(seeded):
    a, crit, c = checklist_items(seeded)
    with pytest.raises(ValidationFailed) as exc:
        checklist_score([a, crit, c], {a.pk: 3, crit.pk: 3}, pass_percent=80)
    assert set(exc.value.fields) == {f"item_{a.pk}", f"item_{c.pk}"}


def test_a_published_version_is_frozen_and_editing_makes_the_next_version(seeded):
    admin = Actor.system("t")
    assert seeded.is_published and checklist_current("t-list") == seeded
    with pytest.raises(Conflict):
        checklist_items_set(actor=admin, perm=PERM, checklist_id=seeded.pk, items=ITEMS)
    draft = checklist_draft(actor=admin, perm=PERM, code="t-list")
    assert draft.version == 2 and not draft.is_published
    assert checklist_draft(actor=admin, perm=PERM, code="t-list") == draft  # one draft at a time
    assert [i.text for i in checklist_items(draft)] == [i.text for i in ITEMS]
    checklist_items_set(actor=admin, perm=PERM, checklist_id=draft.pk,
                        items=[*ITEMS, {"category": "区域乙", "text": "报刊杂志", "points": "1"}])  # fmt: skip
    assert checklist_current("t-list") == seeded  # the draft is not in use yet
    checklist_publish(actor=admin, perm=PERM, checklist_id=draft.pk)
    current = checklist_current("t-list")
    assert current is not None and current.version == 2
    assert len(checklist_items(seeded)) == 3 and len(checklist_items(draft)) == 4
    assert AuditEvent.objects.filter(action="checklist.publish").count() == 2


def test_items_are_checked_by_row_and_only_head_office_edits(seeded, actors):
    admin = Actor.system("t")
    draft = checklist_draft(actor=admin, perm=PERM, code="t-list")
    with pytest.raises(ValidationFailed) as exc:
        checklist_items_set(actor=admin, perm=PERM, checklist_id=draft.pk,
                            items=[{"category": "", "text": "x", "points": "0"}])  # fmt: skip
    assert set(exc.value.fields) == {"items.1.category", "items.1.points"}
    with pytest.raises(Forbidden):
        checklist_draft(actor=actors["facility"], perm=PERM, code="t-list")


def test_publishing_makes_the_new_version_the_only_active_one_and_an_older_can_be_reactivated(
    seeded, actors
):
    # given version 2 published after version 1
    admin = Actor.system("t")
    draft = checklist_draft(actor=admin, perm=PERM, code="t-list")
    assert not draft.active  # a draft is never the version in use
    checklist_publish(actor=admin, perm=PERM, checklist_id=draft.pk)
    seeded.refresh_from_db()
    draft.refresh_from_db()
    assert (seeded.active, draft.active) == (False, True)
    # when version 1 is reactivated, then it is the current one again (and the only active one)
    checklist_set_active(actor=admin, perm=PERM, checklist_id=seeded.pk, active=True)
    draft.refresh_from_db()
    assert checklist_current("t-list") == seeded and not draft.active
    assert checklists_for("test") == [seeded]
    assert AuditEvent.objects.filter(action="checklist.active").count() == 1
    # and retiring it leaves the code without a version in use
    checklist_set_active(actor=admin, perm=PERM, checklist_id=seeded.pk, active=False)
    assert checklist_current("t-list") is None
    with pytest.raises(Forbidden):
        checklist_set_active(actor=actors["facility"], perm=PERM, checklist_id=seeded.pk,
                             active=True)  # fmt: skip


def test_a_draft_cannot_be_activated(seeded):
    admin = Actor.system("t")
    draft = checklist_draft(actor=admin, perm=PERM, code="t-list")
    with pytest.raises(Conflict) as exc:
        checklist_set_active(actor=admin, perm=PERM, checklist_id=draft.pk, active=True)
    assert exc.value.code == "checklist_draft"


def test_applies_to_is_copied_into_the_next_draft():
    admin = Actor.system("t")
    first = checklist_seed(actor=admin, code="t-kinds", name="适用", purpose="test", items=ITEMS)
    first.applies_to = ["call"]
    first.save(update_fields=["applies_to"])
    assert checklist_draft(actor=admin, perm=PERM, code="t-kinds").applies_to == ["call"]
