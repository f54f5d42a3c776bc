"""The public survey answer page (standard 4.3.2; issue 6 §3) — no HIQC login.

A customer opens ``/s/<token>/`` from the invitation message: the questionnaire's title and intro,
the case number the survey is about (never a name or a phone number) and the questions. "保存（稍后
继续）" keeps a partial answer behind the same link; "提交" validates the shown questions and
closes the invitation. A used, expired, opted-out or unknown link gets a friendly page (410, or
404 for a token we never issued); too many requests get a friendly 429.

Conditional display: the services decide (hidden answers are dropped; "required" applies only to
shown questions). ``answer.js`` shows and hides questions live from their ``data-show-if``
attributes; without JavaScript every question is shown and the server ignores hidden answers.

The token is in the URL, so every response here is ``Cache-Control: no-store`` and
``Referrer-Policy: no-referrer``. Under ``no-referrer`` a browser posts the form with
``Origin: null``, which Django's CSRF origin check refuses; the two views are therefore exempt from
it. That loses nothing: the 256-bit link token in the path is itself the secret a forged cross-site
request would need (whoever knows it can answer directly), and no session or cookie is involved.

``answers_from_post`` and ``question_items`` are shared with the phone-interview entry page
(``interview_views``), which renders the same ``surveys/_questions.html`` partial.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods

from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.ratelimit import RateLimited, rate_check

from . import selectors
from .enums import QuestionKind
from .models import Invitation, Question, Questionnaire
from .services import (
    LinkState,
    invitation_for_token,
    invitation_opened,
    invitation_opt_out,
    link_state,
    response_save,
)

SCOPE = "surveys"
# (requests, window in seconds) per bucket; override any of them with HIQC_SURVEY_LIMITS
LIMITS: dict[str, tuple[int, int]] = {
    "get:ip": (60, 3600),
    "get:token": (60, 3600),
    "post:ip": (30, 3600),
    "post:token": (20, 3600),
}
GONE = 410
STATE_STATUS = {
    LinkState.ANSWERED: GONE,
    LinkState.EXPIRED: GONE,
    LinkState.OPTED_OUT: GONE,
    LinkState.INVALID: 404,
}
STATE_TEMPLATE = "surveys/public/state.html"
ANSWER_TEMPLATE = "surveys/public/answer.html"
LAYOUTS: dict[str, str] = {
    QuestionKind.SCALE: "scale",
    QuestionKind.MATRIX: "scale",
    QuestionKind.NPS: "nps",
}


# --- questions: shared with the phone-interview entry page ---------------------------------------


def scale_anchors() -> dict[int, str]:
    return {
        1: _("非常不满意"),
        2: _("不满意"),
        3: _("一般"),
        4: _("满意"),
        5: _("非常满意"),
    }


def answers_from_post(questions: list[Question], data: QueryDict) -> dict[str, Any]:
    """The answers as the services take them: one value, a list (multiple choice) or a dict of
    row scores (matrix, fields named ``<code>.<row>``). Empty answers are left out."""
    answers: dict[str, Any] = {}
    for q in questions:
        if q.kind == QuestionKind.MULTIPLE:
            picked = [v for v in data.getlist(q.code) if v]
            if picked:
                answers[q.code] = picked
        elif q.kind == QuestionKind.MATRIX:
            rows = {
                str(r["code"]): data.get(f"{q.code}.{r['code']}", "")
                for r in q.rows or ()
                if data.get(f"{q.code}.{r['code']}", "")
            }
            if rows:
                answers[q.code] = rows
        else:
            value = data.get(q.code, "")
            if value.strip():
                answers[q.code] = value
    return answers


def _value_labels(q: Question) -> dict[str, str]:
    """How an answer value of ``q`` reads in words (for the condition hint of a later question)."""
    if q.kind == QuestionKind.SCALE:
        return {str(n): label for n, label in scale_anchors().items()}
    if q.kind == QuestionKind.NPS:
        return {str(n): _("{n} 分").format(n=n) for n in range(11)}
    return {str(o["value"]): str(o.get("label") or o["value"]) for o in q.options or ()}


def _wrap_at(label: str) -> tuple[str, str]:
    """Where a scale anchor may wrap inside a narrow tile: after the intensifier ("非常|不满意"),
    never inside a word (the template puts a ``<wbr>`` there; CSS keeps the rest whole)."""
    for prefix in ("非常",):
        if label.startswith(prefix) and len(label) > len(prefix):
            return prefix, label[len(prefix) :]
    return label, ""


def _choices(q: Question, name: str, picked: Any, id_prefix: str) -> list[dict[str, Any]]:
    chosen = {str(v) for v in picked} if isinstance(picked, list) else {str(picked)}
    if q.kind in (QuestionKind.SCALE, QuestionKind.MATRIX):
        anchors = scale_anchors()
        values = [(str(n), str(n), anchors[n]) for n in range(1, 6)]
    elif q.kind == QuestionKind.NPS:
        values = [(str(n), str(n), "") for n in range(11)]
    else:
        values = [(str(o["value"]), str(o.get("label") or o["value"]), "") for o in q.options or ()]
    return [
        {
            "value": value,
            "label": label,
            "sub": _wrap_at(sub)[0],
            "sub_rest": _wrap_at(sub)[1],
            "id": f"{id_prefix}-{n}",
            "name": name,
            "checked": picked is not None and value in chosen,
        }
        for n, (value, label, sub) in enumerate(values)
    ]


def question_items(
    questions: list[Question],
    answers: Mapping[str, Any],
    errors: Mapping[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """What ``surveys/_questions.html`` renders: one dict per question with its inputs, the
    entered values, its error messages and its display condition."""
    errors = errors or {}
    by_code = {q.code: q for q in questions}
    items = []
    for q in questions:
        qid = f"q-{q.code}"
        item: dict[str, Any] = {
            "code": q.code,
            "kind": q.kind,
            "text": q.text,
            "help": q.help,
            "required": q.required,
            "id": qid,
            "errors": list(errors.get(q.code, [])),
            "fieldset": q.kind != QuestionKind.TEXT,
            "tiles": q.kind in (QuestionKind.SCALE, QuestionKind.NPS, QuestionKind.MATRIX),
            "input_type": "checkbox" if q.kind == QuestionKind.MULTIPLE else "radio",
            "layout": LAYOUTS.get(q.kind, "list"),
            "groups": [],
            "value": "",
            "show_if": "",
            "show_values": "",
            "cond_text": "",
        }
        value = answers.get(q.code)
        if q.kind == QuestionKind.NPS:
            item["help"] = q.help or _("0 分表示完全不可能，10 分表示非常可能。")
        if q.kind == QuestionKind.TEXT:
            item["value"] = "" if value is None else str(value)
            item["first_id"] = f"{qid}-text"
        elif q.kind == QuestionKind.MATRIX:
            rows = value if isinstance(value, Mapping) else {}
            for n, row in enumerate(q.rows or ()):
                code = str(row["code"])
                item["groups"].append(
                    {
                        "legend": str(row.get("label") or code),
                        "choices": _choices(q, f"{q.code}.{code}", rows.get(code), f"{qid}-r{n}"),
                    }
                )
        else:
            item["groups"].append({"legend": "", "choices": _choices(q, q.code, value, qid)})
        if item["groups"] and item["groups"][0]["choices"]:
            item["first_id"] = item["groups"][0]["choices"][0]["id"]
        item.setdefault("first_id", qid)
        source = by_code.get(str((q.show_if or {}).get("question") or ""))
        if source is not None:
            wanted = [str(v) for v in (q.show_if or {}).get("values") or ()]
            labels = _value_labels(source)
            item["show_if"] = source.code
            item["show_values"] = json.dumps(wanted, ensure_ascii=False)
            item["cond_text"] = _("若您在“{question}”中选择了“{values}”，请回答本题。").format(
                question=source.text, values=_("”或“").join(labels.get(v, v) for v in wanted)
            )
        parts = (("help", item["help"]), ("cond", item["cond_text"]), ("error", item["errors"]))
        item["describedby"] = " ".join(f"{qid}-{part}" for part, present in parts if present)
        items.append(item)
    return items


def error_summary(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The error list at the top of the form, each linking to its question's first input."""
    return [
        {"href": item["first_id"], "text": item["text"], "message": " ".join(item["errors"])}
        for item in items
        if item["errors"]
    ]


# --- the public pages -----------------------------------------------------------------------------


def limit(bucket: str) -> tuple[int, int]:
    return {**LIMITS, **getattr(settings, "HIQC_SURVEY_LIMITS", {})}[bucket]


def _private(response: HttpResponse) -> HttpResponse:
    """The link token is in the URL: never cached, never sent on as a referrer, not indexed."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request: HiqcRequest, template: str, ctx: dict[str, Any], status: int = 200
          ) -> HttpResponse:  # fmt: skip
    return _private(render(request, template, ctx, status=status))


def _state_page(request: HiqcRequest, state: str, **ctx: Any) -> HttpResponse:
    status = STATE_STATUS.get(state, 200)
    return _page(request, STATE_TEMPLATE, {"state": state, **ctx}, status=status)


@sensitive_variables("token")
def _limited(request: HiqcRequest, method: str, token: str) -> HttpResponse | None:
    """Count this request per client address and per link; a friendly 429 page beyond."""
    ip = getattr(request, "client_ip", "") or request.META.get("REMOTE_ADDR", "")
    try:
        rate_check(SCOPE, f"{method}:ip", ip or "unknown", limit=limit(f"{method}:ip"))
        rate_check(SCOPE, f"{method}:token", token[:100], limit=limit(f"{method}:token"))
    except RateLimited as exc:
        response = _page(request, STATE_TEMPLATE, {"state": "limited", "message": exc.message},
                         status=exc.status)  # fmt: skip
        response["Retry-After"] = str(exc.retry_after)
        return response
    return None


def _answer_page(
    request: HiqcRequest,
    token: str,
    invitation: Invitation,
    questionnaire: Questionnaire,
    questions: list[Question],
    answers: Mapping[str, Any],
    *,
    errors: Mapping[str, list[str]] | None = None,
    error: str = "",
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    items = question_items(questions, answers, errors)
    ctx = {
        "token": token,
        "questionnaire": questionnaire,
        "case_number": invitation.case_number,
        "expires_at": invitation.expires_at,
        "items": items,
        "summary": error_summary(items),
        "error": error,
        "saved": saved,
    }
    return _page(request, ANSWER_TEMPLATE, ctx, status=status)


@csrf_exempt  # the link token is the anti-forgery secret (module docstring)
@sensitive_variables("token")
@require_http_methods(["GET", "HEAD", "POST"])
def answer_page(request: HiqcRequest, token: str) -> HttpResponse:
    """GET shows the questionnaire (with what was saved so far); POST saves or submits."""
    method = "post" if request.method == "POST" else "get"
    limited = _limited(request, method, token)
    if limited is not None:
        return limited
    invitation = invitation_for_token(token)
    state = link_state(invitation)
    if invitation is None or state != LinkState.OPEN:
        return _state_page(request, state, token=token if invitation is not None else "")
    questionnaire = selectors.questionnaire_for_invitation(invitation)
    if questionnaire is None:
        return _state_page(request, LinkState.INVALID)
    questions = selectors.questionnaire_questions(questionnaire)
    if request.method != "POST":
        invitation_opened(invitation)
        answers = selectors.saved_answers(invitation)
        return _answer_page(request, token, invitation, questionnaire, questions, answers)
    answers = answers_from_post(questions, request.POST)
    submit = request.POST.get("action") == "submit"
    try:
        response_save(invitation, answers, submit=submit)
    except ValidationFailed as exc:
        return _answer_page(request, token, invitation, questionnaire, questions, answers,
                            errors=exc.fields, error=exc.message, status=400)  # fmt: skip
    except Conflict as exc:  # closed between the page and the post
        return _state_page(request, exc.state or LinkState.INVALID, token=token)
    except NotFound:
        return _state_page(request, LinkState.INVALID)
    if submit:
        return _page(request, STATE_TEMPLATE, {"state": "thanks"})
    return _answer_page(request, token, invitation, questionnaire, questions, answers, saved=True)


@csrf_exempt  # the link token is the anti-forgery secret (module docstring)
@sensitive_variables("token")
@require_http_methods(["GET", "HEAD", "POST"])
def opt_out_page(request: HiqcRequest, token: str) -> HttpResponse:
    """GET asks for confirmation; POST records that the customer wants no more surveys."""
    method = "post" if request.method == "POST" else "get"
    limited = _limited(request, method, token)
    if limited is not None:
        return limited
    invitation = invitation_for_token(token)
    state = link_state(invitation)
    if invitation is None or state in (LinkState.INVALID, LinkState.OPTED_OUT):
        return _state_page(request, state)
    if request.method != "POST":
        return _page(request, STATE_TEMPLATE, {"state": "confirm_opt_out", "token": token,
                                               "link_open": state == LinkState.OPEN})  # fmt: skip
    invitation_opt_out(invitation, source="link")
    return _page(request, STATE_TEMPLATE, {"state": "opted_out_now"})
