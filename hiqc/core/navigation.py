"""The navigation, grouped by the standard's chapters. Apps register the pages that exist;
a link is shown only when its page exists and the actor holds its permission."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access import Actor
from .manifest import NavLink, manifests

# Chapters of the standard, in order; a section is shown only if it has a visible link. The keys
# name the standard's chapters, not apps: an app files its pages under the chapter they serve
# (``Manifest.nav``), or declares a section of its own (``Manifest.nav_sections``).
SECTIONS: list[tuple[str, str | Promise]] = [
    ("work", _("工作台")),
    ("ch4", _("客户服务（第4章）")),
    ("ch5", _("理赔服务（第5章）")),
    ("ch6", _("信息管理与保密（第6章）")),
    ("ch10", _("质量监控与改进（第10章）")),
    ("admin", _("系统管理")),
]

_LINKS: list[NavLink] = []


def register_section(key: str, title: str | Promise, *, before: str = "admin") -> None:
    """Add a section, placed before the section ``before`` (the last one if that is unknown)."""
    keys = [k for k, _t in SECTIONS]
    if key in keys:
        raise ValueError(f"Navigation section {key!r} declared twice")
    SECTIONS.insert(keys.index(before) if before in keys else len(SECTIONS), (key, title))


def register_link(
    section: str, url_name: str, label: str | Promise, perm: str | None = None
) -> None:
    if section not in dict(SECTIONS):
        raise ValueError(f"Unknown navigation section {section!r}")
    if not any(link.url_name == url_name for link in _LINKS):
        _LINKS.append(NavLink(section, url_name, label, perm))


def register_manifest_navigation() -> None:
    """The sections and links of every installed app's manifest (CoreConfig.ready, after the
    permissions: ``register_manifest_permissions``)."""
    found = list(manifests())
    for _label, manifest in found:
        for key, title, before in manifest.nav_sections:
            register_section(key, title, before=before)
    for _label, manifest in found:
        for link in manifest.nav:
            register_link(link.section, link.url_name, link.label, link.perm)


def navigation_for(actor: Actor | None, current_path: str) -> list[dict]:
    if actor is None or (actor.user_id is None and not actor.is_system):
        return []
    visible = [
        (key, link, reverse(link.url_name))
        for key, _title in SECTIONS
        for link in _LINKS
        if link.section == key and (link.perm is None or actor.can(link.perm))
    ]
    # One active link: the exact page, else the longest link the path lies under
    # (/callcentre/calls/import/ is the import page, not also the dashboard at /callcentre/).
    under = [
        u for _k, _l, u in visible if current_path == u or (u != "/" and current_path.startswith(u))
    ]
    active = max(under, key=len, default=None)
    out = []
    for key, title in SECTIONS:
        links = [
            {"url": url, "label": link.label, "active": url == active}
            for k, link, url in visible
            if k == key
        ]
        if links:
            out.append({"key": key, "title": title, "links": links})
    return out
