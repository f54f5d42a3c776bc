"""Renewal reminders before a certificate runs out (issue 18 §3; standard 4.1.2, 4.2.2, 8.2.6).

A daily job (``people.renewal_reminders``, the app's manifest) tells the holder and their unit's
trainers and branch service managers (the supervisor purpose) that a certificate runs out soon.
The days before expiry are rules (``people.renewal.first_days``, default 30;
``people.renewal.second_days``, default 7; design defaults P). The query is catch-up safe: every
current certificate with its last day within a reminder's reach and no later certificate of the
same qualification (not yet renewed) gets the nearest reminder it is due; the inbox row's dedupe key
(certificate, reminder) makes a rerun the same day — or after a missed day — send nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.models import Notification
from hiqc.core.notifications import notify
from hiqc.core.rules import Rule, register_rules, rule_value
from hiqc.organisations.enums import Role
from hiqc.organisations.selectors import users_holding_roles_over

from .models import Certificate

FIRST, SECOND = "people.renewal.first_days", "people.renewal.second_days"
TOLD = (Role.TRAINER, Role.BRANCH_MANAGER)  # the unit's trainer and supervisor
CASE_TYPE = "people.certificate"


def renewal_rules() -> list[Rule]:
    source = "标准 4.1.2、4.2.2 要求持证上岗；HIQC 设计默认值（P），可在规则页调整"
    return [
        Rule(FIRST, 30, "days", gettext_lazy("资格证书到期前首次提醒（天）"), source, "P"),
        Rule(SECOND, 7, "days", gettext_lazy("资格证书到期前再次提醒（天）"), source, "P"),
    ]


def register() -> None:
    register_rules(*renewal_rules())


def reminder_days() -> list[int]:
    """The reminders' days before expiry, nearest first."""
    return sorted({int(rule_value(FIRST)), int(rule_value(SECOND))})


def renewal_reminders_send(*, today: date) -> int:
    """Tell holders (and their unit's trainers and managers) of certificates running out within a
    reminder's reach; returns the inbox rows created (0 on a rerun)."""
    days = reminder_days()
    renewed = Certificate.objects.filter(
        user_id=OuterRef("user_id"), qualification=OuterRef("qualification"),
        expires_on__gt=OuterRef("expires_on"),
    )  # fmt: skip
    due = (
        Certificate.objects.filter(issued_on__lte=today, expires_on__gte=today,
                                   expires_on__lte=today + timedelta(days=max(days)))
        .exclude(Exists(renewed)).select_related("user", "org_unit").order_by("expires_on", "pk")
    )  # fmt: skip
    url = reverse("people:certificates")
    created = 0
    for cert in due:
        left = (cert.expires_on - today).days
        reach = min(d for d in days if left <= d)
        name = cert.user.display_name or cert.user.username
        title = _("资格证书即将到期：{name} 的“{q}”有效期至 {day}").format(
            name=name, q=cert.get_qualification_display(), day=cert.expires_on.isoformat()
        )
        body = _("还剩 {n} 天。请在到期前参加考试续期；到期后将不能承办须持证的案件。").format(
            n=left
        )
        people = [cert.user_id, *users_holding_roles_over(cert.org_unit.path, TOLD)]
        created += len(
            notify(
                user_ids=people,
                kind=Notification.Kind.DEADLINE_WARNING,
                title=title,
                body=body,
                url=url,
                case_type=CASE_TYPE,
                case_id=str(cert.pk),
                dedupe_key=f"people.renewal:{cert.pk}:{reach}",
            )
        )
    return created
