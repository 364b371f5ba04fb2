//! One theme in light and dark: calm neutrals, one blue for what can be
//! acted on, and red, amber and green kept for money owed, warnings and
//! success. Built once and cloned (iced's custom themes are shared).

use iced::theme::Palette;
use iced::widget::{button, container, text};
use iced::{Border, Color, Theme, border, color};

pub use crate::desk::settings::ThemeChoice;

/// The three themes, made once at start.
#[derive(Debug, Clone)]
pub struct Themes {
    light: Theme,
    dark: Theme,
    contrast: Theme,
}

impl Default for Themes {
    fn default() -> Self {
        Themes {
            light: Theme::custom(
                "Utility Desk Light",
                Palette {
                    background: color!(0xf6f7f9),
                    text: color!(0x1c2128),
                    primary: color!(0x0a4f96),
                    success: color!(0x0f5c26),
                    warning: color!(0x704a00),
                    danger: color!(0xa8141c),
                },
            ),
            dark: Theme::custom(
                "Utility Desk Dark",
                Palette {
                    background: color!(0x1b1e23),
                    text: color!(0xf0f2f4),
                    primary: color!(0x2f6bc4),
                    success: color!(0x46b45d),
                    warning: color!(0xd6a23a),
                    danger: color!(0xff8c90),
                },
            ),
            // For low vision: black on white, and every colour dark enough
            // to read as text at 7:1 (WCAG's AAA) on the white.
            contrast: Theme::custom(
                "Utility Desk High Contrast",
                Palette {
                    background: color!(0xffffff),
                    text: color!(0x000000),
                    primary: color!(0x00398f),
                    success: color!(0x00521b),
                    warning: color!(0x5c3b00),
                    danger: color!(0x9e0010),
                },
            ),
        }
    }
}

impl Themes {
    pub fn get(&self, choice: ThemeChoice) -> Theme {
        match choice {
            ThemeChoice::Light => self.light.clone(),
            ThemeChoice::Dark => self.dark.clone(),
            ThemeChoice::HighContrast => self.contrast.clone(),
        }
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

/// `colour` laid over the window's background at `amount` (0 to 1): a
/// tint that the text colour still reads on.
fn tint(theme: &Theme, colour: Color, amount: f32) -> Color {
    let bg = theme.palette().background;
    let mix = |c: f32, b: f32| c * amount + b * (1.0 - amount);
    Color::from_rgb(mix(colour.r, bg.r), mix(colour.g, bg.g), mix(colour.b, bg.b))
}

/// An alert chip: red for money and cut-off, amber for the rest; the
/// window's text on a tint of the colour, so it reads in every theme.
pub fn alert(danger: bool) -> impl Fn(&Theme) -> container::Style {
    move |theme: &Theme| {
        let palette = theme.palette();
        let colour = if danger { palette.danger } else { palette.warning };
        container::Style {
            background: Some(alert_background(theme, colour).into()),
            text_color: Some(palette.text),
            border: Border { color: colour, width: 1.0, radius: 10.0.into() },
            ..container::Style::default()
        }
    }
}

fn alert_background(theme: &Theme, colour: Color) -> Color {
    tint(theme, colour, 0.18)
}

/// The background of the chosen row of a list: a tint of the action colour.
pub fn selected_background(theme: &Theme) -> Color {
    tint(theme, theme.palette().primary, 0.2)
}

/// The focused or selected row of a list.
pub fn row_button(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme: &Theme, status| {
        let p = theme.extended_palette();
        let background = match (selected, status) {
            (true, _) => Some(selected_background(theme).into()),
            (false, button::Status::Hovered) => Some(p.background.weak.color.into()),
            _ => None,
        };
        button::Style {
            background,
            text_color: p.background.base.text,
            border: if selected {
                Border { color: theme.palette().primary, width: 1.0, radius: 3.0.into() }
            } else {
                border::rounded(3)
            },
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

/// How much of the text colour secondary text keeps: enough for 4.5:1 on
/// every background it is drawn on (the contrast test below checks).
pub const MUTED_ALPHA: f32 = 0.78;

/// Secondary text: labels, dates, hints. The text colour, softened, so it
/// stays readable on every background (a selected row included).
pub fn muted(theme: &Theme) -> text::Style {
    text::Style { color: Some(theme.palette().text.scale_alpha(MUTED_ALPHA)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2.1's relative luminance of an sRGB colour.
    fn luminance(c: Color) -> f32 {
        let linear = |v: f32| if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
        0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
    }

    /// `fg` drawn over `bg`, its transparency blended in.
    fn over(fg: Color, bg: Color) -> Color {
        let mix = |f: f32, b: f32| f * fg.a + b * (1.0 - fg.a);
        Color::from_rgb(mix(fg.r, bg.r), mix(fg.g, bg.g), mix(fg.b, bg.b))
    }

    /// WCAG 2.1's contrast ratio of text `fg` on `bg`.
    fn ratio(fg: Color, bg: Color) -> f32 {
        let (a, b) = (luminance(over(fg, bg)), luminance(bg));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn the_ratio_is_wcags() {
        assert!((ratio(Color::BLACK, Color::WHITE) - 21.0).abs() < 0.01);
        assert!((ratio(color!(0x767676), Color::WHITE) - 4.54).abs() < 0.01);
    }

    /// Every pair of text and background the window draws, in every theme,
    /// meets WCAG 2.1 AA (4.5:1 for text); the focus ring and borders that
    /// mark what can be acted on, 3:1 (non-text contrast).
    #[test]
    fn every_theme_meets_wcag_aa_contrast() {
        let themes = Themes::default();
        let mut failures = Vec::new();
        for choice in ThemeChoice::ALL {
            let theme = themes.get(choice);
            let (palette, p) = (theme.palette(), theme.extended_palette());
            let muted = palette.text.scale_alpha(MUTED_ALPHA);
            let backgrounds = [
                ("window", p.background.base.color),
                ("panel", p.background.weak.color),
                ("band", p.background.weaker.color),
            ];
            let mut text_pairs = Vec::new();
            for (name, bg) in backgrounds {
                text_pairs.push((format!("text on {name}"), palette.text, bg));
                text_pairs.push((format!("secondary text on {name}"), muted, bg));
                text_pairs.push((format!("money owed (danger) on {name}"), palette.danger, bg));
                text_pairs.push((format!("warning on {name}"), palette.warning, bg));
                text_pairs.push((format!("success on {name}"), palette.success, bg));
            }
            text_pairs.extend([
                ("primary button".to_string(), p.primary.base.text, p.primary.base.color),
                ("hovered primary button".to_string(), p.primary.strong.text, p.primary.strong.color),
                ("secondary button".to_string(), p.secondary.base.text, p.secondary.base.color),
                ("selected row".to_string(), palette.text, selected_background(&theme)),
                ("secondary text on a selected row".to_string(), muted, selected_background(&theme)),
                ("red alert chip".to_string(), palette.text, alert_background(&theme, palette.danger)),
                ("amber alert chip".to_string(), palette.text, alert_background(&theme, palette.warning)),
                ("money owed on a selected row".to_string(), palette.danger, selected_background(&theme)),
            ]);
            for (what, fg, bg) in text_pairs {
                let r = ratio(fg, bg);
                if r < 4.5 {
                    failures.push(format!("{}: {what} {r:.2}:1", choice.label()));
                }
            }
            for (name, bg) in backgrounds {
                let r = ratio(crate::gui::focus::ring_colour(&theme), bg);
                if r < 3.0 {
                    failures.push(format!("{}: focus ring on {name} {r:.2}:1", choice.label()));
                }
            }
        }
        assert!(failures.is_empty(), "below WCAG 2.1 AA: {failures:#?}");
    }
}
