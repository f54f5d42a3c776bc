"""Kernel pages: home, sign-in, audit log, rules, and the health probe. Thin: parse, call a
selector or service, render."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from huey.contrib.djhuey import HUEY

from .access import require
from .errors import ValidationFailed
from .forms import AuditFilterForm, FindingFilterForm, list_filters
from .http import HiqcRequest
from .jobs import failing_jobs
from .selectors import audit_actions, audit_event_list, last_job_run, rule_list
from .services import audit_log_export, rule_override_set


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HiqcRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@login_required
def home(request: HiqcRequest) -> HttpResponse:
    from .home import home_summary

    return render(request, "core/home.html", {"summary": home_summary(request.actor)})


def _day(d: date | None, *, end: bool = False) -> datetime | None:
    if d is None:
        return None
    moment = datetime.combine(d, time.min)
    if end:
        moment = moment + timedelta(days=1)
    return timezone.make_aware(moment)


def _audit_filters(request: HiqcRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    """The valid filters (an impossible date is refused at its field, the others apply)."""
    form = AuditFilterForm(request.GET or None)
    f = list_filters(form)
    text = {k: f.get(k) or "" for k in ("action", "actor_name", "subject_type", "subject_id")}
    return form, {
        **text,
        "since": _day(f.get("since")),
        "until": _day(f.get("until"), end=True),
    }


@login_required
def audit_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "audit.view")
    form, filters = _audit_filters(request)
    events = audit_event_list(actor, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    shown = {k: request.GET.get(k, "").strip() for k in form.fields}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit.html",
        {
            "page": page,
            "filters": shown,
            "form": form,
            "actions": audit_actions(actor),
            "query": query.urlencode(),
        },
    )


@login_required
def rules_page(request: HiqcRequest) -> HttpResponse:
    """Rules with their sources; head-office holders of rules.manage may tighten them."""
    actor = request.actor
    require(actor, "rules.view")
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {k: request.POST.get(k, "").strip() for k in ("key", "value", "reason")}
        try:
            rule_override_set(
                actor=actor, key=posted["key"], value=posted["value"], reason=posted["reason"]
            )
            messages.success(request, _("规则参数已更新。"))
            return redirect("rules")
        except ValidationFailed as exc:
            errors = exc.fields
    return render(
        request,
        "core/rules.html",
        {
            "rules": rule_list(),
            "can_manage": actor.can_globally("rules.manage"),
            "errors": errors,
            "posted": posted,
        },
    )


@login_required
def audit_export(request: HiqcRequest) -> HttpResponse:
    """The filtered audit log as an Excel workbook (at most 50,000 rows); the export is audited."""
    actor = request.actor
    require(actor, "audit.view")
    body = audit_log_export(actor=actor, filters=_audit_filters(request)[1])
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="hiqc-audit-{stamp}.xlsx"'
    return response


def favicon(request: HiqcRequest) -> HttpResponse:
    return redirect(static("hiqc/favicon.svg"), permanent=True)


def healthz(request: HiqcRequest) -> JsonResponse:
    # "status": "ok"; "degraded" (200, "ok": false) while a background job's last run failed
    # (/operations/jobs/); "down" (503) when the database, the queue or the cache is.
    """Database, queue and cache status as JSON; 503 when one is down. No authentication, no
    data. The cache holds the rate-limit counters and (production) the sessions."""
    status: dict = {"database": {"ok": False}, "queue": {"ok": False}, "cache": {"ok": False}}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        status["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        status["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        status["queue"] = {
            "ok": True,
            "backend": type(HUEY.storage).__name__,
            "pending": HUEY.pending_count(),
            "immediate": HUEY.immediate,
        }
    except Exception as exc:
        status["queue"] = {"ok": False, "error": type(exc).__name__}
    try:
        probe = f"hiqc:healthz:{request.request_id}"
        cache.set(probe, 1, timeout=10)
        status["cache"] = {"ok": cache.get(probe) == 1, "backend": type(caches["default"]).__name__}
        cache.delete(probe)
    except Exception as exc:
        status["cache"] = {"ok": False, "error": type(exc).__name__}
    if status["database"]["ok"]:
        last = last_job_run("core.audit_verify")
        status["audit_chain"] = (
            {"ok": last.ok, "checked_at": last.created_at.isoformat()}
            if last
            else {"ok": None, "checked_at": None}
        )
    up = status["database"]["ok"] and status["queue"]["ok"] and status["cache"]["ok"]
    if status["database"]["ok"]:  # a job whose last run failed: serving, but degraded
        failing = failing_jobs()
        status["jobs"] = {"ok": not failing, "failing": failing}
    degraded = not status.get("jobs", {}).get("ok", True)
    status["ok"] = up and not degraded
    status["status"] = "down" if not up else "degraded" if degraded else "ok"
    return JsonResponse(status, status=200 if up else 503)


@login_required
def findings_page(request: HiqcRequest) -> HttpResponse:
    """Compliance findings (合规事项): breaches of statutory clocks (CL-8), exceptions to the
    one-time notice (CL-1), audit errors — recorded where they happen; the risk chapter works them."""
    from django.core.paginator import Paginator

    from .audit_labels import finding_kind_label
    from .models import Finding
    from .selectors import finding_kinds_in_use, finding_list

    actor = request.actor
    require(actor, "findings.view")
    form = FindingFilterForm(request.GET or None, statuses=Finding.Status.choices)
    valid = list_filters(form)  # a bad filter is shown at its field; the valid ones still apply
    f = {k: valid.get(k) or "" for k in ("rule", "kind", "status")}
    page = Paginator(finding_list(actor, **f), 50).get_page(request.GET.get("page"))
    kinds = sorted(
        {(k, finding_kind_label(k)) for k in finding_kinds_in_use(actor)}, key=lambda kv: kv[1]
    )
    return render(
        request,
        "core/findings.html",
        {"page": page, "f": f, "form": form, "statuses": Finding.Status.choices, "kinds": kinds},
    )
