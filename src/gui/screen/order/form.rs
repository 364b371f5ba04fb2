//! The service-order form: a new order's kind and fields, or a draft's
//! fields changed, the required ones marked; saved as a draft, or saved and
//! submitted (a draft that cannot be submitted yet is kept, and the form
//! says why).

use chrono::Utc;
use iced::widget::{Id, button, column, container, operation, row, text, text_input};
use iced::{Center, Element, Task};

use crate::desk::{Actor, DeskError, OrderRequest};
use crate::domain::ids::{AccountId, BillId};
use crate::domain::orders::{Field, OrderFields, OrderKind};
use crate::gui::backend::Backend;
use crate::gui::focus::Action as _;
use crate::gui::theme;
use crate::gui::widget::{self, Notice};
use crate::records::OrderRow;

/// The input of one field of the order form, for focus and for tests.
pub fn field_id(field: Field) -> Id {
    match field {
        Field::ServiceDate => Id::new("order-service-date"),
        Field::ServiceAddress => Id::new("order-service-address"),
        Field::ForwardingAddress => Id::new("order-forwarding-address"),
        Field::NewAddress => Id::new("order-new-address"),
        Field::Bill => Id::new("order-bill"),
        Field::MeterNumber => Id::new("order-meter-number"),
        Field::ContactPhone => Id::new("order-contact-phone"),
        Field::AccessNotes => Id::new("order-access-notes"),
        Field::LeakLocation => Id::new("order-leak-location"),
        Field::Reason => Id::new("order-reason"),
    }
}

/// The button choosing a kind of order, where a new order's form puts the focus.
pub fn kind_id(kind: OrderKind) -> Id {
    Id::from(format!("order-kind-{}", kind.code()))
}

const KINDS: [OrderKind; 7] = [
    OrderKind::StartService,
    OrderKind::StopService,
    OrderKind::TransferService,
    OrderKind::MeterReread,
    OrderKind::LeakInspection,
    OrderKind::HighBillInvestigation,
    OrderKind::MeterTest,
];

fn hint(field: Field) -> &'static str {
    match field {
        Field::ServiceDate => "YYYY-MM-DD",
        Field::ServiceAddress => "As the customer gives it",
        Field::ForwardingAddress => "Where the final bill goes",
        Field::NewAddress => "Where service moves to",
        Field::Bill => "Bill number",
        Field::MeterNumber => "As on the meter",
        Field::ContactPhone => "e.g. 555-0142",
        Field::AccessNotes => "Gate code, dog, where the meter is",
        Field::LeakLocation => "Where the customer sees or hears it",
        Field::Reason => "What the customer says is wrong",
    }
}

/// What the desk knows of the account, to fill a new order's form with.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub service_address: String,
    pub meter_number: String,
    pub phone: Option<String>,
    /// The bill on screen (chosen on the Bills tab), else the newest.
    pub bill: Option<BillId>,
    /// The open complaint it is started from, linked to it.
    pub complaint: Option<i64>,
}

/// A new order, or a draft being edited.
pub struct OrderForm {
    account: AccountId,
    /// The draft being edited; `None` drafts a new order.
    draft: Option<i64>,
    /// The complaint a new order is started from.
    complaint: Option<i64>,
    kind: Option<OrderKind>,
    /// What is typed, by [`Field::ALL`]'s order.
    values: [String; 10],
    error: Option<String>,
    sending: bool,
}

#[derive(Debug, Clone)]
pub enum FormMessage {
    Kind(OrderKind),
    Value(Field, String),
    Next,
    Save { submit: bool },
    Saved(Result<(i64, Notice), DeskError>),
    Cancel,
}

pub enum FormEvent {
    /// The order was saved (and maybe submitted): open it.
    Saved(i64, Notice),
    Closed,
}

fn slot(field: Field) -> usize {
    Field::ALL.iter().position(|f| *f == field).unwrap_or(0)
}

impl OrderForm {
    pub fn new(account: AccountId) -> OrderForm {
        OrderForm {
            account,
            draft: None,
            complaint: None,
            kind: None,
            values: Default::default(),
            error: None,
            sending: false,
        }
    }

    /// A new order's form, with the focus on its first kind (Tab moves
    /// through the kinds, Enter or Space chooses one).
    pub fn open(account: AccountId, known: Known) -> (OrderForm, Task<FormMessage>) {
        let mut form = OrderForm::new(account);
        // What the desk already knows goes in; the person checks it.
        form.values[slot(Field::ServiceAddress)] = known.service_address;
        form.values[slot(Field::MeterNumber)] = known.meter_number;
        form.values[slot(Field::ContactPhone)] = known.phone.unwrap_or_default();
        form.values[slot(Field::Bill)] = known.bill.map(|b| b.to_string()).unwrap_or_default();
        form.complaint = known.complaint;
        (form, operation::focus(kind_id(KINDS[0])))
    }

    /// The draft, as it stands, to be changed.
    pub fn edit(order: &OrderRow) -> (OrderForm, Task<FormMessage>) {
        let mut form = OrderForm::new(order.account_id);
        form.draft = Some(order.id);
        form.kind = Some(order.kind);
        for field in Field::ALL {
            form.values[slot(*field)] = match field {
                Field::ServiceDate => order.fields.service_date.map(|d| d.to_string()).unwrap_or_default(),
                Field::Bill => order.fields.bill.map(|b| b.to_string()).unwrap_or_default(),
                text => order.fields.text(*text).cloned().unwrap_or_default(),
            };
        }
        let first = order.kind.required().first().copied().unwrap_or(Field::Reason);
        (form, operation::focus(field_id(first)))
    }

    /// The kind's fields, in form order.
    fn shown(kind: OrderKind) -> impl Iterator<Item = Field> {
        Field::ALL.iter().copied().filter(move |f| f.applies_to(kind))
    }

    /// The fields as typed, for the chosen kind; what cannot be read is said.
    fn fields(&self, kind: OrderKind) -> Result<OrderFields, String> {
        let mut fields = OrderFields::default();
        for field in OrderForm::shown(kind) {
            let typed = self.values[slot(field)].trim();
            match field {
                Field::ServiceDate if !typed.is_empty() => {
                    fields.service_date =
                        Some(crate::domain::dates::parse_day(typed).map_err(|e| format!("the service date: {e}"))?);
                }
                Field::Bill if !typed.is_empty() => {
                    let number = typed.trim_start_matches('#');
                    fields.bill =
                        Some(BillId(number.parse().map_err(|_| format!("the bill \"{typed}\" is not a bill number"))?));
                }
                Field::ServiceDate | Field::Bill => {}
                text => fields.set_text(text, typed),
            }
        }
        Ok(fields)
    }

    pub fn update(
        &mut self,
        backend: &Backend,
        actor: &Actor,
        message: FormMessage,
    ) -> (Task<FormMessage>, Option<FormEvent>) {
        let task = match message {
            FormMessage::Kind(kind) if self.draft.is_none() => {
                self.kind = Some(kind);
                self.error = None;
                let first = kind.required().first().copied().unwrap_or(Field::Reason);
                operation::focus(field_id(first))
            }
            FormMessage::Kind(_) => Task::none(),
            FormMessage::Value(field, typed) => {
                self.values[slot(field)] = typed;
                Task::none()
            }
            FormMessage::Next => crate::gui::focus::next_field(),
            FormMessage::Save { .. } if self.sending => Task::none(),
            FormMessage::Save { submit } => {
                let Some(kind) = self.kind else {
                    self.error = Some("choose what the order is for first".into());
                    return (Task::none(), None);
                };
                match self.fields(kind) {
                    Err(problem) => {
                        self.error = Some(problem);
                        Task::none()
                    }
                    Ok(fields) => {
                        self.sending = true;
                        self.error = None;
                        self.save(backend, actor, kind, fields, submit)
                    }
                }
            }
            FormMessage::Saved(Ok((id, notice))) => return (Task::none(), Some(FormEvent::Saved(id, notice))),
            FormMessage::Saved(Err(error)) => {
                self.sending = false;
                self.error = Some(error.to_string());
                Task::none()
            }
            FormMessage::Cancel => return (Task::none(), Some(FormEvent::Closed)),
        };
        (task, None)
    }

    /// Saves the draft (new or changed) and, if asked, submits it. A draft
    /// saved but not submittable stays a draft, and the form says why.
    fn save(
        &self,
        backend: &Backend,
        actor: &Actor,
        kind: OrderKind,
        fields: OrderFields,
        submit: bool,
    ) -> Task<FormMessage> {
        let (backend, actor, account, draft, complaint) =
            (backend.clone(), actor.clone(), self.account, self.draft, self.complaint);
        Task::perform(
            async move {
                backend
                    .run(move |desk| {
                        let now = Utc::now();
                        let id = match draft {
                            Some(id) => {
                                desk.update_order(&actor, now, id, &fields)?;
                                id
                            }
                            None => {
                                let request = OrderRequest { account, kind, fields, complaint };
                                desk.draft_order(&actor, now, &request)?
                            }
                        };
                        let reference = format!("order #{id}");
                        if !submit {
                            return Ok((id, Notice::new("Saved as a draft.", reference)));
                        }
                        match desk.submit_order(&actor, now, id) {
                            Ok(()) => Ok((id, Notice::new("Submitted for review.", reference))),
                            Err(DeskError::Store(e)) => Err(DeskError::Store(e)),
                            Err(why) => {
                                Ok((id, Notice::new(format!("Saved as a draft, not submitted: {why}"), reference)))
                            }
                        }
                    })
                    .await
            },
            FormMessage::Saved,
        )
    }

    pub fn view(&self) -> Element<'_, FormMessage> {
        let title = match self.draft {
            Some(id) => format!("Draft order #{id}"),
            None => "New service order".to_string(),
        };
        let kinds = KINDS.iter().fold(row![].spacing(4), |kinds, kind| {
            let choose = (self.draft.is_none()).then_some(FormMessage::Kind(*kind));
            kinds.push(
                button(text(kind.label()).size(13))
                    .style(theme::tab(self.kind == Some(*kind)))
                    .padding([3, 8])
                    .action_maybe(choose)
                    .id(kind_id(*kind)),
            )
        });
        let mut form = column![text(title).size(18)].spacing(8);
        if let Some(complaint) = self.complaint {
            form = form.push(text(format!("For complaint #{complaint}: linked to it when saved.")).style(theme::muted));
        }
        let mut form = form.push(kinds.wrap());
        match self.kind {
            None => form = form.push(text("What is the order for? Choose one above.").style(theme::muted)),
            Some(kind) => {
                let last = OrderForm::shown(kind).last();
                for field in OrderForm::shown(kind) {
                    let required = kind.required().contains(&field);
                    // Enter moves on, and in the last field submits the order.
                    let enter =
                        if Some(field) == last { FormMessage::Save { submit: true } } else { FormMessage::Next };
                    let label = format!("{}{}", field.label(), if required { " *" } else { "" });
                    form = form.push(
                        row![
                            text(label).width(170),
                            text_input(hint(field), &self.values[slot(field)])
                                .id(field_id(field))
                                .on_input(move |typed| FormMessage::Value(field, typed))
                                .on_submit(enter)
                                .padding(5),
                        ]
                        .spacing(8)
                        .align_y(Center),
                    );
                }
                form = form.push(text("* required before it is submitted").size(12).style(theme::muted));
            }
        }
        let idle = !self.sending && self.kind.is_some();
        form = form.push(
            row![
                button(text("Submit for review")).action_maybe(idle.then_some(FormMessage::Save { submit: true })),
                button(text("Save draft"))
                    .style(button::secondary)
                    .action_maybe(idle.then_some(FormMessage::Save { submit: false })),
                button(text("Cancel  Esc")).style(button::text).action(FormMessage::Cancel),
            ]
            .spacing(8)
            .wrap(),
        );
        let form = form.push(self.error.as_deref().map(widget::error));
        container(form).padding(12).style(theme::panel).into()
    }
}
