//! The account's summary: the header band (who, where, status, balance,
//! aging, alerts) and the Activity and Requests tabs.

use iced::widget::{button, column, container, row, rule, scrollable, text};
use iced::{Center, Element, Fill, Font};

use super::Message;
use crate::desk::{Overview, RequestView};
use crate::domain::Money;
use crate::domain::ids::PostingId;
use crate::domain::ledger::{PostingKind, Side};
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, labelled, labelled_money, money};
use crate::records::EntryRow;

/// Wide enough for $99,999.99 in the monospace font.
const BUCKET_WIDTH: f32 = 108.0;

pub(super) fn header(overview: &Overview) -> Element<'_, Message> {
    let a = &overview.account;
    let aging = &overview.aging;
    // The address has a line of its own: beside the number it was squeezed
    // to nothing at the window's narrowest.
    let who = column![
        text(a.customer.name.clone()).size(22),
        row![
            text(a.account.number.to_string()).font(Font::MONOSPACE),
            text(a.account.status.to_string()).style(theme::muted),
        ]
        .spacing(12),
        text(a.premise.address.to_string()).style(theme::muted),
    ]
    .spacing(2)
    .width(Fill);
    // The aging buckets are narrower than a money column, which leaves the
    // customer's name and address room on a 1,024-pixel window.
    let bucket = |label: &'static str, amount| {
        column![
            text(label).size(12).style(theme::muted).width(BUCKET_WIDTH).align_x(iced::Right),
            money(amount).width(BUCKET_WIDTH)
        ]
        .spacing(2)
    };
    let figures = row![
        labelled_money("Balance", widget::balance(a.balance).size(20)),
        bucket("Current", aging.current),
        bucket("1–30", aging.days_1_30),
        bucket("31–60", aging.days_31_60),
        bucket("61–90", aging.days_61_90),
        bucket("Over 90", aging.over_90),
    ]
    .spacing(8)
    .align_y(Center);
    let flags = &overview.flags;
    let ended = a.account.closed_on.map(|on| format!("Service ended {on}: {}", a.account.status)).unwrap_or_default();
    let alerts = [
        (a.account.closed_on.is_some(), false, ended),
        (flags.past_due, true, format!("Past due {} days", aging.oldest_days_past_due)),
        (flags.cutoff_eligible, true, "Cut-off eligible".to_string()),
        (flags.last_read_estimated, false, "Last read estimated".to_string()),
        (flags.pending_items > 0, false, format!("{} pending approval", flags.pending_items)),
        (flags.open_complaints > 0, false, format!("{} open complaint(s)", flags.open_complaints)),
        (
            flags.open_disputes > 0,
            false,
            format!("Disputed {} (not past due, {} open)", aging.disputed, flags.open_disputes),
        ),
    ];
    let chips = alerts.into_iter().filter(|(on, _, _)| *on).fold(row![].spacing(6), |chips, (_, danger, label)| {
        chips.push(container(text(label).size(13)).padding([2, 10]).style(theme::alert(danger)))
    });
    // What a call needs without opening anything: how to reach the
    // customer, where their mail goes, the meter, and who may be spoken to.
    let c = &a.customer;
    let or_none =
        |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty()).unwrap_or("none on file".into());
    let mailing =
        if c.mailing == a.premise.address { "the service address".to_string() } else { c.mailing.to_string() };
    let reach = row![
        labelled("Phone", text(or_none(&c.phone)).font(Font::MONOSPACE)),
        labelled("Email", text(or_none(&c.email))),
        labelled("Mail goes to", text(mailing)),
        labelled("Meter", text(format!("{} ({})", a.services.meter_number, a.services.meter_size))),
        labelled("May be spoken to", text(overview.spoken_to())),
    ]
    .spacing(24)
    .wrap();
    // Compact, the figures go under the name (beside it the name was
    // squeezed to nothing) and wrap.
    let top: Element<'_, Message> = if crate::gui::layout::narrow() {
        column![who, figures.wrap()].spacing(8).into()
    } else {
        row![who, figures].spacing(16).align_y(Center).into()
    };
    container(column![top, reach, chips.wrap()].spacing(8)).padding(12).style(theme::band).into()
}

/// The balance after each entry, the newest first: the account's balance
/// now, less each newer entry's effect going back.
pub(super) fn running_balances(now: Money, entries: &[EntryRow]) -> Vec<Money> {
    let mut after = now;
    entries
        .iter()
        .map(|entry| {
            let this = after;
            after = match entry.side {
                Side::Debit => after - entry.amount,
                Side::Credit => after + entry.amount,
            };
            this
        })
        .collect()
}

/// Width of a posting number ("#1234567").
const POSTING_WIDTH: f32 = 80.0;

pub(super) fn activity<'a>(overview: &'a Overview, chosen: Option<PostingId>) -> Element<'a, Message> {
    // Narrow, each entry takes two lines: what it was, then its figures.
    let two_lines = crate::gui::layout::table_line::<Message>;
    let head = two_lines(
        row![text("Date").width(100), text("Posting").width(POSTING_WIDTH), text("What").width(Fill)].spacing(12),
        row![
            text("Charges").width(widget::MONEY_WIDTH).align_x(iced::Right),
            text("Payments, credits").width(widget::MONEY_WIDTH).align_x(iced::Right),
            text("Balance").width(widget::MONEY_WIDTH + 20.0).align_x(iced::Right),
        ]
        .spacing(12),
    );
    let balances = running_balances(overview.account.balance, &overview.entries);
    let rows = overview.entries.iter().zip(balances).fold(column![].spacing(2), |list, (entry, balance)| {
        let (charge, credit) = match entry.side {
            Side::Debit => (Some(entry.amount), None),
            Side::Credit => (None, Some(entry.amount)),
        };
        // Memos mostly begin with what they are ("Late fee: 1.5% of ...").
        let label = kind_label(entry.kind);
        let mut what =
            if entry.memo.starts_with(label) { entry.memo.clone() } else { format!("{label}: {}", entry.memo) };
        if let Some(by) = entry.reversed_by {
            what.push_str(&format!(" (reversed by {by})"));
        }
        let line = two_lines(
            row![
                text(entry.effective_on.to_string()).font(Font::MONOSPACE).width(100),
                text(format!("#{}", entry.posting_id)).font(Font::MONOSPACE).width(POSTING_WIDTH),
                text(what).width(Fill),
            ]
            .spacing(12),
            row![
                charge.map_or_else(|| text("").width(widget::MONEY_WIDTH), money),
                credit.map_or_else(|| text("").width(widget::MONEY_WIDTH), money),
                widget::balance(balance),
            ]
            .spacing(12),
        );
        // A row is chosen by ↑ ↓, or by Tab and Enter, for Alt+V and Alt+R.
        list.push(
            button(line)
                .padding([1, 0])
                .style(theme::row_button(chosen == Some(entry.posting_id)))
                .width(Fill)
                .action(Message::ChooseEntry(entry.posting_id)),
        )
    });
    let chosen_entry = chosen.and_then(|id| overview.entries.iter().find(|e| e.posting_id == id));
    let can_waive = chosen_entry.is_some_and(|e| e.kind == PostingKind::LateFee && e.reversed_by.is_none());
    let can_reverse = chosen_entry.is_some_and(|e| e.kind != PostingKind::Reversal && e.reversed_by.is_none());
    let actions = row![
        text(match chosen_entry {
            Some(e) => format!("Line #{} chosen", e.posting_id),
            None => "↑ ↓ choose a line".to_string(),
        })
        .style(theme::muted),
        button(text("Waive late fee  Alt+V"))
            .style(button::secondary)
            .action_maybe(can_waive.then_some(Message::OpenPosting(super::posting::Act::Waive))),
        button(text("Reverse  Alt+R"))
            .style(button::secondary)
            .action_maybe(can_reverse.then_some(Message::OpenPosting(super::posting::Act::Reverse))),
    ]
    .spacing(8)
    .align_y(Center)
    .wrap();
    column![
        actions,
        // Past the list's scroll bar, where it has one (not on a compact
        // window, where the page scrolls).
        container(head).padding(iced::Padding {
            right: if crate::gui::layout::compact() { 4.0 } else { 18.0 },
            left: 4.0,
            ..iced::Padding::ZERO
        }),
        rule::horizontal(1),
        scrollable(rows.padding([0, 4])).spacing(6).height(crate::gui::layout::pane_height())
    ]
    .spacing(4)
    .into()
}

pub(super) fn requests(requests: &[RequestView]) -> Element<'_, Message> {
    if requests.is_empty() {
        return text("No request is waiting for approval on this account.").style(theme::muted).into();
    }
    requests
        .iter()
        .fold(column![].spacing(6), |list, r| {
            list.push(
                row![
                    text(format!("#{}", r.row.id)).font(Font::MONOSPACE).width(60),
                    text(format!("{} by {}", r.row.action, r.row.requested_by_full_name)).width(220),
                    money(r.row.amount),
                    text(format!("{} business days", r.age_business_days)).width(140),
                    text(r.row.reason.clone()).style(theme::muted).width(Fill),
                ]
                .spacing(12),
            )
        })
        .into()
}

fn kind_label(kind: PostingKind) -> &'static str {
    match kind {
        PostingKind::Bill => "Bill",
        PostingKind::Payment => "Payment",
        PostingKind::Credit => "Credit",
        PostingKind::Adjustment => "Adjustment",
        PostingKind::LateFee => "Late fee",
        PostingKind::Waiver => "Waiver",
        PostingKind::Reversal => "Reversal",
        PostingKind::Deposit => "Deposit",
        PostingKind::OpeningBalance => "Opening balance",
        PostingKind::BalanceTransfer => "Balance moved",
        PostingKind::Refund => "Refund",
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Utc};

    use super::*;
    use crate::domain::ids::PostingId;

    fn entry(id: i64, side: Side, cents: i64) -> EntryRow {
        EntryRow {
            posting_id: PostingId(id),
            kind: PostingKind::Bill,
            effective_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
            posted_at: Utc::now(),
            memo: String::new(),
            reason: None,
            bill_id: None,
            side,
            amount: Money::from_cents(cents),
            reversed_by: None,
        }
    }

    #[test]
    fn each_line_shows_the_balance_after_it() {
        // Oldest to newest: a $120.00 bill, a $100.00 payment, a $61.60 bill; now $81.60 owed.
        let newest_first = [entry(3, Side::Debit, 6160), entry(2, Side::Credit, 10000), entry(1, Side::Debit, 12000)];
        let balances = running_balances(Money::from_cents(8160), &newest_first);
        assert_eq!(balances, [Money::from_cents(8160), Money::from_cents(2000), Money::from_cents(12000)]);
    }
}
