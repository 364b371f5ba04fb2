//! Work queues (F2): My work (assigned to me, and what waits in my queues:
//! escalated and liaison items at once, desk work once due), the liaison queue (Mayor's office and Council
//! items), the liaison follow-up report with its CSV, and the service
//! orders past draft (waiting for review, to send, in the field). Choosing
//! an item opens it beside the list to be worked.

mod reads;
mod report;

use std::path::PathBuf;

use chrono::{Datelike, Utc};
use iced::widget::{Id, button, column, operation, row, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use super::complaint::{self, ComplaintPanel, due_text};
use super::order::{self, OrderPanel, Rerate};
use crate::desk::{Actor, ComplaintView, DeskError, LiaisonReport, MyWork, OrderView, WorkItem};
use crate::domain::ids::AccountId;
use crate::domain::orders::OrderStatus;
use crate::gui::app::Shortcut;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};
use crate::records::{CycleReadRow, OrderRow};
use reads::ReadPanel;
pub use reads::{NOTE as READ_NOTE, READING as READ_READING};
use report::{file_name, save_csv};

use crate::gui::files::SaveTo;

pub const FROM: Id = Id::new("report-from");
pub const TO: Id = Id::new("report-to");
pub const CSV_PATH: Id = Id::new("report-csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Mine,
    Liaison,
    Report,
    Orders,
    Reads,
}

impl Tab {
    const ALL: [Tab; 5] = [Tab::Mine, Tab::Liaison, Tab::Report, Tab::Orders, Tab::Reads];

    fn label(self) -> &'static str {
        match self {
            Tab::Mine => "My work  Alt+1",
            Tab::Liaison => "Liaison queue  Alt+2",
            Tab::Report => "Liaison report  Alt+3",
            Tab::Orders => "Service orders  Alt+4",
            Tab::Reads => "Held reads  Alt+5",
        }
    }
}

pub struct Work {
    tab: Tab,
    mine: Option<MyWork>,
    liaison: Option<Vec<WorkItem>>,
    selected: usize,
    panel: Option<ComplaintPanel>,
    /// Orders past draft and not final: waiting for review, to send, in the field.
    orders: Option<Vec<OrderRow>>,
    order: Option<OrderPanel>,
    /// Meter reads held as exceptions, waiting for a decision.
    reads: Option<Vec<CycleReadRow>>,
    read: Option<ReadPanel>,
    /// The complaint or order whose step reloads the list: chosen again
    /// wherever it now stands (the orders are grouped by status, and a
    /// complaint closed or escalated leaves My work).
    worked: Option<Worked>,
    /// The item open beside the list has left it after its step: it stays
    /// open with what the step said, no row is marked, and ↓ goes to the row
    /// that moved up into its place.
    left: bool,
    /// A reload because another desk changed the ledger, and the item
    /// chosen before it (see [`Message::Changed`]).
    keep: Option<Option<i64>>,
    from: String,
    to: String,
    save: SaveTo,
    report: Option<LiaisonReport>,
    notice: Option<Notice>,
    error: Option<String>,
    /// What is typed in Find.
    find: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    Show(Tab),
    /// What is typed in Find: "12" or "complaint 12", "order 34".
    FindTyped(String),
    Find,
    Mine(Result<MyWork, DeskError>),
    Liaison(Result<Vec<WorkItem>, DeskError>),
    Select(usize),
    Opened(Result<Box<ComplaintView>, DeskError>),
    Complaint(complaint::Message),
    Orders(Result<Vec<OrderRow>, DeskError>),
    OrderOpened(Result<Box<OrderView>, DeskError>),
    Order(order::Message),
    Reads(Result<Vec<CycleReadRow>, DeskError>),
    Read(reads::Message),
    From(String),
    To(String),
    CsvPath(String),
    Run,
    Report(Result<Box<LiaisonReport>, DeskError>),
    SaveCsv,
    Saved(Result<Notice, DeskError>),
    /// Another desk changed the ledger: the open list is read again, the
    /// item chosen kept chosen and its panel left as it is.
    Changed,
}

/// What a step was taken on: the list that holds it reselects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Worked {
    Complaint(i64),
    Order(i64),
    Read(i64),
}

/// The field that finds a complaint or order by its number.
pub const FIND: Id = Id::new("work-find");

/// What Find was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Complaint(i64),
    Order(i64),
}

/// "12", "#12" or "complaint 12" is a complaint; "order 34" or "o34" an order.
fn found(typed: &str) -> Result<Found, String> {
    let typed = typed.trim().to_lowercase();
    let (order, number) = match typed.strip_prefix("order").or_else(|| typed.strip_prefix('o')) {
        Some(rest) => (true, rest),
        None => (false, typed.strip_prefix("complaint").unwrap_or(&typed)),
    };
    let number = number.trim().trim_start_matches('#').trim();
    match number.parse::<i64>() {
        Ok(id) if id > 0 && order => Ok(Found::Order(id)),
        Ok(id) if id > 0 => Ok(Found::Complaint(id)),
        _ => Err(format!("\"{}\" is not a complaint or order number: type 12, or order 34", typed.trim())),
    }
}

pub enum Event {
    OpenAccount(AccountId),
    /// A completed re-read's re-rate, for the account's adjust form.
    Rerate(Rerate),
}

/// Where an order stands in the queue: review first, then sending, then the field.
fn queue_rank(status: OrderStatus) -> u8 {
    match status {
        OrderStatus::Submitted => 0,
        OrderStatus::Reviewed => 1,
        _ => 2,
    }
}

fn queue_heading(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Submitted => "Waiting for review",
        OrderStatus::Reviewed => "Reviewed, to send to the field",
        _ => "In the field, waiting for the result",
    }
}

impl Work {
    pub fn new(backend: &Backend, actor: &Actor) -> (Work, Task<Message>) {
        let today = crate::gui::clock::today();
        let from = today.with_day(1).unwrap_or(today).to_string();
        let to = today.to_string();
        let work = Work {
            tab: Tab::Mine,
            mine: None,
            liaison: None,
            selected: 0,
            panel: None,
            orders: None,
            order: None,
            reads: None,
            read: None,
            worked: None,
            left: false,
            keep: None,
            save: SaveTo::new(&file_name(&from, &to)),
            from,
            to,
            report: None,
            notice: None,
            error: None,
            find: String::new(),
        };
        // The focus starts in Find: a number read out by a caller is typed at once.
        (work, Task::batch([load(backend, actor, Tab::Mine), operation::focus(FIND)]))
    }

    /// The items the list shows, in order.
    pub fn items(&self) -> Vec<&WorkItem> {
        match self.tab {
            Tab::Mine => self.mine.iter().flat_map(|w| w.assigned.iter().chain(&w.waiting)).collect(),
            Tab::Liaison => self.liaison.iter().flatten().collect(),
            Tab::Report | Tab::Orders | Tab::Reads => Vec::new(),
        }
    }

    pub fn panel(&self) -> Option<&ComplaintPanel> {
        self.panel.as_ref()
    }

    /// The orders the Service orders tab lists, in order.
    pub fn orders(&self) -> &[OrderRow] {
        self.orders.as_deref().unwrap_or_default()
    }

    pub fn order(&self) -> Option<&OrderPanel> {
        self.order.as_ref()
    }

    /// The held reads the Held reads tab lists, oldest first.
    pub fn held_reads(&self) -> &[CycleReadRow] {
        self.reads.as_deref().unwrap_or_default()
    }

    pub fn report(&self) -> Option<&LiaisonReport> {
        self.report.as_ref()
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Changed => {
                if self.tab == Tab::Report {
                    return (Task::none(), None);
                }
                self.keep = Some(self.ids().get(self.selected).copied());
                return (load(backend, actor, self.tab), None);
            }
            Message::Show(tab) => {
                self.tab = tab;
                self.selected = 0;
                self.worked = None;
                self.left = false;
                self.error = None;
                match tab {
                    Tab::Report => operation::focus(FROM),
                    tab => load(backend, actor, tab),
                }
            }
            Message::Mine(Ok(work)) => {
                self.mine = Some(work);
                return (self.listed(backend, Tab::Mine), None);
            }
            Message::Liaison(Ok(items)) => {
                self.liaison = Some(items);
                return (self.listed(backend, Tab::Liaison), None);
            }
            Message::Orders(Ok(orders)) => {
                self.orders = Some(orders);
                return (self.listed(backend, Tab::Orders), None);
            }
            Message::Reads(Ok(reads)) => {
                self.reads = Some(reads);
                return (self.listed(backend, Tab::Reads), None);
            }
            Message::Read(message) => {
                let Some(panel) = &mut self.read else { return (Task::none(), None) };
                let (task, event) = panel.update(backend, actor, message);
                return self.read_event(backend, actor, task, event);
            }
            Message::OrderOpened(Ok(view)) => {
                match &mut self.order {
                    Some(panel) if panel.id() == view.order.id => panel.refresh(*view),
                    _ => self.order = Some(OrderPanel::new(*view)),
                }
                Task::none()
            }
            Message::Order(message) => {
                let Some(panel) = &mut self.order else { return (Task::none(), None) };
                let (task, event) = panel.update(backend, actor, message);
                return self.order_event(backend, actor, task, event);
            }
            Message::Mine(Err(error))
            | Message::Liaison(Err(error))
            | Message::Orders(Err(error))
            | Message::Reads(Err(error))
            | Message::OrderOpened(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Select(index) => return (self.select(backend, index), None),
            Message::FindTyped(typed) => {
                self.find = typed;
                Task::none()
            }
            Message::Find => return self.find(backend, actor),
            Message::Opened(Ok(view)) => {
                match &mut self.panel {
                    Some(panel) if panel.id() == view.complaint.id => panel.refresh(*view),
                    _ => self.panel = Some(ComplaintPanel::new(*view)),
                }
                Task::none()
            }
            Message::Opened(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Complaint(message) => {
                let Some(panel) = &mut self.panel else { return (Task::none(), None) };
                let (task, event) = panel.update(backend, actor, message);
                return self.panel_event(backend, actor, task, event);
            }
            Message::From(typed) => {
                self.from = typed;
                Task::none()
            }
            Message::To(typed) => {
                self.to = typed;
                Task::none()
            }
            Message::CsvPath(typed) => {
                self.save.set(typed);
                Task::none()
            }
            Message::Run => match (widget::typed_day(&self.from, "first"), widget::typed_day(&self.to, "last")) {
                (Ok(from), Ok(to)) => {
                    self.error = None;
                    if self.save.typed.contains("liaison-") && !self.save.asking() {
                        self.save = SaveTo::new(&file_name(&from.to_string(), &to.to_string()));
                    }
                    let (backend, actor) = (backend.clone(), actor.clone());
                    Task::perform(
                        async move {
                            backend
                                .run(move |desk| desk.liaison_report(&actor, from, to, Utc::now()).map(Box::new))
                                .await
                        },
                        Message::Report,
                    )
                }
                (Err(problem), _) | (_, Err(problem)) => {
                    self.error = Some(problem);
                    Task::none()
                }
            },
            Message::Report(Ok(report)) => {
                self.report = Some(*report);
                self.error = None;
                Task::none()
            }
            Message::Report(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::SaveCsv => {
                let Some(report) = self.report.clone() else {
                    self.error = Some("run the report first (Enter in a date)".into());
                    return (Task::none(), None);
                };
                let path = PathBuf::from(self.save.typed.trim());
                let existing = match self.save.check(&path) {
                    Ok(existing) => existing,
                    Err(question) => {
                        self.error = Some(question);
                        return (Task::none(), None);
                    }
                };
                Task::perform(async move { save_csv(&report, &path, existing) }, Message::Saved)
            }
            Message::Saved(Ok(notice)) => {
                self.notice = Some(notice);
                self.error = None;
                Task::none()
            }
            Message::Saved(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
        };
        (task, None)
    }

    fn panel_event(
        &mut self,
        backend: &Backend,
        actor: &Actor,
        task: Task<complaint::Message>,
        event: Option<complaint::Event>,
    ) -> (Task<Message>, Option<Event>) {
        let task = task.map(Message::Complaint);
        match event {
            Some(complaint::Event::Changed) => {
                self.worked = self.panel.as_ref().map(|p| Worked::Complaint(p.id()));
                (Task::batch([task, load(backend, actor, self.tab)]), None)
            }
            Some(complaint::Event::OpenAccount(id)) => (task, Some(Event::OpenAccount(id))),
            None => (task, None),
        }
    }

    fn order_event(
        &mut self,
        backend: &Backend,
        actor: &Actor,
        task: Task<order::Message>,
        event: Option<order::Event>,
    ) -> (Task<Message>, Option<Event>) {
        let task = task.map(Message::Order);
        match event {
            Some(order::Event::Changed) => {
                self.worked = self.order.as_ref().map(|p| Worked::Order(p.id()));
                (Task::batch([task, load(backend, actor, self.tab)]), None)
            }
            Some(order::Event::OpenAccount(id)) => (task, Some(Event::OpenAccount(id))),
            Some(order::Event::Rerate(rerate)) => (task, Some(Event::Rerate(rerate))),
            // Drafts are edited on their account.
            Some(order::Event::Edit(order)) => (task, Some(Event::OpenAccount(order.account_id))),
            None => (task, None),
        }
    }

    fn read_event(
        &mut self,
        backend: &Backend,
        actor: &Actor,
        task: Task<reads::Message>,
        event: Option<reads::Event>,
    ) -> (Task<Message>, Option<Event>) {
        let task = task.map(Message::Read);
        match event {
            Some(reads::Event::Changed) => {
                self.worked = self.read.as_ref().map(|p| Worked::Read(p.id()));
                (Task::batch([task, load(backend, actor, self.tab)]), None)
            }
            Some(reads::Event::OpenAccount(id)) => (task, Some(Event::OpenAccount(id))),
            None => (task, None),
        }
    }

    /// The ids of the list shown, in order.
    fn ids(&self) -> Vec<i64> {
        match self.tab {
            Tab::Orders => self.orders().iter().map(|o| o.id).collect(),
            Tab::Reads => self.held_reads().iter().map(|r| r.id).collect(),
            _ => self.items().iter().map(|i| i.complaint.id).collect(),
        }
    }

    /// `tab`'s list arrived. If it is the list shown, the item just worked is
    /// chosen again where it now stands; if its step took it off the list it
    /// stays open beside it, with what the step said, and the selection keeps
    /// the place it left (↑ goes to the row above, ↓ to the one that moved up
    /// into it). Any other reload keeps the selection's place. A list that
    /// arrives after its tab was left only waits to be shown.
    fn listed(&mut self, backend: &Backend, tab: Tab) -> Task<Message> {
        if tab != self.tab {
            return Task::none();
        }
        if let Some(kept) = self.keep.take() {
            // Read again because another desk changed the ledger: the same
            // item stays chosen wherever it now stands, and what is open
            // beside the list (a note half typed) is left alone.
            let ids = self.ids();
            match kept.and_then(|id| ids.iter().position(|&i| i == id)) {
                Some(at) => self.selected = at,
                None => self.selected = self.selected.min(ids.len().saturating_sub(1)),
            }
            return Task::none();
        }
        let worked = match (self.worked, tab) {
            (Some(Worked::Order(id)), Tab::Orders)
            | (Some(Worked::Read(id)), Tab::Reads)
            | (Some(Worked::Complaint(id)), Tab::Mine | Tab::Liaison) => {
                self.worked = None;
                Some(id)
            }
            _ => None,
        };
        if let Some(worked) = worked {
            match self.ids().iter().position(|&id| id == worked) {
                Some(at) => {
                    self.selected = at;
                    self.left = false;
                }
                None => {
                    self.left = true;
                    return Task::none();
                }
            }
        }
        if self.left {
            // Still showing the item that left: a reload does not replace it.
            return Task::none();
        }
        self.select(backend, self.selected)
    }

    fn select(&mut self, backend: &Backend, index: usize) -> Task<Message> {
        self.left = false;
        if self.tab == Tab::Reads {
            self.selected = index.min(self.held_reads().len().saturating_sub(1));
            let Some(read) = self.held_reads().get(self.selected).cloned() else {
                self.read = None;
                return Task::none();
            };
            if self.read.as_ref().is_some_and(|p| p.id() == read.id && p.is_editing()) {
                return Task::none();
            }
            self.read = Some(ReadPanel::new(read));
            return Task::none();
        }
        if self.tab == Tab::Orders {
            let ids: Vec<i64> = self.orders().iter().map(|o| o.id).collect();
            self.selected = index.min(ids.len().saturating_sub(1));
            let Some(&id) = ids.get(self.selected) else {
                self.order = None;
                return Task::none();
            };
            if self.order.as_ref().is_some_and(|p| p.id() == id && p.is_editing()) {
                return Task::none();
            }
            return order::load(backend, id).map(Message::OrderOpened);
        }
        let ids: Vec<i64> = self.items().iter().map(|i| i.complaint.id).collect();
        self.selected = index.min(ids.len().saturating_sub(1));
        let Some(&id) = ids.get(self.selected) else {
            self.panel = None;
            return Task::none();
        };
        if self.panel.as_ref().is_some_and(|p| p.id() == id && p.is_editing()) {
            return Task::none();
        }
        complaint::load(backend, id).map(Message::Opened)
    }

    /// Opens the complaint or order typed in Find, on the tab that shows it.
    fn find(&mut self, backend: &Backend, actor: &Actor) -> (Task<Message>, Option<Event>) {
        match found(&self.find) {
            Err(problem) => {
                self.error = Some(problem);
                (Task::none(), None)
            }
            Ok(Found::Complaint(id)) => {
                self.error = None;
                let (shown, _) = if matches!(self.tab, Tab::Mine | Tab::Liaison) {
                    (Task::none(), None)
                } else {
                    self.update(backend, actor, Message::Show(Tab::Mine))
                };
                (Task::batch([shown, complaint::load(backend, id).map(Message::Opened)]), None)
            }
            Ok(Found::Order(id)) => {
                self.error = None;
                let (shown, _) = if self.tab == Tab::Orders {
                    (Task::none(), None)
                } else {
                    self.update(backend, actor, Message::Show(Tab::Orders))
                };
                (Task::batch([shown, order::load(backend, id).map(Message::OrderOpened)]), None)
            }
        }
    }

    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> (Task<Message>, Option<Event>) {
        if let Some(panel) = &mut self.panel
            && matches!(self.tab, Tab::Mine | Tab::Liaison)
            && let Some((task, event)) = panel.key(backend, actor, key)
        {
            return self.panel_event(backend, actor, task, event);
        }
        if let Some(panel) = &mut self.order
            && self.tab == Tab::Orders
            && let Some((task, event)) = panel.key(backend, actor, key)
        {
            return self.order_event(backend, actor, task, event);
        }
        if let Some(panel) = &mut self.read
            && self.tab == Tab::Reads
            && let Some((task, event)) = panel.key(backend, actor, key)
        {
            return self.read_event(backend, actor, task, event);
        }
        let editing = match self.tab {
            Tab::Orders => self.order.as_ref().is_some_and(OrderPanel::is_editing),
            Tab::Reads => self.read.as_ref().is_some_and(ReadPanel::is_editing),
            _ => self.panel.as_ref().is_some_and(ComplaintPanel::is_editing),
        };
        let task = match key {
            Shortcut::Tab(n @ 1..=5) => {
                return self.update(backend, actor, Message::Show(Tab::ALL[usize::from(n) - 1]));
            }
            // Beside an item that left the list, the selection is the place
            // it left: there may be no row above it, or none below.
            Shortcut::Up if !editing && self.left && self.selected == 0 => Task::none(),
            Shortcut::Up if !editing => self.select(backend, self.selected.saturating_sub(1)),
            Shortcut::Down if !editing && self.left && self.selected >= self.ids().len() => Task::none(),
            Shortcut::Down if !editing => {
                let next = if self.left { self.selected } else { self.selected + 1 };
                self.select(backend, next)
            }
            Shortcut::Mnemonic('v') if self.tab == Tab::Report => return self.update(backend, actor, Message::SaveCsv),
            _ => Task::none(),
        };
        (task, None)
    }

    pub fn view(&self, actor: &Actor) -> Element<'_, Message> {
        let tabs = Tab::ALL.iter().fold(row![].spacing(4), |tabs, tab| {
            tabs.push(
                button(text(tab.label()))
                    .action(Message::Show(*tab))
                    .style(theme::tab(self.tab == *tab))
                    .padding([4, 10]),
            )
        });
        let body = match self.tab {
            Tab::Report => self.report_view(),
            Tab::Orders => self.orders_view(actor),
            Tab::Reads => self.reads_view(actor),
            _ => self.queue_view(actor),
        };
        let find = text_input("Find: a complaint or order number (order 34)", &self.find)
            .id(FIND)
            .on_input(Message::FindTyped)
            .on_submit(Message::Find)
            .padding(5);
        // Narrow, the tabs wrap and the find field goes under them.
        let top: Element<'_, Message> = if crate::gui::layout::narrow() {
            column![tabs.wrap(), find].spacing(6).into()
        } else {
            row![tabs, iced::widget::space().width(Fill), find.width(300)].align_y(Center).into()
        };
        let mut page = column![top].spacing(10);
        if let Some(notice) = &self.notice {
            page = page.push(widget::notice(notice));
        }
        if let Some(error) = &self.error {
            page = page.push(widget::error(error));
        }
        page.push(body).into()
    }

    fn queue_view(&self, actor: &Actor) -> Element<'_, Message> {
        let items = self.items();
        let assigned = match (self.tab, &self.mine) {
            (Tab::Mine, Some(work)) => work.assigned.len(),
            _ => 0,
        };
        let mut list = column![].spacing(1);
        for (i, item) in items.iter().enumerate() {
            if self.tab == Tab::Mine && i == 0 && assigned > 0 {
                list = list.push(text(format!("Assigned to me ({assigned})")).size(13).style(theme::muted));
            }
            if self.tab == Tab::Mine && i == assigned {
                list = list.push(
                    text("Waiting in my queues: escalated or liaison items, and desk work due today or overdue")
                        .size(13)
                        .style(theme::muted),
                );
            }
            let c = &item.complaint;
            let from = match c.council_district {
                Some(d) => format!("Council {d}"),
                None => c.source.label().to_string(),
            };
            list = list.push(
                button(
                    row![
                        text(format!("#{}", c.id)).font(Font::MONOSPACE).width(56),
                        column![
                            text(format!("{} · {} · {}", c.category.label(), from, c.account_number)),
                            row![
                                text(format!("due {}", c.due_on)).size(12).style(theme::muted),
                                due_text(item.due).size(12),
                                text(c.assigned_to.clone().unwrap_or_else(|| c.queue.label().to_string()))
                                    .size(12)
                                    .style(theme::muted),
                            ]
                            .spacing(8),
                        ]
                        .width(Fill),
                    ]
                    .spacing(8)
                    .align_y(Center),
                )
                .action(Message::Select(i))
                .width(Fill)
                .padding([3, 6])
                .style(theme::row_button(i == self.selected && !self.left)),
            );
        }
        let loaded = match self.tab {
            Tab::Mine => self.mine.is_some(),
            _ => self.liaison.is_some(),
        };
        let list: Element<'_, Message> = if items.is_empty() {
            let empty = match (loaded, self.tab) {
                (false, _) => "Loading…",
                (true, Tab::Mine) => {
                    "Nothing assigned to you, and nothing waiting in your queues. ↑ ↓ move; Alt+2 the liaison queue."
                }
                (true, _) => "No open liaison items, and none closed in the last 30 days.",
            };
            text(empty).style(theme::muted).into()
        } else {
            list.into()
        };
        let detail: Element<'_, Message> = match &self.panel {
            Some(panel) => panel.view(actor, true).map(Message::Complaint),
            None => text("Choose an item (↑ ↓) to work it here.").style(theme::muted).into(),
        };
        crate::gui::layout::split(list, 440, detail)
    }

    fn orders_view(&self, actor: &Actor) -> Element<'_, Message> {
        let Some(orders) = &self.orders else { return text("Loading…").style(theme::muted).into() };
        let mut list = column![].spacing(1);
        if orders.is_empty() {
            list = list
                .push(text("No service order is waiting for review, to be sent, or in the field.").style(theme::muted));
        }
        for (i, o) in orders.iter().enumerate() {
            if i == 0 || queue_rank(orders[i - 1].status) != queue_rank(o.status) {
                let count = orders.iter().filter(|x| queue_rank(x.status) == queue_rank(o.status)).count();
                list = list.push(text(format!("{} ({count})", queue_heading(o.status))).size(13).style(theme::muted));
            }
            list = list.push(order::order_line(o, i == self.selected && !self.left, Message::Select(i)));
        }
        let detail: Element<'_, Message> = match &self.order {
            Some(panel) => panel.view(actor, true).map(Message::Order),
            None => text("Choose an order (↑ ↓) to work it here.").style(theme::muted).into(),
        };
        crate::gui::layout::split(list, 440, detail)
    }
}

impl Work {
    fn reads_view(&self, actor: &Actor) -> Element<'_, Message> {
        let Some(reads) = &self.reads else { return text("Loading…").style(theme::muted).into() };
        let mut list = column![].spacing(1);
        if reads.is_empty() {
            list = list.push(
                text("No meter read is held: every read loaded passed the exception rules or was decided.")
                    .style(theme::muted),
            );
        }
        for (i, read) in reads.iter().enumerate() {
            list = list.push(reads::read_line(read, i == self.selected && !self.left, Message::Select(i)));
        }
        let detail: Element<'_, Message> = match &self.read {
            Some(panel) => panel.view(actor).map(Message::Read),
            None => text("Choose a held read (↑ ↓) to decide it here.").style(theme::muted).into(),
        };
        crate::gui::layout::split(list, 440, detail)
    }
}

fn load(backend: &Backend, actor: &Actor, tab: Tab) -> Task<Message> {
    let (backend, actor) = (backend.clone(), actor.clone());
    match tab {
        Tab::Mine => {
            Task::perform(async move { backend.run(move |desk| desk.my_work(&actor, Utc::now())).await }, Message::Mine)
        }
        Tab::Liaison => Task::perform(
            async move { backend.run(move |desk| desk.liaison_queue(Utc::now())).await },
            Message::Liaison,
        ),
        Tab::Orders => {
            Task::perform(async move { backend.run(move |desk| desk.orders_in_progress()).await }, Message::Orders)
        }
        Tab::Reads => {
            Task::perform(async move { backend.run(move |desk| desk.held_reads(None)).await }, Message::Reads)
        }
        Tab::Report => Task::none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_reads_a_complaint_or_an_order_number() {
        assert_eq!(found("12"), Ok(Found::Complaint(12)));
        assert_eq!(found(" #12 "), Ok(Found::Complaint(12)));
        assert_eq!(found("Complaint 12"), Ok(Found::Complaint(12)));
        assert_eq!(found("order 34"), Ok(Found::Order(34)));
        assert_eq!(found("o34"), Ok(Found::Order(34)));
        assert_eq!(found("Order #34"), Ok(Found::Order(34)));
        assert_eq!(
            found("main st"),
            Err("\"main st\" is not a complaint or order number: type 12, or order 34".into())
        );
        assert!(found("0").is_err() && found("").is_err());
    }
}
