"""Small shared helpers for tests."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

from xl_addin import cli
from xl_addin.engine.findings import FileResult


def run(*argv: str) -> tuple[int, str]:
    """An xlreg command run in-process: its exit code and what it printed."""
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def refused(*argv: str, code: int = 2) -> str:
    """The message of a command that must end with exit code `code` (2: refused)."""
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        assert cli.main(list(argv), out=io.StringIO()) == code
    return errors.getvalue()


def cell_codes(result: FileResult) -> list[tuple[str, str]]:
    """Findings flattened to (Sheet!A1 or Sheet!row:row, code), sorted."""
    return sorted((finding.location, finding.code) for finding in result.findings)


def package_parts(path: Path, *, ignore: tuple[str, ...] = ("docProps/core.xml",)) -> dict[str, bytes]:
    """Each part of a workbook package by name; the save timestamp part is left out."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in sorted(archive.namelist()) if name not in ignore}
