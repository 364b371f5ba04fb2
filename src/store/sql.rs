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

/// The parameters of one query, in order: `args![a, b, c]`.
macro_rules! args {
    () => { &[] as &[&dyn $crate::store::sql::Param] };
    ($($param:expr),+ $(,)?) => { &[$(&$param as &dyn $crate::store::sql::Param),+] as &[&dyn $crate::store::sql::Param] };
}
pub(crate) use args;

/// A row of a query's answer.
pub(crate) struct Row<'r> {
    inner: Inner<'r>,
}

enum Inner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
}

impl Row<'_> {
    /// Column `index` as text where the row holds it, without copying it.
    pub(crate) fn text(&self, index: usize) -> Result<Option<&str>> {
        let value = match &self.inner {
            Inner::Sqlite(row) => from_sqlite(row.get_ref(index)?)?,
        };
        match value {
            ValueRef::Null => Ok(None),
            ValueRef::Text(text) => Ok(Some(text)),
            other => Err(StoreError::Corrupt(format!("column {index}: expected text, found {}", other.kind()))),
        }
    }

    /// Column `index` (from 0) as a `T`.
    pub(crate) fn get<T: Column>(&self, index: usize) -> Result<T> {
        let value = match &self.inner {
            Inner::Sqlite(row) => from_sqlite(row.get_ref(index)?)?,
        };
        T::column(value).map_err(|why| StoreError::Corrupt(format!("column {index}: {why}")))
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

/// A statement prepared once and run many times, or run while another's
/// rows are still being read (two cursors walked side by side: the export,
/// `verify`).
pub(crate) struct Statement<'c> {
    inner: rusqlite::Statement<'c>,
}

impl Statement<'_> {
    /// Runs the statement with `params`: its rows, read one at a time.
    pub(crate) fn query(&mut self, params: &[&dyn Param]) -> Result<Rows<'_>> {
        for (at, param) in params.iter().enumerate() {
            self.inner.raw_bind_parameter(at + 1, Bind(param.value()))?;
        }
        Ok(Rows { inner: self.inner.raw_query() })
    }

    /// Runs the statement with `params`, which returns no rows; how many
    /// rows it changed.
    pub(crate) fn execute(&mut self, params: &[&dyn Param]) -> Result<usize> {
        for (at, param) in params.iter().enumerate() {
            self.inner.raw_bind_parameter(at + 1, Bind(param.value()))?;
        }
        Ok(self.inner.raw_execute()?)
    }
}

/// The rows of a running statement.
pub(crate) struct Rows<'s> {
    inner: rusqlite::Rows<'s>,
}

impl Rows<'_> {
    /// The next row, or `None` at the end.
    #[allow(clippy::should_implement_trait)]
    pub(crate) fn next(&mut self) -> Result<Option<Row<'_>>> {
        Ok(self.inner.next()?.map(|row| Row { inner: Inner::Sqlite(row) }))
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

impl Db<'_> {
    /// A statement to run with [`Statement::query`].
    pub(crate) fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement { inner: self.conn.prepare(sql)? })
    }

    /// Runs a statement that returns no rows; how many rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<usize> {
        Ok(bound(self.conn, sql, params)?.raw_execute()?)
    }

    /// Runs an `INSERT ... RETURNING id`: the new row's id.
    pub(crate) fn insert(&self, sql: &str, params: &[&dyn Param]) -> Result<i64> {
        self.one(sql, params, |r| r.get(0))
    }

    /// The first row's `read`, or `None` if there is none.
    pub(crate) fn optional<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        read: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut statement = bound(self.conn, sql, params)?;
        let mut rows = statement.raw_query();
        match rows.next()? {
            Some(row) => Ok(Some(read(&Row { inner: Inner::Sqlite(row) })?)),
            None => Ok(None),
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

    /// `visit` on every row, in order, without keeping them.
    pub(crate) fn each(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut visit: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let mut statement = bound(self.conn, sql, params)?;
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next()? {
            visit(&Row { inner: Inner::Sqlite(row) })?;
        }
        Ok(())
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
