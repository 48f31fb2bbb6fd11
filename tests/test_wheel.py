"""The built wheel carries the schema and workbooks: install it into a fresh environment and use it there."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_wheel_installs_and_validates_the_bundled_sample(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "--disable-pip-version-check", "-w", str(dist), str(ROOT)], check=True, timeout=300)
    (wheel,) = dist.glob("xlreg-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"xl_addin/validators/improvement_register.schema.json", "xl_addin/validators/snapshot.schema.json",
            "xl_addin/workbook_templates/improvement_register.xlsx",
            "xl_addin/workbook_templates/sample_register.xlsx"} <= names

    environment = tmp_path / "env"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, timeout=600)
    work = tmp_path / "elsewhere"
    work.mkdir()
    located = subprocess.run([str(python), "-c", "from xl_addin import resources; print(resources.sample_path())"],
                             cwd=work, capture_output=True, text=True, check=True).stdout.strip()
    assert located.startswith(str(environment)), located
    completed = subprocess.run([str(environment / "bin" / "xlreg"), "validate", located, "--format", "json"],
                               cwd=work, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 1, completed.stderr
    assert '"code": "duplicate-id"' in completed.stdout
    # the example registers travel with the package: a pip user can start one and check it
    assert {"xl_addin/validators/examples/csi-register.schema.json",
            "xl_addin/workbook_templates/examples/csi-register.sample.xlsx"} <= names
    xlreg = str(environment / "bin" / "xlreg")
    subprocess.run([xlreg, "new", "--example", "csi-register", "--sample", "csi.xlsx"], cwd=work, check=True,
                   capture_output=True, timeout=120)
    completed = subprocess.run([xlreg, "validate", "csi.xlsx", "--schema", "example:csi-register"], cwd=work,
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 1 and "8 items checked" in completed.stdout, completed.stderr
