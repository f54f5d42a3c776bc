"""Phone-interview entry for agents (standard 4.3.2; issue 6 §3): the open phone invitations in
the actor's ``surveys.interview`` scope, oldest first, and one entry page per invitation that
renders the same questions as the public answer page and saves through
``services.phone_response_record``. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hiqc.core.access import require
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.http import HiqcRequest

from . import selectors
from .public_views import answers_from_post, error_summary, question_items
from .services import INTERVIEW, LinkState, link_state, phone_response_record

SOON = timedelta(days=1)  # an invitation expiring within a day is flagged in the list


@login_required
def interviews_page(request: HiqcRequest) -> HttpResponse:
    """The phone invitations still to be called, oldest first."""
    actor = request.actor
    require(actor, INTERVIEW)
    page = Paginator(selectors.open_phone_invitations(actor), 25).get_page(request.GET.get("page"))
    invitations = list(page)
    phones = selectors.phone_numbers_masked(invitations)
    now = timezone.now()
    rows = [
        {"inv": inv, "phone": phones.get(inv.pk, ""), "soon": inv.expires_at - now < SOON}
        for inv in invitations
    ]
    return render(request, "surveys/interviews.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def interview_page(request: HiqcRequest, invitation_id: Any) -> HttpResponse:
    """Enter the answers a customer gives on the phone: save to continue later, or submit."""
    actor = request.actor
    require(actor, INTERVIEW)
    inv = selectors.access_phone_invitation(actor, invitation_id)
    questionnaire = selectors.questionnaire_for_invitation(inv)
    questions = selectors.questionnaire_questions(questionnaire) if questionnaire else []
    answers: dict[str, Any] = selectors.saved_answers(inv)
    errors: dict[str, list[str]] = {}
    error, status = "", 200
    if request.method == "POST":
        answers = answers_from_post(questions, request.POST)
        submit = request.POST.get("action") == "submit"
        try:
            phone_response_record(actor, inv.pk, answers, submit=submit)
        except ValidationFailed as exc:
            errors, error, status = exc.fields, exc.message, exc.status
        except Conflict as exc:
            error, status = exc.message, exc.status
            inv = selectors.access_phone_invitation(actor, invitation_id)
        else:
            if submit:
                messages.success(
                    request, _("答卷已提交（业务编号 {number}）。").format(number=inv.case_number)
                )
                return redirect("surveys:interviews")
            messages.success(request, _("已保存，可稍后继续录入。"))
            return redirect("surveys:interview", invitation_id=inv.pk)
    items = question_items(questions, answers, errors)
    state = link_state(inv)
    ctx = {
        "inv": inv,
        "questionnaire": questionnaire,
        "phone": selectors.phone_numbers_masked([inv]).get(inv.pk, ""),
        "can_reveal": actor.can("customers.reveal", inv.org_path),
        "open": state == LinkState.OPEN and questionnaire is not None,
        "state": state,
        "items": items,
        "summary": error_summary(items),
        "error": error,
    }
    return render(request, "surveys/interview.html", ctx, status=status)
