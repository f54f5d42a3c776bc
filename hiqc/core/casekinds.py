"""Case kinds: what a domain declares about a case type, and the registry of them (issue 3 §5).

A domain declares a ``CaseKind`` (its model's label, workflow and ``access_<entity>`` door, its
pages and its guards) and registers it from ``AppConfig.ready``. The engine
(``hiqc.core.casework``) executes a kind's actions; the kernel's other readers — deadlines,
notifications, indicators, "my work", process versions, the audit labels — look kinds up here.
This module sits below all of them and imports none: declarations and look-ups only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Q

from .access import Actor
from .models import CaseModel
from .workflow import Clock, Workflow


@dataclass(frozen=True)
class Refusal:
    """What a domain guard (``CaseKind.blocked``) may return instead of a bare reason: the
    reason and the error code the 409 carries (e.g. ``documents_missing``), so a guard with a
    code of its own is still checked once, by the executor."""

    problem: str
    code: str = "action_refused"


@dataclass
class Prepared:
    """What a kind's ``prepare`` hook returns for an action it accepts: the effective time ``at``
    (e.g. a delivery time given with the action), field ``updates`` written with the step, what the
    event ``record``s (None: the action's inputs) and the domain's changes to make once the step is
    written (``after``, called with the case)."""

    at: datetime
    updates: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] | None = None
    after: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class CaseKind:
    label: str  # "<app>.<model>", also the case_type of its events and deadlines
    workflow: Workflow
    access: Callable[..., CaseModel]  # access_<entity>(actor, case_id, *, for_update=False)
    on_commit: Callable[[CaseModel, str], None] | None = None  # side effects after a transition
    name: Any = ""  # display name, e.g. _("投诉")
    view_perm: str = ""  # the permission that lets an actor see cases of this kind in scope
    # "My work" (issue 15 §3): who must act on a case in each open state. By default the holders
    # of the permissions of the transitions out of the state, over the case's unit (and able to
    # open it: ``view_perm`` there too) — exactly who is offered an action. ``work_by_state``
    # overrides a state where the workflow's permissions are not the whole story: state → the
    # permissions whose holders must act there, in scope; ``()`` = only the case's assignee (a
    # state where nobody must act, or where the work is the assignee's alone).
    work_by_state: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # False: every state not in ``work_by_state`` is the assignee's alone, never by scope (a
    # score waits for its agent, a draft for its author, a compared audit item for its reviewer)
    work_in_scope: bool = True
    # The guards that depend on who asks, in SQL (recusal: not the agent whose work is scored,
    # not a person involved in the complaint): the cases matching ``not_for(actor)`` are left out
    # of that actor's work even when assigned to them. The same rules as ``blocked``/``prepare``
    # refuse the actions with; the parity test (tests/test_my_work_parity.py) holds them equal.
    not_for: Callable[[Actor], Q] | None = None
    url_for: Callable[[str], str] | None = None  # the case page (notifications link to it)
    # Domain guard: why ``action`` cannot be taken on this case now, judged from the case's own
    # data (not from the inputs), or None: a reason (409 ``action_refused``) or a ``Refusal``
    # with a code of its own. The engine refuses a blocked action with 409 and leaves it out of
    # ``allowed_actions`` and the page's action forms, so what is offered succeeds.
    blocked: Callable[[CaseModel, str, Actor, datetime], str | Refusal | None] | None = None
    # The domain's own checks and changes for an action, run by the executor after the
    # permission check and the domain guard: (store, case, actor, action, data, at, source) →
    # ``Prepared``; raises with the problem (and the field) to refuse.
    prepare: Callable[..., Prepared] | None = None
    # True: cases of this kind are improvement plans (standard 10.2) a process version may be
    # published under (issue 16 §7; ``hiqc.core.plan_links``).
    improves_processes: bool = False

    def refusal(self, case: CaseModel, action: str, actor: Actor, at: datetime) -> Refusal | None:
        """The domain guard's answer as a ``Refusal`` (None: not blocked)."""
        return as_refusal(None if self.blocked is None else self.blocked(case, action, actor, at))

    def blocked_reason(
        self, case: CaseModel, action: str, actor: Actor, at: datetime
    ) -> str | None:
        refusal = self.refusal(case, action, actor, at)
        return None if refusal is None else refusal.problem

    @property
    def model(self) -> type[CaseModel]:
        return apps.get_model(self.label)

    def work_map(self) -> dict[str, tuple[str, ...]]:
        """Open state → the permissions whose holders (in scope) must act in it; ``()`` = the
        assignee alone. ``work_by_state`` where declared, else ``()`` for a kind not worked in
        scope, else the permissions of the state's transitions (in the workflow's order)."""
        wf = self.workflow
        out: dict[str, tuple[str, ...]] = {}
        for state in wf.states:
            if state in wf.final:
                continue
            if state in self.work_by_state:
                out[state] = tuple(self.work_by_state[state])
            elif not self.work_in_scope:
                out[state] = ()
            else:
                perms = [t.perm for t in wf.transitions if state in t.sources]
                out[state] = tuple(dict.fromkeys(perms))
        return out


def as_refusal(answer: str | Refusal | None) -> Refusal | None:
    """A guard's answer as a ``Refusal``: a bare reason is refused as ``action_refused``."""
    return Refusal(answer) if isinstance(answer, str) else answer


CASE_KINDS: dict[str, CaseKind] = {}


def register_case_kind(kind: CaseKind) -> None:
    """Make a case type visible to "my work", notifications and the other kernel readers (call
    from AppConfig.ready)."""
    CASE_KINDS[kind.label] = kind


def case_url(case_type: str, case_id: str) -> str:
    """The page of a case, or "" when its kind declares none (or is not registered)."""
    kind = CASE_KINDS.get(case_type)
    return kind.url_for(case_id) if kind is not None and kind.url_for is not None else ""


def clock_declared(case_type: str, code: str) -> Clock | None:
    """The clock ``code`` as the case type's workflow declares it (None if it does not)."""
    kind = CASE_KINDS.get(case_type)
    return kind.workflow.clock_map.get(code) if kind is not None else None


def window_codes() -> set[str]:
    """The codes of the clocks declared ``window=True`` by a registered case kind (a right granted
    to someone, not an obligation: its end is no breach)."""
    return {c.code for k in CASE_KINDS.values() for c in k.workflow.clocks if c.window}


# Who may be assigned a case of a kind (issue 18 §3; standard 4.1.2, 4.2.2, 8.2.6). A check is
# (case type, user id, at) → the reason the person may not handle a case of that type now, or
# None. The app that keeps qualifications (``hiqc.people``) registers its checks from
# ``AppConfig.ready``; the kernel imports it not. The engine asks ``assignment_refusal`` in one
# place (``hiqc.core.casework``), wherever a step or a new case names an assignee.
AssignmentCheck = Callable[[str, Any, datetime], str | None]
ASSIGNMENT_CHECKS: dict[str, list[AssignmentCheck]] = {}


def register_assignment_check(case_type: str, check: AssignmentCheck) -> None:
    """Add a check on who may be assigned cases of ``case_type`` (call from AppConfig.ready)."""
    checks = ASSIGNMENT_CHECKS.setdefault(case_type, [])
    if check not in checks:
        checks.append(check)


def assignment_refusal(case_type: str, user_id: Any, at: datetime) -> str | None:
    """The first registered check's reason why ``user_id`` may not be assigned a case of
    ``case_type`` at ``at`` (None: nothing stands in the way)."""
    for check in ASSIGNMENT_CHECKS.get(case_type, ()):
        reason = check(case_type, user_id, at)
        if reason:
            return reason
    return None
