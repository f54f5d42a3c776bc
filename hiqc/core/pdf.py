"""PDF reports printed by the Debian Chromium the project already installs for its page tests
(``make system-packages``): an HTML page with its charts (ECharts, SVG renderer, no animation) is
written to a private temporary folder with its assets referenced as local files, and Chromium
prints it headless. No network, no fonts fetched: Chinese text uses the system's Noto CJK fonts.

Reports: the survey report (issue 6 §6) and, later, the monthly quality report (issue 7 §6).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

DEFAULT_CHROMIUM = "/usr/bin/chromium"


class PdfError(RuntimeError):
    pass


def asset_uri(path: str) -> str:
    """A static file as a ``file://`` address the printing browser can read."""
    found = finders.find(path)
    if not found:
        raise PdfError(f"static file not found: {path}")
    return Path(str(found)).resolve().as_uri()


def chromium() -> str:
    binary = getattr(settings, "HIQC_CHROMIUM", DEFAULT_CHROMIUM)
    if not shutil.which(binary):
        raise PdfError(f"Chromium not found at {binary} (make system-packages installs it)")
    return binary


def html_to_pdf(html: str, *, timeout: int = 120) -> bytes:
    """Print ``html`` (a complete page, assets as ``asset_uri``) to A4 PDF bytes."""
    with tempfile.TemporaryDirectory(prefix="hiqc-pdf-") as tmp:
        source, target = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--allow-file-access-from-files", f"--user-data-dir={Path(tmp) / 'profile'}",
            "--virtual-time-budget=15000", f"--print-to-pdf={target}", source.as_uri(),
        ]  # fmt: skip
        try:
            subprocess.run(command, timeout=timeout, check=True, capture_output=True)  # noqa: S603
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfError("Chromium could not print the report") from exc
        if not target.exists():
            raise PdfError("Chromium printed no PDF")
        return target.read_bytes()
