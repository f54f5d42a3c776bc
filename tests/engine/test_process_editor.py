"""The process editor on /processes/ (issue 13): a form generated from the process's declared
parameters, pre-filled from the version shown above it, errors beside their inputs, publishing
through the service (a new audited version; the old one untouched)."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.test import Client

from hiqc.core.models import AuditEvent, ProcessVersion
from hiqc.core.services import process_version_publish

from .probe import KIND

pytestmark = pytest.mark.django_db

URL = f"/processes/?process={KIND.label}"
CURRENT = {
    "steps": {
        "assign": {"owner_role": "branch_manager"},
        "decide": {
            "owner_role": "complaint_handler",
            "target_amount": 10,
            "target_unit": "working_days",
        },
    },
    "warning_fractions": [0.3, 0.6, 0.9],
    "clocks": {"probe.decide": {"warning_fractions": [0.25, 0.75]}},
}


class FormReader(HTMLParser):
    """What a browser would submit from the page's publish form: name → values; plus, per input
    name, the text of the error elements its aria-describedby points at."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.described: dict[str, str] = {}  # input name → id of its error element
        self.texts: dict[str, str] = {}  # element id → its text
        self.textareas = 0
        self._in_form = False
        self._select: str | None = None
        self._selected: str | None = None
        self._first: str | None = None
        self._text_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "process-editor":
            self._in_form = True
        if a.get("id", "").endswith("-err"):
            self._text_id = a["id"]
            self.texts[self._text_id] = ""
        if not self._in_form:
            return
        if tag == "textarea":
            self.textareas += 1
        if tag in {"input", "select"} and a.get("name") and a.get("aria-describedby"):
            self.described[a["name"]] = a["aria-describedby"]
        if tag == "input" and a.get("name"):
            self.values.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select, self._selected, self._first = a.get("name"), None, None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a:
                self._selected = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        if tag == "div":
            self._text_id = None
        if tag == "select" and self._select:
            chosen = self._selected if self._selected is not None else self._first
            self.values.setdefault(self._select, []).append(chosen or "")
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._text_id:
            self.texts[self._text_id] += data

    def error_for(self, name: str) -> str:
        return self.texts.get(self.described.get(name, ""), "")


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def publish(actor, params=CURRENT, on=date(2026, 3, 1)):
    return process_version_publish(
        actor=actor,
        process=KIND.label,
        org_path="",
        effective_from=on,
        parameters=params,
        note="第一版参数",
    )


@pytest.fixture
def lead(personas) -> Client:
    client = Client()
    client.force_login(personas["quality_lead"])
    return client


def test_the_form_is_prefilled_from_the_version_in_force(actors, lead):
    current = publish(actors["quality_lead"])
    publish(actors["quality_lead"], params={"warning_fractions": [0.4]}, on=date(2099, 1, 1))
    html = lead.get(URL).content.decode()
    form = read_form(html)
    assert form.textareas == 0, "no JSON to write"
    assert form.values["steps.assign.owner_role"] == ["branch_manager"]
    assert form.values["steps.assign.target_amount"] == [""]
    assert form.values["steps.decide.owner_role"] == ["complaint_handler"]
    assert form.values["steps.decide.target_amount"] == ["10"]
    assert form.values["steps.decide.target_unit"] == ["working_days"]
    assert form.values["steps.extend.owner_role"] == [""]
    assert form.values["warning_fractions"] == ["30", "60", "90"]
    assert form.values["clocks.probe.decide.warning_fractions"] == ["25", "75", ""]
    assert form.values["org_path"] == [""]
    assert f"第 {current.number} 版" in html and "（现行）" in html
    # the inputs say what they are: a number with bounds, a role list, a percentage
    assert 'name="steps.decide.target_amount" type="number" min="1" max="999"' in html
    assert "投诉处理专员" in html and "有此步骤权限的角色" in html


def test_posting_the_form_unchanged_publishes_the_same_parameters(actors, lead):
    publish(actors["quality_lead"])
    form = read_form(lead.get(URL).content.decode())
    data = {**form.values, "effective_from": ["2026-06-01"], "note": ["原样再发布"]}
    assert lead.post(URL, data).status_code == 302
    newest = ProcessVersion.objects.filter(process=KIND.label).order_by("-number").first()
    assert newest.number == 2 and newest.parameters == CURRENT


def test_posting_changed_values_publishes_a_new_version_with_exactly_those(actors, lead):
    first = publish(actors["quality_lead"])
    form = read_form(lead.get(URL).content.decode())
    data = {
        **form.values,
        "steps.assign.owner_role": [""],
        "steps.decide.owner_role": ["claims_handler"],
        "steps.decide.target_amount": ["36"],
        "steps.decide.target_unit": ["hours"],
        "steps.appraise.target_amount": ["5"],
        "steps.appraise.target_unit": ["calendar_days"],
        "warning_fractions": ["40", "70", ""],
        "clocks.probe.decide.warning_fractions": ["", "", ""],
        "effective_from": ["2026-07-01"],
        "note": ["决定改为 36 小时"],
    }
    response = lead.post(URL, data)
    assert response.status_code == 302
    version = ProcessVersion.objects.get(process=KIND.label, number=2)
    assert response["Location"].endswith(f"version={version.pk}")
    assert version.effective_from == date(2026, 7, 1)
    assert version.note == "决定改为 36 小时" and version.published_by == "quality_lead"
    assert version.parameters == {
        "steps": {
            "appraise": {"target_amount": 5, "target_unit": "calendar_days"},
            "decide": {
                "owner_role": "claims_handler",
                "target_amount": 36,
                "target_unit": "hours",
            },
        },
        "warning_fractions": [0.4, 0.7],
    }
    first.refresh_from_db()
    assert first.parameters == CURRENT, "a version is never edited in place"
    assert AuditEvent.objects.filter(action="process.publish", subject_id=str(version.pk)).exists()
    page = lead.get(response["Location"]).content.decode()
    assert "已发布第 2 版" in page
    assert read_form(page).values["steps.decide.target_amount"] == ["36"]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("steps.decide.target_amount", "-3", "须为 1 到 999 之间的整数"),
        ("steps.decide.target_amount", "2.5", "须为 1 到 999 之间的整数"),
        ("steps.decide.owner_role", "janitor", "未知的角色“janitor”"),
        ("steps.decide.target_unit", "fortnights", "单位须为自然日、工作日或小时"),
    ],
)
def test_a_bad_value_comes_back_with_its_message_beside_it(actors, lead, field, typed, message):
    publish(actors["quality_lead"])
    form = read_form(lead.get(URL).content.decode())
    data = {
        **form.values,
        field: [typed],
        "steps.assign.target_amount": ["2"],
        "effective_from": ["2026-08-01"],
        "note": ["收紧决定时限"],
    }
    response = lead.post(URL, data)
    assert response.status_code == 200
    again = read_form(response.content.decode())
    assert message in again.error_for(field)
    assert again.values[field] == [typed], "what was typed comes back"
    assert again.values["steps.assign.target_amount"] == ["2"]
    assert again.values["effective_from"] == ["2026-08-01"]
    assert again.values["note"] == ["收紧决定时限"]
    assert again.values["warning_fractions"] == ["30", "60", "90"]
    others = [n for n in again.values if n != field and again.error_for(n)]
    assert others == [], "only the bad field is marked"
    assert ProcessVersion.objects.filter(process=KIND.label).count() == 1


def test_thresholds_out_of_order_are_named_on_their_group(actors, lead):
    form = read_form(lead.get(URL).content.decode())
    data = {
        **form.values,
        "warning_fractions": ["80", "50", ""],
        "clocks.probe.decide.warning_fractions": ["120", "", ""],
        "effective_from": ["2026-08-01"],
        "note": ["调整预警比例"],
    }
    response = lead.post(URL, data)
    again = read_form(response.content.decode())
    assert "由小到大" in again.error_for("warning_fractions")
    assert "小于 100" in again.error_for("clocks.probe.decide.warning_fractions")
    assert again.values["warning_fractions"] == ["80", "50", ""]
    assert again.values["clocks.probe.decide.warning_fractions"] == ["120", "", ""]
    assert not ProcessVersion.objects.filter(process=KIND.label).exists()


def test_a_missing_date_or_reason_is_named_and_nothing_is_lost(lead):
    form = read_form(lead.get(URL).content.decode())
    data = {**form.values, "steps.decide.target_amount": ["7"], "note": ["短"]}
    again = read_form(lead.post(URL, data).content.decode())
    assert "生效日期" in again.error_for("effective_from")
    assert again.values["steps.decide.target_amount"] == ["7"]
    data["effective_from"] = ["2026-08-01"]
    again = read_form(lead.post(URL, data).content.decode())
    assert "至少 4 个字" in again.error_for("note")
    assert again.values["note"] == ["短"]
    assert not ProcessVersion.objects.filter(process=KIND.label).exists()


def test_the_form_is_in_english_too(lead):
    html = lead.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Accountable role" in html and "Internal time target" in html
    assert "责任角色" not in html and "内部时限目标" not in html


def test_someone_without_the_permission_sees_no_form_and_is_refused(personas):
    client = Client()
    client.force_login(personas["agent"])
    page = client.get(URL)
    assert page.status_code == 200 and 'id="process-editor"' not in page.content.decode()
    refused = client.post(
        URL,
        {"effective_from": "2026-08-01", "note": "越权发布版本", "warning_fractions": ["40"]},
    )
    assert refused.status_code == 403
    assert not ProcessVersion.objects.filter(process=KIND.label).exists()
