"""The check of workbooks against the Office Open XML schemas and Excel's rules (tests/conformance.py):
calibrated on the workbooks Excel made (nothing to report), finding each kind of fault planted in a good
workbook, and run over every workbook xlreg makes: the template, the examples, the sample, a snapshot, a migrated
register and an import that grows a register's table and adds a column. The write-back commands' results on
every Excel-made workbook are checked in tests/test_corpus_write.py."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests import ordinary_register
from tests.conformance import report
from tests.feeds import findings_log
from xl_addin import cli, resources

CORPUS = Path(__file__).resolve().parent / "corpus" / "excel-made"
EXCEL_MADE = sorted(CORPUS.glob("*.xls[xm]"))


def run(*argv: str) -> int:
    return cli.main(list(argv), out=io.StringIO())


@pytest.mark.parametrize("path", EXCEL_MADE, ids=lambda path: path.stem)
def test_nothing_is_reported_in_a_workbook_excel_made(path: Path) -> None:
    assert report(path) == []


def _planted(source: Path, target: Path, part: str, change: tuple[str, str]) -> Path:
    """`source` with one part's text changed (old -> new, once), everything else as it was."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                assert change[0] in text, (part, change[0])
                data = text.replace(change[0], change[1], 1).encode("utf-8")
            copy.writestr(info, data)
    return target


PLANTED = {
    "a row out of order": ("xl/worksheets/sheet1.xml", ('<row r="2"', '<row r="9"'), "row 3 comes after row 9"),
    "a style index out of range": ("xl/worksheets/sheet1.xml", (' s="1"', ' s="999"'), "uses format 999"),
    "a table header differing from its column name": ("xl/tables/table1.xml", ('name="Description"',
                                                                               'name="Descriptions"'),
                                                      "column 'Descriptions' is headed 'Description'"),
    "a dangling relationship": ("xl/worksheets/_rels/sheet1.xml.rels", ('Target="/xl/tables/table1.xml"',
                                                                        'Target="/xl/tables/table9.xml"'),
                                "leads to xl/tables/table9.xml, which the package does not have"),
}


@pytest.mark.parametrize("fault", PLANTED, ids=lambda fault: fault.replace(" ", "-"))
def test_each_kind_of_fault_planted_in_the_template_is_reported(fault: str, tmp_path: Path) -> None:
    part, change, words = PLANTED[fault]
    planted = _planted(resources.template_path(), tmp_path / "planted.xlsx", part, change)
    found = report(planted)
    assert any(words in line for line in found), found


def test_a_note_without_its_shape_is_reported(tmp_path: Path) -> None:
    marked = tmp_path / "marked.xlsx"
    assert run("validate", str(resources.sample_path()), "--mark", "-o", str(marked), "--as-of", "2026-11-25") == 1
    assert report(marked) == []
    with zipfile.ZipFile(marked) as archive:
        vml = next(name for name in archive.namelist() if name.endswith(".vml"))
        text = archive.read(vml).decode("utf-8")
    first_note = re.search(r"<x:Row>(\d+)</x:Row>", text)
    assert first_note is not None
    planted = _planted(marked, tmp_path / "planted.xlsx", vml,
                       (first_note.group(0), f"<x:Row>{int(first_note.group(1)) + 500}</x:Row>"))
    found = report(planted)
    assert any("has no VML shape" in line for line in found) and any("has no note" in line for line in found)


def test_the_template_sample_and_examples_pass(tmp_path: Path) -> None:
    made = [resources.template_path(), resources.sample_path()]
    for name in resources.example_names():
        for sample in ((), ("--sample",)):
            target = tmp_path / f"{name}{'-sample' if sample else ''}.xlsx"
            assert run("new", str(target), "--example", name, *sample) == 0
            made.append(target)
    assert {str(path.name): report(path) for path in made} == {str(path.name): [] for path in made}


def test_a_snapshot_a_migrated_register_and_a_grown_import_pass(tmp_path: Path) -> None:
    register = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")
    assert run("snapshot", str(register), "--as-of", "2026-11-25T09:00") == 0
    (snapshot,) = (tmp_path / "snapshots").glob("*.xlsx")
    ordinary = ordinary_register.build_register(tmp_path)
    migrated = tmp_path / "migrated.xlsx"
    assert run("migrate", str(ordinary.path), "-o", str(migrated), "--as-of", "2026-11-25") == 0
    feed = tmp_path / "findings.xlsx"
    findings_log(feed, 40)  # 40 findings: past the 20 rows made ready, so the table grows
    grown = tmp_path / "grown.xlsx"
    assert run("import", str(feed), str(register), "--feed", "findings", "--as-of", "2026-11-25", "-o",
               str(grown)) == 0
    added = tmp_path / "added-column.xlsx"  # the register in its own layout gets a Source ref column
    assert run("import", str(ordinary_register.findings_log(tmp_path)), str(ordinary.path), "--feed", "findings",
               "--as-of", "2026-11-25", "-o", str(added)) == 0
    made = [snapshot, migrated, grown, added]
    assert {path.name: report(path) for path in made} == {path.name: [] for path in made}
