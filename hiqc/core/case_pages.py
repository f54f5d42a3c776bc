"""What every case page shares: the case's history with readable action and state names, and
applying one workflow action posted from the page — the version from the form (a stale form is a
409, never an overwrite), a refused action re-rendered with what was typed, its field errors and
its status (422, 409 or 403), a success message naming the action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import RefusedAction, case_events
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.forms import posted_version
from hiqc.core.http import HiqcRequest
from hiqc.core.workflow import Workflow


def post_case_action(
    request: HiqcRequest, *, case_id: str, action: str, workflow: Workflow,
    apply: Callable[..., Any], reload: Callable[[], Any],
    context: Callable[[HiqcRequest, Any, RefusedAction | None], dict[str, Any]],
    template: str, url_name: str, data: dict[str, Any] | None = None,
) -> HttpResponse:  # fmt: skip
    """Apply ``action`` through ``apply(data=…, version=…)``; ``data`` defaults to the posted
    fields (the CSRF token and the version aside), each stripped of surrounding blanks."""
    if data is None:
        data = {k: str(v).strip() for k, v in request.POST.items()
                if k not in ("csrfmiddlewaretoken", "version")}  # fmt: skip
    try:
        apply(data=data, version=posted_version(request.POST))
    except (ValidationFailed, Conflict, Forbidden) as exc:
        return render(request, template, context(request, reload(), RefusedAction(action, exc, data)),
                      status=exc.status)  # fmt: skip
    label = next((_(t.label) for t in workflow.transitions if t.name == action), action)
    messages.success(request, _("已完成：{action}。").format(action=label))
    return redirect(url_name, case_id)


def history(kind: CaseKind, case: Any, labels: dict[str, str], states: dict[str, Any]
            ) -> list[dict[str, Any]]:  # fmt: skip
    """The case's events, each with its action and the state it led to named for the reader."""
    return [{"e": e, "label": _(labels.get(e.activity, e.activity)),
             "to": states.get(e.to_state, e.to_state)} for e in case_events(kind, case)]  # fmt: skip


def post_form(request: HiqcRequest, write: Callable[[dict[str, Any]], Any], done: str
              ) -> tuple[Any, dict[str, list[str]], dict[str, Any], int]:  # fmt: skip
    """Run a page form's write: (result or None, field errors, the values posted, HTTP status);
    the refusal's message or ``done`` is flashed."""
    values = request.POST.dict()
    try:
        result = write(values)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
        return None, getattr(exc, "fields", None) or {}, values, exc.status
    messages.success(request, done)
    return result, {}, {}, 200
