"""The holiday-calendar page: what the calendar says for a year, where it comes from, a due-date
calculator, and (for administrators) loading a year's schedule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import compute_due, load_year
from .errors import Forbidden
from .forms import DueForm, HolidayUploadForm
from .http import HiqcRequest
from .services import calendar_years_load
from .textfiles import UnreadableText, text_decode

MAX_UPLOAD_BYTES = 256 * 1024


@login_required
def calendar_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 1990), 2200)
    can_manage = actor.can_globally("calendar.manage")
    upload = HolidayUploadForm()
    report = None
    if request.method == "POST":
        if not can_manage:
            raise Forbidden(_("维护节假日日历需要总公司层级的“维护节假日日历”权限。"))
        upload = HolidayUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            raw = upload.cleaned_data["file"]
            if raw.size > MAX_UPLOAD_BYTES:
                upload.add_error("file", _("文件过大（上限 256 KB）。"))
            else:
                try:
                    text = text_decode(raw.read())
                except UnreadableText as exc:
                    upload.add_error("file", str(exc))
                else:
                    report = calendar_years_load(
                        actor=actor, text=text, note=upload.cleaned_data["note"]
                    )
                    if report.years:
                        year = next(iter(report.years))
    due_form = DueForm(request.GET if "amount" in request.GET else None)
    due = (
        compute_due(
            due_form.cleaned_data["start"],
            due_form.cleaned_data["amount"],
            due_form.cleaned_data["unit"],
        )
        if due_form.is_valid()
        else None
    )
    shown = load_year(year)
    days = sorted(
        [(d, False, n) for d, n in shown.holidays.items()]
        + [(d, True, n) for d, n in shown.workdays.items()]
    )
    years = [(y, load_year(y).source.value) for y in range(today.year - 1, today.year + 2)]
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "source": shown.source.value,
            "days": days,
            "years": years,
            "due_form": due_form,
            "due": due,
            "upload": upload,
            "report": report,
            "can_manage": can_manage,
        },
    )
