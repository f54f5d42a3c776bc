"""The demo's privacy records (issue 21 §10): one legal hold — a 成都 claim whose refusal the
customer took to court — and the retention job's dry run for the coming notice period (what
would be removed then; on fresh demo data, nothing is old enough yet, and the report says so).
Idempotent: a rerun adds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hiqc.claims.models import Claim
from hiqc.core.models import LegalHold
from hiqc.core.retention import legal_hold_place, retention_daily
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.services import actor_for_user

HOLD_UNIT = "SC-CD"
REASON = "客户就拒赔决定提起诉讼，保全全部理赔资料至判决生效"


def load_privacy(users: Mapping[str, User]) -> dict[str, int]:
    out = {"legal_holds": 0, "retention_reports": 0}
    officer = users.get("compliance")
    unit = OrgUnit.objects.filter(code=HOLD_UNIT).first()
    if officer is not None and unit is not None and not LegalHold.objects.exists():
        claim: Any = (
            Claim.objects.filter(org_unit__path__startswith=unit.path, outcome="refuse")
            .order_by("received_at", "number")
            .first()
        )
        if claim is not None:
            legal_hold_place(
                actor=actor_for_user(officer),
                case_type="claims.claim",
                number=claim.number,
                reason=REASON,
            )
            out["legal_holds"] = 1
    if retention_daily()["report"] is not None:
        out["retention_reports"] = 1
    return out
