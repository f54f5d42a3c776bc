"""Survey results with honest uncertainty (standard 4.3.2; issue 6 §5, §7).

* Response rate = answered ÷ invited (expired and opted-out invitations count as invited; failed
  deliveries do not), with a Wilson 95 % interval.
* CSAT = share of submitted answers scoring 4 or 5 on the overall satisfaction question, Wilson
  95 % interval.
* NPS = % promoters (9–10) − % detractors (0–6) on −100…100; its interval is the normal
  approximation to the difference of two multinomial proportions (``hiqc.core.stats.nps_interval``:
  var = (p_P + p_D − (p_P − p_D)²) / n).
* Mean score per scale question with a Student-t 95 % interval; counts per option for choice
  questions; Cronbach's alpha per multi-item scale (complete cases only).
* Breakdowns by org unit (the units one level below the chosen one, so a drill-down walks the
  tree), channel, product, case type and handler; a cell with fewer than
  ``surveys.min_cell`` submitted answers shows its count but no figures (small cells identify
  people and say nothing reliable).
* Free text: masked for ID numbers, mobiles and e-mail addresses before display; word frequencies
  from jieba segmentation (stop words and one-character tokens left out); filterable by the
  sentiment of the overall score (≤ 2 negative, 3 neutral, ≥ 4 positive).

The respondent's identity never appears here: rows carry the case number, never the customer.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from hiqc.core.rules import rule_value
from hiqc.core.stats import cronbach_alpha, mean_interval, nps, nps_interval, wilson
from hiqc.customers.masking import mask_personal_text

from .enums import InvitationStatus, QuestionKind
from .models import Invitation, Question, SurveyPlan, SurveyResponse

DIMENSIONS = ("org_unit", "channel", "product", "case_type", "handler")
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "我",
        "你",
        "他",
        "她",
        "在",
        "和",
        "也",
        "就",
        "都",
        "很",
        "有",
        "没",
        "不",
        "这",
        "那",
        "还",
        "吧",
        "啊",
        "呢",
        "吗",
        "么",
        "着",
        "给",
        "对",
        "把",
        "被",
        "让",
        "与",
        "及",
        "但",
        "而",
        "就是",
        "一个",
        "没有",
        "我们",
        "你们",
        "他们",
        "这个",
        "那个",
        "什么",
        "因为",
        "所以",
        "如果",
        "可以",
        "已经",
        "非常",
        "比较",
        "希望",
        "感觉",
    ]
)


@dataclass
class Share:
    x: int
    n: int

    @property
    def value(self) -> float | None:
        return self.x / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.x, self.n) if self.n else None


@dataclass
class NPS:
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def value(self) -> float | None:
        return nps(self.promoters, self.passives, self.detractors) if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.n:
            return None
        return nps_interval(self.promoters, self.passives, self.detractors)

    def add(self, score: int) -> None:
        if score >= 9:
            self.promoters += 1
        elif score >= 7:
            self.passives += 1
        else:
            self.detractors += 1


@dataclass
class QuestionResult:
    question: Question
    n: int = 0
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)
    rows: list[QuestionResult] = field(default_factory=list)  # matrix rows
    label: str = ""


@dataclass
class Cell:
    key: str
    name: str
    invited: int = 0
    answered: int = 0
    csat: Share = field(default_factory=lambda: Share(0, 0))
    nps: NPS = field(default_factory=NPS)
    suppressed: bool = False

    @property
    def response(self) -> Share:
        return Share(self.answered, self.invited)


@dataclass
class TextAnswer:
    case_number: str
    question: str
    text: str  # masked
    score: int | None
    sentiment: str  # negative / neutral / positive / ""


@dataclass
class Results:
    plan: SurveyPlan
    invited: int
    answered: int
    partial: int
    csat: Share
    nps: NPS
    questions: list[QuestionResult]
    breakdowns: dict[str, list[Cell]]
    alphas: dict[str, tuple[float | None, int, int]]  # scale → (alpha, items, complete cases)
    texts: list[TextAnswer]
    words: list[tuple[str, int]]
    min_cell: int

    @property
    def response(self) -> Share:
        return Share(self.answered, self.invited)


def sentiment(score: int | None) -> str:
    if score is None:
        return ""
    return "negative" if score <= 2 else "positive" if score >= 4 else "neutral"


def _mean(values: list[float]) -> tuple[float | None, float | None, float | None]:
    if not values:
        return None, None, None
    result = mean_interval(values)
    return result.mean, result.low, result.high


def _question_results(questions: list[Question], answers: list[dict[str, Any]]
                      ) -> list[QuestionResult]:  # fmt: skip
    out = []
    for q in questions:
        r = QuestionResult(q)
        values: list[Any] = [a[q.code] for a in answers if a.get(q.code) not in (None, "", [])]
        r.n = len(values)
        if q.kind in (QuestionKind.SCALE, QuestionKind.NPS):
            r.mean, r.low, r.high = _mean([float(v) for v in values])
            scale = range(1, 6) if q.kind == QuestionKind.SCALE else range(0, 11)
            scores = Counter(int(v) for v in values)
            r.counts = [(str(s), str(s), scores.get(s, 0)) for s in scale]
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            tally = Counter(
                v for value in values for v in (value if isinstance(value, list) else [value])
            )
            r.counts = [(str(o["value"]), str(o["label"]), tally.get(str(o["value"]), 0))
                        for o in q.options]  # fmt: skip
        elif q.kind == QuestionKind.MATRIX:
            for row in q.rows:
                row_scores = [
                    float(v[row["code"]])
                    for v in values
                    if isinstance(v, dict) and row["code"] in v
                ]
                sub = QuestionResult(q, n=len(row_scores), label=str(row["label"]))
                sub.mean, sub.low, sub.high = _mean(row_scores)
                r.rows.append(sub)
        out.append(r)
    return out


def _alphas(questions: list[Question], answers: list[dict[str, Any]]
            ) -> dict[str, tuple[float | None, int, int]]:  # fmt: skip
    """Cronbach's alpha per scale: the questions sharing a ``scale`` name (matrix rows count as
    items of their question's scale)."""
    items: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for q in questions:
        if not q.scale:
            continue
        if q.kind == QuestionKind.SCALE:
            items[q.scale].append((q.code, None))
        elif q.kind == QuestionKind.MATRIX:
            items[q.scale].extend((q.code, str(r["code"])) for r in q.rows)
    out: dict[str, tuple[float | None, int, int]] = {}
    for scale, refs in items.items():
        rows = []
        for a in answers:
            row = []
            for code, sub in refs:
                v: Any = a.get(code)
                v = v.get(sub) if sub is not None and isinstance(v, dict) else v
                if v is None or v == "":
                    break
                row.append(float(v))
            else:
                rows.append(row)
        alpha = None
        if len(refs) >= 2 and len(rows) >= 3:
            try:
                alpha = cronbach_alpha(rows)
            except (ValueError, ZeroDivisionError):
                alpha = None
        out[scale] = (alpha, len(refs), len(rows))
    return out


def word_frequencies(texts: Iterable[str], top: int = 40) -> list[tuple[str, int]]:
    import jieba

    jieba.setLogLevel(60)  # quiet: no dictionary-loading chatter in logs
    counts: Counter[str] = Counter()
    for text in texts:
        for word in jieba.lcut(text):
            word = word.strip()
            if len(word) < 2 or word in STOP_WORDS or not any(ch.isalpha() for ch in word):
                continue
            if "*" in word:  # a masked value
                continue
            counts[word] += 1
    return counts.most_common(top)


def _branch_path(path: str, root: str) -> str:
    """The unit one level below ``root`` on ``path`` (``root`` itself for its own cases)."""
    if not path.startswith(root) or path == root:
        return root
    return root + path[len(root) :].split("/", 1)[0] + "/"


def _key_name(inv: Invitation, dim: str, names: dict[str, dict[Any, str]]) -> tuple[str, str]:
    if dim == "org_unit":
        key = _branch_path(inv.org_path, names["root"][""])
        name = names["org_unit"].get(key, "")
        return key, name + (_("（本级）") if key == names["root"][""] else "")
    if dim == "channel":
        return inv.channel, names["channel"].get(inv.channel, inv.channel or _("未知"))
    if dim == "product":
        return inv.product_code, names["product"].get(
            inv.product_code, inv.product_code or _("未知")
        )
    if dim == "case_type":
        return inv.case_type, names["case_type"].get(inv.case_type, inv.case_type)
    key = str(inv.handler_id or "")
    return key, names["handler"].get(inv.handler_id, "") if inv.handler_id else _("未分派")


def _names(invitations: list[Invitation], root: str) -> dict[str, dict[Any, str]]:
    from hiqc.claims.enums import ClaimChannel
    from hiqc.customers.enums import Channel
    from hiqc.organisations.models import User
    from hiqc.organisations.selectors import units_by_path
    from hiqc.policies.models import Product

    branches = {_branch_path(i.org_path, root) for i in invitations}
    handlers = {i.handler_id for i in invitations if i.handler_id}
    products = {i.product_code for i in invitations if i.product_code}
    return {
        "root": {"": root},
        "org_unit": {path: u.localized_name for path, u in units_by_path(branches).items()},
        "handler": dict(User.objects.filter(pk__in=handlers).values_list("pk", "display_name")),
        "product": dict(Product.objects.filter(code__in=products).values_list("code", "name")),
        # a claim's channel (online, app, agent, core system) or a customer's (phone, counter…)
        "channel": {str(k): str(v) for k, v in (*ClaimChannel.choices, *Channel.choices)},
        "case_type": {"claims.claim": _("理赔"), "complaints.complaint": _("投诉"),
                      "consultations.consultation": _("咨询"), "policies.policy": _("保单客户")},
    }  # fmt: skip


def plan_results(plan: SurveyPlan, *, start: datetime | None = None, end: datetime | None = None,
                 org_path: str = "") -> Results:  # fmt: skip
    """Everything the analysis page shows for ``plan``, invitations sent in [start, end) under
    ``org_path``."""
    min_cell = int(rule_value("surveys.min_cell"))
    invitations_qs = plan.invitations.exclude(status=InvitationStatus.FAILED).filter(
        org_path__startswith=org_path
    )
    if start is not None:
        invitations_qs = invitations_qs.filter(sent_at__gte=start)
    if end is not None:
        invitations_qs = invitations_qs.filter(sent_at__lt=end)
    invitations = list(invitations_qs)
    by_invitation = {
        r.invitation_id: r for r in SurveyResponse.objects.filter(invitation__in=invitations_qs)
    }
    done = [r for r in by_invitation.values() if r.submitted_at is not None]
    answers = []
    for r in done:
        merged = dict(r.answers)
        if r.text_answers:
            merged.update(json.loads(r.text_answers))
        answers.append(merged)
    questionnaire_ids = {r.questionnaire_id for r in done} or (
        {plan.questionnaire_id} if plan.questionnaire_id else set()
    )
    questions = list(
        Question.objects.filter(questionnaire_id__in=questionnaire_ids).order_by(
            "questionnaire__number", "position"
        )
    )
    seen: set[str] = set()
    unique_questions = []
    for q in reversed(questions):  # the newest version's wording for a code answered in several
        if q.code not in seen:
            seen.add(q.code)
            unique_questions.append(q)
    unique_questions.reverse()

    csat, promoters = Share(0, 0), NPS()
    for r in done:
        if r.satisfaction is not None:
            csat = Share(csat.x + (r.satisfaction >= 4), csat.n + 1)
        if r.recommend is not None:
            promoters.add(r.recommend)

    names = _names(invitations, org_path or plan.org_unit.path)
    breakdowns: dict[str, list[Cell]] = {}
    for dim in DIMENSIONS:
        cells: dict[str, Cell] = {}
        for inv in invitations:
            key, name = _key_name(inv, dim, names)
            cell = cells.setdefault(key, Cell(key, name))
            cell.invited += 1
            response = by_invitation.get(inv.pk)
            if response is None or response.submitted_at is None:
                continue
            cell.answered += 1
            if response.satisfaction is not None:
                cell.csat = Share(cell.csat.x + (response.satisfaction >= 4), cell.csat.n + 1)
            if response.recommend is not None:
                cell.nps.add(response.recommend)
        for cell in cells.values():
            cell.suppressed = cell.answered < min_cell
        breakdowns[dim] = sorted(
            cells.values(),
            key=lambda c: (c.suppressed, c.csat.value if c.csat.value is not None else 2, c.name),
        )

    texts: list[TextAnswer] = []
    text_codes = {q.code: q.text for q in unique_questions if q.kind == QuestionKind.TEXT}
    case_numbers = {inv.pk: inv.case_number for inv in invitations}
    for r in done:
        for code, value in (json.loads(r.text_answers) if r.text_answers else {}).items():
            if code in text_codes and str(value).strip():
                texts.append(TextAnswer(case_numbers.get(r.invitation_id, ""), text_codes[code],
                                        mask_personal_text(str(value)), r.satisfaction,
                                        sentiment(r.satisfaction)))  # fmt: skip
    return Results(
        plan=plan,
        invited=len(invitations),
        answered=len(done),
        partial=len(by_invitation) - len(done),
        csat=csat,
        nps=promoters,
        questions=_question_results(unique_questions, answers),
        breakdowns=breakdowns,
        alphas=_alphas(unique_questions, answers),
        texts=texts,
        words=word_frequencies(t.text for t in texts),
        min_cell=min_cell,
    )
