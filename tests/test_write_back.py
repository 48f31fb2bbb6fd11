"""Writing results back: idempotent, reversible, nothing a person made is lost, refusals change nothing."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests import workbook_features as wf
from tests.helpers import package_parts
from xl_addin import cli, resources
from xl_addin.engine.marks import OVERDUE_COLOUR
from xl_addin.errors import WriteRefused
from xl_addin.workbook.writing import safe_write

AS_OF = "2026-11-25"
ACTIONS = {
    "priorities": ["priorities"],
    "overdue": ["overdue", "--as-of", AS_OF],
    "mark": ["validate", "--mark", "--as-of", AS_OF],
}


def run(*args: str) -> int:
    return cli.main(list(args), out=io.StringIO())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".xlreg-")]


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_twice_equals_once(tmp_path: Path, action: str) -> None:
    first, second = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    assert run(*ACTIONS[action], str(resources.sample_path()), "-o", str(first)) in (0, 1)
    assert run(*ACTIONS[action], str(first), "-o", str(second)) in (0, 1)
    assert package_parts(first) == package_parts(second)


def test_actions_then_clear_restore_the_original_fills_and_notes(tmp_path: Path) -> None:
    original = wf.rich_register(tmp_path)
    before_fills, before_notes = wf.fills(original), wf.notes(original)
    work = tmp_path / "work.xlsx"
    shutil.copyfile(original, work)
    for action in ACTIONS.values():
        assert run(*action, str(work), "--in-place") in (0, 1)
    marked = wf.fills(work)
    assert marked[("Register", "B58")] == ("solid", OVERDUE_COLOUR)  # IMP-0057 is overdue
    assert marked[("Register", "A58")] == before_fills[("Register", "A58")]  # a person's fill stays
    assert "Findings" in openpyxl.load_workbook(work).sheetnames
    assert run("clear", str(work), "--in-place") == 0
    assert wf.fills(work) == before_fills
    assert wf.notes(work) == before_notes
    assert openpyxl.load_workbook(work).sheetnames == openpyxl.load_workbook(original).sheetnames


def test_overdue_highlights_follow_the_as_of_date(tmp_path: Path) -> None:
    work = tmp_path / "work.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    assert run("overdue", str(work), "--in-place", "--as-of", "2026-11-25") == 0
    late = {cell[1] for cell, fill in wf.fills(work).items() if fill[1] == OVERDUE_COLOUR and cell[1][0] == "A"}
    assert run("overdue", str(work), "--in-place", "--as-of", "2026-06-01") == 0
    early = {cell[1] for cell, fill in wf.fills(work).items() if fill[1] == OVERDUE_COLOUR and cell[1][0] == "A"}
    assert early < late and early  # highlights that no longer apply were removed


def _chart_parts(path: Path) -> dict[str, bytes]:
    parts = package_parts(path)
    return {name: data for name, data in parts.items() if name.startswith(("xl/charts/", "xl/drawings/d"))}


@pytest.mark.parametrize("chart", [False, True], ids=["no-chart", "chart-openpyxl-can-carry"])
def test_rich_register_keeps_everything_in_place(tmp_path: Path, chart: bool) -> None:
    original = wf.rich_register(tmp_path, chart=chart)
    before = wf.features(original)
    charts = _chart_parts(original)
    # the sample's Dashboard has three charts of its own; a person's chart is one more
    assert len([name for name in charts if name.startswith("xl/charts/")]) == 3 + chart
    before_values = wf.values(original, "Review notes")
    for action in ACTIONS.values():
        assert run(*action, str(original), "--in-place") in (0, 1)
    after = wf.features(original)
    after.pop("sheets")
    after = {key: value for key, value in after.items() if not key.startswith("Findings")}
    assert {key: before[key] for key in after} == after
    assert [s for s in wf.features(original)["sheets"] if s[0] not in ("Findings", "xlreg_marks")] == \
        [s for s in before["sheets"] if s[0] != "xlreg_marks"]
    assert wf.values(original, "Review notes") == before_values
    assert _chart_parts(original) == charts  # the chart's own parts, byte for byte
    assert list((tmp_path / "xlreg-backups").iterdir())


def _excel_only_chart(path: Path) -> None:
    """Give the chart part an Excel 2016 extension openpyxl does not carry, as charts made in Excel have."""
    rewritten = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/charts/chart"):
                assert data.count(b"</chartSpace>") == 1
                data = data.replace(b"</chartSpace>", b'<extLst><ext uri="{56B9EC1D-385E-4148-901F-78D8002777C0}" '
                                    b'xmlns:c16r3="http://schemas.microsoft.com/office/drawing/2017/03/chart">'
                                    b'<c16r3:dataDisplayOptions16><c16r3:dispNaAsBlank val="1"/>'
                                    b"</c16r3:dataDisplayOptions16></ext></extLst></chartSpace>")
            target.writestr(info, data)
    os.replace(rewritten, path)


def test_a_chart_made_in_excel_is_kept_byte_for_byte(tmp_path: Path) -> None:
    original = wf.rich_register(tmp_path, chart=True)
    _excel_only_chart(original)
    charts = _chart_parts(original)
    for action in [*ACTIONS.values(), ["clear"]]:
        assert run(*action, str(original), "--in-place") in (0, 1)
        assert _chart_parts(original) == charts
    assert leftovers(tmp_path) == []


def test_xlsm_keeps_its_macros(tmp_path: Path) -> None:
    macro = b"\xd0\xcf\x11\xe0 pretend VBA project"
    path = tmp_path / "register.xlsm"
    with zipfile.ZipFile(resources.sample_path()) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.'
                                    b'microsoft.com/office/2006/relationships/vbaProject" '
                                    b'Target="vbaProject.bin"/></Relationships>')
            target.writestr(info, data)
        target.writestr("xl/vbaProject.bin", macro)
    assert run("priorities", str(path), "--in-place") == 0
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/vbaProject.bin") == macro


@pytest.mark.parametrize("action", [*ACTIONS, "clear"])
def test_lock_file_stops_every_in_place_write(tmp_path: Path, action: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "shared register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    (tmp_path / "~$shared register.xlsx").write_bytes(b"owner")
    before = digest(work)
    command = ACTIONS.get(action, ["clear"])
    assert run(*command, str(work), "--in-place") == 2
    assert "is open in Excel" in capsys.readouterr().err
    assert digest(work) == before and leftovers(tmp_path) == []
    # a new workbook can be written from the last saved version
    assert run(*command, str(work), "-o", str(tmp_path / "copy.xlsx")) in (0, 1)
    assert digest(work) == before and (tmp_path / "copy.xlsx").is_file()


class Boom(RuntimeError):
    pass


def _explode(*args: object, **kwargs: object) -> None:
    raise Boom("injected")


@pytest.mark.parametrize("step", ["build", "check", "copymode", "fsync", "backup", "replace", "disk-full",
                                  "permission"])
def test_a_write_interrupted_at_any_step_leaves_the_original_intact(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    before = digest(work)
    if step == "build":
        def half_written(source: Path, marks: object, path: Path, *rest: object) -> None:
            path.write_bytes(b"PK half a workbook")
            raise Boom("injected")
        monkeypatch.setattr(safe_write, "_write_package", half_written)
    elif step == "check":
        monkeypatch.setattr(safe_write, "check_kept", _explode)
    elif step == "copymode":
        monkeypatch.setattr(safe_write.shutil, "copymode", _explode)
    elif step == "fsync":
        monkeypatch.setattr(safe_write, "fsync_file", _explode)
    elif step == "backup":
        monkeypatch.setattr(safe_write, "_backup", _explode)
    elif step == "replace":
        monkeypatch.setattr(safe_write.os, "replace", _explode)
    else:
        error = OSError(28, "No space left on device") if step == "disk-full" else PermissionError(13, "denied")

        def failing(source: Path, marks: object, path: Path, *rest: object) -> None:
            raise error
        monkeypatch.setattr(safe_write, "_write_package", failing)
    monkeypatch.delenv("XLREG_DEBUG", raising=False)
    code = run("priorities", str(work), "--in-place")
    assert code in (2, 3)
    assert digest(work) == before
    assert leftovers(tmp_path) == []


def test_disk_full_and_permission_messages_say_what_happened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    for error, words in [(OSError(28, "No space left on device"), "the disk is full"),
                         (PermissionError(13, "Permission denied"), "permission denied")]:
        def failing(source: Path, marks: object, path: Path, *rest: object, error: OSError = error) -> None:
            raise error
        monkeypatch.setattr(safe_write, "_write_package", failing)
        assert run("overdue", str(work), "--in-place") == 2
        assert f"Could not write register.xlsx: {words}. The original workbook was not changed." in \
            capsys.readouterr().err


def test_refusal_is_an_exception_type_for_other_callers(tmp_path: Path) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    (tmp_path / "~$register.xlsx").write_bytes(b"")
    with pytest.raises(WriteRefused):
        safe_write.refuse_if_locked(work)


# --- the writing commands behave as people expect -------------------------------------------------------------

def test_o_never_overwrites_without_force_and_keeps_the_extension(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"someone's file")
    assert run("priorities", str(resources.sample_path()), "-o", str(out)) == 2
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == b"someone's file"
    assert run("priorities", str(resources.sample_path()), "-o", str(out), "--force") == 0
    assert out.read_bytes()[:2] == b"PK"
    assert run("priorities", str(resources.sample_path()), "-o", str(tmp_path / "out.csv")) == 2
    assert "must be a .xlsx file" in capsys.readouterr().err and not (tmp_path / "out.csv").exists()


def test_in_place_refuses_a_read_only_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    os.chmod(work, 0o444)
    before = digest(work)
    for action in [*ACTIONS.values(), ["clear"]]:
        assert run(*action, str(work), "--in-place") == 2
        assert "is read-only; nothing was changed" in capsys.readouterr().err
    assert digest(work) == before and not (tmp_path / "xlreg-backups").exists() and leftovers(tmp_path) == []


def test_clear_with_nothing_to_clear_changes_nothing(tmp_path: Path) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    stamp = work.stat().st_mtime_ns
    out = io.StringIO()
    assert cli.main(["clear", str(work), "--in-place"], out=out) == 0
    assert "Nothing to clear" in out.getvalue() and "nothing was changed" in out.getvalue()
    assert work.stat().st_mtime_ns == stamp and not (tmp_path / "xlreg-backups").exists()


def test_the_same_action_again_rewrites_nothing(tmp_path: Path) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    assert run("overdue", str(work), "--in-place", "--as-of", AS_OF) == 0
    stamp = work.stat().st_mtime_ns
    backups = sorted((tmp_path / "xlreg-backups").iterdir())
    assert run("overdue", str(work), "--in-place", "--as-of", AS_OF) == 0
    assert work.stat().st_mtime_ns == stamp and sorted((tmp_path / "xlreg-backups").iterdir()) == backups


def test_snapshot_of_a_workbook_open_in_excel_says_it_froze_the_last_saved_version(tmp_path: Path) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    (tmp_path / "~$register.xlsx").write_bytes(b"owner")
    out = io.StringIO()
    assert cli.main(["snapshot", str(work), "--as-of", "2026-11-25T09:00"], out=out) == 0
    assert "the snapshot froze its last saved version" in out.getvalue()


def test_a_protected_register_sheet_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "register.xlsx"
    workbook = openpyxl.load_workbook(resources.sample_path())
    workbook["Register"].protection.sheet = True
    workbook.save(work)
    before = digest(work)
    assert run("overdue", str(work), "--in-place", "--as-of", AS_OF) == 2
    assert "the sheet 'Register' is protected" in capsys.readouterr().err
    assert digest(work) == before and leftovers(tmp_path) == []
