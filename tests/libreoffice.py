"""Run LibreOffice headless as a spreadsheet engine for tests: recalculate, convert, render.

Each conversion gets a throw-away profile that recalculates every formula on load, so a cached value in
the file can never stand in for LibreOffice's own result.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_RECALCULATE_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


UNO_PYTHON = Path("/usr/bin/python3")  # the system Python, which has LibreOffice's UNO bridge (python3-uno)


class LibreOfficeError(AssertionError):
    """A conversion that did not produce its output."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# Seconds a conversion may take: LibreOffice's start-up, then per file by its size (a 5,000-row register takes
# 2 to 3 seconds; a start with nothing to convert is never made, as soffice then waits for ever).
START_SECONDS = 60
SECONDS_PER_FILE = 20
SECONDS_PER_MB = 15


def fitting_timeout(sources: list[Path]) -> float:
    """A bound for converting `sources` in one run that fits them."""
    megabytes = sum(source.stat().st_size for source in sources) / 1e6
    return START_SECONDS + SECONDS_PER_FILE * len(sources) + SECONDS_PER_MB * megabytes


class LibreOffice:
    """Converts workbooks with LibreOffice headless, in a scratch folder of its own."""

    def __init__(self, executable: str, scratch: Path) -> None:
        self.executable = executable
        self.scratch = scratch

    def convert(self, source: Path, to: str, *, timeout: float | None = None) -> Path:
        """Convert `source` to `to` (xlsx, html, pdf, or 'ext:Filter'); return the checked output file."""
        return self.convert_many([source], to, timeout=timeout)[source]

    def convert_many(self, sources: list[Path], to: str, *, timeout: float | None = None) -> dict[Path, Path]:
        """Convert files in one LibreOffice run; return each source's checked output. Refused for no files (soffice
        would wait for ever), and bounded by a timeout that fits the files (fitting_timeout), whose failure names
        them."""
        if not sources:
            raise LibreOfficeError("convert_many was given no files to convert; LibreOffice is not started for none")
        names = [source.stem for source in sources]
        if len(set(names)) != len(names):
            raise ValueError("convert_many needs sources with distinct names")
        run = self.scratch / uuid.uuid4().hex[:12]
        profile = run / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_RECALCULATE_ALWAYS, encoding="utf-8")
        out = run / "out"  # must differ from the inputs' folder
        out.mkdir()
        command = [self.executable, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation={profile.as_uri()}", "--convert-to", to, "--outdir", str(out),
                   *map(str, sources)]
        env = {**os.environ, "HOME": str(run)}
        limit = timeout if timeout is not None else fitting_timeout(sources)
        listed = ", ".join(source.name for source in sources)
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=limit, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise LibreOfficeError(f"LibreOffice did not finish converting {listed} to {to} within {limit:.0f} "
                                   "seconds") from None
        # soffice exits 0 even when a conversion fails, so the output files and stderr are the real verdict.
        extension = to.split(":")[0]
        produced = {source: out / f"{source.stem}.{extension}" for source in sources}
        missing = [source.name for source, path in produced.items() if not path.is_file() or not path.stat().st_size]
        if missing or "Error:" in completed.stderr:
            raise LibreOfficeError(f"LibreOffice did not convert {', '.join(missing) or listed} to {to} (exit "
                                   f"{completed.returncode}).\nstdout: {completed.stdout}\nstderr: {completed.stderr}")
        return produced


def calculate(uno_python: Path, workbook: Path, *, read: list[tuple[str, str]],
              edits: Sequence[dict[str, Any]] = (), save_as: Path | None = None) -> list[Any]:
    """Open `workbook` in LibreOffice through its UNO bridge, make `edits` as a person would (tests/uno_calc.py),
    recalculate, and return the values of the cells in `read` ((sheet, cell) pairs); an error value fails."""
    request = {"workbook": str(workbook), "edits": list(edits), "read": [{"sheet": s, "cell": c} for s, c in read],
               "save_as": str(save_as) if save_as else None}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(request, handle)
    try:
        completed = subprocess.run([str(uno_python), str(Path(__file__).with_name("uno_calc.py")), handle.name],
                                   capture_output=True, text=True, timeout=180, check=False)
    finally:
        os.unlink(handle.name)
    if completed.returncode:
        raise LibreOfficeError(f"LibreOffice did not calculate {workbook.name}: {completed.stderr}")
    answer = json.loads(completed.stdout)
    failed = [f"{sheet}!{cell}: error {error}" for (sheet, cell), error in zip(read, answer["errors"], strict=True)
              if error]
    if failed:
        raise LibreOfficeError(f"LibreOffice shows errors in {workbook.name}: {', '.join(failed)}")
    values: list[Any] = answer["values"]
    return values
