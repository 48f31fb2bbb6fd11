"""Headless Chromium driven over the DevTools protocol on a pipe (no extra package, no network port): a page opened
at a given viewport width, as a phone or a desktop shows it, measured with the browser's own layout, captured as
a screenshot and printed to PDF. A real browser rendering the page, not a parser."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from xl_addin.workbook.writing.pdf_print import find_browser


def browser_or_skip() -> Path:
    """Chromium, Chrome or Edge; missing is a skip on a developer machine and a failure in CI."""
    found = find_browser()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install chromium")
        pytest.skip("no Chromium here (apt-get install chromium)")
    return found


class Page:
    """One page in a headless browser; `evaluate` runs an expression in it, `screenshot` and `pdf` capture it."""

    def __init__(self, browser: Path, url: str, *, width: int, height: int = 900, mobile: bool = False) -> None:
        self._profile = tempfile.mkdtemp(prefix="xlreg-browser-")
        # fd 3: what the browser reads (our commands); fd 4: what it writes (answers and events)
        commands_read, commands_write = os.pipe()
        answers_read, answers_write = os.pipe()
        arguments = [str(browser), "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     "--remote-debugging-pipe", f"--user-data-dir={self._profile}", "--hide-scrollbars"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            arguments.append("--no-sandbox")

        def wire() -> None:  # in the child: the pipe's ends at the descriptors the browser expects
            reading, writing = os.dup(commands_read), os.dup(answers_write)  # out of the way of 3 and 4 first
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self._process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, preexec_fn=wire,
                                         pass_fds=(3, 4, commands_read, answers_write))
        os.close(commands_read)
        os.close(answers_write)
        self._writer = os.fdopen(commands_write, "wb", buffering=0)
        self._reader = os.fdopen(answers_read, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        target = self._call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self._call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._call("Page.enable", session=True)
        self._call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                   deviceScaleFactor=1, mobile=mobile)
        self._call("Page.navigate", session=True, url=url)
        self._wait_for("Page.loadEventFired")

    def _send(self, method: str, session: bool, **params: Any) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._writer.write(json.dumps(message).encode() + b"\0")
        return self._next_id

    def _messages(self) -> Any:
        while True:
            while b"\0" not in self._buffer:
                chunk = self._reader.read(1 << 16)
                if not chunk:
                    raise RuntimeError("the browser closed its end of the pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            yield json.loads(raw)

    def _call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        wanted = self._send(method, session, **params)
        for message in self._messages():
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
        raise AssertionError("unreachable")

    def _wait_for(self, event: str) -> None:
        for message in self._messages():
            if message.get("method") == event:
                return

    def evaluate(self, expression: str) -> Any:
        result = self._call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page, as tall as it is."""
        data = self._call("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self, path: Path) -> Path:
        """Printed as the browser's print dialogue prints it, with the page's own print styles (A4 from @page)."""
        data = self._call("Page.printToPDF", session=True, preferCSSPageSize=True, printBackground=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self._send("Browser.close", False)
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
        self._writer.close()
        self._reader.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
