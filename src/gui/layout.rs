//! Every size: the window lays itself out for the room it has. At 100 %
//! text on a 1,024×768 screen and up, lists sit beside what is opened from
//! them and each pane scrolls on its own. With less room (a small screen,
//! or text at 150 % or 200 %, which the app applies as a scale factor, so
//! that 1,024×768 at 200 % leaves 512×384 to lay out) the window is
//! *compact*: one column that scrolls as a whole, the top bar and the
//! account's header reflowed onto more lines, a list above what is opened
//! from it, as a web page reflows when zoomed (WCAG 2.1's reflow).
//!
//! A window can be short without being narrow (1,366×768 at 150 % leaves
//! 911×512): then things stay side by side and the page scrolls.
//!
//! Which it is is decided where the room is known, at layout: [`fitted`]
//! measures, records it for the views it then builds, and [`compact`] is
//! how they ask.

use std::cell::Cell;

use iced::widget::{column, container, responsive, row, rule, scrollable, space};
use iced::{Element, Fill, Length, Size};

thread_local! {
    /// The window lays out on one thread; set by [`fitted`] before the
    /// views under it are built.
    static FIT: Cell<Fit> = const { Cell::new(Fit { narrow: false, short: false }) };
}

/// Below this many logical pixels wide, the window is narrow; below this
/// many high, short. Either makes it compact.
pub const COMPACT_BELOW: Size = Size::new(860.0, 600.0);

/// How the window's room compares with what the wide layout needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// Too narrow for things side by side: they go one under another.
    pub narrow: bool,
    /// Too short for panes that scroll each on its own: the page scrolls.
    pub short: bool,
}

impl Fit {
    /// For a window of `size` (logical pixels).
    pub fn of(size: Size) -> Fit {
        Fit { narrow: size.width < COMPACT_BELOW.width, short: size.height < COMPACT_BELOW.height }
    }

    pub fn compact(self) -> bool {
        self.narrow || self.short
    }
}

/// Whether the views being built are for a compact window: one that
/// scrolls as a whole.
pub fn compact() -> bool {
    FIT.with(Cell::get).compact()
}

/// Whether the views being built are for a narrow window: one column.
pub fn narrow() -> bool {
    FIT.with(Cell::get).narrow
}

/// `view`, built for the room it is given (see the module).
pub fn fitted<'a, M: 'a>(view: impl Fn() -> Element<'a, M> + 'a) -> Element<'a, M> {
    responsive(move |size| {
        FIT.with(|fit| fit.set(Fit::of(size)));
        view()
    })
    .into()
}

/// A line of a table: what it is, then its figures. Beside each other on a
/// wide window; on a narrow one the figures go on a line of their own,
/// right-aligned, so what it is keeps the width (beside four figures it
/// went a word a line).
pub fn table_line<'a, M: 'a>(said: impl Into<Element<'a, M>>, figures: impl Into<Element<'a, M>>) -> Element<'a, M> {
    if narrow() {
        column![said.into(), row![space::horizontal(), figures.into()]].spacing(2).into()
    } else {
        row![said.into(), figures.into()].spacing(12).into()
    }
}

/// A table wider than the window may be (a report's columns): it scrolls
/// sideways rather than squeeze a column to nothing, as WCAG's reflow
/// allows for data tables, whose columns carry their meaning. On a wide
/// window it scrolls down as well.
pub fn wide_table<'a, M: 'a>(content: impl Into<Element<'a, M>>) -> Element<'a, M> {
    let bar = scrollable::Scrollbar::default();
    if compact() {
        scrollable(content).direction(scrollable::Direction::Horizontal(bar)).spacing(6).into()
    } else {
        scrollable(content)
            .direction(scrollable::Direction::Both { vertical: bar, horizontal: bar })
            .spacing(6)
            .height(Fill)
            .into()
    }
}

/// A pane's height: `Fill` on a wide window, where it scrolls on its own;
/// its content's on a compact one, where the whole page scrolls.
pub fn pane_height() -> Length {
    if compact() { Length::Shrink } else { Fill }
}

/// A list beside what is opened from it (the list `list_width` wide), or,
/// compact, the list above it: the list keeps its place in the reading
/// order either way, so the row just opened stays where the focus is.
pub fn split<'a, M: 'a>(
    list: impl Into<Element<'a, M>>,
    list_width: impl Into<Length>,
    detail: impl Into<Element<'a, M>>,
) -> Element<'a, M> {
    if narrow() {
        column![list.into(), rule::horizontal(1), detail.into()].spacing(12).into()
    } else if compact() {
        // Side by side, each as tall as it is: the page scrolls.
        row![container(list).width(list_width), rule::vertical(1), container(detail).width(Fill)].spacing(12).into()
    } else {
        row![
            column![scrollable(list).spacing(6).height(Fill)].width(list_width),
            rule::vertical(1),
            scrollable(detail).spacing(6).width(Fill).height(Fill)
        ]
        .spacing(12)
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_at_150_or_200_percent_on_a_small_screen_is_compact_and_100_percent_is_not() {
        let at = |w: f32, h: f32, scale: f32| Fit::of(Size::new(w / scale, h / scale));
        assert!(!at(1024.0, 768.0, 1.0).compact(), "1,024×768 at 100 % keeps panes side by side");
        assert!(!at(1366.0, 768.0, 1.0).compact());
        assert_eq!(at(1024.0, 768.0, 1.5), Fit { narrow: true, short: true });
        assert_eq!(at(1024.0, 768.0, 2.0), Fit { narrow: true, short: true });
        // 911×512: wide enough to keep things side by side, too short for
        // panes that scroll each on its own.
        assert_eq!(at(1366.0, 768.0, 1.5), Fit { narrow: false, short: true });
        assert_eq!(at(1366.0, 768.0, 2.0), Fit { narrow: true, short: true });
        assert!(!at(1920.0, 1080.0, 1.5).compact(), "a large screen at 150 % has room enough");
    }
}
