"""Reads of the process catalogue (standard 2.1.1–2.1.2(1)): each process's owner role,
customers and channels, the versions in force per org subtree, and the needs analyses behind its
versions with their evidence — cases linked and shown through their kind's door, never copied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, role_label
from hiqc.core.casekinds import CASE_KINDS, case_url
from hiqc.core.errors import NotFound
from hiqc.core.models import ProcessVersion
from hiqc.core.processes import VersionsInForce
from hiqc.organisations.selectors import unit_names

from .models import NeedsAnalysis, NeedsEvidence, ProcessProfile
from .selectors import VIEW
from .services import evidence_case


def profile_in_force(process: str) -> ProcessProfile | None:
    return ProcessProfile.objects.filter(process=process).order_by("-number").first()


def profiles_in_force() -> dict[str, ProcessProfile]:
    latest: dict[str, ProcessProfile] = {}
    for row in ProcessProfile.objects.order_by("process", "-number"):
        latest.setdefault(row.process, row)
    return latest


def profile_history(process: str) -> list[ProcessProfile]:
    return list(ProcessProfile.objects.filter(process=process).order_by("-number"))


def owner_label(profile: ProcessProfile | None) -> str:
    return str(role_label(profile.owner_role)) if profile and profile.owner_role else ""


@dataclass
class InForce:
    org_path: str  # "" = the whole insurer
    unit: str  # the unit's name ("全公司" for the whole insurer)
    version: ProcessVersion | None


def versions_in_force(actor: Actor, process: str, on: date) -> list[InForce]:
    """The version in force on ``on`` for the whole insurer and for each unit that has a version
    of its own (the units it applies to below inherit it), the units the actor may see only."""
    versions = VersionsInForce(process)
    paths = sorted(
        {""} | {v.org_path for v in versions.versions if v.org_path and actor.can(VIEW, v.org_path)}
    )
    names = unit_names(p for p in paths if p)
    return [
        InForce(p, names.get(p, p) if p else _("全公司"), versions.in_force(p, on)) for p in paths
    ]


@dataclass
class Evidence:
    row: NeedsEvidence
    kind_name: str
    url: str  # "" when the actor may not open the case (it is not named then)
    visible: bool


def _visible(actor: Actor, row: NeedsEvidence) -> bool:
    try:
        evidence_case(actor, row.case_type, row.case_id)
    except (NotFound, ValueError, DjangoValidationError):
        return False
    return True


def analyses(actor: Actor, process: str) -> list[tuple[NeedsAnalysis, list[Evidence]]]:
    """The needs analyses of the process, newest first, each with its evidence as the actor may
    see it: a case the actor cannot open is counted, never named."""
    out = []
    rows = (
        NeedsAnalysis.objects.filter(process=process)
        .select_related("version")
        .prefetch_related("evidence")
        .order_by("-created_at")
    )
    for analysis in rows:
        evidence = []
        for row in analysis.evidence.all():
            kind = CASE_KINDS.get(row.case_type)
            visible = _visible(actor, row)
            evidence.append(Evidence(
                row, str(kind.name) if kind else row.case_type,
                case_url(row.case_type, row.case_id) if visible else "", visible,
            ))  # fmt: skip
        out.append((analysis, evidence))
    return out


def analysis_for(process: str, analysis_id: str) -> NeedsAnalysis:
    try:
        row = NeedsAnalysis.objects.filter(process=process, pk=analysis_id).first()
    except (ValueError, DjangoValidationError):
        row = None
    if row is None:
        raise NotFound()
    return row
