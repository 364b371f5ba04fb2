//! Usage: 24 months of consumption as bars, with the usual use (the median
//! of the 12 bills before the latest) and the sewer cap drawn across them.

use iced::widget::canvas::{self, Frame, Geometry, Path, Stroke, Text};
use iced::{Color, Point, Rectangle, Renderer, Size, Theme, mouse};

use crate::records::BillRow;

/// One month's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    /// "Mar 26".
    pub label: String,
    pub gallons: u64,
    pub estimated: bool,
}

/// The chart's data, oldest month first.
#[derive(Debug, Default)]
pub struct UsageChart {
    pub months: Vec<Month>,
    /// The usual use the latest month is set against, as "Explain this
    /// bill" says it: the median of the 12 bills before it (fewer for a
    /// newer account), never the latest itself, so a spike does not raise
    /// the line it is compared with.
    pub usual: Option<u64>,
    pub sewer_cap: Option<u64>,
}

impl UsageChart {
    /// From the overview's bills (newest first).
    pub fn new(bills: &[BillRow], sewer_cap: Option<u64>) -> UsageChart {
        let months: Vec<Month> = bills
            .iter()
            .rev()
            .map(|b| Month {
                label: crate::gui::clock::short_month(b.period_end),
                gallons: b.consumption_gal,
                estimated: b.current_read.kind == crate::domain::reads::ReadKind::Estimated,
            })
            .collect();
        let usual = bills.first().and_then(|latest| crate::desk::explain::usual_use(latest, bills)).map(|(u, _)| u);
        UsageChart { months, usual, sewer_cap }
    }
}

impl<Message> canvas::Program<Message> for UsageChart {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<Geometry> {
        // Drawn afresh each time: 24 bars cost nothing, and a cached geometry
        // was seen drawn at its old place after the layout above it grew.
        let mut frame = Frame::new(renderer, bounds.size());
        draw(self, &mut frame, theme);
        vec![frame.into_geometry()]
    }
}

fn draw(chart: &UsageChart, frame: &mut Frame, theme: &Theme) {
    let palette = theme.extended_palette();
    let (left, bottom, top) = (76.0, 22.0, 8.0);
    let plot_height = (frame.height() - bottom - top).max(1.0);
    let plot_width = (frame.width() - left - 8.0).max(1.0);
    let highest = chart.months.iter().map(|m| m.gallons).chain(chart.sewer_cap).chain(chart.usual).max().unwrap_or(0);
    // Round the scale up to a whole thousand gallons so the axis reads simply.
    let scale = (highest.div_ceil(1_000).max(1) * 1_000) as f32;
    let y = |gallons: u64| top + plot_height * (1.0 - gallons as f32 / scale);
    // The window's own text colour: the chart's labels read as its text does.
    let text_color = theme.palette().text;
    let label = |frame: &mut Frame, content: String, position: Point, align: iced::widget::text::Alignment| {
        frame.fill_text(Text {
            content,
            position,
            color: text_color,
            size: 11.0.into(),
            align_x: align,
            ..Text::default()
        });
    };
    // Axis: zero and the top of the scale.
    for gallons in [0, scale as u64 / 2, scale as u64] {
        let at = y(gallons);
        frame.stroke(
            &Path::line(Point::new(left, at), Point::new(left + plot_width, at)),
            Stroke::default().with_width(1.0).with_color(palette.background.strong.color),
        );
        label(
            frame,
            format!("{} gal", crate::desk::explain::thousands(gallons)),
            Point::new(left - 6.0, at - 6.0),
            iced::widget::text::Alignment::Right,
        );
    }
    let count = chart.months.len().max(1) as f32;
    let slot = plot_width / count;
    for (i, month) in chart.months.iter().enumerate() {
        let x = left + i as f32 * slot + slot * 0.15;
        let top_y = y(month.gallons);
        let color = if month.estimated { palette.warning.base.color } else { palette.primary.base.color };
        frame.fill_rectangle(Point::new(x, top_y), Size::new(slot * 0.7, top + plot_height - top_y), color);
        if month.estimated {
            // Marked in words as well as in amber: readable without colour.
            label(
                frame,
                "est.".into(),
                Point::new(x + slot * 0.35, top_y - 14.0),
                iced::widget::text::Alignment::Center,
            );
        }
        if chart.months.len() <= 12 || i % 3 == 0 {
            label(
                frame,
                month.label.clone(),
                Point::new(x + slot * 0.35, top + plot_height + 4.0),
                iced::widget::text::Alignment::Center,
            );
        }
    }
    // The two lines differ in their stroke as well as their colour: the
    // usual dashed, the cap solid.
    let across = |frame: &mut Frame, gallons: u64, color: Color, dashed: bool| {
        let at = y(gallons);
        let stroke = Stroke::default().with_width(2.0).with_color(color);
        let stroke = if dashed {
            Stroke { line_dash: canvas::LineDash { segments: &[8.0, 5.0], offset: 0 }, ..stroke }
        } else {
            stroke
        };
        frame.stroke(&Path::line(Point::new(left, at), Point::new(left + plot_width, at)), stroke);
    };
    if let Some(usual) = chart.usual {
        across(frame, usual, palette.success.base.color, true);
    }
    if let Some(cap) = chart.sewer_cap {
        across(frame, cap, palette.danger.base.color, false);
    }
}
