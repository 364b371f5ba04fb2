//! Rate schedules as loaded.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A stored schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateScheduleRow {
    pub id: String,
    pub effective_from: NaiveDate,
    /// The file's text as loaded.
    #[serde(skip)]
    pub source: String,
    pub loaded_at: DateTime<Utc>,
}
