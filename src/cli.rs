//! The command line. Every command goes through `desk`; none touches SQL.
//! Exit codes: 0 done, 1 refused or failed (message on stderr), 2 usage.

mod approvals;
mod audit;
mod batch;
mod cases;
mod convert;
mod customers;
mod documents;
mod history;
mod import;
mod jobs;
mod money;
mod orders;
mod rates;
mod reads;
mod rows;
mod service;
mod session;
mod show;
mod sign_in;
mod users;

/// The file readers' entries for the fuzz targets (`tests/fuzz.rs`): each
/// checks a file's bytes as its command does before it writes, writing
/// nothing.
pub mod fuzz {
    pub use super::batch::check_bytes as adjustments;
    pub use super::convert::check_bytes as accounts;
    pub use super::import::check_bytes as payments;
    pub use super::rates::schedule_text as rates;
    pub use super::reads::check_bytes as reads;
}

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};

use crate::demo::{self, DemoOptions};
use crate::desk::{Desk, DeskError};
use crate::domain::user::Role;

/// utility-desk: the customer account desk of a city utility.
#[derive(Debug, Parser)]
#[command(name = "utility-desk", version, about)]
pub struct Cli {
    /// The ledger database (default: $UTILITY_DESK_DB, else the platform's data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a demo database with synthetic customers and history.
    Demo {
        /// How many accounts.
        #[arg(long, default_value_t = 5_000)]
        accounts: u32,
        /// The seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Months of bills, ending with the last complete month.
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(0..=120))]
        months: u32,
    },
    /// Create an empty production database with its first Administrator.
    Init {
        /// The Administrator's user name.
        #[arg(long)]
        admin: String,
        /// The Administrator's full name.
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
        /// On PostgreSQL (run as the database's owner): the existing role the
        /// desks connect as, granted what the desk needs and no more. Given
        /// again on a ledger that has users, it only grants (after a new
        /// version's migration).
        #[arg(long, value_name = "ROLE")]
        desk_role: Option<String>,
    },
    /// Find accounts by number, name, service address, phone or meter.
    Search {
        /// What to look for, e.g. "smith 41st".
        query: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show an account's overview.
    Account {
        /// The account number, e.g. 10000421-7.
        number: String,
        #[arg(long)]
        json: bool,
        /// Its contacts, complaints, disputes, orders and letters, newest first.
        #[arg(long, conflicts_with = "usage")]
        history: bool,
        /// Its water use by bill, with the usual use and the sewer cap.
        #[arg(long)]
        usage: bool,
    },
    /// A sitting: sign in once, and the commands that follow need no password
    /// until 15 minutes pass without one.
    Session {
        #[command(subcommand)]
        command: session::SessionCommand,
    },
    /// Bills: explain one in sentences, its use set against the usual.
    Bill {
        #[command(subcommand)]
        command: history::BillCommand,
    },
    /// Check the database and the books; exits 1 naming the first problems.
    Verify {
        #[arg(long)]
        json: bool,
        /// An audit record and its hash (RECORD:HASH) that an earlier verify
        /// printed as the head and that was kept outside the database: the
        /// record must still have that hash. May be given more than once.
        #[arg(long, value_name = "RECORD:HASH")]
        anchor: Vec<crate::records::AuditAnchor>,
    },
    /// Copy the whole ledger to FILE while desks keep working (a new file,
    /// never over one), then verify the copy.
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Make a new ledger at PATH from the backup FILE (never over an
    /// existing file), then verify it; a backup that does not verify
    /// restores nothing.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
    },
    /// Copy a whole ledger file into an empty PostgreSQL database (as its
    /// owner), keeping ids, keys and the audit chain, then verify both and
    /// compare them; refused into a database that holds data.
    Migrate {
        /// The ledger file to copy (it is only read).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// The PostgreSQL database, as its owner: postgres://... or host=... dbname=...
        #[arg(long, value_name = "LOCATION")]
        to: PathBuf,
        /// The desks' role, granted what the desk needs once the copy is in.
        #[arg(long, value_name = "ROLE")]
        desk_role: Option<String>,
    },
    /// Accounts brought in from the utility's old system: `accounts import`.
    Accounts {
        #[command(subcommand)]
        command: convert::AccountsCommand,
    },
    /// Rate schedules: `rates list`, `rates show ID`, and `rates load
    /// FILE.toml` (a Manager) for the utility's own.
    Rates {
        #[command(subcommand)]
        command: rates::RatesCommand,
    },
    /// Meter reads: load a reading route's file, and decide the reads held
    /// as exceptions.
    Reads {
        #[command(subcommand)]
        command: reads::ReadsCommand,
    },
    /// Customer information: `customer update`, `customer party add|end`.
    Customer {
        #[command(subcommand)]
        command: customers::CustomerCommand,
    },
    /// Service at a premise: `service start`, `service stop` (with the final
    /// bill) and `service transfer`.
    Service {
        #[command(subcommand)]
        command: service::ServiceCommand,
    },
    /// Late fees, for the scheduler: `late-fees run`.
    LateFees {
        #[command(subcommand)]
        command: jobs::LateFeesCommand,
    },
    /// The May recomputation of sewer caps, for the scheduler.
    SewerCaps {
        #[command(subcommand)]
        command: jobs::SewerCapsCommand,
    },
    /// Write the whole ledger for other accounting tools.
    Export {
        /// Write an hledger / ledger-cli journal to FILE.
        #[arg(long, value_name = "FILE")]
        hledger: PathBuf,
        #[command(flatten)]
        sign_in: sign_in::SignIn,
    },
    /// Payments received in a file.
    Payments {
        #[command(subcommand)]
        command: PaymentsCommand,
    },
    /// The people who use the desk.
    User {
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// The money-authority limits.
    Policy {
        #[command(subcommand)]
        command: users::PolicyCommand,
    },
    /// Credit an account, within your limits or sent for approval.
    Credit(money::CreditArgs),
    /// Adjust a bill by amount on one line, or re-rate it from a corrected read;
    /// or apply a file of credits and adjustments with --batch.
    Adjust(money::AdjustArgs),
    /// Waive a late fee.
    Waive(money::WaiveArgs),
    /// Refund a final account's credit balance, whole (under the same
    /// limits and approvals as a credit of that amount).
    Refund(money::RefundArgs),
    /// Reverse a posting.
    Reverse(money::ReverseArgs),
    /// The approval queue, oldest first, with age in business days.
    Requests(approvals::RequestsArgs),
    /// Approve a request (optionally for a lower amount): the money is posted.
    Approve(approvals::ApproveArgs),
    /// Reject a request, with a reason.
    Reject(approvals::RejectArgs),
    /// Withdraw a request you sent.
    Withdraw(approvals::WithdrawArgs),
    /// The audit trail by account, user or date, newest first.
    Audit(audit::AuditArgs),
    /// Log a contact (a call, visit, email or letter) on an account.
    Contact(cases::ContactArgs),
    /// Complaints: open, show, note, assign, escalate, close, reopen, link, work.
    Complaint {
        #[command(subcommand)]
        command: cases::ComplaintCommand,
    },
    /// Disputes on bills: open, show, list, grant, deny.
    Dispute {
        #[command(subcommand)]
        command: cases::DisputeCommand,
    },
    /// Service orders and inspection requests: draft, update, submit, review, send,
    /// complete, cancel, show, list, queue.
    Order {
        #[command(subcommand)]
        command: orders::OrderCommand,
    },
    /// An account's itemized statement over a period (default: the last twelve months).
    Statement(documents::StatementArgs),
    /// Letters to customers from templates: templates, send (or --preview), show, list.
    Letter {
        #[command(subcommand)]
        command: documents::LetterCommand,
    },
    /// Reports: liaison follow-up; for supervisors, money actions, complaints and productivity.
    Report {
        #[command(subcommand)]
        command: documents::ReportCommand,
    },
}

#[derive(Debug, Subcommand)]
enum PaymentsCommand {
    /// Post a CSV file of payments (columns: key,account,amount,received_on,method,reference).
    /// The whole file is checked first; then each row is posted in its own
    /// transaction and acknowledged on stdout. Re-running a file posts only
    /// what is missing (the key makes each row idempotent).
    Import {
        file: PathBuf,
        #[command(flatten)]
        sign_in: sign_in::SignIn,
    },
}

/// Runs the command line and returns the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "utility-desk: {error}");
            ExitCode::from(1)
        }
    }
}

/// Where the database is: `--db`, then `UTILITY_DESK_DB`, then the platform's data directory.
pub fn database_path(flag: Option<PathBuf>) -> Result<PathBuf, DeskError> {
    if let Some(path) = flag {
        return Ok(path);
    }
    if let Some(path) = std::env::var_os("UTILITY_DESK_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("org", "utility-desk", "utility-desk")
        .map(|dirs| dirs.data_dir().join("ledger.db"))
        .ok_or_else(|| DeskError::Invalid("no home directory: give the database with --db PATH".into()))
}

fn execute(cli: Cli) -> Result<(), DeskError> {
    let path = database_path(cli.db)?;
    let now = Utc::now();
    let mut out = std::io::stdout().lock();
    match cli.command {
        None => open_window(path),
        Some(Command::Demo { accounts, seed, months }) => {
            let mut desk = Desk::create(&path)?;
            let summary = make_demo(&mut desk, &DemoOptions { accounts, seed, months })?;
            show::demo_summary(&mut out, &path, &summary)
        }
        Some(Command::Init { admin, name, password_stdin, desk_role }) => {
            let shared = crate::desk::is_server_location(&path);
            if path.exists() || shared {
                let mut desk = Desk::create(&path)?;
                if !desk.users()?.is_empty() {
                    if let Some(role) = &desk_role {
                        desk.grant_desk_role(role)?;
                        return writeln!(out, "Granted {role} what the desk needs on {}.", desk.location())
                            .map_err(show::io);
                    }
                    return Err(DeskError::Invalid(format!(
                        "{} already has users: init is for a new database",
                        desk.location()
                    )));
                }
            }
            let password = read_password(password_stdin, &format!("Password for {admin}: "))?;
            crate::desk::hash_password(&password)?;
            let mut desk = Desk::create(&path)?;
            if let Some(role) = &desk_role {
                desk.grant_desk_role(role)?;
            }
            desk.add_user(now, &admin, &name, Role::Admin)?;
            desk.set_password(None, now, &admin, &password)?;
            writeln!(out, "Created {} with Administrator {admin}.", desk.location()).map_err(show::io)?;
            if let Some(role) = &desk_role {
                writeln!(out, "The desks connect as {role}, granted what the desk needs.").map_err(show::io)?;
            }
            Ok(())
        }
        Some(Command::Search { query, json }) => {
            let mut desk = open_existing(&path)?;
            let hits = desk.search(&query.join(" "))?;
            show::search(&mut out, &hits, json)
        }
        Some(Command::Account { number, json, history, usage }) => {
            let mut desk = open_existing(&path)?;
            let account = desk.account_by_number(&number)?;
            let overview = desk.overview(account.account.id, now)?;
            if history {
                history::history(&mut desk, &mut out, &overview, json)
            } else if usage {
                history::usage(&mut out, &overview, json)
            } else {
                show::overview(&mut out, &overview, json)
            }
        }
        Some(Command::Session { command }) => session::session(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Bill { command }) => history::bill(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Verify { json, anchor }) => {
            let mut desk = open_existing(&path)?;
            let started = std::time::Instant::now();
            let report = desk.verify_with(&anchor)?;
            show::verify(&mut out, &report, started.elapsed(), json)?;
            if report.passed() {
                Ok(())
            } else {
                Err(DeskError::Invalid("verify found problems (listed above)".into()))
            }
        }
        Some(Command::Backup { file }) => {
            let desk = open_existing(&path)?;
            let started = std::time::Instant::now();
            let (copied, report) = desk.backup_to(&file)?;
            show::copied(&mut out, "Backed up", &path, &file, copied, &report, started.elapsed())?;
            if report.passed() {
                Ok(())
            } else {
                Err(DeskError::Invalid(format!(
                    "the copy at {} was written, but it does not verify (listed above): the ledger itself has \
                     these problems",
                    file.display()
                )))
            }
        }
        Some(Command::Restore { file, to }) => {
            let started = std::time::Instant::now();
            let (copied, report) = Desk::restore(&file, &to)?;
            show::copied(&mut out, "Restored", &file, &to, copied, &report, started.elapsed())
        }
        Some(Command::Migrate { from, to, desk_role }) => {
            let started = std::time::Instant::now();
            let migrated = Desk::migrate(&from, &to)?;
            let mut server = Desk::open(&to)?;
            if let Some(role) = &desk_role {
                server.grant_desk_role(role)?;
            }
            show::migrated(&mut out, &from, &server.location(), &migrated, started.elapsed())?;
            if let Some(role) = &desk_role {
                writeln!(out, "The desks connect as {role}, granted what the desk needs.").map_err(show::io)?;
            }
            Ok(())
        }
        Some(Command::Accounts { command }) => convert::accounts(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Reads { command }) => reads::reads(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Rates { command }) => rates::rates(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Customer { command }) => customers::customer(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Service { command }) => service::service(&mut open_existing(&path)?, &mut out, command),
        Some(Command::LateFees { command }) => jobs::late_fees(&mut open_existing(&path)?, &mut out, command),
        Some(Command::SewerCaps { command }) => jobs::sewer_caps(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Export { hledger, sign_in }) => {
            let mut desk = open_existing(&path)?;
            let actor = sign_in.actor(&mut desk, now)?;
            let destination = hledger.display().to_string();
            let summary = crate::documents::file::write_whole(&hledger, |file| {
                desk.export_hledger(&actor, now, &destination, &mut &mut *file)
            })?;
            writeln!(out, "Wrote {} postings ({} lines) to {}.", summary.postings, summary.lines, hledger.display())
                .map_err(show::io)
        }
        Some(Command::Payments { command: PaymentsCommand::Import { file, sign_in } }) => {
            let mut desk = open_existing(&path)?;
            import::payments(&mut desk, &mut out, &file, &sign_in)
        }
        Some(Command::User { command }) => users::user(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Policy { command }) => users::policy(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Credit(args)) => money::credit(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Adjust(args)) => money::adjust(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Waive(args)) => money::waive(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Refund(args)) => money::refund(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Reverse(args)) => money::reverse(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Requests(args)) => approvals::requests(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Approve(args)) => approvals::approve(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Reject(args)) => approvals::reject(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Withdraw(args)) => approvals::withdraw(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Audit(args)) => audit::audit(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Contact(args)) => cases::contact(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Complaint { command }) => cases::complaint(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Dispute { command }) => cases::dispute(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Order { command }) => orders::order(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Report { command }) => documents::report(&mut open_existing(&path)?, &mut out, command),
        Some(Command::Statement(args)) => documents::statement(&mut open_existing(&path)?, &mut out, args),
        Some(Command::Letter { command }) => documents::letter(&mut open_existing(&path)?, &mut out, command),
    }
}

/// A password from the terminal (not echoed) or the first line of stdin.
pub fn read_password(from_stdin: bool, prompt: &str) -> Result<String, DeskError> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| DeskError::Invalid(format!("cannot read the password from standard input: {e}")))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        rpassword::prompt_password(prompt).map_err(|e| {
            DeskError::Invalid(format!("cannot read a password from the terminal ({e}): use --password-stdin"))
        })?
    };
    if password.is_empty() {
        return Err(DeskError::Invalid("no password given".into()));
    }
    Ok(password)
}

/// Opens a database that must already exist (a typo in --db should not
/// silently create an empty ledger).
fn open_existing(path: &std::path::Path) -> Result<Desk, DeskError> {
    if !path.exists() && !crate::desk::is_server_location(path) {
        return Err(DeskError::Invalid(format!(
            "no database at {}: run `utility-desk demo` or `utility-desk init` first",
            path.display()
        )));
    }
    Desk::open(path)
}

fn make_demo(desk: &mut Desk, options: &DemoOptions) -> Result<demo::DemoSummary, DeskError> {
    let summary = demo::generate(desk, options, Utc::now(), progress_on_stderr())?;
    let _ = writeln!(std::io::stderr());
    Ok(summary)
}

/// Demo progress on one line of stderr, rewritten as it moves.
fn progress_on_stderr() -> impl FnMut(&str, f64) {
    let mut last = String::new();
    move |stage, fraction| {
        let line = format!("{stage}... {:>3.0}%", fraction * 100.0);
        if line != last {
            let _ = write!(std::io::stderr(), "\r{line}   ");
            last = line;
        }
    }
}

/// `cargo run --release` with no command: the window, on the demo database
/// (made on first run, behind a progress bar).
fn open_window(path: std::path::PathBuf) -> Result<(), DeskError> {
    // Without a display the windowing library panics; say it plainly instead.
    let no_display = |name: &str| std::env::var_os(name).is_none_or(|v| v.is_empty());
    if cfg!(target_os = "linux") && no_display("DISPLAY") && no_display("WAYLAND_DISPLAY") {
        return Err(DeskError::Invalid(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); use the command line: \
             utility-desk --help"
                .into(),
        ));
    }
    // The windowing library panics when the display cannot be opened (a
    // DISPLAY naming no server): say so in a sentence, not a backtrace. A
    // panic on the window's own thread is caught and told the same way;
    // other threads keep the default report.
    let said: std::sync::Arc<std::sync::Mutex<Option<String>>> = std::sync::Arc::default();
    let default_hook = std::sync::Arc::new(std::panic::take_hook());
    {
        let (said, default_hook) = (said.clone(), default_hook.clone());
        let main = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == main {
                let message = info.payload_as_str().map_or_else(|| info.to_string(), str::to_string);
                if let Ok(mut said) = said.lock() {
                    *said = Some(message);
                }
            } else {
                default_hook(info);
            }
        }));
    }
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::gui::run(path)));
    match ran {
        Ok(result) => result.map_err(|e| {
            DeskError::Invalid(format!(
                "the window could not open ({e}); without a display, use the command line: utility-desk --help"
            ))
        }),
        Err(_) => {
            let message = said.lock().ok().and_then(|s| s.clone()).unwrap_or_default();
            let display = std::env::var("DISPLAY").unwrap_or_default();
            if message.contains("XOpenDisplayFailed") || message.contains("event loop") {
                Err(DeskError::Invalid(format!(
                    "the window could not open: no display could be reached at DISPLAY={display:?}; check that \
                     the X server is running and that this user may use it, or use the command line: \
                     utility-desk --help"
                )))
            } else {
                Err(DeskError::Invalid(format!(
                    "the window stopped on an internal error ({message}); what was committed is kept \
                     (`utility-desk verify` checks it); please report this"
                )))
            }
        }
    }
}
