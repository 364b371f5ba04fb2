//! Typed ids, so an account id is never passed where a bill id belongs, and
//! the account number a person reads (with its check digit).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::check_digit::{luhn_digit, luhn_valid};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type!(
    /// A customer account (row id, not the printed number).
    AccountId,
    /// A person or business that holds accounts.
    CustomerId,
    /// A service address.
    PremiseId,
    /// A rated bill.
    BillId,
    /// One balanced posting in the ledger.
    PostingId,
    /// A person who uses the desk.
    UserId,
    /// A meter read.
    ReadId,
);

/// A printed account number: eight digits and a Luhn check digit, shown as
/// `12345678-9`. Stored as the nine digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct AccountNumber(String);

/// Why typed text is not an account number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountNumberError {
    #[error("an account number has nine digits, like 10000421-7; \"{0}\" has {1}")]
    WrongLength(String, usize),
    #[error("\"{0}\" is not an account number: the check digit does not match (a digit may be mistyped)")]
    BadCheckDigit(String),
}

impl AccountNumber {
    /// The account number for a sequence number (the first eight digits).
    pub fn from_sequence(sequence: u32) -> AccountNumber {
        let body = format!("{sequence:08}");
        let check = luhn_digit(&body).unwrap_or(0);
        AccountNumber(format!("{body}{check}"))
    }

    /// Parses typed text: digits with any dashes or spaces, check digit last.
    pub fn parse(text: &str) -> Result<AccountNumber, AccountNumberError> {
        let digits: String = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            let count = digits.chars().filter(char::is_ascii_digit).count();
            return Err(AccountNumberError::WrongLength(text.trim().to_string(), count));
        }
        if !luhn_valid(&digits) {
            return Err(AccountNumberError::BadCheckDigit(text.trim().to_string()));
        }
        Ok(AccountNumber(digits))
    }

    /// The nine digits as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (body, check) = self.0.split_at(self.0.len().saturating_sub(1));
        write!(f, "{body}-{check}")
    }
}

impl From<AccountNumber> for String {
    fn from(number: AccountNumber) -> String {
        number.to_string()
    }
}

impl TryFrom<String> for AccountNumber {
    type Error = AccountNumberError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        AccountNumber::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_through_their_printed_form() {
        for seq in [1, 42, 10_000_000, 99_999_999] {
            let number = AccountNumber::from_sequence(seq);
            assert_eq!(AccountNumber::parse(&number.to_string()), Ok(number.clone()));
            assert_eq!(AccountNumber::parse(number.digits()), Ok(number));
        }
    }

    #[test]
    fn typos_are_refused() {
        let number = AccountNumber::from_sequence(10_000_421).to_string();
        let typo = number.replacen('4', "5", 1);
        assert!(matches!(AccountNumber::parse(&typo), Err(AccountNumberError::BadCheckDigit(_))));
        assert!(matches!(AccountNumber::parse("1234"), Err(AccountNumberError::WrongLength(_, 4))));
        assert!(matches!(AccountNumber::parse("abcdefghi"), Err(AccountNumberError::WrongLength(_, 0))));
    }
}
