"""Generate the hostile, broken and odd workbook corpus: python tests/hostile/build_corpus.py [FOLDER]

Every case is made here from code (no hand-made binaries), with what `xlreg validate` must answer: an exit
code, and either the finding codes expected (at cells where that matters) or words of the one message.
The test suite builds the corpus into a temporary folder; run this to look at the files yourself.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import PatternFill  # noqa: E402
from openpyxl.utils.datetime import CALENDAR_MAC_1904  # noqa: E402
from openpyxl.worksheet.filters import AutoFilter  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from tests.cases.build_cases import item  # noqa: E402
from xl_addin.resources import default_schema_path  # noqa: E402
from xl_addin.workbook.formats.schema_file import load_schema  # noqa: E402
from xl_addin.workbook.writing.template import build_workbook  # noqa: E402

SCHEMA = load_schema(default_schema_path())
NAMES = [column.name for column in SCHEMA.columns]
EXCEL_MAX_ROW = 1_048_576


@dataclass
class Case:
    """One corpus file and what validating it must give."""

    name: str
    build: Callable[[Path], None]
    exit_code: int
    codes: Sequence[str] = ()  # finding codes expected, each "code" or "code@Sheet!A1"
    message: str = ""  # words the report must contain
    suffix: str = ".xlsx"
    writable: bool = True  # a register that priorities --in-place can rewrite
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return self.name + self.suffix


def items(count: int = 3) -> list[dict[str, Any]]:
    return [item(number) for number in range(1, count + 1)]


def save_register(path: Path, rows: Sequence[dict[str, Any]], *, extra_rows: int = 5) -> Workbook:
    workbook = build_workbook(SCHEMA, items=rows, rows=len(rows) + extra_rows)
    workbook.save(path)
    return workbook


def plain_sheet(sheet: Worksheet, headers: Sequence[Any], rows: Sequence[dict[str, Any]], *,
                header_row: int = 1) -> None:
    """A register with no table: header cells as given (possibly odd), values by schema name in that order."""
    for index, name in enumerate(headers, start=1):
        sheet.cell(header_row, index, name)
    for offset, values in enumerate(rows, start=header_row + 1):
        for index, name in enumerate(NAMES, start=1):
            if name in values:
                cell = sheet.cell(offset, index, values[name])
                if isinstance(values[name], dt.date):
                    cell.number_format = "yyyy-mm-dd"


def plain_workbook(path: Path, rows: Sequence[dict[str, Any]], *, headers: Sequence[Any] = NAMES,
                   header_row: int = 1, prepare: Callable[[Worksheet], None] | None = None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Improvements"
    plain_sheet(sheet, headers, rows, header_row=header_row)
    if prepare:
        prepare(sheet)
    workbook.save(path)


def rewrite_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of a zip package in place (everything else copied unchanged)."""
    source = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry)
            new.writestr(entry, change(data) if entry.filename == part else data)


# --- the package ---------------------------------------------------------------------------------------------

def not_a_zip(path: Path) -> None:
    path.write_text("ID,Description\nIMP-0001,This is a CSV file named .xlsx\n", encoding="utf-8")


def zip_not_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "just a zip")


def truncated(path: Path) -> None:
    save_register(path, items(20))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def xls_renamed(path: Path) -> None:
    # An OLE2 compound file header, as every .xls starts, then padding: what Excel 97-2003 files look like.
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900")
    path.write_bytes(header + bytes(4096 - len(header)))


def ods_renamed(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content xmlns:office='urn:oasis:names:tc:"
                                        "opendocument:xmlns:office:1.0'/>")


def encrypted(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.with_name("plain-" + path.name)
    save_register(plain, items())
    with plain.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    plain.unlink()


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
          '<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>')
EXTERNAL = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_doctype(doctype: str, entity: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        text = data.decode("utf-8")
        declaration = re.match(r"<\?xml[^>]*\?>", text)
        end = declaration.end() if declaration else 0
        text = text[:end] + doctype + text[end:]
        # use the entity in the first text or value, so a parser that expanded it would blow up
        text = re.sub(r"<(t|v)>[^<]*</\1>", lambda m: f"<{m.group(1)}>{entity}</{m.group(1)}>", text, count=1)
        return text.encode("utf-8")
    return change


def entity_in(part: str, doctype: str, entity: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        plain_workbook(path, items())
        if part == "xl/sharedStrings.xml":
            _shared_strings(path)
        rewrite_part(path, part, _with_doctype(doctype, entity))
    return build


def _shared_strings(path: Path) -> None:
    """Move the sheet's inline strings into a sharedStrings part, as Excel stores them (openpyxl writes them
    inline), so that part can be attacked."""
    strings: list[str] = []

    def share(match: re.Match[bytes]) -> bytes:
        strings.append(match.group(2).decode("utf-8"))
        return match.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    source = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="inlineStr"><is><t>([^<]*)</t></is></c>',
                              share, data)
            elif entry.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"'
                                    b"/></Types>")
            elif entry.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdShared" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                                    b'Target="sharedStrings.xml"/></Relationships>')
            new.writestr(entry, data)
        items_xml = "".join(f"<si><t>{text}</t></si>" for text in strings)
        new.writestr("xl/sharedStrings.xml",
                     '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
                     f'openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
                     f'uniqueCount="{len(strings)}">{items_xml}</sst>')


def zip_bomb(path: Path) -> None:
    """A valid sheet padded with 96 MB of spaces: about 100 KB compressed, a ratio near 1,000."""
    plain_workbook(path, items())
    source = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry)
            if entry.filename != "xl/worksheets/sheet1.xml":
                new.writestr(entry, data)
                continue
            bomb = zipfile.ZipInfo(entry.filename)
            bomb.compress_type = zipfile.ZIP_DEFLATED
            with new.open(bomb, "w", force_zip64=True) as stream:
                head, tail = data.split(b"<sheetData>", 1)
                stream.write(head + b"<sheetData>")
                for _ in range(96):
                    stream.write(b" " * (1 << 20))
                stream.write(tail)


# --- the layout ----------------------------------------------------------------------------------------------

def formatted_to_last_row(path: Path) -> None:
    def prepare(sheet: Worksheet) -> None:
        fill = PatternFill("solid", fgColor="FFFFFF00")
        for column in range(1, 21):
            sheet.cell(EXCEL_MAX_ROW, column).fill = fill
        sheet.cell(EXCEL_MAX_ROW, 1).number_format = "@"
    plain_workbook(path, items(30), prepare=prepare)


def hidden_rows_and_columns(path: Path) -> None:
    def prepare(sheet: Worksheet) -> None:
        sheet.row_dimensions[3].hidden = True
        sheet.column_dimensions["F"].hidden = True
    plain_workbook(path, items(4), prepare=prepare)


def filtered_table(path: Path) -> None:
    workbook = build_workbook(SCHEMA, items=[item(1), item(2, "In progress"), item(3)], rows=5)
    sheet = workbook[SCHEMA.sheet]
    table = sheet.tables[SCHEMA.table]
    table.autoFilter = AutoFilter(ref=table.ref)
    table.autoFilter.add_filter_column(NAMES.index("Status"), ["Planned"])
    sheet.row_dimensions[3].hidden = True
    workbook.save(path)


def merged_header(path: Path) -> None:
    def prepare(sheet: Worksheet) -> None:
        sheet.merge_cells("A1:B1")  # "ID" now spans the Date raised header, which is lost
    plain_workbook(path, items(), prepare=prepare)


def title_block(path: Path) -> None:
    def prepare(sheet: Worksheet) -> None:
        sheet["A1"] = "Continual improvement register"
        sheet["A2"] = "ISO/IEC 20000-1 clause 10.2"
        sheet["A3"] = "Owner: Quality manager"
    plain_workbook(path, items(), header_row=5, prepare=prepare)


def two_registers(path: Path) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Service desk"
    plain_sheet(first, NAMES, items(2))
    second = workbook.create_sheet("Data centre")
    plain_sheet(second, NAMES, [item(1, Description=None)])  # not checked: the first register is
    workbook.save(path)


def empty_workbook(path: Path) -> None:
    Workbook().save(path)


def header_only(path: Path) -> None:
    plain_workbook(path, [])


# --- the values ----------------------------------------------------------------------------------------------

def formula_errors(path: Path) -> None:
    workbook = build_workbook(SCHEMA, items=items(3), rows=5)
    sheet = workbook[SCHEMA.sheet]
    owner, total = NAMES.index("Owner") + 1, NAMES.index("Priority total") + 1
    for row, column, code in ((2, owner, "#N/A"), (3, total, "#REF!"), (4, owner, "#DIV/0!")):
        cell = sheet.cell(row, column)
        cell.value = code
        cell.data_type = "e"
    workbook.save(path)


def formulas_without_values(path: Path) -> None:
    save_register(path, items(3))  # openpyxl saves Priority total formulas with no cached result


def dates_as_text(path: Path) -> None:
    rows = [item(1, Target_date="25/11/2026"), item(2, Target_date="11/25/2026"), item(3, Target_date="25.11.2026")]
    plain_workbook(path, rows)


def date_system_1904(path: Path) -> None:
    workbook = build_workbook(SCHEMA, items=items(3), rows=5)
    workbook.epoch = CALENDAR_MAC_1904
    workbook.save(path)


def numbers_as_text(path: Path) -> None:
    plain_workbook(path, [item(1, Compliance="2"), item(2)])


def booleans(path: Path) -> None:
    plain_workbook(path, [item(1, Compliance=True), item(2)])


def long_text(path: Path) -> None:
    plain_workbook(path, [item(1, Description="Long " * 6553), item(2)])  # 32,765 characters: Excel's limit


def control_characters(path: Path) -> None:
    plain_workbook(path, [item(1, Description="Pasted from the ticket tool MARKER"), item(2)])
    _shared_strings(path)
    # Excel stores a control character in text as _xHHHH_; openpyxl refuses to write one directly.
    rewrite_part(path, "xl/sharedStrings.xml", lambda data: data.replace(b"MARKER", b"_x0007__x001B_"))


def right_to_left_and_emoji(path: Path) -> None:
    plain_workbook(path, [item(1, Description="تحسين عملية إدارة التغيير 🚀✅", Owner="דנה לוי"), item(2)])


def spaced_choices(path: Path) -> None:
    plain_workbook(path, [item(1, Status=" Planned "), item(2, Source="Internal audit  ")])


def near_duplicate_headers(path: Path) -> None:
    plain_workbook(path, items(2), headers=[*NAMES, "Status "])


def case_duplicate_headers(path: Path) -> None:
    headers = [name.upper() if name == "Owner" else name for name in NAMES] + ["owner"]
    plain_workbook(path, items(2), headers=headers)


def _cell(column: str, row: int) -> str:
    letter = ""
    number = NAMES.index(column) + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letter = chr(65 + rest) + letter
    return f"{letter}{row}"


REFUSED = 2
CASES: list[Case] = [
    Case("not-a-zip", not_a_zip, REFUSED, ["unreadable-file"], "is a text file (CSV), not an Excel workbook",
         writable=False),
    Case("zip-not-workbook", zip_not_workbook, REFUSED, ["unreadable-file"], "it has no workbook part",
         writable=False),
    Case("truncated", truncated, REFUSED, ["unreadable-file"], "damaged", writable=False),
    Case("xls-renamed", xls_renamed, REFUSED, ["unreadable-file"], "Excel 97-2003 (.xls)", writable=False),
    Case("ods-renamed", ods_renamed, REFUSED, ["unreadable-file"], "OpenDocument spreadsheet (.ods)",
         writable=False),
    Case("encrypted", encrypted, REFUSED, ["unreadable-file"], "password-protected", writable=False),
    Case("entities-in-sheet", entity_in("xl/worksheets/sheet1.xml", LAUGHS, "&lol9;"), REFUSED,
         ["unreadable-file"], "document type declaration", writable=False),
    Case("entities-in-shared-strings", entity_in("xl/sharedStrings.xml", LAUGHS, "&lol9;"), REFUSED,
         ["unreadable-file"], "document type declaration", writable=False),
    Case("external-entity-in-shared-strings", entity_in("xl/sharedStrings.xml", EXTERNAL, "&xxe;"), REFUSED,
         ["unreadable-file"], "document type declaration", writable=False),
    Case("entities-in-workbook", entity_in("xl/workbook.xml", LAUGHS, "&lol9;"), REFUSED, ["unreadable-file"],
         "document type declaration", writable=False),
    Case("entities-after-a-comment", entity_in("xl/worksheets/sheet1.xml", "<!-- exported -->" + LAUGHS, "&lol9;"),
         REFUSED, ["unreadable-file"], "document type declaration", writable=False),
    Case("entities-after-a-long-comment",
         entity_in("xl/worksheets/sheet1.xml", "<!-- " + "exported " * 600 + "-->" + LAUGHS, "&lol9;"),
         REFUSED, ["unreadable-file"], "document type declaration", writable=False),
    Case("zip-bomb", zip_bomb, REFUSED, ["unreadable-file"], "zip bomb", writable=False),
    Case("formatted-to-last-row", formatted_to_last_row, 0, [], "30 rows"),
    Case("hidden-rows-and-columns", hidden_rows_and_columns, 0, [], "4 rows"),
    Case("filtered-table", filtered_table, 0, [], "3 rows"),
    Case("merged-header", merged_header, 1, ["missing-column"], "Date raised"),
    Case("title-block", title_block, 0, [], "header in row 5"),
    Case("two-registers", two_registers, 0, [], "sheet Service desk",
         notes="the first sheet whose header matches is the register; the second is not checked"),
    Case("empty-workbook", empty_workbook, REFUSED, ["no-register"], "No register found", writable=False),
    Case("header-only", header_only, 0, ["empty-register"], "0 items"),
    Case("formula-errors", formula_errors, 1,
         [f"formula-error@Register!{_cell('Owner', 2)}", f"formula-error@Register!{_cell('Priority total', 3)}",
          f"formula-error@Register!{_cell('Owner', 4)}"], "#DIV/0!"),
    Case("formulas-without-values", formulas_without_values, 0, [], "3 rows",
         notes="Priority total formulas saved by openpyxl have no cached value; the engine computes totals"),
    Case("dates-as-text", dates_as_text, 1,
         [f"date-as-text@Improvements!{_cell('Target date', row)}" for row in (2, 3, 4)], "2026-11-25"),
    Case("date-system-1904", date_system_1904, 0, [], "3 rows"),
    Case("numbers-as-text", numbers_as_text, 1, [f"number-as-text@Improvements!{_cell('Compliance', 2)}"], ""),
    Case("booleans", booleans, 1, [f"wrong-type@Improvements!{_cell('Compliance', 2)}"], "TRUE"),
    Case("long-text", long_text, 0, [], "2 rows"),
    Case("control-characters", control_characters, 0,
         [f"control-characters@Improvements!{_cell('Description', 2)}"], "U+0007, U+001B"),
    Case("right-to-left-and-emoji", right_to_left_and_emoji, 0, [], "2 rows"),
    Case("spaced-choices", spaced_choices, 0, [], "2 rows",
         notes="leading and trailing spaces are trimmed before checking, as a person reads the cell"),
    Case("near-duplicate-headers", near_duplicate_headers, 1, ["duplicate-column"], "Status"),
    Case("case-duplicate-headers", case_duplicate_headers, 1, ["duplicate-column"], "owner"),
]


def build(folder: Path, cases: Sequence[Case] = CASES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for case in cases:
        path = folder / case.file_name
        case.build(path)
        paths.append(path)
    return paths


@dataclass(frozen=True)
class Run:
    """One whole `xlreg` process: exit code, output, wall time and peak resident memory."""

    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


# Runs a command and reports its peak memory. It must be this small fresh interpreter that starts xlreg:
# a child forked straight from a large test process would count that process's pages as its own.
_MEASURE = ("import json, os, resource, subprocess, sys, time\n"
            "started = time.perf_counter()\n"
            "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
            "seconds = time.perf_counter() - started\n"
            "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(json.dumps({'code': done.returncode, 'seconds': seconds, 'peak_kb': usage.ru_maxrss,\n"
            "                  'out': done.stdout.decode('utf-8', 'replace'),\n"
            "                  'err': done.stderr.decode('utf-8', 'replace')}))\n")


def run_xlreg(*arguments: str, cwd: Path | None = None) -> Run:
    """Run xlreg as its own process; its wall time and peak resident memory are measured around it."""
    import json
    import subprocess

    completed = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "xl_addin", *arguments],
                               capture_output=True, text=True, cwd=cwd, check=True)
    report = json.loads(completed.stdout)
    return Run(report["code"], report["out"], report["err"], report["seconds"], report["peak_kb"] / 1024)


def validate(path: Path) -> Run:
    return run_xlreg("validate", str(path), "--format", "json", "--as-of", "2026-11-25", "--jobs", "1")


def main(arguments: Sequence[str]) -> None:
    import json

    target = Path(arguments[0]) if arguments else Path("hostile-corpus")
    build(target)
    print(f"{'case':38} {'exit':>4} {'seconds':>8} {'peak MB':>8}  outcome")
    for case in CASES:
        run = validate(target / case.file_name)
        try:
            codes = sorted({finding["code"] for result in json.loads(run.out)["files"]
                            for finding in result["findings"]})
        except ValueError:
            codes = ["(no JSON: " + run.err.strip()[:60] + ")"]
        print(f"{case.name:38} {run.code:>4} {run.seconds:8.2f} {run.peak_mb:8.0f}  {', '.join(codes) or 'clean'}")


if __name__ == "__main__":
    main(sys.argv[1:])
