//! Adjust a bill: by a corrected read (the bill re-rated, service by
//! service, before and after) or by an amount on one line. Like a credit,
//! it says before sending whether it posts or goes for approval.

use chrono::Utc;
use iced::widget::{Id, button, column, operation, row, rule, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use super::form::{self, Preview};
use super::reason::{self, ReasonField};
use crate::desk::{
    Actor, DeskError, LineAdjustRequest, LineDirection, MoneyRequest, Outcome, RerateRequest, RerateReview,
};
use crate::domain::Money;
use crate::domain::authority::{Decision, MoneyAction};
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice, money};
use crate::records::BillRow;

pub const READING: Id = Id::new("adjust-reading");
pub const AMOUNT: Id = Id::new("adjust-amount");
pub const REASON: Id = Id::new("adjust-reason");
pub const NOTE: Id = Id::new("adjust-note");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Re-rate from a corrected current read.
    Read,
    /// An amount up or down on one printed line.
    Line,
}

#[derive(Debug, Clone)]
pub struct AdjustForm {
    bill: BillRow,
    method: Method,
    reading: String,
    /// The register rolled over since the bill's previous read (a re-read's finding).
    rollover: bool,
    /// The re-rate the corrected read gives, when it has been worked out.
    review: Option<Result<RerateReview, String>>,
    /// The offer of the review's sewer caps is taken (see
    /// [`RerateReview::caps`]).
    recompute_caps: bool,
    line: u32,
    direction: LineDirection,
    amount: String,
    reason: ReasonField,
    note: String,
    key: String,
    decision: Preview,
    /// Increases with every change that alters the amount; older answers are dropped.
    generation: u64,
    error: Option<String>,
    sending: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Method(Method),
    Reading(String),
    Reviewed {
        generation: u64,
        review: Result<Box<RerateReview>, DeskError>,
    },
    /// Take, or not, the offer to recompute the sewer caps the correction went into.
    RecomputeCaps(bool),
    Line(u32),
    Direction(LineDirection),
    Amount(String),
    Decided {
        generation: u64,
        decision: Result<Decision, DeskError>,
    },
    Reason(reason::Message),
    Note(String),
    Next,
    Send,
    Sent(Result<Outcome, DeskError>),
    Cancel,
}

pub enum Event {
    Closed(Option<Notice>),
}

impl AdjustForm {
    pub fn new(bill: BillRow, actor: &Actor) -> (AdjustForm, Task<Message>) {
        let key = format!("window:adjust:{}:{}:{}", actor.user_id, bill.id, Utc::now().timestamp_micros());
        let form = AdjustForm {
            bill,
            method: Method::Read,
            reading: String::new(),
            rollover: false,
            review: None,
            recompute_caps: false,
            line: 1,
            direction: LineDirection::Decrease,
            amount: String::new(),
            reason: ReasonField::default(),
            note: String::new(),
            key,
            decision: None,
            generation: 0,
            error: None,
            sending: false,
        };
        (form, operation::focus(READING))
    }

    /// The re-rate a completed re-read offers: the reading it found typed
    /// in and previewed, a note naming the order; the person chooses the
    /// reason and sends it under the authority rules.
    pub fn from_reread(
        backend: &Backend,
        bill: BillRow,
        actor: &Actor,
        rerate: &crate::gui::screen::order::Rerate,
    ) -> (AdjustForm, Task<Message>) {
        let (mut form, _) = AdjustForm::new(bill, actor);
        form.rollover = rerate.rollover;
        form.note = format!("Re-read by service order #{}: reading {}", rerate.order, rerate.reading);
        let preview = form.update(backend, actor, Message::Reading(rerate.reading.to_string())).0;
        (form, Task::batch([preview, operation::focus(REASON)]))
    }

    /// The amount the authority rules weigh: every service's change, up or
    /// down, for a re-rate; the amount for a line.
    fn weighed(&self) -> Option<Money> {
        match self.method {
            Method::Read => match &self.review {
                Some(Ok(review)) => Some(review.rewritten(self.recompute_caps)),
                _ => None,
            },
            Method::Line => Money::parse(&self.amount).ok(),
        }
    }

    fn decide(&mut self, backend: &Backend, actor: &Actor) -> Task<Message> {
        self.decision = None;
        let Some(amount) = self.weighed().filter(|a| a.is_positive()) else { return Task::none() };
        let (backend, actor, generation) = (backend.clone(), actor.clone(), self.generation);
        let account = Some(self.bill.account_id);
        Task::perform(
            async move {
                backend
                    .run(move |desk| {
                        desk.preview_decision(&actor, Utc::now(), MoneyAction::Adjustment, amount, account)
                    })
                    .await
            },
            move |decision| Message::Decided { generation, decision },
        )
    }

    fn request(&self) -> Result<MoneyRequest, String> {
        let reason = self.reason.chosen().ok_or("choose a reason: type a word such as meter or estimated")?;
        let note = self.note.trim().to_string();
        if note.is_empty() {
            return Err("a note is required: what was wrong with the bill".into());
        }
        let key = self.key.clone();
        match self.method {
            Method::Read => {
                let corrected_reading = parse_reading(&self.reading)?;
                Ok(MoneyRequest::AdjustByRead(RerateRequest {
                    bill: self.bill.id,
                    corrected_reading,
                    rollover: self.rollover,
                    reason,
                    note,
                    key,
                    recompute_caps: self.recompute_caps && review_has_caps(&self.review),
                }))
            }
            Method::Line => Ok(MoneyRequest::AdjustLine(LineAdjustRequest {
                bill: self.bill.id,
                line: self.line,
                amount: Money::parse(&self.amount).map_err(|e| e.to_string())?,
                direction: self.direction,
                reason,
                note,
                key,
            })),
        }
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Method(method) => {
                self.method = method;
                self.generation += 1;
                let focus = operation::focus(if method == Method::Read { READING } else { AMOUNT });
                Task::batch([focus, self.decide(backend, actor)])
            }
            Message::Reading(reading) => {
                self.reading = reading;
                self.generation += 1;
                self.review = None;
                self.decision = None;
                match parse_reading(&self.reading) {
                    Err(why) if !self.reading.trim().is_empty() => {
                        self.review = Some(Err(why));
                        Task::none()
                    }
                    Err(_) => Task::none(),
                    Ok(reading) => {
                        let (backend, bill, generation) = (backend.clone(), self.bill.id, self.generation);
                        let rollover = self.rollover;
                        Task::perform(
                            async move {
                                backend
                                    .run(move |desk| desk.preview_rerate(bill, reading, rollover).map(Box::new))
                                    .await
                            },
                            move |review| Message::Reviewed { generation, review },
                        )
                    }
                }
            }
            Message::Reviewed { generation, review } if generation == self.generation => {
                self.review = Some(review.map(|r| *r).map_err(|e| e.to_string()));
                self.decide(backend, actor)
            }
            Message::Reviewed { .. } => Task::none(),
            Message::RecomputeCaps(take) => {
                self.recompute_caps = take;
                self.generation += 1;
                self.decide(backend, actor)
            }
            Message::Line(line) => {
                self.line = line;
                Task::none()
            }
            Message::Direction(direction) => {
                self.direction = direction;
                Task::none()
            }
            Message::Amount(amount) => {
                self.amount = amount;
                self.generation += 1;
                self.decide(backend, actor)
            }
            Message::Decided { generation, decision } => {
                if generation == self.generation {
                    self.decision = Some(decision.map_err(|e| e.to_string()));
                }
                Task::none()
            }
            Message::Reason(message) => {
                if self.reason.update(message) {
                    operation::focus(NOTE)
                } else {
                    Task::none()
                }
            }
            Message::Note(note) => {
                self.note = note;
                Task::none()
            }
            Message::Next => crate::gui::focus::next_field(),
            Message::Send if self.sending => Task::none(),
            Message::Send => match self.request() {
                Err(why) => {
                    self.error = Some(why);
                    Task::none()
                }
                Ok(request) => {
                    self.sending = true;
                    self.error = None;
                    form::submit(backend, actor, request).map(Message::Sent)
                }
            },
            Message::Sent(Ok(outcome)) => {
                let notice = form::outcome_notice(outcome, format!("Bill {} adjusted.", self.bill.id));
                return (Task::none(), Some(Event::Closed(Some(notice))));
            }
            Message::Sent(Err(error)) => {
                self.sending = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Cancel => return (Task::none(), Some(Event::Closed(None))),
        };
        (task, None)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let method = |label: &'static str, m: Method| {
            button(text(label)).action(Message::Method(m)).style(theme::tab(self.method == m)).padding([3, 10])
        };
        let body: Element<'_, Message> = match self.method {
            Method::Read => self.by_read(),
            Method::Line => self.by_line(),
        };
        let (reason, choices) = self.reason.view(REASON, Message::Next, Message::Reason);
        let note = text_input("Note: what was wrong with the bill (required)", &self.note)
            .id(NOTE)
            .on_input(Message::Note)
            .on_submit(Message::Send)
            .padding(6);
        let decision = form::decision_line(&self.decision, "adjustment", "");
        let send = form::send_label(&self.decision, "Post adjustment");
        form::panel(
            column![
                row![
                    text(format!(
                        "Adjust bill {} ({} to {})",
                        self.bill.id, self.bill.period_start, self.bill.period_end
                    ))
                    .size(18),
                    method("By corrected read  Alt+R", Method::Read),
                    method("By amount on a line  Alt+N", Method::Line),
                ]
                .spacing(10)
                .align_y(Center),
                body,
                reason,
                choices,
                note,
                decision,
                form::buttons(send, self.sending, Message::Send, Message::Cancel),
            ],
            self.error.as_deref(),
        )
    }

    fn by_read(&self) -> Element<'_, Message> {
        let input = row![
            text(format!(
                "Billed read {} on {}; corrected read:",
                self.bill.current_read.reading, self.bill.current_read.read_on
            )),
            text_input("e.g. 123456", &self.reading)
                .id(READING)
                .on_input(Message::Reading)
                .on_submit(Message::Next)
                .padding(6)
                .width(140),
        ]
        .spacing(8)
        .align_y(Center);
        let review: Element<'_, Message> = match &self.review {
            None => text("Type the corrected read to see the bill re-rated.").style(theme::muted).into(),
            Some(Err(error)) => widget::error(error),
            Some(Ok(review)) => {
                let head = row![
                    text("Service").width(Fill),
                    text("Before").width(widget::MONEY_WIDTH).align_x(iced::Right),
                    text("After").width(widget::MONEY_WIDTH).align_x(iced::Right),
                    text("Difference").width(widget::MONEY_WIDTH).align_x(iced::Right),
                ];
                let rows = review.services.iter().fold(column![head, rule::horizontal(1)].spacing(3), |rows, s| {
                    rows.push(row![
                        text(s.service.to_string()).width(Fill),
                        money(s.before),
                        money(s.after),
                        money(s.difference)
                    ])
                });
                let mut shown = column![
                    text(format!(
                        "Used {} gallons as corrected (billed {}).",
                        crate::desk::explain::thousands(review.corrected_consumption_gal),
                        crate::desk::explain::thousands(self.bill.consumption_gal)
                    )),
                    rows,
                    row![text("The bill changes by").width(Fill), money(review.difference)],
                ]
                .spacing(4);
                for cap in &review.caps {
                    let bills: Vec<String> =
                        cap.bills.iter().map(|b| format!("bill {} {}", b.bill.id, b.difference)).collect();
                    shown = shown.push(text(format!(
                        "The sewer cap from {} went on the use as it was: {} gallons; from the use in force, {}. \
                         Bills rated with it: {}.",
                        cap.effective_from,
                        crate::desk::explain::thousands(cap.before_gal),
                        crate::desk::explain::thousands(cap.after_gal),
                        if bills.is_empty() { "none".to_string() } else { bills.join(", ") }
                    )));
                }
                if !review.caps.is_empty() {
                    shown = shown.push(crate::gui::widget::tick_box(
                        self.recompute_caps,
                        "Recompute the cap and re-rate those bills' sewer too",
                        Message::RecomputeCaps,
                    ));
                }
                if let Some(next) = &review.next {
                    shown = shown.push(
                        text(format!(
                            "Bill {} started from the read corrected: it is re-rated from the correction too \
                             ({} gallons, billed {}), changing by {}.",
                            next.bill.id,
                            crate::desk::explain::thousands(next.corrected_consumption_gal),
                            crate::desk::explain::thousands(next.bill.consumption_gal),
                            next.difference
                        ))
                        .style(text::warning),
                    );
                }
                shown.into()
            }
        };
        column![input, review].spacing(6).into()
    }

    fn by_line(&self) -> Element<'_, Message> {
        let lines = self.bill.lines.iter().fold(column![].spacing(2), |lines, l| {
            lines.push(
                button(
                    row![
                        text(format!("{}.", l.seq)).font(Font::MONOSPACE).width(30),
                        text(l.line.description.clone()).width(Fill),
                        money(l.line.amount)
                    ]
                    .spacing(8),
                )
                .action(Message::Line(l.seq))
                .width(Fill)
                .padding([2, 6])
                .style(theme::row_button(self.line == l.seq)),
            )
        });
        let direction = |label: &'static str, d: LineDirection| {
            button(text(label)).action(Message::Direction(d)).style(theme::tab(self.direction == d)).padding([3, 10])
        };
        let amount = text_input("Amount, e.g. 12.50", &self.amount)
            .id(AMOUNT)
            .on_input(Message::Amount)
            .on_submit(Message::Next)
            .padding(6)
            .width(140);
        let after = self.bill.lines.iter().find(|l| l.seq == self.line).zip(Money::parse(&self.amount).ok()).map(
            |(l, amount)| {
                let after = match self.direction {
                    LineDirection::Decrease => l.line.amount - amount,
                    LineDirection::Increase => l.line.amount + amount,
                };
                text(format!("Line {}: {} before, {} after.", l.seq, l.line.amount, after))
            },
        );
        column![
            lines,
            text("↑ ↓ choose the line").size(12).style(theme::muted),
            row![
                direction("Decrease  Alt+D", LineDirection::Decrease),
                direction("Increase  Alt+I", LineDirection::Increase),
                amount
            ]
            .spacing(8)
            .align_y(Center),
        ]
        .push(after)
        .spacing(6)
        .into()
    }
}

impl AdjustForm {
    /// Keys while the form is open: Alt+R by read, Alt+N by line, ↑ ↓ the
    /// line, Alt+D decrease, Alt+I increase.
    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: crate::gui::app::Shortcut) -> Task<Message> {
        use crate::gui::app::Shortcut;
        let message = match key {
            Shortcut::Mnemonic('r') => Message::Method(Method::Read),
            Shortcut::Mnemonic('n') => Message::Method(Method::Line),
            Shortcut::Mnemonic('d') if self.method == Method::Line => Message::Direction(LineDirection::Decrease),
            Shortcut::Mnemonic('i') if self.method == Method::Line => Message::Direction(LineDirection::Increase),
            Shortcut::Up if self.method == Method::Line => Message::Line(self.line.saturating_sub(1).max(1)),
            Shortcut::Down if self.method == Method::Line => {
                Message::Line((self.line + 1).min(self.bill.lines.len().max(1) as u32))
            }
            _ => return Task::none(),
        };
        self.update(backend, actor, message).0
    }
}

fn parse_reading(text: &str) -> Result<u64, String> {
    let digits: String = text.trim().chars().filter(|c| *c != ',').collect();
    digits.parse::<u64>().map_err(|_| format!("\"{}\" is not a meter read: digits only", text.trim()))
}

/// Whether the review offers caps to recompute.
fn review_has_caps(review: &Option<Result<RerateReview, String>>) -> bool {
    matches!(review, Some(Ok(r)) if !r.caps.is_empty())
}
