#![allow(unexpected_cfgs)] // pyo3 0.17's macros test a cfg that newer compilers list as unknown

//! A worksheet's cells column by column, straight from its SpreadsheetML, for xlreg's reading of large
//! registers: the values python-calamine gives once xlreg has normalised them (numbers, dates, text, booleans),
//! without a Python object per row or per repeated string.
//!
//! It reads a sheet as calamine does, or (for a workbook holding formula errors, which calamine reads as empty
//! cells) as openpyxl does, and only what it can read exactly so. Anything else (an ISO date cell, a duration
//! or a number format it cannot classify, phonetic text, a cell without its reference...) raises
//! `Unsupported`, and xlreg reads that sheet with calamine or openpyxl as before.

use pyo3::create_exception;
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDateTime, PyList};
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::Reader;

create_exception!(xlreg_columns, Unsupported, pyo3::exceptions::PyValueError);
// Read as calamine, a sheet holding a formula error: xlreg reads such a workbook as openpyxl does instead.
create_exception!(xlreg_columns, ErrorCells, Unsupported);

const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
// Serial dates read here: 1900-03-01 (61; below it the 1900 system counts a day that never was) up to 9999-12-31.
const FIRST_SERIAL: f64 = 61.0;
const END_SERIAL: f64 = 2_958_466.0;
const UNIX_EPOCH_SERIAL: i64 = 25_569;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Date,
    Unknown,
}

/// Whose reading of the sheet to give: the two differ in error cells (calamine: empty; openpyxl: the error),
/// in the spaces around a `<t>` (calamine trims them unless xml:space="preserve"), and in which number formats
/// are dates.
#[derive(Clone, Copy, PartialEq)]
enum Like {
    Calamine,
    Openpyxl,
}

enum Cell {
    Empty,
    Number(f64),
    Shared(usize),
    Text(Box<str>),
    Bool(bool),
    Date { days: i64, seconds: u32 },
    Error(Box<str>),
}

/// Why a sheet is left to calamine or openpyxl: what was met, or (reading as calamine) a formula error, for
/// which xlreg reads the workbook as openpyxl does instead.
enum Refused {
    Unsupported(String),
    ErrorCell,
}

type Parsed<T> = Result<T, Refused>;

fn refuse<T>(reason: impl Into<String>) -> Parsed<T> {
    Err(Refused::Unsupported(reason.into()))
}

fn xml_error(error: quick_xml::Error) -> Refused {
    Refused::Unsupported(format!("XML: {error}"))
}

/// Adds a text node's text, with the five entities and character references resolved and its line ends
/// as an XML parser gives them (CR LF as LF). A carriage return written any other way, and OOXML's own
/// `_xHHHH_` escapes, are left to calamine.
fn push_text(into: &mut String, node: &BytesText, like: Like) -> Parsed<()> {
    let raw: &[u8] = node.as_ref();
    if raw.windows(4).any(|w| w.eq_ignore_ascii_case(b"&#13") || w.eq_ignore_ascii_case(b"&#xd")) {
        return refuse("a carriage return written as a character reference");
    }
    let last_reference = raw.iter().rposition(|b| *b == b'&').map(|at| raw[at..].starts_with(b"&#"));
    if like == Like::Calamine && (raw.starts_with(b"&#") || (raw.ends_with(b";") && last_reference == Some(true))) {
        return refuse("a character reference at the edge of a text"); // trimmed before or after it is resolved?
    }
    let text = node.unescape().map_err(xml_error)?;
    if text.contains("_x") && has_ooxml_escape(&text) {
        return refuse("an _xHHHH_ escape in text");
    }
    if like == Like::Openpyxl && text.contains("x005F_") {
        return refuse("openpyxl's x005F_ unescaping"); // it drops those characters from shared strings
    }
    if text.contains('\r') {
        let lines = text.replace("\r\n", "\n");
        if lines.contains('\r') {
            return refuse("a carriage return alone");
        }
        into.push_str(&lines);
    } else {
        into.push_str(&text);
    }
    Ok(())
}

/// Whether a t element keeps the spaces around its text (xml:space="preserve"); calamine trims the others'.
fn preserves(e: &BytesStart) -> bool {
    e.attributes().flatten().any(|a| a.key.as_ref() == b"xml:space" && a.value.as_ref() == b"preserve")
}

/// Adds a t element's text as calamine gives it, without the spaces, tabs and line ends around it unless the
/// element preserves them; or as openpyxl gives it, as written.
fn push_run(into: &mut String, run: &str, preserve: bool, like: Like) -> Parsed<()> {
    if preserve || like == Like::Openpyxl {
        into.push_str(run);
        return Ok(());
    }
    let trimmed = run.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    if trimmed.starts_with(char::is_whitespace) || trimmed.ends_with(char::is_whitespace) {
        return refuse("text between other Unicode spaces"); // whether calamine trims those is not settled here
    }
    into.push_str(trimmed);
    Ok(())
}

fn has_ooxml_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(7).any(|w| {
        w[0] == b'_' && w[1] == b'x' && w[2..6].iter().all(u8::is_ascii_hexdigit) && w[6] == b'_'
    })
}

fn shared_strings(xml: &[u8], like: Like) -> Parsed<Vec<String>> {
    let mut reader = Reader::from_reader(xml);
    let mut strings = Vec::new();
    let mut current = String::new();
    let mut run = String::new();
    let (mut in_text, mut preserve) = (false, false);
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"si" => current.clear(),
                b"t" => {
                    (in_text, preserve) = (true, preserves(&e));
                    run.clear();
                }
                b"rPh" => return refuse("phonetic text in a shared string"),
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => strings.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                b"si" => strings.push(std::mem::take(&mut current)),
                b"t" => {
                    in_text = false;
                    push_run(&mut current, &run, preserve, like)?;
                }
                _ => {}
            },
            Event::Text(t) if in_text => push_text(&mut run, &t, like)?,
            Event::CData(_) | Event::DocType(_) => return refuse("CDATA or a DTD in the shared strings"),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}

fn number_attribute(e: &BytesStart, name: &[u8]) -> Parsed<Option<u32>> {
    for attribute in e.attributes() {
        let attribute = attribute.map_err(|error| Refused::Unsupported(format!("attribute: {error}")))?;
        if attribute.key.as_ref() == name {
            return match std::str::from_utf8(&attribute.value).ok().and_then(|v| v.trim().parse().ok()) {
                Some(value) => Ok(Some(value)),
                None => refuse("an attribute that is not a number"),
            };
        }
    }
    Ok(None)
}

/// The kind of value a number format shows: a date (or time of day), a plain number, or one this reader
/// does not classify (elapsed times, AM/PM, eras, letters it does not know).
fn format_kind(code: &str) -> Kind {
    let chars: Vec<char> = code.chars().collect();
    let mut date = false;
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        match c {
            ';' => break, // a value's kind comes from the first section
            '"' => {
                index += 1;
                while index < chars.len() && chars[index] != '"' {
                    index += 1;
                }
            }
            '\\' | '_' | '*' => index += 1, // the next character is a literal
            '[' => {
                let start = index + 1;
                while index < chars.len() && chars[index] != ']' {
                    index += 1;
                }
                let inside: String = chars[start.min(chars.len())..index.min(chars.len())].iter().collect();
                if !inside.is_empty() && inside.chars().all(|k| matches!(k, 'h' | 'H' | 'm' | 'M' | 's' | 'S')) {
                    return Kind::Unknown; // elapsed time: calamine gives a duration
                }
            }
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => date = true,
            'E' | 'e' if matches!(chars.get(index + 1), Some('+') | Some('-')) => index += 1, // 0.00E+00
            'G' | 'g' if chars[index..].iter().take(7).collect::<String>().eq_ignore_ascii_case("general") => {
                index += 6
            }
            c if c.is_ascii_alphabetic() => return Kind::Unknown,
            _ => {} // digits, #, ?, punctuation, spaces, currency and other symbols
        }
        index += 1;
    }
    if date {
        Kind::Date
    } else {
        Kind::Number
    }
}

/// openpyxl's reading of a number format (`is_date_format`, `is_timedelta_format`): the first section, without
/// quoted text and bracketed parts other than elapsed times, is a date if it holds d, m, h, y or s not after
/// `_` or a backslash; an elapsed time ([h], [mm]...) makes a duration, which this reader leaves to openpyxl.
fn openpyxl_format_kind(code: &str) -> Kind {
    let first: Vec<char> = code.split(';').next().unwrap_or("").chars().collect();
    let elapsed = |at: usize| -> Option<usize> {
        // "[h]", "[hh]", "[m]", "[mm]", "[s]", "[ss]" starting at `at`: its length
        let letter = *first.get(at + 1)?;
        if !matches!(letter, 'h' | 'm' | 's') {
            return None;
        }
        match (first.get(at + 2), first.get(at + 3)) {
            (Some(']'), _) => Some(3),
            (Some(c), Some(']')) if *c == letter => Some(4),
            _ => None,
        }
    };
    let mut kept = Vec::with_capacity(first.len());
    let mut index = 0;
    while index < first.len() {
        let c = first[index];
        if c == '"' {
            if let Some(end) = first[index + 1..].iter().position(|k| *k == '"') {
                index += end + 2;
                continue;
            }
        } else if c == '[' {
            if elapsed(index).is_some() {
                return Kind::Unknown;
            }
            if let Some(end) = first[index + 1..].iter().position(|k| *k == ']') {
                index += end + 2;
                continue;
            }
        }
        kept.push(c);
        index += 1;
    }
    let date = kept.iter().enumerate().any(|(at, c)| {
        matches!(c, 'd' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S')
            && (at == 0 || !matches!(kept[at - 1], '_' | '\\'))
    });
    if date {
        Kind::Date
    } else {
        Kind::Number
    }
}

fn openpyxl_builtin_kind(id: u32) -> Kind {
    match id {
        14..=22 | 45 | 47 => Kind::Date,
        46 => Kind::Unknown, // [h]:mm:ss: a duration
        _ => Kind::Number,   // openpyxl reads an id it does not know as General
    }
}

fn builtin_kind(id: u32) -> Kind {
    match id {
        0..=13 | 37..=44 | 48 | 49 => Kind::Number,
        14..=17 | 20..=22 | 45 | 47 => Kind::Date,
        _ => Kind::Unknown, // AM/PM times, durations, locale-specific ids
    }
}

/// The kind of value each cell style (cellXfs index) shows.
fn style_kinds(xml: &[u8], like: Like) -> Parsed<Vec<Kind>> {
    let mut reader = Reader::from_reader(xml);
    let mut custom: Vec<(u32, Kind)> = Vec::new();
    let mut kinds = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"numFmt" => {
                    let id = number_attribute(&e, b"numFmtId")?.unwrap_or(0);
                    let mut code = String::new();
                    for attribute in e.attributes().flatten() {
                        if attribute.key.as_ref() == b"formatCode" {
                            code = attribute.unescape_value().map_err(xml_error)?.into_owned();
                        }
                    }
                    custom.push((id, if like == Like::Calamine { format_kind(&code) } else { openpyxl_format_kind(&code) }));
                }
                b"cellXfs" => in_cell_xfs = true,
                b"xf" if in_cell_xfs => {
                    let id = number_attribute(&e, b"numFmtId")?.unwrap_or(0);
                    let kind = custom.iter().rev().find(|(c, _)| *c == id).map(|(_, k)| *k);
                    let builtin = if like == Like::Calamine { builtin_kind(id) } else { openpyxl_builtin_kind(id) };
                    kinds.push(kind.unwrap_or(builtin));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_cell_xfs = false,
            Event::DocType(_) => return refuse("a DTD in the styles"),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(kinds)
}

/// (column, row), both 1-based, of a reference such as "AB12".
fn reference(value: &[u8]) -> Parsed<(usize, usize)> {
    let letters = value.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || letters > 3 || letters == value.len() {
        return refuse("a cell reference it cannot read");
    }
    let column = value[..letters].iter().fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize);
    let row = std::str::from_utf8(&value[letters..]).ok().and_then(|v| v.parse::<usize>().ok());
    match row {
        Some(row) if row >= 1 && row <= MAX_ROWS && column <= MAX_COLUMNS => Ok((column, row)),
        _ => refuse("a cell reference it cannot read"),
    }
}

struct Sheet {
    columns: Vec<Vec<Cell>>,
}

impl Sheet {
    fn put(&mut self, column: usize, row: usize, cell: Cell) {
        if self.columns.len() < column {
            self.columns.resize_with(column, Vec::new);
        }
        let values = &mut self.columns[column - 1];
        if values.len() < row {
            values.resize_with(row, || Cell::Empty);
        }
        values[row - 1] = cell;
    }
}

#[derive(Clone, Copy)]
enum CellType {
    Number,
    Shared,
    Bool,
    FormulaText,
    Inline,
    Error,
}

fn cell_type(e: &BytesStart, like: Like) -> Parsed<(usize, usize, CellType, usize)> {
    let (mut at, mut kind, mut style) = (None, CellType::Number, 0usize);
    for attribute in e.attributes() {
        let attribute = attribute.map_err(|error| Refused::Unsupported(format!("attribute: {error}")))?;
        match attribute.key.as_ref() {
            b"r" => at = Some(reference(&attribute.value)?),
            b"t" => {
                kind = match attribute.value.as_ref() {
                    b"n" => CellType::Number,
                    b"s" => CellType::Shared,
                    b"b" => CellType::Bool,
                    b"str" => CellType::FormulaText,
                    b"inlineStr" => CellType::Inline,
                    b"e" if like == Like::Openpyxl => CellType::Error,
                    b"e" => return Err(Refused::ErrorCell),
                    _ => return refuse("an ISO date or unknown cell type"),
                }
            }
            b"s" => {
                style = std::str::from_utf8(&attribute.value).ok().and_then(|v| v.parse().ok()).unwrap_or(0)
            }
            _ => {}
        }
    }
    match at {
        Some((column, row)) => Ok((column, row, kind, style)),
        None => refuse("a cell without its reference"),
    }
}

fn value(kind: CellType, style: usize, text: &str, strings: usize, styles: &[Kind]) -> Parsed<Cell> {
    if text.is_empty() {
        return Ok(Cell::Empty);
    }
    Ok(match kind {
        CellType::Shared => match text.trim().parse::<usize>() {
            Ok(index) if index < strings => Cell::Shared(index),
            _ => return refuse("a shared string index out of range"),
        },
        CellType::Bool => match text.trim() {
            "1" => Cell::Bool(true),
            "0" => Cell::Bool(false),
            _ => return refuse("a boolean that is neither 0 nor 1"),
        },
        CellType::FormulaText | CellType::Inline => Cell::Text(text.into()),
        CellType::Error => Cell::Error(text.into()),
        CellType::Number => {
            let number: f64 = match text.trim().parse() {
                Ok(number) if f64::is_finite(number) => number,
                _ => return refuse("a number it cannot read"),
            };
            match styles.get(style).copied().unwrap_or(Kind::Number) {
                Kind::Number => Cell::Number(number),
                Kind::Unknown => return refuse("a number format it does not classify"),
                Kind::Date => {
                    if !(FIRST_SERIAL..END_SERIAL).contains(&number) {
                        return refuse("a date before 1900-03-01, a time of day alone, or past 9999");
                    }
                    let days = number.floor();
                    let seconds = ((number - days) * 86_400.0).round() as u32;
                    if seconds >= 86_400 {
                        return refuse("a time that rounds to midnight");
                    }
                    Cell::Date { days: days as i64, seconds }
                }
            }
        }
    })
}

fn sheet_cells(xml: &[u8], strings: usize, styles: &[Kind], like: Like) -> Parsed<Sheet> {
    let mut reader = Reader::from_reader(xml);
    let mut sheet = Sheet { columns: Vec::new() };
    let mut current: Option<(usize, usize, CellType, usize)> = None;
    let mut text = String::new();
    let mut run = String::new();
    let (mut in_value, mut in_run, mut preserve) = (false, false, false);
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"c" => {
                    current = Some(cell_type(&e, like)?);
                    text.clear();
                }
                // a value is the v of a cell, or the t of an inline string's is (some writers put both in
                // an inline string cell: calamine reads the is)
                b"v" => in_value = matches!(current, Some((.., kind, _)) if !matches!(kind, CellType::Inline)),
                b"t" => {
                    (in_run, preserve) = (matches!(current, Some((.., CellType::Inline, _))), preserves(&e));
                    run.clear();
                }
                b"rPh" => return refuse("phonetic text in a cell"),
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"c" => {
                cell_type(&e, like)?; // a cell with a style and no value: only its reference is checked
            }
            Event::Text(t) if in_value => push_text(&mut text, &t, like)?,
            Event::Text(t) if in_run => push_text(&mut run, &t, like)?,
            Event::End(e) => match e.local_name().as_ref() {
                b"v" => in_value = false,
                b"t" if in_run => {
                    in_run = false;
                    push_run(&mut text, &run, preserve, like)?;
                }
                b"c" => {
                    if let Some((column, row, kind, style)) = current.take() {
                        let cell = value(kind, style, &text, strings, styles)?;
                        if !matches!(cell, Cell::Empty) {
                            sheet.put(column, row, cell);
                        }
                    }
                }
                _ => {}
            },
            Event::CData(_) | Event::DocType(_) => return refuse("CDATA or a DTD in the sheet"),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sheet)
}

/// (year, month, day) of a count of days since 1970-01-01, in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u8;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

fn python_value(py: Python<'_>, cell: &Cell, strings: &[PyObject], error: Option<&PyObject>) -> PyResult<PyObject> {
    Ok(match cell {
        Cell::Empty => py.None(),
        Cell::Shared(index) => strings[*index].clone_ref(py),
        Cell::Text(text) => text.as_ref().into_py(py),
        Cell::Bool(flag) => flag.into_py(py),
        Cell::Error(code) => match error {
            Some(make) => make.call1(py, (code.as_ref(),))?,
            None => py.None(),
        },
        // whole numbers as int, as xlreg normalises them; the rest as float
        Cell::Number(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => (*number as i64).into_py(py),
        Cell::Number(number) => number.into_py(py),
        Cell::Date { days, seconds } => {
            let (year, month, day) = civil_from_days(days - UNIX_EPOCH_SERIAL);
            if *seconds == 0 {
                PyDate::new(py, year, month, day)?.into_py(py)
            } else {
                let (hour, minute, second) = (seconds / 3_600, seconds / 60 % 60, seconds % 60);
                PyDateTime::new(py, year, month, day, hour as u8, minute as u8, second as u8, 0, None)?.into_py(py)
            }
        }
    })
}

/// The sheet's columns from column A, each a list of one value per row from row 1 to the column's last value
/// (None where a cell is empty; not padded to the sheet's height, so that a lone far cell costs one column, not
/// the rectangle), as calamine reads them; with `error` (a callable), as openpyxl reads them, each error cell
/// given as `error(code)`. Raises Unsupported for what it does not read as they do (ErrorCells, a kind of it,
/// for a formula error met when reading as calamine).
#[pyfunction]
fn read_columns(
    py: Python<'_>,
    sheet: &[u8],
    shared_strings: Option<&[u8]>,
    styles: Option<&[u8]>,
    error: Option<PyObject>,
) -> PyResult<Vec<PyObject>> {
    let like = if error.is_some() { Like::Openpyxl } else { Like::Calamine };
    let parsed = py.allow_threads(|| -> Parsed<(Vec<String>, Sheet)> {
        let strings = match shared_strings {
            Some(xml) => self::shared_strings(xml, like)?,
            None => Vec::new(),
        };
        let kinds = match styles {
            Some(xml) => style_kinds(xml, like)?,
            None => Vec::new(),
        };
        let cells = sheet_cells(sheet, strings.len(), &kinds, like)?;
        Ok((strings, cells))
    });
    let (strings, cells) = parsed.map_err(|refused| match refused {
        Refused::Unsupported(reason) => Unsupported::new_err(reason),
        Refused::ErrorCell => ErrorCells::new_err("an error cell, which calamine reads as empty"),
    })?;
    let strings: Vec<PyObject> = strings.iter().map(|text| text.as_str().into_py(py)).collect();
    let mut columns = Vec::with_capacity(cells.columns.len());
    for column in &cells.columns {
        let mut values = Vec::with_capacity(column.len());
        for cell in column {
            values.push(python_value(py, cell, &strings, error.as_ref())?);
        }
        columns.push(PyList::new(py, values).into_py(py));
    }
    Ok(columns)
}

#[pymodule]
fn xlreg_columns(py: Python<'_>, module: &PyModule) -> PyResult<()> {
    module.add("Unsupported", py.get_type::<Unsupported>())?;
    module.add("ErrorCells", py.get_type::<ErrorCells>())?;
    module.add_function(wrap_pyfunction!(read_columns, module)?)?;
    Ok(())
}
