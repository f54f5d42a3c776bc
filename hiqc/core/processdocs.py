"""Generated process documentation (DESIGN rule 12; issue 3 §1): each registered case kind's
flowchart, clocks and transitions are written into ``docs/domains/<app>.md`` between markers, and
a test fails when the committed file is stale (``manage.py process_docs --check``)."""

from __future__ import annotations

from pathlib import Path

from .casekinds import CaseKind

END = "<!-- /generated -->"


def begin_marker(kind: CaseKind) -> str:
    return f"<!-- generated: process {kind.label} (manage.py process_docs) -->"


def render(kind: CaseKind) -> str:
    wf = kind.workflow
    lines = [
        begin_marker(kind),
        "",
        f"### Process `{wf.name}` — generated",
        "",
        "```mermaid",
        wf.flowchart().rstrip(),
        "```",
        "",
        "| clock | allowance | legal maximum | source |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {c.label} (`{c.code}`) | {c.amount} {c.unit} | {c.max_amount or '—'} | {c.source} |"
        for c in wf.clocks
    ]
    lines += [
        "",
        "| action | from | to | permission | requires | clock effects |",
        "|---|---|---|---|---|---|",
    ]
    for t in wf.transitions:
        effects = ", ".join(
            f"{e.kind} `{e.clock}`" + (f" → {e.to_amount}" if e.to_amount else "")
            for e in t.effects
        )
        lines.append(
            f"| `{t.name}` | {', '.join(t.sources)} | {t.target} | `{t.perm}` | "
            f"{', '.join(t.requires) or '—'} | {effects or '—'} |"
        )
    lines += ["", END]
    return "\n".join(lines) + "\n"


def doc_path(kind: CaseKind, docs_dir: Path) -> Path:
    return docs_dir / "domains" / f"{kind.label.split('.')[0]}.md"


def updated_text(current: str, kind: CaseKind) -> str:
    block = render(kind)
    start = current.find(begin_marker(kind))
    if start == -1:
        return current.rstrip() + "\n\n" + block
    end = current.find(END, start)
    end = len(current) if end == -1 else end + len(END) + 1
    return current[:start] + block + current[end:]


def sync(kind: CaseKind, docs_dir: Path, *, check: bool) -> bool:
    """True when the file was (or, with ``check``, would be) changed."""
    path = doc_path(kind, docs_dir)
    current = (
        path.read_text(encoding="utf-8") if path.exists() else f"# {kind.name or kind.label}\n"
    )
    new = updated_text(current, kind)
    if new == current:
        return False
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new, encoding="utf-8")
    return True
