"""A headless LibreOffice reached through its UNO bridge, for the scripts that drive it (uno_basic, uno_calc):
run with the system Python that has LibreOffice's `uno` module (Debian: python3-uno), not the project's virtual
environment. Each start has a throw-away profile that recalculates every formula of a file it opens."""

import contextlib
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

_RECALCULATE_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


@contextlib.contextmanager
def desktop():
    """LibreOffice's desktop, for the time of the `with` block."""
    pipe = "xlreg" + uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as profile:
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(_RECALCULATE_ALWAYS, encoding="utf-8")
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
            yield context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        finally:
            office.terminate()
            try:
                office.wait(20)
            except subprocess.TimeoutExpired:
                office.kill()
