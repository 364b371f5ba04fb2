//! Work queues (F2): My work (assigned to me, and what waits in my queues
//! due today or overdue), the liaison queue (Mayor's office and Council
//! items), the liaison follow-up report with its CSV, and the service
//! orders past draft (waiting for review, to send, in the field). Choosing
//! an item opens it beside the list to be worked.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate, Utc};
use iced::widget::{Id, button, column, operation, row, rule, scrollable, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use super::complaint::{self, ComplaintPanel, due_text};
use super::order::{self, OrderPanel, Rerate};
use crate::desk::{Actor, ComplaintView, DeskError, LiaisonReport, MyWork, OrderView, WorkItem};
use crate::domain::ids::AccountId;
use crate::domain::orders::OrderStatus;
use crate::gui::app::Shortcut;
use crate::gui::backend::Backend;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};
use crate::store::OrderRow;

pub const FROM: Id = Id::new("report-from");
pub const TO: Id = Id::new("report-to");
pub const CSV_PATH: Id = Id::new("report-csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Mine,
    Liaison,
    Report,
    Orders,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Mine, Tab::Liaison, Tab::Report, Tab::Orders];

    fn label(self) -> &'static str {
        match self {
            Tab::Mine => "My work  Alt+1",
            Tab::Liaison => "Liaison queue  Alt+2",
            Tab::Report => "Liaison report  Alt+3",
            Tab::Orders => "Service orders  Alt+4",
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
    /// The order whose step reloads the queue: chosen again wherever its new
    /// status puts it (the list is grouped by status, so its index moves).
    worked: Option<i64>,
    from: String,
    to: String,
    csv_path: String,
    report: Option<LiaisonReport>,
    notice: Option<Notice>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Show(Tab),
    Mine(Result<MyWork, DeskError>),
    Liaison(Result<Vec<WorkItem>, DeskError>),
    Select(usize),
    Opened(Result<Box<ComplaintView>, DeskError>),
    Complaint(complaint::Message),
    Orders(Result<Vec<OrderRow>, DeskError>),
    OrderOpened(Result<Box<OrderView>, DeskError>),
    Order(order::Message),
    From(String),
    To(String),
    CsvPath(String),
    Run,
    Report(Result<Box<LiaisonReport>, DeskError>),
    SaveCsv,
    Saved(Result<Notice, DeskError>),
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

/// Where the report's CSV goes unless the person says otherwise.
fn default_csv_path(from: &str, to: &str) -> String {
    let dir = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    dir.join(format!("liaison-{from}-to-{to}.csv")).display().to_string()
}

fn date(typed: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d")
        .map_err(|_| format!("the {what} date is YYYY-MM-DD, e.g. 2026-11-01"))
}

impl Work {
    pub fn new(backend: &Backend, actor: &Actor) -> (Work, Task<Message>) {
        let zone: chrono_tz::Tz = crate::desk::DEFAULT_TIME_ZONE.parse().unwrap_or(chrono_tz::UTC);
        let today = Utc::now().with_timezone(&zone).date_naive();
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
            worked: None,
            csv_path: default_csv_path(&from, &to),
            from,
            to,
            report: None,
            notice: None,
            error: None,
        };
        (work, load(backend, actor, Tab::Mine))
    }

    /// The items the list shows, in order.
    pub fn items(&self) -> Vec<&WorkItem> {
        match self.tab {
            Tab::Mine => self.mine.iter().flat_map(|w| w.assigned.iter().chain(&w.waiting)).collect(),
            Tab::Liaison => self.liaison.iter().flatten().collect(),
            Tab::Report | Tab::Orders => Vec::new(),
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

    pub fn report(&self) -> Option<&LiaisonReport> {
        self.report.as_ref()
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Show(tab) => {
                self.tab = tab;
                self.selected = 0;
                self.error = None;
                match tab {
                    Tab::Report => operation::focus(FROM),
                    tab => load(backend, actor, tab),
                }
            }
            Message::Mine(Ok(work)) => {
                self.mine = Some(work);
                return (self.select(backend, self.selected), None);
            }
            Message::Liaison(Ok(items)) => {
                self.liaison = Some(items);
                return (self.select(backend, self.selected), None);
            }
            Message::Orders(Ok(mut orders)) => {
                orders.retain(|o| o.status != OrderStatus::Draft && !o.status.is_final());
                orders.sort_by_key(|o| queue_rank(o.status));
                // An order just completed or cancelled leaves the queue but
                // stays open beside it, with what its last step said.
                let left = self.order.as_ref().is_some_and(|p| !orders.iter().any(|o| o.id == p.id()));
                if let Some(at) = self.worked.take().and_then(|id| orders.iter().position(|o| o.id == id)) {
                    self.selected = at;
                }
                self.orders = Some(orders);
                if left {
                    return (Task::none(), None);
                }
                return (self.select(backend, self.selected), None);
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
            | Message::OrderOpened(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Select(index) => return (self.select(backend, index), None),
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
                self.csv_path = typed;
                Task::none()
            }
            Message::Run => match (date(&self.from, "first"), date(&self.to, "last")) {
                (Ok(from), Ok(to)) => {
                    self.error = None;
                    if self.csv_path.contains("liaison-") {
                        self.csv_path = default_csv_path(&from.to_string(), &to.to_string());
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
                let path = PathBuf::from(self.csv_path.trim());
                Task::perform(async move { save_csv(&report, &path) }, Message::Saved)
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
            Some(complaint::Event::Changed) => (Task::batch([task, load(backend, actor, self.tab)]), None),
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
                self.worked = self.order.as_ref().map(OrderPanel::id);
                (Task::batch([task, load(backend, actor, self.tab)]), None)
            }
            Some(order::Event::OpenAccount(id)) => (task, Some(Event::OpenAccount(id))),
            Some(order::Event::Rerate(rerate)) => (task, Some(Event::Rerate(rerate))),
            // Drafts are edited on their account.
            Some(order::Event::Edit(order)) => (task, Some(Event::OpenAccount(order.account_id))),
            None => (task, None),
        }
    }

    fn select(&mut self, backend: &Backend, index: usize) -> Task<Message> {
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
        let editing = match self.tab {
            Tab::Orders => self.order.as_ref().is_some_and(OrderPanel::is_editing),
            _ => self.panel.as_ref().is_some_and(ComplaintPanel::is_editing),
        };
        let task = match key {
            Shortcut::Tab(n @ 1..=4) => {
                return self.update(backend, actor, Message::Show(Tab::ALL[usize::from(n) - 1]));
            }
            Shortcut::Up if !editing => self.select(backend, self.selected.saturating_sub(1)),
            Shortcut::Down if !editing => self.select(backend, self.selected + 1),
            Shortcut::Mnemonic('v') if self.tab == Tab::Report => return self.update(backend, actor, Message::SaveCsv),
            _ => Task::none(),
        };
        (task, None)
    }

    pub fn view(&self, actor: &Actor) -> Element<'_, Message> {
        let tabs = Tab::ALL.iter().fold(row![].spacing(4), |tabs, tab| {
            tabs.push(
                button(text(tab.label()))
                    .on_press(Message::Show(*tab))
                    .style(theme::tab(self.tab == *tab))
                    .padding([4, 10]),
            )
        });
        let body = match self.tab {
            Tab::Report => self.report_view(),
            Tab::Orders => self.orders_view(actor),
            _ => self.queue_view(actor),
        };
        let mut page = column![tabs].spacing(10);
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
                list = list.push(text("Waiting in my queues, due today or overdue").size(13).style(theme::muted));
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
                .on_press(Message::Select(i))
                .width(Fill)
                .padding([3, 6])
                .style(theme::row_button(i == self.selected)),
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
                    "Nothing assigned to you, and nothing due in your queues. ↑ ↓ move; Alt+2 the liaison queue."
                }
                (true, _) => "No open liaison items, and none closed in the last 30 days.",
            };
            text(empty).style(theme::muted).into()
        } else {
            scrollable(list).spacing(6).height(Fill).into()
        };
        let detail: Element<'_, Message> = match &self.panel {
            Some(panel) => scrollable(panel.view(actor, true).map(Message::Complaint)).height(Fill).into(),
            None => text("Choose an item (↑ ↓) to work it here.").style(theme::muted).into(),
        };
        row![column![list].width(440), rule::vertical(1), detail].spacing(12).into()
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
            list = list.push(order::order_line(o, i == self.selected, Message::Select(i)));
        }
        let detail: Element<'_, Message> = match &self.order {
            Some(panel) => scrollable(panel.view(actor, true).map(Message::Order)).height(Fill).into(),
            None => text("Choose an order (↑ ↓) to work it here.").style(theme::muted).into(),
        };
        row![column![scrollable(list).spacing(6).height(Fill)].width(440), rule::vertical(1), detail].spacing(12).into()
    }

    fn report_view(&self) -> Element<'_, Message> {
        let inputs = row![
            text("Opened from"),
            text_input("YYYY-MM-DD", &self.from)
                .id(FROM)
                .on_input(Message::From)
                .on_submit(Message::Run)
                .padding(6)
                .width(130),
            text("to"),
            text_input("YYYY-MM-DD", &self.to)
                .id(TO)
                .on_input(Message::To)
                .on_submit(Message::Run)
                .padding(6)
                .width(130),
            button(text("Run")).on_press(Message::Run),
        ]
        .spacing(8)
        .align_y(Center);
        let mut page =
            column![text("Liaison follow-up: Mayor's office and City Council items").size(18), inputs].spacing(10);
        let Some(report) = &self.report else {
            return page.push(text("Enter in a date runs the report.").style(theme::muted)).into();
        };
        let header = row![
            text("Source").width(260),
            text("Opened").width(70),
            text("Open").width(60),
            text("Closed").width(60),
            text("Overdue").width(70),
            text("Avg age (bd)").width(100),
        ]
        .spacing(8);
        let groups = report.groups.iter().fold(column![header].spacing(2), |list, g| {
            let source = match g.council_district {
                Some(d) => format!("{} district {d}", g.source.label()),
                None => g.source.label().to_string(),
            };
            list.push(
                row![
                    text(source).width(260),
                    text(g.opened.to_string()).font(Font::MONOSPACE).width(70),
                    text(g.open.to_string()).font(Font::MONOSPACE).width(60),
                    text(g.closed.to_string()).font(Font::MONOSPACE).width(60),
                    text(g.overdue.to_string()).font(Font::MONOSPACE).width(70),
                    text(format!("{:.1}", g.average_age_business_days)).font(Font::MONOSPACE).width(100),
                ]
                .spacing(8),
            )
        });
        let rows = report.rows.iter().fold(column![].spacing(2), |list, r| {
            list.push(
                row![
                    text(format!("#{}", r.complaint)).font(Font::MONOSPACE).width(64),
                    text(r.account.clone()).font(Font::MONOSPACE).width(100),
                    text(r.council_district.map_or_else(|| "Mayor".to_string(), |d| format!("Council {d}"))).width(90),
                    text(format!("due {}", r.due_on)).width(120),
                    text(r.status).width(60),
                    text(format!("{} bd", r.age_business_days)).width(60),
                    text(if r.overdue { "overdue" } else { "" }).style(text::danger).width(70),
                    text(r.resolution.unwrap_or("")).width(Fill),
                ]
                .spacing(8),
            )
        });
        let save = row![
            text_input("Save the items as CSV to…", &self.csv_path).id(CSV_PATH).on_input(Message::CsvPath).padding(6),
            button(text("Save CSV  Alt+V")).on_press(Message::SaveCsv),
        ]
        .spacing(8)
        .align_y(Center);
        page = page
            .push(
                text(format!(
                    "{} items opened {} to {}, as of {}",
                    report.rows.len(),
                    report.from,
                    report.to,
                    report.as_of
                ))
                .style(theme::muted),
            )
            .push(groups)
            .push(save)
            .push(scrollable(rows).height(Fill));
        page.into()
    }
}

fn save_csv(report: &LiaisonReport, path: &std::path::Path) -> Result<Notice, DeskError> {
    if path.as_os_str().is_empty() {
        return Err(DeskError::Invalid("say where to save the CSV".into()));
    }
    let file =
        std::fs::File::create(path).map_err(|e| DeskError::Invalid(format!("cannot write {}: {e}", path.display())))?;
    report.write_csv(std::io::BufWriter::new(file))?;
    Ok(Notice::new(format!("Saved {} items as CSV.", report.rows.len()), path.display().to_string()))
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
        Tab::Orders => Task::perform(async move { backend.run(move |desk| desk.open_orders()).await }, Message::Orders),
        Tab::Report => Task::none(),
    }
}
