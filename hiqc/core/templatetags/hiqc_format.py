"""Display conventions (domain/users.md): percentages with one decimal, yuan with separators."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.9523 → "95.2%"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def yuan(value: float | None) -> str:
    """12345 → "¥12,345.00"."""
    if value is None:
        return "—"
    return f"¥{value:,.2f}"
