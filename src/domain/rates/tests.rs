//! Rating tests: hand-computed bills, the city's sewer cap example, rate files.
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
    terms.water.blocks = vec![block(Some(3_000), dec!(4.00)), block(Some(10_000), dec!(5.50)), block(None, dec!(7.25))];
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
    schedule.rate(&RatingInput { services, consumption_gal, sewer_cap_gal, month_share: None }).expect("rates")
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
    let result = builtin().rate(&RatingInput {
        services: &services,
        consumption_gal: u64::MAX,
        sewer_cap_gal: 5_000,
        month_share: None,
    });
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
    let marked =
        BUILTIN.lines().filter(|line| !line.starts_with('#') && line.contains("# PLACEHOLDER: not a published figure"));
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
