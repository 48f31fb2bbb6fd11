"""The layers are enforced, not only described: import-linter's contracts (pyproject.toml) hold for the
package, and a deliberately wrong import breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the `xl_addin` package found in `folder`, with the project's contracts."""
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", str(ROOT / "pyproject.toml")]
    environment = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, timeout=120,
                          check=False)


def test_the_package_keeps_every_contract() -> None:
    completed = lint_imports(ROOT)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Contracts: 6 kept, 0 broken." in completed.stdout


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    shutil.copytree(ROOT / "xl_addin", tmp_path / "xl_addin", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "xl_addin" / module
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("from __future__ import annotations\n",
                                 f"from __future__ import annotations\n\n{line}\n", 1), encoding="utf-8")
    return tmp_path


def test_an_engine_module_importing_the_workbook_reader_fails(tmp_path: Path) -> None:
    completed = lint_imports(_copy_with(tmp_path, "engine/priorities.py", "import xl_addin.workbook.reading.reader"))
    assert completed.returncode == 1
    assert "xl_addin.engine.priorities -> xl_addin.workbook.reading.reader" in completed.stdout
    assert "BROKEN" in completed.stdout


def test_an_engine_module_opening_zip_files_fails(tmp_path: Path) -> None:
    completed = lint_imports(_copy_with(tmp_path, "engine/overdue.py", "import zipfile"))
    assert completed.returncode == 1 and "xl_addin.engine.overdue -> zipfile" in completed.stdout


def test_an_ooxml_module_importing_the_engine_fails(tmp_path: Path) -> None:
    completed = lint_imports(_copy_with(tmp_path, "ooxml/styles.py", "import xl_addin.engine.register"))
    assert completed.returncode == 1
    assert "xl_addin.ooxml.styles -> xl_addin.engine.register" in completed.stdout


def import_circles(package: str = "xl_addin") -> list[list[str]]:
    """The groups of modules that import one another in a circle (TYPE_CHECKING imports included)."""
    import grimp

    graph = grimp.build_graph(package)
    modules = sorted(graph.modules)
    edges = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return circles


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert import_circles() == []


def test_validate_does_not_load_pandas_the_api_or_excel() -> None:
    template = ROOT / "workbook_templates" / "improvement_register.xlsx"
    code = (f"import io, sys; from xl_addin.cli import main; main(['validate', {str(template)!r}], out=io.StringIO()); "
            "print(sorted(m for m in ('pandas', 'xl_addin.api', 'xlwings') if m in sys.modules))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert completed.stdout.strip() == "[]"
