//! Letters sent, kept as sent.

use super::sql::{Row, args};

use super::{Db, Result};
use crate::domain::ids::AccountId;
use crate::records::{LetterRow, NewLetter};

const LETTER_QUERY: &str = "SELECT l.id, l.account_id, l.template, l.about_kind, l.about_id, l.subject, l.body,
        l.sha256, u.username, u.full_name, l.sent_at
    FROM letters l JOIN users u ON u.id = l.sent_by";

fn row_to_letter(r: &Row) -> Result<LetterRow> {
    let kind: Option<String> = r.get(3)?;
    let id: Option<i64> = r.get(4)?;
    Ok(LetterRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        template: r.get(2)?,
        about: kind.zip(id),
        subject: r.get(5)?,
        body: r.get(6)?,
        sha256: r.get(7)?,
        sent_by: r.get(8)?,
        sent_by_name: r.get(9)?,
        sent_at: r.get(10)?,
    })
}

impl Db<'_> {
    pub fn insert_letter(&self, letter: &NewLetter) -> Result<i64> {
        self.insert(
            "INSERT INTO letters (account_id, template, about_kind, about_id, subject, body, sha256, sent_by, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            args![
                letter.account,
                letter.template,
                letter.about.map(|(kind, _)| kind),
                letter.about.map(|(_, id)| id),
                letter.subject,
                letter.body,
                letter.sha256,
                letter.by,
                letter.at
            ],
        )
    }

    pub fn letter(&self, id: i64) -> Result<Option<LetterRow>> {
        let sql = format!("{LETTER_QUERY} WHERE l.id = ?1");
        self.optional(&sql, args![id], row_to_letter)
    }

    /// The account's letters, newest first.
    pub fn letters(&self, account: AccountId) -> Result<Vec<LetterRow>> {
        let sql = format!("{LETTER_QUERY} WHERE l.account_id = ?1 ORDER BY l.id DESC");
        self.all(&sql, args![account], row_to_letter)
    }
}
