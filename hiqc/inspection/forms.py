"""Page inputs for inspection. Forms parse; the services decide (no rules here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hiqc.core.models import Checklist

from .enums import Kind

FATAL_WORDS = ("致命", "fatal")


class SampleForm(forms.Form):
    org_unit_id = forms.ChoiceField(label=_lazy("机构（含下级）"))
    period_start = forms.DateField(
        label=_lazy("期间开始"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label=_lazy("期间结束"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    per_agent = forms.IntegerField(label=_lazy("每人样本量"), initial=5, min_value=1)
    kinds = forms.MultipleChoiceField(
        label=_lazy("交互类型"),
        choices=Kind.choices,
        initial=Kind.values,
        widget=forms.CheckboxSelectMultiple,
    )
    seed = forms.IntegerField(label=_lazy("随机种子（留空自动生成）"), required=False, min_value=0)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["org_unit_id"]
        field.choices = [(str(u.pk), "　" * max(u.depth - 1, 0) + u.localized_name) for u in units]


def sheet_items_text(sheet: Checklist | None) -> str:
    """The textarea form of a sheet's items: ``类别 | 评分项 | 分值`` (``致命`` for a fatal)."""
    if sheet is None:
        return ""
    return "\n".join(
        f"{i.category} | {i.text} | {'致命' if i.critical else i.points}" for i in sheet.items.all()
    )


def parse_sheet_items(text: str) -> list[dict[str, Any]]:
    """One item per non-empty line: ``类别 | 评分项 | 分值`` or ``类别 | 评分项 | 致命``; a line
    that cannot be read becomes an item without text, which the service refuses by line."""
    items: list[dict[str, Any]] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("｜", "|").split("|")]
        if len(parts) != 3:
            items.append({"text": "", "category": "", "points": 0, "fatal": False})
            continue
        category, item_text, points = parts
        fatal = points.lower() in FATAL_WORDS
        items.append(
            {
                "category": category,
                "text": item_text,
                "points": 0 if fatal else (points if points.isdigit() else -1),
                "fatal": fatal,
            }
        )
    return items


def lines_from_post(post: Any, sheet: Checklist) -> list[dict[str, Any]]:
    """Score lines from a form: ``points_<item id>``, ``fatal_<item id>``, ``comment_<item id>``.
    An empty score is left out, so the service names the item that still needs one."""
    lines = []
    for item in sheet.items.all():
        raw = (post.get(f"points_{item.pk}") or "").strip()
        if not item.critical and not raw:
            continue
        lines.append(
            {
                "item_id": str(item.pk),
                "points": 0 if item.critical else (int(raw) if raw.isdigit() else -1),
                "fatal_hit": bool(post.get(f"fatal_{item.pk}")),
                "comment": post.get(f"comment_{item.pk}", ""),
            }
        )
    return lines


def kinds_label(kinds: list[str]) -> str:
    labels = dict(Kind.choices)
    return "、".join(str(labels.get(k, k)) for k in kinds) or _("无")
