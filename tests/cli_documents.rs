//! Documents through the command line: a statement as PDF and CSV that
//! agree with the account, the supervisor reports with their CSVs, and the
//! refusals (a representative running a supervisor report, a bad period).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;

use support::*;

fn csv_rows(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    csv::Reader::from_path(path).unwrap().deserialize().map(Result::unwrap).collect()
}

#[test]
fn a_statement_is_written_as_pdf_and_csv_that_agree_with_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 5, 13);
    let number = account_numbers(&db).remove(2);
    let (pdf, csv) = (dir.path().join("statement.pdf"), dir.path().join("statement.csv"));
    let said =
        ok_as(&db, "rep1", &["statement", &number, "--pdf", pdf.to_str().unwrap(), "--csv", csv.to_str().unwrap()]);
    assert!(said.contains(&format!("Statement for {number}")), "{said}");
    let balance = balance(&db, &number);

    let rows = csv_rows(&csv);
    let last = rows.last().unwrap();
    let cents = |text: &str| -> i64 { if text.is_empty() { 0 } else { text.replace('.', "").parse().unwrap() } };
    assert_eq!(cents(&last["balance"]), balance, "the CSV ends at the account's balance");
    let moved: i64 = rows.iter().map(|r| cents(&r["charge"]) - cents(&r["credit"])).sum();
    assert_eq!(cents(&rows[0]["balance"]) + moved, balance);

    let document = lopdf::Document::load(&pdf).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).unwrap();
    assert!(text.contains(&number) && text.contains("Itemized statement") && text.contains("Ending balance"));

    let refused = refused_as(&db, "rep1", &["statement", &number, "--from", "2026-11-01", "--to", "2026-10-01"]);
    assert!(refused.contains("before it starts"), "{refused}");
    assert!(refused_as(&db, "rep1", &["statement", "99999999-9"]).contains("99999999"));
}

#[test]
fn supervisor_reports_write_their_tables_and_are_refused_to_a_representative() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 30, 3, 3);
    let (lines, requests) = (dir.path().join("lines.csv"), dir.path().join("requests.csv"));
    let period = ["--from", "2026-01-01"];
    let said = ok_as(
        &db,
        "supervisor",
        &[
            &["report", "adjustments"][..],
            &period,
            &["--csv", lines.to_str().unwrap(), "--requests-csv", requests.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(said.starts_with("Money actions effective 2026-01-01"), "{said}");
    let rows = csv_rows(&lines);
    assert!(rows.iter().all(|r| !r["representative"].is_empty() && !r["action"].is_empty()));
    assert!(requests.exists(), "the requests table is written even when it is short");
    for report in ["complaints", "productivity"] {
        let csv = dir.path().join(format!("{report}.csv"));
        ok_as(&db, "manager", &[&["report", report][..], &period, &["--csv", csv.to_str().unwrap()]].concat());
        csv::Reader::from_path(&csv).unwrap().headers().unwrap();
    }
    let refused = refused_as(&db, "rep3", &[&["report", "productivity"][..], &period].concat());
    assert!(refused.contains("run by a Supervisor or Manager"), "{refused}");
}

#[test]
fn a_high_bill_letter_is_previewed_edited_sent_and_shown_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 8, 3);
    let number = account_numbers(&db).remove(0);
    let bill = overview(&db, &number)["bills"][0]["id"].as_i64().unwrap().to_string();
    let send = ["letter", "send", &number, "--template", "high-bill-explanation", "--bill", &bill];
    let preview = ok_as(&db, "rep1", &[&send[..], &["--preview"]].concat());
    assert!(preview.starts_with(&format!("Subject: Your bill {bill} for ")), "{preview}");
    assert!(preview.contains("Here is how it was worked out"));
    assert_eq!(
        json(&db, &["letter", "list", &number, "--json"]).as_array().unwrap().len(),
        0,
        "a preview keeps nothing"
    );

    let edited = dir.path().join("body.txt");
    let body =
        preview.split_once("\n\n").unwrap().1.replace("Sincerely,", "We are sorry for the trouble.\n\nSincerely,");
    std::fs::write(&edited, &body).unwrap();
    let pdf = dir.path().join("letter.pdf");
    let sent = ok_as(
        &db,
        "rep1",
        &[&send[..], &["--body-file", edited.to_str().unwrap(), "--pdf", pdf.to_str().unwrap()]].concat(),
    );
    let id = number_after(&sent, "letter #");
    let shown = json(&db, &["letter", "show", &id.to_string(), "--json"]);
    assert_eq!(shown["body"].as_str().unwrap(), body.trim(), "kept exactly as sent");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    let refused = refused_as(&db, "rep1", &["letter", "send", &number, "--template", "dispute-denied"]);
    assert!(refused.contains("needs") && refused.contains("dispute_bill"), "{refused}");
}

/// Every CSV the product writes goes through one writer that neutralises
/// spreadsheet formulas (OWASP's rule): a complaint summary, a credit's
/// note and a person's name that begin with `=`, `+`, `-` or `@` come out
/// with a quote in front, in every CSV; plain numbers (a credit balance)
/// stay numbers.
#[test]
fn every_csv_output_neutralises_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 8, 3);
    let account = account_numbers(&db).remove(0);
    let attack = "=cmd|' /C calc'!A0";
    // A person named like a formula, who credits an account with a formula
    // for a note and logs a Council complaint with one for a summary.
    let args = ["user", "add", "mallory", "--name", "@SUM(1+1)*cmd|' /C calc'!A0", "--role", "car3"];
    assert_eq!(run_as_with(&db, "admin", &args, &[DEMO_PASSWORD, "temporary-pass-1"]).status.code(), Some(0));
    assert_eq!(
        run_as_with(&db, "mallory", &["user", "passwd", "mallory"], &["temporary-pass-1", DEMO_PASSWORD]).status.code(),
        Some(0)
    );
    ok_as(&db, "mallory", &["credit", &account, "12.00", "--reason", "goodwill", "--note", attack]);
    ok_as(&db, "mallory", &["credit", &account, "300.00", "--reason", "goodwill", "--note", "+1+1"]);
    let complaint = [
        "complaint",
        "open",
        &account,
        "--category",
        "billing",
        "--source",
        "council",
        "--district",
        "2",
        "--summary=-2+3 says the councilor",
    ];
    ok_as(&db, "mallory", &complaint);

    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let period = ["--from", "2026-01-01"];
    let runs: Vec<(&str, Vec<String>)> = vec![
        ("mallory", vec!["statement".into(), account.clone(), "--csv".into(), file("statement.csv")]),
        (
            "supervisor",
            [
                &["report", "adjustments"][..],
                &period,
                &["--csv", &file("lines.csv"), "--requests-csv", &file("requests.csv")],
            ]
            .concat()
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        (
            "supervisor",
            [&["report", "complaints"][..], &period, &["--csv", &file("complaints.csv")]]
                .concat()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            "manager",
            [&["report", "productivity"][..], &period, &["--csv", &file("productivity.csv")]]
                .concat()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        (
            "mallory",
            [&["report", "liaison"][..], &period, &["--csv", &file("liaison.csv")]]
                .concat()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
    ];
    for (user, args) in &runs {
        ok_as(&db, user, &args.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let mut quoted = Vec::new();
    for name in ["statement.csv", "lines.csv", "requests.csv", "complaints.csv", "productivity.csv", "liaison.csv"] {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(dir.path().join(name)).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let number = cell.strip_prefix('-').is_some_and(|n| n.parse::<f64>().is_ok());
                assert!(
                    number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name}: a formula cell {cell:?}"
                );
                if cell.starts_with('\'') {
                    quoted.push((name, cell.to_string()));
                }
            }
        }
    }
    // The statement shows a credit's note after its kind ("Credit
    // (Customer goodwill): =cmd..."): no cell of it begins with one.
    let statement = std::fs::read_to_string(dir.path().join("statement.csv")).unwrap();
    assert!(statement.contains(&format!("Credit (Customer goodwill): {attack}")), "{statement}");
    // Each hostile text reached a CSV, and came out quoted.
    for (name, text) in [
        ("lines.csv", "'@SUM(1+1)*cmd|' /C calc'!A0".to_string()),
        ("requests.csv", "'@SUM(1+1)*cmd|' /C calc'!A0".to_string()),
        ("productivity.csv", "'@SUM(1+1)*cmd|' /C calc'!A0".to_string()),
        ("liaison.csv", "'-2+3 says the councilor".to_string()),
    ] {
        assert!(quoted.iter().any(|(n, c)| *n == name && *c == text), "{name} holds {text:?}: {quoted:#?}");
    }
}
