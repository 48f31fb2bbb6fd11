"""The engine under Pyodide (WebAssembly, as xlwings Lite runs Python): Node starts Pyodide from the npm package
that scripts/setup.sh installs, xlreg's wheel and its pure-Python dependencies are unpacked from local files
(no network), and validate, priorities, overdue and the snapshot's tables on the sample match CPython's exactly.
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
PYODIDE = HERE / "node_modules" / "pyodide"


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "Node.js is needed: apt-get install nodejs npm"
    if not (PYODIDE / "pyodide.mjs").is_file() or not list((HERE / "wheels").glob("*.whl")):
        return "Pyodide and the wheels are needed: bash scripts/setup.sh"
    return None


def test_the_engine_under_pyodide_gives_exactly_what_cpython_gives(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "--disable-pip-version-check", "-w", str(tmp_path), str(HERE.parent.parent)],
                   check=True, timeout=300)
    wheels = [*sorted((HERE / "wheels").glob("*.whl")), *tmp_path.glob("xlreg-*.whl")]
    sample = resources.sample_path()
    completed = subprocess.run(["node", str(HERE / "run_in_pyodide.mjs"), str(PYODIDE), str(HERE / "engine_summary.py"),
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
        print(f"\nPyodide ({completed.stderr.split()[1]}) and CPython agree on the sample: {under_pyodide['rows']} "
              f"rows, {len(under_pyodide['findings'])} findings ({', '.join(codes)}), "
              f"{sum(1 for item in under_pyodide['priorities'] if item[2])} ranked, "
              f"{len(under_pyodide['overdue'])} overdue, {len(under_pyodide['tables'])} review tables")
