//! The one reader of the CSV files people hand the command line (payment
//! files, batch files): each record with the line it starts on, whatever
//! the file's line ends (a file saved on Windows ends its lines with CR LF,
//! which the csv crate's own line count gets wrong) and with Excel's
//! byte-order mark taken off, so a bad row is named where an editor shows it.

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
        let cannot = |e: &dyn std::fmt::Display| DeskError::Invalid(format!("cannot read {}: {e}", path.display()));
        let bytes = std::fs::read(path).map_err(|e| cannot(&e))?;
        let data = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
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
