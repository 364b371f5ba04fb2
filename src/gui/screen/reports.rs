//! Supervisor reports (F3, Supervisors and Managers): money actions by
//! representative and reason with the requests raised above limits and
//! their turnaround (Alt+1), complaints by source, status and overdue
//! (Alt+2), case work per person (Alt+3); over a period, saved as CSV
//! (Alt+V) or PDF (Alt+P).

use std::path::{Path, PathBuf};

use chrono::{Datelike, Utc};
use iced::widget::{Id, button, column, operation, row, text, text_input};
use iced::{Element, Font, Task};

use crate::desk::{Actor, ComplaintsReport, DeskError, MoneyActionsReport, ProductivityReport};
use crate::documents::reports as csv;
use crate::gui::app::Shortcut;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice, money};

pub const FROM: Id = Id::new("reports-from");
pub const TO: Id = Id::new("reports-to");
pub const CSV_PATH: Id = Id::new("reports-csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    MoneyActions,
    Complaints,
    Productivity,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::MoneyActions, Kind::Complaints, Kind::Productivity];

    fn label(self) -> &'static str {
        match self {
            Kind::MoneyActions => "Credits and adjustments  Alt+1",
            Kind::Complaints => "Complaints  Alt+2",
            Kind::Productivity => "Productivity  Alt+3",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Kind::MoneyActions => "adjustments",
            Kind::Complaints => "complaints",
            Kind::Productivity => "productivity",
        }
    }
}

/// A report as run.
#[derive(Debug, Clone)]
pub enum Ran {
    MoneyActions(MoneyActionsReport),
    Complaints(ComplaintsReport),
    Productivity(ProductivityReport),
}

pub struct Reports {
    kind: Kind,
    from: String,
    to: String,
    save: SaveTo,
    ran: Option<Ran>,
    notice: Option<Notice>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Show(Kind),
    From(String),
    To(String),
    CsvPath(String),
    Run,
    Ran(Result<Box<Ran>, DeskError>),
    SaveCsv,
    SavePdf,
    Saved(Result<Notice, DeskError>),
}

fn file_name(kind: Kind, from: &str, to: &str) -> String {
    format!("{}-{from}-to-{to}.csv", kind.file())
}

use crate::documents::file::{Existing, write_bytes_as, write_whole_as};
use crate::gui::files::SaveTo;

/// Where the money actions' requests go: "...-requests.csv" beside the lines.
fn requests_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{stem}-requests.csv"))
}

/// Writes the report's table(s); the money actions' requests go beside
/// the lines, in a file named "...-requests.csv".
fn save(ran: &Ran, path: &Path, existing: Existing) -> Result<Notice, DeskError> {
    if path.as_os_str().is_empty() {
        return Err(DeskError::Invalid("say where to save the CSV".into()));
    }
    let said = match ran {
        Ran::MoneyActions(report) => {
            write_whole_as(path, existing, |file| csv::write_money_actions_csv(report, file))?;
            write_whole_as(&requests_path(path), existing, |file| csv::write_requests_csv(report, file))?;
            format!("Saved {} lines and {} request rows as CSV.", report.lines.len(), report.requests.len())
        }
        Ran::Complaints(report) => {
            write_whole_as(path, existing, |file| csv::write_complaints_csv(report, file))?;
            format!("Saved {} rows as CSV.", report.groups.len())
        }
        Ran::Productivity(report) => {
            write_whole_as(path, existing, |file| csv::write_productivity_csv(report, file))?;
            format!("Saved {} people as CSV.", report.lines.len())
        }
    };
    Ok(Notice::new(said, path.display().to_string()))
}

/// The report as PDF, beside where its CSV would go.
fn save_pdf(ran: &Ran, path: &Path, existing: Existing) -> Result<Notice, DeskError> {
    use crate::documents::pdf::Letterhead;
    let path = path.with_extension("pdf");
    let letterhead = Letterhead::standard()?;
    let pdf = match ran {
        Ran::MoneyActions(r) => csv::money_actions_pdf(r, &letterhead)?,
        Ran::Complaints(r) => csv::complaints_pdf(r, &letterhead)?,
        Ran::Productivity(r) => csv::productivity_pdf(r, &letterhead)?,
    };
    write_bytes_as(&path, &pdf, existing)?;
    Ok(Notice::new("Saved the report as PDF.", path.display().to_string()))
}

impl Reports {
    pub fn new() -> (Reports, Task<Message>) {
        let today = crate::gui::clock::today();
        let (from, to) = (today.with_day(1).unwrap_or(today).to_string(), today.to_string());
        let reports = Reports {
            kind: Kind::MoneyActions,
            save: SaveTo::new(&file_name(Kind::MoneyActions, &from, &to)),
            from,
            to,
            ran: None,
            notice: None,
            error: None,
        };
        // The month so far runs at once: a report needs no Enter to show.
        (reports, Task::batch([operation::focus(FROM), Task::done(Message::Run)]))
    }

    pub fn ran(&self) -> Option<&Ran> {
        self.ran.as_ref()
    }

    /// Whether `path` may be written (a file already there is asked about
    /// first), or `None` with the question shown.
    fn may_write(&mut self, paths: &[PathBuf]) -> Option<Existing> {
        match self.save.check_all(paths) {
            Ok(existing) => Some(existing),
            Err(question) => {
                self.error = Some(question);
                None
            }
        }
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> Task<Message> {
        match message {
            Message::Show(kind) => {
                self.kind = kind;
                self.ran = None;
                self.error = None;
                if self.save.typed.contains(&format!("-{}-to-", self.from)) {
                    self.save = SaveTo::new(&file_name(kind, &self.from, &self.to));
                }
                Task::batch([operation::focus(FROM), Task::done(Message::Run)])
            }
            // A changed period is a different report: its generated name
            // follows on the next run, and any question is asked afresh.
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
            Message::CsvPath(typed) => {
                self.save.set(typed);
                Task::none()
            }
            Message::Run => match (widget::typed_day(&self.from, "first"), widget::typed_day(&self.to, "last")) {
                (Ok(from), Ok(to)) => {
                    self.error = None;
                    // A name the desk made follows the period run.
                    if self.save.typed.contains(&format!("{}-", self.kind.file())) && self.save.typed.contains("-to-") {
                        let name = file_name(self.kind, &from.to_string(), &to.to_string());
                        let path = PathBuf::from(self.save.typed.trim()).with_file_name(name);
                        self.save.set(path.display().to_string());
                    }
                    let (backend, actor, kind) = (backend.clone(), actor.clone(), self.kind);
                    Task::perform(
                        async move {
                            backend
                                .run(move |desk| {
                                    let now = Utc::now();
                                    Ok(Box::new(match kind {
                                        Kind::MoneyActions => {
                                            Ran::MoneyActions(desk.money_actions_report(&actor, from, to, now)?)
                                        }
                                        Kind::Complaints => {
                                            Ran::Complaints(desk.complaints_report(&actor, from, to, now)?)
                                        }
                                        Kind::Productivity => {
                                            Ran::Productivity(desk.productivity_report(&actor, from, to, now)?)
                                        }
                                    }))
                                })
                                .await
                        },
                        Message::Ran,
                    )
                }
                (Err(problem), _) | (_, Err(problem)) => {
                    self.error = Some(problem);
                    Task::none()
                }
            },
            Message::Ran(Ok(ran)) => {
                self.ran = Some(*ran);
                self.error = None;
                Task::none()
            }
            Message::Ran(Err(error)) | Message::Saved(Err(error)) => {
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::SaveCsv => {
                let Some(ran) = self.ran.clone() else {
                    self.error = Some("run the report first (Enter in a date)".into());
                    return Task::none();
                };
                let path = PathBuf::from(self.save.typed.trim());
                // The money actions' requests go in a second file beside it.
                let mut paths = vec![path.clone()];
                if matches!(ran, Ran::MoneyActions(_)) {
                    paths.push(requests_path(&path));
                }
                let Some(existing) = self.may_write(&paths) else { return Task::none() };
                Task::perform(async move { save(&ran, &path, existing) }, Message::Saved)
            }
            Message::SavePdf => {
                let Some(ran) = self.ran.clone() else {
                    self.error = Some("run the report first (Enter in a date)".into());
                    return Task::none();
                };
                let path = PathBuf::from(self.save.typed.trim());
                let Some(existing) = self.may_write(&[path.with_extension("pdf")]) else { return Task::none() };
                Task::perform(async move { save_pdf(&ran, &path, existing) }, Message::Saved)
            }
            Message::Saved(Ok(notice)) => {
                self.notice = Some(notice);
                self.error = None;
                Task::none()
            }
        }
    }

    pub fn key(&mut self, backend: &Backend, actor: &Actor, key: Shortcut) -> Task<Message> {
        match key {
            Shortcut::Tab(n @ 1..=3) => self.update(backend, actor, Message::Show(Kind::ALL[usize::from(n) - 1])),
            Shortcut::Mnemonic('v') => self.update(backend, actor, Message::SaveCsv),
            Shortcut::Mnemonic('p') => self.update(backend, actor, Message::SavePdf),
            _ => Task::none(),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let kinds = Kind::ALL.iter().fold(row![].spacing(4), |kinds, kind| {
            kinds.push(
                button(text(kind.label()))
                    .action(Message::Show(*kind))
                    .style(theme::tab(self.kind == *kind))
                    .padding([4, 10]),
            )
        });
        let inputs =
            widget::period("From", (FROM, &self.from, Message::From), (TO, &self.to, Message::To), Message::Run)
                .push(button(text("Run")).action(Message::Run))
                .push(
                    text_input("Save to… (.csv; the PDF beside it)", &self.save.typed)
                        .id(CSV_PATH)
                        .on_input(Message::CsvPath)
                        .padding(6)
                        .width(320),
                )
                .push(button(text("Save CSV  Alt+V")).action(Message::SaveCsv))
                .push(button(text("Save PDF  Alt+P")).style(button::secondary).action(Message::SavePdf))
                .wrap();
        let mut page = column![text("Supervisor reports").size(20), kinds, inputs].spacing(10);
        if let Some(notice) = &self.notice {
            page = page.push(widget::notice(notice));
        }
        if let Some(error) = &self.error {
            page = page.push(widget::error(error));
        }
        let body: Element<'_, Message> = match &self.ran {
            None => text("Running the report…").style(theme::muted).into(),
            Some(Ran::MoneyActions(r)) => money_actions(r),
            Some(Ran::Complaints(r)) => complaints(r),
            Some(Ran::Productivity(r)) => productivity(r),
        };
        page.push(crate::gui::layout::wide_table(body)).into()
    }
}

fn cell<'a>(value: impl ToString, width: f32) -> iced::widget::Text<'a> {
    text(value.to_string()).font(Font::MONOSPACE).width(width)
}

fn money_actions(r: &MoneyActionsReport) -> Element<'_, Message> {
    let (credited, charged) = r.totals();
    let head = row![
        text("Representative").width(180),
        text("Action").width(100),
        text("Reason").width(200),
        text("Postings").width(80),
        text("Credited").width(widget::MONEY_WIDTH),
        text("Charged").width(widget::MONEY_WIDTH),
        text("Approved above limit").width(170),
    ]
    .spacing(8);
    let lines = r.lines.iter().fold(column![head].spacing(2), |list, l| {
        list.push(
            row![
                text(format!("{} ({})", l.full_name, l.username)).width(180),
                text(l.kind.code()).width(100),
                text(l.reason.map_or("", |x| x.label())).width(200),
                cell(l.postings, 80.0),
                money(l.credited),
                money(l.charged),
                cell(l.approved_above_limit, 80.0),
            ]
            .spacing(8),
        )
    });
    let head = row![
        text("Representative").width(180),
        text("Action").width(100),
        text("Raised, approved, pending, rejected, withdrawn").width(320),
        text("Asked").width(widget::MONEY_WIDTH),
        text("Approved").width(widget::MONEY_WIDTH),
        text("Average turnaround").width(170),
    ]
    .spacing(8);
    let requests = r.requests.iter().fold(column![head].spacing(2), |list, q| {
        let turnaround =
            q.average_turnaround_minutes.map_or_else(|| "—".to_string(), |m| format!("{}h {:02}m", m / 60, m % 60));
        list.push(
            row![
                text(format!("{} ({})", q.full_name, q.username)).width(180),
                text(q.action.clone()).width(100),
                cell(
                    format!("{} · {} · {} · {} · {}", q.raised, q.approved, q.pending, q.rejected, q.withdrawn),
                    320.0
                ),
                money(q.asked),
                money(q.approved_amount),
                text(turnaround).width(170),
            ]
            .spacing(8),
        )
    });
    column![
        text(format!("Effective {} to {}: {credited} credited, {charged} charged", r.from, r.to)).style(theme::muted),
        lines,
        text("Requests raised above limits").size(16),
        requests,
    ]
    .spacing(10)
    .into()
}

fn complaints(r: &ComplaintsReport) -> Element<'_, Message> {
    let head = row![
        text("Source").width(260),
        text("Status").width(100),
        text("Complaints").width(100),
        text("Overdue").width(100)
    ]
    .spacing(8);
    let rows = r.groups.iter().fold(column![head].spacing(2), |list, g| {
        list.push(
            row![
                text(g.source.label()).width(260),
                text(g.status.code()).width(100),
                cell(g.count, 100.0),
                cell(g.overdue, 100.0),
            ]
            .spacing(8),
        )
    });
    column![text(format!("Opened {} to {}, as of {}", r.from, r.to, r.as_of)).style(theme::muted), rows]
        .spacing(10)
        .into()
}

fn productivity(r: &ProductivityReport) -> Element<'_, Message> {
    let head = row![
        text("Person").width(240),
        text("Contacts").width(90),
        text("Complaints opened").width(140),
        text("closed").width(80),
        text("Orders drafted").width(120),
        text("reviewed").width(90),
        text("Money actions").width(120),
    ]
    .spacing(8);
    let rows = r.lines.iter().fold(column![head].spacing(2), |list, l| {
        list.push(
            row![
                text(format!("{} ({}, {})", l.full_name, l.username, l.role.title())).width(240),
                cell(l.contacts, 90.0),
                cell(l.complaints_opened, 140.0),
                cell(l.complaints_closed, 80.0),
                cell(l.orders_drafted, 120.0),
                cell(l.orders_reviewed, 90.0),
                cell(l.money_actions, 90.0),
            ]
            .spacing(8),
        )
    });
    column![text(format!("{} to {}", r.from, r.to)).style(theme::muted), rows].spacing(10).into()
}
