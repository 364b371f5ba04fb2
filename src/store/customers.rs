//! Customer information kept current: the customer's own fields, each
//! change kept with its before and after, and the people the account
//! holder allows the desk to speak to.

use super::sql::args;
use chrono::{DateTime, NaiveDate, Utc};

use super::convert::{Day, Moment};
use super::{Db, Result};
use crate::domain::account::{Address, phone_digits};
use crate::domain::ids::{AccountId, CustomerId, UserId};
use crate::records::{NewParty, PartyRow};

impl Db<'_> {
    pub fn set_customer_name(&self, customer: CustomerId, name: &str) -> Result<()> {
        self.execute("UPDATE customers SET name = ?2 WHERE id = ?1", args![customer, name])?;
        Ok(())
    }

    pub fn set_customer_mailing(&self, customer: CustomerId, mailing: &Address) -> Result<()> {
        self.execute(
            "UPDATE customers SET mail_line1 = ?2, mail_line2 = ?3, mail_city = ?4, mail_state = ?5, mail_zip = ?6
                 WHERE id = ?1",
            args![customer, mailing.line1, mailing.line2, mailing.city, mailing.state, mailing.zip],
        )?;
        Ok(())
    }

    pub fn set_customer_phone(&self, customer: CustomerId, phone: Option<&str>) -> Result<()> {
        self.execute(
            "UPDATE customers SET phone = ?2, phone_digits = ?3 WHERE id = ?1",
            args![customer, phone, phone.map(phone_digits)],
        )?;
        Ok(())
    }

    pub fn set_customer_email(&self, customer: CustomerId, email: Option<&str>) -> Result<()> {
        self.execute("UPDATE customers SET email = ?2 WHERE id = ?1", args![customer, email])?;
        Ok(())
    }

    pub fn set_customer_paperless(&self, customer: CustomerId, paperless: bool) -> Result<()> {
        self.execute("UPDATE customers SET paperless = ?2 WHERE id = ?1", args![customer, paperless])?;
        Ok(())
    }

    pub fn customer_paperless(&self, customer: CustomerId) -> Result<bool> {
        self.one("SELECT paperless FROM customers WHERE id = ?1", args![customer], |r| r.get(0))
    }

    pub fn insert_customer_change(
        &self,
        customer: CustomerId,
        field: &str,
        before: Option<&str>,
        after: Option<&str>,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO customer_changes (customer_id, field, before, after, changed_by, changed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![customer, field, before, after, user, Moment(now)],
        )?;
        Ok(())
    }

    /// When `field` of the customer was last changed at or after `since`.
    pub fn changed_since(&self, customer: CustomerId, field: &str, since: DateTime<Utc>) -> Result<Option<String>> {
        Ok(self.optional("SELECT max(changed_at) FROM customer_changes WHERE customer_id = ?1 AND field = ?2 AND changed_at >= ?3", args![customer, field, Moment(since)], |r| r.get(0))?
            .flatten())
    }

    /// The accounts of a customer (their search rows hold the name and phone).
    pub fn customer_accounts(&self, customer: CustomerId) -> Result<Vec<AccountId>> {
        self.all("SELECT id FROM accounts WHERE customer_id = ?1 ORDER BY id", args![customer], |r| r.get(0))
    }

    pub fn insert_party(&self, party: &NewParty, user: UserId, now: DateTime<Utc>) -> Result<i64> {
        self.insert(
            "INSERT INTO authorized_parties (account_id, name, access, starts_on, ends_on, added_by, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            args![
                party.account,
                party.name,
                party.access,
                Day(party.starts_on),
                party.ends_on.map(Day),
                user,
                Moment(now)
            ],
        )
    }

    pub fn end_party(&self, party: i64, on: NaiveDate, user: UserId, now: DateTime<Utc>) -> Result<()> {
        self.execute(
            "INSERT INTO party_ends (party_id, ended_on, ended_by, ended_at) VALUES (?1, ?2, ?3, ?4)",
            args![party, Day(on), user, Moment(now)],
        )?;
        Ok(())
    }

    /// A party and the account it is on, with whether it was ended.
    pub fn party(&self, party: i64) -> Result<Option<(AccountId, PartyRow, bool)>> {
        self.optional(
            "SELECT p.account_id, p.id, p.name, p.access, p.starts_on, coalesce(e.ended_on, p.ends_on),
                        e.party_id IS NOT NULL
                 FROM authorized_parties p LEFT JOIN party_ends e ON e.party_id = p.id WHERE p.id = ?1",
            args![party],
            |r| {
                Ok((
                    r.get(0)?,
                    PartyRow {
                        id: r.get(1)?,
                        name: r.get(2)?,
                        access: r.get(3)?,
                        starts_on: r.get(4)?,
                        ends_on: r.get(5)?,
                    },
                    r.get(6)?,
                ))
            },
        )
    }

    /// The parties who may be spoken to on `day`.
    pub fn parties_on(&self, account: AccountId, day: NaiveDate) -> Result<Vec<PartyRow>> {
        self.all(
            "SELECT p.id, p.name, p.access, p.starts_on, coalesce(e.ended_on, p.ends_on)
             FROM authorized_parties p LEFT JOIN party_ends e ON e.party_id = p.id
             WHERE p.account_id = ?1 AND p.starts_on <= ?2 AND coalesce(e.ended_on, p.ends_on, '9999-12-31') >= ?2
             ORDER BY p.id",
            args![account, Day(day)],
            |r| {
                Ok(PartyRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    access: r.get(2)?,
                    starts_on: r.get(3)?,
                    ends_on: r.get(4)?,
                })
            },
        )
    }
}
