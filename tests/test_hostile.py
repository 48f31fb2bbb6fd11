"""Hostile, broken and odd workbooks: each gives its documented finding or message, as a whole process, within
5 s and 500 MB, and no command that refuses to write changes a byte of any file."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.hostile.build_corpus import CASES, Case, build, run_xlreg, validate

SECONDS, PEAK_MB = 5.0, 500.0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    build(folder)
    return folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): _digest(path) for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_case_gives_its_documented_outcome_in_bounded_time_and_memory(case: Case, corpus: Path) -> None:
    path = corpus / case.file_name
    before = _digest(path)
    run = validate(path)
    assert run.seconds <= SECONDS and run.peak_mb <= PEAK_MB, (run.seconds, run.peak_mb)
    assert "Traceback" not in run.err
    assert run.code == case.exit_code, run.out + run.err
    (result,) = json.loads(run.out)["files"]
    found = [(finding["code"], f"{finding['sheet']}!{finding['cell']}") for finding in result["findings"]]
    for expected in case.codes:
        code, _, cell = expected.partition("@")
        assert any(c == code and (not cell or place == cell) for c, place in found), (expected, found)
    assert {code for code, _ in found} == {expected.partition("@")[0] for expected in case.codes}
    words = " ".join(finding["message"] for finding in result["findings"])
    words += f" {result['rows_checked']} rows {result['rows_checked']} items sheet {result['sheet']}"
    words += f" header in row {result['header_row']}"
    assert case.message in words, words
    assert _digest(path) == before


def test_the_zip_bomb_is_refused_from_its_directory_alone(corpus: Path) -> None:
    import zipfile

    with zipfile.ZipFile(corpus / "zip-bomb.xlsx") as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size > 90 * 2**20 and sheet.file_size / sheet.compress_size > 500  # it is a real bomb
    run = validate(corpus / "zip-bomb.xlsx")
    assert run.peak_mb < 150, run.peak_mb  # the 96 MB sheet was never expanded
    assert "zip bomb" in run.out


@pytest.mark.parametrize("case", [case for case in CASES if not case.writable], ids=lambda case: case.name)
def test_writing_commands_refuse_unreadable_files_without_touching_anything(case: Case, corpus: Path,
                                                                            tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / case.file_name
    shutil.copyfile(corpus / case.file_name, path)
    before = _snapshot(folder)
    for command in (["priorities", "--in-place"], ["overdue", "--in-place"], ["validate", "--mark", "--in-place"],
                    ["clear", "--in-place"]):
        run = run_xlreg(command[0], str(path), *command[1:])
        if command[0] == "clear" and list(case.codes) == ["no-register"]:
            # clear goes by the record of xlreg's marks, not by the register: a workbook without either has
            # nothing to clear
            assert run.code == 0 and "Nothing to clear" in run.out, run.out
        else:
            assert run.code == 2, (command, run.out, run.err)
            assert run.err.startswith("xlreg: ") and "Traceback" not in run.err
        assert _snapshot(folder) == before, command  # no backup, no temporary file, no change


def test_every_writing_command_refuses_to_write_into_a_workbook_open_in_excel(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    shutil.copyfile(corpus / "title-block.xlsx", path)
    (tmp_path / "~$register.xlsx").write_bytes(b"\x0bAna Costa" + bytes(150))  # what Excel leaves beside it
    before = _snapshot(tmp_path)
    for command in (["priorities", "--in-place"], ["overdue", "--in-place"], ["validate", "--mark", "--in-place"],
                    ["clear", "--in-place"]):
        run = run_xlreg(command[0], str(path), *command[1:])
        assert run.code == 2, (command, run.out, run.err)
        assert "open in Excel" in run.err and "--ignore-lock" in run.err, run.err
        assert _snapshot(tmp_path) == before, command
    # a copy can be written from the last saved version, and the message says which version it is
    run = run_xlreg("validate", str(path), "--mark", "-o", str(tmp_path / "copy.xlsx"))
    assert run.code in (0, 1) and "is open in Excel" in run.out and "last saved version" in run.out, run.out
    assert (tmp_path / "copy.xlsx").is_file() and _snapshot(tmp_path) != before
    # a lock left by a crash can be overridden
    run = run_xlreg("priorities", str(path), "--in-place", "--ignore-lock")
    assert run.code == 0 and "Wrote" in run.out, run.err


def test_size_limits_come_from_the_settings_file(corpus: Path, tmp_path: Path) -> None:
    shutil.copyfile(corpus / "title-block.xlsx", tmp_path / "register.xlsx")
    (tmp_path / "xlreg.toml").write_text("max-total-mb = 0\n", encoding="utf-8")
    run = run_xlreg("validate", "register.xlsx", "--format", "json", cwd=tmp_path)
    assert run.code == 2, run.err
    (finding,) = json.loads(run.out)["files"][0]["findings"]
    assert finding["code"] == "unreadable-file" and "beyond the limit of 0 MB" in finding["message"]
    assert "max-total-mb" in run_xlreg("config", "show", cwd=tmp_path).out


WRITING = (("validate", "--mark"), ("overdue",), ("priorities",), ("clear",))


@pytest.mark.parametrize("case", [case for case in CASES if case.writable], ids=lambda case: case.name)
def test_each_writing_command_writes_or_refuses_in_words_on_every_case_with_a_register(case: Case, corpus: Path,
                                                                                       tmp_path: Path) -> None:
    """validate --mark, overdue, priorities and clear on each: a new workbook written, or a refusal in plain words;
    never "a bug in xlreg" (control characters in a cell reach the Findings sheet and a note)."""
    import contextlib
    import io

    from xl_addin import cli

    for command in WRITING:
        target = tmp_path / f"{command[0]}.xlsx"
        errors, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(errors):
            code = cli.main([command[0], str(corpus / case.file_name), *command[1:], "-o", str(target)], out=out)
        said = out.getvalue() + errors.getvalue()
        assert "bug in xlreg" not in said and "internal error" not in said and "Traceback" not in said, said
        if code == 2:
            assert errors.getvalue().startswith("xlreg: ") and not target.exists(), said
        else:
            assert code in (0, 1) and (target.is_file() or "Nothing to clear" in said), said


@pytest.mark.libreoffice
def test_a_pasted_control_character_is_marked_and_shown_on_the_findings_sheet(corpus: Path, tmp_path: Path,
                                                                               libreoffice: object) -> None:
    import openpyxl

    from xl_addin.ooxml.xml_text import from_xstring

    marked = tmp_path / "marked.xlsx"
    run = run_xlreg("validate", str(corpus / "control-characters.xlsx"), "--mark", "-o", str(marked))
    assert run.code == 0 and "Wrote" in run.out, run.out + run.err  # a warning: exit 0 at the default fail level
    resaved = libreoffice.convert(marked, "xlsx")  # type: ignore[attr-defined]
    findings = openpyxl.load_workbook(resaved)["Findings"]
    header = [cell.value for cell in findings[1]]
    row = {name: value for name, value in zip(header, next(findings.iter_rows(min_row=2, values_only=True)),
                                              strict=True)}
    assert row["Code"] == "control-characters"
    assert from_xstring(row["Value"]) == "Pasted from the ticket tool \x07\x1b"  # the characters themselves
