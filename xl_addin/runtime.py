"""What the Python that runs xlreg can do. Under Pyodide (WebAssembly: xlwings Lite, JupyterLite) no thread can be
started, so the work xlreg would hand to a thread beside the main one is done in line there."""

from __future__ import annotations

import sys
from functools import cache


@cache
def can_start_threads() -> bool:
    if sys.platform == "emscripten":  # Pyodide's builds have no threads (RuntimeError: can't start new thread)
        return False
    import threading

    try:
        probe = threading.Thread(target=lambda: None, daemon=True)
        probe.start()
        probe.join()
    except RuntimeError:
        return False
    return True
