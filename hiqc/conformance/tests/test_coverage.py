"""Every clause has evidence (issue 22 §2): a rule (its own or one above it), an explicit "not
applicable" with its reason, or it is in the ``PENDING`` list — which must be exact, so that it only
shrinks as rules arrive, and empty for issue 22 to be resolved."""

from __future__ import annotations

from hiqc.conformance import coverage
from hiqc.conformance.standard import ancestors, descendants, parents
from hiqc.core.evidence import RULES, clauses_with_rules


def test_every_clause_of_the_standard_has_a_rule_a_reason_or_is_pending():
    uncovered = [code for code in parents() if not coverage.is_covered(code)]
    assert uncovered == []


def test_pending_list_is_exact_no_stale_or_missing_entry():
    # a clause given a rule (or N/A) must leave PENDING; one losing its rule must join it
    assert coverage.expected_pending() == coverage.PENDING


def test_no_pending_clause_has_a_rule_above_or_below_it():
    direct = clauses_with_rules() | set(coverage.NOT_APPLICABLE)
    for code in coverage.PENDING:
        assert code in parents(), code
        assert not direct & {code, *ancestors(code), *descendants(code)}, code


def test_every_rule_names_clauses_of_the_standard():
    for rule in RULES.values():
        unknown = [c for c in rule.clauses if c not in parents()]
        assert unknown == [], rule.code


def test_every_not_applicable_clause_is_a_clause_with_a_reason():
    for code, reason in coverage.NOT_APPLICABLE.items():
        assert code in parents() and len(reason) > 10


def test_first_slice_covers_each_named_app():
    apps = {code.split(".")[0] for code in RULES}
    assert {"core", "complaints", "claims", "quality", "process_management", "products",
            "compliance", "conformance"} <= apps  # fmt: skip
