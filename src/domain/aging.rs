//! Aging of an account's receivable: what is owed, by how long past due.
//! Payments and credits are applied to the oldest charges first.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money::Money;

/// One amount charged to the account (a bill, a late fee, an increase).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    pub due_on: NaiveDate,
    pub amount: Money,
    /// Late fees are owed like any charge, but no late fee is charged on them.
    pub is_late_fee: bool,
    /// Under an open dispute: while unpaid, this much is held apart, not
    /// past due (no late fee on it, no cut-off for it).
    pub held: Money,
}

/// What is owed, by days past due, as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Aging {
    /// Billed and not yet due.
    pub current: Money,
    pub days_1_30: Money,
    pub days_31_60: Money,
    pub days_61_90: Money,
    pub over_90: Money,
    /// Paid beyond all charges: a credit balance.
    pub unapplied_credit: Money,
    /// Days the oldest unpaid charge is past due (0 if none).
    pub oldest_days_past_due: i64,
    /// Past-due amount on which a late fee may be charged (excludes late fees).
    pub late_fee_base: Money,
    /// Unpaid and under an open dispute: owed, but not aged.
    pub disputed: Money,
}

impl Aging {
    pub fn past_due(&self) -> Money {
        self.days_1_30 + self.days_31_60 + self.days_61_90 + self.over_90
    }

    /// The balance these buckets describe.
    pub fn balance(&self) -> Money {
        self.current + self.past_due() + self.disputed - self.unapplied_credit
    }

    /// Whether service may be cut off: something unpaid `cutoff_days` or more past due.
    pub fn cutoff_eligible(&self, cutoff_days: u32) -> bool {
        self.past_due().is_positive() && self.oldest_days_past_due >= i64::from(cutoff_days)
    }
}

/// Ages `charges` as of `as_of`, after applying `payments` (the sum of all
/// payments, credits and decreases) to the oldest charges first.
pub fn age(charges: &[Charge], payments: Money, as_of: NaiveDate) -> Aging {
    let mut sorted: Vec<Charge> = charges.to_vec();
    sorted.sort_by_key(|c| c.due_on);
    // A disputed amount is set aside: payments go to what is not disputed,
    // oldest first, and only what is left over to the disputed amounts.
    let held: Vec<Money> = sorted.iter().map(|c| c.held.min(c.amount).max(Money::ZERO)).collect();
    let mut left = payments;
    let mut unpaid: Vec<Money> = Vec::with_capacity(sorted.len());
    for (charge, held) in sorted.iter().zip(&held) {
        let undisputed = charge.amount - *held;
        let applied = left.min(undisputed).max(Money::ZERO);
        left -= applied;
        unpaid.push(undisputed - applied);
    }
    let mut aging = Aging::default();
    for held in &held {
        let applied = left.min(*held).max(Money::ZERO);
        left -= applied;
        aging.disputed += *held - applied;
    }
    for (charge, unpaid) in sorted.iter().zip(unpaid) {
        if !unpaid.is_positive() {
            continue;
        }
        let days = (as_of - charge.due_on).num_days();
        match days {
            ..=0 => aging.current += unpaid,
            1..=30 => aging.days_1_30 += unpaid,
            31..=60 => aging.days_31_60 += unpaid,
            61..=90 => aging.days_61_90 += unpaid,
            _ => aging.over_90 += unpaid,
        }
        if days > 0 {
            aging.oldest_days_past_due = aging.oldest_days_past_due.max(days);
            if !charge.is_late_fee {
                aging.late_fee_base += unpaid;
            }
        }
    }
    aging.unapplied_credit = left.max(Money::ZERO);
    aging
}

/// Whether nothing can be past due on an account whose balance (all
/// charges less all payments) is `balance`, given `not_yet_due`: the sum of
/// some of its charges due on or after the aging date. Payments go to the
/// oldest charges first, and every past-due charge is older than every
/// charge not yet due; so if the balance is no more than those, the payments
/// covered every past-due charge (disputed amounts only push them further
/// onto the rest). A late-fee run asks this first, from two index lookups,
/// and ages the account's whole history only when it says no.
pub fn nothing_past_due(balance: Money, not_yet_due: Money) -> bool {
    balance <= not_yet_due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
    }

    fn charge(due_on: NaiveDate, cents: i64) -> Charge {
        Charge { due_on, amount: Money::from_cents(cents), is_late_fee: false, held: Money::ZERO }
    }

    #[test]
    fn a_disputed_amount_is_held_apart_from_past_due() {
        let mut disputed = charge(day(2, 20), 9000);
        disputed.held = Money::from_cents(6000);
        let charges = [charge(day(1, 20), 4000), disputed, charge(day(3, 20), 5000)];
        // $40.00 paid: January is settled; $60.00 of February's $90.00 is disputed.
        let aging = age(&charges, Money::from_cents(4000), day(3, 25));
        assert_eq!(aging.disputed, Money::from_cents(6000));
        assert_eq!(aging.days_31_60, Money::from_cents(3000), "the undisputed part ages");
        assert_eq!(aging.days_1_30, Money::from_cents(5000));
        assert_eq!(aging.late_fee_base, Money::from_cents(8000), "no late fee on the disputed part");
        assert_eq!(aging.balance(), Money::from_cents(14000), "still owed");

        // Everything but the disputed amount paid: nothing is past due, no cut-off.
        let aging = age(&charges, Money::from_cents(4000 + 3000 + 5000), day(4, 30));
        assert_eq!((aging.past_due(), aging.disputed), (Money::ZERO, Money::from_cents(6000)));
        assert_eq!(aging.oldest_days_past_due, 0);
        assert!(!aging.cutoff_eligible(24));

        // Paying beyond everything undisputed lowers what is held.
        let aging = age(&charges, Money::from_cents(4000 + 3000 + 5000 + 1000), day(3, 25));
        assert_eq!((aging.past_due(), aging.disputed), (Money::ZERO, Money::from_cents(5000)));
        let aging = age(&charges, Money::from_cents(20000), day(3, 25));
        assert_eq!((aging.disputed, aging.unapplied_credit), (Money::ZERO, Money::from_cents(2000)));
    }

    #[test]
    fn payments_go_to_the_oldest_charge_first() {
        let charges = [charge(day(3, 20), 5000), charge(day(1, 20), 4000), charge(day(2, 20), 4500)];
        // $60.00 pays January's $40.00 and $20.00 of February's $45.00.
        let aging = age(&charges, Money::from_cents(6000), day(3, 25));
        assert_eq!(aging.days_31_60, Money::from_cents(2500)); // Feb 20 → 33 days
        assert_eq!(aging.days_1_30, Money::from_cents(5000)); // Mar 20 → 5 days
        assert_eq!(aging.current, Money::ZERO);
        assert_eq!(aging.oldest_days_past_due, 33);
        assert_eq!(aging.balance(), Money::from_cents(7500));
        assert!(aging.cutoff_eligible(24));
        assert!(!aging.cutoff_eligible(34));
    }

    #[test]
    fn overpayment_is_a_credit_and_nothing_is_past_due() {
        let aging = age(&[charge(day(1, 20), 4000)], Money::from_cents(5000), day(3, 1));
        assert_eq!(aging.past_due(), Money::ZERO);
        assert_eq!(aging.unapplied_credit, Money::from_cents(1000));
        assert_eq!(aging.balance(), Money::from_cents(-1000));
        assert!(!aging.cutoff_eligible(24));
    }

    #[test]
    fn buckets_have_exact_edges() {
        let as_of = day(6, 30);
        let charges: Vec<Charge> = [0i64, 1, 30, 31, 60, 61, 90, 91]
            .iter()
            .map(|d| charge(as_of - chrono::Days::new(*d as u64), 100))
            .collect();
        let aging = age(&charges, Money::ZERO, as_of);
        assert_eq!(
            (aging.current, aging.days_1_30, aging.days_31_60, aging.days_61_90, aging.over_90),
            (
                Money::from_cents(100),
                Money::from_cents(200),
                Money::from_cents(200),
                Money::from_cents(200),
                Money::from_cents(100)
            )
        );
    }

    #[test]
    fn late_fees_are_not_in_the_late_fee_base() {
        let fee = Charge { due_on: day(2, 1), amount: Money::from_cents(75), is_late_fee: true, held: Money::ZERO };
        let aging = age(&[charge(day(1, 20), 5000), fee], Money::ZERO, day(3, 1));
        assert_eq!(aging.past_due(), Money::from_cents(5075));
        assert_eq!(aging.late_fee_base, Money::from_cents(5000));
    }

    proptest::proptest! {
        /// `nothing_past_due` never says so when `age` finds anything past
        /// due, whatever the charges, holds, late fees and payments.
        #[test]
        fn nothing_past_due_agrees_with_the_full_aging(
            raw in proptest::collection::vec((0u32..120, 1i64..50_000, 0i64..60_000, proptest::bool::ANY), 0..12),
            payments in 0i64..400_000,
            as_of in 0u32..120,
        ) {
            let start = day(1, 1);
            let charges: Vec<Charge> = raw
                .iter()
                .map(|&(due, cents, held, is_late_fee)| Charge {
                    due_on: start + chrono::Days::new(u64::from(due)),
                    amount: Money::from_cents(cents),
                    is_late_fee,
                    held: Money::from_cents(held.min(cents)),
                })
                .collect();
            let as_of = start + chrono::Days::new(u64::from(as_of));
            let payments = Money::from_cents(payments);
            let balance = charges.iter().map(|c| c.amount).sum::<Money>() - payments;
            let not_yet_due = charges.iter().filter(|c| c.due_on >= as_of).map(|c| c.amount).sum::<Money>();
            let aging = age(&charges, payments, as_of);
            if nothing_past_due(balance, not_yet_due) {
                proptest::prop_assert_eq!(aging.late_fee_base, Money::ZERO);
                proptest::prop_assert_eq!(aging.past_due(), Money::ZERO);
            }
        }
    }
}
