//! A sitting on the command line: `session start --as USER` signs in once
//! and prints the line that keeps the session in the shell
//! (`export UTILITY_DESK_SESSION=...`); the commands that follow with the
//! same `--as` go on without the password until 15 minutes pass without one
//! (the window's idle lock), and `session end` ends it. For a
//! representative who uses a screen reader, the password on every command
//! was the command line's worst cost.

use std::io::Write;

use chrono::Utc;
use clap::Subcommand;

use super::read_password;
use super::sign_in::SignIn;
use crate::desk::{Desk, DeskError};

/// Where the shell keeps the session's token.
pub const SESSION_VARIABLE: &str = "UTILITY_DESK_SESSION";

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Sign in once for a sitting: prints `export UTILITY_DESK_SESSION=...`
    /// for the shell (in bash: eval "$(utility-desk session start --as rep1)").
    Start {
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// End the sitting in UTILITY_DESK_SESSION: its token signs nobody in again.
    End {
        #[command(flatten)]
        sign_in: SignIn,
    },
}

fn io(e: std::io::Error) -> DeskError {
    DeskError::Invalid(e.to_string())
}

/// The token the shell holds, if any.
pub fn token_in_shell() -> Option<String> {
    std::env::var(SESSION_VARIABLE).ok().filter(|t| !t.trim().is_empty())
}

pub fn session(desk: &mut Desk, out: &mut impl Write, command: SessionCommand) -> Result<(), DeskError> {
    let now = Utc::now();
    match command {
        SessionCommand::Start { sign_in } => {
            let password = read_password(sign_in.password_stdin, &format!("Password for {}: ", sign_in.as_user))?;
            let (session, token) = desk.start_cli_session(now, &sign_in.as_user, &password)?;
            eprintln!(
                "Signed in as {} for this sitting: commands with --as {} need no password until 15 minutes pass \
                 without one. `utility-desk session end --as {}` ends it.",
                session.actor.username, session.actor.username, session.actor.username
            );
            writeln!(out, "export {SESSION_VARIABLE}={token}").map_err(io)
        }
        SessionCommand::End { sign_in } => {
            let actor = sign_in.actor(desk, now)?;
            let Some(token) = token_in_shell() else {
                return Err(DeskError::Invalid(format!("no session to end: {SESSION_VARIABLE} is not set")));
            };
            desk.end_cli_session(&actor, now, &token)?;
            writeln!(out, "Session of {} ended. In the shell: unset {SESSION_VARIABLE}", actor.username).map_err(io)
        }
    }
}
