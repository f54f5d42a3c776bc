"""The service principles of standard 1.3 and the indicators that serve them (issue 22 §4).

1.3 names six principles: 以人为本 (1), 公平公正 (2), 合规经营 (3), 专业高效 (4), 持续改进 (5),
诚信服务 (6). Each indicator is tagged with the principle(s) it serves, by the app that declares
the indicator, next to it (``tag_principles`` in the app's indicator module)::

    tag_principles({"claims.accuracy_rate": (FAIR, INTEGRITY), "claims.step.": (EFFICIENT,)})

A key ending in ``.`` tags every indicator whose code starts with it (a family: the call-centre
queues, the generated process figures); an exact code wins over a prefix, a longer prefix over a
shorter one. The kernel names no app; ``tests/test_principles.py`` checks that every registered
indicator serves at least one principle and every principle has indicators.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _


class Principle(models.TextChoices):
    PEOPLE_FIRST = "people_first", _("以人为本")
    FAIRNESS = "fairness", _("公平公正")
    COMPLIANCE = "lawful", _("合规经营")  # value: a domain app is named "compliance"
    EFFICIENT = "efficient", _("专业高效")
    IMPROVEMENT = "improvement", _("持续改进")
    INTEGRITY = "integrity", _("诚信服务")


# the clause item of each principle (1.3(1)–(6))
CLAUSE: dict[str, str] = {p.value: f"1.3({i})" for i, p in enumerate(Principle, start=1)}

_TAGS: dict[str, tuple[str, ...]] = {}


def tag_principles(tags: Mapping[str, tuple[str, ...]]) -> None:
    """Tag indicators (exact codes, or prefixes ending in ``.``) with principles."""
    for key, principles in tags.items():
        unknown = [p for p in principles if p not in Principle.values]
        if unknown or not principles:
            raise ValueError(f"principles of {key!r}: unknown or none {unknown!r}")
        _TAGS[key] = tuple(dict.fromkeys(principles))


def principles_of(code: str) -> tuple[str, ...]:
    """The principles the indicator ``code`` serves (exact tag, else the longest prefix)."""
    if code in _TAGS:
        return _TAGS[code]
    prefixes = [k for k in _TAGS if k.endswith(".") and code.startswith(k)]
    return _TAGS[max(prefixes, key=len)] if prefixes else ()


def indicators_serving(principle: str, codes: list[str]) -> list[str]:
    """Of ``codes``, those serving ``principle``, in order."""
    return [c for c in codes if principle in principles_of(c)]
