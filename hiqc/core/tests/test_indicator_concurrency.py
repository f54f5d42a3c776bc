"""Overlapping recomputes of one indicator (issue 14 §3): both succeed, the rows are those of
one run, never a UniqueViolation. PostgreSQL only: SQLite serialises writers."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection, connections

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import indicator_rows_replace
from hiqc.core.models import IndicatorValue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL interleaves writers"),
]

START, END = datetime(2026, 11, 1, tzinfo=BEIJING), datetime(2026, 12, 1, tzinfo=BEIJING)


def _rows(value: float) -> list[tuple[datetime, str, float, float]]:
    days = [datetime(2026, 11, d, tzinfo=BEIJING) for d in range(1, 31)]
    return [(day, path, value, 10.0) for day in days for path in ("0001/", "0001/0001/")]


def test_overlapping_replacements_of_one_indicator_both_succeed(db):
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def run(value: float) -> None:
        try:
            start.wait()
            for _ in range(5):
                indicator_rows_replace(
                    code="probe.rate", granularity="day", start=START, end=END, rows=_rows(value)
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(float(n),)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    values = IndicatorValue.objects.filter(code="probe.rate", granularity="day")
    assert values.count() == 60
    assert len(set(values.values_list("numerator", flat=True))) == 1  # one run's rows, whole
