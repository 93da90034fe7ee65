//! The five DfE age bands for looked-after children and a fixed-size table indexed by them.
//!
//! Owns the band boundaries (completed years of age at a date) and the names users
//! type and reports print. Shared by calibration (`ssda903`) and the projection engine.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A DfE age band (age in completed years on the date of interest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    /// Under 1 year old.
    #[serde(rename = "under_1")]
    Under1,
    /// Aged 1 to 4.
    #[serde(rename = "age_1_4", alias = "1_to_4")]
    Age1To4,
    /// Aged 5 to 9.
    #[serde(rename = "age_5_9", alias = "5_to_9")]
    Age5To9,
    /// Aged 10 to 15.
    #[serde(rename = "age_10_15", alias = "10_to_15")]
    Age10To15,
    /// Aged 16 or 17.
    #[serde(rename = "age_16_17", alias = "16_to_17")]
    Age16To17,
}

/// Number of age bands.
pub const N_AGE_BANDS: usize = 5;

/// Ages a child in care can have, in completed months: 0 to 215 (care ends
/// at the 18th birthday, 216 months).
pub const AGE_MONTHS: usize = 216;

impl AgeBand {
    /// Every age band, youngest first.
    pub const ALL: [AgeBand; N_AGE_BANDS] = [
        AgeBand::Under1,
        AgeBand::Age1To4,
        AgeBand::Age5To9,
        AgeBand::Age10To15,
        AgeBand::Age16To17,
    ];

    /// Position in [`AgeBand::ALL`], used to index arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The key used in scenario files and JSON output.
    pub const fn key(self) -> &'static str {
        match self {
            AgeBand::Under1 => "under_1",
            AgeBand::Age1To4 => "age_1_4",
            AgeBand::Age5To9 => "age_5_9",
            AgeBand::Age10To15 => "age_10_15",
            AgeBand::Age16To17 => "age_16_17",
        }
    }

    /// The label DfE tables print.
    pub const fn label(self) -> &'static str {
        match self {
            AgeBand::Under1 => "Under 1 year",
            AgeBand::Age1To4 => "1 to 4 years",
            AgeBand::Age5To9 => "5 to 9 years",
            AgeBand::Age10To15 => "10 to 15 years",
            AgeBand::Age16To17 => "16 years and over",
        }
    }

    /// Youngest age (completed years) in the band.
    pub const fn min_age(self) -> u32 {
        // A table, not a `match`: the engine asks for bands' bounds in its
        // innermost loops, where a `match` compiled to a jump table costs an
        // unpredictable indirect branch.
        const MIN: [u32; N_AGE_BANDS] = [0, 1, 5, 10, 16];
        MIN[self as usize]
    }

    /// The first age (completed years) past the band; 18 for the last band.
    pub const fn end_age(self) -> u32 {
        const END: [u32; N_AGE_BANDS] = [1, 5, 10, 16, 18];
        END[self as usize]
    }

    /// The band for an age in completed years; `None` from 18 on (no longer a child).
    pub const fn from_age(years: u32) -> Option<AgeBand> {
        match years {
            0 => Some(AgeBand::Under1),
            1..=4 => Some(AgeBand::Age1To4),
            5..=9 => Some(AgeBand::Age5To9),
            10..=15 => Some(AgeBand::Age10To15),
            16..=17 => Some(AgeBand::Age16To17),
            _ => None,
        }
    }

    /// Looks a band up by its key.
    pub fn from_key(key: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|a| a.key() == key)
    }

    /// Years spent in the band (16-17 ends at the 18th birthday, when care ends).
    pub const fn width_years(self) -> u32 {
        self.end_age() - self.min_age()
    }

    /// Months spent in the band.
    pub const fn width_months(self) -> usize {
        self.width_years() as usize * 12
    }

    /// The youngest age in the band in completed months.
    pub const fn first_month(self) -> usize {
        self.min_age() as usize * 12
    }

    /// The first age in completed months past the band (216, the 18th
    /// birthday, for the last band).
    pub const fn end_month(self) -> usize {
        self.end_age() as usize * 12
    }

    /// The band of an age in completed months, `None` from 18 on.
    pub const fn from_month(months: usize) -> Option<AgeBand> {
        AgeBand::from_age((months / 12) as u32)
    }

    /// The next band up, or `None` for 16-17 (the next step is leaving care at 18).
    pub const fn next(self) -> Option<AgeBand> {
        match self {
            AgeBand::Under1 => Some(AgeBand::Age1To4),
            AgeBand::Age1To4 => Some(AgeBand::Age5To9),
            AgeBand::Age5To9 => Some(AgeBand::Age10To15),
            AgeBand::Age10To15 => Some(AgeBand::Age16To17),
            AgeBand::Age16To17 => None,
        }
    }
}

impl fmt::Display for AgeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_0_to_17_without_gaps() {
        for age in 0..18 {
            let band = AgeBand::from_age(age).unwrap();
            assert!(band.min_age() <= age && age < band.end_age());
        }
        assert_eq!(AgeBand::from_age(18), None);
        for a in AgeBand::ALL {
            assert_eq!(AgeBand::ALL[a.index()], a);
            assert_eq!(AgeBand::from_key(a.key()), Some(a));
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.key())
            );
        }
    }
}
