//! Disputes in the window. [`DisputeForm`] records one on a bill (the one
//! chosen on the Bills tab, or another of the newest it offers; the whole
//! bill or an amount of it); [`DisputePanel`]
//! shows one and, for a CAR III and above, resolves it: granted by lowering
//! a line of the bill or by a credit (under their limits; above them the
//! adjustment waits for approval and the dispute stays held), or denied.

use chrono::Utc;
use iced::widget::{Id, button, column, container, operation, row, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use super::account::reason::{self, ReasonField};
use crate::desk::{Actor, DeskError, DisputeDecision, DisputeOutcome, DisputeRequest, DisputeView};
use crate::domain::Money;
use crate::domain::cases::ranks_at_least;
use crate::domain::ids::AccountId;
use crate::domain::user::Role;
use crate::gui::app::Shortcut;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice, labelled, money};
use crate::records::BillRow;

pub const AMOUNT: Id = Id::new("dispute-amount");
pub const REASON: Id = Id::new("dispute-reason");
pub const LINE: Id = Id::new("dispute-line");
pub const REASON_CODE: Id = Id::new("dispute-reason-code");
pub const NOTE: Id = Id::new("dispute-note");

/// A blank amount is `None`; otherwise it must read as money.
fn optional_amount(typed: &str) -> Result<Option<Money>, String> {
    match typed.trim() {
        "" => Ok(None),
        typed => Money::parse(typed).map(Some).map_err(|e| format!("the amount \"{typed}\": {e}")),
    }
}

/// How many of the newest bills the form offers to choose among.
pub const BILLS_OFFERED: usize = 6;

/// Records a dispute on a bill.
pub struct DisputeForm {
    /// The bills it may be on, newest first; the one chosen on the Bills
    /// tab among them.
    bills: Vec<BillRow>,
    /// Which of them it is on: shown, and changed by keys, before it is
    /// recorded (a form that only named its bill in the title was once
    /// seen recording on the bill chosen earlier, not the one in mind).
    chosen: usize,
    amount: String,
    reason: String,
    /// The open complaint it is started from, linked to it.
    complaint: Option<i64>,
    error: Option<String>,
    sending: bool,
}

#[derive(Debug, Clone)]
pub enum FormMessage {
    /// The `n`th of the bills offered.
    Bill(usize),
    Amount(String),
    Reason(String),
    Next,
    Send,
    Sent(Result<(i64, Notice), DeskError>),
    Cancel,
}

pub enum FormEvent {
    /// Recorded: open it.
    Recorded(i64, Notice),
    Closed,
}

impl DisputeForm {
    /// On `chosen`, offering it beside the newest of the account's `bills`
    /// (newest first).
    pub fn new(chosen: BillRow, bills: &[BillRow], complaint: Option<i64>) -> (DisputeForm, Task<FormMessage>) {
        let mut offered: Vec<BillRow> = bills.iter().take(BILLS_OFFERED).cloned().collect();
        let at = match offered.iter().position(|b| b.id == chosen.id) {
            Some(at) => at,
            None => {
                offered.push(chosen);
                offered.len() - 1
            }
        };
        let form = DisputeForm {
            bills: offered,
            chosen: at,
            amount: String::new(),
            reason: String::new(),
            complaint,
            error: None,
            sending: false,
        };
        (form, operation::focus(AMOUNT))
    }

    /// The bill it is on.
    pub fn bill(&self) -> &BillRow {
        &self.bills[self.chosen]
    }

    pub fn update(
        &mut self,
        backend: &Backend,
        actor: &Actor,
        message: FormMessage,
    ) -> (Task<FormMessage>, Option<FormEvent>) {
        let task = match message {
            FormMessage::Bill(n) => {
                if n < self.bills.len() {
                    self.chosen = n;
                }
                Task::none()
            }
            FormMessage::Amount(typed) => {
                self.amount = typed;
                Task::none()
            }
            FormMessage::Reason(typed) => {
                self.reason = typed;
                Task::none()
            }
            FormMessage::Next => operation::focus(REASON),
            FormMessage::Send if self.sending => Task::none(),
            FormMessage::Send => match optional_amount(&self.amount) {
                Err(problem) => {
                    self.error = Some(problem);
                    Task::none()
                }
                Ok(amount) => {
                    self.sending = true;
                    self.error = None;
                    let request = DisputeRequest {
                        bill: self.bill().id,
                        amount,
                        reason: self.reason.clone(),
                        complaint: self.complaint,
                    };
                    let (backend, actor) = (backend.clone(), actor.clone());
                    Task::perform(
                        async move {
                            backend
                                .run(move |desk| {
                                    let id = desk.open_dispute(&actor, Utc::now(), &request)?;
                                    let said = "Dispute recorded: the amount is held apart from past due until it is resolved.";
                                    Ok((id, Notice::new(said, format!("dispute #{id}"))))
                                })
                                .await
                        },
                        FormMessage::Sent,
                    )
                }
            },
            FormMessage::Sent(Ok((id, notice))) => return (Task::none(), Some(FormEvent::Recorded(id, notice))),
            FormMessage::Sent(Err(error)) => {
                self.sending = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            FormMessage::Cancel => return (Task::none(), Some(FormEvent::Closed)),
        };
        (task, None)
    }

    pub fn view(&self) -> Element<'_, FormMessage> {
        let b = self.bill();
        let choices =
            self.bills.iter().enumerate().fold(row![text("Bill")].spacing(4).align_y(Center), |row, (i, bill)| {
                row.push(
                    button(text(format!("{} {}", crate::gui::clock::month(bill.period_end), bill.total)).size(13))
                        .action(FormMessage::Bill(i))
                        .style(theme::tab(i == self.chosen))
                        .padding([3, 8]),
                )
            });
        let form = column![
            text(format!("Dispute bill {} ({} to {}), total {}", b.id, b.period_start, b.period_end, b.total)).size(18),
            choices.wrap(),
            text(match self.complaint {
                Some(complaint) => format!("For complaint #{complaint}: linked to it when recorded."),
                None => String::new(),
            })
            .style(theme::muted),
            row![
                text("Amount disputed"),
                text_input("blank: the whole bill", &self.amount)
                    .id(AMOUNT)
                    .on_input(FormMessage::Amount)
                    .on_submit(FormMessage::Next)
                    .padding(6)
                    .width(160),
            ]
            .spacing(8)
            .align_y(Center),
            text_input("What the customer contests, and why (required)", &self.reason)
                .id(REASON)
                .on_input(FormMessage::Reason)
                .on_submit(FormMessage::Send)
                .padding(6),
            text("While it is open, the amount is not past due: no late fee, no cut-off on it.")
                .size(13)
                .style(theme::muted),
            row![
                button(text("Record dispute")).action_maybe((!self.sending).then_some(FormMessage::Send)),
                button(text("Cancel  Esc")).style(button::secondary).action(FormMessage::Cancel),
            ]
            .spacing(8),
        ]
        .spacing(8);
        let form = form.push(self.error.as_deref().map(widget::error));
        container(form).padding(12).style(theme::panel).into()
    }
}

/// A decision being filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Grant,
    Deny,
}

pub struct DisputePanel {
    view: DisputeView,
    deciding: Option<Decision>,
    amount: String,
    line: String,
    reason: ReasonField,
    note: String,
    error: Option<String>,
    notice: Option<Notice>,
    busy: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Start(Decision),
    Amount(String),
    Line(String),
    Reason(reason::Message),
    Note(String),
    Next,
    Confirm,
    Done(Result<(Box<DisputeView>, Notice), DeskError>),
    Close,
    OpenAccount(AccountId),
}

pub enum Event {
    /// The dispute changed: the account's aging and lists reload.
    Changed,
    OpenAccount(AccountId),
}

/// Loads a dispute for a panel.
pub fn load(backend: &Backend, id: i64) -> Task<Result<Box<DisputeView>, DeskError>> {
    let backend = backend.clone();
    Task::perform(async move { backend.run(move |desk| desk.dispute(id).map(Box::new)).await }, |r| r)
}

impl DisputePanel {
    pub fn new(view: DisputeView) -> DisputePanel {
        DisputePanel {
            view,
            deciding: None,
            amount: String::new(),
            line: String::new(),
            reason: ReasonField::default(),
            note: String::new(),
            error: None,
            notice: None,
            busy: false,
        }
    }

    pub fn id(&self) -> i64 {
        self.view.dispute.id
    }

    pub fn is_editing(&self) -> bool {
        self.deciding.is_some()
    }

    /// Open, not waiting on an approval, and the person a CAR III or above.
    fn may_decide(&self, actor: &Actor) -> bool {
        let d = &self.view.dispute;
        d.is_open() && d.request_id.is_none() && actor.role != Role::Admin && ranks_at_least(actor.role, Role::Car3)
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Start(decision) => {
                self.deciding = Some(decision);
                self.amount = self.view.dispute.amount.to_string();
                self.line.clear();
                self.reason = ReasonField::default();
                self.note.clear();
                self.error = None;
                operation::focus(if decision == Decision::Grant { AMOUNT } else { NOTE })
            }
            Message::Amount(typed) => {
                self.amount = typed;
                Task::none()
            }
            Message::Line(typed) => {
                self.line = typed;
                Task::none()
            }
            Message::Reason(message) => {
                if self.reason.update(message) {
                    operation::focus(NOTE)
                } else {
                    Task::none()
                }
            }
            Message::Note(typed) => {
                self.note = typed;
                Task::none()
            }
            Message::Next => crate::gui::focus::next_field(),
            Message::Confirm if self.busy => Task::none(),
            Message::Confirm => match self.decision() {
                Ok(decision) => self.decide(backend, actor, decision),
                Err(problem) => {
                    self.error = Some(problem);
                    Task::none()
                }
            },
            Message::Done(Ok((view, notice))) => {
                self.view = *view;
                self.deciding = None;
                self.busy = false;
                self.error = None;
                self.notice = Some(notice);
                return (Task::none(), Some(Event::Changed));
            }
            Message::Done(Err(error)) => {
                self.busy = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Close => {
                self.deciding = None;
                self.error = None;
                Task::none()
            }
            Message::OpenAccount(id) => return (Task::none(), Some(Event::OpenAccount(id))),
        };
        (task, None)
    }

    /// The decision the open form describes, or what is missing from it.
    fn decision(&self) -> Result<DisputeDecision, String> {
        match self.deciding {
            None => Err("choose grant or deny first".into()),
            Some(Decision::Deny) => Ok(DisputeDecision::Deny { note: self.note.clone() }),
            Some(Decision::Grant) => {
                let line = match self.line.trim() {
                    "" => None,
                    typed => {
                        Some(typed.parse::<u32>().map_err(|_| format!("the line \"{typed}\" is not a line number"))?)
                    }
                };
                let reason = self.reason.chosen().ok_or("choose a reason: type a word such as billing or meter")?;
                Ok(DisputeDecision::Grant {
                    line,
                    amount: optional_amount(&self.amount)?,
                    reason,
                    note: self.note.clone(),
                })
            }
        }
    }

    fn decide(&mut self, backend: &Backend, actor: &Actor, decision: DisputeDecision) -> Task<Message> {
        self.busy = true;
        let id = self.id();
        let (backend, actor) = (backend.clone(), actor.clone());
        Task::perform(
            async move {
                backend
                    .run(move |desk| {
                        let said = match desk.resolve_dispute(&actor, Utc::now(), id, &decision)? {
                            DisputeOutcome::Granted { posting } => format!("Granted: posted as posting {posting}."),
                            DisputeOutcome::AwaitingApproval { request, reason, reviewer } => format!(
                                "Above your limit ({reason}): request {request} waits for a {}; the dispute stays open and held.",
                                reviewer.title()
                            ),
                            DisputeOutcome::Denied => "Denied: the amount is due again.".to_string(),
                        };
                        Ok((Box::new(desk.dispute(id)?), Notice::new(said, format!("dispute #{id}"))))
                    })
                    .await
            },
            Message::Done,
        )
    }

    /// Alt+G grant, Alt+N deny (deciders only), Alt+B the account; Esc closes a decision.
    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Option<(Task<Message>, Option<Event>)> {
        let message = match key {
            Shortcut::Escape if self.deciding.is_some() => Message::Close,
            _ if self.deciding.is_some() => return None,
            Shortcut::Mnemonic('g') if self.may_decide(actor) => Message::Start(Decision::Grant),
            Shortcut::Mnemonic('n') if self.may_decide(actor) => Message::Start(Decision::Deny),
            Shortcut::Mnemonic('b') => Message::OpenAccount(self.view.dispute.account_id),
            _ => return None,
        };
        Some(self.update(backend, actor, message))
    }

    pub fn view(&self, actor: &Actor) -> Element<'_, Message> {
        let d = &self.view.dispute;
        let mut detail = column![
            row![
                text(format!("Dispute #{} on bill {}", d.id, d.bill_id)).size(18),
                text(d.status.clone()).style(theme::muted)
            ]
            .spacing(10)
            .align_y(Center),
            row![
                labelled("Disputed", money(d.amount)),
                labelled("Recorded", text(format!("{} by {}", crate::gui::clock::day(d.opened_at), d.opened_by))),
                labelled("Complaint", text(d.complaint_id.map_or_else(|| "—".to_string(), |c| format!("#{c}")))),
            ]
            .spacing(20)
            .wrap(),
        ]
        .spacing(10)
        .width(Fill);
        if let Some(request) = d.request_id {
            detail = detail.push(
                text(format!("Waiting on approval request {request}: approving it grants the dispute."))
                    .style(text::warning),
            );
        }
        if let (Some(by), Some(note)) = (&d.resolved_by, &d.resolution_note) {
            detail = detail.push(labelled("Resolution", text(format!("{note} ({by})"))));
        }
        if let Some(notice) = &self.notice {
            detail = detail.push(widget::notice(notice));
        }
        let idle = !self.busy && self.deciding.is_none();
        if self.may_decide(actor) {
            detail = detail.push(
                row![
                    button(text("Grant  Alt+G"))
                        .style(button::success)
                        .action_maybe(idle.then_some(Message::Start(Decision::Grant))),
                    button(text("Deny  Alt+N"))
                        .style(button::danger)
                        .action_maybe(idle.then_some(Message::Start(Decision::Deny))),
                ]
                .spacing(8),
            );
        } else if d.is_open() && d.request_id.is_none() {
            detail = detail
                .push(text(format!("Resolved by a {} or above.", Role::Car3.title())).size(13).style(theme::muted));
        }
        if let Some(decision) = self.deciding {
            detail = detail.push(self.decision_view(decision));
        } else if let Some(error) = &self.error {
            detail = detail.push(widget::error(error));
        }
        detail = detail.push(labelled("What the customer contests", text(d.reason.clone())));
        let contacts = self.view.contacts.iter().fold(column![text("Contacts").size(16)].spacing(3), |list, k| {
            list.push(
                row![
                    text(crate::gui::clock::day(k.at)).font(Font::MONOSPACE).width(100),
                    text(k.channel.label()).width(80),
                    text(k.summary.clone()).width(Fill),
                    text(k.by.clone()).style(theme::muted),
                ]
                .spacing(10),
            )
        });
        detail.push(contacts).into()
    }

    fn decision_view(&self, decision: Decision) -> Element<'_, Message> {
        let mut form = column![].spacing(8);
        let (note_hint, confirm) = match decision {
            Decision::Grant => {
                let (reason, choices) = self.reason.view(REASON_CODE, Message::Next, Message::Reason);
                form = form
                    .push(
                        row![
                            text("Amount"),
                            text_input("the amount disputed", &self.amount)
                                .id(AMOUNT)
                                .on_input(Message::Amount)
                                .on_submit(Message::Next)
                                .padding(6)
                                .width(120),
                            text("off line"),
                            text_input("blank: as a credit", &self.line)
                                .id(LINE)
                                .on_input(Message::Line)
                                .on_submit(Message::Next)
                                .padding(6)
                                .width(140),
                        ]
                        .spacing(8)
                        .align_y(Center),
                    )
                    .push(reason)
                    .push(choices);
                ("Note for the ledger (required)", "Grant")
            }
            Decision::Deny => ("Why it is denied, as the customer will be told (required)", "Deny"),
        };
        form = form.push(
            row![
                text_input(note_hint, &self.note)
                    .id(NOTE)
                    .on_input(Message::Note)
                    .on_submit(Message::Confirm)
                    .padding(6),
                button(text(confirm)).action_maybe((!self.busy).then_some(Message::Confirm)),
                button(text("Back  Esc")).action(Message::Close).style(button::secondary),
            ]
            .spacing(8)
            .align_y(Center),
        );
        let form = form.push(self.error.as_deref().map(widget::error));
        container(form).padding(10).style(theme::panel).into()
    }
}
