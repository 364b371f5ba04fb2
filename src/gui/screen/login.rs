//! Sign in, and the idle lock: the same form, with the name fixed when the
//! window is locked (another person may sign in instead).

use iced::widget::{Id, button, column, container, operation, row, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use crate::demo::{DEMO_PASSWORD, DEMO_USERS};
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget;

pub const USERNAME: Id = Id::new("login-username");
pub const PASSWORD: Id = Id::new("login-password");
pub const NEW_PASSWORD: Id = Id::new("login-new-password");
pub const NEW_AGAIN: Id = Id::new("login-new-again");

/// Why the window is locked, as the lock screen says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    /// Nothing was touched for the idle time.
    Idle,
    /// The person locked it (Ctrl+L).
    ByHand,
}

#[derive(Debug, Clone, Default)]
pub struct Login {
    username: String,
    password: String,
    error: Option<String>,
    /// Set while the sign-in is checked (Argon2 takes a moment).
    busy: bool,
    demo: bool,
    /// The window is locked over this person's work, and why.
    locked_for: Option<(String, LockReason)>,
    /// The password was set by someone else: the person chooses their own
    /// (typed twice) before signing in. Holds the current password the
    /// change proves itself with.
    choosing: Option<Choosing>,
}

/// A new password being chosen at sign-in.
#[derive(Debug, Clone, Default)]
struct Choosing {
    current: String,
    new: String,
    again: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    Username(String),
    Password(String),
    /// The new password, when one must be chosen.
    NewPassword(String),
    /// The new password again.
    NewAgain(String),
    Submit,
    /// On the lock screen: someone else signs in (the locked work is dropped
    /// when they do).
    SomeoneElse,
}

/// What the app must do.
pub enum Event {
    SignIn {
        username: String,
        password: String,
    },
    /// Choose a new password, proven by the current one, and sign in.
    ChangePassword {
        username: String,
        current: String,
        new: String,
    },
}

/// Focus for a fresh sign-in form.
pub fn focus<T: Send + 'static>() -> Task<T> {
    operation::focus(USERNAME)
}

/// Focus for the lock screen, or after a failed attempt.
pub fn focus_password<T: Send + 'static>() -> Task<T> {
    operation::focus(PASSWORD)
}

impl Login {
    pub fn new(demo: bool) -> Login {
        Login { demo, ..Login::default() }
    }

    pub fn locked(username: &str, reason: LockReason) -> Login {
        Login { username: username.to_string(), locked_for: Some((username.to_string(), reason)), ..Login::default() }
    }

    pub fn is_demo(&self) -> bool {
        self.demo
    }

    pub fn set_demo(&mut self, demo: bool) {
        self.demo = demo;
    }

    /// The attempt failed: say why, keep the name, clear the password.
    pub fn failed(&mut self, why: String) {
        self.error = Some(why);
        self.password.clear();
        if let Some(choosing) = &mut self.choosing {
            choosing.new.clear();
            choosing.again.clear();
        }
        self.busy = false;
    }

    /// The password was right but set by someone else: ask for a new one,
    /// keeping the current one to prove the change with.
    pub fn must_choose(&mut self) {
        let current = std::mem::take(&mut self.password);
        self.choosing = Some(Choosing { current, ..Choosing::default() });
        self.error = None;
        self.busy = false;
    }

    /// Whether a new password is being chosen (focus goes to its field).
    pub fn is_choosing(&self) -> bool {
        self.choosing.is_some()
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Username(username) if self.locked_for.is_none() => self.username = username,
            Message::Username(_) => {}
            Message::Password(password) => self.password = password,
            Message::NewPassword(new) => {
                if let Some(choosing) = &mut self.choosing {
                    choosing.new = new;
                }
            }
            Message::NewAgain(again) => {
                if let Some(choosing) = &mut self.choosing {
                    choosing.again = again;
                }
            }
            Message::SomeoneElse => {
                self.locked_for = None;
                self.choosing = None;
                self.username.clear();
                self.password.clear();
                self.error = None;
            }
            Message::Submit => {
                if self.busy {
                    return None;
                }
                if let Some(choosing) = &mut self.choosing {
                    if choosing.new.is_empty() || choosing.new != choosing.again {
                        choosing.new.clear();
                        choosing.again.clear();
                        self.error = Some("type the same new password in both fields".into());
                        return None;
                    }
                    self.busy = true;
                    self.error = None;
                    return Some(Event::ChangePassword {
                        username: self.username.trim().to_string(),
                        current: choosing.current.clone(),
                        new: choosing.new.clone(),
                    });
                }
                let username = self.username.trim().to_string();
                if username.is_empty() || self.password.is_empty() {
                    self.error = Some("enter your user name and password".into());
                    return None;
                }
                self.busy = true;
                self.error = None;
                return Some(Event::SignIn { username, password: self.password.clone() });
            }
        }
        None
    }

    pub fn view(&self) -> Element<'_, Message> {
        if let Some(choosing) = &self.choosing {
            return self.choose_view(choosing);
        }
        let heading = match &self.locked_for {
            Some((user, reason)) => column![
                text("Locked").size(26),
                text(match reason {
                    LockReason::Idle => format!("Locked after 15 idle minutes. {user}, enter your password to go on."),
                    LockReason::ByHand => format!("Locked by {user}. Enter your password to go on."),
                })
                .style(theme::muted),
            ],
            None => column![text("Utility Desk").size(26), text("Customer account desk").style(theme::muted)],
        }
        .spacing(4);
        let mut username = text_input("User name", &self.username).id(USERNAME).padding(8).on_submit(Message::Submit);
        if self.locked_for.is_none() {
            username = username.on_input(Message::Username);
        }
        let password = text_input("Password", &self.password)
            .id(PASSWORD)
            .secure(true)
            .padding(8)
            .on_input(Message::Password)
            .on_submit(Message::Submit);
        let submit = button(text(if self.busy { "Checking…" } else { "Sign in" }).width(Fill).align_x(Center))
            .width(Fill)
            .padding(8)
            .action_maybe((!self.busy).then_some(Message::Submit));
        let mut form = column![heading, username, password, submit].spacing(12).width(360);
        if let Some(error) = &self.error {
            form = form.push(widget::error(error));
        }
        if self.locked_for.is_some() {
            form = form
                .push(button(text("Sign in as someone else  Alt+S")).action(Message::SomeoneElse).style(button::text));
        }
        if self.demo && self.locked_for.is_none() {
            form = form.push(demo_users());
        }
        container(form).center(Fill).into()
    }
}

impl Login {
    /// The form for choosing one's own password after a temporary one.
    fn choose_view<'a>(&'a self, choosing: &'a Choosing) -> Element<'a, Message> {
        let heading = column![
            text("Choose your password").size(26),
            text(format!(
                "{}, your password was set by an Administrator. Choose your own ({} characters or more) before going on.",
                self.username,
                crate::desk::MIN_PASSWORD_CHARS
            ))
            .style(theme::muted),
        ]
        .spacing(4);
        let new = text_input("New password", &choosing.new)
            .id(NEW_PASSWORD)
            .secure(true)
            .padding(8)
            .on_input(Message::NewPassword)
            .on_submit(Message::Submit);
        let again = text_input("The new password again", &choosing.again)
            .id(NEW_AGAIN)
            .secure(true)
            .padding(8)
            .on_input(Message::NewAgain)
            .on_submit(Message::Submit);
        let submit = button(text(if self.busy { "Checking…" } else { "Save and sign in" }).width(Fill).align_x(Center))
            .width(Fill)
            .padding(8)
            .action_maybe((!self.busy).then_some(Message::Submit));
        let mut form = column![heading, new, again, submit].spacing(12).width(360);
        if let Some(error) = &self.error {
            form = form.push(widget::error(error));
        }
        container(form).center(Fill).into()
    }
}

/// The demo's users, shown only on a demo database.
fn demo_users<'a>() -> Element<'a, Message> {
    let users = DEMO_USERS.iter().fold(column![].spacing(2), |list, (name, _, role)| {
        list.push(row![text(*name).font(Font::MONOSPACE).width(110), text(role.title()).style(theme::muted)])
    });
    container(
        column![
            text("Demo database: sign in as any of"),
            users,
            row![text("Password:"), text(DEMO_PASSWORD).font(Font::MONOSPACE)].spacing(6),
        ]
        .spacing(6),
    )
    .padding(10)
    .style(theme::panel)
    .into()
}
