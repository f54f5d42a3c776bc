"""Reads of the people app, in the actor's scope (DESIGN rule 2; issue 18 §1–§3)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from hiqc.core.access import Actor, scope

from .enums import (
    CERTIFICATES_VIEW,
    EXAMS_MANAGE,
    TRAINING_VIEW,
    Content,
    Form,
)
from .gate import GATED, required_qualification
from .models import Attempt, Certificate, Course, Enrolment, Question, Session, TrainingPlan

EXPIRING_DAYS = 30


def plans(actor: Actor, *, year: int | None = None) -> QuerySet[TrainingPlan]:
    qs = scope(actor, TrainingPlan.objects.select_related("org_unit"), TRAINING_VIEW)
    qs = qs.annotate(n_courses=Count("courses")).order_by("-year", "title")
    return qs.filter(year=year) if year else qs


def courses(actor: Actor, *, plan: TrainingPlan | None = None) -> QuerySet[Course]:
    qs = scope(actor, Course.objects.select_related("plan", "plan__org_unit"), TRAINING_VIEW)
    return qs.filter(plan=plan) if plan is not None else qs


def sessions(actor: Actor, *, course: Course | None = None) -> QuerySet[Session]:
    qs = scope(actor, Session.objects.select_related("course", "course__plan__org_unit"),
               TRAINING_VIEW).annotate(n_enrolled=Count("enrolments")).order_by("starts_at")  # fmt: skip
    return qs.filter(course=course) if course is not None else qs


def enrolments(session: Session) -> QuerySet[Enrolment]:
    """The enrolments of a session already read through its door."""
    return session.enrolments.select_related("user")


def coverage(plan: TrainingPlan) -> dict[str, list[tuple[str, Any, bool]]]:
    """Which contents of 7.1.2 and forms of 7.1.3 the plan's courses cover."""
    used = list(plan.courses.values_list("content", "form"))
    contents = {c for c, _f in used}
    forms = {f for _c, f in used}
    return {
        "contents": [(v, label, v in contents) for v, label in Content.choices],
        "forms": [(v, label, v in forms) for v, label in Form.choices],
    }


def training_hours(actor: Actor, year: int) -> list[dict[str, Any]]:
    """Hours attended per person in ``year`` (sessions started that year), in scope."""
    qs = scope(actor, Enrolment.objects.all(), TRAINING_VIEW).filter(
        session__starts_at__year=year, attended_hours__isnull=False
    )
    return list(
        qs.values("user__username", "user__display_name")
        .annotate(hours=Sum("attended_hours"), sessions=Count("pk"))
        .order_by("-hours", "user__username")
    )


def questions(actor: Actor, *, topic: str = "") -> QuerySet[Question]:
    qs = scope(actor, Question.objects.select_related("org_unit"), EXAMS_MANAGE)
    return qs.filter(topic=topic) if topic else qs


def my_attempts(actor: Actor) -> QuerySet[Attempt]:
    if actor.user_id is None:
        return Attempt.objects.none()
    return Attempt.objects.select_related("exam").filter(user_id=actor.user_id)


def attempts(actor: Actor) -> QuerySet[Attempt]:
    """One's own attempts and, for a marker, those in the scope of ``exams.manage``."""
    qs = Attempt.objects.select_related("exam")
    mine = qs.filter(user_id=actor.user_id) if actor.user_id is not None else qs.none()
    if actor.can(EXAMS_MANAGE):
        return (scope(actor, qs, EXAMS_MANAGE) | mine).distinct().order_by("-started_at")
    return mine.order_by("-started_at")


def attempts_to_mark(actor: Actor) -> QuerySet[Attempt]:
    qs = scope(actor, Attempt.objects.select_related("exam", "user"), EXAMS_MANAGE)
    return qs.filter(submitted_at__isnull=False, marked_at__isnull=True).order_by("submitted_at")


def paper(attempt: Attempt) -> list[Question]:
    """The attempt's items in the paper's order."""
    found = {str(q.pk): q for q in Question.objects.filter(pk__in=attempt.questions)}
    return [found[q] for q in attempt.questions if q in found]


def certificates(actor: Actor, *, qualification: str = "") -> QuerySet[Certificate]:
    """The actor's own certificates and those in the scope of certificates.view."""
    qs = Certificate.objects.select_related("user", "org_unit")
    seen = Q(pk__in=scope(actor, Certificate.objects.all(), CERTIFICATES_VIEW).values("pk"))
    if actor.user_id is not None:
        seen |= Q(user_id=actor.user_id)
    qs = qs.filter(seen)
    return qs.filter(qualification=qualification) if qualification else qs


def expiring(actor: Actor, today: date) -> QuerySet[Certificate]:
    """Certificates in scope that run out within the next 30 days (renewal due)."""
    return certificates(actor).filter(expires_on__gte=today,
                                      expires_on__lt=today + timedelta(days=EXPIRING_DAYS))  # fmt: skip


def gates() -> list[dict[str, Any]]:
    """Each gated case kind, its rule and the qualification it names now (None: off)."""
    return [{"case_type": label, "rule": key, "label": name,
             "qualification": required_qualification(label)}
            for label, (key, name, _clause) in GATED.items()]  # fmt: skip


def people_under(path: str, *, limit: int = 500) -> list[Any]:
    """Active users of the unit at ``path`` and below (the enrolment picker of a session read
    through its door)."""
    from hiqc.organisations.models import User

    return list(User.objects.filter(org_unit__path__startswith=path, is_active=True)
                .order_by("username")[:limit])  # fmt: skip


def item_statistics(actor: Actor, *, min_takers: int = 5) -> list[dict[str, Any]]:
    """Per bank item, over the marked attempts in scope (exams.manage): how many took it, its
    difficulty index ``p`` (the mean share of its points scored) and, from ``min_takers`` takers
    on, its discrimination ``d``: the mean of that share among the best 27 % of papers (by the
    paper's score ratio) minus the worst 27 %. An item nearly everyone or nearly no one gets
    right (p > 0.95 or p < 0.2), or that the weaker do as well on as the stronger (d < 0.2), is
    flagged for review."""
    marked = scope(actor, Attempt.objects.all(), EXAMS_MANAGE).filter(
        marked_at__isnull=False, max_score__gt=0
    )
    rows = list(marked.values_list("questions", "marks", "score", "max_score"))
    ids = {q for qs, *_rest in rows for q in qs}
    items = {str(q.pk): q for q in Question.objects.filter(pk__in=ids)}
    taken: dict[str, list[tuple[float, float]]] = {}
    for qs, marks, score, max_score in rows:
        ratio = (score or 0) / max_score
        for q in qs:
            if q in items:
                share = int(marks.get(q, 0)) / max(items[q].points, 1)
                taken.setdefault(q, []).append((ratio, share))
    out = []
    for q, pairs in taken.items():
        n = len(pairs)
        p = sum(s for _r, s in pairs) / n
        d = None
        if n >= min_takers:
            ordered = sorted(pairs)
            k = max(1, round(0.27 * n))
            d = sum(s for _r, s in ordered[-k:]) / k - sum(s for _r, s in ordered[:k]) / k
        flagged = p > 0.95 or p < 0.2 or (d is not None and d < 0.2)
        out.append({"question": items[q], "n": n, "p": round(p, 2),
                    "d": None if d is None else round(d, 2), "flagged": flagged})  # fmt: skip
    return sorted(out, key=lambda r: (not r["flagged"], r["question"].topic, -r["n"]))
