//! Financial years (1 April to 31 March), written the way councils write them: "2019/20".

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A financial year, identified by the calendar year in which it starts (2019 is 2019/20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// The calendar year in which this financial year starts (1 April).
    pub const fn start_year(self) -> i32 {
        self.0
    }

    /// The financial year `n` years later.
    pub const fn plus(self, n: i32) -> FinancialYear {
        FinancialYear(self.0 + n)
    }

    /// The label used in the paper's tables, e.g. "2019/20".
    pub fn label(self) -> String {
        format!("{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }

    /// The "March 2020" label for the 31 March that ends this year.
    pub fn march_label(self) -> String {
        format!("March {}", self.0 + 1)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Why a financial year label could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a financial year: write it like \"2019/20\" (or \"2019-20\")")]
pub struct ParseYearError(pub String);

impl FromStr for FinancialYear {
    type Err = ParseYearError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseYearError(s.to_string());
        let t = s.trim();
        let (a, b) = t.split_once(['/', '-']).ok_or_else(bad)?;
        let start: i32 = a.parse().map_err(|_| bad())?;
        if !(1900..=2200).contains(&start) || a.len() != 4 {
            return Err(bad());
        }
        let end: i32 = b.parse().map_err(|_| bad())?;
        let ok = match b.len() {
            2 => end == (start + 1).rem_euclid(100),
            4 => end == start + 1,
            _ => false,
        };
        if ok {
            Ok(FinancialYear(start))
        } else {
            Err(bad())
        }
    }
}

impl FinancialYear {
    /// The collection year the DfE names by the calendar year it ends in: 2022 is
    /// the year ending 31 March 2022, 2021/22.
    pub const fn ending_in(year: i32) -> FinancialYear {
        FinancialYear(year - 1)
    }

    /// Reads a year written as a financial year (`2021/22`, `2021-22`) or as a
    /// four-digit collection year the DfE way (`2022` is 2021/22); says which with
    /// `true` for the collection-year form.
    pub fn parse_label_or_collection(s: &str) -> Result<(FinancialYear, bool), ParseYearError> {
        let t = s.trim();
        if let Ok(y) = t.parse::<FinancialYear>() {
            return Ok((y, false));
        }
        match t.parse::<i32>() {
            Ok(y) if t.len() == 4 && (1901..=2201).contains(&y) => {
                Ok((FinancialYear::ending_in(y), true))
            }
            _ => Err(ParseYearError(s.to_string())),
        }
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_paper_labels() {
        let y: FinancialYear = "2019/20".parse().unwrap();
        assert_eq!(y, FinancialYear(2019));
        assert_eq!(y.label(), "2019/20");
        assert_eq!(
            "2099-2100".parse::<FinancialYear>().unwrap().label(),
            "2099/00"
        );
        assert_eq!(y.march_label(), "March 2020");
        assert!("2019/21".parse::<FinancialYear>().is_err());
        assert!("19/20".parse::<FinancialYear>().is_err());
        assert!("2019".parse::<FinancialYear>().is_err());
        let loose = |s: &str| FinancialYear::parse_label_or_collection(s);
        assert_eq!(loose("2022"), Ok((FinancialYear(2021), true)));
        assert_eq!(loose("2021/22"), Ok((FinancialYear(2021), false)));
        assert_eq!(loose("2021-22"), Ok((FinancialYear(2021), false)));
        assert!(loose("22").is_err());
        assert!(loose("20222").is_err());
    }
}
