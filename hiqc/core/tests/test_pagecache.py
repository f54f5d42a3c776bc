"""Read pages served from the cache while no data has changed (hiqc/core/pagecache.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]
from django.test import Client, RequestFactory, override_settings

from hiqc.core import pagecache
from hiqc.core.models import Notification

ON = override_settings(HIQC_PAGE_CACHE_SECONDS=60)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rename(user, name: str) -> None:
    get_user_model().objects.filter(pk=user.pk).update(display_name=name)


@ON
def test_page_is_served_from_cache_until_a_write_commits(transactional_db, personas):
    # Given my work rendered once
    lead = personas["quality_lead"]
    client = _client(lead)
    assert "quality_lead" in client.get("/my-work/").content.decode()
    # When a row changes but its transaction has not committed yet
    with transaction.atomic():
        _rename(lead, "质量负责人甲")
        # Then the page still comes from the cache
        assert "质量负责人甲" not in client.get("/my-work/").content.decode()
    # When it commits, the generation rises and the page is rendered again
    assert "质量负责人甲" in client.get("/my-work/").content.decode()


@ON
def test_one_generation_step_per_transaction_however_many_rows(transactional_db, personas):
    before = pagecache.generation()
    with transaction.atomic():
        for name in ("甲", "乙", "丙"):
            _rename(personas["agent"], name)
    assert pagecache.generation() == before + 1


@ON
def test_a_rolled_back_write_does_not_change_the_generation(transactional_db, personas):
    before = pagecache.generation()

    def rolled_back() -> None:
        with transaction.atomic():
            _rename(personas["agent"], "甲")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rolled_back()
    assert pagecache.generation() == before
    _rename(personas["agent"], "乙")  # outside a transaction: at once
    assert pagecache.generation() == before + 1


@ON
def test_session_writes_do_not_change_the_data_generation(transactional_db, personas):
    client = _client(personas["agent"])  # a session row
    before = pagecache.generation()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE django_session SET expire_date = expire_date")
        cursor.execute("DELETE FROM django_session WHERE session_key = %s", ["nope"])
    session = client.session
    session["hiqc.last_seen"] = 1
    session.save()
    assert pagecache.generation() == before
    _rename(personas["agent"], "甲")
    assert pagecache.generation() == before + 1


@ON
def test_another_user_is_never_given_my_page(personas):
    # Given the quality lead's page in the cache
    assert "quality_lead" in _client(personas["quality_lead"]).get("/my-work/").content.decode()
    # When the auditor opens the same address, it is rendered for the auditor
    page = _client(personas["auditor"]).get("/my-work/").content.decode()
    assert "auditor" in page
    assert "quality_lead" not in page


@ON
def test_each_browser_gets_a_csrf_token_of_its_own(personas):
    # Given the page cached from one browser
    lead = personas["quality_lead"]
    first = _client(lead).get("/my-work/").content.decode()
    # When another browser of the same user gets it from the cache
    second_client = _client(lead)
    response = second_client.get("/my-work/")
    tokens = set(TOKEN.findall(response.content.decode()))
    # Then it carries one token, made from that browser's own CSRF secret
    assert len(tokens) == 1
    token = tokens.pop()
    assert token not in first
    assert _unmask_cipher_token(token) == response.cookies["csrftoken"].value
    assert "\x00" not in response.content.decode()


@ON
def test_a_request_that_writes_is_not_cached(personas):
    # Given a page whose reading leaves a record (as a reveal leaves an audit record)
    calls = []

    def view(request):
        calls.append(1)
        Notification.objects.create(
            user=request.user, title="t", body="b", dedupe_key=str(len(calls))
        )
        return HttpResponse("page")

    cached = pagecache.cached_page(view)
    request = RequestFactory().get("/reading/")
    request.user = personas["agent"]
    request.session = SessionStore()
    # When it is requested twice, it is rendered twice
    cached(request)
    cached(request)
    assert len(calls) == 2


@ON
def test_a_waiting_flash_message_is_shown_not_a_cached_page(personas):
    calls = []

    def view(request):
        calls.append(1)
        return HttpResponse("page")

    cached = pagecache.cached_page(view)
    request = RequestFactory().get("/my-work/")
    request.user = personas["agent"]
    request.session = SessionStore()
    cached(request)  # now in the cache
    # When a message waits in the browser's cookie or in the session, the page is rendered
    request.COOKIES["messages"] = "…"
    cached(request)
    del request.COOKIES["messages"]
    request.session["_messages"] = "…"
    cached(request)
    assert len(calls) == 3


def test_off_unless_configured(personas):
    # Given the default settings (no shared cache assumed)
    lead = personas["quality_lead"]
    client = _client(lead)
    client.get("/my-work/")
    # When a row changes without committing, the next page shows it already: nothing was kept
    _rename(lead, "质量负责人乙")
    assert "质量负责人乙" in client.get("/my-work/").content.decode()


class _DownCache(LocMemCache):
    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    def set(self, *args, **kwargs):
        raise ConnectionError("cache down")


@ON
def test_a_cache_outage_renders_the_page(personas, monkeypatch):
    down = _DownCache("down", {})
    monkeypatch.setattr(pagecache, "cache", down)
    response = _client(personas["quality_lead"]).get("/my-work/")
    assert response.status_code == 200
    assert "我的待办" in response.content.decode()


@ON
def test_a_periodic_run_that_changed_nothing_keeps_the_cache(transactional_db, personas):
    # Given a job that ran and wrote nothing but its own bookkeeping (JobState, JobRun)
    from hiqc.core.jobs import recorded

    before = pagecache.generation()
    recorded("test.noop")(lambda: {"changed": 0})()

    def failing() -> None:
        raise RuntimeError

    with pytest.raises(RuntimeError):
        recorded("test.fails")(failing)()
    # Then the cached pages stay: nothing they show has changed
    assert pagecache.generation() == before
