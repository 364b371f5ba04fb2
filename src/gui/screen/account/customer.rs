//! The customer's information kept current from the account
//! (`desk::customers` does the work): the name, where mail goes (the
//! service address or one apart), phone, email and paperless billing; and
//! who else may be spoken to, added with full access or about payments
//! only, or ended. Only what was changed is sent; the desk keeps each
//! change's before and after, and a name changed soon after the mailing
//! address is for a Supervisor, who is told it was flagged.

use chrono::Utc;
use iced::widget::{Id, button, column, operation, row, text, text_input};
use iced::{Center, Element, Task};

use super::form;
use crate::desk::PartyRequest;
use crate::desk::{Access, Actor, CustomerChanged, CustomerUpdate, DeskError, NAME_AFTER_MAILING_DAYS, Overview};
use crate::domain::account::{Address, tidy_phone};
use crate::domain::ids::AccountId;
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};
use crate::records::PartyRow;

/// The form's inputs, in the order they show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    MailLine1,
    MailLine2,
    MailCity,
    MailState,
    MailZip,
    Phone,
    Email,
    PartyName,
    PartyFrom,
    PartyUntil,
}

impl Field {
    const ALL: [Field; 11] = [
        Field::Name,
        Field::MailLine1,
        Field::MailLine2,
        Field::MailCity,
        Field::MailState,
        Field::MailZip,
        Field::Phone,
        Field::Email,
        Field::PartyName,
        Field::PartyFrom,
        Field::PartyUntil,
    ];

    fn label(self) -> &'static str {
        match self {
            Field::Name => "Customer's name",
            Field::MailLine1 => "Mailing address",
            Field::MailLine2 => "Unit, suite or PO Box",
            Field::MailCity => "City",
            Field::MailState => "State",
            Field::MailZip => "ZIP",
            Field::Phone => "Phone",
            Field::Email => "Email",
            Field::PartyName => "Name",
            Field::PartyFrom => "From",
            Field::PartyUntil => "Until",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Field::Name => "As on the customer's identification",
            Field::MailLine1 => "e.g. PO Box 4417",
            Field::MailLine2 | Field::Email => "Blank for none",
            Field::MailCity => "e.g. Tulsa",
            Field::MailState => "e.g. OK",
            Field::MailZip => "e.g. 74159",
            Field::Phone => "e.g. (918) 555-0142; blank for none",
            Field::PartyName => "Who the account holder allows",
            Field::PartyFrom => "YYYY-MM-DD; blank: today",
            Field::PartyUntil => "YYYY-MM-DD; blank: until ended",
        }
    }

    /// `customer-name`, `customer-mailline1`, `customer-partyname`...
    pub fn id(self) -> Id {
        Id::from(format!("customer-{}", format!("{self:?}").to_lowercase()))
    }

    fn slot(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// Choices made with a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Mail goes to the service address (the mailing fields hidden).
    MailToService,
    Paperless,
    /// The person added may be spoken to about payments only.
    PaymentsOnly,
}

/// The button that ends someone's access today.
pub fn end_party_id(party: i64) -> Id {
    Id::from(format!("customer-end-party-{party}"))
}

/// The customer as it stands, to send only what changed.
struct OnFile {
    name: String,
    mailing: Address,
    phone: Option<String>,
    email: Option<String>,
    paperless: bool,
}

pub struct CustomerForm {
    account: AccountId,
    number: String,
    service_address: Address,
    on_file: OnFile,
    values: [String; Field::ALL.len()],
    mail_to_service: bool,
    paperless: bool,
    payments_only: bool,
    parties: Vec<PartyRow>,
    error: Option<String>,
    sending: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Value(Field, String),
    Tick(Tick, bool),
    Next,
    Save,
    AddParty,
    EndParty(i64),
    Done(Result<Notice, DeskError>),
    Cancel,
}

/// What the account must do.
pub enum Event {
    /// Saved: close the form, read the account again, say what changed.
    Done(Notice),
    Closed,
}

impl CustomerForm {
    /// The form over the account's customer as the overview has it, the
    /// focus in the name.
    pub fn new(overview: &Overview) -> (CustomerForm, Task<Message>) {
        let row = &overview.account;
        let customer = &row.customer;
        let on_file = OnFile {
            name: customer.name.clone(),
            mailing: customer.mailing.clone(),
            phone: customer.phone.clone(),
            email: customer.email.clone(),
            paperless: overview.paperless,
        };
        let mut form = CustomerForm {
            account: row.account.id,
            number: row.account.number.to_string(),
            service_address: row.premise.address.clone(),
            mail_to_service: customer.mailing == row.premise.address,
            paperless: overview.paperless,
            payments_only: false,
            parties: overview.parties.clone(),
            values: Default::default(),
            on_file,
            error: None,
            sending: false,
        };
        let mailing = &customer.mailing;
        for (field, value) in [
            (Field::Name, customer.name.as_str()),
            (Field::MailLine1, mailing.line1.as_str()),
            (Field::MailLine2, mailing.line2.as_deref().unwrap_or_default()),
            (Field::MailCity, mailing.city.as_str()),
            (Field::MailState, mailing.state.as_str()),
            (Field::MailZip, mailing.zip.as_str()),
            (Field::Phone, customer.phone.as_deref().unwrap_or_default()),
            (Field::Email, customer.email.as_deref().unwrap_or_default()),
        ] {
            form.values[field.slot()] = value.to_string();
        }
        (form, operation::focus(Field::Name.id()))
    }

    fn typed(&self, field: Field) -> &str {
        self.values[field.slot()].trim()
    }

    /// The mailing fields as an address (checked by the desk).
    fn mailing(&self) -> Result<Address, String> {
        if self.mail_to_service {
            return Ok(self.service_address.clone());
        }
        let required = |field: Field| match self.typed(field) {
            "" => Err(format!("the mailing address needs its {}", field.label().to_lowercase())),
            typed => Ok(typed.to_string()),
        };
        let line1 = match self.typed(Field::MailLine1) {
            "" => return Err("the mailing address is required (or tick: mail goes to the service address)".into()),
            typed => typed.to_string(),
        };
        Ok(Address {
            line1,
            line2: Some(self.typed(Field::MailLine2).to_string()).filter(|t| !t.is_empty()),
            city: required(Field::MailCity)?,
            state: required(Field::MailState)?.to_uppercase(),
            zip: required(Field::MailZip)?,
        })
    }

    /// Only what differs from the file.
    fn changes(&self) -> Result<CustomerUpdate, String> {
        let optional = |field: Field| Some(self.typed(field).to_string()).filter(|t| !t.is_empty());
        let phone = optional(Field::Phone).map(|p| tidy_phone(&p));
        let email = optional(Field::Email);
        let name = self.typed(Field::Name);
        if name.is_empty() {
            return Err("the customer's name is required".into());
        }
        let mailing = self.mailing()?;
        Ok(CustomerUpdate {
            name: Some(name.to_string()).filter(|n| *n != self.on_file.name),
            mailing: Some(mailing).filter(|m| *m != self.on_file.mailing),
            phone: Some(phone).filter(|p| *p != self.on_file.phone),
            email: Some(email).filter(|e| *e != self.on_file.email),
            paperless: Some(self.paperless).filter(|p| *p != self.on_file.paperless),
        })
    }

    fn party(&self) -> Result<PartyRequest, String> {
        let name = match self.typed(Field::PartyName) {
            "" => return Err("the name of the person to add is required".into()),
            typed => typed.to_string(),
        };
        let day = |field: Field| match self.typed(field) {
            "" => Ok(None),
            typed => widget::typed_day(typed, &field.label().to_lowercase()).map(Some),
        };
        Ok(PartyRequest {
            account: self.account,
            name,
            access: if self.payments_only { Access::Payments } else { Access::Full },
            starts_on: day(Field::PartyFrom)?.unwrap_or_else(crate::gui::clock::today),
            ends_on: day(Field::PartyUntil)?,
        })
    }

    pub fn update(&mut self, backend: &Backend, actor: &Actor, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Value(field, typed) => {
                self.values[field.slot()] = typed;
                Task::none()
            }
            Message::Tick(tick, on) => {
                *match tick {
                    Tick::MailToService => &mut self.mail_to_service,
                    Tick::Paperless => &mut self.paperless,
                    Tick::PaymentsOnly => &mut self.payments_only,
                } = on;
                Task::none()
            }
            Message::Next => crate::gui::focus::next_field(),
            Message::Save | Message::AddParty | Message::EndParty(_) if self.sending => Task::none(),
            Message::Save => match self.changes() {
                Err(why) => self.refuse(why),
                Ok(update) if update == CustomerUpdate::default() => {
                    self.refuse("nothing changed: change a field first, or Esc to close".into())
                }
                Ok(update) => self.send(backend, actor, move |desk, actor, account, number| {
                    let changed = desk.update_customer(actor, Utc::now(), account, &update)?;
                    Ok(Notice::new(changed_said(&changed), format!("account {number}")))
                }),
            },
            Message::AddParty => match self.party() {
                Err(why) => self.refuse(why),
                Ok(party) => self.send(backend, actor, move |desk, actor, _, number| {
                    let id = desk.add_party(actor, Utc::now(), &party)?;
                    let access = match party.access {
                        Access::Full => "full access",
                        Access::Payments => "payments only",
                    };
                    let until = party.ends_on.map_or_else(String::new, |d| format!(" until {d}"));
                    let said = format!("{} may be spoken to ({access}) from {}{until}.", party.name, party.starts_on);
                    Ok(Notice::new(said, format!("account {number}, party #{id}")))
                }),
            },
            Message::EndParty(id) => {
                let Some(party) = self.parties.iter().find(|p| p.id == id) else { return (Task::none(), None) };
                // Now: the last day was yesterday (or, for access not yet
                // begun, the day before it would have).
                let day_before = |d: chrono::NaiveDate| d - chrono::Days::new(1);
                let last = day_before(crate::gui::clock::today()).max(day_before(party.starts_on));
                let name = party.name.clone();
                self.send(backend, actor, move |desk, actor, _, number| {
                    desk.end_party(actor, Utc::now(), id, last)?;
                    let said = format!("{name} may no longer be spoken to about the account.");
                    Ok(Notice::new(said, format!("account {number}, party #{id}")))
                })
            }
            Message::Done(Ok(notice)) => return (Task::none(), Some(Event::Done(notice))),
            Message::Done(Err(error)) => {
                self.sending = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            Message::Cancel => return (Task::none(), Some(Event::Closed)),
        };
        (task, None)
    }

    fn refuse(&mut self, why: String) -> Task<Message> {
        self.error = Some(why);
        Task::none()
    }

    fn send(
        &mut self,
        backend: &Backend,
        actor: &Actor,
        act: impl FnOnce(&mut crate::desk::Desk, &Actor, AccountId, &str) -> Result<Notice, DeskError> + Send + 'static,
    ) -> Task<Message> {
        self.sending = true;
        self.error = None;
        let (backend, actor, account, number) = (backend.clone(), actor.clone(), self.account, self.number.clone());
        Task::perform(async move { backend.run(move |desk| act(desk, &actor, account, &number)).await }, Message::Done)
    }

    fn input(&self, field: Field, enter: Message) -> Element<'_, Message> {
        row![
            text(field.label()).width(170),
            text_input(field.hint(), &self.values[field.slot()])
                .id(field.id())
                .on_input(move |typed| Message::Value(field, typed))
                .on_submit(enter)
                .padding(5),
        ]
        .spacing(8)
        .align_y(Center)
        .into()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let tick = |on: bool, label: &'static str, which: Tick| -> Element<'_, Message> {
            widget::tick_box(on, label, move |on| Message::Tick(which, on))
        };
        let mut page = column![text(format!("Customer information (account {})", self.number)).size(18)].spacing(8);
        page = page.push(self.input(Field::Name, Message::Next));
        page = page.push(tick(self.mail_to_service, "Mail goes to the service address", Tick::MailToService));
        if !self.mail_to_service {
            for field in [Field::MailLine1, Field::MailLine2, Field::MailCity, Field::MailState, Field::MailZip] {
                page = page.push(self.input(field, Message::Next));
            }
        }
        page = page.push(self.input(Field::Phone, Message::Next));
        page = page.push(self.input(Field::Email, Message::Save));
        page = page.push(tick(self.paperless, "Paperless billing: bills by email only", Tick::Paperless));
        page = page.push(
            text(format!(
                "Each change is kept with its before and after. A name changed within {NAME_AFTER_MAILING_DAYS} days \
                 of the mailing address is a Supervisor's, and is flagged."
            ))
            .size(13)
            .style(theme::muted),
        );
        page = page.push(form::buttons("Save changes", self.sending, Message::Save, Message::Cancel));

        // Who else may be spoken to: each with a button to end it, then a
        // new one.
        page = page.push(text("May be spoken to, beside the account holder").size(16));
        if self.parties.is_empty() {
            page = page.push(text("No one else.").style(theme::muted));
        }
        for party in &self.parties {
            let access = if party.access == "full" { "full access" } else { "payments only" };
            let until = party.ends_on.map_or_else(String::new, |d| format!(" until {d}"));
            page = page.push(
                row![
                    text(format!("{} ({access}, from {}{until})", party.name, party.starts_on)),
                    button(text(format!("End {}'s access now", party.name)))
                        .style(button::secondary)
                        .action_maybe((!self.sending).then_some(Message::EndParty(party.id)))
                        .id(end_party_id(party.id)),
                ]
                .spacing(12)
                .align_y(Center)
                .wrap(),
            );
        }
        page = page.push(self.input(Field::PartyName, Message::Next));
        page =
            page.push(tick(self.payments_only, "About payments only (not the account's service)", Tick::PaymentsOnly));
        page = page.push(self.input(Field::PartyFrom, Message::Next));
        page = page.push(self.input(Field::PartyUntil, Message::AddParty));
        page = page.push(
            button(text("Add this person"))
                .style(button::secondary)
                .action_maybe((!self.sending).then_some(Message::AddParty)),
        );
        form::panel(page, self.error.as_deref())
    }
}

/// "Saved: phone (918) 555-0142 → (918) 555-7788; paperless no → yes."
fn changed_said(changed: &CustomerChanged) -> String {
    let shown = |v: &Option<String>| match v.as_deref() {
        None => "none".to_string(),
        Some("true") => "yes".to_string(),
        Some("false") => "no".to_string(),
        Some(v) => v.to_string(),
    };
    let fields: Vec<String> = changed
        .fields
        .iter()
        .map(|(field, before, after)| format!("{field} {} → {}", shown(before), shown(after)))
        .collect();
    let mut said = format!("Saved: {}.", fields.join("; "));
    if changed.flagged {
        said.push_str(&format!(
            " Flagged for review: the name changed within {NAME_AFTER_MAILING_DAYS} days of the mailing address."
        ));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_each_change_and_a_flag() {
        let changed = CustomerChanged {
            fields: vec![
                ("phone".into(), Some("(918) 555-0142".into()), Some("(918) 555-7788".into())),
                ("email".into(), Some("a@example.net".into()), None),
            ],
            flagged: true,
        };
        let said = changed_said(&changed);
        assert!(
            said.starts_with("Saved: phone (918) 555-0142 → (918) 555-7788; email a@example.net → none."),
            "{said}"
        );
        assert!(said.contains("Flagged for review"), "{said}");
    }
}
