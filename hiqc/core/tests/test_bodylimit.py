"""A body too large for its door is answered with 413 before it is read (issue 14 §7); bodies
that are streamed (the CSV / JSON-lines imports) are left alone."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

pytestmark = pytest.mark.django_db


class CountingInput(io.BytesIO):
    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def client_for(personas, name: str) -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


def send(client: Client, path: str, fields: dict, **extra):
    body = encode_multipart(BOUNDARY, fields)
    stream = CountingInput(body)
    environ: dict[str, Any] = {**extra, "wsgi.input": stream}
    response = client.generic("POST", path, body, content_type=MULTIPART_CONTENT, **environ)
    return response, stream.bytes_read


def test_an_import_page_refuses_a_multipart_body_over_the_default_limit_unread(personas, settings):
    settings.HIQC_MAX_MULTIPART_BYTES = 4096
    client = client_for(personas, "quality_lead")
    fields = {"file_format": "csv", "file": io.BytesIO(b"call_id,queue\n" + b"x,y\n" * 2000)}
    response, read = send(client, "/callcentre/calls/import/", fields)
    assert response.status_code == 413 and read == 0
    page = response.content.decode()
    assert "上传的内容过大：本次共 8 KB，上限 4 KB。" in page and 'id="too-large"' in page


def test_the_api_answers_413_with_its_error_body(personas, settings):
    settings.HIQC_MAX_MULTIPART_BYTES = 4096
    client = client_for(personas, "quality_lead")
    response, read = send(client, "/api/v1/calls/import", {"file": io.BytesIO(b"x" * 10_000)})
    assert response.status_code == 413 and read == 0
    body = response.json()
    assert body["code"] == "too_large" and set(body["fields"]) == {"body"}
    assert "未接收任何内容" in body["message"]


def test_a_streamed_import_body_is_not_limited(personas, settings):
    settings.HIQC_MAX_MULTIPART_BYTES = 1000
    body = "call_id,queue,org_unit,offered_at\n" + "".join(
        f"K{i},complaint,O1,2026-03-02 09:{i // 60:02d}:{i % 60:02d}\n" for i in range(200)
    )
    assert len(body) > 1000
    response = client_for(personas, "quality_lead").post(
        "/api/v1/calls/import", body, content_type="text/csv"
    )
    assert response.status_code == 200 and response.json()["inserted"] == 200


def test_the_holiday_calendar_upload_has_its_own_small_limit(personas):
    client = client_for(personas, "admin")
    fields = {"note": "", "file": io.BytesIO(b"2027-01-01,holiday,x\n" * 20_000)}  # 420 KB
    response, read = send(client, "/calendar/", fields)
    assert response.status_code == 413 and read == 0
    assert "节假日文件不超过 256 KB。" in response.content.decode()


def test_the_message_is_english_for_an_english_speaker(personas, settings):
    settings.HIQC_MAX_MULTIPART_BYTES = 4096
    client = client_for(personas, "quality_lead")
    response, _read = send(
        client, "/api/v1/calls/import", {"file": io.BytesIO(b"x" * 10_000)},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 413
    assert "too large" in response.json()["message"]


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_multipart_body_without_a_boundary_is_a_400_not_a_500(personas, content_type):
    client = client_for(personas, "quality_lead")
    api = client.post("/api/v1/calls/import", b"x", content_type=content_type)
    assert api.status_code == 400 and api.json()["fields"] == {
        "content_type": ["multipart/form-data 请求缺少有效的 boundary 参数，无法读取。"]
    }
    page = client.post("/callcentre/calls/import/", b"x", content_type=content_type)
    assert page.status_code == 400 and "boundary" in page.content.decode()
