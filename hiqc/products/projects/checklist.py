"""The compliance review checklist (standard 3.1.1(3), 3.1.2 (4), 3.2.2(3); issue 17 §3).

The items are declared here, each with its rule id and citation. ``auto`` items are computed from
the project's draft version (the design): a failing one blocks the 合规审查 gate and says which
rule and which figures. ``manual`` items are answered by the reviewer (pass / fail, a note, and
optionally an evidence file of the compliance gate).

* PR-1 (regulations.md; 《健康保险管理办法》2019): health-management services bundled in a product
  cost at most 20% of the net premium. Exactly 20% passes; no reference net premium fails.
* PR-2: long-term care insurance (line ``long_term_care``) has a term of at least 5 years; other
  lines: not applicable.
* TERMS (3.1.2 (2)): the design is complete — the catalogue's ``version_problems`` is empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

PR1_LIMIT = Decimal("0.20")
PR2_MIN_YEARS = 5
PASS, FAIL, NA = "pass", "fail", "na"
RESULT_LABELS = {
    PASS: gettext_noop("通过"),
    FAIL: gettext_noop("不通过"),
    NA: gettext_noop("不适用"),
}


@dataclass(frozen=True)
class Outcome:
    result: str  # pass | fail | na
    detail: str  # the figures, in words


@dataclass(frozen=True)
class Item:
    code: str
    title: str  # gettext_noop: translated when shown
    citation: str
    source: str  # where the rule comes from
    check: Callable[[Any], Outcome] | None = None  # auto items: the draft version → outcome

    @property
    def auto(self) -> bool:
        return self.check is not None


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def check_pr1(version: Any) -> Outcome:
    """PR-1: health-management service cost ≤ 20% of the reference net premium."""
    cost = Decimal(version.health_service_cost_yuan or 0)
    net = version.net_premium_yuan
    if net is None or Decimal(net) <= 0:
        return Outcome(
            FAIL,
            _(
                "未填写参考年度净保费，无法核对健康管理服务成本占比（健康管理服务成本 {cost} 元）。"
            ).format(cost=_yuan(cost)),
        )
    share = cost / Decimal(net)
    percent = (share * 100).quantize(Decimal("0.01"))
    figures = _("健康管理服务成本 {cost} 元，净保费 {net} 元，占比 {percent}%（上限 20%）").format(
        cost=_yuan(cost), net=_yuan(Decimal(net)), percent=percent
    )
    return Outcome(PASS if cost <= Decimal(net) * PR1_LIMIT else FAIL, figures)


def check_pr2(version: Any) -> Outcome:
    """PR-2: a long-term care product's term is at least 5 years."""
    line = getattr(version.product, "line", "")
    if line != "long_term_care":
        return Outcome(NA, _("非长期护理保险，不适用。"))
    years = int(version.term_years or 0)
    detail = _("保险期间 {years} 年（长期护理保险不少于 {min} 年）").format(
        years=years, min=PR2_MIN_YEARS
    )
    return Outcome(PASS if years >= PR2_MIN_YEARS else FAIL, detail)


def check_terms(version: Any) -> Outcome:
    """3.1.2 (2): the design names every term the catalogue needs to publish the version."""
    from hiqc.policies.catalogue import version_problems

    problems = version_problems(version)
    if not problems:
        return Outcome(PASS, _("产品条款完整。"))
    return Outcome(
        FAIL, "；".join(f"{field}：{'、'.join(map(str, msgs))}" for field, msgs in problems.items())
    )


ITEMS: tuple[Item, ...] = (
    Item(
        "PR-1",
        gettext_noop("健康管理服务成本不超过净保费的 20%"),
        "PR-1",
        gettext_noop("《健康保险管理办法》（2019）"),
        check_pr1,
    ),
    Item(
        "PR-2",
        gettext_noop("长期护理保险的保险期间不少于 5 年"),
        "PR-2",
        gettext_noop("《健康保险管理办法》（2019）"),
        check_pr2,
    ),
    Item(
        "TERMS",
        gettext_noop("产品方案要素齐全（保险责任、保险金额、保险期间、保险费用等）"),
        "3.1.2 (2)",
        gettext_noop("标准 3.1.2 (2) 产品设计"),
        check_terms,
    ),
    Item(
        "LAW",
        gettext_noop("条款、费率符合法律法规、行业规范及公司内部管理规定"),
        "3.1.1 (3)",
        gettext_noop("标准 3.1.1 (3) 合规性"),
    ),
    Item(
        "DISCLOSURE",
        gettext_noop("宣传材料与条款一致，责任免除与等待期以显著方式提示"),
        "3.2.2 (3)",
        gettext_noop("标准 3.2.2 (3) 合规性评估"),
    ),
    Item(
        "PI-1",
        gettext_noop("投保环节收集健康信息取得单独同意"),
        "PI-1",
        gettext_noop("《个人信息保护法》第 28–29 条"),
    ),
    Item(
        "PR-3",
        gettext_noop("销售、核保、理赔人员已安排健康保险专业培训"),
        "PR-3",
        gettext_noop("《健康保险管理办法》（2019）"),
    ),
)
BY_CODE: Mapping[str, Item] = {i.code: i for i in ITEMS}
MANUAL: tuple[Item, ...] = tuple(i for i in ITEMS if not i.auto)


def evaluate(version: Any, answers: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every item with its result: auto items computed from ``version`` now, manual items as
    answered (``result`` "" when not yet answered)."""
    rows = []
    for item in ITEMS:
        if item.check is not None:
            outcome = (
                item.check(version) if version is not None else Outcome(FAIL, _("没有草稿版本。"))
            )
            result, detail, note, attachment = outcome.result, outcome.detail, "", ""
        else:
            answer = answers.get(item.code) or {}
            result, detail = str(answer.get("result") or ""), ""
            note, attachment = str(answer.get("note") or ""), str(answer.get("attachment") or "")
        rows.append(
            {
                "code": item.code,
                "title": _(item.title),
                "citation": item.citation,
                "source": _(item.source),
                "auto": item.auto,
                "result": result,
                "result_label": _(RESULT_LABELS[result]) if result in RESULT_LABELS else "",
                "detail": detail,
                "note": note,
                "attachment": attachment,
            }
        )
    return rows


def problems(version: Any, answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Why the checklist does not let the compliance gate pass (empty: it does)."""
    out = []
    for row in evaluate(version, answers):
        if row["auto"] and row["result"] == FAIL:
            out.append(_("{code} 未通过：{detail}").format(code=row["code"], detail=row["detail"]))
        elif not row["auto"] and row["result"] == "":
            out.append(_("{code} 尚未答复").format(code=row["code"]))
        elif not row["auto"] and row["result"] == FAIL:
            out.append(_("{code} 审查不通过").format(code=row["code"]))
    return out
