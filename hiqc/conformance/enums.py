"""The conformance app's permission (issue 22; ADR 0034). Statuses are the kernel's
(``hiqc.core.evidence.EvidenceStatus``)."""

from __future__ import annotations

VIEW = "conformance.view"
