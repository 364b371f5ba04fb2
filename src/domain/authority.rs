//! Money authority: how much each classification may post on its own, and who
//! reviews the rest.
//!
//! The policy is data: stored in the database, printed as JSON, changed by a
//! Manager or Administrator through the desk, which audits each change. This
//! module holds the figures and the decision rule only; it knows nothing of
//! users, ids, the clock or the store. Two things are the caller's job:
//!
//! - the running total for the person's business day
//!   (`posted_and_pending_today`), summed over every money action they posted
//!   or have pending, in the utility's time zone;
//! - maker ≠ checker: an approver is never the requester. That compares user
//!   ids, which this module deliberately does not see.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::account::{UnknownCode, code_enum};
use super::money::{AmountError, Money};
use super::user::Role;

code_enum!(
    /// An action that moves money and so falls under the authority policy.
    MoneyAction, "money action" {
        Credit => "credit",
        Adjustment => "adjustment",
        Waiver => "waiver",
        Reversal => "reversal",
    }
);

impl MoneyAction {
    /// The action as a person names it: "credit", "bill adjustment",
    /// "late-fee waiver", "reversal".
    pub fn label(self) -> &'static str {
        match self {
            MoneyAction::Credit => "credit",
            MoneyAction::Adjustment => "bill adjustment",
            MoneyAction::Waiver => "late-fee waiver",
            MoneyAction::Reversal => "reversal",
        }
    }

    /// The verb that goes with the action: "issue this credit".
    fn verb(self) -> &'static str {
        match self {
            MoneyAction::Credit => "issue",
            MoneyAction::Adjustment | MoneyAction::Reversal => "make",
            MoneyAction::Waiver => "grant",
        }
    }
}

/// A ceiling on an amount of money.
///
/// Stored as `"unlimited"` or a whole number of cents (`5000` is $50.00), so
/// no floating point touches it. Never negative: deserializing a negative
/// figure is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LimitRepr", into = "LimitRepr")]
pub enum Limit {
    /// No ceiling.
    Unlimited,
    /// Amounts up to and including this one.
    UpTo(Money),
}

impl Limit {
    /// Whether `amount` is within the limit (the limit itself included).
    pub fn allows(self, amount: Money) -> bool {
        match self {
            Limit::Unlimited => true,
            Limit::UpTo(ceiling) => amount <= ceiling,
        }
    }

    fn is_negative(self) -> bool {
        matches!(self, Limit::UpTo(ceiling) if ceiling.is_negative())
    }
}

/// "$50.00" or "no limit".
impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Unlimited => f.pad("no limit"),
            Limit::UpTo(ceiling) => fmt::Display::fmt(ceiling, f),
        }
    }
}

/// Parses a limit a person typed: "unlimited" or "no limit", or an amount as
/// [`Money::parse`] accepts it, zero included ("0" means "nothing without
/// approval").
impl FromStr for Limit {
    type Err = AmountError;

    fn from_str(text: &str) -> Result<Limit, AmountError> {
        let word = text.trim().to_ascii_lowercase();
        if word == "unlimited" || word == "no limit" {
            return Ok(Limit::Unlimited);
        }
        match Money::parse(text) {
            Ok(ceiling) => Ok(Limit::UpTo(ceiling)),
            Err(AmountError::Zero) => Ok(Limit::UpTo(Money::ZERO)),
            Err(error) => Err(error),
        }
    }
}

/// How a [`Limit`] looks in JSON: a word or a number of cents.
#[derive(Serialize, Deserialize)]
#[serde(untagged, expecting = "\"unlimited\" or a whole number of cents")]
enum LimitRepr {
    Cents(i64),
    Word(String),
}

impl From<Limit> for LimitRepr {
    fn from(limit: Limit) -> LimitRepr {
        match limit {
            Limit::Unlimited => LimitRepr::Word("unlimited".to_string()),
            Limit::UpTo(ceiling) => LimitRepr::Cents(ceiling.cents()),
        }
    }
}

impl TryFrom<LimitRepr> for Limit {
    type Error = String;

    fn try_from(repr: LimitRepr) -> Result<Limit, String> {
        match repr {
            LimitRepr::Word(word) if word == "unlimited" => Ok(Limit::Unlimited),
            LimitRepr::Word(word) => Err(format!("\"{word}\" is not a limit: use \"unlimited\" or a number of cents")),
            LimitRepr::Cents(cents) if cents < 0 => Err(format!("a limit cannot be negative: {cents} cents")),
            LimitRepr::Cents(cents) => Ok(Limit::UpTo(Money::from_cents(cents))),
        }
    }
}

/// One classification's money authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolePolicy {
    /// The largest single amount the role posts without approval, per action.
    /// A role with no entry for an action may not take it at all.
    pub per_item: BTreeMap<MoneyAction, Limit>,
    /// The most the role posts in one business day, all money actions
    /// together, counting what is still pending.
    pub daily_total: Limit,
    /// The largest request the role may approve; `None`: may not approve.
    pub approve_up_to: Option<Limit>,
}

impl RolePolicy {
    /// The Administrator's row: no money authority of any kind.
    fn none() -> RolePolicy {
        RolePolicy { per_item: BTreeMap::new(), daily_total: Limit::UpTo(Money::ZERO), approve_up_to: None }
    }

    /// A row of the domain table. The table lists credits and bill
    /// adjustments only; a late-fee waiver takes the credit limit and a
    /// reversal the bill-adjustment limit. They are written out as figures of
    /// their own so the stored policy shows every limit that applies, and a
    /// Manager can later set them apart.
    fn from_table(credit: Limit, adjustment: Limit, daily_total: Limit, approve_up_to: Option<Limit>) -> RolePolicy {
        let per_item = BTreeMap::from([
            (MoneyAction::Credit, credit),
            (MoneyAction::Adjustment, adjustment),
            (MoneyAction::Waiver, credit),
            (MoneyAction::Reversal, adjustment),
        ]);
        RolePolicy { per_item, daily_total, approve_up_to }
    }

    /// The Manager's row: no limit anywhere.
    fn unlimited() -> RolePolicy {
        RolePolicy::from_table(Limit::Unlimited, Limit::Unlimited, Limit::Unlimited, Some(Limit::Unlimited))
    }

    /// The per-item limit for `action`; `None` when the role may not take it.
    pub fn per_item_limit(&self, action: MoneyAction) -> Option<Limit> {
        self.per_item.get(&action).copied()
    }
}

/// One figure of a role's row, as `policy set` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    /// The per-item limit of one action.
    PerItem(MoneyAction),
    /// The daily total of all money actions.
    DailyTotal,
    /// The largest request the role may approve.
    ApproveUpTo,
}

impl Figure {
    /// Every figure of a row, in the order `policy show` prints them.
    pub const ALL: [Figure; 6] = [
        Figure::PerItem(MoneyAction::Credit),
        Figure::PerItem(MoneyAction::Adjustment),
        Figure::PerItem(MoneyAction::Waiver),
        Figure::PerItem(MoneyAction::Reversal),
        Figure::DailyTotal,
        Figure::ApproveUpTo,
    ];

    /// The code typed on the command line: "credit", …, "daily", "approve".
    pub fn code(self) -> &'static str {
        match self {
            Figure::PerItem(action) => action.code(),
            Figure::DailyTotal => "daily",
            Figure::ApproveUpTo => "approve",
        }
    }

    /// The figure as a person names it: "credit limit", "daily limit".
    pub fn label(self) -> String {
        match self {
            Figure::PerItem(action) => format!("{} limit", action.label()),
            Figure::DailyTotal => "daily limit".to_string(),
            Figure::ApproveUpTo => "approval limit".to_string(),
        }
    }
}

/// The code, as with the other text-coded enums.
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Parses a figure's code.
impl FromStr for Figure {
    type Err = UnknownCode;

    fn from_str(text: &str) -> Result<Figure, UnknownCode> {
        Figure::ALL.into_iter().find(|figure| figure.code() == text).ok_or_else(|| UnknownCode {
            kind: "policy figure",
            value: text.to_string(),
            expected: "credit adjustment waiver reversal daily approve",
        })
    }
}

/// Why a policy (typed, or read back from the database) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Separation of duties: the Administrator's and the automated jobs'
    /// rows stay empty.
    #[error("{} has no money authority (separation of duties): its limits cannot be set", .0.title())]
    NoMoneyAuthority(Role),
    /// The Manager row stays unlimited, so every request has someone to approve it.
    #[error(
        "Managers have no limit, so that every request has someone who can approve it: their figures cannot be changed"
    )]
    ManagerIsUnlimited,
    /// Only supervisors and managers approve.
    #[error("{} cannot approve requests: only supervisors and managers approve", .0.title())]
    NotAnApprover(Role),
    /// A limit below zero.
    #[error("the {} of {} cannot be negative ({})", .figure.label(), .role.title(), .limit)]
    Negative {
        /// The row.
        role: Role,
        /// The figure.
        figure: Figure,
        /// The refused value.
        limit: Limit,
    },
    /// A stored policy without a row for a role.
    #[error("the policy has no limits for {}", .0.title())]
    MissingRole(Role),
    /// A stored policy without a representative's limit for an action.
    #[error("the policy has no {} limit for {}", .action.label(), .role.title())]
    MissingAction {
        /// The row.
        role: Role,
        /// The action without a limit.
        action: MoneyAction,
    },
}

/// What the desk does with a money request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Within the person's limits: post it now.
    Post,
    /// Above a limit: record a pending approval request, move no money, and
    /// tell the person `reason`.
    Pend {
        /// Which limit it exceeds and who will review it, told to the
        /// person before they send it ("Your credit limit is $50.00: this
        /// $75.00 credit will go to a supervisor").
        reason: String,
        /// The same, as the request keeps it, for the reviewer and for
        /// after it went ("Above Customer Account Representative II's
        /// credit limit of $50.00: this $75.00 credit needs a supervisor's
        /// approval").
        recorded: String,
        /// The lowest classification whose approval limit covers the amount.
        reviewer: Role,
    },
    /// Not allowed at all: tell the person `reason`.
    Refuse {
        /// The rule, named.
        reason: String,
    },
}

/// The money-authority policy: one row per classification.
///
/// Always complete and sane: every role has a row, no figure is negative, the
/// Administrator has no money authority, the Manager has no limit, and only
/// supervisors and managers may approve. [`Policy::set`] and deserialization
/// both refuse anything else, which is why the table is not a public field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PolicyTable")]
pub struct Policy {
    roles: BTreeMap<Role, RolePolicy>,
}

/// A policy as read, before it is checked.
#[derive(Deserialize)]
struct PolicyTable {
    roles: BTreeMap<Role, RolePolicy>,
}

impl TryFrom<PolicyTable> for Policy {
    type Error = PolicyError;

    fn try_from(mut table: PolicyTable) -> Result<Policy, PolicyError> {
        // Policies stored before the automated-jobs role existed have no
        // row for it; its row can only ever be empty.
        table.roles.entry(Role::Batch).or_insert_with(RolePolicy::none);
        let policy = Policy { roles: table.roles };
        policy.check()?;
        Ok(policy)
    }
}

/// The domain table.
impl Default for Policy {
    fn default() -> Policy {
        Policy::default_table()
    }
}

impl Policy {
    /// The default limits of domain.md ("Authority"):
    ///
    /// | role | credit | bill adjustment | daily total | approves up to |
    /// |---|---|---|---|---|
    /// | CAR I | $0 | $0 | $0 | — |
    /// | CAR II | $50 | $100 | $300 | — |
    /// | CAR III | $250 | $500 | $1,500 | — |
    /// | Supervisor | $1,000 | $2,500 | $10,000 | $2,500 |
    /// | Manager | no limit | no limit | no limit | no limit |
    /// | Administrator | none | none | none | — |
    ///
    /// A late-fee waiver has the credit limit and a reversal the
    /// bill-adjustment limit, as figures of their own. CAR I's $0 means every
    /// money action goes to approval; the Administrator's "none" means money
    /// actions are refused.
    pub fn default_table() -> Policy {
        let dollars = |d: i64| Limit::UpTo(Money::from_cents(d * 100));
        let roles = BTreeMap::from([
            (Role::Car1, RolePolicy::from_table(dollars(0), dollars(0), dollars(0), None)),
            (Role::Car2, RolePolicy::from_table(dollars(50), dollars(100), dollars(300), None)),
            (Role::Car3, RolePolicy::from_table(dollars(250), dollars(500), dollars(1_500), None)),
            (
                Role::Supervisor,
                RolePolicy::from_table(dollars(1_000), dollars(2_500), dollars(10_000), Some(dollars(2_500))),
            ),
            (Role::Manager, RolePolicy::unlimited()),
            (Role::Admin, RolePolicy::none()),
            (Role::Batch, RolePolicy::none()),
        ]);
        Policy { roles }
    }

    /// Every row, by role.
    pub fn roles(&self) -> &BTreeMap<Role, RolePolicy> {
        &self.roles
    }

    /// One role's row.
    pub fn role(&self, role: Role) -> Option<&RolePolicy> {
        self.roles.get(&role)
    }

    /// One figure of a row; `None` where the role may not take the action or
    /// may not approve (the Administrator's per-item limits, a
    /// representative's approval limit).
    pub fn figure(&self, role: Role, figure: Figure) -> Option<Limit> {
        let row = self.roles.get(&role)?;
        match figure {
            Figure::PerItem(action) => row.per_item_limit(action),
            Figure::DailyTotal => Some(row.daily_total),
            Figure::ApproveUpTo => row.approve_up_to,
        }
    }

    /// Changes one figure, or refuses and leaves the policy as it was: no
    /// negative limits, no money authority for the Administrator, no change
    /// to the Manager's unlimited row, no approval limit below Supervisor.
    /// Who may change the policy (a Manager or Administrator) and the audit
    /// record are the desk's business.
    pub fn set(&mut self, role: Role, figure: Figure, limit: Limit) -> Result<(), PolicyError> {
        let mut next = self.clone();
        let row = next.roles.entry(role).or_insert_with(RolePolicy::none);
        match figure {
            Figure::PerItem(action) => {
                row.per_item.insert(action, limit);
            }
            Figure::DailyTotal => row.daily_total = limit,
            Figure::ApproveUpTo => row.approve_up_to = Some(limit),
        }
        next.check()?;
        *self = next;
        Ok(())
    }

    /// The invariants stated on [`Policy`].
    fn check(&self) -> Result<(), PolicyError> {
        for &role in Role::ALL {
            let row = self.roles.get(&role).ok_or(PolicyError::MissingRole(role))?;
            match role {
                Role::Admin | Role::Batch if *row != RolePolicy::none() => {
                    return Err(PolicyError::NoMoneyAuthority(role));
                }
                Role::Manager if *row != RolePolicy::unlimited() => return Err(PolicyError::ManagerIsUnlimited),
                Role::Admin | Role::Batch | Role::Manager => {}
                _ => {
                    if row.approve_up_to.is_some() && role != Role::Supervisor {
                        return Err(PolicyError::NotAnApprover(role));
                    }
                    for figure in Figure::ALL {
                        let limit = match figure {
                            Figure::PerItem(action) => {
                                Some(row.per_item_limit(action).ok_or(PolicyError::MissingAction { role, action })?)
                            }
                            Figure::DailyTotal => Some(row.daily_total),
                            Figure::ApproveUpTo => row.approve_up_to,
                        };
                        if let Some(limit) = limit.filter(|l| l.is_negative()) {
                            return Err(PolicyError::Negative { role, figure, limit });
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The lowest classification whose approval limit covers `amount`
    /// (Supervisor up to $2,500, else Manager, with the default table).
    pub fn reviewer(&self, amount: Money) -> Option<Role> {
        self.roles
            .iter()
            .find(|(_, row)| row.approve_up_to.is_some_and(|limit| limit.allows(amount)))
            .map(|(&role, _)| role)
    }

    /// Whether `role` may post `amount` of `action` now.
    ///
    /// `posted_and_pending_today` is what the person has already posted or
    /// has pending today, all money actions together; a negative figure is
    /// taken as zero, so a caller's mistake cannot raise the limit. Checking
    /// the running total, not only the item, is what stops one credit split
    /// into several small ones.
    ///
    /// Order: the Administrator and non-positive amounts are refused; above
    /// the per-item limit, then above what is left of the daily total, the
    /// request pends for [`Policy::reviewer`]; otherwise it posts. A Manager
    /// never pends.
    pub fn decide(&self, role: Role, action: MoneyAction, amount: Money, posted_and_pending_today: Money) -> Decision {
        self.decide_counting(role, action, amount, posted_and_pending_today, Money::ZERO)
    }

    /// [`Policy::decide`], counting also what the person has already posted
    /// or has pending of the same action on the same account that business
    /// day (`same_today`): their credits (or adjustments, waivers,
    /// reversals) to one account on one day count together against the
    /// per-item limit, so one credit split into items under it still needs
    /// approval. A negative figure counts as zero.
    pub fn decide_counting(
        &self,
        role: Role,
        action: MoneyAction,
        amount: Money,
        posted_and_pending_today: Money,
        same_today: Money,
    ) -> Decision {
        let label = action.label();
        if role == Role::Admin {
            let reason = format!(
                "Administrators have no money authority (separation of duties): ask a representative to {} this {label}",
                action.verb()
            );
            return Decision::Refuse { reason };
        }
        if role == Role::Batch {
            let reason = format!(
                "the automated-jobs role posts bills, payments and late fees only: it cannot {} a {label}",
                action.verb()
            );
            return Decision::Refuse { reason };
        }
        if !amount.is_positive() {
            return Decision::Refuse { reason: "the amount must be more than $0.00".to_string() };
        }
        let Some((row, per_item)) = self.roles.get(&role).and_then(|row| Some((row, row.per_item_limit(action)?)))
        else {
            let reason = format!("{} has no authority to {} a {label}", role.title(), action.verb());
            return Decision::Refuse { reason };
        };
        let title = role.title();
        if !per_item.allows(amount) {
            let why = if per_item == Limit::UpTo(Money::ZERO) {
                let none = format!("{title} has no {label} authority");
                (none.clone(), none)
            } else {
                (format!("Your {label} limit is {per_item}"), format!("Above {title}'s {label} limit of {per_item}"))
            };
            return self.pend(role, action, amount, why);
        }
        let same = same_today.max(Money::ZERO);
        if !same.is_zero() && !per_item.allows(Money::from_cents(same.cents().saturating_add(amount.cents()))) {
            let why = (
                format!(
                    "Your {label} limit is {per_item} for each account a day, and {same} is already on this account today"
                ),
                format!(
                    "With {same} already on this account that day, above {title}'s {label} limit of {per_item} for \
                     each account a day"
                ),
            );
            return self.pend(role, action, amount, why);
        }
        let used = posted_and_pending_today.max(Money::ZERO);
        let total = Money::from_cents(used.cents().saturating_add(amount.cents()));
        if !row.daily_total.allows(total) {
            let limit = row.daily_total;
            let why = (
                format!("Your daily limit is {limit} and {used} is already used today"),
                format!("With {used} already used that day, above {title}'s daily limit of {limit}"),
            );
            return self.pend(role, action, amount, why);
        }
        Decision::Post
    }

    /// A pending request for the lowest reviewer whose limit covers it.
    /// `why` is the reason as told to the person, then as the request keeps it.
    fn pend(&self, requester: Role, action: MoneyAction, amount: Money, (why, they): (String, String)) -> Decision {
        let label = action.label();
        match self.reviewer(amount) {
            Some(reviewer) => Decision::Pend {
                reason: format!("{why}: this {amount} {label} will go to {}", someone(reviewer, requester)),
                recorded: format!("{they}: this {amount} {label} needs {}'s approval", someone(reviewer, requester)),
                reviewer,
            },
            // Unreachable with a checked policy (the Manager approves any
            // amount), but a request nobody may approve must not pend forever.
            None => {
                Decision::Refuse { reason: format!("{why}, and this {amount} {label} is above every approval limit") }
            }
        }
    }

    /// Whether a person of `approver`'s classification may approve a request
    /// of `amount`: `Err` with the reason when the role may not approve at
    /// all or its approval limit does not cover the amount.
    ///
    /// The desk passes the requested amount (an approver may approve less,
    /// but who may decide follows the request), and checks separately, by
    /// user id, that the approver is not the requester.
    pub fn check_approver(&self, approver: Role, action: MoneyAction, amount: Money) -> Result<(), String> {
        self.check_decider(approver, action, amount, "approve")
    }

    /// [`Policy::check_approver`] for rejecting: the same people decide a
    /// request either way, and the refusal says which was refused.
    pub fn check_rejecter(&self, rejecter: Role, action: MoneyAction, amount: Money) -> Result<(), String> {
        self.check_decider(rejecter, action, amount, "reject")
    }

    fn check_decider(&self, approver: Role, action: MoneyAction, amount: Money, verb: &str) -> Result<(), String> {
        let label = action.label();
        if approver == Role::Admin {
            return Err(format!(
                "Administrators have no money authority (separation of duties): they cannot {verb} this {amount} {label}"
            ));
        }
        if !amount.is_positive() {
            return Err("the amount must be more than $0.00".to_string());
        }
        let needs = match self.reviewer(amount) {
            Some(reviewer) => format!("needs {}", someone(reviewer, approver)),
            None => "is above every approval limit".to_string(),
        };
        match self.roles.get(&approver).and_then(|row| row.approve_up_to) {
            Some(limit) if limit.allows(amount) => Ok(()),
            Some(limit) => {
                Err(format!("Your approval limit is {limit}: you cannot {verb} this {amount} {label}; it {needs}"))
            }
            None => Err(format!("{} cannot {verb} requests: this {amount} {label} {needs}", approver.title())),
        }
    }
}

/// "a supervisor", "a manager"; "another supervisor" when the reviewer has
/// the person's own classification.
fn someone(reviewer: Role, person: Role) -> String {
    let article = if reviewer == person { "another" } else { "a" };
    let noun = match reviewer {
        Role::Supervisor => "supervisor",
        Role::Manager => "manager",
        other => other.title(),
    };
    format!("{article} {noun}")
}

#[cfg(test)]
mod tests;
