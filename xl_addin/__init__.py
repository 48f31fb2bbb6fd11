"""xlreg: templates, checks and review packs for the registers organisations keep in Excel.

For scripts and notebooks::

    import xl_addin
    register = xl_addin.open_register("register.xlsx")
    register.findings(), register.priorities(), register.overdue(), register.to_dataframe()
    xl_addin.validate_dataframe(frame)

The command line is `xlreg` (or `python -m xl_addin`). The API and pandas load on first use, so the command
starts quickly.
"""

from __future__ import annotations

from typing import Any

from xl_addin.version import __version__

__all__ = ["ActionFailed", "RegisterFile", "__version__", "open_register", "validate_dataframe"]
_API = {"open_register", "validate_dataframe", "RegisterFile", "ActionFailed"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from xl_addin import api

        return getattr(api, name)
    raise AttributeError(f"module 'xl_addin' has no attribute {name!r}")
