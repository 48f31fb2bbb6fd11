"""Identifier forms: the scheme a register's IDs follow (`IMP-0001` in the template; `CI-001`, `2026/014`,
`OFI-12` or `17` in registers people keep), read from a schema's pattern or inferred from the IDs a register
holds, so that a consistent scheme of its own is never a finding while an ID that breaks it still is, and new
IDs (migrate, import) are made in the same form.

An ID is split into runs of letters, digits and other characters. IDs share a form when their runs line up:
the same kinds in the same order, the same letters and separators. The last run of digits is the counter; the
runs before it keep their width (`2026/014`: a year, a slash, a counter of at least three digits).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_RUNS = re.compile(r"[0-9]+|[A-Za-z]+|[^0-9A-Za-z]+")
_REGEX_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")
_SPLIT = re.compile(r"^(.*?)([0-9]+)$")
# Enough IDs to see a form in; more are sampled evenly (a register of 100,000 rows has one form too).
SAMPLE = 400
# The share of IDs that must follow one form for it to be the register's own.
CONSISTENT = 0.8
MIN_IDS = 2
LONGEST_ID = 40  # longer texts are descriptions, not identifiers


def as_id_text(value: Any) -> str | None:
    """An identifier as text: a whole number as its digits (an ID is a label, 17 and '17' are the same one);
    None for what cannot be an identifier (empty, a date, a long text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        return text if 0 < len(text) <= LONGEST_ID else None
    return None


_PATTERNS: dict[str, re.Pattern[str]] = {}


def compiled(pattern: str) -> re.Pattern[str]:
    found = _PATTERNS.get(pattern)
    if found is None:
        found = _PATTERNS[pattern] = re.compile(pattern)
    return found


@dataclass(frozen=True)
class IdForm:
    """An identifier form: its regular expression and an example; `numbered` when its last run is a counter
    that new IDs continue (at least `digits` wide, followed by `suffix`)."""

    pattern: str
    example: str
    numbered: bool = False
    digits: int = 1
    suffix: str = ""

    def fits(self, value: Any) -> bool:
        return isinstance(value, str) and compiled(self.pattern).search(value) is not None

    def split(self, text: str) -> tuple[str, int] | None:
        """(the text before the counter, the counter) of an ID in this form: CI-017 -> ('CI-', 17)."""
        if not self.numbered or not self.fits(text) or not text.endswith(self.suffix):
            return None
        found = _SPLIT.match(text[:len(text) - len(self.suffix)] if self.suffix else text)
        return (found.group(1), int(found.group(2))) if found else None

    def number(self, text: str) -> int | None:
        split = self.split(text)
        return split[1] if split else None

    def next_ids(self, existing: Iterable[Any], count: int) -> list[str]:
        """`count` new IDs after the highest in this form (after the highest of the latest prefix, where the
        runs before the counter vary: 2026/015 after 2025/101 and 2026/014)."""
        found = [split for value in existing if (text := as_id_text(value)) and (split := self.split(text))]
        start = self.split(self.example) if self.numbered else None
        prefix, top = max(found) if found else ((start[0], 0) if start else ("", 0))
        return [f"{prefix}{number:0{self.digits}d}{self.suffix}" for number in range(top + 1, top + 1 + count)]


def form_of_pattern(pattern: str, example: str = "") -> IdForm:
    """The form a schema's or mapping's pattern states, numbered when its last part is a counter
    (^IMP-[0-9]{4,}$, ^CI-[0-9]+$)."""
    found = re.fullmatch(r"\^(.*)\[0-9\](?:\{(\d+),\d*\}|\+)((?:[A-Za-z_/.-]|\\[./-])*)\$", pattern)
    if found is None:
        return IdForm(pattern, example)
    digits = int(found.group(2) or 1)
    suffix = re.sub(r"\\(.)", r"\1", found.group(3))
    literal = found.group(1)
    if not example and re.fullmatch(r"(?:[A-Za-z_/ -]|\\[./-])*", literal):
        example = re.sub(r"\\(.)", r"\1", literal) + f"{1:0{digits}d}{suffix}"
    return IdForm(pattern, example or pattern, True, digits, suffix)


def _signature(runs: Sequence[str]) -> tuple[str, ...]:
    """What IDs of one form share: digits as a kind, letters and separators as they are written."""
    return tuple("9" if run[0].isdigit() else run for run in runs)


def sample(values: Sequence[Any], size: int = SAMPLE) -> list[Any]:
    """Up to `size` of the values, evenly spread (all of them when there are fewer)."""
    if len(values) <= size:
        return list(values)
    step = len(values) / size
    return [values[int(index * step)] for index in range(size)]


def infer_id_form(values: Sequence[Any]) -> tuple[IdForm | None, float]:
    """The form most of `values` share, and the share of them that follow it (None when there are too few
    identifiers to tell)."""
    texts = [text for value in sample(values) if (text := as_id_text(value)) is not None]
    if len(texts) < MIN_IDS:
        return None, 0.0
    split = [_RUNS.findall(text) for text in texts]
    signature, members = Counter(map(_signature, split)).most_common(1)[0]
    group = [runs for runs in split if _signature(runs) == signature]
    digit_runs = [position for position, kind in enumerate(signature) if kind == "9"]
    counter = digit_runs[-1] if digit_runs else None
    parts: list[str] = []
    width = 1
    for position, kind in enumerate(signature):
        if kind != "9":
            parts.append(_REGEX_SPECIAL.sub(r"\\\1", kind))
            continue
        widths = {len(runs[position]) for runs in group}
        if position == counter:
            # a counter written at one width is padded to it (CI-001); at several, it is not padded (OFI-7, OFI-12)
            width = min(widths) if len(widths) == 1 else 1
            parts.append(f"[0-9]{{{width},}}" if width > 1 else "[0-9]+")
        else:
            parts.append(f"[0-9]{{{widths.pop()}}}" if len(widths) == 1 else "[0-9]+")
    example = min(("".join(runs) for runs in group), key=lambda text: (len(text), text))
    suffix = "".join(signature[counter + 1:]) if counter is not None else ""
    form = IdForm("^" + "".join(parts) + "$", example, counter is not None, width, suffix)
    return form, members / len(texts)


def register_id_form(values: Sequence[Any], schema_pattern: str, *, given: str | None = None) -> IdForm | None:
    """The form a register's IDs are checked against and numbered in when it is not the schema's: the
    mapping's (`given`), else one the IDs themselves follow consistently while most of them do not fit the
    schema's pattern. None: the schema's own form applies."""
    if given:
        return form_of_pattern(given, next((text for value in values if (text := as_id_text(value))
                                            and compiled(given).search(text)), ""))
    texts = [text for value in sample(values) if (text := as_id_text(value)) is not None]
    if len(texts) < MIN_IDS:
        return None
    if schema_pattern:
        fitting = sum(1 for text in texts if compiled(schema_pattern).search(text) is not None)
        if fitting * 2 >= len(texts):
            return None
    form, share = infer_id_form(texts)
    if form is None or share < CONSISTENT or form.pattern == schema_pattern:
        return None
    return form


def looks_like_ids(values: Sequence[Any], *, named: bool) -> bool:
    """Whether a column holds identifiers: filled on most rows, unique, short, and (mostly) in one form. A
    column of whole numbers counts only when its header names an identifier (`named`: "Sr. No."): unique numbers
    are also costs and counts."""
    filled = [value for value in values if value is not None]
    if len(filled) < MIN_IDS or len(filled) < 0.8 * len(values):
        return False
    # a footer or a note below the items may stand in the column too: most of it must be identifiers
    texts = [text for value in filled if (text := as_id_text(value)) is not None]
    if len(texts) < max(MIN_IDS, CONSISTENT * len(filled)):
        return False
    if len(set(texts)) < 0.95 * len(texts):
        return False
    if not named and all(isinstance(value, int) for value in filled if as_id_text(value) is not None):
        return False
    form, share = infer_id_form(texts)
    return form is not None and share >= CONSISTENT and (named or any(char.isalpha() for char in form.example))
