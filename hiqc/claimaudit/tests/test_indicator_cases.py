"""The reviews behind the claims accuracy rate (issue 7 §2): the audit items finished in the
period, those with an error first, linked to the audit item page and shown by the claim's number —
except while the claim waits for a blind review in an open round."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from hiqc.claimaudit.indicators import CODE
from hiqc.claimaudit.models import AuditItem
from hiqc.claimaudit.services import item_readjudicate, item_record_errors, round_create
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, bucketed, rolled_up

from .factories import decided_claims

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 4, 10, 10, tzinfo=BEIJING)
APRIL = (datetime(2026, 4, 1, tzinfo=BEIJING), datetime(2026, 5, 1, tzinfo=BEIJING))


def new_round(actors, org, name="2026-03 抽检"):
    with time_machine.travel(NOW, tick=False):
        return round_create(actor=actors["quality_lead"], name=name, org_unit_id=org["HO"].pk,
                            period_start=date(2026, 3, 1), period_end=date(2026, 3, 31),
                            margin="0.1", seed=11)  # fmt: skip


def review(actors, item, errors=()):
    with time_machine.travel(NOW, tick=False):
        item_readjudicate(actor=actors["reviewer"], item_id=item.pk, outcome="approve",
                          amount=item.claim.amount_claimed, reason_code="")  # fmt: skip
        item_record_errors(actor=actors["reviewer"], item_id=item.pk, error_types=list(errors))


def cases(org, unit="HO"):
    indicator = INDICATORS[CODE]
    assert indicator.cases is not None
    return indicator.cases(org[unit].path, *APRIL)


@pytest.fixture
def reviewed(actors, org):
    """Four claims of C1 and two of C2 audited; two of C1 found wrong, one left pending."""
    decided_claims(org["C1"], 4)
    decided_claims(org["C2"], 2)
    items = list(AuditItem.objects.filter(round=new_round(actors, org))
                 .select_related("claim").order_by("claim__number"))  # fmt: skip
    assert len(items) == 6
    review(actors, items[0], errors=["over_payment", "wrong_amount"])
    review(actors, items[1])
    review(actors, items[2], errors=["procedure"])
    review(actors, items[4])
    review(actors, items[5])
    return items  # items[3] (C1) is still pending


def test_accuracy_cases_list_the_reviews_with_errors_first(org, reviewed):
    listed = cases(org)
    [row] = rolled_up(CODE, granularity="month", org_path=org["HO"].path, start=APRIL[0],
                      end=APRIL[1])  # fmt: skip
    assert len(listed) == row["denominator"] == 5
    assert sum(not c.bad for c in listed) == row["numerator"] == 3
    assert [c.bad for c in listed] == [True, True, False, False, False]
    assert {c.counted for c in listed[:2]} == {"超赔、金额错误", "程序错误"}
    assert {c.counted for c in listed[2:]} == {"无差错"}


def test_a_pending_review_is_not_listed_and_the_subtree_is_kept(org, reviewed):
    in_c1 = cases(org, unit="C1")
    assert {c.label for c in in_c1} == {i.claim.number for i in reviewed[:3]}
    assert {c.org_path for c in in_c1} == {org["C1"].path}
    assert str(reviewed[3].pk) not in {c.record_id for c in cases(org)}
    assert len(cases(org, unit="C2")) == 2


def test_a_review_links_its_audit_item_page_not_the_claim(org, reviewed):
    first = cases(org)[0]
    item = AuditItem.objects.select_related("claim").get(pk=first.record_id)
    assert (first.record_type, first.name) == ("claimaudit.item", "抽检案件")
    assert first.url == f"/claim-audits/items/{item.pk}/" and first.label == item.claim.number
    assert first.when == NOW
    assert "王五" not in repr(first)  # the claimant's name never shows


def test_a_claim_waiting_for_blind_review_in_an_open_round_is_not_named(actors, org, reviewed):
    new_round(actors, org, name="2026-03 复查")  # samples the same claims again, all pending
    listed = cases(org)
    numbers = {i.claim.number for i in reviewed}
    assert len(listed) == 5 and not {c.label for c in listed} & numbers
    assert {c.label for c in listed} == {c.record_id[:8] for c in listed}


def test_the_grouped_query_agrees_with_counting_each_review(org, reviewed):
    done = AuditItem.objects.filter(status="done").select_related("org_unit")
    items = [(i.reviewed_at, i.org_unit.path, float(not i.has_error), 1.0)
             for i in done if i.reviewed_at is not None]  # fmt: skip
    assert sorted(INDICATORS[CODE].rows("month", *APRIL)) == sorted(bucketed("month", items))
