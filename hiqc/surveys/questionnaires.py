"""Questionnaires: versions, conditional display and answer validation (issue 6 §2).

A published version is frozen: ``questionnaire_new_version`` copies it into a draft n+1, which is
edited and published in its turn (the older published version is retired, its answers keep
pointing at it). Conditional display is evaluated in question order, so a question can depend only
on an earlier one; an answer to a question that is not shown is dropped, and "required" applies only
to shown questions, and only when the respondent submits (a partial save keeps what is there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_opened
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.models import CaseEvent, CaseModel

from .enums import QuestionKind, QuestionnaireStatus
from .models import Question, Questionnaire
from .staff_selectors import access_questionnaire, head_office_path
from .versions import latest_for_update, retire_held, version_publish
from .workflow import QUESTIONNAIRE_WORK_BY_STATE, QUESTIONNAIRE_WORKFLOW

MANAGE = "surveys.manage"
TEXT_MAX = 1000
SCALE = range(1, 6)
NPS = range(0, 11)


@dataclass(frozen=True)
class Q:
    """A question as the answer logic needs it (from a model row or a fixture)."""

    code: str
    kind: str
    text: str
    required: bool = False
    options: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    show_if: tuple[str, tuple[Any, ...]] | None = None

    @classmethod
    def of(cls, q: Question) -> Q:
        cond = None
        if q.show_if and q.show_if.get("question"):
            cond = (str(q.show_if["question"]), tuple(q.show_if.get("values") or ()))
        return cls(
            code=q.code,
            kind=q.kind,
            text=q.text,
            required=q.required,
            options=tuple(str(o["value"]) for o in q.options or ()),
            rows=tuple(str(r["code"]) for r in q.rows or ()),
            show_if=cond,
        )


def _matches(answer: Any, values: tuple[Any, ...]) -> bool:
    if answer is None:
        return False
    if isinstance(answer, list):
        return any(str(a) in {str(v) for v in values} for a in answer)
    return str(answer) in {str(v) for v in values}


def visible_codes(questions: Iterable[Q], answers: Mapping[str, Any]) -> set[str]:
    """The questions shown given ``answers``: a question whose condition refers to a hidden or
    unanswered question is hidden too."""
    shown: set[str] = set()
    for q in questions:
        if q.show_if is None:
            shown.add(q.code)
            continue
        source, values = q.show_if
        if source in shown and _matches(answers.get(source), values):
            shown.add(q.code)
    return shown


def _int_in(value: Any, allowed: range) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number in allowed else None


def clean_answers(
    questions: list[Q], answers: Mapping[str, Any], *, final: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(the answers to keep, errors by question code). Empty answers are left out."""
    shown = visible_codes(questions, answers)
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for q in questions:
        raw = answers.get(q.code)
        empty = raw in (None, "", [], {})
        if q.code not in shown:
            continue
        if empty:
            if final and q.required:
                errors[q.code] = [_("此题必答。")]
            continue
        value: Any = None
        if q.kind == QuestionKind.SINGLE:
            value = str(raw) if str(raw) in q.options else None
            problem = _("请选择一个选项。")
        elif q.kind == QuestionKind.MULTIPLE:
            picked = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
            value = [o for o in q.options if o in picked] if set(picked) <= set(q.options) else None
            problem = _("请选择列出的选项。")
        elif q.kind == QuestionKind.SCALE:
            value = _int_in(raw, SCALE)
            problem = _("请选择 1 到 5 分。")
        elif q.kind == QuestionKind.NPS:
            value = _int_in(raw, NPS)
            problem = _("请选择 0 到 10 分。")
        elif q.kind == QuestionKind.TEXT:
            text = str(raw).strip()
            value = text if len(text) <= TEXT_MAX else None
            problem = _("不能超过 {n} 个字。").format(n=TEXT_MAX)
            if not text:
                continue
        elif q.kind == QuestionKind.MATRIX:
            rows = raw if isinstance(raw, Mapping) else {}
            scored = {
                r: _int_in(rows.get(r), SCALE) for r in q.rows if rows.get(r) not in (None, "")
            }
            bad = [r for r, v in scored.items() if v is None] or [
                r for r in rows if r not in q.rows
            ]
            value = None if bad or not isinstance(raw, Mapping) else scored
            problem = _("每一行请选择 1 到 5 分。")
            if value is not None and final and q.required and len(value) < len(q.rows):
                errors[q.code] = [_("请为每一行打分。")]
                continue
        else:  # pragma: no cover - the choices are closed
            problem = _("题型无效。")
        if value is None or value == []:
            errors[q.code] = [problem]
            continue
        clean[q.code] = value
    return clean, errors


def questions_of(questionnaire: Questionnaire) -> list[Q]:
    return [Q.of(q) for q in questionnaire.questions.order_by("position", "code")]


# --- versions -------------------------------------------------------------------------------------


def _check_definition(questions: list[Question]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    overall = [q for q in questions if q.overall]
    for n, q in enumerate(questions, start=1):
        key = f"questions[{n}]"
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(q.options or []) < 2:
            errors.setdefault(key, []).append(_("选择题至少需要两个选项。"))
        if q.kind == QuestionKind.MATRIX and not q.rows:
            errors.setdefault(key, []).append(_("矩阵题至少需要一行。"))
        source = (q.show_if or {}).get("question")
        if source and source not in seen:
            errors.setdefault(key, []).append(
                _("显示条件只能引用前面的题目（{code}）。").format(code=source)
            )
        if q.overall and q.kind != QuestionKind.SCALE:
            errors.setdefault(key, []).append(_("总体满意度题须为 1–5 分满意度题。"))
        seen.add(q.code)
    if len(overall) > 1:
        errors.setdefault("questions", []).append(_("只能有一道总体满意度题。"))
    if not questions:
        errors.setdefault("questions", []).append(_("问卷没有题目。"))
    return errors


def publish_problems(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """What keeps a draft from being published (empty when it may be)."""
    return _check_definition(list(questionnaire.questions.order_by("position", "code")))


def _url(case_id: str) -> str:
    from django.urls import reverse

    return reverse("surveys:questionnaire", args=[case_id])


def _blocked(case: CaseModel, action: str, actor: Actor, at: datetime) -> str | None:
    assert isinstance(case, Questionnaire)
    if action == "publish":
        problems = publish_problems(case)
        if problems:
            return _("问卷定义有误：{problems}").format(
                problems="；".join(m for msgs in problems.values() for m in msgs)
            )
    if action == "retire":
        return retire_held(Questionnaire, case, QuestionnaireStatus.PUBLISHED)
    return None


QUESTIONNAIRE_KIND = CaseKind(
    label="surveys.questionnaire",
    workflow=QUESTIONNAIRE_WORKFLOW,
    access=access_questionnaire,
    name=gettext_lazy("问卷版本"),
    view_perm="surveys.view",
    work_by_state=QUESTIONNAIRE_WORK_BY_STATE,  # a draft's author alone; published: nobody's
    url_for=_url,
    blocked=_blocked,
)


def questionnaire_create(
    actor: Actor, *, code: str, title: str, intro: str = "", at: datetime | None = None
) -> Questionnaire:
    """A new questionnaire code as draft version 1, owned by the head office, its author the
    assignee until it is published."""
    require(actor, MANAGE, path=head_office_path())
    with transaction.atomic():
        q = Questionnaire.objects.create(code=code, title=title, intro=intro,
                                         org_path=head_office_path(), assignee_id=actor.user_id)  # fmt: skip
        case_opened(kind=QUESTIONNAIRE_KIND, case=q, actor=actor, at=at,
                    data={"code": code, "number": 1})  # fmt: skip
    return q


def questionnaire_publish(
    actor: Actor,
    questionnaire: Questionnaire,
    *,
    version: int | None = None,
    at: datetime | None = None,
    source: str = CaseEvent.Source.PAGE,
) -> Questionnaire:
    """Freeze a draft; the code's previously published version is retired (both through the
    engine, in one transaction)."""
    require(actor, MANAGE)
    with transaction.atomic():
        current = access_questionnaire(actor, questionnaire.pk, for_update=True)
        if current.status == QuestionnaireStatus.DRAFT:
            errors = publish_problems(current)
            if errors:
                raise ValidationFailed(_("问卷定义有误，请按提示修改。"), fields=errors)
        q = version_publish(kind=QUESTIONNAIRE_KIND, actor=actor, draft=current,
                            published=QuestionnaireStatus.PUBLISHED, version=version,
                            at=at or timezone.now(), source=source)  # fmt: skip
        assert isinstance(q, Questionnaire)
    return q


def questionnaire_new_version(actor: Actor, code: str) -> Questionnaire:
    """A draft n+1 copied from the latest version of ``code`` (head-office managers)."""
    require(actor, MANAGE, path=head_office_path())
    with transaction.atomic():
        latest = latest_for_update(Questionnaire, code)
        if latest is None:
            raise ValidationFailed(_("没有该编码的问卷。"), fields={"code": [_("编码不存在。")]})
        if latest.status == QuestionnaireStatus.DRAFT:
            return latest
        draft = Questionnaire.objects.create(code=code, number=latest.number + 1,
                                             title=latest.title, intro=latest.intro,
                                             org_path=latest.org_path or head_office_path(),
                                             assignee_id=actor.user_id)  # fmt: skip
        Question.objects.bulk_create(
            Question(questionnaire=draft, position=q.position, code=q.code, kind=q.kind,
                     text=q.text, help=q.help, options=q.options, rows=q.rows,
                     required=q.required, show_if=q.show_if, scale=q.scale, overall=q.overall)
            for q in latest.questions.all()
        )  # fmt: skip
        case_opened(kind=QUESTIONNAIRE_KIND, case=draft, actor=actor,
                    data={"code": code, "number": draft.number})  # fmt: skip
        audit_record(actor=actor, action="surveys.questionnaire.new_version", subject=draft,
                     data={"code": code, "version": draft.number})  # fmt: skip
    return draft


def question_add(actor: Actor, questionnaire: Questionnaire, **fields: Any) -> Question:
    """Add a question to a draft (a published version refuses with 409; head-office managers)."""
    require(actor, MANAGE, questionnaire)
    if questionnaire.frozen:
        raise Conflict(_("已发布的问卷不可修改，请新建版本。"), code="questionnaire_frozen")
    errors: dict[str, list[str]] = {}
    if fields.get("kind") not in QuestionKind.values:
        errors["kind"] = [_("请选择题型。")]
    if not str(fields.get("text") or "").strip():
        errors["text"] = [_("请填写题目。")]
    code = str(fields.get("code") or "").strip()
    if not code:
        errors["code"] = [_("请填写编码。")]
    elif questionnaire.questions.filter(code=code).exists():
        errors["code"] = [_("编码已存在。")]
    if errors:
        raise ValidationFailed(_("题目信息有误。"), fields=errors)
    position = fields.pop("position", None)
    if position is None:
        position = questionnaire.questions.count() + 1
    return Question.objects.create(questionnaire=questionnaire, position=position, **fields)
