//! Contacts and complaints: every interaction on the account's timeline,
//! and complaints opened from them, worked through queues to a resolution.
//! Any representative logs contacts and complaints; escalated and liaison
//! complaints are handled at their level (see `ComplaintPlace`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Actor, Batch, Desk, DeskError, Result, audit, required_note};
use crate::domain::calendar::Calendar;
use crate::domain::cases::{
    COUNCIL_DISTRICTS, Caller, Channel, ComplaintCategory, IdentityCheck, MAX_DUE_DAYS, Priority, Queue, Resolution,
    ServiceLevels, Source, check_case_worker, ranks_at_least,
};
use crate::domain::ids::{AccountId, PostingId};
use crate::records::{ComplaintEvent, ComplaintRow, ContactAbout, ContactRow, NewComplaintRow, NewContactRow};
use crate::store::Db;

/// The business-day clock and the service levels complaints are due by.
#[derive(Debug, Clone)]
pub struct CaseClock {
    pub calendar: Calendar,
    pub levels: ServiceLevels,
}

/// A complaint to open with the contact that brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewComplaint {
    pub category: ComplaintCategory,
    pub source: Source,
    /// Required for a City Council referral, refused otherwise.
    pub council_district: Option<u8>,
    /// The referral's own number (311 ticket, action-center reference).
    pub reference: Option<String>,
    pub priority: Priority,
    /// `None`: the service level's date. A date set by hand may not be past.
    pub due_on: Option<NaiveDate>,
    /// A person to take it (by user name); `None` leaves it in the desk queue.
    pub assign_to: Option<String>,
}

impl NewComplaint {
    /// A customer's own complaint at normal priority, due by the service level.
    pub fn from_customer(category: ComplaintCategory) -> NewComplaint {
        NewComplaint {
            category,
            source: Source::Customer,
            council_district: None,
            reference: None,
            priority: Priority::Normal,
            due_on: None,
            assign_to: None,
        }
    }
}

/// A case a contact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseRef {
    Complaint(i64),
    Dispute(i64),
    Order(i64),
}

/// A contact to log; with `complaint`, it opens a complaint too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRequest {
    pub account: AccountId,
    pub channel: Channel,
    /// What was said, in a sentence or two.
    pub summary: String,
    pub complaint: Option<NewComplaint>,
    /// An open or closed case this contact follows up.
    pub about: Option<CaseRef>,
    /// Who was spoken to and what they proved (a call about the account).
    #[serde(default)]
    pub identity: Option<IdentityCheck>,
}

/// What logging a contact wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContactLogged {
    pub contact: i64,
    pub complaint: Option<i64>,
}

/// An account's contacts (newest first, at most [`CASE_CONTACTS`]) and complaints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cases {
    pub complaints: Vec<ComplaintRow>,
    pub contacts: Vec<ContactRow>,
    pub disputes: Vec<crate::records::DisputeRow>,
    /// Service orders, open first, newest first.
    pub orders: Vec<crate::records::OrderRow>,
}

/// How many contacts the account's Cases tab lists.
pub const CASE_CONTACTS: u32 = 100;

/// What a person does to a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum ComplaintAction {
    /// A follow-up note: what was done or found.
    Note {
        note: String,
    },
    /// Give it to a person, or put it back in a queue.
    Assign {
        to: Assignee,
    },
    /// Send it up to a higher queue, with the reason.
    Escalate {
        to: Queue,
        reason: String,
    },
    Close {
        resolution: Resolution,
        note: String,
    },
    Reopen {
        reason: String,
    },
    /// Record the credit, adjustment or request that answers it.
    Link {
        to: CaseLink,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assignee {
    Person(String),
    Queue(Queue),
}

/// Work a complaint can point to: money work, a dispute, a service order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseLink {
    Posting(PostingId),
    Request(i64),
    Dispute(i64),
    Order(i64),
}

impl CaseLink {
    fn parts(self) -> (&'static str, i64) {
        match self {
            CaseLink::Posting(id) => ("posting", id.0),
            CaseLink::Request(id) => ("request", id),
            CaseLink::Dispute(id) => ("dispute", id),
            CaseLink::Order(id) => ("order", id),
        }
    }
}

/// Where a complaint stands against its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Due {
    /// Open, due in this many business days.
    DueIn {
        business_days: i64,
    },
    DueToday,
    /// Open and past its due date by this many business days.
    Overdue {
        business_days: i64,
    },
    /// Closed on or before its due date.
    ClosedOnTime,
    /// Closed after its due date.
    ClosedLate,
}

impl Due {
    pub fn of(complaint: &ComplaintRow, calendar: &Calendar, today: NaiveDate, closed_on: Option<NaiveDate>) -> Due {
        match closed_on {
            Some(closed) if closed <= complaint.due_on => Due::ClosedOnTime,
            Some(_) => Due::ClosedLate,
            None if today == complaint.due_on => Due::DueToday,
            None if today < complaint.due_on => {
                Due::DueIn { business_days: calendar.business_days_between(today, complaint.due_on) }
            }
            None => Due::Overdue { business_days: calendar.business_days_between(complaint.due_on, today).max(1) },
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Due::Overdue { .. } | Due::ClosedLate)
    }

    /// "due in 3 business days", "overdue by 2 business days", ...
    pub fn describe(self) -> String {
        let days = |n: i64| if n == 1 { "1 business day".to_string() } else { format!("{n} business days") };
        match self {
            Due::DueIn { business_days } => format!("due in {}", days(business_days)),
            Due::DueToday => "due today".into(),
            Due::Overdue { business_days } => format!("overdue by {}", days(business_days)),
            Due::ClosedOnTime => "closed on time".into(),
            Due::ClosedLate => "closed after its due date".into(),
        }
    }
}

/// A complaint with its history, the contacts about it and its due state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplaintView {
    pub complaint: ComplaintRow,
    pub events: Vec<ComplaintEvent>,
    pub contacts: Vec<ContactRow>,
    pub due: Due,
    /// Business days from opening to closing (or to today while open).
    pub age_business_days: i64,
}

impl Batch<'_> {
    /// Logs a contact (and opens a complaint from it), with one audit record.
    pub fn log_contact(&self, actor: &Actor, now: DateTime<Utc>, request: &ContactRequest) -> Result<ContactLogged> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let summary = required_note(&request.summary, "summary of what the customer said")?;
        let today = self.today(now);
        self.atomic(|db, _| {
            if db.account(request.account)?.is_none() {
                return Err(DeskError::UnknownAccount(request.account.to_string()));
            }
            let about = match request.about {
                Some(case) => {
                    let (what, id, on, number) = match case {
                        CaseRef::Complaint(id) => {
                            let complaint = complaint_row(db, id)?;
                            ("complaint", id, complaint.account_id, complaint.account_number)
                        }
                        CaseRef::Dispute(id) => {
                            let dispute =
                                db.dispute(id)?.ok_or_else(|| DeskError::Invalid(format!("no dispute #{id}")))?;
                            ("dispute", id, dispute.account_id, dispute.account_number)
                        }
                        CaseRef::Order(id) => {
                            let order = super::orders::order_row(db, id)?;
                            ("service order", id, order.account_id, order.account_number)
                        }
                    };
                    if on != request.account {
                        return Err(DeskError::Invalid(format!("{what} #{id} is on account {number}, not this one")));
                    }
                    Some(case)
                }
                None => None,
            };
            let opened = match &request.complaint {
                Some(new) if matches!(about, Some(CaseRef::Complaint(_))) => {
                    return Err(DeskError::Invalid(format!(
                        "this contact follows up an open complaint: log it there, or open a new {} complaint \
                         without the link",
                        new.category.label().to_lowercase()
                    )));
                }
                Some(new) => {
                    Some(self.open_complaint(db, actor, now, today, request.account, request.channel, &summary, new)?)
                }
                None => None,
            };
            let links = ContactAbout {
                complaint: opened.or(match about {
                    Some(CaseRef::Complaint(id)) => Some(id),
                    _ => None,
                }),
                dispute: match about {
                    Some(CaseRef::Dispute(id)) => Some(id),
                    _ => None,
                },
                order: match about {
                    Some(CaseRef::Order(id)) => Some(id),
                    _ => None,
                },
            };
            let identity = match &request.identity {
                Some(check) => Some(identity_checked(db, request.account, today, check)?),
                None => None,
            };
            let identity_json = match &identity {
                Some(check) => Some(serde_json::to_string(check).map_err(|e| DeskError::Invalid(e.to_string()))?),
                None => None,
            };
            let row = NewContactRow {
                account: request.account,
                channel: request.channel,
                summary: &summary,
                about: links,
                identity_json: identity_json.as_deref(),
            };
            let contact = db.insert_contact(&row, actor.user_id, now)?;
            let detail = serde_json::json!({
                "channel": request.channel, "summary": summary, "about": about, "identity": identity,
                "complaint": opened.map(|id| serde_json::json!({ "id": id, "new": request.complaint })),
            });
            let action = if opened.is_some() { "complaint-open" } else { "contact" };
            audit(db, now, Some(actor), action, &format!("contact:{contact}"), Some(request.account), &detail)?;
            Ok(ContactLogged { contact, complaint: opened })
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn open_complaint(
        &self,
        db: &Db,
        actor: &Actor,
        now: DateTime<Utc>,
        today: NaiveDate,
        account: AccountId,
        channel: Channel,
        summary: &str,
        new: &NewComplaint,
    ) -> Result<i64> {
        match (new.source, new.council_district) {
            (Source::Council, None) => {
                return Err(DeskError::Invalid(format!(
                    "a City Council referral needs its council district (1 to {COUNCIL_DISTRICTS})"
                )));
            }
            (Source::Council, Some(d)) if d == 0 || d > COUNCIL_DISTRICTS => {
                return Err(DeskError::Invalid(format!(
                    "there is no council district {d}: the city has districts 1 to {COUNCIL_DISTRICTS}"
                )));
            }
            (source, Some(_)) if source != Source::Council => {
                return Err(DeskError::Invalid(format!(
                    "only City Council referrals have a council district (this one is from: {})",
                    source.label()
                )));
            }
            _ => {}
        }
        let reference = new.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if let Some(reference) = reference {
            super::no_card_number_in("referral's reference number", reference)?;
        }
        if let Some(reference) = reference
            && reference.chars().count() > 40
        {
            return Err(DeskError::Invalid("a referral's reference number has at most 40 characters".into()));
        }
        let due_on = match new.due_on {
            None => self.clock.levels.due_on(&self.clock.calendar, new.source, new.priority, today),
            Some(date) => self.check_due_date(date, today)?,
        };
        let place = crate::domain::cases::ComplaintPlace { source: new.source, queue: Queue::Desk };
        let assigned_to = match &new.assign_to {
            Some(name) => Some(assignable_user(db, name, place.handled_by())?.id),
            None => None,
        };
        let row = NewComplaintRow {
            account,
            category: new.category,
            summary,
            source: new.source,
            council_district: new.council_district,
            reference,
            channel,
            priority: new.priority,
            due_on,
            queue: Queue::Desk,
            assigned_to,
        };
        Ok(db.insert_complaint(&row, actor.user_id, now)?)
    }

    /// A due date set by hand: a business day, not past, within the longest service level.
    fn check_due_date(&self, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate> {
        let calendar = &self.clock.calendar;
        if date < today {
            return Err(DeskError::Invalid(format!("the due date {date} is in the past (today is {today})")));
        }
        if !calendar.is_business_day(date) {
            let why = calendar.holiday_on(date).map_or_else(|| date.format("%A").to_string(), str::to_string);
            return Err(DeskError::Invalid(format!(
                "the due date {date} is not a business day ({why}): the next one is {}",
                calendar.add_business_days(date, 0)
            )));
        }
        let latest = calendar.add_business_days(today, MAX_DUE_DAYS);
        if date > latest {
            return Err(DeskError::Invalid(format!(
                "the due date {date} is more than {MAX_DUE_DAYS} business days away (the latest is {latest})"
            )));
        }
        Ok(date)
    }

    /// Does `action` to complaint `id`, with one event and one audit record.
    pub fn work_complaint(&self, actor: &Actor, now: DateTime<Utc>, id: i64, action: &ComplaintAction) -> Result<()> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        self.atomic(|db, _| {
            let complaint = complaint_row(db, id)?;
            let place = complaint.place();
            let permitted = |r: std::result::Result<(), String>| r.map_err(DeskError::NotPermitted);
            let must_be_open = || {
                if complaint.is_open() {
                    Ok(())
                } else {
                    Err(DeskError::Invalid(format!("complaint #{id} is closed: reopen it first")))
                }
            };
            let (kind, note, link, audit_action) = match action {
                ComplaintAction::Note { note } => {
                    ("note", Some(required_note(note, "follow-up note")?), None, "complaint-note")
                }
                ComplaintAction::Assign { to } => {
                    must_be_open()?;
                    permitted(place.check_handler(actor.role, "assign"))?;
                    let (queue, person, said) = match to {
                        Assignee::Person(name) => {
                            let user = assignable_user(db, name, place.handled_by())?;
                            let said = format!("to {}", user.username);
                            (complaint.queue, Some(user), said)
                        }
                        Assignee::Queue(queue) => (*queue, None, format!("to the {} queue", queue.label())),
                    };
                    if queue == complaint.queue
                        && person.as_ref().map(|u| &u.username) == complaint.assigned_to.as_ref()
                    {
                        return Err(DeskError::Invalid(format!("complaint #{id} is already assigned {said}")));
                    }
                    let person = person.map(|u| u.id);
                    db.set_complaint_place(id, queue, person)?;
                    ("assigned", Some(format!("Assigned {said}")), None, "complaint-assign")
                }
                ComplaintAction::Escalate { to, reason } => {
                    must_be_open()?;
                    let reason = required_note(reason, "reason for escalating")?;
                    permitted(place.check_escalation(actor.role, *to))?;
                    db.set_complaint_place(id, *to, None)?;
                    ("escalated", Some(format!("To the {} queue: {reason}", to.label())), None, "complaint-escalate")
                }
                ComplaintAction::Close { resolution, note } => {
                    must_be_open()?;
                    let note = required_note(note, "resolution note")?;
                    permitted(place.check_handler(actor.role, "close"))?;
                    db.close_complaint(id, *resolution, &note, actor.user_id, now)?;
                    ("closed", Some(format!("{}: {note}", resolution.label())), None, "complaint-close")
                }
                ComplaintAction::Reopen { reason } => {
                    if complaint.is_open() {
                        return Err(DeskError::Invalid(format!("complaint #{id} is open already")));
                    }
                    let reason = required_note(reason, "reason for reopening")?;
                    permitted(place.check_handler(actor.role, "reopen"))?;
                    db.reopen_complaint(id)?;
                    ("reopened", Some(reason), None, "complaint-reopen")
                }
                ComplaintAction::Link { to } => {
                    check_link(db, &complaint, *to)?;
                    ("linked", None, Some(to.parts()), "complaint-link")
                }
            };
            db.insert_complaint_event(id, kind, note.as_deref(), link, actor.user_id, now)?;
            let detail = serde_json::json!({ "complaint": id, "did": action, "note": note });
            audit(db, now, Some(actor), audit_action, &format!("complaint:{id}"), Some(complaint.account_id), &detail)?;
            Ok(())
        })
    }
}

fn complaint_row(db: &Db, id: i64) -> Result<ComplaintRow> {
    db.complaint(id)?.ok_or_else(|| DeskError::Invalid(format!("no complaint #{id}")))
}

/// An active user who may work a complaint that needs `at_least`.
fn assignable_user(db: &Db, name: &str, at_least: crate::domain::user::Role) -> Result<crate::records::UserRow> {
    let user = db.user_by_name(name.trim())?.ok_or_else(|| DeskError::UnknownUser(name.trim().to_string()))?;
    if !user.active {
        return Err(DeskError::UserInactive(user.username));
    }
    if !ranks_at_least(user.role, at_least) {
        return Err(DeskError::NotPermitted(format!(
            "{} is a {}: this complaint needs a {} or above",
            user.username,
            user.role.title(),
            at_least.title()
        )));
    }
    Ok(user)
}

/// A link must point at money work on the complaint's own account, once.
fn check_link(db: &Db, complaint: &ComplaintRow, to: CaseLink) -> Result<()> {
    let account = match to {
        CaseLink::Posting(id) => db.posting(id)?.ok_or(DeskError::UnknownPosting(id))?.account_id,
        CaseLink::Request(id) => Some(db.request(id)?.ok_or(DeskError::UnknownRequest(id))?.account_id),
        CaseLink::Dispute(id) => {
            Some(db.dispute(id)?.ok_or_else(|| DeskError::Invalid(format!("no dispute #{id}")))?.account_id)
        }
        CaseLink::Order(id) => Some(super::orders::order_row(db, id)?.account_id),
    };
    let (kind, target) = to.parts();
    if account != Some(complaint.account_id) {
        return Err(DeskError::Invalid(format!(
            "{kind} {target} is not on account {}, the complaint's account",
            complaint.account_number
        )));
    }
    if db.complaint_linked(complaint.id, (kind, target))? {
        return Err(DeskError::Invalid(format!("complaint #{} is already linked to {kind} {target}", complaint.id)));
    }
    Ok(())
}

impl Desk {
    /// Logs a contact in its own transaction; see [`Batch::log_contact`].
    pub fn log_contact(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: &ContactRequest,
    ) -> Result<ContactLogged> {
        self.act(actor, now, "log_contact", |b| b.log_contact(actor, now, request))
    }

    /// Works a complaint in its own transaction and returns it as it now stands.
    pub fn work_complaint(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        id: i64,
        action: &ComplaintAction,
    ) -> Result<ComplaintView> {
        self.act(actor, now, "work_complaint", |b| b.work_complaint(actor, now, id, action))?;
        self.complaint(id, now)
    }

    pub fn cases(&mut self, account: AccountId) -> Result<Cases> {
        self.store.read(|db| {
            Ok(Cases {
                complaints: db.complaints(account)?,
                contacts: db.contacts(account, CASE_CONTACTS)?,
                disputes: db.disputes(account)?,
                orders: db.orders(account)?,
            })
        })
    }

    /// One complaint with its history and contacts, as of `now`.
    pub fn complaint(&mut self, id: i64, now: DateTime<Utc>) -> Result<ComplaintView> {
        let today = self.today(now);
        let zone = self.time_zone;
        let calendar = &self.clock.calendar;
        self.store.read(|db| {
            let complaint = complaint_row(db, id)?;
            let events = db.complaint_events(id)?;
            let contacts = db.complaint_contacts(id)?;
            let closed_on = complaint.closed_at.map(|at| at.with_timezone(&zone).date_naive());
            let opened_on = complaint.opened_at.with_timezone(&zone).date_naive();
            let due = Due::of(&complaint, calendar, today, closed_on);
            let age_business_days = calendar.business_days_between(opened_on, closed_on.unwrap_or(today));
            Ok(ComplaintView { complaint, events, contacts, due, age_business_days })
        })
    }
}

/// The identity check as it will be kept: at least one proof, each once;
/// a party who may be spoken to about this account today, named.
fn identity_checked(db: &Db, account: AccountId, today: NaiveDate, check: &IdentityCheck) -> Result<IdentityCheck> {
    let mut verified = check.verified.clone();
    verified.sort_unstable();
    verified.dedup();
    if verified.is_empty() {
        return Err(DeskError::Invalid(
            "an identity check names what the caller verified (account number, service address...)".into(),
        ));
    }
    let party_name = match check.caller {
        Caller::Holder => None,
        Caller::Party(id) => {
            let party = db.parties_on(account, today)?.into_iter().find(|p| p.id == id);
            match party {
                Some(party) => Some(party.name),
                None => {
                    return Err(DeskError::Invalid(format!(
                        "party #{id} may not be spoken to about this account today (not on it, not yet begun or \
                         ended)"
                    )));
                }
            }
        }
    };
    Ok(IdentityCheck { caller: check.caller, verified, party_name })
}
