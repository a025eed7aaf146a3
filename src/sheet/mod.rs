//! Spreadsheets (.xlsx, .xls, .ods) as tab-separated text.
//!
//! Many counties publish their tables as an Excel attachment. Each sheet's
//! rows become lines of tab-separated cells, sheets one after another with a
//! blank line between them: the text a spreadsheet copied as text gives,
//! which the tabbed layout already reads. A merged cell holds its value in
//! its first cell and leaves the others empty, as in such a copy.
//!
//! The workbook is read by calamine; only the values of its visible sheets
//! are kept (no formulas, no formats: a formula saved without its value is
//! noted, its cell read blank). A numeric cell is written as its
//! shortest decimal, rounded to hundredths as a spreadsheet shows it when it
//! carries more digits than that (a formula's `3245.2100000001`, shown as
//! `3245.21`; `1008.925` shown as `1008.93`): amounts are printed in
//! hundredths.
//! `375.00` shown by a cell's format is written `375`, so no digit of a
//! workbook is ever taken for cut (the pipeline skips that repair), and a
//! code stored as a number (`208`) stays a code.
//!
//! A line of the text is a row of its sheet; the first sheet's line numbers
//! are its row numbers, a later sheet's follow on from the sheet before.
mod hidden;

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, SheetVisible, Sheets};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SheetError {
    #[error("the workbook cannot be read: {0}")]
    Unreadable(String),
    #[error("the workbook holds no cell with a value")]
    Empty,
}

/// Which spreadsheet format the bytes are, if any: a zip holding `xl/`
/// (xlsx), a zip whose `mimetype` names an OpenDocument spreadsheet (ods),
/// or an OLE2 compound file (xls, which may also be an old .doc: calamine
/// then says it cannot read it).
pub fn format_of(bytes: &[u8]) -> Option<&'static str> {
    const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if bytes.starts_with(OLE2) {
        return Some("xls");
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let names = crate::decode::zip_member_names(bytes);
    if names.iter().any(|n| n.starts_with(b"xl/")) {
        Some("xlsx")
    } else if bytes
        .get(30..)
        .is_some_and(|b| b.starts_with(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"))
    {
        Some("ods")
    } else {
        None
    }
}

/// Whether a document's `format` is a spreadsheet's.
pub fn is_sheet_format(format: &str) -> bool {
    matches!(format, "xlsx" | "xls" | "ods")
}

/// A workbook as text, and what of it could not be read.
pub struct Workbook {
    pub text: String,
    /// Cells whose value was not there to read, a sheet a note.
    pub notes: Vec<String>,
    /// Lines of `text` whose amounts are doubtful: rows the sheet hides.
    pub doubtful_lines: Vec<u32>,
}

/// The workbook's sheets as tab-separated lines (see the module
/// documentation); `format` as [`format_of`] named it.
pub fn to_text(bytes: &[u8], format: &str) -> Result<Workbook, SheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SheetError::Unreadable(e.to_string());
    let data = Cursor::new(bytes);
    let mut book = match format {
        "xlsx" => Sheets::Xlsx(open_workbook_from_rs(data).map_err(|e| unreadable(&e))?),
        "ods" => Sheets::Ods(open_workbook_from_rs(data).map_err(|e| unreadable(&e))?),
        _ => Sheets::Xls(open_workbook_from_rs(data).map_err(|e| unreadable(&e))?),
    };
    let mut text = String::new();
    let mut notes = Vec::new();
    let mut any_value = false;
    let hidden = if format == "xlsx" {
        hidden::hidden_rows(bytes)
    } else {
        Default::default()
    };
    let mut doubtful_lines = Vec::new();
    // The number of the line being written (1-based).
    let mut line: u32 = 0;
    // A hidden sheet is no part of what the workbook shows (last year's
    // copy, a working sheet): only the visible ones are read, unless every
    // sheet is hidden.
    let sheets = book.sheets_metadata();
    let visible: Vec<String> = sheets
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let names = if visible.is_empty() {
        book.sheet_names()
    } else {
        visible
    };
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| SheetError::Unreadable(format!("sheet {name}: {e}")))?;
        // A formula saved without its result (a file written by a program,
        // never opened in a spreadsheet) has no value to read: said, not
        // dropped unsaid.
        let mut range = range;
        if let Ok(formulas) = book.worksheet_formula(&name) {
            if let Some((note, cells)) = formulas_without_values(&name, &formulas, &range) {
                notes.push(note);
                for at in cells {
                    range.set_value(at, Data::Empty);
                }
            }
        }
        if !text.is_empty() {
            text.push('\n');
            line += 1;
        }
        // The range starts at the sheet's first used cell: the rows and
        // columns before it are put back, so that lines are the sheet's
        // rows and an empty first column stays a column.
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        for _ in 0..first_row {
            text.push('\n');
        }
        line += first_row;
        let indent = vec![String::new(); first_column as usize];
        let hidden_here = hidden.get(&name).map_or(&[][..], Vec::as_slice);
        let is_hidden = |i: usize| hidden_here.contains(&(first_row + i as u32));
        let has_number = |row: &[Data]| {
            row.iter()
                .any(|c| matches!(c, Data::Float(_) | Data::Int(_)))
        };
        // A row's label: its text cells (a hidden row printing a shown
        // row's label again is an old copy of it).
        let label = |row: &[Data]| -> String {
            row.iter()
                .filter(|c| matches!(c, Data::String(_)))
                .map(cell_text)
                .collect::<Vec<_>>()
                .join("\t")
        };
        let shown_labels: std::collections::HashSet<String> = range
            .rows()
            .enumerate()
            .filter(|(i, row)| !hidden_here.is_empty() && !is_hidden(*i) && has_number(row))
            .map(|(_, row)| label(row))
            .collect();
        let (mut doubted, mut dropped) = (0, 0);
        for (i, row) in range.rows().enumerate() {
            line += 1;
            if is_hidden(i) && has_number(row) {
                if shown_labels.contains(&label(row)) {
                    dropped += 1;
                    text.push('\n');
                    continue;
                }
                doubtful_lines.push(line);
                doubted += 1;
            }
            let cells: Vec<String> = indent
                .iter()
                .cloned()
                .chain(row.iter().map(cell_text))
                .collect();
            let used = cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            any_value |= used > 0;
            text.push_str(&cells[..used].join("\t"));
            text.push('\n');
        }
        if dropped > 0 {
            notes.push(format!(
                "sheet {name}: {dropped} hidden row(s) print again the label of a row shown (last year's, an old total?): not read"
            ));
        }
        if doubted > 0 {
            notes.push(format!(
                "sheet {name}: {doubted} hidden row(s) hold numbers: read, their amounts uncertain"
            ));
        }
    }
    if any_value {
        Ok(Workbook {
            text,
            notes,
            doubtful_lines,
        })
    } else {
        Err(SheetError::Empty)
    }
}

/// The note for sheet `name`'s formulas with no value saved beside them,
/// and where they are. A program writing formulas it does not compute may
/// save 0 as every one's value (XlsxWriter does): when each formula of a
/// sheet that holds other numbers than zero has 0 saved, none is read.
fn formulas_without_values(
    name: &str,
    formulas: &calamine::Range<String>,
    values: &calamine::Range<Data>,
) -> Option<(String, Vec<(u32, u32)>)> {
    let (row0, column0) = formulas.start()?;
    let formula_cells: Vec<(u32, u32)> = formulas
        .cells()
        .filter(|(_, _, f)| !f.trim().is_empty())
        .map(|(r, c, _)| (row0 + r as u32, column0 + c as u32))
        .collect();
    let no_value = |v: Option<&Data>| match v {
        None | Some(Data::Empty) => true,
        Some(Data::String(s)) => s.trim().is_empty(),
        _ => false,
    };
    let zero = |v: Option<&Data>| match v {
        Some(Data::Float(f)) => *f == 0.0,
        Some(Data::Int(i)) => *i == 0,
        _ => false,
    };
    let formula_at: std::collections::HashSet<(u32, u32)> = formula_cells.iter().copied().collect();
    let (vrow0, vcolumn0) = values.start().unwrap_or((0, 0));
    let other_numbers = values.cells().any(|(r, c, v)| {
        let at = (vrow0 + r as u32, vcolumn0 + c as u32);
        matches!(v, Data::Float(_) | Data::Int(_)) && !zero(Some(v)) && !formula_at.contains(&at)
    });
    let all_zero = formula_cells.len() >= 2
        && other_numbers
        && formula_cells.iter().all(|at| zero(values.get_value(*at)));
    let (missing, why): (Vec<(u32, u32)>, &str) = if all_zero {
        (
            formula_cells,
            "with 0 saved as the value of every one (a program that computes none wrote it)",
        )
    } else {
        let missing = formula_cells
            .into_iter()
            .filter(|at| no_value(values.get_value(*at)))
            .collect();
        (missing, "saved without its value")
    };
    let (row, column) = *missing.first()?;
    Some((
        format!(
            "sheet {name}: {} cell(s) hold a formula {why}, the first at row {} column {}: not read",
            missing.len(),
            row + 1,
            column + 1
        ),
        missing,
    ))
}

/// One cell's value as text: line breaks and tabs inside it become spaces.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        // `#REF!`, `#DIV/0!`: a formula that failed; its text is no
        // amount, which the reader then reports (a blank said nothing).
        Data::Error(e) => e.to_string(),
        // A date cell holds a day count: shown as the date it is, never
        // read as an amount.
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::String(s) => s.replace(['\t', '\r', '\n'], " ").trim().to_string(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// An Excel day count (1900 date system) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    // Days since 1970-01-01: serial 25569 is that day (1899-12-30 is 0,
    // the 1900 leap-year slip included for later dates).
    let days = serial.floor() as i64 - 25_569;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A numeric cell's shortest decimal, rounded to hundredths when it has
/// more digits than that, as a spreadsheet shows it: to fifteen
/// significant digits first, then half away from zero (`1008.925`, stored
/// as 1008.92499…, shows `1008.93`).
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let shortest = f.to_string();
    let decimals = shortest.split_once('.').map_or(0, |(_, d)| d.len());
    if decimals <= 2 || shortest.contains('e') {
        return shortest;
    }
    // The decimal places fifteen significant digits leave (at least the
    // three rounding to hundredths looks at).
    let magnitude = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    let places = (14 - magnitude).clamp(3, 17) as usize;
    let shown = format!("{:.*}", places, f.abs());
    let (whole, fraction) = shown.split_once('.').unwrap_or((&shown, ""));
    let digit = |i: usize| i128::from(fraction.as_bytes().get(i).map_or(0, |b| b - b'0'));
    let Ok(whole) = whole.parse::<i128>() else {
        return format!("{f:.2}");
    };
    let hundredths = whole * 100 + digit(0) * 10 + digit(1) + i128::from(digit(2) >= 5);
    let sign = if f < 0.0 && hundredths != 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_printed_in_hundredths() {
        assert_eq!(number_text(3245.21), "3245.21");
        assert_eq!(number_text(375.0), "375");
        assert_eq!(number_text(0.3 + 0.6), "0.90");
        assert_eq!(number_text(3245.2100000001), "3245.21");
        assert_eq!(number_text(-12.5), "-12.5");
        // Half a hundredth rounds away from zero, as a spreadsheet shows it
        // (a 元 figure turned into 万元 by a formula: 10089250 / 10000).
        assert_eq!(number_text(1008.925), "1008.93");
        assert_eq!(number_text(10089250.0 / 10000.0), "1008.93");
        assert_eq!(number_text(933.335), "933.34");
        assert_eq!(number_text(-0.305), "-0.31");
        assert_eq!(number_text(933.3349), "933.33");
        assert_eq!(number_text(0.004), "0.00");
    }

    #[test]
    fn formulas_saved_without_their_values_are_noted() {
        // A 总计 row of `=SUM(…)` written by a program that computes
        // nothing: before 2026-12-07 the row vanished unsaid.
        let mut formulas = calamine::Range::new((4, 1), (5, 2));
        formulas.set_value((5, 2), "SUM(C1:C4)".to_string());
        formulas.set_value((4, 2), "SUM(C1:C3)".to_string());
        let mut values = calamine::Range::new((0, 0), (5, 2));
        values.set_value((4, 2), Data::Float(12.5));
        let note = |values: &calamine::Range<Data>| {
            formulas_without_values("公开表", &formulas, values).map(|(note, _)| note)
        };
        assert_eq!(
            note(&values).as_deref(),
            Some("sheet 公开表: 1 cell(s) hold a formula saved without its value, the first at row 6 column 3: not read")
        );
        values.set_value((5, 2), Data::Float(13.0));
        assert_eq!(note(&values), None);
        // An empty text saved as the value: none.
        values.set_value((5, 2), Data::String(String::new()));
        assert!(note(&values).is_some());
        // 0 saved as every formula's value, beside other numbers: not
        // computed (XlsxWriter); before, the 合计 rows read 0, `ok`.
        values.set_value((4, 2), Data::Float(0.0));
        values.set_value((5, 2), Data::Int(0));
        values.set_value((1, 2), Data::Float(3245.21));
        assert_eq!(
            formulas_without_values("公开表", &formulas, &values),
            Some(("sheet 公开表: 2 cell(s) hold a formula with 0 saved as the value of every one (a program that computes none wrote it), the first at row 5 column 3: not read".to_string(), vec![(4, 2), (5, 2)]))
        );
        // A sheet of zeros only: its sums are 0 indeed.
        values.set_value((1, 2), Data::Float(0.0));
        assert_eq!(note(&values), None);
    }

    #[test]
    fn error_and_date_cells_are_no_amounts() {
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::Ref)),
            "#REF!"
        );
        let date =
            calamine::ExcelDateTime::new(896.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "1902-06-14");
        assert_eq!(excel_date(45_658.0), "2025-01-01");
    }

    #[test]
    fn cells_lose_their_line_breaks() {
        assert_eq!(
            cell_text(&Data::String("一般公共\n预算拨款".into())),
            "一般公共 预算拨款"
        );
        assert_eq!(cell_text(&Data::Empty), "");
    }

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(
            format_of(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"),
            Some("xls")
        );
        assert_eq!(format_of(b"%PDF-1.7"), None);
        assert_eq!(format_of(b"PK\x03\x04"), None);
    }
}
