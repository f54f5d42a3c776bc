"""Conformance reports (issue 22 §5): from a self-assessment round, the conformance report — every
clause by chapter with its automatic status, judgement and final status, as PDF (Chinese, a chart
per chapter, a table per chapter) and Excel; the management-review pack for the board —
conformance by chapter against the unit's previous signed-off round, the open nonconformities and
improvement plans, the key indicators (``hiqc.quality.report``); and, live for a unit and
period, the clause coverage matrix for auditors (clause × capability × evidence rule × status).

A chapter's conformance rate is the share of its leaf clauses judged conforming among those judged
conforming, partly or not conforming (not applicable and not yet assessable left out); "partly"
counts against it. PDFs are printed by Chromium (``hiqc.core.pdf``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.audit_labels import person_label
from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import KINDS, EvidenceStatus
from hiqc.organisations.models import OrgUnit

from . import coverage
from .enums import RoundStatus
from .models import AssessmentRound, Clause, RoundClause
from .periods import Period
from .selectors import ClauseStatus, final_statuses, judgement_summary, round_clauses
from .standard import children

JUDGED = (EvidenceStatus.CONFORMING, EvidenceStatus.PARTLY, EvidenceStatus.NOT_CONFORMING)
ORDER = [s.value for s in EvidenceStatus]


def rate(counts: dict[str, int]) -> float | None:
    """Conforming ÷ (conforming + partly + not conforming), as a percentage; None if none judged."""
    judged = sum(counts.get(s, 0) for s in JUDGED)
    return (
        None if judged == 0 else round(100 * counts.get(EvidenceStatus.CONFORMING, 0) / judged, 1)
    )


@dataclass
class ChapterLine:
    chapter: int
    code: str
    heading: str
    final: str
    counts: dict[str, int]  # leaf clauses per judged status
    rate: float | None
    previous: float | None = None  # the previous round's rate

    @property
    def change(self) -> float | None:
        if self.rate is None or self.previous is None:
            return None
        return round(self.rate - self.previous, 1)


@dataclass
class RoundReport:
    case: AssessmentRound
    rows: list[RoundClause]
    final: dict[str, str]
    chapters: list[ChapterLine]
    summary: dict[str, int]
    previous: AssessmentRound | None
    previous_rate: float | None = None  # the previous round's leaf conformance rate
    generated: datetime = field(default_factory=timezone.now)

    @property
    def rate(self) -> float | None:
        return rate(self.summary)

    @property
    def overrides(self) -> list[RoundClause]:
        return [r for r in self.rows if r.overridden]

    @property
    def nonconformities(self) -> list[RoundClause]:
        return [r for r in self.rows if r.nonconformity_id]

    def chapter_rows(self, chapter: int) -> list[RoundClause]:
        return [r for r in self.rows if r.clause.chapter == chapter]


def _leaf(code: str) -> bool:
    return not children().get(code)


def _chapters(rows: list[RoundClause], final: dict[str, str]) -> list[ChapterLine]:
    out = []
    for top in (r for r in rows if r.clause.level == 1):
        leaves = [r.judgement for r in rows if r.clause.chapter == top.clause.chapter
                  and _leaf(r.clause.code)]  # fmt: skip
        counts = {s: leaves.count(s) for s in ORDER}
        out.append(ChapterLine(top.clause.chapter, top.clause.code, top.clause.heading,
                               final[top.clause.code], counts, rate(counts)))  # fmt: skip
    return out


def previous_round(case: AssessmentRound) -> AssessmentRound | None:
    """The unit's latest signed-off round of an earlier period."""
    return (AssessmentRound.objects.filter(org_unit_id=case.org_unit_id, period__lt=case.period,
                                           status=RoundStatus.SIGNED_OFF)
            .order_by("-period").first())  # fmt: skip


def build(case: AssessmentRound) -> RoundReport:
    rows = round_clauses(case)
    final = final_statuses(rows)
    chapters = _chapters(rows, final)
    previous, previous_rate = previous_round(case), None
    if previous is not None:  # its clauses read once: the chapters' rates and the overall one
        before_rows = round_clauses(previous)
        before = {c.chapter: c.rate for c in _chapters(before_rows, final_statuses(before_rows))}
        for line in chapters:
            line.previous = before.get(line.chapter)
        previous_rate = rate(judgement_summary(before_rows))
    return RoundReport(case, rows, final, chapters, judgement_summary(rows), previous,
                       previous_rate)  # fmt: skip


def _status_label(value: str) -> str:
    return str(EvidenceStatus(value).label)


def _chart(report: RoundReport) -> dict[str, Any]:
    """The data of the printed charts: leaf counts per status and chapter; rate now vs before."""
    return {
        "chapters": [_("第{n}章").format(n=c.chapter) for c in report.chapters],
        "statuses": [{"key": s, "name": _status_label(s),
                      "values": [c.counts[s] for c in report.chapters]} for s in ORDER],
        "rates": [c.rate for c in report.chapters],
        "previous": [c.previous for c in report.chapters] if report.previous else None,
        "labels": {"now": report.case.period,
                   "before": report.previous.period if report.previous else ""},
    }  # fmt: skip


def _assets() -> dict[str, str]:
    from hiqc.core.pdf import asset_uri

    return {"css": asset_uri("hiqc/print.css"), "js": asset_uri("conformance/report.js"),
            "echarts": asset_uri("vendor/echarts.min.js")}  # fmt: skip


def _st(value: str) -> dict[str, str]:
    return {"key": value, "label": _status_label(value)}


def _row(report: RoundReport, r: RoundClause) -> dict[str, Any]:
    return {"r": r, "auto": _st(r.auto_status), "judged": _st(r.judgement),
            "final": _st(report.final[r.clause.code])}  # fmt: skip


def _printed(report: RoundReport) -> dict[str, Any]:
    """What both printed documents show: the summary, the chapters with their counts in the
    statuses' order, the chart data and the assets."""
    return {
        "r": report, "c": report.case, "chart": _chart(report), "assets": _assets(),
        "statuses": [_st(s) for s in ORDER],
        "summary": [{**_st(s), "n": report.summary[s]} for s in ORDER],
        "chapters": [{"line": line, "final": _st(line.final),
                      "counts": [line.counts[s] for s in ORDER],
                      "rows": [_row(report, r) for r in report.chapter_rows(line.chapter)]}
                     for line in report.chapters],
        "overrides": [_row(report, r) for r in report.overrides],
    }  # fmt: skip


def round_pdf(report: RoundReport) -> bytes:
    """The conformance report of a round, printed."""
    from hiqc.core.pdf import html_to_pdf

    return html_to_pdf(render_to_string("conformance/report_pdf.html", _printed(report)))


def _month(case: AssessmentRound) -> datetime:
    last = case.period_end - timedelta(days=1)
    return datetime(last.year, last.month, 1, tzinfo=BEIJING)


def review_pdf(report: RoundReport) -> bytes:
    """The management-review pack: conformance by chapter and its trend since the previous round,
    the open nonconformities and improvement plans, and the key indicators of the period's last
    month (the monthly quality report's figures, ``hiqc.quality.report.build``)."""
    from hiqc.core.pdf import html_to_pdf
    from hiqc.quality.enums import NCStatus
    from hiqc.quality.models import Nonconformity
    from hiqc.quality.report import build as quality_build

    unit = report.case.org_unit
    quality = quality_build(unit, [], _month(report.case))
    open_ncs = list(
        Nonconformity.objects.filter(org_unit__path__startswith=unit.path)
        .exclude(status__in=[NCStatus.CLOSED, NCStatus.CANCELLED])
        .select_related("org_unit").order_by("opened_at")[:40]
    )  # fmt: skip
    html = render_to_string("conformance/review_pdf.html", {
        **_printed(report), "q": quality, "open_ncs": open_ncs,
        "declined": [c for c in report.chapters if c.change is not None and c.change < 0],
    })  # fmt: skip
    return html_to_pdf(html)


def _sheet_header(ws: Any, titles: list[str]) -> None:
    from openpyxl.styles import Font

    ws.append(titles)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def round_xlsx(report: RoundReport) -> bytes:
    """The round as a workbook: chapters, every clause, the nonconformities it opened."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("各章概况")
    _sheet_header(ws, [_("章"), _("标题"), _("最终状态"),
                       *(_status_label(s) for s in ORDER), _("符合率（%）"), _("上轮符合率（%）")])  # fmt: skip
    for c in report.chapters:
        ws.append([c.chapter, c.heading, _status_label(c.final), *(c.counts[s] for s in ORDER),
                   c.rate, c.previous])  # fmt: skip
    clauses = wb.create_sheet(_("条款评定"))
    _sheet_header(clauses, [_("条款"), _("层级"), _("标题"), _("自动状态"), _("证据记录数"),
                            _("不合格记录数"), _("评定"), _("最终状态"), _("调整理由"), _("备注"),
                            _("评定人"), _("不符合项")])  # fmt: skip
    for r in report.rows:
        clauses.append([
            r.clause.code, r.clause.level, r.clause.title, _status_label(r.auto_status), r.records,
            r.failing, _status_label(r.judgement), _status_label(report.final[r.clause.code]),
            r.reason, r.note, person_label(r.judged_by) if r.judged_by else "",
            r.nonconformity.number if r.nonconformity else "",
        ])  # fmt: skip
    ncs = wb.create_sheet(_("不符合项"))
    _sheet_header(ncs, [_("条款"), _("编号"), _("标题"), _("状态")])
    for r in report.nonconformities:
        nc = r.nonconformity
        if nc is not None:
            ncs.append([r.clause.code, nc.number, nc.title, nc.get_status_display()])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the clause coverage matrix (auditors) ---------------------------------------------------------


@dataclass
class MatrixRow:
    clause: Clause
    status: ClauseStatus
    rule: Any = None  # EvidenceRule or None
    evidence: Any = None  # its Evidence
    covered_by: str = ""  # the clause whose rules apply, when inherited from above
    first: bool = True  # the clause's first row (the page shows its cells once)

    @property
    def basis(self) -> str:
        """Why a clause without a rule row is as it is: not applicable (reason) or no own rule."""
        return self.status.reason


def matrix(clauses: list[Clause], statuses: dict[str, ClauseStatus]) -> list[MatrixRow]:
    """One row per clause and evidence rule that applies to it (its own or the nearest clause
    above's); a clause with none (not applicable, or a heading judged by its sub-clauses) has one
    row without a rule."""
    out: list[MatrixRow] = []
    for clause in clauses:
        found = statuses[clause.code]
        inherited = found.rules_from if found.rules_from != clause.code else ""
        if found.own and (_leaf(clause.code) or not inherited):
            for i, (rule, evidence) in enumerate(found.own):
                out.append(MatrixRow(clause, found, rule, evidence, inherited, i == 0))
        else:
            out.append(MatrixRow(clause, found))
    return out


def matrix_xlsx(unit: OrgUnit, period: Period, rows: list[MatrixRow]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("条款覆盖矩阵")
    ws.append([_("机构"), unit.name, _("期间"), period.label, _("生成于"),
               timezone.now().astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")])  # fmt: skip
    ws.append([])
    ws.append([_("条款"), _("标题"), _("平台能力"), _("条款状态"), _("证据规则"), _("规则名称"),
               _("证据类型"), _("规则状态"), _("证据记录数"), _("不合格记录数"), _("说明"),
               _("规则所在条款")])  # fmt: skip
    for r in rows:
        note = r.evidence.note if r.evidence is not None else r.basis
        ws.append([
            r.clause.code, r.clause.title, r.clause.capability, r.status.label,
            r.rule.code if r.rule else "", _(r.rule.name) if r.rule else "",
            _(KINDS[r.rule.kind]) if r.rule else "",
            _status_label(r.evidence.status) if r.evidence is not None else "",
            r.evidence.records if r.evidence is not None else None,
            r.evidence.failing if r.evidence is not None else None, note, r.covered_by,
        ])  # fmt: skip
    ws.freeze_panes = "A4"
    na = wb.create_sheet(_("不适用条款"))
    na.append([_("条款"), _("理由")])
    for code, reason in coverage.NOT_APPLICABLE.items():
        na.append([code, _(reason)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
