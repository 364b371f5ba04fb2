//! Contacts and complaints: what a customer said, how, and what is open.

use super::account::code_enum;

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

/// The longest summary kept, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2_000;
