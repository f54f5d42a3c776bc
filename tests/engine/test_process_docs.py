"""Generated process docs are written between markers and a stale file is detected."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hiqc.core.processdocs import doc_path, sync

from .probe import KIND


def test_docs_are_generated_then_found_current_then_stale_after_a_change(tmp_path: Path):
    assert sync(KIND, tmp_path, check=False) is True
    text = doc_path(KIND, tmp_path).read_text()
    assert "```mermaid" in text and "CP-1 (test)" in text and "`decide`" in text
    assert sync(KIND, tmp_path, check=True) is False  # current
    doc_path(KIND, tmp_path).write_text(text.replace("CP-1 (test)", "old source"))
    assert sync(KIND, tmp_path, check=True) is True  # stale
    with pytest.raises(CommandError, match="stale"):
        call_command("process_docs", "--check", "--docs-dir", str(tmp_path))


def test_hand_written_text_around_the_generated_block_is_kept(tmp_path: Path):
    path = doc_path(KIND, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("# Probe\n\nHand-written intro.\n")
    sync(KIND, tmp_path, check=False)
    sync(KIND, tmp_path, check=False)
    text = path.read_text()
    assert text.startswith("# Probe\n\nHand-written intro.\n")
    assert text.count("generated: process") == 1


def test_committed_domain_docs_are_current():
    """Every real (non-test) process's committed docs match its code."""
    call_command("process_docs", "--check")
