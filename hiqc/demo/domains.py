"""Demo data contributed by the other domains (DESIGN §3: each app's ``demo.py``).

A domain app adds ``hiqc/<app>/demo.py`` defining::

    def demo_load(*, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User],
                  actor: Actor) -> dict[str, int]:
        ...  # create what is missing (idempotent), return counts of what was created

``org_units`` are the demo units by code (see ``hiqc.demo.org``), ``users`` the personas by
username (see ``hiqc.demo.people``); customers already exist. Hooks run after the built-in steps,
in INSTALLED_APPS order; the counts they return go into the run's audit event as
``<app label>.<key>``. A domain's ``demo.py`` must not import ``hiqc.demo`` (import-linter
contract): everything it needs is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps

DemoHook = Callable[..., dict[str, int]]


def domain_hooks() -> Iterator[tuple[str, DemoHook]]:
    """(app label, hook) for every installed ``hiqc.*`` app that has a ``demo.py``, in
    INSTALLED_APPS order — except the modules declaring ``RUN_LAST = True`` (a demo that reads
    every other domain's demo data, e.g. the conformance self-assessment), which come after all
    the others, in the same order among themselves."""
    last: list[tuple[str, DemoHook]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hiqc.") or config.name == "hiqc.demo":
            continue
        module_name = f"{config.name}.demo"
        if find_spec(module_name) is None:
            continue
        module: Any = import_module(module_name)
        hook = getattr(module, "demo_load", None)
        if not callable(hook):
            raise TypeError(f"{module_name} has no demo_load(*, seed, org_units, users, actor).")
        if getattr(module, "RUN_LAST", False):
            last.append((config.label, hook))
        else:
            yield config.label, hook
    yield from last
