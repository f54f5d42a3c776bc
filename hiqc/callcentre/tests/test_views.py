from __future__ import annotations

from django.test import Client


def test_staffing_page_answers_agents_needed_and_flags_an_understaffed_plan(personas):
    client = Client()
    client.force_login(personas["supervisor"])
    html = client.get(
        "/callcentre/staffing/",
        {
            "calls": "360",
            "interval_s": "1800",
            "aht_s": "240",
            "threshold_s": "20",
            "target": "80",
            "agents": "50",
            "shrinkage": "30",
        },
    ).content.decode()
    assert 'id="staffing-result"' in html
    assert "48.00 Erlang" in html
    assert "低于目标" in html
    assert "%" in html


def test_bad_input_is_named_next_to_its_field(personas):
    client = Client()
    client.force_login(personas["supervisor"])
    html = client.get(
        "/callcentre/staffing/",
        {"calls": "-5", "interval_s": "900", "aht_s": "240", "shrinkage": "30"},
    ).content.decode()
    assert "has-error" in html
    assert 'id="staffing-result"' not in html
