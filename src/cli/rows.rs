//! The one reader of the CSV files people hand the command line (payment
//! files, batch files): each record with the line it starts on, whatever
//! the file's line ends (a file saved on Windows ends its lines with CR LF,
//! which the csv crate's own line count gets wrong) and with Excel's
//! byte-order mark taken off, so a bad row is named where an editor shows it.

use std::collections::HashMap;
use std::path::Path;

use csv::StringRecord;
use serde::de::DeserializeOwned;

use crate::desk::DeskError;

/// A file's header and records.
pub struct CsvFile {
    pub headers: StringRecord,
    /// Each record (or why it cannot be read) with its first line's number.
    pub records: Vec<(usize, Result<StringRecord, String>)>,
}

impl CsvFile {
    /// Reads `path` whole; cells trimmed of spaces when `trim`.
    pub fn read(path: &Path, trim: bool) -> Result<CsvFile, DeskError> {
        let bytes =
            std::fs::read(path).map_err(|e| DeskError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        CsvFile::from_bytes(&bytes, trim, path)
    }

    /// [`CsvFile::read`] of a file's bytes (`path` names it in messages).
    pub fn from_bytes(bytes: &[u8], trim: bool, path: &Path) -> Result<CsvFile, DeskError> {
        let cannot = |e: &dyn std::fmt::Display| DeskError::Invalid(format!("cannot read {}: {e}", path.display()));
        let data = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader =
            csv::ReaderBuilder::new().trim(if trim { csv::Trim::All } else { csv::Trim::None }).from_reader(data);
        let headers = reader.headers().map_err(|e| cannot(&e))?.clone();
        // Lines counted from the byte each record starts at: offsets only
        // grow, so the newlines are counted once. After a CR LF the csv
        // crate's offset is the LF's own, one byte early: that LF is counted
        // too (a record never starts with one).
        let (mut counted_to, mut line) = (0usize, 1usize);
        let mut line_at = |byte: u64| {
            let byte = usize::try_from(byte).unwrap_or(usize::MAX).saturating_add(1).min(data.len());
            line += data[counted_to..byte.max(counted_to)].iter().filter(|&&b| b == b'\n').count();
            counted_to = counted_to.max(byte);
            line
        };
        let mut records = Vec::new();
        let mut record = StringRecord::new();
        loop {
            let start = reader.position().byte();
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let at = record.position().map_or(start, csv::Position::byte);
                    records.push((line_at(at), Ok(record.clone())));
                }
                Err(error) => {
                    let at = error.position().map_or(start, csv::Position::byte);
                    records.push((line_at(at), Err(error.to_string())));
                    if !matches!(error.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                        break;
                    }
                }
            }
        }
        Ok(CsvFile { headers, records })
    }

    /// Whether the header names `column`.
    pub fn has(&self, column: &str) -> bool {
        self.headers.iter().any(|h| h.trim() == column)
    }

    /// Each record as a `R`, with its line.
    pub fn rows<R: DeserializeOwned>(&self) -> impl Iterator<Item = (usize, Result<R, String>)> + '_ {
        self.records.iter().map(|(line, record)| {
            let row = record.clone().and_then(|r| r.deserialize(Some(&self.headers)).map_err(|e| e.to_string()));
            (*line, row)
        })
    }
}

/// The most problems a refused file names.
pub const SHOWN_PROBLEMS: usize = 50;

/// One row of a file of named columns.
pub struct Cells<'a> {
    record: &'a StringRecord,
    at: &'a HashMap<String, usize>,
}

impl Cells<'_> {
    /// The cell of `column`, trimmed ("" for a column the file lacks).
    pub fn get(&self, column: &str) -> String {
        self.at.get(column).and_then(|i| self.record.get(*i)).unwrap_or("").trim().to_string()
    }

    /// The cell of `column`, or `None` when it is blank.
    pub fn optional(&self, column: &str) -> Option<String> {
        Some(self.get(column)).filter(|v| !v.is_empty())
    }

    /// A yes-or-no cell (blank: `blank`).
    pub fn flag(&self, column: &str, blank: Option<bool>, bad: &mut Vec<String>) -> bool {
        match (self.get(column).to_lowercase().as_str(), blank) {
            ("", Some(blank)) => blank,
            ("yes" | "y" | "true" | "1", _) => true,
            ("no" | "n" | "false" | "0", _) => false,
            (other, _) => {
                bad.push(format!("column {column}: \"{other}\" is not yes or no"));
                false
            }
        }
    }
}

/// Reads a file of named columns (`columns`: each name, and whether every
/// row needs a value in it) whole: each row made by `parse`, with the line
/// it starts on. Refused, naming every bad cell by line and column, if the
/// header lacks a column or has one not in `columns`, or if any row cannot
/// be read, lacks a needed value, has a cell that looks like a spreadsheet
/// formula, or is refused by `parse` (which says "column NAME: why").
pub fn read_columns<T>(
    file: &Path,
    what: &str,
    columns: &[(&str, bool)],
    parse: impl Fn(&Cells) -> Result<T, Vec<String>>,
) -> Result<(Vec<usize>, Vec<T>), DeskError> {
    columns_of(CsvFile::read(file, true)?, file, what, columns, parse)
}

/// [`read_columns`] of a file already read.
pub fn columns_of<T>(
    csv: CsvFile,
    file: &Path,
    what: &str,
    columns: &[(&str, bool)],
    parse: impl Fn(&Cells) -> Result<T, Vec<String>>,
) -> Result<(Vec<usize>, Vec<T>), DeskError> {
    let headers: Vec<String> = csv.headers.iter().map(|h| h.trim().to_string()).collect();
    let missing: Vec<&str> = columns.iter().map(|(c, _)| *c).filter(|c| !headers.iter().any(|h| h == c)).collect();
    let unknown: Vec<&str> =
        headers.iter().map(String::as_str).filter(|h| !columns.iter().any(|(c, _)| c == h)).collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let mut said = Vec::new();
        if !missing.is_empty() {
            said.push(format!("missing column(s): {}", missing.join(", ")));
        }
        if !unknown.is_empty() {
            said.push(format!("unknown column(s): {}", unknown.join(", ")));
        }
        return Err(DeskError::Invalid(format!(
            "{} is not {what} ({}); the columns are: {}",
            file.display(),
            said.join("; "),
            columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(",")
        )));
    }
    let at: HashMap<String, usize> = headers.into_iter().enumerate().map(|(i, h)| (h, i)).collect();
    let (mut lines, mut rows, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    for (line, record) in &csv.records {
        let record = match record {
            Err(why) => {
                problems.push(format!("line {line}: {why}"));
                continue;
            }
            Ok(record) => record,
        };
        let cells = Cells { record, at: &at };
        let mut bad = Vec::new();
        for (column, required) in columns {
            let cell = cells.get(column);
            if *required && cell.is_empty() {
                bad.push(format!("column {column}: a value is needed"));
            }
            // A spreadsheet formula is data a person typed wrong, not a value.
            if looks_like_a_formula(&cell) {
                bad.push(format!("column {column}: \"{cell}\" looks like a spreadsheet formula"));
            }
        }
        match bad.is_empty().then(|| parse(&cells)) {
            Some(Ok(row)) => {
                lines.push(*line);
                rows.push(row);
            }
            Some(Err(more)) => bad = more,
            None => {}
        }
        problems.extend(bad.into_iter().map(|why| format!("line {line}, {why}")));
    }
    if !problems.is_empty() {
        let shown: Vec<_> = problems.iter().take(SHOWN_PROBLEMS).cloned().collect();
        return Err(DeskError::Invalid(format!(
            "{} problem(s) in {}; nothing was written:\n  {}",
            problems.len(),
            file.display(),
            shown.join("\n  ")
        )));
    }
    if rows.is_empty() {
        return Err(DeskError::Invalid(format!("{} has no rows: nothing to do", file.display())));
    }
    Ok((lines, rows))
}

/// Whether a cell is a spreadsheet formula rather than a value (OWASP's
/// list): it starts with `=`, `@`, a tab or a carriage return, or with `+`
/// or `-` not followed by a number ("+1 918 555 0142" is a value;
/// "+HYPERLINK(...)" is not).
pub fn looks_like_a_formula(cell: &str) -> bool {
    match cell.strip_prefix(['+', '-']) {
        Some(rest) => !rest.chars().all(|c| c.is_ascii_digit() || " ()-.".contains(c)),
        None => cell.starts_with(['=', '@', '\t', '\r']),
    }
}

/// A refusal naming, by line, each row `problems` found against the ledger.
pub fn rows_refused(file: &Path, lines: &[usize], problems: &[(usize, String)], doing: &str) -> DeskError {
    let named: Vec<String> =
        problems.iter().take(SHOWN_PROBLEMS).map(|(row, why)| format!("line {}: {why}", lines[*row])).collect();
    DeskError::Invalid(format!(
        "{} row(s) of {} cannot be {doing}; nothing was written:\n  {}",
        problems.len(),
        file.display(),
        named.join("\n  ")
    ))
}

/// A bar on stderr for a file of `rows` rows (drawn only on a terminal).
pub fn progress_bar(rows: usize, doing: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(rows as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{doing} {{bar:40}} {{pos}}/{{len}} rows, {{per_sec}}, {{eta}} left"
    )) {
        bar.set_style(style);
    }
    bar
}

/// Says on stderr how much room a run of `rows` postings needs on the
/// ledger's disk, and refuses it, with nothing posted, if the disk has less.
pub fn check_room(desk: &mut crate::desk::Desk, rows: usize) -> Result<(), DeskError> {
    let room = desk.room_for(u64::try_from(rows).unwrap_or(u64::MAX))?;
    let mb = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1e6);
    let free = room.free.map_or_else(|| "free space unknown".to_string(), |f| format!("{} free", mb(f)));
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "{rows} row(s) need up to {} on the disk holding {} (the ledger's growth and its log); {free}",
        mb(room.needed),
        room.at
    );
    if room.fits() {
        Ok(())
    } else {
        Err(DeskError::Invalid(format!(
            "not enough room: {rows} row(s) need up to {} on the disk holding {}, and {}; nothing was posted",
            mb(room.needed),
            room.at,
            free
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_is_refused_but_an_international_phone_number_is_not() {
        for formula in ["=1+1", "@SUM(A1)", "+HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "\t=1"] {
            assert!(looks_like_a_formula(formula), "{formula}");
        }
        for value in ["+1 (918) 555-0142", "918-555-0142", "-42", "Melissa Harjo", ""] {
            assert!(!looks_like_a_formula(value), "{value}");
        }
    }

    fn lines(data: &[u8]) -> Vec<(usize, Result<Vec<String>, String>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.csv");
        std::fs::write(&path, data).unwrap();
        let file = CsvFile::read(&path, true).unwrap();
        assert_eq!(file.headers.iter().collect::<Vec<_>>(), ["a", "b"]);
        file.records.into_iter().map(|(line, r)| (line, r.map(|r| r.iter().map(str::to_string).collect()))).collect()
    }

    #[test]
    fn every_record_is_named_by_the_line_it_starts_on_whatever_the_line_ends() {
        let expected = |third: usize| {
            vec![
                (2, Ok(vec!["x".into(), "1".into()])),
                (3, Ok(vec!["y".into(), "2".into()])),
                (third, Ok(vec!["z".into(), "3".into()])),
            ]
        };
        assert_eq!(lines(b"a,b\nx,1\ny,2\nz,3\n"), expected(4));
        assert_eq!(lines(b"a,b\r\nx,1\r\ny,2\r\nz,3\r\n"), expected(4));
        assert_eq!(lines(b"\xEF\xBB\xBFa,b\r\nx,1\r\ny,2\r\nz,3"), expected(4));
        // A quoted cell across two lines: the next record starts two lines on.
        assert_eq!(lines(b"a,b\r\nx,1\r\ny,\"2\r\nmore\"\r\nz,3\r\n").last().unwrap().0, 5);
        // A blank line is no record, but it is counted.
        assert_eq!(lines(b"a,b\nx,1\n\ny,2\nz,3\n").last().unwrap().0, 5);
        let uneven = lines(b"a,b\r\nx,1\r\ny\r\nz,3\r\n");
        assert_eq!(uneven[1].0, 3);
        assert!(uneven[1].1.is_err());
        assert_eq!(uneven[2], (4, Ok(vec!["z".into(), "3".into()])));
    }
}
