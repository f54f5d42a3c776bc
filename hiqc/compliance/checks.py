"""The automatic controls HIQC ships (issue 20 §2; standard 9.1.2(4)): each reads the records a
domain already keeps — the engine's deadline rows, the letters as issued, the event log and the
certificates — and says, per record, whether the obligation was met. No figure is recomputed
here that the engine already records (a claim's decision clock is its ``Deadline`` row, pauses for
supplements included, CL-3)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hiqc.claims.models import Claim
from hiqc.claims.workflow import DECIDE
from hiqc.complaints.enums import LetterKind
from hiqc.complaints.models import Complaint, Letter
from hiqc.core.calendar import BEIJING
from hiqc.core.models import CaseEvent, Deadline
from hiqc.core.training import topic_coverage
from hiqc.organisations.models import User
from hiqc.people.enums import Qualification, Topic
from hiqc.people.gate import GATED, required_qualification
from hiqc.people.models import Certificate

from .controls import Outcome, automatic_check

CLAIM_CASE = "claims.claim"
CLAIMS_IN_TIME = "claims.decided_in_time"
DECISION_REMEDY = "complaints.decision_states_remedy"
QUALIFIED_ASSIGNEE = "people.qualified_assignee"
PI_TRAINING = "people.pi_training_coverage"


@automatic_check(
    CLAIMS_IN_TIME,
    name=_("理赔在30日内核定（扣除补充材料期间）"),
    rule="CL-2",
    clauses="5.1.1, 9.1.2",
    formula=_(
        "样本：本月受理、核定时限已有结果（已核定或已超时）的理赔；不合规：时限记录为已超时"
        "（引擎的核定时限，补充材料期间已扣除，CL-3）。"
    ),
)
def claims_decided_in_time(start: datetime, end: datetime) -> Iterator[Outcome]:
    rows = list(
        Deadline.objects.filter(case_type=CLAIM_CASE, clock=DECIDE.code, started_at__gte=start,
                                started_at__lt=end)
        .filter(Q(state__in=(Deadline.State.MET, Deadline.State.BREACHED))
                | Q(breached_at__isnull=False))
        .values_list("case_id", "org_path", "state", "breached_at")
    )  # fmt: skip
    numbers = dict(Claim.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "number"))
    for case_id, path, state, breached_at in rows:
        late = state == Deadline.State.BREACHED or breached_at is not None
        yield Outcome(path, _number(numbers, case_id), not late)


def _number(numbers: dict, case_id: str) -> str:
    for key, value in numbers.items():
        if str(key) == str(case_id):
            return str(value)
    return str(case_id)


REMEDY_MARKERS = ("救济途径", "申请核查")


@automatic_check(
    DECISION_REMEDY,
    name=_("投诉处理决定书载明救济途径"),
    rule="CP-8",
    clauses="4.2.3, 9.1.2",
    formula=_(
        "样本：本月作出处理决定的投诉；不合规：没有出具投诉处理决定书，或决定书未载明"
        "向上级机构申请核查的救济途径（CP-8）。"
    ),
)
def decision_states_remedy(start: datetime, end: datetime) -> Iterator[Outcome]:
    complaints = list(
        Complaint.objects.filter(decided_at__gte=start, decided_at__lt=end)
        .select_related("org_unit").only("reference", "org_unit__path")
    )  # fmt: skip
    letters: dict[str, list[str]] = {}
    for letter in Letter.objects.filter(complaint__in=complaints, kind=LetterKind.DECISION):
        # read to test the wording only; nothing of the text is kept or logged
        letters.setdefault(str(letter.complaint_id), []).append(str(letter.body))
    for c in complaints:
        bodies = letters.get(str(c.pk), [])
        passed = bool(bodies) and all(all(m in b for m in REMEDY_MARKERS) for b in bodies)
        yield Outcome(c.org_unit.path, c.reference, passed)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# the qualification a kind's handler needs when its gate rule is off (the control still tests it)
NATURAL = {
    "complaints.complaint": Qualification.COMPLAINT_HANDLER,
    "consultations.consultation": Qualification.CONSULTATION_AGENT,
    "claims.claim": Qualification.CLAIMS_SPECIALIST,
    "inspection.inspectiontask": Qualification.INSPECTOR,
}


@automatic_check(
    QUALIFIED_ASSIGNEE,
    name=_("不向未取得资格的人员分派案件"),
    rule="PR-3",
    clauses="4.1.2, 4.2.2, 5.3.3, 7.1",
    formula=_(
        "样本：本月的案件分派（事件记录中写明承办人的操作）；不合规：承办人在分派当日未持有"
        "该类案件要求的有效资格证书（门槛规则未启用时按该类案件的对应资格检测）。"
    ),
)
def qualified_assignee(start: datetime, end: datetime) -> Iterator[Outcome]:
    events = list(
        CaseEvent.objects.filter(case_type__in=list(GATED), at__gte=start, at__lt=end,
                                 data__has_key="assignee")
        .values_list("id", "case_type", "case_id", "org_path", "at", "data")
    )  # fmt: skip
    names = {str(e[5].get("assignee")) for e in events}
    users = {}
    ids = [n for n in names if _is_uuid(n)]
    for user in User.objects.filter(Q(username__in=names) | Q(pk__in=ids)).only("id", "username"):
        users[user.username] = user.pk
        users[str(user.pk)] = user.pk
    needed = {k: str(required_qualification(k) or NATURAL.get(k, "")) for k in GATED}
    certs: dict[object, list[tuple[str, object, object]]] = {}
    for c in Certificate.objects.filter(user_id__in=set(users.values())).values_list(
        "user_id", "qualification", "issued_on", "expires_on"
    ):
        certs.setdefault(c[0], []).append((c[1], c[2], c[3]))
    for _id, case_type, case_id, path, at, data in events:
        user_id = users.get(str(data.get("assignee")))
        day = at.astimezone(BEIJING).date()
        qualification = needed.get(case_type, "")
        held = user_id is not None and any(
            q == qualification and issued <= day <= expires  # type: ignore[operator]
            for q, issued, expires in certs.get(user_id, [])
        )
        yield Outcome(path, f"{case_type}:{case_id}", held or not qualification)


@automatic_check(
    PI_TRAINING,
    name=_("员工完成年度个人信息保护培训"),
    rule="PI-4",
    clauses="6.1, 6.2.3, 9.1.2",
    formula=_(
        "年度要求在年末判定，只有12月的检测有样本：当年按岗位的培训要求须参加个人信息保护培训的"
        "人员；不合规：截至年末参加该主题课程未达到要求学时。其他月份不检测。"
    ),
)
def pi_training_coverage(start: datetime, end: datetime) -> Iterator[Outcome]:
    """One outcome per person who must attend (a person of several roles counts under each), named
    by role and a running number, never by the person (the training pages name them)."""
    local = start.astimezone(BEIJING)
    if local.month != 12:
        return
    for row in topic_coverage(Topic.PERSONAL_INFORMATION, year=local.year, until=end):
        for i in range(row.required):
            yield Outcome(row.org_path, f"{row.role}#{i + 1}", i < row.covered)
