//! One way to run the store's SQL whatever the engine: parameters are
//! [`Param`]s, columns are read into [`Column`]s from a [`Row`], and the
//! queries are `Db` methods ([`Db::execute`], [`Db::one`],
//! [`Db::optional`], [`Db::all`], [`Db::each`], [`Db::insert`]). Every
//! value crosses as one of five kinds (null, integer, real, text, bytes),
//! stored the same way on each engine: dates as `YYYY-MM-DD`, moments as
//! rusqlite writes a `DateTime<Utc>`, money as integer cents, codes as
//! their text. The query methods of the store's submodules say only what
//! to ask; this module says how each engine is asked.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef as SqliteRef};

use super::convert::{Day, Moment};
use std::cell::RefCell;
use std::collections::HashMap;

use super::{Db, Result, StoreError};

/// A value as a query binds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Bytes(&'a [u8]),
}

/// A value as a row holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ValueRef<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> ValueRef<'a> {
    fn kind(&self) -> &'static str {
        match self {
            ValueRef::Null => "null",
            ValueRef::Int(_) => "an integer",
            ValueRef::Real(_) => "a real number",
            ValueRef::Text(_) => "text",
            ValueRef::Bytes(_) => "bytes",
        }
    }

    pub(crate) fn int(self) -> Result<i64, String> {
        match self {
            ValueRef::Int(n) => Ok(n),
            other => Err(format!("expected an integer, found {}", other.kind())),
        }
    }

    pub(crate) fn text(self) -> Result<&'a str, String> {
        match self {
            ValueRef::Text(text) => Ok(text),
            other => Err(format!("expected text, found {}", other.kind())),
        }
    }
}

/// What a query can bind.
pub(crate) trait Param {
    fn value(&self) -> Value<'_>;
}

/// What a column can be read as.
pub(crate) trait Column: Sized {
    fn column(value: ValueRef<'_>) -> Result<Self, String>;
}

/// The most rows a multi-row `INSERT` of the store's takes (far under
/// SQLite's 32,766 parameters and PostgreSQL's 65,535 at any width).
const ROWS_PER_INSERT: usize = 1_000;

/// `rows` groups of `columns` numbered parameters, for a `VALUES` list of
/// many rows in one statement: `(?1, ?2), (?3, ?4)` for two rows of two.
/// A list of one row, `(?1, ?2, ?3)`, is an `IN` list.
pub(crate) fn numbered(rows: usize, columns: usize) -> String {
    let row = |at: usize| {
        let params: Vec<String> = (1..=columns).map(|column| format!("?{}", at * columns + column)).collect();
        format!("({})", params.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// The parameters of one query, in order: `args![a, b, c]`.
macro_rules! args {
    () => { &[] as &[&dyn $crate::store::sql::Param] };
    ($($param:expr),+ $(,)?) => { &[$(&$param as &dyn $crate::store::sql::Param),+] as &[&dyn $crate::store::sql::Param] };
}
pub(crate) use args;

/// The connection a transaction's statements run on.
pub(crate) enum Conn<'a> {
    Sqlite(&'a rusqlite::Connection),
    /// Behind a trait object, so that `Db` stays covariant in its lifetime.
    Postgres(Box<dyn PgAccess + 'a>),
}

/// The PostgreSQL transaction of a `Db`, lent out one call at a time.
pub(crate) trait PgAccess {
    fn with_pg(&self, f: &mut dyn FnMut(&mut Pg<'_>) -> Result<()>) -> Result<()>;
    /// Commits (or rolls back) the transaction.
    fn finish(self: Box<Self>, commit: bool) -> Result<()>;
}

impl PgAccess for RefCell<Pg<'_>> {
    fn with_pg(&self, f: &mut dyn FnMut(&mut Pg<'_>) -> Result<()>) -> Result<()> {
        let mut pg = self.try_borrow_mut().map_err(|_| StoreError::RolledBack("the transaction is busy".into()))?;
        f(&mut pg)
    }

    fn finish(self: Box<Self>, commit: bool) -> Result<()> {
        let Some(tx) = self.into_inner().tx else { return Ok(()) };
        if commit {
            tx.commit()?
        } else {
            tx.rollback()?
        }
        Ok(())
    }
}

/// `f` run on the transaction behind `access`.
fn on_pg<T>(access: &dyn PgAccess, f: impl FnOnce(&mut Pg<'_>) -> Result<T>) -> Result<T> {
    let (mut f, mut out) = (Some(f), None);
    access.with_pg(&mut |pg| {
        if let Some(f) = f.take() {
            out = Some(f(pg)?);
        }
        Ok(())
    })?;
    out.ok_or_else(|| StoreError::RolledBack("the transaction was not reached".into()))
}

/// A PostgreSQL transaction and the statements prepared on its connection.
pub(crate) struct Pg<'a> {
    /// `None` once finished.
    pub(crate) tx: Option<postgres::Transaction<'a>>,
    pub(crate) statements: &'a mut HashMap<String, postgres::Statement>,
}

impl<'a> Pg<'a> {
    fn tx(&mut self) -> Result<&mut postgres::Transaction<'a>> {
        self.tx.as_mut().ok_or_else(|| StoreError::RolledBack("the transaction has ended".into()))
    }

    /// The statement for `sql`, prepared once per connection (its `?N`
    /// placeholders written as PostgreSQL's `$N`).
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx()?.prepare(&placeholders(sql)).map_err(|e| match StoreError::from(e) {
            // A statement the server cannot take is this program's fault:
            // say which, for the report.
            StoreError::Server(why) => {
                let words: Vec<&str> = sql.split_whitespace().collect();
                StoreError::Server(format!("{why} in \"{}\"", words.join(" ")))
            }
            other => other,
        })?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}

/// `sql` with SQLite's numbered placeholders `?N` as PostgreSQL's `$N`,
/// leaving quoted text alone.
pub(crate) fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            c => out.push(c),
        }
    }
    out
}

/// A row of a query's answer.
pub(crate) struct Row<'r> {
    inner: Inner<'r>,
}

enum Inner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl Row<'_> {
    fn value(&self, index: usize) -> Result<ValueRef<'_>> {
        match &self.inner {
            Inner::Sqlite(row) => from_sqlite(row.get_ref(index)?),
            Inner::Postgres(row) => from_postgres(row, index),
        }
    }

    /// Column `index` as text where the row holds it, without copying it.
    pub(crate) fn text(&self, index: usize) -> Result<Option<&str>> {
        match self.value(index)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(text) => Ok(Some(text)),
            other => Err(StoreError::Corrupt(format!("column {index}: expected text, found {}", other.kind()))),
        }
    }

    /// Column `index` (from 0) as a `T`.
    pub(crate) fn get<T: Column>(&self, index: usize) -> Result<T> {
        T::column(self.value(index)?).map_err(|why| StoreError::Corrupt(format!("column {index}: {why}")))
    }
}

fn from_sqlite(value: SqliteRef<'_>) -> Result<ValueRef<'_>> {
    Ok(match value {
        SqliteRef::Null => ValueRef::Null,
        SqliteRef::Integer(n) => ValueRef::Int(n),
        SqliteRef::Real(x) => ValueRef::Real(x),
        SqliteRef::Text(bytes) => ValueRef::Text(
            std::str::from_utf8(bytes).map_err(|e| StoreError::Corrupt(format!("text that is not UTF-8: {e}")))?,
        ),
        SqliteRef::Blob(bytes) => ValueRef::Bytes(bytes),
    })
}

/// Column `index` of a PostgreSQL row as one of the five kinds: integers
/// of every width, booleans as 0 or 1, `numeric` (what `sum` of a
/// `bigint` gives) as an integer when it is whole.
fn from_postgres(row: &postgres::Row, index: usize) -> Result<ValueRef<'_>> {
    use postgres::types::Type;
    let column = row.columns().get(index).ok_or_else(|| StoreError::Corrupt(format!("no column {index}")))?;
    let ty = column.type_().clone();
    let value = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(ValueRef::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(index)?.map(|n| ValueRef::Int(n.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(index)?.map(|n| ValueRef::Int(n.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(index)?.map(|b| ValueRef::Int(b.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(index)?.map(ValueRef::Real),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(index)?.map(|x| ValueRef::Real(x.into())),
        Type::NUMERIC => match row.try_get::<_, Option<rust_decimal::Decimal>>(index)? {
            None => None,
            Some(d) if d.fract().is_zero() => Some(ValueRef::Int(
                i64::try_from(d).map_err(|e| StoreError::Corrupt(format!("column {index}: {d}: {e}")))?,
            )),
            Some(d) => Some(ValueRef::Real(f64::try_from(d).unwrap_or(f64::NAN))),
        },
        Type::BYTEA => row.try_get::<_, Option<&[u8]>>(index)?.map(ValueRef::Bytes),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            row.try_get::<_, Option<&str>>(index)?.map(ValueRef::Text)
        }
        ref ty if ty.name() == "citext" => row.try_get::<_, Option<&str>>(index)?.map(ValueRef::Text),
        other => {
            return Err(StoreError::Corrupt(format!("column {index} ({}) is of type {other}", column.name())));
        }
    };
    Ok(value.unwrap_or(ValueRef::Null))
}

/// A parameter as SQLite binds it.
struct Bind<'a>(Value<'a>);

impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match &self.0 {
            Value::Null => ToSqlOutput::Borrowed(SqliteRef::Null),
            Value::Int(n) => ToSqlOutput::Borrowed(SqliteRef::Integer(*n)),
            Value::Real(x) => ToSqlOutput::Borrowed(SqliteRef::Real(*x)),
            Value::Text(text) => ToSqlOutput::Borrowed(SqliteRef::Text(text.as_bytes())),
            Value::Bytes(bytes) => ToSqlOutput::Borrowed(SqliteRef::Blob(bytes)),
        })
    }
}

/// A parameter as PostgreSQL binds it: as the type the server inferred for
/// its place (an integer into `int4`, `bigint`, `numeric` or `text`).
#[derive(Debug)]
struct PgBind<'a>(Value<'a>);

impl postgres::types::ToSql for PgBind<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        let cannot = |what: &str| format!("{what} cannot be bound where the query has a {ty}").into();
        match (&self.0, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(n), &Type::INT8) => n.to_sql(ty, out),
            (Value::Int(n), &Type::INT4) => i32::try_from(*n)?.to_sql(ty, out),
            (Value::Int(n), &Type::INT2) => i16::try_from(*n)?.to_sql(ty, out),
            (Value::Int(n), &Type::BOOL) => (*n != 0).to_sql(ty, out),
            (Value::Int(n), &Type::FLOAT8) => (*n as f64).to_sql(ty, out),
            (Value::Int(n), &Type::NUMERIC) => rust_decimal::Decimal::from(*n).to_sql(ty, out),
            (Value::Int(n), &Type::TEXT | &Type::VARCHAR | &Type::UNKNOWN) => n.to_string().as_str().to_sql(ty, out),
            (Value::Real(x), &Type::FLOAT8) => x.to_sql(ty, out),
            (Value::Real(x), &Type::FLOAT4) => (*x as f32).to_sql(ty, out),
            (Value::Real(x), &Type::NUMERIC) => rust_decimal::Decimal::try_from(*x)?.to_sql(ty, out),
            (Value::Text(text), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME | &Type::UNKNOWN) => {
                text.as_ref().to_sql(ty, out)
            }
            (Value::Text(text), ty) if ty.name() == "citext" => text.as_ref().to_sql(ty, out),
            (Value::Bytes(bytes), &Type::BYTEA) => bytes.to_sql(ty, out),
            (Value::Int(_), _) => Err(cannot("an integer")),
            (Value::Real(_), _) => Err(cannot("a real number")),
            (Value::Text(_), _) => Err(cannot("text")),
            (Value::Bytes(_), _) => Err(cannot("bytes")),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// Runs `f` with `params` as PostgreSQL binds them.
fn with_pg_params<T>(params: &[&dyn Param], f: impl FnOnce(&[&(dyn postgres::types::ToSql + Sync)]) -> T) -> T {
    let binds: Vec<PgBind> = params.iter().map(|p| PgBind(p.value())).collect();
    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
        binds.iter().map(|b| b as &(dyn postgres::types::ToSql + Sync)).collect();
    f(&refs)
}

/// A cached statement with `params` bound.
fn bound<'c>(
    conn: &'c rusqlite::Connection,
    sql: &str,
    params: &[&dyn Param],
) -> Result<rusqlite::CachedStatement<'c>> {
    let mut statement = conn.prepare_cached(sql)?;
    for (at, param) in params.iter().enumerate() {
        statement.raw_bind_parameter(at + 1, Bind(param.value()))?;
    }
    Ok(statement)
}

/// How many rows a PostgreSQL cursor fetches at a time.
const FETCH_ROWS: i32 = 2_000;

/// A statement prepared once and run many times, or run while another's
/// rows are still being read (two cursors walked side by side: the export,
/// `verify`).
pub(crate) struct Statement<'c> {
    inner: StatementInner<'c>,
}

enum StatementInner<'c> {
    Sqlite(rusqlite::Statement<'c>),
    Postgres { pg: &'c dyn PgAccess, sql: String },
}

impl Statement<'_> {
    /// Runs the statement with `params`: its rows, read one at a time.
    pub(crate) fn query(&mut self, params: &[&dyn Param]) -> Result<Rows<'_>> {
        match &mut self.inner {
            StatementInner::Sqlite(statement) => {
                for (at, param) in params.iter().enumerate() {
                    statement.raw_bind_parameter(at + 1, Bind(param.value()))?;
                }
                Ok(Rows { inner: RowsInner::Sqlite(statement.raw_query()) })
            }
            StatementInner::Postgres { pg, sql } => {
                let portal = on_pg(*pg, |pg| {
                    let statement = pg.statement(sql)?;
                    let tx = pg.tx()?;
                    Ok(with_pg_params(params, |p| tx.bind(&statement, p))?)
                })?;
                Ok(Rows {
                    inner: RowsInner::Postgres {
                        pg: *pg,
                        portal,
                        buffer: std::collections::VecDeque::new(),
                        current: None,
                        done: false,
                    },
                })
            }
        }
    }

    /// Runs the statement with `params`, which returns no rows; how many
    /// rows it changed.
    pub(crate) fn execute(&mut self, params: &[&dyn Param]) -> Result<usize> {
        match &mut self.inner {
            StatementInner::Sqlite(statement) => {
                for (at, param) in params.iter().enumerate() {
                    statement.raw_bind_parameter(at + 1, Bind(param.value()))?;
                }
                Ok(statement.raw_execute()?)
            }
            StatementInner::Postgres { pg, sql } => on_pg(*pg, |pg| {
                let statement = pg.statement(sql)?;
                let changed = with_pg_params(params, |p| pg.tx()?.execute(&statement, p).map_err(StoreError::from))?;
                Ok(usize::try_from(changed).unwrap_or(usize::MAX))
            }),
        }
    }
}

/// The rows of a running statement.
pub(crate) struct Rows<'s> {
    inner: RowsInner<'s>,
}

enum RowsInner<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Postgres {
        pg: &'s dyn PgAccess,
        portal: postgres::Portal,
        buffer: std::collections::VecDeque<postgres::Row>,
        current: Option<postgres::Row>,
        done: bool,
    },
}

impl Rows<'_> {
    /// The next row, or `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub(crate) fn next(&mut self) -> Result<Option<Row<'_>>> {
        match &mut self.inner {
            RowsInner::Sqlite(rows) => Ok(rows.next()?.map(|row| Row { inner: Inner::Sqlite(row) })),
            RowsInner::Postgres { pg, portal, buffer, current, done } => {
                if buffer.is_empty() && !*done {
                    let rows = on_pg(*pg, |pg| Ok(pg.tx()?.query_portal(portal, FETCH_ROWS)?))?;
                    *done = rows.len() < FETCH_ROWS as usize;
                    buffer.extend(rows);
                }
                *current = buffer.pop_front();
                Ok(current.as_ref().map(|row| Row { inner: Inner::Postgres(row) }))
            }
        }
    }
}

impl Param for Value<'_> {
    fn value(&self) -> Value<'_> {
        match self {
            Value::Text(text) => Value::Text(Cow::Borrowed(text)),
            other => other.clone(),
        }
    }
}

/// Which engine a transaction runs on, for the few queries that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
}

impl Db<'_> {
    /// The engine this transaction runs on.
    pub(crate) fn engine(&self) -> Engine {
        match self.conn {
            Conn::Sqlite(_) => Engine::Sqlite,
            Conn::Postgres(_) => Engine::Postgres,
        }
    }

    /// A statement to run with [`Statement::query`].
    pub(crate) fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            inner: match &self.conn {
                Conn::Sqlite(conn) => StatementInner::Sqlite(conn.prepare(sql)?),
                Conn::Postgres(pg) => StatementInner::Postgres { pg: pg.as_ref(), sql: sql.to_string() },
            },
        })
    }

    /// Runs a statement that returns no rows; how many rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<usize> {
        let changed = match &self.conn {
            Conn::Sqlite(conn) => bound(conn, sql, params)?.raw_execute()?,
            Conn::Postgres(pg) => on_pg(pg.as_ref(), |pg| {
                let statement = pg.statement(sql)?;
                let changed = with_pg_params(params, |p| pg.tx()?.execute(&statement, p).map_err(StoreError::from))?;
                Ok(usize::try_from(changed).unwrap_or(usize::MAX))
            })?,
        };
        self.writes.set(self.writes.get() + changed as u64);
        Ok(changed)
    }

    /// Inserts rows of `width` values each, `params` one row after
    /// another, by `head` (`INSERT INTO t (a, b)`), in as few statements as
    /// the engines' limits on parameters allow (a round trip to a server
    /// costs more than the insert): one for up to [`ROWS_PER_INSERT`] rows.
    /// How many rows went in.
    pub(crate) fn insert_rows(&self, head: &str, width: usize, params: &[&dyn Param]) -> Result<usize> {
        let mut inserted = 0;
        for chunk in params.chunks(width * ROWS_PER_INSERT) {
            inserted += self.execute(&format!("{head} VALUES {}", numbered(chunk.len() / width, width)), chunk)?;
        }
        Ok(inserted)
    }

    /// Runs an `INSERT ... RETURNING id`: the new row's id.
    pub(crate) fn insert(&self, sql: &str, params: &[&dyn Param]) -> Result<i64> {
        let id = self.one(sql, params, |r| r.get(0))?;
        self.writes.set(self.writes.get() + 1);
        Ok(id)
    }

    /// The first row's `read`, or `None` if there is none.
    pub(crate) fn optional<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        read: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        match &self.conn {
            Conn::Sqlite(conn) => {
                let mut statement = bound(conn, sql, params)?;
                let mut rows = statement.raw_query();
                match rows.next()? {
                    Some(row) => Ok(Some(read(&Row { inner: Inner::Sqlite(row) })?)),
                    None => Ok(None),
                }
            }
            Conn::Postgres(pg) => {
                let row = on_pg(pg.as_ref(), |pg| {
                    let statement = pg.statement(sql)?;
                    let rows = with_pg_params(params, |p| pg.tx()?.query(&statement, p).map_err(StoreError::from))?;
                    Ok(rows.into_iter().next())
                })?;
                row.map(|row| read(&Row { inner: Inner::Postgres(&row) })).transpose()
            }
        }
    }

    /// The first row's `read`; a query that returns no row is an error.
    pub(crate) fn one<T>(&self, sql: &str, params: &[&dyn Param], read: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        self.optional(sql, params, read)?
            .ok_or_else(|| StoreError::Corrupt(format!("a query that always answers returned no row: {sql}")))
    }

    /// Every row's `read`, in order.
    pub(crate) fn all<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut read: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |row| {
            out.push(read(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// `visit` on every row, in order, without keeping them (PostgreSQL
    /// fetches them a few thousand at a time).
    pub(crate) fn each(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut visit: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(conn) => {
                let mut statement = bound(conn, sql, params)?;
                let mut rows = statement.raw_query();
                while let Some(row) = rows.next()? {
                    visit(&Row { inner: Inner::Sqlite(row) })?;
                }
                Ok(())
            }
            Conn::Postgres(_) => {
                let mut statement = self.prepare(sql)?;
                let mut rows = statement.query(params)?;
                while let Some(row) = rows.next()? {
                    visit(&row)?;
                }
                Ok(())
            }
        }
    }
}

// ---- The values -------------------------------------------------------

impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}

impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}

impl<T: Column> Column for Option<T> {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Null => Ok(None),
            value => T::column(value).map(Some),
        }
    }
}

impl Param for i64 {
    fn value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}

impl Column for i64 {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        value.int()
    }
}

macro_rules! small_integer {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> Value<'_> {
                Value::Int(i64::from(*self))
            }
        }
        impl Column for $t {
            fn column(value: ValueRef<'_>) -> Result<Self, String> {
                let n = value.int()?;
                <$t>::try_from(n).map_err(|_| format!("{n} is out of range for {}", stringify!($t)))
            }
        }
    )*};
}
small_integer!(i32, u8, u16, u32);

impl Param for u64 {
    fn value(&self) -> Value<'_> {
        // As rusqlite's `fallible_uint`: past i64 is a fault, not a value.
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Column for u64 {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        let n = value.int()?;
        u64::try_from(n).map_err(|_| format!("{n} is out of range for u64"))
    }
}

impl Param for usize {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Column for usize {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        let n = value.int()?;
        usize::try_from(n).map_err(|_| format!("{n} is out of range for usize"))
    }
}

impl Param for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl Column for bool {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        Ok(value.int()? != 0)
    }
}

impl Param for f64 {
    fn value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

impl Column for f64 {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Real(x) => Ok(x),
            ValueRef::Int(n) => Ok(n as f64),
            other => Err(format!("expected a number, found {}", other.kind())),
        }
    }
}

impl Param for str {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl Param for String {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl Column for String {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        value.text().map(str::to_string)
    }
}

impl Param for [u8] {
    fn value(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl Param for Vec<u8> {
    fn value(&self) -> Value<'_> {
        Value::Bytes(self)
    }
}

impl Column for Vec<u8> {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Bytes(bytes) => Ok(bytes.to_vec()),
            other => Err(format!("expected bytes, found {}", other.kind())),
        }
    }
}

impl Param for NaiveDate {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Owned(Day(*self).text()))
    }
}

impl Column for NaiveDate {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        let text = value.text()?;
        NaiveDate::parse_from_str(text, "%F").map_err(|e| format!("\"{text}\" is not a date: {e}"))
    }
}

impl Param for DateTime<Utc> {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Owned(Moment(*self).text()))
    }
}

/// As rusqlite reads a `DateTime<Utc>`: with its offset, space or `T`
/// between date and time, else a time without offset taken as UTC.
impl Column for DateTime<Utc> {
    fn column(value: ValueRef<'_>) -> Result<Self, String> {
        let text = value.text()?;
        let t = text.len() > 10 && text.as_bytes()[10] == b'T';
        let (with_zone, without) = if t { ("%FT%T%.f%#z", "%FT%T%.f") } else { ("%F %T%.f%#z", "%F %T%.f") };
        if let Ok(moment) = DateTime::parse_from_str(text, with_zone) {
            return Ok(moment.with_timezone(&Utc));
        }
        NaiveDateTime::parse_from_str(text, without)
            .map(|naive| Utc.from_utc_datetime(&naive))
            .map_err(|e| format!("\"{text}\" is not a moment: {e}"))
    }
}

impl Param for serde_json::Value {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Owned(self.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_makes_values_lists_and_in_lists() {
        assert_eq!(numbered(2, 2), "(?1, ?2), (?3, ?4)");
        assert_eq!(numbered(1, 3), "(?1, ?2, ?3)");
        assert_eq!(numbered(3, 1), "(?1), (?2), (?3)");
        assert_eq!(numbered(0, 6), "");
        // The widest insert stays under SQLite's limit on parameters.
        let widest = numbered(ROWS_PER_INSERT, 8);
        assert!(widest.ends_with(&format!("?{})", ROWS_PER_INSERT * 8)) && ROWS_PER_INSERT * 8 < 32_766);
    }
}
