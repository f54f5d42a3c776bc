from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .calendar import MAX_AMOUNT, Unit

UNIT_CHOICES = [
    (Unit.CALENDAR_DAYS.value, _("自然日")),
    (Unit.WORKING_DAYS.value, _("工作日")),
    (Unit.HOURS.value, _("小时")),
]


class DueForm(forms.Form):
    start = forms.DateTimeField(
        label=_("起算事件时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    amount = forms.IntegerField(label=_("期限"), min_value=1, max_value=MAX_AMOUNT)
    unit = forms.ChoiceField(label=_("单位"), choices=UNIT_CHOICES)


class HolidayUploadForm(forms.Form):
    file = forms.FileField(label=_("节假日文件（CSV：日期,类型,名称）"))
    note = forms.CharField(
        label=_("来源说明"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：国务院办公厅 2026 年 11 月通知")}),
    )


def list_filters(form: forms.Form) -> dict[str, Any]:
    """The filters of a list page's GET form that hold: the one rule of every list page.

    A bad filter (an impossible date, a status that does not exist) is refused beside its own
    field (``form.errors``, shown by ``templates/_filters.html``) and only it is left out; the
    valid filters still apply. A page never drops every filter because one is wrong, nor
    ignores a bad one without saying so. An unbound form (no query) filters nothing.
    """
    if not form.is_bound:
        return {}
    form.is_valid()  # fills cleaned_data with the fields that validated, errors with the others
    return dict(getattr(form, "cleaned_data", {}))


class AuditFilterForm(forms.Form):
    """The audit log's filters (the page and its Excel export read them the same way)."""

    action = forms.CharField(label=_("动作"), required=False, max_length=100)
    actor_name = forms.CharField(label=_("操作人"), required=False, max_length=100)
    subject_type = forms.CharField(required=False, max_length=100)
    subject_id = forms.CharField(label=_("对象 ID"), required=False, max_length=100)
    since = forms.DateField(label=_("起始日期"), required=False)
    until = forms.DateField(label=_("截止日期"), required=False)


class FindingFilterForm(forms.Form):
    """The findings list's filters."""

    rule = forms.CharField(label=_("规则"), required=False, max_length=40)
    kind = forms.CharField(label=_("类型"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, statuses: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *statuses]


class ChoiceFilters(forms.Form):
    """The filters of a list page that are each one of a fixed set of values (a status, a
    kind…), for pages whose form is written out in their template: ``fields`` maps each GET
    name to its label and choices; a blank value means "all"."""

    def __init__(
        self, data: Any, *, fields: dict[str, tuple[Any, Iterable[tuple[str, Any]]]]
    ) -> None:
        super().__init__(data or None)
        for name, (label, choices) in fields.items():
            self.fields[name] = forms.ChoiceField(
                label=label, required=False, choices=[("", _("全部")), *choices]
            )


def posted_version(data: Any) -> int | None:
    """The case version a posted form was rendered with (``version``), or None when it carries
    none: the engine then answers a stale form with 409 instead of overwriting newer work."""
    raw = str(data.get("version", "") or "").strip()
    return int(raw) if raw.isdigit() else None
