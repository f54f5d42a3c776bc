"""Product design demo data (issue 17 §7): each sub-package contributes its part."""

from __future__ import annotations

from collections.abc import Mapping

from hiqc.core.access import Actor
from hiqc.organisations.models import OrgUnit, User

from .evaluation.demo import evaluation_demo_load
from .projects import demo as projects_demo


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts.update(projects_demo.demo_load(seed=seed, org_units=org_units, users=users, actor=actor))
    counts.update(evaluation_demo_load(seed=seed, org_units=org_units, users=users, actor=actor))
    return counts
