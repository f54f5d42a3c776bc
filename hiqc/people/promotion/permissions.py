"""The promotion's permissions and the roles that hold them (issue 18 §6), declared without the
app registry so the people app's manifest can merge them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hiqc.organisations.enums import Role

VIEW = "promotions.view"
NOMINATE = "promotions.nominate"
EVALUATE = "promotions.evaluate"
DECIDE = "promotions.decide"
NOTICE_READ = "promotions.notice"  # read the unit's notices
TAKE_PART = "promotions.take_part"  # nominate oneself, object to a notice of one's unit

PERMISSIONS = {
    VIEW: _("查看晋升办理情况"),
    NOMINATE: _("推荐晋升人选（部门推荐）"),
    EVALUATE: _("晋升综合评估"),
    DECIDE: _("发布晋升公示、答复异议、决定任命"),
    NOTICE_READ: _("查看本机构晋升公示"),
    TAKE_PART: _("员工自荐晋升，对本机构晋升公示提出异议"),
}

# Every role reads its unit's notices (7.3.3(4): the notice is for the whole unit) and, but the
# read-only auditor, may nominate itself and object; the branch service manager recommends,
# evaluates and decides for the branch, the quality lead for head office; the call-centre
# supervisor recommends their staff; the trainer evaluates (ability); the auditor reads.
STAFF = (NOTICE_READ, TAKE_PART)
ROLES: dict[str, tuple[str, ...]] = {
    **{role: STAFF for role in Role.values},
    Role.BRANCH_MANAGER: (*STAFF, VIEW, NOMINATE, EVALUATE, DECIDE),
    Role.QUALITY_LEAD: (*STAFF, VIEW, NOMINATE, EVALUATE, DECIDE),
    Role.CALL_CENTRE_SUPERVISOR: (*STAFF, VIEW, NOMINATE),
    Role.TRAINER: (*STAFF, VIEW, EVALUATE),
    Role.AUDITOR: (NOTICE_READ, VIEW),
}


def with_promotion(roles: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The app's role matrix with the promotion's permissions added."""
    out = dict(roles)
    for role, perms in ROLES.items():
        out[role] = (*out.get(role, ()), *perms)
    return out
