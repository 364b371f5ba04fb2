//! Contacts and complaints: what a customer said, how, and what is open.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::account::code_enum;
use super::calendar::Calendar;
use super::user::Role;

code_enum!(
    /// How the customer reached the desk.
    Channel, "contact channel" {
        Phone => "phone",
        WalkIn => "walk-in",
        Email => "email",
        Letter => "letter",
    }
);

impl Channel {
    pub fn label(self) -> &'static str {
        match self {
            Channel::Phone => "Phone",
            Channel::WalkIn => "Walk-in",
            Channel::Email => "Email",
            Channel::Letter => "Letter",
        }
    }
}

code_enum!(
    /// What the caller proved before the account was discussed (the class
    /// spec: "verifying information received").
    Proof, "identity proof" {
        AccountNumber => "account-number",
        ServiceAddress => "service-address",
        MailingAddress => "mailing-address",
        PhoneOnFile => "phone-on-file",
        LastPayment => "last-payment",
        TaxIdLast4 => "tax-id-last4",
        PhotoId => "photo-id",
    }
);

impl Proof {
    pub fn label(self) -> &'static str {
        match self {
            Proof::AccountNumber => "account number",
            Proof::ServiceAddress => "service address",
            Proof::MailingAddress => "mailing address",
            Proof::PhoneOnFile => "phone on file",
            Proof::LastPayment => "last payment",
            Proof::TaxIdLast4 => "last four of the tax id",
            Proof::PhotoId => "photo id (in person)",
        }
    }
}

/// Who was spoken to: the account holder, or someone the holder allows
/// (an authorized party, by its number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Caller {
    Holder,
    Party(i64),
}

/// The identity check done on a contact: who, and what they proved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCheck {
    pub caller: Caller,
    pub verified: Vec<Proof>,
    /// The party's name as it stood, kept with the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_name: Option<String>,
}

impl IdentityCheck {
    /// "account holder; verified account number, service address".
    pub fn said(&self) -> String {
        let who = match (&self.caller, &self.party_name) {
            (Caller::Holder, _) => "account holder".to_string(),
            (Caller::Party(id), Some(name)) => format!("{name} (party #{id})"),
            (Caller::Party(id), None) => format!("party #{id}"),
        };
        let proofs: Vec<&str> = self.verified.iter().map(|p| p.label()).collect();
        format!("{who}; verified {}", proofs.join(", "))
    }
}

code_enum!(
    /// What a complaint is about.
    ComplaintCategory, "complaint category" {
        Billing => "billing",
        HighBill => "high-bill",
        Meter => "meter",
        WaterService => "water-service",
        Refuse => "refuse",
        Staff => "staff",
        Other => "other",
    }
);

impl ComplaintCategory {
    pub fn label(self) -> &'static str {
        match self {
            ComplaintCategory::Billing => "Billing",
            ComplaintCategory::HighBill => "High bill",
            ComplaintCategory::Meter => "Meter",
            ComplaintCategory::WaterService => "Water service",
            ComplaintCategory::Refuse => "Refuse collection",
            ComplaintCategory::Staff => "Staff conduct",
            ComplaintCategory::Other => "Other",
        }
    }
}

code_enum!(
    /// Whether a complaint is being worked.
    ComplaintStatus, "complaint status" {
        Open => "open",
        Closed => "closed",
    }
);

/// The longest summary kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2_000;

code_enum!(
    /// Where a complaint came from. The Mayor's office and City Council are
    /// the liaison sources: they are answered faster and closed by a CAR III.
    Source, "complaint source" {
        Customer => "customer",
        ThreeOneOne => "311",
        Mayor => "mayor",
        Council => "council",
        Agency => "agency",
    }
);

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Customer => "Customer",
            Source::ThreeOneOne => "311",
            Source::Mayor => "Mayor's office / action center",
            Source::Council => "City Council",
            Source::Agency => "Other agency",
        }
    }

    /// The Mayor's office and Council: liaison work, with a follow-up report.
    pub fn is_liaison(self) -> bool {
        matches!(self, Source::Mayor | Source::Council)
    }
}

/// The city's council districts are numbered 1 to this.
pub const COUNCIL_DISTRICTS: u8 = 9;

code_enum!(
    /// How soon a complaint must be resolved (with its source, it sets the due date).
    Priority, "priority" {
        Urgent => "urgent",
        High => "high",
        Normal => "normal",
        Low => "low",
    }
);

impl Priority {
    pub fn label(self) -> &'static str {
        match self {
            Priority::Urgent => "Urgent",
            Priority::High => "High",
            Priority::Normal => "Normal",
            Priority::Low => "Low",
        }
    }
}

code_enum!(
    /// The work queue a complaint waits in when no one person has it. The
    /// order is the escalation ladder.
    Queue, "queue" {
        Desk => "desk",
        Car3 => "car3",
        Supervisor => "supervisor",
    }
);

impl Queue {
    pub fn label(self) -> &'static str {
        match self {
            Queue::Desk => "Desk",
            Queue::Car3 => "CAR III",
            Queue::Supervisor => "Supervisor",
        }
    }

    /// The lowest classification that works this queue's items.
    pub fn handled_by(self) -> Role {
        match self {
            Queue::Desk => Role::Car1,
            Queue::Car3 => Role::Car3,
            Queue::Supervisor => Role::Supervisor,
        }
    }
}

code_enum!(
    /// How a complaint ended; required to close one.
    Resolution, "resolution" {
        Explained => "explained",
        Adjusted => "adjusted",
        FieldWork => "field-work",
        Referred => "referred",
        NoAction => "no-action",
        Withdrawn => "withdrawn",
        Duplicate => "duplicate",
    }
);

impl Resolution {
    pub fn label(self) -> &'static str {
        match self {
            Resolution::Explained => "Explained: no error found",
            Resolution::Adjusted => "Bill adjusted or credit issued",
            Resolution::FieldWork => "Field work completed",
            Resolution::Referred => "Referred to another department",
            Resolution::NoAction => "No action warranted",
            Resolution::Withdrawn => "Customer withdrew the complaint",
            Resolution::Duplicate => "Duplicate of another complaint",
        }
    }
}

/// How far up the classification ladder a role is for case work; an
/// Administrator keeps users and settings and does no case work.
pub fn case_rank(role: Role) -> Option<u8> {
    match role {
        Role::Car1 => Some(1),
        Role::Car2 => Some(2),
        Role::Car3 => Some(3),
        Role::Supervisor => Some(4),
        Role::Manager => Some(5),
        Role::Admin | Role::Batch => None,
    }
}

/// Whether `role` is `at_least` or above for case work.
pub fn ranks_at_least(role: Role, at_least: Role) -> bool {
    matches!((case_rank(role), case_rank(at_least)), (Some(have), Some(need)) if have >= need)
}

/// Refuses case work to a role that does none.
pub fn check_case_worker(role: Role) -> Result<(), String> {
    match case_rank(role) {
        Some(_) => Ok(()),
        None if role == Role::Batch => Err(
            "the automated-jobs role posts bills, payments and late fees only; contacts, complaints, disputes and orders need a representative's classification"
                .to_string(),
        ),
        None => Err(format!(
            "an {} keeps users and settings; contacts, complaints, disputes and orders need a representative's classification",
            role.title()
        )),
    }
}

/// What a complaint is, for deciding who may work it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintPlace {
    pub source: Source,
    pub queue: Queue,
}

impl ComplaintPlace {
    /// The lowest classification that may assign, close or reopen it:
    /// escalated items need their queue's level, liaison items a CAR III.
    pub fn handled_by(self) -> Role {
        let queue = self.queue.handled_by();
        if self.source.is_liaison() && !ranks_at_least(queue, Role::Car3) { Role::Car3 } else { queue }
    }

    fn why(self) -> String {
        match self.queue {
            Queue::Desk if self.source.is_liaison() => {
                format!("{} items are liaison work", self.source.label())
            }
            queue => format!("this complaint is escalated to the {} queue", queue.label()),
        }
    }

    /// Whether `role` may assign, close or reopen it; the refusal says why.
    pub fn check_handler(self, role: Role, doing: &str) -> Result<(), String> {
        check_case_worker(role)?;
        let need = self.handled_by();
        if ranks_at_least(role, need) {
            Ok(())
        } else {
            Err(format!("{}: only a {} or above may {doing} it (you are a {})", self.why(), need.title(), role.title()))
        }
    }

    /// Whether it may be escalated to `to` (only up the ladder).
    pub fn check_escalation(self, role: Role, to: Queue) -> Result<(), String> {
        check_case_worker(role)?;
        if to <= self.queue {
            return Err(format!(
                "this complaint is already in the {} queue: escalate it to a higher queue ({})",
                self.queue.label(),
                Queue::ALL.iter().filter(|q| **q > self.queue).map(|q| q.label()).collect::<Vec<_>>().join(", ")
            ));
        }
        if to == Queue::Desk {
            return Err("escalation goes up: to the CAR III or the Supervisor queue".into());
        }
        Ok(())
    }
}

/// Why a service-level file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceLevelError {
    #[error("the service-level file cannot be read: {0}")]
    Format(String),
    #[error("the service-level file has no {priority} figure for {from} complaints")]
    Missing { from: &'static str, priority: &'static str },
    #[error("the service level for {from} / {priority} is {days} business days: use 1 to {MAX_DUE_DAYS}")]
    OutOfRange { from: &'static str, priority: &'static str, days: u32 },
}

/// The longest service level, and the furthest a due date may be set, in business days.
pub const MAX_DUE_DAYS: u32 = 60;

/// Business days to resolve a complaint, by source and priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLevels {
    days: BTreeMap<Source, BTreeMap<Priority, u32>>,
}

const CITY_SERVICE_LEVELS: &str = include_str!("../../assets/cases/service-levels.toml");

impl ServiceLevels {
    /// The table that ships with the product.
    pub fn city() -> Result<ServiceLevels, ServiceLevelError> {
        ServiceLevels::from_toml(CITY_SERVICE_LEVELS)
    }

    /// Reads a table, checking every source has every priority, each in range.
    pub fn from_toml(text: &str) -> Result<ServiceLevels, ServiceLevelError> {
        let days: BTreeMap<Source, BTreeMap<Priority, u32>> =
            toml::from_str(text).map_err(|e| ServiceLevelError::Format(e.to_string()))?;
        for source in Source::ALL {
            for priority in Priority::ALL {
                let figure = days.get(source).and_then(|row| row.get(priority));
                match figure {
                    None => return Err(ServiceLevelError::Missing { from: source.code(), priority: priority.code() }),
                    Some(&d) if d == 0 || d > MAX_DUE_DAYS => {
                        return Err(ServiceLevelError::OutOfRange {
                            from: source.code(),
                            priority: priority.code(),
                            days: d,
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(ServiceLevels { days })
    }

    /// Business days allowed for a complaint from `source` at `priority`.
    pub fn days(&self, source: Source, priority: Priority) -> u32 {
        self.days.get(&source).and_then(|row| row.get(&priority)).copied().unwrap_or(MAX_DUE_DAYS)
    }

    /// The due date of a complaint opened on `opened` (a local date).
    pub fn due_on(&self, calendar: &Calendar, source: Source, priority: Priority, opened: NaiveDate) -> NaiveDate {
        calendar.add_business_days(opened, self.days(source, priority))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_city_table_has_every_source_and_priority() {
        let levels = ServiceLevels::city().unwrap();
        assert_eq!(levels.days(Source::Council, Priority::Normal), 5);
        assert_eq!(levels.days(Source::Customer, Priority::Normal), 10);
        for source in Source::ALL {
            assert!(levels.days(*source, Priority::Urgent) <= levels.days(*source, Priority::Low));
        }
    }

    #[test]
    fn a_table_missing_a_figure_or_out_of_range_is_refused() {
        let mut text = CITY_SERVICE_LEVELS.replace("[agency]\nurgent = 2\n", "[agency]\n");
        assert_eq!(
            ServiceLevels::from_toml(&text),
            Err(ServiceLevelError::Missing { from: "agency", priority: "urgent" })
        );
        text = CITY_SERVICE_LEVELS.replace("[agency]\nurgent = 2", "[agency]\nurgent = 0");
        assert!(matches!(ServiceLevels::from_toml(&text), Err(ServiceLevelError::OutOfRange { days: 0, .. })));
        assert!(matches!(ServiceLevels::from_toml("[nobody]\nurgent = 1"), Err(ServiceLevelError::Format(_))));
    }

    #[test]
    fn due_dates_count_business_days_across_thanksgiving() {
        let levels = ServiceLevels::city().unwrap();
        let calendar = Calendar::city().unwrap();
        // Opened Tuesday 24 November 2026; Thursday 26 and Friday 27 are
        // Thanksgiving and the day after, then a weekend.
        let opened = d(2026, 11, 24);
        assert_eq!(levels.due_on(&calendar, Source::Council, Priority::High, opened), d(2026, 11, 30));
        assert_eq!(levels.due_on(&calendar, Source::Council, Priority::Normal, opened), d(2026, 12, 3));
        // Opened on a Saturday: the clock starts on Monday.
        assert_eq!(levels.due_on(&calendar, Source::Customer, Priority::Urgent, d(2026, 11, 28)), d(2026, 12, 1));
    }

    #[test]
    fn escalated_and_liaison_items_need_their_level() {
        let desk = ComplaintPlace { source: Source::Customer, queue: Queue::Desk };
        assert!(desk.check_handler(Role::Car1, "close").is_ok());
        let council = ComplaintPlace { source: Source::Council, queue: Queue::Desk };
        let refusal = council.check_handler(Role::Car2, "close").unwrap_err();
        assert!(refusal.contains("City Council items are liaison work"), "{refusal}");
        assert!(refusal.contains("Customer Account Representative III or above"), "{refusal}");
        assert!(council.check_handler(Role::Car3, "close").is_ok());
        let escalated = ComplaintPlace { source: Source::Council, queue: Queue::Supervisor };
        assert!(escalated.check_handler(Role::Car3, "close").is_err());
        assert!(escalated.check_handler(Role::Supervisor, "close").is_ok());
        assert!(escalated.check_handler(Role::Manager, "close").is_ok());
        assert!(desk.check_handler(Role::Admin, "close").unwrap_err().contains("Administrator keeps users"));
    }

    #[test]
    fn escalation_only_goes_up() {
        let car3 = ComplaintPlace { source: Source::Customer, queue: Queue::Car3 };
        assert!(car3.check_escalation(Role::Car1, Queue::Supervisor).is_ok());
        let refusal = car3.check_escalation(Role::Car1, Queue::Car3).unwrap_err();
        assert!(refusal.contains("already in the CAR III queue"), "{refusal}");
        assert!(refusal.contains("(Supervisor)"), "{refusal}");
        let desk = ComplaintPlace { source: Source::Customer, queue: Queue::Desk };
        assert!(desk.check_escalation(Role::Car1, Queue::Desk).is_err());
        assert!(desk.check_escalation(Role::Car2, Queue::Car3).is_ok());
    }
}
