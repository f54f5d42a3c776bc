"""Imports that bring personal data record their source: the file's SHA-256, who, when and the
PIPL art. 13 ground (standard 6.1.2; issue 21 §3; ADR 0031)."""

from __future__ import annotations

import hashlib

from hiqc.callcentre.models import CallImport
from hiqc.callcentre.services import calls_import
from hiqc.callcentre.tests.factories import call
from hiqc.callcentre.tests.factories import csv_bytes as calls_csv
from hiqc.core.models import CollectionRecord
from hiqc.policies.services import policies_import
from hiqc.policies.tests.factories import csv_bytes, person, product, row


def test_a_policies_import_records_the_files_hash_and_basis(actors, org):
    product()
    person(actors["agent"], org["C1"], "投保人", 1)
    data = csv_bytes([row("P-9")])
    report = policies_import(
        actor=actors["quality_lead"], source=[data[:10], data[10:]], file_name="p.csv"
    )
    record = CollectionRecord.objects.get(pk=report.collection_id)
    assert record.kind == "policies.import" and record.basis == "contract"
    assert record.file_sha256 == hashlib.sha256(data).hexdigest()
    assert (record.file_name, record.rows) == ("p.csv", 1)


def test_a_calls_import_links_its_run_to_the_collection_record(actors, org):
    data = calls_csv([call()])
    calls_report = calls_import(actor=actors["supervisor"], source=[data], recompute=False)
    run = CallImport.objects.get(pk=calls_report.import_id)
    assert run.collection is not None
    assert run.collection.file_sha256 == hashlib.sha256(data).hexdigest()
    assert (run.collection.kind, run.collection.basis) == ("calls.import", "hr")
