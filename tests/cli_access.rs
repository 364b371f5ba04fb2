//! The command line as the desk of a representative who uses a screen
//! reader: what the window shows and a screen reader cannot reach there, in
//! plain lines read in order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::*;

#[test]
fn a_bill_is_explained_in_sentences_against_the_homes_usual_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 5, 6);
    let account = account_numbers(&db).remove(0);
    let newest = overview(&db, &account)["bills"][0]["id"].as_i64().unwrap().to_string();
    let said = ok(&db, &["bill", "explain", &newest]);
    assert!(said.starts_with(&format!("Bill {newest} (")), "{said}");
    assert!(said.contains("This bill covers "), "{said}");
    assert!(said.contains("this home's usual use of "), "set against the usual: {said}");
    assert!(said.contains("The total for this bill is "), "{said}");
    let paragraphs: Value = serde_json::from_str(&ok(&db, &["bill", "explain", &newest, "--json"])).unwrap();
    assert!(paragraphs.as_array().unwrap().len() >= 4);
    assert!(refused(&db, &["bill", "explain", "999999"]).contains("999999"));
}

#[test]
fn an_accounts_history_and_usage_are_plain_lines_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 20, 5, 6);
    let account = account_numbers(&db).remove(0);
    ok_as(&db, "rep1", &["contact", &account, "--summary", "Asked about the autopay date"]);
    ok_as(&db, "rep1", &["complaint", "open", &account, "--category", "billing", "--summary", "Bill far above usual"]);
    let history = ok(&db, &["account", &account, "--history"]);
    let lines: Vec<&str> = history.lines().collect();
    assert!(lines[0].starts_with(&format!("History of {account} (")), "{history}");
    let complaint = lines
        .iter()
        .position(|l| l.contains("complaint #") && l.contains("Bill far above usual"))
        .expect("the complaint");
    let contact = lines.iter().position(|l| l.contains("Asked about the autopay date")).expect("the contact");
    assert!(complaint < contact, "newest first: {history}");
    assert!(lines[complaint].contains("Billing (open, in the Desk queue, due "), "{history}");
    let listed: Value = serde_json::from_str(&ok(&db, &["account", &account, "--history", "--json"])).unwrap();
    let kinds: Vec<&str> = listed.as_array().unwrap().iter().map(|h| h["what"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"complaint") && kinds.contains(&"contact"), "{kinds:?}");

    let usage = ok(&db, &["account", &account, "--usage"]);
    assert!(usage.contains(" gallons") && usage.contains("Usual use: "), "{usage}");
    let usage: Value = serde_json::from_str(&ok(&db, &["account", &account, "--usage", "--json"])).unwrap();
    assert!(usage["bills"].as_array().unwrap().len() >= 2 && usage["usual_gallons"].as_u64().is_some(), "{usage}");
}

#[test]
fn requests_are_listed_for_one_account() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 30, 5, 3);
    let quiet: Vec<String> =
        account_numbers(&db).into_iter().filter(|n| overview(&db, n)["flags"]["pending_items"] == 0).collect();
    for account in &quiet[..2] {
        let args = ["credit", account, "75.00", "--reason", "goodwill", "--note", "missed appointment"];
        assert!(ok_as(&db, "rep2", &args).starts_with("sent for approval"));
    }
    let listed: Value =
        serde_json::from_str(&ok_as(&db, "supervisor", &["requests", "--account", &quiet[0], "--json"])).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1, "only the one account's request");
    assert_eq!(listed[0]["account"], quiet[0].as_str());
    let said = refused_as(&db, "supervisor", &["requests", "--account", "10000000-0"]);
    assert!(said.contains("10000000-0"), "an unknown account is named: {said}");
}

#[test]
fn printing_a_statement_without_a_printer_says_so_in_plain_words() {
    let no_printing =
        std::process::Command::new("lp").arg("-h").output().is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    if !no_printing {
        eprintln!("skipped: this machine has lp, and the test would print");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 5, 3);
    let account = account_numbers(&db).remove(0);
    let pdf = dir.path().join("statement.pdf");
    let output = run_as(&db, "rep1", &["statement", &account, "--print", "--pdf", pdf.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not printed: this computer has no printing set up; ask IT to add a printer."),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("The statement is saved as "), "{}", stderr(&output));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}

#[test]
fn a_sitting_signs_in_once_and_is_its_persons_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 5, 3);
    let account = account_numbers(&db).remove(0);
    let started =
        run_with_input(&db, &["session", "start", "--as", "rep1", "--password-stdin"], &format!("{DEMO_PASSWORD}\n"));
    assert_eq!(started.status.code(), Some(0), "{}", stderr(&started));
    let line = stdout(&started);
    let token = line.trim().strip_prefix("export UTILITY_DESK_SESSION=").expect("the line for the shell");
    assert_eq!(token.len(), 64, "{line}");
    assert!(stderr(&started).contains("need no password until 15 minutes pass without one"));

    // No password on standard input, none on a terminal: the session signs in.
    let with_session = |args: &[&str]| command(&db, args).env("UTILITY_DESK_SESSION", token).output().unwrap();
    // The same, with `input` on standard input (a password given by a script).
    let with_session_and_input = |args: &[&str], input: &str| {
        use std::io::Write as _;
        let mut child = command(&db, args)
            .env("UTILITY_DESK_SESSION", token)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let logged = with_session(&["contact", &account, "--summary", "Called about the due date", "--as", "rep1"]);
    assert_eq!(logged.status.code(), Some(0), "{}", stderr(&logged));
    // Another person's name with rep1's token is refused before anything is asked.
    let other = with_session(&["contact", &account, "--summary", "x", "--as", "rep2"]);
    assert_eq!(other.status.code(), Some(1));
    assert!(stderr(&other).contains("is not rep2's: `unset UTILITY_DESK_SESSION`"), "{}", stderr(&other));

    // Only the token's SHA-256 is kept.
    let kept = engine::raw(&db).text("SELECT token_sha256 FROM cli_sessions");
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert_eq!(kept, digest);

    // A script giving the password never rides on the session: a wrong one fails.
    let scripted = with_session_and_input(
        &["contact", &account, "--summary", "x", "--as", "rep1", "--password-stdin"],
        "not-the-password\n",
    );
    assert_eq!(scripted.status.code(), Some(1));
    assert!(stderr(&scripted).contains("Sign-in failed"), "{}", stderr(&scripted));

    // rep2 cannot end rep1's session.
    let theirs =
        with_session_and_input(&["session", "end", "--as", "rep2", "--password-stdin"], &format!("{DEMO_PASSWORD}\n"));
    assert_eq!(theirs.status.code(), Some(1));
    assert!(stderr(&theirs).contains("is not an open one of rep2's"), "{}", stderr(&theirs));

    let ended = with_session(&["session", "end", "--as", "rep1"]);
    assert_eq!(ended.status.code(), Some(0), "{}", stderr(&ended));
    assert!(stdout(&ended).contains("Session of rep1 ended."));
    let open = sql_number(&db, "SELECT count(*) FROM cli_sessions WHERE ended_at IS NULL");
    assert_eq!(open, 0, "ended in the database: the token signs nobody in again");
}
