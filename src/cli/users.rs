//! `user add|list|disable|unlock|passwd` and `policy show|set`.

use std::io::Write;

use chrono::Utc;
use clap::Subcommand;

use super::show::{io, json};
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError};
use crate::domain::authority::{Figure, Limit, Policy};
use crate::domain::user::Role;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user (Administrators only). Their first password is temporary:
    /// they choose their own at their first sign-in. It is asked for, or read
    /// from the second line of standard input with --password-stdin.
    Add {
        /// The new user's sign-in name.
        username: String,
        /// Their full name.
        #[arg(long)]
        name: String,
        /// Their classification: car1, car2, car3, supervisor, manager, admin, or
        /// batch (the utility's automated jobs: bill runs, payment files and
        /// late fees, on the command line only).
        #[arg(long)]
        role: Role,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// List the users.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Disable a user: they can no longer sign in (Administrators only).
    Disable {
        username: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Unlock a user locked by failed sign-ins (Administrators only).
    Unlock {
        username: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Change a password. Your own: your current password (the first line of
    /// standard input with --password-stdin), then the new one (the second).
    /// Anyone else's, as an Administrator: a temporary password they must
    /// replace at their next sign-in (your password, then theirs).
    Passwd {
        username: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the limits table: per role, each action's per-item limit, the
    /// daily total and the approval limit.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change one limit (Managers and Administrators only).
    Set {
        /// car1, car2, car3 or supervisor.
        role: Role,
        /// credit, adjustment, waiver, reversal, daily or approve.
        figure: Figure,
        /// An amount like 75.00, or "unlimited".
        limit: String,
        #[command(flatten)]
        sign_in: SignIn,
    },
}

pub fn user(desk: &mut Desk, out: &mut impl Write, command: UserCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        UserCommand::Add { username, name, role, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let password = sign_in.new_password(&username)?;
            desk.add_user_as(&actor, now, &username, &name, role, &password)?;
            writeln!(out, "added: {} ({}, {})", username.trim(), name.trim(), role.title()).map_err(io)
        }
        UserCommand::List { json: as_json, sign_in } => {
            sign_in.actor(desk, now)?;
            let users = desk.users()?;
            if as_json {
                return json(out, &users);
            }
            for user in &users {
                let state = match (user.active, user.locked) {
                    (false, _) => "disabled",
                    (true, true) => "LOCKED",
                    (true, false) => "active",
                };
                writeln!(out, "{:<16} {:<28} {:<36} {state}", user.username, user.full_name, user.role.title())
                    .map_err(io)?;
            }
            Ok(())
        }
        UserCommand::Disable { username, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            desk.disable_user(&actor, now, &username)?;
            writeln!(out, "disabled: {username}").map_err(io)
        }
        UserCommand::Unlock { username, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            desk.unlock_user(&actor, now, &username)?;
            writeln!(out, "unlocked: {username}").map_err(io)
        }
        UserCommand::Passwd { username, sign_in } if username.trim().eq_ignore_ascii_case(sign_in.as_user.trim()) => {
            sign_in.change_own_password(desk, now)?;
            writeln!(out, "password changed: {username}").map_err(io)
        }
        UserCommand::Passwd { username, sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let password = sign_in.new_password(&username)?;
            desk.set_password(Some(&actor), now, &username, &password)?;
            writeln!(out, "temporary password set: {username} must choose their own at their next sign-in").map_err(io)
        }
    }
}

pub fn policy(desk: &mut Desk, out: &mut impl Write, command: PolicyCommand) -> Result<(), DeskError> {
    match command {
        PolicyCommand::Show { json: as_json } => {
            let policy = desk.policy()?;
            if as_json { json(out, &table(&policy)) } else { print_table(out, &policy) }
        }
        PolicyCommand::Set { role, figure, limit, sign_in } => {
            let now = Utc::now();
            let limit: Limit = limit.parse().map_err(DeskError::Amount)?;
            let actor = sign_in.actor(desk, now)?;
            let before = desk.policy()?.figure(role, figure);
            let after = desk.set_policy(&actor, now, role, figure, limit)?.figure(role, figure);
            let shown = |limit: Option<Limit>| limit.map_or_else(|| "none".to_string(), |l| l.to_string());
            writeln!(out, "{}: {} {} → {}", role.title(), figure.label(), shown(before), shown(after)).map_err(io)
        }
    }
}

/// The policy as `policy show --json` prints it: per role code, each
/// figure's code with cents, "unlimited", or null where the role has no
/// such authority.
fn table(policy: &Policy) -> serde_json::Value {
    let rows = Role::ALL.iter().map(|&role| {
        let mut row = serde_json::Map::new();
        row.insert("title".into(), role.title().into());
        for figure in Figure::ALL {
            let value = serde_json::to_value(policy.figure(role, figure)).unwrap_or(serde_json::Value::Null);
            row.insert(figure.code().into(), value);
        }
        (role.code().to_string(), serde_json::Value::Object(row))
    });
    serde_json::Value::Object(rows.collect())
}

fn print_table(out: &mut impl Write, policy: &Policy) -> Result<(), DeskError> {
    let mut header = format!("{:<38}", "role");
    for figure in Figure::ALL {
        header.push_str(&format!(" {:>12}", figure.code()));
    }
    writeln!(out, "{header}").map_err(io)?;
    for &role in Role::ALL {
        let mut line = format!("{:<38}", role.title());
        for figure in Figure::ALL {
            let cell = policy.figure(role, figure).map_or_else(|| "—".to_string(), |l| l.to_string());
            line.push_str(&format!(" {cell:>12}"));
        }
        writeln!(out, "{line}").map_err(io)?;
    }
    writeln!(
        out,
        "Per-item limits for credit, adjustment, waiver and reversal; daily: all money actions in a business day, \
         pending requests included; approve: the largest request the role may approve. — : no such authority."
    )
    .map_err(io)
}
