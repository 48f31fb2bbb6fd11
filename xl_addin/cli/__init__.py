"""The `xlreg` command: one module per command or group of commands, wired together in `main`."""

from xl_addin.cli.main import entry_point, main

__all__ = ["entry_point", "main"]
