"""Where the core system's claim events came from (standard 6.1.2; PIPL art. 13; issue 21 §3;
ADR 0031): each import run that wrote anything leaves one kernel ``CollectionRecord`` — kind
``claims.events``, the channel (the API, or the command as a system feed), the file's SHA-256 and
name, who and when, the rows applied. The events carry the claimant's and insured's identity and
the diagnosis (sensitive), processed to perform the insurance contract: the ground is
``contract`` (PIPL art. 13(1)(2)), a property of the feed rather than of one request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.collection import Channel, collection_record
from hiqc.core.eventsdoor import ImportReport
from hiqc.core.models import CollectionRecord
from hiqc.core.personaldata import Basis
from hiqc.organisations.selectors import root_path

EVENTS_KIND = "claims.events"


def events_collected(*, actor: Actor, report: ImportReport, channel: str, file_sha256: str,
                     file_name: str = "") -> CollectionRecord | None:  # fmt: skip
    """The run's collection record, or None when it applied nothing (all duplicates or refused:
    no personal data came in)."""
    if report.applied <= 0:
        return None
    return collection_record(
        actor=actor, kind=EVENTS_KIND, channel=channel if channel in Channel.values else
        Channel.SYSTEM, basis=Basis.CONTRACT, source_system=_("核心理赔系统"),
        file_name=file_name, file_sha256=file_sha256, rows=report.applied,
        org_path=actor.home_path or root_path(),
    )  # fmt: skip
