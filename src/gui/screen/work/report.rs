//! The liaison follow-up report (F2, Alt+3): Mayor's office and City
//! Council items opened in a period, by source, with a CSV of the items.

use std::path::Path;

use crate::documents::file::Existing;

use iced::widget::{button, column, row, scrollable, text, text_input};
use iced::{Center, Element, Fill, Font};

use super::{CSV_PATH, FROM, Message, TO, Work};
use crate::desk::{DeskError, LiaisonReport};
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};

/// Where the report's CSV goes unless the person says otherwise.
pub(super) fn file_name(from: &str, to: &str) -> String {
    format!("liaison-{from}-to-{to}.csv")
}

impl Work {
    pub(super) fn report_view(&self) -> Element<'_, Message> {
        let inputs =
            widget::period("Opened from", (FROM, &self.from, Message::From), (TO, &self.to, Message::To), Message::Run)
                .push(button(text("Run")).action(Message::Run));
        let mut page =
            column![text("Liaison follow-up: Mayor's office and City Council items").size(18), inputs].spacing(10);
        let Some(report) = &self.report else {
            return page.push(text("Enter in a date runs the report.").style(theme::muted)).into();
        };
        let header = row![
            text("Source").width(260),
            text("Opened").width(70),
            text("Open").width(60),
            text("Closed").width(60),
            text("Overdue").width(70),
            text("Avg age (bd)").width(100),
        ]
        .spacing(8);
        let groups = report.groups.iter().fold(column![header].spacing(2), |list, g| {
            let source = match g.council_district {
                Some(d) => format!("{} district {d}", g.source.label()),
                None => g.source.label().to_string(),
            };
            list.push(
                row![
                    text(source).width(260),
                    text(g.opened.to_string()).font(Font::MONOSPACE).width(70),
                    text(g.open.to_string()).font(Font::MONOSPACE).width(60),
                    text(g.closed.to_string()).font(Font::MONOSPACE).width(60),
                    text(g.overdue.to_string()).font(Font::MONOSPACE).width(70),
                    text(format!("{:.1}", g.average_age_business_days)).font(Font::MONOSPACE).width(100),
                ]
                .spacing(8),
            )
        });
        let rows = report.rows.iter().fold(column![].spacing(2), |list, r| {
            list.push(
                row![
                    text(format!("#{}", r.complaint)).font(Font::MONOSPACE).width(64),
                    text(r.account.clone()).font(Font::MONOSPACE).width(100),
                    text(r.council_district.map_or_else(|| "Mayor".to_string(), |d| format!("Council {d}"))).width(90),
                    text(format!("due {}", r.due_on)).width(120),
                    text(r.status).width(60),
                    text(format!("{} bd", r.age_business_days)).width(60),
                    text(if r.overdue { "overdue" } else { "" }).style(text::danger).width(70),
                    text(r.resolution.unwrap_or("")).width(Fill),
                ]
                .spacing(8),
            )
        });
        let save = row![
            text_input("Save the items as CSV to…", &self.save.typed)
                .id(CSV_PATH)
                .on_input(Message::CsvPath)
                .padding(6),
            button(text("Save CSV  Alt+V")).action(Message::SaveCsv),
        ]
        .spacing(8)
        .align_y(Center);
        page = page
            .push(
                text(format!(
                    "{} items opened {} to {}, as of {}",
                    report.rows.len(),
                    report.from,
                    report.to,
                    report.as_of
                ))
                .style(theme::muted),
            )
            .push(groups)
            .push(save)
            .push(scrollable(rows).spacing(6).height(Fill));
        page.into()
    }
}

pub(super) fn save_csv(report: &LiaisonReport, path: &Path, existing: Existing) -> Result<Notice, DeskError> {
    if path.as_os_str().is_empty() {
        return Err(DeskError::Invalid("say where to save the CSV".into()));
    }
    crate::documents::file::write_whole_as(path, existing, |file| {
        crate::documents::reports::write_liaison_csv(report, file)
    })?;
    Ok(Notice::new(format!("Saved {} items as CSV.", report.rows.len()), path.display().to_string()))
}
