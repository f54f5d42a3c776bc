"""Kernel writes used by jobs: audit-chain checks and session clean-up, each recorded as a JobRun."""

from __future__ import annotations

import logging

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import Actor
from .audit import audit_record, verify_chain
from .errors import Forbidden, ValidationFailed
from .models import JobRun, RuleOverride
from .rules import RULES

log = logging.getLogger(__name__)


def audit_chain_check() -> JobRun:
    """Recompute the audit chain (PI-8); a broken chain is logged as an error and shown on /healthz."""
    report = verify_chain()
    if not report.ok:
        log.error("audit chain broken at seq=%s: %s", report.seq, report.problem)
    return JobRun.objects.create(job="core.audit_verify", ok=report.ok, summary=report.as_dict())


def sessions_clear() -> JobRun:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return JobRun.objects.create(job="core.sessions_clear", ok=True, summary={"deleted": deleted})


@transaction.atomic
def rule_override_set(*, actor: Actor, key: str, value: object, reason: str) -> int | str:
    """Configure a rule (DESIGN rule 9). Legal floors only rise and ceilings only fall; setting the
    default again removes the override. Needs rules.manage over the head office."""
    if not actor.can_globally("rules.manage"):
        raise Forbidden(_("调整规则参数需要总公司层级的“调整规则参数”权限。"))
    rule = RULES.get(key)
    if rule is None:
        raise ValidationFailed(_("规则参数有误。"), fields={"key": [_("未知的规则。")]})
    errors: dict[str, list[str]] = {}
    try:
        typed = rule.parse(value)
    except ValueError as exc:
        errors["value"] = [str(exc)]
    else:
        problem = rule.check(typed)
        if problem:
            errors["value"] = [problem]
    reason = (reason or "").strip()
    if len(reason) < 4:
        errors["reason"] = [_("请说明调整理由（至少 4 个字）。")]
    if errors:
        raise ValidationFailed(_("规则参数有误。"), fields=errors)
    stored = RuleOverride.objects.filter(key=key).values_list("value", flat=True).first()
    previous = rule.default if stored is None else rule.parse(stored)
    if typed == rule.default:
        RuleOverride.objects.filter(key=key).delete()
    else:
        RuleOverride.objects.update_or_create(
            key=key, defaults={"value": str(typed), "reason": reason}
        )
    audit_record(
        actor=actor,
        action="rule.set",
        subject_type="core.rule",
        subject_id=key,
        fields=["value"],
        data={"from": previous, "to": typed, "reason": reason},
    )
    return typed
