"""What each app adds to the platform, declared in one place: its ``AppConfig.manifest``.

An app's ``apps.py`` sets ``manifest = Manifest(...)`` on its ``AppConfig``; the kernel reads every
installed app's manifest, in ``INSTALLED_APPS`` order, and never names an app:

* ``config/urls.py`` includes each manifest's ``urls`` (prefix → URL module, namespaced by the
  module's ``app_name``) and ``config/api.py`` adds each manifest's ``api_routers``;
* ``hiqc.core.access`` gets each manifest's ``permissions`` (code → description) and ``roles``
  (role name → the codes it holds, by name: every app says which roles hold its permissions),
  through ``register_manifest_permissions``;
* ``hiqc.core.schedule`` runs each manifest's ``periodic`` jobs beside the kernel's own;
* the home page counts each manifest's ``home_counts`` (model label, permission);
* the navigation gets each manifest's ``nav_sections`` (a section of its own, if an app needs one)
  and ``nav`` links, through ``hiqc.core.navigation.register_manifest_navigation``.

Adding a domain is one app folder and one line in ``INSTALLED_APPS``. This module imports no model
and nothing else of the kernel (``apps.py`` files import it while the app registry is being
populated): the modules that consume the manifests read them from here, never the other way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from huey import crontab

BEIJING_UTC_OFFSET_HOURS = 8  # China has one time zone and no daylight saving


def daily_beijing(hour: int, minute: int) -> Callable[..., Any]:
    """A daily crontab at a Beijing wall-clock time (Huey runs its scheduler in UTC)."""
    return crontab(minute=str(minute), hour=str((hour - BEIJING_UTC_OFFSET_HOURS) % 24))


@dataclass(frozen=True)
class Periodic:
    """A periodic job: ``job`` is the dotted path of a function taking no arguments."""

    name: str
    job: str
    when: Callable[..., Any]
    description: str
    label: Any = ""  # what the operations page calls it, e.g. _("时限预警与超时扫描")


@dataclass(frozen=True)
class NavLink:
    """A menu entry: shown when its page exists and the actor holds ``perm`` (None: everyone)."""

    section: str
    url_name: str
    label: Any
    perm: str | None = None


@dataclass(frozen=True)
class HomeCount:
    """A home-page tile: how many rows of ``model`` ("app_label.Model") the actor may see with
    ``perm``, titled ``title`` and linked to the page ``url_name``."""

    model: str
    perm: str
    url_name: str
    title: Any


@dataclass(frozen=True)
class Manifest:
    """Everything an app adds to the platform. Every field is optional."""

    # (prefix, dotted URL module), e.g. ("claims/", "hiqc.claims.urls"); public pages too
    urls: tuple[tuple[str, str], ...] = ()
    # dotted paths of Ninja routers, added at /api/v1/ in this order
    api_routers: tuple[str, ...] = ()
    # permission code → what it allows (lazily translated)
    permissions: Mapping[str, Any] = field(default_factory=dict)
    # role name (organisations.Role value) → codes that role holds, this app's or another's
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    periodic: tuple[Periodic, ...] = ()
    # home-page tiles: the rows of a model the actor may see, linked to its list
    home_counts: tuple[HomeCount, ...] = ()
    # (key, title, before): a navigation section of the app's own, placed before section ``before``
    nav_sections: tuple[tuple[str, Any, str], ...] = ()
    nav: tuple[NavLink, ...] = ()


def manifests() -> Iterator[tuple[str, Manifest]]:
    """(app label, manifest) of every installed app that declares one, in INSTALLED_APPS order."""
    from django.apps import apps

    for config in apps.get_app_configs():
        manifest = getattr(config, "manifest", None)
        if isinstance(manifest, Manifest):
            yield config.label, manifest


def url_includes() -> list[tuple[str, str]]:
    """Every (prefix, URL module) the installed apps declare, prefixes unique."""
    seen: dict[str, str] = {}
    out = []
    for label, manifest in manifests():
        for prefix, module in manifest.urls:
            if prefix in seen:
                raise ValueError(f"URL prefix {prefix!r} of {label!r} is {seen[prefix]!r}'s")
            seen[prefix] = label
            out.append((prefix, module))
    return out


def api_routers() -> list[str]:
    return [path for _label, manifest in manifests() for path in manifest.api_routers]


def periodic_jobs() -> list[Periodic]:
    return [job for _label, manifest in manifests() for job in manifest.periodic]


def home_counts() -> list[HomeCount]:
    return [count for _label, manifest in manifests() for count in manifest.home_counts]
