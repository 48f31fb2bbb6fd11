"""xlreg for scripts and notebooks: open a register, ask it for findings, priorities and overdue items, and
have it as a typed pandas DataFrame; check a DataFrame against a register schema.

The same reader and engine as the `xlreg` command, with no settings file involved: a script says what it
wants. pandas is imported here only, so the command line never pays for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xl_addin import resources
from xl_addin.engine.findings import Finding
from xl_addin.engine.header import match_header
from xl_addin.engine.mapped import with_mapping
from xl_addin.engine.mapping import RegisterMapping
from xl_addin.engine.overdue import DEFAULT_ESCALATION_DAYS, OverdueItem, overdue_items
from xl_addin.engine.priorities import Priorities, compute_priorities
from xl_addin.engine.register import CellError, Register, build_register, kept_columns
from xl_addin.engine.schema import Column, RegisterSchema, RegisterSchemaError
from xl_addin.engine.validate import check_register
from xl_addin.errors import ActionFailed
from xl_addin.ooxml.refs import column_letter
from xl_addin.workbook.formats.mapping_file import load_mapping
from xl_addin.workbook.formats.schema_file import load_schema
from xl_addin.workbook.reading.reader import read_register, workbook_schema

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ActionFailed", "RegisterFile", "RegisterMapping", "open_register", "validate_dataframe"]

FINDING_COLUMNS = ("code", "severity", "cell", "row", "column", "value", "message")
FINDINGS_FRAME_COLUMNS = ("cell", "code", "severity", "message", "item_id", "row", "column", "value")
# Where the sheet a frame came from is kept, so findings on it name the sheet's own cells.
ATTRS_KEY = "xlreg"
SchemaLike = RegisterSchema | str | Path | None


MappingLike = RegisterMapping | str | Path | None


def _schema(schema: SchemaLike, table: str | None = None, mapping: MappingLike = None) -> RegisterSchema:
    if isinstance(schema, RegisterSchema):
        loaded = schema
    else:
        loaded = load_schema(Path(schema) if schema is not None else resources.default_schema_path())
    if table:
        loaded = replace(loaded, table=table)
    if mapping is not None:
        given = mapping if isinstance(mapping, RegisterMapping) else load_mapping(Path(mapping))
        try:
            loaded = with_mapping(loaded, given)
        except RegisterSchemaError as error:
            raise ActionFailed(str(error)) from None
    return loaded


@dataclass(frozen=True)
class RegisterFile:
    """A register read from a workbook: its items, and what the engine says about them."""

    path: Path
    schema: RegisterSchema
    register: Register

    def __len__(self) -> int:
        return len(self.register)

    @property
    def sheet(self) -> str:
        return self.register.sheet

    def findings(self, as_of: dt.date | None = None) -> list[Finding]:
        """Every finding, as `xlreg validate` reports them; `as_of` is the day that counts as today."""
        return check_register(self.register, self.schema, today=as_of or dt.date.today())

    def findings_dataframe(self, as_of: dt.date | None = None) -> pd.DataFrame:
        """The findings as a DataFrame, one row per finding: cell, code, severity, message, the item's ID (blank
        for a finding about the header or the file), row, column and value."""
        import pandas as pd

        id_column = self.schema.role("id")
        ids = dict(zip(self.register.row_numbers, self.register.cells.get(id_column or "", ()), strict=False))
        rows = [(f.cell, f.code, str(f.severity), f.message, _text_or_none(ids.get(f.row)), f.row or None,
                 f.column, f.value) for f in self.findings(as_of)]
        return pd.DataFrame(rows, columns=list(FINDINGS_FRAME_COLUMNS))

    def priorities(self) -> Priorities:
        """Priority totals for every item and ranks for the open ones."""
        return compute_priorities(self.register, self.schema)

    def overdue(self, as_of: dt.date | None = None,
                escalation_days: int = DEFAULT_ESCALATION_DAYS) -> tuple[OverdueItem, ...]:
        """Open items past their target date on `as_of` (default: today)."""
        return overdue_items(self.register, self.schema, as_of=as_of or dt.date.today(),
                             escalation_days=escalation_days)

    def to_dataframe(self) -> pd.DataFrame:
        """Every column of the register, in sheet order: the schema's typed by the schema (dates as datetime64,
        whole numbers such as ratings and totals as nullable integers, choices as categoricals with the schema's
        choices, text as strings), the register's own columns as they are; the sheet row number is the index.
        Priority total is the engine's where the cell holds a formula not yet calculated (a workbook no Excel
        has saved), and Priority rank is the engine's. A value of the wrong kind becomes missing here
        (`findings()` names it)."""
        import pandas as pd

        register = self.register
        cells = dict(register.cells)
        cells.update(self._computed())
        columns = {**{name: number for name, number in register.columns.items()},
                   **_extra_numbers(register)}
        by_name = {column.name: column for column in self.schema.columns}
        data = {name: _typed(cells[name], by_name[name], self.schema) if name in by_name
                else pd.array([_plain_cell(value) for value in register.extras[name]], dtype=object)
                for name in sorted(columns, key=columns.__getitem__) if name in cells or name in register.extras}
        frame = pd.DataFrame(data, index=pd.Index(register.row_numbers, name="row"))
        frame.attrs[ATTRS_KEY] = {"file": register.file, "sheet": register.sheet,
                                  "header_row": register.header_row, "columns": {**register.columns, **columns}}
        return frame


    def _computed(self) -> dict[str, list[Any]]:
        """The priority total where the cell holds a formula with no value yet, and every rank, by the engine."""
        register, schema = self.register, self.schema
        found: dict[str, list[Any]] = {}
        priorities = {item.row: item for item in compute_priorities(register, schema).items}
        total, rank = schema.role("total"), schema.role("rank")
        if total and total in register.columns:
            letter = column_letter(register.columns[total])
            pending = _uncalculated(self.path, register.sheet, {letter})
            found[total] = [priorities[row].total if value is None and (letter, row) in pending else value
                            for row, value in zip(register.row_numbers, register.cells[total], strict=True)]
        if rank and rank in register.columns:
            found[rank] = [priorities[row].rank for row in register.row_numbers]
        return found


def _uncalculated(path: Path, sheet: str, letters: set[str]) -> set[tuple[str, int]]:
    import zipfile

    from xl_addin.ooxml.package import formulas_without_values

    try:
        with zipfile.ZipFile(path) as archive:
            return formulas_without_values(archive, sheet, letters)
    except (OSError, zipfile.BadZipFile, KeyError):
        return set()


def _extra_numbers(register: Register) -> dict[str, int]:
    """The register's own columns (read with its extras) by their sheet column number."""
    return {name: number for name, number in kept_columns(register.layout).items() if name in register.extras}


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _plain_cell(value: Any) -> Any:
    return value.code if isinstance(value, CellError) else value


def open_register(path: str | Path, schema: SchemaLike = None, table: str | None = None, *,
                  mapping: MappingLike = None) -> RegisterFile:
    """Read the register in a workbook (the table named in the schema, else the first sheet whose header row
    matches). `schema` is a schema file or a loaded schema; default: the improvement register. `mapping` is a
    register mapping file (from `xlreg map`) or a loaded mapping, for a register kept in its own layout and
    words.

    Raises ActionFailed, with a message for people, when the file cannot be read or holds no register.
    """
    loaded = workbook_schema(Path(path), _schema(schema, table, mapping))
    register = read_register(Path(path), loaded, name=str(path), extras=True)
    if isinstance(register, Finding):
        raise ActionFailed(register.message)
    return RegisterFile(Path(path), loaded, register)


def validate_dataframe(frame: pd.DataFrame, schema: SchemaLike = None, *,
                       as_of: dt.date | None = None) -> pd.DataFrame:
    """Check a DataFrame whose columns are the register's (matched ignoring case and spacing) against a
    schema; one row per finding: code, severity, cell, row, column, value, message.

    A frame from `RegisterFile.to_dataframe()` keeps its sheet's cells and row numbers; any other frame is
    taken as a sheet whose header is row 1 and whose first column is A.
    """
    import pandas as pd

    loaded = _schema(schema)
    origin = frame.attrs.get(ATTRS_KEY, {})
    header = [str(name) for name in frame.columns]
    if origin:
        numbers = origin["columns"]
        cells_by_column = {numbers.get(name, index): name for index, name in enumerate(header, start=1)}
        first, header_row = 1, origin["header_row"]
        cells = [cells_by_column.get(number) for number in range(1, max(cells_by_column, default=0) + 1)]
        positions = {name: number for number, name in cells_by_column.items()}
        rows = [int(number) for number in frame.index]
    else:
        first, header_row, cells = 1, 1, list(header)
        positions = {name: index for index, name in enumerate(header, start=1)}
        rows = list(range(2, len(frame) + 2))
    layout = match_header(cells, loaded, first_column=first)
    width = max(positions.values(), default=0)
    records = []
    for number, values in zip(rows, frame.itertuples(index=False, name=None), strict=True):
        row: list[Any] = [None] * width
        for name, value in zip(header, values, strict=True):
            row[positions[name] - 1] = _plain(value)
        records.append((number, row))
    register = build_register(origin.get("file", "(DataFrame)"), origin.get("sheet", ""), header_row, layout,
                              records, loaded.computed_columns)
    found = check_register(register, loaded, today=as_of or dt.date.today())
    return pd.DataFrame([(f.code, str(f.severity), f.cell, f.row or None, f.column, f.value, f.message)
                         for f in found], columns=list(FINDING_COLUMNS))


def _typed(values: Sequence[Any], column: Column, schema: RegisterSchema) -> Any:
    import pandas as pd

    spec = schema.document.get("properties", {}).get(column.name, {})
    wanted = spec.get("type")
    if column.kind == "date":
        dates = [value if isinstance(value, dt.date) else None for value in values]
        return pd.to_datetime(pd.Series(dates, dtype=object), errors="coerce").array  # an array: no index to align
    if column.kind == "choice":
        choices = list(column.choices)
        return pd.Categorical([value if value in choices else None for value in values], categories=choices)
    if wanted == "integer" or column.kind in ("rating", "computed"):
        whole = [value if isinstance(value, int) and not isinstance(value, bool) else None for value in values]
        return pd.array(whole, dtype="Int64")
    if wanted == "number":
        numbers = [float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
                   for value in values]
        return pd.array(numbers, dtype="Float64")
    if wanted == "string":
        text = [None if value is None else str(value) for value in values]
        return pd.array(text, dtype="string")
    return pd.array([value.code if isinstance(value, CellError) else value for value in values], dtype=object)


def _plain(value: Any) -> Any:
    """A DataFrame cell as the reader would give it: missing as None, pandas and numpy scalars as Python's."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, pd.Timestamp):
        moment = value.to_pydatetime()
        return moment.date() if moment.time() == dt.time() else moment
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalars
    return value
