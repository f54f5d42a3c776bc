"""The kernel's person-measure registry (issue 18 §4; ADR 0021): what a domain registers, how a
value is read from its pair, and that a code nobody registered answers nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hiqc.core.personmeasures import (
    EVIDENCE_MAX,
    PERSON_MEASURES,
    Measured,
    PersonMeasure,
    person_measure,
    person_measures,
    register_person_measure,
    tally,
)

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)


def _compute(user_ids, start, end):
    return {u: Measured(3, 4, [f"r{i}" for i in range(EVIDENCE_MAX + 5)]) for u in user_ids}


def test_a_value_is_read_from_its_pair_by_kind():
    m = Measured(3, 4)
    assert (m.value("rate"), m.value("mean"), m.value("count")) == (75.0, 0.75, 3.0)
    assert Measured(0, 0).value("rate") is None  # no denominator: no data, not 0


def test_tally_sums_contributions_and_keeps_the_records_per_person():
    got = tally([("a", "u1", 1), ("b", "u1", 0), ("c", "u2", 90.5)])
    assert (got["u1"].numerator, got["u1"].denominator, got["u1"].evidence) == (1.0, 2, ["a", "b"])
    assert (got["u2"].numerator, got["u2"].denominator) == (90.5, 1)


def test_the_registry_answers_registered_codes_only_and_caps_the_evidence(monkeypatch):
    monkeypatch.setattr("hiqc.core.personmeasures.PERSON_MEASURES", dict(PERSON_MEASURES))
    measure = PersonMeasure("t.x", "x", "rate", ("complaint_handler",), _compute)
    register_person_measure(measure)
    register_person_measure(measure)  # the same again: idempotent
    with pytest.raises(ValueError, match="registered twice"):
        register_person_measure(PersonMeasure("t.x", "x", "rate", (), lambda *a: {}))
    got = person_measure("t.x", ["u1"], START, END)
    assert got["u1"].value("rate") == 75.0 and len(got["u1"].evidence) == EVIDENCE_MAX
    assert person_measure("nobody", ["u1"], START, END) == {}
    assert person_measure("t.x", [], START, END) == {}
    assert "t.x" in [m.code for m in person_measures("complaint_handler")]
    assert "t.x" not in [m.code for m in person_measures("claims_handler")]
