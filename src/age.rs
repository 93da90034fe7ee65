//! The DfE age bands used for children in care: under 1, 1-4, 5-9, 10-15, 16-17.

use serde::{Deserialize, Serialize};

/// A child's age band at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    /// Under 1 year old.
    Under1,
    /// 1 to 4 years old.
    Age1To4,
    /// 5 to 9 years old.
    Age5To9,
    /// 10 to 15 years old.
    Age10To15,
    /// 16 and 17 years old.
    Age16To17,
}

/// Number of age bands.
pub const N_AGE_BANDS: usize = 5;

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; N_AGE_BANDS] = [
        AgeBand::Under1,
        AgeBand::Age1To4,
        AgeBand::Age5To9,
        AgeBand::Age10To15,
        AgeBand::Age16To17,
    ];

    /// Position in [`AgeBand::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Key used in scenario files and JSON.
    pub const fn key(self) -> &'static str {
        match self {
            AgeBand::Under1 => "under_1",
            AgeBand::Age1To4 => "age_1_4",
            AgeBand::Age5To9 => "age_5_9",
            AgeBand::Age10To15 => "age_10_15",
            AgeBand::Age16To17 => "age_16_17",
        }
    }

    /// Label as DfE prints it.
    pub const fn label(self) -> &'static str {
        match self {
            AgeBand::Under1 => "Under 1",
            AgeBand::Age1To4 => "1 to 4",
            AgeBand::Age5To9 => "5 to 9",
            AgeBand::Age10To15 => "10 to 15",
            AgeBand::Age16To17 => "16 and over",
        }
    }

    /// First birthday (in whole years) in the band.
    pub const fn min_age(self) -> u32 {
        match self {
            AgeBand::Under1 => 0,
            AgeBand::Age1To4 => 1,
            AgeBand::Age5To9 => 5,
            AgeBand::Age10To15 => 10,
            AgeBand::Age16To17 => 16,
        }
    }

    /// Years spent in the band (16-17 ends at the 18th birthday, when care ends).
    pub const fn width_years(self) -> u32 {
        match self {
            AgeBand::Under1 => 1,
            AgeBand::Age1To4 => 4,
            AgeBand::Age5To9 => 5,
            AgeBand::Age10To15 => 6,
            AgeBand::Age16To17 => 2,
        }
    }

    /// The band for an age in whole years, or `None` at 18 and over.
    pub const fn from_age(years: u32) -> Option<AgeBand> {
        match years {
            0 => Some(AgeBand::Under1),
            1..=4 => Some(AgeBand::Age1To4),
            5..=9 => Some(AgeBand::Age5To9),
            10..=15 => Some(AgeBand::Age10To15),
            16 | 17 => Some(AgeBand::Age16To17),
            _ => None,
        }
    }

    /// The next band up, or `None` for 16-17 (the next birthday band is leaving care).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_cover_0_to_17_without_gaps() {
        for age in 0..18 {
            let b = AgeBand::from_age(age).unwrap();
            assert!(age >= b.min_age() && age < b.min_age() + b.width_years());
        }
        assert_eq!(AgeBand::from_age(18), None);
        for (i, b) in AgeBand::ALL.iter().enumerate() {
            assert_eq!(b.index(), i);
        }
    }
}
