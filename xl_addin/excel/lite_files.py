"""The text of the files `xlreg lite` writes: xlwings Lite's main.py (one @script per Register button, each
calling the same handlers as the desktop add-in) and its requirements.txt."""

from __future__ import annotations

from xl_addin.excel.lite import SCRIPTS
from xl_addin.version import __version__


def main_py() -> str:
    scripts = "\n\n".join(
        f'@script\ndef {name}(book: xw.Book):\n    """{doc}"""\n    lite.run(book, "{button}")\n'
        for name, (button, doc) in SCRIPTS.items())
    return (f'"""The Register buttons for xlwings Lite, written by `xlreg lite` (xlreg {__version__}).\n\n'
            "Each script runs one button of the desktop Register tab on this workbook; what a script found is "
            'printed to the Output pane.\n"""\n\n'
            "import xlwings as xw\nfrom xlwings import script\n\nfrom xl_addin.excel import lite\n\n\n"
            f"{scripts}")


def requirements_txt(wheel_url: str | None = None) -> str:
    line = f"xlreg @ {wheel_url}" if wheel_url else f"xlreg=={__version__}"
    return ("# xlwings Lite installs these in the browser (Pyodide); xlwings itself comes with Lite.\n"
            "# xlreg's own dependencies (openpyxl, jsonschema, defusedxml, pandas) follow from its metadata.\n"
            f"{line}\n")
