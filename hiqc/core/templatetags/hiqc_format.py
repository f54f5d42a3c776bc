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


@register.filter
def audit_action(code: str) -> str:
    """An audit action's label in the reader's language (``hiqc.core.audit_labels``)."""
    from hiqc.core.audit_labels import action_label

    return action_label(code)


@register.filter
def audit_subject(subject_type: str) -> str:
    from hiqc.core.audit_labels import subject_label

    return subject_label(subject_type)


@register.filter
def actor(name: str) -> str:
    """Who acted: a username, or what a job or command is called."""
    from hiqc.core.audit_labels import actor_label

    return actor_label(name)


@register.filter
def person(name: str) -> str:
    """Who acted, by their display name (a job or command by what it is called)."""
    from hiqc.core.audit_labels import person_label

    return person_label(name)


@register.filter
def finding_kind(kind: str) -> str:
    from hiqc.core.audit_labels import finding_kind_label

    return finding_kind_label(kind)


@register.filter
def amount(value: float | None) -> str:
    """145000 → "145,000.00": an amount in a column or line that already says 元."""
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"


@register.filter
def count(value: float | None) -> str:
    """5769.0 → "5,769": a count, whole, with thousands separators in every language (Django's
    zh-hans format has none)."""
    if value is None or value == "":
        return "—"
    return f"{round(float(value)):,}"


@register.filter
def number(value: float | None) -> str:
    """A figure that may or may not be whole: 5769.0 → "5,769", 1234.56 → "1,234.6"."""
    if value is None or value == "":
        return "—"
    value = float(value)
    return f"{round(value):,}" if value == round(value) else f"{value:,.1f}"
