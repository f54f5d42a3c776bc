from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .casekinds import CASE_KINDS
from .forms import ChoiceFilters
from .http import HiqcRequest
from .models import Deadline
from .mywork import countdown, my_work, open_states, status_codes
from .pagecache import cached_page
from .selectors import org_units_in_scope

PER_PAGE = 50


@login_required
@cached_page
def my_work_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    now = timezone.now()
    f = {
        k: request.GET.get(k, "").strip()[:100]
        for k in ("case_type", "status", "org_path", "clock_state")
    }
    # a value no option has (a stale bookmark, a hand-edited address) is shown at its field and
    # that filter left out; the others still apply
    form = ChoiceFilters(request.GET, fields={
        "case_type": (_("案件类型"), [(k.label, k.name or k.label) for k in CASE_KINDS.values()]),
        "clock_state": (_("时限状态"), Deadline.State.choices),
    })  # fmt: skip
    form.is_valid()
    for name in ("case_type", "clock_state"):
        f[name] = getattr(form, "cleaned_data", {}).get(name) or ""
    mine_only = request.GET.get("mine") == "1"
    kinds = [k for k in CASE_KINDS.values() if not f["case_type"] or k.label == f["case_type"]]
    codes = status_codes(kinds, f["status"])
    items = my_work(
        actor, mine_only=mine_only, status=codes, case_type=f["case_type"],
        org_path=f["org_path"], clock_state=f["clock_state"],
    )  # fmt: skip
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "item": i,
            # state labels are catalogue msgids: translated for the reader's language
            "status": gettext(i.kind.workflow.states.get(i.case.status, i.case.status)),
            "clocks": [{"d": d, "left": countdown(d, now)} for d in i.deadlines],
        }
        for i in page.object_list
    ]
    statuses = [
        (k.name or k.label, [(code, gettext(label)) for code, label in open_states(k)])
        for k in kinds
    ]
    return render(
        request,
        "core/my_work.html",
        {
            "rows": rows,
            "page": page,
            "statuses": statuses,
            "selected_statuses": codes,
            "filters": f,
            "form": form,
            "mine": mine_only,
            "kinds": CASE_KINDS.values(),
            "clock_states": Deadline.State.choices,
            "units": org_units_in_scope(actor, "org.view")[:300] if actor.can("org.view") else [],
            "now": now,
        },
    )
