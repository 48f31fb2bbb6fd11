"""Read the Basic (VBA) modules of a workbook through LibreOffice itself: run with the system Python that has
LibreOffice's `uno` module (Debian: python3-uno), not the project's virtual environment.

    /usr/bin/python3 tests/uno_basic.py WORKBOOK.xlam

Prints JSON: {library: {module: source}}. Starts its own headless soffice with a throw-away profile.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from uno_office import desktop, prop  # beside this script, which runs outside the package


def main(path: Path) -> None:
    with desktop() as office:
        document = office.loadComponentFromURL(
            path.resolve().as_uri(), "_blank", 0,
            (prop("Hidden", True), prop("FilterName", "Calc MS Excel 2007 VBA XML"), prop("MacroExecutionMode", 0)))
        libraries = document.BasicLibraries
        found = {}
        for name in libraries.getElementNames():
            if name == "Standard":
                continue
            libraries.loadLibrary(name)
            library = libraries.getByName(name)
            found[name] = {module: library.getByName(module) for module in library.getElementNames()}
        document.close(True)
        print(json.dumps(found))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
