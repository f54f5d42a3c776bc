"""The principles page (standard 1.3; issue 22 §4): beside the clause pages, a view of the six
service principles through the indicators that serve them. Thin: reads are selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from hiqc.core.access import require
from hiqc.core.http import HiqcRequest

from . import selectors
from .enums import VIEW
from .principles import principle_views
from .views import T, _choices, _context


@login_required
def principles_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    unit, period = _choices(request)
    texts = {c.code: c.text for c in selectors.clause_list(actor).filter(code__startswith="1.3(")}
    return render(request, T + "principles.html", {
        **_context(request, unit, period), "principles": principle_views(unit.path, period, texts),
    })  # fmt: skip
