//! Small pieces every screen uses.

use iced::widget::{Text, column, container, row, text};
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
