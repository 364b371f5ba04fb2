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
use crate::gui::theme;
use crate::gui::widget::{self, Notice};
use crate::store::UserRow;

pub const NEW_USERNAME: Id = Id::new("admin-new-username");
pub const NEW_NAME: Id = Id::new("admin-new-name");
pub const NEW_PASSWORD: Id = Id::new("admin-new-password");
pub const RESET_PASSWORD: Id = Id::new("admin-reset-password");
pub const LIMIT: Id = Id::new("admin-limit");

/// The roles a person can be given, in the table's order.
const ROLES: [Role; 6] = [Role::Car1, Role::Car2, Role::Car3, Role::Supervisor, Role::Manager, Role::Admin];

pub struct Admin {
    users: Vec<UserRow>,
    policy: Option<Policy>,
    selected: usize,
    new_username: String,
    new_name: String,
    new_role: Role,
    new_password: String,
    reset_password: String,
    /// The figure being changed, and what was typed for it.
    editing: Option<(Role, Figure)>,
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
    NewRole(Role),
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
            new_role: Role::Car1,
            new_password: String::new(),
            reset_password: String::new(),
            editing: None,
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
                self.editing = None;
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
            Message::NewRole(role) => {
                self.new_role = role;
                Task::none()
            }
            Message::Add => {
                let (username, name, role, password) =
                    (self.new_username.clone(), self.new_name.clone(), self.new_role, self.new_password.clone());
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
                self.editing = Some((role, figure));
                self.limit = self
                    .policy
                    .as_ref()
                    .and_then(|p| p.figure(role, figure))
                    .map(|l| l.to_string().trim_start_matches('$').replace(',', ""))
                    .unwrap_or_default();
                iced::widget::operation::focus(LIMIT)
            }
            Message::SaveLimit => {
                let Some((role, figure)) = self.editing else { return Task::none() };
                let limit: Limit = match self.limit.parse() {
                    Ok(limit) => limit,
                    Err(error) => {
                        self.error = Some(format!("{error}: type an amount such as 75.00, or \"no limit\""));
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

    pub fn key(&mut self, key: Shortcut) -> Task<Message> {
        match key {
            Shortcut::Up => self.selected = self.selected.saturating_sub(1),
            Shortcut::Down => self.selected = (self.selected + 1).min(self.users.len().saturating_sub(1)),
            Shortcut::Escape => self.editing = None,
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
                .on_press(Message::Select(i))
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
            button(text("Unlock")).on_press(Message::Unlock).style(button::secondary),
            button(text("Disable")).on_press(Message::Disable).style(button::danger),
            text_input("New password", &self.reset_password)
                .id(RESET_PASSWORD)
                .secure(true)
                .on_input(Message::ResetPassword)
                .on_submit(Message::Reset)
                .padding(6)
                .width(200),
            button(text("Reset password")).on_press(Message::Reset),
        ]
        .spacing(6)
        .align_y(Center)
        .into()
    }

    fn add_user(&self) -> Element<'_, Message> {
        let roles = ROLES.iter().fold(row![].spacing(4), |row, role| {
            row.push(
                button(text(role.code()).size(13))
                    .on_press(Message::NewRole(*role))
                    .style(theme::tab(self.new_role == *role))
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
            row![text("Role").width(40), roles, text(self.new_role.title()).style(theme::muted)]
                .spacing(8)
                .align_y(Center),
            row![
                text_input("First password (10 characters or more)", &self.new_password)
                    .id(NEW_PASSWORD)
                    .secure(true)
                    .on_input(Message::NewPassword)
                    .on_submit(Message::Add)
                    .padding(6),
                button(text("Add user")).on_press(Message::Add),
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
                        .on_press(Message::Edit(*role, *f))
                        .padding([1, 4])
                        .width(96)
                        .style(theme::row_button(self.editing == Some((*role, *f)))),
                )
            });
            rows.push(cells)
        });
        let mut limits = column![text("Limits").size(16), rows].spacing(6);
        if let Some((role, figure)) = self.editing {
            limits = limits.push(
                row![
                    text(format!("{}, {}:", role.title(), figure.label())),
                    text_input("75.00 or no limit", &self.limit)
                        .id(LIMIT)
                        .on_input(Message::Limit)
                        .on_submit(Message::SaveLimit)
                        .padding(6)
                        .width(140),
                    button(text("Save limit")).on_press(Message::SaveLimit),
                ]
                .spacing(6)
                .align_y(Center),
            );
        } else {
            limits = limits.push(text("Choose a figure to change it.").style(theme::muted));
        }
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
