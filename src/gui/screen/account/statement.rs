//! The itemized statement from the account (Alt+S): a period (the last
//! twelve months unless changed), where to save it, and Save PDF, Save CSV
//! or Print (through `lp` where a printer is configured; otherwise the PDF
//! is saved and the notice says so).

use std::path::{Path, PathBuf};

use chrono::Utc;
use iced::widget::{Id, button, column, operation, row, text, text_input};
use iced::{Element, Task};

use super::form;
use crate::desk::{Actor, DeskError, Statement, twelve_months_to};
use crate::documents;
use crate::documents::file::{Existing, write_bytes_as};
use crate::domain::ids::AccountId;
use crate::gui::backend::Backend;
use crate::gui::files::{self, SaveTo};
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};

pub const FROM: Id = Id::new("statement-from");
pub const TO: Id = Id::new("statement-to");
pub const PATH: Id = Id::new("statement-path");

/// What to do with the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Pdf,
    Csv,
    Print,
}

pub struct StatementForm {
    account: AccountId,
    number: String,
    from: String,
    to: String,
    save: SaveTo,
    /// The save folder just kept, said under the path.
    kept: Option<String>,
    error: Option<String>,
    busy: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    From(String),
    To(String),
    Path(String),
    Next,
    Save(Output),
    /// The folder typed becomes the person's save folder.
    KeepFolder,
    FolderKept(Result<PathBuf, DeskError>),
    Saved(Result<Notice, DeskError>),
    Cancel,
}

pub enum Event {
    Closed(Option<Notice>),
}

/// A statement's file name: the account and the period it covers.
fn file_name(number: &str, from: &str, to: &str) -> String {
    format!("statement-{number}-{from}-to-{to}.pdf")
}

/// Where `output` of the statement saved as `path` goes (a CSV beside the PDF's name).
fn target(output: Output, path: &Path) -> PathBuf {
    match output {
        Output::Csv => path.with_extension("csv"),
        Output::Pdf | Output::Print => path.to_path_buf(),
    }
}

fn save(statement: &Statement, output: Output, path: &Path, existing: Existing) -> Result<Notice, DeskError> {
    let lines = statement.items.len();
    match output {
        Output::Csv => {
            let path = target(output, path);
            let mut bytes = Vec::new();
            documents::statement::write_csv(statement, &mut bytes)?;
            write_bytes_as(&path, &bytes, existing)?;
            Ok(Notice::new(format!("Statement saved as CSV ({lines} lines)."), path.display().to_string()))
        }
        Output::Pdf | Output::Print => {
            let pdf = documents::statement::write_pdf(statement, &documents::pdf::Letterhead::standard()?)?;
            write_bytes_as(path, &pdf, existing)?;
            let said = match output {
                Output::Print => match files::print(path) {
                    Ok(job) if job.is_empty() => "Statement sent to the printer and saved as PDF.".to_string(),
                    Ok(job) => format!("Statement sent to the printer ({job}) and saved as PDF."),
                    Err(why) => format!("Not printed: {why}. The statement is saved as PDF."),
                },
                _ => format!("Statement saved as PDF ({lines} lines)."),
            };
            Ok(Notice::new(said, path.display().to_string()))
        }
    }
}

impl StatementForm {
    pub fn new(account: AccountId, number: String) -> (StatementForm, Task<Message>) {
        let (from, to) = twelve_months_to(crate::gui::clock::today());
        let (from, to) = (from.to_string(), to.to_string());
        let form = StatementForm {
            account,
            save: SaveTo::new(&file_name(&number, &from, &to)),
            kept: None,
            number,
            from,
            to,
            error: None,
            busy: false,
        };
        (form, operation::focus(FROM))
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            // A changed period is a different statement: asked about afresh.
            Message::From(typed) => {
                self.from = typed;
                self.save.forget_question();
                Task::none()
            }
            Message::To(typed) => {
                self.to = typed;
                self.save.forget_question();
                Task::none()
            }
            Message::Path(typed) => {
                self.save.set(typed);
                Task::none()
            }
            Message::Next => crate::gui::focus::next_field(),
            Message::Save(_) if self.busy => Task::none(),
            Message::Save(output) => {
                match (widget::typed_day(&self.from, "first"), widget::typed_day(&self.to, "last")) {
                    (Ok(from), Ok(to)) => {
                        if self.save.typed.contains("statement-") && !self.save.asking() {
                            let name = file_name(&self.number, &from.to_string(), &to.to_string());
                            let path = PathBuf::from(self.save.typed.trim()).with_file_name(name);
                            self.save.set(path.display().to_string());
                        }
                        let path = match self.save.path() {
                            Ok(path) => path,
                            Err(problem) => {
                                self.error = Some(problem);
                                return (Task::none(), None);
                            }
                        };
                        let existing = match self.save.check(&target(output, &path)) {
                            Ok(existing) => existing,
                            Err(question) => {
                                self.error = Some(question);
                                return (Task::none(), None);
                            }
                        };
                        self.busy = true;
                        self.error = None;
                        let (backend, actor, account) = (backend.clone(), actor.clone(), self.account);
                        Task::perform(
                            async move {
                                backend
                                    .run(move |desk| {
                                        let statement = desk.statement(&actor, account, from, to, Utc::now())?;
                                        save(&statement, output, &path, existing)
                                    })
                                    .await
                            },
                            Message::Saved,
                        )
                    }
                    (Err(problem), _) | (_, Err(problem)) => {
                        self.error = Some(problem);
                        Task::none()
                    }
                }
            }
            Message::KeepFolder => files::keep_folder(backend, actor, &self.save.typed).map(Message::FolderKept),
            Message::FolderKept(Ok(folder)) => {
                self.error = None;
                self.kept = Some(folder.display().to_string());
                Task::none()
            }
            Message::FolderKept(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Saved(Ok(notice)) => return (Task::none(), Some(Event::Closed(Some(notice)))),
            Message::Saved(Err(error)) => {
                self.busy = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Cancel => return (Task::none(), Some(Event::Closed(None))),
        };
        (task, None)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let idle = !self.busy;
        form::panel(
            column![
                text(format!("Itemized statement for {}", self.number)).size(18),
                widget::period("From", (FROM, &self.from, Message::From), (TO, &self.to, Message::To), Message::Next),
                row![
                    text("Save to"),
                    text_input("a file in your save folder", &self.save.typed)
                        .id(PATH)
                        .on_input(Message::Path)
                        .padding(6),
                    button(text("Save here from now on")).style(button::text).action(Message::KeepFolder),
                ]
                .spacing(8)
                .align_y(iced::Center),
                text(match &self.kept {
                    Some(folder) => format!("Your files are saved in {folder} from now on."),
                    None => format!("Your save folder: {}", files::folder().display()),
                })
                .size(13)
                .style(theme::muted),
                text(
                    "Checked against the ledger before it is written: a statement that does not reconcile \
                     is refused."
                )
                .size(13)
                .style(theme::muted),
                row![
                    button(text("Save PDF")).action_maybe(idle.then_some(Message::Save(Output::Pdf))),
                    button(text("Save CSV"))
                        .style(button::secondary)
                        .action_maybe(idle.then_some(Message::Save(Output::Csv))),
                    button(text("Print"))
                        .style(button::secondary)
                        .action_maybe(idle.then_some(Message::Save(Output::Print))),
                    button(text("Cancel  Esc")).style(button::text).action(Message::Cancel),
                ]
                .spacing(8),
            ],
            self.error.as_deref(),
        )
    }
}
