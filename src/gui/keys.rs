//! The keyboard: which keys mean what on every screen, and the F1 list.

use iced::event::{self, Event};
use iced::keyboard::{self, Key, Modifiers, key::Named};
use iced::widget::{column, container, text};
use iced::{Element, window};

use super::app::Message;
use super::focus::PageMove;
use super::theme;
use super::widget::key_hint;

/// Keys that mean the same on every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Search,
    Help,
    Up,
    Down,
    Enter,
    Escape,
    FocusNext,
    FocusPrevious,
    /// Alt+1..: a tab of the account.
    Tab(u8),
    Credit,
    /// Alt+J: adjust the chosen bill.
    Adjust,
    /// Alt+L: log a contact or complaint.
    Contact,
    /// Alt+W: draft a service order on the open account.
    Order,
    Approvals,
    /// F2: work queues and the liaison report.
    Work,
    /// F3: supervisor reports.
    Reports,
    /// Alt+M: administration.
    Admin,
    /// Alt and another letter: the button on screen that shows it
    /// ("Approve and post  Alt+P").
    Mnemonic(char),
    Lock,
    Theme,
    /// Ctrl+= or Ctrl++ (1), Ctrl+- (-1), Ctrl+0 (0, the standard size).
    TextSize(i8),
    /// PgUp, PgDn, and Home or End outside a text field: the long pane.
    Page(PageMove),
}

/// The shortcut list (F1).
pub fn help<'a>() -> Element<'a, Message> {
    let keys = [
        ("Ctrl+F or /", "search, from anywhere"),
        ("↑ ↓  Enter", "move through results; open the account"),
        ("Alt+N", "on search: start service for a new customer"),
        ("Alt+1 … Alt+5", "account tabs: activity, bills, usage, cases, requests"),
        ("Alt+C", "issue a credit on the open account"),
        ("Alt+V  Alt+R", "on Activity, the line chosen (↑ ↓): waive a late fee, or reverse it"),
        ("Alt+J", "adjust the chosen bill (Bills tab)"),
        ("Alt+I", "dispute the chosen bill (Bills tab); Alt+G grant, Alt+N deny on a dispute"),
        ("Alt+L", "log a contact or complaint"),
        ("Alt+W", "draft a service order on the open account"),
        ("Alt+H", "service on the open account: stop it, move it with the customer, or start another premise"),
        ("Alt+U", "the customer's information: mailing address, phone, email, paperless, who may be spoken to"),
        ("Alt+S", "the open account's itemized statement: save as PDF or CSV, or print"),
        ("Alt+K", "a letter to the customer from a template, read and edited before it is sent"),
        ("Alt+A", "approvals (supervisors) or my requests"),
        (
            "F2",
            "work queues: my work, liaison queue, liaison report, service orders, held reads (Alt+1 … Alt+5); Find by number",
        ),
        ("Alt+P E R U", "on a held read: bill as read, bill the corrected reading, read again; the usage chart"),
        ("Alt+N T G E R O", "on a complaint: note, take it, assign, escalate, close, reopen"),
        ("Alt+U V D F X E", "on an order: submit, review, send, field result, cancel, edit a draft"),
        (
            "F3",
            "supervisor reports: credits and adjustments, complaints, productivity (Alt+1 … Alt+3; Alt+V saves CSV)",
        ),
        ("Alt+M", "administration: users and limits"),
        ("Alt+letter", "the button showing it, e.g. Approve and post  Alt+P"),
        ("Tab  Shift+Tab", "next or previous field, button or row; Enter or Space presses a button"),
        ("PgUp PgDn Home End", "scroll the page you are reading"),
        ("Esc", "close one thing: this list, a form, an explanation; then back to search"),
        ("Ctrl+L", "lock the window now; Alt+S at the lock: someone else signs in"),
        ("Alt+Q", "sign out"),
        ("Ctrl+=  Ctrl+-  Ctrl+0", "larger or smaller text, up to 200 %; back to 100 %"),
        ("F9", "light, dark or high contrast"),
        ("F1", "show or hide this list"),
    ];
    let list = keys
        .into_iter()
        .fold(column![text("Keyboard").size(20)].spacing(6), |list, (key, what)| list.push(key_hint(key, what)));
    container(list).padding(16).style(theme::panel).into()
}

/// The keyboard, for every screen. A plain `fn` (iced's listener takes no
/// captures): keys with Ctrl, Alt or F-keys work even while typing; plain
/// keys only when no input used them.
pub fn on_event(event: Event, status: event::Status, _window: window::Id) -> Option<Message> {
    match event {
        Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. }) => {
            Some(shortcut_for(&key, modifiers, status).map_or(Message::Activity, Message::Key))
        }
        Event::Mouse(iced::mouse::Event::ButtonPressed(_)) => Some(Message::Activity),
        _ => None,
    }
}

pub fn shortcut_for(key: &Key, modifiers: Modifiers, status: event::Status) -> Option<Shortcut> {
    match key.as_ref() {
        Key::Character("f") if modifiers.command() => return Some(Shortcut::Search),
        Key::Character("l") if modifiers.command() => return Some(Shortcut::Lock),
        Key::Character("=" | "+") if modifiers.command() => return Some(Shortcut::TextSize(1)),
        Key::Character("-") if modifiers.command() => return Some(Shortcut::TextSize(-1)),
        Key::Character("0") if modifiers.command() => return Some(Shortcut::TextSize(0)),
        Key::Character("c") if modifiers.alt() => return Some(Shortcut::Credit),
        Key::Character("j") if modifiers.alt() => return Some(Shortcut::Adjust),
        Key::Character("l") if modifiers.alt() => return Some(Shortcut::Contact),
        Key::Character("w") if modifiers.alt() => return Some(Shortcut::Order),
        Key::Character("a") if modifiers.alt() => return Some(Shortcut::Approvals),
        Key::Character("m") if modifiers.alt() => return Some(Shortcut::Admin),
        Key::Character(other) if modifiers.alt() => {
            let mut chars = other.chars();
            return match (chars.next(), chars.next()) {
                (Some(digit @ '1'..='9'), None) => digit.to_digit(10).map(|d| Shortcut::Tab(d as u8)),
                (Some(letter), None) if letter.is_ascii_alphabetic() => {
                    Some(Shortcut::Mnemonic(letter.to_ascii_lowercase()))
                }
                _ => None,
            };
        }
        Key::Named(Named::F1) => return Some(Shortcut::Help),
        Key::Named(Named::F2) => return Some(Shortcut::Work),
        Key::Named(Named::F3) => return Some(Shortcut::Reports),
        Key::Named(Named::F9) => return Some(Shortcut::Theme),
        // Arrows and Tab: a text input does not use them.
        Key::Named(Named::ArrowUp) => return Some(Shortcut::Up),
        Key::Named(Named::ArrowDown) => return Some(Shortcut::Down),
        Key::Named(Named::Tab) if modifiers.shift() => return Some(Shortcut::FocusPrevious),
        Key::Named(Named::Tab) => return Some(Shortcut::FocusNext),
        // Esc closes one layer even from a text field (which would
        // otherwise keep the first press to let go of the focus).
        Key::Named(Named::Escape) => return Some(Shortcut::Escape),
        Key::Named(Named::PageUp) => return Some(Shortcut::Page(PageMove::Up)),
        Key::Named(Named::PageDown) => return Some(Shortcut::Page(PageMove::Down)),
        _ => {}
    }
    if status == event::Status::Captured {
        return None;
    }
    match key.as_ref() {
        Key::Character("/") => Some(Shortcut::Search),
        Key::Named(Named::Enter) => Some(Shortcut::Enter),
        Key::Named(Named::Home) => Some(Shortcut::Page(PageMove::Top)),
        Key::Named(Named::End) => Some(Shortcut::Page(PageMove::Bottom)),
        _ => None,
    }
}
