//! The window by keys alone, for the keyboard suites. A harness that keeps
//! the widgets' state between keys (which field or button has the focus,
//! how far a pane is scrolled), runs the widget operations the app asks for
//! (focus, scroll) and sends every key through the app's keyboard
//! subscription as iced's runtime does: a step that needs a click cannot be
//! taken here, so each test fails where the window would need the mouse.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

#[path = "../engine/mod.rs"]
pub mod engine;

use std::path::PathBuf;

use iced::Task;
use iced::keyboard::{self, Key, Modifiers, key::Named};
use iced_test::core::widget::operation::{self, Focusable, Operation, Outcome};
use iced_test::core::widget::{Id, operation::Scrollable};
use iced_test::core::{Event, Font, Rectangle, Settings, Size, Vector, clipboard, mouse, window};
use iced_test::futures::futures::{StreamExt, executor};
use iced_test::renderer::Renderer;
use iced_test::runtime::user_interface::{Cache, UserInterface};
use iced_test::runtime::{self, task};
use utility_desk::demo::{DEMO_PASSWORD, DemoOptions};
use utility_desk::desk::Desk;
use utility_desk::gui::keys::on_event;
use utility_desk::gui::{App, Message};

/// A window at `size`, on a demo database of 40 accounts.
pub struct Window {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub app: App,
    renderer: Renderer,
    cache: Option<Cache>,
    size: Size,
    id: window::Id,
}

impl Window {
    pub fn new(size: Size) -> Window {
        let dir = tempfile::tempdir().unwrap();
        let path = engine::demo_ledger(dir.path(), &DemoOptions { accounts: 40, seed: 7, months: 6 });
        let (app, boot) = App::boot(path.clone());
        let renderer = executor::block_on(<Renderer as iced_test::core::renderer::Headless>::new(
            Font::with_name("Fira Sans"),
            Settings::default().default_text_size,
            None,
        ))
        .expect("a headless renderer");
        let mut window =
            Window { _dir: dir, path, app, renderer, cache: Some(Cache::default()), size, id: window::Id::unique() };
        window.run(boot);
        window
    }

    /// Runs a task as the runtime would: its messages go to `update`, its
    /// widget operations to the widgets as they stand.
    pub fn run(&mut self, task: Task<Message>) {
        let Some(mut stream) = task::into_stream(task) else { return };
        // One action at a time: a widget operation's task waits for the
        // operation to be run before it goes on.
        while let Some(action) = executor::block_on(stream.next()) {
            match action {
                runtime::Action::Output(message) => self.apply(message),
                runtime::Action::Widget(mut operation) => loop {
                    let mut ui = UserInterface::build(
                        self.app.view(),
                        self.size,
                        self.cache.take().unwrap_or_default(),
                        &mut self.renderer,
                    );
                    ui.operate(&self.renderer, operation.as_mut());
                    self.cache = Some(ui.into_cache());
                    match operation.finish() {
                        Outcome::Chain(next) => operation = next,
                        _ => break,
                    }
                },
                _ => {}
            }
        }
    }

    pub fn apply(&mut self, message: Message) {
        let task = self.app.update(message);
        self.run(task);
    }

    /// One event to the widgets, then to the keyboard subscription with
    /// whether a widget used it.
    pub fn event(&mut self, event: Event) {
        let mut messages = Vec::new();
        let status = {
            let mut ui = UserInterface::build(
                self.app.view(),
                self.size,
                self.cache.take().unwrap_or_default(),
                &mut self.renderer,
            );
            let (_, statuses) = ui.update(
                std::slice::from_ref(&event),
                mouse::Cursor::Unavailable,
                &mut self.renderer,
                &mut clipboard::Null,
                &mut messages,
            );
            self.cache = Some(ui.into_cache());
            statuses.first().copied().unwrap_or(iced::event::Status::Ignored)
        };
        for message in messages {
            self.apply(message);
        }
        if let Some(message) = on_event(event, status, self.id) {
            self.apply(message);
        }
    }

    pub fn key_with(&mut self, key: Key, modifiers: Modifiers, text: Option<&str>) {
        let text = text.map(iced_test::core::SmolStr::new);
        self.event(Event::Keyboard(keyboard::Event::KeyPressed {
            key: key.clone(),
            modified_key: key.clone(),
            physical_key: keyboard::key::Physical::Unidentified(keyboard::key::NativeCode::Unidentified),
            location: keyboard::Location::Standard,
            modifiers,
            repeat: false,
            text,
        }));
        self.event(Event::Keyboard(keyboard::Event::KeyReleased {
            key: key.clone(),
            modified_key: key,
            physical_key: keyboard::key::Physical::Unidentified(keyboard::key::NativeCode::Unidentified),
            location: keyboard::Location::Standard,
            modifiers,
        }));
    }

    pub fn press(&mut self, named: Named) {
        self.key_with(Key::Named(named), Modifiers::default(), None);
    }

    /// Alt and a letter or digit, as the shortcuts are typed.
    pub fn alt(&mut self, c: char) {
        let s = c.to_string();
        self.key_with(Key::Character(s.as_str().into()), Modifiers::ALT, Some(&s));
    }

    pub fn ctrl(&mut self, c: char) {
        let s = c.to_string();
        self.key_with(Key::Character(s.as_str().into()), Modifiers::CTRL, Some(&s));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let s = c.to_string();
            self.key_with(Key::Character(s.as_str().into()), Modifiers::default(), Some(&s));
        }
    }

    pub fn focus(&mut self) -> Focus {
        let mut find = FindFocus::default();
        let mut ui =
            UserInterface::build(self.app.view(), self.size, self.cache.take().unwrap_or_default(), &mut self.renderer);
        ui.operate(&self.renderer, &mut operation::black_box(&mut find));
        self.cache = Some(ui.into_cache());
        let label = find.focused.map(|bounds| {
            find.texts
                .iter()
                .filter(|(at, _)| bounds.contains(at.center()))
                .map(|(_, text)| text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        });
        Focus { id: find.id, label, offsets: find.offsets }
    }

    /// Every text on screen, in tree order: what a failing assertion shows.
    pub fn texts(&mut self) -> Vec<String> {
        let mut find = FindFocus::default();
        let mut ui =
            UserInterface::build(self.app.view(), self.size, self.cache.take().unwrap_or_default(), &mut self.renderer);
        ui.operate(&self.renderer, &mut operation::black_box(&mut find));
        self.cache = Some(ui.into_cache());
        find.texts.into_iter().map(|(_, said)| said).filter(|said| !said.trim().is_empty()).collect()
    }

    /// What is wrong with the layout as it stands, text by text: a text
    /// that runs past the window's right edge (cut off; a table that
    /// scrolls sideways excepted), two texts drawn
    /// over each other, or a text of several words squeezed narrower than a
    /// word (one word a line, "Cl Alt" for "Close  Alt+R"). iced reports no
    /// clipping itself, but it gives every text's bounds.
    pub fn layout_problems(&mut self) -> Vec<String> {
        let mut find = FindFocus::default();
        let mut ui =
            UserInterface::build(self.app.view(), self.size, self.cache.take().unwrap_or_default(), &mut self.renderer);
        ui.operate(&self.renderer, &mut operation::black_box(&mut find));
        self.cache = Some(ui.into_cache());
        let texts: Vec<_> = find.texts.into_iter().filter(|(_, t)| !t.trim().is_empty()).collect();
        let mut problems = Vec::new();
        for (i, (at, said)) in texts.iter().enumerate() {
            // A table that scrolls sideways (a report's) may run past the
            // edge: its columns are reached by scrolling, not cut.
            let scrolls_to_it = find.sideways.iter().any(|content| content.contains(at.center()));
            if (at.x < -0.5 || at.x + at.width > self.size.width + 0.5) && !scrolls_to_it {
                problems.push(format!("{said:?} runs past the window's edge ({at:?})"));
            }
            // A line of body text is about 20 px high; three lines in less
            // than 48 px is a word a line.
            if said.split_whitespace().count() >= 2 && at.height > 50.0 && at.width < 48.0 {
                problems.push(format!("{said:?} is squeezed to a word a line ({at:?})"));
            }
            for (other, other_said) in &texts[i + 1..] {
                if let Some(both) = at.intersection(other)
                    && both.width > 1.0
                    && both.height > 1.0
                {
                    problems.push(format!("{said:?} and {other_said:?} are drawn over each other"));
                }
            }
        }
        problems
    }

    /// Tab until the focus is on what shows `label` (or has id `label`),
    /// failing if it is not reached within `most` presses.
    pub fn tab_to(&mut self, label: &str, most: usize) {
        for _ in 0..most {
            self.press(Named::Tab);
            if self.focus().is(label) {
                return;
            }
        }
        panic!("Tab never reached {label:?} in {most} presses; the focus is on {:?}", self.focus());
    }

    /// Whether a text containing `part` is on screen.
    pub fn sees_part(&self, part: &str) -> bool {
        let mut ui = iced_test::simulator(self.app.view());
        ui.find(move |candidate: iced_test::selector::Candidate<'_>| match candidate {
            iced_test::selector::Candidate::Text { content, .. } if content.contains(part) => Some(()),
            _ => None,
        })
        .is_ok()
    }

    pub fn sees(&self, wanted: &str) -> bool {
        let mut ui = iced_test::simulator(self.app.view());
        ui.find(wanted).is_ok()
    }

    pub fn sign_in(&mut self, user: &str) {
        // The sign-in screen puts the focus on the user name.
        self.type_text(user);
        self.press(Named::Tab);
        self.type_text(DEMO_PASSWORD);
        self.press(Named::Enter);
        assert_eq!(self.app.signed_in(), Some(user), "signed in by keys alone");
    }

    /// A complaint logged on the open account by keys alone (Alt+L, Alt+K,
    /// the summary, its category, Enter through the rest).
    pub fn log_complaint(&mut self, summary: &str, category: &str) {
        self.alt('l');
        self.alt('k');
        self.tab_to("contact-summary", 30);
        self.type_text(summary);
        self.press(Named::Enter);
        self.type_text(category);
        for _ in 0..4 {
            self.press(Named::Enter);
        }
        assert!(!self.sees("Log a contact"), "the complaint was logged");
    }

    /// The first account, found by its number and opened with Enter.
    pub fn open_first_account(&mut self) -> String {
        let mut desk = Desk::open(&self.path).unwrap();
        let hit = desk.search("1000").unwrap().into_iter().next().unwrap();
        self.type_text(&hit.number.to_string());
        assert!(self.sees(&hit.name));
        self.press(Named::Enter);
        assert!(self.app.open_account().is_some(), "Enter opens the account");
        hit.name
    }
}

/// What has the focus: its id if it has one, the text shown inside it, and
/// how far each pane is scrolled (in tree order).
#[derive(Debug)]
pub struct Focus {
    pub id: Option<Id>,
    pub label: Option<String>,
    pub offsets: Vec<f32>,
}

impl Focus {
    pub fn is(&self, wanted: &str) -> bool {
        self.id.as_ref().is_some_and(|id| *id == Id::from(wanted.to_string()))
            || self.label.as_deref().is_some_and(|label| label.contains(wanted))
    }
}

#[derive(Default)]
struct FindFocus {
    focused: Option<Rectangle>,
    id: Option<Id>,
    texts: Vec<(Rectangle, String)>,
    offsets: Vec<f32>,
    /// The content of each pane wider than itself: it scrolls sideways.
    sideways: Vec<Rectangle>,
}

impl Operation for FindFocus {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn focusable(&mut self, id: Option<&Id>, bounds: Rectangle, state: &mut dyn Focusable) {
        if state.is_focused() {
            self.focused = Some(bounds);
            self.id = id.cloned();
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
        self.offsets.push(offset.y);
        if content.width > bounds.width + 0.5 {
            self.sideways.push(content);
        }
    }

    fn text(&mut self, _id: Option<&Id>, bounds: Rectangle, text: &str) {
        self.texts.push((bounds, text.to_string()));
    }
}

pub const LAPTOP: Size = Size::new(1024.0, 768.0);
pub const WIDE: Size = Size::new(1366.0, 768.0);
/// 1,024×768 with text at 200 %: the app scales the whole window by two.
pub const TWICE: Size = Size::new(512.0, 384.0);
