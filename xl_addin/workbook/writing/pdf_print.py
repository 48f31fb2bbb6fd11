"""An HTML report printed to PDF by a browser installed on the machine (Chromium, Chrome or Edge, run headless):
the page layout is the report's own print styles (A4, a page per section), as a person printing it from the
browser gets."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from xl_addin.workbook.writing.atomic import copy_new_file

# Found on the PATH, or where the browsers install themselves on Windows and macOS
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge")
BROWSER_PLACES = (
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
PRINT_SECONDS = 120


class CannotPrint(Exception):
    """No PDF was made; the message says why and what to do, in plain words."""


def find_browser() -> Path | None:
    """A browser that can print a page to PDF headless, if the machine has one."""
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((Path(place) for place in BROWSER_PLACES if Path(place).is_file()), None)


def no_browser(html: Path) -> str:
    return (f"No PDF was made: no browser to print it with was found (install Chromium, Google Chrome or Microsoft "
            f"Edge). The report is {html}: open it and print it to PDF.")


def print_to_pdf(html: Path, pdf: Path, browser: Path | None = None) -> Path:
    """Print `html` to `pdf` (written whole or not at all) with `browser`, or the one the machine has."""
    browser = browser or find_browser()
    if browser is None:
        raise CannotPrint(no_browser(html))
    with tempfile.TemporaryDirectory(prefix="xlreg-print-") as folder:
        printed = Path(folder) / "report.pdf"
        command = [str(browser), "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
                   f"--user-data-dir={Path(folder) / 'profile'}", "--no-pdf-header-footer",
                   "--print-to-pdf-no-header", f"--print-to-pdf={printed}", html.resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium will not start its sandbox as root (containers, CI)
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise CannotPrint(f"No PDF was made: {browser.name} did not finish printing {html.name} within "
                              f"{PRINT_SECONDS} seconds. The report is {html}.") from None
        except OSError as error:
            raise CannotPrint(f"No PDF was made: {browser} could not be started ({error.strerror or error}). The "
                              f"report is {html}.") from None
        if not printed.is_file() or printed.stat().st_size == 0:
            said = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no word from it"]
            raise CannotPrint(f"No PDF was made: {browser.name} did not print {html.name} ({said[0][:200]}). The "
                              f"report is {html}.")
        return copy_new_file(printed, pdf)
