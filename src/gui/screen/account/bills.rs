//! Bills: the list on the left (↑ ↓ to choose), the chosen bill itemized on
//! the right with its reads and rate lines, and "Explain this bill".

use iced::widget::{button, column, container, row, rule, text};
use iced::{Center, Element, Fill, Font, Task};

use super::find_bill;
use crate::desk::DeskError;
use crate::desk::explain::explain_bill_with_history;
use crate::desk::explain::thousands;
use crate::domain::ids::BillId;
use crate::domain::reads::ReadKind;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, money};
use crate::records::BillRow;

#[derive(Debug, Default)]
pub struct Bills {
    selected: Option<BillId>,
    /// The chosen bill with its lines (the overview's bills come without).
    detail: Option<BillRow>,
    error: Option<String>,
    explaining: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Select(BillId),
    Loaded(Result<BillRow, DeskError>),
    Explain(bool),
    /// Open the adjustment form on the chosen bill (the account screen does).
    Adjust,
    Dispute,
}

impl Bills {
    pub fn is_explaining(&self) -> bool {
        self.explaining
    }

    /// The chosen bill with its lines, once loaded.
    pub fn chosen(&self) -> Option<&BillRow> {
        self.detail.as_ref().filter(|b| Some(b.id) == self.selected)
    }

    pub fn update(&mut self, backend: &Backend, message: Message) -> Task<Message> {
        match message {
            Message::Select(id) => {
                self.selected = Some(id);
                self.error = None;
                let backend = backend.clone();
                Task::perform(async move { backend.run(move |desk| desk.bill(id)).await }, Message::Loaded)
            }
            Message::Loaded(Ok(bill)) => {
                if Some(bill.id) == self.selected {
                    self.detail = Some(bill);
                }
                Task::none()
            }
            Message::Loaded(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Explain(on) => {
                self.explaining = on;
                Task::none()
            }
            Message::Adjust | Message::Dispute => Task::none(),
        }
    }

    /// ↑ ↓ choose a bill (newest first); Enter explains the chosen one.
    pub fn key(&mut self, backend: &Backend, bills: &[BillRow], key: crate::gui::app::Shortcut) -> Task<Message> {
        use crate::gui::app::Shortcut;
        let at = self.selected.and_then(|id| bills.iter().position(|b| b.id == id));
        let next = match (key, at) {
            (Shortcut::Enter, Some(_)) => return self.update(backend, Message::Explain(!self.explaining)),
            (Shortcut::Up, Some(i)) => i.saturating_sub(1),
            (Shortcut::Down, Some(i)) => (i + 1).min(bills.len().saturating_sub(1)),
            (_, None) => 0,
            _ => return Task::none(),
        };
        match bills.get(next) {
            Some(bill) => self.update(backend, Message::Select(bill.id)),
            None => Task::none(),
        }
    }

    pub fn view<'a>(&'a self, bills: &'a [BillRow]) -> Element<'a, Message> {
        if bills.is_empty() {
            return text("No bills on this account yet.").style(theme::muted).into();
        }
        let list = bills.iter().fold(column![].spacing(1), |list, bill| {
            let selected = self.selected == Some(bill.id);
            let estimated = if bill.current_read.kind == ReadKind::Estimated { " est." } else { "" };
            list.push(
                button(
                    row![
                        text(crate::gui::clock::month(bill.period_end)).width(80),
                        text(format!("{} gal{estimated}", thousands(bill.consumption_gal))).size(13).width(Fill),
                        money(bill.total),
                    ]
                    .spacing(8)
                    .align_y(Center),
                )
                .action(Message::Select(bill.id))
                .width(Fill)
                .padding([3, 6])
                .style(theme::row_button(selected)),
            )
        });
        let detail: Element<'a, Message> = match (&self.detail, self.selected) {
            (_, None) => text("Choose a bill (↓) to see its lines.").style(theme::muted).into(),
            (Some(bill), Some(id)) if bill.id == id => self.itemized(bill, bills),
            _ => match &self.error {
                Some(error) => widget::error(error),
                None => text("Loading the bill…").style(theme::muted).into(),
            },
        };
        let summary = self
            .selected
            .and_then(|id| find_bill(bills, id))
            .map(|b| text(format!("Bill {} · due {}", b.id, b.due_date)).size(13).style(theme::muted));
        crate::gui::layout::split(list, 340, column![summary, detail].spacing(6).width(Fill))
    }

    /// The bill's lines, and its explanation against the account's other `bills`.
    fn itemized<'a>(&'a self, bill: &'a BillRow, bills: &[BillRow]) -> Element<'a, Message> {
        let read = |label: &'static str, r: &crate::records::ReadRow| {
            let kind = if r.kind == ReadKind::Estimated { "estimated" } else { "actual" };
            row![
                text(label).width(120),
                text(r.read_on.to_string()).font(Font::MONOSPACE).width(110),
                text(thousands(r.reading)).font(Font::MONOSPACE).width(100),
                text(kind).style(theme::muted),
            ]
            .spacing(8)
        };
        let lines = bill.lines.iter().fold(column![].spacing(3), |list, l| {
            list.push(crate::gui::layout::table_line(
                text(l.line.description.clone()).width(Fill),
                row![
                    text(format!("{} {}", l.line.quantity, l.line.unit)).font(Font::MONOSPACE).width(110),
                    text(format!("${}", l.line.rate)).font(Font::MONOSPACE).width(80),
                    money(l.line.amount),
                ]
                .spacing(8),
            ))
        });
        let mut content = column![
            text(format!("{} to {}", bill.period_start, bill.period_end)).size(18),
            read("Previous read", &bill.previous_read),
            read("Current read", &bill.current_read),
            text(format!(
                "Used {} gallons; sewer cap {} gallons",
                thousands(bill.consumption_gal),
                thousands(bill.sewer_cap_gal)
            )),
            rule::horizontal(1),
            lines,
            rule::horizontal(1),
            row![text("Total").width(Fill), money(bill.total)],
            row![
                button(text(if self.explaining { "Hide the explanation" } else { "Explain this bill  (Enter)" }))
                    .action(Message::Explain(!self.explaining)),
                button(text("Adjust this bill  Alt+J")).action(Message::Adjust).style(button::secondary),
                button(text("Dispute this bill  Alt+I")).action(Message::Dispute).style(button::secondary),
            ]
            .spacing(8),
        ]
        .spacing(6);
        if self.explaining {
            let said = explain_bill_with_history(bill, bills)
                .into_iter()
                .fold(column![].spacing(6), |list, paragraph| list.push(text(paragraph)));
            content = content.push(container(said).padding(10).style(theme::panel));
        }
        content.into()
    }
}
