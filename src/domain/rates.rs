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
        lines.push(self.monthly_line(ServiceKind::Water, format!("Water meter charge, {size}\" meter"), meter_fee)?);

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
            lines.push(self.monthly_line(ServiceKind::Stormwater, description, terms.stormwater.monthly)?);
        }
        if let Some(refuse) = services.refuse {
            let description = format!("Refuse, {}-gallon cart, {} pick-up", refuse.cart, refuse.frequency);
            let price =
                terms.refuse_price(refuse).ok_or_else(|| self.invalid(format!("no price for {description}")))?;
            lines.push(self.monthly_line(ServiceKind::Refuse, description, price)?);
        }
        if services.emsacare {
            let description = "EMSAcare ambulance membership".to_string();
            lines.push(self.monthly_line(ServiceKind::Emsacare, description, terms.emsacare.monthly)?);
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

    fn monthly_line(&self, service: ServiceKind, description: String, rate: Decimal) -> Result<BillLine, RateError> {
        let amount = self.amount(Decimal::ONE, rate, service)?;
        Ok(BillLine { service, description, quantity: Decimal::ONE, unit: "month".into(), rate, amount })
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
mod tests {
    use super::*;
    use CartSize::{Large, Medium, Small};
    use MeterSize::{FiveEighths, One, OneAndHalf, ThreeQuarters, Two};
    use PickupFrequency::{TwiceWeekly, Weekly};
    use ServiceKind::{Emsacare as Ems, Refuse as Ref, Sewer, Stormwater as Storm, Water};
    use rust_decimal_macros::dec;

    const BUILTIN: &str = DEFAULT_SCHEDULES[0].1;

    fn builtin() -> RateSchedule {
        RateSchedule::from_toml(BUILTIN).expect("builtin schedule parses")
    }

    /// The builtin text with one passage replaced (which must be there).
    fn edited(from: &str, to: &str) -> String {
        assert!(BUILTIN.contains(from), "fixture text not found: {from}");
        BUILTIN.replacen(from, to, 1)
    }

    fn block(up_to_gal: Option<u64>, per_kgal: Decimal) -> Block {
        Block { up_to_gal, per_kgal }
    }

    /// Same figures, half-even rounding.
    fn half_even() -> RateSchedule {
        RateSchedule::from_toml(&edited("rounding = \"half_up\"", "rounding = \"half_even\"")).expect("parses")
    }

    /// Water: first 3,000 gal at $4.00, to 10,000 at $5.50, over at $7.25.
    /// Sewer: first 4,000 gal at $9.00, over at $11.00. Otherwise builtin.
    fn tiered() -> RateSchedule {
        let mut terms = builtin().terms().clone();
        terms.water.blocks =
            vec![block(Some(3_000), dec!(4.00)), block(Some(10_000), dec!(5.50)), block(None, dec!(7.25))];
        terms.sewer.blocks = vec![block(Some(4_000), dec!(9.00)), block(None, dec!(11.00))];
        RateSchedule::try_from(terms).expect("valid tiered schedule")
    }

    fn services(
        size: MeterSize,
        sewer: bool,
        storm: bool,
        refuse: Option<(CartSize, PickupFrequency)>,
        ems: bool,
    ) -> Services {
        let refuse = refuse.map(|(cart, frequency)| Refuse { cart, frequency });
        Services {
            meter_number: "M-1".into(),
            meter_size: size,
            meter_dials: 6,
            sewer,
            stormwater: storm,
            refuse,
            emsacare: ems,
        }
    }

    fn rate(schedule: &RateSchedule, services: &Services, consumption_gal: u64, sewer_cap_gal: u64) -> Vec<BillLine> {
        schedule.rate(&RatingInput { services, consumption_gal, sewer_cap_gal }).expect("rates")
    }

    #[test]
    fn hand_computed_bills() {
        // Builtin: water $5.39/kgal, sewer $10.02/kgal, stormwater $10.63; meters 5/8 $10.25,
        // 3/4 $13.50, 1 $19.75, 1-1/2 $37.00, 2 $58.50; refuse weekly 35/64/96 $18.45/$21.65/$24.85,
        // twice-weekly $31.20/$36.90/$42.60; EMSAcare $5.25. Amounts in cents.
        type Row = (&'static str, fn() -> RateSchedule, Services, u64, u64, Vec<(ServiceKind, i64)>, i64);
        #[rustfmt::skip]
        let rows: Vec<Row> = vec![
            // Fixed lines only: 1025 + 1063 + 2165 + 525 = 4778.
            ("zero use", builtin, services(FiveEighths, true, true, Some((Medium, Weekly)), true), 0, 5_000,
             vec![(Water, 1025), (Storm, 1063), (Ref, 2165), (Ems, 525)], 4778),
            // 5.4 × 5.39 = 29.106 → 29.11; sewer under the 6.0 cap: 5.4 × 10.02 = 54.108 → 54.11.
            // 1025 + 2911 + 5411 + 1063 + 1845 + 525 = 12780.
            ("under cap, 35 weekly", builtin, services(FiveEighths, true, true, Some((Small, Weekly)), true), 5_400, 6_000,
             vec![(Water, 1025), (Water, 2911), (Sewer, 5411), (Storm, 1063), (Ref, 1845), (Ems, 525)], 12780),
            // 8 × 5.39 = 43.12; sewer capped at 5: 5 × 10.02 = 50.10; EMSAcare opted out.
            // 1350 + 4312 + 5010 + 1063 + 2485 = 14220.
            ("capped, 96 weekly, no EMSAcare", builtin, services(ThreeQuarters, true, true, Some((Large, Weekly)), false), 8_000, 5_000,
             vec![(Water, 1350), (Water, 4312), (Sewer, 5010), (Storm, 1063), (Ref, 2485)], 14220),
            // Septic, no refuse: 3.25 × 5.39 = 17.5175 → 17.52. 1975 + 1752 + 1063 + 525 = 5315.
            ("no sewer, no refuse", builtin, services(One, false, true, None, true), 3_250, 5_000,
             vec![(Water, 1975), (Water, 1752), (Storm, 1063), (Ems, 525)], 5315),
            // Leak: 48.3 × 5.39 = 260.337 → 260.34; sewer capped at 4.7: 4.7 × 10.02 = 47.094 → 47.09.
            // 1025 + 26034 + 4709 + 1063 + 3690 + 525 = 37046.
            ("big leak, 64 twice-weekly", builtin, services(FiveEighths, true, true, Some((Medium, TwiceWeekly)), true), 48_300, 4_700,
             vec![(Water, 1025), (Water, 26034), (Sewer, 4709), (Storm, 1063), (Ref, 3690), (Ems, 525)], 37046),
            // 12.345 × 5.39 = 66.53955 → 66.54; 12.345 × 10.02 = 123.6969 → 123.70.
            // 3700 + 6654 + 12370 + 1063 + 3120 = 26907.
            ("1-1/2 meter, 35 twice-weekly", builtin, services(OneAndHalf, true, true, Some((Small, TwiceWeekly)), false), 12_345, 15_000,
             vec![(Water, 3700), (Water, 6654), (Sewer, 12370), (Storm, 1063), (Ref, 3120)], 26907),
            // 25 × 5.39 = 134.75; sewer capped at 9: 90.18. 5850 + 13475 + 9018 + 1063 + 4260 + 525 = 34191.
            ("2 meter, 96 twice-weekly", builtin, services(Two, true, true, Some((Large, TwiceWeekly)), true), 25_000, 9_000,
             vec![(Water, 5850), (Water, 13475), (Sewer, 9018), (Storm, 1063), (Ref, 4260), (Ems, 525)], 34191),
            // Midpoint: 1.5 × 5.39 = 8.085 → half up 8.09; 1.5 × 10.02 = 15.03. 1025 + 809 + 1503 = 3337.
            ("midpoint, half up", builtin, services(FiveEighths, true, false, None, false), 1_500, 5_000,
             vec![(Water, 1025), (Water, 809), (Sewer, 1503)], 3337),
            // The same bill half even: 8.085 → 8.08 (8 is even). 1025 + 808 + 1503 = 3336.
            ("midpoint, half even", half_even, services(FiveEighths, true, false, None, false), 1_500, 5_000,
             vec![(Water, 1025), (Water, 808), (Sewer, 1503)], 3336),
            // Tiered, 14,250 gal, cap 6,500: water 3 × 4.00 = 12.00, 7 × 5.50 = 38.50, 4.25 × 7.25 = 30.8125 → 30.81;
            // sewer on 6.5: 4 × 9.00 = 36.00, 2.5 × 11.00 = 27.50. 1025 + 1200 + 3850 + 3081 + 3600 + 2750 + 1063 = 16569.
            ("tiered, every block", tiered, services(FiveEighths, true, true, None, false), 14_250, 6_500,
             vec![(Water, 1025), (Water, 1200), (Water, 3850), (Water, 3081), (Sewer, 3600), (Sewer, 2750), (Storm, 1063)], 16569),
            // Tiered, 2,000 gal: first blocks only, 2 × 4.00 = 8.00 and 2 × 9.00 = 18.00. 1025 + 800 + 1800 = 3625.
            ("tiered, first block only", tiered, services(FiveEighths, true, false, None, false), 2_000, 5_000,
             vec![(Water, 1025), (Water, 800), (Sewer, 1800)], 3625),
            // Tiered, exactly 10,000 gal: 12.00 + 38.50 and nothing in block 3. 1350 + 1200 + 3850 = 6400.
            ("tiered, on a block boundary", tiered, services(ThreeQuarters, false, false, None, false), 10_000, 5_000,
             vec![(Water, 1350), (Water, 1200), (Water, 3850)], 6400),
        ];
        for (name, schedule, services, gallons, cap, expected, expected_total) in rows {
            let lines = rate(&schedule(), &services, gallons, cap);
            let got: Vec<(ServiceKind, i64)> = lines.iter().map(|line| (line.service, line.amount.cents())).collect();
            assert_eq!(got, expected, "{name}");
            assert_eq!(expected.iter().map(|(_, cents)| cents).sum::<i64>(), expected_total, "{name}: hand total");
            assert_eq!(total(&lines), Money::from_cents(expected_total), "{name}");
        }
    }

    #[test]
    fn city_sewer_cap_example() {
        // Thousands of gallons: (use, cap) → billed, and its amount in cents.
        for (used, cap, billed, cents) in [(2, 5, dec!(2), 2004), (5, 5, dec!(5), 5010), (8, 5, dec!(5), 5010)] {
            let services = services(FiveEighths, true, false, None, false);
            let lines = rate(&builtin(), &services, used * 1000, cap * 1000);
            let sewer: Vec<_> = lines.iter().filter(|line| line.service == Sewer).collect();
            assert_eq!(sewer.len(), 1, "{used}, {cap}");
            assert_eq!((sewer[0].quantity, sewer[0].amount.cents()), (billed, cents), "{used}, {cap}");
            assert_eq!(sewer[0].description.contains("sewer cap"), used > cap, "{}", sewer[0].description);
        }
    }

    #[test]
    fn lines_read_plainly() {
        let services = services(OneAndHalf, true, true, Some((Medium, TwiceWeekly)), true);
        let lines = rate(&builtin(), &services, 8_000, 5_000);
        let descriptions: Vec<&str> = lines.iter().map(|line| line.description.as_str()).collect();
        assert_eq!(
            descriptions,
            [
                "Water meter charge, 1-1/2\" meter",
                "Water use, 8.000 kgal at $5.39 per 1,000 gal",
                "Sewer, 5.000 kgal (your sewer cap; 8.000 kgal used) at $10.02 per 1,000 gal",
                "Stormwater, flat monthly charge",
                "Refuse, 64-gallon cart, twice-weekly pick-up",
                "EMSAcare ambulance membership",
            ]
        );
        assert_eq!((lines[1].quantity, lines[1].unit.as_str(), lines[1].rate), (dec!(8), "kgal", dec!(5.39)));
        assert_eq!((lines[0].quantity, lines[0].unit.as_str()), (dec!(1), "month"));

        let lines = rate(&tiered(), &services, 14_250, 6_500);
        assert_eq!(lines[1].description, "Water use, block 1 (first 3,000 gal), 3.000 kgal at $4.00 per 1,000 gal");
        assert_eq!(lines[2].description, "Water use, block 2 (3,001 to 10,000 gal), 7.000 kgal at $5.50 per 1,000 gal");
        assert_eq!(lines[3].description, "Water use, block 3 (over 10,000 gal), 4.250 kgal at $7.25 per 1,000 gal");
        let capped = "Sewer, block 1 (first 4,000 gal), 4.000 kgal (your sewer cap is 6.500 kgal; 14.250 kgal used)";
        assert_eq!(lines[4].description, format!("{capped} at $9.00 per 1,000 gal"));
        assert_eq!(
            (dollars(dec!(5.395)), dollars(dec!(1250)), kgal(1_234_567)),
            ("$5.395".into(), "$1,250.00".into(), "1,234.567".into())
        );
    }

    #[test]
    fn absurd_consumption_is_an_error_not_a_panic() {
        let services = services(FiveEighths, true, true, None, true);
        let result =
            builtin().rate(&RatingInput { services: &services, consumption_gal: u64::MAX, sewer_cap_gal: 5_000 });
        assert!(matches!(result, Err(RateError::Overflow { .. })), "{result:?}");
    }

    #[test]
    fn late_fee() {
        // (past due, fee) in cents. 1.5% of $100.00 = $1.50; of $33.33 = $0.49995 → $0.50;
        // of $1.00 (the minimum) = 1.5¢ → 2¢; below the minimum, zero, or a credit: no fee.
        for (past_due, fee) in [(10_000, 150), (3_333, 50), (100, 2), (99, 0), (0, 0), (-5_000, 0)] {
            assert_eq!(builtin().late_fee(Money::from_cents(past_due)), Money::from_cents(fee), "{past_due}");
        }
    }

    #[test]
    fn builtin_schedule_has_the_published_figures() {
        let book = RateBook::builtin().expect("builtin book");
        let terms = book.get("residential-2024").expect("builtin schedule").terms();
        assert_eq!(terms.effective_from, NaiveDate::from_ymd_opt(2024, 1, 1).expect("date"));
        assert_eq!(terms.rounding, Rounding::HalfUp);
        assert_eq!(terms.water.blocks, [block(None, dec!(5.39))]);
        assert_eq!(terms.sewer.blocks, [block(None, dec!(10.02))]);
        assert_eq!(terms.stormwater.monthly, dec!(10.63));
        assert_eq!((terms.late_fee.percent, terms.late_fee.cutoff_days), (dec!(1.5), 24));
        // Every figure not in our sources is flagged, and no published one is.
        let published =
            ["water.blocks.1", "sewer.blocks.1", "stormwater.monthly", "late_fee.percent", "late_fee.cutoff_days"];
        for (name, _) in terms.figures() {
            assert_eq!(terms.is_placeholder(&name), !published.contains(&name.as_str()), "{name}");
        }
        let marked = BUILTIN
            .lines()
            .filter(|line| !line.starts_with('#') && line.contains("# PLACEHOLDER: not a published figure"));
        assert_eq!(marked.count(), terms.placeholders.len());
    }

    #[test]
    fn schedules_survive_a_round_trip() {
        let schedule = builtin();
        let text = toml::to_string(&schedule).expect("serializes");
        assert_eq!(RateSchedule::from_toml(&text), Ok(schedule.clone()), "{text}");
        let json = serde_json::to_string(&schedule).expect("serializes");
        assert_eq!(serde_json::from_str::<RateSchedule>(&json).expect("reads back"), schedule);
        // Deserializing validates too.
        let broken = json.replace("\"10.63\"", "\"-10.63\"");
        let error = serde_json::from_str::<RateSchedule>(&broken).expect_err("negative stormwater");
        assert!(error.to_string().contains("stormwater.monthly is negative"), "{error}");
    }

    #[test]
    fn rate_book_picks_by_effective_date() {
        let later = edited("id = \"residential-2024\"", "id = \"residential-2025\"").replacen(
            "effective_from = 2024-01-01",
            "effective_from = \"2025-07-01\"",
            1,
        );
        let book = RateBook::new(vec![RateSchedule::from_toml(&later).expect("parses"), builtin()]).expect("book");
        let on = |y, m, d| book.in_effect(NaiveDate::from_ymd_opt(y, m, d).expect("date")).map(RateSchedule::id);
        assert_eq!(on(2023, 12, 31), None);
        assert_eq!(on(2024, 1, 1), Some("residential-2024"));
        assert_eq!(on(2025, 6, 30), Some("residential-2024"));
        assert_eq!(on(2025, 7, 1), Some("residential-2025"));
        assert_eq!(on(2030, 1, 1), Some("residential-2025"));
        assert_eq!(book.schedules()[0].id(), "residential-2024", "oldest first");
        assert!(book.get("commercial").is_none());
    }

    #[test]
    fn rate_book_refuses_clashes() {
        let error = RateBook::new(vec![builtin(), builtin()]).expect_err("same id");
        assert_eq!(error, RateError::DuplicateId { id: "residential-2024".into() });
        let renamed = RateSchedule::from_toml(&edited("id = \"residential-2024\"", "id = \"other\"")).expect("parses");
        let error = RateBook::new(vec![builtin(), renamed]).expect_err("same date");
        assert!(matches!(error, RateError::SameEffectiveDate { .. }), "{error}");
        assert!(error.to_string().contains("2024-01-01"), "{error}");
    }

    #[test]
    fn bad_schedules_are_refused_with_the_reason() {
        let water = "[[water.blocks]]\nper_kgal = \"5.39\"";
        let sewer = "[[sewer.blocks]]\nper_kgal = \"10.02\"";
        let misordered = "[[water.blocks]]\nup_to_gal = 10000\nper_kgal = \"5.00\"\n[[water.blocks]]\nup_to_gal = 3000\nper_kgal = \"6.00\"\n[[water.blocks]]\nper_kgal = \"7.00\"";
        #[rustfmt::skip]
        let cases = [
            (edited("rounding =", "colour = \"blue\"\nrounding ="), "unknown field `colour`"),
            (edited("cutoff_days = 24", "cutoff_days = 24\ncut_off = 3"), "unknown field `cut_off`"),
            (edited(water, misordered), "water block 2 ends at 3000 gal, not above the 10000 gal where block 1 ends"),
            (edited(sewer, "[[sewer.blocks]]\nup_to_gal = 5000\nper_kgal = \"10.02\""), "sewer block 1 is the last block but ends at 5000 gal"),
            (edited(sewer, &format!("{sewer}\n{sewer}")), "sewer block 1 has no up_to_gal but is not the last block"),
            (edited(sewer, "[sewer]\nblocks = []"), "sewer has no blocks"),
            (edited("\"2\" = \"58.50\"", ""), "no meter fee for a 2\" meter"),
            (edited("\"96\" = \"42.60\"", ""), "no refuse price for a 96-gallon cart: add \"96\" under [refuse.twice-weekly]"),
            (edited("monthly = \"10.63\"", "monthly = \"-10.63\""), "stormwater.monthly is negative"),
            (edited("percent = \"1.5\"", "percent = \"150\""), "late_fee.percent is 150"),
            (edited("percent = \"1.5\"", "percent = 1.5"), "late_fee.percent is a bare number"),
            (edited("\"emsacare.monthly\",", "\"emsacare.monthy\","), "placeholder \"emsacare.monthy\" names no figure"),
        ];
        for (text, expected) in cases {
            let error = RateSchedule::from_toml(&text).expect_err(expected).to_string();
            assert!(error.contains("rate schedule residential-2024"), "{error}");
            assert!(error.contains(expected), "expected {expected:?} in: {error}");
        }
        let error = RateSchedule::from_toml("id = ").expect_err("not TOML").to_string();
        assert!(error.starts_with("rate schedule (no id): the file could not be read"), "{error}");
    }

    proptest::proptest! {
        #[test]
        fn blocks_bill_every_gallon_once(gallons in 0u64..200_000, cap in 0u64..50_000) {
            let services = services(FiveEighths, true, false, None, false);
            let lines = rate(&tiered(), &services, gallons, cap);
            let kgal_of = |kind| lines.iter().filter(|l| l.service == kind && l.unit == "kgal").map(|l| l.quantity).sum::<Decimal>();
            proptest::prop_assert_eq!(kgal_of(Water), Decimal::from(gallons) / dec!(1000));
            proptest::prop_assert_eq!(kgal_of(Sewer), Decimal::from(gallons.min(cap)) / dec!(1000));
            for line in &lines {
                let rounded_once = Money::from_decimal(line.quantity * line.rate, RoundingStrategy::MidpointAwayFromZero);
                proptest::prop_assert_eq!(Some(line.amount), rounded_once);
            }
        }
    }
}
