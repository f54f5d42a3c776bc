"""axe-core in the browser tests (issue 13 §8): installed from the npm registry by `make setup`
(a devDependency read from node_modules, never fetched at run time)."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)"""


def serious_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it stands (evaluated by the test
    driver, so the page's own CSP, which forbids inline scripts, is not weakened for it)."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `make setup` (npm ci).")
    page.evaluate(AXE.read_text())
    return page.evaluate(RUN_AXE)
