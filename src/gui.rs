//! The desk window (iced): what representatives and supervisors use all day.
//!
//! `app` routes between screens and owns the session; each screen in
//! `screen/` keeps its own state and messages. All database work goes
//! through `backend`, on threads of its own; the UI thread only draws.

pub mod alt_keys;
pub mod app;
pub mod backend;
pub mod clock;
pub mod focus;
pub mod keys;
pub mod screen;
pub mod theme;
pub mod widget;

use std::path::PathBuf;

pub use app::{App, Message};

/// The window: it starts at a size that fits a 1366×768 laptop screen with
/// its taskbar, and shrinks no further than stays readable.
const MIN_SIZE: iced::Size = iced::Size::new(1024.0, 600.0);
const START_SIZE: iced::Size = iced::Size::new(1280.0, 720.0);

/// The application as iced runs it; the `.ice` end-to-end scripts run the same.
pub fn application(
    path: PathBuf,
) -> iced::Application<impl iced::Program<State = App, Message = Message, Theme = iced::Theme>> {
    iced::application(move || App::boot(path.clone()), App::update, App::view)
        .title(App::title)
        .theme(App::theme)
        .subscription(App::subscription)
        .window(iced::window::Settings {
            size: START_SIZE,
            min_size: Some(MIN_SIZE),
            ..iced::window::Settings::default()
        })
        .centered()
}

/// Opens the window on the database at `path` (made as a demo if missing)
/// and returns when it is closed.
pub fn run(path: PathBuf) -> iced::Result {
    application(path).run()
}
