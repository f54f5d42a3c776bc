"""Warnings reach the assignee; breaches escalate to the branch manager and the quality lead
(issue 3 §8), in the inbox and — unless switched off — by e-mail."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.models import Notification, NotificationPreference
from hiqc.core.notifications import notify
from hiqc.core.services import notification_emails_retry

from .models import ProbeCase
from .probe import probe_create

pytestmark = pytest.mark.django_db(transaction=True)  # notifications are sent after commit

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def case(actors, org, personas):
    for user in personas.values():
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    case = probe_create(actor=actors["agent"], org_unit=org["C1"], title="通知", at=T0)
    ProbeCase.objects.filter(pk=case.pk).update(assignee=personas["handler"])
    return case


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_a_warning_goes_to_the_assignee_only(case, personas):
    deadlines_sweep(datetime(2026, 3, 11, tzinfo=BEIJING))  # past 50 %
    assert inbox(personas["handler"]) == ["deadline_warning"]
    assert inbox(personas["branch_manager"]) == []
    assert [m.to for m in mail.outbox] == [["handler@example.com"]]


def test_a_breach_escalates_to_supervisor_over_the_unit_and_the_quality_lead(case, personas):
    deadlines_sweep(datetime(2026, 3, 19, tzinfo=BEIJING))
    for name in ("handler", "branch_manager", "quality_lead"):
        assert "deadline_breach" in inbox(personas[name]), name
    assert "deadline_breach" not in inbox(personas["outsider_agent"])
    assert "deadline_breach" not in inbox(personas["auditor"])


def test_e_mail_can_be_switched_off_per_kind_while_the_inbox_still_fills(case, personas):
    NotificationPreference.objects.create(
        user=personas["handler"], kind="deadline_warning", email=False
    )
    deadlines_sweep(datetime(2026, 3, 11, tzinfo=BEIJING))
    assert inbox(personas["handler"]) == ["deadline_warning"]
    assert mail.outbox == []


def test_the_header_badge_counts_unread_and_reading_clears_it(case, personas):
    deadlines_sweep(datetime(2026, 3, 16, tzinfo=BEIJING))  # 50 % and 80 %
    client = Client()
    client.force_login(personas["handler"])
    assert ">2<" in client.get("/notifications/unread").content.decode()
    client.post("/notifications/read-all")
    assert "badge" not in client.get("/notifications/unread").content.decode()
    page = client.get("/notifications/").content.decode()
    assert "即将到期" in page


def test_the_daily_digest_summarises_each_assignees_cases_once_a_day(case, personas):
    from hiqc.core.notifications import daily_digest

    deadlines_sweep(datetime(2026, 3, 17, 9, tzinfo=BEIJING))
    now = datetime(2026, 3, 17, 8, 30, tzinfo=BEIJING)
    assert daily_digest(now) == 1
    assert daily_digest(now) == 0  # same day: nothing new
    digest = Notification.objects.get(user=personas["handler"], kind="daily_digest")
    assert "两日内到期" in digest.title and digest.url == "/my-work/"


UNREACHABLE_RELAY = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 1,  # nothing listens: the connection is refused
    "EMAIL_USE_TLS": False,
    "EMAIL_TIMEOUT": 2,
}


def test_an_unreachable_relay_leaves_the_copies_for_the_retry_sweep_which_sends_them_later(
    case, personas, settings, caplog
):
    # given the mail relay is down when the warning is raised
    for key, value in UNREACHABLE_RELAY.items():
        setattr(settings, key, value)
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=BEIJING), tick=False):
        deadlines_sweep(datetime(2026, 3, 11, tzinfo=BEIJING))
    row = Notification.objects.get(user=personas["handler"])
    # then the inbox row stands, unsent, and the log names no address
    assert row.emailed_at is None
    assert "relay unavailable" in caplog.text
    assert "@example.com" not in caplog.text
    # when the relay is back and the sweep runs a few minutes later
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(datetime(2026, 3, 11, 9, 6, tzinfo=BEIJING), tick=False):
        assert notification_emails_retry() == {"pending": 1, "sent": 1}
        # then the copy went once, and a second sweep finds nothing
        assert [m.to for m in mail.outbox] == [["handler@example.com"]]
        assert notification_emails_retry() == {"pending": 0, "sent": 0}


def test_the_retry_sweep_leaves_copies_switched_off_and_copies_older_than_a_day(case, personas):
    # given one copy switched off and one whose day has passed, neither sent
    NotificationPreference.objects.create(
        user=personas["handler"], kind="deadline_warning", email=False
    )
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=BEIJING), tick=False):
        deadlines_sweep(datetime(2026, 3, 11, tzinfo=BEIJING))
        notify(
            user_ids=[personas["quality_lead"].pk],
            kind="deadline_warning",
            title="旧",
            dedupe_key="old",
        )
    Notification.objects.update(emailed_at=None)
    mail.outbox.clear()
    # when the sweep runs more than a day later
    with time_machine.travel(datetime(2026, 3, 12, 9, 1, tzinfo=BEIJING), tick=False):
        result = notification_emails_retry()
    # then nothing is sent
    assert result == {"pending": 0, "sent": 0}
    assert mail.outbox == []
