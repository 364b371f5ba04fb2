//! The one CSV writer: every CSV the product writes goes through it, so
//! every one is safe to open in a spreadsheet.
//!
//! A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is a
//! formula to Excel, LibreOffice and Google Sheets (CSV injection: a
//! complaint summary `=cmd|' /C calc'!A0` runs a program on the supervisor's
//! machine). OWASP's rule: such a cell gets a single quote in front, which
//! the spreadsheet shows as text. A plain number (`-12.50`, a credit
//! balance) is left as it is: it is no formula, and the statement's columns
//! must still add up.

use std::io::Write;

use serde::Serialize;

use crate::desk::DeskError;

/// Writes `rows` as CSV with a header from the first row's field names,
/// every cell neutralised.
pub fn write_rows<R: Serialize>(out: impl Write, rows: impl IntoIterator<Item = R>) -> Result<(), DeskError> {
    let failed = |e: csv::Error| DeskError::Invalid(format!("cannot write the CSV: {e}"));
    // serde gives the header and the cells; they are then read back as
    // text, so each cell is seen whatever type it came from.
    let mut raw = csv::Writer::from_writer(Vec::new());
    for row in rows {
        raw.serialize(row).map_err(failed)?;
    }
    let raw = raw.into_inner().map_err(|e| DeskError::Invalid(format!("cannot write the CSV: {e}")))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(raw.as_slice());
    let mut writer = csv::Writer::from_writer(out);
    for record in reader.records() {
        let record = record.map_err(failed)?;
        writer.write_record(record.iter().map(|cell| neutralised(cell).into_owned())).map_err(failed)?;
    }
    writer.flush().map_err(|e| DeskError::Invalid(format!("cannot write the CSV: {e}")))
}

/// A cell safe to open in a spreadsheet (see the module comment).
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let dangerous = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if dangerous && !plain_number(cell) { format!("'{cell}").into() } else { cell.into() }
}

/// `-12.50`, `3`, `-0.5`: an optional minus sign, digits, an optional
/// fraction. Nothing a spreadsheet could take for a formula.
fn plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_are_not() {
        for (cell, expected) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-12.50", "-12.50"),
            ("12.50", "12.50"),
            ("-0.5", "-0.5"),
            ("Payment (check)", "Payment (check)"),
            ("", ""),
        ] {
            assert_eq!(neutralised(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn every_cell_of_a_written_file_is_neutralised_and_quoted_as_csv_needs() {
        #[derive(Serialize)]
        struct Row<'a> {
            text: &'a str,
            amount: String,
        }
        let mut out = Vec::new();
        let rows =
            [Row { text: "=HYPERLINK(\"x\")", amount: "-5.00".into() }, Row { text: "a, b", amount: "1".into() }];
        write_rows(&mut out, rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "text,amount\n\"'=HYPERLINK(\"\"x\"\")\",-5.00\n\"a, b\",1\n");
    }
}
