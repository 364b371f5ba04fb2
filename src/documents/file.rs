//! Files the desk writes (statements, reports, letters, the journal
//! export) are written whole or not at all: into a temporary file beside
//! the one asked for, flushed and synced, then renamed over it. A failure
//! part-way (a full disk, a refusal found while writing) leaves no
//! truncated file behind, and an earlier file at that path as it was.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::desk::DeskError;

/// What to do where a file is already at the path asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Keep it and write nothing: the window asks before it replaces.
    Keep,
    /// Replace it (the person said so, or the command line was given the path).
    Replace,
}

/// Writes `path` through `write`, whole or not at all (see the module),
/// replacing a file already there.
pub fn write_whole<T>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T, DeskError>) -> Result<T, DeskError> {
    write_whole_as(path, Existing::Replace, write)
}

/// [`write_whole`], keeping a file already at `path` if `existing` says so
/// (checked as the file is put in place, so one that appeared meanwhile is
/// kept too).
pub fn write_whole_as<T>(
    path: &Path,
    existing: Existing,
    write: impl FnOnce(&mut dyn Write) -> Result<T, DeskError>,
) -> Result<T, DeskError> {
    if existing == Existing::Keep && path.exists() {
        return Err(already_there(path));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".utility-desk-")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(|e| cannot_write(path, &e))?;
    let mut recording = Recording { inner: BufWriter::new(file.as_file_mut()), failed: None };
    let written = write(&mut recording).and_then(|value| {
        recording.flush().map_err(|e| cannot_write(path, &e))?;
        Ok(value)
    });
    let failed = recording.failed.take();
    drop(recording);
    let value = match (written, failed) {
        (Ok(value), _) => value,
        // The writer failed under the content's own error: say what the disk said.
        (Err(_), Some(kind)) if kind == std::io::ErrorKind::StorageFull => {
            return Err(cannot_write(path, &std::io::Error::from(kind)));
        }
        (Err(error), _) => return Err(error),
    };
    file.as_file().sync_all().map_err(|e| cannot_write(path, &e))?;
    match existing {
        Existing::Replace => file.persist(path).map(drop).map_err(|e| cannot_write(path, &e.error))?,
        Existing::Keep => file.persist_noclobber(path).map(drop).map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => already_there(path),
            _ => cannot_write(path, &e.error),
        })?,
    }
    Ok(value)
}

/// A file is already at `path`, and it was not to be replaced.
fn already_there(path: &Path) -> DeskError {
    DeskError::Invalid(format!(
        "{} is already there: it was kept as it was and nothing was written; choose another name, or say to replace it",
        path.display()
    ))
}

/// `bytes` into `path`, whole or not at all.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), DeskError> {
    write_bytes_as(path, bytes, Existing::Replace)
}

/// `bytes` into `path`, whole or not at all, keeping a file already there
/// if `existing` says so.
pub fn write_bytes_as(path: &Path, bytes: &[u8], existing: Existing) -> Result<(), DeskError> {
    write_whole_as(path, existing, |out| out.write_all(bytes).map_err(|e| cannot_write(path, &e)))
}

/// Sends `path` to the default printer with `lp` and returns what `lp`
/// said (the job's name), or why it was not printed in words a
/// representative can act on ("lp: No such file or directory" is not one).
pub fn print(path: &Path) -> Result<String, String> {
    let output = match std::process::Command::new("lp").arg(path).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("this computer has no printing set up; ask IT to add a printer".into());
        }
        Err(e) => return Err(format!("the printing system could not be started ({e})")),
    };
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).trim().to_string());
    }
    let said = String::from_utf8_lossy(&output.stderr).trim().to_string();
    if said.to_lowercase().contains("no default destination") {
        Err("no printer is chosen as this computer's default; ask IT to set one".into())
    } else {
        Err(format!("the printer did not take it ({})", said.trim_start_matches("lp: ")))
    }
}

/// Why `path` could not be written, in words: a full disk is named as one.
pub fn cannot_write(path: &Path, error: &std::io::Error) -> DeskError {
    if error.kind() == std::io::ErrorKind::StorageFull {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        return DeskError::Invalid(format!(
            "the disk holding {} is full: {} was not written (nothing of it was kept); free some space and try again",
            dir.display(),
            path.display()
        ));
    }
    DeskError::Invalid(format!("cannot write {}: {error} (nothing of it was kept)", path.display()))
}

/// A writer that remembers the kind of the first error it met, so that a
/// full disk is reported as one even when the content's writer (CSV, PDF)
/// words it as its own failure.
struct Recording<W: Write> {
    inner: W,
    failed: Option<std::io::ErrorKind>,
}

impl<W: Write> Recording<W> {
    fn note<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            self.failed.get_or_insert(e.kind());
        }
        result
    }
}

impl<W: Write> Write for Recording<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.note(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.note(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_already_there_is_kept_unless_it_is_to_be_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("letter.pdf");
        write_bytes_as(&path, b"first", Existing::Keep).unwrap();
        let refused = write_bytes_as(&path, b"second", Existing::Keep).unwrap_err().to_string();
        assert!(refused.contains("letter.pdf is already there: it was kept as it was"), "{refused}");
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no partial file is left beside it");
        write_bytes_as(&path, b"second", Existing::Replace).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
    }

    #[test]
    fn a_failed_write_leaves_the_earlier_file_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        write_bytes(&path, b"first version\n").unwrap();
        let refused: Result<(), DeskError> = write_whole(&path, |out| {
            out.write_all(b"half of the second").unwrap();
            Err(DeskError::Invalid("refused part-way".into()))
        });
        assert!(refused.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"first version\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["report.csv"], "no temporary file is left");
        write_bytes(&path, b"second\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second\n");
    }

    #[test]
    fn a_full_disk_is_named_as_one() {
        let error =
            cannot_write(Path::new("/mnt/usb/statement.pdf"), &std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(
            error.to_string(),
            "the disk holding /mnt/usb is full: /mnt/usb/statement.pdf was not written (nothing of it was kept); \
             free some space and try again"
        );
    }
}
