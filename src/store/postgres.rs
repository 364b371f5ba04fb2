//! The ledger on a PostgreSQL server, shared by every desk.
//!
//! A location is a PostgreSQL connection string, as a URL
//! (`postgres://desk@db.city.gov/ledger?sslmode=verify-full&sslrootcert=ca.pem`)
//! or as `key=value` words (`host=db.city.gov dbname=ledger user=desk`).
//! TLS is rustls: `sslmode=disable`, `prefer` (the default, as libpq's:
//! encrypted where the server offers it, its certificate not checked),
//! `require` (encrypted, not checked), `verify-ca` (the certificate chains
//! to `sslrootcert`) and `verify-full` (and names the host). A password
//! not in the location is taken from `PGPASSWORD`.
//!
//! The sync `postgres` client runs on the calling thread (the desk's own
//! threads, never a tokio worker: it would panic there). Connections are
//! kept in a pool per location, shared by every store of the process;
//! each transaction takes one and gives it back, with its prepared
//! statements. A connection found closed is dropped and another made.
//!
//! Every write transaction first locks the audit trail's head row
//! (`SELECT ... FOR UPDATE`): writers take turns on the ledger, as they do
//! on an SQLite file, so each one's checks (limits, keys, balances, the
//! chain) read what the one before it committed. Reads run in a
//! `REPEATABLE READ READ ONLY` transaction: one snapshot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls, Transaction};

use super::{Db, Result, SCHEMA_VERSION, StoreError, StoreFailure};

/// The baseline schema: what SQLite holds at version 29, PostgreSQL-style.
const BASELINE: &str = include_str!("postgres/schema.sql");
/// SQLite's date functions the queries use, for the same SQL on both.
const COMPAT: &str = include_str!("postgres/compat.sql");
/// The schema version the baseline brings a database to.
const BASELINE_VERSION: i64 = 29;
/// The schema's changes after the baseline, each with the version it
/// brings the database to (the same numbers as SQLite's migrations).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (30, "0030_search_words", include_str!("postgres/0030_search_words.sql")),
    (31, "0031_search_index", include_str!("postgres/0031_search_index.sql")),
];
const _: () = assert!(
    BASELINE_VERSION + MIGRATIONS.len() as i64 == SCHEMA_VERSION,
    "every SQLite migration after the baseline has its PostgreSQL counterpart"
);
/// What the desk's role may do, with `utility_desk_app` for its name.
const GRANTS: &str = include_str!("postgres/roles.sql");
/// The name `GRANTS` uses for the desk's role.
const ROLE_PLACEHOLDER: &str = "utility_desk_app";

/// How many times a transaction that could not start (a connection lost
/// while idle, a lock that deadlocked) is tried before it is reported.
const ATTEMPTS: u32 = 3;

/// Whether `location` names a PostgreSQL database rather than a file.
pub(crate) fn is_location(location: &str) -> bool {
    let text = location.trim_start();
    text.starts_with("postgres://")
        || text.starts_with("postgresql://")
        || text.split_whitespace().any(|word| word.starts_with("host=") || word.starts_with("dbname="))
}

/// How the connection is encrypted and what of the server is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A location taken apart: the client's configuration and the TLS options
/// the client does not know (`verify-ca`, `verify-full`, `sslrootcert`).
struct Location {
    config: postgres::Config,
    ssl: SslMode,
    root_cert: Option<String>,
    /// The location without its password, for messages.
    shown: String,
}

fn parse_location(location: &str) -> Result<Location> {
    let bad = |why: String| StoreError::Open { path: hide_password(location), reason: why };
    let mut ssl = SslMode::Prefer;
    let mut root_cert = None;
    let mut take = |key: &str, value: &str| -> Result<bool> {
        match key {
            "sslmode" => {
                ssl = match value {
                    "disable" => SslMode::Disable,
                    "allow" | "prefer" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    "verify-ca" => SslMode::VerifyCa,
                    "verify-full" => SslMode::VerifyFull,
                    other => {
                        return Err(bad(format!(
                            "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
                        )));
                    }
                };
                Ok(true)
            }
            "sslrootcert" => {
                root_cert = Some(value.to_string());
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let text = location.trim();
    let rest = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        match text.split_once('?') {
            None => text.to_string(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(key, value)? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) }
            }
        }
    } else {
        let mut kept = Vec::new();
        for word in text.split_whitespace() {
            let (key, value) = word.split_once('=').unwrap_or((word, ""));
            if !take(key, value.trim_matches('\''))? {
                kept.push(word);
            }
        }
        kept.join(" ")
    };
    let mut config: postgres::Config = rest.parse().map_err(|e: postgres::Error| bad(e.to_string()))?;
    if config.get_password().is_none()
        && let Ok(password) = std::env::var("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_user().is_none() {
        let user = std::env::var("PGUSER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "postgres".into());
        config.user(&user);
    }
    config.application_name("utility-desk");
    config.connect_timeout(std::time::Duration::from_secs(10));
    if (ssl == SslMode::VerifyCa || ssl == SslMode::VerifyFull) && root_cert.is_none() {
        return Err(bad(
            "sslmode=verify-ca and verify-full need sslrootcert=FILE, the CA that signed the server".into()
        ));
    }
    config.ssl_mode(match ssl {
        SslMode::Disable => postgres::config::SslMode::Disable,
        SslMode::Prefer => postgres::config::SslMode::Prefer,
        _ => postgres::config::SslMode::Require,
    });
    Ok(Location { config, ssl, root_cert, shown: hide_password(location) })
}

/// `location` with any password replaced by `***`.
fn hide_password(location: &str) -> String {
    let text = location.trim();
    if let Some(rest) = text.strip_prefix("postgres://").or_else(|| text.strip_prefix("postgresql://")) {
        let scheme = &text[..text.len() - rest.len()];
        if let Some((credentials, host)) = rest.split_once('@')
            && let Some((user, _)) = credentials.split_once(':')
        {
            return format!("{scheme}{user}:***@{host}");
        }
        return text.to_string();
    }
    text.split_whitespace()
        .map(|w| if w.starts_with("password=") { "password=***" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

mod tls {
    //! rustls for the server's connection: verified against a CA file, or
    //! (`prefer`, `require`) encrypted without checking the certificate, as
    //! libpq does in those modes.

    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{DigitallySignedStruct, Error, RootCertStore, SignatureScheme};

    use super::SslMode;

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// The client's TLS configuration for `mode`.
    pub(super) fn config(mode: SslMode, root_cert: Option<&str>) -> Result<rustls::ClientConfig, String> {
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let verifier: Arc<dyn ServerCertVerifier> = match (mode, root_cert) {
            (SslMode::VerifyCa | SslMode::VerifyFull, Some(file)) => {
                let mut roots = RootCertStore::empty();
                for cert in CertificateDer::pem_file_iter(file).map_err(|e| format!("sslrootcert {file}: {e}"))? {
                    roots.add(cert.map_err(|e| format!("sslrootcert {file}: {e}"))?).map_err(|e| e.to_string())?;
                }
                let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                    .build()
                    .map_err(|e| e.to_string())?;
                Arc::new(Checked { webpki, names_the_host: mode == SslMode::VerifyFull })
            }
            _ => Arc::new(Unchecked(provider())),
        };
        Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
    }

    /// The chain checked against the CA; the host name too for `verify-full`.
    #[derive(Debug)]
    struct Checked {
        webpki: Arc<WebPkiServerVerifier>,
        names_the_host: bool,
    }

    impl ServerCertVerifier for Checked {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            match self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
                Err(Error::InvalidCertificate(rustls::CertificateError::NotValidForName))
                | Err(Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext { .. }))
                    if !self.names_the_host =>
                {
                    Ok(ServerCertVerified::assertion())
                }
                other => other,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.webpki.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            self.webpki.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.webpki.supported_verify_schemes()
        }
    }

    /// Encryption without checking who answers (`prefer`, `require`).
    #[derive(Debug)]
    struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

    impl ServerCertVerifier for Unchecked {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}

/// A connection and the statements prepared on it.
pub(crate) struct Connection {
    client: Client,
    statements: HashMap<String, postgres::Statement>,
}

/// The connections to one location, shared by the stores of a process.
struct Pool {
    location: Location,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    idle: Mutex<Vec<Connection>>,
}

/// How many idle connections a pool keeps.
const MAX_IDLE: usize = 16;

impl Pool {
    /// The pool for `location`: the process's one, or a new one.
    fn for_location(location: &str) -> Result<Arc<Pool>> {
        static POOLS: OnceLock<Mutex<HashMap<String, Weak<Pool>>>> = OnceLock::new();
        let pools = POOLS.get_or_init(Default::default);
        let mut pools = pools.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(pool) = pools.get(location).and_then(Weak::upgrade) {
            return Ok(pool);
        }
        let parsed = parse_location(location)?;
        let tls = match parsed.ssl {
            SslMode::Disable => None,
            mode => Some(tokio_postgres_rustls::MakeRustlsConnect::new(
                tls::config(mode, parsed.root_cert.as_deref())
                    .map_err(|reason| StoreError::Open { path: parsed.shown.clone(), reason })?,
            )),
        };
        let pool = Arc::new(Pool { location: parsed, tls, idle: Mutex::new(Vec::new()) });
        pools.insert(location.to_string(), Arc::downgrade(&pool));
        Ok(pool)
    }

    fn connect(&self) -> Result<Connection> {
        let connected = match &self.tls {
            None => self.location.config.connect(NoTls),
            Some(tls) => self.location.config.connect(tls.clone()),
        };
        let client = connected.map_err(|e| StoreError::Open { path: self.location.shown.clone(), reason: said(&e) })?;
        Ok(Connection { client, statements: HashMap::new() })
    }

    /// An open connection: an idle one, or a new one.
    fn take(&self) -> Result<Connection> {
        loop {
            let idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
            match idle {
                Some(connection) if connection.client.is_closed() => continue,
                Some(connection) => return Ok(connection),
                None => return self.connect(),
            }
        }
    }

    fn give_back(&self, connection: Connection) {
        if connection.client.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
    }
}

/// What the server said, in its words.
fn said(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.message().to_string(),
        None => error.to_string(),
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        if error.is_closed() {
            return StoreError::Lost(error.to_string());
        }
        let Some(db) = error.as_db_error() else {
            // Not the server's answer: the connection or the client.
            return StoreError::Lost(error.to_string());
        };
        let code = db.code();
        if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED {
            return StoreError::Conflict(db.message().to_string());
        }
        if code.code().starts_with("23") || *code == SqlState::INSUFFICIENT_PRIVILEGE {
            return StoreError::Constraint(db.message().to_string());
        }
        if *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
            || code.code().starts_with("08")
        {
            return StoreError::Lost(db.message().to_string());
        }
        if *code == SqlState::DISK_FULL {
            return StoreError::DiskFull("the database server's disk".into());
        }
        if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
            return StoreError::ReadOnly(db.message().to_string());
        }
        StoreError::Server(format!("{} ({})", db.message(), code.code()))
    }
}

/// A ledger in a PostgreSQL database.
pub(crate) struct Postgres {
    pool: Arc<Pool>,
}

impl Postgres {
    /// Connects to `location` and makes the ledger's schema there if the
    /// database has none (`init`, `demo`), or brings it up to date.
    pub(crate) fn create(location: &str) -> Result<Postgres> {
        let mut store = Postgres { pool: Pool::for_location(location)? };
        let mut connection = store.pool.take()?;
        let found = schema_version(&mut connection.client)?;
        if let Some(version) = found
            && version > SCHEMA_VERSION
        {
            store.check_version(version)?;
        }
        let now = chrono::Utc::now().to_rfc3339();
        let mut tx = connection.client.transaction()?;
        if found.is_none() {
            tx.batch_execute(COMPAT)?;
            tx.batch_execute(BASELINE)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'baseline', $2)",
                &[&BASELINE_VERSION, &now],
            )?;
        }
        let from = found.unwrap_or(BASELINE_VERSION);
        for (version, name, sql) in MIGRATIONS.iter().filter(|(version, ..)| *version > from) {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[version, name, &now],
            )?;
        }
        let granted: Option<String> = match found {
            Some(version) if version < SCHEMA_VERSION => {
                tx.query_opt("SELECT value FROM meta WHERE key = 'desks_role'", &[])?.map(|row| row.get(0))
            }
            _ => None,
        };
        tx.commit()?;
        if found.is_none() {
            // `verify`'s check of the indexes against their tables, where
            // this owner may install it (a superuser's, in PostgreSQL 15).
            let _ = connection.client.batch_execute("CREATE EXTENSION IF NOT EXISTS amcheck");
        }
        store.pool.give_back(connection);
        if let Some(role) = granted {
            // The desks' role, granted its part of the new tables.
            store.grant_desk_role(&role)?;
        }
        if from < 30 {
            // The search vocabulary, from the accounts already there.
            store.write(|db: &Db| db.index_all_words())?;
        }
        Ok(store)
    }

    /// Connects to the ledger at `location`, which must hold one.
    pub(crate) fn open(location: &str) -> Result<Postgres> {
        let store = Postgres { pool: Pool::for_location(location)? };
        let mut connection = store.pool.take()?;
        match schema_version(&mut connection.client)? {
            None => {
                return Err(StoreError::NotALedger {
                    path: store.pool.location.shown.clone(),
                    why: "the database has no utility-desk schema".into(),
                });
            }
            Some(version) => store.check_version(version)?,
        }
        store.pool.give_back(connection);
        Ok(store)
    }

    fn check_version(&self, found: i64) -> Result<()> {
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: self.pool.location.shown.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            return Err(StoreError::Open {
                path: self.pool.location.shown.clone(),
                reason: format!(
                    "its schema is version {found} and this program writes {SCHEMA_VERSION}: run `utility-desk init` \
                     as the database's owner to bring it up to date"
                ),
            });
        }
        Ok(())
    }

    /// Where the ledger is, without its password.
    pub(crate) fn shown(&self) -> &str {
        &self.pool.location.shown
    }

    /// Grants the desk's role (`role`, an existing role that is not the
    /// owner) what the desk needs and nothing more, and notes its name in
    /// `meta` so that `init` grants it the tables of a later migration
    /// too. Run as the owner.
    pub(crate) fn grant_desk_role(&self, role: &str) -> Result<()> {
        if role.is_empty()
            || !role.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || role.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(StoreError::Constraint(format!(
                "\"{role}\" is not a role name this program grants to: lower-case letters, digits and _"
            )));
        }
        let mut connection = self.pool.take()?;
        let mut tx = connection.client.transaction()?;
        tx.batch_execute(&GRANTS.replace(ROLE_PLACEHOLDER, role))?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('desks_role', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
            &[&role],
        )?;
        tx.commit()?;
        self.pool.give_back(connection);
        Ok(())
    }

    /// Runs `work` in one write transaction, after the audit head's lock.
    pub(crate) fn write<T, E: StoreFailure>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        self.run(true, work)
    }

    /// Runs `work` in one read-only snapshot.
    pub(crate) fn read<T, E: StoreFailure>(&mut self, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        self.run(false, work)
    }

    fn run<T, E: StoreFailure>(&mut self, write: bool, work: impl FnOnce(&Db) -> Result<T, E>) -> Result<T, E> {
        let mut attempt = 1;
        loop {
            let mut connection = self.pool.take().map_err(|error| {
                // A ledger that was open: its server is gone (stopped,
                // restarting, unreachable), and nothing was done.
                let error = match error {
                    StoreError::Open { reason, .. } => StoreError::Lost(format!("cannot connect again: {reason}")),
                    other => other,
                };
                E::from(self.named(error))
            })?;
            let Connection { client, statements } = &mut connection;
            let tx = match begin(client, write) {
                Ok(tx) => tx,
                // Nothing is done before the transaction has begun (and a
                // write has its lock): a connection lost while idle, or a
                // lock that deadlocked, is safe to try again.
                Err(error) if attempt < ATTEMPTS && matches!(error, StoreError::Lost(_) | StoreError::Conflict(_)) => {
                    if matches!(error, StoreError::Lost(_)) {
                        // The server went (restarted, failed over): the other
                        // idle connections went with it.
                        self.pool.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
                    }
                    attempt += 1;
                    continue;
                }
                Err(error) => return Err(E::from(self.named(error))),
            };
            let db = Db::postgres(tx, statements);
            let result = match work(&db) {
                Ok(value) => db.finish(true).map(|()| value).map_err(|e| E::from(self.named(e))),
                Err(error) => {
                    let _ = db.finish(false);
                    Err(error)
                }
            };
            self.pool.give_back(connection);
            return result;
        }
    }

    /// A lost connection said with where it was.
    fn named(&self, error: StoreError) -> StoreError {
        match error {
            StoreError::Lost(what) => StoreError::Lost(format!("{} ({what})", self.pool.location.shown)),
            other => other,
        }
    }

    /// Runs `work` in one transaction on a connection as this location's
    /// role (the owner, for a copy into the ledger), committed if it
    /// returns `Ok`.
    pub(crate) fn with_owner_transaction<T>(
        &mut self,
        work: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut connection = self.pool.take()?;
        let result = (|| {
            let mut tx = connection.client.transaction()?;
            let value = work(&mut tx)?;
            tx.commit()?;
            Ok(value)
        })();
        self.pool.give_back(connection);
        result.map_err(|e| self.named(e))
    }

    /// Runs raw SQL outside the store's rules (tests playing an attacker).
    /// SQLite's `DROP TRIGGER name` is taken too: it drops the trigger of
    /// that name on whichever table has it.
    pub(crate) fn raw_sql_for_tests(&self, sql: &str) -> Result<()> {
        let mut connection = self.pool.take()?;
        let mut text = String::new();
        for statement in sql.split_inclusive(';') {
            let words: Vec<&str> = statement.split_whitespace().collect();
            match words.as_slice() {
                ["DROP", "TRIGGER", name] | ["DROP", "TRIGGER", name, ";"] => {
                    let name = name.trim_end_matches(';');
                    text.push_str(&format!(
                        "DO $$ BEGIN EXECUTE (SELECT format('DROP TRIGGER %I ON %I', t.tgname, c.relname)
                           FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = '{name}'); END $$;"
                    ));
                }
                _ => text.push_str(statement),
            }
        }
        connection.client.batch_execute(&text)?;
        self.pool.give_back(connection);
        Ok(())
    }
}

/// Opens the transaction on `client`: a write takes the audit head's lock
/// first, so writers take turns.
fn begin(client: &mut Client, write: bool) -> Result<Transaction<'_>> {
    let mut tx = if write {
        client.build_transaction().isolation_level(IsolationLevel::ReadCommitted).start()?
    } else {
        client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?
    };
    if write {
        tx.execute("SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE", &[])?;
    }
    Ok(tx)
}

/// The schema version of the database `client` is connected to; `None`
/// when it holds no ledger.
fn schema_version(client: &mut Client) -> Result<Option<i64>> {
    let present: bool = client.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?.get(0);
    if !present {
        return Ok(None);
    }
    Ok(client.query_one("SELECT max(version) FROM schema_migrations", &[])?.get(0))
}
