//! The reason box of the money forms: type a word ("leak", "good"), the
//! first reason it matches is chosen, Enter moves on; the matches show as
//! buttons for the mouse.

use iced::widget::{Id, button, column, row, text, text_input};
use iced::{Center, Element};

use crate::domain::ledger::ReasonCode;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget;

/// A reason as a person reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason(pub ReasonCode);

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.label())
    }
}

/// The reasons whose label or code contains what was typed, in list order.
pub fn matching_reasons(typed: &str) -> Vec<Reason> {
    let typed = typed.trim().to_lowercase();
    ReasonCode::ALL
        .iter()
        .copied()
        .filter(|r| typed.is_empty() || r.label().to_lowercase().contains(&typed) || r.code().contains(&typed))
        .map(Reason)
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct ReasonField {
    typed: String,
    chosen: Option<Reason>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Typed(String),
    Chosen(Reason),
}

impl ReasonField {
    pub fn chosen(&self) -> Option<ReasonCode> {
        self.chosen.map(|r| r.0)
    }

    /// Returns true when a reason was picked from the buttons (the form
    /// then moves on to its next field).
    pub fn update(&mut self, message: Message) -> bool {
        match message {
            Message::Typed(typed) => {
                self.chosen = (!typed.trim().is_empty()).then(|| matching_reasons(&typed).first().copied()).flatten();
                self.typed = typed;
                false
            }
            Message::Chosen(reason) => {
                self.chosen = Some(reason);
                self.typed = reason.0.label().to_string();
                true
            }
        }
    }

    /// The box (with `id`; Enter sends `next`) and, below, the matches.
    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        id: Id,
        next: M,
        wrap: impl Fn(Message) -> M + Copy + 'a,
    ) -> (Element<'a, M>, Element<'a, M>) {
        let input = text_input("Reason: type a word, e.g. leak", &self.typed)
            .id(id)
            .on_input(move |typed| wrap(Message::Typed(typed)))
            .on_submit(next)
            .padding(6)
            .width(260);
        let chosen: Element<'a, M> = match self.chosen {
            Some(reason) => text(format!("→ {reason}")).into(),
            None if self.typed.trim().is_empty() => text("").into(),
            None => widget::error("no reason matches"),
        };
        let choices = matching_reasons(&self.typed).into_iter().fold(row![].spacing(4), |choices, reason| {
            choices.push(
                button(text(reason.0.label()).size(12))
                    .padding([2, 6])
                    .style(theme::row_button(self.chosen == Some(reason)))
                    .action(wrap(Message::Chosen(reason))),
            )
        });
        (row![input, chosen].spacing(8).align_y(Center).into(), column![choices].into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_chooses_the_first_reason_it_matches() {
        let mut field = ReasonField::default();
        field.update(Message::Typed("leak".into()));
        assert_eq!(field.chosen(), Some(ReasonCode::Leak));
        field.update(Message::Typed("ERROR".into()));
        // "Meter misread or malfunction" has the code meter-error; billing error follows.
        assert_eq!(field.chosen(), Some(ReasonCode::MeterError));
        field.update(Message::Typed("billing".into()));
        assert_eq!(field.chosen(), Some(ReasonCode::BillingError));
        field.update(Message::Typed("zzz".into()));
        assert_eq!(field.chosen(), None);
        field.update(Message::Typed("   ".into()));
        assert_eq!(field.chosen(), None);
        assert!(field.update(Message::Chosen(Reason(ReasonCode::Other))));
        assert_eq!(field.chosen(), Some(ReasonCode::Other));
    }
}
