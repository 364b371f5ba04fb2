//! Service orders through the command line: a leak inspection drafted by a
//! CAR I, submitted, reviewed and sent by a CAR III, completed; a review
//! that sends an order back; a re-read that offers a re-rate and posts
//! nothing; a stop that leaves the account final; and the refusals on the
//! way.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::*;

fn order_rows(db: &std::path::Path) -> (i64, i64) {
    let count = |table: &str| sql_number(db, &format!("SELECT count(*) FROM {table}"));
    (count("service_orders"), count("order_events"))
}

#[test]
fn a_leak_inspection_goes_from_draft_to_completed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 21, 1);
    let account = account_numbers(&db).remove(0);
    let line1 = overview(&db, &account)["account"]["premise"]["address"]["line1"].as_str().unwrap().to_string();
    let typed = format!("{}, Tulsa", line1.to_uppercase());

    let drafted = ok_as(
        &db,
        "rep1",
        &[
            "order",
            "draft",
            &account,
            "--kind",
            "leak-inspection",
            "--address",
            &typed,
            "--leak-location",
            "Water running by the curb stop",
        ],
    );
    assert!(drafted.contains("still missing: contact phone"), "{drafted}");
    let id = number_after(&drafted, "order #").to_string();

    let refused = refused_as(&db, "rep1", &["order", "submit", &id]);
    assert!(refused.contains("cannot be submitted without its contact phone"), "{refused}");
    let updated = ok_as(&db, "rep1", &["order", "update", &id, "--phone", "(918) 555-0199"]);
    assert!(updated.contains("Changed: contact phone"), "{updated}");
    ok_as(&db, "rep1", &["order", "submit", &id]);
    let queue = json(&db, &["order", "queue", "--json"]);
    assert!(queue.as_array().unwrap().iter().any(|o| o["id"].as_i64() == id.parse().ok()), "{queue}");

    let refused = refused_as(&db, "rep2", &["order", "review", &id]);
    assert!(refused.contains("only a Customer Account Representative III or above reviews"), "{refused}");
    let reviewed = ok_as(&db, "rep3", &["order", "review", &id]);
    assert!(reviewed.contains("nothing flagged"), "{reviewed}");
    assert!(refused_as(&db, "rep1", &["order", "send", &id]).contains("sends service orders"));
    ok_as(&db, "rep3", &["order", "send", &id]);
    ok_as(&db, "rep1", &["contact", &account, "--summary", "Asked when the crew comes", "--order", &id]);
    let completed = ok_as(&db, "rep1", &["order", "complete", &id, "--outcome", "Curb stop packing replaced"]);
    assert!(completed.contains(&format!("completed: order #{id}")), "{completed}");
    assert!(!completed.contains("re-rate"), "only a re-read offers one: {completed}");

    let view = json(&db, &["order", "show", &id, "--json"]);
    assert_eq!(view["order"]["status"], "completed");
    assert_eq!(view["order"]["fields"]["contact_phone"], "(918) 555-0199");
    let steps: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["to"].as_str().unwrap()).collect();
    assert_eq!(steps, ["draft", "draft", "submitted", "reviewed", "sent", "completed"]);
    assert_eq!(view["contacts"].as_array().unwrap().len(), 1);
    let shown = ok(&db, &["order", "show", &id]);
    assert!(shown.contains("Leak inspection — Completed") && shown.contains("Curb stop packing replaced"), "{shown}");
    let listed = ok(&db, &["order", "list", "--account", &account]);
    assert!(listed.contains(&format!("#{id}")), "{listed}");

    let refused = refused_as(&db, "rep3", &["order", "cancel", &id, "--reason", "Entered twice"]);
    assert!(refused.contains("was already completed: it is final"), "{refused}");
}

#[test]
fn a_review_sends_an_inconsistent_order_back_and_refusals_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 22, 1);
    let account = account_numbers(&db).remove(0);
    let args = [
        "order",
        "draft",
        &account,
        "--kind",
        "leak-inspection",
        "--address",
        "1 Nowhere St",
        "--leak-location",
        "Meter box",
        "--phone",
        "918 555 0100",
    ];
    let id = number_after(&ok_as(&db, "rep1", &args), "order #").to_string();
    ok_as(&db, "rep1", &["order", "submit", &id]);
    let returned = ok_as(&db, "rep3", &["order", "review", &id]);
    assert!(returned.contains(&format!("returned to draft: order #{id}, 1 to fix:")), "{returned}");
    assert!(returned.contains("the address \"1 Nowhere St\" is not the account's service address"), "{returned}");
    let shown = ok(&db, &["order", "show", &id]);
    assert!(shown.contains("Flagged at review"), "{shown}");

    let before = order_rows(&db);
    let refusals: [(&str, &[&str], &str); 6] = [
        ("admin", &["order", "draft", &account, "--kind", "meter-test"], "Administrator"),
        ("rep1", &["order", "draft", "99999999-9", "--kind", "meter-test"], "99999999-9"),
        ("rep1", &["order", "draft", &account, "--kind", "meter-test", "--leak-location", "x"], "has no leak location"),
        ("rep2", &["order", "cancel", &id, "--reason", "Not mine"], "only its author"),
        ("rep1", &["order", "send", &id], "only a Customer Account Representative III"),
        ("rep1", &["order", "cancel", "424242", "--reason", "x"], "no service order #424242"),
    ];
    for (user, args, said) in refusals {
        let error = refused_as(&db, user, args);
        assert!(error.contains(said), "{args:?}: {error}");
    }
    let usage = run_as(&db, "rep1", &["order", "complete", &id]);
    assert_eq!(usage.status.code(), Some(2), "a missing --outcome is a usage error");
    let usage = run_as(&db, "rep1", &["order", "draft", &account, "--kind", "repaint-house"]);
    assert_eq!(usage.status.code(), Some(2), "an unknown kind is a usage error");
    assert_eq!(order_rows(&db), before, "nothing was written");
}

#[test]
fn a_completed_reread_offers_a_re_rate_and_posts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 23, 2);
    let account = account_numbers(&db).remove(0);
    let bill = overview(&db, &account)["bills"][0].clone();
    assert!(bill["consumption_gal"].as_u64().unwrap() > 0, "the bill used water: {bill}");
    let (bill_id, previous) = (bill["id"].to_string(), bill["previous_read"]["reading"].to_string());

    let args =
        ["order", "draft", &account, "--kind", "meter-reread", "--bill", &bill_id, "--reason", "Read looks high"];
    let id = number_after(&ok_as(&db, "rep1", &args), "order #").to_string();
    ok_as(&db, "rep1", &["order", "submit", &id]);
    ok_as(&db, "rep3", &["order", "review", &id]);
    ok_as(&db, "rep3", &["order", "send", &id]);
    let refused = refused_as(&db, "rep1", &["order", "complete", &id, "--outcome", "Read it"]);
    assert!(refused.contains("completed with the reading found"), "{refused}");

    let postings = posting_count(&db);
    // The meter shows no use since the bill's previous read.
    let completed =
        ok_as(&db, "rep1", &["order", "complete", &id, "--outcome", "Dials unchanged", "--reading", &previous]);
    assert!(
        completed.contains(&format!("re-rate offered: bill {bill_id} from reading {previous} (0 gal)")),
        "{completed}"
    );
    assert!(completed.contains(&format!("utility-desk adjust {bill_id} --read {previous}")), "{completed}");
    assert_eq!(posting_count(&db), postings, "offered, not posted");
    assert_eq!(json(&db, &["order", "show", &id, "--json"])["order"]["reread_value"].to_string(), previous);
}

#[test]
fn a_completed_stop_leaves_the_account_final() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 21, 1);
    let account = account_numbers(&db).remove(0);
    let line1 = overview(&db, &account)["account"]["premise"]["address"]["line1"].as_str().unwrap().to_string();
    // Service ends today, the utility's today: a stop is not completed before its day.
    let zone: chrono_tz::Tz = utility_desk::desk::DEFAULT_TIME_ZONE.parse().unwrap();
    let today = chrono::Utc::now().with_timezone(&zone).date_naive().to_string();
    let args = [
        "order",
        "draft",
        &account,
        "--kind",
        "stop-service",
        "--date",
        &today,
        "--address",
        &line1,
        "--forwarding-address",
        "9 W 5th St, Tulsa OK 74119",
    ];
    let id = number_after(&ok_as(&db, "rep1", &args), "order #").to_string();
    ok_as(&db, "rep1", &["order", "submit", &id]);
    assert!(ok_as(&db, "rep3", &["order", "review", &id]).contains("nothing flagged"));
    ok_as(&db, "rep3", &["order", "send", &id]);
    let completed = ok_as(&db, "rep1", &["order", "complete", &id, "--outcome", "Locked off at the curb stop"]);
    assert!(completed.contains(&format!("account final from {today}")), "{completed}");
    let shown = ok(&db, &["account", &account]);
    assert!(shown.contains("(final)") && shown.contains(&format!("Service ended {today}")), "{shown}");

    // Completed with the final read, a stop posts the final bill, its
    // monthly charges prorated to the days since the last read.
    let other = account_numbers(&db)
        .into_iter()
        .skip(1)
        .find(|n| json(&db, &["order", "list", "--account", n, "--json"]).as_array().is_some_and(Vec::is_empty))
        .expect("an account with no order");
    let last = overview(&db, &other)["bills"][0]["current_read"].clone();
    let line1 = overview(&db, &other)["account"]["premise"]["address"]["line1"].as_str().unwrap().to_string();
    let args = ["order", "draft", &other, "--kind", "stop-service", "--date", &today, "--address", &line1];
    let args = [&args[..], &["--forwarding-address", "9 W 5th St, Tulsa OK 74119"]].concat();
    let id = number_after(&ok_as(&db, "rep1", &args), "order #").to_string();
    ok_as(&db, "rep1", &["order", "submit", &id]);
    let reviewed = ok_as(&db, "rep3", &["order", "review", &id]);
    assert!(reviewed.contains("nothing flagged"), "{reviewed}");
    ok_as(&db, "rep3", &["order", "send", &id]);
    let reading = (last["reading"].as_u64().unwrap() + 1_500).to_string();
    let args = ["order", "complete", &id, "--outcome", "Final read, locked off", "--reading", &reading];
    let completed = ok_as(&db, "rep1", &args);
    assert!(completed.contains(&format!("account final from {today}: final bill ")), "{completed}");
    let bills = overview(&db, &other)["bills"].clone();
    assert_eq!(bills[0]["period_end"], today.as_str(), "the final bill ends the day service ended");
    assert_eq!(bills[0]["consumption_gal"], 1_500);
    verify_passes(&db);
}

#[test]
fn a_completed_transfer_starts_service_at_the_new_premise() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 22, 1);
    let account = account_numbers(&db).remove(0);
    let before = overview(&db, &account);
    let line1 = before["account"]["premise"]["address"]["line1"].as_str().unwrap().to_string();
    let last = before["bills"][0]["current_read"]["reading"].as_u64().unwrap();
    let zone: chrono_tz::Tz = utility_desk::desk::DEFAULT_TIME_ZONE.parse().unwrap();
    let today = chrono::Utc::now().with_timezone(&zone).date_naive().to_string();
    let args = ["order", "draft", &account, "--kind", "transfer-service", "--date", &today, "--address", &line1];
    let rest = ["--new-address", "500 S Boston Ave, Tulsa OK 74103", "--phone", "(918) 555-0199"];
    let id = number_after(&ok_as(&db, "rep1", &[&args[..], &rest[..]].concat()), "order #").to_string();
    ok_as(&db, "rep1", &["order", "submit", &id]);
    let reviewed = ok_as(&db, "rep3", &["order", "review", &id]);
    assert!(reviewed.contains("nothing flagged"), "{reviewed}");
    ok_as(&db, "rep3", &["order", "send", &id]);
    let new = [
        "--new-line1",
        "500 S Boston Ave",
        "--new-city",
        "Tulsa",
        "--new-state",
        "OK",
        "--new-zip",
        "74103",
        "--new-sewer-cap",
        "4000",
        "--new-meter",
        "n500",
        "--new-meter-reading",
        "12",
        "--move-balance",
    ];

    // Without the final reading the new premise cannot start: refused,
    // the order still in the field and the account as it was.
    let (orders, accounts) = (order_rows(&db), account_numbers(&db).len());
    let args = [&["order", "complete", &id, "--outcome", "Moved"][..], &new[..]].concat();
    let refused = refused_as(&db, "rep1", &args);
    assert!(refused.contains("only with the old meter's final reading"), "{refused}");
    assert_eq!((order_rows(&db), account_numbers(&db).len()), (orders, accounts));

    let reading = (last + 2_000).to_string();
    let args =
        [&["order", "complete", &id, "--outcome", "Final read; new meter set", "--reading", &reading][..], &new[..]]
            .concat();
    let completed = ok_as(&db, "rep1", &args);
    assert!(completed.contains(&format!("account final from {today}: final bill ")), "{completed}");
    let opened = completed
        .lines()
        .find_map(|l| l.strip_prefix("service started for the same customer: account "))
        .unwrap_or_else(|| panic!("{completed}"))
        .to_string();
    assert!(completed.contains(&format!("moved to account {opened}")), "{completed}");
    let (old, moved) = (overview(&db, &account), overview(&db, &opened));
    assert_eq!(old["account"]["account"]["status"], "final");
    assert_eq!(old["account"]["balance"], 0, "the balance went across");
    assert_eq!(moved["account"]["customer"], old["account"]["customer"]);
    assert_eq!(moved["account"]["services"]["meter_number"], "N500");
    assert_eq!(moved["account"]["premise"]["address"]["line1"], "500 S Boston Ave");
    assert_eq!(moved["account"]["account"]["opened_on"], today.as_str(), "a move done today starts today");
    verify_passes(&db);
}

#[test]
fn a_completed_start_on_an_ended_account_starts_service_again_at_its_premise() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "ledger.db", 10, 23, 1);
    let account = account_numbers(&db).remove(0);
    let before = overview(&db, &account);
    let line1 = before["account"]["premise"]["address"]["line1"].as_str().unwrap().to_string();
    let last = &before["bills"][0]["current_read"];
    let (reading, read_on) = (last["reading"].as_u64().unwrap(), last["read_on"].as_str().unwrap().to_string());
    let zone: chrono_tz::Tz = utility_desk::desk::DEFAULT_TIME_ZONE.parse().unwrap();
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    let yesterday = today - chrono::Days::new(1);
    assert!(read_on < yesterday.to_string(), "the demo's last read {read_on} is before yesterday");
    let stop = ["service", "stop", &account, "--on", &yesterday.to_string(), "--reading", &(reading + 500).to_string()];
    ok_as(&db, "rep3", &stop);

    // The customer comes back: a start order on the ended account.
    let args = ["order", "draft", &account, "--kind", "start-service", "--date", &today.to_string()];
    let rest = ["--address", &line1, "--phone", "(918) 555-0100"];
    let id = number_after(&ok_as(&db, "rep1", &[&args[..], &rest[..]].concat()), "order #").to_string();
    ok_as(&db, "rep1", &["order", "submit", &id]);
    let reviewed = ok_as(&db, "rep3", &["order", "review", &id]);
    assert!(reviewed.contains("nothing flagged"), "{reviewed}");
    ok_as(&db, "rep3", &["order", "send", &id]);
    let turned_on = (reading + 520).to_string();
    let args = ["order", "complete", &id, "--outcome", "Turned on at the curb stop", "--reading", &turned_on];
    let completed = ok_as(&db, "rep1", &args);
    let opened = completed
        .lines()
        .find_map(|l| l.strip_prefix("service started for the same customer: account "))
        .unwrap_or_else(|| panic!("{completed}"))
        .to_string();
    let (old, new) = (overview(&db, &account), overview(&db, &opened));
    assert_eq!(old["account"]["account"]["status"], "final");
    assert_eq!(new["account"]["account"]["status"], "active");
    assert_eq!(new["account"]["customer"], old["account"]["customer"]);
    assert_eq!(new["account"]["premise"], old["account"]["premise"], "the same premise");
    assert_eq!(new["account"]["services"], old["account"]["services"], "the same services and meter");
    assert_eq!(new["account"]["account"]["opened_on"], today.to_string().as_str());
    verify_passes(&db);
}
