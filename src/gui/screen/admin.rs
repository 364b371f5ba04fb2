//! Administration: users (Administrators add, disable, unlock and reset
//! passwords) and the limits table (Managers and Administrators change a
//! figure). Every change goes through the desk, which checks the role and
//! audits it.

use chrono::Utc;
use iced::widget::{Id, button, column, row, rule, scrollable, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use super::super::app::Shortcut;
use crate::desk::{Actor, DeskError};
use crate::domain::authority::{Figure, Limit, Policy};
use crate::domain::user::Role;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};
use crate::records::UserRow;

pub const NEW_USERNAME: Id = Id::new("admin-new-username");
pub const NEW_NAME: Id = Id::new("admin-new-name");
pub const NEW_PASSWORD: Id = Id::new("admin-new-password");
pub const RESET_PASSWORD: Id = Id::new("admin-reset-password");
pub const LIMIT: Id = Id::new("admin-limit");
pub const NEW_ROLE: Id = Id::new("admin-new-role");

/// The roles a person can be given, in the table's order.
const ROLES: [Role; 7] =
    [Role::Car1, Role::Car2, Role::Car3, Role::Supervisor, Role::Manager, Role::Admin, Role::Batch];

pub struct Admin {
    users: Vec<UserRow>,
    policy: Option<Policy>,
    selected: usize,
    new_username: String,
    new_name: String,
    /// What was typed for the role ("car2", "super"); buttons fill it in.
    new_role: String,
    new_password: String,
    reset_password: String,
    /// A change to the limits table as typed: "car2 credit 75.00". Choosing
    /// a cell fills it in.
    limit: String,
    notice: Option<Notice>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<(Vec<UserRow>, Policy), DeskError>),
    Select(usize),
    NewUsername(String),
    NewName(String),
    NewRole(String),
    NewPassword(String),
    Add,
    ResetPassword(String),
    Reset,
    Disable,
    Unlock,
    Edit(Role, Figure),
    Limit(String),
    SaveLimit,
    Done(Result<Notice, DeskError>),
}

impl Admin {
    pub fn new(backend: &Backend) -> (Admin, Task<Message>) {
        let admin = Admin {
            users: Vec::new(),
            policy: None,
            selected: 0,
            new_username: String::new(),
            new_name: String::new(),
            new_role: String::new(),
            new_password: String::new(),
            reset_password: String::new(),
            limit: String::new(),
            notice: None,
            error: None,
        };
        (admin, load(backend))
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> Task<Message> {
        match message {
            Message::Loaded(Ok((users, policy))) => {
                self.users = users;
                self.policy = Some(policy);
                self.selected = self.selected.min(self.users.len().saturating_sub(1));
                Task::none()
            }
            Message::Loaded(Err(error)) | Message::Done(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Done(Ok(notice)) => {
                self.notice = Some(notice);
                self.error = None;
                self.new_password.clear();
                self.reset_password.clear();
                self.limit.clear();
                load(backend)
            }
            Message::Select(index) => {
                self.selected = index;
                Task::none()
            }
            Message::NewUsername(text) => set(&mut self.new_username, text),
            Message::NewName(text) => set(&mut self.new_name, text),
            Message::NewPassword(text) => set(&mut self.new_password, text),
            Message::ResetPassword(text) => set(&mut self.reset_password, text),
            Message::Limit(text) => set(&mut self.limit, text),
            Message::NewRole(text) => set(&mut self.new_role, text),
            Message::Add => {
                let Some(role) = matching_role(&self.new_role) else {
                    self.error = Some("choose a role: type car1, car2, car3, supervisor, manager or admin".into());
                    return iced::widget::operation::focus(NEW_ROLE);
                };
                let (username, name, password) =
                    (self.new_username.clone(), self.new_name.clone(), self.new_password.clone());
                act(backend, actor, move |desk, actor| {
                    desk.add_user_as(actor, Utc::now(), &username, &name, role, &password)?;
                    Ok(Notice::new(format!("User {} added as {}.", username.trim(), role.title()), ""))
                })
            }
            Message::Reset | Message::Disable | Message::Unlock => {
                let Some(user) = self.users.get(self.selected) else { return Task::none() };
                let (username, password) = (user.username.clone(), self.reset_password.clone());
                act(backend, actor, move |desk, actor| {
                    let now = Utc::now();
                    let said = match message {
                        Message::Reset => {
                            desk.set_password(Some(actor), now, &username, &password)?;
                            format!("Password of {username} reset.")
                        }
                        Message::Disable => {
                            desk.disable_user(actor, now, &username)?;
                            format!("{username} disabled: they can no longer sign in.")
                        }
                        _ => {
                            desk.unlock_user(actor, now, &username)?;
                            format!("{username} unlocked.")
                        }
                    };
                    Ok(Notice::new(said, ""))
                })
            }
            Message::Edit(role, figure) => {
                let now = self.policy.as_ref().and_then(|p| p.figure(role, figure));
                let amount = now.map(|l| l.to_string().trim_start_matches('$').replace(',', "")).unwrap_or_default();
                self.limit = format!("{} {} {amount}", role.code(), figure.code());
                iced::widget::operation::focus(LIMIT)
            }
            Message::SaveLimit => {
                let (role, figure, limit) = match parse_change(&self.limit) {
                    Ok(change) => change,
                    Err(why) => {
                        self.error = Some(why);
                        return Task::none();
                    }
                };
                act(backend, actor, move |desk, actor| {
                    desk.set_policy(actor, Utc::now(), role, figure, limit)?;
                    Ok(Notice::new(format!("{}: {} is now {limit}.", role.title(), figure.label()), ""))
                })
            }
        }
    }

    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Task<Message> {
        match key {
            Shortcut::Mnemonic('u') => return self.update(backend, actor, Message::Unlock),
            Shortcut::Mnemonic('d') => return self.update(backend, actor, Message::Disable),
            Shortcut::Up => self.selected = self.selected.saturating_sub(1),
            Shortcut::Down => self.selected = (self.selected + 1).min(self.users.len().saturating_sub(1)),
            Shortcut::Escape => self.limit.clear(),
            _ => {}
        }
        Task::none()
    }

    pub fn view(&self, actor: &Actor) -> Element<'_, Message> {
        let mut page = column![text("Administration").size(18)].spacing(10);
        if let Some(notice) = &self.notice {
            page = page.push(widget::notice(notice));
        }
        if let Some(error) = &self.error {
            page = page.push(widget::error(error));
        }
        let admin = actor.role == Role::Admin;
        let users = self.users.iter().enumerate().fold(column![].spacing(1), |list, (i, u)| {
            let state = match (u.active, u.locked) {
                (false, _) => "disabled".to_string(),
                (true, true) => "locked".to_string(),
                (true, false) if u.failed_logins > 0 => format!("{} failed sign-in(s)", u.failed_logins),
                (true, false) => "active".to_string(),
            };
            list.push(
                button(
                    row![
                        text(u.username.clone()).font(Font::MONOSPACE).width(110),
                        text(u.full_name.clone()).width(200),
                        text(u.role.title()).width(Fill),
                        text(state).style(theme::muted).width(150),
                    ]
                    .spacing(8),
                )
                .action(Message::Select(i))
                .width(Fill)
                .padding([2, 6])
                .style(theme::row_button(i == self.selected)),
            )
        });
        let mut people = column![text("Users").size(16), scrollable(users).spacing(6).height(170)].spacing(6);
        if admin {
            people = people.push(self.user_actions()).push(self.add_user());
        } else {
            people = people.push(text("Only an Administrator manages users.").style(theme::muted));
        }
        // One above the other: the limits table needs the window's width.
        scrollable(page.push(people).push(rule::horizontal(1)).push(self.limits())).spacing(6).into()
    }

    fn user_actions(&self) -> Element<'_, Message> {
        let Some(user) = self.users.get(self.selected) else { return column![].into() };
        row![
            text(format!("{}:", user.username)).width(90),
            button(text("Unlock  Alt+U")).action(Message::Unlock).style(button::secondary),
            button(text("Disable  Alt+D")).action(Message::Disable).style(button::danger),
            text_input("New password", &self.reset_password)
                .id(RESET_PASSWORD)
                .secure(true)
                .on_input(Message::ResetPassword)
                .on_submit(Message::Reset)
                .padding(6)
                .width(200),
            button(text("Reset password")).action(Message::Reset),
        ]
        .spacing(6)
        .align_y(Center)
        .into()
    }

    fn add_user(&self) -> Element<'_, Message> {
        let roles = ROLES.iter().fold(row![].spacing(4), |row, role| {
            row.push(
                button(text(role.code()).size(13))
                    .action(Message::NewRole(role.code().to_string()))
                    .style(theme::tab(matching_role(&self.new_role) == Some(*role)))
                    .padding([2, 8]),
            )
        });
        column![
            text("Add a user").size(16),
            row![
                text_input("User name", &self.new_username)
                    .id(NEW_USERNAME)
                    .on_input(Message::NewUsername)
                    .padding(6)
                    .width(160),
                text_input("Full name", &self.new_name).id(NEW_NAME).on_input(Message::NewName).padding(6),
            ]
            .spacing(6),
            row![
                text_input("Role", &self.new_role).id(NEW_ROLE).on_input(Message::NewRole).padding(6).width(120),
                roles,
                text(matching_role(&self.new_role).map_or("", Role::title)).style(theme::muted)
            ]
            .spacing(8)
            .align_y(Center),
            row![
                text_input("First password (10 characters or more)", &self.new_password)
                    .id(NEW_PASSWORD)
                    .secure(true)
                    .on_input(Message::NewPassword)
                    .on_submit(Message::Add)
                    .padding(6),
                button(text("Add user")).action(Message::Add),
            ]
            .spacing(6),
        ]
        .spacing(6)
        .into()
    }

    fn limits(&self) -> iced::widget::Column<'_, Message> {
        let Some(policy) = &self.policy else { return column![text("Loading the limits…").style(theme::muted)] };
        let head = Figure::ALL.iter().fold(row![text("Role").width(190)].spacing(4), |row, figure| {
            row.push(text(figure.label()).size(12).width(96).align_x(iced::Right))
        });
        let rows = ROLES.iter().fold(column![head, rule::horizontal(1)].spacing(3), |rows, role| {
            let cells = Figure::ALL.iter().fold(row![text(role.title()).size(13).width(190)].spacing(4), |row, f| {
                let shown = policy.figure(*role, *f).map_or("—".to_string(), |l| l.to_string());
                row.push(
                    button(text(shown).font(Font::MONOSPACE).size(13).width(Fill).align_x(iced::Right))
                        .action(Message::Edit(*role, *f))
                        .padding([1, 4])
                        .width(96)
                        .style(theme::row_button(false)),
                )
            });
            rows.push(cells)
        });
        let mut limits = column![text("Limits").size(16), rows].spacing(6);
        limits = limits.push(
            row![
                text_input(
                    "Change (Enter): role figure amount, e.g. car2 credit 75.00 or manager daily no limit",
                    &self.limit
                )
                .id(LIMIT)
                .on_input(Message::Limit)
                .on_submit(Message::SaveLimit)
                .padding(6),
                button(text("Save limit")).action(Message::SaveLimit),
            ]
            .spacing(6)
            .align_y(Center),
        );
        limits = limits.push(
            text("Roles: car1 car2 car3 supervisor manager admin · figures: credit adjustment waiver reversal daily approve")
                .size(12)
                .style(theme::muted),
        );
        limits
    }
}

fn set(field: &mut String, text: String) -> Task<Message> {
    *field = text;
    Task::none()
}

/// Runs a change on the desk thread as `actor`.
fn act(
    backend: &Backend,
    actor: &Actor,
    work: impl FnOnce(&mut crate::desk::Desk, &Actor) -> Result<Notice, DeskError> + Send + 'static,
) -> Task<Message> {
    let (backend, actor) = (backend.clone(), actor.clone());
    Task::perform(async move { backend.run(move |desk| work(desk, &actor)).await }, Message::Done)
}

fn load(backend: &Backend) -> Task<Message> {
    let backend = backend.clone();
    Task::perform(async move { backend.run(|desk| Ok((desk.users()?, desk.policy()?))).await }, Message::Loaded)
}

/// The role a typed word names: a code ("car2") or part of a title ("super").
pub fn matching_role(typed: &str) -> Option<Role> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return None;
    }
    ROLES.iter().copied().find(|r| r.code() == typed).or_else(|| {
        ROLES.iter().copied().find(|r| r.code().starts_with(&typed) || r.title().to_lowercase().contains(&typed))
    })
}

/// "car2 credit 75.00", "manager daily no limit": a role code, a figure
/// code and a limit.
pub fn parse_change(typed: &str) -> Result<(Role, Figure, Limit), String> {
    let mut words = typed.split_whitespace();
    let usage = "type a role, a figure and an amount, e.g. car2 credit 75.00";
    let role: Role = words.next().ok_or(usage)?.parse().map_err(|e| format!("{e}: {usage}"))?;
    let figure: Figure = words.next().ok_or(usage)?.parse().map_err(|e| format!("{e}: {usage}"))?;
    let rest = words.collect::<Vec<_>>().join(" ");
    if rest.is_empty() {
        return Err(format!("the new {} of {}: {usage}", figure.label(), role.title()));
    }
    let limit: Limit = rest.parse().map_err(|e| format!("{e}: type an amount such as 75.00, or \"no limit\""))?;
    Ok((role, figure, limit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::authority::MoneyAction;

    #[test]
    fn a_typed_change_names_role_figure_and_limit() {
        let credit = Figure::PerItem(MoneyAction::Credit);
        assert_eq!(parse_change("car2 credit 75.00"), Ok((Role::Car2, credit, Limit::UpTo(Money::from_cents(7_500)))));
        assert_eq!(
            parse_change(" manager  daily no limit "),
            Ok((Role::Manager, Figure::DailyTotal, Limit::Unlimited))
        );
        assert_eq!(parse_change("car1 credit 0"), Ok((Role::Car1, credit, Limit::UpTo(Money::ZERO))));
        for bad in ["", "car2", "car2 credit", "clerk credit 5", "car2 gifts 5", "car2 credit lots"] {
            assert!(parse_change(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn a_typed_word_names_a_role() {
        assert_eq!(matching_role("car2"), Some(Role::Car2));
        assert_eq!(matching_role("super"), Some(Role::Supervisor));
        assert_eq!(matching_role("MAN"), Some(Role::Manager));
        assert_eq!(matching_role("car"), Some(Role::Car1));
        assert_eq!(matching_role("clerk"), None);
        assert_eq!(matching_role(""), None);
    }
}
