//! Rules of the code that a test keeps, by reading the source (as
//! rust-analyzer's `xtask/src/tidy.rs` does): each says what may appear
//! where, so a new file cannot quietly break it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read a source file");
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// The files under `src/` whose code (not their unit tests) uses `needle`,
/// but for those `allowed` names (paths relative to the package).
fn users_of(needle: &str, allowed: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let code = |text: &str| text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
    sources(&root.join("src"))
        .into_iter()
        .filter(|(_, text)| code(text).contains(needle))
        .map(|(path, _)| path.strip_prefix(root).expect("under the package").display().to_string())
        .filter(|path| !allowed.contains(&path.as_str()))
        .collect()
}

/// Every CSV the product writes goes through `documents/csv.rs`, which
/// neutralises spreadsheet formulas: no other file makes a CSV writer.
#[test]
fn only_the_one_csv_writer_writes_csv() {
    let others = users_of("csv::Writer", &["src/documents/csv.rs"]);
    assert!(others.is_empty(), "write CSV through documents::csv::write_rows, not csv::Writer: {others:?}");
    let builders = users_of("csv::WriterBuilder", &[]);
    assert!(builders.is_empty(), "{builders:?}");
}

/// The rule above would miss nothing: the writer itself is found.
#[test]
fn the_rules_see_the_files_they_are_about() {
    assert_eq!(users_of("csv::Writer", &[]), ["src/documents/csv.rs"]);
}

/// Every file the desk writes for a person (statements, reports, letters,
/// the journal export) is written whole or not at all, through
/// `documents/file.rs`: nothing else creates or writes a file.
#[test]
fn only_the_whole_file_writer_writes_files() {
    for needle in ["File::create", "fs::write(", "OpenOptions"] {
        // The store writes its own mark beside a damaged ledger.
        let others = users_of(needle, &["src/documents/file.rs", "src/store/open.rs"]);
        assert!(others.is_empty(), "write files through documents::file::write_whole, not {needle}: {others:?}");
    }
}

/// Every CSV file a person hands the desk is read by `cli/rows.rs`, which
/// names a bad row by the line an editor shows whatever the line ends.
#[test]
fn only_the_one_csv_reader_reads_files() {
    let others = users_of("csv::ReaderBuilder", &["src/cli/rows.rs", "src/documents/csv.rs"]);
    assert!(others.is_empty(), "read CSV files through cli::rows::CsvFile: {others:?}");
    let others = users_of("csv::Reader::", &[]);
    assert!(others.is_empty(), "read CSV files through cli::rows::CsvFile: {others:?}");
}

/// Every button of the window is pressed through `gui/focus.rs`'s
/// `action`, which puts it in the Tab order and lets Enter or Space press
/// it: a button given iced's `on_press` directly could be reached only by
/// the mouse.
#[test]
fn every_button_of_the_window_can_be_pressed_from_the_keyboard() {
    // A check box (iced's takes no focus) is a button showing ☑ or ☐.
    for needle in [".on_press(", ".on_press_maybe(", ".on_press_with(", ".on_toggle("] {
        let others = users_of(needle, &["src/gui/focus.rs"]);
        assert!(others.is_empty(), "press buttons through gui::focus::Action::action, not {needle}: {others:?}");
    }
    assert_eq!(users_of(".on_press_maybe(", &[]), ["src/gui/focus.rs"]);
}

/// Every time the window shows is in the utility's zone, through
/// `gui/clock.rs`: no other file of the window formats a time.
#[test]
fn the_window_shows_times_only_through_its_clock() {
    let others: Vec<String> =
        users_of(".format(\"%", &["src/gui/clock.rs"]).into_iter().filter(|p| p.starts_with("src/gui")).collect();
    assert!(others.is_empty(), "show times through gui::clock (the utility's zone), not .format: {others:?}");
    assert!(users_of(".format(\"%", &[]).contains(&"src/gui/clock.rs".to_string()));
}

/// The files under `dir` (relative to the package) whose code names any of
/// `needles`, with the first one each names.
fn naming(dir: &str, needles: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let code = |text: &str| text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
    let mut found = Vec::new();
    for (path, text) in sources(&root.join(dir)) {
        let code = code(&text);
        if let Some(needle) = needles.iter().find(|n| code.contains(*n)) {
            found.push(format!("{} ({needle})", path.strip_prefix(root).expect("under the package").display()));
        }
    }
    // `src/desk.rs` beside `src/desk/`: a module's own file is part of it.
    let own = root.join(format!("{dir}.rs"));
    if let Ok(text) = std::fs::read_to_string(&own)
        && let Some(needle) = needles.iter().find(|n| code(&text).contains(*n))
    {
        found.push(format!("{dir}.rs ({needle})"));
    }
    found
}

/// What names a database engine: its crates.
const ENGINES: &[&str] = &["rusqlite", "postgres::", "postgres_", "tokio_postgres", "r2d2"];

/// Only the store names a database engine: the desk, the window, the command
/// line, the documents and the demo work through the store's interface and
/// the records it returns, so another engine goes in under them.
#[test]
fn only_the_store_names_a_database_engine() {
    for layer in ["src/desk", "src/gui", "src/cli", "src/documents", "src/demo", "src/domain", "src/records"] {
        let found = naming(layer, ENGINES);
        assert!(found.is_empty(), "{layer} names a database engine; keep it under src/store/: {found:?}");
    }
    for file in ["src/lib.rs", "src/main.rs"] {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        assert!(!ENGINES.iter().any(|e| text.contains(e)), "{file} names a database engine");
    }
    // The rule sees the store, which does name one.
    assert!(!naming("src/store", &["rusqlite"]).is_empty());
}

/// The layers above the desk see the desk's types and the records, never
/// the store's: no `store::` in the window, the command line, the documents
/// or the demo (which open and act through `Desk`).
#[test]
fn nothing_above_the_desk_names_the_store() {
    for layer in ["src/gui", "src/cli", "src/documents", "src/demo"] {
        let found = naming(layer, &["store::", "store::{"]);
        assert!(found.is_empty(), "{layer} names the store; go through the desk: {found:?}");
    }
    assert!(!naming("src/desk", &["store::"]).is_empty(), "the rule sees the desk's use of the store");
}

/// The desk decides and the documents render what it decided: `desk` never
/// names `documents` (which names the desk's reports), so the two are not a
/// circle.
#[test]
fn the_desk_makes_no_documents() {
    let found = naming("src/desk", &["documents::", "crate::documents"]);
    assert!(found.is_empty(), "the desk returns data; documents are made above it: {found:?}");
    assert!(!naming("src/cli", &["documents::"]).is_empty(), "the rule sees a user of documents");
}
