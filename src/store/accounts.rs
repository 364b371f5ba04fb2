//! Customers, premises, accounts, services and sewer caps.

use super::sql::{Engine, Param, Row, args};
use chrono::{DateTime, NaiveDate, Utc};

use super::convert::Day;
use super::{Db, Result};
use crate::domain::Money;
use crate::domain::account::{Account, Address, Customer, Premise, Refuse, Services, phone_digits};
use crate::domain::ids::{AccountId, AccountNumber, CustomerId, PremiseId};
use crate::domain::sewer_cap::WinterBill;
use crate::records::{AccountRow, ConvertedRow, NewAccount, ServiceAccount};

const ACCOUNT_COLUMNS: &str = "SELECT a.id, a.number, a.customer_id, a.premise_id, a.status, a.opened_on, a.closed_on,
        a.deposit_cents, a.balance_cents,
        c.name, c.mail_line1, c.mail_line2, c.mail_city, c.mail_state, c.mail_zip, c.phone, c.email, c.tax_id_last4,
        p.line1, p.line2, p.city, p.state, p.zip,
        s.meter_number, s.meter_size, s.meter_dials, s.sewer, s.stormwater, s.refuse_cart, s.refuse_frequency, s.emsacare
    FROM accounts a
    JOIN customers c ON c.id = a.customer_id
    JOIN premises p ON p.id = a.premise_id
    JOIN services s ON s.account_id = a.id";

/// An address from five consecutive columns starting at `at`.
fn address_at(row: &Row, at: usize) -> Result<Address> {
    Ok(Address {
        line1: row.get(at)?,
        line2: row.get(at + 1)?,
        city: row.get(at + 2)?,
        state: row.get(at + 3)?,
        zip: row.get(at + 4)?,
    })
}

/// Services from the eight service columns starting at `at`, in the order
/// meter_number, meter_size, meter_dials, sewer, stormwater, refuse_cart,
/// refuse_frequency, emsacare.
fn services_at(row: &Row, at: usize) -> Result<Services> {
    let refuse = match (row.get(at + 5)?, row.get(at + 6)?) {
        (Some(cart), Some(frequency)) => Some(Refuse { cart, frequency }),
        _ => None,
    };
    Ok(Services {
        meter_number: row.get(at)?,
        meter_size: row.get(at + 1)?,
        meter_dials: row.get(at + 2)?,
        sewer: row.get(at + 3)?,
        stormwater: row.get(at + 4)?,
        refuse,
        emsacare: row.get(at + 7)?,
    })
}

fn row_to_account(row: &Row) -> Result<AccountRow> {
    Ok(AccountRow {
        account: Account {
            id: row.get(0)?,
            number: row.get(1)?,
            customer_id: row.get(2)?,
            premise_id: row.get(3)?,
            status: row.get(4)?,
            opened_on: row.get(5)?,
            closed_on: row.get(6)?,
            deposit: row.get(7)?,
        },
        balance: row.get(8)?,
        customer: Customer {
            id: row.get(2)?,
            name: row.get(9)?,
            mailing: address_at(row, 10)?,
            phone: row.get(15)?,
            email: row.get(16)?,
            tax_id_last4: row.get(17)?,
        },
        premise: Premise { id: row.get(3)?, address: address_at(row, 18)? },
        services: services_at(row, 23)?,
    })
}

impl Db<'_> {
    pub fn insert_customer(
        &self,
        name: &str,
        mailing: &Address,
        phone: Option<&str>,
        email: Option<&str>,
        tax_id_last4: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<CustomerId> {
        Ok(CustomerId(self.insert(
            "INSERT INTO customers (name, mail_line1, mail_line2, mail_city, mail_state, mail_zip,
                     phone, phone_digits, email, tax_id_last4, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
            args![
                name,
                mailing.line1,
                mailing.line2,
                mailing.city,
                mailing.state,
                mailing.zip,
                phone,
                phone.map(phone_digits),
                email,
                tax_id_last4,
                now
            ],
        )?))
    }

    pub fn insert_premise(&self, address: &Address, sewer_cap_gal: u64) -> Result<PremiseId> {
        Ok(PremiseId(self.insert("INSERT INTO premises (line1, line2, city, state, zip, sewer_cap_gal) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id", args![address.line1, address.line2, address.city, address.state, address.zip, sewer_cap_gal])?))
    }

    pub fn premise_sewer_cap(&self, premise: PremiseId) -> Result<u64> {
        self.one("SELECT sewer_cap_gal FROM premises WHERE id = ?1", args![premise], |r| r.get(0))
    }

    /// Inserts the account and its services, and indexes it for search.
    /// The account brought in under the old system's `legacy` number.
    pub fn account_by_legacy_number(&self, legacy: &str) -> Result<Option<ConvertedRow>> {
        self.optional(
            "SELECT a.id, a.number, c.name, s.meter_number
                 FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN services s ON s.account_id = a.id
                 WHERE a.legacy_number = ?1",
            args![legacy],
            |r| Ok(ConvertedRow { id: r.get(0)?, number: r.get(1)?, name: r.get(2)?, meter_number: r.get(3)? }),
        )
    }

    /// Whether an account with service (active or final) reads `meter`.
    /// The active account at a premise, if one is.
    pub fn active_account_at_premise(&self, premise: PremiseId) -> Result<Option<AccountNumber>> {
        self.optional(
            "SELECT number FROM accounts WHERE premise_id = ?1 AND status = 'active' LIMIT 1",
            args![premise],
            |r| r.get(0),
        )
    }

    /// The account's bill cycle.
    pub fn account_cycle(&self, account: AccountId) -> Result<u8> {
        self.one("SELECT cycle FROM accounts WHERE id = ?1", args![account], |r| r.get(0))
    }

    pub fn customer_exists(&self, customer: CustomerId) -> Result<bool> {
        Ok(self.optional("SELECT 1 FROM customers WHERE id = ?1", args![customer], |_| Ok(()))?.is_some())
    }

    /// The premise at an address already served (the same first line and
    /// ZIP code, whatever the letters' case or the spaces).
    pub fn premise_at(&self, line1: &str, zip: &str) -> Result<Option<PremiseId>> {
        self.optional(
            "SELECT id FROM premises WHERE lower(trim(line1)) = lower(trim(?1)) AND trim(zip) = trim(?2)
                 ORDER BY id LIMIT 1",
            args![line1, zip],
            |r| r.get(0),
        )
    }

    pub fn meter_in_service(&self, meter: &str) -> Result<Option<AccountNumber>> {
        self.optional(
            "SELECT a.number FROM services s JOIN accounts a ON a.id = s.account_id
                 WHERE s.meter_number = ?1 AND a.status = 'active' LIMIT 1",
            args![meter],
            |r| r.get(0),
        )
    }

    pub fn insert_account(&self, new: &NewAccount) -> Result<AccountId> {
        let id = AccountId(self.insert(
            "INSERT INTO accounts (number, customer_id, premise_id, status, opened_on, deposit_cents,
                     legacy_number, cycle)
                 VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6, ?7) RETURNING id",
            args![new.number, new.customer, new.premise, new.opened_on, new.deposit, new.legacy_number, new.cycle],
        )?);
        let s = &new.services;
        self.execute(
            "INSERT INTO services (account_id, meter_number, meter_size, meter_dials, sewer, stormwater,
                     refuse_cart, refuse_frequency, emsacare)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            args![
                id,
                s.meter_number,
                s.meter_size,
                s.meter_dials,
                s.sewer,
                s.stormwater,
                s.refuse.map(|r| r.cart),
                s.refuse.map(|r| r.frequency),
                s.emsacare
            ],
        )?;
        self.index_account(id)?;
        Ok(id)
    }

    /// Highest account sequence number in use (the eight digits before the check digit).
    pub fn max_account_sequence(&self) -> Result<u32> {
        let number: Option<String> = self.one("SELECT max(number) FROM accounts", args![], |r| r.get(0))?;
        Ok(number.and_then(|n| n.get(..8).and_then(|s| s.parse().ok())).unwrap_or(0))
    }

    pub fn account(&self, id: AccountId) -> Result<Option<AccountRow>> {
        let sql = format!("{ACCOUNT_COLUMNS} WHERE a.id = ?1");
        self.optional(&sql, args![id], row_to_account)
    }

    pub fn account_by_number(&self, number: &AccountNumber) -> Result<Option<AccountRow>> {
        let sql = format!("{ACCOUNT_COLUMNS} WHERE a.number = ?1");
        self.optional(&sql, args![number], row_to_account)
    }

    /// Several accounts by id, in the order given (missing ids skipped).
    pub fn accounts(&self, ids: &[AccountId]) -> Result<Vec<AccountRow>> {
        let sql = format!("{ACCOUNT_COLUMNS} WHERE a.id = ?1");
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = self.optional(&sql, args![id], row_to_account)? {
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// The account's number, status, premise and services.
    pub fn service_account(&self, id: AccountId) -> Result<Option<ServiceAccount>> {
        self.optional(
            "SELECT a.id, a.number, a.status, a.premise_id, s.meter_number, s.meter_size, s.meter_dials, s.sewer,
                        s.stormwater, s.refuse_cart, s.refuse_frequency, s.emsacare, a.closed_on, a.opened_on
                 FROM accounts a JOIN services s ON s.account_id = a.id WHERE a.id = ?1",
            args![id],
            |r| {
                Ok(ServiceAccount {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    status: r.get(2)?,
                    premise_id: r.get(3)?,
                    services: services_at(r, 4)?,
                    service_ended_on: r.get(12)?,
                    opened_on: r.get(13)?,
                })
            },
        )
    }

    /// The account's cached balance, if the account exists.
    pub fn balance(&self, id: AccountId) -> Result<Option<Money>> {
        self.optional("SELECT balance_cents FROM accounts WHERE id = ?1", args![id], |r| r.get(0))
    }

    /// Ids of accounts that are not closed, in id order.
    pub fn open_account_ids(&self) -> Result<Vec<AccountId>> {
        self.all("SELECT id FROM accounts WHERE status != 'closed' ORDER BY id", args![], |r| r.get(0))
    }

    /// Ids of accounts whose cached balance is above zero.
    pub fn accounts_owing(&self) -> Result<Vec<AccountId>> {
        self.all("SELECT id FROM accounts WHERE balance_cents > 0 ORDER BY id", args![], |r| r.get(0))
    }

    pub fn count_accounts(&self) -> Result<u64> {
        self.one("SELECT count(*) FROM accounts", args![], |r| r.get(0))
    }

    pub fn insert_sewer_cap(
        &self,
        account: AccountId,
        effective_from: NaiveDate,
        cap_gal: u64,
        source: &str,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO sewer_caps (account_id, effective_from, cap_gal, source) VALUES (?1, ?2, ?3, ?4)",
            args![account, effective_from, cap_gal, source],
        )?;
        Ok(())
    }

    /// The sewer cap in effect for `account` on `date`.
    pub fn sewer_cap_on(&self, account: AccountId, date: NaiveDate) -> Result<Option<u64>> {
        Ok(self.sewer_cap_row_on(account, date)?.map(|(_, cap, _)| cap))
    }

    /// The account's cap in effect on `date`: its effective date, the cap
    /// (its latest standing correction's, if any) and its source.
    pub fn sewer_cap_row_on(&self, account: AccountId, date: NaiveDate) -> Result<Option<(NaiveDate, u64, String)>> {
        self.optional(
            "SELECT s.effective_from,
                        COALESCE((SELECT c.cap_gal FROM sewer_cap_corrections c
                                  WHERE c.account_id = s.account_id AND c.effective_from = s.effective_from
                                    AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = c.posting_id)
                                  ORDER BY c.posting_id DESC LIMIT 1), s.cap_gal),
                        s.source
                 FROM sewer_caps s WHERE s.account_id = ?1 AND s.effective_from <= ?2
                 ORDER BY s.effective_from DESC LIMIT 1",
            args![account, Day(date)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// The account's winter-average caps, by effective date (as computed,
    /// or as last corrected).
    pub fn winter_caps(&self, account: AccountId) -> Result<Vec<(NaiveDate, u64)>> {
        self.all(
            "SELECT s.effective_from,
                    COALESCE((SELECT c.cap_gal FROM sewer_cap_corrections c
                              WHERE c.account_id = s.account_id AND c.effective_from = s.effective_from
                                AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = c.posting_id)
                              ORDER BY c.posting_id DESC LIMIT 1), s.cap_gal)
             FROM sewer_caps s WHERE s.account_id = ?1 AND s.source = 'winter-average' ORDER BY s.effective_from",
            args![account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Records a cap recomputed by the re-rate `posting`.
    pub fn insert_sewer_cap_correction(
        &self,
        account: AccountId,
        effective_from: NaiveDate,
        posting: crate::domain::ids::PostingId,
        cap_gal: u64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO sewer_cap_corrections (account_id, effective_from, posting_id, cap_gal)
                 VALUES (?1, ?2, ?3, ?4)",
            args![account, Day(effective_from), posting, cap_gal],
        )?;
        Ok(())
    }

    /// Water billed in December, January and February (the cap's inputs),
    /// as it stands: the standing bills, each at its consumption in force
    /// (its latest standing re-rate's, else as billed), and the winter use
    /// converted from the old system (no bill of its own here).
    pub fn winter_bills(&self, account: AccountId) -> Result<Vec<(Option<crate::domain::ids::BillId>, WinterBill)>> {
        self.all(
            "SELECT b.bill_date,
                    COALESCE((SELECT a.consumption_gal FROM bill_adjustments a
                              WHERE a.bill_id = b.id AND a.method = 'rerate'
                                AND NOT EXISTS (SELECT 1 FROM postings r WHERE r.reverses_id = a.posting_id)
                              ORDER BY a.posting_id DESC LIMIT 1), b.consumption_gal),
                    b.id
             FROM bills b
             WHERE b.account_id = ?1 AND substr(b.bill_date, 6, 2) IN ('12', '01', '02')
               AND NOT EXISTS (SELECT 1 FROM postings p JOIN postings r ON r.reverses_id = p.id
                               WHERE p.bill_id = b.id AND p.kind = 'bill')
             UNION ALL
             SELECT bill_date, consumption_gal, NULL FROM converted_winter_use WHERE account_id = ?1",
            args![account],
            |r| Ok((r.get(2)?, WinterBill { bill_date: r.get(0)?, consumption_gal: r.get(1)? })),
        )
    }

    /// Keeps winter use billed by the old system for the sewer-cap
    /// recomputation.
    pub fn insert_converted_winter_use(&self, account: AccountId, bill: &WinterBill) -> Result<()> {
        self.execute(
            "INSERT INTO converted_winter_use (account_id, bill_date, consumption_gal) VALUES (?1, ?2, ?3)",
            args![account, Day(bill.bill_date), bill.consumption_gal],
        )?;
        Ok(())
    }

    /// Final accounts whose cached balance is zero, in number order (the
    /// candidates for closing; the desk checks their cases).
    pub fn zero_balance_final_accounts(&self) -> Result<Vec<(AccountId, AccountNumber)>> {
        self.all(
            "SELECT id, number FROM accounts WHERE status = 'final' AND balance_cents = 0 ORDER BY number",
            args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Orders on the account not yet completed or cancelled.
    pub fn open_order_count(&self, account: AccountId) -> Result<u32> {
        self.one("SELECT count(*) FROM service_orders WHERE account_id = ?1 AND status <> 'completed' AND status <> 'cancelled'", args![account], |r| r.get(0))
    }

    /// Closes a final account. Returns whether it changed.
    pub fn close_account(&self, account: AccountId) -> Result<bool> {
        Ok(self.execute("UPDATE accounts SET status = 'closed' WHERE id = ?1 AND status = 'final'", args![account])?
            == 1)
    }

    /// Makes an active account final from `on`, the day its service ended.
    /// Returns whether it changed: a final or closed account is left as it is.
    pub fn make_final(&self, account: AccountId, on: NaiveDate) -> Result<bool> {
        let changed = self.execute(
            "UPDATE accounts SET status = 'final', closed_on = ?2 WHERE id = ?1 AND status = 'active'",
            args![account, Day(on)],
        )?;
        Ok(changed > 0)
    }

    /// Adds a change to the cached balance (same transaction as the entries).
    pub(super) fn add_to_balance(&self, account: AccountId, change: Money) -> Result<()> {
        self.execute("UPDATE accounts SET balance_cents = balance_cents + ?2 WHERE id = ?1", args![account, change])?;
        Ok(())
    }

    /// Rewrites the account's row in the search index from the tables.
    pub fn index_account(&self, id: AccountId) -> Result<()> {
        self.execute("DELETE FROM account_search WHERE rowid = ?1", args![id])?;
        if self.engine() == Engine::Postgres {
            self.execute("DELETE FROM account_words WHERE account_id = ?1", args![id])?;
        }
        let row = self.account(id)?;
        let Some(row) = row else { return Ok(()) };
        let digits = row.account.number.digits().to_string();
        let number = format!("{digits} {}", &digits[..8]);
        let address = &row.premise.address;
        let address_text =
            super::search::address_text(&address.line1, address.line2.as_deref(), &address.city, &address.zip);
        let phone = row.customer.phone.as_deref().map(phone_digits).unwrap_or_default();
        let phone_text = match phone.len() {
            10 => format!("{phone} {} {} {} {}", &phone[3..], &phone[..3], &phone[3..6], &phone[6..]),
            _ => phone,
        };
        let mut columns = [number, row.customer.name, address_text, phone_text, row.services.meter_number];
        if self.engine() == Engine::Postgres {
            // FTS5 tokenizes and folds what it is given; PostgreSQL's index
            // is of the words as the search compares them.
            for column in &mut columns {
                *column = super::search::folded_words(column);
            }
        }
        // The words a misspelt name or street can be corrected to.
        self.index_words(&columns[1])?;
        self.index_words(&address.line1)?;
        let [number, name, address, phone, meter] = &columns;
        self.execute(
            "INSERT INTO account_search (rowid, number, name, address, phone, meter) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            args![id, number, name, address, phone, meter],
        )?;
        if self.engine() == Engine::Postgres {
            // Its words, each once, for a search of one word (0031).
            let mut words: Vec<&str> = columns.iter().flat_map(|column| column.split_whitespace()).collect();
            words.sort_unstable();
            words.dedup();
            let mut params: Vec<&dyn Param> = Vec::with_capacity(2 * words.len());
            for word in &words {
                params.extend([word as &dyn Param, &id]);
            }
            self.insert_rows("INSERT INTO account_words (word, account_id)", 2, &params)?;
        }
        Ok(())
    }
}

impl Db<'_> {
    /// Adds a cap unless the account already has one from that date;
    /// returns whether it was added.
    pub fn insert_sewer_cap_once(
        &self,
        account: AccountId,
        effective_from: NaiveDate,
        cap_gal: u64,
        source: &str,
    ) -> Result<bool> {
        let added = self.execute(
            "INSERT INTO sewer_caps (account_id, effective_from, cap_gal, source) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO NOTHING",
            args![account, effective_from, cap_gal, source],
        )?;
        Ok(added > 0)
    }
}
