//! One complaint, worked: where it came from, when it is due, its history
//! and contacts, and the actions a person's classification allows — a
//! follow-up note, take it, assign it, escalate it, close it with a
//! resolution, reopen it. Shown beside a work queue and on the account.

use chrono::Utc;
use iced::widget::{Id, button, column, container, operation, row, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use crate::desk::{Actor, Assignee, ComplaintAction, ComplaintView, DeskError, Due};
use crate::domain::cases::{Queue, Resolution, ranks_at_least};
use crate::domain::ids::AccountId;
use crate::gui::app::Shortcut;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice, labelled};

pub const TEXT: Id = Id::new("complaint-text");
pub const CHOICE: Id = Id::new("complaint-choice");

/// An action being filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Note,
    Assign,
    Escalate,
    Close,
    Reopen,
}

impl Form {
    fn title(self) -> &'static str {
        match self {
            Form::Note => "Follow-up note",
            Form::Assign => "Assign to a person or a queue",
            Form::Escalate => "Escalate",
            Form::Close => "Close with a resolution",
            Form::Reopen => "Reopen",
        }
    }

    fn text_hint(self) -> &'static str {
        match self {
            Form::Note => "What was done or found (required)",
            Form::Assign => "",
            Form::Escalate => "Why it needs a higher level (required)",
            Form::Close => "What was done for the customer (required)",
            Form::Reopen => "Why it is reopened (required)",
        }
    }
}

pub struct ComplaintPanel {
    view: ComplaintView,
    form: Option<Form>,
    /// The note, reason or resolution note being typed.
    text: String,
    /// The resolution, the queue or the person being chosen by typing.
    choice: String,
    error: Option<String>,
    notice: Option<Notice>,
    busy: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Start(Form),
    Take,
    Text(String),
    Choice(String),
    /// Enter in the first field: on to the note.
    NextField,
    Send,
    Done(Result<(Box<ComplaintView>, Notice), DeskError>),
    Cancel,
    OpenAccount(AccountId),
}

pub enum Event {
    /// The complaint changed: lists showing it should reload.
    Changed,
    OpenAccount(AccountId),
}

/// The first resolution whose label or code contains what was typed.
pub fn matching_resolution(typed: &str) -> Option<Resolution> {
    let typed = typed.trim().to_lowercase();
    (!typed.is_empty()).then_some(())?;
    Resolution::ALL.iter().copied().find(|r| r.code().contains(&typed) || r.label().to_lowercase().contains(&typed))
}

/// What "Assign to" names: a queue by its name, else a person by user name.
fn assignee(typed: &str) -> Option<Assignee> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let queue = Queue::ALL
        .iter()
        .copied()
        .find(|q| q.code().eq_ignore_ascii_case(typed) || format!("{} queue", q.label()).eq_ignore_ascii_case(typed));
    Some(queue.map_or_else(|| Assignee::Person(typed.to_string()), Assignee::Queue))
}

/// The escalation target typed, or the next queue up.
fn escalation_target(typed: &str, from: Queue) -> Option<Queue> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Queue::ALL.iter().copied().find(|q| *q > from);
    }
    Queue::ALL.iter().copied().find(|q| q.code().contains(&typed) || q.label().to_lowercase().contains(&typed))
}

/// Loads a complaint for a panel.
pub fn load(backend: &Backend, id: i64) -> Task<Result<Box<ComplaintView>, DeskError>> {
    let backend = backend.clone();
    Task::perform(async move { backend.run(move |desk| desk.complaint(id, Utc::now()).map(Box::new)).await }, |r| r)
}

/// "overdue by 2 business days" in the danger colour, due today in amber.
pub fn due_text<'a>(due: Due) -> iced::widget::Text<'a> {
    let said = text(due.describe());
    match due {
        Due::Overdue { .. } | Due::ClosedLate => said.style(text::danger),
        Due::DueToday => said.style(text::warning),
        _ => said.style(theme::muted),
    }
}

impl ComplaintPanel {
    pub fn new(view: ComplaintView) -> ComplaintPanel {
        ComplaintPanel {
            view,
            form: None,
            text: String::new(),
            choice: String::new(),
            error: None,
            notice: None,
            busy: false,
        }
    }

    /// The same complaint as it now stands, keeping what the last action said.
    pub fn refresh(&mut self, view: ComplaintView) {
        if !self.is_editing() {
            self.view = view;
        }
    }

    /// Whether the complaint is still open (what is started from it is linked to it).
    pub fn is_open(&self) -> bool {
        self.view.complaint.is_open()
    }

    pub fn id(&self) -> i64 {
        self.view.complaint.id
    }

    pub fn complaint(&self) -> &ComplaintView {
        &self.view
    }

    /// A form is open: the page's own keys wait.
    pub fn is_editing(&self) -> bool {
        self.form.is_some()
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Start(form) => {
                self.form = Some(form);
                self.text.clear();
                self.choice.clear();
                self.error = None;
                // The first field of the form: where it goes (an escalation's
                // queue, typed into the reason below it, sent the complaint
                // to the wrong queue), then why.
                match form {
                    Form::Assign | Form::Close | Form::Escalate => operation::focus(CHOICE),
                    _ => operation::focus(TEXT),
                }
            }
            Message::Take => {
                self.send(backend, actor, ComplaintAction::Assign { to: Assignee::Person(actor.username.clone()) })
            }
            Message::Text(typed) => {
                self.text = typed;
                Task::none()
            }
            Message::Choice(typed) => {
                self.choice = typed;
                Task::none()
            }
            Message::NextField => operation::focus(TEXT),
            Message::Send if self.busy => Task::none(),
            Message::Send => match self.action() {
                Ok(action) => self.send(backend, actor, action),
                Err(problem) => {
                    self.error = Some(problem);
                    Task::none()
                }
            },
            Message::Done(Ok((view, notice))) => {
                self.view = *view;
                self.form = None;
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
            Message::Cancel => {
                self.form = None;
                self.error = None;
                Task::none()
            }
            Message::OpenAccount(id) => return (Task::none(), Some(Event::OpenAccount(id))),
        };
        (task, None)
    }

    /// The action the open form describes, or what is missing from it.
    fn action(&self) -> Result<ComplaintAction, String> {
        let text = self.text.clone();
        match self.form {
            None => Err("choose an action first".into()),
            Some(Form::Note) => Ok(ComplaintAction::Note { note: text }),
            Some(Form::Reopen) => Ok(ComplaintAction::Reopen { reason: text }),
            Some(Form::Assign) => assignee(&self.choice)
                .map(|to| ComplaintAction::Assign { to })
                .ok_or_else(|| "type a user name, or a queue: desk, car3, supervisor".into()),
            Some(Form::Escalate) => escalation_target(&self.choice, self.view.complaint.queue)
                .map(|to| ComplaintAction::Escalate { to, reason: text })
                .ok_or_else(|| "type the queue to escalate to: car3 or supervisor".into()),
            Some(Form::Close) => matching_resolution(&self.choice)
                .map(|resolution| ComplaintAction::Close { resolution, note: text })
                .ok_or_else(|| "choose a resolution: type explained, adjusted, referred…".into()),
        }
    }

    fn send(&mut self, backend: &Backend, actor: &Actor, action: ComplaintAction) -> Task<Message> {
        self.busy = true;
        let id = self.id();
        let (backend, actor) = (backend.clone(), actor.clone());
        Task::perform(
            async move {
                backend
                    .run(move |desk| {
                        let view = desk.work_complaint(&actor, Utc::now(), id, &action)?;
                        let said = match &action {
                            ComplaintAction::Note { .. } => "Note added.".to_string(),
                            ComplaintAction::Assign { .. } => format!(
                                "Assigned to {}.",
                                view.complaint
                                    .assigned_to
                                    .clone()
                                    .unwrap_or_else(|| { format!("the {} queue", view.complaint.queue.label()) })
                            ),
                            ComplaintAction::Escalate { to, .. } => format!("Escalated to the {} queue.", to.label()),
                            ComplaintAction::Close { resolution, .. } => format!("Closed: {}.", resolution.label()),
                            ComplaintAction::Reopen { .. } => "Reopened; the due date stands.".to_string(),
                            ComplaintAction::Link { .. } => "Linked.".to_string(),
                        };
                        Ok((Box::new(view), Notice::new(said, format!("complaint #{id}"))))
                    })
                    .await
            },
            Message::Done,
        )
    }

    /// Alt+N note, Alt+T take, Alt+G assign, Alt+E escalate, Alt+R close,
    /// Alt+O reopen, Alt+B back to the account; Esc closes a form.
    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Option<(Task<Message>, Option<Event>)> {
        let open = self.view.complaint.is_open();
        let message = match key {
            Shortcut::Escape if self.form.is_some() => Message::Cancel,
            Shortcut::Mnemonic('n') => Message::Start(Form::Note),
            Shortcut::Mnemonic('t') if open => Message::Take,
            Shortcut::Mnemonic('g') if open => Message::Start(Form::Assign),
            Shortcut::Mnemonic('e') if open => Message::Start(Form::Escalate),
            Shortcut::Mnemonic('r') if open => Message::Start(Form::Close),
            Shortcut::Mnemonic('o') if !open => Message::Start(Form::Reopen),
            Shortcut::Mnemonic('b') => Message::OpenAccount(self.view.complaint.account_id),
            _ => return None,
        };
        Some(self.update(backend, actor, message))
    }

    pub fn view(&self, actor: &Actor, show_account: bool) -> Element<'_, Message> {
        let c = &self.view.complaint;
        let source = match c.council_district {
            Some(d) => format!("{} district {d}", c.source.label()),
            None => c.source.label().to_string(),
        };
        let reference = c.reference.as_deref().map(|r| format!(" · ref. {r}")).unwrap_or_default();
        let with = match &c.assigned_to {
            Some(person) => format!("{person} ({} queue)", c.queue.label()),
            None => format!("{} queue, unassigned", c.queue.label()),
        };
        let mut detail = column![
            row![
                text(format!("Complaint #{} · {}", c.id, c.category.label())).size(18),
                text(if c.is_open() { "open" } else { "closed" }).style(theme::muted),
            ]
            .spacing(10)
            .align_y(Center),
            row![
                labelled("From", text(format!("{source}{reference}"))),
                labelled("By", text(c.channel.label())),
                labelled("Priority", text(c.priority.label())),
                labelled(
                    "Due",
                    row![text(c.due_on.to_string()).font(Font::MONOSPACE), due_text(self.view.due)].spacing(6)
                ),
                labelled("With", text(with)),
            ]
            .spacing(20)
            .wrap(),
            labelled("Account", text(format!("{} · {}", c.account_number, c.customer))),
            labelled("What was said", text(c.summary.clone())),
        ]
        .spacing(10)
        .width(Fill);
        if let (Some(resolution), Some(note)) = (c.resolution, &c.resolution_note) {
            detail = detail.push(labelled("Resolution", text(format!("{}: {note}", resolution.label()))));
        }
        if let Some(notice) = &self.notice {
            detail = detail.push(widget::notice(notice));
        }
        detail = detail.push(self.actions(actor, show_account));
        if let Some(form) = self.form {
            detail = detail.push(self.form_view(form));
        } else if let Some(error) = &self.error {
            detail = detail.push(widget::error(error));
        }
        let history = self.view.events.iter().fold(column![text("History").size(16)].spacing(3), |list, e| {
            let what = match (&e.note, &e.link) {
                (_, Some((kind, id))) => format!("linked to {kind} {id}"),
                (Some(note), None) => note.clone(),
                (None, None) => String::new(),
            };
            // What was said has a line of its own under who and when: beside
            // them it squeezed the name off the panel's edge.
            list.push(
                column![
                    row![
                        text(crate::gui::clock::day(e.at)).font(Font::MONOSPACE).width(100),
                        text(e.kind.clone()).width(Fill),
                        text(e.by.clone()).style(theme::muted),
                    ]
                    .spacing(10),
                    text(what),
                ]
                .spacing(1),
            )
        });
        let contacts = self.view.contacts.iter().fold(column![text("Contacts").size(16)].spacing(3), |list, k| {
            list.push(
                column![
                    row![
                        text(crate::gui::clock::day(k.at)).font(Font::MONOSPACE).width(100),
                        text(k.channel.label()).width(Fill),
                        text(k.by.clone()).style(theme::muted),
                    ]
                    .spacing(10),
                    text(k.summary.clone()),
                ]
                .spacing(1),
            )
        });
        detail.push(history).push(contacts).into()
    }

    fn actions(&self, actor: &Actor, show_account: bool) -> Element<'_, Message> {
        let c = &self.view.complaint;
        let can_handle = ranks_at_least(actor.role, c.place().handled_by());
        let idle = !self.busy;
        let mut actions =
            row![button(text("Note  Alt+N")).action_maybe(idle.then_some(Message::Start(Form::Note)))].spacing(8);
        if c.is_open() {
            let mine = c.assigned_to.as_deref() == Some(actor.username.as_str());
            actions =
                actions
                    .push(
                        (!mine && can_handle)
                            .then(|| button(text("Take it  Alt+T")).action_maybe(idle.then_some(Message::Take))),
                    )
                    .push(can_handle.then(|| {
                        button(text("Assign  Alt+G")).action_maybe(idle.then_some(Message::Start(Form::Assign)))
                    }))
                    .push((c.queue < Queue::Supervisor).then(|| {
                        button(text("Escalate  Alt+E"))
                            .style(button::secondary)
                            .action_maybe(idle.then_some(Message::Start(Form::Escalate)))
                    }))
                    .push(can_handle.then(|| {
                        button(text("Close  Alt+R"))
                            .style(button::success)
                            .action_maybe(idle.then_some(Message::Start(Form::Close)))
                    }));
            if !can_handle {
                actions = actions.push(
                    text(format!("Closed by a {} or above.", c.place().handled_by().title()))
                        .size(13)
                        .style(theme::muted),
                );
            }
        } else if can_handle {
            actions =
                actions.push(button(text("Reopen  Alt+O")).action_maybe(idle.then_some(Message::Start(Form::Reopen))));
        }
        if show_account {
            actions = actions
                .push(button(text("Account  Alt+B")).style(button::text).action(Message::OpenAccount(c.account_id)));
        }
        // On a narrow panel the buttons go onto a second line rather than off
        // its edge ("Close  Alt+R" was cut to "Cl Alt").
        actions.align_y(Center).wrap().into()
    }

    fn form_view(&self, form: Form) -> Element<'_, Message> {
        let c = &self.view.complaint;
        let mut fields = column![text(form.title()).size(16)].spacing(8);
        match form {
            Form::Assign => {
                let hint = match assignee(&self.choice) {
                    Some(Assignee::Queue(q)) => format!("→ the {} queue", q.label()),
                    Some(Assignee::Person(name)) => format!("→ {name}"),
                    None => String::new(),
                };
                fields = fields.push(
                    row![
                        text_input("A user name, or desk / car3 / supervisor", &self.choice)
                            .id(CHOICE)
                            .on_input(Message::Choice)
                            .on_submit(Message::Send)
                            .padding(6)
                            .width(320),
                        text(hint).style(theme::muted),
                    ]
                    .spacing(8)
                    .align_y(Center),
                );
            }
            Form::Escalate => {
                let target = escalation_target(&self.choice, c.queue)
                    .map(|q| format!("→ the {} queue", q.label()))
                    .unwrap_or_else(|| "no such queue".into());
                fields = fields.push(
                    row![
                        text_input("To: car3 or supervisor (empty: the next one up)", &self.choice)
                            .id(CHOICE)
                            .on_input(Message::Choice)
                            .on_submit(Message::NextField)
                            .padding(6)
                            .width(320),
                        text(target).style(theme::muted),
                    ]
                    .spacing(8)
                    .align_y(Center),
                );
            }
            Form::Close => {
                let chosen: Element<'_, Message> = match matching_resolution(&self.choice) {
                    Some(r) => text(format!("→ {}", r.label())).into(),
                    None if self.choice.trim().is_empty() => text("").into(),
                    None => widget::error("no resolution matches"),
                };
                fields = fields.push(
                    row![
                        text_input("Resolution: explained, adjusted, field work, referred…", &self.choice)
                            .id(CHOICE)
                            .on_input(Message::Choice)
                            .on_submit(Message::NextField)
                            .padding(6)
                            .width(320),
                        chosen,
                    ]
                    .spacing(8)
                    .align_y(Center),
                );
            }
            Form::Note | Form::Reopen => {}
        }
        if form != Form::Assign {
            fields = fields.push(
                text_input(form.text_hint(), &self.text)
                    .id(TEXT)
                    .on_input(Message::Text)
                    .on_submit(Message::Send)
                    .padding(6),
            );
        }
        fields = fields.push(
            row![
                button(text("Send")).action_maybe((!self.busy).then_some(Message::Send)),
                button(text("Cancel  Esc")).action(Message::Cancel).style(button::secondary),
            ]
            .spacing(8),
        );
        let fields = fields.push(self.error.as_deref().map(widget::error));
        container(fields).padding(12).style(theme::panel).into()
    }
}
