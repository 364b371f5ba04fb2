//! "Explain this bill": the bill in sentences a customer on the phone can
//! follow, read out by the representative. Built from the stored bill only
//! (reads, consumption, lines), so it says exactly what was charged.

use rust_decimal::Decimal;

use crate::domain::Money;
use crate::domain::account::ServiceKind;
use crate::domain::reads::ReadKind;
use crate::store::BillRow;

/// How many earlier bills make a home's usual use.
pub const USUAL_BILLS: usize = 12;

/// A home's usual use before `bill`: the average gallons of up to
/// [`USUAL_BILLS`] bills whose periods ended before it began, and how many
/// there were. `bills` in any order; the bill itself is never counted, so a
/// spike is compared with what came before it, not with itself.
pub fn usual_use(bill: &BillRow, bills: &[BillRow]) -> Option<(u64, usize)> {
    let mut earlier: Vec<&BillRow> = bills.iter().filter(|b| b.period_end < bill.period_start).collect();
    earlier.sort_by_key(|b| std::cmp::Reverse(b.period_end));
    earlier.truncate(USUAL_BILLS);
    let count = earlier.len();
    (count > 0).then(|| (earlier.iter().map(|b| b.consumption_gal).sum::<u64>() / count as u64, count))
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
        format!("the average of the {count} bills before it")
    };
    let ratio = used as f64 / usual as f64;
    let said = if ratio >= 1.5 {
        let times = if ratio >= 2.0 { format!("{:.0}", ratio) } else { format!("{ratio:.1}") };
        format!("That is about {times} times this home's usual use of {} gallons a bill ({of}).", thousands(usual))
    } else if ratio <= 0.67 {
        format!("That is well below this home's usual use of {} gallons a bill ({of}).", thousands(usual))
    } else {
        format!("That is about this home's usual use of {} gallons a bill ({of}).", thousands(usual))
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
    use crate::store::{BillLineRow, ReadRow};
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

    #[test]
    fn a_spike_is_set_against_the_use_before_it_not_against_itself() {
        let mut spike = bill(32_552, 4_000, false);
        let earlier: Vec<BillRow> = (1..=13)
            .map(|months_back| {
                let mut b = bill(4_500, 4_000, false);
                b.period_start = spike.period_start - chrono::Duration::days(30 * months_back);
                b.period_end = spike.period_start - chrono::Duration::days(30 * months_back - 29);
                b
            })
            .collect();
        let mut all = earlier.clone();
        all.push(spike.clone());
        // Twelve of the thirteen earlier bills, never the spike itself.
        assert_eq!(usual_use(&spike, &all), Some((4_500, 12)));
        let said = explain_bill_with_history(&spike, &all);
        assert!(
            said[1].ends_with("That is about 7 times this home's usual use of 4,500 gallons a bill (the average of the 12 bills before it)."),
            "{}",
            said[1]
        );
        spike.consumption_gal = 4_700;
        assert!(explain_bill_with_history(&spike, &all)[1].ends_with(
            "That is about this home's usual use of 4,500 gallons a bill (the average of the 12 bills before it)."
        ));
        assert_eq!(usual_use(&earlier[12], &earlier), None, "the oldest has nothing before it");
    }
}
