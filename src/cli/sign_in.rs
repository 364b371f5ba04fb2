//! Signing in on the command line: `--as USER`, the password from the
//! terminal or from standard input (`--password-stdin`, for scripts).

use chrono::{DateTime, Utc};
use clap::Args;

use super::read_password;
use crate::desk::{Actor, Desk, DeskError};

/// Who is acting, and how their password is given.
#[derive(Debug, Clone, Args)]
pub struct SignIn {
    /// The person acting: they sign in with their password.
    #[arg(long = "as", value_name = "USER")]
    pub as_user: String,
    /// Read the password from the first line of standard input instead of asking.
    #[arg(long)]
    pub password_stdin: bool,
}

impl SignIn {
    /// Reads the password and signs in. A failure is the desk's message,
    /// which never repeats the password.
    pub fn actor(&self, desk: &mut Desk, now: DateTime<Utc>) -> Result<Actor, DeskError> {
        // A sitting begun with `session start` goes on without the password
        // (never for a script giving it on standard input).
        if !self.password_stdin
            && let Some(token) = super::session::token_in_shell()
        {
            match desk.resume_cli_session(now, &self.as_user, &token) {
                Ok(session) => return Ok(session.actor),
                Err(DeskError::SessionExpired) => {
                    eprintln!("The session has ended (15 minutes without a command, or ended): sign in again.");
                }
                Err(error) => return Err(error),
            }
        }
        let password = read_password(self.password_stdin, &format!("Password for {}: ", self.as_user))?;
        match desk.login(now, &self.as_user, &password) {
            Ok(session) => Ok(session.actor),
            Err(DeskError::PasswordChangeRequired(user)) => Err(DeskError::Invalid(format!(
                "{user}'s password was set by someone else: choose a new one first with \
                 `utility-desk user passwd {user} --as {user}`"
            ))),
            Err(error) => Err(error),
        }
    }

    /// Changes the signed-in person's own password: the current one (the
    /// first line of standard input, or asked), then the new one.
    pub fn change_own_password(&self, desk: &mut Desk, now: DateTime<Utc>) -> Result<Actor, DeskError> {
        let current = read_password(self.password_stdin, &format!("Current password for {}: ", self.as_user))?;
        let new = self.new_password(&self.as_user)?;
        Ok(desk.change_password(now, &self.as_user, &current, &new, crate::desk::Channel::CommandLine)?.actor)
    }

    /// A second password after the sign-in one (a new user's, a new one):
    /// the next line of standard input, or asked twice on the terminal.
    pub fn new_password(&self, whose: &str) -> Result<String, DeskError> {
        let password = read_password(self.password_stdin, &format!("New password for {whose}: "))
            .map_err(|e| DeskError::Invalid(format!("the new password: {e}")))?;
        if !self.password_stdin {
            let again = read_password(false, "The same password again: ")?;
            if again != password {
                return Err(DeskError::Invalid("the two passwords differ: nothing was changed".into()));
            }
        }
        Ok(password)
    }
}
