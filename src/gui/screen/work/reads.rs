//! A held read, worked beside the F2 list of held reads: what was read and
//! why it was held, the account's usage chart one key away (Alt+U), and
//! the decision a CAR III and above takes with a note: bill it as read,
//! bill a corrected reading, or have the meter read again.

use chrono::Utc;
use iced::widget::{Id, button, canvas, column, operation, row, text, text_input};
use iced::{Center, Element, Fill, Task};

use crate::desk::{Actor, DeskError, ReadChoice};
use crate::domain::cases::ranks_at_least;
use crate::domain::ids::AccountId;
use crate::domain::user::Role;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::keys::Shortcut;
use crate::gui::screen::account::UsageChart;
use crate::gui::theme;
use crate::gui::widget::{self, labelled};
use crate::records::{CycleReadRow, ReadDecision};

pub const NOTE: Id = Id::new("held-read-note");
pub const READING: Id = Id::new("held-read-reading");

pub struct ReadPanel {
    read: CycleReadRow,
    note: String,
    reading: String,
    /// The account's usage chart, once asked for (Alt+U), and whether it shows.
    chart: Option<UsageChart>,
    showing_chart: bool,
    decided: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Note(String),
    Reading(String),
    Decide(Choice),
    Decided(Result<ReadDecision, DeskError>),
    ToggleChart,
    Chart(Result<Box<crate::desk::Overview>, DeskError>),
    OpenAccount(AccountId),
}

/// What the buttons decide (the corrected reading is read from its field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    AsRead,
    Corrected,
    Reread,
}

pub enum Event {
    /// Decided: the list is loaded again.
    Changed,
    OpenAccount(AccountId),
}

impl ReadPanel {
    pub fn new(read: CycleReadRow) -> ReadPanel {
        ReadPanel {
            read,
            note: String::new(),
            reading: String::new(),
            chart: None,
            showing_chart: false,
            decided: None,
            error: None,
        }
    }

    pub fn id(&self) -> i64 {
        self.read.id
    }

    /// Something typed that a move down the list would lose.
    pub fn is_editing(&self) -> bool {
        !self.note.trim().is_empty() || !self.reading.trim().is_empty()
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Note(typed) => self.note = typed,
            Message::Reading(typed) => self.reading = typed,
            Message::Decide(choice) => return (self.decide(backend, actor, choice), None),
            Message::Decided(Ok(decision)) => {
                self.decided = Some(match decision {
                    ReadDecision::Accepted => format!("Read #{} will be billed as read.", self.read.id),
                    ReadDecision::Corrected { reading, gallons } => {
                        format!("Read #{} will be billed at {reading} ({gallons} gal).", self.read.id)
                    }
                    ReadDecision::Reread => {
                        format!("Read #{} will not be billed: the meter is read again.", self.read.id)
                    }
                });
                self.error = None;
                return (Task::none(), Some(Event::Changed));
            }
            Message::Decided(Err(error)) | Message::Chart(Err(error)) => self.error = Some(error.to_string()),
            Message::ToggleChart => {
                self.showing_chart = !self.showing_chart;
                if self.showing_chart && self.chart.is_none() {
                    let (backend, account) = (backend.clone(), self.read.account_id);
                    return (
                        Task::perform(
                            async move { backend.run(move |desk| desk.overview(account, Utc::now()).map(Box::new)).await },
                            Message::Chart,
                        ),
                        None,
                    );
                }
            }
            Message::Chart(Ok(overview)) => self.chart = Some(UsageChart::new(&overview.bills, overview.sewer_cap_gal)),
            Message::OpenAccount(id) => return (Task::none(), Some(Event::OpenAccount(id))),
        }
        (Task::none(), None)
    }

    fn decide(&mut self, backend: &Backend, actor: &Actor, choice: Choice) -> Task<Message> {
        if self.decided.is_some() {
            return Task::none();
        }
        if self.note.trim().is_empty() {
            self.error = Some("say why in the note first: what was checked, and with whom".into());
            return operation::focus(NOTE);
        }
        let choice = match choice {
            Choice::AsRead => ReadChoice::Accept,
            Choice::Reread => ReadChoice::Reread,
            Choice::Corrected => match self.reading.trim().replace(',', "").parse::<u64>() {
                Ok(reading) => ReadChoice::Correct(reading),
                Err(_) => {
                    self.error = Some(format!(
                        "type the corrected reading as a whole number (the meter's dials), not \"{}\"",
                        self.reading.trim()
                    ));
                    return operation::focus(READING);
                }
            },
        };
        let (backend, actor, id, note) = (backend.clone(), actor.clone(), self.read.id, self.note.clone());
        Task::perform(
            async move { backend.run(move |desk| desk.decide_read(&actor, Utc::now(), id, choice, &note)).await },
            Message::Decided,
        )
    }

    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Option<(Task<Message>, Option<Event>)> {
        let may_decide = may_decide(actor) && self.decided.is_none();
        let message = match key {
            Shortcut::Mnemonic('u') => Message::ToggleChart,
            Shortcut::Mnemonic('b') => Message::OpenAccount(self.read.account_id),
            Shortcut::Mnemonic('p') if may_decide => Message::Decide(Choice::AsRead),
            Shortcut::Mnemonic('e') if may_decide => Message::Decide(Choice::Corrected),
            Shortcut::Mnemonic('r') if may_decide => Message::Decide(Choice::Reread),
            _ => return None,
        };
        Some(self.update(backend, actor, message))
    }

    pub fn view(&self, actor: &Actor) -> Element<'_, Message> {
        let r = &self.read;
        let exception = r.exception.map_or("", |e| e.label());
        let mut detail = column![
            row![text(format!("Held read #{}", r.id)).size(18), text(exception).style(theme::muted)]
                .spacing(10)
                .align_y(Center),
            text(r.exception_detail.clone().unwrap_or_default()),
            row![
                labelled("Account", text(format!("{} · {}", r.account_number, r.name))),
                labelled("Cycle", text(r.cycle.to_string())),
                labelled("Meter", text(r.meter_number.clone())),
            ]
            .spacing(20)
            .wrap(),
            row![
                labelled("Read on", text(r.read_on.to_string())),
                labelled("Reading", text(format!("{} ({})", r.reading, r.kind))),
                labelled("Use since the last read", text(format!("{} gal", r.consumption_gal))),
                labelled("Reader", text(r.reader.clone().unwrap_or_else(|| "—".into()))),
            ]
            .spacing(20)
            .wrap(),
        ]
        .spacing(10)
        .width(Fill);
        let chart_label = if self.showing_chart { "Hide usage  Alt+U" } else { "Usage chart  Alt+U" };
        detail = detail.push(
            row![
                button(text(chart_label)).action(Message::ToggleChart),
                button(text("Open the account  Alt+B")).action(Message::OpenAccount(r.account_id)),
            ]
            .spacing(8)
            .wrap(),
        );
        if self.showing_chart {
            detail = detail.push(match &self.chart {
                Some(chart) => canvas(chart).width(Fill).height(220).into(),
                None => Element::from(text("Loading the account's bills…").style(theme::muted)),
            });
        }
        if let Some(said) = &self.decided {
            detail = detail.push(text(said.clone()));
        } else if may_decide(actor) {
            detail = detail.push(
                column![
                    text_input("Note: why (what was checked, and with whom)", &self.note)
                        .id(NOTE)
                        .on_input(Message::Note)
                        .padding(5),
                    text_input("Corrected reading (for Alt+E)", &self.reading)
                        .id(READING)
                        .on_input(Message::Reading)
                        .padding(5),
                    row![
                        button(text("Bill as read  Alt+P")).action(Message::Decide(Choice::AsRead)),
                        button(text("Bill the corrected reading  Alt+E")).action(Message::Decide(Choice::Corrected)),
                        button(text("Read the meter again  Alt+R")).action(Message::Decide(Choice::Reread)),
                    ]
                    .spacing(8)
                    .wrap(),
                ]
                .spacing(6),
            );
        } else {
            detail = detail
                .push(text(format!("A {} or above decides a held read.", Role::Car3.title())).style(theme::muted));
        }
        if let Some(error) = &self.error {
            detail = detail.push(widget::error(error));
        }
        detail.into()
    }
}

fn may_decide(actor: &Actor) -> bool {
    ranks_at_least(actor.role, Role::Car3)
}

/// A held read's line in the list.
pub fn read_line<'a, M: Clone + 'a>(read: &'a CycleReadRow, chosen: bool, on_press: M) -> Element<'a, M> {
    button(
        column![
            text(format!("#{} · {} · {}", read.id, read.account_number, read.exception.map_or("", |e| e.label()))),
            text(format!(
                "read {} · {} gal · cycle {} · {}",
                read.read_on, read.consumption_gal, read.cycle, read.name
            ))
            .size(12)
            .style(theme::muted),
        ]
        .width(Fill),
    )
    .action(on_press)
    .width(Fill)
    .padding([3, 6])
    .style(theme::row_button(chosen))
    .into()
}
