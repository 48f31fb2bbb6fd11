"""Open a workbook in LibreOffice through its UNO bridge, make edits as a person would, recalculate, and read
cells back: run with the system Python that has LibreOffice's `uno` module (Debian: python3-uno).

    /usr/bin/python3 tests/uno_calc.py REQUEST.json

REQUEST: {"workbook": path, "edits": [{"sheet", "cell", "text" | "number" | "date" (YYYY-MM-DD) | "formula"}...],
"read": [{"sheet", "cell"}...], "save_as": optional path of an .xlsx to store the edited workbook}.
Prints JSON: {"values": [number or text, per cell read], "errors": [the error code or null, per cell]}.
"""

import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from uno_office import desktop, prop  # beside this script, which runs outside the package

DATE = 2  # com.sun.star.util.NumberFormat.DATE

VALUE = 1


def main(request_path: Path) -> None:
    from com.sun.star.lang import Locale  # importable once uno_office has imported uno

    request = json.loads(request_path.read_text(encoding="utf-8"))
    with desktop() as office:
        document = office.loadComponentFromURL(Path(request["workbook"]).resolve().as_uri(), "_blank", 0,
                                               (prop("Hidden", True),))
        sheets = document.Sheets
        # a date typed into a cell gets the locale's date format, as LibreOffice gives one typed by a person
        date_format = document.NumberFormats.getStandardFormat(DATE, Locale())
        for edit in request.get("edits", []):
            cell = sheets.getByName(edit["sheet"]).getCellRangeByName(edit["cell"])
            if "number" in edit:
                cell.setValue(edit["number"])
            elif "date" in edit:
                cell.setValue((datetime.date.fromisoformat(edit["date"]) - datetime.date(1899, 12, 30)).days)
                if cell.NumberFormat == 0:  # General: the cell had no format of its own
                    cell.NumberFormat = date_format
            elif "formula" in edit:
                cell.setFormula(edit["formula"])
            else:
                cell.setString(edit["text"])
        document.calculateAll()
        values, errors = [], []
        for wanted in request.get("read", []):
            cell = sheets.getByName(wanted["sheet"]).getCellRangeByName(wanted["cell"])
            error = cell.getError()
            errors.append(error or None)
            is_number = cell.getType().value == "VALUE" or (cell.getType().value == "FORMULA"
                                                             and cell.FormulaResultType2 == VALUE)
            values.append(cell.getValue() if is_number else cell.getString())
        if request.get("save_as"):
            document.storeToURL(Path(request["save_as"]).resolve().as_uri(),
                                (prop("FilterName", "Calc Office Open XML"),))
        document.close(True)
    print(json.dumps({"values": values, "errors": errors}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
