use super::*;

const fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

const ACCOUNT: AccountId = AccountId(7);
const NEIGHBOUR: AccountId = AccountId(8);

fn premise() -> Address {
    Address {
        line1: "101 S Peoria Ave".into(),
        line2: None,
        city: "Tulsa".into(),
        state: "OK".into(),
        zip: "74103".into(),
    }
}

/// Everything an order of `kind` needs, all consistent with the account.
fn complete(kind: OrderKind) -> OrderFields {
    let mut fields = OrderFields::default();
    for field in kind.required() {
        match field {
            Field::ServiceDate => fields.service_date = Some(d(2026, 12, 1)),
            Field::ServiceAddress => fields.service_address = Some("101 South Peoria Avenue".into()),
            Field::ForwardingAddress => fields.forwarding_address = Some("9 W 5th St, Tulsa OK 74119".into()),
            Field::NewAddress => fields.new_address = Some("2400 E 41st St".into()),
            Field::Bill => fields.bill = Some(BillId(3)),
            Field::MeterNumber => fields.meter_number = Some("m000001".into()),
            Field::ContactPhone => fields.contact_phone = Some("(918) 555-0142".into()),
            Field::AccessNotes => fields.access_notes = Some("Dog in the yard".into()),
            Field::LeakLocation => fields.leak_location = Some("Wet spot by the meter box".into()),
            Field::Reason => fields.reason = Some("Bill twice the usual".into()),
        }
    }
    fields
}

struct Case {
    name: &'static str,
    kind: OrderKind,
    change: fn(&mut OrderFields),
    status: AccountStatus,
    others: Vec<OpenOrder>,
    expected: fn() -> Vec<ReviewFlag>,
}

fn unchanged(_: &mut OrderFields) {}

fn start_on_dec_10() -> Vec<OpenOrder> {
    vec![OpenOrder { id: 41, account: ACCOUNT, kind: OrderKind::StartService, service_date: Some(d(2026, 12, 10)) }]
}

fn run(case: &Case) -> Vec<ReviewFlag> {
    let mut fields = complete(case.kind);
    (case.change)(&mut fields);
    let address = premise();
    let context = ReviewContext {
        today: d(2026, 11, 20),
        account: ACCOUNT,
        account_status: case.status,
        service_ended_on: (case.status != AccountStatus::Active).then(|| d(2026, 11, 10)),
        opened_on: d(2025, 11, 20),
        premise: &address,
        meter_number: "M000001",
        open_orders: &case.others,
    };
    review(case.kind, &fields, &context)
}

#[test]
fn the_review_table() {
    let cases = [
        Case {
            name: "a stop missing its date and forwarding address",
            kind: OrderKind::StopService,
            change: |f| {
                f.service_date = None;
                f.forwarding_address = Some("  ".into());
            },
            status: AccountStatus::Active,
            others: vec![],
            expected: || vec![ReviewFlag::Missing { fields: vec!["service date".into(), "forwarding address".into()] }],
        },
        Case {
            name: "a stop dated before the account started",
            kind: OrderKind::StopService,
            change: |f| f.service_date = Some(d(2025, 11, 1)),
            status: AccountStatus::Active,
            others: vec![],
            expected: || {
                vec![
                    ReviewFlag::DateInPast { date: d(2025, 11, 1), today: d(2026, 11, 20) },
                    ReviewFlag::StopBeforeStart { stop_on: d(2025, 11, 1), start_on: d(2025, 11, 20), order: None },
                ]
            },
        },
        Case {
            name: "a stop dated before an open start order on the account",
            kind: OrderKind::StopService,
            change: unchanged,
            status: AccountStatus::Active,
            others: start_on_dec_10(),
            expected: || {
                vec![ReviewFlag::StopBeforeStart {
                    stop_on: d(2026, 12, 1),
                    start_on: d(2026, 12, 10),
                    order: Some(41),
                }]
            },
        },
        Case {
            name: "a start dated after an open stop on the account (the same pair, from the start's side)",
            kind: OrderKind::StartService,
            change: |f| f.service_date = Some(d(2026, 12, 15)),
            status: AccountStatus::Active,
            others: vec![OpenOrder {
                id: 42,
                account: ACCOUNT,
                kind: OrderKind::TransferService,
                service_date: Some(d(2026, 12, 10)),
            }],
            expected: || {
                vec![ReviewFlag::StopBeforeStart {
                    stop_on: d(2026, 12, 10),
                    start_on: d(2026, 12, 15),
                    order: Some(42),
                }]
            },
        },
        Case {
            name: "a start order of another account at the premise is not this account's start",
            kind: OrderKind::StopService,
            change: unchanged,
            status: AccountStatus::Active,
            others: vec![OpenOrder {
                id: 43,
                account: NEIGHBOUR,
                kind: OrderKind::StartService,
                service_date: Some(d(2026, 12, 10)),
            }],
            expected: Vec::new,
        },
        Case {
            name: "a duplicate open order of the same kind for the premise, from any account",
            kind: OrderKind::LeakInspection,
            change: unchanged,
            status: AccountStatus::Active,
            others: vec![
                OpenOrder { id: 44, account: NEIGHBOUR, kind: OrderKind::LeakInspection, service_date: None },
                OpenOrder { id: 45, account: ACCOUNT, kind: OrderKind::MeterTest, service_date: None },
            ],
            expected: || vec![ReviewFlag::Duplicate { kind: OrderKind::LeakInspection, order: 44 }],
        },
        Case {
            name: "an address that is not the account's",
            kind: OrderKind::LeakInspection,
            change: |f| f.service_address = Some("103 S Peoria Ave".into()),
            status: AccountStatus::Active,
            others: vec![],
            expected: || {
                vec![ReviewFlag::AddressMismatch {
                    typed: "103 S Peoria Ave".into(),
                    on_account: "101 S Peoria Ave, Tulsa, OK 74103".into(),
                }]
            },
        },
        Case {
            name: "an order on a closed account",
            kind: OrderKind::MeterReread,
            change: unchanged,
            status: AccountStatus::Closed,
            others: vec![],
            expected: || vec![ReviewFlag::AccountClosed],
        },
        Case {
            name: "a stop on an account already final",
            kind: OrderKind::StopService,
            change: unchanged,
            status: AccountStatus::Final,
            others: vec![],
            expected: || vec![ReviewFlag::ServiceEnded { on: d(2026, 11, 10) }],
        },
        Case {
            name: "a re-read of a final account's last bill",
            kind: OrderKind::MeterReread,
            change: unchanged,
            status: AccountStatus::Final,
            others: vec![],
            expected: Vec::new,
        },
        Case {
            name: "a start dated in the past",
            kind: OrderKind::StartService,
            change: |f| f.service_date = Some(d(2026, 11, 19)),
            status: AccountStatus::Active,
            others: vec![],
            expected: || vec![ReviewFlag::DateInPast { date: d(2026, 11, 19), today: d(2026, 11, 20) }],
        },
        Case {
            name: "a visit asked for a past day is not a service change",
            kind: OrderKind::LeakInspection,
            change: |f| f.service_date = Some(d(2026, 11, 19)),
            status: AccountStatus::Active,
            others: vec![],
            expected: Vec::new,
        },
        Case {
            name: "a meter test on a meter that is not the account's",
            kind: OrderKind::MeterTest,
            change: |f| f.meter_number = Some("M000009".into()),
            status: AccountStatus::Active,
            others: vec![],
            expected: || vec![ReviewFlag::MeterMismatch { typed: "M000009".into(), on_account: "M000001".into() }],
        },
        Case {
            name: "a transfer to where service already is",
            kind: OrderKind::TransferService,
            change: |f| f.new_address = Some("101 s peoria".into()),
            status: AccountStatus::Active,
            others: vec![],
            expected: || vec![ReviewFlag::TransferToSameAddress { address: "101 s peoria".into() }],
        },
    ];
    for case in &cases {
        assert_eq!(run(case), (case.expected)(), "{}", case.name);
    }
}

#[test]
fn a_complete_consistent_order_of_every_kind_has_no_flags() {
    for kind in OrderKind::ALL {
        let case = Case {
            name: "clean",
            kind: *kind,
            change: unchanged,
            status: AccountStatus::Active,
            others: vec![],
            expected: Vec::new,
        };
        assert_eq!(run(&case), [], "{kind}");
        // And one with nothing filled in is missing exactly its required fields.
        let labels: Vec<&str> = kind.required().iter().map(|f| f.label()).collect();
        assert_eq!(missing(*kind, &OrderFields::default()), labels, "{kind}");
        assert!(!labels.is_empty());
    }
}

#[test]
fn every_flag_says_what_is_wrong() {
    let said = [
        (ReviewFlag::Missing { fields: vec!["bill".into(), "reason".into()] }, "missing: bill, reason"),
        (ReviewFlag::Duplicate { kind: OrderKind::MeterTest, order: 9 }, "order #9 is already open"),
        (
            ReviewFlag::StopBeforeStart { stop_on: d(2026, 1, 1), start_on: d(2026, 2, 1), order: None },
            "before the account started on 2026-02-01",
        ),
        (ReviewFlag::AccountClosed, "the account is closed"),
    ];
    for (flag, words) in said {
        assert!(flag.message().contains(words), "{flag}");
    }
}

#[test]
fn fields_are_cleaned_and_fields_of_other_kinds_refused() {
    let typed = OrderFields {
        meter_number: Some("  m123  ".into()),
        reason: Some("Paid with 4111 1111 1111 1111 and still cut off".into()),
        access_notes: Some("   ".into()),
        contact_phone: Some("918-555-0142".into()),
        ..OrderFields::default()
    };
    let clean = typed.cleaned(OrderKind::MeterTest).unwrap();
    assert_eq!(clean.meter_number.as_deref(), Some("M123"));
    assert_eq!(clean.access_notes, None);
    assert_eq!(clean.reason.as_deref(), Some("Paid with [card number removed] and still cut off"));

    let stop_only = OrderFields { forwarding_address: Some("1 Main St".into()), ..OrderFields::default() };
    let refused = stop_only.cleaned(OrderKind::StartService).unwrap_err();
    assert_eq!(refused, "a start service order has no forwarding address");
    let bad_phone = OrderFields { contact_phone: Some("call me maybe".into()), ..OrderFields::default() };
    assert!(bad_phone.cleaned(OrderKind::MeterTest).unwrap_err().contains("is not a phone number"));
    let long = OrderFields { service_address: Some("x".repeat(201)), ..OrderFields::default() };
    assert!(long.cleaned(OrderKind::LeakInspection).unwrap_err().contains("longer than 200 characters"));
}

#[test]
fn fields_round_trip_through_json_and_codes_through_text() {
    let fields = complete(OrderKind::TransferService);
    let text = serde_json::to_string(&fields).unwrap();
    assert_eq!(serde_json::from_str::<OrderFields>(&text).unwrap(), fields);
    assert!(!text.contains("bill"), "absent fields are left out: {text}");
    for kind in OrderKind::ALL {
        assert_eq!(kind.code().parse::<OrderKind>(), Ok(*kind));
    }
    assert!(OrderStatus::Completed.is_final() && OrderStatus::Cancelled.is_final());
    assert!(!OrderStatus::Sent.is_final());
}
