//! Waive a late fee or reverse a posting, from the line chosen on the
//! Activity tab (Alt+V, Alt+R): a note, and before it is sent whether it
//! posts now or goes to a supervisor, under the same limits as the command
//! line's `waive` and `reverse`.

use chrono::Utc;
use iced::widget::{Id, column, operation, text, text_input};
use iced::{Element, Task};

use super::form;
use crate::desk::{Actor, DeskError, MoneyRequest, Outcome, ReverseRequest, WaiveRequest};
use crate::domain::Money;
use crate::domain::authority::{Decision, MoneyAction};
use crate::domain::ids::AccountId;
use crate::domain::ledger::PostingKind;
use crate::gui::backend::Backend;
use crate::gui::widget::Notice;
use crate::records::EntryRow;

pub const NOTE: Id = Id::new("posting-note");

/// Which of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Waive a late fee.
    Waive,
    /// Reverse a posting (the original stays, a reversal cancels it).
    Reverse,
}

impl Act {
    fn action(self) -> MoneyAction {
        match self {
            Act::Waive => MoneyAction::Waiver,
            Act::Reverse => MoneyAction::Reversal,
        }
    }
}

pub struct PostingForm {
    act: Act,
    entry: EntryRow,
    note: String,
    /// Chosen when the form opens: sending twice posts once.
    key: String,
    preview: form::Preview,
    error: Option<String>,
    sending: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Note(String),
    Previewed(Result<Decision, DeskError>),
    Send,
    Sent(Result<Outcome, DeskError>),
    Cancel,
}

pub enum Event {
    Closed(Option<Notice>),
}

impl PostingForm {
    /// The form on `entry`, or why it cannot be done to it.
    pub fn new(
        backend: &Backend,
        actor: &Actor,
        act: Act,
        account: AccountId,
        entry: &EntryRow,
    ) -> Result<(PostingForm, Task<Message>), String> {
        if act == Act::Waive && entry.kind != PostingKind::LateFee {
            return Err(format!("posting #{} is not a late fee: only a late fee is waived", entry.posting_id));
        }
        if let Some(by) = entry.reversed_by {
            return Err(format!("posting #{} is reversed already (by #{by})", entry.posting_id));
        }
        if act == Act::Reverse && entry.kind == PostingKind::Reversal {
            return Err(format!("posting #{} is itself a reversal", entry.posting_id));
        }
        let which = match act {
            Act::Waive => "waive",
            Act::Reverse => "reverse",
        };
        let key = format!("window:{which}:{}:{}:{}", actor.user_id, entry.posting_id, Utc::now().timestamp_micros());
        let form = PostingForm {
            act,
            entry: entry.clone(),
            note: String::new(),
            key,
            preview: None,
            error: None,
            sending: false,
        };
        let (backend, actor, amount) = (backend.clone(), actor.clone(), entry.amount);
        let action = act.action();
        let preview = Task::perform(
            async move {
                backend.run(move |desk| desk.preview_decision(&actor, Utc::now(), action, amount, Some(account))).await
            },
            Message::Previewed,
        );
        Ok((form, Task::batch([preview, operation::focus(NOTE)])))
    }

    fn request(&self) -> Result<MoneyRequest, String> {
        let note = self.note.trim().to_string();
        if note.is_empty() {
            return Err("a note is required: why, in a sentence".into());
        }
        let key = self.key.clone();
        Ok(match self.act {
            Act::Waive => MoneyRequest::Waive(WaiveRequest { late_fee: self.entry.posting_id, note, key }),
            Act::Reverse => MoneyRequest::Reverse(ReverseRequest { posting: self.entry.posting_id, note, key }),
        })
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Note(note) => {
                self.note = note;
                (Task::none(), None)
            }
            Message::Previewed(decision) => {
                self.preview = Some(decision.map_err(|e| e.to_string()));
                (Task::none(), None)
            }
            Message::Send if self.sending => (Task::none(), None),
            Message::Send => match self.request() {
                Err(why) => {
                    self.error = Some(why);
                    (Task::none(), None)
                }
                Ok(request) => {
                    self.sending = true;
                    let task = form::submit(backend, actor, request).map(Message::Sent);
                    (task, None)
                }
            },
            Message::Sent(Ok(outcome)) => {
                let posted = match self.act {
                    Act::Waive => format!("Late fee of {} waived.", self.entry.amount),
                    Act::Reverse => format!("Posting #{} of {} reversed.", self.entry.posting_id, self.entry.amount),
                };
                (Task::none(), Some(Event::Closed(Some(form::outcome_notice(outcome, posted)))))
            }
            Message::Sent(Err(error)) => {
                self.sending = false;
                self.error = Some(error.to_string());
                (Task::none(), None)
            }
            Message::Cancel => (Task::none(), Some(Event::Closed(None))),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let e = &self.entry;
        let (title, what, send) = match self.act {
            Act::Waive => (format!("Waive the late fee of {}", e.amount), "waiver", "Waive it"),
            Act::Reverse => {
                (format!("Reverse posting #{} ({}, {})", e.posting_id, e.memo, e.amount), "reversal", "Reverse it")
            }
        };
        let note = text_input("Note: why (required)", &self.note)
            .id(NOTE)
            .on_input(Message::Note)
            .on_submit(Message::Send)
            .padding(6);
        let amount: Money = e.amount;
        form::panel(
            column![
                text(title).size(18),
                text(format!(
                    "Dated {}; the original stays in the ledger, and this cancels its {amount}.",
                    e.effective_on
                ))
                .size(13),
                note,
                form::decision_line(&self.preview, what, "Checking your limits…"),
                form::buttons(form::send_label(&self.preview, send), self.sending, Message::Send, Message::Cancel),
            ],
            self.error.as_deref(),
        )
    }
}
