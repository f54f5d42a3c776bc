"""The demo answers like production (issue 13 §7): DEBUG off, our own 403/404/500 pages, and a
refused request logs one line, not a traceback."""

from __future__ import annotations

import importlib
import logging
import sys

import pytest
from django.test import Client
from django.urls import path

from hiqc.core.logfilters import ClientErrorsWithoutTraceback


def test_the_demo_settings_turn_debug_off_and_serve_static_files_without_collectstatic():
    demo = importlib.import_module("config.settings.demo")
    assert demo.DEBUG is False
    assert demo.WHITENOISE_USE_FINDERS is True
    assert demo.STORAGES["staticfiles"]["BACKEND"].endswith("StaticFilesStorage")
    assert "Manifest" not in demo.STORAGES["staticfiles"]["BACKEND"]


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), info)
    record.status_code = status
    return record


@pytest.mark.parametrize("status", [403, 404, 409])
def test_a_refused_request_is_logged_as_one_line_without_its_traceback(status):
    record = _record(status)
    assert ClientErrorsWithoutTraceback().filter(record)
    assert record.exc_info is None


def test_a_server_error_keeps_its_traceback_in_the_log():
    record = _record(500)
    assert ClientErrorsWithoutTraceback().filter(record)
    assert record.exc_info is not None


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
def test_an_unknown_page_answers_our_404_page_never_the_route_list(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "未找到" in text
    assert "URLconf" not in text and "urlpatterns" not in text


def test_a_server_error_answers_our_500_page_in_chinese(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "系统出错" in text and "返回首页" in text
    assert "Traceback" not in text and "boom" not in text
