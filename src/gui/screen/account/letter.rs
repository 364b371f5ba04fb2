//! A letter from the account (Alt+K): choose the template, say what it is
//! about (filled in from the case open on the Cases tab or the bill chosen
//! on the Bills tab), merge it, read and edit the subject and text, then
//! send it: it is kept on the account exactly as sent, and saved as PDF
//! where asked.

use chrono::Utc;
use iced::widget::{Id, button, column, row, text, text_editor, text_input};
use iced::{Center, Element, Task};

use super::form;
use crate::desk::{Actor, DeskError, LetterAbout, LetterDraft};
use crate::domain::ids::{AccountId, BillId, PostingId};
use crate::gui::backend::Backend;
use crate::gui::files::SaveTo;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::Notice;

pub const ABOUT: Id = Id::new("letter-about");
pub const SUBJECT: Id = Id::new("letter-subject");
pub const PDF_PATH: Id = Id::new("letter-pdf");

/// The templates, with what each is about.
const TEMPLATES: [(&str, &str, About); 7] = [
    ("complaint-response", "Complaint response", About::Complaint),
    ("dispute-granted", "Dispute granted", About::Dispute),
    ("dispute-denied", "Dispute denied", About::Dispute),
    ("credit-confirmation", "Credit confirmation", About::Posting),
    ("adjustment-confirmation", "Adjustment confirmation", About::Posting),
    ("high-bill-explanation", "High-bill explanation", About::Bill),
    ("order-confirmation", "Service-order confirmation", About::Order),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum About {
    Complaint,
    Dispute,
    Order,
    Posting,
    Bill,
}

impl About {
    fn label(self) -> &'static str {
        match self {
            About::Complaint => "Complaint #",
            About::Dispute => "Dispute #",
            About::Order => "Service order #",
            About::Posting => "Posting",
            About::Bill => "Bill",
        }
    }

    fn of(self, id: i64) -> LetterAbout {
        match self {
            About::Complaint => LetterAbout::Complaint(id),
            About::Dispute => LetterAbout::Dispute(id),
            About::Order => LetterAbout::Order(id),
            About::Posting => LetterAbout::Posting(PostingId(id)),
            About::Bill => LetterAbout::Bill(BillId(id)),
        }
    }
}

/// What is open on the account, to fill in what a letter is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    pub complaint: Option<i64>,
    pub dispute: Option<i64>,
    pub order: Option<i64>,
    pub bill: Option<BillId>,
}

pub struct LetterForm {
    account: AccountId,
    context: Context,
    template: Option<usize>,
    about: String,
    draft: Option<LetterDraft>,
    subject: String,
    body: text_editor::Content,
    pdf: SaveTo,
    /// The account's number, for the file's name.
    number: String,
    error: Option<String>,
    busy: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Template(usize),
    About(String),
    Merge,
    Merged(Result<LetterDraft, DeskError>),
    Subject(String),
    Edit(text_editor::Action),
    PdfPath(String),
    Send,
    Sent(Result<Notice, DeskError>),
    Cancel,
}

pub enum Event {
    Closed(Option<Notice>),
}

impl LetterForm {
    pub fn new(account: AccountId, number: String, context: Context) -> LetterForm {
        LetterForm {
            account,
            context,
            template: None,
            about: String::new(),
            draft: None,
            subject: String::new(),
            body: text_editor::Content::new(),
            pdf: SaveTo::default(),
            number,
            error: None,
            busy: false,
        }
    }

    fn about(&self) -> Result<Option<LetterAbout>, String> {
        let Some((_, _, kind)) = self.template.map(|i| TEMPLATES[i]) else { return Ok(None) };
        let typed = self.about.trim().trim_start_matches('#');
        if typed.is_empty() {
            return Err(format!("say which: {}", kind.label().trim_end_matches(" #").to_lowercase()));
        }
        let id = typed.parse::<i64>().map_err(|_| format!("\"{typed}\" is not a number"))?;
        Ok(Some(kind.of(id)))
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Template(i) => {
                self.template = Some(i);
                self.draft = None;
                self.error = None;
                let c = self.context;
                let known = match TEMPLATES[i].2 {
                    About::Complaint => c.complaint,
                    About::Dispute => c.dispute,
                    About::Order => c.order,
                    About::Bill => c.bill.map(|b| b.0),
                    About::Posting => None,
                };
                self.about = known.map(|id| id.to_string()).unwrap_or_default();
                iced::widget::operation::focus(ABOUT)
            }
            Message::About(typed) => {
                self.about = typed;
                Task::none()
            }
            Message::Merge => {
                let Some(i) = self.template else {
                    self.error = Some("choose a template first".into());
                    return (Task::none(), None);
                };
                match self.about() {
                    Err(problem) => {
                        self.error = Some(problem);
                        Task::none()
                    }
                    Ok(about) => {
                        let (backend, actor, account) = (backend.clone(), actor.clone(), self.account);
                        let template = TEMPLATES[i].0;
                        Task::perform(
                            async move {
                                backend
                                    .run(move |desk| desk.draft_letter(&actor, Utc::now(), account, template, about))
                                    .await
                            },
                            Message::Merged,
                        )
                    }
                }
            }
            Message::Merged(Ok(draft)) => {
                self.subject = draft.subject.clone();
                self.body = text_editor::Content::with_text(&draft.body);
                if self.pdf.typed.is_empty() {
                    // The template, the account and the day: one customer's
                    // letter never lands on another's.
                    let today = crate::gui::clock::today();
                    self.pdf = SaveTo::new(&format!("letter-{}-{}-{today}.pdf", draft.template, self.number));
                }
                self.draft = Some(draft);
                self.error = None;
                iced::widget::operation::focus(SUBJECT)
            }
            Message::Merged(Err(error)) | Message::Sent(Err(error)) => {
                self.busy = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Subject(typed) => {
                self.subject = typed;
                Task::none()
            }
            Message::Edit(action) => {
                self.body.perform(action);
                Task::none()
            }
            Message::PdfPath(typed) => {
                self.pdf.set(typed);
                Task::none()
            }
            Message::Send if self.busy => Task::none(),
            Message::Send => {
                let Some(draft) = &self.draft else {
                    self.error = Some("merge the letter first".into());
                    return (Task::none(), None);
                };
                let letter = LetterDraft { subject: self.subject.clone(), body: self.body.text(), ..draft.clone() };
                // Blank: kept on the account only. A file already there is
                // asked about before anything is sent.
                let pdf = match self.pdf.path() {
                    Err(_) => None,
                    Ok(path) => match self.pdf.check(&path) {
                        Ok(existing) => Some((path, existing)),
                        Err(question) => {
                            self.error = Some(question);
                            return (Task::none(), None);
                        }
                    },
                };
                self.busy = true;
                let (backend, actor) = (backend.clone(), actor.clone());
                Task::perform(
                    async move {
                        backend
                            .run(move |desk| {
                                let id = desk.send_letter(&actor, Utc::now(), &letter)?;
                                let Some((path, existing)) = pdf else {
                                    return Ok(Notice::new(
                                        "Letter sent and kept on the account.",
                                        format!("letter #{id}"),
                                    ));
                                };
                                let (kept, account) = desk.kept_letter(id)?;
                                let bytes = crate::documents::letter::pdf(&kept, &account)?;
                                crate::documents::file::write_bytes_as(&path, &bytes, existing).map_err(|e| {
                                    DeskError::Invalid(format!("letter #{id} is kept on the account, but {e}"))
                                })?;
                                Ok(Notice::new(
                                    format!("Letter #{id} sent and kept on the account; saved as PDF."),
                                    path.display().to_string(),
                                ))
                            })
                            .await
                    },
                    Message::Sent,
                )
            }
            Message::Sent(Ok(notice)) => return (Task::none(), Some(Event::Closed(Some(notice)))),
            Message::Cancel => return (Task::none(), Some(Event::Closed(None))),
        };
        (task, None)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let templates = TEMPLATES.iter().enumerate().fold(row![].spacing(4), |list, (i, (_, label, _))| {
            list.push(
                button(text(*label).size(13))
                    .action(Message::Template(i))
                    .style(theme::tab(self.template == Some(i)))
                    .padding([3, 8]),
            )
        });
        let mut page = column![text("Letter to the customer").size(18), templates.wrap()];
        if let Some((_, _, kind)) = self.template.map(|i| TEMPLATES[i]) {
            page = page.push(
                row![
                    text(kind.label()),
                    text_input("number", &self.about)
                        .id(ABOUT)
                        .on_input(Message::About)
                        .on_submit(Message::Merge)
                        .padding(6)
                        .width(140),
                    button(text("Merge")).action(Message::Merge),
                ]
                .spacing(8)
                .align_y(Center),
            );
        }
        let send = row![
            button(text("Send and keep")).action_maybe((self.draft.is_some() && !self.busy).then_some(Message::Send)),
            button(text("Cancel  Esc")).style(button::secondary).action(Message::Cancel),
        ]
        .spacing(8);
        if self.draft.is_none() {
            return form::panel(page.push(send), self.error.as_deref());
        }
        // Send sits above the text, so it is in view however long the letter runs.
        page = page
            .push(text_input("Subject", &self.subject).id(SUBJECT).on_input(Message::Subject).padding(6))
            .push(
                row![
                    text("Save as PDF to"),
                    text_input("blank: keep it on the account only", &self.pdf.typed)
                        .id(PDF_PATH)
                        .on_input(Message::PdfPath)
                        .padding(6),
                    send,
                ]
                .spacing(8)
                .align_y(Center),
            )
            .push(
                text("What is sent is kept on the account exactly as it reads here; it is never changed.")
                    .size(13)
                    .style(theme::muted),
            )
            .push(text_editor(&self.body).on_action(Message::Edit).height(300).padding(8));
        form::panel(page, self.error.as_deref())
    }
}
