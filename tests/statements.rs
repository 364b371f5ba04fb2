//! Itemized statements: they reconcile with the ledger for demo accounts
//! chosen at random, adjacent periods chain, the CSV parses and sums to
//! the ending balance, and bad periods are refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use chrono::{Days, Utc};
use utility_desk::demo::{self, DEMO_PASSWORD, DemoOptions};
use utility_desk::desk::{Actor, Desk, DeskError, Statement};
use utility_desk::documents;
use utility_desk::domain::Money;
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::PostingKind;

struct Demo {
    _dir: tempfile::TempDir,
    desk: Desk,
    rep: Actor,
    accounts: Vec<AccountId>,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    demo::create_at(&path, &DemoOptions { accounts: 60, seed: 11, months: 14 }, Utc::now(), |_, _| {}).unwrap();
    let mut desk = Desk::open(&path).unwrap();
    let rep = desk.login(Utc::now(), "rep1", DEMO_PASSWORD).unwrap().actor;
    let accounts = desk.search("tulsa").unwrap().into_iter().map(|hit| hit.account_id).collect::<Vec<_>>();
    assert!(accounts.len() >= 40, "the demo's accounts are found");
    Demo { _dir: dir, desk, rep, accounts }
}

/// A small deterministic generator: the accounts "chosen at random" are the
/// same on every run, so a failure can be repeated.
fn pick(accounts: &[AccountId], seed: u64, n: usize) -> Vec<AccountId> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            accounts[(state >> 33) as usize % accounts.len()]
        })
        .collect()
}

fn sum(statement: &Statement, side: fn(&utility_desk::desk::StatementItem) -> Option<Money>) -> Money {
    statement.items.iter().filter_map(side).sum()
}

#[test]
fn statements_reconcile_with_the_ledger_for_accounts_chosen_at_random() {
    let mut d = demo();
    let now = Utc::now();
    let (from, to) = d.desk.default_statement_period(now);
    for account in pick(&d.accounts, 2026, 12) {
        let statement = d.desk.statement(&d.rep, account, from, to, now).unwrap();
        let overview = d.desk.overview(account, now).unwrap();
        // Ends where the account's running balance stands (nothing is posted after today).
        assert_eq!(statement.ending_balance, overview.account.balance, "account {account}");
        let charges = sum(&statement, |i| i.charge);
        let credits = sum(&statement, |i| i.credit);
        assert_eq!(statement.balance_forward + charges - credits, statement.ending_balance);
        assert_eq!(statement.items.last().map_or(statement.balance_forward, |i| i.balance), statement.ending_balance);
        let t = statement.totals;
        assert_eq!(t.billed + t.late_fees - t.payments - t.credits_and_adjustments, charges - credits);
        // Every bill of the period is there with its lines, and its total is its line.
        let billed: Vec<_> = statement.items.iter().filter(|i| i.kind == PostingKind::Bill).collect();
        assert_eq!(billed.len(), statement.bills.len());
        for (item, bill) in billed.iter().zip(&statement.bills) {
            assert_eq!(item.bill, Some(bill.id));
            assert_eq!(item.charge, Some(bill.total));
            assert_eq!(bill.lines.iter().map(|l| l.line.amount).sum::<Money>(), bill.total);
        }
        assert!(statement.items.iter().all(|i| (from..=to).contains(&i.date)));
        assert_eq!(statement.aging.balance(), statement.ending_balance, "aging adds up to what is owed");
    }
}

/// "-1234.50" (the CSV's plain form, which may be zero or negative); blank is zero.
fn plain_money(text: &str) -> Money {
    if text.is_empty() {
        return Money::ZERO;
    }
    let (sign, digits) = text.strip_prefix('-').map_or((1, text), |rest| (-1, rest));
    let (whole, cents) = digits.split_once('.').expect("two decimals");
    assert_eq!(cents.len(), 2, "{text}");
    Money::from_cents(sign * (whole.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()))
}

#[test]
fn adjacent_periods_chain_and_the_csv_sums_to_the_ending_balance() {
    let mut d = demo();
    let now = Utc::now();
    let (from, to) = d.desk.default_statement_period(now);
    let middle = from.checked_add_days(Days::new(150)).unwrap();
    for account in pick(&d.accounts, 7, 6) {
        let first = d.desk.statement(&d.rep, account, from, middle, now).unwrap();
        let second = d.desk.statement(&d.rep, account, middle.succ_opt().unwrap(), to, now).unwrap();
        let whole = d.desk.statement(&d.rep, account, from, to, now).unwrap();
        assert_eq!(first.ending_balance, second.balance_forward);
        assert_eq!(second.ending_balance, whole.ending_balance);
        assert_eq!(first.items.len() + second.items.len(), whole.items.len());

        let mut csv = Vec::new();
        documents::statement::write_csv(&whole, &mut csv).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_slice());
        let rows: Vec<HashMap<String, String>> = reader.deserialize().map(Result::unwrap).collect();
        assert_eq!(rows.len(), whole.items.len() + 1, "a balance-forward row, then one per line");
        let money = |text: &str| plain_money(text);
        let forward = money(&rows[0]["balance"]);
        assert_eq!(forward, whole.balance_forward);
        let moved: Money = rows[1..].iter().map(|r| money(&r["charge"]) - money(&r["credit"])).sum();
        assert_eq!(forward + moved, d.desk.overview(account, now).unwrap().account.balance);
        assert_eq!(money(&rows.last().unwrap()["balance"]), whole.ending_balance);
    }
}

#[test]
fn bad_periods_and_people_without_case_work_are_refused() {
    let mut d = demo();
    let now = Utc::now();
    let (from, to) = d.desk.default_statement_period(now);
    let account = d.accounts[0];
    let backwards = d.desk.statement(&d.rep, account, to, from, now).unwrap_err();
    assert!(backwards.to_string().contains("ends") && backwards.to_string().contains("before it starts"));
    let tomorrow = to.succ_opt().unwrap();
    let future = d.desk.statement(&d.rep, account, from, tomorrow, now).unwrap_err();
    assert!(matches!(future, DeskError::FutureDate { .. }), "{future}");
    let long = d.desk.statement(&d.rep, account, from.checked_sub_days(Days::new(4_000)).unwrap(), to, now);
    assert!(long.unwrap_err().to_string().contains("at most 3653 days"));
    let unknown = d.desk.statement(&d.rep, AccountId(999_999), from, to, now).unwrap_err();
    assert!(matches!(unknown, DeskError::UnknownAccount(_)), "{unknown}");
    let admin = d.desk.login(now, "admin", DEMO_PASSWORD).unwrap().actor;
    assert!(matches!(d.desk.statement(&admin, account, from, to, now), Err(DeskError::NotPermitted(_))));
}

/// The text of every page, as lopdf reads it back (one drawn string per line).
fn pdf_text(pdf: &[u8]) -> (String, usize) {
    let document = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can read");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    (document.extract_text(&pages).expect("its text"), pages.len())
}

#[test]
fn the_statement_pdf_shows_the_customer_the_totals_and_every_bill() {
    let mut d = demo();
    let now = Utc::now();
    let (from, to) = d.desk.default_statement_period(now);
    let letterhead = documents::pdf::Letterhead::standard().unwrap();
    for account in pick(&d.accounts, 99, 3) {
        let statement = d.desk.statement(&d.rep, account, from, to, now).unwrap();
        let pdf = documents::statement::write_pdf(&statement, &letterhead).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let (text, pages) = pdf_text(&pdf);
        let has = |wanted: &str| text.lines().any(|line| line.trim() == wanted);
        assert!(has(&letterhead.name), "the letterhead");
        assert!(has(&statement.account.customer.name), "the customer's name");
        assert!(has(&statement.account.account.number.to_string()), "the account number");
        assert!(has(&statement.ending_balance.to_string()), "the ending balance");
        assert!(has(&statement.totals.billed.to_string()), "the bills' total");
        assert!(has(&statement.totals.payments.to_string()), "the payments' total");
        for bill in &statement.bills {
            assert!(has(&bill.total.to_string()), "bill {}'s total", bill.id);
            assert!(text.contains(&format!("Bill {}: read", bill.id)), "bill {}'s reads", bill.id);
        }
        assert!(has(&format!("Page 1 of {pages}")) && has(&format!("Page {pages} of {pages}")), "page numbers");
    }
}
