"""Find and read the register in an .xlsx/.xlsm file, without Excel: python-calamine by default (large sheets
column by column through xlreg's native reader where it is built: columns_grid), openpyxl where calamine cannot
answer (openpyxl_grid)."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from defusedxml import DefusedXmlException

from xl_addin.engine.adopt import adopt
from xl_addin.engine.findings import NO_REGISTER, UNREADABLE_FILE, Finding
from xl_addin.engine.header import HEADER_SEARCH_ROWS, HeaderSearch, match_header, promote_id_column
from xl_addin.engine.register import HeaderLayout, Register, normalise_column, register_from_columns
from xl_addin.engine.schema import RegisterSchema
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits, check_package
from xl_addin.ooxml.package import (
    NotAWorkbook,
    TablePart,
    check_part_names,
    has_error_cells,
    missing_sheet_parts,
    sheet_parts,
    sniff,
    tables,
    workbook_part,
)
from xl_addin.ooxml.refs import range_bounds
from xl_addin.runtime import can_start_threads
from xl_addin.workbook.reading.columns_grid import NATIVE_FROM_BYTES, FormulaErrorsFound, native_sheets
from xl_addin.workbook.reading.grid import Grid

if TYPE_CHECKING:
    from concurrent.futures import Executor


def unreadable(file: str, reason: str) -> Finding:
    """The finding for a file that could not be read at all."""
    return UNREADABLE_FILE.at(file, reason=reason)


# "columns": every sheet the native reader can read is read by it, the rest by calamine (tests compare the two)
ReaderName = Literal["auto", "calamine", "columns", "openpyxl"]


# the sheet XML size from which each way of reading uses the native reader (the others: never)
_NATIVE_FROM: dict[str, int] = {"auto": NATIVE_FROM_BYTES, "columns": 0}


def open_grid(path: Path | BinaryIO, reader: ReaderName = "auto", *, native: Mapping[str, str] | None = None,
              stop_at_errors: bool = False) -> Grid:
    """A grid over the workbook's sheets: calamine where it can read the file, else openpyxl; the `native`
    sheets (sheet -> part) through the native reader where it can (see NativeSheets for `stop_at_errors`)."""
    if reader in ("auto", "calamine") and isinstance(path, Path):
        try:
            from xl_addin.workbook.reading.calamine_grid import CalamineGrid

            return CalamineGrid(path, native=native, stop_at_errors=stop_at_errors)
        except Exception:  # calamine cannot answer for this file; openpyxl will, or will say why not
            if reader == "calamine":
                raise
    from xl_addin.workbook.reading.openpyxl_grid import (
        OpenpyxlGrid,  # only when calamine cannot answer: it loads slowly
    )

    return OpenpyxlGrid(path, native=native)


def workbook_schema(path: Path, schema: RegisterSchema) -> RegisterSchema:
    """The schema a workbook's register is read and checked with: `schema`, with the register's own form where
    the workbook stores one (a register made by xlreg migrate: its ID pattern, its own choices) and no mapping
    gives one. A workbook that cannot be opened gets `schema`: reading it says what is wrong."""
    from xl_addin.workbook.formats.register_form import stored_form, with_stored_form

    try:
        with zipfile.ZipFile(path) as archive:
            return with_stored_form(schema, stored_form(archive))
    except (OSError, zipfile.BadZipFile, EOFError, KeyError, ValueError):
        return schema


def read_register(path: Path, schema: RegisterSchema, *, name: str | None = None, reader: ReaderName = "auto",
                  limits: Limits = DEFAULT_LIMITS, needed: Collection[str] | None = None,
                  extras: bool = False) -> Register | Finding:
    """The register in a workbook, or the one finding that says why there is none. With `needed`, only those
    columns' values are taken (an action that ranks or finds overdue items needs few of them); with `extras`,
    the columns outside the schema are kept too (migrating copies them)."""
    file = name or str(path)
    try:
        sniff(path)
        with zipfile.ZipFile(path) as archive:
            check_package(archive, path.name, limits)
            check_part_names(archive)
            sheets = sheet_parts(archive)
            package = _Package(tables(archive, sheets), dict(missing_sheet_parts(archive, sheets)), needed, extras)
            workbook = archive.read(workbook_part(archive))
            native = native_sheets(archive, sheets, workbook, _NATIVE_FROM[reader]) if reader in _NATIVE_FROM else {}
    except NotAWorkbook as error:
        return unreadable(file, _with_name(str(error), path))
    except (zipfile.BadZipFile, KeyError, EOFError) as error:
        return unreadable(file, f"{path.name} is damaged and cannot be read ({_plain(error, path)}).")
    except DefusedXmlException as error:
        return unreadable(file, f"{path.name} contains XML that is not allowed in a workbook ({error}).")
    if reader != "auto":
        return _read_with(path, ["calamine" if reader == "columns" else reader], package, schema, file, workbook,
                          native)
    # calamine reads #REF! and its kind as empty cells, so a workbook holding error cells is read by openpyxl.
    # Whether it does is a byte search of its sheets, made in a thread while calamine parses (it lets go of
    # the interpreter), so that it costs no time.
    has_errors = _error_scanner().submit(_has_error_cells, path, sheets) if can_start_threads() else \
        _Done(_has_error_cells(path, sheets))
    try:
        found = _read_with(path, ["calamine", "openpyxl"], package, schema, file, workbook, native,
                           stop_at_errors=True)
    except FormulaErrorsFound:  # the native reader met one first: no calamine reading to throw away
        has_errors.cancel()
        return _read_with(path, ["openpyxl"], package, schema, file, workbook, native)
    except BaseException:
        has_errors.cancel()  # one already running finishes on its own
        raise
    if has_errors.result():  # the large sheets through the native reader, read as openpyxl reads them
        return _read_with(path, ["openpyxl"], package, schema, file, workbook, native)
    return found


class _Done:
    """A scan made in line, where no thread can start (Pyodide), answering as a submitted one does."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer

    def result(self) -> bool:
        return self.answer

    def cancel(self) -> bool:
        return False


_scanner: Executor | None = None


def _error_scanner() -> Executor:
    """One thread for the error-cell scans of every file a process reads (a thread per file cost more than
    the scan of a small one). A forked worker starts without it: the parent's thread does not exist there."""
    global _scanner
    if _scanner is None:
        from concurrent.futures import ThreadPoolExecutor  # here: most commands never read a register

        _scanner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlreg-error-cells")
    return _scanner


def _forget_scanner() -> None:
    global _scanner
    _scanner = None


if hasattr(os, "register_at_fork"):  # not on Windows, where workers start afresh
    os.register_at_fork(after_in_child=_forget_scanner)


def _has_error_cells(path: Path, sheets: dict[str, str]) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return has_error_cells(archive, sheets)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        return False  # a damaged sheet: the readers say what is wrong with it


def _read_with(path: Path, readers: list[ReaderName], package: _Package, schema: RegisterSchema, file: str,
               workbook: bytes, native: Mapping[str, str] | None = None,
               stop_at_errors: bool = False) -> Register | Finding:
    """The register read by the first of `readers` that can; a workbook no reader accepts as it is, mended
    where its meaning is plain, or the finding that says why it cannot be read."""
    problem: Exception | None = None
    for attempt in readers:
        try:
            grid = open_grid(path, attempt, native=native, stop_at_errors=stop_at_errors)
        except Exception as error:  # the readers raise many types for damaged packages
            problem = error
            continue
        try:
            return _find_register(grid, package, schema, file)
        except FormulaErrorsFound:
            raise  # read_register reads the workbook as openpyxl does
        except Exception as error:  # calamine reads a sheet only when asked; one it cannot parse, openpyxl may
            problem = error
        finally:
            grid.close()
    tolerant = _tolerant(workbook)
    if tolerant is not None and "openpyxl" in readers:
        return _read_tolerant(path, tolerant, package, schema, file)
    return unreadable(file, f"{path.name} is damaged and cannot be read ({_plain(problem, path)}).")


_STATES = re.compile(rb'(<(?:[\w.-]+:)?sheet\b[^>]*\sstate=")(?!visible"|hidden"|veryHidden")[^"]*"')


def _tolerant(workbook: bytes) -> bytes | None:
    """The workbook part with what no reader accepts but its meaning is plain mended (a sheet state other
    than visible, hidden or veryHidden, such as "show", means visible); None when there is nothing to mend."""
    mended = _STATES.sub(rb'\1visible"', workbook)
    return mended if mended != workbook else None


def _read_tolerant(path: Path, workbook: bytes, package: _Package, schema: RegisterSchema,
                   file: str) -> Register | Finding:
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        book = workbook_part(source)
        for info in source.infolist():
            copy.writestr(info, workbook if info.filename == book else source.read(info))
    buffer.seek(0)
    try:
        grid = open_grid(buffer, "openpyxl")
        try:
            return _find_register(grid, package, schema, file)
        finally:
            grid.close()
    except Exception as error:
        return unreadable(file, f"{path.name} is damaged and cannot be read ({_plain(error, path)}).")


def _with_name(reason: str, path: Path) -> str:
    return reason if path.name in reason else f"{path.name}: {reason}"


def _plain(error: BaseException | None, path: Path) -> str:
    """A library's error in one line, without the file's full path (the message names the file already)."""
    if error is None:
        return "no reader could open it"
    text = str(error).replace(str(path), path.name).replace(str(path.resolve()), path.name)
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return first.rstrip(".")


@dataclass(frozen=True)
class _Package:
    """What the package says before a sheet is read: its tables, and sheets listed whose part is missing."""

    tables: Sequence[TablePart]
    missing: Mapping[str, str]  # sheet -> its missing part
    needed: Collection[str] | None = None  # the columns whose values are wanted (None: all)
    extras: bool = False  # the values of columns outside the schema are wanted too


def _find_register(grid: Grid, package: _Package, schema: RegisterSchema, file: str) -> Register | Finding:
    found = _locate_register(grid, package, schema, file)
    if isinstance(found, Finding):
        return found
    return adopt(found, schema)


def _locate_register(grid: Grid, package: _Package, schema: RegisterSchema, file: str) -> Register | Finding:
    wanted = schema.table.casefold()
    readable = [sheet for sheet in grid.sheet_names if sheet not in package.missing]
    mapping = schema.mapping
    if mapping is not None and mapping.sheet:
        if mapping.sheet not in readable:
            return NO_REGISTER.at(file, reason=f"No register found in {PurePath(file).name}: the mapping "
                                               f"{mapping.source} names the sheet '{mapping.sheet}', which it does not "
                                               f"have (it has {', '.join(readable) or 'no sheets'}).")
        readable = [mapping.sheet]
    if mapping is None or mapping.header_row is None:
        for table in package.tables:
            if table.name.casefold() == wanted and table.sheet in readable and table.header_rows:
                return _read_table(grid, table, schema, file, package)
    search = HeaderSearch(schema, only_row=mapping.header_row if mapping else None)
    for sheet in readable:
        found = search.scan(sheet, grid.rows(sheet, min_row=1, max_row=HEADER_SEARCH_ROWS + 1, min_col=1,
                                             max_col=None))
        if found is not None:
            numbers, columns = grid.columns(sheet, min_row=found.first_item_row, max_row=None, min_col=1,
                                            max_col=found.layout.last_column)
            layout = _with_id_column(found.layout, schema, columns, 1)
            if schema.role("id") and schema.role("id") not in layout.columns and search.only_row is None:
                search.reject(found)  # found by a header naming an identifier, but holding none
                continue
            return register_from_columns(file, sheet, found.row, layout, numbers, columns,
                                         schema.computed_columns, needed=package.needed, extras=package.extras)
    if package.missing:  # the register may have been on a sheet whose part is gone: say that, not "no register"
        sheet, part = next(iter(package.missing.items()))
        return unreadable(file, f"{PurePath(file).name} lists a sheet '{sheet}' whose part {part} is not in the file; "
                                "it was damaged or cut short. Open it in Excel, let Excel repair it, and save it "
                                "again.")
    return search.not_found(file)


def _read_table(grid: Grid, table: TablePart, schema: RegisterSchema, file: str, package: _Package) -> Register:
    first_column, first_row, last_column, last_row = range_bounds(table.ref)
    header = next(grid.rows(table.sheet, min_row=first_row, max_row=first_row, min_col=first_column,
                            max_col=last_column), (first_row, ()))[1]
    layout = match_header(header, schema, first_column=first_column)
    # to the sheet's end: an item typed below the table (LibreOffice does not grow a table as Excel does) is an
    # item, and where the items end is worked out as for any register (engine.extent)
    numbers, columns = grid.columns(table.sheet, min_row=first_row + table.header_rows, max_row=None,
                                    min_col=first_column, max_col=last_column)
    layout = _with_id_column(layout, schema, columns, first_column)
    register = register_from_columns(file, table.sheet, first_row, layout, numbers, columns, schema.computed_columns,
                                     first_column=first_column, table=table.name, needed=package.needed,
                                     extras=package.extras)
    return replace(register, table_end=last_row)


def _with_id_column(layout: HeaderLayout, schema: RegisterSchema, columns: Sequence[Sequence[Any]],
                    first_column: int) -> HeaderLayout:
    """The layout with the ID column found by what a column holds where no header names it as the schema does
    ("Risk ID", "Sr. No." holding unique identifiers)."""
    return promote_id_column(layout, schema.role("id"),
                             lambda number: normalise_column(columns[number - first_column])
                             if 0 <= number - first_column < len(columns) else [])
