//! "Explain this bill": the bill in sentences a customer on the phone can
//! follow, read out by the representative. Built from the stored bill only
//! (reads, consumption, lines), so it says exactly what was charged.

use rust_decimal::Decimal;

use crate::domain::Money;
use crate::domain::account::ServiceKind;
use crate::domain::reads::ReadKind;
use crate::records::BillRow;

/// How many earlier bills make a home's usual use.
pub const USUAL_BILLS: usize = 12;

/// A home's usual use before `bill`: the median gallons of up to
/// [`USUAL_BILLS`] bills whose periods ended before it began, and how many
/// there were. `bills` in any order; the bill itself is never counted, so a
/// spike is compared with what came before it, not with itself, and a
/// median is not pulled up by one earlier spike as an average would be.
pub fn usual_use(bill: &BillRow, bills: &[BillRow]) -> Option<(u64, usize)> {
    let mut earlier: Vec<&BillRow> = bills.iter().filter(|b| b.period_end < bill.period_start).collect();
    earlier.sort_by_key(|b| std::cmp::Reverse(b.period_end));
    earlier.truncate(USUAL_BILLS);
    median(earlier.iter().map(|b| b.consumption_gal).collect()).map(|m| (m, earlier.len()))
}

/// The middle value (halfway between the two middle ones, rounded down, for
/// an even count); `None` for none.
fn median(mut values: Vec<u64>) -> Option<u64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some(values[n / 2 - 1].midpoint(values[n / 2])),
    }
}

/// How a bill's use stands against the home's usual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Against {
    /// At least twice the usual: the leak credit's threshold.
    TwiceOrMore,
    /// Half as much again, short of twice.
    High,
    About,
    /// Two thirds of the usual or less.
    Low,
}

/// Use at least this many times the usual qualifies for a leak credit once
/// the repair is shown (operations.md: "at least 200 % of the customer's
/// normal baseline").
const LEAK_CREDIT_TIMES: f64 = 2.0;

fn against(used: u64, usual: u64) -> Against {
    let ratio = used as f64 / usual as f64;
    if ratio >= LEAK_CREDIT_TIMES {
        Against::TwiceOrMore
    } else if ratio >= 1.5 {
        Against::High
    } else if ratio <= 0.67 {
        Against::Low
    } else {
        Against::About
    }
}

/// The water used set against the usual, in words: "about 7 times", or
/// "about the usual", or "well below".
fn against_usual(used: u64, usual: u64, count: usize) -> Option<String> {
    if usual == 0 {
        return None;
    }
    let of = if count == 1 {
        "the bill before it".to_string()
    } else {
        format!("the median of the {count} bills before it")
    };
    let ratio = used as f64 / usual as f64;
    let said = match against(used, usual) {
        Against::TwiceOrMore | Against::High => {
            // Rounded down, so that use just under twice the usual is never
            // said as "2.0 times" beside "does not reach twice".
            let times =
                if ratio >= 2.0 { format!("{:.0}", ratio) } else { format!("{:.1}", (ratio * 10.0).floor() / 10.0) };
            format!("That is about {times} times this home's usual use of {} gallons a bill ({of}).", thousands(usual))
        }
        Against::Low => {
            format!("That is well below this home's usual use of {} gallons a bill ({of}).", thousands(usual))
        }
        Against::About => format!("That is about this home's usual use of {} gallons a bill ({of}).", thousands(usual)),
    };
    Some(said)
}

/// How a customer checks for a leak, said to them.
const LEAK_CHECK: &str = "check for a leak by turning off every tap and watching the meter for 15 minutes; if it \
                          still moves, water is leaking (a running toilet is the usual cause).";

/// What the customer can do about use that is not the usual, said plainly;
/// `None` when the use is about the usual.
fn what_to_do(bill: &BillRow, usual: u64) -> Option<String> {
    if usual == 0 {
        return None;
    }
    let estimated = bill.current_read.kind == ReadKind::Estimated;
    let reread = if estimated {
        "The latest read was estimated, so a re-read order can be sent to read the meter itself."
    } else {
        "If the reading looks wrong, a re-read order sends someone to read the meter again."
    };
    let said = match against(bill.consumption_gal, usual) {
        Against::About => return None,
        Against::Low => format!(
            "What the customer can do: if the home was lived in as usual, the meter may be misread or stopped. {reread}"
        ),
        Against::High => format!(
            "What the customer can do: {LEAK_CHECK} {reread} A leak credit needs use of at least twice the \
             usual, which this bill does not reach."
        ),
        Against::TwiceOrMore => format!(
            "What the customer can do: {LEAK_CHECK} {reread} Because this bill's use is at least twice the \
             usual, the customer may apply for a leak credit once the leak is repaired, with proof of the repair."
        ),
    };
    Some(said)
}

/// [`explain_bill`], with the water used set against the home's usual use
/// from its earlier `bills`.
pub fn explain_bill_with_history(bill: &BillRow, bills: &[BillRow]) -> Vec<String> {
    let mut said = explain_bill(bill);
    if let Some(sentence) =
        usual_use(bill, bills).and_then(|(usual, count)| against_usual(bill.consumption_gal, usual, count))
        && let Some(reads) = said.get_mut(1)
    {
        reads.push(' ');
        reads.push_str(&sentence);
    }
    if let Some((usual, _)) = usual_use(bill, bills)
        && let Some(advice) = what_to_do(bill, usual)
    {
        // Before the total, after the charges: the last thing said about
        // the water before the money.
        let at = said.len().saturating_sub(1);
        said.insert(at, advice);
    }
    said
}

/// Whether a line's description only repeats its service's name ("EMSAcare
/// ambulance membership" under "EMSAcare (ambulance membership)").
fn repeats(description: &str, service: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    };
    let named = words(service);
    let described = words(description);
    !described.is_empty() && described.iter().all(|w| named.contains(w))
}

/// The bill as paragraphs, in the order a person explains it: the period,
/// the reads and the water used, each charge, the total and the due date.
pub fn explain_bill(bill: &BillRow) -> Vec<String> {
    let mut said = Vec::new();
    let days = (bill.period_end - bill.period_start).num_days() + 1;
    said.push(format!(
        "This bill covers {} to {} ({days} days) and was issued on {}.",
        long_date(bill.period_start),
        long_date(bill.period_end),
        long_date(bill.bill_date)
    ));
    let (previous, current) = (&bill.previous_read, &bill.current_read);
    let estimated = |kind: ReadKind| if kind == ReadKind::Estimated { " (estimated)" } else { "" };
    let mut reads = format!(
        "The meter read {}{} on {} and {}{} on {}, so {} gallons were used.",
        thousands(previous.reading),
        estimated(previous.kind),
        long_date(previous.read_on),
        thousands(current.reading),
        estimated(current.kind),
        long_date(current.read_on),
        thousands(bill.consumption_gal)
    );
    if current.kind == ReadKind::Estimated {
        reads.push_str(
            " The latest read was estimated: when the meter is next read, the difference is billed or credited then.",
        );
    }
    said.push(reads);
    for service in ServiceKind::ALL {
        let lines: Vec<_> = bill.lines.iter().map(|l| &l.line).filter(|l| l.service == *service).collect();
        if lines.is_empty() {
            continue;
        }
        let total: Money = lines.iter().map(|l| l.amount).sum();
        let parts: Vec<String> = lines
            .iter()
            .map(|l| {
                if l.unit == "kgal" {
                    format!("{} gallons at ${} per 1,000 gallons is {}", thousands_kgal(l.quantity), l.rate, l.amount)
                } else if repeats(&l.description, service_name(*service)) {
                    l.amount.to_string()
                } else {
                    format!("{}: {}", l.description, l.amount)
                }
            })
            .collect();
        let mut sentence = format!("{}: {}.", service_name(*service), parts.join("; "));
        if *service == ServiceKind::Sewer {
            sentence.push_str(&sewer_note(bill));
        }
        if lines.len() > 1 {
            sentence.push_str(&format!(" {} in all.", total));
        }
        said.push(sentence);
    }
    said.push(format!("The total for this bill is {}, due by {}.", bill.total, long_date(bill.due_date)));
    said
}

fn sewer_note(bill: &BillRow) -> String {
    if bill.consumption_gal > bill.sewer_cap_gal {
        format!(
            " Sewer is charged on the lesser of the water used and the sewer cap, an average of this home's \
             winter use: the cap is {} gallons, so {} of the {} gallons used were not charged for sewer.",
            thousands(bill.sewer_cap_gal),
            thousands(bill.consumption_gal - bill.sewer_cap_gal),
            thousands(bill.consumption_gal)
        )
    } else {
        format!(
            " Sewer is charged on the water used, up to the sewer cap of {} gallons (an average of this home's winter use).",
            thousands(bill.sewer_cap_gal)
        )
    }
}

fn service_name(service: ServiceKind) -> &'static str {
    match service {
        ServiceKind::Water => "Water",
        ServiceKind::Sewer => "Sewer",
        ServiceKind::Stormwater => "Stormwater (the monthly drainage fee)",
        ServiceKind::Refuse => "Refuse collection",
        ServiceKind::Emsacare => "EMSAcare (ambulance membership)",
    }
}

/// "1 June 2026".
fn long_date(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// 12345 → "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Thousands of gallons (exact, as billed) → gallons with separators.
fn thousands_kgal(kgal: Decimal) -> String {
    let gallons = (kgal * Decimal::ONE_THOUSAND).round();
    u64::try_from(gallons).map(thousands).unwrap_or_else(|_| gallons.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{AccountId, BillId, ReadId};
    use crate::domain::rates::BillLine;
    use crate::records::{BillLineRow, ReadRow};
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    fn read(id: i64, on: NaiveDate, reading: u64, kind: ReadKind) -> ReadRow {
        ReadRow {
            id: ReadId(id),
            account_id: AccountId(1),
            read_on: on,
            reading,
            kind,
            rollover: false,
            corrects: None,
        }
    }

    fn line(
        seq: u32,
        service: ServiceKind,
        description: &str,
        quantity: Decimal,
        unit: &str,
        rate: Decimal,
    ) -> BillLineRow {
        let amount = Money::from_decimal(quantity * rate, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .unwrap_or(Money::ZERO);
        BillLineRow {
            seq,
            line: BillLine { service, description: description.into(), quantity, unit: unit.into(), rate, amount },
        }
    }

    fn bill(consumption: u64, cap: u64, estimated: bool) -> BillRow {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let kind = if estimated { ReadKind::Estimated } else { ReadKind::Actual };
        let lines = vec![
            line(1, ServiceKind::Water, "Water meter charge, 5/8\" meter", dec!(1), "month", dec!(11.75)),
            line(
                2,
                ServiceKind::Water,
                "Water use, 7.000 kgal at $5.39 per 1,000 gal",
                dec!(7.000),
                "kgal",
                dec!(5.39),
            ),
            line(3, ServiceKind::Sewer, "Sewer, 6.000 kgal at $10.02 per 1,000 gal", dec!(6.000), "kgal", dec!(10.02)),
            line(4, ServiceKind::Stormwater, "Stormwater, flat monthly charge", dec!(1), "month", dec!(10.63)),
        ];
        let total = lines.iter().map(|l| l.line.amount).sum();
        BillRow {
            id: BillId(7),
            account_id: AccountId(1),
            period_start: d(5, 1),
            period_end: d(5, 31),
            bill_date: d(6, 2),
            due_date: d(6, 22),
            schedule_id: "residential-2024".into(),
            previous_read: read(1, d(4, 30), 120_000, ReadKind::Actual),
            current_read: read(2, d(5, 31), 120_000 + consumption, kind),
            consumption_gal: consumption,
            sewer_cap_gal: cap,
            total,
            lines,
        }
    }

    #[test]
    fn a_bill_is_told_in_order_with_its_figures() {
        let said = explain_bill(&bill(7_000, 6_000, false));
        assert_eq!(said[0], "This bill covers 1 May 2026 to 31 May 2026 (31 days) and was issued on 2 June 2026.");
        assert_eq!(
            said[1],
            "The meter read 120,000 on 30 April 2026 and 127,000 on 31 May 2026, so 7,000 gallons were used."
        );
        assert_eq!(
            said[2],
            "Water: Water meter charge, 5/8\" meter: $11.75; 7,000 gallons at $5.39 per 1,000 gallons is $37.73. \
             $49.48 in all."
        );
        assert!(said[3].starts_with("Sewer: 6,000 gallons at $10.02 per 1,000 gallons is $60.12."), "{}", said[3]);
        assert!(said[3].contains("the cap is 6,000 gallons, so 1,000 of the 7,000 gallons used were not charged"));
        assert_eq!(said[4], "Stormwater (the monthly drainage fee): Stormwater, flat monthly charge: $10.63.");
        assert_eq!(said.last().unwrap(), "The total for this bill is $120.23, due by 22 June 2026.");
    }

    #[test]
    fn an_estimated_read_and_use_under_the_cap_are_said_so() {
        let said = explain_bill(&bill(5_000, 6_000, true)).join("\n");
        assert!(said.contains("125,000 (estimated) on 31 May 2026"), "{said}");
        assert!(said.contains("The latest read was estimated"), "{said}");
        assert!(said.contains("charged on the water used, up to the sewer cap of 6,000 gallons"), "{said}");
    }

    #[test]
    fn a_line_that_repeats_its_service_is_said_once() {
        assert!(repeats("EMSAcare ambulance membership", "EMSAcare (ambulance membership)"));
        assert!(!repeats("Base charge, 5/8 inch meter", "Water"));
        assert!(!repeats("", "Water"));
    }

    /// `spike` with thirteen monthly bills before it, using `before` gallons
    /// each (oldest last), and all of them together.
    fn with_history(spike: &BillRow, before: &[u64]) -> Vec<BillRow> {
        let mut all: Vec<BillRow> = before
            .iter()
            .zip(1..)
            .map(|(&gallons, months_back)| {
                let mut b = bill(gallons, 4_000, false);
                b.period_start = spike.period_start - chrono::Duration::days(30 * months_back);
                b.period_end = spike.period_start - chrono::Duration::days(30 * months_back - 29);
                b
            })
            .collect();
        all.push(spike.clone());
        all
    }

    #[test]
    fn a_spike_is_set_against_the_use_before_it_not_against_itself() {
        let mut spike = bill(32_552, 4_000, false);
        let all = with_history(&spike, &[4_500; 13]);
        // Twelve of the thirteen earlier bills, never the spike itself.
        assert_eq!(usual_use(&spike, &all), Some((4_500, 12)));
        let said = explain_bill_with_history(&spike, &all);
        assert!(
            said[1].ends_with("That is about 7 times this home's usual use of 4,500 gallons a bill (the median of the 12 bills before it)."),
            "{}",
            said[1]
        );
        spike.consumption_gal = 4_700;
        let said = explain_bill_with_history(&spike, &all);
        assert!(said[1].ends_with(
            "That is about this home's usual use of 4,500 gallons a bill (the median of the 12 bills before it)."
        ));
        assert!(
            !said.iter().any(|p| p.starts_with("What the customer can do")),
            "nothing to do about the usual: {said:?}"
        );
        let oldest = &all[12];
        assert_eq!(usual_use(oldest, &all[..13]), None, "the oldest has nothing before it");
    }

    #[test]
    fn the_usual_is_a_median_that_one_earlier_spike_does_not_raise() {
        let spike = bill(9_000, 4_000, false);
        // One earlier leak of 40,000 among months of 4,000 to 5,000: an
        // average would make the usual 7,542 and call 9,000 "about 1.2 times".
        let before = [4_000, 40_000, 4_200, 4_400, 4_600, 4_800, 5_000, 4_100, 4_300, 4_500, 4_700, 4_900, 60_000];
        let all = with_history(&spike, &before);
        assert_eq!(usual_use(&spike, &all), Some((4_550, 12)), "the 13th bill back is not counted");
        assert_eq!(median(vec![3, 1, 2]), Some(2));
        assert_eq!(median(vec![4, 1, 2, 3]), Some(2));
        assert_eq!(median(vec![u64::MAX, u64::MAX]), Some(u64::MAX), "no overflow");
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn unusual_use_says_what_the_customer_can_do() {
        let all_at = |gallons: u64, estimated: bool| {
            let spike = bill(gallons, 4_000, estimated);
            let all = with_history(&spike, &[4_500; 12]);
            explain_bill_with_history(&spike, &all)
        };
        let advice = |said: &[String]| said.iter().find(|p| p.starts_with("What the customer can do")).cloned();
        // Seven times the usual: a leak check, a re-read, and the leak credit.
        let said = all_at(32_552, false);
        let twice = advice(&said).expect("advice for seven times the usual");
        assert!(twice.contains("watching the meter for 15 minutes"), "{twice}");
        assert!(twice.contains("re-read order"), "{twice}");
        assert!(twice.contains("may apply for a leak credit"), "{twice}");
        assert!(said.last().unwrap().starts_with("The total for this bill"), "the total is still said last: {said:?}");
        // 1.6 times: a leak check, but no leak credit (it needs 200 %).
        let high = advice(&all_at(7_200, false)).expect("advice for 1.6 times the usual");
        assert!(high.contains("which this bill does not reach"), "{high}");
        assert!(!high.contains("may apply"), "{high}");
        // Well below, on an estimate: the meter is to be read.
        let low = advice(&all_at(1_000, true)).expect("advice for well below the usual");
        assert!(low.contains("estimated, so a re-read order"), "{low}");
        assert!(advice(&all_at(4_400, false)).is_none());
    }
}
