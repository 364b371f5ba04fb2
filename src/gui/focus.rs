//! The keyboard's focus, for everything that can be acted on. iced 0.14's
//! buttons cannot take focus, so a representative without a mouse could not
//! press them: [`Action::action`] makes a button so it joins the Tab order beside the
//! text fields, shows a ring when focused, and is pressed by Enter or Space.
//! [`reveal`] scrolls the focused widget into view after every move, and
//! [`page`] scrolls the pane the person is reading (PgUp, PgDn, Home, End).

use iced::advanced::layout::{self, Layout};
use iced::advanced::widget::operation::{self, Focusable as FocusState, Operation, Outcome, Scrollable};
use iced::advanced::widget::{Id, Tree, Widget, tree};
use iced::advanced::{Clipboard, Shell, mouse, overlay, renderer};
use iced::keyboard::{self, key::Named};
use iced::widget::scrollable::{AbsoluteOffset, RelativeOffset};
use iced::widget::{Button, button};
use iced::{Border, Color, Element, Event, Length, Padding, Rectangle, Renderer, Size, Task, Theme, Vector};

/// A button that the keyboard can reach: Tab moves to it, Enter or Space
/// presses it, a ring shows it has the focus. Made by [`Action::action`] in
/// place of iced's `on_press`, so no button of the window can be left to the
/// mouse (tests/tidy.rs keeps `on_press` out of the screens). A disabled one
/// (no message) is left out of the Tab order.
pub struct Focusable<'a, M> {
    button: Button<'a, M>,
    on_press: Option<M>,
    id: Option<Id>,
}

/// What every button of the window is pressed through.
pub trait Action<'a, M> {
    /// Pressed by a click, or by Enter or Space once it has the focus.
    fn action(self, on_press: M) -> Focusable<'a, M>;
    /// [`Action::action`], or disabled with `None`.
    fn action_maybe(self, on_press: Option<M>) -> Focusable<'a, M>;
}

impl<'a, M: Clone + 'a> Action<'a, M> for Button<'a, M> {
    fn action(self, on_press: M) -> Focusable<'a, M> {
        self.action_maybe(Some(on_press))
    }

    fn action_maybe(self, on_press: Option<M>) -> Focusable<'a, M> {
        Focusable { button: self, on_press, id: None }
    }
}

impl<'a, M: Clone + 'a> Focusable<'a, M> {
    /// An id, so a screen can put the focus here (back on the button that
    /// opened a form once it closes, say).
    pub fn id(mut self, id: impl Into<Id>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn style(mut self, style: impl Fn(&Theme, button::Status) -> button::Style + 'a) -> Self {
        self.button = self.button.style(style);
        self
    }

    pub fn padding(mut self, padding: impl Into<Padding>) -> Self {
        self.button = self.button.padding(padding);
        self
    }

    pub fn width(mut self, width: impl Into<Length>) -> Self {
        self.button = self.button.width(width);
        self
    }

    pub fn height(mut self, height: impl Into<Length>) -> Self {
        self.button = self.button.height(height);
        self
    }
}

impl<'a, M: Clone + 'a> From<Focusable<'a, M>> for Element<'a, M> {
    fn from(focusable: Focusable<'a, M>) -> Self {
        let Focusable { button, on_press, id } = focusable;
        Element::new(Keyed { content: button.on_press_maybe(on_press.clone()).into(), on_press, id })
    }
}

/// The widget a [`Focusable`] becomes: the button, with a focus of its own.
struct Keyed<'a, M> {
    content: Element<'a, M>,
    on_press: Option<M>,
    id: Option<Id>,
}

#[derive(Debug, Default)]
struct State {
    focused: bool,
}

impl FocusState for State {
    fn is_focused(&self) -> bool {
        self.focused
    }

    fn focus(&mut self) {
        self.focused = true;
    }

    fn unfocus(&mut self) {
        self.focused = false;
    }
}

/// The ring drawn around what has the focus: the theme's action colour,
/// two pixels, so it reads in the dark theme as in the light one.
pub const RING_WIDTH: f32 = 2.0;
/// The room between the button's edge and its ring.
pub const RING_GAP: f32 = 1.0;

impl<M: Clone> Widget<M, Theme, Renderer> for Keyed<'_, M> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::default())
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn size_hint(&self) -> Size<Length> {
        self.content.as_widget().size_hint()
    }

    fn layout(&mut self, tree: &mut Tree, renderer: &Renderer, limits: &layout::Limits) -> layout::Node {
        self.content.as_widget_mut().layout(&mut tree.children[0], renderer, limits)
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(&tree.children[0], renderer, theme, style, layout, cursor, viewport);
        if tree.state.downcast_ref::<State>().focused && self.on_press.is_some() {
            use iced::advanced::Renderer as _;
            // Outside the button, a pixel away: a ring inside would vanish on
            // a button filled with the same action colour.
            renderer.fill_quad(
                renderer::Quad {
                    bounds: layout.bounds().expand(RING_GAP + RING_WIDTH),
                    border: Border { color: ring_colour(theme), width: RING_WIDTH, radius: 5.0.into() },
                    ..renderer::Quad::default()
                },
                Color::TRANSPARENT,
            );
        }
    }

    fn operate(&mut self, tree: &mut Tree, layout: Layout<'_>, renderer: &Renderer, operation: &mut dyn Operation) {
        let state = tree.state.downcast_mut::<State>();
        if self.on_press.is_some() {
            operation.focusable(self.id.as_ref(), layout.bounds(), state);
        } else {
            // Disabled while it had the focus (busy, say): it lets go, so
            // Enter meant for another widget never presses it later.
            state.focused = false;
        }
        self.content.as_widget_mut().operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, M>,
        viewport: &Rectangle,
    ) {
        let state = tree.state.downcast_mut::<State>();
        if self.on_press.is_none() {
            state.focused = false;
        }
        if let Event::Mouse(mouse::Event::ButtonPressed(_)) = event {
            // A click moves the focus, as it does for a text field.
            let focused = self.on_press.is_some() && cursor.is_over(layout.bounds());
            if focused != state.focused {
                state.focused = focused;
                shell.request_redraw();
            }
        }
        if let Event::Keyboard(keyboard::Event::KeyPressed { key: keyboard::Key::Named(named), modifiers, .. }) = event
            && matches!(named, Named::Enter | Named::Space)
            && !(modifiers.alt() || modifiers.control() || modifiers.logo())
            && state.focused
            && !shell.is_event_captured()
            && let Some(message) = &self.on_press
        {
            shell.publish(message.clone());
            shell.capture_event();
            return;
        }
        self.content.as_widget_mut().update(
            &mut tree.children[0],
            event,
            layout,
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
        );
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &Renderer,
    ) -> mouse::Interaction {
        self.content.as_widget().mouse_interaction(&tree.children[0], layout, cursor, viewport, renderer)
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, M, Theme, Renderer>> {
        self.content.as_widget_mut().overlay(&mut tree.children[0], layout, renderer, viewport, translation)
    }
}

/// The focus ring's colour: the theme's action colour (3:1 or more on
/// every background, which theme.rs's contrast test checks).
pub fn ring_colour(theme: &Theme) -> Color {
    let palette = theme.palette();
    if theme.extended_palette().is_dark {
        // A dark theme's action colour is deep enough for white text on
        // buttons: the ring takes it halfway to the text colour.
        let mix = |a: f32, b: f32| (a + b) / 2.0;
        let (p, t) = (palette.primary, palette.text);
        Color::from_rgb(mix(p.r, t.r), mix(p.g, t.g), mix(p.b, t.b))
    } else {
        palette.primary
    }
}

/// A scrollable pane met on the way down the tree: its bounds, its
/// content's bounds (as laid out, not scrolled) and how far it is scrolled.
#[derive(Debug, Clone, Copy)]
struct Pane {
    /// Its place among the scrollables, in tree order.
    index: usize,
    bounds: Rectangle,
    content: Rectangle,
    offset: Vector,
}

/// Where the focused widget is, and the innermost pane holding it.
#[derive(Debug, Clone, Copy)]
struct Found {
    focused: Rectangle,
    pane: Pane,
}

/// What is done to one pane.
#[derive(Debug, Clone, Copy)]
enum Move {
    To(f32),
    By(PageMove),
}

/// Moves the `index`th scrollable: the second half of [`reveal`] and [`page`].
struct MoveNth {
    index: usize,
    seen: usize,
    by: Move,
}

impl Operation for MoveNth {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn scrollable(
        &mut self,
        _id: Option<&Id>,
        bounds: Rectangle,
        content: Rectangle,
        _offset: Vector,
        state: &mut dyn Scrollable,
    ) {
        if self.seen == self.index {
            // A page is the pane's height less a line or two kept in view.
            let page = (bounds.height - 2.0 * MARGIN).max(MARGIN);
            match self.by {
                Move::To(y) => state.scroll_to(AbsoluteOffset { x: None, y: Some(y) }),
                Move::By(PageMove::Up) => state.scroll_by(AbsoluteOffset { x: 0.0, y: -page }, bounds, content),
                Move::By(PageMove::Down) => state.scroll_by(AbsoluteOffset { x: 0.0, y: page }, bounds, content),
                Move::By(PageMove::Top) => state.snap_to(RelativeOffset { x: None, y: Some(0.0) }),
                Move::By(PageMove::Bottom) => state.snap_to(RelativeOffset { x: None, y: Some(1.0) }),
            }
        }
        self.seen += 1;
    }
}

/// Finds the focused widget's bounds and the innermost pane around it that
/// can scroll, then scrolls that pane if the widget is not shown whole.
#[derive(Default)]
struct FindFocused {
    seen: usize,
    /// A scrollable just met, whose children come with the next traverse.
    entering: Option<Pane>,
    panes: Vec<Pane>,
    found: Option<Found>,
}

impl Operation for FindFocused {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        let entered = self.entering.take();
        if let Some(pane) = entered {
            self.panes.push(pane);
        }
        operate(self);
        if entered.is_some() {
            self.panes.pop();
        }
    }

    fn scrollable(
        &mut self,
        _id: Option<&Id>,
        bounds: Rectangle,
        content: Rectangle,
        offset: Vector,
        _state: &mut dyn Scrollable,
    ) {
        self.entering = Some(Pane { index: self.seen, bounds, content, offset });
        self.seen += 1;
    }

    fn focusable(&mut self, _id: Option<&Id>, bounds: Rectangle, state: &mut dyn FocusState) {
        // The innermost pane that scrolls: on a compact window the panes
        // inside take their content's height, and the page scrolls.
        if state.is_focused()
            && let Some(pane) = self.panes.iter().rev().find(|p| p.content.height > p.bounds.height + 0.5)
        {
            self.found = Some(Found { focused: bounds, pane: *pane });
        }
    }

    fn finish(&self) -> Outcome<()> {
        match self.found.and_then(|found| offset_showing(found).map(|y| (found.pane.index, y))) {
            Some((index, y)) => Outcome::Chain(Box::new(MoveNth { index, seen: 0, by: Move::To(y) })),
            None => Outcome::None,
        }
    }
}

/// Room kept above and below the focused widget once scrolled to.
const MARGIN: f32 = 12.0;

/// The offset that shows `focused` whole in its pane, if it is not shown.
fn offset_showing(found: Found) -> Option<f32> {
    let Found { focused, pane } = found;
    let top = focused.y - pane.content.y;
    let bottom = top + focused.height;
    if top < pane.offset.y {
        Some((top - MARGIN).max(0.0))
    } else if bottom > pane.offset.y + pane.bounds.height {
        Some(bottom - pane.bounds.height + MARGIN)
    } else {
        None
    }
}

/// Scrolls the pane holding the focused widget so the widget shows whole.
pub fn reveal<M: Send + 'static>() -> Task<M> {
    iced::advanced::widget::operate(FindFocused::default()).discard()
}

/// Finds the text field after the focused one, past the buttons between,
/// then focuses it (and no other).
#[derive(Default)]
struct NextField {
    seen: usize,
    focused: Option<usize>,
    fields: Vec<usize>,
    /// A text field announces itself just before it offers its focus.
    field_next: bool,
}

impl Operation for NextField {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn text_input(&mut self, _id: Option<&Id>, _bounds: Rectangle, _state: &mut dyn operation::TextInput) {
        self.field_next = true;
    }

    fn focusable(&mut self, _id: Option<&Id>, _bounds: Rectangle, state: &mut dyn FocusState) {
        if state.is_focused() {
            self.focused = Some(self.seen);
        }
        if std::mem::take(&mut self.field_next) {
            self.fields.push(self.seen);
        }
        self.seen += 1;
    }

    fn finish(&self) -> Outcome<()> {
        match self.focused.and_then(|at| self.fields.iter().copied().find(|field| *field > at)) {
            Some(index) => Outcome::Chain(Box::new(FocusNth { index, seen: 0 })),
            None => Outcome::None,
        }
    }
}

/// Focuses the `index`th focusable widget, and no other.
struct FocusNth {
    index: usize,
    seen: usize,
}

impl Operation for FocusNth {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn focusable(&mut self, _id: Option<&Id>, _bounds: Rectangle, state: &mut dyn FocusState) {
        if self.seen == self.index {
            state.focus();
        } else {
            state.unfocus();
        }
        self.seen += 1;
    }
}

/// Enter in a field that is not a form's last: the focus moves to the next
/// text field, past the buttons between (a check box pressed by the same
/// Enter would change what the person did not mean to change).
pub fn next_field<M: Send + 'static>() -> Task<M> {
    iced::advanced::widget::operate(NextField::default()).discard().chain(reveal())
}

/// A move through a long pane by the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageMove {
    Up,
    Down,
    Top,
    Bottom,
}

/// Finds the largest pane that can scroll (the one the person reads), then
/// moves it.
struct FindPane {
    by: PageMove,
    seen: usize,
    /// The largest so far: its area and index.
    best: Option<(f32, usize)>,
}

impl Operation for FindPane {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn scrollable(
        &mut self,
        _id: Option<&Id>,
        bounds: Rectangle,
        content: Rectangle,
        _offset: Vector,
        _state: &mut dyn Scrollable,
    ) {
        let area = bounds.width * bounds.height;
        if content.height > bounds.height && self.best.is_none_or(|(best, _)| area > best) {
            self.best = Some((area, self.seen));
        }
        self.seen += 1;
    }

    fn finish(&self) -> Outcome<()> {
        match self.best {
            Some((_, index)) => Outcome::Chain(Box::new(MoveNth { index, seen: 0, by: Move::By(self.by) })),
            None => Outcome::None,
        }
    }
}

/// Scrolls the largest scrolling pane on screen by a page or to an end.
pub fn page<M: Send + 'static>(by: PageMove) -> Task<M> {
    iced::advanced::widget::operate(FindPane { by, seen: 0, best: None }).discard()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(focused_y: f32, offset: f32) -> Found {
        Found {
            focused: Rectangle { x: 0.0, y: focused_y, width: 100.0, height: 30.0 },
            pane: Pane {
                index: 0,
                bounds: Rectangle { x: 0.0, y: 100.0, width: 400.0, height: 300.0 },
                content: Rectangle { x: 0.0, y: 100.0, width: 400.0, height: 1000.0 },
                offset: Vector::new(0.0, offset),
            },
        }
    }

    #[test]
    fn a_focused_widget_below_or_above_the_pane_is_scrolled_to_and_one_in_view_is_left() {
        // In view: 100..400 of the content at offset 0.
        assert_eq!(offset_showing(found(200.0, 0.0)), None);
        // Below: its bottom (750 - 100 + 30 = 680) lands 12 px above the pane's.
        assert_eq!(offset_showing(found(750.0, 0.0)), Some(680.0 - 300.0 + MARGIN));
        // Above, scrolled down past it: its top 12 px below the pane's top.
        assert_eq!(offset_showing(found(150.0, 400.0)), Some(50.0 - MARGIN));
        assert_eq!(offset_showing(found(105.0, 400.0)), Some(0.0));
    }
}
