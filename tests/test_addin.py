"""The built add-in: reproducible, its ribbon valid against Microsoft's customUI 2009/07 schema, every button
wired to a VBA callback that exists and to a Python handler, and its VBA read back, exactly as the repository
holds it, by two independent readers (oletools' olevba, and LibreOffice itself)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.customui import customui_schema
from xl_addin.cli import main
from xl_addin.errors import ActionFailed, WriteRefused
from xl_addin.excel.addin import ovba
from xl_addin.excel.addin.build import (
    RIBBON_MODULE,
    RIBBON_SOURCE,
    RIBBON_XML,
    build_addin,
    find_sources,
    runpython_source,
)
from xl_addin.excel.addin.install import applescript, install, places, settings_text
from xl_addin.excel.ribbon import HANDLERS

CUSTOM_UI = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture(scope="module")
def addin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin"))


def _macros(path: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _lines(source: str) -> list[str]:
    """Source lines without the Attribute header lines that the VBA editor hides."""
    return [line.rstrip() for line in source.replace("\r\n", "\n").split("\n")
            if line.strip() and not line.startswith("Attribute VB_")]


def test_the_build_is_reproducible(addin: Path, tmp_path: Path) -> None:
    again = build_addin(tmp_path)
    assert again.read_bytes() == addin.read_bytes()
    with zipfile.ZipFile(addin) as package:
        assert {"customUI/customUI14.xml", "xl/vbaProject.bin", "xl/workbook.xml"} <= set(package.namelist())
        assert "customUI/customUI.xml" not in package.namelist()
        rels = package.read("_rels/.rels").decode()
        assert 'Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" ' \
               'Target="customUI/customUI14.xml"' in rels
        assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in package.read("[Content_Types].xml").decode()
        assert 'name="_xlreg.conf"' in package.read("xl/workbook.xml").decode()


def test_the_ribbon_is_valid_customui14_and_every_button_is_wired(addin: Path) -> None:
    with zipfile.ZipFile(addin) as package:
        ribbon = etree.fromstring(package.read("customUI/customUI14.xml"))
    schema = customui_schema()
    assert schema.validate(ribbon), schema.error_log
    broken = etree.fromstring(etree.tostring(ribbon).replace(b'size="large"', b'size="enormous"', 1))
    assert not schema.validate(broken)  # the schema check can fail

    tab = ribbon.find(f"{CUSTOM_UI}ribbon/{CUSTOM_UI}tabs/{CUSTOM_UI}tab")
    assert tab is not None and tab.get("label") == "Register"
    buttons = list(ribbon.iter(f"{CUSTOM_UI}button"))
    assert [b.get("label") for b in buttons] == ["Validate", "Clear marks", "Priorities", "Overdue", "Snapshot",
                                                 "Remind owners", "About"]
    for button in buttons:
        assert button.get("imageMso") and button.get("screentip") and button.get("keytip"), button.get("id")

    callbacks = _callbacks(_macros(addin))
    for button in buttons:
        module, _, sub = button.get("onAction").rpartition(".")
        assert (module or RIBBON_MODULE, sub) in callbacks, button.get("onAction")
    assert {button.get("id") for button in buttons} == set(HANDLERS)


def _callbacks(macros: dict[str, str]) -> set[tuple[str, str]]:
    """(module, Sub) for every Sub with the ribbon-callback signature `(control As IRibbonControl)`."""
    signature = re.compile(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*(?:ByRef\s+|ByVal\s+)?\w+\s+As\s+IRibbonControl\s*\)",
                           re.IGNORECASE | re.MULTILINE)
    return {(module, sub) for module, source in macros.items() for sub in signature.findall(source)}


def test_olevba_reads_back_the_repository_sources(addin: Path) -> None:
    sources = find_sources()
    built = _macros(addin)
    template = _macros(sources.template)
    assert set(built) == set(template) - {"RibbonMyAddin"} | {RIBBON_MODULE}
    assert _lines(built[RIBBON_MODULE]) == _lines(RIBBON_SOURCE.read_text(encoding="utf-8"))
    assert _lines(built["xlwings"]) == _lines(runpython_source(sources))
    assert 'Public Const PROJECT_NAME As String = "xlreg"' in built["xlwings"]
    for unchanged in ("ThisWorkbook", "Sheet2", "Dictionary"):
        assert built[unchanged] == template[unchanged]


def test_compression_round_trips_and_oletools_agrees() -> None:
    from oletools.olevba import decompress_stream

    source = runpython_source(find_sources()).encode("cp1252")
    packed = ovba.compress(source)
    assert len(packed) < len(source) / 2
    assert ovba.decompress(packed) == source == bytes(decompress_stream(bytearray(packed)))
    for text in (b"", b"a", b"abc" * 5000, bytes(range(256)) * 16):
        assert ovba.decompress(ovba.compress(text)) == text == bytes(decompress_stream(bytearray(ovba.compress(text))))


def test_the_compound_file_is_strictly_valid(addin: Path) -> None:
    import io

    import olefile

    with zipfile.ZipFile(addin) as package:
        data = package.read("xl/vbaProject.bin")
    container = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_POTENTIAL)
    names = {"/".join(path) for path in container.listdir()}
    assert {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT", f"VBA/{RIBBON_MODULE}", "VBA/xlwings"} <= names
    assert container.openstream("VBA/_VBA_PROJECT").read()[2:4] == b"\xff\xff"  # version: compile from source
    project = container.openstream("PROJECT").read().decode("cp1252")
    assert f"Module={RIBBON_MODULE}" in project and 'Name="xlreg"' in project


@pytest.mark.libreoffice
def test_libreoffice_lists_the_same_modules_and_source(addin: Path, uno_python: Path) -> None:
    script = Path(__file__).with_name("uno_basic.py")
    completed = subprocess.run([str(uno_python), str(script), str(addin)], capture_output=True, text=True,
                               timeout=180, check=False)
    assert completed.returncode == 0, completed.stderr
    libraries = json.loads(completed.stdout)
    assert list(libraries) == ["xlreg"]
    modules = libraries["xlreg"]
    assert set(modules) == set(_macros(addin))

    def basic(source: str) -> list[str]:  # LibreOffice adds two lines of its own in front
        return [line for line in _lines(source) if not line.startswith(("Rem Attribute", "Option VBASupport"))]

    assert basic(modules[RIBBON_MODULE]) == _lines(RIBBON_SOURCE.read_text(encoding="utf-8"))
    assert basic(modules["xlwings"]) == _lines(runpython_source(find_sources()))


def test_install_places_and_settings_file(tmp_path: Path) -> None:
    windows = places("win32", Path("C:/Users/ana"), Path("C:/Users/ana/AppData/Roaming"), code_page="cp1252")
    assert windows.addin == Path("C:/Users/ana/AppData/Roaming/Microsoft/Excel/XLSTART/xlreg.xlam")
    assert windows.settings_file == Path("C:/Users/ana/.xlreg/xlreg.conf")
    mac = places("darwin", Path("/Users/ana"))
    assert mac.settings_file == Path("/Users/ana/Library/Containers/com.microsoft.Excel/Data/xlreg.conf")
    assert mac.interpreter_key == "INTERPRETER_MAC"
    assert mac.applescript_folder == Path("/Users/ana/Library/Application Scripts/com.microsoft.Excel")
    text = settings_text('"INTERPRETER_WIN","C:\\old\\pythonw.exe"\n"SHOW CONSOLE","False"\n', "INTERPRETER_WIN",
                         "C:\\new\\pythonw.exe")
    assert text == '"SHOW CONSOLE","False"\n"INTERPRETER_WIN","C:\\new\\pythonw.exe"\n'


def _vba_input(data: bytes, code_page: str) -> dict[str, str]:
    """The settings as VBA's `Input #` reads them on Windows: bytes in the ANSI code page, two quoted fields."""
    found = {}
    for line in data.decode(code_page).splitlines():
        key, value = line.split('","')
        found[key.strip('"')] = value.strip('"')
    return found


def test_macos_install_puts_xlwings_applescript_where_runpython_calls_it(addin: Path, tmp_path: Path) -> None:
    target = places("darwin", tmp_path / "home")
    lines = install(addin, target, Path("/Users/ana/.venv/bin/python"))
    version = re.search(r'Public Const XLWINGS_VERSION As String = "([^"]+)"', _macros(addin)["xlwings"])
    assert version is not None
    script = target.applescript_folder / f"xlwings-{version.group(1)}.applescript"  # AppleScriptTask's name
    assert script.read_bytes() == applescript().read_bytes()
    assert target.addin.read_bytes() == addin.read_bytes()
    assert any("AppleScript" in line for line in lines)
    assert _vba_input(target.settings_file.read_bytes(), "utf-8")["INTERPRETER_MAC"] == "/Users/ana/.venv/bin/python"


def test_a_non_ascii_interpreter_path_reads_back_in_the_code_page_vba_uses(addin: Path, tmp_path: Path) -> None:
    target = places("win32", tmp_path / "home", tmp_path / "roaming", code_page="cp1252")
    python = Path("C:/Users/José/.venv/Scripts/pythonw.exe")
    install(addin, target, python)
    data = target.settings_file.read_bytes()
    assert b"Jos\xe9" in data  # one byte in the code page, not UTF-8's two
    settings = _vba_input(data, "cp1252")
    assert settings["INTERPRETER_WIN"] == str(python)
    assert settings["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"  # a module beside a register cannot shadow xlreg
    install(addin, target, python)  # again: one line per key, still readable
    assert _vba_input(target.settings_file.read_bytes(), "cp1252") == settings
    target.addin.unlink()
    with pytest.raises(ActionFailed, match=r"cannot write every character of that folder's name"):
        install(addin, target, Path("C:/Users/\u5f20\u4f1f/python.exe"))
    assert not target.addin.exists()  # refused before anything was copied


def test_install_while_excel_holds_the_add_in_says_to_close_excel(addin: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from xl_addin.workbook.writing import atomic

    def refused(source: Path, target: Path) -> None:
        raise WriteRefused(f"Permission denied: {target}")

    monkeypatch.setattr(atomic, "copy_new_file", refused)
    with pytest.raises(ActionFailed, match="close Excel, then run xlreg addin install again"):
        install(addin, places("win32", tmp_path, tmp_path, code_page="cp1252"), Path("C:/Python/pythonw.exe"))


def test_the_ribbon_module_checks_for_a_workbook_before_calling_python(addin: Path) -> None:
    module = _lines(_macros(addin)[RIBBON_MODULE])
    body = module[module.index("Public Sub OnRegisterButton(control As IRibbonControl)"):]
    calls = [index for index, line in enumerate(body) if line.strip().startswith("RunPython ")]
    checks = [index for index, line in enumerate(body) if "If ActiveWorkbook Is Nothing Then" in line]
    assert len(calls) == 1 and checks and checks[0] < calls[0]
    assert any("ActiveProtectedViewWindow" in line for line in body)  # Protected View: no active workbook either
    assert any('control.Id = "snapshot" And ActiveWorkbook.Path = ""' in line for line in body)


def test_unused_directory_entries_have_no_siblings(addin: Path) -> None:
    import struct

    import olefile

    with zipfile.ZipFile(addin) as package:
        data = package.read("xl/vbaProject.bin")
    container = olefile.OleFileIO(io.BytesIO(data))
    used = len([entry for entry in container.direntries if entry is not None])
    sector = struct.unpack_from("<I", data, 0x30)[0]
    chain = []
    while sector < 0xFFFFFFFA:
        chain.append(sector)
        sector = container.fat[sector]
    raw = b"".join(data[512 * (s + 1):512 * (s + 2)] for s in chain)
    entries = [raw[offset:offset + 128] for offset in range(0, len(raw), 128)]
    unused = entries[used:]
    assert unused and all(struct.unpack_from("<III", entry, 68) == (0xFFFFFFFF,) * 3 for entry in unused)
    assert all(entry[:64] == bytes(64) and entry[66] == 0 for entry in unused)


def test_the_tab_key_tip_does_not_start_like_one_of_excel_s_own() -> None:
    ribbon = etree.fromstring(RIBBON_XML.read_bytes())
    keytip = ribbon.find(f"{CUSTOM_UI}ribbon/{CUSTOM_UI}tabs/{CUSTOM_UI}tab").get("keytip")
    # File, Home, Insert, Draw, Page Layout, Formulas, Data, Review, View, Developer, Help, Automate...
    assert keytip and keytip[0] not in "FHNJPMARWLYBEQS"


def test_install_on_linux_says_excel_is_needed(capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("install", "remove", "status"):
        assert main(["addin", action]) == 2
        assert "needs Excel for Windows or macOS" in capsys.readouterr().err


def test_addin_build_command(tmp_path: Path) -> None:
    import io

    out = io.StringIO()
    assert main(["addin", "build", "--out", str(tmp_path)], out=out) == 0
    assert (tmp_path / "xlreg.xlam").is_file() and "Built" in out.getvalue()
    shutil.rmtree(tmp_path)
