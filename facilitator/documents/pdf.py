"""HTML to PDF (and PNG, to look at a page) with the system's headless Chromium.

Chromium rather than WeasyPrint: the browser tests already need Chromium, it renders the same CSS
the HTML pages are checked with, and it adds no Python dependency with native libraries (WeasyPrint
needs Pango). It is found with ``shutil.which`` (``chromium``, ``chromium-browser``, ``google-chrome``);
when none is installed, :class:`PdfError` says how to get one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from simsoft.errors import SimsoftError

__all__ = ["PdfError", "find_chromium", "html_to_pdf", "html_to_png"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120.0
"""Longest a page may take to print (a large AAR with embedded figures takes a few seconds)."""


class PdfError(SimsoftError):
    """A PDF could not be made (no Chromium, or Chromium failed)."""


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome executable on PATH, or None."""
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str], out: Path, what: str) -> Path:
    exe = find_chromium()
    if exe is None:
        raise PdfError(f"{what}: no Chromium found on PATH (looked for {', '.join(_NAMES)}); install it "
                       "(Debian/Ubuntu: apt-get install chromium) or use the HTML file and print it from a browser")
    with tempfile.TemporaryDirectory(prefix="simsoft-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
               f"--user-data-dir={profile}", *args]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"{what}: Chromium did not finish within {TIMEOUT_S:.0f} s") from None
    if not out.is_file() or out.stat().st_size == 0:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise PdfError(f"{what}: Chromium wrote no file (exit {proc.returncode}: {tail[0]})")
    return out


def html_to_pdf(html_file: str | os.PathLike[str], pdf_file: str | os.PathLike[str] | None = None) -> Path:
    """Print ``html_file`` to PDF (default: same name, ``.pdf``) and return its path."""
    src = Path(html_file).resolve()
    out = Path(pdf_file).resolve() if pdf_file is not None else src.with_suffix(".pdf")
    out.unlink(missing_ok=True)
    return _run(["--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={out}", src.as_uri()],
                out, str(src.name))


def html_to_png(html_file: str | os.PathLike[str], png_file: str | os.PathLike[str], *, width_px: int = 900,
                height_px: int = 3000) -> Path:
    """A screenshot of ``html_file`` (to look at a page)."""
    src = Path(html_file).resolve()
    out = Path(png_file).resolve()
    out.unlink(missing_ok=True)
    return _run([f"--screenshot={out}", f"--window-size={width_px},{height_px}", "--hide-scrollbars", src.as_uri()],
                out, str(src.name))
