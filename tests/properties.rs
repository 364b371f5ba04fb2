//! Random sequences of desk actions keep the ledger's invariants (domain
//! brief, 1-6): every posting and the whole ledger balance, cached balances
//! equal their entries, a posting is reversed at most once and nets to zero
//! with its reversal, the same key posts once and a changed payload under a
//! used key is refused, and a refused request writes nothing.
//!
//! A small model predicts each outcome (which refusal, or the balance
//! change), and the desk must agree with it after every step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use chrono::{Days, Months, NaiveDate};
use common::{Fixture, cents, day, fixture, month_request, now, today};
use proptest::prelude::*;
use utility_desk::desk::{
    CreditRequest, DeskError, PaymentMethod, PaymentRequest, Posted, ReverseRequest, WaiveRequest,
};
use utility_desk::domain::Money;
use utility_desk::domain::ids::{AccountId, BillId, PostingId};
use utility_desk::domain::ledger::{LedgerError, PostingKind, ReasonCode};

const ACCOUNTS: usize = 2;
/// Billable months: December 2025 (the first after opening) to October 2026.
const MONTHS: u32 = 11;

#[derive(Debug, Clone)]
enum Op {
    Bill { account: usize, gallons: u64 },
    Pay { account: usize, cents: i64 },
    Credit { account: usize, cents: i64, reason: usize },
    Reverse { pick: usize },
    LateFees { day: u64 },
    Waive { pick: usize },
    Replay { pick: usize },
    ReplayChanged { pick: usize },
    Invalid { kind: u8, account: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let account = 0..ACCOUNTS;
    prop_oneof![
        4 => (account.clone(), 0..15_000u64).prop_map(|(account, gallons)| Op::Bill { account, gallons }),
        3 => (account.clone(), 1..30_000i64).prop_map(|(account, cents)| Op::Pay { account, cents }),
        2 => (account.clone(), 1..5_000i64, 0..ReasonCode::ALL.len())
            .prop_map(|(account, cents, reason)| Op::Credit { account, cents, reason }),
        3 => any::<usize>().prop_map(|pick| Op::Reverse { pick }),
        2 => (0..355u64).prop_map(|day| Op::LateFees { day }),
        2 => any::<usize>().prop_map(|pick| Op::Waive { pick }),
        2 => any::<usize>().prop_map(|pick| Op::Replay { pick }),
        1 => any::<usize>().prop_map(|pick| Op::ReplayChanged { pick }),
        2 => (0..6u8, account).prop_map(|(kind, account)| Op::Invalid { kind, account }),
    ]
}

/// A posting as the model knows it.
#[derive(Debug, Clone)]
struct Known {
    id: PostingId,
    account: usize,
    /// Its effect on the account's receivable, in cents.
    change: i64,
    kind: PostingKind,
    reversed: bool,
    /// Index (in `postings`) of the waiver, for a late fee.
    waived_by: Option<usize>,
    /// For bills: the bill, for late fees: the bill it is on.
    bill: Option<BillId>,
}

/// A request that posted, kept to be sent again.
#[derive(Debug, Clone)]
enum Sent {
    Pay(PaymentRequest),
    Credit(CreditRequest),
    Reverse(ReverseRequest),
    Waive(WaiveRequest),
}

struct Model {
    accounts: Vec<AccountId>,
    balance: Vec<i64>,
    next_month: Vec<u32>,
    reading: Vec<u64>,
    postings: Vec<Known>,
    sent: Vec<(Sent, PostingId)>,
    keys: u32,
}

impl Model {
    fn key(&mut self) -> String {
        self.keys += 1;
        format!("k{}", self.keys)
    }

    fn posted(&mut self, known: Known) -> usize {
        self.balance[known.account] += known.change;
        self.postings.push(known);
        self.postings.len() - 1
    }
}

fn month(index: u32) -> (i32, u32) {
    let first = day(2025, 12, 1).checked_add_months(Months::new(index)).unwrap();
    (chrono::Datelike::year(&first), chrono::Datelike::month(&first))
}

/// Sends a request again, as it was.
fn resend(f: &mut Fixture, sent: &Sent) -> Result<Posted, DeskError> {
    let actor = f.staff.cashier().clone();
    match sent {
        Sent::Pay(r) => f.desk.record_payment(&actor, now(), r),
        Sent::Credit(r) => f.desk.issue_credit(&actor, now(), r),
        Sent::Reverse(r) => f.desk.reverse(&actor, now(), r),
        Sent::Waive(r) => f.desk.waive_late_fee(&actor, now(), r),
    }
}

/// The same key with something in the request changed.
fn changed(sent: &Sent) -> Sent {
    match sent.clone() {
        Sent::Pay(r) => Sent::Pay(PaymentRequest { amount: r.amount + cents(1), ..r }),
        Sent::Credit(r) => Sent::Credit(CreditRequest { note: format!("{} (again)", r.note), ..r }),
        Sent::Reverse(r) => Sent::Reverse(ReverseRequest { note: format!("{} (again)", r.note), ..r }),
        Sent::Waive(r) => Sent::Waive(WaiveRequest { note: format!("{} (again)", r.note), ..r }),
    }
}

/// Runs one step and checks the desk against the model; returns what
/// happened, in a word or two.
fn step(f: &mut Fixture, m: &mut Model, op: &Op) -> Result<String, TestCaseError> {
    let actor = f.staff.cashier().clone();
    let counts = f.counts();
    // Whether the step may write: a refusal or a replay must not.
    let mut writes = false;
    let outcome: String = match *op {
        Op::Bill { account, gallons } => {
            let id = m.accounts[account];
            if m.next_month[account] < MONTHS {
                let (year, mo) = month(m.next_month[account]);
                let reading = m.reading[account] + gallons;
                let posted = f.desk.post_bill(&actor, now(), &month_request(id, year, mo, reading));
                let posted = posted.map_err(|e| TestCaseError::fail(format!("bill refused: {e:?}")))?;
                prop_assert!(!posted.posted.replayed);
                m.next_month[account] += 1;
                m.reading[account] = reading;
                m.posted(Known {
                    id: posted.posted.posting_id,
                    account,
                    change: posted.total.cents(),
                    kind: PostingKind::Bill,
                    reversed: false,
                    waived_by: None,
                    bill: Some(posted.bill),
                });
                writes = true;
                "billed".into()
            } else {
                // Every month is billed: the last one again overlaps, unless it was reversed.
                let (year, mo) = month(MONTHS - 1);
                let last = m.postings.iter().rev().find(|p| p.kind == PostingKind::Bill && p.account == account);
                if last.is_some_and(|p| !p.reversed) {
                    let error = f.desk.post_bill(&actor, now(), &month_request(id, year, mo, m.reading[account]));
                    prop_assert!(matches!(error, Err(DeskError::AlreadyBilled { .. })), "{error:?}");
                    "already billed".into()
                } else {
                    "skipped".into()
                }
            }
        }
        Op::Pay { account, cents: amount } => {
            let request = PaymentRequest {
                account: m.accounts[account],
                amount: cents(amount),
                received_on: today(),
                method: PaymentMethod::Online,
                reference: Some(format!("web-{}", m.keys)),
                key: m.key(),
            };
            let posted = f.desk.record_payment(&actor, now(), &request);
            let posted = posted.map_err(|e| TestCaseError::fail(format!("payment refused: {e:?}")))?;
            prop_assert!(!posted.replayed);
            m.posted(Known {
                id: posted.posting_id,
                account,
                change: -amount,
                kind: PostingKind::Payment,
                reversed: false,
                waived_by: None,
                bill: None,
            });
            m.sent.push((Sent::Pay(request), posted.posting_id));
            writes = true;
            "paid".into()
        }
        Op::Credit { account, cents: amount, reason } => {
            let request = CreditRequest {
                account: m.accounts[account],
                amount: cents(amount),
                reason: ReasonCode::ALL[reason],
                note: "property test credit".into(),
                key: m.key(),
            };
            let posted = f.desk.issue_credit(&actor, now(), &request);
            let posted = posted.map_err(|e| TestCaseError::fail(format!("credit refused: {e:?}")))?;
            prop_assert!(!posted.replayed);
            m.posted(Known {
                id: posted.posting_id,
                account,
                change: -amount,
                kind: PostingKind::Credit,
                reversed: false,
                waived_by: None,
                bill: None,
            });
            m.sent.push((Sent::Credit(request), posted.posting_id));
            writes = true;
            "credited".into()
        }
        Op::Reverse { pick } => {
            let index = pick % m.postings.len();
            let original = m.postings[index].clone();
            let request = ReverseRequest { posting: original.id, note: "property test reversal".into(), key: m.key() };
            let result = f.desk.reverse(&actor, now(), &request);
            let waiver_stands = original.waived_by.is_some_and(|w| !m.postings[w].reversed);
            if original.kind == PostingKind::Reversal {
                prop_assert!(matches!(result, Err(DeskError::ReversalOfReversal(p)) if p == original.id), "{result:?}");
                "reversal of reversal".into()
            } else if original.reversed {
                prop_assert!(
                    matches!(result, Err(DeskError::AlreadyReversed { posting, .. }) if posting == original.id),
                    "{result:?}"
                );
                "already reversed".into()
            } else if waiver_stands {
                prop_assert!(matches!(result, Err(DeskError::WaivedFirst { .. })), "{result:?}");
                "waived first".into()
            } else {
                let posted = result.map_err(|e| TestCaseError::fail(format!("reversal refused: {e:?}")))?;
                prop_assert!(!posted.replayed);
                m.postings[index].reversed = true;
                m.posted(Known {
                    id: posted.posting_id,
                    account: original.account,
                    change: -original.change,
                    kind: PostingKind::Reversal,
                    reversed: false,
                    waived_by: None,
                    bill: original.bill,
                });
                m.sent.push((Sent::Reverse(request), posted.posting_id));
                writes = true;
                "reversed".into()
            }
        }
        Op::LateFees { day: offset } => {
            let as_of = (day(2025, 12, 1) + Days::new(offset)).min(today());
            let report = f.desk.assess_late_fees(&actor, now(), as_of).unwrap();
            let mut found = Vec::new();
            for (account, id) in m.accounts.clone().into_iter().enumerate() {
                for entry in f.desk.overview(id, now()).unwrap().entries {
                    if entry.kind == PostingKind::LateFee && !m.postings.iter().any(|p| p.id == entry.posting_id) {
                        found.push((account, entry.posting_id, entry.amount, entry.bill_id));
                    }
                }
            }
            prop_assert_eq!(report.assessed, found.len() as u64);
            prop_assert_eq!(report.total, found.iter().map(|fee| fee.2).sum::<Money>());
            for (account, id, amount, bill) in found {
                prop_assert!(bill.is_some(), "a late fee is on a bill");
                let earlier = m.postings.iter().any(|p| p.kind == PostingKind::LateFee && p.bill == bill);
                prop_assert!(!earlier, "a second late fee on bill {:?}", bill);
                let on_bill = m.postings.iter().find(|p| p.kind == PostingKind::Bill && p.bill == bill).unwrap();
                prop_assert!(!on_bill.reversed, "a late fee on a reversed bill");
                prop_assert_eq!(on_bill.account, account);
                m.posted(Known {
                    id,
                    account,
                    change: amount.cents(),
                    kind: PostingKind::LateFee,
                    reversed: false,
                    waived_by: None,
                    bill,
                });
            }
            writes = report.assessed > 0;
            // Running it again the same day posts nothing.
            let counts_after = f.counts();
            let again = f.desk.assess_late_fees(&actor, now(), as_of).unwrap();
            prop_assert_eq!(again.assessed, 0);
            prop_assert_eq!(f.counts(), counts_after);
            format!("{} late fees", report.assessed)
        }
        Op::Waive { pick } => {
            let fees: Vec<usize> =
                (0..m.postings.len()).filter(|i| m.postings[*i].kind == PostingKind::LateFee).collect();
            // Mostly late fees; any posting when there is none.
            let index = if fees.is_empty() { pick % m.postings.len() } else { fees[pick % fees.len()] };
            let fee = m.postings[index].clone();
            let request = WaiveRequest { late_fee: fee.id, note: "property test waiver".into(), key: m.key() };
            let result = f.desk.waive_late_fee(&actor, now(), &request);
            if fee.kind != PostingKind::LateFee {
                prop_assert!(matches!(result, Err(DeskError::NotALateFee(p)) if p == fee.id), "{result:?}");
                "not a late fee".into()
            } else if fee.waived_by.is_some() {
                prop_assert!(matches!(result, Err(DeskError::AlreadyWaived { .. })), "{result:?}");
                "already waived".into()
            } else if fee.reversed {
                prop_assert!(matches!(result, Err(DeskError::FeeReversed(_))), "{result:?}");
                "fee reversed".into()
            } else {
                let posted = result.map_err(|e| TestCaseError::fail(format!("waiver refused: {e:?}")))?;
                let waiver = m.posted(Known {
                    id: posted.posting_id,
                    account: fee.account,
                    change: -fee.change,
                    kind: PostingKind::Waiver,
                    reversed: false,
                    waived_by: None,
                    bill: fee.bill,
                });
                m.postings[index].waived_by = Some(waiver);
                m.sent.push((Sent::Waive(request), posted.posting_id));
                writes = true;
                "waived".into()
            }
        }
        Op::Replay { pick } => {
            if m.sent.is_empty() {
                return Ok("skipped".into());
            }
            let (sent, first) = m.sent[pick % m.sent.len()].clone();
            let again = resend(f, &sent).map_err(|e| TestCaseError::fail(format!("replay refused: {e:?}")))?;
            prop_assert_eq!(again, Posted { posting_id: first, replayed: true });
            "replayed".into()
        }
        Op::ReplayChanged { pick } => {
            if m.sent.is_empty() {
                return Ok("skipped".into());
            }
            let (sent, first) = m.sent[pick % m.sent.len()].clone();
            let result = resend(f, &changed(&sent));
            prop_assert!(matches!(result, Err(DeskError::KeyReused { posting, .. }) if posting == first), "{result:?}");
            "key reused".into()
        }
        Op::Invalid { kind, account } => {
            let id = m.accounts[account];
            let key = m.key();
            let pay = |account: AccountId, amount: i64, on: NaiveDate| PaymentRequest {
                account,
                amount: cents(amount),
                received_on: on,
                method: PaymentMethod::Cash,
                reference: None,
                key: key.clone(),
            };
            let result = match kind {
                0 => f.desk.record_payment(&actor, now(), &pay(AccountId(424_242), 100, today())).map(drop),
                1 => {
                    let mut credit = common::credit(id, cents(100), &key);
                    credit.note = " ".into();
                    f.desk.issue_credit(&actor, now(), &credit).map(drop)
                }
                2 => f.desk.record_payment(&actor, now(), &pay(id, 100, today() + Days::new(1))).map(drop),
                3 => {
                    let request =
                        ReverseRequest { posting: PostingId(777_777), note: "no such".into(), key: key.clone() };
                    f.desk.reverse(&actor, now(), &request).map(drop)
                }
                4 => f.desk.record_payment(&actor, now(), &pay(id, 0, today())).map(drop),
                _ => {
                    let (year, mo) = month(m.next_month[account].min(MONTHS - 1));
                    let mut request = month_request(id, year, mo, m.reading[account] + 10);
                    request.read.read_on = today() + Days::new(2);
                    f.desk.post_bill(&actor, now(), &request).map(drop)
                }
            };
            let error = result.expect_err("an invalid request is refused");
            let expected = match kind {
                0 => matches!(error, DeskError::UnknownAccount(_)),
                1 => matches!(error, DeskError::NoteRequired(_)),
                2 => matches!(error, DeskError::FutureDate { what: "payment", .. }),
                3 => matches!(error, DeskError::UnknownPosting(_)),
                4 => matches!(error, DeskError::Ledger(LedgerError::NonPositive(_))),
                _ => matches!(error, DeskError::FutureDate { .. } | DeskError::AlreadyBilled { .. }),
            };
            prop_assert!(expected, "invalid request {}: {:?}", kind, error);
            "refused".into()
        }
    };
    if !writes {
        prop_assert_eq!(f.counts(), counts, "{:?} wrote to the database", op);
    }
    check_invariants(f, m)?;
    Ok(outcome)
}

fn check_invariants(f: &mut Fixture, m: &Model) -> Result<(), TestCaseError> {
    let report = f.desk.verify().unwrap();
    let failed: Vec<_> = report.checks.iter().filter(|c| c.problem_count > 0).collect();
    prop_assert!(report.passed(), "verify failed: {:?}", failed);
    prop_assert_eq!(report.counts.postings, m.postings.len() as u64, "one posting per accepted action");
    for (account, id) in m.accounts.iter().enumerate() {
        let overview = f.desk.overview(*id, now()).unwrap();
        prop_assert_eq!(overview.account.balance.cents(), m.balance[account], "account {}", account);
        prop_assert_eq!(overview.aging.balance(), overview.account.balance, "aging agrees with the balance");
    }
    // Each posting is reversed at most once, and only by one reversal.
    let reversed: Vec<_> = m.postings.iter().filter(|p| p.reversed).map(|p| p.id).collect();
    let reversals = m.postings.iter().filter(|p| p.kind == PostingKind::Reversal).count();
    prop_assert_eq!(reversed.len(), reversals);
    prop_assert_eq!(reversed.iter().collect::<BTreeSet<_>>().len(), reversed.len());
    Ok(())
}

/// Runs the operations on a fresh desk; returns what each one did.
fn run(ops: &[Op]) -> Result<Vec<String>, TestCaseError> {
    let mut f = fixture();
    // Account 0 paid a deposit: a posting with no receivable line, which may be reversed too.
    let accounts: Vec<AccountId> = (0..ACCOUNTS)
        .map(|i| if i == 0 { f.residential_with(common::OPENING_READ, cents(10_000)) } else { f.residential() })
        .collect();
    let mut m = Model {
        accounts,
        balance: vec![0; ACCOUNTS],
        next_month: vec![0; ACCOUNTS],
        reading: vec![common::OPENING_READ; ACCOUNTS],
        postings: Vec::new(),
        sent: Vec::new(),
        keys: 0,
    };
    prop_assert_eq!(f.counts().postings, 1);
    m.postings.push(Known {
        id: PostingId(1),
        account: 0,
        change: 0,
        kind: PostingKind::Deposit,
        reversed: false,
        waived_by: None,
        bill: None,
    });
    let mut outcomes = Vec::with_capacity(ops.len());
    for op in ops {
        outcomes.push(step(&mut f, &mut m, op)?);
    }
    // At the end every request sent is replayed once more: each posts nothing.
    let counts = f.counts();
    for (sent, first) in m.sent.clone() {
        let again = resend(&mut f, &sent).map_err(|e| TestCaseError::fail(format!("replay refused: {e:?}")))?;
        prop_assert_eq!(again.posting_id, first);
        prop_assert!(again.replayed);
    }
    prop_assert_eq!(f.counts(), counts);
    // And every reversed posting refuses a second reversal.
    for p in m.postings.iter().filter(|p| p.reversed) {
        let request = ReverseRequest { posting: p.id, note: "once more".into(), key: format!("again-{}", p.id) };
        let result = f.desk.reverse(f.staff.cashier(), now(), &request);
        prop_assert!(matches!(result, Err(DeskError::AlreadyReversed { .. })), "{:?}", result);
    }
    check_invariants(&mut f, &m)?;
    Ok(outcomes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn random_desk_work_keeps_the_ledger_invariants(ops in prop::collection::vec(op(), 1..30)) {
        run(&ops)?;
    }
}

#[test]
fn a_sequence_that_touches_every_rule() {
    // A fixed sequence, so the interesting paths run on every build, not only when drawn.
    // Postings: 0 deposit, 1 and 3 account 0's bills, 2 account 1's bill,
    // 4 and 5 the late fees on the December bills (account 0, then 1).
    let ops = [
        Op::Bill { account: 0, gallons: 5_400 },
        Op::Bill { account: 1, gallons: 8_000 },
        Op::Bill { account: 0, gallons: 3_000 },
        Op::LateFees { day: 60 },              // as of 30 January: December is past due
        Op::Waive { pick: 0 },                 // 6 waives fee 4
        Op::Reverse { pick: 4 },               // refused: its waiver stands
        Op::Reverse { pick: 6 },               // 7 reverses the waiver
        Op::Reverse { pick: 4 },               // 8 now the fee reverses
        Op::Waive { pick: 0 },                 // refused: fee 4 was waived once already
        Op::Waive { pick: 1 },                 // 9 waives fee 5
        Op::Pay { account: 0, cents: 10_000 }, // 10
        Op::Credit { account: 1, cents: 1_000, reason: 0 }, // 11
        Op::Replay { pick: 0 },
        Op::ReplayChanged { pick: 4 },
        Op::Reverse { pick: 10 }, // 12 reverses the payment
        Op::Reverse { pick: 10 }, // refused: already reversed
        Op::Reverse { pick: 12 }, // refused: a reversal
        Op::Reverse { pick: 1 },  // 13 reverses a bill that has a late fee
        Op::Reverse { pick: 0 },  // 14 reverses the deposit
        Op::Bill { account: 0, gallons: 4_000 },
        Op::LateFees { day: 200 },
        Op::Invalid { kind: 0, account: 0 },
        Op::Invalid { kind: 1, account: 1 },
        Op::Invalid { kind: 2, account: 0 },
        Op::Invalid { kind: 3, account: 1 },
        Op::Invalid { kind: 4, account: 0 },
        Op::Invalid { kind: 5, account: 1 },
    ];
    let outcomes = run(&ops).unwrap();
    let expected = [
        "billed",
        "billed",
        "billed",
        "2 late fees",
        "waived",
        "waived first",
        "reversed",
        "reversed",
        "already waived",
        "waived",
        "paid",
        "credited",
        "replayed",
        "key reused",
        "reversed",
        "already reversed",
        "reversal of reversal",
        "reversed",
        "reversed",
        "billed",
        "1 late fees",
        "refused",
        "refused",
        "refused",
        "refused",
        "refused",
        "refused",
    ];
    assert_eq!(outcomes, expected);
}
