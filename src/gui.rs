//! The desk window (iced): what representatives and supervisors use all day.
//!
//! `app` routes between screens and owns the session; each screen in
//! `screen/` keeps its own state and messages. All database work goes
//! through `backend`, on threads of its own; the UI thread only draws.

pub mod alt_keys;
pub mod app;
pub mod backend;
pub mod clock;
pub mod files;
pub mod focus;
pub mod keys;
pub mod layout;
pub mod screen;
pub mod theme;
pub mod widget;

use std::path::PathBuf;

pub use app::{App, Message};

/// The window: it opens at [`START_SIZE`], then [`fit`]s the screen it is
/// on once that is known, and shrinks no further than stays readable.
const MIN_SIZE: iced::Size = iced::Size::new(1024.0, 600.0);
const START_SIZE: iced::Size = iced::Size::new(1280.0, 720.0);
/// On a large screen the window takes this share of it, up to [`LARGEST`].
const SHARE_OF_SCREEN: f32 = 0.85;
const LARGEST: iced::Size = iced::Size::new(1600.0, 1000.0);

/// How the window sits on a screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    /// A screen no larger than a laptop's (1366×768, 1024×768): the whole of it.
    Maximized,
    /// A larger screen: this size, centred.
    Window { size: iced::Size, at: iced::Point },
}

/// How the window fits a screen of `screen` (logical pixels): maximized on
/// a laptop's screen (a 1280×720 window centred on a 1024×768 screen
/// started off its left edge), else most of the screen, centred.
pub fn fit(screen: iced::Size) -> Fit {
    if screen.width < START_SIZE.width + 200.0 || screen.height < START_SIZE.height + 120.0 {
        return Fit::Maximized;
    }
    let size = iced::Size::new(
        (screen.width * SHARE_OF_SCREEN).min(LARGEST.width).round(),
        (screen.height * SHARE_OF_SCREEN).min(LARGEST.height).round(),
    );
    let at =
        iced::Point::new(((screen.width - size.width) / 2.0).round(), ((screen.height - size.height) / 2.0).round());
    Fit::Window { size, at }
}

/// The task that fits the window to its screen once the screen is known.
pub fn fit_to_screen<M: Send + 'static>() -> iced::Task<M> {
    use iced::window;
    window::latest().and_then(|id| {
        window::monitor_size(id).then(move |screen| match screen.map(fit) {
            Some(Fit::Maximized) => window::maximize(id, true),
            Some(Fit::Window { size, at }) => window::resize(id, size).chain(window::move_to(id, at)),
            None => iced::Task::none(),
        })
    })
}

/// The application as iced runs it; the `.ice` end-to-end scripts run the same.
pub fn application(
    path: PathBuf,
) -> iced::Application<impl iced::Program<State = App, Message = Message, Theme = iced::Theme>> {
    iced::application(move || App::boot(path.clone()), App::update, App::view)
        .title(App::title)
        .theme(App::theme)
        .scale_factor(App::scale_factor)
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

#[cfg(test)]
mod tests {
    use iced::{Point, Size};

    use super::*;

    #[test]
    fn the_window_fills_a_laptop_screen_and_most_of_a_large_one_centred() {
        assert_eq!(fit(Size::new(1024.0, 768.0)), Fit::Maximized);
        assert_eq!(fit(Size::new(1366.0, 768.0)), Fit::Maximized);
        assert_eq!(fit(Size::new(1440.0, 900.0)), Fit::Maximized);
        assert_eq!(
            fit(Size::new(1600.0, 1000.0)),
            Fit::Window { size: Size::new(1360.0, 850.0), at: Point::new(120.0, 75.0) }
        );
        assert_eq!(
            fit(Size::new(1920.0, 1080.0)),
            Fit::Window { size: Size::new(1600.0, 918.0), at: Point::new(160.0, 81.0) }
        );
        // Scaled ×2, a 4K screen is 1920×1080 logical pixels: the same.
        assert_eq!(fit(Size::new(3840.0, 2160.0) * 0.5), fit(Size::new(1920.0, 1080.0)));
        // Never off the screen's edge.
        for (w, h) in [(1480.0, 840.0), (2560.0, 1440.0), (5120.0, 2880.0)] {
            let Fit::Window { size, at } = fit(Size::new(w, h)) else { panic!("a large screen") };
            assert!(at.x >= 0.0 && at.y >= 0.0 && at.x + size.width <= w && at.y + size.height <= h);
        }
    }
}
