//! An account, whole: a header with who, where, status, balance, aging and
//! alerts; tabs for activity, bills (itemized, explained), usage and
//! requests; and the credit form.

pub mod adjust;
mod bills;
pub mod cases;
pub mod contact;
pub mod credit;
pub mod customer;
pub(in crate::gui::screen) mod form;
pub mod letter;
pub mod posting;
pub mod reason;
pub mod statement;
mod summary;
mod usage;

use chrono::Utc;
use iced::widget::{Id, button, canvas, column, container, operation, row, rule, scrollable, text};
use iced::{Element, Fill, Task};

pub use credit::{AMOUNT as CREDIT_AMOUNT, NOTE as CREDIT_NOTE};
use summary::{activity, header, requests};
pub use usage::UsageChart;

use super::super::app::Shortcut;
use super::dispute::{self, DisputeForm};
use super::order::{self, OrderForm, Rerate};
use super::service::{self, ServiceForm};
use crate::desk::explain::thousands;
use crate::desk::{Actor, Cases, DeskError, Overview, RequestView};
use crate::domain::ids::{AccountId, BillId, PostingId};
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, labelled};
use crate::records::BillRow;

/// The account's action buttons, where the focus returns when their form closes.
pub const CREDIT_BUTTON: Id = Id::new("account-credit");
pub const CONTACT_BUTTON: Id = Id::new("account-contact");
pub const ORDER_BUTTON: Id = Id::new("account-order");
pub const STATEMENT_BUTTON: Id = Id::new("account-statement");
pub const LETTER_BUTTON: Id = Id::new("account-letter");
pub const SERVICE_BUTTON: Id = Id::new("account-service");
/// The button that opens the customer's information (Alt+U).
pub const CUSTOMER_BUTTON: Id = Id::new("account-customer");

/// A tab's button.
pub fn tab_id(tab: Tab) -> Id {
    Id::from(format!("account-tab-{}", tab.label().to_lowercase()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Activity,
    Bills,
    Usage,
    Cases,
    Requests,
}

impl Tab {
    const ALL: [Tab; 5] = [Tab::Activity, Tab::Bills, Tab::Usage, Tab::Cases, Tab::Requests];

    fn label(self) -> &'static str {
        match self {
            Tab::Activity => "Activity",
            Tab::Bills => "Bills",
            Tab::Usage => "Usage",
            Tab::Cases => "Cases",
            Tab::Requests => "Requests",
        }
    }
}

/// A form on the account: one at a time, in place of the tabs.
#[expect(clippy::large_enum_variant, reason = "one form is held at a time, by the one account screen")]
enum Form {
    Credit(credit::CreditForm),
    Adjust(adjust::AdjustForm),
    Contact(contact::ContactForm),
    /// A new service order, or a draft being edited.
    Order(OrderForm),
    /// A dispute being recorded on the chosen bill.
    Dispute(DisputeForm),
    /// The itemized statement being asked for.
    Statement(statement::StatementForm),
    /// A letter being written.
    Letter(letter::LetterForm),
    /// A late fee being waived or a posting reversed, from Activity.
    Posting(posting::PostingForm),
    /// Service stopped, moved, or started at another premise.
    Service(ServiceForm),
    /// The customer's information and who may be spoken to.
    Customer(customer::CustomerForm),
}

pub struct Account {
    id: AccountId,
    overview: Option<Overview>,
    chart: UsageChart,
    requests: Vec<RequestView>,
    cases: Cases,
    error: Option<String>,
    tab: Tab,
    bills: bills::Bills,
    /// The Cases tab, with the case chosen there.
    cases_tab: cases::CasesTab,
    /// The form open, in place of the tabs.
    form: Option<Form>,
    /// The line chosen on the Activity tab.
    chosen_entry: Option<PostingId>,
    /// A re-read's re-rate to open in the adjust form once the bills are loaded.
    pending_rerate: Option<Rerate>,
    /// What the last action did, shown until the next one.
    notice: Option<widget::Notice>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Box<(Overview, Vec<RequestView>, Cases)>, DeskError>),
    Tab(Tab),
    Bills(bills::Message),
    OpenCredit,
    Credit(credit::Message),
    Adjust(adjust::Message),
    OpenContact,
    Contact(contact::Message),
    Cases(cases::Message),
    OpenOrderForm,
    OrderForm(order::FormMessage),
    OpenDispute,
    DisputeForm(dispute::FormMessage),
    OpenStatement,
    Statement(statement::Message),
    OpenLetter,
    Letter(letter::Message),
    /// A line of Activity chosen (↑ ↓, or Enter on its row).
    ChooseEntry(PostingId),
    OpenPosting(posting::Act),
    Posting(posting::Message),
    OpenService,
    Service(service::Message),
    OpenCustomer,
    Customer(customer::Message),
    Back,
}

/// What a key did on this screen.
pub enum KeyOutcome {
    Task(Task<Message>),
    Back,
}

impl Account {
    pub fn open(backend: &Backend, id: AccountId) -> (Account, Task<Message>) {
        let account = Account {
            id,
            overview: None,
            chart: UsageChart::default(),
            requests: Vec::new(),
            cases: Cases { complaints: Vec::new(), contacts: Vec::new(), disputes: Vec::new(), orders: Vec::new() },
            error: None,
            tab: Tab::Activity,
            bills: bills::Bills::default(),
            cases_tab: cases::CasesTab::default(),
            form: None,
            chosen_entry: None,
            pending_rerate: None,
            notice: None,
        };
        (account, load(backend, id))
    }

    /// The account, with what was just done on it said above its tabs.
    pub fn open_with_notice(backend: &Backend, id: AccountId, notice: widget::Notice) -> (Account, Task<Message>) {
        let (mut account, task) = Account::open(backend, id);
        account.notice = Some(notice);
        (account, task)
    }

    /// The account, opening the adjust form on a re-read's bill with its
    /// reading once the account is loaded.
    pub fn open_for_rerate(backend: &Backend, rerate: Rerate) -> (Account, Task<Message>) {
        let (mut account, task) = Account::open(backend, rerate.account);
        account.pending_rerate = Some(rerate);
        (account, task)
    }

    pub fn id(&self) -> AccountId {
        self.id
    }

    pub fn overview(&self) -> Option<&Overview> {
        self.overview.as_ref()
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> Task<Message> {
        match message {
            Message::Loaded(Ok(loaded)) => {
                let (overview, requests, cases) = *loaded;
                self.cases = cases;
                self.chart = UsageChart::new(&overview.bills, overview.sewer_cap_gal);
                self.overview = Some(overview);
                self.requests = requests;
                self.error = None;
                match self.pending_rerate.take() {
                    Some(rerate) => self.open_rerate(backend, actor, rerate),
                    None => Task::none(),
                }
            }
            Message::Loaded(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Tab(tab) => {
                self.tab = tab;
                Task::none()
            }
            Message::Bills(bills::Message::Adjust) => self.open_adjust(actor),
            Message::Bills(bills::Message::Dispute) => self.update(backend, actor, Message::OpenDispute),
            Message::Bills(message) => self.bills.update(backend, message).map(Message::Bills),
            Message::Adjust(message) => {
                let Some(Form::Adjust(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(adjust::Event::Closed(said)) => {
                        self.form = None;
                        let reload = said.is_some();
                        self.notice = said;
                        if reload { load(backend, self.id) } else { Task::none() }
                    }
                    None => task.map(Message::Adjust),
                }
            }
            Message::OpenContact => {
                let parties = self.overview.as_ref().map(|o| o.parties.clone()).unwrap_or_default();
                let parties = parties.into_iter().map(|p| (p.id, p.name)).collect();
                let (form, task) = contact::ContactForm::new(self.id, parties);
                self.close_forms();
                self.form = Some(Form::Contact(form));
                self.notice = None;
                task.map(Message::Contact)
            }
            Message::Contact(message) => {
                let Some(Form::Contact(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(contact::Event::Closed(said)) => {
                        self.form = None;
                        let reload = said.is_some();
                        self.notice = said;
                        if reload {
                            self.tab = Tab::Cases;
                            load(backend, self.id)
                        } else {
                            Task::none()
                        }
                    }
                    None => task.map(Message::Contact),
                }
            }
            Message::OpenCredit => {
                let (form, task) = credit::CreditForm::new(self.id, actor);
                self.close_forms();
                self.form = Some(Form::Credit(form));
                self.notice = None;
                task.map(Message::Credit)
            }
            Message::Credit(message) => {
                let Some(Form::Credit(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(credit::Event::Closed(said)) => {
                        self.form = None;
                        let reload = said.is_some();
                        self.notice = said;
                        if reload { load(backend, self.id) } else { Task::none() }
                    }
                    None => task.map(Message::Credit),
                }
            }
            Message::Cases(message) => {
                let (task, event) = self.cases_tab.update(backend, actor, message);
                self.cases_event(backend, actor, task, event)
            }
            Message::OpenOrderForm => {
                self.close_forms();
                let known = self
                    .overview
                    .as_ref()
                    .map(|o| order::Known {
                        service_address: o.account.premise.address.to_string(),
                        meter_number: o.account.services.meter_number.clone(),
                        phone: o.account.customer.phone.clone(),
                        bill: self.bills.chosen().or(o.bills.first()).map(|b| b.id),
                        complaint: self.open_complaint(),
                    })
                    .unwrap_or_default();
                let (form, focus) = OrderForm::open(self.id, known);
                self.form = Some(Form::Order(form));
                self.notice = None;
                focus.map(Message::OrderForm)
            }
            Message::OrderForm(message) => {
                let Some(Form::Order(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(order::FormEvent::Saved(id, notice)) => {
                        self.form = None;
                        self.notice = Some(notice);
                        self.tab = Tab::Cases;
                        let open = self.update(backend, actor, Message::Cases(cases::Message::OpenOrder(id)));
                        Task::batch([load(backend, self.id), open])
                    }
                    Some(order::FormEvent::Closed) => {
                        self.form = None;
                        Task::none()
                    }
                    None => task.map(Message::OrderForm),
                }
            }
            Message::OpenStatement => {
                let Some(number) = self.overview.as_ref().map(|o| o.account.account.number.to_string()) else {
                    return Task::none();
                };
                let (form, task) = statement::StatementForm::new(self.id, number);
                self.close_forms();
                self.form = Some(Form::Statement(form));
                self.notice = None;
                task.map(Message::Statement)
            }
            Message::Statement(message) => {
                let Some(Form::Statement(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(statement::Event::Closed(said)) => {
                        self.form = None;
                        self.notice = said;
                        Task::none()
                    }
                    None => task.map(Message::Statement),
                }
            }
            Message::OpenLetter => {
                let context = letter::Context {
                    complaint: self.cases_tab.complaint().map(|p| p.id()),
                    dispute: self.cases_tab.dispute().map(|p| p.id()),
                    order: self.cases_tab.order().map(|p| p.id()),
                    bill: self.bills.chosen().map(|b| b.id),
                };
                let number = self.overview.as_ref().map(|o| o.account.account.number.to_string()).unwrap_or_default();
                self.close_forms();
                self.form = Some(Form::Letter(letter::LetterForm::new(self.id, number, context)));
                self.notice = None;
                Task::none()
            }
            Message::Letter(message) => {
                let Some(Form::Letter(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(letter::Event::Closed(said)) => {
                        self.form = None;
                        let reload = said.is_some();
                        self.notice = said;
                        if reload { load(backend, self.id) } else { Task::none() }
                    }
                    None => task.map(Message::Letter),
                }
            }
            Message::OpenDispute => {
                let Some(bill) = self.bills.chosen().cloned() else {
                    self.notice = Some(widget::Notice::new("Choose a bill first: Alt+2, then ↓.", ""));
                    return Task::none();
                };
                let bills = self.overview.as_ref().map(|o| o.bills.as_slice()).unwrap_or_default();
                let (form, task) = DisputeForm::new(bill, bills, self.open_complaint());
                self.close_forms();
                self.form = Some(Form::Dispute(form));
                self.notice = None;
                task.map(Message::DisputeForm)
            }
            Message::DisputeForm(message) => {
                let Some(Form::Dispute(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(dispute::FormEvent::Recorded(id, notice)) => {
                        self.form = None;
                        self.notice = Some(notice);
                        self.tab = Tab::Cases;
                        let open = self.update(backend, actor, Message::Cases(cases::Message::OpenDispute(id)));
                        Task::batch([load(backend, self.id), open])
                    }
                    Some(dispute::FormEvent::Closed) => {
                        self.form = None;
                        Task::none()
                    }
                    None => task.map(Message::DisputeForm),
                }
            }
            Message::ChooseEntry(id) => {
                self.chosen_entry = Some(id);
                Task::none()
            }
            Message::OpenPosting(act) => {
                let entry = self
                    .overview
                    .as_ref()
                    .and_then(|o| o.entries.iter().find(|e| Some(e.posting_id) == self.chosen_entry))
                    .cloned();
                let Some(entry) = entry else {
                    self.notice = Some(widget::Notice::new("Choose a line first: Alt+1, then ↓.", ""));
                    return Task::none();
                };
                match posting::PostingForm::new(backend, actor, act, self.id, &entry) {
                    Ok((form, task)) => {
                        self.close_forms();
                        self.form = Some(Form::Posting(form));
                        self.notice = None;
                        task.map(Message::Posting)
                    }
                    Err(why) => {
                        self.notice = Some(widget::Notice::new(why, ""));
                        Task::none()
                    }
                }
            }
            Message::Posting(message) => {
                let Some(Form::Posting(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(posting::Event::Closed(said)) => {
                        self.form = None;
                        let reload = said.is_some();
                        self.notice = said;
                        if reload { load(backend, self.id) } else { Task::none() }
                    }
                    None => task.map(Message::Posting),
                }
            }
            Message::OpenService => {
                let Some(overview) = &self.overview else { return Task::none() };
                let (form, task) = ServiceForm::for_account(overview);
                self.form = Some(Form::Service(form));
                self.notice = None;
                task.map(Message::Service)
            }
            Message::Service(message) => {
                let Some(Form::Service(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    // Service began or moved: the new account, saying so.
                    Some(service::Event::Done(Some(opened), notice)) => {
                        let (account, task) = Account::open_with_notice(backend, opened, notice);
                        *self = account;
                        task
                    }
                    Some(service::Event::Done(None, notice)) => {
                        self.form = None;
                        self.notice = Some(notice);
                        load(backend, self.id)
                    }
                    Some(service::Event::Closed) => {
                        self.form = None;
                        operation::focus(SERVICE_BUTTON)
                    }
                    None => task.map(Message::Service),
                }
            }
            Message::OpenCustomer => {
                let Some(overview) = &self.overview else { return Task::none() };
                let (form, task) = customer::CustomerForm::new(overview);
                self.form = Some(Form::Customer(form));
                self.notice = None;
                task.map(Message::Customer)
            }
            Message::Customer(message) => {
                let Some(Form::Customer(form)) = &mut self.form else { return Task::none() };
                let (task, event) = form.update(backend, actor, message);
                match event {
                    Some(customer::Event::Done(notice)) => {
                        self.form = None;
                        self.notice = Some(notice);
                        Task::batch([load(backend, self.id), operation::focus(CUSTOMER_BUTTON)])
                    }
                    Some(customer::Event::Closed) => {
                        self.form = None;
                        operation::focus(CUSTOMER_BUTTON)
                    }
                    None => task.map(Message::Customer),
                }
            }
            Message::Back => Task::none(),
        }
    }

    /// What a case worked on the Cases tab asks of the account.
    fn cases_event(
        &mut self,
        backend: &Backend,
        actor: &Actor,
        task: Task<cases::Message>,
        event: Option<cases::Event>,
    ) -> Task<Message> {
        let task = task.map(Message::Cases);
        match event {
            Some(cases::Event::Changed) => Task::batch([task, load(backend, self.id)]),
            Some(cases::Event::EditOrder(row)) => {
                let (form, focus) = OrderForm::edit(&row);
                self.close_forms();
                self.form = Some(Form::Order(form));
                Task::batch([task, focus.map(Message::OrderForm)])
            }
            Some(cases::Event::Rerate(rerate)) => Task::batch([task, self.open_rerate(backend, actor, rerate)]),
            Some(cases::Event::Failed(error)) => {
                self.error = Some(error);
                task
            }
            None => task,
        }
    }

    /// The adjust form on the re-read's bill, with the reading typed in.
    fn open_rerate(&mut self, backend: &Backend, actor: &Actor, rerate: Rerate) -> Task<Message> {
        let bill = self.overview.as_ref().and_then(|o| find_bill(&o.bills, rerate.bill)).cloned();
        let Some(bill) = bill else {
            self.notice = Some(widget::Notice::new(
                format!(
                    "Bill {} is not among this account's bills shown here; adjust it from the Bills tab.",
                    rerate.bill
                ),
                format!("order #{}", rerate.order),
            ));
            return Task::none();
        };
        let (form, task) = adjust::AdjustForm::from_reread(backend, bill, actor, &rerate);
        self.close_forms();
        self.form = Some(Form::Adjust(form));
        self.notice = None;
        task.map(Message::Adjust)
    }

    /// The complaint open on the Cases tab, if it is still open: a dispute,
    /// order or letter started now is linked to it.
    fn open_complaint(&self) -> Option<i64> {
        self.cases_tab.complaint().filter(|p| p.is_open()).map(|p| p.id())
    }

    /// The Cases tab, with the case open there.
    pub fn cases_tab(&self) -> &cases::CasesTab {
        &self.cases_tab
    }

    fn close_forms(&mut self) {
        self.form = None;
    }

    /// The button that opened the form open now.
    fn opener(&self) -> Id {
        match &self.form {
            Some(Form::Credit(_)) => CREDIT_BUTTON,
            Some(Form::Contact(_)) => CONTACT_BUTTON,
            Some(Form::Order(_)) => ORDER_BUTTON,
            Some(Form::Statement(_)) => STATEMENT_BUTTON,
            Some(Form::Letter(_)) => LETTER_BUTTON,
            Some(Form::Service(_)) => SERVICE_BUTTON,
            Some(Form::Customer(_)) => CUSTOMER_BUTTON,
            Some(Form::Posting(_)) => tab_id(Tab::Activity),
            Some(Form::Adjust(_) | Form::Dispute(_)) | None => tab_id(Tab::Bills),
        }
    }

    fn has_form(&self) -> bool {
        self.form.is_some()
    }

    fn open_adjust(&mut self, actor: &Actor) -> Task<Message> {
        let Some(bill) = self.bills.chosen().cloned() else {
            self.notice = Some(widget::Notice::new("Choose a bill first: Alt+2, then ↓.", ""));
            return Task::none();
        };
        let (form, task) = adjust::AdjustForm::new(bill, actor);
        self.close_forms();
        self.form = Some(Form::Adjust(form));
        self.notice = None;
        task.map(Message::Adjust)
    }

    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> KeyOutcome {
        if self.tab == Tab::Cases
            && !self.has_form()
            && let Some((task, event)) = self.cases_tab.key(backend, actor, key)
        {
            return KeyOutcome::Task(self.cases_event(backend, actor, task, event));
        }
        let task = match key {
            Shortcut::Tab(n) => match Tab::ALL.get(usize::from(n) - 1) {
                Some(tab) => self.update(backend, actor, Message::Tab(*tab)),
                None => Task::none(),
            },
            Shortcut::Credit if !matches!(self.form, Some(Form::Credit(_))) => {
                self.update(backend, actor, Message::OpenCredit)
            }
            Shortcut::Adjust if !matches!(self.form, Some(Form::Adjust(_))) => self.open_adjust(actor),
            Shortcut::Contact if !matches!(self.form, Some(Form::Contact(_))) => {
                self.update(backend, actor, Message::OpenContact)
            }
            Shortcut::Order if !matches!(self.form, Some(Form::Order(_))) => {
                self.update(backend, actor, Message::OpenOrderForm)
            }
            Shortcut::Mnemonic('s') if !self.has_form() => self.update(backend, actor, Message::OpenStatement),
            Shortcut::Mnemonic('k') if !self.has_form() => self.update(backend, actor, Message::OpenLetter),
            Shortcut::Mnemonic('h') if !self.has_form() => self.update(backend, actor, Message::OpenService),
            Shortcut::Mnemonic('u') if !self.has_form() => self.update(backend, actor, Message::OpenCustomer),
            Shortcut::Mnemonic('i') if self.tab == Tab::Bills && !self.has_form() => {
                self.update(backend, actor, Message::OpenDispute)
            }
            Shortcut::Mnemonic('v') if self.tab == Tab::Activity && !self.has_form() => {
                self.update(backend, actor, Message::OpenPosting(posting::Act::Waive))
            }
            Shortcut::Mnemonic('r') if self.tab == Tab::Activity && !self.has_form() => {
                self.update(backend, actor, Message::OpenPosting(posting::Act::Reverse))
            }
            Shortcut::Up | Shortcut::Down if self.tab == Tab::Activity && !self.has_form() => {
                let entries = self.overview.as_ref().map(|o| o.entries.as_slice()).unwrap_or_default();
                let at = self.chosen_entry.and_then(|id| entries.iter().position(|e| e.posting_id == id));
                let next = match (key, at) {
                    (_, None) => 0,
                    (Shortcut::Up, Some(i)) => i.saturating_sub(1),
                    (_, Some(i)) => (i + 1).min(entries.len().saturating_sub(1)),
                };
                self.chosen_entry = entries.get(next).map(|e| e.posting_id);
                Task::none()
            }
            key @ (Shortcut::Up | Shortcut::Down | Shortcut::Mnemonic(_)) if self.has_form() => match &mut self.form {
                Some(Form::Adjust(form)) => form.key(backend, actor, key).map(Message::Adjust),
                Some(Form::Contact(form)) => form.key(backend, actor, key).map(Message::Contact),
                _ => Task::none(),
            },
            Shortcut::Escape if self.has_form() => {
                // The focus goes back to what opened the form, ringed, so
                // the person sees where they are.
                let back = self.opener();
                self.close_forms();
                operation::focus(back)
            }
            Shortcut::Escape if self.bills.is_explaining() => {
                self.update(backend, actor, Message::Bills(bills::Message::Explain(false)))
            }
            Shortcut::Escape => return KeyOutcome::Back,
            Shortcut::Up | Shortcut::Down | Shortcut::Enter if self.tab == Tab::Bills && !self.has_form() => {
                let bills = self.overview.as_ref().map(|o| o.bills.as_slice()).unwrap_or_default();
                self.bills.key(backend, bills, key).map(Message::Bills)
            }
            _ => Task::none(),
        };
        KeyOutcome::Task(task)
    }

    pub fn view(&self, _actor: &Actor) -> Element<'_, Message> {
        let Some(overview) = &self.overview else {
            return match &self.error {
                Some(error) => widget::error(error),
                None => text("Opening the account…").style(theme::muted).into(),
            };
        };
        let tabs = Tab::ALL.iter().enumerate().fold(row![].spacing(4), |tabs, (i, tab)| {
            let label = match tab {
                Tab::Requests if !self.requests.is_empty() => format!("{} ({})", tab.label(), self.requests.len()),
                _ => tab.label().to_string(),
            };
            tabs.push(
                button(text(format!("{label}  Alt+{}", i + 1)))
                    .action(Message::Tab(*tab))
                    .style(theme::tab(self.tab == *tab))
                    .padding([4, 10])
                    .id(tab_id(*tab)),
            )
        });
        // The most used first. They take what the tabs leave and wrap onto
        // a second line, right-aligned, on a narrow window; compact, the
        // tabs wrap too, and the actions go on lines of their own.
        let actions = row![
            button(text("Issue credit  Alt+C")).action(Message::OpenCredit).id(CREDIT_BUTTON),
            button(text("Log contact  Alt+L")).style(button::secondary).action(Message::OpenContact).id(CONTACT_BUTTON),
            button(text("Order  Alt+W")).style(button::secondary).action(Message::OpenOrderForm).id(ORDER_BUTTON),
            button(text("Statement  Alt+S"))
                .style(button::secondary)
                .action(Message::OpenStatement)
                .id(STATEMENT_BUTTON),
            button(text("Letter  Alt+K")).style(button::secondary).action(Message::OpenLetter).id(LETTER_BUTTON),
            button(text("Service  Alt+H")).style(button::secondary).action(Message::OpenService).id(SERVICE_BUTTON),
            button(text("Customer  Alt+U")).style(button::secondary).action(Message::OpenCustomer).id(CUSTOMER_BUTTON),
        ]
        .spacing(6)
        .wrap();
        let tabs: Element<'_, Message> = if crate::gui::layout::narrow() {
            column![tabs.wrap(), actions].spacing(6).into()
        } else {
            tabs.push(container(actions.align_x(iced::Right)).align_right(Fill)).into()
        };
        let body: Element<'_, Message> = match self.tab {
            Tab::Activity => activity(overview, self.chosen_entry),
            Tab::Bills => self.bills.view(&overview.bills).map(Message::Bills),
            Tab::Usage => self.usage(overview),
            Tab::Cases => self.cases_tab.view(&self.cases, _actor).map(Message::Cases),
            Tab::Requests => requests(&self.requests),
        };
        let mut page = column![header(overview)].spacing(10);
        if let Some(notice) = &self.notice {
            page = page.push(widget::notice(notice));
        }
        // A form takes the place of the tabs while it is open (Esc closes it):
        // the header stays, so the person keeps the account in view.
        let form = self.form.as_ref().map(|form| match form {
            Form::Credit(form) => form.view().map(Message::Credit),
            Form::Contact(form) => form.view().map(Message::Contact),
            Form::Adjust(form) => form.view().map(Message::Adjust),
            Form::Order(form) => form.view().map(Message::OrderForm),
            Form::Statement(form) => form.view().map(Message::Statement),
            Form::Letter(form) => form.view().map(Message::Letter),
            Form::Posting(form) => form.view().map(Message::Posting),
            Form::Dispute(form) => form.view().map(Message::DisputeForm),
            Form::Service(form) => form.view().map(Message::Service),
            Form::Customer(form) => form.view().map(Message::Customer),
        });
        match form {
            Some(form) => page.push(scrollable(form).spacing(6).height(Fill)).into(),
            None => page.push(tabs).push(rule::horizontal(1)).push(container(body).height(Fill)).into(),
        }
    }

    fn usage<'a>(&'a self, overview: &'a Overview) -> Element<'a, Message> {
        let gallons = |g: Option<u64>| g.map_or("—".to_string(), |g| format!("{} gal", thousands(g)));
        let summary = row![
            labelled("Months shown", text(self.chart.months.len().to_string())),
            labelled(
                "Usual: median of the 12 bills before the latest (dashed green line)",
                text(gallons(self.chart.usual))
            ),
            labelled("Sewer cap (solid red line)", text(gallons(overview.sewer_cap_gal))),
            labelled(
                "Estimated reads (amber bars marked est.)",
                text(self.chart.months.iter().filter(|m| m.estimated).count().to_string())
            ),
        ]
        .spacing(32);
        // Compact, the whole page scrolls and the chart keeps a height of
        // its own (a filled height there would be none).
        let height = if crate::gui::layout::compact() { iced::Length::Fixed(260.0) } else { Fill };
        column![summary.wrap(), canvas(&self.chart).width(Fill).height(height)].spacing(10).into()
    }
}

fn load(backend: &Backend, id: AccountId) -> Task<Message> {
    let backend = backend.clone();
    Task::perform(
        async move {
            backend
                .run(move |desk| {
                    let now = Utc::now();
                    let overview = desk.overview(id, now)?;
                    let requests = desk
                        .requests(now, Some("pending"), None)?
                        .into_iter()
                        .filter(|r| r.row.account_id == id)
                        .collect();
                    let cases = desk.cases(id)?;
                    Ok(Box::new((overview, requests, cases)))
                })
                .await
        },
        Message::Loaded,
    )
}

/// A bill of the overview by id, for the bills tab.
pub(super) fn find_bill(bills: &[BillRow], id: BillId) -> Option<&BillRow> {
    bills.iter().find(|b| b.id == id)
}
