//! Customers, premises, accounts and the services on an account.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ids::{AccountId, AccountNumber, CustomerId, PremiseId};
use super::money::Money;

/// Why a stored or typed code is not one we know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} \"{value}\"; expected one of: {expected}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// Declares a closed set of codes stored as text, with parsing and display.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $kind:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::account::UnknownCode;
            fn from_str(s: &str) -> Result<Self, $crate::domain::account::UnknownCode> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::domain::account::UnknownCode {
                        kind: $kind,
                        value: s.to_string(),
                        expected: concat!($($code, " "),+),
                    }),
                }
            }
        }
    };
}
pub(crate) use code_enum;

code_enum!(
    /// Where an account stands.
    AccountStatus, "account status" {
        Active => "active",
        Final => "final",
        Closed => "closed",
    }
);

code_enum!(
    /// Water meter sizes in inches, as the meter fee is charged.
    MeterSize, "meter size" {
        FiveEighths => "5/8",
        ThreeQuarters => "3/4",
        One => "1",
        OneAndHalf => "1-1/2",
        Two => "2",
    }
);

code_enum!(
    /// Refuse cart size in gallons.
    CartSize, "cart size" {
        Small => "35",
        Medium => "64",
        Large => "96",
    }
);

code_enum!(
    /// Refuse pick-ups.
    PickupFrequency, "pick-up frequency" {
        Weekly => "weekly",
        TwiceWeekly => "twice-weekly",
    }
);

code_enum!(
    /// The services a bill line belongs to; each has its own revenue account.
    ServiceKind, "service" {
        Water => "water",
        Sewer => "sewer",
        Stormwater => "stormwater",
        Refuse => "refuse",
        Emsacare => "emsacare",
    }
);

/// Refuse service: a cart and how often it is emptied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refuse {
    pub cart: CartSize,
    pub frequency: PickupFrequency,
}

/// What an account is billed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Services {
    pub meter_number: String,
    pub meter_size: MeterSize,
    /// Number of dials on the meter register: it rolls over at 10^dials gallons.
    pub meter_dials: u32,
    pub sewer: bool,
    pub stormwater: bool,
    pub refuse: Option<Refuse>,
    /// Ambulance membership: enrolled unless the household opted out.
    pub emsacare: bool,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub zip: String,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.line1)?;
        if let Some(line2) = &self.line2 {
            write!(f, ", {line2}")?;
        }
        write!(f, ", {}, {} {}", self.city, self.state, self.zip)
    }
}

/// A person or business. Identity data is kept only as its last four digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub mailing: Address,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub tax_id_last4: Option<String>,
}

/// A service address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Premise {
    pub id: PremiseId,
    pub address: Address,
}

/// A customer account at a premise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub number: AccountNumber,
    pub customer_id: CustomerId,
    pub premise_id: PremiseId,
    pub status: AccountStatus,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub deposit: Money,
}

/// The digits of a phone number, for matching however it was typed.
pub fn phone_digits(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    // A leading country code 1 is not part of the number people read out.
    match digits.strip_prefix('1') {
        Some(rest) if rest.len() == 10 => rest.to_string(),
        _ => digits,
    }
}

/// A phone number as the desk writes it: ten digits, however they were
/// typed ("918 555 0199", "918.555.0199", "+1 918-555-0199"), become
/// "(918) 555-0199"; anything else (an extension, a number abroad) is kept
/// as typed, trimmed.
pub fn tidy_phone(typed: &str) -> String {
    let digits = phone_digits(typed);
    let punctuation_only = typed.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
    match digits.len() == 10 && punctuation_only {
        true => format!("({}) {}-{}", &digits[..3], &digits[3..6], &digits[6..]),
        false => typed.trim().to_string(),
    }
}

/// Shows only the last four digits of identity data: "***-**-1234".
pub fn mask_tax_id(last4: &str) -> String {
    format!("***-**-{last4}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_digits_are_written_one_way_and_anything_else_as_typed() {
        for typed in ["918 555 0199", "918.555.0199", "+1 918-555-0199", "(918)555-0199", " 9185550199 "] {
            assert_eq!(tidy_phone(typed), "(918) 555-0199", "{typed:?}");
        }
        for typed in ["918 555 0199 x12", "555-0199", "+44 20 7946 0958"] {
            assert_eq!(tidy_phone(typed), typed, "{typed:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for size in MeterSize::ALL {
            assert_eq!(size.code().parse::<MeterSize>(), Ok(*size));
        }
        let error = "7/8".parse::<MeterSize>().expect_err("not a size");
        assert!(error.to_string().contains("5/8"), "{error}");
    }

    #[test]
    fn phone_digits_ignore_punctuation_and_country_code() {
        assert_eq!(phone_digits("(918) 555-0142"), "9185550142");
        assert_eq!(phone_digits("+1 918 555 0142"), "9185550142");
        assert_eq!(phone_digits("555-0142"), "5550142");
    }
}
