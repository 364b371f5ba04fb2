//! Reading the audit trail back: by account, user or date, newest first.

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

use super::{Actor, Desk, DeskError, Result};
use crate::domain::ids::AccountId;
use crate::domain::user::Role;
use crate::records::{AuditFilter, AuditRow};

/// The most records one listing returns.
pub const MAX_AUDIT_RECORDS: u32 = 10_000;

/// Which audit records to list. Dates are the utility's calendar days, both
/// ends included.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub account: Option<AccountId>,
    /// Records written by this user (a name, disabled users included).
    pub user: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// At most this many records (capped at [`MAX_AUDIT_RECORDS`]).
    pub limit: u32,
}

impl Desk {
    /// Audit records matching `query`, newest first. The trail is for
    /// supervisors, managers and administrators: it holds every person's
    /// sign-ins and decisions.
    pub fn audit(&mut self, by: &Actor, now: DateTime<Utc>, query: &AuditQuery) -> Result<Vec<AuditRow>> {
        let permitted = if matches!(by.role, Role::Supervisor | Role::Manager | Role::Admin) {
            Ok(())
        } else {
            Err(DeskError::NotPermitted("only a Supervisor, Manager or Administrator may read the audit trail".into()))
        };
        self.permitted(by, now, "audit-trail", permitted)?;
        if let (Some(from), Some(to)) = (query.from, query.to)
            && to < from
        {
            return Err(DeskError::Invalid(format!("the listing ends ({to}) before it starts ({from})")));
        }
        let start = |date: NaiveDate| self.local_midnight(date).to_rfc3339_opts(SecondsFormat::Micros, true);
        let from = query.from.map(start);
        let to = query.to.and_then(|d| d.checked_add_days(Days::new(1))).map(start);
        let limit = query.limit.clamp(1, MAX_AUDIT_RECORDS);
        self.store.read(|db| {
            let user = match &query.user {
                Some(name) => {
                    Some(db.user_by_name(name.trim())?.ok_or_else(|| DeskError::UnknownUser(name.clone()))?.id)
                }
                None => None,
            };
            let filter = AuditFilter { account: query.account, user, from, to, limit };
            Ok(db.audit_records(&filter)?)
        })
    }

    /// An instant as the utility's wall-clock time.
    pub fn local_time(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.time_zone).naive_local()
    }
}
