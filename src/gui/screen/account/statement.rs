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
use crate::domain::ids::AccountId;
use crate::gui::backend::Backend;
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
    path: String,
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
    Saved(Result<Notice, DeskError>),
    Cancel,
}

pub enum Event {
    Closed(Option<Notice>),
}

/// Where a statement goes unless the person says otherwise.
fn default_path(number: &str, from: &str, to: &str) -> String {
    widget::in_home(&format!("statement-{number}-{from}-to-{to}.pdf"))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), DeskError> {
    crate::documents::file::write_bytes(path, bytes)
}

/// Sends the PDF to the default printer with `lp`, or says why it could not.
fn print(path: &Path) -> Result<String, String> {
    let output = std::process::Command::new("lp")
        .arg(path)
        .output()
        .map_err(|e| format!("no printing system here (lp: {e})"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        Err(format!("lp: {}", String::from_utf8_lossy(&output.stderr).trim()))
    }
}

fn save(statement: &Statement, output: Output, path: &Path) -> Result<Notice, DeskError> {
    let lines = statement.items.len();
    match output {
        Output::Csv => {
            let path = path.with_extension("csv");
            let mut bytes = Vec::new();
            documents::statement::write_csv(statement, &mut bytes)?;
            write(&path, &bytes)?;
            Ok(Notice::new(format!("Statement saved as CSV ({lines} lines)."), path.display().to_string()))
        }
        Output::Pdf | Output::Print => {
            let pdf = documents::statement::write_pdf(statement, &documents::pdf::Letterhead::standard()?)?;
            write(path, &pdf)?;
            let said = match output {
                Output::Print => match print(path) {
                    Ok(job) if job.is_empty() => "Statement sent to the printer and saved as PDF.".to_string(),
                    Ok(job) => format!("Statement sent to the printer ({job}) and saved as PDF."),
                    Err(why) => format!("Not printed — {why}. The statement is saved as PDF."),
                },
                _ => format!("Statement saved as PDF ({lines} lines)."),
            };
            Ok(Notice::new(said, path.display().to_string()))
        }
    }
}

impl StatementForm {
    pub fn new(account: AccountId, number: String) -> (StatementForm, Task<Message>) {
        let zone: chrono_tz::Tz = crate::desk::DEFAULT_TIME_ZONE.parse().unwrap_or(chrono_tz::UTC);
        let (from, to) = twelve_months_to(Utc::now().with_timezone(&zone).date_naive());
        let (from, to) = (from.to_string(), to.to_string());
        let form = StatementForm {
            account,
            path: default_path(&number, &from, &to),
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
            Message::From(typed) => {
                self.from = typed;
                Task::none()
            }
            Message::To(typed) => {
                self.to = typed;
                Task::none()
            }
            Message::Path(typed) => {
                self.path = typed;
                Task::none()
            }
            Message::Next => crate::gui::focus::next_field(),
            Message::Save(_) if self.busy => Task::none(),
            Message::Save(output) => {
                match (widget::typed_day(&self.from, "first"), widget::typed_day(&self.to, "last")) {
                    (Ok(from), Ok(to)) => {
                        if self.path.contains("statement-") {
                            self.path = default_path(&self.number, &from.to_string(), &to.to_string());
                        }
                        let path = PathBuf::from(self.path.trim());
                        if path.as_os_str().is_empty() {
                            self.error = Some("say where to save the statement".into());
                            return (Task::none(), None);
                        }
                        self.busy = true;
                        self.error = None;
                        let (backend, actor, account) = (backend.clone(), actor.clone(), self.account);
                        Task::perform(
                            async move {
                                backend
                                    .run(move |desk| {
                                        let statement = desk.statement(&actor, account, from, to, Utc::now())?;
                                        save(&statement, output, &path)
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
                text_input("Save to…", &self.path).id(PATH).on_input(Message::Path).padding(6),
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
