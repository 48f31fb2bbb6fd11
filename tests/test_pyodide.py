"""The engine under Pyodide (WebAssembly, as xlwings Lite and JupyterLite run Python): Node starts Pyodide from the
npm packages scripts/setup.sh installs (the current release, and the one xlwings Lite runs), xlreg's wheel and its
pure-Python dependencies are unpacked from local files (no network), and the public API with its defaults gives
on the sample exactly the findings, priorities, overdue items and snapshot tables CPython gives.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pyodide.engine_summary import summary
from xl_addin import resources

HERE = Path(__file__).parent / "pyodide"
# the npm release, and (under an alias) the release xlwings Lite runs
RELEASES = {"current": HERE / "node_modules" / "pyodide", "xlwings Lite": HERE / "node_modules" / "pyodide-lite"}


def _missing(pyodide: Path) -> str | None:
    if shutil.which("node") is None:
        return "Node.js is needed: apt-get install nodejs npm"
    if not (pyodide / "pyodide.mjs").is_file() or not list((HERE / "wheels").glob("*.whl")):
        return "Pyodide and the wheels are needed: bash scripts/setup.sh"
    return None


@pytest.fixture(scope="module")
def xlreg_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "--disable-pip-version-check", "-w", str(folder), str(HERE.parent.parent)],
                   check=True, timeout=300)
    return next(folder.glob("xlreg-*.whl"))


@pytest.mark.parametrize("release", list(RELEASES))
def test_the_api_under_pyodide_gives_exactly_what_cpython_gives(release: str, xlreg_wheel: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    pyodide = RELEASES[release]
    missing = _missing(pyodide)
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    wheels = [*sorted((HERE / "wheels").glob("*.whl")), xlreg_wheel]
    sample = resources.sample_path()
    completed = subprocess.run(["node", str(HERE / "run_in_pyodide.mjs"), str(pyodide), str(HERE / "engine_summary.py"),
                                str(sample), *map(str, wheels)],
                               capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "emscripten" in completed.stderr  # it really ran under Pyodide
    under_pyodide = json.loads(completed.stdout)
    under_cpython = json.loads(json.dumps(summary(str(sample)), sort_keys=True))
    assert under_pyodide == under_cpython
    assert under_cpython["rows"] == 60 and len(under_cpython["findings"]) > 20
    with capsys.disabled():
        codes = sorted({code for code, _, _ in under_pyodide["findings"]})
        versions = dict(line.split()[:2] for line in completed.stderr.splitlines()
                        if line.startswith(("pyodide ", "python ")))
        print(f"\nPyodide {versions['pyodide']} (Python {versions['python']}) and CPython agree on the sample: "
              f"{under_pyodide['rows']} rows, {len(under_pyodide['findings'])} findings ({', '.join(codes)}), "
              f"{sum(1 for item in under_pyodide['priorities'] if item[2])} ranked, "
              f"{len(under_pyodide['overdue'])} overdue, {len(under_pyodide['tables'])} review tables")
