"""The proposed mapping as a TOML file for a person to check and edit (read back by workbook.mapping_file)."""

from __future__ import annotations

import json
from pathlib import PurePath

from xl_addin.engine.proposal import ColumnMatch, Proposal, WordMatch
from xl_addin.engine.schema import RegisterSchema

_COMMENT_AT = 44


def _string(text: str) -> str:
    # a JSON string is a TOML basic string (the same escapes)
    return json.dumps(text, ensure_ascii=False)


def _line(assignment: str, comment: str) -> str:
    return f"{assignment:<{_COMMENT_AT}} # {comment}" if comment else assignment


def _column_comment(match: ColumnMatch) -> str:
    if match.how == "name":
        return "same name"
    if match.how == "alias":
        return f"a name the schema knows for {match.target}"
    if match.how == "mapping":
        return "from the mapping given"
    if match.how == "similar":
        return f"similar name, {match.sureness:.0%} sure: check"
    if match.how == "content":
        return "holds the items' identifiers (short, unique, one form): check"
    return "no schema column found: kept as an extra column, not checked"


def _word_comment(match: WordMatch) -> str:
    cells = f"{match.count} cell{'s' if match.count != 1 else ''}"
    if match.how == "value map":
        return f"{cells}; the schema's value map"
    if match.how == "mapping":
        return f"{cells}; from the mapping given"
    if match.how == "similar":
        return f"{cells}; similar word: check"
    if match.how == "case":
        return f"{cells}; the choice written in another case or spacing"
    return f"{cells}; no choice found: pick one, or leave it empty to have it reported"


_PARTS_HELP = "open, on hold, completed or cancelled"


def _header_line(proposal: Proposal) -> str:
    if proposal.header_basis == "guessed":
        return ("guessed: no row names enough of the schema's columns; the row of text that names the most of "
                "them. Check that it is the header and not an item")
    if proposal.header_basis == "given":
        return "as given"
    return "the row of the headers (the upper one of a two-row header)"


def _items(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def mapping_toml(proposal: Proposal, schema: RegisterSchema) -> str:
    """The TOML text: the header lines, the columns, the words of each choice column, with why each was chosen."""
    name = PurePath(proposal.file).name
    two_rows = " (and the row below it: a two-row header)" if proposal.header_rows == 2 else ""
    lines = [
        f"# How {name} reads as the {schema.title}, proposed by `xlreg map`.",
        f"# Sheet '{proposal.sheet}', header in row {proposal.header_row}{two_rows}, {_items(proposal.items)}.",
        "# Check each line marked 'check', change what is wrong, then use it where the register is:",
        f"#   xlreg validate \"{name}\" --mapping THIS_FILE.toml",
        "# or copy the register into the template, keeping every column:",
        f"#   xlreg migrate \"{name}\" --mapping THIS_FILE.toml -o NEW_REGISTER.xlsx",
        "",
        f"sheet = {_string(proposal.sheet)}",
        _line(f"header-row = {proposal.header_row}", _header_line(proposal)),
    ]
    if proposal.below:
        lines.append(f"# Below the items, not items: {proposal.below}.")
    if proposal.dates.order:
        lines.append(_line(f"date-order = {_string(proposal.dates.order)}", proposal.dates.describe()))
    else:
        lines.append(f"# date-order = \"dmy\"  (or \"mdy\", \"ymd\"): {proposal.dates.describe()}")
    id_column = schema.role("id")
    if proposal.id_form is not None:
        lines.append(_line(f"id-pattern = {_string(proposal.id_form.pattern)}",
                           f"the form of its {proposal.ids} IDs, such as {proposal.id_form.example}: kept, "
                           "and new IDs made in it"))
    elif id_column and schema.column(id_column).pattern and proposal.ids:
        lines.append(f"# id-pattern: its IDs follow the schema's form ({schema.column(id_column).example})")
    lines += ["", "[columns]", "# \"header in the file\" = \"column of the schema\"; \"\" keeps the column as an extra "
                               "column (copied, not checked)"]
    lines += [_line(f"{_string(match.header)} = {_string(match.target or '')}", _column_comment(match))
              for match in proposal.columns]
    if proposal.lacking:
        lines.append(f"# No header was taken for: {', '.join(proposal.lacking)}.")
    by_column: dict[str, list[WordMatch]] = {}
    for match in proposal.words:
        if match.choice:
            by_column.setdefault(match.column, []).append(match)
    for column, words in by_column.items():
        lines += ["", f"[values.{_string(column)}]",
                  f"# \"word in the register\" = \"choice\"; the choices: {', '.join(schema.column(column).choices)}"]
        lines += [_line(f"{_string(match.word)} = {_string(match.choice or '')}", _word_comment(match))
                  for match in words]
    own = [match for match in proposal.words if match.choice is None and match.part is None]
    if own:
        lines += ["", "[choices]", "# words of the register's own, kept as choices beside the schema's (check: "
                                   "move a word to [values] to read it as one of the schema's choices instead)"]
        grouped: dict[str, list[WordMatch]] = {}
        for match in own:
            grouped.setdefault(match.column, []).append(match)
        lines += [f"{_string(column)} = [{', '.join(_string(m.word) for m in words)}]"
                  for column, words in grouped.items()]
    statuses = [match for match in proposal.words if match.choice is None and match.part is not None]
    if statuses:
        lines += ["", "[statuses]", f"# statuses of the register's own and the part each plays ({_PARTS_HELP})"]
        lines += [_line(f"{_string(match.word)} = {_string(match.part or 'open')}",
                        f"{match.count} cell{'s' if match.count != 1 else ''}; check the part it plays")
                  for match in statuses]
    return "\n".join(lines) + "\n"


def proposal_text(proposal: Proposal) -> str:
    """A short account of the proposal for the terminal."""
    sure = sum(1 for match in proposal.columns if match.target and match.how != "similar")
    similar = [match for match in proposal.columns if match.how == "similar"]
    extra = [match.header for match in proposal.columns if match.target is None]
    guessed = " (guessed: check it)" if proposal.header_basis == "guessed" else ""
    lines = [f"{PurePath(proposal.file).name}: sheet '{proposal.sheet}', header row {proposal.header_row}{guessed}, "
             f"{_items(proposal.items)}.",
             f"  {sure} column(s) matched by name or alias"
             + (f", {len(similar)} by a similar name (check: "
                f"{', '.join(f'{m.header} as {m.target}' for m in similar)})" if similar else "")
             + (f"; kept as extra columns: {', '.join(extra)}" if extra else "") + ".",
             f"  Schema columns not found: {', '.join(proposal.lacking) or 'none'}.",
             f"  Dates: {proposal.dates.describe()}."]
    if proposal.id_form is not None:
        lines.append(f"  IDs: its own form, like {proposal.id_form.example} ({proposal.id_form.pattern}), kept.")
    if proposal.below:
        lines.append(f"  Below the items, not items: {proposal.below}.")
    unmapped = [match for match in proposal.words if match.choice is None]
    if unmapped:
        lines.append(f"  Words kept as the register's own choices: "
                     f"{', '.join(f'{m.word} ({m.column})' for m in unmapped)}.")
    return "\n".join(lines) + "\n"
