"""Runs INSIDE ``manage.py shell`` on the suite's stack (``Stack.on_stack``): the data the parts
need that only the ORM can give or make. Reads ``{"command", "payload"}`` as JSON on stdin and
prints its answer as JSON on a line starting with ``RELIABILITY-JSON:``.

Test fixtures only (the stack's database is dropped at the end): reference data for the
claim-event import, and one sacrificial user with a membership and a token per branch, so the
door matrix can aim at another branch's user, membership and token without touching a persona.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

MARK = "RELIABILITY-JSON:"
BEIJING = ZoneInfo("Asia/Shanghai")
SACRIFICE = "reliability_"
DOCS = ("form", "id", "invoice", "discharge")


def main() -> None:
    request = json.loads(sys.stdin.read())
    answer = COMMANDS[request["command"]](request.get("payload") or {})
    print(MARK + json.dumps(answer, default=str, ensure_ascii=False), flush=True)


def _branch_prefix(path: str) -> str:
    """The level-2 (branch) part of an org path, "" for the head office."""
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[:2]) + "/" if len(parts) >= 2 else ""


def prepare(payload: dict[str, Any]) -> dict[str, Any]:
    from hiqc.claims.online.services import limit
    from hiqc.core.casekinds import CASE_KINDS
    from hiqc.organisations.models import OrgUnit, User

    branches = {
        u.code: {"id": str(u.pk), "path": u.path, "name": u.name}
        for u in OrgUnit.objects.filter(level=2).order_by("path")
    }
    personas: dict[str, Any] = {}
    for username in payload.get("personas", []):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        paths = sorted({m.org_unit.path for m in user.memberships.select_related("org_unit")})
        prefixes = {_branch_prefix(p) for p in paths}
        branch = next(iter(prefixes)) if len(prefixes) == 1 else ""
        personas[username] = {
            "id": str(user.pk),
            "org_unit_id": str(user.org_unit_id),
            "paths": paths,
            "branch": branch,  # "" for head office (or more than one branch)
            "branch_code": next((c for c, b in branches.items() if b["path"] == branch), ""),
        }
    _sacrificial_users(branches)
    return {
        "branches": branches,
        "personas": personas,
        "doors": _doors(payload.get("doors", []), branches),
        "actions": {k: v.workflow.transitions[0].name for k, v in CASE_KINDS.items()},
        "indicator": _indicator(branches),
        "limits": {b: list(limit(b)) for b in ("code:ip", "code:policy", "verify:ip")},
        "call_units": list(
            OrgUnit.objects.filter(level__gte=3, children__isnull=True)
            .order_by("path")
            .values_list("code", flat=True)
        ),
        "reference": _reference(int(payload.get("policies", 500))),
    }


def _sacrificial_users(branches: dict[str, Any]) -> None:
    from hiqc.core.access import Actor
    from hiqc.organisations.models import User
    from hiqc.organisations.services import api_token_create, membership_grant, user_create

    actor = Actor.system("reliability")
    for code, branch in branches.items():
        username = f"{SACRIFICE}{code.lower()}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=actor,
                username=username,
                password=secrets.token_urlsafe(18),
                org_unit_id=branch["id"],
                display_name="可靠性测试",
            )
            membership_grant(actor=actor, user_id=user.pk, role="auditor", org_unit_id=branch["id"])
            api_token_create(actor=actor, user_id=user.pk, name="reliability", days=1)


# (key, model label, lookup of the object's org path): see doors.DOORS
def _doors(doors: list[list[str]], branches: dict[str, Any]) -> dict[str, Any]:
    from django.apps import apps

    out: dict[str, Any] = {}
    for key, label, lookup in doors:
        model = apps.get_model(label)
        qs = model.objects.order_by("pk")
        prefer = None
        if label == "organisations.User":
            prefer = {"username__startswith": SACRIFICE}
        elif label in ("organisations.Membership", "organisations.ApiToken"):
            prefer = {"user__username__startswith": SACRIFICE}
        in_branches = {f"{lookup}__regex": r"^[^/]+/[^/]+/"}
        if lookup == "org_unit__path" and not qs.filter(**in_branches).exists():
            _clone_into_branches(qs.first(), branches)  # e.g. head-office survey plans
        per_branch: dict[str, Any] = {}
        for code, branch in branches.items():
            # another branch: an org path in a branch subtree that is not this branch's
            others = qs.filter(**in_branches).exclude(**{f"{lookup}__startswith": branch["path"]})
            other = (others.filter(**prefer).first() if prefer else None) or others.first()
            own = qs.filter(**{f"{lookup}__startswith": branch["path"]}).first()
            per_branch[code] = {
                "other": str(other.pk) if other else None,
                "other_path": _path_of(other, lookup) if other else None,
                "own": str(own.pk) if own else None,
            }
        out[key] = per_branch
    return out


def _clone_into_branches(template: Any, branches: dict[str, Any]) -> None:
    """A copy of a head-office object (a survey plan, an audit round) in every branch, so the
    door matrix has another branch's object to aim at."""
    import uuid

    if template is None:
        return
    unique = [  # a unique text field (a case number): each copy gets its own
        f.name
        for f in template._meta.fields
        if f.unique and not f.primary_key and f.get_internal_type() == "CharField"
    ]
    for code, branch in branches.items():
        copy = type(template).objects.get(pk=template.pk)
        copy.pk = uuid.uuid4()
        copy.org_unit_id = branch["id"]
        for name in unique:
            setattr(
                copy, name, f"{getattr(copy, name)}-{code}"[: copy._meta.get_field(name).max_length]
            )
        copy._state.adding = True
        copy.save(force_insert=True)


def _path_of(obj: Any, lookup: str) -> str:
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part)
    return str(value)


def _indicator(branches: dict[str, Any]) -> dict[str, Any]:
    """Per branch: another branch's unit, an indicator that lists its records and has figures
    there, and a month with figures (for ``/indicators/{code}/values`` and ``/cases``)."""
    from django.db.models import Count

    from hiqc.core.indicators import INDICATORS
    from hiqc.core.models import IndicatorValue

    listing = [code for code, ind in INDICATORS.items() if ind.cases]
    out: dict[str, Any] = {}
    for code in branches:
        other = next((b for c, b in branches.items() if c != code), None)
        if other is None or not listing:
            continue
        row = (
            IndicatorValue.objects.filter(
                code__in=listing,
                granularity="month",
                org_path__startswith=other["path"],
                numerator__gt=0,
            )
            .values("code", "period_start")
            .annotate(n=Count("id"))
            .order_by("-n", "code", "-period_start")
            .first()
        )
        if row is None:
            continue
        out[code] = {
            "code": row["code"],
            "period": row["period_start"].astimezone(BEIJING).strftime("%Y-%m"),
            "other_unit": other["id"],
            "other_path": other["path"],
        }
    return out


def _reference(count: int) -> dict[str, Any]:
    """A product with its checklist and ``count`` policies RP-000000… for the claim events."""
    from django.db import transaction

    from hiqc.customers.models import Customer
    from hiqc.organisations.models import OrgUnit
    from hiqc.policies.models import Policy, PolicyInsured, Product
    from hiqc.policies.tests.factories import catalogue_product

    with transaction.atomic():
        units = list(OrgUnit.objects.filter(children__isnull=True, level__gte=3).order_by("path"))
        product = Product.objects.filter(code="REL-MED").first()
        if product is None:
            product = catalogue_product(
                code="REL-MED",
                name="可靠性测试住院医疗保险",
                documents=[(code, code, code != "records") for code in (*DOCS, "records")],
            )
            people = Customer.objects.bulk_create(
                Customer(org_unit=units[i % len(units)], name=f"可靠性客户{i}")
                for i in range(count)
            )
            policies = Policy.objects.bulk_create(
                Policy(
                    number=f"RP-{i:06d}",
                    product=product,
                    product_version=product.v1,
                    holder=people[i],
                    org_unit=units[i % len(units)],
                    start_date=date(2020, 1, 1),
                    end_date=date(2099, 12, 31),
                    premium_yuan=Decimal("1200"),
                )
                for i in range(count)
            )
            PolicyInsured.objects.bulk_create(
                PolicyInsured(policy=p, customer=people[i]) for i, p in enumerate(policies)
            )
    return {"policies": Policy.objects.filter(product=product).count(), "prefix": "RP-"}


COMMANDS = {"prepare": prepare}
