from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from .access import scope
from .casework import CASE_KINDS
from .http import HiqcRequest
from .models import Deadline
from .mywork import countdown, my_work


@login_required
def my_work_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    now = timezone.now()
    f = {
        k: request.GET.get(k, "").strip()[:100]
        for k in ("case_type", "status", "org_path", "clock_state")
    }
    mine_only = request.GET.get("mine") == "1"
    items = my_work(actor, mine_only=mine_only, now=now, **f)
    rows = [
        {
            "item": i,
            # state labels are catalogue msgids: translated for the reader's language
            "status": gettext(i.kind.workflow.states.get(i.case.status, i.case.status)),
            "clocks": [{"d": d, "left": countdown(d, now)} for d in i.deadlines],
        }
        for i in items
    ]
    units = scope(
        actor, apps.get_model("organisations", "OrgUnit")._default_manager.all(), "org.view"
    )
    return render(
        request,
        "core/my_work.html",
        {
            "rows": rows,
            "filters": f,
            "mine": mine_only,
            "kinds": CASE_KINDS.values(),
            "clock_states": Deadline.State.choices,
            "units": units.order_by("path")[:300] if actor.can("org.view") else [],
            "now": now,
        },
    )
