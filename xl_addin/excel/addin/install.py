"""Put the add-in where Excel loads it at start-up, and tell its xlwings module which Python to run.

Windows: %APPDATA%\\Microsoft\\Excel\\XLSTART\\xlreg.xlam, settings in %USERPROFILE%\\.xlreg\\xlreg.conf.
macOS: Excel's sandboxed start-up folder, settings in ~/Library/Containers/com.microsoft.Excel/Data/xlreg.conf
(the places xlwings' VBA looks, with the add-in's project name xlreg). Elsewhere Excel does not run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from xl_addin.errors import ActionFailed
from xl_addin.excel.addin.build import ADDIN_FILE, PROJECT_NAME


class ExcelNotAvailable(ActionFailed):
    """This system has no desktop Excel to install the add-in into."""


@dataclass(frozen=True)
class AddinPlaces:
    startup_folder: Path
    settings_file: Path
    interpreter_key: str

    @property
    def addin(self) -> Path:
        return self.startup_folder / ADDIN_FILE


def places(platform: str, home: Path, appdata: Path | None = None) -> AddinPlaces:
    if platform.startswith("win"):
        roaming = appdata or home / "AppData" / "Roaming"
        return AddinPlaces(roaming / "Microsoft" / "Excel" / "XLSTART",
                           home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf", "INTERPRETER_WIN")
    if platform == "darwin":
        office = home / "Library" / "Group Containers" / "UBF8T346G9.Office"
        return AddinPlaces(office / "User Content.localized" / "Startup.localized" / "Excel",
                           home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf",
                           "INTERPRETER_MAC")
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


def current_places() -> AddinPlaces:
    import os

    appdata = os.environ.get("APPDATA")
    return places(sys.platform, Path.home(), Path(appdata) if appdata else None)


def install(built: Path, target: AddinPlaces, python: Path) -> list[str]:
    from xl_addin.workbook.atomic import copy_new_file, write_new_file

    copy_new_file(built, target.addin)
    existing = target.settings_file.read_text(encoding="utf-8") if target.settings_file.is_file() else ""
    text = settings_text(existing, target.interpreter_key, str(python))
    write_new_file(target.settings_file, lambda path: path.write_text(text, encoding="utf-8"))
    return [f"Installed {target.addin}", f"Python for the buttons: {python} (in {target.settings_file})",
            "Restart Excel: the Register tab appears on the ribbon."]


def remove(target: AddinPlaces) -> list[str]:
    if not target.addin.exists():
        return [f"The add-in is not installed ({target.addin} does not exist)."]
    target.addin.unlink()
    return [f"Removed {target.addin}. Close and reopen Excel to drop the Register tab.",
            f"The settings file {target.settings_file} was kept; delete it too to remove every trace."]


def status(target: AddinPlaces) -> list[str]:
    lines = [f"Add-in: {target.addin} ({'installed' if target.addin.exists() else 'not installed'})"]
    if target.settings_file.is_file():
        lines.append(f"Settings: {target.settings_file}")
        lines += [f"  {line}" for line in target.settings_file.read_text(encoding="utf-8").splitlines()]
    else:
        lines.append(f"Settings: {target.settings_file} (not written yet)")
    return lines
