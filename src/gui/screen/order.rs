//! Service orders in the window. [`OrderForm`] (in `order/form.rs`)
//! drafts one or edits a draft; [`OrderPanel`] works one through its states — submit, review, send to
//! the field, record the result, cancel — as the person's classification
//! allows, with its history. A completed re-read offers its bill's re-rate,
//! which the account's adjust form posts under the authority rules.

use chrono::Utc;
use iced::widget::{Id, button, column, container, operation, row, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use crate::desk::{Actor, DeskError, OrderCompletion, OrderView, RerateOffer, ReviewOutcome};
use crate::domain::cases::ranks_at_least;
use crate::domain::ids::{AccountId, BillId};
use crate::domain::orders::{Field, OrderKind, OrderStatus};
use crate::domain::user::Role;
use crate::gui::app::Shortcut;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice, labelled};
use crate::records::OrderRow;

pub const OUTCOME: Id = Id::new("order-outcome");
pub const READING: Id = Id::new("order-reading");
pub const REASON: Id = Id::new("order-cancel-reason");
pub const COMMENT: Id = Id::new("order-comment");

/// A transfer's new premise, typed as it is completed: where service
/// starts for the same customer (all blank: it ends service only).
const NEW_PREMISE: [(&str, &str); 7] = [
    ("New premise's address", "e.g. 500 S Boston Ave"),
    ("City", "e.g. Tulsa"),
    ("State", "e.g. OK"),
    ("ZIP", "e.g. 74103"),
    ("Sewer cap (gal)", "A premise not served before: its winter average"),
    ("New meter", "As on the meter"),
    ("New meter's reading", "e.g. 12"),
];

/// The id of a new-premise field: `order-new-0` (the address) to `order-new-6`.
pub fn new_premise_id(slot: usize) -> Id {
    Id::from(format!("order-new-{slot}"))
}

/// "Meter re-read #12".
fn named(order: &OrderRow) -> String {
    format!("{} #{}", order.kind.label(), order.id)
}

mod form;

pub use form::{FormEvent, FormMessage, Known, OrderForm, field_id};

/// A step being filled in on an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The review: a comment if wanted, then confirmed.
    Review,
    /// Sending to the field: a comment for the crew if wanted, then confirmed.
    Send,
    /// The field's result.
    Complete,
    Cancel,
}

pub struct OrderPanel {
    view: OrderView,
    step: Option<Step>,
    /// The outcome, or the reason for cancelling.
    text: String,
    reading: String,
    rollover: bool,
    /// A transfer's new premise (see [`NEW_PREMISE`]) and whether its
    /// balance goes across.
    new_premise: [String; 7],
    move_balance: bool,
    /// What completing a re-read offered, this session.
    offer: Option<RerateOffer>,
    error: Option<String>,
    notice: Option<Notice>,
    busy: bool,
}

/// One thing done to an order.
#[derive(Debug, Clone)]
enum Action {
    Submit,
    Review(String),
    Send(String),
    Complete(OrderCompletion),
    Cancel(String),
}

#[derive(Debug, Clone)]
pub enum Message {
    Submit,
    Review,
    Send,
    Start(Step),
    Text(String),
    Reading(String),
    Rollover(bool),
    NewPremise(usize, String),
    MoveBalance(bool),
    Next,
    Confirm,
    Done(Result<(Box<OrderView>, Notice, Option<RerateOffer>), DeskError>),
    Close,
    Edit,
    Rerate,
    OpenAccount(AccountId),
}

/// A completed re-read's re-rate, for the account's adjust form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rerate {
    pub account: AccountId,
    pub bill: BillId,
    pub reading: u64,
    pub rollover: bool,
    pub order: i64,
}

pub enum Event {
    /// The order changed: lists showing it should reload.
    Changed,
    /// Its author (or a CAR III) edits the draft.
    Edit(Box<OrderRow>),
    Rerate(Rerate),
    OpenAccount(AccountId),
}

/// Loads an order for a panel.
pub fn load(backend: &Backend, id: i64) -> Task<Result<Box<OrderView>, DeskError>> {
    let backend = backend.clone();
    Task::perform(async move { backend.run(move |desk| desk.order(id).map(Box::new)).await }, |r| r)
}

impl OrderPanel {
    pub fn new(view: OrderView) -> OrderPanel {
        OrderPanel {
            view,
            step: None,
            text: String::new(),
            reading: String::new(),
            rollover: false,
            new_premise: Default::default(),
            move_balance: true,
            offer: None,
            error: None,
            notice: None,
            busy: false,
        }
    }

    /// The same order as it now stands, keeping what the last action said.
    pub fn refresh(&mut self, view: OrderView) {
        if self.step.is_none() {
            self.view = view;
        }
    }

    pub fn id(&self) -> i64 {
        self.view.order.id
    }

    pub fn order(&self) -> &OrderRow {
        &self.view.order
    }

    /// A step is being filled in: the page's own keys wait.
    pub fn is_editing(&self) -> bool {
        self.step.is_some()
    }

    fn is_car3(actor: &Actor) -> bool {
        actor.role != Role::Admin && ranks_at_least(actor.role, Role::Car3)
    }

    fn may_edit(&self, actor: &Actor) -> bool {
        let o = &self.view.order;
        o.status == OrderStatus::Draft && (o.created_by == actor.username || OrderPanel::is_car3(actor))
    }

    /// The re-read's re-rate, when this is a completed re-read.
    fn rerate(&self) -> Option<Rerate> {
        let o = &self.view.order;
        if o.kind != OrderKind::MeterReread || o.status != OrderStatus::Completed {
            return None;
        }
        if matches!(self.offer, Some(RerateOffer::NotOffered { .. })) {
            return None;
        }
        Some(Rerate {
            account: o.account_id,
            bill: o.fields.bill?,
            reading: o.reread_value?,
            rollover: self.rollover,
            order: o.id,
        })
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Submit => self.act(backend, actor, Action::Submit),
            // Review and send are asked for a comment and confirmed first.
            Message::Review => return self.update(backend, actor, Message::Start(Step::Review)),
            Message::Send => return self.update(backend, actor, Message::Start(Step::Send)),
            Message::Start(step) => {
                self.step = Some(step);
                self.text.clear();
                self.reading.clear();
                self.rollover = false;
                self.new_premise = Default::default();
                self.move_balance = true;
                self.error = None;
                match step {
                    Step::Complete if self.takes_reading() => operation::focus(READING),
                    Step::Complete => operation::focus(OUTCOME),
                    Step::Cancel => operation::focus(REASON),
                    Step::Review | Step::Send => operation::focus(COMMENT),
                }
            }
            Message::Text(typed) => {
                self.text = typed;
                Task::none()
            }
            Message::Reading(typed) => {
                self.reading = typed;
                Task::none()
            }
            Message::Rollover(rolled) => {
                self.rollover = rolled;
                Task::none()
            }
            Message::NewPremise(slot, typed) => {
                if let Some(field) = self.new_premise.get_mut(slot) {
                    *field = typed;
                }
                Task::none()
            }
            Message::MoveBalance(on) => {
                self.move_balance = on;
                Task::none()
            }
            Message::Next => crate::gui::focus::next_field(),
            Message::Confirm => match self.step_action() {
                Ok(action) => self.act(backend, actor, action),
                Err(problem) => {
                    self.error = Some(problem);
                    Task::none()
                }
            },
            Message::Done(Ok((view, notice, offer))) => {
                self.view = *view;
                self.step = None;
                self.busy = false;
                self.error = None;
                self.notice = Some(notice);
                if offer.is_some() {
                    self.offer = offer;
                }
                return (Task::none(), Some(Event::Changed));
            }
            Message::Done(Err(error)) => {
                self.busy = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Close => {
                self.step = None;
                self.error = None;
                Task::none()
            }
            Message::Edit => return (Task::none(), Some(Event::Edit(Box::new(self.view.order.clone())))),
            Message::Rerate => return (Task::none(), self.rerate().map(Event::Rerate)),
            Message::OpenAccount(id) => return (Task::none(), Some(Event::OpenAccount(id))),
        };
        (task, None)
    }

    /// A re-read is completed with the reading found, a stop or transfer
    /// with the final reading.
    fn takes_reading(&self) -> bool {
        let kind = self.view.order.kind;
        kind == OrderKind::MeterReread || kind == OrderKind::StartService || kind.stops_service()
    }

    /// A transfer's new premise as typed: none when every field is blank.
    fn new_service(&self) -> Result<Option<crate::desk::NewServiceAt>, String> {
        let typed: Vec<&str> = self.new_premise.iter().map(|t| t.trim()).collect();
        if typed.iter().all(|t| t.is_empty()) {
            return Ok(None);
        }
        let required = |slot: usize| match typed[slot] {
            "" => Err(format!("the new premise needs its {}", NEW_PREMISE[slot].0.to_lowercase())),
            t => Ok(t.to_string()),
        };
        let number = |slot: usize| -> Result<u64, String> {
            match typed[slot] {
                "" => Ok(0),
                t => t.replace(',', "").parse().map_err(|_| format!("\"{t}\" is not a whole number")),
            }
        };
        let address = crate::domain::account::Address {
            line1: required(0)?,
            line2: None,
            city: required(1)?,
            state: required(2)?.to_uppercase(),
            zip: required(3)?,
        };
        required(6)?;
        Ok(Some(crate::desk::NewServiceAt {
            premise: crate::desk::PremiseChoice::New { address, sewer_cap_gal: number(4)? },
            meter_number: required(5)?,
            meter_size: None,
            opening_read: number(6)?,
            move_balance: self.move_balance,
        }))
    }

    /// The step the open form describes, or what is missing from it.
    fn step_action(&self) -> Result<Action, String> {
        match self.step {
            None => Err("choose a step first".into()),
            Some(Step::Cancel) => Ok(Action::Cancel(self.text.clone())),
            Some(Step::Review) => Ok(Action::Review(self.text.clone())),
            Some(Step::Send) => Ok(Action::Send(self.text.clone())),
            Some(Step::Complete) => {
                let reading = match self.reading.trim() {
                    "" => None,
                    typed => Some(
                        typed
                            .replace(',', "")
                            .parse::<u64>()
                            .map_err(|_| format!("the reading \"{typed}\" is not a whole number"))?,
                    ),
                };
                Ok(Action::Complete(OrderCompletion {
                    outcome: self.text.clone(),
                    reading,
                    rollover: self.rollover,
                    new_service: self.new_service()?,
                }))
            }
        }
    }

    fn act(&mut self, backend: &Backend, actor: &Actor, action: Action) -> Task<Message> {
        if self.busy {
            return Task::none();
        }
        self.busy = true;
        self.notice = None;
        let id = self.id();
        let (backend, actor) = (backend.clone(), actor.clone());
        Task::perform(
            async move {
                backend
                    .run(move |desk| {
                        let now = Utc::now();
                        let (said, offer) = match &action {
                            Action::Submit => {
                                desk.submit_order(&actor, now, id)?;
                                ("Submitted for review.".to_string(), None)
                            }
                            Action::Review(comment) => match desk.review_order(&actor, now, id, Some(comment))? {
                                ReviewOutcome::Reviewed => ("Reviewed: nothing missing, ready to send.".into(), None),
                                ReviewOutcome::ReturnedToDraft { flags } => (
                                    format!(
                                        "Returned to draft: {}.",
                                        flags.iter().map(|f| f.message()).collect::<Vec<_>>().join("; ")
                                    ),
                                    None,
                                ),
                            },
                            Action::Send(comment) => {
                                desk.send_order(&actor, now, id, Some(comment))?;
                                ("Sent to the field.".to_string(), None)
                            }
                            Action::Complete(completion) => {
                                let done = desk.complete_order(&actor, now, id, completion)?;
                                let said = match &done.rerate {
                                    Some(RerateOffer::Rerate(review)) => format!(
                                        "Completed. The re-read changes bill {} by {}: Re-rate (Alt+J) to post it.",
                                        review.bill.id, review.difference
                                    ),
                                    Some(RerateOffer::NotOffered { reason }) => format!("Completed; {reason}."),
                                    None => "Completed.".to_string(),
                                };
                                let said = match (done.final_on, done.final_bill) {
                                    (Some(on), Some(bill)) => {
                                        format!("{said} The account is final from {on}: final bill {bill} posted.")
                                    }
                                    (Some(on), None) => format!(
                                        "{said} The account is final from {on}: its final bill ends on or before that day."
                                    ),
                                    (None, _) => said,
                                };
                                let said = match done.opened {
                                    Some((opened, moved)) => {
                                        let number = desk.overview(opened, now)?.account.account.number;
                                        let moved = moved.map_or(String::new(), |amount| {
                                            format!(" The {} moved to it.", crate::desk::moved_balance_words(amount))
                                        });
                                        format!("{said} Service starts for the same customer: account {number}.{moved}")
                                    }
                                    None => said,
                                };
                                (said, done.rerate)
                            }
                            Action::Cancel(reason) => {
                                desk.cancel_order(&actor, now, id, reason)?;
                                ("Cancelled.".to_string(), None)
                            }
                        };
                        let view = desk.order(id)?;
                        Ok((Box::new(view), Notice::new(said, format!("order #{id}")), offer))
                    })
                    .await
            },
            Message::Done,
        )
    }

    /// Alt+U submit, Alt+V review, Alt+D send, Alt+F the field's result,
    /// Alt+X cancel the order, Alt+E edit a draft, Alt+J re-rate, Alt+B
    /// the account; Esc closes a step.
    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Option<(Task<Message>, Option<Event>)> {
        let status = self.view.order.status;
        let message = match key {
            Shortcut::Escape if self.step.is_some() => Message::Close,
            _ if self.step.is_some() => return None,
            Shortcut::Mnemonic('u') if status == OrderStatus::Draft => Message::Submit,
            Shortcut::Mnemonic('e') if self.may_edit(actor) => Message::Edit,
            Shortcut::Mnemonic('v') if status == OrderStatus::Submitted => Message::Review,
            Shortcut::Mnemonic('d') if status == OrderStatus::Reviewed => Message::Send,
            Shortcut::Mnemonic('f') if status == OrderStatus::Sent => Message::Start(Step::Complete),
            Shortcut::Mnemonic('x') if !status.is_final() => Message::Start(Step::Cancel),
            Shortcut::Adjust if self.rerate().is_some() => Message::Rerate,
            Shortcut::Mnemonic('b') => Message::OpenAccount(self.view.order.account_id),
            _ => return None,
        };
        Some(self.update(backend, actor, message))
    }

    pub fn view(&self, actor: &Actor, show_account: bool) -> Element<'_, Message> {
        let o = &self.view.order;
        let mut detail = column![
            row![text(named(o)).size(18), text(o.status.label()).style(theme::muted)].spacing(10).align_y(Center),
            row![
                labelled("Account", text(format!("{} · {}", o.account_number, o.customer))),
                labelled("Drafted", text(format!("{} by {}", crate::gui::clock::day(o.created_at), o.created_by))),
                labelled("Complaint", text(o.complaint_id.map_or_else(|| "—".to_string(), |c| format!("#{c}")))),
            ]
            .spacing(20)
            .wrap(),
        ]
        .spacing(10)
        .width(Fill);
        let fields = Field::ALL.iter().filter(|f| f.applies_to(o.kind)).fold(column![].spacing(3), |list, field| {
            let value = match field {
                Field::ServiceDate => o.fields.service_date.map(|d| d.to_string()),
                Field::Bill => o.fields.bill.map(|b| format!("bill {b}")),
                text => o.fields.text(*text).cloned(),
            };
            let required = o.kind.required().contains(field);
            let shown = match (value, required) {
                (Some(value), _) => text(value),
                (None, true) => text("missing (required)").style(text::danger),
                (None, false) => text("—").style(theme::muted),
            };
            list.push(row![text(field.label()).width(170).style(theme::muted), shown.width(Fill)].spacing(8))
        });
        detail = detail.push(fields);
        if let Some(flags) = o.review_flags.as_ref().filter(|f| !f.is_empty()) {
            let said =
                flags.iter().fold(column![text("The last review found:").style(text::danger)].spacing(2), |l, f| {
                    l.push(text(format!("• {}", f.message())))
                });
            detail = detail.push(said);
        }
        if let Some(note) = &o.outcome_note {
            let what = if o.status == OrderStatus::Cancelled { "Cancelled because" } else { "The field found" };
            detail = detail.push(labelled(what, text(note.clone())));
        }
        if let Some(notice) = &self.notice {
            detail = detail.push(widget::notice(notice));
        }
        detail = detail.push(self.actions(actor, show_account));
        if let Some(step) = self.step {
            detail = detail.push(self.step_view(step));
        } else if let Some(error) = &self.error {
            detail = detail.push(widget::error(error));
        }
        let history = self.view.events.iter().fold(column![text("History").size(16)].spacing(3), |list, e| {
            list.push(
                row![
                    text(crate::gui::clock::minute(e.at)).font(Font::MONOSPACE).width(140),
                    text(e.to.label()).width(160),
                    text(e.note.clone().unwrap_or_default()).width(Fill),
                    text(e.by.clone()).style(theme::muted),
                ]
                .spacing(10),
            )
        });
        detail.push(history).into()
    }

    fn actions(&self, actor: &Actor, show_account: bool) -> Element<'_, Message> {
        let o = &self.view.order;
        let idle = !self.busy && self.step.is_none();
        let on = |message: Message| idle.then_some(message);
        let car3 = OrderPanel::is_car3(actor);
        let mut actions = row![].spacing(8).align_y(Center);
        match o.status {
            OrderStatus::Draft if self.may_edit(actor) => {
                actions = actions
                    .push(button(text("Submit for review  Alt+U")).action_maybe(on(Message::Submit)))
                    .push(button(text("Edit  Alt+E")).style(button::secondary).action_maybe(on(Message::Edit)));
            }
            OrderStatus::Submitted if car3 => {
                actions = actions.push(button(text("Review  Alt+V")).action_maybe(on(Message::Review)));
            }
            OrderStatus::Reviewed if car3 => {
                actions = actions.push(button(text("Send to the field  Alt+D")).action_maybe(on(Message::Send)));
            }
            OrderStatus::Sent => {
                actions = actions.push(
                    button(text("Field result  Alt+F"))
                        .style(button::success)
                        .action_maybe(on(Message::Start(Step::Complete))),
                );
            }
            OrderStatus::Submitted | OrderStatus::Reviewed => {
                actions = actions.push(
                    text(format!("Reviewed and sent by a {} or above.", Role::Car3.title()))
                        .size(13)
                        .style(theme::muted),
                );
            }
            _ => {}
        }
        let may_cancel = match o.status {
            OrderStatus::Draft => self.may_edit(actor),
            status => !status.is_final() && car3,
        };
        if may_cancel {
            actions = actions.push(
                button(text("Cancel order  Alt+X"))
                    .style(button::danger)
                    .action_maybe(on(Message::Start(Step::Cancel))),
            );
        }
        if self.rerate().is_some() {
            actions = actions.push(button(text("Re-rate the bill  Alt+J")).action_maybe(on(Message::Rerate)));
        }
        if show_account {
            actions = actions
                .push(button(text("Account  Alt+B")).style(button::text).action(Message::OpenAccount(o.account_id)));
        }
        actions.wrap().into()
    }

    fn step_view(&self, step: Step) -> Element<'_, Message> {
        let mut form = column![].spacing(8);
        match step {
            Step::Complete => {
                form = form.push(text("What the field found").size(16));
                if self.takes_reading() {
                    let label = match self.view.order.kind {
                        OrderKind::MeterReread => "Reading found",
                        OrderKind::StartService => "Reading at turn-on (an ended account: service starts again)",
                        _ => "Final reading (the final bill follows; blank: none taken)",
                    };
                    form = form.push(
                        row![
                            text(label),
                            text_input("e.g. 123456", &self.reading)
                                .id(READING)
                                .on_input(Message::Reading)
                                .on_submit(Message::Next)
                                .padding(6)
                                .width(140),
                            widget::tick_box(self.rollover, "The register rolled over", Message::Rollover),
                        ]
                        .spacing(8)
                        .align_y(Center)
                        .wrap(),
                    );
                }
                if self.view.order.kind == OrderKind::TransferService {
                    form = form.push(
                        text(
                            "Where service starts for the same customer (blank: start it later, Alt+H on the account)",
                        )
                        .size(13)
                        .style(theme::muted),
                    );
                    for (slot, (label, hint)) in NEW_PREMISE.iter().enumerate() {
                        form = form.push(
                            row![
                                text(*label).width(190),
                                text_input(hint, &self.new_premise[slot])
                                    .id(new_premise_id(slot))
                                    .on_input(move |typed| Message::NewPremise(slot, typed))
                                    .on_submit(Message::Next)
                                    .padding(6),
                            ]
                            .spacing(8)
                            .align_y(Center),
                        );
                    }
                    form = form.push(widget::tick_box(
                        self.move_balance,
                        "Move the final balance to the new account",
                        Message::MoveBalance,
                    ));
                }
                form = form.push(
                    text_input("What was found and done (required)", &self.text)
                        .id(OUTCOME)
                        .on_input(Message::Text)
                        .on_submit(Message::Confirm)
                        .padding(6),
                );
            }
            Step::Review | Step::Send => {
                let (title, hint) = match step {
                    Step::Review => (
                        format!("Review order #{}: its fields are checked against the account", self.id()),
                        "Comment, if any: what you checked (Enter reviews)",
                    ),
                    _ => (
                        format!("Send order #{} to the field", self.id()),
                        "Comment for the crew, if any (Enter sends)",
                    ),
                };
                form = form.push(text(title).size(16)).push(
                    text_input(hint, &self.text)
                        .id(COMMENT)
                        .on_input(Message::Text)
                        .on_submit(Message::Confirm)
                        .padding(6),
                );
            }
            Step::Cancel => {
                form = form.push(text("Cancel the order").size(16)).push(
                    text_input("Why it is cancelled (required)", &self.text)
                        .id(REASON)
                        .on_input(Message::Text)
                        .on_submit(Message::Confirm)
                        .padding(6),
                );
            }
        }
        let confirm = match step {
            Step::Review => "Review",
            Step::Send => "Send to the field",
            Step::Complete => "Complete",
            Step::Cancel => "Cancel the order",
        };
        form = form.push(
            row![
                button(text(confirm)).action_maybe((!self.busy).then_some(Message::Confirm)),
                button(text("Back  Esc")).action(Message::Close).style(button::secondary),
            ]
            .spacing(8),
        );
        let form = form.push(self.error.as_deref().map(widget::error));
        container(form).padding(12).style(theme::panel).into()
    }
}

/// One order as a line of a list.
pub fn order_line<'a, M: Clone + 'a>(order: &'a OrderRow, chosen: bool, open: M) -> Element<'a, M> {
    let when = order.submitted_at.unwrap_or(order.created_at);
    button(
        row![
            text(format!("#{}", order.id)).font(Font::MONOSPACE).width(56),
            column![
                text(format!("{} · {}", order.kind.label(), order.account_number)),
                row![
                    text(order.status.label()).size(12),
                    text(format!("since {}", crate::gui::clock::day(when))).size(12).style(theme::muted),
                    text(order.created_by.clone()).size(12).style(theme::muted),
                ]
                .spacing(8),
            ]
            .width(Fill),
        ]
        .spacing(8)
        .align_y(Center),
    )
    .action(open)
    .width(Fill)
    .padding([3, 6])
    .style(theme::row_button(chosen))
    .into()
}
