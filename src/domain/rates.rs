//! Rate schedules as data, and rating one month's bill from them.
//!
//! A schedule is a TOML file under `assets/rates/` with an effective date.
//! Reading it also validates it, so a [`RateSchedule`] in hand is always
//! usable: every meter size and refuse cart has a price, blocks ascend, no
//! rate is negative. Rating turns a month's water use into printed
//! [`BillLine`]s, each rounded once to cents by the schedule's rule; a bill's
//! total is the sum of its lines, so the printed bill always adds up.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Serialize};

use super::account::{CartSize, MeterSize, PickupFrequency, Refuse, ServiceKind, Services};
use super::money::Money;

/// The schedules shipped with the application: (file name, TOML text).
pub const DEFAULT_SCHEDULES: &[(&str, &str)] =
    &[("residential-2024.toml", include_str!("../../assets/rates/residential-2024.toml"))];

/// Why a rate schedule could not be read, accepted or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    /// The text is not a schedule: bad TOML, a misspelt or missing field, a
    /// figure written as a bare (floating-point) number.
    #[error("rate schedule {schedule}: the file could not be read: {message}")]
    Parse { schedule: String, message: String },
    /// The schedule reads but breaks a rule; every problem found is listed.
    #[error("rate schedule {schedule} is not valid: {problems}")]
    Invalid { schedule: String, problems: String },
    /// Two schedules in one book share an id.
    #[error("two rate schedules have the id \"{id}\"; give each schedule its own id")]
    DuplicateId { id: String },
    /// Two schedules in one book start on the same day, so neither can win.
    #[error("rate schedules {first} and {second} both take effect on {date}; only one schedule can start on a day")]
    SameEffectiveDate { first: String, second: String, date: NaiveDate },
    /// A charge does not fit in the money type: the consumption is absurd.
    #[error("rate schedule {schedule}: the {what} charge is too large to bill; check the meter reads")]
    Overflow { schedule: String, what: String },
}

/// How a line's exact amount is rounded to cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Half a cent rounds away from zero (the usual rule on bills).
    #[default]
    HalfUp,
    /// Half a cent rounds to the even cent ("banker's rounding").
    HalfEven,
    /// Fractions of a cent are dropped.
    Down,
}

impl Rounding {
    /// The `rust_decimal` strategy implementing this rule.
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Down => RoundingStrategy::ToZero,
        }
    }
}

/// One volumetric block: the gallons of the month up to `up_to_gal` (counted
/// from the first gallon), at `per_kgal` dollars per 1,000 gallons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Upper bound of the block in gallons; `None` for the last, open block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_gal: Option<u64>,
    /// Dollars per 1,000 gallons.
    pub per_kgal: Decimal,
}

/// Water: a monthly meter fee by meter size plus volume blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaterRates {
    /// Monthly meter charge by meter size, in dollars.
    pub meter_fee: BTreeMap<MeterSize, Decimal>,
    /// Volume blocks in ascending order; the last is open-ended.
    pub blocks: Vec<Block>,
}

/// Sanitary sewer: volume blocks applied to the lesser of use and sewer cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SewerRates {
    /// Volume blocks in ascending order; the last is open-ended.
    pub blocks: Vec<Block>,
}

/// A flat monthly charge (stormwater, EMSAcare).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthlyFee {
    /// Dollars per month.
    pub monthly: Decimal,
}

/// The late fee and when service may be cut off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateFeeRule {
    /// Percent of the past-due amount, e.g. 1.5.
    pub percent: Decimal,
    /// Days past due after which service may be cut off.
    pub cutoff_days: u32,
    /// Past-due amounts below this (in dollars) draw no fee.
    pub min_past_due: Decimal,
}

/// The contents of a schedule file, not yet validated. Edit a copy and turn
/// it into a [`RateSchedule`] with `try_from` to have it checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateTerms {
    /// A stable id, e.g. "residential-2024".
    pub id: String,
    /// A name for people, e.g. "Residential rates 2024".
    pub name: String,
    /// The first day the schedule applies.
    #[serde(deserialize_with = "date_field")]
    pub effective_from: NaiveDate,
    /// How each line is rounded to cents.
    #[serde(default)]
    pub rounding: Rounding,
    /// Names of figures that are stand-ins, not published rates, such as
    /// "water.meter_fee.5/8" or "emsacare.monthly".
    #[serde(default)]
    pub placeholders: Vec<String>,
    /// Meter fees and water volume blocks.
    pub water: WaterRates,
    /// Sewer volume blocks.
    pub sewer: SewerRates,
    /// The flat monthly stormwater charge.
    pub stormwater: MonthlyFee,
    /// Monthly refuse prices by pick-up frequency, then cart size.
    pub refuse: BTreeMap<PickupFrequency, BTreeMap<CartSize, Decimal>>,
    /// The EMSAcare monthly fee.
    pub emsacare: MonthlyFee,
    /// The late fee and cut-off.
    pub late_fee: LateFeeRule,
}

/// A validated rate schedule. The only ways to one are [`RateSchedule::from_toml`]
/// and `try_from(RateTerms)`; deserializing one (say from JSON kept in the
/// database) runs the same validation. Read rate files with `from_toml`: it
/// also refuses figures written as bare TOML floats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RateTerms", into = "RateTerms")]
pub struct RateSchedule {
    terms: RateTerms,
}

/// One printed line of a bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLine {
    /// The service whose revenue this line is.
    pub service: ServiceKind,
    /// What a customer reads, e.g. "Water use, 5.400 kgal at $5.39 per 1,000 gal".
    pub description: String,
    /// How many units: 1 month, or thousands of gallons (exact).
    pub quantity: Decimal,
    /// "month" or "kgal".
    pub unit: String,
    /// Dollars per unit.
    pub rate: Decimal,
    /// quantity × rate, rounded once to cents by the schedule's rule.
    pub amount: Money,
}

/// What one month's bill is rated from.
#[derive(Debug, Clone, Copy)]
pub struct RatingInput<'a> {
    /// The services on the account.
    pub services: &'a Services,
    /// Water used in the month, in gallons.
    pub consumption_gal: u64,
    /// The account's sewer cap in gallons (see `sewer_cap`).
    pub sewer_cap_gal: u64,
    /// A final bill's part of a month: its monthly charges are billed for
    /// that share (`None`: a whole month).
    pub month_share: Option<MonthShare>,
}

/// Days a final bill's monthly charges are billed for, out of a month of
/// [`PRORATION_MONTH_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthShare {
    pub days: u32,
    pub of: u32,
}

/// A month, for prorating a final bill: 30 days, whatever the calendar
/// month (so the same days cost the same in February and in March).
pub const PRORATION_MONTH_DAYS: u32 = 30;

impl MonthShare {
    /// A final bill's share for a period of `days` days (a whole month,
    /// `None`, at 30 days or more).
    pub fn of_days(days: i64) -> Option<MonthShare> {
        let of = PRORATION_MONTH_DAYS;
        u32::try_from(days.max(1)).ok().filter(|d| *d < of).map(|days| MonthShare { days, of })
    }

    /// The share as a month's fraction, to four places (printed as the
    /// line's quantity; the amount is quantity × rate, rounded once).
    pub fn fraction(self) -> Decimal {
        (Decimal::from(self.days) / Decimal::from(self.of))
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
    }
}

/// A bill's total: the sum of its printed lines, never a separate rounding.
pub fn total(lines: &[BillLine]) -> Money {
    lines.iter().map(|line| line.amount).sum()
}

impl TryFrom<RateTerms> for RateSchedule {
    type Error = RateError;

    fn try_from(terms: RateTerms) -> Result<RateSchedule, RateError> {
        let problems = terms.problems();
        if problems.is_empty() {
            Ok(RateSchedule { terms })
        } else {
            Err(RateError::Invalid { schedule: terms.id, problems: problems.join("; ") })
        }
    }
}

impl From<RateSchedule> for RateTerms {
    fn from(schedule: RateSchedule) -> RateTerms {
        schedule.terms
    }
}

impl RateSchedule {
    /// Reads and validates a schedule file. Errors name the schedule id (when
    /// the file has one) and every problem found.
    pub fn from_toml(text: &str) -> Result<RateSchedule, RateError> {
        let parse_error = |schedule: &str, message: String| RateError::Parse { schedule: schedule.into(), message };
        let table: toml::Table = toml::from_str(text).map_err(|error| parse_error("(no id)", error.to_string()))?;
        // Named in every later error: it tells the administrator which file to open.
        let id = table.get("id").and_then(toml::Value::as_str).unwrap_or("(no id)");
        // A bare 5.39 is a float in TOML and would reach us through binary
        // floating point; figures must be quoted so they are read exactly.
        if let Some(path) = find_float(&table) {
            let message = format!("{path} is a bare number; write figures in quotes, such as \"5.39\"");
            return Err(parse_error(id, message));
        }
        let terms: RateTerms = toml::from_str(text).map_err(|error| parse_error(id, error.to_string()))?;
        RateSchedule::try_from(terms)
    }

    /// Everything in the schedule.
    pub fn terms(&self) -> &RateTerms {
        &self.terms
    }

    /// The schedule's id.
    pub fn id(&self) -> &str {
        &self.terms.id
    }

    /// The first day the schedule applies.
    pub fn effective_from(&self) -> NaiveDate {
        self.terms.effective_from
    }

    /// Rates one month: the water meter fee, water use by block, sewer use by
    /// block (on the lesser of use and cap), then stormwater, refuse and
    /// EMSAcare as the account has them. Volume lines with no use are left out.
    pub fn rate(&self, input: &RatingInput<'_>) -> Result<Vec<BillLine>, RateError> {
        let (terms, services) = (&self.terms, input.services);
        let mut lines = Vec::new();

        let size = services.meter_size;
        // Validation guarantees every size and cart has a price; the errors
        // below only keep this free of panics.
        let meter_fee = terms.water.meter_fee.get(&size).copied();
        let meter_fee = meter_fee.ok_or_else(|| self.invalid(format!("no meter fee for a {size}\" meter")))?;
        let share = input.month_share;
        let description = format!("Water meter charge, {size}\" meter");
        lines.push(self.monthly_line(ServiceKind::Water, description, meter_fee, share)?);

        for part in split(&terms.water.blocks, input.consumption_gal) {
            let (label, quantity, rate) = (&part.label, kgal(part.gallons), dollars(part.rate));
            let description = format!("Water use{label}, {quantity} kgal at {rate} per 1,000 gal");
            lines.push(self.volume_line(ServiceKind::Water, description, &part)?);
        }

        if services.sewer {
            let used = input.consumption_gal;
            let billed = used.min(input.sewer_cap_gal);
            // Say so when the cap limited the charge: it is the question the
            // customer on the phone is about to ask.
            let note = match (billed < used, terms.sewer.blocks.len()) {
                (false, _) => String::new(),
                (true, 1) => format!(" (your sewer cap; {} kgal used)", kgal(used)),
                (true, _) => format!(" (your sewer cap is {} kgal; {} kgal used)", kgal(billed), kgal(used)),
            };
            for part in split(&terms.sewer.blocks, billed) {
                let (label, quantity, rate) = (&part.label, kgal(part.gallons), dollars(part.rate));
                let description = format!("Sewer{label}, {quantity} kgal{note} at {rate} per 1,000 gal");
                lines.push(self.volume_line(ServiceKind::Sewer, description, &part)?);
            }
        }

        if services.stormwater {
            let description = "Stormwater, flat monthly charge".to_string();
            lines.push(self.monthly_line(ServiceKind::Stormwater, description, terms.stormwater.monthly, share)?);
        }
        if let Some(refuse) = services.refuse {
            let description = format!("Refuse, {}-gallon cart, {} pick-up", refuse.cart, refuse.frequency);
            let price =
                terms.refuse_price(refuse).ok_or_else(|| self.invalid(format!("no price for {description}")))?;
            lines.push(self.monthly_line(ServiceKind::Refuse, description, price, share)?);
        }
        if services.emsacare {
            let description = "EMSAcare ambulance membership".to_string();
            lines.push(self.monthly_line(ServiceKind::Emsacare, description, terms.emsacare.monthly, share)?);
        }
        Ok(lines)
    }

    /// The late fee on a past-due amount: the schedule's percent, rounded once
    /// by its rule; nothing when the amount is not positive or is below the
    /// schedule's minimum.
    pub fn late_fee(&self, past_due: Money) -> Money {
        let rule = &self.terms.late_fee;
        let amount = past_due.to_decimal();
        if !past_due.is_positive() || amount < rule.min_past_due {
            return Money::ZERO;
        }
        // Validation keeps percent within 0..=100, so the fee is at most the
        // past-due amount and always fits; zero is only a formal fallback.
        amount
            .checked_mul(rule.percent)
            .and_then(|product| product.checked_div(Decimal::ONE_HUNDRED))
            .and_then(|fee| Money::from_decimal(fee, self.terms.rounding.strategy()))
            .unwrap_or(Money::ZERO)
    }

    fn monthly_line(
        &self,
        service: ServiceKind,
        description: String,
        rate: Decimal,
        share: Option<MonthShare>,
    ) -> Result<BillLine, RateError> {
        let (quantity, description) = match share {
            None => (Decimal::ONE, description),
            Some(share) => {
                (share.fraction(), format!("{description}, {} of {} days (final bill)", share.days, share.of))
            }
        };
        let amount = self.amount(quantity, rate, service)?;
        Ok(BillLine { service, description, quantity, unit: "month".into(), rate, amount })
    }

    fn volume_line(&self, service: ServiceKind, description: String, part: &BlockUse) -> Result<BillLine, RateError> {
        // Exact thousands of gallons, three decimals: 5,400 gal is 5.400 kgal.
        let quantity = Decimal::from_i128_with_scale(i128::from(part.gallons), 3);
        let amount = self.amount(quantity, part.rate, service)?;
        Ok(BillLine { service, description, quantity, unit: "kgal".into(), rate: part.rate, amount })
    }

    /// quantity × rate, rounded once.
    fn amount(&self, quantity: Decimal, rate: Decimal, service: ServiceKind) -> Result<Money, RateError> {
        let overflow = || RateError::Overflow { schedule: self.terms.id.clone(), what: service.code().into() };
        let exact = quantity.checked_mul(rate).ok_or_else(overflow)?;
        Money::from_decimal(exact, self.terms.rounding.strategy()).ok_or_else(overflow)
    }

    fn invalid(&self, problem: String) -> RateError {
        RateError::Invalid { schedule: self.terms.id.clone(), problems: problem }
    }
}

impl RateTerms {
    /// The monthly refuse price for a cart and pick-up frequency.
    pub fn refuse_price(&self, refuse: Refuse) -> Option<Decimal> {
        self.refuse.get(&refuse.frequency)?.get(&refuse.cart).copied()
    }

    /// Whether the named figure (e.g. "emsacare.monthly") is a placeholder.
    pub fn is_placeholder(&self, figure: &str) -> bool {
        self.placeholders.iter().any(|name| name == figure)
    }

    /// Every figure with its name, as `placeholders` refers to them:
    /// "water.meter_fee.5/8", "water.blocks.1", "refuse.weekly.35", ...
    pub fn figures(&self) -> Vec<(String, Decimal)> {
        let mut figures = Vec::new();
        for (size, fee) in &self.water.meter_fee {
            figures.push((format!("water.meter_fee.{size}"), *fee));
        }
        for (section, blocks) in [("water", &self.water.blocks), ("sewer", &self.sewer.blocks)] {
            for (i, block) in blocks.iter().enumerate() {
                figures.push((format!("{section}.blocks.{}", i + 1), block.per_kgal));
            }
        }
        figures.push(("stormwater.monthly".into(), self.stormwater.monthly));
        for (frequency, prices) in &self.refuse {
            for (cart, price) in prices {
                figures.push((format!("refuse.{frequency}.{cart}"), *price));
            }
        }
        figures.push(("emsacare.monthly".into(), self.emsacare.monthly));
        figures.push(("late_fee.percent".into(), self.late_fee.percent));
        figures.push(("late_fee.cutoff_days".into(), Decimal::from(self.late_fee.cutoff_days)));
        figures.push(("late_fee.min_past_due".into(), self.late_fee.min_past_due));
        figures
    }

    /// Everything wrong with the schedule, each said so it can be fixed.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.id.trim().is_empty() {
            problems.push("the id is empty".to_string());
        }
        block_problems("water", &self.water.blocks, &mut problems);
        block_problems("sewer", &self.sewer.blocks, &mut problems);
        for size in MeterSize::ALL.iter().filter(|size| !self.water.meter_fee.contains_key(size)) {
            problems.push(format!("no meter fee for a {size}\" meter: add \"{size}\" under [water.meter_fee]"));
        }
        for frequency in PickupFrequency::ALL {
            for cart in CartSize::ALL {
                if self.refuse_price(Refuse { cart: *cart, frequency: *frequency }).is_none() {
                    problems.push(format!(
                        "no refuse price for a {cart}-gallon cart: add \"{cart}\" under [refuse.{frequency}]"
                    ));
                }
            }
        }
        let figures = self.figures();
        for (name, value) in figures.iter().filter(|(_, value)| *value < Decimal::ZERO) {
            problems.push(format!("{name} is negative ({value}); rates and fees cannot be below zero"));
        }
        let percent = self.late_fee.percent;
        if percent > Decimal::ONE_HUNDRED {
            problems.push(format!("late_fee.percent is {percent}; it must be between 0 and 100"));
        }
        if self.late_fee.min_past_due.normalize().scale() > 2 {
            problems.push("late_fee.min_past_due has more than two decimals; it is dollars and cents".into());
        }
        let names: BTreeSet<&str> = figures.iter().map(|(name, _)| name.as_str()).collect();
        for unknown in self.placeholders.iter().filter(|name| !names.contains(name.as_str())) {
            problems.push(format!("placeholder \"{unknown}\" names no figure in this schedule"));
        }
        problems
    }
}

/// Checks one section's blocks: present, ascending, only the last open.
fn block_problems(section: &str, blocks: &[Block], problems: &mut Vec<String>) {
    if blocks.is_empty() {
        problems.push(format!("{section} has no blocks: add a [[{section}.blocks]] with per_kgal"));
    }
    let mut previous_end = None;
    for (i, block) in blocks.iter().enumerate() {
        let (n, last) = (i + 1, i + 1 == blocks.len());
        let problem = match (block.up_to_gal, last, previous_end) {
            (None, false, _) => format!(
                "{section} block {n} has no up_to_gal but is not the last block: only the last block may be open-ended"
            ),
            (Some(end), true, _) => format!(
                "{section} block {n} is the last block but ends at {end} gal: the last block must be open-ended so all use is billed"
            ),
            (Some(0), false, None) => format!("{section} block {n} ends at 0 gal, so it would bill nothing"),
            (Some(end), false, Some(before)) if end <= before => format!(
                "{section} block {n} ends at {end} gal, not above the {before} gal where block {i} ends: blocks must be in ascending order of up_to_gal"
            ),
            _ => String::new(),
        };
        if !problem.is_empty() {
            problems.push(problem);
        }
        previous_end = block.up_to_gal.or(previous_end);
    }
}

/// The gallons of a month that fall in one block, with the block's wording.
struct BlockUse {
    label: String,
    gallons: u64,
    rate: Decimal,
}

/// Splits gallons across blocks, leaving out blocks with no use.
fn split(blocks: &[Block], gallons: u64) -> Vec<BlockUse> {
    let tiered = blocks.len() > 1;
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, block) in blocks.iter().enumerate() {
        let end = block.up_to_gal.unwrap_or(u64::MAX);
        let used = gallons.min(end).saturating_sub(start);
        if used > 0 {
            // A flat schedule needs no block wording; a tiered one says which
            // gallons the block covers, so the customer can follow the steps.
            let label = match (tiered, block.up_to_gal) {
                (false, _) => String::new(),
                (true, Some(end)) if start == 0 => format!(", block 1 (first {} gal)", group(end)),
                (true, Some(end)) => format!(", block {} ({} to {} gal)", i + 1, group(start + 1), group(end)),
                (true, None) => format!(", block {} (over {} gal)", i + 1, group(start)),
            };
            parts.push(BlockUse { label, gallons: used, rate: block.per_kgal });
        }
        start = end;
    }
    parts
}

/// "48,300" for 48300.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// Gallons as thousands with three decimals: "5.400", "1,234.567".
fn kgal(gallons: u64) -> String {
    format!("{}.{:03}", group(gallons / 1000), gallons % 1000)
}

/// A rate in dollars with at least two decimals: "$5.39", "$4.00", "$5.395".
fn dollars(rate: Decimal) -> String {
    let rate = rate.normalize();
    let text = if rate.scale() < 2 { format!("{rate:.2}") } else { rate.to_string() };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let whole: u64 = whole.parse().unwrap_or_default();
    format!("${}.{fraction}", group(whole))
}

/// The path of the first float in a TOML table, e.g. "water.blocks.1.per_kgal".
fn find_float(table: &toml::Table) -> Option<String> {
    table.iter().find_map(|(key, value)| match value {
        toml::Value::Float(_) => Some(key.clone()),
        toml::Value::Table(inner) => find_float(inner).map(|path| format!("{key}.{path}")),
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| item.as_table().and_then(find_float).map(|path| format!("{key}.{}.{path}", i + 1))),
        _ => None,
    })
}

/// Accepts a TOML date (`2024-01-01`) or the text "2024-01-01" (a quoted
/// TOML string, or JSON kept in the database).
fn date_field<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    struct DateVisitor;
    impl<'de> Visitor<'de> for DateVisitor {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date such as 2024-01-01")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<NaiveDate, A::Error> {
            // toml hands its dates over as a private one-entry map.
            let date = toml::value::Date::deserialize(MapAccessDeserializer::new(map))?;
            NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
                .ok_or_else(|| de::Error::custom(format!("{date} is not a calendar date")))
        }
    }
    deserializer.deserialize_any(DateVisitor)
}

/// All known schedules, oldest first; picks the one in effect on a date.
#[derive(Debug, Clone, Default)]
pub struct RateBook {
    schedules: Vec<RateSchedule>,
}

impl RateBook {
    /// A book of schedules. Refuses two with the same id, or two starting on
    /// the same day (which of them applies would be a guess).
    pub fn new(mut schedules: Vec<RateSchedule>) -> Result<RateBook, RateError> {
        let mut ids = BTreeSet::new();
        if let Some(duplicate) = schedules.iter().find(|schedule| !ids.insert(schedule.id())) {
            return Err(RateError::DuplicateId { id: duplicate.id().to_string() });
        }
        schedules.sort_by_key(RateSchedule::effective_from);
        if let Some(pair) = schedules.windows(2).find(|pair| pair[0].effective_from() == pair[1].effective_from()) {
            return Err(RateError::SameEffectiveDate {
                first: pair[0].id().to_string(),
                second: pair[1].id().to_string(),
                date: pair[0].effective_from(),
            });
        }
        Ok(RateBook { schedules })
    }

    /// The schedules shipped in [`DEFAULT_SCHEDULES`].
    pub fn builtin() -> Result<RateBook, RateError> {
        let schedules = DEFAULT_SCHEDULES.iter().map(|(_, text)| RateSchedule::from_toml(text));
        RateBook::new(schedules.collect::<Result<_, _>>()?)
    }

    /// The schedule in effect on `date`: the latest one starting on or before
    /// it. `None` before the first schedule.
    pub fn in_effect(&self, date: NaiveDate) -> Option<&RateSchedule> {
        self.schedules.iter().rev().find(|schedule| schedule.effective_from() <= date)
    }

    /// The schedule with this id.
    pub fn get(&self, id: &str) -> Option<&RateSchedule> {
        self.schedules.iter().find(|schedule| schedule.id() == id)
    }

    /// All schedules, oldest first.
    pub fn schedules(&self) -> &[RateSchedule] {
        &self.schedules
    }
}

#[cfg(test)]
mod tests;
