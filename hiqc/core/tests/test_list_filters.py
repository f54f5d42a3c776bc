"""The one rule of every list page's GET filter form (core.forms.list_filters): a bad filter is
refused beside its own field and only it is left out; the valid filters still apply. Each list
page has its test beside its own app; here the helper and the kernel's own lists."""

from __future__ import annotations

import re

from django import forms
from django.test import Client

from hiqc.core.audit import audit_record
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.models import Finding

ERROR = re.compile(r'<span class="error">[^<]+</span>')


class _Filters(forms.Form):
    q = forms.CharField(required=False, max_length=10)
    day = forms.DateField(required=False)


def test_a_bad_filter_is_left_out_with_its_error_and_the_good_ones_are_kept():
    # Given a query with a good text filter and an impossible date
    form = _Filters({"q": "abc", "day": "2026-13-45"})
    # When its filters are read
    f = list_filters(form)
    # Then the text applies, the date does not, and the date says why at its own field
    assert f == {"q": "abc"}
    assert list(form.errors) == ["day"]


def test_no_query_filters_nothing_and_says_nothing():
    form = _Filters(None)
    assert list_filters(form) == {} and not form.errors


def test_a_value_outside_a_choice_filter_is_refused_at_its_field():
    form = ChoiceFilters({"status": "bogus", "kind": "b"},
                         fields={"status": ("s", [("a", "A")]), "kind": ("k", [("b", "B")])})  # fmt: skip
    assert list_filters(form) == {"kind": "b"}
    assert list(form.errors) == ["status"]


def _as(personas, name: str) -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


def test_the_audit_log_shows_an_impossible_date_at_its_field_and_applies_the_other_filters(
    actors, personas
):
    # Given two audit records by two people
    audit_record(actor=actors["handler"], action="test.one", subject_type="x", subject_id="1")
    audit_record(actor=actors["claims"], action="test.two", subject_type="x", subject_id="2")
    client = _as(personas, "auditor")
    # When the log is filtered by one of them and an impossible date (it once answered 500)
    response = client.get("/audit/?actor_name=handler&since=2026-13-45")
    # Then the date is refused beside its field and the person filter still applies
    assert response.status_code == 200
    page = response.content.decode()
    assert ERROR.search(page.split('name="since"')[1].split("</label>")[0])
    table = page.split('id="audit-table"')[1]
    assert "test.one" in table and "test.two" not in table
    # and the export reads the same filters instead of failing
    assert client.get("/audit/export.xlsx?actor_name=handler&since=2026-13-45").status_code == 200


def test_the_findings_list_shows_a_bad_status_at_its_field_and_applies_the_rule_filter(
    org, personas
):
    # Given two findings under two rules
    for rule in ("CL-8", "CL-1"):
        Finding.objects.create(rule=rule, kind="k", title=f"finding {rule}",
                               org_path=org["HO"].path, dedupe_key=rule)  # fmt: skip
    # When the list is filtered by one rule and a status that does not exist
    page = _as(personas, "auditor").get("/findings/?rule=CL-8&status=bogus").content.decode()
    # Then the status is refused beside its field and the rule filter still applies
    assert ERROR.search(page.split('name="status"')[1].split("</label>")[0])
    assert "finding CL-8" in page and "finding CL-1" not in page


def test_a_posted_version_is_a_whole_number_or_none():
    from hiqc.core.forms import posted_version

    assert posted_version({"version": "3"}) == 3
    assert posted_version({"version": " 3 "}) == 3
    # none, or not a version: no version check (the engine's own rules still apply)
    assert [posted_version(d) for d in ({}, {"version": ""}, {"version": "-1"}, {"version": "x"})] == [
        None, None, None, None
    ]  # fmt: skip
