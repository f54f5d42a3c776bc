"""Conventions that are executable (DESIGN rule 11)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.core import checks

ROOT = Path(__file__).resolve().parent.parent
INTERFACE_MODULES = ("api.py", "views.py", "tasks.py")


def _interface_files():
    for app in (ROOT / "hiqc").iterdir():
        for path in app.glob("*.py"):
            if path.name in INTERFACE_MODULES or path.name.endswith("_views.py"):
                yield path


def test_interfaces_never_touch_objects_directly():
    offenders = []
    for path in _interface_files():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "use a selector or service instead of .objects in interfaces"


def test_every_hiqc_model_is_scoped_or_explicitly_unscoped():
    for model in apps.get_models():
        if model.__module__.startswith("hiqc."):
            assert bool(getattr(model, "scope_path", None)) != bool(
                getattr(model, "unscoped", None)
            ), model


def test_system_check_reports_a_model_without_scope_declaration():
    from hiqc.core.checks import every_model_is_scoped
    from hiqc.organisations.models import OrgUnit

    original = OrgUnit.scope_path
    try:
        OrgUnit.scope_path = None
        assert any(m.id == "hiqc.E001" for m in every_model_is_scoped())
    finally:
        OrgUnit.scope_path = original
    assert not [m for m in checks.run_checks() if m.id == "hiqc.E001"]


def test_no_utils_modules():
    assert not list((ROOT / "hiqc").rglob("utils.py"))


def test_templates_have_no_inline_scripts_or_styles():
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("hiqc/*/templates/**/*.html")]:
        text = path.read_text()
        assert "<script>" not in text and "<style" not in text and " style=" not in text, path
        assert "<script " not in text.replace("<script src=", ""), path
        assert "http://" not in text and "https://" not in text, path


def test_english_translation_is_complete():
    """The UI is Chinese by default; every string also has an English translation."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext (msgfmt) is missing: run `make setup`"
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def _literal_keywords(function: str, keyword: str):
    """(file:line, value) of every string literal passed as ``keyword`` to ``function``."""
    for path in (ROOT / "hiqc").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != function:
                continue
            for kw in node.keywords:
                if kw.arg == keyword and isinstance(kw.value, ast.Constant):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", kw.value.value


def test_every_audit_action_and_finding_kind_has_a_label_for_the_pages():
    """The audit log and the findings page name what happened, never a code (issue 13)."""
    from hiqc.core.audit_labels import action_label, finding_kind_label

    unnamed = [
        f"{where} {action}"
        for where, action in _literal_keywords("audit_record", "action")
        if action_label(action) == action
    ]
    unnamed += [
        f"{where} {kind}"
        for where, kind in _literal_keywords("finding_record", "kind")
        if finding_kind_label(kind) == kind
    ]
    assert unnamed == [], "register a label (hiqc.core.audit_labels) for: " + ", ".join(unnamed)


def test_every_rule_unit_has_a_label():
    """A rule's unit is shown on the rules page by its label, never as a code (issue 13)."""
    from hiqc.core.rules import RULES, UNIT_LABELS

    assert {r.key: r.unit for r in RULES.values() if r.unit not in UNIT_LABELS} == {}
