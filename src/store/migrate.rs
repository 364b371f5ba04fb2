//! A whole SQLite ledger copied into an empty PostgreSQL one, keeping every
//! id, key and the audit chain as they are: one transaction on the server,
//! in which the owner sets the schema's triggers aside while the rows go in
//! (they were checked as they were written, and `verify` checks the copy),
//! copies each table with `COPY ... FROM STDIN`, moves each identity
//! sequence past the ids copied, builds the search index, and puts the
//! triggers back. Refused into a database that holds a ledger with data.

use std::io::Write;

use rusqlite::types::ValueRef;

use super::{Db, Engine, Result, Store, StoreError};

/// Tables not copied: SQLite's own, the search index and its vocabulary
/// (made again on the server from the accounts) and the schema's version
/// (the server's migrations have their own).
fn copied(table: &str) -> bool {
    !table.starts_with("sqlite_")
        && !table.starts_with("account_search")
        && !table.starts_with("search_word")
        && table != "schema_migrations"
}

/// Every account's (id, cached balance), in id order.
pub type Balances = Vec<(i64, i64)>;
/// The audit head row: last record, its hash, how many records.
pub type Head = (i64, String, i64);

/// What a copy moved: rows per table, in the order copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moved {
    pub tables: Vec<(String, u64)>,
}

impl Store {
    /// Copies this SQLite ledger into `to`, a PostgreSQL ledger with no
    /// data (made by [`Store::create`]), in one transaction there.
    pub fn copy_into(&mut self, to: &mut Store) -> Result<Moved> {
        let Engine::Sqlite(from) = &self.engine else {
            return Err(StoreError::Constraint("the ledger copied from is a file (an SQLite ledger)".into()));
        };
        let Engine::Postgres(target) = &mut to.engine else {
            return Err(StoreError::Constraint("the ledger copied to is a PostgreSQL database".into()));
        };
        let conn = from.connection();
        let tables: Vec<String> = {
            let mut statement = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid")?;
            let names = statement.query_map([], |r| r.get::<_, String>(0))?;
            names.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().filter(|t| copied(t)).collect()
        };
        let tables = in_reference_order(conn, tables)?;
        // One snapshot of the file for the whole copy.
        conn.execute_batch("BEGIN")?;
        let result = target.with_owner_transaction(|tx| {
            refuse_if_used(tx)?;
            let mut moved = Moved::default();
            for table in &tables {
                tx.batch_execute(&format!("ALTER TABLE {table} DISABLE TRIGGER USER; DELETE FROM {table}"))?;
            }
            for table in &tables {
                let columns: Vec<String> = {
                    let mut statement = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
                    let names = statement.query_map([], |r| r.get::<_, String>(0))?;
                    names.collect::<rusqlite::Result<_>>()?
                };
                let list = columns.join(", ");
                let mut writer = tx.copy_in(&format!("COPY {table} ({list}) FROM STDIN"))?;
                let mut statement = conn.prepare(&format!("SELECT {list} FROM {table}"))?;
                let mut rows = statement.query([])?;
                let (mut line, mut count) = (Vec::with_capacity(256), 0u64);
                while let Some(row) = rows.next()? {
                    line.clear();
                    for at in 0..columns.len() {
                        if at > 0 {
                            line.push(b'\t');
                        }
                        copy_text(&mut line, row.get_ref(at)?);
                    }
                    line.push(b'\n');
                    writer.write_all(&line).map_err(|e| StoreError::Lost(e.to_string()))?;
                    count += 1;
                }
                writer.finish()?;
                moved.tables.push((table.clone(), count));
            }
            // Identity sequences past the ids copied in.
            let identities = tx.query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE is_identity = 'YES' AND table_schema = current_schema()",
                &[],
            )?;
            for identity in identities {
                let (table, column): (String, String) = (identity.get(0), identity.get(1));
                tx.batch_execute(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column}))
                     FROM {table} HAVING max({column}) IS NOT NULL"
                ))?;
            }
            for table in &tables {
                tx.batch_execute(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))?;
            }
            Ok(moved)
        });
        conn.execute_batch("COMMIT")?;
        let moved = result?;
        // The search index, from the accounts copied.
        to.write(|db: &Db| {
            let ids: Vec<crate::domain::ids::AccountId> =
                db.all("SELECT id FROM accounts ORDER BY id", super::sql::args![], |r| r.get(0))?;
            for id in ids {
                db.index_account(id)?;
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(moved)
    }

    /// The account balances and the audit head as stored, to compare two
    /// ledgers: (account id, cached balance) in id order, and the head row.
    pub fn balances_and_head(&mut self) -> Result<(Balances, Head)> {
        self.read(|db: &Db| {
            let balances = db.all("SELECT id, balance_cents FROM accounts ORDER BY id", super::sql::args![], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            let head =
                db.one("SELECT last_id, last_hash, records FROM audit_head WHERE id = 1", super::sql::args![], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
            Ok::<_, StoreError>((balances, head))
        })
    }
}

/// Refuses a target that holds any of a ledger's data.
fn refuse_if_used(tx: &mut postgres::Transaction) -> Result<()> {
    for table in ["users", "accounts", "postings", "audit_log"] {
        let rows: i64 = tx.query_one(&format!("SELECT count(*) FROM {table}"), &[])?.get(0);
        if rows > 0 {
            return Err(StoreError::Constraint(format!(
                "the database copied to already holds a ledger ({rows} rows in {table}): a copy goes only into an \
                 empty one, so that nothing of either is lost or mixed"
            )));
        }
    }
    Ok(())
}

/// `value` as PostgreSQL's COPY text format writes it.
fn copy_text(out: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(n) => out.extend_from_slice(n.to_string().as_bytes()),
        ValueRef::Real(x) => out.extend_from_slice(format!("{x:?}").as_bytes()),
        ValueRef::Text(text) => {
            for &byte in text {
                match byte {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    other => out.push(other),
                }
            }
        }
        ValueRef::Blob(bytes) => {
            out.extend_from_slice(b"\\\\x");
            for byte in bytes {
                out.extend_from_slice(format!("{byte:02x}").as_bytes());
            }
        }
    }
}

/// `tables` in an order that puts each after every other table its
/// foreign keys name, so that each COPY finds the rows it refers to (the
/// server checks the keys, which DISABLE TRIGGER USER leaves on): a column
/// added by a later migration may refer to a table made after its own
/// (contacts.order_id). Otherwise in the order given; a table's references
/// to itself are checked when its COPY ends.
fn in_reference_order(conn: &rusqlite::Connection, tables: Vec<String>) -> Result<Vec<String>> {
    let mut refers: Vec<(String, Vec<String>)> = Vec::with_capacity(tables.len());
    for table in &tables {
        let mut statement = conn.prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)")?;
        let names = statement.query_map([table], |r| r.get::<_, String>(0))?;
        let named: Vec<String> = names
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|t| t != table && tables.contains(t))
            .collect();
        refers.push((table.clone(), named));
    }
    let mut ordered: Vec<String> = Vec::with_capacity(tables.len());
    while !refers.is_empty() {
        let Some(at) = refers.iter().position(|(_, named)| named.iter().all(|t| ordered.contains(t))) else {
            let left: Vec<&str> = refers.iter().map(|(t, _)| t.as_str()).collect();
            return Err(StoreError::Constraint(format!(
                "the tables {} refer to each other in a circle: there is no order to copy them in",
                left.join(", ")
            )));
        };
        ordered.push(refers.remove(at).0);
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_copy_text() {
        let mut out = Vec::new();
        for value in [
            ValueRef::Null,
            ValueRef::Integer(-42),
            ValueRef::Text(b"a\tb\\c\nd"),
            ValueRef::Blob(&[0, 255]),
            ValueRef::Real(1.5),
        ] {
            copy_text(&mut out, value);
            out.push(b'|');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "\\N|-42|a\\tb\\\\c\\nd|\\\\x00ff|1.5|");
    }

    #[test]
    fn the_search_index_and_schema_version_are_not_copied() {
        assert!(copied("postings") && copied("audit_log") && copied("meta"));
        assert!(!copied("account_search") && !copied("account_search_data") && !copied("sqlite_sequence"));
        assert!(!copied("schema_migrations") && !copied("search_words") && !copied("search_word_variants"));
    }

    #[test]
    fn tables_are_copied_after_the_tables_they_refer_to() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE contacts (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES contacts (id));
             CREATE TABLE accounts (id INTEGER PRIMARY KEY);
             CREATE TABLE orders (id INTEGER PRIMARY KEY, account INTEGER REFERENCES accounts (id));
             ALTER TABLE contacts ADD COLUMN order_id INTEGER REFERENCES orders (id);",
        )
        .unwrap();
        let names = |list: &[&str]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        let ordered = in_reference_order(&conn, names(&["contacts", "accounts", "orders"])).unwrap();
        assert_eq!(ordered, names(&["accounts", "orders", "contacts"]));

        conn.execute_batch("ALTER TABLE accounts ADD COLUMN first_contact INTEGER REFERENCES contacts (id);").unwrap();
        let circle = in_reference_order(&conn, names(&["contacts", "accounts", "orders"])).unwrap_err();
        assert!(circle.to_string().contains("refer to each other in a circle"), "{circle}");
    }
}
