"""Product design demo data (issue 17 §7): each sub-package contributes its part, then the
product whose complaint rate crosses its monitoring target gets the update project its banner
offers (3.3.3 → 3.3.2), opened with the banner's reason and left at 需求分析."""

from __future__ import annotations

from collections.abc import Mapping

from hiqc.core.access import Actor
from hiqc.organisations.models import OrgUnit, User

from .evaluation.demo import evaluation_demo_load
from .monitoring.selectors import overview, root_for
from .projects import demo as projects_demo
from .projects.selectors import projects
from .projects.services import project_open

DRIVING_FIGURE = "complaints_per_10k"


def _complaint_driven_update(users: Mapping[str, User]) -> int:
    """An update project for each product whose complaints per 10,000 policies cross the target
    at head office, unless the product already has a project."""
    if "product_manager" not in users:
        return 0
    system = Actor.system("demo")
    opened = 0
    for row in overview(system, root_for(system)):
        flag = next((f for f in row.flags if f.figure.code == DRIVING_FIGURE), None)
        if flag is None or projects(system, product=row.product.code).exists():
            continue
        project_open(
            actor=Actor.system("product_manager"),
            data={
                "kind": "update",
                "product": row.product.code,
                "title": f"{row.product.name}：针对投诉集中问题的条款与服务更新",
                "reason": flag.reason,
            },
        )
        opened += 1
    return opened


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    counts: dict[str, int] = {}
    counts.update(projects_demo.demo_load(seed=seed, org_units=org_units, users=users, actor=actor))
    counts.update(evaluation_demo_load(seed=seed, org_units=org_units, users=users, actor=actor))
    counts["complaint_driven_projects"] = _complaint_driven_update(users)
    return counts
