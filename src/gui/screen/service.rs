//! Service started, ended or moved, in the window (`desk::service` does the
//! work). From search, when no account fits the caller: service for a new
//! customer. From an account: its service stopped from the final read (the
//! final bill follows), moved to a new address for the same customer, or
//! another premise started for the same customer. The fields a choice needs
//! are shown, the required ones marked; Enter moves on and, in the last
//! field, sends.

use chrono::{NaiveDate, Utc};
use iced::widget::{Id, button, column, container, operation, row, text, text_input};
use iced::{Center, Element, Task};

use super::account::form::outcome_notice;
use crate::desk::{
    Actor, CustomerChoice, DeskError, MoneyRequest, NewAccountRequest, NewCustomer, NewRead, Overview, PremiseChoice,
    RefundRequest, StopRequest, Stopped, TransferRequest, first_day_after, moved_balance_words,
};
use crate::domain::Money;
use crate::domain::account::{AccountStatus, Address, CartSize, MeterSize, PickupFrequency, Refuse, Services};
use crate::domain::ids::{AccountId, CustomerId};
use crate::domain::reads::ReadKind;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};

/// What the form does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Service at a premise: a new customer's (from search) or another
    /// premise for the account's customer.
    Start,
    /// The account's service ended, from the final read.
    Stop,
    /// Ended here and started at a new address for the same customer.
    Move,
    /// A final account's credit paid back (a money action: a credit's limits).
    Refund,
    /// A final account's balance moved to another of its customer's accounts.
    MoveBalance,
}

impl Act {
    fn label(self) -> &'static str {
        match self {
            Act::Start => "Start service",
            Act::Stop => "Stop service",
            Act::Move => "Move service",
            Act::Refund => "Refund the credit",
            Act::MoveBalance => "Move the balance",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Act::Start => "start",
            Act::Stop => "stop",
            Act::Move => "move",
            Act::Refund => "refund",
            Act::MoveBalance => "move-balance",
        }
    }
}

/// The button choosing what the form does, where the focus goes when it
/// opens on an account.
pub fn act_id(act: Act) -> Id {
    Id::from(format!("service-act-{}", act.code()))
}

/// The form's inputs, in the order they show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Phone,
    Email,
    StopOn,
    FinalReading,
    Line1,
    Line2,
    City,
    State,
    Zip,
    SewerCap,
    Meter,
    MeterSize,
    Dials,
    OpeningReading,
    StartsOn,
    Cycle,
    RefuseCart,
    Deposit,
    /// How a refund is paid, and to whom.
    RefundNote,
    /// The account a balance moves to.
    ToAccount,
}

impl Field {
    pub const ALL: [Field; 21] = [
        Field::Name,
        Field::Phone,
        Field::Email,
        Field::StopOn,
        Field::FinalReading,
        Field::Line1,
        Field::Line2,
        Field::City,
        Field::State,
        Field::Zip,
        Field::SewerCap,
        Field::Meter,
        Field::MeterSize,
        Field::Dials,
        Field::OpeningReading,
        Field::StartsOn,
        Field::Cycle,
        Field::RefuseCart,
        Field::Deposit,
        Field::RefundNote,
        Field::ToAccount,
    ];

    fn label(self) -> &'static str {
        match self {
            Field::Name => "Customer's name",
            Field::Phone => "Phone",
            Field::Email => "Email",
            Field::StopOn => "Last day of service",
            Field::FinalReading => "Final reading",
            Field::Line1 => "Service address",
            Field::Line2 => "Unit or suite",
            Field::City => "City",
            Field::State => "State",
            Field::Zip => "ZIP",
            Field::SewerCap => "Sewer cap (gal)",
            Field::Meter => "Meter number",
            Field::MeterSize => "Meter size",
            Field::Dials => "Register dials",
            Field::OpeningReading => "Meter reading at start",
            Field::StartsOn => "Service starts on",
            Field::Cycle => "Bill cycle",
            Field::RefuseCart => "Refuse cart (gal)",
            Field::Deposit => "Deposit taken",
            Field::RefundNote => "How it is paid",
            Field::ToAccount => "To account",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Field::Name => "As on the customer's identification",
            Field::Phone => "e.g. (918) 555-0142",
            Field::Email => "For paperless bills",
            Field::StopOn => "YYYY-MM-DD",
            Field::StartsOn => "YYYY-MM-DD; blank: the day after, or today",
            Field::FinalReading | Field::OpeningReading => "As on the register, e.g. 48210",
            Field::Line1 => "e.g. 8309 W 16th St",
            Field::Line2 => "Optional",
            Field::City => "e.g. Tulsa",
            Field::State => "e.g. OK",
            Field::Zip => "e.g. 74107",
            Field::SewerCap => "A premise not served before: its winter average",
            Field::Meter => "As on the meter",
            Field::MeterSize => "5/8, 3/4, 1, 1-1/2 or 2",
            Field::Dials => "Usually 7",
            Field::Cycle => "1 to 99",
            Field::RefuseCart => "35, 64 or 96; blank for none",
            Field::Deposit => "e.g. 150.00; blank for none",
            Field::RefundNote => "e.g. Check to the forwarding address",
            Field::ToAccount => "Another account of this customer, e.g. 10000421-7",
        }
    }

    pub fn id(self) -> Id {
        Id::from(format!("service-{}", format!("{self:?}").to_lowercase()))
    }

    fn slot(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// The account the form was opened from.
#[derive(Debug, Clone)]
struct From {
    account: AccountId,
    number: String,
    customer: CustomerId,
    name: String,
    services: Services,
    balance: Money,
    status: AccountStatus,
}

/// Choices made with a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    Rollover,
    Sewer,
    Stormwater,
    TwiceWeekly,
    Emsacare,
    MoveBalance,
}

pub struct ServiceForm {
    from: Option<From>,
    act: Option<Act>,
    values: [String; Field::ALL.len()],
    rollover: bool,
    sewer: bool,
    stormwater: bool,
    twice_weekly: bool,
    emsacare: bool,
    /// Moving service: the final balance goes to the new account.
    move_balance: bool,
    error: Option<String>,
    sending: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Act(Act),
    Value(Field, String),
    Tick(Tick, bool),
    Next,
    Send,
    Sent(Result<(Option<AccountId>, Notice), DeskError>),
    Cancel,
}

/// What the screen holding the form must do.
pub enum Event {
    /// Done: open this account (a new one) with the notice, or stay on the
    /// account the form was opened from and read it again.
    Done(Option<AccountId>, Notice),
    Closed,
}

impl ServiceForm {
    fn blank(from: Option<From>, act: Option<Act>) -> ServiceForm {
        let mut form = ServiceForm {
            from,
            act,
            values: Default::default(),
            rollover: false,
            sewer: true,
            stormwater: true,
            twice_weekly: false,
            emsacare: true,
            move_balance: false,
            error: None,
            sending: false,
        };
        let today = crate::gui::clock::today().to_string();
        form.values[Field::StopOn.slot()] = today;
        form.values[Field::MeterSize.slot()] = MeterSize::FiveEighths.code().to_string();
        form.values[Field::Dials.slot()] = "7".into();
        form.values[Field::Cycle.slot()] = "1".into();
        form.values[Field::RefuseCart.slot()] = CartSize::Medium.code().to_string();
        form
    }

    /// Service for a new customer, from search: the focus in the name.
    pub fn new_customer() -> (ServiceForm, Task<Message>) {
        (ServiceForm::blank(None, Some(Act::Start)), operation::focus(Field::Name.id()))
    }

    /// From an account: stop, move or start another; the focus on the first
    /// choice. The city and state are the account's until changed.
    pub fn for_account(overview: &Overview) -> (ServiceForm, Task<Message>) {
        let row = &overview.account;
        let from = From {
            account: row.account.id,
            number: row.account.number.to_string(),
            customer: row.customer.id,
            name: row.customer.name.clone(),
            services: row.services.clone(),
            balance: row.balance,
            status: row.account.status,
        };
        let mut form = ServiceForm::blank(Some(from), None);
        form.values[Field::City.slot()] = row.premise.address.city.clone();
        form.values[Field::State.slot()] = row.premise.address.state.clone();
        form.move_balance = !row.balance.is_zero();
        let first = form.acts().first().copied().unwrap_or(Act::Start);
        (form, operation::focus(act_id(first)))
    }

    /// What may be done from the account: an active one's service stopped
    /// or moved; a final one's credit refunded or its balance moved; and
    /// another premise started for the customer.
    fn acts(&self) -> Vec<Act> {
        match &self.from {
            None => vec![Act::Start],
            Some(from) if from.status == AccountStatus::Active => vec![Act::Stop, Act::Move, Act::Start],
            Some(from) => {
                let mut acts = Vec::new();
                if from.balance.is_negative() {
                    acts.push(Act::Refund);
                }
                if !from.balance.is_zero() {
                    acts.push(Act::MoveBalance);
                }
                acts.push(Act::Start);
                acts
            }
        }
    }

    /// The fields the choice needs, in order, and whether each is required.
    fn shown(&self) -> Vec<(Field, bool)> {
        use Field::*;
        let new_customer = self.from.is_none();
        let premise = [(Line1, true), (Line2, false), (City, true), (State, true), (Zip, true), (SewerCap, false)];
        let meter = [(Meter, true), (MeterSize, false), (Dials, false), (OpeningReading, true), (StartsOn, false)];
        let mut shown = Vec::new();
        match self.act {
            None => {}
            Some(Act::Stop) => shown.extend([(StopOn, true), (FinalReading, true)]),
            Some(Act::Refund) => shown.push((RefundNote, true)),
            Some(Act::MoveBalance) => shown.push((ToAccount, true)),
            Some(Act::Move) => {
                shown.extend([(StopOn, true), (FinalReading, true)]);
                shown.extend(premise);
                shown.extend(meter);
            }
            Some(Act::Start) => {
                if new_customer {
                    shown.extend([(Name, true), (Phone, false), (Email, false)]);
                }
                shown.extend(premise);
                shown.extend(meter);
                shown.extend([(Cycle, true), (RefuseCart, false), (Deposit, false)]);
            }
        }
        shown
    }

    fn typed(&self, field: Field) -> &str {
        self.values[field.slot()].trim()
    }

    fn optional(&self, field: Field) -> Option<String> {
        Some(self.typed(field).to_string()).filter(|t| !t.is_empty())
    }

    fn required(&self, field: Field) -> Result<&str, String> {
        match self.typed(field) {
            "" => Err(format!("{} is required", field.label().to_lowercase())),
            typed => Ok(typed),
        }
    }

    fn day(&self, field: Field) -> Result<Option<NaiveDate>, String> {
        match self.typed(field) {
            "" => Ok(None),
            typed => widget::typed_day(typed, &field.label().to_lowercase()).map(Some),
        }
    }

    fn number<T: std::str::FromStr>(&self, field: Field) -> Result<Option<T>, String> {
        match self.typed(field) {
            "" => Ok(None),
            typed => typed
                .replace(',', "")
                .parse()
                .map(Some)
                .map_err(|_| format!("{} \"{typed}\" is not a whole number", field.label().to_lowercase())),
        }
    }

    fn premise(&self) -> Result<PremiseChoice, String> {
        let address = Address {
            line1: self.required(Field::Line1)?.to_string(),
            line2: self.optional(Field::Line2),
            city: self.required(Field::City)?.to_string(),
            state: self.required(Field::State)?.to_uppercase(),
            zip: self.required(Field::Zip)?.to_string(),
        };
        Ok(PremiseChoice::New { address, sewer_cap_gal: self.number(Field::SewerCap)?.unwrap_or(0) })
    }

    /// The meter of the new premise, over the services given.
    fn meter(&self, mut services: Services) -> Result<(Services, u64), String> {
        services.meter_number = self.required(Field::Meter)?.to_uppercase();
        services.meter_size =
            self.typed(Field::MeterSize).parse().map_err(|e: crate::domain::account::UnknownCode| e.to_string())?;
        services.meter_dials = self.number(Field::Dials)?.unwrap_or(7);
        let reading = self.number(Field::OpeningReading)?.ok_or("the meter reading at start is required")?;
        Ok((services, reading))
    }

    fn stop(&self, from: &From) -> Result<StopRequest, String> {
        let on = self.day(Field::StopOn)?.ok_or("the last day of service is required")?;
        let reading = self.number(Field::FinalReading)?.ok_or("the final reading is required")?;
        let read = NewRead { read_on: on, reading, kind: ReadKind::Actual, rollover: self.rollover };
        Ok(StopRequest { account: from.account, on, read })
    }

    fn request(&self) -> Result<Request, String> {
        let act = self.act.ok_or("choose what to do first: stop, move or start")?;
        match (act, &self.from) {
            (Act::Stop, Some(from)) => Ok(Request::Stop(self.stop(from)?)),
            (Act::Refund, Some(from)) => Ok(Request::Refund(RefundRequest {
                account: from.account,
                note: self.required(Field::RefundNote)?.to_string(),
                key: format!("window:refund:{}:{}", from.account, Utc::now().timestamp_micros()),
            })),
            (Act::MoveBalance, Some(from)) => {
                Ok(Request::MoveBalance(from.account, self.required(Field::ToAccount)?.to_string()))
            }
            (Act::Move, Some(from)) => {
                let stop = self.stop(from)?;
                let (services, opening_read) = self.meter(from.services.clone())?;
                Ok(Request::Move(TransferRequest {
                    premise: self.premise()?,
                    starts_on: self
                        .day(Field::StartsOn)?
                        .unwrap_or_else(|| first_day_after(stop.on, crate::gui::clock::today())),
                    stop,
                    services,
                    opening_read,
                    move_balance: self.move_balance,
                }))
            }
            (Act::Start, from) => {
                let customer = match from {
                    Some(from) => CustomerChoice::Existing(from.customer),
                    None => CustomerChoice::New(NewCustomer {
                        name: self.required(Field::Name)?.to_string(),
                        mailing: match self.premise()? {
                            PremiseChoice::New { address, .. } => address,
                            PremiseChoice::Existing(_) => unreachable!("the form names an address"),
                        },
                        phone: self.optional(Field::Phone),
                        email: self.optional(Field::Email),
                        tax_id_last4: None,
                    }),
                };
                let refuse = match self.typed(Field::RefuseCart) {
                    "" => None,
                    typed => Some(Refuse {
                        cart: typed.parse().map_err(|e: crate::domain::account::UnknownCode| e.to_string())?,
                        frequency: if self.twice_weekly {
                            PickupFrequency::TwiceWeekly
                        } else {
                            PickupFrequency::Weekly
                        },
                    }),
                };
                let services = Services {
                    meter_number: String::new(),
                    meter_size: MeterSize::FiveEighths,
                    meter_dials: 7,
                    sewer: self.sewer,
                    stormwater: self.stormwater,
                    refuse,
                    emsacare: self.emsacare,
                };
                let (services, opening_read) = self.meter(services)?;
                let cycle = self.number(Field::Cycle)?.ok_or("the bill cycle is required")?;
                let deposit = match self.typed(Field::Deposit) {
                    "" => Money::ZERO,
                    typed => Money::parse(typed).map_err(|e| format!("the deposit: {e}"))?,
                };
                Ok(Request::Start(Box::new(NewAccountRequest {
                    customer,
                    premise: self.premise()?,
                    cycle,
                    opened_on: self.day(Field::StartsOn)?.unwrap_or_else(crate::gui::clock::today),
                    deposit,
                    services,
                    opening_read,
                })))
            }
            (_, None) => Err("stop and move start from an account".into()),
        }
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Act(act) if self.from.is_some() => {
                self.act = Some(act);
                self.error = None;
                operation::focus(self.shown().first().map_or(Field::StopOn, |(f, _)| *f).id())
            }
            Message::Act(_) => Task::none(),
            Message::Value(field, typed) => {
                self.values[field.slot()] = typed;
                Task::none()
            }
            Message::Tick(tick, on) => {
                *match tick {
                    Tick::Rollover => &mut self.rollover,
                    Tick::Sewer => &mut self.sewer,
                    Tick::Stormwater => &mut self.stormwater,
                    Tick::TwiceWeekly => &mut self.twice_weekly,
                    Tick::Emsacare => &mut self.emsacare,
                    Tick::MoveBalance => &mut self.move_balance,
                } = on;
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
                    let number = self.from.as_ref().map(|f| f.number.clone()).unwrap_or_default();
                    send(backend, actor, request, number)
                }
            },
            Message::Sent(Ok((opened, notice))) => return (Task::none(), Some(Event::Done(opened, notice))),
            Message::Sent(Err(error)) => {
                self.sending = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Cancel => return (Task::none(), Some(Event::Closed)),
        };
        (task, None)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let title = match &self.from {
            Some(from) => format!("Service for {} (account {})", from.name, from.number),
            None => "Start service for a new customer".to_string(),
        };
        let mut form = column![text(title).size(18)].spacing(8);
        if self.from.is_some() {
            let acts = self.acts().into_iter().fold(row![].spacing(4), |acts, act| {
                let label = match act {
                    Act::Start => "Start at another premise",
                    other => other.label(),
                };
                acts.push(
                    button(text(label).size(13))
                        .style(theme::tab(self.act == Some(act)))
                        .padding([3, 8])
                        .action(Message::Act(act))
                        .id(act_id(act)),
                )
            });
            form = form.push(acts.wrap());
        }
        let shown = self.shown();
        let last = shown.last().map(|(f, _)| *f);
        for (field, required) in &shown {
            let field = *field;
            let enter = if Some(field) == last { Message::Send } else { Message::Next };
            let label = format!("{}{}", field.label(), if *required { " *" } else { "" });
            form = form.push(
                row![
                    text(label).width(190),
                    text_input(field.hint(), &self.values[field.slot()])
                        .id(field.id())
                        .on_input(move |typed| Message::Value(field, typed))
                        .on_submit(enter)
                        .padding(5),
                ]
                .spacing(8)
                .align_y(Center),
            );
        }
        let tick = |on: bool, label: &'static str, which: Tick| -> Element<'_, Message> {
            widget::tick_box(on, label, move |on| Message::Tick(which, on))
        };
        match self.act {
            None => {
                let asked = match self.from.as_ref().map(|f| f.status) {
                    Some(AccountStatus::Active) | None => "Stop, move, or start at another premise? Choose above.",
                    Some(_) => "Service here has ended: refund a credit, move the balance, or start another premise.",
                };
                form = form.push(text(asked).style(theme::muted))
            }
            Some(Act::Refund) => {
                let amount = self.from.as_ref().map(|f| -f.balance).unwrap_or_default();
                form = form.push(
                    text(format!(
                        "The whole credit of {amount} is paid back, under your credit limits: above them it goes to a \
                         supervisor."
                    ))
                    .size(13)
                    .style(theme::muted),
                );
            }
            Some(Act::MoveBalance) => {
                let amount = self.from.as_ref().map(|f| f.balance).unwrap_or_default();
                form = form.push(
                    text(format!(
                        "The {} moves, in one paired posting, to another account of the same customer.",
                        moved_balance_words(amount)
                    ))
                    .size(13)
                    .style(theme::muted),
                );
            }
            Some(Act::Stop | Act::Move) => {
                form = form.push(tick(self.rollover, "The register rolled over past its last dial", Tick::Rollover));
                form = form.push(
                    text("The final bill runs from the last read to the last day of service, its monthly charges prorated.")
                        .size(13)
                        .style(theme::muted),
                );
            }
            Some(Act::Start) => {
                form = form.push(
                    row![
                        tick(self.sewer, "Sewer", Tick::Sewer),
                        tick(self.stormwater, "Stormwater", Tick::Stormwater),
                        tick(self.twice_weekly, "Refuse twice a week", Tick::TwiceWeekly),
                        tick(self.emsacare, "EMSAcare", Tick::Emsacare),
                    ]
                    .spacing(12)
                    .wrap(),
                );
            }
        }
        if let (Some(Act::Move), Some(from)) = (self.act, &self.from) {
            form = form.push(tick(
                self.move_balance,
                "Move the final balance to the new account (a paired posting)",
                Tick::MoveBalance,
            ));
            form = form.push(
                text(format!(
                    "The services go with the customer: the balance today is {}; the final bill is added to it.",
                    from.balance
                ))
                .size(13)
                .style(theme::muted),
            );
        }
        if self.act.is_some() {
            form = form.push(text("* required").size(12).style(theme::muted));
        }
        let send = self.act.map_or("Send", Act::label);
        form = form.push(
            row![
                button(text(send)).action_maybe((!self.sending && self.act.is_some()).then_some(Message::Send)),
                button(text("Cancel  Esc")).style(button::text).action(Message::Cancel),
            ]
            .spacing(8),
        );
        let form = form.push(self.error.as_deref().map(widget::error));
        container(form).padding(12).style(theme::panel).into()
    }
}

/// A request built from the form.
enum Request {
    Start(Box<NewAccountRequest>),
    Stop(StopRequest),
    Move(TransferRequest),
    Refund(RefundRequest),
    /// From the account, to the account with this number.
    MoveBalance(AccountId, String),
}

fn send(backend: &Backend, actor: &Actor, request: Request, number: String) -> Task<Message> {
    let (backend, actor) = (backend.clone(), actor.clone());
    Task::perform(
        async move {
            backend
                .run(move |desk| {
                    let now = Utc::now();
                    let number_of =
                        |desk: &mut crate::desk::Desk, id| desk.overview(id, now).map(|o| o.account.account.number);
                    match request {
                        Request::Start(request) => {
                            let opened = desk.start_service(&actor, now, &request)?;
                            let new = number_of(desk, opened)?;
                            let said = format!("Service started on {}: account {new}.", request.opened_on);
                            Ok((Some(opened), Notice::new(said, format!("account {new}"))))
                        }
                        Request::Stop(request) => {
                            let stopped = desk.stop_service(&actor, now, &request)?;
                            Ok((None, Notice::new(stopped_said(&stopped), format!("account {number}"))))
                        }
                        Request::Refund(request) => {
                            let outcome = desk.submit(&actor, now, &MoneyRequest::Refund(request))?;
                            Ok((None, outcome_notice(outcome, "Credit refunded.".to_string())))
                        }
                        Request::MoveBalance(from, to) => {
                            let to = desk.account_by_number(&to)?;
                            let amount = desk.move_balance(&actor, now, from, to.account.id)?;
                            let said =
                                format!("The {} moved to account {}.", moved_balance_words(amount), to.account.number);
                            Ok((None, Notice::new(said, format!("account {number}"))))
                        }
                        Request::Move(request) => {
                            let moved = desk.transfer_service(&actor, now, &request)?;
                            let new = number_of(desk, moved.opened)?;
                            let mut said = format!(
                                "{} Service starts at the new address on {}: account {new}.",
                                stopped_said(&moved.stopped),
                                request.starts_on
                            );
                            if let Some(amount) = moved.balance_moved {
                                said.push_str(&format!(" Its {} moved to account {new}.", moved_balance_words(amount)));
                            }
                            Ok((Some(moved.opened), Notice::new(said, format!("account {number} → {new}"))))
                        }
                    }
                })
                .await
        },
        Message::Sent,
    )
}

/// What a stop did, in a sentence or two.
fn stopped_said(stopped: &Stopped) -> String {
    let ended = format!("Service ended on {}, {} gal since the last read.", stopped.on, stopped.gallons);
    match (&stopped.bill, &stopped.held) {
        (Some(bill), _) => format!("{ended} Final bill {}: {}.", bill.bill, bill.total),
        (None, Some((_, why))) => {
            format!("{ended} The final read is held for a CAR III ({why}); the bill run bills it once decided.")
        }
        (None, None) => ended,
    }
}
