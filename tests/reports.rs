//! Supervisor reports: money actions by representative and reason, with the
//! requests raised above limits and their turnaround; complaints by source,
//! status and overdue; case work per person. Their CSVs parse and add up to
//! the ledger; only Supervisors and Managers run them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use chrono::Duration;
use common::{cents, file_fixture, now, today};
use utility_desk::desk::{ContactRequest, CreditRequest, DeskError, MoneyRequest, NewComplaint, Outcome};
use utility_desk::documents::reports;
use utility_desk::domain::cases::Channel;
use utility_desk::domain::cases::{ComplaintCategory, ComplaintStatus, Source};
use utility_desk::domain::ids::AccountId;
use utility_desk::domain::ledger::{PostingKind, ReasonCode};

fn credit(account: AccountId, amount: i64, key: &str, reason: ReasonCode) -> MoneyRequest {
    MoneyRequest::Credit(CreditRequest {
        account,
        amount: cents(amount),
        reason,
        note: "report test".into(),
        key: key.into(),
    })
}

fn pending(outcome: Outcome) -> i64 {
    match outcome {
        Outcome::Pending { request, .. } => request,
        Outcome::Posted(_) => panic!("a CAR I's credit goes for approval"),
    }
}

fn csv_rows(bytes: &[u8]) -> Vec<HashMap<String, String>> {
    csv::Reader::from_reader(bytes).deserialize().map(Result::unwrap).collect()
}

#[test]
fn money_actions_count_by_representative_and_reason_with_requests_and_turnaround() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    // A second request on one account waits for the first: three accounts.
    let (second, third) = (f.fixture.residential(), f.fixture.residential());
    let s = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    // A CAR III posts two goodwill credits within her limits.
    for key in ["g1", "g2"] {
        let posted = desk.submit(&s.car3, now(), &credit(account, 1_000, key, ReasonCode::Goodwill)).unwrap();
        assert!(matches!(posted, Outcome::Posted(_)));
    }
    // A CAR I's three go for approval: approved 30 minutes later, rejected 90 minutes later, left waiting.
    let approved = pending(desk.submit(&s.car1, now(), &credit(account, 2_000, "a", ReasonCode::Leak)).unwrap());
    let rejected = pending(desk.submit(&s.car1, now(), &credit(second, 3_000, "r", ReasonCode::Goodwill)).unwrap());
    pending(desk.submit(&s.car1, now(), &credit(third, 4_000, "p", ReasonCode::BillingError)).unwrap());
    desk.approve(&s.supervisor, now() + Duration::minutes(30), approved, None, None).unwrap();
    desk.reject(&s.supervisor, now() + Duration::minutes(90), rejected, "not a leak month").unwrap();

    let report = desk.money_actions_report(&s.supervisor, today(), today(), now() + Duration::hours(2)).unwrap();
    type Line<'a> = (&'a str, PostingKind, Option<ReasonCode>, u64, i64, u64);
    let lines: Vec<Line> = report
        .lines
        .iter()
        .map(|l| (l.username.as_str(), l.kind, l.reason, l.postings, l.credited.cents(), l.approved_above_limit))
        .collect();
    assert_eq!(
        lines,
        [
            ("car1", PostingKind::Credit, Some(ReasonCode::Leak), 1, 2_000, 1),
            ("car3", PostingKind::Credit, Some(ReasonCode::Goodwill), 2, 2_000, 0),
        ],
        "the approved credit counts as its requester's"
    );
    assert_eq!(report.totals(), (cents(4_000), cents(0)));
    assert_eq!(report.requests.len(), 1);
    let r = &report.requests[0];
    assert_eq!((r.username.as_str(), r.action.as_str()), ("car1", "credit"));
    assert_eq!((r.raised, r.approved, r.pending, r.rejected, r.withdrawn), (3, 1, 1, 1, 0));
    assert_eq!((r.asked, r.approved_amount), (cents(9_000), cents(2_000)));
    assert_eq!((r.average_turnaround_minutes, r.longest_turnaround_minutes), (Some(60), Some(90)));

    // The CSVs parse and sum to the report.
    let mut out = Vec::new();
    reports::write_money_actions_csv(&report, &mut out).unwrap();
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 2);
    let credited: i64 = rows.iter().map(|r| r["credited"].replace('.', "").parse::<i64>().unwrap()).sum();
    assert_eq!(credited, 4_000, "in cents");
    let mut out = Vec::new();
    reports::write_requests_csv(&report, &mut out).unwrap();
    let rows = csv_rows(&out);
    assert_eq!((rows[0]["raised"].as_str(), rows[0]["asked"].as_str()), ("3", "90.00"));

    // The PDF shows each representative's line and the totals.
    let letterhead = utility_desk::documents::pdf::Letterhead::standard().unwrap();
    let pdf = reports::money_actions_pdf(&report, &letterhead).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for wanted in
        ["Credits and adjustments", "car1", "car3", "$40.00", "$20.00", "3 raised: 1 approved, 1 pending, 1 rejected"]
    {
        assert!(lines.contains(&wanted), "{wanted} in {lines:?}");
    }

    // The day before holds nothing.
    let yesterday = today().pred_opt().unwrap();
    let empty = desk.money_actions_report(&s.supervisor, yesterday, yesterday, now()).unwrap();
    assert!(empty.lines.is_empty() && empty.requests.is_empty());
}

#[test]
fn complaints_and_case_work_are_counted_per_source_and_person() {
    let mut f = file_fixture();
    let account = f.fixture.residential();
    let s = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    let log = |source: Source, district: Option<u8>| ContactRequest {
        account,
        channel: Channel::Phone,
        summary: "Bill too high".into(),
        complaint: Some(NewComplaint {
            source,
            council_district: district,
            ..NewComplaint::from_customer(ComplaintCategory::HighBill)
        }),
        about: None,
        identity: None,
    };
    desk.log_contact(&s.car1, now(), &log(Source::Customer, None)).unwrap();
    desk.log_contact(&s.car1, now(), &log(Source::Customer, None)).unwrap();
    let council = desk.log_contact(&s.car2, now(), &log(Source::Council, Some(3))).unwrap();
    let close = utility_desk::desk::ComplaintAction::Close {
        resolution: utility_desk::domain::cases::Resolution::Explained,
        note: "Explained the summer use".into(),
    };
    desk.work_complaint(&s.car3, now(), council.complaint.unwrap(), &close).unwrap();

    // Two months on, the customer's two are overdue.
    let later = now() + Duration::days(60);
    let report = desk.complaints_report(&s.manager, today(), today(), later).unwrap();
    let groups: Vec<(Source, ComplaintStatus, u64, u64)> =
        report.groups.iter().map(|g| (g.source, g.status, g.count, g.overdue)).collect();
    assert_eq!(
        groups,
        [(Source::Customer, ComplaintStatus::Open, 2, 2), (Source::Council, ComplaintStatus::Closed, 1, 0)]
    );
    let mut out = Vec::new();
    reports::write_complaints_csv(&report, &mut out).unwrap();
    assert_eq!(csv_rows(&out).iter().map(|r| r["complaints"].parse::<u64>().unwrap()).sum::<u64>(), 3);

    let work = desk.productivity_report(&s.supervisor, today(), today(), later).unwrap();
    let by: HashMap<&str, (u64, u64, u64)> = work
        .lines
        .iter()
        .map(|l| (l.username.as_str(), (l.contacts, l.complaints_opened, l.complaints_closed)))
        .collect();
    assert_eq!(by["car1"], (2, 2, 0));
    assert_eq!(by["car2"], (1, 1, 0));
    assert_eq!(by["car3"], (0, 0, 1));
    let mut out = Vec::new();
    reports::write_productivity_csv(&work, &mut out).unwrap();
    assert_eq!(csv_rows(&out).len(), work.lines.len());
}

#[test]
fn only_supervisors_and_managers_run_them_over_sane_periods() {
    let mut f = file_fixture();
    let s = f.fixture.staff.clone();
    let desk = &mut f.fixture.desk;
    for who in [&s.car1, &s.car3, &s.admin] {
        let refused = desk.money_actions_report(who, today(), today(), now()).unwrap_err();
        assert!(matches!(refused, DeskError::NotPermitted(_)), "{refused}");
        assert!(refused.to_string().contains("run by a Supervisor or Manager"), "{refused}");
    }
    let backwards = desk.productivity_report(&s.supervisor, today(), today().pred_opt().unwrap(), now());
    assert!(backwards.unwrap_err().to_string().contains("before it starts"));
    let long = desk.complaints_report(&s.supervisor, today() - Duration::days(400), today(), now());
    assert!(long.unwrap_err().to_string().contains("at most 366 days"));
}
