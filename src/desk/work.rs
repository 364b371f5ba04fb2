//! Work queues and the liaison follow-up report: what each person has to
//! do next, and how the Mayor's office and Council referrals stand.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::cases::Due;
use super::{Actor, Desk, DeskError, Result};
use crate::domain::cases::{Queue, Source, check_case_worker, ranks_at_least};
use crate::domain::user::Role;
use crate::records::{ComplaintFilter, ComplaintRow};

/// The most items one work list shows.
pub const MAX_WORK_ITEMS: u32 = 500;

/// How long a closed liaison item stays on the liaison queue, in days.
pub const LIAISON_CLOSED_DAYS: u64 = 30;

/// A complaint on a work list, with where it stands against its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkItem {
    pub complaint: ComplaintRow,
    pub due: Due,
}

/// A person's work: what is assigned to them, and what waits unassigned in
/// the queues they work: escalated and liaison items at once, the desk's
/// own work once it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyWork {
    pub assigned: Vec<WorkItem>,
    pub waiting: Vec<WorkItem>,
}

impl MyWork {
    pub fn overdue(&self) -> usize {
        self.assigned.iter().chain(&self.waiting).filter(|i| i.due.is_overdue()).count()
    }
}

/// The queues a classification works.
fn queues_for(role: Role) -> &'static [Queue] {
    match role {
        Role::Car1 | Role::Car2 => &[Queue::Desk],
        Role::Car3 => &[Queue::Desk, Queue::Car3],
        _ => Queue::ALL,
    }
}

/// One liaison item as the follow-up report lists it (and its CSV rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiaisonRow {
    pub complaint: i64,
    pub source: &'static str,
    pub council_district: Option<u8>,
    pub reference: Option<String>,
    pub account: String,
    pub customer: String,
    pub category: &'static str,
    pub priority: &'static str,
    pub opened_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: &'static str,
    pub closed_on: Option<NaiveDate>,
    pub age_business_days: i64,
    pub overdue: bool,
    pub resolution: Option<&'static str>,
    pub resolution_note: Option<String>,
    pub assigned_to: Option<String>,
    pub queue: &'static str,
    pub summary: String,
}

/// Liaison items of one source and district, counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiaisonGroup {
    pub source: Source,
    pub council_district: Option<u8>,
    pub opened: u32,
    pub open: u32,
    pub closed: u32,
    /// Open past their due date, or closed after it.
    pub overdue: u32,
    /// Business days from opening to closing (or to the report's day while open).
    pub average_age_business_days: f64,
}

/// The liaison follow-up report: items opened in a period, as of a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiaisonReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub groups: Vec<LiaisonGroup>,
    pub rows: Vec<LiaisonRow>,
}

/// The longest period one liaison report covers, in days.
pub const MAX_REPORT_DAYS: i64 = 731;

impl Desk {
    fn work_item(&self, complaint: ComplaintRow, today: NaiveDate) -> WorkItem {
        let closed_on = complaint.closed_at.map(|at| at.with_timezone(&self.time_zone).date_naive());
        let due = Due::of(&complaint, &self.clock.calendar, today, closed_on);
        WorkItem { complaint, due }
    }

    /// What `actor` has to do: assigned to them, and waiting unassigned in
    /// their queues (only what they may handle): escalated and liaison items
    /// at once, the desk's own work due today or overdue.
    pub fn my_work(&mut self, actor: &Actor, now: DateTime<Utc>) -> Result<MyWork> {
        check_case_worker(actor.role).map_err(DeskError::NotPermitted)?;
        let today = self.today(now);
        let (assigned, waiting) = self.store.read(|db| {
            let assigned = db.complaint_list(ComplaintFilter::AssignedTo(actor.user_id), MAX_WORK_ITEMS)?;
            let filter = ComplaintFilter::Unassigned { queues: queues_for(actor.role), due_by: today };
            Ok::<_, DeskError>((assigned, db.complaint_list(filter, MAX_WORK_ITEMS)?))
        })?;
        let waiting = waiting.into_iter().filter(|c| ranks_at_least(actor.role, c.place().handled_by()));
        Ok(MyWork {
            assigned: assigned.into_iter().map(|c| self.work_item(c, today)).collect(),
            waiting: waiting.map(|c| self.work_item(c, today)).collect(),
        })
    }

    /// The liaison queue: Mayor's office and Council items, open ones
    /// soonest due first, then those closed in the last 30 days.
    pub fn liaison_queue(&mut self, now: DateTime<Utc>) -> Result<Vec<WorkItem>> {
        let today = self.today(now);
        let closed_since = now - chrono::Duration::days(LIAISON_CLOSED_DAYS as i64);
        let rows = self.store.read(|db| {
            Ok::<_, DeskError>(db.complaint_list(ComplaintFilter::Liaison { closed_since }, MAX_WORK_ITEMS)?)
        })?;
        Ok(rows.into_iter().map(|c| self.work_item(c, today)).collect())
    }

    /// The liaison follow-up report for items opened `from` to `to` (local
    /// dates, both included), as they stand at `now`. Liaison work is CAR
    /// III and above, and so is its report.
    pub fn liaison_report(
        &mut self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<LiaisonReport> {
        let permitted = check_case_worker(actor.role).map_err(DeskError::NotPermitted).and_then(|()| {
            if ranks_at_least(actor.role, Role::Car3) {
                Ok(())
            } else {
                Err(DeskError::NotPermitted(format!(
                    "the liaison follow-up report is run by a {} or above (you are a {})",
                    Role::Car3.title(),
                    actor.role.title()
                )))
            }
        });
        self.permitted(actor, now, "liaison-report", permitted)?;
        let today = self.today(now);
        if to < from {
            return Err(DeskError::Invalid(format!("the report ends ({to}) before it starts ({from})")));
        }
        if (to - from).num_days() > MAX_REPORT_DAYS {
            return Err(DeskError::Invalid(format!(
                "a liaison report covers at most {MAX_REPORT_DAYS} days: run it for a shorter period"
            )));
        }
        if from > today {
            return Err(DeskError::FutureDate { what: "report's first", date: from, today });
        }
        let start = self.local_midnight(from);
        let until = self.local_midnight(to.checked_add_days(Days::new(1)).unwrap_or(to));
        let rows = self.store.read(|db| {
            Ok::<_, DeskError>(db.complaint_list(ComplaintFilter::LiaisonOpened { from: start, until }, u32::MAX)?)
        })?;
        let rows: Vec<LiaisonRow> = rows.into_iter().map(|c| self.liaison_row(c, today)).collect();
        Ok(LiaisonReport { from, to, as_of: today, groups: groups(&rows), rows })
    }

    fn liaison_row(&self, c: ComplaintRow, today: NaiveDate) -> LiaisonRow {
        let local = |at: DateTime<Utc>| at.with_timezone(&self.time_zone).date_naive();
        let opened_on = local(c.opened_at);
        let closed_on = c.closed_at.map(local);
        let calendar = &self.clock.calendar;
        let due = Due::of(&c, calendar, today, closed_on);
        LiaisonRow {
            complaint: c.id,
            source: c.source.code(),
            council_district: c.council_district,
            reference: c.reference,
            account: c.account_number.to_string(),
            customer: c.customer,
            category: c.category.code(),
            priority: c.priority.code(),
            opened_on,
            due_on: c.due_on,
            status: c.status.code(),
            closed_on,
            age_business_days: calendar.business_days_between(opened_on, closed_on.unwrap_or(today)),
            overdue: due.is_overdue(),
            resolution: c.resolution.map(|r| r.code()),
            resolution_note: c.resolution_note,
            assigned_to: c.assigned_to,
            queue: c.queue.code(),
            summary: c.summary,
        }
    }

    /// The first instant of a date in the utility's time zone.
    pub(super) fn local_midnight(&self, date: NaiveDate) -> DateTime<Utc> {
        super::first_instant(self.time_zone, date)
    }
}

/// Rows counted by source and district, Mayor's office first, then districts in order.
fn groups(rows: &[LiaisonRow]) -> Vec<LiaisonGroup> {
    let mut groups: Vec<LiaisonGroup> = Vec::new();
    let mut ages: Vec<i64> = Vec::new();
    let mut sorted: Vec<&LiaisonRow> = rows.iter().collect();
    sorted.sort_by_key(|r| (r.source != Source::Mayor.code(), r.council_district));
    for row in sorted {
        let source = if row.source == Source::Mayor.code() { Source::Mayor } else { Source::Council };
        let same = groups.last().is_some_and(|g| g.source == source && g.council_district == row.council_district);
        if !same {
            groups.push(LiaisonGroup {
                source,
                council_district: row.council_district,
                opened: 0,
                open: 0,
                closed: 0,
                overdue: 0,
                average_age_business_days: 0.0,
            });
            ages.push(0);
        }
        let (group, age) = (groups.last_mut(), ages.last_mut());
        if let (Some(group), Some(age)) = (group, age) {
            group.opened += 1;
            if row.closed_on.is_some() {
                group.closed += 1;
            } else {
                group.open += 1;
            }
            group.overdue += u32::from(row.overdue);
            *age += row.age_business_days;
            group.average_age_business_days = (*age as f64 / f64::from(group.opened) * 10.0).round() / 10.0;
        }
    }
    groups
}
