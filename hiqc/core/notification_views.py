"""The inbox: notifications, the unread badge (HTMX) and e-mail preferences per kind."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .http import HiqcRequest
from .models import Notification
from .selectors import notification_email_kinds, notification_list, notification_unread_count
from .services import notification_mark_read, notification_preferences_set


@login_required
def inbox_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    if request.method == "POST":
        notification_preferences_set(actor=actor, email_kinds=set(request.POST.getlist("email")))
        messages.success(request, _("通知设置已保存。"))
        return redirect("inbox")
    page = Paginator(notification_list(actor), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/inbox.html",
        {
            "page": page,
            "kinds": Notification.Kind.choices,
            "email_kinds": notification_email_kinds(actor),
        },
    )


@login_required
def unread_badge(request: HiqcRequest) -> HttpResponse:
    return render(
        request, "core/_unread.html", {"unread": notification_unread_count(request.actor)}
    )


@login_required
@require_POST
def notification_open(request: HiqcRequest, notification_id: int) -> HttpResponse:
    notification_mark_read(actor=request.actor, notification_id=notification_id)
    target = (
        notification_list(request.actor)
        .filter(pk=notification_id)
        .values_list("url", flat=True)
        .first()
    )
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox")


@login_required
@require_POST
def notifications_read_all(request: HiqcRequest) -> HttpResponse:
    notification_mark_read(actor=request.actor)
    return redirect("inbox")
