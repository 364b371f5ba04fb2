//! Approvals. Supervisors and Managers: the queue, oldest first with its
//! age; a request's detail with the account's context; approve (the amount
//! can be lowered) or reject with a reason. Representatives: their own
//! requests and what became of them; a pending one can be withdrawn.

use chrono::Utc;
use iced::widget::{Id, button, column, container, operation, row, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use super::super::app::Shortcut;
use crate::desk::{Actor, DeskError, MoneyRequest, Overview, RequestView};
use crate::domain::Money;
use crate::domain::ids::AccountId;
use crate::domain::user::Role;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, labelled, money};

pub const AMOUNT: Id = Id::new("approve-amount");
pub const NOTE: Id = Id::new("approve-note");
pub const FILTER: Id = Id::new("approvals-filter");

pub struct Approvals {
    /// Approvers see the queue; others their own requests.
    approver: bool,
    requests: Vec<RequestView>,
    /// Narrows the list: an account number, a name, an action.
    filter: String,
    /// Index into the filtered list.
    selected: usize,
    /// The selected request's account.
    context: Option<Overview>,
    amount: String,
    note: String,
    error: Option<String>,
    notice: Option<widget::Notice>,
    busy: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Vec<RequestView>, DeskError>),
    Select(usize),
    Filter(String),
    Context(Result<Box<Overview>, DeskError>),
    Amount(String),
    Note(String),
    Approve,
    Reject,
    Withdraw,
    Decided(Result<widget::Notice, DeskError>),
    OpenAccount(AccountId),
    /// Every few seconds while the queue is open: what came in or was
    /// decided elsewhere.
    Refresh,
    Refreshed(Result<Vec<RequestView>, DeskError>),
}

/// How often an open queue is read again.
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

pub enum Event {
    OpenAccount(AccountId),
}

fn is_approver(actor: &Actor) -> bool {
    matches!(actor.role, Role::Supervisor | Role::Manager)
}

impl Approvals {
    pub fn new(backend: &Backend, actor: &Actor) -> (Approvals, Task<Message>) {
        let approvals = Approvals {
            approver: is_approver(actor),
            requests: Vec::new(),
            filter: String::new(),
            selected: 0,
            context: None,
            amount: String::new(),
            note: String::new(),
            error: None,
            notice: None,
            busy: false,
        };
        (approvals, load(backend, actor))
    }

    pub fn requests(&self) -> &[RequestView] {
        &self.requests
    }

    /// The requests the filter lets through, in queue order.
    fn shown(&self) -> Vec<&RequestView> {
        let filter = self.filter.trim().to_lowercase();
        self.requests
            .iter()
            .filter(|r| {
                filter.is_empty()
                    || r.row.account_number.to_string().contains(&filter)
                    || r.row.account_number.digits().contains(&filter)
                    || r.row.requested_by_name.to_lowercase().contains(&filter)
                    || r.row.requested_by_full_name.to_lowercase().contains(&filter)
                    || r.row.action.label().contains(&filter)
            })
            .collect()
    }

    fn current(&self) -> Option<&RequestView> {
        self.shown().get(self.selected).copied()
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Loaded(Ok(requests)) => {
                self.requests = requests;
                self.busy = false;
                return (self.select(backend, self.selected.min(self.shown().len().saturating_sub(1))), None);
            }
            Message::Loaded(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Select(index) => return (self.select(backend, index), None),
            Message::Filter(filter) => {
                self.filter = filter;
                return (self.select(backend, 0), None);
            }
            Message::Context(Ok(overview)) => {
                if self.current().is_some_and(|r| r.row.account_id == overview.account.account.id) {
                    self.context = Some(*overview);
                }
                Task::none()
            }
            Message::Context(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Amount(amount) => {
                self.amount = amount;
                Task::none()
            }
            Message::Note(note) => {
                self.note = note;
                Task::none()
            }
            Message::Approve | Message::Reject | Message::Withdraw if self.busy => Task::none(),
            Message::Approve => self.decide(backend, actor, Decision::Approve),
            Message::Reject => self.decide(backend, actor, Decision::Reject),
            Message::Withdraw => self.decide(backend, actor, Decision::Withdraw),
            Message::Decided(Ok(said)) => {
                self.notice = Some(said);
                self.error = None;
                self.note.clear();
                load(backend, actor)
            }
            Message::Decided(Err(error)) => {
                self.busy = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::OpenAccount(id) => return (Task::none(), Some(Event::OpenAccount(id))),
            Message::Refresh if self.busy => Task::none(),
            Message::Refresh => load_as(backend, actor, Message::Refreshed),
            // A decision under way reads the queue itself when it is done.
            Message::Refreshed(_) if self.busy => Task::none(),
            Message::Refreshed(Ok(requests)) => {
                // The request open stays open, wherever new ones land in the
                // list, and what was typed for it is kept; one decided
                // elsewhere is said, never silently swapped for another.
                let open = self.current().map(|r| r.row.id);
                self.requests = requests;
                match open.map(|id| (id, self.shown().iter().position(|r| r.row.id == id))) {
                    Some((_, Some(index))) => {
                        self.selected = index;
                        Task::none()
                    }
                    Some((id, None)) => {
                        self.notice = Some(widget::Notice::new(
                            "The request you had open was decided or withdrawn elsewhere.",
                            format!("request {id}"),
                        ));
                        self.select(backend, 0)
                    }
                    None => self.select(backend, 0),
                }
            }
            // The queue on screen stays as it was; the next read may do better.
            Message::Refreshed(Err(_)) => Task::none(),
        };
        (task, None)
    }

    fn select(&mut self, backend: &Backend, index: usize) -> Task<Message> {
        self.selected = index;
        self.context = None;
        let Some((amount, account)) = self.current().map(|r| (r.row.amount, r.row.account_id)) else {
            return Task::none();
        };
        self.amount = amount.to_string().trim_start_matches('$').replace(',', "");
        let backend = backend.clone();
        Task::perform(
            async move { backend.run(move |desk| desk.overview(account, Utc::now()).map(Box::new)).await },
            Message::Context,
        )
    }

    fn decide(&mut self, backend: &Backend, actor: &Actor, decision: Decision) -> Task<Message> {
        let Some(request) = self.current() else { return Task::none() };
        let id = request.row.id;
        let note = self.note.trim().to_string();
        let amount = match decision {
            Decision::Approve => match Money::parse(&self.amount) {
                Ok(amount) => Some(amount),
                Err(error) => {
                    self.error = Some(format!("amount: {error}"));
                    return Task::none();
                }
            },
            _ => None,
        };
        if decision == Decision::Reject && note.is_empty() {
            self.error = Some("a reason is required to reject: say why in the note".into());
            return operation::focus(NOTE);
        }
        self.busy = true;
        let (backend, actor) = (backend.clone(), actor.clone());
        Task::perform(
            async move {
                backend
                    .run(move |desk| {
                        let now = Utc::now();
                        match decision {
                            Decision::Approve => {
                                let note = (!note.is_empty()).then_some(note.as_str());
                                let posted = desk.approve(&actor, now, id, amount, note)?;
                                let reference = format!("request {id}, posting {}", posted.posting_id);
                                Ok(widget::Notice::new("Request approved and posted.", reference))
                            }
                            Decision::Reject => {
                                desk.reject(&actor, now, id, &note)?;
                                Ok(widget::Notice::new("Request rejected.", format!("request {id}")))
                            }
                            Decision::Withdraw => {
                                desk.withdraw(&actor, now, id)?;
                                Ok(widget::Notice::new("Request withdrawn.", format!("request {id}")))
                            }
                        }
                    })
                    .await
            },
            Message::Decided,
        )
    }

    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Task<Message> {
        match key {
            Shortcut::Up => self.select(backend, self.selected.saturating_sub(1)),
            Shortcut::Down => self.select(backend, (self.selected + 1).min(self.shown().len().saturating_sub(1))),
            Shortcut::Mnemonic('p') if self.approver => self.update(backend, actor, Message::Approve).0,
            Shortcut::Mnemonic('r') if self.approver => self.update(backend, actor, Message::Reject).0,
            Shortcut::Mnemonic('w') if !self.approver => self.update(backend, actor, Message::Withdraw).0,
            Shortcut::Mnemonic('f') => operation::focus(FILTER),
            Shortcut::Mnemonic('o') => match self.current() {
                Some(request) => Task::done(Message::OpenAccount(request.row.account_id)),
                None => Task::none(),
            },
            _ => Task::none(),
        }
    }

    pub fn view(&self, _actor: &Actor) -> Element<'_, Message> {
        let title = if self.approver { "Approval queue, oldest first" } else { "My requests" };
        let shown = self.shown();
        let list = shown.iter().enumerate().fold(column![].spacing(1), |list, (i, r)| {
            let stale = if r.stale { " · stale" } else { "" };
            let status = if self.approver { String::new() } else { format!("{} · ", r.row.status) };
            list.push(
                button(
                    row![
                        text(format!("#{}", r.row.id)).font(Font::MONOSPACE).width(50),
                        column![
                            text(format!("{} · {}", r.row.action.label(), r.row.account_number)),
                            text(format!(
                                "{status}{} · {} business days{stale}",
                                r.row.requested_by_full_name, r.age_business_days
                            ))
                            .size(12)
                            .style(theme::muted),
                        ]
                        .width(Fill),
                        money(r.row.amount),
                    ]
                    .spacing(8)
                    .align_y(Center),
                )
                .action(Message::Select(i))
                .width(Fill)
                .padding([3, 6])
                .style(theme::row_button(i == self.selected)),
            )
        });
        let list: Element<'_, Message> = if shown.is_empty() && !self.requests.is_empty() {
            text("No request matches the filter.").style(theme::muted).into()
        } else if self.requests.is_empty() {
            text(if self.approver { "Nothing is waiting for approval." } else { "You have sent no requests." })
                .style(theme::muted)
                .into()
        } else {
            list.into()
        };
        let mut detail = column![].spacing(8).width(Fill);
        if let Some(notice) = &self.notice {
            detail = detail.push(widget::notice(notice));
        }
        if let Some(request) = self.current() {
            detail = detail.push(self.detail(request));
        }
        if let Some(error) = &self.error {
            detail = detail.push(widget::error(error));
        }
        column![
            text(title).size(18),
            text_input("Filter (Alt+F): account number, name or action", &self.filter)
                .id(FILTER)
                .on_input(Message::Filter)
                .padding(6)
                .width(if crate::gui::layout::narrow() { Fill } else { iced::Length::Fixed(420.0) }),
            crate::gui::layout::split(list, 420, detail)
        ]
        .spacing(8)
        .into()
    }

    fn detail<'a>(&'a self, request: &'a RequestView) -> Element<'a, Message> {
        let r = &request.row;
        let note = serde_json::from_str::<MoneyRequest>(&r.request_json).ok().map(|m| request_note(&m));
        let mut detail = column![
            row![
                text(format!("{} of {}", capitalized(r.action.label()), r.amount)).size(18),
                text(format!("request {}", r.id)).style(theme::muted),
            ]
            .spacing(10)
            .align_y(Center),
            row![
                labelled("Account", text(r.account_number.to_string()).font(Font::MONOSPACE)),
                labelled("Asked by", text(format!("{} ({})", r.requested_by_full_name, r.requested_by_name))),
                labelled("Asked on", text(crate::gui::clock::minute(request.row.requested_at))),
                labelled("Age", text(format!("{} business days", request.age_business_days))),
                labelled("Status", text(r.status.clone())),
            ]
            .spacing(24)
            .wrap(),
            labelled("Why it needs approval", text(r.reason.clone())),
        ]
        .spacing(10);
        if let Some(note) = note {
            detail = detail.push(labelled("Representative's note", text(note)));
        }
        if let Some(context) = &self.context {
            let a = &context.account;
            detail = detail.push(
                container(
                    row![
                        labelled("Customer", text(a.customer.name.clone())),
                        labelled("Balance", widget::balance(a.balance)),
                        labelled("Past due", money(context.aging.late_fee_base)),
                        labelled("Bills on file", text(context.bills.len().to_string())),
                        button(text("Open account  Alt+O")).action(Message::OpenAccount(r.account_id)),
                    ]
                    .spacing(24)
                    .align_y(Center)
                    .wrap(),
                )
                .padding(10)
                .style(theme::panel),
            );
        }
        if r.status != "pending" {
            let decided = match (&r.approved_amount, &r.decision_note) {
                (Some(amount), note) => format!("Approved for {amount}. {}", note.clone().unwrap_or_default()),
                (None, Some(note)) => format!("{}: {note}", r.status),
                (None, None) => r.status.clone(),
            };
            return detail.push(text(decided)).into();
        }
        // What Alt+P will post, on the button itself: one key moves money,
        // so the amount, the account and the customer are in front of it.
        let approve_label = match Money::parse(&self.amount) {
            Ok(amount) => {
                let customer =
                    self.context.as_ref().map(|c| format!(" ({})", c.account.customer.name)).unwrap_or_default();
                format!("Approve and post {amount} {} to {}{customer}  Alt+P", r.action.label(), r.account_number)
            }
            Err(_) => "Approve and post  Alt+P".to_string(),
        };
        let actions = if self.approver {
            column![
                row![
                    text("Approve for").width(100),
                    text_input("amount", &self.amount).id(AMOUNT).on_input(Message::Amount).padding(6).width(140),
                ]
                .spacing(8)
                .align_y(Center),
                text_input("Note (required to reject)", &self.note).id(NOTE).on_input(Message::Note).padding(6),
                row![
                    button(text(approve_label)).action_maybe((!self.busy).then_some(Message::Approve)),
                    button(text("Reject  Alt+R"))
                        .style(button::danger)
                        .action_maybe((!self.busy).then_some(Message::Reject)),
                ]
                .spacing(8),
            ]
            .spacing(8)
        } else {
            column![
                button(text("Withdraw this request  Alt+W"))
                    .style(button::secondary)
                    .action_maybe((!self.busy).then_some(Message::Withdraw))
            ]
        };
        detail.push(actions).into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Approve,
    Reject,
    Withdraw,
}

fn request_note(request: &MoneyRequest) -> String {
    match request {
        MoneyRequest::Credit(r) => format!("{}: {}", r.reason.label(), r.note),
        MoneyRequest::AdjustByRead(r) => format!("{}: {}", r.reason.label(), r.note),
        MoneyRequest::AdjustLine(r) => format!("{}: {}", r.reason.label(), r.note),
        MoneyRequest::Waive(r) => r.note.clone(),
        MoneyRequest::Reverse(r) => r.note.clone(),
        MoneyRequest::Refund(r) => format!("Refund of a final credit: {}", r.note),
    }
}

fn load(backend: &Backend, actor: &Actor) -> Task<Message> {
    load_as(backend, actor, Message::Loaded)
}

fn load_as(
    backend: &Backend,
    actor: &Actor,
    answer: fn(Result<Vec<RequestView>, DeskError>) -> Message,
) -> Task<Message> {
    let (backend, actor) = (backend.clone(), actor.clone());
    let approver = is_approver(&actor);
    Task::perform(
        async move {
            backend
                .run(move |desk| {
                    let now = Utc::now();
                    if approver {
                        desk.requests(now, Some("pending"), None)
                    } else {
                        let mut mine = desk.requests(now, None, Some(&actor))?;
                        mine.reverse();
                        Ok(mine)
                    }
                })
                .await
        },
        answer,
    )
}

/// "credit" → "Credit".
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
