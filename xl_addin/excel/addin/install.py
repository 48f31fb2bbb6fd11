"""Put the add-in where Excel loads it at start-up, and tell its xlwings module which Python to run.

Windows: %APPDATA%\\Microsoft\\Excel\\XLSTART\\xlreg.xlam, settings in %USERPROFILE%\\.xlreg\\xlreg.conf.
macOS: Excel's sandboxed start-up folder, settings in ~/Library/Containers/com.microsoft.Excel/Data/xlreg.conf,
and xlwings' AppleScript in ~/Library/Application Scripts/com.microsoft.Excel (RunPython starts Python through
it, as `xlwings runpython install` sets up). These are the places xlwings' VBA looks, with the add-in's project
name xlreg. Elsewhere Excel does not run.

The settings file is read by VBA's `Input #`, which reads the system's ANSI code page on Windows: it is written
in that encoding (as xlwings writes its own), and a Python path the code page cannot hold is refused at install
rather than garbled at the first click.
"""

from __future__ import annotations

import locale
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from xl_addin.errors import ActionFailed, WriteRefused
from xl_addin.excel.addin.build import ADDIN_FILE, PROJECT_NAME


class ExcelNotAvailable(ActionFailed):
    """This system has no desktop Excel to install the add-in into."""


@dataclass(frozen=True)
class AddinPlaces:
    startup_folder: Path
    settings_file: Path
    interpreter_key: str
    encoding: str  # the settings file's, as VBA reads it
    applescript_folder: Path | None = None  # macOS: where AppleScriptTask finds its scripts

    @property
    def addin(self) -> Path:
        return self.startup_folder / ADDIN_FILE


# Settings written beside the interpreter: a module next to a register must not shadow the engine (xlwings puts
# the workbook's folder on the path unless told not to).
FIXED_SETTINGS = {"ADD_WORKBOOK_TO_PYTHONPATH": "false"}


def windows_code_page() -> str:
    """The ANSI code page of this Windows system (what VBA's `Input #` reads)."""
    return locale.getpreferredencoding(False)


def places(platform: str, home: Path, appdata: Path | None = None, *, code_page: str | None = None) -> AddinPlaces:
    if platform.startswith("win"):
        roaming = appdata or home / "AppData" / "Roaming"
        return AddinPlaces(roaming / "Microsoft" / "Excel" / "XLSTART",
                           home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf", "INTERPRETER_WIN",
                           code_page or windows_code_page())
    if platform == "darwin":
        office = home / "Library" / "Group Containers" / "UBF8T346G9.Office"
        return AddinPlaces(office / "User Content.localized" / "Startup.localized" / "Excel",
                           home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf",
                           "INTERPRETER_MAC", "utf-8",
                           home / "Library" / "Application Scripts" / "com.microsoft.Excel")
    raise ExcelNotAvailable(
        "The Register tab is an Excel add-in and needs Excel for Windows or macOS; this system has neither. "
        "The xlreg command does everything the buttons do: xlreg validate, priorities, overdue, snapshot.")


def interpreter(platform: str, executable: Path) -> Path:
    """On Windows the windowless pythonw.exe beside python.exe, so no console flashes on each click."""
    if platform.startswith("win"):
        windowless = executable.with_name("pythonw.exe")
        if windowless.is_file():
            return windowless
    return executable


def settings_text(existing: str, key: str, value: str) -> str:
    """xlwings' settings file ("KEY","value" per line) with `key` set, other lines kept."""
    lines = [line for line in existing.splitlines() if line and not line.startswith(f'"{key}",')]
    return "\n".join([*lines, f'"{key}","{value}"']) + "\n"


def applescript() -> Path:
    """xlwings' AppleScript for this xlwings version: RunPython calls `xlwings-<version>.applescript`."""
    import xlwings

    script = Path(xlwings.__file__).resolve().parent / f"xlwings-{xlwings.__version__}.applescript"
    if not script.is_file():
        raise ActionFailed(f"xlwings {xlwings.__version__} has no {script.name}; reinstall xlwings.")
    return script


def current_places() -> AddinPlaces:
    import os

    appdata = os.environ.get("APPDATA")
    return places(sys.platform, Path.home(), Path(appdata) if appdata else None)


def _encoded(text: str, target: AddinPlaces, python: Path) -> bytes:
    try:
        return text.encode(target.encoding)
    except UnicodeEncodeError:
        raise ActionFailed(
            f"The Register tab cannot be pointed at {python}: Excel reads its settings in this system's code page "
            f"({target.encoding}), which cannot write every character of that folder's name. Install Python (or "
            "the virtual environment) in a folder whose name it can write, such as C:\\Python, and run "
            "xlreg addin install again from there.") from None


def install(built: Path, target: AddinPlaces, python: Path, *, script: Path | None = None) -> list[str]:
    from xl_addin.workbook.writing.atomic import copy_new_file, write_new_file

    existing = ""
    if target.settings_file.is_file():  # bytes kept as they are where they are not text in this encoding
        existing = target.settings_file.read_bytes().decode(target.encoding, errors="surrogateescape")
    text = settings_text(existing, target.interpreter_key, str(python))
    for key, value in FIXED_SETTINGS.items():
        text = settings_text(text, key, value)
    data = _encoded(text, target, python)
    lines = []
    try:
        copy_new_file(built, target.addin)
        lines.append(f"Installed {target.addin}")
        if target.applescript_folder is not None:
            source = script or applescript()
            target.applescript_folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target.applescript_folder / source.name)
            lines.append(f"RunPython's AppleScript: {target.applescript_folder / source.name}")
        write_new_file(target.settings_file, lambda path: path.write_bytes(data))
    except (WriteRefused, OSError) as error:
        reason = str(error) if isinstance(error, WriteRefused) else (error.strerror or str(error))
        raise ActionFailed(f"{reason}. If Excel is running, it has the add-in open: close Excel, then run xlreg "
                           "addin install again.") from None
    return [*lines, f"Python for the buttons: {python} (in {target.settings_file})",
            "Restart Excel: the Register tab appears on the ribbon."]


def remove(target: AddinPlaces) -> list[str]:
    if not target.addin.exists():
        return [f"The add-in is not installed ({target.addin} does not exist)."]
    try:
        target.addin.unlink()
    except OSError as error:
        raise ActionFailed(f"{target.addin} could not be removed ({error.strerror or error}). If Excel is running, "
                           "it has the add-in open: close Excel, then run xlreg addin remove again.") from None
    kept = [f"The settings file {target.settings_file} was kept; delete it too to remove every trace."]
    if target.applescript_folder is not None:
        kept.append(f"xlwings' AppleScript in {target.applescript_folder} was kept: other xlwings add-ins use it.")
    return [f"Removed {target.addin}. Close and reopen Excel to drop the Register tab.", *kept]


def status(target: AddinPlaces) -> list[str]:
    lines = [f"Add-in: {target.addin} ({'installed' if target.addin.exists() else 'not installed'})"]
    if target.settings_file.is_file():
        lines.append(f"Settings: {target.settings_file}")
        text = target.settings_file.read_bytes().decode(target.encoding, errors="replace")
        lines += [f"  {line}" for line in text.splitlines()]
    else:
        lines.append(f"Settings: {target.settings_file} (not written yet)")
    if target.applescript_folder is not None:
        scripts = sorted(target.applescript_folder.glob("xlwings-*.applescript"))
        lines.append(f"AppleScript: {', '.join(str(s) for s in scripts) or 'none (run xlreg addin install)'}")
    return lines
