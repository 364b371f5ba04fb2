//! Routing: preparing the database, signing in, the workspace (search, an
//! account, approvals), the idle lock, and the keys that work everywhere.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use iced::event;
use iced::widget::{button, column, container, operation, progress_bar, row, rule, scrollable, space, stack, text};
use iced::{Center, Element, Fill, Subscription, Task, Theme};

use super::backend::Backend;
use super::focus;
pub use super::keys::Shortcut;
use super::keys::{help, on_event};
use super::screen::{account, admin, approvals, login, reports, search, service, work};
use super::theme::{self, ThemeChoice, Themes};
use super::widget::key_hint;
use crate::demo::{self, DemoOptions};
use crate::desk::settings::{DeskSettings, Setting, TEXT_SCALE_MAX, TEXT_SCALE_MIN, TEXT_SCALE_STEP};
use crate::desk::{Channel, DeskError, Session};
use crate::domain::ids::AccountId;
use crate::domain::user::Role;
use crate::gui::focus::Action as _;

/// Idle time after which the window locks (the desk's session lapses too).
pub const IDLE_LOCK: Duration = Duration::from_secs(15 * 60);

pub struct App {
    path: PathBuf,
    themes: Themes,
    theme: ThemeChoice,
    /// Percent of the standard size: the whole window scales with it.
    text_scale: u16,
    help: bool,
    state: State,
}

enum State {
    /// Making the demo database on first run.
    Preparing {
        stage: String,
        fraction: f32,
        error: Option<String>,
    },
    /// The database could not be opened.
    Failed(String),
    Ready(Box<Ready>),
}

struct Ready {
    backend: Backend,
    /// Shown while nobody is signed in, or over a locked workspace.
    login: Option<login::Login>,
    workspace: Option<Workspace>,
}

/// What a signed-in person works in. Kept while the window is locked.
struct Workspace {
    session: Session,
    last_input: Instant,
    page: Page,
    search: search::Search,
    /// The ledger's version when last looked at (`Desk::ledger_version`):
    /// when another desk's work moves it, the open queue is read again.
    seen: Option<i64>,
}

/// How often the window looks whether another desk changed the ledger.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

enum Page {
    Search,
    Account(Box<account::Account>),
    Approvals(Box<approvals::Approvals>),
    Admin(Box<admin::Admin>),
    Work(Box<work::Work>),
    Reports(Box<reports::Reports>),
    /// Service for a new customer, from search.
    Service(Box<service::ServiceForm>),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Demo creation moved on (stage, fraction done) or ended.
    Preparing(Preparation),
    /// The database is open; whether it is a demo (its users are listed at sign-in).
    Opened(Result<(bool, chrono_tz::Tz), DeskError>),
    Login(login::Message),
    SignedIn(Result<Session, DeskError>),
    Search(search::Message),
    Account(account::Message),
    Approvals(approvals::Message),
    Admin(admin::Message),
    Work(work::Message),
    Reports(reports::Message),
    Service(service::Message),
    /// Supervisor reports (Supervisors and Managers).
    ShowReports,
    /// Work queues and the liaison report (everyone but Administrators).
    ShowWork,
    /// Users and limits (Administrators, Managers).
    ShowAdmin,
    /// Go to the approval queue (Supervisors and up) or to my requests.
    ShowApprovals,
    /// Back to search, keeping the query.
    ShowSearch,
    SignOut,
    Lock,
    ToggleTheme,
    /// The signed-in person's own settings, read at sign-in.
    Settings(Result<DeskSettings, DeskError>),
    /// A setting kept (or not).
    Remembered(Result<(), DeskError>),
    /// A key or shortcut pressed anywhere.
    Key(Shortcut),
    /// Any key or click: the person is still there.
    Activity,
    /// Every few seconds: time to lock?
    Tick,
    /// Every second: has another desk changed the ledger?
    Watch,
    /// The ledger's version, as the watch read it.
    Watched(Result<i64, DeskError>),
}

/// Demo creation, as its thread reports it.
#[derive(Debug, Clone)]
pub enum Preparation {
    Progress(String, f32),
    Done(Result<(), DeskError>),
}

impl App {
    /// Opens the database at `path`, or makes the demo there first.
    pub fn boot(path: PathBuf) -> (App, Task<Message>) {
        App::boot_with_demo(path, DemoOptions::default())
    }

    /// [`App::boot`], with the demo made as `demo` says if the database is
    /// missing (tests make a small one).
    pub fn boot_with_demo(path: PathBuf, demo: DemoOptions) -> (App, Task<Message>) {
        let themes = Themes::default();
        let (app, task) = App::start(path, demo, themes);
        (app, Task::batch([task, super::fit_to_screen()]))
    }

    fn start(path: PathBuf, demo: DemoOptions, themes: Themes) -> (App, Task<Message>) {
        if path.exists() || crate::desk::is_server_location(&path) {
            let mut app = App {
                path,
                themes,
                theme: ThemeChoice::Light,
                text_scale: TEXT_SCALE_MIN,
                help: false,
                state: State::Failed(String::new()),
            };
            let task = app.open();
            (app, task)
        } else {
            let state = State::Preparing { stage: "Starting".into(), fraction: 0.0, error: None };
            let task = Task::run(make_demo(path.clone(), demo), Message::Preparing);
            (App { path, themes, theme: ThemeChoice::Light, text_scale: TEXT_SCALE_MIN, help: false, state }, task)
        }
    }

    fn open(&mut self) -> Task<Message> {
        match Backend::open(&self.path) {
            Ok(backend) => {
                let task = Task::perform(
                    {
                        let backend = backend.clone();
                        async move { backend.run(|desk| Ok((desk.meta("demo")?.is_some(), desk.time_zone()))).await }
                    },
                    Message::Opened,
                );
                self.state =
                    State::Ready(Box::new(Ready { backend, login: Some(login::Login::new(false)), workspace: None }));
                Task::batch([task, login::focus()])
            }
            Err(e) => {
                self.state = State::Failed(e.to_string());
                Task::none()
            }
        }
    }

    pub fn title(&self) -> String {
        match &self.state {
            State::Ready(ready) => match (&ready.workspace, &ready.login) {
                (Some(w), None) => format!("Utility Desk — {}", w.session.actor.username),
                (Some(_), Some(_)) => "Utility Desk — locked".into(),
                _ => "Utility Desk — sign in".into(),
            },
            _ => "Utility Desk".into(),
        }
    }

    pub fn theme(&self) -> Theme {
        self.themes.get(self.theme)
    }

    /// The window's scale: the text size the person chose (Ctrl+= and Ctrl+-).
    pub fn scale_factor(&self) -> f32 {
        f32::from(self.text_scale) / 100.0
    }

    /// The text size, in percent, and the theme, for tests and the title.
    pub fn appearance(&self) -> (u16, ThemeChoice) {
        (self.text_scale, self.theme)
    }

    /// Keeps a setting for the person signed in (none while locked or signed out).
    fn remember(&self, setting: Setting) -> Task<Message> {
        let State::Ready(ready) = &self.state else { return Task::none() };
        let (None, Some(workspace)) = (&ready.login, &ready.workspace) else { return Task::none() };
        let (backend, actor) = (ready.backend.clone(), workspace.session.actor.clone());
        Task::perform(
            async move { backend.run(move |desk| desk.set_setting(&actor, Utc::now(), setting)).await },
            Message::Remembered,
        )
    }

    /// Who is signed in (and not locked out), for tests and the title.
    pub fn signed_in(&self) -> Option<&str> {
        match &self.state {
            State::Ready(ready) if ready.login.is_none() => {
                ready.workspace.as_ref().map(|w| w.session.actor.username.as_str())
            }
            _ => None,
        }
    }

    /// Whether the window is locked over a workspace.
    pub fn is_locked(&self) -> bool {
        matches!(&self.state, State::Ready(r) if r.login.is_some() && r.workspace.is_some())
    }

    /// The account open now, if any.
    pub fn open_account(&self) -> Option<AccountId> {
        match &self.state {
            State::Ready(ready) => match ready.workspace.as_ref().map(|w| &w.page) {
                Some(Page::Account(account)) => Some(account.id()),
                _ => None,
            },
            _ => None,
        }
    }

    /// Moves the last key or click back by `idle`, as if the person had
    /// walked away: the idle lock's tests use it instead of waiting.
    #[doc(hidden)]
    pub fn pretend_idle(&mut self, idle: Duration) {
        if let State::Ready(ready) = &mut self.state
            && let Some(workspace) = &mut ready.workspace
            && let Some(earlier) = workspace.last_input.checked_sub(idle)
        {
            workspace.last_input = earlier;
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        if let (Message::Key(_) | Message::Activity, State::Ready(ready)) = (&message, &mut self.state)
            && let Some(workspace) = &mut ready.workspace
        {
            workspace.last_input = Instant::now();
        }
        match message {
            Message::Preparing(Preparation::Progress(stage, fraction)) => {
                if let State::Preparing { stage: s, fraction: f, .. } = &mut self.state {
                    (*s, *f) = (stage, fraction);
                }
                Task::none()
            }
            Message::Preparing(Preparation::Done(Ok(()))) => self.open(),
            Message::Preparing(Preparation::Done(Err(e))) => {
                if let State::Preparing { error, .. } = &mut self.state {
                    *error = Some(e.to_string());
                }
                Task::none()
            }
            Message::ToggleTheme | Message::Key(Shortcut::Theme) => {
                self.theme = self.theme.next();
                self.remember(Setting::Theme(self.theme))
            }
            Message::Key(Shortcut::TextSize(change)) => {
                self.text_scale = match change {
                    0 => TEXT_SCALE_MIN,
                    c if c > 0 => (self.text_scale + TEXT_SCALE_STEP).min(TEXT_SCALE_MAX),
                    _ => self.text_scale.saturating_sub(TEXT_SCALE_STEP).max(TEXT_SCALE_MIN),
                };
                self.remember(Setting::TextScale(self.text_scale))
            }
            Message::Settings(Ok(settings)) => {
                (self.theme, self.text_scale) = (settings.theme, settings.text_scale);
                super::files::set_folder(settings.save_folder);
                Task::none()
            }
            // Settings are a comfort: one not read or kept leaves the window as it is.
            Message::Settings(Err(_)) | Message::Remembered(_) => Task::none(),
            Message::Key(Shortcut::Help) => {
                self.help = !self.help;
                Task::none()
            }
            Message::Key(Shortcut::Escape) if self.help => {
                self.help = false;
                Task::none()
            }
            message => {
                let State::Ready(ready) = &mut self.state else { return Task::none() };
                let by_key = matches!(message, Message::Key(_));
                let task = ready.update(message);
                // Wherever a key moved the focus, the focused field or button
                // is scrolled into view.
                if by_key { task.chain(focus::reveal()) } else { task }
            }
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let keys = event::listen_with(on_event);
        match &self.state {
            State::Ready(ready) if ready.workspace.is_some() => {
                let tick = iced::time::every(Duration::from_secs(5)).map(|_| Message::Tick);
                let watch = ready.login.is_none().then(|| iced::time::every(WATCH_EVERY).map(|_| Message::Watch));
                let queue_open = ready.login.is_none()
                    && matches!(ready.workspace.as_ref().map(|w| &w.page), Some(Page::Approvals(_)));
                let refresh = queue_open.then(|| {
                    iced::time::every(approvals::REFRESH_EVERY).map(|_| Message::Approvals(approvals::Message::Refresh))
                });
                Subscription::batch([keys, tick].into_iter().chain(refresh).chain(watch))
            }
            _ => keys,
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let body: Element<'_, Message> = match &self.state {
            State::Preparing { stage, fraction, error } => preparing(stage, *fraction, error.as_deref()),
            State::Failed(error) => container(
                column![
                    text("The database could not be opened").size(22),
                    text(error.clone()).style(text::danger),
                    text(self.path.display().to_string()).style(theme::muted),
                ]
                .spacing(8),
            )
            .center(Fill)
            .into(),
            State::Ready(ready) => ready.view(),
        };
        let body = super::alt_keys::alt_keys_to_shortcuts(body);
        if self.help { stack![body, container(help()).center(Fill)].into() } else { body }
    }
}

impl Ready {
    fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Opened(Ok((demo, zone))) => {
                super::clock::set_zone(zone);
                if let Some(login) = &mut self.login {
                    login.set_demo(demo);
                }
                Task::none()
            }
            Message::SignedIn(Err(DeskError::PasswordChangeRequired(_))) => {
                let Some(login) = &mut self.login else { return Task::none() };
                login.must_choose();
                operation::focus(login::NEW_PASSWORD)
            }
            Message::Opened(Err(e)) | Message::SignedIn(Err(e)) => {
                let Some(login) = &mut self.login else { return Task::none() };
                login.failed(e.to_string());
                if login.is_choosing() { operation::focus(login::NEW_PASSWORD) } else { login::focus_password() }
            }
            Message::Login(message) => {
                let Some(login) = &mut self.login else { return Task::none() };
                match login.update(message) {
                    Some(login::Event::SignIn { username, password }) => {
                        let backend = self.backend.clone();
                        Task::perform(
                            async move {
                                backend.run(move |desk| desk.login_window(Utc::now(), &username, &password)).await
                            },
                            Message::SignedIn,
                        )
                    }
                    Some(login::Event::ChangePassword { username, current, new }) => {
                        let backend = self.backend.clone();
                        Task::perform(
                            async move {
                                backend
                                    .run(move |desk| {
                                        desk.change_password(Utc::now(), &username, &current, &new, Channel::Window)
                                    })
                                    .await
                            },
                            Message::SignedIn,
                        )
                    }
                    None => Task::none(),
                }
            }
            Message::SignedIn(Ok(session)) => {
                self.login = None;
                match &mut self.workspace {
                    // The same person unlocking: back where they were.
                    Some(workspace) if workspace.session.actor == session.actor => {
                        workspace.session = session;
                        workspace.last_input = Instant::now();
                        Task::none()
                    }
                    _ => {
                        let backend = self.backend.clone();
                        let actor = session.actor.clone();
                        let settings = Task::perform(
                            async move { backend.run(move |desk| desk.settings(&actor)).await },
                            Message::Settings,
                        );
                        self.workspace = Some(Workspace {
                            session,
                            last_input: Instant::now(),
                            page: Page::Search,
                            search: search::Search::default(),
                            seen: None,
                        });
                        Task::batch([settings, search::focus()])
                    }
                }
            }
            Message::Lock | Message::Key(Shortcut::Lock) => self.lock(login::LockReason::ByHand),
            Message::Tick => match &self.workspace {
                Some(w) if self.login.is_none() && w.last_input.elapsed() >= IDLE_LOCK => {
                    self.lock(login::LockReason::Idle)
                }
                _ => Task::none(),
            },
            Message::Key(Shortcut::Mnemonic('q')) if self.login.is_none() && self.workspace.is_some() => {
                self.update(Message::SignOut)
            }
            Message::SignOut => {
                self.workspace = None;
                super::files::set_folder(None);
                self.login = Some(login::Login::new(self.login.as_ref().is_some_and(login::Login::is_demo)));
                login::focus()
            }
            message if self.login.is_some() => match message {
                Message::Key(Shortcut::Mnemonic('s')) => match &mut self.login {
                    Some(login) => {
                        login.update(login::Message::SomeoneElse);
                        login::focus()
                    }
                    None => Task::none(),
                },
                Message::Key(Shortcut::Enter) => Task::none(),
                Message::Key(Shortcut::FocusNext) => operation::focus_next(),
                Message::Key(Shortcut::FocusPrevious) => operation::focus_previous(),
                _ => Task::none(),
            },
            Message::Key(Shortcut::Page(by)) => focus::page(by),
            message => {
                let Some(workspace) = &mut self.workspace else { return Task::none() };
                workspace.update(&self.backend, message)
            }
        }
    }

    fn lock(&mut self, reason: login::LockReason) -> Task<Message> {
        let Some(workspace) = &self.workspace else { return Task::none() };
        if self.login.is_none() {
            self.login = Some(login::Login::locked(&workspace.session.actor.username, reason));
        }
        login::focus_password()
    }

    fn view(&self) -> Element<'_, Message> {
        match (&self.login, &self.workspace) {
            (Some(login), _) => login.view().map(Message::Login),
            (None, Some(workspace)) => workspace.view(),
            (None, None) => space().into(),
        }
    }
}

impl Workspace {
    fn update(&mut self, backend: &Backend, message: Message) -> Task<Message> {
        let actor = self.session.actor.clone();
        match message {
            Message::Search(message) => {
                let (task, event) = self.search.update(backend, message);
                let task = task.map(Message::Search);
                match event {
                    Some(search::Event::Open(id)) => Task::batch([task, self.open_account(backend, id)]),
                    Some(search::Event::StartService) if actor.role != Role::Admin => {
                        let (form, focus) = service::ServiceForm::new_customer();
                        self.page = Page::Service(Box::new(form));
                        Task::batch([task, focus.map(Message::Service)])
                    }
                    Some(search::Event::StartService) | None => task,
                }
            }
            Message::Service(message) => {
                let Page::Service(form) = &mut self.page else { return Task::none() };
                let (task, event) = form.update(backend, &actor, message);
                match event {
                    Some(service::Event::Done(Some(opened), notice)) => {
                        let (account, task) = account::Account::open_with_notice(backend, opened, notice);
                        self.page = Page::Account(Box::new(account));
                        task.map(Message::Account)
                    }
                    Some(service::Event::Done(None, _) | service::Event::Closed) => {
                        self.page = Page::Search;
                        search::focus()
                    }
                    None => task.map(Message::Service),
                }
            }
            Message::Account(message) => {
                let Page::Account(account) = &mut self.page else { return Task::none() };
                account.update(backend, &actor, message).map(Message::Account)
            }
            Message::Approvals(message) => {
                let Page::Approvals(approvals) = &mut self.page else { return Task::none() };
                let (task, event) = approvals.update(backend, &actor, message);
                let task = task.map(Message::Approvals);
                match event {
                    Some(approvals::Event::OpenAccount(id)) => Task::batch([task, self.open_account(backend, id)]),
                    None => task,
                }
            }
            Message::Watch => {
                let backend = backend.clone();
                Task::perform(async move { backend.ledger_version().await }, Message::Watched)
            }
            Message::Watched(Ok(version)) => {
                let changed = self.seen.is_some_and(|seen| seen != version);
                self.seen = Some(version);
                match &mut self.page {
                    // Another desk sent a request, logged a complaint,
                    // submitted an order: the open queue shows it.
                    Page::Approvals(_) if changed => {
                        self.update(backend, Message::Approvals(approvals::Message::Refresh))
                    }
                    Page::Work(_) if changed => self.update(backend, Message::Work(work::Message::Changed)),
                    _ => Task::none(),
                }
            }
            // A watch that could not read says nothing: the next one tries again.
            Message::Watched(Err(_)) => Task::none(),
            Message::Work(message) => {
                let Page::Work(work) = &mut self.page else { return Task::none() };
                let (task, event) = work.update(backend, &actor, message);
                self.work_event(backend, task, event)
            }
            Message::ShowWork | Message::Key(Shortcut::Work) => {
                if actor.role == Role::Admin {
                    return Task::none();
                }
                let (work, task) = work::Work::new(backend, &actor);
                self.page = Page::Work(Box::new(work));
                task.map(Message::Work)
            }
            Message::Reports(message) => {
                let Page::Reports(reports) = &mut self.page else { return Task::none() };
                reports.update(backend, &actor, message).map(Message::Reports)
            }
            Message::ShowReports | Message::Key(Shortcut::Reports) => {
                if !matches!(actor.role, Role::Supervisor | Role::Manager) {
                    return Task::none();
                }
                let (reports, task) = reports::Reports::new();
                self.page = Page::Reports(Box::new(reports));
                task.map(Message::Reports)
            }
            Message::ShowSearch | Message::Key(Shortcut::Search) => {
                self.page = Page::Search;
                search::focus()
            }
            Message::Admin(message) => {
                let Page::Admin(admin) = &mut self.page else { return Task::none() };
                admin.update(backend, &actor, message).map(Message::Admin)
            }
            Message::ShowAdmin | Message::Key(Shortcut::Admin) => {
                if !matches!(actor.role, Role::Admin | Role::Manager) {
                    return Task::none();
                }
                let (admin, task) = admin::Admin::new(backend);
                self.page = Page::Admin(Box::new(admin));
                task.map(Message::Admin)
            }
            Message::ShowApprovals | Message::Key(Shortcut::Approvals) => {
                let (approvals, task) = approvals::Approvals::new(backend, &actor);
                self.page = Page::Approvals(Box::new(approvals));
                task.map(Message::Approvals)
            }
            Message::Key(Shortcut::FocusNext) => operation::focus_next(),
            Message::Key(Shortcut::FocusPrevious) => operation::focus_previous(),
            Message::Key(key) => match &mut self.page {
                Page::Search => self.search.key(backend, key).map(Message::Search),
                Page::Account(account) => match account.key(backend, &actor, key) {
                    account::KeyOutcome::Task(task) => task.map(Message::Account),
                    account::KeyOutcome::Back => {
                        self.page = Page::Search;
                        search::focus()
                    }
                },
                Page::Approvals(approvals) => approvals.key(backend, &actor, key).map(Message::Approvals),
                Page::Admin(admin) => admin.key(backend, &actor, key).map(Message::Admin),
                Page::Reports(reports) => reports.key(backend, &actor, key).map(Message::Reports),
                Page::Service(_) if key == Shortcut::Escape => {
                    self.page = Page::Search;
                    search::focus()
                }
                Page::Service(_) => Task::none(),
                Page::Work(work) => {
                    let (task, event) = work.key(backend, &actor, key);
                    self.work_event(backend, task, event)
                }
            },
            _ => Task::none(),
        }
    }

    fn work_event(
        &mut self,
        backend: &Backend,
        task: Task<work::Message>,
        event: Option<work::Event>,
    ) -> Task<Message> {
        let task = task.map(Message::Work);
        match event {
            Some(work::Event::OpenAccount(id)) => Task::batch([task, self.open_account(backend, id)]),
            Some(work::Event::Rerate(rerate)) => {
                let (account, opened) = account::Account::open_for_rerate(backend, rerate);
                self.page = Page::Account(Box::new(account));
                Task::batch([task, opened.map(Message::Account)])
            }
            None => task,
        }
    }

    fn open_account(&mut self, backend: &Backend, id: AccountId) -> Task<Message> {
        let (account, task) = account::Account::open(backend, id);
        self.page = Page::Account(Box::new(account));
        task.map(Message::Account)
    }

    /// The workspace for the room the window has (see [`super::layout`]).
    fn view(&self) -> Element<'_, Message> {
        super::layout::fitted(move || self.view_fitted())
    }

    fn view_fitted(&self) -> Element<'_, Message> {
        let (compact, narrow) = (super::layout::compact(), super::layout::narrow());
        let actor = &self.session.actor;
        let approver = matches!(actor.role, Role::Supervisor | Role::Manager);
        let nav = |label: &'static str, selected: bool, message: Message| {
            button(text(label)).action(message).style(theme::tab(selected)).padding([4, 10])
        };
        let navigation = row![
            nav("Search", matches!(self.page, Page::Search), Message::ShowSearch),
            nav(
                if approver { "Approvals" } else { "My requests" },
                matches!(self.page, Page::Approvals(_)),
                Message::ShowApprovals
            ),
        ]
        .push(
            (actor.role != Role::Admin).then(|| nav("Work  F2", matches!(self.page, Page::Work(_)), Message::ShowWork)),
        )
        .push(approver.then(|| nav("Reports  F3", matches!(self.page, Page::Reports(_)), Message::ShowReports)))
        .push(
            matches!(actor.role, Role::Admin | Role::Manager)
                .then(|| nav("Administration", matches!(self.page, Page::Admin(_)), Message::ShowAdmin)),
        );
        let who = text(format!("{} · {}", actor.username, actor.role.short())).style(theme::muted);
        // Whose clock the times on screen are read on.
        let zone = text(format!("times in {}", super::clock::abbreviation(Utc::now()))).style(theme::muted);
        let lock = button(text("Lock  Ctrl+L")).action(Message::Lock).style(button::text);
        let sign_out = button(text("Sign out  Alt+Q")).action(Message::SignOut).style(button::text);
        let top: Element<'_, Message> = if narrow {
            // The name of the program gives its room to the buttons, which
            // wrap; who is signed in and whose clock go on a line below.
            column![
                navigation.push(lock).push(sign_out).push(key_hint("F1", "keys")).spacing(8).align_y(Center).wrap(),
                row![who, zone].spacing(12).wrap(),
            ]
            .spacing(4)
            .into()
        } else {
            row![text("Utility Desk").size(18), space().width(16)]
                .push(navigation.spacing(8).align_y(Center))
                .push(
                    // What is left of the bar, right-aligned; on a narrow
                    // window a Manager's (the longest bar) wraps onto a
                    // second line.
                    container(
                        row![who, zone, lock, sign_out, key_hint("F1", "keys")]
                            .spacing(8)
                            .align_y(Center)
                            .wrap()
                            .align_x(iced::Right),
                    )
                    .align_right(Fill),
                )
                .spacing(8)
                .align_y(Center)
                .into()
        };
        let page: Element<'_, Message> = match &self.page {
            Page::Search => self.search.view().map(Message::Search),
            Page::Account(account) => account.view(actor).map(Message::Account),
            Page::Approvals(approvals) => approvals.view(actor).map(Message::Approvals),
            Page::Admin(admin) => admin.view(actor).map(Message::Admin),
            Page::Work(work) => work.view(actor).map(Message::Work),
            Page::Reports(reports) => reports.view().map(Message::Reports),
            Page::Service(form) => scrollable(form.view().map(Message::Service)).spacing(6).height(Fill).into(),
        };
        if compact {
            // One column that scrolls as a whole: the panes inside take
            // their content's height (see `layout`).
            scrollable(column![container(top).padding([6, 12]), rule::horizontal(1), container(page).padding(12)])
                .spacing(6)
                .height(Fill)
                .into()
        } else {
            column![container(top).padding([6, 12]), rule::horizontal(1), container(page).padding(12).height(Fill)]
                .into()
        }
    }
}

fn preparing<'a>(stage: &str, fraction: f32, error: Option<&str>) -> Element<'a, Message> {
    let mut content = column![
        text("Preparing the demo database").size(22),
        text("First run: 5,000 synthetic accounts with two years of bills, payments and cases.").style(theme::muted),
        progress_bar(0.0..=1.0, fraction).girth(10),
        text(format!("{stage} … {:.0}%", fraction * 100.0)).style(theme::muted),
    ]
    .spacing(10)
    .max_width(520);
    if let Some(error) = error {
        content = content.push(text(format!("The demo could not be made: {error}")).style(text::danger));
    }
    container(content).center(Fill).into()
}

/// Makes the demo on a thread of its own, reporting progress as it goes.
fn make_demo(path: PathBuf, options: DemoOptions) -> impl iced::futures::Stream<Item = Preparation> {
    let (sender, receiver) = iced::futures::channel::mpsc::unbounded();
    std::thread::spawn(move || {
        let mut last = -1.0f32;
        let progress = |stage: &str, fraction: f64| {
            let fraction = fraction as f32;
            // A message per whole percent is plenty for a progress bar.
            if fraction - last >= 0.01 || fraction >= 1.0 {
                last = fraction;
                let _ = sender.unbounded_send(Preparation::Progress(stage.to_string(), fraction));
            }
        };
        let result = demo::create_at(&path, &options, Utc::now(), progress).map(drop);
        let _ = sender.unbounded_send(Preparation::Done(result));
    });
    receiver
}
