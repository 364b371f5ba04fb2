//! Log a contact: how the customer reached us, what was said, and whether
//! it is a complaint (and about what).

use chrono::Utc;
use iced::widget::{Id, button, column, operation, row, text, text_input};
use iced::{Center, Element, Fill, Task};

use super::form;
use crate::desk::{Actor, ContactLogged, ContactRequest, DeskError, NewComplaint};
use crate::domain::cases::{
    COUNCIL_DISTRICTS, Caller, Channel, ComplaintCategory, IdentityCheck, Priority, Proof, Source,
};
use crate::domain::ids::AccountId;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};

pub const SUMMARY: Id = Id::new("contact-summary");
pub const CATEGORY: Id = Id::new("contact-category");
pub const SOURCE: Id = Id::new("contact-source");
pub const DISTRICT: Id = Id::new("contact-district");
pub const REFERENCE: Id = Id::new("contact-reference");
pub const PRIORITY: Id = Id::new("contact-priority");

#[derive(Debug, Clone)]
pub struct ContactForm {
    account: AccountId,
    channel: Channel,
    summary: String,
    complaint: bool,
    category_typed: String,
    /// Where the complaint came from, typed (empty: the customer).
    source_typed: String,
    district: String,
    reference: String,
    /// Empty: normal.
    priority_typed: String,
    /// Who else may be spoken to about the account: (party, name).
    parties: Vec<(i64, String)>,
    /// Who was spoken to.
    caller: Caller,
    /// What the caller proved (none: no identity check recorded).
    verified: Vec<Proof>,
    error: Option<String>,
    sending: bool,
}

/// The button choosing who was spoken to (`contact-caller-holder`,
/// `contact-caller-3` for party #3).
pub fn caller_id(caller: Caller) -> Id {
    match caller {
        Caller::Holder => Id::new("contact-caller-holder"),
        Caller::Party(id) => Id::from(format!("contact-caller-{id}")),
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Channel(Channel),
    Summary(String),
    Complaint(bool),
    Category(String),
    Source(String),
    District(String),
    Reference(String),
    Priority(String),
    Caller(Caller),
    Verified(Proof, bool),
    /// Enter in a field before the last: on to the next field.
    Next,
    Send,
    Sent(Result<ContactLogged, DeskError>),
    Cancel,
}

pub enum Event {
    Closed(Option<Notice>),
}

impl ContactForm {
    /// Keys while the form is open: ↑ ↓ the channel, Alt+K complaint or not.
    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: crate::gui::app::Shortcut) -> Task<Message> {
        use crate::gui::app::Shortcut;
        let at = Channel::ALL.iter().position(|c| *c == self.channel).unwrap_or(0);
        let message = match key {
            Shortcut::Up => Message::Channel(Channel::ALL[at.saturating_sub(1)]),
            Shortcut::Down => Message::Channel(Channel::ALL[(at + 1).min(Channel::ALL.len() - 1)]),
            Shortcut::Mnemonic('k') => Message::Complaint(!self.complaint),
            _ => return Task::none(),
        };
        self.update(backend, actor, message).0
    }
}

/// The first category whose label or code contains what was typed.
pub fn matching_category(typed: &str) -> Option<ComplaintCategory> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return None;
    }
    ComplaintCategory::ALL
        .iter()
        .copied()
        .find(|c| c.label().to_lowercase().contains(&typed) || c.code().contains(&typed))
}

/// The first of `all` whose label or code starts with, or contains, what was typed.
fn matching<T: Copy>(all: &[T], typed: &str, label: fn(T) -> &'static str, code: fn(T) -> &'static str) -> Option<T> {
    let typed = typed.trim().to_lowercase();
    let starts =
        all.iter().copied().find(|t| label(*t).to_lowercase().starts_with(&typed) || code(*t).starts_with(&typed));
    starts.or_else(|| {
        all.iter().copied().find(|t| label(*t).to_lowercase().contains(&typed) || code(*t).contains(&typed))
    })
}

pub fn matching_source(typed: &str) -> Option<Source> {
    if typed.trim().is_empty() {
        return Some(Source::Customer);
    }
    matching(Source::ALL, typed, Source::label, Source::code)
}

pub fn matching_priority(typed: &str) -> Option<Priority> {
    if typed.trim().is_empty() {
        return Some(Priority::Normal);
    }
    matching(Priority::ALL, typed, Priority::label, Priority::code)
}

impl ContactForm {
    /// The complaint's details as typed, or what is wrong and the field to fix.
    fn complaint_details(&self, category: ComplaintCategory) -> Result<NewComplaint, (String, Id)> {
        let source = matching_source(&self.source_typed)
            .ok_or_else(|| ("from whom? type customer, 311, mayor, council or agency".to_string(), SOURCE))?;
        let priority = matching_priority(&self.priority_typed)
            .ok_or_else(|| ("priority: type urgent, high, normal or low".to_string(), PRIORITY))?;
        let district = match self.district.trim() {
            "" => None,
            typed => Some(
                typed
                    .parse::<u8>()
                    .map_err(|_| (format!("the council district is a number, 1 to {COUNCIL_DISTRICTS}"), DISTRICT))?,
            ),
        };
        let reference = Some(self.reference.trim().to_string()).filter(|r| !r.is_empty());
        Ok(NewComplaint {
            source,
            council_district: if source == Source::Council { district } else { None },
            reference,
            priority,
            ..NewComplaint::from_customer(category)
        })
    }

    pub fn new(account: AccountId, parties: Vec<(i64, String)>) -> (ContactForm, Task<Message>) {
        let form = ContactForm {
            account,
            channel: Channel::Phone,
            summary: String::new(),
            complaint: false,
            category_typed: String::new(),
            source_typed: String::new(),
            district: String::new(),
            reference: String::new(),
            priority_typed: String::new(),
            parties,
            caller: Caller::Holder,
            verified: Vec::new(),
            error: None,
            sending: false,
        };
        (form, operation::focus(SUMMARY))
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Channel(channel) => {
                self.channel = channel;
                operation::focus(SUMMARY)
            }
            Message::Summary(summary) => {
                self.summary = summary;
                Task::none()
            }
            Message::Complaint(on) => {
                self.complaint = on;
                if on { operation::focus(CATEGORY) } else { Task::none() }
            }
            Message::Category(typed) => {
                self.category_typed = typed;
                Task::none()
            }
            Message::Source(typed) => {
                self.source_typed = typed;
                Task::none()
            }
            Message::District(typed) => {
                self.district = typed;
                Task::none()
            }
            Message::Reference(typed) => {
                self.reference = typed;
                Task::none()
            }
            Message::Priority(typed) => {
                self.priority_typed = typed;
                Task::none()
            }
            Message::Caller(caller) => {
                self.caller = caller;
                Task::none()
            }
            Message::Verified(proof, on) => {
                self.verified.retain(|p| *p != proof);
                if on {
                    self.verified.push(proof);
                }
                Task::none()
            }
            Message::Send if self.sending => Task::none(),
            Message::Send => {
                let complaint = match (self.complaint, matching_category(&self.category_typed)) {
                    (false, _) => None,
                    (true, Some(category)) => Some(category),
                    (true, None) => {
                        self.error = Some("say what the complaint is about: type billing, meter, refuse…".into());
                        return (operation::focus(CATEGORY), None);
                    }
                };
                let complaint = match complaint.map(|category| self.complaint_details(category)).transpose() {
                    Ok(complaint) => complaint,
                    Err((problem, field)) => {
                        self.error = Some(problem);
                        return (operation::focus(field), None);
                    }
                };
                let request = ContactRequest {
                    account: self.account,
                    channel: self.channel,
                    summary: self.summary.clone(),
                    complaint,
                    about: None,
                    identity: (!self.verified.is_empty()).then(|| IdentityCheck {
                        caller: self.caller,
                        verified: self.verified.clone(),
                        party_name: None,
                    }),
                };
                self.sending = true;
                self.error = None;
                let (backend, actor) = (backend.clone(), actor.clone());
                Task::perform(
                    async move { backend.run(move |desk| desk.log_contact(&actor, Utc::now(), &request)).await },
                    Message::Sent,
                )
            }
            Message::Sent(Ok(logged)) => {
                let notice = match logged.complaint {
                    Some(complaint) => Notice::new(
                        "Contact logged and complaint opened.",
                        format!("contact {}, complaint {complaint}", logged.contact),
                    ),
                    None => Notice::new("Contact logged.", format!("contact {}", logged.contact)),
                };
                return (Task::none(), Some(Event::Closed(Some(notice))));
            }
            Message::Sent(Err(error)) => {
                self.sending = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Next => crate::gui::focus::next_field(),
            Message::Cancel => return (Task::none(), Some(Event::Closed(None))),
        };
        (task, None)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let channels =
            Channel::ALL.iter().fold(row![text("By (↑ ↓)").width(70)].spacing(4).align_y(Center), |row, c| {
                row.push(
                    button(text(c.label()))
                        .action(Message::Channel(*c))
                        .style(theme::tab(self.channel == *c))
                        .padding([3, 10]),
                )
            });
        let summary = text_input("What the customer said, and what you told them (required)", &self.summary)
            .id(SUMMARY)
            .on_input(Message::Summary)
            .on_submit(if self.complaint { Message::Next } else { Message::Send })
            .padding(6);
        let complaint = button(text(if self.complaint {
            "☑ This is a complaint  Alt+K"
        } else {
            "☐ This is a complaint  Alt+K"
        }))
        .action(Message::Complaint(!self.complaint))
        .style(button::text);
        let callers = std::iter::once((Caller::Holder, "the account holder".to_string()))
            .chain(self.parties.iter().map(|(id, name)| (Caller::Party(*id), name.clone())))
            .fold(row![text("Spoke with").width(90)].spacing(4).align_y(Center), |row, (caller, name)| {
                row.push(
                    button(text(name))
                        .action(Message::Caller(caller))
                        .style(theme::tab(self.caller == caller))
                        .padding([3, 10])
                        .id(caller_id(caller)),
                )
            })
            .wrap();
        let proofs = Proof::ALL.iter().fold(row![text("Verified").width(90)].spacing(10), |row, proof| {
            let on = self.verified.contains(proof);
            row.push(widget::tick_box(on, proof.label(), |on| Message::Verified(*proof, on)))
        });
        let mut form = column![
            text("Log a contact").size(18),
            channels,
            summary,
            callers,
            proofs.wrap(),
            row![complaint].align_y(Center)
        ]
        .spacing(8)
        .width(Fill);
        if self.complaint {
            let chosen: Element<'_, Message> = match matching_category(&self.category_typed) {
                Some(category) => text(format!("→ {}", category.label())).into(),
                None if self.category_typed.trim().is_empty() => text("").into(),
                None => widget::error("no category matches"),
            };
            form = form.push(
                row![
                    text_input("About: type billing, high bill, meter, refuse…", &self.category_typed)
                        .id(CATEGORY)
                        .on_input(Message::Category)
                        .on_submit(Message::Next)
                        .padding(6)
                        .width(320),
                    chosen
                ]
                .spacing(8)
                .align_y(Center),
            );
        }
        if self.complaint {
            let source = matching_source(&self.source_typed);
            let said = |found: Option<&'static str>| -> Element<'_, Message> {
                match found {
                    Some(label) => text(format!("→ {label}")).into(),
                    None => widget::error("no match"),
                }
            };
            let mut details = row![
                text_input("From: customer, 311, mayor, council, agency", &self.source_typed)
                    .id(SOURCE)
                    .on_input(Message::Source)
                    .on_submit(Message::Next)
                    .padding(6)
                    .width(300),
                said(source.map(Source::label)),
            ]
            .spacing(8)
            .align_y(Center);
            if source == Some(Source::Council) {
                details = details.push(
                    text_input("District (1–9)", &self.district)
                        .id(DISTRICT)
                        .on_input(Message::District)
                        .on_submit(Message::Next)
                        .padding(6)
                        .width(120),
                );
            }
            form = form.push(details);
            form = form.push(
                row![
                    text_input("Their reference (311 ticket, council no.)", &self.reference)
                        .id(REFERENCE)
                        .on_input(Message::Reference)
                        .on_submit(Message::Next)
                        .padding(6)
                        .width(300),
                    text_input("Priority: normal", &self.priority_typed)
                        .id(PRIORITY)
                        .on_input(Message::Priority)
                        .on_submit(Message::Send)
                        .padding(6)
                        .width(160),
                    said(matching_priority(&self.priority_typed).map(Priority::label)),
                ]
                .spacing(8)
                .align_y(Center),
            );
            form = form.push(
                text("The due date follows from where it came from and its priority, in business days.")
                    .size(12)
                    .style(theme::muted),
            );
        }
        let send = if self.complaint { "Log and open complaint" } else { "Log contact" };
        form = form.push(form::buttons(send, self.sending, Message::Send, Message::Cancel));
        form::panel(form, self.error.as_deref())
    }
}
