"""The standard as data (issue 22 §1): every clause of ``standard.zh.md`` is in
``standard_clauses.json`` and loaded by the migration, with its parent, text and capability."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from hiqc.conformance.models import Clause
from hiqc.conformance.standard import DATA, clause_rows

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
import standard_clauses  # noqa: E402

SHARED = ROOT.parent / "shared" / "standard"
ID = re.compile(r"^\d+(\.\d+)*(\(\d+\))?$")

SAMPLE = """## 第一章 总则
### 1.3 服务原则
- (1) 以人为本:关注消费者需求。
- (2) 公平公正:遵循市场规律。
## 第九章 合规与风险管理
#### 9.2.2 风险防范
- (3) 风险防范效果评估:保险……
### 9.3 应急预案与处理 (headings only: the source text is cut off after 9.2.2
#### 9.3.1 应急预案制定
## 第十章 质量改进与持续发展 (headings only, from the table of contents)
### 10.1 质量监控体系
"""


def test_the_parser_reads_chapters_sections_items_and_heading_only_clauses():
    # given a piece of the standard in its layout (9.2.2 without its parent 9.2 is not needed)
    text = SAMPLE.replace("#### 9.2.2 风险防范\n- (3) 风险防范效果评估:保险……\n", "")
    # when parsed
    rows = {r["id"]: r for r in standard_clauses.parse_standard(text)}
    # then every heading and item is a clause with its parent, and the headings-only flag follows 9.3
    assert list(rows) == ["1", "1.3", "1.3(1)", "1.3(2)", "9", "9.3", "9.3.1", "10", "10.1"]
    assert rows["1.3(1)"]["parent"] == "1.3" and rows["1.3(1)"]["text"].startswith("以人为本")
    assert rows["9.3.1"]["known_by_heading_only"] and not rows["9"]["known_by_heading_only"]
    assert rows["10.1"]["known_by_heading_only"] and rows["10"]["chapter"] == 10


def test_clause_map_rows_expand_to_the_clauses_they_name():
    assert standard_clauses.expand("2.2.2(2)(3)") == ["2.2.2(2)", "2.2.2(3)"]
    assert standard_clauses.expand("3.3.1–3.3.2") == ["3.3.1", "3.3.2"]
    assert standard_clauses.expand("4.1.3(1)") == ["4.1.3(1)"]


def test_the_json_is_every_clause_of_the_standard_with_a_parent_above_it():
    rows = clause_rows()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 298
    assert [r["id"] for r in rows if r["level"] == 1] == [str(n) for n in range(1, 11)]
    for row in rows:
        assert ID.match(row["id"]), row["id"]
        if row["parent"] is not None:
            assert row["id"].startswith(row["parent"]) and row["parent"] in ids
            assert ids.index(row["parent"]) < ids.index(row["id"])
    heading_only = {r["id"] for r in rows if r["known_by_heading_only"]}
    assert {"9.3", "9.3.1", "9.3.3", "10", "10.3.5"} <= heading_only
    assert "9.2.2(3)" not in heading_only and "4.1.3(1)" in ids


def test_every_clause_named_in_the_clause_map_has_its_capability():
    by_id = {r["id"]: r for r in clause_rows()}
    assert "95%" in by_id["4.1.3(1)"]["asks"] and by_id["4.1.3(1)"]["evidence_kinds"] == ["KPI"]
    assert by_id["3.3.1"]["capability_from"] == "3.3.1"  # from the "3.3.1–3.3.2" row
    assert by_id["2.2.2(3)"]["capability_from"] == "2.2.2(3)"  # from "2.2.2(2)(3)"
    assert by_id["8.1.4"]["capability_from"] == "8.1"  # the nearest row up the tree
    parents = {r["parent"] for r in clause_rows()}
    assert all(r["capability"] for r in clause_rows() if r["id"] not in parents)  # every leaf


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not part of a clean checkout")
def test_the_json_is_what_the_script_makes_of_the_source_files():
    made = standard_clauses.build((SHARED / "standard.zh.md").read_text("utf-8"),
                                  (SHARED / "CLAUSES.md").read_text("utf-8"))  # fmt: skip
    assert made == json.loads(DATA.read_text("utf-8"))


@pytest.mark.django_db
def test_the_migration_loads_every_clause_in_order_with_its_parent():
    loaded = list(Clause.objects.order_by("position").values_list("code", "parent__code"))
    assert loaded == [(r["id"], r["parent"]) for r in clause_rows()]
    item = Clause.objects.get(code="4.1.3(1)")
    assert "95%" in item.text and item.title.startswith("保证客户咨询电话")
