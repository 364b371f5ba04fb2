//! Double-entry postings against a small chart of accounts. A posting is
//! checked here before it reaches the store: two or more lines, each a
//! positive amount below the cap, debits equal to credits.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::account::{ServiceKind, UnknownCode, code_enum};
use super::ids::{AccountId, BillId, PostingId};
use super::money::{MAX_LINE_CENTS, Money};

code_enum!(
    /// Which side of the ledger a line is on.
    Side, "side" {
        Debit => "D",
        Credit => "C",
    }
);

impl Side {
    pub fn opposite(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }

    /// The line's effect on a debit-normal balance (a receivable).
    pub fn signed(self, amount: Money) -> Money {
        match self {
            Side::Debit => amount,
            Side::Credit => -amount,
        }
    }
}

code_enum!(
    /// What a posting records.
    PostingKind, "posting kind" {
        Bill => "bill",
        Payment => "payment",
        Credit => "credit",
        Adjustment => "adjustment",
        LateFee => "late-fee",
        Waiver => "waiver",
        Reversal => "reversal",
        Deposit => "deposit",
        OpeningBalance => "opening-balance",
        BalanceTransfer => "balance-transfer",
        Refund => "refund",
    }
);

code_enum!(
    /// Why money was credited or a bill adjusted. Each reason has its own
    /// ledger account, so finance sees credits by reason.
    ReasonCode, "reason code" {
        Leak => "leak",
        Goodwill => "goodwill",
        ServiceOutage => "service-outage",
        MeterError => "meter-error",
        EstimatedRead => "estimated-read",
        BillingError => "billing-error",
        RateError => "rate-error",
        Other => "other",
    }
);

impl ReasonCode {
    /// The plain-language label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ReasonCode::Leak => "Leak allowance",
            ReasonCode::Goodwill => "Customer goodwill",
            ReasonCode::ServiceOutage => "Service interruption",
            ReasonCode::MeterError => "Meter misread or malfunction",
            ReasonCode::EstimatedRead => "Estimated read corrected",
            ReasonCode::BillingError => "Billing error",
            ReasonCode::RateError => "Wrong rate applied",
            ReasonCode::Other => "Other (see note)",
        }
    }
}

/// The chart of accounts. Receivables are kept per customer account (the
/// line carries the account id); everything else is utility-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ChartAccount {
    Receivable,
    Cash,
    Revenue(ServiceKind),
    LateFees,
    /// Credits issued, by reason (contra-revenue).
    Credits(ReasonCode),
    /// Bill adjustments, by reason (contra-revenue; credit side when a
    /// corrected bill is higher).
    Adjustments(ReasonCode),
    LateFeeWaivers,
    Deposits,
    /// The other side of balances and deposits brought in from the old
    /// system, so the books balance from the first day.
    Conversion,
    /// Credit balances of final accounts to be paid back to the customer.
    RefundsPayable,
}

impl ChartAccount {
    /// The hierarchical code, which is also the hledger account name.
    pub fn code(self) -> String {
        match self {
            ChartAccount::Receivable => "assets:receivable".into(),
            ChartAccount::Cash => "assets:cash".into(),
            ChartAccount::Revenue(service) => format!("revenue:{}", service.code()),
            ChartAccount::LateFees => "revenue:late-fees".into(),
            ChartAccount::Credits(reason) => format!("contra:credits:{}", reason.code()),
            ChartAccount::Adjustments(reason) => format!("contra:adjustments:{}", reason.code()),
            ChartAccount::LateFeeWaivers => "contra:late-fee-waivers".into(),
            ChartAccount::Deposits => "liabilities:deposits".into(),
            ChartAccount::Conversion => "equity:conversion".into(),
            ChartAccount::RefundsPayable => "liabilities:refunds-payable".into(),
        }
    }

    /// Every account in the chart, for seeding the store.
    pub fn all() -> Vec<ChartAccount> {
        let mut all = vec![ChartAccount::Receivable, ChartAccount::Cash];
        all.extend(ServiceKind::ALL.iter().map(|s| ChartAccount::Revenue(*s)));
        all.push(ChartAccount::LateFees);
        all.extend(ReasonCode::ALL.iter().map(|r| ChartAccount::Credits(*r)));
        all.extend(ReasonCode::ALL.iter().map(|r| ChartAccount::Adjustments(*r)));
        all.extend([
            ChartAccount::LateFeeWaivers,
            ChartAccount::Deposits,
            ChartAccount::Conversion,
            ChartAccount::RefundsPayable,
        ]);
        all
    }

    pub fn name(self) -> String {
        match self {
            ChartAccount::Receivable => "Customer receivables".into(),
            ChartAccount::Cash => "Cash".into(),
            ChartAccount::Revenue(service) => format!("Revenue: {}", service.code()),
            ChartAccount::LateFees => "Revenue: late fees".into(),
            ChartAccount::Credits(reason) => format!("Credits: {}", reason.label()),
            ChartAccount::Adjustments(reason) => format!("Bill adjustments: {}", reason.label()),
            ChartAccount::LateFeeWaivers => "Late fee waivers".into(),
            ChartAccount::Deposits => "Customer deposits held".into(),
            ChartAccount::Conversion => "Opening balances converted from the old system".into(),
            ChartAccount::RefundsPayable => "Refunds payable to customers".into(),
        }
    }
}

impl fmt::Display for ChartAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl From<ChartAccount> for String {
    fn from(account: ChartAccount) -> String {
        account.code()
    }
}

impl TryFrom<String> for ChartAccount {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<Self, UnknownCode> {
        code.parse()
    }
}

impl FromStr for ChartAccount {
    type Err = UnknownCode;
    fn from_str(code: &str) -> Result<Self, UnknownCode> {
        let unknown = || UnknownCode {
            kind: "ledger account",
            value: code.to_string(),
            expected: "a code from the chart of accounts",
        };
        Ok(match code {
            "assets:receivable" => ChartAccount::Receivable,
            "assets:cash" => ChartAccount::Cash,
            "revenue:late-fees" => ChartAccount::LateFees,
            "contra:late-fee-waivers" => ChartAccount::LateFeeWaivers,
            "liabilities:deposits" => ChartAccount::Deposits,
            "equity:conversion" => ChartAccount::Conversion,
            "liabilities:refunds-payable" => ChartAccount::RefundsPayable,
            _ => {
                if let Some(service) = code.strip_prefix("revenue:") {
                    ChartAccount::Revenue(service.parse().map_err(|_| unknown())?)
                } else if let Some(reason) = code.strip_prefix("contra:credits:") {
                    ChartAccount::Credits(reason.parse().map_err(|_| unknown())?)
                } else if let Some(reason) = code.strip_prefix("contra:adjustments:") {
                    ChartAccount::Adjustments(reason.parse().map_err(|_| unknown())?)
                } else {
                    return Err(unknown());
                }
            }
        })
    }
}

/// One line of a posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub ledger: ChartAccount,
    /// The customer account, required on receivable lines.
    pub account_id: Option<AccountId>,
    pub side: Side,
    pub amount: Money,
}

impl Line {
    pub fn debit(ledger: ChartAccount, amount: Money) -> Line {
        Line { ledger, account_id: None, side: Side::Debit, amount }
    }

    pub fn credit(ledger: ChartAccount, amount: Money) -> Line {
        Line { ledger, account_id: None, side: Side::Credit, amount }
    }

    pub fn receivable(account: AccountId, side: Side, amount: Money) -> Line {
        Line { ledger: ChartAccount::Receivable, account_id: Some(account), side, amount }
    }
}

/// A posting before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPosting {
    pub kind: PostingKind,
    pub account_id: Option<AccountId>,
    pub effective_on: NaiveDate,
    pub memo: String,
    pub reason: Option<ReasonCode>,
    pub bill_id: Option<BillId>,
    /// The posting this one reverses (kind `Reversal`).
    pub reverses: Option<PostingId>,
    /// The late-fee posting this one waives (kind `Waiver`).
    pub waives: Option<PostingId>,
    pub lines: Vec<Line>,
}

/// Why a posting cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("a posting needs at least two lines")]
    TooFewLines,
    #[error("line amounts must be more than $0.00 (got {0})")]
    NonPositive(Money),
    #[error("a line of {0} is above the $10,000,000.00 cap")]
    AboveCap(Money),
    #[error("debits {debits} do not equal credits {credits}")]
    Unbalanced { debits: Money, credits: Money },
    #[error("a receivable line must name the customer account")]
    ReceivableWithoutAccount,
}

impl NewPosting {
    /// Checks the posting is well formed: the ledger's invariants 1 and 2.
    pub fn validate(&self) -> Result<(), LedgerError> {
        if self.lines.len() < 2 {
            return Err(LedgerError::TooFewLines);
        }
        let mut debits = Money::ZERO;
        let mut credits = Money::ZERO;
        for line in &self.lines {
            if !line.amount.is_positive() {
                return Err(LedgerError::NonPositive(line.amount));
            }
            if line.amount.cents() > MAX_LINE_CENTS {
                return Err(LedgerError::AboveCap(line.amount));
            }
            if line.ledger == ChartAccount::Receivable && line.account_id.is_none() {
                return Err(LedgerError::ReceivableWithoutAccount);
            }
            match line.side {
                Side::Debit => debits += line.amount,
                Side::Credit => credits += line.amount,
            }
        }
        if debits != credits {
            return Err(LedgerError::Unbalanced { debits, credits });
        }
        Ok(())
    }

    /// The posting's effect on the customer account's receivable balance.
    pub fn receivable_change(&self) -> Money {
        self.lines.iter().filter(|l| l.ledger == ChartAccount::Receivable).map(|l| l.side.signed(l.amount)).sum()
    }

    /// How much the posting moves on receivable, debits and credits alike:
    /// what a money action uses of the person's daily total.
    pub fn receivable_moved(&self) -> Money {
        receivable_moved(&self.lines)
    }
}

/// What `lines` move on receivable, debits and credits alike.
pub fn receivable_moved(lines: &[Line]) -> Money {
    lines.iter().filter(|l| l.ledger == ChartAccount::Receivable).map(|l| l.amount).sum()
}

/// The lines that undo `lines`: same accounts and amounts, sides swapped.
pub fn reversal_lines(lines: &[Line]) -> Vec<Line> {
    lines.iter().map(|l| Line { side: l.side.opposite(), ..l.clone() }).collect()
}

/// Lines with the same ledger account, customer account and side merged, so
/// a bill with two water lines posts one water revenue line.
pub fn merge_lines(lines: Vec<Line>) -> Vec<Line> {
    let mut merged: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        if line.amount.is_zero() {
            continue;
        }
        match merged
            .iter_mut()
            .find(|m| m.ledger == line.ledger && m.account_id == line.account_id && m.side == line.side)
        {
            Some(existing) => existing.amount += line.amount,
            None => merged.push(line),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(lines: Vec<Line>) -> NewPosting {
        NewPosting {
            kind: PostingKind::Payment,
            account_id: Some(AccountId(1)),
            effective_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            memo: "test".into(),
            reason: None,
            bill_id: None,
            reverses: None,
            waives: None,
            lines,
        }
    }

    #[test]
    fn balanced_postings_pass_and_others_say_why() {
        let ten = Money::from_cents(1000);
        let ok = posting(vec![Line::debit(ChartAccount::Cash, ten), Line::receivable(AccountId(1), Side::Credit, ten)]);
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(ok.receivable_change(), -ten);
        assert_eq!(ok.receivable_moved(), ten);
        // An adjustment that raises one line and lowers another moves both
        // amounts on receivable, though its net change is their difference.
        let three = Money::from_cents(300);
        let both = posting(vec![
            Line::receivable(AccountId(1), Side::Debit, ten),
            Line::credit(ChartAccount::LateFees, ten),
            Line::debit(ChartAccount::LateFees, three),
            Line::receivable(AccountId(1), Side::Credit, three),
        ]);
        assert_eq!(both.validate(), Ok(()));
        assert_eq!(both.receivable_change(), ten - three);
        assert_eq!(both.receivable_moved(), ten + three);

        let one = posting(vec![Line::debit(ChartAccount::Cash, ten)]);
        assert_eq!(one.validate(), Err(LedgerError::TooFewLines));
        let unbalanced = posting(vec![
            Line::debit(ChartAccount::Cash, ten),
            Line::credit(ChartAccount::LateFees, Money::from_cents(999)),
        ]);
        assert!(matches!(unbalanced.validate(), Err(LedgerError::Unbalanced { .. })));
        let zero = posting(vec![
            Line::debit(ChartAccount::Cash, Money::ZERO),
            Line::credit(ChartAccount::LateFees, Money::ZERO),
        ]);
        assert!(matches!(zero.validate(), Err(LedgerError::NonPositive(_))));
        let huge = Money::from_cents(MAX_LINE_CENTS + 1);
        let capped = posting(vec![Line::debit(ChartAccount::Cash, huge), Line::credit(ChartAccount::LateFees, huge)]);
        assert!(matches!(capped.validate(), Err(LedgerError::AboveCap(_))));
        let anonymous =
            posting(vec![Line::debit(ChartAccount::Receivable, ten), Line::credit(ChartAccount::LateFees, ten)]);
        assert_eq!(anonymous.validate(), Err(LedgerError::ReceivableWithoutAccount));
    }

    #[test]
    fn reversal_nets_to_zero() {
        let lines = vec![
            Line::receivable(AccountId(7), Side::Debit, Money::from_cents(4321)),
            Line::credit(ChartAccount::Revenue(ServiceKind::Water), Money::from_cents(4321)),
        ];
        let mut both = lines.clone();
        both.extend(reversal_lines(&lines));
        let net: Money = both.iter().map(|l| l.side.signed(l.amount)).sum();
        assert_eq!(net, Money::ZERO);
    }

    #[test]
    fn chart_codes_round_trip() {
        for account in ChartAccount::all() {
            assert_eq!(account.code().parse::<ChartAccount>(), Ok(account));
        }
        assert!("revenue:gas".parse::<ChartAccount>().is_err());
    }

    #[test]
    fn merge_adds_like_lines_and_drops_zeros() {
        let water = ChartAccount::Revenue(ServiceKind::Water);
        let merged = merge_lines(vec![
            Line::credit(water, Money::from_cents(100)),
            Line::credit(water, Money::from_cents(250)),
            Line::credit(ChartAccount::LateFees, Money::ZERO),
        ]);
        assert_eq!(merged, vec![Line::credit(water, Money::from_cents(350))]);
    }
}

/// What a posting's audit record commits to: its kind, account, effective
/// date, links (bill, reversed or waived posting), what it moved on
/// receivable and every line in order. `verify` recomputes it from the
/// stored rows, so a posting edited consistently (its lines, its recorded
/// amount and the cached balance together) no longer matches the record
/// written when it was posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingContent<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub account_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub effective_on: &'a str,
    pub bill_id: Option<i64>,
    pub reverses: Option<i64>,
    pub waives: Option<i64>,
    pub receivable_cents: Option<i64>,
}

/// One line as the digest reads it: ledger code, customer account, side
/// (`D` or `C`), amount in cents.
pub type DigestLine<'a> = (&'a str, Option<i64>, &'a str, i64);

/// The SHA-256 (hex) of a posting's content: one text line for the posting,
/// one per ledger line, fields separated by `|` (no field can hold one:
/// codes, ids, dates and numbers only).
pub fn content_digest<'a>(posting: &PostingContent, lines: impl IntoIterator<Item = DigestLine<'a>>) -> String {
    use sha2::{Digest, Sha256};
    let opt = |v: Option<i64>| v.map_or_else(String::new, |v| v.to_string());
    let mut hasher = Sha256::new();
    hasher.update(
        format!(
            "posting|{}|{}|{}|{}|{}|{}|{}|{}\n",
            posting.id,
            posting.kind,
            opt(posting.account_id),
            posting.effective_on,
            opt(posting.bill_id),
            opt(posting.reverses),
            opt(posting.waives),
            opt(posting.receivable_cents),
        )
        .as_bytes(),
    );
    for (ledger, account, side, amount) in lines {
        hasher.update(format!("line|{ledger}|{}|{side}|{amount}\n", opt(account)).as_bytes());
    }
    super::audit::hex(&hasher.finalize())
}

impl NewPosting {
    /// [`content_digest`] of this posting as it will be stored under `id`.
    pub fn digest(&self, id: PostingId) -> String {
        let effective_on = self.effective_on.format("%Y-%m-%d").to_string();
        let content = PostingContent {
            id: id.0,
            kind: self.kind.code(),
            account_id: self.account_id.map(|a| a.0),
            effective_on: &effective_on,
            bill_id: self.bill_id.map(|b| b.0),
            reverses: self.reverses.map(|p| p.0),
            waives: self.waives.map(|p| p.0),
            receivable_cents: Some(self.receivable_moved().cents()),
        };
        let codes: Vec<String> = self.lines.iter().map(|l| l.ledger.code()).collect();
        content_digest(
            &content,
            self.lines
                .iter()
                .zip(&codes)
                .map(|(l, code)| (code.as_str(), l.account_id.map(|a| a.0), l.side.code(), l.amount.cents())),
        )
    }
}
