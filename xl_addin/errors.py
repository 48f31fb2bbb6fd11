"""Errors that end an action with a message for people (exit code 2), never a traceback."""

from __future__ import annotations


class ActionFailed(Exception):
    """The action could not run (unreadable file, no register)."""


class WriteRefused(Exception):
    """The workbook was not written; the original is unchanged. The message says why."""


def not_found(kind: str, path: object) -> str:
    """The one wording for a missing input, whatever the command: "File not found: x.xlsx"."""
    return f"{kind} not found: {path}"
