//! Supervisor reports over a period (local dates, both days included):
//! money actions by representative and reason with the requests raised
//! above limits and how long approval took; complaints by source, status
//! and overdue; each person's case work. Supervisors and Managers run them
//! (the liaison follow-up report, CAR III and above, is in `work`).

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::{Actor, Desk, DeskError, Result};
use crate::domain::Money;
use crate::domain::cases::{ComplaintStatus, Source};
use crate::domain::user::Role;
use crate::records::{MoneyActionLine, ProductivityLine};

/// The longest period a report covers, in days.
pub const MAX_REPORT_PERIOD_DAYS: i64 = 366;

/// The approval requests one representative raised for one action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RequestSummary {
    pub username: String,
    pub full_name: String,
    pub action: String,
    pub raised: u64,
    pub approved: u64,
    pub pending: u64,
    pub rejected: u64,
    pub withdrawn: u64,
    /// What was asked for, all requests.
    pub asked: Money,
    /// What approvers posted.
    pub approved_amount: Money,
    /// From request to decision, over the approved and rejected ones.
    pub average_turnaround_minutes: Option<i64>,
    pub longest_turnaround_minutes: Option<i64>,
}

/// Credits, adjustments, waivers and reversals in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyActionsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<MoneyActionLine>,
    pub requests: Vec<RequestSummary>,
}

impl MoneyActionsReport {
    /// Credited and charged over every line.
    pub fn totals(&self) -> (Money, Money) {
        (self.lines.iter().map(|l| l.credited).sum(), self.lines.iter().map(|l| l.charged).sum())
    }
}

/// Complaints opened in the period from one source, in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplaintGroup {
    pub source: Source,
    pub status: ComplaintStatus,
    pub count: u64,
    /// Open past their due date, or closed after it.
    pub overdue: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplaintsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub groups: Vec<ComplaintGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductivityReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<ProductivityLine>,
}

/// Supervisors and Managers run the supervisor reports.
fn check_supervisor(actor: &Actor) -> Result<()> {
    match actor.role {
        Role::Supervisor | Role::Manager => Ok(()),
        role => Err(DeskError::NotPermitted(format!(
            "the supervisor reports are run by a {} or {} (you are a {})",
            Role::Supervisor.title(),
            Role::Manager.title(),
            role.title()
        ))),
    }
}

fn summarize(requests: Vec<crate::records::RaisedRequest>) -> Vec<RequestSummary> {
    let mut by: BTreeMap<(String, String), (RequestSummary, Vec<i64>)> = BTreeMap::new();
    for r in requests {
        let key = (r.username.clone(), r.action.clone());
        let (summary, turnarounds) = by.entry(key).or_insert_with(|| {
            let summary = RequestSummary {
                username: r.username.clone(),
                full_name: r.full_name.clone(),
                action: r.action.clone(),
                ..RequestSummary::default()
            };
            (summary, Vec::new())
        });
        summary.raised += 1;
        summary.asked += r.amount;
        match r.status.as_str() {
            "approved" => {
                summary.approved += 1;
                summary.approved_amount += r.approved_amount.unwrap_or(r.amount);
            }
            "pending" => summary.pending += 1,
            "rejected" => summary.rejected += 1,
            _ => summary.withdrawn += 1,
        }
        if matches!(r.status.as_str(), "approved" | "rejected")
            && let Some(decided) = r.decided_at
        {
            turnarounds.push((decided - r.requested_at).num_minutes());
        }
    }
    by.into_values()
        .map(|(mut summary, turnarounds)| {
            if !turnarounds.is_empty() {
                summary.average_turnaround_minutes = Some(turnarounds.iter().sum::<i64>() / turnarounds.len() as i64);
                summary.longest_turnaround_minutes = turnarounds.iter().copied().max();
            }
            summary
        })
        .collect()
}

impl Desk {
    /// A report's period checked, with its bounds as instants [start, end).
    fn report_period(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let today = self.today(now);
        if to < from {
            return Err(DeskError::Invalid(format!("the report ends ({to}) before it starts ({from})")));
        }
        if from > today {
            return Err(DeskError::FutureDate { what: "report's first", date: from, today });
        }
        if (to - from).num_days() >= MAX_REPORT_PERIOD_DAYS {
            return Err(DeskError::Invalid(format!(
                "a report covers at most {MAX_REPORT_PERIOD_DAYS} days: run it for a shorter period"
            )));
        }
        let end = to.checked_add_days(Days::new(1)).unwrap_or(to);
        Ok((self.local_midnight(from), self.local_midnight(end)))
    }

    /// Credits, adjustments, waivers and reversals effective in the period,
    /// by representative, kind and reason; with the approval requests
    /// raised in it and their turnaround.
    pub fn money_actions_report(
        &mut self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<MoneyActionsReport> {
        self.permitted(actor, now, "money-actions-report", check_supervisor(actor))?;
        let (start, end) = self.report_period(from, to, now)?;
        let (lines, requests) = self
            .store
            .read(|db| Ok::<_, DeskError>((db.money_action_lines(from, to)?, db.raised_requests(start, end)?)))?;
        Ok(MoneyActionsReport { from, to, lines, requests: summarize(requests) })
    }

    /// Complaints opened in the period, by source and status, with how many are or were overdue.
    pub fn complaints_report(
        &mut self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ComplaintsReport> {
        self.permitted(actor, now, "complaints-report", check_supervisor(actor))?;
        let (start, end) = self.report_period(from, to, now)?;
        let today = self.today(now);
        let opened = self.store.read(|db| Ok::<_, DeskError>(db.opened_complaints(start, end)?))?;
        let mut by: BTreeMap<(Source, ComplaintStatus), ComplaintGroup> = BTreeMap::new();
        for c in opened {
            let overdue = match c.closed_at {
                Some(at) => at.with_timezone(&self.time_zone).date_naive() > c.due_on,
                None => today > c.due_on,
            };
            let group = by.entry((c.source, c.status)).or_insert(ComplaintGroup {
                source: c.source,
                status: c.status,
                count: 0,
                overdue: 0,
            });
            group.count += 1;
            group.overdue += u64::from(overdue);
        }
        Ok(ComplaintsReport { from, to, as_of: today, groups: by.into_values().collect() })
    }

    /// Each person's contacts, complaints opened and closed, orders drafted
    /// and reviewed, and money actions posted in the period.
    pub fn productivity_report(
        &mut self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ProductivityReport> {
        self.permitted(actor, now, "productivity-report", check_supervisor(actor))?;
        let (start, end) = self.report_period(from, to, now)?;
        let lines = self.store.read(|db| Ok::<_, DeskError>(db.productivity(start, end, from, to)?))?;
        Ok(ProductivityReport { from, to, lines })
    }
}
