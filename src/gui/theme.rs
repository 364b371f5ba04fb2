//! One theme in light and dark: calm neutrals, one blue for what can be
//! acted on, and red, amber and green kept for money owed, warnings and
//! success. Built once and cloned (iced's custom themes are shared).

use iced::theme::Palette;
use iced::widget::{button, container, text};
use iced::{Border, Theme, border, color};

/// Both themes, made once at start.
#[derive(Debug, Clone)]
pub struct Themes {
    light: Theme,
    dark: Theme,
}

impl Default for Themes {
    fn default() -> Self {
        Themes {
            light: Theme::custom(
                "Utility Desk Light",
                Palette {
                    background: color!(0xf6f7f9),
                    text: color!(0x1c2128),
                    primary: color!(0x0b5cad),
                    success: color!(0x1a7f37),
                    warning: color!(0x9a6700),
                    danger: color!(0xc4262e),
                },
            ),
            dark: Theme::custom(
                "Utility Desk Dark",
                Palette {
                    background: color!(0x1b1e23),
                    text: color!(0xe4e7eb),
                    primary: color!(0x5b9cf0),
                    success: color!(0x46b45d),
                    warning: color!(0xd6a23a),
                    danger: color!(0xf0656b),
                },
            ),
        }
    }
}

impl Themes {
    pub fn get(&self, dark: bool) -> Theme {
        if dark { self.dark.clone() } else { self.light.clone() }
    }
}

/// A panel: the background a shade off the window's, a hairline border.
pub fn panel(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(p.background.weak.color.into()),
        border: Border { color: p.background.strong.color, width: 1.0, radius: 4.0.into() },
        ..container::Style::default()
    }
}

/// The header band of an account: one step stronger than a panel.
pub fn band(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(p.background.weaker.color.into()),
        border: border::rounded(4),
        ..container::Style::default()
    }
}

/// An alert chip: red for money and cut-off, amber for the rest.
pub fn alert(danger: bool) -> impl Fn(&Theme) -> container::Style {
    move |theme: &Theme| {
        let p = theme.extended_palette();
        let pair = if danger { p.danger.weak } else { p.warning.weak };
        container::Style {
            background: Some(pair.color.into()),
            text_color: Some(pair.text),
            border: border::rounded(10),
            ..container::Style::default()
        }
    }
}

/// The focused or selected row of a list.
pub fn row_button(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme: &Theme, status| {
        let p = theme.extended_palette();
        let background = match (selected, status) {
            (true, _) => Some(p.primary.weak.color.into()),
            (false, button::Status::Hovered) => Some(p.background.weak.color.into()),
            _ => None,
        };
        button::Style {
            background,
            text_color: if selected { p.primary.weak.text } else { p.background.base.text },
            border: border::rounded(3),
            ..button::Style::default()
        }
    }
}

/// A tab: the selected one reads as part of the page below it.
pub fn tab(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme: &Theme, status| {
        if selected { button::primary(theme, status) } else { button::text(theme, status) }
    }
}

/// Secondary text: labels, dates, hints. The text colour, softened, so it
/// stays readable on every background (a selected row included).
pub fn muted(theme: &Theme) -> text::Style {
    text::Style { color: Some(theme.palette().text.scale_alpha(0.68)) }
}
