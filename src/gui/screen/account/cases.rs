//! The account's Cases tab: its complaints, disputes, service orders and
//! contacts, and beside them the one case chosen, worked in its panel.

use iced::widget::{button, column, row, scrollable, text};
use iced::{Element, Fill, Font, Task};

use crate::desk::{Actor, Cases, ComplaintView, DeskError, DisputeView, OrderView};
use crate::gui::app::Shortcut;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::screen::complaint::{self, ComplaintPanel};
use crate::gui::screen::dispute::{self, DisputePanel};
use crate::gui::screen::order::{self, OrderPanel, Rerate};
use crate::gui::theme;
use crate::gui::widget::money;
use crate::records::OrderRow;

/// The case open beside the list.
pub enum CasePanel {
    Complaint(ComplaintPanel),
    Dispute(DisputePanel),
    Order(Box<OrderPanel>),
}

#[derive(Default)]
pub struct CasesTab {
    panel: Option<CasePanel>,
}

#[derive(Debug, Clone)]
pub enum Message {
    OpenComplaint(i64),
    ComplaintLoaded(Result<Box<ComplaintView>, DeskError>),
    Complaint(complaint::Message),
    OpenDispute(i64),
    DisputeLoaded(Result<Box<DisputeView>, DeskError>),
    Dispute(dispute::Message),
    OpenOrder(i64),
    OrderLoaded(Result<Box<OrderView>, DeskError>),
    Order(order::Message),
}

/// What only the account can do.
pub enum Event {
    /// A case changed: the account (aging, alerts, lists) reloads.
    Changed,
    /// A draft order is edited in the account's order form.
    EditOrder(Box<OrderRow>),
    /// A completed re-read's re-rate, in the account's adjust form.
    Rerate(Rerate),
    Failed(String),
}

type Outcome = (Task<Message>, Option<Event>);

fn changed_or(task: Task<Message>, changed: bool) -> Outcome {
    (task, changed.then_some(Event::Changed))
}

impl CasesTab {
    pub fn complaint(&self) -> Option<&ComplaintPanel> {
        match &self.panel {
            Some(CasePanel::Complaint(panel)) => Some(panel),
            _ => None,
        }
    }

    pub fn order(&self) -> Option<&OrderPanel> {
        match &self.panel {
            Some(CasePanel::Order(panel)) => Some(panel.as_ref()),
            _ => None,
        }
    }

    pub fn dispute(&self) -> Option<&DisputePanel> {
        match &self.panel {
            Some(CasePanel::Dispute(panel)) => Some(panel),
            _ => None,
        }
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> Outcome {
        match message {
            Message::OpenComplaint(id) => (complaint::load(backend, id).map(Message::ComplaintLoaded), None),
            Message::OpenDispute(id) => (dispute::load(backend, id).map(Message::DisputeLoaded), None),
            Message::OpenOrder(id) => (order::load(backend, id).map(Message::OrderLoaded), None),
            Message::ComplaintLoaded(Ok(view)) => {
                self.panel = Some(CasePanel::Complaint(ComplaintPanel::new(*view)));
                (Task::none(), None)
            }
            Message::DisputeLoaded(Ok(view)) => {
                self.panel = Some(CasePanel::Dispute(DisputePanel::new(*view)));
                (Task::none(), None)
            }
            Message::OrderLoaded(Ok(view)) => {
                match &mut self.panel {
                    Some(CasePanel::Order(panel)) if panel.id() == view.order.id => panel.refresh(*view),
                    _ => self.panel = Some(CasePanel::Order(Box::new(OrderPanel::new(*view)))),
                }
                (Task::none(), None)
            }
            Message::ComplaintLoaded(Err(error))
            | Message::DisputeLoaded(Err(error))
            | Message::OrderLoaded(Err(error)) => (Task::none(), Some(Event::Failed(error.to_string()))),
            Message::Complaint(message) => match &mut self.panel {
                Some(CasePanel::Complaint(panel)) => complaint_outcome(panel.update(backend, actor, message)),
                _ => (Task::none(), None),
            },
            Message::Dispute(message) => match &mut self.panel {
                Some(CasePanel::Dispute(panel)) => dispute_outcome(panel.update(backend, actor, message)),
                _ => (Task::none(), None),
            },
            Message::Order(message) => match &mut self.panel {
                Some(CasePanel::Order(panel)) => order_outcome(panel.update(backend, actor, message)),
                _ => (Task::none(), None),
            },
        }
    }

    /// The open panel's keys, if it takes this one.
    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Option<Outcome> {
        match self.panel.as_mut()? {
            CasePanel::Complaint(panel) => panel.key(backend, actor, key).map(complaint_outcome),
            CasePanel::Dispute(panel) => panel.key(backend, actor, key).map(dispute_outcome),
            CasePanel::Order(panel) => panel.key(backend, actor, key).map(order_outcome),
        }
    }

    pub fn view<'a>(&'a self, cases: &'a Cases, actor: &Actor) -> Element<'a, Message> {
        if cases.complaints.is_empty()
            && cases.contacts.is_empty()
            && cases.disputes.is_empty()
            && cases.orders.is_empty()
        {
            return text("No contacts logged on this account. Alt+L logs one; Alt+W drafts a service order.")
                .style(theme::muted)
                .into();
        }
        let list = self.list(cases);
        let panel = match &self.panel {
            Some(CasePanel::Complaint(panel)) => panel.view(actor, false).map(Message::Complaint),
            Some(CasePanel::Dispute(panel)) => panel.view(actor).map(Message::Dispute),
            Some(CasePanel::Order(panel)) => panel.view(actor, false).map(Message::Order),
            None => return scrollable(list).spacing(6).height(crate::gui::layout::pane_height()).into(),
        };
        crate::gui::layout::split(list, Fill, panel)
    }

    fn list<'a>(&self, cases: &'a Cases) -> Element<'a, Message> {
        let complaint = self.complaint().map(ComplaintPanel::id);
        let dispute = self.dispute().map(DisputePanel::id);
        let order = self.order().map(OrderPanel::id);
        let complaints = cases.complaints.iter().fold(
            column![text("Complaints (Tab to one, Enter to work it)").size(16)].spacing(2),
            |list, c| {
                // The summary has a line of its own: beside the other columns
                // on a 1,024-pixel window it went one word per line.
                list.push(
                    button(
                        column![
                            row![
                                text(format!("#{}", c.id)).font(Font::MONOSPACE).width(60),
                                text(if c.is_open() { "open" } else { "closed" }).width(60),
                                text(c.category.label()).width(Fill),
                                text(format!("due {}", c.due_on)).style(theme::muted),
                            ]
                            .spacing(10),
                            text(c.summary.clone()).style(theme::muted),
                        ]
                        .spacing(2),
                    )
                    .action(Message::OpenComplaint(c.id))
                    .width(Fill)
                    .padding([2, 4])
                    .style(theme::row_button(complaint == Some(c.id))),
                )
            },
        );
        let disputes = cases.disputes.iter().fold(
            column![text("Disputes (Tab to one, Enter to resolve it)").size(16)].spacing(2),
            |list, d| {
                let waiting = d.request_id.map(|r| format!(" · waiting on request {r}")).unwrap_or_default();
                list.push(
                    button(
                        column![
                            row![
                                text(format!("#{}", d.id)).font(Font::MONOSPACE).width(60),
                                text(d.status.clone()).width(70),
                                text(format!("bill {}", d.bill_id)).width(Fill),
                                money(d.amount),
                            ]
                            .spacing(10),
                            text(format!("{}{waiting}", d.reason)).style(theme::muted),
                        ]
                        .spacing(2),
                    )
                    .action(Message::OpenDispute(d.id))
                    .width(Fill)
                    .padding([2, 4])
                    .style(theme::row_button(dispute == Some(d.id))),
                )
            },
        );
        let orders = cases
            .orders
            .iter()
            .fold(column![text("Service orders (Tab to one, Enter to work it)").size(16)].spacing(2), |list, o| {
                list.push(order::order_line(o, order == Some(o.id), Message::OpenOrder(o.id)))
            });
        let contacts =
            cases.contacts.iter().fold(column![text("Contacts, newest first").size(16)].spacing(3), |list, c| {
                let complaint = c.complaint_id.map(|id| format!(" (complaint #{id})")).unwrap_or_default();
                list.push(
                    column![
                        row![
                            text(crate::gui::clock::day(c.at)).font(Font::MONOSPACE).width(100),
                            text(c.channel.label()).width(Fill),
                            text(c.by.clone()).style(theme::muted),
                        ]
                        .spacing(10),
                        text(format!("{}{complaint}", c.summary)),
                    ]
                    .push(
                        c.identity
                            .as_ref()
                            .map(|check| text(format!("Identity: {}", check.said())).size(13).style(theme::muted)),
                    )
                    .spacing(1),
                )
            });
        let mut page = column![].spacing(12);
        if !cases.complaints.is_empty() {
            page = page.push(complaints);
        }
        if !cases.disputes.is_empty() {
            page = page.push(disputes);
        }
        if !cases.orders.is_empty() {
            page = page.push(orders);
        }
        page.push(contacts).into()
    }
}

fn complaint_outcome((task, event): (Task<complaint::Message>, Option<complaint::Event>)) -> Outcome {
    // Back to the account: it is open already.
    changed_or(task.map(Message::Complaint), matches!(event, Some(complaint::Event::Changed)))
}

fn dispute_outcome((task, event): (Task<dispute::Message>, Option<dispute::Event>)) -> Outcome {
    changed_or(task.map(Message::Dispute), matches!(event, Some(dispute::Event::Changed)))
}

fn order_outcome((task, event): (Task<order::Message>, Option<order::Event>)) -> Outcome {
    let task = task.map(Message::Order);
    match event {
        Some(order::Event::Changed) => (task, Some(Event::Changed)),
        Some(order::Event::Edit(row)) => (task, Some(Event::EditOrder(row))),
        Some(order::Event::Rerate(rerate)) => (task, Some(Event::Rerate(rerate))),
        Some(order::Event::OpenAccount(_)) | None => (task, None),
    }
}
