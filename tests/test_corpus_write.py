"""Every write command on every workbook Excel made (tests/corpus/excel-made/: printer settings, custom views,
rich values, dynamic arrays, signed VBA, threaded comments, pivots, charts, data model, ActiveX, external links...):
written, never refused; every part xlreg does not own byte for byte the same; the marks and totals where they
belong; and LibreOffice opens each result."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import stat
from pathlib import Path

import lxml.html
import pytest

from tests import package_view as view
from xl_addin import cli, resources
from xl_addin.engine.findings import Severity
from xl_addin.engine.marks import FINDING_COLOURS, OVERDUE_COLOUR
from xl_addin.usecases.check import check_file
from xl_addin.workbook.formats.schema_file import load_schema

CORPUS = Path(__file__).resolve().parent / "corpus" / "excel-made"
SCHEMA = load_schema(resources.default_schema_path())
FILES = sorted(CORPUS.glob("*.xls[xm]"))
# The register added to each: five items raised 2024-01-01 .. 2024-05-01; targets 2024-07-01 and 2024-09-01 for
# the first two, 2029 for the rest; 14 columns A..N.
OVERDUE_AS_OF = "2026-11-25"
MARK_AS_OF = "2024-02-15"  # Date raised of items 3-5 lies after it: future-date findings in B4, B5, B6
COMMANDS = {
    "priorities": ["priorities"],
    "overdue": ["overdue", "--as-of", OVERDUE_AS_OF],
    "mark": ["validate", "--mark", "--as-of", MARK_AS_OF],
    "dashboard": ["dashboard", "add"],
}


def argv(command: list[str], workbook: Path) -> list[str]:
    """The command's arguments with the workbook in its place: after the command (and its action, for one that
    has actions, such as dashboard add)."""
    head = 2 if command[0] == "dashboard" else 1
    return [*command[:head], str(workbook), *command[head:]]


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 28, f"expected the 28 Excel-made workbooks in {CORPUS}"


def _copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)  # the corpus is read-only
    return target


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each command's result for each workbook, plus `clear` of the marked one and `--in-place` runs."""
    folder = tmp_path_factory.mktemp("corpus")
    results = {}
    for source in FILES:
        original = _copy(source, folder / source.name)
        for action, command in COMMANDS.items():
            out = folder / f"{source.stem}.{action}{source.suffix}"
            code = cli.main([*argv(command, original), "-o", str(out)], out=io.StringIO())
            assert code in (0, 1), (source.name, action)
            results[(source.name, action)] = out
        cleared = folder / f"{source.stem}.clear{source.suffix}"
        assert cli.main(["clear", str(results[(source.name, "mark")]), "-o", str(cleared)], out=io.StringIO()) == 0
        results[(source.name, "clear")] = cleared
        in_place = _copy(source, folder / f"{source.stem}.in-place{source.suffix}")
        for command in COMMANDS.values():
            assert cli.main([*argv(command, in_place), "--in-place"], out=io.StringIO()) in (0, 1)
        results[(source.name, "in-place")] = in_place
    return results


@pytest.mark.parametrize("action", [*COMMANDS, "clear", "in-place"])
@pytest.mark.parametrize("source", FILES, ids=lambda path: path.stem)
def test_every_part_xlreg_does_not_own_is_kept_byte_for_byte(written, source: Path, action: str) -> None:
    result = written[(source.name, action)]
    before, after = view.parts(source), view.parts(result)
    owned = view.owned_parts(source, result, "Register")
    changed = sorted(name for name in before if name not in owned and after.get(name) != before[name])
    assert changed == [], f"{source.name} after {action}: changed or lost {changed}"
    sheets = view.sheets(result)
    assert list(sheets)[:len(view.sheets(source))] == list(view.sheets(source))  # order kept, ours at the end


@pytest.mark.parametrize("source", FILES, ids=lambda path: path.stem)
def test_the_marks_and_totals_are_where_they_belong(written, source: Path) -> None:
    base = {cell: view.fill_of(source, fmt) for cell, fmt in view.cell_formats(source, "Register").items()}

    def filled(path: Path) -> dict[str, tuple[str, str]]:
        return {cell: view.fill_of(path, fmt) for cell, fmt in view.cell_formats(path, "Register").items()}

    # priorities: the totals are the sum of the ratings (8); xlreg validate reads the written file as before
    values = view.cell_values(written[(source.name, "priorities")], "Register")
    assert [values[f"K{row}"] for row in range(2, 7)] == ["8"] * 5
    # openpyxl reads a cell without a format by the workbook's default format, as Excel shows it (calamine takes
    # it as General): in 002-customviews the default is a date format, and a cell xlreg fills gets it spelled out
    before = check_file(source, SCHEMA, today=dt.date(2024, 2, 15), reader="openpyxl")
    for action in ("priorities", "overdue", "mark", "clear"):
        after = check_file(written[(source.name, action)], SCHEMA, today=dt.date(2024, 2, 15), reader="openpyxl")
        assert (after.rows_checked, after.sheet) == (5, "Register"), (source.name, action)
        assert [(f.cell, f.code) for f in after.findings] == [(f.cell, f.code) for f in before.findings]
    assert {f.cell for f in before.findings if f.code == "future-date"} >= {"B4", "B5", "B6"}
    # overdue: rows 2 and 3 filled across A..N, except cells a person (or the file) had filled already
    overdue = filled(written[(source.name, "overdue")])
    for row in (2, 3):
        for column in "ABCDEFGHIJKLMN":
            cell = f"{column}{row}"
            expected = base.get(cell, ("", "")) if base.get(cell, ("", ""))[0] not in ("", "none") else \
                ("solid", OVERDUE_COLOUR)
            assert overdue[cell] == expected, (source.name, cell)
    assert all(overdue[f"A{row}"] == base.get(f"A{row}", ("", "")) for row in (4, 5, 6))
    # validate --mark: future dates B4..B6 filled and noted by xlreg; a Findings sheet; the record very hidden
    marked = written[(source.name, "mark")]
    notes = view.notes(marked, "Register")
    for cell in ("B4", "B5", "B6"):
        assert notes[cell][0] == "xlreg" and "is in the future" in notes[cell][1]
        if base.get(cell, ("", ""))[0] in ("", "none"):
            assert filled(marked)[cell] == ("solid", FINDING_COLOURS[Severity.ERROR])
    assert {"B4", "B5", "B6"} <= view.vml_note_cells(marked, "Register")
    sheets = view.sheets(marked)
    assert "Findings" in sheets and sheets["xlreg_marks"][1] == "veryHidden"
    # clear: no xlreg sheet, note or fill is left; what the file had is as it was
    cleared = written[(source.name, "clear")]
    assert "Findings" not in view.sheets(cleared) and "xlreg_marks" not in view.sheets(cleared)
    assert view.notes(cleared, "Register") == view.notes(source, "Register")
    assert filled(cleared) == {cell: fill for cell, fill in base.items()}
    # the same three commands in place, one after the other, leave all three results
    in_place = written[(source.name, "in-place")]
    assert "Findings" in view.sheets(in_place) and view.notes(in_place, "Register")["B4"][0] == "xlreg"


@pytest.mark.libreoffice
def test_libreoffice_opens_every_result(written, libreoffice) -> None:
    results = sorted(written.values())
    converted = libreoffice.convert_many(results, "html")
    for result in results:
        page = lxml.html.fromstring(converted[result].read_bytes())
        text = page.text_content()
        assert "IMP-0005" in text and "Review supplier onboarding checklist" in text, result.name
        if ".overdue." in result.name and "030-richtext" not in result.name:  # its every cell is filled already
            assert len(page.xpath('//td[@bgcolor="#F8CBAD"]')) == 28, result.name
        if ".mark." in result.name:
            assert "Findings" in text and "future-date" in text, result.name
        if ".dashboard." in result.name:  # five items, the first two overdue since 2024, as LibreOffice works out
            figures = " ".join(text.split())
            assert "Items in the register 5 Open items 5 Overdue items 2" in figures, result.name


@pytest.mark.parametrize("action", [*COMMANDS, "clear", "in-place"])
@pytest.mark.parametrize("source", FILES, ids=lambda path: path.stem)
def test_every_result_passes_the_schemas_and_excels_rules(written, source: Path, action: str) -> None:
    """What each command wrote, part by part, against the Office Open XML schemas and Excel's own rules (the
    check finds nothing in the Excel-made originals: tests/test_conformance.py)."""
    from tests.conformance import changed_parts, report

    result = written[(source.name, action)]
    assert report(result, only=changed_parts(source, result)) == []
