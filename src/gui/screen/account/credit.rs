//! Issue a credit: amount, reason, note. Before it is sent the form says
//! what will happen ("Your credit limit is $50.00: this $75.00 credit will
//! go to a supervisor"); afterwards, what did.

use chrono::Utc;
use iced::widget::{Id, column, operation, row, text, text_input};
use iced::{Center, Element, Task};

use super::form;
use super::reason::{self, ReasonField};
use crate::desk::{Actor, CreditRequest, DeskError, MoneyRequest, Outcome};
use crate::domain::Money;
use crate::domain::authority::{Decision, MoneyAction};
use crate::domain::ids::AccountId;
use crate::gui::backend::Backend;
use crate::gui::widget::Notice;

pub const AMOUNT: Id = Id::new("credit-amount");
pub const NOTE: Id = Id::new("credit-note");
pub const REASON: Id = Id::new("credit-reason");

#[derive(Debug, Clone)]
pub struct CreditForm {
    account: AccountId,
    amount: String,
    reason: ReasonField,
    note: String,
    /// Chosen when the form opens: sending twice posts once.
    key: String,
    /// What the policy says for the amount typed, when it parses.
    preview: Option<Result<Decision, String>>,
    /// Increases with every amount typed; an older preview is dropped.
    generation: u64,
    error: Option<String>,
    sending: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Amount(String),
    Reason(reason::Message),
    Note(String),
    Previewed {
        generation: u64,
        decision: Result<Decision, DeskError>,
    },
    /// Enter in a field before the last: on to the next.
    Next,
    Send,
    Sent(Result<Outcome, DeskError>),
    Cancel,
}

/// What the account screen must do.
pub enum Event {
    /// Close the form; `Some` with what happened, to show and reload.
    Closed(Option<Notice>),
}

impl CreditForm {
    pub fn new(account: AccountId, actor: &Actor) -> (CreditForm, Task<Message>) {
        let key = format!("window:credit:{}:{}:{}", actor.user_id, account, Utc::now().timestamp_micros());
        let form = CreditForm {
            account,
            amount: String::new(),
            reason: ReasonField::default(),
            note: String::new(),
            key,
            preview: None,
            generation: 0,
            error: None,
            sending: false,
        };
        (form, operation::focus(AMOUNT))
    }

    fn request(&self) -> Result<MoneyRequest, String> {
        let amount = Money::parse(&self.amount).map_err(|e| e.to_string())?;
        let reason = self.reason.chosen().ok_or("choose a reason: type a word such as leak or goodwill")?;
        if self.note.trim().is_empty() {
            return Err("a note is required: what happened, in a sentence".into());
        }
        Ok(MoneyRequest::Credit(CreditRequest {
            account: self.account,
            amount,
            reason,
            note: self.note.trim().to_string(),
            key: self.key.clone(),
        }))
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Amount(amount) => {
                self.amount = amount;
                self.generation += 1;
                self.error = None;
                let amount = match Money::parse(&self.amount) {
                    Ok(amount) => amount,
                    Err(error) => {
                        self.preview = (!self.amount.trim().is_empty()).then(|| Err(error.to_string()));
                        return (Task::none(), None);
                    }
                };
                let (backend, actor, generation) = (backend.clone(), actor.clone(), self.generation);
                let account = Some(self.account);
                let task = Task::perform(
                    async move {
                        backend
                            .run(move |desk| {
                                desk.preview_decision(&actor, Utc::now(), MoneyAction::Credit, amount, account)
                            })
                            .await
                    },
                    move |decision| Message::Previewed { generation, decision },
                );
                (task, None)
            }
            Message::Previewed { generation, decision } => {
                if generation == self.generation {
                    self.preview = Some(decision.map_err(|e| e.to_string()));
                }
                (Task::none(), None)
            }
            Message::Reason(message) => {
                let picked = self.reason.update(message);
                (if picked { operation::focus(NOTE) } else { Task::none() }, None)
            }
            Message::Next => (crate::gui::focus::next_field(), None),
            Message::Note(note) => {
                self.note = note;
                (Task::none(), None)
            }
            Message::Send => {
                if self.sending {
                    return (Task::none(), None);
                }
                match self.request() {
                    Err(why) => {
                        self.error = Some(why);
                        (Task::none(), None)
                    }
                    Ok(request) => {
                        self.sending = true;
                        let task = form::submit(backend, actor, request).map(Message::Sent);
                        (task, None)
                    }
                }
            }
            Message::Sent(Ok(outcome)) => {
                let amount = Money::parse(&self.amount).unwrap_or(Money::ZERO);
                let said = form::outcome_notice(outcome, format!("Credit of {amount} posted."));
                (Task::none(), Some(Event::Closed(Some(said))))
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
        let amount = text_input("Amount, e.g. 25.00", &self.amount)
            .id(AMOUNT)
            .on_input(Message::Amount)
            .on_submit(Message::Next)
            .padding(6)
            .width(160);
        let (reason, choices) = self.reason.view(REASON, Message::Next, Message::Reason);
        let note = text_input("Note: what happened (required)", &self.note)
            .id(NOTE)
            .on_input(Message::Note)
            .on_submit(Message::Send)
            .padding(6);
        let preview = form::decision_line(
            &self.preview,
            "credit",
            "Type an amount to see whether it posts or goes for approval.",
        );
        let send = form::send_label(&self.preview, "Post credit");
        form::panel(
            column![
                text("Issue a credit").size(18),
                row![amount, reason].spacing(8).align_y(Center),
                choices,
                note,
                preview,
                form::buttons(send, self.sending, Message::Send, Message::Cancel),
            ],
            self.error.as_deref(),
        )
    }
}
