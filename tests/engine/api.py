"""The case API contract on the probe type (what every domain's router will look like)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import SessionAuth

from hiqc.core.casework import case_representation, case_transition
from hiqc.core.errors import HiqcError
from hiqc.core.eventsdoor import case_events_import

from .probe import KIND, access_probe

api = NinjaAPI(urls_namespace="probe_api", auth=[SessionAuth()], docs_url=None)


@api.exception_handler(HiqcError)
def on_error(request: HttpRequest, exc: HiqcError):  # type: ignore[no-untyped-def]
    return api.create_response(request, exc.as_body(), status=exc.status)


class ActionIn(Schema):
    version: int | None = None
    data: dict[str, Any] = {}


@api.get("/probes/{case_id}")
def get_probe(request: HttpRequest, case_id: UUID):  # type: ignore[no-untyped-def]
    actor = request.actor  # type: ignore[attr-defined]
    return case_representation(KIND, access_probe(actor, case_id), actor)


@api.post("/probes/{case_id}/actions/{action}")
def post_action(request: HttpRequest, case_id: UUID, action: str, payload: ActionIn):  # type: ignore[no-untyped-def]
    actor = request.actor  # type: ignore[attr-defined]
    case = case_transition(
        kind=KIND,
        actor=actor,
        case_id=case_id,
        action=action,
        data=payload.data,
        version=payload.version,
    )
    return case_representation(KIND, case, actor)


@api.post("/probes/events/import")
def import_events(request: HttpRequest):  # type: ignore[no-untyped-def]
    lines = request.body.decode("utf-8").splitlines()
    return case_events_import(kind=KIND, actor=request.actor, lines=lines).as_dict()  # type: ignore[attr-defined]
