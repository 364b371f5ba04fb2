//! A letter as PDF: the letterhead, the date it was sent, the customer's
//! name and mailing address, the subject, and the text exactly as kept.

use super::pdf::{Cell, LEFT, Letterhead, Writer};
use crate::desk::DeskError;
use crate::records::{AccountRow, LetterRow};

/// A kept letter (`Desk::kept_letter`) on the standard letterhead.
pub fn pdf(letter: &LetterRow, account: &AccountRow) -> Result<Vec<u8>, DeskError> {
    write_pdf(letter, account, &Letterhead::standard()?)
}

pub fn write_pdf(letter: &LetterRow, account: &AccountRow, letterhead: &Letterhead) -> Result<Vec<u8>, DeskError> {
    let footer = format!("Account {} · letter #{}", account.account.number, letter.id);
    let mut w = Writer::new(letterhead, &letter.subject, &footer)?;
    w.row(&[Cell::left(LEFT, letter.sent_at.format("%B %-d, %Y").to_string())])?;
    w.gap(8.0);
    let mailing = &account.customer.mailing;
    let mut address = vec![account.customer.name.clone(), mailing.line1.clone()];
    address.extend(mailing.line2.clone());
    address.push(format!("{}, {} {}", mailing.city, mailing.state, mailing.zip));
    for line in address {
        w.row(&[Cell::left(LEFT, line)])?;
    }
    w.row(&[Cell::left(LEFT, format!("Account {}", account.account.number)).size(8.5)])?;
    w.gap(12.0);
    w.paragraph(&letter.body, 10.0)?;
    w.finish()
}
