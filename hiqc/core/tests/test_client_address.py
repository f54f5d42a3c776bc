"""The client address behind the load balancer (issue 14 §4): X-Forwarded-For counts only when the
request comes from a trusted proxy (HIQC_TRUSTED_PROXIES), and then its right-most address that is
not a proxy is the client; a forged header is ignored."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from conftest import PASSWORD
from hiqc.core.middleware import client_address
from hiqc.core.models import AuditEvent

LB = ["10.0.0.0/24", "fd00::/8"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        # no proxy configured: the header is never read
        ("198.51.100.9", "203.0.113.7", [], "198.51.100.9"),
        ("10.0.0.5", "203.0.113.7", [], "10.0.0.5"),
        # a client that is not a proxy forges the header: ignored
        ("198.51.100.9", "203.0.113.7", LB, "198.51.100.9"),
        # through the load balancer
        ("10.0.0.5", "203.0.113.7", LB, "203.0.113.7"),
        ("10.0.0.5", "", LB, "10.0.0.5"),
        # a forged entry left of what the load balancer appended is ignored
        ("10.0.0.5", "1.2.3.4, 203.0.113.7", LB, "203.0.113.7"),
        ("10.0.0.5", "10.0.0.99, 203.0.113.7", LB, "203.0.113.7"),
        # two proxies in a row: the right-most untrusted address
        ("10.0.0.5", "203.0.113.7, 10.0.0.6", LB, "203.0.113.7"),
        ("fd00::1", "203.0.113.7, fd00::2", LB, "203.0.113.7"),
        # addresses with ports, IPv6, IPv4 mapped into IPv6
        ("10.0.0.5", "203.0.113.7:50312", LB, "203.0.113.7"),
        ("10.0.0.5", "[2001:db8::7]:443", LB, "2001:db8::7"),
        ("10.0.0.5", "2001:db8::7", LB, "2001:db8::7"),
        ("::ffff:10.0.0.5", "203.0.113.7", LB, "203.0.113.7"),
        # garbage stops at the last trusted proxy; nothing but proxies gives the left-most
        ("10.0.0.5", "unknown", LB, "10.0.0.5"),
        ("10.0.0.5", "1.2.3.4, garbage, 10.0.0.6", LB, "10.0.0.6"),
        ("10.0.0.5", "10.0.0.7, 10.0.0.6", LB, "10.0.0.7"),
        # a single trusted address (no prefix)
        ("10.9.9.9", "203.0.113.7", ["10.9.9.9"], "203.0.113.7"),
        ("10.9.9.8", "203.0.113.7", ["10.9.9.9"], "10.9.9.8"),
    ],
)
def test_client_address(remote, forwarded, trusted, client):
    assert client_address(remote, forwarded, trusted) == client


def test_a_mistyped_proxy_setting_stops_the_start_up():
    from config.settings.base import trusted_proxies

    assert trusted_proxies(" 10.0.0.5, 10.0.1.0/24 ,,fd00::/8") == [
        "10.0.0.5/32",
        "10.0.1.0/24",
        "fd00::/8",
    ]
    with pytest.raises(ValueError, match="does not appear to be"):
        trusted_proxies("10.0.0.300")


def _code(client: Client, *, forwarded_for: str) -> int:
    """A one-time-code request for a policy that does not exist: counted by the per-address limit,
    then answered 404, or 429 beyond the limit."""
    response = client.post(
        "/api/v1/online-claims/code",
        {"policy_number": "P-NONE", "id_number": "11010519491231002X"},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response.status_code


@pytest.fixture
def empty_counters():
    cache.clear()
    yield
    cache.clear()


@override_settings(
    HIQC_TRUSTED_PROXIES=LB,
    HIQC_ONLINE_CLAIMS_LIMITS={"code:ip": (2, 3600), "code:policy": (100, 3600)},
)
def test_claimants_behind_the_load_balancer_each_have_their_own_budget(db, empty_counters):
    lb = Client(REMOTE_ADDR="10.0.0.5")
    for claimant in ("203.0.113.7", "203.0.113.8"):
        assert _code(lb, forwarded_for=claimant) == 404
        assert _code(lb, forwarded_for=claimant) == 404
        assert _code(lb, forwarded_for=claimant) == 429
    # a claimant who forges the header gains nothing: the load balancer's entry counts
    for forged in ("1.1.1.1", "2.2.2.2"):
        assert _code(lb, forwarded_for=f"{forged}, 203.0.113.7") == 429


@override_settings(
    HIQC_TRUSTED_PROXIES=LB,
    HIQC_ONLINE_CLAIMS_LIMITS={"code:ip": (2, 3600), "code:policy": (100, 3600)},
)
def test_a_forged_header_from_outside_the_proxies_is_ignored(db, empty_counters):
    direct = Client(REMOTE_ADDR="198.51.100.9")
    assert _code(direct, forwarded_for="1.1.1.1") == 404
    assert _code(direct, forwarded_for="2.2.2.2") == 404
    assert _code(direct, forwarded_for="3.3.3.3") == 429  # one address, one budget


@override_settings(HIQC_TRUSTED_PROXIES=LB)
def test_the_audit_trail_names_the_client_not_the_load_balancer(personas):
    lb = Client(REMOTE_ADDR="10.0.0.5")
    lb.post(
        "/accounts/login/",
        {"username": "agent", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    event = AuditEvent.objects.filter(action="auth.login").first()
    assert event is not None and event.ip == "203.0.113.7"
