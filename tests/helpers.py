"""Small shared helpers for tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

from xl_addin.engine.findings import FileResult


def cell_codes(result: FileResult) -> list[tuple[str, str]]:
    """Findings flattened to (Sheet!A1 or Sheet!row:row, code), sorted."""
    return sorted((finding.location, finding.code) for finding in result.findings)


def package_parts(path: Path, *, ignore: tuple[str, ...] = ("docProps/core.xml",)) -> dict[str, bytes]:
    """Each part of a workbook package by name; the save timestamp part is left out."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in sorted(archive.namelist()) if name not in ignore}
