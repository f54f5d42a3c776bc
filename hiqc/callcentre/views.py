"""The staffing calculator page (Erlang C, CC-4; standard 4.1.3(1))."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from hiqc.core.http import HiqcRequest
from hiqc.core.rules import rule_value

from .erlang import MAX_AGENTS, agents_needed, erlang_c, with_shrinkage
from .forms import StaffingForm


@login_required
def staffing_page(request: HiqcRequest) -> HttpResponse:
    defaults = {
        "threshold_s": rule_value("callcentre.answer_threshold_s"),
        "target": rule_value("callcentre.service_level_target"),
    }
    form = StaffingForm(
        request.GET if "calls" in request.GET else None,
        initial={**defaults, "interval_s": 900, "shrinkage": 30},
    )
    needed = evaluated = scheduled = None
    if form.is_valid():
        d = form.cleaned_data
        threshold = d["threshold_s"] if d["threshold_s"] is not None else defaults["threshold_s"]
        target = (d["target"] if d["target"] is not None else defaults["target"]) / 100
        common = {
            "calls": d["calls"],
            "interval_s": d["interval_s"],
            "aht_s": d["aht_s"],
            "threshold_s": threshold,
        }
        try:
            needed = agents_needed(target=target, **common)
            scheduled = with_shrinkage(needed.agents, d["shrinkage"] / 100)
        except ValueError:
            form.add_error(None, f"> {MAX_AGENTS}")
        if d["agents"]:
            evaluated = erlang_c(agents=d["agents"], **common)
    return render(
        request,
        "callcentre/staffing.html",
        {
            "form": form,
            "needed": needed,
            "evaluated": evaluated,
            "scheduled": scheduled,
            "defaults": defaults,
        },
    )
