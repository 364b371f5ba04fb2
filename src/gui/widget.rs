//! Small pieces every screen uses.

use chrono::NaiveDate;
use iced::widget::{Id, Row, Text, column, container, row, text, text_input};
use iced::{Center, Element, Font, Right, Theme};

use super::theme;
use crate::domain::Money;

/// Width of a money column: "-$1,234,567.89" in the monospace font.
pub const MONEY_WIDTH: f32 = 130.0;

/// Money as a representative reads it: right-aligned in a fixed-width font
/// so the figures of a column line up; amounts owed by the utility (credit
/// balances) in green.
pub fn money<'a>(amount: Money) -> Text<'a> {
    text(amount.to_string()).font(Font::MONOSPACE).align_x(Right).width(MONEY_WIDTH)
}

/// A balance: a credit balance (the utility owes the customer) shows green.
pub fn balance<'a>(amount: Money) -> Text<'a> {
    money(amount)
        .style(move |theme: &Theme| text::Style { color: (amount.is_negative()).then(|| theme.palette().success) })
}

/// An error where it happened, in the danger colour.
pub fn error<'a, M: 'a>(message: &str) -> Element<'a, M> {
    text(message.to_string()).style(text::danger).into()
}

/// A label above an amount, both right-aligned so the figures line up.
pub fn labelled_money<'a, M: 'a>(label: &'a str, value: Text<'a>) -> Element<'a, M> {
    column![text(label).size(12).style(theme::muted).width(MONEY_WIDTH).align_x(Right), value].spacing(2).into()
}

/// A label above a value, for headers.
pub fn labelled<'a, M: 'a>(label: &'a str, value: impl Into<Element<'a, M>>) -> Element<'a, M> {
    column![text(label).size(12).style(theme::muted), value.into()].spacing(2).into()
}

/// A key and what it does, for hints and the F1 list.
pub fn key_hint<'a, M: 'a>(key: &'a str, what: &'a str) -> Element<'a, M> {
    row![
        container(text(key).font(Font::MONOSPACE).size(12)).padding([1, 5]).style(theme::band),
        text(what).size(12).style(theme::muted)
    ]
    .spacing(6)
    .align_y(Center)
    .into()
}

/// A check box the keyboard reaches: a button showing ☑ or ☐ before its
/// label, toggled by a click, or by Enter or Space once focused (iced's own
/// check box takes no focus).
pub fn tick_box<'a, M: Clone + 'a>(on: bool, label: &'a str, toggle: impl FnOnce(bool) -> M) -> Element<'a, M> {
    use super::focus::Action as _;
    iced::widget::button(text(format!("{} {label}", if on { "☑" } else { "☐" })))
        .style(iced::widget::button::text)
        .action(toggle(!on))
        .into()
}

/// What an action did: the sentence, and the ids to quote (kept apart so
/// the sentence reads the same every time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub said: String,
    pub reference: String,
}

impl Notice {
    pub fn new(said: impl Into<String>, reference: impl Into<String>) -> Notice {
        Notice { said: said.into(), reference: reference.into() }
    }
}

pub fn notice<'a, M: 'a>(notice: &'a Notice) -> Element<'a, M> {
    container(
        row![text(notice.said.as_str()), text(notice.reference.as_str()).style(theme::muted)]
            .spacing(10)
            .align_y(Center),
    )
    .padding([6, 10])
    .style(theme::band)
    .into()
}

/// A day typed as YYYY-MM-DD, or what is wrong with it, naming `which` day
/// of the period it is ("first", "last").
pub fn typed_day(typed: &str, which: &str) -> Result<NaiveDate, String> {
    crate::domain::dates::parse_day(typed).map_err(|e| format!("the {which} day: {e}"))
}

/// One of a period's two days: the field's id, what is typed, and the
/// message a keystroke sends.
pub type DayField<'a, M> = (Id, &'a str, fn(String) -> M);

/// "`label` [first] to [last]": a period typed as two days; Enter in either
/// sends `submit`. Screens push what else the row holds (Run, a path).
pub fn period<'a, M: Clone + 'a>(
    label: &'a str,
    first: DayField<'a, M>,
    last: DayField<'a, M>,
    submit: M,
) -> Row<'a, M> {
    let field = |(id, typed, on_input): DayField<'a, M>| {
        text_input("YYYY-MM-DD", typed).id(id).on_input(on_input).on_submit(submit.clone()).padding(6).width(130)
    };
    row![text(label), field(first), text("to"), field(last)].spacing(8).align_y(Center)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_day_is_read_or_told_how_to_type_it() {
        assert_eq!(typed_day(" 2026-11-01 ", "first"), Ok(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default()));
        assert_eq!(
            typed_day("2026-13-01", "last"),
            Err("the last day: \"2026-13-01\" is not a day of the calendar".into())
        );
        for typed in ["11/01/2026", "", "2026-2-3", "26-01-01"] {
            let said = typed_day(typed, "last").unwrap_err();
            assert!(
                said.starts_with("the last day: ")
                    && said.ends_with("is not a date written YYYY-MM-DD, like 2026-03-31")
            );
        }
    }
}
