"""The Register buttons in xlwings Lite: `xlreg lite` writes main.py and requirements.txt; main.py's scripts run
the same handlers as the desktop add-in through xlwings' own Book layer over the openpyxl test engine, restricted
to what Lite's engine answers (reading a fill or a formula, the status bar and screen updating are refused)."""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from tests.conftest import AS_OF
from tests.openpyxl_engine import open_book
from tests.test_ribbon import content, register, through_cli
from xl_addin import cli, resources
from xl_addin.excel import lite
from xl_addin.version import __version__


@pytest.fixture(scope="module")
def main_py(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("lite")
    assert cli.main(["lite", "--out", str(folder)], out=io.StringIO()) == 0
    assert (folder / "requirements.txt").read_text().splitlines()[-1] == f"xlreg=={__version__}"
    spec = importlib.util.spec_from_file_location("lite_main", folder / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(main_py: ModuleType, script: str, source: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    book, engine = open_book(source, lite=True)
    monkeypatch.setattr(lite, "today", lambda: AS_OF)
    printed = io.StringIO()
    monkeypatch.setattr(sys, "stdout", printed)
    getattr(main_py, script)(book)
    monkeypatch.undo()
    book.impl.workbook.save(target)
    assert engine.calls["color.read"] == engine.calls["formula.read"] == 0
    return printed.getvalue().strip()


def test_main_py_has_one_script_per_button(main_py: ModuleType) -> None:
    assert {name for name in lite.SCRIPTS} == {name for name in dir(main_py) if name in lite.SCRIPTS}
    assert {button for button, _ in lite.SCRIPTS.values()} == set(lite.HANDLERS)


def test_the_test_engine_refuses_what_lite_cannot_do(tmp_path: Path) -> None:
    book, _ = open_book(shutil.copyfile(resources.sample_path(), tmp_path / "s.xlsx"), lite=True)
    with pytest.raises(NotImplementedError, match=r"Range\.color"):
        book.sheets[0]["A1"].color  # noqa: B018
    with pytest.raises(NotImplementedError, match=r"Range\.formula"):
        book.sheets[0]["A1"].formula  # noqa: B018
    with pytest.raises(NotImplementedError, match="status_bar"):
        book.app.status_bar = "x"
    # the desktop handlers need what Lite lacks: the Lite book is what makes them work there
    from xl_addin.excel.ribbon import on_action

    with pytest.raises(NotImplementedError):
        on_action("overdue", book, today=AS_OF)


@pytest.mark.parametrize(("script", "button"), [("validate", "validate"), ("overdue", "overdue"),
                                                ("priorities", "priorities")])
def test_each_lite_script_gives_what_the_command_gives(main_py: ModuleType, script: str, button: str,
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = register(tmp_path / "register.xlsx", 300)
    through_cli(button, source, tmp_path / "cli.xlsx")
    message = _run(main_py, script, shutil.copyfile(source, tmp_path / "in.xlsx"), tmp_path / "lite.xlsx",
                   monkeypatch)
    assert content(tmp_path / "lite.xlsx") == content(tmp_path / "cli.xlsx")
    assert message


def test_clear_marks_in_lite_takes_off_what_validate_and_overdue_put_on(main_py: ModuleType, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    source = register(tmp_path / "register.xlsx", 300)
    _run(main_py, "overdue", source, tmp_path / "a.xlsx", monkeypatch)
    _run(main_py, "validate", tmp_path / "a.xlsx", tmp_path / "b.xlsx", monkeypatch)
    assert "Findings" in openpyxl.load_workbook(tmp_path / "b.xlsx").sheetnames
    message = _run(main_py, "clear_marks", tmp_path / "b.xlsx", tmp_path / "c.xlsx", monkeypatch)
    assert message.startswith("Removed")
    assert content(tmp_path / "c.xlsx") == content(source)


def test_snapshot_in_lite_adds_a_review_sheet(main_py: ModuleType, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sample = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")
    message = _run(main_py, "snapshot", sample, tmp_path / "out.xlsx", monkeypatch)
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    (review,) = [name for name in workbook.sheetnames if name.startswith("Review ")]
    assert message.startswith(f"Snapshot added as the sheet '{review}' (60 items)")
    values = [cell.value for cell in workbook[review]["A"] if cell.value is not None]
    assert values[0] == "Management review: Improvement register"
    assert "Overdue items by owner" in values and "Open items by priority" in values
    rows = list(workbook[review].iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if row[0] == "Headline figures")
    headline = {row[0]: row[1] for row in rows[start + 1:start + 13]}
    assert headline["On-time closure rate"] == "74%" and headline["Open items not yet rated"] == "0"
    figures = {row[0]: row[1] for row in rows[start + 13:] if row[0] == "On-time closure rate"}
    assert figures == {"On-time closure rate": "74%"}  # the review figures table reads as the headline does


def test_a_lite_script_on_a_workbook_without_a_register_alerts_and_changes_nothing(
        main_py: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Shopping list"
    workbook.save(tmp_path / "list.xlsx")
    book, _ = open_book(tmp_path / "list.xlsx", lite=True)
    main_py.validate(book)
    assert book.app.impl.alerts[0].startswith("No register found in list.xlsx")
    book.impl.workbook.save(tmp_path / "after.xlsx")
    assert content(tmp_path / "after.xlsx") == content(tmp_path / "list.xlsx")


def test_the_readme_lite_steps_run_on_the_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Lite section: `xlreg lite`, then each script it names, in order, on a copy of the sample."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Without installing Python: xlwings Lite", 1)[1].split("\n### ", 1)[0]
    command = next(line for line in section.splitlines() if "`xlreg lite --out" in line)
    folder = tmp_path / command.split("`xlreg lite --out ", 1)[1].split("`", 1)[0]
    assert cli.main(["lite", "--out", str(folder)], out=io.StringIO()) == 0
    spec = importlib.util.spec_from_file_location("readme_main", folder / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    step = next(line for line in section.splitlines() if line.startswith("4. Pick a script ("))
    scripts = step.split("(", 1)[1].split(")", 1)[0].split(", ")
    assert scripts == list(lite.SCRIPTS)
    current = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")
    messages = []
    for number, script in enumerate(scripts):
        after = tmp_path / f"after-{number}.xlsx"
        messages.append(_run(module, script, current, after, monkeypatch))
        current = after
    assert messages[0].startswith("Validated 60 rows:") and messages[1].startswith("Removed")
    assert messages[2].startswith("Ranked 32 open items") and messages[3].startswith("20 overdue items")
    assert messages[4].startswith("Snapshot added as the sheet") and messages[5].startswith("xlreg ")
