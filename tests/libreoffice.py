"""Run LibreOffice headless as a spreadsheet engine for tests: recalculate, convert, render.

Each conversion gets a throw-away profile that recalculates every formula on load, so a cached value in
the file can never stand in for LibreOffice's own result.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

_RECALCULATE_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(AssertionError):
    """A conversion that did not produce its output."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class LibreOffice:
    """Converts workbooks with LibreOffice headless, in a scratch folder of its own."""

    def __init__(self, executable: str, scratch: Path) -> None:
        self.executable = executable
        self.scratch = scratch

    def convert(self, source: Path, to: str, *, timeout: float = 240) -> Path:
        """Convert `source` to `to` (xlsx, html, pdf, or 'ext:Filter'); return the checked output file."""
        run = self.scratch / uuid.uuid4().hex[:12]
        profile = run / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_RECALCULATE_ALWAYS, encoding="utf-8")
        out = run / "out"  # must differ from the input's folder
        out.mkdir()
        command = [self.executable, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation={profile.as_uri()}", "--convert-to", to, "--outdir", str(out),
                   str(source)]
        env = {**os.environ, "HOME": str(run)}
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
        # soffice exits 0 even when a conversion fails, so the output file and stderr are the real verdict.
        extension = to.split(":")[0]
        produced = out / f"{source.stem}.{extension}"
        if not produced.is_file() or produced.stat().st_size == 0 or "Error:" in completed.stderr:
            raise LibreOfficeError(
                f"LibreOffice did not convert {source.name} to {to} (exit {completed.returncode}).\n"
                f"stdout: {completed.stdout}\nstderr: {completed.stderr}")
        return produced

    def convert_many(self, sources: list[Path], to: str, *, timeout: float = 600) -> dict[Path, Path]:
        """Convert many files in one LibreOffice run; return each source's checked output."""
        run = self.scratch / uuid.uuid4().hex[:12]
        profile = run / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_RECALCULATE_ALWAYS, encoding="utf-8")
        out = run / "out"
        out.mkdir()
        names = [source.stem for source in sources]
        if len(set(names)) != len(names):
            raise ValueError("convert_many needs sources with distinct names")
        command = [self.executable, "--headless", "--norestore", "--nologo", "--nodefault",
                   f"-env:UserInstallation={profile.as_uri()}", "--convert-to", to, "--outdir", str(out),
                   *map(str, sources)]
        env = {**os.environ, "HOME": str(run)}
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
        extension = to.split(":")[0]
        produced = {source: out / f"{source.stem}.{extension}" for source in sources}
        missing = [source.name for source, path in produced.items() if not path.is_file() or not path.stat().st_size]
        if missing or "Error:" in completed.stderr:
            raise LibreOfficeError(f"LibreOffice did not convert {', '.join(missing)} to {to}.\n"
                                   f"stdout: {completed.stdout}\nstderr: {completed.stderr}")
        return produced
