#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The window's own figures, headless, on the 1,000,000-account database
//! the search bench uses (targets: keystroke to results drawn p95 ≤ 50 ms;
//! opening an account to its overview drawn ≤ 100 ms). Each keystroke is
//! what the window does with it: the app's `update`, the search on the
//! backend's search thread, the answer's `update`, then `view` and a full
//! layout of the screen (iced_test's Simulator). Pixels are the GPU's job
//! in the window; the CPU renderer's time to paint the same screen is
//! printed beside, for scale.
//!
//! `cargo bench --bench window`; `BENCH_ACCOUNTS=20000 BENCH_WORDS=40` for a quick run;
//! `BENCH_ACCOUNTS=50000 BENCH_MONTHS=24` for accounts with two years of bills.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::{LatencyTable, Rng, Stats, cached_demo, env_size, ms, verdict};
use iced::Task;
use iced_test::futures::futures::{StreamExt, executor};
use iced_test::runtime::{self, task};
use iced_test::simulator;
use utility_desk::demo::DEMO_PASSWORD;
use utility_desk::desk::Desk;
use utility_desk::domain::ids::AccountId;
use utility_desk::gui::app::Shortcut;
use utility_desk::gui::screen::{login, search};
use utility_desk::gui::{App, Message};

fn drain(t: Task<Message>) -> Vec<Message> {
    let Some(stream) = task::into_stream(t) else { return Vec::new() };
    executor::block_on(
        stream
            .filter_map(|action| async move {
                match action {
                    runtime::Action::Output(message) => Some(message),
                    _ => None,
                }
            })
            .collect(),
    )
}

fn apply(app: &mut App, message: Message) {
    let mut queue = vec![message];
    while let Some(message) = queue.pop() {
        queue.extend(drain(app.update(message)));
    }
}

/// `view` and a full layout: what the window does before it paints.
fn laid_out(app: &App) {
    let ui = simulator(app.view());
    drop(ui);
}

fn main() {
    let accounts = env_size("BENCH_ACCOUNTS", 1_000_000);
    let words = env_size("BENCH_WORDS", 200) as usize;
    // 0 months: the search bench's million accounts (no bills); 24 gives
    // overviews with two years of bills (BENCH_ACCOUNTS=50000 BENCH_MONTHS=24).
    let months = env_size("BENCH_MONTHS", 0);
    let path = cached_demo(accounts, months);

    // Cold start to the sign-in screen, as far as the app's part goes:
    // opening the database, its threads, the first layout.
    let started = Instant::now();
    let (mut app, boot) = App::boot(path.clone());
    for message in drain(boot) {
        apply(&mut app, message);
    }
    laid_out(&app);
    let boot_time = started.elapsed();

    apply(&mut app, Message::Login(login::Message::Username("rep1".into())));
    apply(&mut app, Message::Login(login::Message::Password(DEMO_PASSWORD.into())));
    apply(&mut app, Message::Login(login::Message::Submit));
    assert_eq!(app.signed_in(), Some("rep1"));

    // What people type: surnames, street names and account numbers of
    // random accounts, a keystroke at a time.
    let mut desk = Desk::open(&path).unwrap();
    let mut rng = Rng(42);
    let mut texts = Vec::new();
    for id in rng.distinct(u64::from(accounts), words) {
        let overview = desk.overview(AccountId(id as i64), Utc::now()).unwrap();
        let row = &overview.account;
        texts.push(match rng.below(3) {
            0 => row.customer.name.split_whitespace().last().unwrap_or("smith").to_lowercase(),
            1 => row.premise.address.line1.split_whitespace().nth(2).unwrap_or("41st").to_lowercase(),
            _ => row.account.number.digits().to_string(),
        });
    }
    let mut keystrokes = Vec::new();
    let mut opens = Vec::new();
    let mut found = 0usize;
    for text in &texts {
        apply(&mut app, Message::Key(Shortcut::Search));
        let ends = text.char_indices().map(|(at, c)| at + c.len_utf8());
        for end in ends {
            let typed = &text[..end];
            let started = Instant::now();
            apply(&mut app, Message::Search(search::Message::Query(typed.to_string())));
            laid_out(&app);
            keystrokes.push(started.elapsed());
        }
        // Enter opens the first result: the overview loaded and laid out.
        let started = Instant::now();
        apply(&mut app, Message::Key(Shortcut::Enter));
        laid_out(&app);
        if app.open_account().is_some() {
            opens.push(started.elapsed());
            found += 1;
        }
        // Start the next word from an empty box.
        apply(&mut app, Message::Key(Shortcut::Search));
        apply(&mut app, Message::Search(search::Message::Query(String::new())));
    }

    // The CPU renderer painting the open account, for scale.
    let mut paints = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut ui = simulator(app.view());
        let _ = ui.snapshot(&app.theme()).unwrap();
        paints.push(started.elapsed());
    }

    println!(
        "window: {} accounts x {months} months; {} words typed a key at a time ({} keystrokes); {found} accounts opened",
        common::thousands(f64::from(accounts)),
        texts.len(),
        keystrokes.len()
    );
    let keys = Stats::of(&keystrokes);
    let open = Stats::of(&opens);
    let mut table = LatencyTable::new();
    table.row(
        "keystroke: update, search (its own thread), update, view, layout",
        &keys,
        &format!("p95 ≤ 50 ms: {}", verdict(keys.p95 <= Duration::from_millis(50))),
    );
    table.row(
        "Enter on a result: overview loaded, view, layout",
        &open,
        &format!("≤ 100 ms (p95): {}", verdict(open.p95 <= Duration::from_millis(100))),
    );
    table.row("painting the account screen with the CPU renderer (tiny-skia, 2x)", &Stats::of(&paints), "for scale");
    table.print();
    println!("boot to the sign-in screen laid out (database opened, threads started): {}", ms(boot_time));
}
