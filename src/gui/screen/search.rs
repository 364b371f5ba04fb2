//! Find an account: results update as the person types, searched off the UI
//! thread; an older answer never replaces a newer one. ↑ ↓ move, Enter opens.

use iced::widget::{Id, button, column, operation, row, scrollable, text, text_input};
use iced::{Center, Element, Fill, Font, Task};

use super::super::app::Shortcut;
use crate::domain::ids::AccountId;
use crate::gui::backend::{Backend, SearchError};
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget;
use crate::records::SearchHit;

pub const INPUT: Id = Id::new("search-input");
pub const RESULTS: Id = Id::new("search-results");
/// A result row's height, for keeping the selection in view.
const ROW_HEIGHT: f32 = 44.0;

#[derive(Debug, Clone, Default)]
pub struct Search {
    query: String,
    /// Increases with every change of the query.
    generation: u64,
    /// The generation the results answer.
    shown: u64,
    results: Vec<SearchHit>,
    selected: usize,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Query(String),
    Found {
        generation: u64,
        result: Result<Vec<SearchHit>, SearchError>,
    },
    Open(AccountId),
    /// Enter in the search box.
    Submit,
    /// Service for a new customer: no account fits the caller.
    StartService,
}

pub enum Event {
    Open(AccountId),
    StartService,
}

/// The button that starts service for a new customer (Alt+N).
pub const START_SERVICE: Id = Id::new("search-start-service");

/// Focus the search box with its text selected, ready to type over.
pub fn focus<T: Send + 'static>() -> Task<T> {
    Task::batch([operation::focus(INPUT), operation::select_all(INPUT)])
}

impl Search {
    pub fn results(&self) -> &[SearchHit] {
        &self.results
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn update(&mut self, backend: &Backend, message: Message) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Query(query) => {
                self.query = query;
                self.generation += 1;
                if self.query.trim().is_empty() {
                    self.results.clear();
                    self.shown = self.generation;
                    self.error = None;
                    return (Task::none(), None);
                }
                let (backend, generation, text) = (backend.clone(), self.generation, self.query.clone());
                let task = Task::perform(async move { backend.search(generation, text).await }, move |result| {
                    Message::Found { generation, result }
                });
                (task, None)
            }
            Message::Found { generation, result } => {
                // Only an answer newer than what is shown replaces it.
                if generation > self.shown {
                    match result {
                        Ok(results) => {
                            self.results = results;
                            self.shown = generation;
                            self.selected = 0;
                            self.error = None;
                        }
                        Err(SearchError::Superseded) => {}
                        Err(SearchError::Failed(e)) => self.error = Some(e.to_string()),
                    }
                }
                (Task::none(), None)
            }
            Message::Open(id) => (Task::none(), Some(Event::Open(id))),
            Message::Submit => (Task::none(), self.results.get(self.selected).map(|hit| Event::Open(hit.account_id))),
            Message::StartService => (Task::none(), Some(Event::StartService)),
        }
    }

    /// Keys while the search page shows.
    pub fn key(&mut self, _backend: &Backend, key: Shortcut) -> Task<Message> {
        let last = self.results.len().saturating_sub(1);
        match key {
            Shortcut::Up => self.selected = self.selected.saturating_sub(1),
            Shortcut::Down => self.selected = (self.selected + 1).min(last),
            Shortcut::Enter => {
                return match self.results.get(self.selected) {
                    Some(hit) => Task::done(Message::Open(hit.account_id)),
                    None => Task::none(),
                };
            }
            Shortcut::Mnemonic('n') => return Task::done(Message::StartService),
            Shortcut::Escape => {
                self.query.clear();
                self.results.clear();
                self.generation += 1;
                self.shown = self.generation;
                return focus();
            }
            _ => return Task::none(),
        }
        operation::scroll_to(
            RESULTS,
            scrollable::AbsoluteOffset { x: None, y: Some((self.selected as f32 - 3.0).max(0.0) * ROW_HEIGHT) },
        )
    }

    pub fn view(&self) -> Element<'_, Message> {
        let input = text_input("Search by name, address, account, phone or meter number", &self.query)
            .id(INPUT)
            .on_input(Message::Query)
            .on_submit(Message::Submit)
            .padding(10)
            .size(18);
        let status: Element<'_, Message> = match &self.error {
            Some(error) => widget::error(error),
            None if self.query.trim().is_empty() => {
                text("Type to search; ↑ ↓ to choose, Enter to open.").style(theme::muted).into()
            }
            None if self.shown < self.generation && self.results.is_empty() => {
                text("Searching…").style(theme::muted).into()
            }
            None if self.results.is_empty() => {
                text("No account matches. A new customer? Start service: Alt+N.").style(theme::muted).into()
            }
            None => text(match self.results.len() {
                1 => "1 account".to_string(),
                n if n >= crate::records::MAX_SEARCH_RESULTS => format!("First {n} accounts: type more to narrow"),
                n => format!("{n} accounts"),
            })
            .style(theme::muted)
            .into(),
        };
        let rows = self
            .results
            .iter()
            .enumerate()
            .fold(column![].spacing(1), |list, (index, hit)| list.push(result_row(hit, index == self.selected)));
        let start = button(text("Start service for a new customer  Alt+N"))
            .style(button::secondary)
            .action(Message::StartService)
            .id(START_SERVICE);
        column![input, status, scrollable(rows).id(RESULTS).spacing(6).height(Fill), start].spacing(8).into()
    }
}

fn result_row(hit: &SearchHit, selected: bool) -> Element<'_, Message> {
    let line = row![
        text(hit.number.to_string()).font(Font::MONOSPACE).width(110),
        column![text(hit.name.clone()), text(hit.service_address.clone()).size(13).style(theme::muted)].width(Fill),
        // The number to call back on, as the command line's search shows it.
        text(hit.phone.clone().unwrap_or_default()).font(Font::MONOSPACE).size(13).width(120),
        text(hit.status.to_string()).size(13).style(theme::muted).width(60),
        widget::balance(hit.balance),
    ]
    .spacing(12)
    .align_y(Center);
    button(line)
        .action(Message::Open(hit.account_id))
        .width(Fill)
        .height(ROW_HEIGHT)
        .padding([4, 8])
        .style(theme::row_button(selected))
        .into()
}
