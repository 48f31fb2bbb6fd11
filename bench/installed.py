"""Run the benchmarks as an installed xlreg runs: with Python's bytecode caches, which pip writes at install.

A machine that sets PYTHONDONTWRITEBYTECODE (as some CI images do) would otherwise compile every module on every
start, adding about 60 ms to each whole-process figure.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
from pathlib import Path

import xl_addin


def as_installed() -> str:
    """Allow bytecode caches for this process and its children, write them for xlreg, and warm the ones of the
    modules it imports; return a line saying so for the report."""
    was_off = os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None
    sys.dont_write_bytecode = False
    compileall.compile_dir(str(Path(xl_addin.__file__).parent), quiet=1)
    for _ in range(2):  # the dependencies' caches, as a first run writes them
        subprocess.run([sys.executable, "-m", "xl_addin", "validate", str(Path(xl_addin.__file__).parent.parent /
                        "workbook_templates" / "sample_register.xlsx"), "--jobs", "1"], capture_output=True,
                       check=False)
    return ("bytecode caches: on (PYTHONDONTWRITEBYTECODE was set here and is lifted for the benchmark, as an "
            "installed xlreg has them)" if was_off else "bytecode caches: on")
