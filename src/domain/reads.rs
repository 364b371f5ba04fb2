//! Meter reads and the consumption between two of them.

use serde::{Deserialize, Serialize};

use super::account::code_enum;

code_enum!(
    /// Whether a person or device read the meter, or the utility estimated it.
    ReadKind, "read kind" {
        Actual => "actual",
        Estimated => "estimated",
    }
);

/// Why two reads do not give a consumption.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ReadError {
    #[error(
        "the read {current} is lower than the previous read {previous}: if the meter rolled over, \
         confirm the read as a rollover; otherwise check the read"
    )]
    LowerThanPrevious { previous: u64, current: u64 },
    #[error("a rollover was confirmed but the read {current} is not lower than the previous read {previous}")]
    NotARollover { previous: u64, current: u64 },
    #[error("the read {reading} does not fit on a meter with {dials} dials")]
    TooManyDigits { reading: u64, dials: u32 },
}

/// Gallons used between `previous` and `current`. A lower current read is
/// only accepted as a confirmed rollover of a register with `dials` digits:
/// never silently billed as a negative or a huge number.
pub fn consumption(previous: u64, current: u64, dials: u32, rollover: bool) -> Result<u64, ReadError> {
    let register = 10u64.saturating_pow(dials);
    if current >= register {
        return Err(ReadError::TooManyDigits { reading: current, dials });
    }
    match (current >= previous, rollover) {
        (true, false) => Ok(current - previous),
        (false, true) => Ok(register - previous + current),
        (false, false) => Err(ReadError::LowerThanPrevious { previous, current }),
        (true, true) => Err(ReadError::NotARollover { previous, current }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumption_table() {
        let cases = [
            (1000, 6400, 7, false, Ok(5400)),
            (1000, 1000, 7, false, Ok(0)),
            (9_999_000, 1_500, 7, true, Ok(2_500)),
            (5000, 4000, 7, false, Err(ReadError::LowerThanPrevious { previous: 5000, current: 4000 })),
            (4000, 5000, 7, true, Err(ReadError::NotARollover { previous: 4000, current: 5000 })),
            (0, 10_000_000, 7, false, Err(ReadError::TooManyDigits { reading: 10_000_000, dials: 7 })),
        ];
        for (previous, current, dials, rollover, expected) in cases {
            assert_eq!(consumption(previous, current, dials, rollover), expected, "{previous} -> {current}");
        }
    }
}
