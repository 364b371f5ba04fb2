use super::*;

const SUPERVISOR_APPROVES: i64 = 250_000;

/// domain.md's table in cents, written out again here rather than read from
/// `default_table`, so a wrong default fails these tests.
/// (role, credit per item, bill adjustment per item, daily total, approves up to)
const TABLE: [(Role, i64, i64, i64, Option<i64>); 4] = [
    (Role::Car1, 0, 0, 0, None),
    (Role::Car2, 5_000, 10_000, 30_000, None),
    (Role::Car3, 25_000, 50_000, 150_000, None),
    (Role::Supervisor, 100_000, 250_000, 1_000_000, Some(SUPERVISOR_APPROVES)),
];

fn cents(c: i64) -> Money {
    Money::from_cents(c)
}

fn up_to(c: i64) -> Limit {
    Limit::UpTo(cents(c))
}

/// The per-item limit in the table for an action: waivers follow credits,
/// reversals follow bill adjustments.
fn table_limit(credit: i64, adjustment: i64, action: MoneyAction) -> i64 {
    match action {
        MoneyAction::Credit | MoneyAction::Waiver => credit,
        MoneyAction::Adjustment | MoneyAction::Reversal => adjustment,
    }
}

fn expected_reviewer(amount: i64) -> Role {
    if amount <= SUPERVISOR_APPROVES { Role::Supervisor } else { Role::Manager }
}

fn pend_of(decision: &Decision) -> (&str, Role) {
    match decision {
        Decision::Pend { reason, reviewer, .. } => (reason, *reviewer),
        other => panic!("expected Pend, got {other:?}"),
    }
}

#[test]
fn default_table_matches_domain_md() {
    let policy = Policy::default_table();
    for (role, credit, adjustment, daily, approve) in TABLE {
        assert_eq!(policy.figure(role, Figure::PerItem(MoneyAction::Credit)), Some(up_to(credit)), "{role}");
        assert_eq!(policy.figure(role, Figure::PerItem(MoneyAction::Adjustment)), Some(up_to(adjustment)), "{role}");
        assert_eq!(policy.figure(role, Figure::PerItem(MoneyAction::Waiver)), Some(up_to(credit)), "{role}");
        assert_eq!(policy.figure(role, Figure::PerItem(MoneyAction::Reversal)), Some(up_to(adjustment)), "{role}");
        assert_eq!(policy.figure(role, Figure::DailyTotal), Some(up_to(daily)), "{role}");
        assert_eq!(policy.figure(role, Figure::ApproveUpTo), approve.map(up_to), "{role}");
    }
    for figure in Figure::ALL {
        assert_eq!(policy.figure(Role::Manager, figure), Some(Limit::Unlimited), "manager {figure}");
    }
    let admin = policy.role(Role::Admin).expect("admin row");
    assert!(admin.per_item.is_empty());
    assert_eq!(admin.daily_total, up_to(0));
    assert_eq!(admin.approve_up_to, None);
    assert_eq!(policy.roles().len(), Role::ALL.len());
    assert_eq!(Policy::default(), policy);
}

#[test]
fn every_role_action_and_amount_around_the_per_item_limit() {
    let policy = Policy::default_table();
    let mut checked = 0;
    for (role, credit, adjustment, _, _) in TABLE {
        for &action in MoneyAction::ALL {
            let limit = table_limit(credit, adjustment, action);
            if limit > 0 {
                for amount in [1, limit - 1, limit] {
                    assert_eq!(
                        policy.decide(role, action, cents(amount), Money::ZERO),
                        Decision::Post,
                        "{role} {action} {amount}"
                    );
                    checked += 1;
                }
            }
            for amount in [limit + 1, limit + 100_000, SUPERVISOR_APPROVES + 1] {
                if amount <= limit {
                    continue;
                }
                let decision = policy.decide(role, action, cents(amount), Money::ZERO);
                let (reason, reviewer) = pend_of(&decision);
                assert_eq!(reviewer, expected_reviewer(amount), "{role} {action} {amount}: {reason}");
                assert!(reason.contains(&format!("this {} {}", cents(amount), action.label())), "{reason}");
                if limit == 0 {
                    assert!(
                        reason.contains(&format!("{} has no {} authority", role.title(), action.label())),
                        "{reason}"
                    );
                } else {
                    assert!(reason.contains(&format!("Your {} limit is {}", action.label(), cents(limit))), "{reason}");
                }
                let someone = match (reviewer, role) {
                    (Role::Supervisor, Role::Supervisor) => "another supervisor",
                    (Role::Supervisor, _) => "a supervisor",
                    _ => "a manager",
                };
                assert!(reason.ends_with(&format!("will go to {someone}")), "{reason}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 80, "{checked} cases");
}

#[test]
fn within_the_item_but_above_what_is_left_of_the_day_pends() {
    let policy = Policy::default_table();
    for (role, credit, adjustment, daily, _) in TABLE {
        for &action in MoneyAction::ALL {
            let limit = table_limit(credit, adjustment, action);
            // The day exactly filled: posts. One cent more used: pends.
            let decide = |amount: i64, used: i64| policy.decide(role, action, cents(amount), cents(used));
            if limit > 0 {
                assert_eq!(decide(limit, daily - limit), Decision::Post, "{role} {action}");
            }
            for (amount, used) in [(limit, daily - limit + 1), (1, daily), (limit.max(1), daily * 3)] {
                if amount <= 0 || amount > limit {
                    continue; // the per-item rule answers first (CAR I); covered above
                }
                let decision = decide(amount, used);
                let (reason, reviewer) = pend_of(&decision);
                assert_eq!(reviewer, expected_reviewer(amount), "{reason}");
                let expected =
                    format!("Your daily limit is {} and {} is already used today", cents(daily), cents(used));
                assert!(reason.starts_with(&expected), "{role} {action}: {reason}");
                assert!(reason.contains(&format!("this {} {}", cents(amount), action.label())), "{reason}");
            }
        }
    }
}

#[test]
fn messages_name_the_figures() {
    let policy = Policy::default_table();
    let cases: [(Role, MoneyAction, i64, i64, &str, Role); 9] = [
        (
            Role::Car2,
            MoneyAction::Credit,
            7_500,
            0,
            "Your credit limit is $50.00: this $75.00 credit will go to a supervisor",
            Role::Supervisor,
        ),
        (
            Role::Car1,
            MoneyAction::Credit,
            2_000,
            0,
            "Customer Account Representative I has no credit authority: this $20.00 credit will go to a supervisor",
            Role::Supervisor,
        ),
        (
            Role::Car2,
            MoneyAction::Credit,
            5_000,
            28_000,
            "Your daily limit is $300.00 and $280.00 is already used today: this $50.00 credit will go to a supervisor",
            Role::Supervisor,
        ),
        (
            Role::Car3,
            MoneyAction::Adjustment,
            300_000,
            0,
            "Your bill adjustment limit is $500.00: this $3,000.00 bill adjustment will go to a manager",
            Role::Manager,
        ),
        (
            Role::Car2,
            MoneyAction::Waiver,
            5_001,
            0,
            "Your late-fee waiver limit is $50.00: this $50.01 late-fee waiver will go to a supervisor",
            Role::Supervisor,
        ),
        (
            Role::Car1,
            MoneyAction::Reversal,
            1,
            0,
            "Customer Account Representative I has no reversal authority: this $0.01 reversal will go to a supervisor",
            Role::Supervisor,
        ),
        (
            Role::Supervisor,
            MoneyAction::Credit,
            150_000,
            0,
            "Your credit limit is $1,000.00: this $1,500.00 credit will go to another supervisor",
            Role::Supervisor,
        ),
        (
            Role::Supervisor,
            MoneyAction::Adjustment,
            250_001,
            0,
            "Your bill adjustment limit is $2,500.00: this $2,500.01 bill adjustment will go to a manager",
            Role::Manager,
        ),
        (
            Role::Supervisor,
            MoneyAction::Credit,
            100_000,
            950_000,
            "Your daily limit is $10,000.00 and $9,500.00 is already used today: this $1,000.00 credit will go to another supervisor",
            Role::Supervisor,
        ),
    ];
    for (role, action, amount, used, reason, reviewer) in cases {
        let decision = policy.decide(role, action, cents(amount), cents(used));
        assert_eq!(pend_of(&decision), (reason, reviewer), "{role} {action} {amount}");
    }
    // As the request keeps it: in the third person, and true after it went.
    let decision = policy.decide(Role::Car2, MoneyAction::Credit, cents(7_500), Money::ZERO);
    let Decision::Pend { recorded, .. } = decision else { panic!("pends") };
    assert_eq!(
        recorded,
        "Above Customer Account Representative II's credit limit of $50.00: this $75.00 credit needs a supervisor's approval"
    );
    let decision = policy.decide(Role::Car2, MoneyAction::Credit, cents(4_000), cents(27_000));
    let Decision::Pend { recorded, .. } = decision else { panic!("pends") };
    assert_eq!(
        recorded,
        "With $270.00 already used that day, above Customer Account Representative II's daily limit of $300.00: \
         this $40.00 credit needs a supervisor's approval"
    );
}

#[test]
fn a_credit_split_into_small_ones_pends_once_the_day_is_used() {
    let policy = Policy::default_table();
    // $315 of credit as seven $45 credits: each is under CAR II's $50 item
    // limit, but the seventh passes the $300 day. Pending counts as used.
    let mut used = Money::ZERO;
    let mut decisions = Vec::new();
    for _ in 0..7 {
        let decision = policy.decide(Role::Car2, MoneyAction::Credit, cents(4_500), used);
        used += cents(4_500);
        decisions.push(decision);
    }
    assert!(decisions[..6].iter().all(|d| *d == Decision::Post), "{decisions:?}");
    let (reason, reviewer) = pend_of(&decisions[6]);
    assert_eq!(reviewer, Role::Supervisor);
    assert!(reason.starts_with("Your daily limit is $300.00 and $270.00 is already used today"), "{reason}");

    // The daily total covers every money action together: after three
    // $500 adjustments, a CAR III's one-cent late-fee waiver pends.
    let mut used = Money::ZERO;
    for _ in 0..3 {
        assert_eq!(policy.decide(Role::Car3, MoneyAction::Adjustment, cents(50_000), used), Decision::Post);
        used += cents(50_000);
    }
    let decision = policy.decide(Role::Car3, MoneyAction::Waiver, cents(1), used);
    assert_eq!(pend_of(&decision).1, Role::Supervisor);
}

#[test]
fn the_manager_never_pends() {
    let policy = Policy::default_table();
    for &action in MoneyAction::ALL {
        for amount in [1, 250_001, 1_000_000_000, i64::MAX] {
            for used in [0, 1_000_000_000, i64::MAX] {
                assert_eq!(policy.decide(Role::Manager, action, cents(amount), cents(used)), Decision::Post);
            }
        }
    }
}

#[test]
fn the_administrator_is_refused_every_action() {
    let policy = Policy::default_table();
    let verbs = [
        (MoneyAction::Credit, "issue this credit"),
        (MoneyAction::Adjustment, "make this bill adjustment"),
        (MoneyAction::Waiver, "grant this late-fee waiver"),
        (MoneyAction::Reversal, "make this reversal"),
    ];
    for (action, ending) in verbs {
        for amount in [1, 5_000, 250_000, 1_000_000_000] {
            let expected = format!(
                "Administrators have no money authority (separation of duties): ask a representative to {ending}"
            );
            assert_eq!(
                policy.decide(Role::Admin, action, cents(amount), Money::ZERO),
                Decision::Refuse { reason: expected }
            );
        }
    }
}

#[test]
fn amounts_that_are_not_positive_are_refused() {
    let policy = Policy::default_table();
    for &role in Role::ALL {
        for &action in MoneyAction::ALL {
            for amount in [0, -1, -5_000] {
                let decision = policy.decide(role, action, cents(amount), Money::ZERO);
                assert!(matches!(decision, Decision::Refuse { .. }), "{role} {action} {amount}: {decision:?}");
            }
        }
    }
}

#[test]
fn a_mistaken_negative_running_total_cannot_raise_the_day() {
    let mut policy = Policy::default_table();
    policy.set(Role::Car3, Figure::DailyTotal, up_to(10_000)).expect("set");
    // -$150 would leave $250 of room if taken as given; it counts as zero.
    let decision = policy.decide(Role::Car3, MoneyAction::Adjustment, cents(20_000), cents(-15_000));
    let (reason, _) = pend_of(&decision);
    assert!(reason.starts_with("Your daily limit is $100.00 and $0.00 is already used today"), "{reason}");
}

#[test]
fn a_huge_running_total_does_not_overflow() {
    let policy = Policy::default_table();
    let decision = policy.decide(Role::Car2, MoneyAction::Credit, cents(100), cents(i64::MAX));
    assert_eq!(pend_of(&decision).1, Role::Supervisor);
}

#[test]
fn reviewer_is_the_lowest_role_whose_approval_covers_the_amount() {
    let policy = Policy::default_table();
    for (amount, reviewer) in [
        (1, Role::Supervisor),
        (249_999, Role::Supervisor),
        (250_000, Role::Supervisor),
        (250_001, Role::Manager),
        (i64::MAX, Role::Manager),
    ] {
        assert_eq!(policy.reviewer(cents(amount)), Some(reviewer), "{amount}");
    }
}

#[test]
fn approvers_at_under_and_above_their_limit() {
    let policy = Policy::default_table();
    type Case = (Role, i64, Result<(), &'static str>);
    let cases: [Case; 16] = [
        (Role::Supervisor, 1, Ok(())),
        (Role::Supervisor, 249_999, Ok(())),
        (Role::Supervisor, 250_000, Ok(())),
        (
            Role::Supervisor,
            250_001,
            Err("Your approval limit is $2,500.00: you cannot approve this $2,500.01 credit; it needs a manager"),
        ),
        (
            Role::Supervisor,
            300_000,
            Err("Your approval limit is $2,500.00: you cannot approve this $3,000.00 credit; it needs a manager"),
        ),
        (Role::Manager, 1, Ok(())),
        (Role::Manager, 250_001, Ok(())),
        (Role::Manager, i64::MAX, Ok(())),
        (
            Role::Car1,
            1,
            Err("Customer Account Representative I cannot approve requests: this $0.01 credit needs a supervisor"),
        ),
        (
            Role::Car2,
            5_000,
            Err("Customer Account Representative II cannot approve requests: this $50.00 credit needs a supervisor"),
        ),
        (
            Role::Car3,
            1,
            Err("Customer Account Representative III cannot approve requests: this $0.01 credit needs a supervisor"),
        ),
        (
            Role::Car3,
            300_000,
            Err("Customer Account Representative III cannot approve requests: this $3,000.00 credit needs a manager"),
        ),
        (
            Role::Admin,
            1,
            Err("Administrators have no money authority (separation of duties): they cannot approve this $0.01 credit"),
        ),
        (
            Role::Admin,
            300_000,
            Err(
                "Administrators have no money authority (separation of duties): they cannot approve this $3,000.00 credit",
            ),
        ),
        (Role::Supervisor, 0, Err("the amount must be more than $0.00")),
        (Role::Manager, -1, Err("the amount must be more than $0.00")),
    ];
    for (role, amount, expected) in cases {
        let got = policy.check_approver(role, MoneyAction::Credit, cents(amount));
        assert_eq!(got, expected.map_err(str::to_string), "{role} {amount}");
    }
    // Rejecting takes the same authority, and the refusal says "reject".
    assert_eq!(
        policy.check_rejecter(Role::Supervisor, MoneyAction::Credit, cents(300_000)),
        Err("Your approval limit is $2,500.00: you cannot reject this $3,000.00 credit; it needs a manager".to_string())
    );
    assert!(
        policy
            .check_rejecter(Role::Car3, MoneyAction::Credit, cents(100))
            .unwrap_err()
            .contains("cannot reject requests")
    );
    let got = policy.check_approver(Role::Supervisor, MoneyAction::Waiver, cents(260_000));
    assert_eq!(
        got,
        Err("Your approval limit is $2,500.00: you cannot approve this $2,600.00 late-fee waiver; it needs a manager"
            .to_string())
    );
}

#[test]
fn setting_a_figure_changes_the_decision() {
    let mut policy = Policy::default_table();
    let credit = Figure::PerItem(MoneyAction::Credit);
    assert_eq!(pend_of(&policy.decide(Role::Car2, MoneyAction::Credit, cents(7_500), Money::ZERO)).1, Role::Supervisor);
    policy.set(Role::Car2, credit, up_to(7_500)).expect("set");
    assert_eq!(policy.figure(Role::Car2, credit), Some(up_to(7_500)));
    assert_eq!(policy.decide(Role::Car2, MoneyAction::Credit, cents(7_500), Money::ZERO), Decision::Post);
    // The waiver keeps its own figure.
    assert_eq!(policy.figure(Role::Car2, Figure::PerItem(MoneyAction::Waiver)), Some(up_to(5_000)));

    policy.set(Role::Supervisor, Figure::ApproveUpTo, up_to(500_000)).expect("set");
    assert_eq!(policy.reviewer(cents(400_000)), Some(Role::Supervisor));
    assert_eq!(policy.check_approver(Role::Supervisor, MoneyAction::Credit, cents(400_000)), Ok(()));

    policy.set(Role::Car1, Figure::DailyTotal, Limit::Unlimited).expect("set");
    assert_eq!(policy.figure(Role::Car1, Figure::DailyTotal), Some(Limit::Unlimited));
}

#[test]
fn nonsense_figures_are_refused_and_change_nothing() {
    let mut policy = Policy::default_table();
    let before = policy.clone();
    let credit = Figure::PerItem(MoneyAction::Credit);
    let cases: [(Role, Figure, Limit, PolicyError); 8] = [
        (Role::Car2, credit, up_to(-1), PolicyError::Negative { role: Role::Car2, figure: credit, limit: up_to(-1) }),
        (
            Role::Supervisor,
            Figure::ApproveUpTo,
            up_to(-100),
            PolicyError::Negative { role: Role::Supervisor, figure: Figure::ApproveUpTo, limit: up_to(-100) },
        ),
        (Role::Admin, credit, up_to(100), PolicyError::NoMoneyAuthority(Role::Admin)),
        (Role::Admin, Figure::DailyTotal, Limit::Unlimited, PolicyError::NoMoneyAuthority(Role::Admin)),
        (Role::Admin, Figure::ApproveUpTo, up_to(0), PolicyError::NoMoneyAuthority(Role::Admin)),
        (Role::Manager, Figure::DailyTotal, up_to(1_000_000), PolicyError::ManagerIsUnlimited),
        (Role::Car3, Figure::ApproveUpTo, up_to(10_000), PolicyError::NotAnApprover(Role::Car3)),
        (Role::Car1, Figure::ApproveUpTo, up_to(0), PolicyError::NotAnApprover(Role::Car1)),
    ];
    for (role, figure, limit, expected) in cases {
        assert_eq!(policy.set(role, figure, limit), Err(expected.clone()), "{role} {figure}");
        assert_eq!(policy, before, "{role} {figure} left a change behind");
        assert!(!expected.to_string().is_empty());
    }
    assert_eq!(
        PolicyError::Negative { role: Role::Car2, figure: credit, limit: up_to(-1) }.to_string(),
        "the credit limit of Customer Account Representative II cannot be negative (-$0.01)"
    );
    // Setting the Manager's figure to what it already is changes nothing and is fine.
    assert_eq!(policy.set(Role::Manager, credit, Limit::Unlimited), Ok(()));
    assert_eq!(policy, before);
}

#[test]
fn json_round_trip_and_shape() {
    let policy = Policy::default_table();
    let json = serde_json::to_value(&policy).expect("serialize");
    assert_eq!(
        json["roles"]["car2"],
        serde_json::json!({
            "per_item": {"credit": 5000, "adjustment": 10000, "waiver": 5000, "reversal": 10000},
            "daily_total": 30000,
            "approve_up_to": null,
        })
    );
    assert_eq!(json["roles"]["manager"]["daily_total"], "unlimited");
    assert_eq!(json["roles"]["manager"]["approve_up_to"], "unlimited");
    assert_eq!(json["roles"]["supervisor"]["approve_up_to"], 250000);
    assert_eq!(json["roles"]["admin"]["per_item"], serde_json::json!({}));
    let back: Policy = serde_json::from_value(json).expect("deserialize");
    assert_eq!(back, policy);
}

#[test]
fn stored_nonsense_is_refused_on_reading() {
    let good = serde_json::to_value(Policy::default_table()).expect("serialize");
    let with = |edit: fn(&mut serde_json::Value)| {
        let mut value = good.clone();
        edit(&mut value);
        serde_json::from_value::<Policy>(value).map_err(|e| e.to_string())
    };
    type Edit = fn(&mut serde_json::Value);
    let cases: [(Edit, &str); 8] = [
        (|v| v["roles"]["car2"]["daily_total"] = (-1).into(), "cannot be negative"),
        (|v| v["roles"]["car2"]["daily_total"] = "lots".into(), "\"lots\" is not a limit"),
        (|v| v["roles"]["car2"]["daily_total"] = 50.5.into(), "whole number of cents"),
        (|v| v["roles"]["admin"]["per_item"]["credit"] = 100.into(), "separation of duties"),
        (|v| v["roles"]["manager"]["per_item"]["credit"] = 100.into(), "Managers have no limit"),
        (|v| v["roles"]["car3"]["approve_up_to"] = 100.into(), "cannot approve requests"),
        (
            |v| {
                v["roles"].as_object_mut().expect("roles").remove("manager");
            },
            "no limits for Manager",
        ),
        (
            |v| {
                v["roles"]["car1"]["per_item"].as_object_mut().expect("per_item").remove("reversal");
            },
            "no reversal limit for Customer Account Representative I",
        ),
    ];
    for (edit, expected) in cases {
        let error = with(edit).expect_err(expected);
        assert!(error.contains(expected), "{error}");
    }
}

#[test]
fn limits_allow_display_and_parse() {
    assert!(up_to(5_000).allows(cents(5_000)));
    assert!(!up_to(5_000).allows(cents(5_001)));
    assert!(up_to(0).allows(Money::ZERO));
    assert!(!up_to(0).allows(cents(1)));
    assert!(Limit::Unlimited.allows(cents(i64::MAX)));
    assert_eq!(up_to(5_000).to_string(), "$50.00");
    assert_eq!(up_to(1_000_000).to_string(), "$10,000.00");
    assert_eq!(Limit::Unlimited.to_string(), "no limit");
    assert_eq!(format!("{:>9}", Limit::Unlimited), " no limit");
    for (text, limit) in [
        ("unlimited", Limit::Unlimited),
        ("No Limit", Limit::Unlimited),
        ("0", up_to(0)),
        ("$0.00", up_to(0)),
        ("50", up_to(5_000)),
        ("$1,234.50", up_to(123_450)),
    ] {
        assert_eq!(text.parse::<Limit>(), Ok(limit), "{text}");
    }
    assert_eq!("-5".parse::<Limit>(), Err(AmountError::Negative));
    assert!(matches!("abc".parse::<Limit>(), Err(AmountError::NotANumber(_))));
    assert_eq!(serde_json::to_string(&up_to(5_000)).expect("json"), "5000");
    assert_eq!(serde_json::to_string(&Limit::Unlimited).expect("json"), "\"unlimited\"");
}

#[test]
fn actions_and_figures_have_codes_and_labels() {
    let labels = [
        (MoneyAction::Credit, "credit", "credit"),
        (MoneyAction::Adjustment, "adjustment", "bill adjustment"),
        (MoneyAction::Waiver, "waiver", "late-fee waiver"),
        (MoneyAction::Reversal, "reversal", "reversal"),
    ];
    for (action, code, label) in labels {
        assert_eq!(action.code(), code);
        assert_eq!(action.label(), label);
        assert_eq!(code.parse::<MoneyAction>(), Ok(action));
    }
    for figure in Figure::ALL {
        assert_eq!(figure.code().parse::<Figure>(), Ok(figure));
        assert_eq!(figure.to_string(), figure.code());
    }
    assert_eq!(Figure::DailyTotal.label(), "daily limit");
    assert_eq!(Figure::PerItem(MoneyAction::Waiver).label(), "late-fee waiver limit");
    let error = "weekly".parse::<Figure>().expect_err("unknown figure");
    assert!(error.to_string().contains("credit adjustment waiver reversal daily approve"), "{error}");
}

#[test]
fn a_request_nobody_may_approve_is_refused_not_left_pending() {
    // Only reachable by building an unchecked table, which the public API
    // cannot do; the rule is total all the same.
    let mut policy = Policy::default_table();
    for role in [Role::Supervisor, Role::Manager] {
        if let Some(row) = policy.roles.get_mut(&role) {
            row.approve_up_to = Some(up_to(100_000));
        }
    }
    let decision = policy.decide(Role::Car2, MoneyAction::Credit, cents(200_000), Money::ZERO);
    let Decision::Refuse { reason } = decision else { panic!("expected Refuse, got {decision:?}") };
    assert!(reason.contains("above every approval limit"), "{reason}");
    let error = policy.check_approver(Role::Supervisor, MoneyAction::Credit, cents(200_000)).expect_err("above");
    assert!(error.contains("above every approval limit"), "{error}");
}
