"""Read the Basic (VBA) modules of a workbook through LibreOffice itself: run with the system Python that has
LibreOffice's `uno` module (Debian: python3-uno), not the project's virtual environment.

    /usr/bin/python3 tests/uno_basic.py WORKBOOK.xlam

Prints JSON: {library: {module: source}}. Starts its own headless soffice with a throw-away profile.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main(path: Path) -> None:
    pipe = "xlreg" + uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as profile:
        office = subprocess.Popen(
            ["soffice", "--headless", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation={Path(profile).as_uri()}", f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "HOME": profile})
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            for _ in range(120):
                try:
                    context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except NoConnectException:
                    time.sleep(0.5)
            else:
                raise SystemExit("LibreOffice did not start")
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            document = desktop.loadComponentFromURL(
                path.resolve().as_uri(), "_blank", 0,
                (prop("Hidden", True), prop("FilterName", "Calc MS Excel 2007 VBA XML"),
                 prop("MacroExecutionMode", 0)))
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
        finally:
            office.terminate()
            try:
                office.wait(20)
            except subprocess.TimeoutExpired:
                office.kill()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
