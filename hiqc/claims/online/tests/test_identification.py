"""Online claims: identification by policy number + ID number + one-time code (issue 5 §5)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from hiqc.claims.online import services as online
from hiqc.claims.online.models import OnlineCode
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.models import AuditEvent

from . import support
from .support import (
    CHILD_ID,
    HOLDER_ID,
    OTHER_ID,
    identify,
    last_code,
)

pytestmark = pytest.mark.django_db
_online_defaults = support._online_defaults  # fixtures
family = support.family


def test_given_the_holders_id_when_a_code_is_requested_then_it_goes_by_email_and_is_stored_hashed(
    family,
):
    issued = online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID)
    assert (issued.channel, issued.destination) == ("email", "w***@example.cn")
    assert mail.outbox[-1].to == ["wangwu@example.cn"]
    code = last_code()
    row = OnlineCode.objects.get(pk=issued.challenge_id)
    assert row.customer == family["holder"] and len(row.code_hash) == 64
    assert code not in row.code_hash and code not in json.dumps(
        list(OnlineCode.objects.values("destination", "request_id"))
    )
    assert issued.expires_at - row.sent_at == timedelta(minutes=10)


def test_given_an_insured_without_email_then_the_code_goes_to_the_sms_gateway(family):
    issued = online.online_code_request(policy_number=" OL-0001 ", id_number=CHILD_ID.lower())
    assert (issued.channel, issued.destination) == ("sms", "139****9000")
    assert mail.outbox[-1].to == ["13900139000@sms.localhost"]
    assert OnlineCode.objects.get(pk=issued.challenge_id).destination == "139****9000"


def test_given_someone_elses_id_then_identification_fails_like_an_unknown_policy(family):
    with pytest.raises(NotFound) as wrong_person:
        online.online_code_request(policy_number="OL-0001", id_number=OTHER_ID)
    with pytest.raises(NotFound) as unknown_policy:
        online.online_code_request(policy_number="NO-SUCH", id_number=HOLDER_ID)
    with pytest.raises(NotFound) as mistyped:  # a wrong check digit
        online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID[:-1] + "0")
    assert wrong_person.value.message == unknown_policy.value.message == mistyped.value.message
    assert "不匹配" in wrong_person.value.message
    assert not mail.outbox and not OnlineCode.objects.exists()


def test_given_a_malformed_id_number_then_the_field_is_named(family):
    with pytest.raises(ValidationFailed) as exc:
        online.online_code_request(policy_number="", id_number="1101051980")
    assert set(exc.value.fields) == {"policy_number", "id_number"}


def test_given_the_right_code_then_a_session_is_scoped_to_that_policy_and_person(family):
    session, _ = identify("OL-0001", CHILD_ID)
    assert session.policy == family["policy"] and session.customer == family["child"]
    assert session.is_insured and not session.is_holder
    assert session.ends_at - timezone.now() <= timedelta(minutes=30)
    with pytest.raises(NotFound):  # a code works once
        online.online_code_verify(challenge_id=session.key, code="000000")


def test_given_a_wrong_code_then_it_counts_an_attempt_and_says_how_many_are_left(family):
    issued = online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID)
    wrong = "999999" if last_code() != "999999" else "888888"
    with pytest.raises(ValidationFailed, match="还可尝试 4 次") as exc:
        online.online_code_verify(challenge_id=issued.challenge_id, code=wrong)
    assert exc.value.code == "code_wrong" and "code" in exc.value.fields
    assert OnlineCode.objects.get(pk=issued.challenge_id).attempts == 1


def test_given_an_expired_code_then_it_is_refused(family):
    issued = online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID)
    code = last_code()
    later = timezone.now() + timedelta(minutes=10, seconds=1)
    with time_machine.travel(later), pytest.raises(ValidationFailed) as exc:
        online.online_code_verify(challenge_id=issued.challenge_id, code=code)
    assert exc.value.code == "code_expired"


def test_given_five_wrong_codes_then_even_the_right_code_is_refused(family):
    issued = online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID)
    code = last_code()
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            online.online_code_verify(challenge_id=issued.challenge_id, code=wrong)
    with pytest.raises(ValidationFailed) as exc:
        online.online_code_verify(challenge_id=issued.challenge_id, code=code)
    assert exc.value.code == "code_locked"
    assert OnlineCode.objects.get(pk=issued.challenge_id).verified_at is None


def test_given_a_code_was_just_sent_then_a_new_one_waits_60_seconds_and_replaces_it(family):
    first = online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID)
    old_code = last_code()
    with pytest.raises(online.RateLimited, match="秒后再重新获取") as exc:
        online.online_code_resend(challenge_id=first.challenge_id)
    assert exc.value.status == 429 and 0 < exc.value.retry_after <= 60
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        second = online.online_code_resend(challenge_id=first.challenge_id)
        with pytest.raises(NotFound):  # the old code died with the new one
            online.online_code_verify(challenge_id=first.challenge_id, code=old_code)
        token = online.online_code_verify(challenge_id=second.challenge_id, code=last_code())
    assert online.online_session_open(token).customer == family["holder"]


def test_given_a_session_then_it_ends_after_30_minutes_and_on_logout(family):
    _, token = identify("OL-0001", HOLDER_ID)
    later = timezone.now() + timedelta(minutes=31)
    with time_machine.travel(later), pytest.raises(online.SessionInvalid):
        online.online_session_open(token)
    online.online_session_end(token=token)
    with pytest.raises(online.SessionInvalid):
        online.online_session_open(token)
    with pytest.raises(online.SessionInvalid):
        online.online_session_open(token[:-2] + "xx")


def test_the_audit_names_the_online_actor_and_request_id_and_never_the_id_number(family):
    issued = online.online_code_request(
        policy_number="OL-0001", id_number=HOLDER_ID, request_id="req-online-0001", ip="10.1.2.3"
    )
    online.online_code_verify(
        challenge_id=issued.challenge_id, code=last_code(), request_id="req-online-0002"
    )
    events = list(AuditEvent.objects.filter(actor_name="online-claims").order_by("seq"))
    assert [e.action for e in events] == ["claims.online.code_sent", "claims.online.verified"]
    assert events[0].request_id == "req-online-0001" and events[0].ip == "10.1.2.3"
    dump = json.dumps([[e.data, e.fields, e.subject_id] for e in events])
    assert HOLDER_ID not in dump and "wangwu" not in dump


def test_given_too_many_code_requests_from_one_address_then_429(family, settings):
    settings.HIQC_ONLINE_CLAIMS_LIMITS = {"code:ip": (3, 3600)}
    for _ in range(3):
        with pytest.raises(NotFound):
            online.online_code_request(policy_number="OL-0001", id_number=OTHER_ID, ip="10.9.9.9")
    with pytest.raises(online.RateLimited, match="操作过于频繁") as exc:
        online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID, ip="10.9.9.9")
    assert exc.value.status == 429
    # another address is not affected
    online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID, ip="10.9.9.8")


def test_given_too_many_code_requests_for_one_policy_then_429_from_any_address(family, settings):
    settings.HIQC_ONLINE_CLAIMS_LIMITS = {"code:policy": (2, 3600)}
    for i in range(2):
        with pytest.raises(NotFound):
            online.online_code_request(
                policy_number="OL-0001", id_number=OTHER_ID, ip=f"10.0.{i}.1"
            )
    with pytest.raises(online.RateLimited):
        online.online_code_request(policy_number="ol-0001", id_number=HOLDER_ID, ip="10.0.9.1")


def test_given_too_many_verification_attempts_for_one_policy_then_429(family, settings):
    settings.HIQC_ONLINE_CLAIMS_LIMITS = {"verify:policy": (2, 3600)}
    issued = online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID)
    wrong = "999999" if last_code() != "999999" else "888888"
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            online.online_code_verify(challenge_id=issued.challenge_id, code=wrong)
    with pytest.raises(online.RateLimited):
        online.online_code_verify(challenge_id=issued.challenge_id, code=last_code())


def test_nothing_personal_reaches_the_log_even_when_delivery_fails(family, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("smtp down")

    from hiqc.customers import messaging

    monkeypatch.setattr(messaging, "send_mail", broken)
    caplog.set_level("DEBUG")
    issued = online.online_code_request(policy_number="OL-0001", id_number=HOLDER_ID)
    with pytest.raises(NotFound):
        online.online_code_request(policy_number="OL-0001", id_number=OTHER_ID)
    assert issued.channel == "email" and "delivery failed (channel email)" in caplog.text
    for secret in (HOLDER_ID, OTHER_ID, "wangwu@example.cn", "13800138000"):
        assert secret not in caplog.text
