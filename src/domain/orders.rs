//! Service orders and inspection requests: the kinds, the fields each kind
//! needs, the states an order moves through, and the review a CAR III makes
//! before an order goes to the field (what is missing or inconsistent).

mod address;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::account::{AccountStatus, Address, code_enum, phone_digits};
use super::ids::{AccountId, BillId};
use super::scrub::scrub_card_numbers;

pub use address::{address_matches, address_spellings, normalize_address};

code_enum!(
    /// What the field crew or the meter shop is asked to do.
    OrderKind, "order kind" {
        StartService => "start-service",
        StopService => "stop-service",
        TransferService => "transfer-service",
        MeterReread => "meter-reread",
        LeakInspection => "leak-inspection",
        HighBillInvestigation => "high-bill-investigation",
        MeterTest => "meter-test",
    }
);

impl OrderKind {
    pub fn label(self) -> &'static str {
        match self {
            OrderKind::StartService => "Start service",
            OrderKind::StopService => "Stop service",
            OrderKind::TransferService => "Transfer service",
            OrderKind::MeterReread => "Meter re-read",
            OrderKind::LeakInspection => "Leak inspection",
            OrderKind::HighBillInvestigation => "High-bill investigation",
            OrderKind::MeterTest => "Meter test",
        }
    }

    /// Starts, stops or moves service on its service date.
    pub fn changes_service(self) -> bool {
        matches!(self, OrderKind::StartService | OrderKind::StopService | OrderKind::TransferService)
    }

    /// Ends service at the premise on its service date (a transfer ends it
    /// here and starts it at the new address).
    pub fn stops_service(self) -> bool {
        matches!(self, OrderKind::StopService | OrderKind::TransferService)
    }

    /// The fields an order of this kind must have before it is submitted.
    pub fn required(self) -> &'static [Field] {
        use Field::*;
        match self {
            OrderKind::StartService => &[ServiceDate, ServiceAddress, ContactPhone],
            OrderKind::StopService => &[ServiceDate, ServiceAddress, ForwardingAddress],
            OrderKind::TransferService => &[ServiceDate, ServiceAddress, NewAddress, ContactPhone],
            OrderKind::MeterReread => &[Bill, Reason],
            OrderKind::LeakInspection => &[ServiceAddress, LeakLocation, ContactPhone],
            OrderKind::HighBillInvestigation => &[Bill, Reason, ContactPhone],
            OrderKind::MeterTest => &[MeterNumber, Reason, ContactPhone],
        }
    }
}

code_enum!(
    /// Where an order is: draft → submitted → reviewed → sent → completed,
    /// or cancelled from any state before that. A review that finds problems
    /// returns a submitted order to draft.
    OrderStatus, "order status" {
        Draft => "draft",
        Submitted => "submitted",
        Reviewed => "reviewed",
        Sent => "sent",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

impl OrderStatus {
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Draft => "Draft",
            OrderStatus::Submitted => "Submitted for review",
            OrderStatus::Reviewed => "Reviewed",
            OrderStatus::Sent => "Sent to the field",
            OrderStatus::Completed => "Completed",
            OrderStatus::Cancelled => "Cancelled",
        }
    }

    /// Completed and cancelled orders never change again.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Completed | OrderStatus::Cancelled)
    }
}

/// One field of an order's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    ServiceDate,
    ServiceAddress,
    ForwardingAddress,
    NewAddress,
    Bill,
    MeterNumber,
    ContactPhone,
    AccessNotes,
    LeakLocation,
    Reason,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::ServiceDate,
        Field::ServiceAddress,
        Field::ForwardingAddress,
        Field::NewAddress,
        Field::Bill,
        Field::MeterNumber,
        Field::ContactPhone,
        Field::AccessNotes,
        Field::LeakLocation,
        Field::Reason,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::ServiceDate => "service date",
            Field::ServiceAddress => "service address",
            Field::ForwardingAddress => "forwarding address",
            Field::NewAddress => "new address",
            Field::Bill => "bill",
            Field::MeterNumber => "meter number",
            Field::ContactPhone => "contact phone",
            Field::AccessNotes => "access notes",
            Field::LeakLocation => "leak location",
            Field::Reason => "reason",
        }
    }

    fn is_set(self, fields: &OrderFields) -> bool {
        match self {
            Field::ServiceDate => fields.service_date.is_some(),
            Field::Bill => fields.bill.is_some(),
            text => fields.text(text).is_some_and(|t| !t.trim().is_empty()),
        }
    }

    /// Whether an order of `kind` has this field at all (a forwarding
    /// address belongs to a stop, a leak's location to a leak inspection).
    pub fn applies_to(self, kind: OrderKind) -> bool {
        match self {
            Field::ForwardingAddress => kind == OrderKind::StopService,
            Field::NewAddress => kind == OrderKind::TransferService,
            Field::LeakLocation => kind == OrderKind::LeakInspection,
            Field::Bill => {
                matches!(kind, OrderKind::MeterReread | OrderKind::HighBillInvestigation | OrderKind::MeterTest)
            }
            Field::ServiceDate
            | Field::ServiceAddress
            | Field::MeterNumber
            | Field::ContactPhone
            | Field::AccessNotes
            | Field::Reason => true,
        }
    }

    /// The longest text kept, in characters.
    fn max_chars(self) -> usize {
        match self {
            Field::ServiceAddress | Field::ForwardingAddress | Field::NewAddress => 200,
            Field::MeterNumber | Field::ContactPhone => 40,
            _ => MAX_NOTE_CHARS,
        }
    }
}

/// The longest free text on an order (notes, the reason, an outcome), in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// What an order says, as typed; which fields a kind needs is
/// [`OrderKind::required`]. Stored as JSON on the order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderFields {
    /// The day service starts, stops or moves; for a visit, the day asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// The service address as the customer gave it (checked against the account's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_address: Option<String>,
    /// Where a stopped account's final bill goes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forwarding_address: Option<String>,
    /// Where a transfer moves service to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_address: Option<String>,
    /// The bill a re-read, investigation or meter test is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill: Option<BillId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meter_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    /// Gate codes, dogs, where the meter is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_notes: Option<String>,
    /// Where the customer sees or hears the leak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leak_location: Option<String>,
    /// Why the order is asked for: what the customer says is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl OrderFields {
    /// A text field's value (`None` for the date and the bill).
    pub fn text(&self, field: Field) -> Option<&String> {
        match field {
            Field::ServiceAddress => self.service_address.as_ref(),
            Field::ForwardingAddress => self.forwarding_address.as_ref(),
            Field::NewAddress => self.new_address.as_ref(),
            Field::MeterNumber => self.meter_number.as_ref(),
            Field::ContactPhone => self.contact_phone.as_ref(),
            Field::AccessNotes => self.access_notes.as_ref(),
            Field::LeakLocation => self.leak_location.as_ref(),
            Field::Reason => self.reason.as_ref(),
            Field::ServiceDate | Field::Bill => None,
        }
    }

    /// Sets a text field as typed (blank is absent); the date and the bill are not text.
    pub fn set_text(&mut self, field: Field, typed: &str) {
        if let Some(slot) = self.text_mut(field) {
            *slot = Some(typed.to_string()).filter(|t| !t.trim().is_empty());
        }
    }

    fn text_mut(&mut self, field: Field) -> Option<&mut Option<String>> {
        match field {
            Field::ServiceAddress => Some(&mut self.service_address),
            Field::ForwardingAddress => Some(&mut self.forwarding_address),
            Field::NewAddress => Some(&mut self.new_address),
            Field::MeterNumber => Some(&mut self.meter_number),
            Field::ContactPhone => Some(&mut self.contact_phone),
            Field::AccessNotes => Some(&mut self.access_notes),
            Field::LeakLocation => Some(&mut self.leak_location),
            Field::Reason => Some(&mut self.reason),
            Field::ServiceDate | Field::Bill => None,
        }
    }

    /// The fields as they are kept for an order of `kind`: text trimmed
    /// (blank is absent), meter numbers in capitals, card numbers scrubbed
    /// from free text. Refuses a field the kind does not have, text too
    /// long, an identifier holding a card number, and a phone number that
    /// is not one.
    pub fn cleaned(&self, kind: OrderKind) -> Result<OrderFields, String> {
        let mut out = self.clone();
        for field in Field::ALL {
            if let Some(slot) = out.text_mut(*field) {
                *slot = slot.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
                if let Some(text) = slot.as_mut() {
                    if text.chars().count() > field.max_chars() {
                        return Err(format!("the {} is longer than {} characters", field.label(), field.max_chars()));
                    }
                    match field {
                        Field::MeterNumber => *text = text.to_uppercase(),
                        Field::AccessNotes | Field::LeakLocation | Field::Reason => {
                            *text = scrub_card_numbers(text).0;
                        }
                        _ => {}
                    }
                    // The rest are identifiers (addresses, a meter number, a
                    // phone): one holding a card number is refused, not kept.
                    if super::scrub::holds_card_number(text) {
                        return Err(format!(
                            "the {} holds what looks like a payment card number; card numbers are never kept",
                            field.label()
                        ));
                    }
                }
            }
            if field.is_set(&out) && !field.applies_to(kind) {
                return Err(format!("a {} order has no {}", kind.label().to_lowercase(), field.label()));
            }
        }
        if let Some(phone) = &out.contact_phone {
            let digits = phone_digits(phone).len();
            if !(7..=15).contains(&digits) || phone.chars().any(|c| c.is_alphabetic()) {
                return Err(format!("the contact phone \"{phone}\" is not a phone number (7 to 15 digits)"));
            }
        }
        Ok(out)
    }
}

impl OrderFields {
    /// The fields that differ from `other`, by name, in form order.
    pub fn changed(&self, other: &OrderFields) -> Vec<&'static str> {
        Field::ALL
            .iter()
            .filter(|field| match field {
                Field::ServiceDate => self.service_date != other.service_date,
                Field::Bill => self.bill != other.bill,
                text => self.text(**text) != other.text(**text),
            })
            .map(|field| field.label())
            .collect()
    }
}

/// The required fields an order of `kind` lacks, by name, in form order.
pub fn missing(kind: OrderKind, fields: &OrderFields) -> Vec<&'static str> {
    kind.required().iter().filter(|f| !f.is_set(fields)).map(|f| f.label()).collect()
}

/// Another order not yet completed or cancelled, as the review sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOrder {
    pub id: i64,
    pub account: AccountId,
    pub kind: OrderKind,
    pub service_date: Option<NaiveDate>,
}

/// What the review checks an order against.
#[derive(Debug, Clone, Copy)]
pub struct ReviewContext<'a> {
    pub today: NaiveDate,
    pub account: AccountId,
    pub account_status: AccountStatus,
    /// A final or closed account: the day its service ended.
    pub service_ended_on: Option<NaiveDate>,
    /// The day the account's service started.
    pub opened_on: NaiveDate,
    /// The account's service address (its premise).
    pub premise: &'a Address,
    pub meter_number: &'a str,
    /// The premise's other open orders (any account), not the one reviewed.
    pub open_orders: &'a [OpenOrder],
}

/// Something the review found missing or inconsistent. Any flag returns the
/// order to its author as a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "kebab-case")]
pub enum ReviewFlag {
    /// Required fields are missing (by name).
    Missing { fields: Vec<String> },
    /// The account is closed.
    AccountClosed,
    /// A stop or transfer on an account whose service already ended.
    ServiceEnded { on: NaiveDate },
    /// A start, stop or transfer dated before today.
    DateInPast { date: NaiveDate, today: NaiveDate },
    /// Service would stop before it starts: against the account's opening
    /// (`order` is `None`) or against another open order on the account.
    StopBeforeStart { stop_on: NaiveDate, start_on: NaiveDate, order: Option<i64> },
    /// Another open order of the same kind for the premise.
    Duplicate { kind: OrderKind, order: i64 },
    /// The address typed is not the account's service address.
    AddressMismatch { typed: String, on_account: String },
    /// A transfer to the address service is already at.
    TransferToSameAddress { address: String },
    /// The meter typed is not the account's.
    MeterMismatch { typed: String, on_account: String },
}

impl ReviewFlag {
    /// The flag in a sentence the author can act on.
    pub fn message(&self) -> String {
        match self {
            ReviewFlag::Missing { fields } => format!("missing: {}", fields.join(", ")),
            ReviewFlag::AccountClosed => "the account is closed: use the customer's current account".into(),
            ReviewFlag::ServiceEnded { on } => {
                format!("service here already ended on {on} (the account is final): there is nothing to stop")
            }
            ReviewFlag::DateInPast { date, today } => {
                format!("the service date {date} is in the past (today is {today})")
            }
            ReviewFlag::StopBeforeStart { stop_on, start_on, order: None } => {
                format!("stop before start: service would stop on {stop_on}, before the account started on {start_on}")
            }
            ReviewFlag::StopBeforeStart { stop_on, start_on, order: Some(order) } => format!(
                "stop before start: service would stop on {stop_on}, before it starts on {start_on} \
                 (see order #{order})"
            ),
            ReviewFlag::Duplicate { kind, order } => format!(
                "order #{order} is already open for this premise ({}): cancel one of them",
                kind.label().to_lowercase()
            ),
            ReviewFlag::AddressMismatch { typed, on_account } => {
                format!("the address \"{typed}\" is not the account's service address ({on_account})")
            }
            ReviewFlag::TransferToSameAddress { address } => {
                format!("the new address \"{address}\" is where service already is")
            }
            ReviewFlag::MeterMismatch { typed, on_account } => {
                format!("meter {typed} is not the account's meter ({on_account})")
            }
        }
    }
}

impl fmt::Display for ReviewFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Reviews an order of `kind` with `fields`: every problem found, none for
/// an order that may go to the field.
pub fn review(kind: OrderKind, fields: &OrderFields, context: &ReviewContext) -> Vec<ReviewFlag> {
    let mut flags = Vec::new();
    let lacking = missing(kind, fields);
    if !lacking.is_empty() {
        flags.push(ReviewFlag::Missing { fields: lacking.into_iter().map(str::to_string).collect() });
    }
    if context.account_status == AccountStatus::Closed {
        flags.push(ReviewFlag::AccountClosed);
    }
    if let Some(on) = context.service_ended_on
        && context.account_status == AccountStatus::Final
        && kind.stops_service()
    {
        flags.push(ReviewFlag::ServiceEnded { on });
    }
    if let Some(date) = fields.service_date
        && kind.changes_service()
        && date < context.today
    {
        flags.push(ReviewFlag::DateInPast { date, today: context.today });
    }
    flags.extend(stops_before_start(kind, fields.service_date, context));
    for other in context.open_orders.iter().filter(|o| o.kind == kind) {
        flags.push(ReviewFlag::Duplicate { kind, order: other.id });
    }
    if let Some(typed) = &fields.service_address
        && !address_matches(typed, context.premise)
    {
        flags.push(ReviewFlag::AddressMismatch { typed: typed.clone(), on_account: context.premise.to_string() });
    }
    if let Some(new) = &fields.new_address
        && address_matches(new, context.premise)
    {
        flags.push(ReviewFlag::TransferToSameAddress { address: new.clone() });
    }
    if let Some(meter) = &fields.meter_number
        && !meter.trim().eq_ignore_ascii_case(context.meter_number.trim())
    {
        flags.push(ReviewFlag::MeterMismatch { typed: meter.clone(), on_account: context.meter_number.to_string() });
    }
    flags
}

/// A stop (or transfer) dated before the service it ends starts: the
/// account's opening, or an open start order on the same account; and the
/// same pair seen from the start order's side.
fn stops_before_start(kind: OrderKind, date: Option<NaiveDate>, context: &ReviewContext) -> Vec<ReviewFlag> {
    let Some(date) = date else { return Vec::new() };
    let same_account = context.open_orders.iter().filter(|o| o.account == context.account);
    let mut flags = Vec::new();
    if kind.stops_service() {
        if date < context.opened_on {
            flags.push(ReviewFlag::StopBeforeStart { stop_on: date, start_on: context.opened_on, order: None });
        }
        for start in same_account.filter(|o| o.kind == OrderKind::StartService) {
            if let Some(start_on) = start.service_date
                && date < start_on
            {
                flags.push(ReviewFlag::StopBeforeStart { stop_on: date, start_on, order: Some(start.id) });
            }
        }
    } else if kind == OrderKind::StartService {
        for stop in same_account.filter(|o| o.kind.stops_service()) {
            if let Some(stop_on) = stop.service_date
                && stop_on < date
            {
                flags.push(ReviewFlag::StopBeforeStart { stop_on, start_on: date, order: Some(stop.id) });
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests;
