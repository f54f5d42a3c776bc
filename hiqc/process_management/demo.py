"""Process management demo step (issue 16): the supervision demo (``supervision/demo.py``)."""

from __future__ import annotations

from .supervision.demo import demo_load

__all__ = ["demo_load"]
