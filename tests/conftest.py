from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.libreoffice import UNO_PYTHON, LibreOffice, soffice
from xl_addin.engine.schema import RegisterSchema
from xl_addin.resources import default_schema_path
from xl_addin.workbook.formats.schema_file import load_schema

ROOT = Path(__file__).resolve().parent.parent
# In CI the property tests draw the same examples on every run, so that a run can be repeated; elsewhere each run
# explores new ones (and keeps what it found in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def schema() -> RegisterSchema:
    return load_schema(default_schema_path())


@pytest.fixture(scope="session")
def uno_python(libreoffice: LibreOffice) -> Path:
    """The system Python with LibreOffice's UNO bridge, for the scripts that drive LibreOffice (tests/uno_*.py)."""
    if not UNO_PYTHON.is_file() or subprocess.run([str(UNO_PYTHON), "-c", "import uno"],
                                                  capture_output=True, check=False).returncode:
        message = "LibreOffice's Python bridge is needed: apt-get install python3-uno"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return UNO_PYTHON


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    """LibreOffice headless; missing is a skip on a developer machine and a failure in CI."""
    executable = soffice()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI: apt-get install libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return LibreOffice(executable, tmp_path_factory.mktemp("libreoffice"))
