//! What the account's forms share: the line that says what will happen to
//! a money action, the send and cancel buttons, the panel with its error,
//! and the notice an outcome leaves.

use iced::widget::{Column, button, container, row, text};
use iced::{Element, Length};

use crate::desk::Outcome;
use crate::domain::authority::Decision;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};

/// What the policy said for the amount typed, or why it could not say.
pub type Preview = Option<Result<Decision, String>>;

/// "Within your limits: this credit will post now." or the reason it goes
/// for approval or is refused; `waiting` before there is anything to judge.
pub fn decision_line<'a, M: 'a>(preview: &'a Preview, what: &str, waiting: &'a str) -> Element<'a, M> {
    match preview {
        None => text(waiting).style(theme::muted).into(),
        Some(Ok(Decision::Post)) => {
            text(format!("Within your limits: this {what} will post now.")).style(text::success).into()
        }
        Some(Ok(Decision::Pend { reason, .. })) => text(format!("{reason}.")).style(text::warning).into(),
        Some(Ok(Decision::Refuse { reason })) => widget::error(reason),
        Some(Err(error)) => widget::error(error),
    }
}

/// The send button says where the action goes.
pub fn send_label(preview: &Preview, post: &'static str) -> &'static str {
    match preview {
        Some(Ok(Decision::Pend { .. })) => "Send for approval",
        _ => post,
    }
}

/// Send (disabled while sending) and Cancel.
pub fn buttons<'a, M: Clone + 'a>(label: &'a str, sending: bool, send: M, cancel: M) -> Element<'a, M> {
    row![
        button(text(label)).action_maybe((!sending).then_some(send)),
        button(text("Cancel")).action(cancel).style(button::secondary),
    ]
    .spacing(8)
    .into()
}

/// The form in its panel, with the error (if any) at its foot.
pub fn panel<'a, M: 'a>(form: Column<'a, M>, error: Option<&'a str>) -> Element<'a, M> {
    let form = form.spacing(8).width(Length::Fill).push(error.map(widget::error));
    container(form).padding(12).style(theme::panel).into()
}

/// Sends a money action through the desk's one door (`submit`: the
/// signed-in person's limits, posted or sent for approval).
pub fn submit(
    backend: &crate::gui::backend::Backend,
    actor: &crate::desk::Actor,
    request: crate::desk::MoneyRequest,
) -> iced::Task<Result<Outcome, crate::desk::DeskError>> {
    let (backend, actor) = (backend.clone(), actor.clone());
    iced::Task::perform(
        async move { backend.run(move |desk| desk.submit(&actor, chrono::Utc::now(), &request)).await },
        |sent| sent,
    )
}

/// What a submitted money action did: `posted` when it posted.
pub fn outcome_notice(outcome: Outcome, posted: String) -> Notice {
    match outcome {
        Outcome::Posted(p) => Notice::new(posted, format!("posting {}", p.posting_id)),
        Outcome::Pending { request, reason, .. } => {
            Notice::new(format!("Sent for approval. {reason}."), format!("request {request}"))
        }
    }
}
