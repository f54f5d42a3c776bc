"""Generate ``hiqc/conformance/standard_clauses.json`` from the standard and its clause map.

Run once by hand when ``standard.zh.md`` or ``CLAUSES.md`` change (issue 22 §1; ADR 0034)::

    python scripts/standard_clauses.py ../shared/standard

The migration ``conformance.0002_standard_clauses`` loads the JSON, never the two source files: a
clean checkout has no ``../shared``. ``hiqc.conformance.tests.test_clauses`` parses the standard's
text kept in the JSON again and checks the ids match.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "hiqc" / "conformance" / "standard_clauses.json"
CHAPTER = re.compile(r"^## 第(.+?)章 (.+?)(?: \(headings only.*)?$")
SECTION = re.compile(r"^(#{3,4}) (\d+(?:\.\d+)+) ?(.*?)(?: \(headings only.*)?$")
ITEM = re.compile(r"^- \((\d+)\) ?(.*)$")
NUMERALS = "一二三四五六七八九十"
KINDS = ("KPI", "REC", "DOC", "CHK")


def parse_standard(text: str) -> list[dict]:
    """Every clause of the standard in order: chapters, sections, sub-sections and items."""
    clauses: list[dict] = []
    by_id: dict[str, dict] = {}
    current: dict | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if m := CHAPTER.match(line):
            number = str(NUMERALS.index(m.group(1)) + 1) if m.group(1) != "十" else "10"
            current = _add(clauses, by_id, number, None, m.group(2), 1, "headings only" in line)
        elif (m := SECTION.match(line)) and current is not None:
            cid = m.group(2)
            parent = cid.rsplit(".", 1)[0]
            heading_only = "headings only" in line or by_id[parent]["known_by_heading_only"]
            current = _add(
                clauses, by_id, cid, parent, m.group(3), cid.count(".") + 1, heading_only
            )
        elif (m := ITEM.match(line)) and current is not None:
            owner = current if "(" not in current["id"] else by_id[current["parent"]]
            _add(
                clauses,
                by_id,
                f"{owner['id']}({m.group(1)})",
                owner["id"],
                "",
                owner["level"] + 1,
                False,
                text=m.group(2),
            )
            current = owner
        elif line and current is not None and not line.startswith("#"):
            current["text"] = (current["text"] + "\n" + line).strip()
    return clauses


def _add(clauses, by_id, cid, parent, heading, level, heading_only, text=""):
    clause = {
        "id": cid,
        "parent": parent,
        "chapter": int(cid.split(".")[0].split("(")[0]),
        "level": level,
        "heading": heading.strip(),
        "text": text.strip(),
        "known_by_heading_only": heading_only,
        "capability": "",
        "asks": "",
        "evidence_kinds": [],
    }
    clauses.append(clause)
    by_id[cid] = clause
    return clause


def expand(ref: str) -> list[str]:
    """``2.2.2(2)(3)`` → 2.2.2(2), 2.2.2(3); ``3.3.1–3.3.2`` → both; others as they are."""
    ref = ref.strip()
    if "–" in ref:
        return [r.strip() for r in ref.split("–")]
    m = re.match(r"^([\d.]+)((?:\(\d+\))+)$", ref)
    if m:
        return [f"{m.group(1)}({n})" for n in re.findall(r"\((\d+)\)", m.group(2))]
    return [ref]


def parse_map(text: str) -> dict[str, dict]:
    """Clause id → what it asks, HIQC's capability and the evidence kinds (CLAUSES.md rows)."""
    out: dict[str, dict] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.match(r"^\d", cells[0]):
            continue
        row = {
            "asks": cells[1].replace("**", ""),
            "capability": cells[2].replace("**", ""),
            "evidence_kinds": [k for k in KINDS if k in cells[3]],
        }
        for cid in expand(cells[0]):
            out[cid] = row
    return out


def build(standard: str, clause_map: str) -> list[dict]:
    clauses = parse_standard(standard)
    rows = parse_map(clause_map)
    by_id = {c["id"]: c for c in clauses}
    unknown = sorted(set(rows) - set(by_id))
    if unknown:
        raise SystemExit(f"CLAUSES.md names clauses the standard lacks: {unknown}")
    for clause in clauses:  # the nearest row up the tree
        node: dict | None = clause
        while node is not None and node["id"] not in rows:
            node = by_id.get(node["parent"]) if node["parent"] else None
        if node is not None:
            clause.update(rows[node["id"]])
            clause["capability_from"] = node["id"]
        else:
            clause["capability_from"] = ""
    return clauses


def main(folder: str) -> None:
    base = Path(folder)
    clauses = build(
        (base / "standard.zh.md").read_text("utf-8"), (base / "CLAUSES.md").read_text("utf-8")
    )
    OUT.write_text(json.dumps(clauses, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(clauses)} clauses → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/standard")
