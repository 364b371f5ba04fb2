//! Which engine a test's ledger is on, and a throwaway PostgreSQL server
//! for the tests that use one.
//!
//! `UTILITY_DESK_TEST_ENGINE=postgres` runs the suites' ledgers on
//! PostgreSQL (each test a database of its own on one server per test
//! binary); unset, they are SQLite. The server is Debian's binaries
//! (`/usr/lib/postgresql/N/bin`), started in a temporary folder on a Unix
//! socket, as the `postgres` system user when the tests run as root
//! (initdb refuses root), with fsync off (its files are thrown away). A
//! watcher process stops it and removes the folder when the test binary
//! exits. Without the binaries a test that needs them says it was
//! skipped and why; under CI (`CI` set) it fails instead.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// Whether the suites' ledgers are on PostgreSQL in this run.
pub fn on_postgres() -> bool {
    std::env::var("UTILITY_DESK_TEST_ENGINE").is_ok_and(|e| e.eq_ignore_ascii_case("postgres"))
}

/// A running throwaway server.
pub struct Server {
    /// The folder holding its data and its socket.
    pub dir: PathBuf,
    pub bin: PathBuf,
    /// The system user it runs as (`None`: this user).
    pub user: Option<String>,
    /// `postgres` options it was started with.
    options: String,
}

impl Server {
    /// A location for the database `name` on this server, as `user`.
    pub fn location(&self, name: &str, user: &str) -> String {
        format!("host={} user={user} dbname={name} sslmode=disable", self.dir.display())
    }

    /// Runs `psql` as the server's superuser on `database`; its output.
    pub fn psql(&self, database: &str, sql: &str) -> Result<String, String> {
        let output = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-U", "postgres", "-d", database, "-c", sql])
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    /// Runs `pg_ctl ARGS` as the server's user.
    pub fn pg_ctl(&self, args: &[&str]) -> bool {
        let mut command = as_user(self.user.as_deref(), &self.bin.join("pg_ctl"));
        command.arg("-D").arg(self.dir.join("data")).args(args);
        command.output().is_ok_and(|o| o.status.success())
    }

    /// Starts it again after a stop, with the options it first had;
    /// whether it is up.
    pub fn start_again(&self) -> bool {
        let log = self.dir.join("server.log");
        self.pg_ctl(&["-l", &log.display().to_string(), "-w", "-o", &self.options, "start"])
    }

    /// A new empty database, owned by the superuser.
    pub fn new_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let name = format!("ledger_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        self.psql("postgres", &format!("CREATE DATABASE {name}")).expect("a new database");
        name
    }
}

/// Where Debian keeps the server's binaries, the newest version first.
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn as_user(user: Option<&str>, program: &Path) -> Command {
    match user {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The server for this test binary, started on first use; `Err` says why
/// there is none.
pub fn server() -> Result<&'static Server, String> {
    static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
    SERVER.get_or_init(|| start(false)).as_ref().map_err(Clone::clone)
}

/// A server of the caller's own, not the run's shared one (for a test that
/// stops it), stopped and removed as the run's is when the process ends.
/// It keeps what it acknowledged through a stop (synchronous commit and
/// fsync on, unlike the run's server, whose files are thrown away).
pub fn start_own() -> Result<Server, String> {
    start(true)
}

fn start(durable: bool) -> Result<Server, String> {
    let bin = binaries().ok_or("no PostgreSQL server binaries under /usr/lib/postgresql (Debian's `postgresql`)")?;
    let user = if is_root() { Some("postgres".to_string()) } else { None };
    let dir = tempfile::Builder::new().prefix("utility-desk-pg-").tempdir().map_err(|e| e.to_string())?.keep();
    if let Some(user) = &user {
        let owned = Command::new("chown").arg(format!("{user}:{user}")).arg(&dir).status();
        if !owned.is_ok_and(|s| s.success()) {
            return Err(format!("cannot give {} to the {user} user", dir.display()));
        }
    }
    let initdb = as_user(user.as_deref(), &bin.join("initdb"))
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        .output()
        .map_err(|e| e.to_string())?;
    if !initdb.status.success() {
        return Err(format!("initdb: {}", String::from_utf8_lossy(&initdb.stderr)));
    }
    let fast = if durable { "" } else { "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" };
    let options = format!("-k {} -c listen_addresses='' {fast} -c max_connections=200", dir.display());
    let started = as_user(user.as_deref(), &bin.join("pg_ctl"))
        .arg("-D")
        .arg(dir.join("data"))
        .arg("-l")
        .arg(dir.join("server.log"))
        .args(["-w", "-o", &options, "start"])
        .output()
        .map_err(|e| e.to_string())?;
    if !started.status.success() {
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        return Err(format!("pg_ctl start: {}{log}", String::from_utf8_lossy(&started.stderr)));
    }
    // Stops the server and removes its folder once this process is gone.
    let pg_ctl = bin.join("pg_ctl");
    let stop = match &user {
        Some(user) => format!("runuser -u {user} -- {} -D {}/data -m immediate stop", pg_ctl.display(), dir.display()),
        None => format!("{} -D {}/data -m immediate stop", pg_ctl.display(), dir.display()),
    };
    let watcher = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    Command::new("sh")
        .args(["-c", &watcher])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(Server { dir, bin, user, options })
}

/// The server, or `None` after saying why the test is skipped; under CI a
/// missing server fails the test.
pub fn server_or_skip(test: &str) -> Option<&'static Server> {
    match server() {
        Ok(server) => Some(server),
        Err(why) if std::env::var_os("CI").is_some() => panic!("{test} needs PostgreSQL under CI: {why}"),
        Err(why) => {
            eprintln!("skipped {test}: {why}");
            None
        }
    }
}

/// A location for a new, empty database (the superuser's), for a suite
/// running on PostgreSQL.
pub fn new_ledger_location() -> String {
    let server = server().unwrap_or_else(|why| panic!("UTILITY_DESK_TEST_ENGINE=postgres, but {why}"));
    let name = server.new_database();
    server.location(&name, "postgres")
}

/// The SQL that drops `trigger` of `table` on the run's engine.
pub fn drop_trigger(table: &str, trigger: &str) -> String {
    if on_postgres() { format!("DROP TRIGGER {trigger} ON {table};") } else { format!("DROP TRIGGER {trigger};") }
}

/// `sqlite` or `postgres`, whichever the run's engine takes (an attacker's
/// SQL, which differs between them).
pub fn pick(sqlite: String, postgres: String) -> String {
    if on_postgres() { postgres } else { sqlite }
}

/// Where a test keeps its ledger `name`: the file `dir/name` on SQLite, a
/// new database on the run's server on PostgreSQL (its location, which
/// `--db` and `Desk::open` take as they take a path).
pub fn ledger_location(dir: &Path, name: &str) -> PathBuf {
    if on_postgres() { PathBuf::from(new_ledger_location()) } else { dir.join(name) }
}

/// A demo ledger of `options` made for a test, on the run's engine: the
/// file `dir/ledger.db` (as the first run makes it), or a new database on
/// the run's server.
pub fn demo_ledger(dir: &Path, options: &utility_desk::demo::DemoOptions) -> PathBuf {
    demo_ledger_made(dir, options, chrono::Utc::now())
}

/// [`demo_ledger`] as made at `now`.
pub fn demo_ledger_made(
    dir: &Path,
    options: &utility_desk::demo::DemoOptions,
    now: chrono::DateTime<chrono::Utc>,
) -> PathBuf {
    if on_postgres() {
        let location = PathBuf::from(new_ledger_location());
        let mut desk = utility_desk::desk::Desk::create(&location).expect("a ledger on PostgreSQL");
        utility_desk::demo::generate(&mut desk, options, now, |_, _| {}).expect("the demo on PostgreSQL");
        location
    } else {
        let path = dir.join("ledger.db");
        utility_desk::demo::create_at(&path, options, now, |_, _| {}).expect("the demo");
        path
    }
}

/// A copy of the ledger at `db` beside it, for a test to tamper with: the
/// file `dir/name`, or a new database on the run's server made from it as
/// a template (no one may be connected to it meanwhile).
pub fn copy_ledger(db: &Path, dir: &Path, name: &str) -> PathBuf {
    if !utility_desk::store::is_server_location(db) {
        let copy = dir.join(name);
        std::fs::copy(db, &copy).unwrap_or_else(|e| panic!("copy {}: {e}", db.display()));
        return copy;
    }
    let server = server().expect("the run's server");
    let location = db.to_string_lossy();
    let from = location.split_whitespace().find_map(|w| w.strip_prefix("dbname=")).expect("a dbname in the location");
    let name = format!("{from}_{}", name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    // A command's connection may outlive its process by a moment.
    let mut tries = 0;
    while let Err(why) = server.psql("postgres", &format!("CREATE DATABASE {name} TEMPLATE {from}")) {
        tries += 1;
        assert!(tries < 50 && why.contains("being accessed by other users"), "copy {from}: {why}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    PathBuf::from(server.location(&name, "postgres"))
}

/// A plain connection to a test's ledger, behind the desk's back, on
/// whichever engine holds it: for counting what a command wrote, or
/// holding the ledger's writes while others wait.
pub enum Raw {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

/// A [`Raw`] connection to the ledger at `db` (a file, or a location on
/// the run's server).
pub fn raw(db: &Path) -> Raw {
    if utility_desk::store::is_server_location(db) {
        let client = postgres::Client::connect(&db.to_string_lossy(), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to {}: {e}", db.display()));
        Raw::Postgres(Box::new(client))
    } else {
        Raw::Sqlite(rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("open {}: {e}", db.display())))
    }
}

impl Raw {
    /// The one number the query `sql` selects (a count, a sum, an id).
    pub fn number(&mut self, sql: &str) -> i64 {
        match self {
            Raw::Sqlite(conn) => conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}")),
            Raw::Postgres(client) => client
                .query_one(&format!("SELECT ({sql})::bigint"), &[])
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .get(0),
        }
    }

    /// The one text the query `sql` selects.
    pub fn text(&mut self, sql: &str) -> String {
        match self {
            Raw::Sqlite(conn) => conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}")),
            Raw::Postgres(client) => {
                client.query_one(&format!("SELECT ({sql})::text"), &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
            }
        }
    }

    /// Runs `sql`, statements of the ledger's engine.
    pub fn execute(&mut self, sql: &str) {
        match self {
            Raw::Sqlite(conn) => conn.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}")),
            Raw::Postgres(client) => client.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}")),
        }
    }

    /// Every row of every table, sorted, to show that a refused command
    /// wrote nothing: `query` gives a table's SQL, or `None` to leave it
    /// out; `SELECT *` for those it does not name. (SQLite's full-text
    /// tables are left out: their shadow tables hold what they index.)
    pub fn all_rows(&mut self, query: impl Fn(&str) -> Option<Option<String>>) -> String {
        let tables: Vec<String> = match self {
            Raw::Sqlite(conn) => conn
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
                )
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .expect("the tables"),
            Raw::Postgres(client) => client
                .query(
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
                    &[],
                )
                .expect("the tables")
                .iter()
                .map(|r| r.get(0))
                .collect(),
        };
        let mut out = String::new();
        for table in tables {
            let sql = match query(&table) {
                None => format!("SELECT * FROM \"{table}\""),
                Some(None) => continue,
                Some(Some(sql)) => sql,
            };
            let mut rows: Vec<String> = match self {
                Raw::Sqlite(conn) => {
                    let mut statement = conn.prepare(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                    let columns = statement.column_count();
                    statement
                        .query_map([], |row| {
                            let values: Vec<rusqlite::types::Value> =
                                (0..columns).map(|i| row.get(i)).collect::<Result<_, _>>()?;
                            Ok(format!("{values:?}"))
                        })
                        .and_then(Iterator::collect)
                        .unwrap_or_else(|e| panic!("{sql}: {e}"))
                }
                Raw::Postgres(client) => client
                    .query(&format!("SELECT t::text FROM ({sql}) t"), &[])
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .iter()
                    .map(|r| r.get(0))
                    .collect(),
            };
            rows.sort();
            out.push_str(&format!("{table}: {}\n", rows.join("\n")));
        }
        out
    }

    /// Begins a transaction that holds the ledger's writes until
    /// [`Raw::release`]: SQLite's write lock, or PostgreSQL's audit head
    /// row, which every desk's every write takes first.
    pub fn hold_writes(&mut self) {
        match self {
            Raw::Sqlite(conn) => conn.execute_batch("BEGIN IMMEDIATE").expect("the write lock"),
            Raw::Postgres(client) => {
                client.batch_execute("BEGIN; SELECT * FROM audit_head FOR UPDATE").expect("the audit head's row lock")
            }
        }
    }

    /// Ends what [`Raw::hold_writes`] began, writing nothing.
    pub fn release(&mut self) {
        match self {
            Raw::Sqlite(conn) => conn.execute_batch("ROLLBACK").expect("rollback"),
            Raw::Postgres(client) => client.batch_execute("ROLLBACK").expect("rollback"),
        }
    }
}
