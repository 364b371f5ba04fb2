//! The use cases: every action a person can take at the desk, each one
//! transaction (`BEGIN IMMEDIATE`), each taking the acting user and `now`.
//! Only this layer decides whether an action may happen; the window and the
//! command line call it and never touch SQL.

mod accounts;
pub mod approvals;
mod audit_log;
mod auth;
mod billing;
mod cases;
mod conversion;
mod copies;
mod customers;
mod disputes;
mod error;
pub mod explain;
mod export;
mod letters;
mod money;
mod orders;
mod posting;
mod rates;
mod reads;
mod reports;
mod service;
pub mod settings;
mod statement;
mod users;
mod work;

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::ids::{PostingId, UserId};
use crate::domain::rates::{DEFAULT_SCHEDULES, RateBook};
use crate::domain::user::Role;
use crate::records::{UserRow, VerifyReport};
use crate::store::{Db, Store};

pub use crate::store::is_server_location;
pub use accounts::{CustomerChoice, NewAccountRequest, NewCustomer, Overview, OverviewFlags, PremiseChoice};
pub use approvals::{MoneyRequest, Outcome, RequestView};
pub use audit_log::{AuditQuery, MAX_AUDIT_RECORDS};
pub use auth::{Channel, IDLE_TIMEOUT, MAX_FAILED_LOGINS, MIN_PASSWORD_CHARS, Session, hash_password};
pub use billing::PAYMENT_TERMS_DAYS;
pub use billing::{
    BillPosted, BillRequest, BillRunReport, LineAdjustRequest, LineDirection, NewRead, RerateRequest, RerateReview,
    ServiceDifference,
};
pub use cases::{
    Assignee, CASE_CONTACTS, CaseClock, CaseLink, CaseRef, Cases, ComplaintAction, ComplaintView, ContactLogged,
    ContactRequest, Due, NewComplaint,
};
pub use conversion::{ConversionReport, ConvertedAccount, OpeningBalance, RowProblem};
pub use copies::Migrated;
pub use customers::{Access, CustomerChanged, CustomerUpdate, NAME_AFTER_MAILING_DAYS, PartyRequest};
pub use disputes::{DisputeDecision, DisputeOutcome, DisputeRequest, DisputeView};
pub use error::{DeskError, StoreError};
pub use export::ExportSummary;
pub use letters::{LetterAbout, LetterDraft};
pub use money::{
    CreditRequest, LateFeeReport, PaymentMethod, PaymentRequest, RefundRequest, ReverseRequest, WaiveRequest,
    check_payment,
};
pub use orders::{OrderCompleted, OrderCompletion, OrderRequest, OrderView, RerateOffer, ReviewOutcome};
use posting::{FreshKey, KeyCheck, append_posting, check_client_request, payload_hash, post_fresh, post_once};
pub use posting::{SYSTEM_KEY_PREFIX, check_client_key, stored_key};
pub use rates::{FigureChange, PREVIEW_ACCOUNTS, PreviewLine, RatePreview, ScheduleSummary};
pub use reads::{CycleLine, CycleRun, HeldOnLoad, LoadedRead, ReadChoice, ReadsReport};
pub use reports::{
    ComplaintGroup, ComplaintsReport, MAX_REPORT_PERIOD_DAYS, MoneyActionsReport, ProductivityReport, RequestSummary,
};
pub use service::{
    NewServiceAt, Settled, StopRequest, Stopped, TransferRequest, Transferred, first_day_after, moved_balance_words,
};
pub use statement::{
    DEFAULT_STATEMENT_MONTHS, MAX_STATEMENT_DAYS, Statement, StatementItem, StatementTotals, twelve_months_to,
};
pub use work::{LIAISON_CLOSED_DAYS, LiaisonGroup, LiaisonReport, LiaisonRow, MAX_WORK_ITEMS, MyWork, WorkItem};

pub type Result<T, E = DeskError> = std::result::Result<T, E>;

/// The utility's time zone, used for "today" and business days.
pub const DEFAULT_TIME_ZONE: &str = "America/Chicago";

/// The person acting. Issue 3 adds authentication; every action already
/// takes one, so authority can be checked without changing signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
}

/// The outcome of an action that posts to the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Posted {
    pub posting_id: PostingId,
    /// The same idempotency key and request were seen before: nothing new
    /// was posted, and this is the first posting.
    pub replayed: bool,
}

/// The desk: a ledger store plus the rate book and the utility's settings.
pub struct Desk {
    store: Store,
    /// The ledger's rate schedules, read again inside a transaction when
    /// another desk has loaded one (see [`fresh_rates`]).
    rates: RateBook,
    /// How many schedules `rates` was read from.
    rates_seen: i64,
    time_zone: Tz,
    /// Business days (weekdays less the city's holidays) and complaint service levels.
    clock: CaseClock,
}

impl Desk {
    /// Opens the ledger at `path`, which must be one (see [`Store::open`]).
    pub fn open(path: &Path) -> Result<Desk> {
        Desk::with_store(Store::open(path)?)
    }

    /// Makes the ledger at `path` if there is none, or opens it: for `init`
    /// and `demo` only (see [`Store::create`]).
    pub fn create(path: &Path) -> Result<Desk> {
        Desk::with_store(Store::create(path)?)
    }

    /// A desk on a private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Desk> {
        Desk::with_store(Store::open_in_memory()?)
    }

    fn with_store(mut store: Store) -> Result<Desk> {
        let now = Utc::now();
        // What this build puts in every ledger (the chart of accounts, the
        // rate schedules, a limits table, the time zone), named by a digest:
        // a ledger that already holds it is only read, so opening one takes
        // no write lock (a read-only file opens; another desk's write does
        // not hold this one up).
        let setup = {
            let mut hasher = Sha256::new();
            for account in crate::domain::ledger::ChartAccount::all() {
                hasher.update(account.code().as_bytes());
                hasher.update(account.name().as_bytes());
            }
            for (_, source) in DEFAULT_SCHEDULES {
                hasher.update(source.as_bytes());
            }
            crate::domain::audit::hex(&hasher.finalize())
        };
        let ready = store.read(|db| -> Result<Option<String>> {
            match (db.meta("desk_setup")?, db.meta("time_zone")?) {
                (Some(done), Some(zone)) if done == setup && db.read_policy_json(|body| body.is_some())? => {
                    Ok(Some(zone))
                }
                _ => Ok(None),
            }
        })?;
        let time_zone = match ready {
            Some(zone) => zone,
            // A ledger that can only be read here is read as it stands.
            None if store.is_read_only() => store
                .read(|db| Ok::<_, DeskError>(db.meta("time_zone")?))?
                .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_string()),
            None => Desk::set_up(&mut store, &setup, now)?,
        };
        let time_zone = time_zone
            .parse::<Tz>()
            .map_err(|_| DeskError::Invalid(format!("the stored time zone \"{time_zone}\" is not known")))?;
        let calendar = crate::domain::calendar::Calendar::city().map_err(|e| DeskError::Invalid(e.to_string()))?;
        let levels = crate::domain::cases::ServiceLevels::city().map_err(|e| DeskError::Invalid(e.to_string()))?;
        // The schedules the ledger holds: the shipped ones, seeded, and any
        // the utility loaded (`rates load`). A ledger that can only be read
        // and was never set up has none: the shipped ones stand in.
        let (mut rates, mut rates_seen) = (RateBook::default(), 0);
        store.read(|db| fresh_rates(db, &mut rates, &mut rates_seen))?;
        if rates.schedules().is_empty() {
            rates = RateBook::builtin()?;
        }
        Ok(Desk { store, rates, rates_seen, time_zone, clock: CaseClock { calendar, levels } })
    }

    /// Puts what this build needs in the ledger (see [`Desk::with_store`])
    /// and returns its time zone.
    fn set_up(store: &mut Store, setup: &str, now: DateTime<Utc>) -> Result<String> {
        store.write(|db| -> Result<String> {
            db.ensure_chart()?;
            for (_, source) in DEFAULT_SCHEDULES {
                let schedule = crate::domain::rates::RateSchedule::from_toml(source)?;
                db.ensure_rate_schedule(schedule.id(), schedule.effective_from(), source, now)?;
            }
            if db.read_policy_json(|body| body.is_none())? {
                // The first limits table is recorded whole: `verify` replays
                // every change from it to the table in force.
                let policy = crate::domain::authority::Policy::default_table();
                let body = serde_json::to_string(&policy).map_err(|e| DeskError::Invalid(e.to_string()))?;
                db.save_policy_json(&body, now, None)?;
                audit(db, now, None, "policy-init", "policy", None, &serde_json::json!({ "policy": policy }))?;
            }
            db.set_meta("desk_setup", setup)?;
            match db.meta("time_zone")? {
                Some(zone) => Ok(zone),
                None => {
                    db.set_meta("time_zone", DEFAULT_TIME_ZONE)?;
                    Ok(DEFAULT_TIME_ZONE.to_string())
                }
            }
        })
    }

    /// Where the database lives, if it is a file.
    pub fn path(&self) -> Option<&Path> {
        self.store.path()
    }

    pub fn rates(&self) -> &RateBook {
        &self.rates
    }

    /// The utility's time zone: every time shown to a person is in it.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// The utility's calendar date at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }

    /// A setting or marker in the database (e.g. `demo`).
    pub fn meta(&mut self, key: &str) -> Result<Option<String>> {
        self.store.read(|db| Ok(db.meta(key)?))
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.store.write(|db| Ok(db.set_meta(key, value)?))
    }

    /// The active user with this name, as the one acting.
    pub fn actor(&mut self, username: &str) -> Result<Actor> {
        let user = self.store.read(|db| Ok::<_, DeskError>(db.user_by_name(username)?))?;
        match user {
            Some(user) if user.active => Ok(Actor { user_id: user.id, username: user.username, role: user.role }),
            Some(_) => Err(DeskError::UserInactive(username.to_string())),
            None => Err(DeskError::UnknownUser(username.to_string())),
        }
    }

    /// Adds a user. Issue 3 adds passwords and the authority to do this.
    /// Adds a user while setting up a database (no one is signed in yet);
    /// see `add_user_as` for an Administrator adding people later.
    pub fn add_user(&mut self, now: DateTime<Utc>, username: &str, full_name: &str, role: Role) -> Result<UserId> {
        let (username, full_name) = users::checked_names(username, full_name)?;
        self.store.write(|db| users::insert_user_in(db, None, now, username, full_name, role, None))
    }

    pub fn users(&mut self) -> Result<Vec<UserRow>> {
        self.store.read(|db| Ok(db.users()?))
    }

    /// See [`Store::begin_bulk_load`]: for filling a new database made under
    /// a temporary name, never for one in use.
    pub fn begin_bulk_load(&mut self) -> Result<()> {
        Ok(self.store.begin_bulk_load()?)
    }

    /// See [`Store::end_bulk_load`].
    pub fn end_bulk_load(&mut self) -> Result<()> {
        Ok(self.store.end_bulk_load()?)
    }

    /// What `rows` more postings need on the ledger's disk, and what it has:
    /// said before a long run (a payment file, a batch), which is refused
    /// if it does not fit.
    pub fn room_for(&mut self, rows: u64) -> Result<crate::records::Room> {
        Ok(self.store.room_for(rows)?)
    }

    /// The journal mode and sync level in force (`("wal", 2)` in normal use).
    pub fn durability(&mut self) -> Result<(String, i64)> {
        Ok(self.store.durability()?)
    }

    /// Sizes of the ledger (accounts, bills, postings, entries, totals).
    pub fn verify_counts(&mut self) -> Result<crate::records::LedgerCounts> {
        self.store.read(|db| Ok(db.ledger_counts()?))
    }

    /// Checks the database and the books: see `store::verify`.
    pub fn verify(&mut self) -> Result<VerifyReport> {
        self.verify_with(&[])
    }

    /// [`Desk::verify`], and that the audit trail still holds each anchor
    /// (a record and its hash, kept outside the database from an earlier
    /// `verify`): a chain rewritten from before an anchor is seen.
    pub fn verify_with(&mut self, anchors: &[crate::records::AuditAnchor]) -> Result<VerifyReport> {
        let report = self.store.read(|db| {
            let mut report = db.verify_ledger()?;
            if report.damage().is_none() {
                for anchor in anchors {
                    report.checks.push(db.anchor_check(anchor)?);
                }
            }
            Ok(report)
        });
        match report {
            // Damage found: no more is written to the file.
            Ok(report) => {
                if let Some(what) = report.damage() {
                    let what = what.to_string();
                    self.store.mark_damaged(&what);
                }
                Ok(report)
            }
            // So damaged SQLite would not read it: still a report.
            Err(DeskError::Store(damaged @ StoreError::Damaged { .. })) => {
                let mut check = crate::records::Check::passed(crate::records::INTEGRITY);
                check.problem_count = 1;
                check.problems.push(damaged.to_string());
                Ok(VerifyReport::damaged(vec![check]))
            }
            Err(error) => Err(error),
        }
    }

    /// Runs `work` in one write transaction.
    fn write<T>(&mut self, work: impl FnOnce(&Db, &RateBook) -> Result<T>) -> Result<T> {
        let (rates, seen) = (&mut self.rates, &mut self.rates_seen);
        self.store.write(|db| {
            fresh_rates(db, rates, seen)?;
            work(db, rates)
        })
    }

    /// Runs several actions in one transaction (bulk runs, batch files):
    /// each action is all-or-nothing on its own, and the whole batch is
    /// committed when `work` returns `Ok`, or rolled back if it returns `Err`
    /// or if an action that runs without a savepoint was refused after it
    /// had written, even should `work` have caught that and gone on.
    pub fn batch<T>(&mut self, work: impl FnOnce(&Batch) -> Result<T>) -> Result<T> {
        let (rates, seen, time_zone, clock) = (&mut self.rates, &mut self.rates_seen, self.time_zone, &self.clock);
        self.store.write(|db| {
            fresh_rates(db, rates, seen)?;
            Batch::run_all(db, rates, time_zone, clock, Atomicity::Savepoints, work)
        })
    }

    /// Runs one action as its own transaction. The transaction is the
    /// action's atomicity, so no savepoint is opened (each would copy every
    /// page the action touches into a sub-journal): a refusal returns an
    /// error and [`Store::write`] rolls everything back. Should a caller in
    /// `work` catch a refusal that came after a write and go on, the
    /// transaction is rolled back all the same.
    fn single<T>(&mut self, work: impl FnOnce(&Batch) -> Result<T>) -> Result<T> {
        let (rates, seen, time_zone, clock) = (&mut self.rates, &mut self.rates_seen, self.time_zone, &self.clock);
        self.store.write(|db| {
            fresh_rates(db, rates, seen)?;
            Batch::run_all(db, rates, time_zone, clock, Atomicity::Transaction, work)
        })
    }

    /// Runs one action by `actor` as its own transaction ([`Desk::single`])
    /// and, if it was refused, records the refusal in the audit trail in a
    /// transaction of its own: who tried what, and why it was refused.
    /// A fault of the store (a full disk, a busy database) is not a refusal
    /// and is not recorded.
    fn act<T>(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        action: &str,
        work: impl FnOnce(&Batch) -> Result<T>,
    ) -> Result<T> {
        let result = self.single(work);
        if let Err(refusal) = &result {
            self.record_refusal(actor, now, action, refusal);
        }
        result
    }

    /// Passes `permitted` on, recording a refusal of `action` to `actor`
    /// (a read their role may not make: the audit trail, a report) as
    /// [`Desk::act`] records a refused write.
    fn permitted(&mut self, actor: &Actor, now: DateTime<Utc>, action: &str, permitted: Result<()>) -> Result<()> {
        if let Err(refusal) = &permitted {
            self.record_refusal(actor, now, action, refusal);
        }
        permitted
    }

    /// Records that `actor` was refused `action` (see [`Desk::act`]). Best
    /// effort: if the record cannot be written either, the refusal itself is
    /// still what the person is told.
    fn record_refusal(&mut self, actor: &Actor, now: DateTime<Utc>, action: &str, refusal: &DeskError) {
        if matches!(refusal, DeskError::Store(_)) {
            return;
        }
        let why = crate::domain::scrub::scrub_card_numbers(&refusal.to_string()).0;
        let detail = serde_json::json!({ "action": action, "why": why });
        let _ =
            self.store.write(|db| audit(db, now, Some(actor), "refused", &format!("action:{action}"), None, &detail));
    }

    /// Like [`Desk::batch`] in a read transaction: for previews that must
    /// see what an action would, and write nothing.
    fn read_batch<T>(&mut self, work: impl FnOnce(&Batch) -> Result<T>) -> Result<T> {
        let (rates, seen, time_zone, clock) = (&mut self.rates, &mut self.rates_seen, self.time_zone, &self.clock);
        self.store.read(|db| {
            fresh_rates(db, rates, seen)?;
            Batch::run_all(db, rates, time_zone, clock, Atomicity::Transaction, work)
        })
    }

    /// The ledger's version: the audit trail's last record, which every
    /// desk's every change moves (one short read on either engine). The
    /// window looks at it every second and reads its open queue again when
    /// another desk has moved it.
    pub fn ledger_version(&mut self) -> Result<i64> {
        Ok(self.store.read(|db| db.audit_head_id())?)
    }

    /// Where the ledger is, as a person may be shown it (a server's
    /// location without its password).
    pub fn location(&self) -> String {
        self.store.location()
    }

    /// Grants a PostgreSQL ledger's desk role what the desk needs (as the
    /// database's owner); refused for a ledger file.
    pub fn grant_desk_role(&mut self, role: &str) -> Result<()> {
        Ok(self.store.grant_desk_role(role)?)
    }

    #[doc(hidden)]
    pub fn store_for_tests(&mut self) -> &mut Store {
        &mut self.store
    }
}

/// Actions inside one transaction; see [`Desk::batch`].
pub struct Batch<'a> {
    db: &'a Db<'a>,
    rates: &'a RateBook,
    time_zone: Tz,
    clock: &'a CaseClock,
    atomicity: Atomicity,
    /// The first refusal that came after a write with no savepoint to undo
    /// it (see [`Batch::run_all`]).
    refused_after_write: std::cell::Cell<Option<String>>,
}

/// How a [`Batch`] keeps each action all-or-nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atomicity {
    /// Several actions share the transaction: each runs in a savepoint.
    Savepoints,
    /// The transaction holds one action and is rolled back if it fails.
    Transaction,
}

impl<'a> Batch<'a> {
    /// Runs `work` on a new batch, and fails it (so that its transaction is
    /// rolled back) if an action was refused after it had written with no
    /// savepoint to undo it, and `work` caught the refusal and went on.
    fn run_all<T>(
        db: &'a Db<'a>,
        rates: &'a RateBook,
        time_zone: Tz,
        clock: &'a CaseClock,
        atomicity: Atomicity,
        work: impl FnOnce(&Batch) -> Result<T>,
    ) -> Result<T> {
        let batch = Batch { db, rates, time_zone, clock, atomicity, refused_after_write: std::cell::Cell::new(None) };
        let value = work(&batch)?;
        match batch.refused_after_write.take() {
            Some(refused) => Err(DeskError::Store(StoreError::RolledBack(format!(
                "an action was refused after it had written ({refused}) and the work went on"
            )))),
            None => Ok(value),
        }
    }
}

impl Batch<'_> {
    /// The utility's calendar date at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }

    /// The account's balance (the cached sum of its receivable entries).
    pub fn balance(&self, account: crate::domain::ids::AccountId) -> Result<crate::domain::Money> {
        self.db.balance(account)?.ok_or_else(|| DeskError::UnknownAccount(account.to_string()))
    }

    /// The posting of `kind` linked to a bill (its own, or its late fee).
    pub fn bill_posting(
        &self,
        bill: crate::domain::ids::BillId,
        kind: crate::domain::ledger::PostingKind,
    ) -> Result<Option<PostingId>> {
        Ok(self.db.bill_posting(bill, kind)?)
    }

    /// Runs an action that makes every check before its first write, without
    /// the cost of a savepoint (a bill run's bills, a payment file's payments).
    /// A refusal then has nothing to undo; should one ever come after a
    /// write, the whole transaction is rolled back (see [`Batch::run_all`]).
    fn atomic_checks_first<T>(&self, work: impl FnOnce(&Db, &RateBook) -> Result<T>) -> Result<T> {
        self.without_savepoint(work)
    }

    /// Runs one action atomically: if it fails, its writes are undone and
    /// the batch goes on.
    fn atomic<T>(&self, work: impl FnOnce(&Db, &RateBook) -> Result<T>) -> Result<T> {
        match self.atomicity {
            Atomicity::Savepoints => self.db.savepoint(|db| work(db, self.rates)),
            Atomicity::Transaction => self.without_savepoint(work),
        }
    }

    /// Runs an action with nothing but the transaction to undo it: a failure
    /// after a write is kept, for [`Batch::run_all`] to roll the whole
    /// transaction back even if the caller catches the error and goes on.
    fn without_savepoint<T>(&self, work: impl FnOnce(&Db, &RateBook) -> Result<T>) -> Result<T> {
        let before = self.db.total_changes();
        let result = work(self.db, self.rates);
        if let Err(failed) = &result
            && self.db.total_changes() != before
        {
            // The first such failure is the one reported.
            let first = self.refused_after_write.take().unwrap_or_else(|| failed.to_string());
            self.refused_after_write.set(Some(first));
        }
        result
    }
}

/// Each action, as one transaction of its own on the desk.
macro_rules! single_actions {
    ($($(#[$doc:meta])* $name:ident($actor:ident: $actor_ty:ty, $now:ident: $now_ty:ty, $($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        impl Desk {$(
            $(#[$doc])*
            pub fn $name(&mut self, $actor: $actor_ty, $now: $now_ty, $($arg: $ty),*) -> Result<$out> {
                self.act($actor, $now, stringify!($name), |batch| batch.$name($actor, $now, $($arg),*))
            }
        )*}
    };
}

single_actions! {
    /// Opens an account, with its customer and (new or existing) premise.
    open_account(actor: &Actor, now: DateTime<Utc>, request: &NewAccountRequest) -> crate::domain::ids::AccountId;
    /// Rates and posts one bill.
    post_bill(actor: &Actor, now: DateTime<Utc>, request: &BillRequest) -> BillPosted;
    /// Re-rates a bill from a corrected read and posts the difference.
    adjust_bill_by_read(actor: &Actor, now: DateTime<Utc>, request: &RerateRequest) -> Posted;
    /// Adjusts one bill line by an amount.
    adjust_bill_line(actor: &Actor, now: DateTime<Utc>, request: &LineAdjustRequest) -> Posted;
    /// Records a payment.
    record_payment(actor: &Actor, now: DateTime<Utc>, request: &PaymentRequest) -> Posted;
    /// Issues a credit with a reason.
    issue_credit(actor: &Actor, now: DateTime<Utc>, request: &CreditRequest) -> Posted;
    /// Charges late fees as of a date, once per bill.
    assess_late_fees(actor: &Actor, now: DateTime<Utc>, as_of: NaiveDate) -> LateFeeReport;
    /// Waives one late fee.
    waive_late_fee(actor: &Actor, now: DateTime<Utc>, request: &WaiveRequest) -> Posted;
    /// Reverses a posting.
    reverse(actor: &Actor, now: DateTime<Utc>, request: &ReverseRequest) -> Posted;
}

/// Writes the one audit record of a change, in the change's transaction.
/// Every text in its detail is scrubbed of card numbers first, whatever
/// the action put there (a note, a reason, a key, a name).
fn audit(
    db: &Db,
    now: DateTime<Utc>,
    actor: Option<&Actor>,
    action: &str,
    subject: &str,
    account: Option<crate::domain::ids::AccountId>,
    detail: &impl Serialize,
) -> Result<()> {
    audit_id(db, now, actor, action, subject, account, detail).map(|_| ())
}

/// [`audit`], giving the record's id (for a row that points at its record).
fn audit_id(
    db: &Db,
    now: DateTime<Utc>,
    actor: Option<&Actor>,
    action: &str,
    subject: &str,
    account: Option<crate::domain::ids::AccountId>,
    detail: &impl Serialize,
) -> Result<i64> {
    // Each string is scrubbed as itself: the JSON text of a detail spells a
    // tab or a quote as an escape, which would hide a card from a scrub of
    // the whole text. The keys come out sorted, the same for every record.
    let mut value = serde_json::to_value(detail).map_err(|e| DeskError::Invalid(e.to_string()))?;
    scrub_strings(&mut value);
    let text = value.to_string();
    let subject = crate::domain::scrub::scrub_card_numbers(subject).0;
    Ok(db.append_audit(now, actor.map(|a| a.user_id), action, &subject, account, &text)?)
}

/// Scrubs card numbers from every string in a JSON value (its numbers are
/// ids and amounts, left as they are).
fn scrub_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => *text = crate::domain::scrub::scrub_card_numbers(text).0,
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub_strings),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(scrub_strings),
        _ => {}
    }
}

/// Refuses an identifier (a key, a user name, a reference) that holds a card
/// number: it would be stored whole, and scrubbing would change what it names.
fn no_card_number_in(what: &str, text: &str) -> Result<()> {
    if crate::domain::scrub::holds_card_number(text) {
        return Err(DeskError::Invalid(format!(
            "the {what} looks like it holds a card number, which is never stored: use another"
        )));
    }
    Ok(())
}

/// Refuses `actor` a duty their role does not have (a payment by an
/// Administrator, a bill by a representative).
fn require(actor: &Actor, duty: crate::domain::user::Duty) -> Result<()> {
    actor.role.check(duty).map_err(DeskError::NotPermitted)
}

/// The first instant of `date` in `zone`: midnight, or where the clocks jump
/// over midnight, the first minute after the jump. Business days, daily
/// totals and the ends of periods all start here.
fn first_instant(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (0..=24 * 60)
        .map(|minutes| midnight + chrono::Duration::minutes(minutes))
        .find_map(|local| zone.from_local_datetime(&local).earliest())
        .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
}

/// A required note or reason, trimmed; empty is refused.
fn required_note(note: &str, what: &str) -> Result<String> {
    let trimmed = note.trim();
    if trimmed.is_empty() {
        return Err(DeskError::NoteRequired(what.to_string()));
    }
    if trimmed.chars().count() > 2000 {
        return Err(DeskError::Invalid(format!("the {what} is longer than 2,000 characters")));
    }
    // A card number typed into a note is never stored (the window and the
    // command line warn the person before they submit).
    Ok(crate::domain::scrub::scrub_card_numbers(trimmed).0)
}

/// A note a person may leave (a review's comment): blank is none; else
/// the same rules as a required one.
fn optional_note(note: Option<&str>, what: &str) -> Result<Option<String>> {
    match note.map(str::trim) {
        None | Some("") => Ok(None),
        Some(note) => required_note(note, what).map(Some),
    }
}

impl From<StoreError> for DeskError {
    fn from(error: StoreError) -> Self {
        DeskError::Store(error)
    }
}

impl crate::store::StoreFailure for DeskError {
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            DeskError::Store(error) => Some(error),
            _ => None,
        }
    }
}

/// Reads the ledger's rate schedules again if their number changed since
/// `seen` (another desk loaded one): inside a transaction, so what is rated
/// there is rated by the schedules the transaction sees. One count per
/// transaction otherwise.
fn fresh_rates(db: &Db, rates: &mut RateBook, seen: &mut i64) -> Result<()> {
    let count = db.rate_schedule_count()?;
    if count != *seen {
        let rows = db.rate_schedule_rows()?;
        let schedules = rows.iter().map(|row| crate::domain::rates::RateSchedule::from_toml(&row.source));
        *rates = RateBook::new(schedules.collect::<std::result::Result<_, _>>()?)?;
        *seen = count;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARK: &str = "single-action-test";

    fn mark_then_refuse(batch: &Batch) -> Result<()> {
        batch.atomic(|db, _| {
            db.set_meta(MARK, "written")?;
            Err(DeskError::Invalid("refused after the write".into()))
        })
    }

    #[test]
    fn a_single_action_refused_after_a_write_keeps_nothing() {
        let mut desk = Desk::open_in_memory().unwrap();
        let error = desk.single(mark_then_refuse).unwrap_err();
        assert!(matches!(error, DeskError::Invalid(_)), "{error}");
        assert_eq!(desk.store.read(|db| db.meta(MARK)).unwrap(), None);
    }

    #[test]
    fn a_caller_that_swallows_a_refusal_after_a_write_commits_nothing() {
        let mut desk = Desk::open_in_memory().unwrap();
        let error = desk
            .single(|batch| {
                assert!(mark_then_refuse(batch).is_err());
                Ok(())
            })
            .unwrap_err();
        assert!(matches!(error, DeskError::Store(StoreError::RolledBack(_))), "{error:?}");
        assert!(error.to_string().contains("refused after it had written"), "{error}");
        assert_eq!(desk.store.read(|db| db.meta(MARK)).unwrap(), None);
    }

    #[test]
    fn an_action_that_checks_first_but_is_refused_after_a_write_fails_the_whole_batch_even_if_swallowed() {
        let mut desk = Desk::open_in_memory().unwrap();
        let error = desk
            .batch(|batch| {
                batch.atomic(|db, _| Ok(db.set_meta("before", "written")?))?;
                let refused = batch.atomic_checks_first(|db, _| {
                    db.set_meta(MARK, "written")?;
                    Err::<(), _>(DeskError::Invalid("refused after the write".into()))
                });
                // Even a caller that swallows the error loses the batch.
                assert!(refused.is_err());
                batch.atomic(|db, _| Ok(db.set_meta("after", "written")?))
            })
            .unwrap_err();
        assert!(matches!(error, DeskError::Store(StoreError::RolledBack(_))), "{error:?}");
        desk.store
            .read(|db| {
                assert_eq!((db.meta("before")?, db.meta(MARK)?, db.meta("after")?), (None, None, None));
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    #[test]
    fn in_a_batch_a_refused_action_is_undone_and_the_batch_goes_on() {
        let mut desk = Desk::open_in_memory().unwrap();
        desk.batch(|batch| {
            assert!(mark_then_refuse(batch).is_err());
            batch.atomic(|db, _| Ok(db.set_meta("after", "kept")?))
        })
        .unwrap();
        desk.store
            .read(|db| {
                assert_eq!(db.meta(MARK)?, None);
                assert_eq!(db.meta("after")?.as_deref(), Some("kept"));
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
}
