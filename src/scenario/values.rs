//! Validated numbers of scenario files: a share, a yearly rate, a count of
//! children, an amount of money, a growth rate and a destination weight, each
//! checked once, where it is read.
//!
//! Each is read from a TOML number through `TryFrom<f64>`, so a value out of
//! its range is refused while the file is read, with a message that says what
//! is allowed and what was given; the reader ([`super::validate`]) adds the
//! file, line and field, sets the value aside and reads on, so every problem
//! is still listed at once. Each is written back as the number it holds (a
//! count as a whole number).
//!
//! Every type here admits 0: a refused value is read again as 0 so that the
//! rest of the file can be checked.
//!
//! Must not: know which field it is in (the reader names the field), or check
//! what depends on other fields (shares that add up to 1): that is
//! [`super::validate`]'s.

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A number refused by its field's range: what is allowed, and what was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfRange(pub String);

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutOfRange {}

/// Defines a validated number: `$ok` says whether a finite value is allowed,
/// `$lo..=$hi` is where [`saturating`](Share::saturating) puts a stray one, and
/// `$why` words the refusal of a value `v`.
macro_rules! validated {
    ($(#[$doc:meta])* $name:ident, $lo:expr, $hi:expr, |$v:ident| $why:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Deserialize)]
        #[serde(try_from = "f64")]
        pub struct $name(f64);

        impl $name {
            /// Zero.
            pub const ZERO: $name = $name(0.0);

            /// The number.
            pub fn get(self) -> f64 {
                self.0
            }

            /// A value computed to be in range, kept in range when rounding
            /// strays (not a number becomes 0, a count is rounded).
            pub fn saturating(v: f64) -> $name {
                let v = if v.is_nan() { 0.0 } else { v.clamp($lo, $hi) };
                $name::try_from(v)
                    .or_else(|_| $name::try_from(v.round()))
                    .unwrap_or($name::ZERO)
            }
        }

        impl TryFrom<f64> for $name {
            type Error = OutOfRange;
            fn try_from($v: f64) -> Result<$name, OutOfRange> {
                match $why {
                    None => Ok($name($v)),
                    Some(why) => Err(OutOfRange(why)),
                }
            }
        }

        impl From<$name> for f64 {
            fn from(v: $name) -> f64 {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

/// `Some(message)` unless `v` is finite and within `lo..=hi`.
fn outside(v: f64, lo: f64, hi: f64, what: &str) -> Option<String> {
    (!v.is_finite() || v < lo || v > hi)
        .then(|| format!("{what} must be between {lo} and {hi}, got {v}"))
}

validated!(
    /// A share (a probability), 0 to 1: of entries in an age band, of a year's drop.
    Share, 0.0, 1.0, |v| (!v.is_finite() || !(0.0..=1.0).contains(&v))
        .then(|| format!("a share is a probability between 0 and 1, got {v}"))
);

validated!(
    /// A yearly rate per child (exits, moves), 0 to [`MAX_RATE`].
    Rate, 0.0, MAX_RATE, |v| outside(v, 0.0, MAX_RATE, "a yearly rate per child")
);

validated!(
    /// A yearly growth rate of the number of children, -1 to 1 (0.034 = 3.4%).
    GrowthRate, -1.0, 1.0, |v| outside(v, -1.0, 1.0, "a yearly growth rate")
);

validated!(
    /// A whole number of children, 0 to [`MAX_CHILDREN`].
    Count, 0.0, MAX_CHILDREN, |v| if !v.is_finite() || v < 0.0 {
        Some(format!("a count of children must be 0 or more, got {v}"))
    } else if v > MAX_CHILDREN {
        Some(format!("a count of children must be at most 100,000 (more than all the children in care in England), got {v}"))
    } else if v.fract() != 0.0 {
        Some(format!("a count of children must be a whole number, got {v}"))
    } else {
        None
    }
);

validated!(
    /// An amount of money in pounds for one child, 0 to [`MAX_POUNDS`] (an
    /// allowance a year, a legal cost).
    Pounds, 0.0, MAX_POUNDS, |v| if !v.is_finite() || v < 0.0 {
        Some(format!("must be 0 or more pounds, got {v}"))
    } else if v > MAX_POUNDS {
        Some(format!("must be at most £10,000,000 for one child, got {v}"))
    } else {
        None
    }
);

validated!(
    /// The weight of a placement type as a destination of moves, 0 or more.
    Weight, 0.0, f64::MAX, |v| (!v.is_finite() || v < 0.0)
        .then(|| format!("a destination weight must be 0 or more, got {v}"))
);

validated!(
    /// A number of children a year, 0 or more, not necessarily whole (a mean
    /// of yearly entries).
    PerYear, 0.0, MAX_CHILDREN, |v| if !v.is_finite() || v < 0.0 {
        Some(format!("a number of children a year must be 0 or more, got {v}"))
    } else if v > MAX_CHILDREN {
        Some(format!("a number of children a year must be at most 100,000 (more than enter care in all of England), got {v}"))
    } else {
        None
    }
);

/// Most children a count may give: more than all the children in care in
/// England (about 84,000), so a slip of a few zeros is refused where it is
/// read instead of running for hours or overflowing the costs.
pub const MAX_CHILDREN: f64 = 100_000.0;

/// Most pounds an amount for one child may give.
pub const MAX_POUNDS: f64 = 10_000_000.0;

/// Largest yearly rate per child a scenario may give.
pub const MAX_RATE: f64 = 50.0;

/// Largest count written as a TOML integer (beyond, as a number: f64 holds
/// whole numbers exactly only up to 2^53).
const MAX_INTEGER: f64 = 9_007_199_254_740_992.0;

impl From<u32> for Count {
    fn from(n: u32) -> Count {
        Count(f64::from(n))
    }
}

macro_rules! as_number {
    ($($name:ident),*) => {$(
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_f64(self.0)
            }
        }
    )*};
}

as_number!(Share, Rate, GrowthRate, Pounds, Weight, PerYear);

impl Serialize for Count {
    /// A whole number, as it is typed: `total = 1255`, not `1255.0`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 <= MAX_INTEGER {
            s.serialize_u64(self.0 as u64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_refuses_what_its_range_does_not_allow_and_says_what_was_given() {
        assert_eq!(Share::try_from(1.0).unwrap().get(), 1.0);
        assert_eq!(
            Share::try_from(1.4).unwrap_err().0,
            "a share is a probability between 0 and 1, got 1.4"
        );
        assert_eq!(
            Count::try_from(1e8).unwrap_err().0,
            "a count of children must be at most 100,000 (more than all the children in care in England), got 100000000"
        );
        assert_eq!(Count::try_from(100_000.0).unwrap().get(), 100_000.0);
        assert_eq!(
            Pounds::try_from(2e7).unwrap_err().0,
            "must be at most £10,000,000 for one child, got 20000000"
        );
        assert!(PerYear::try_from(100_001.0).is_err());
        assert_eq!(
            Rate::try_from(51.0).unwrap_err().0,
            "a yearly rate per child must be between 0 and 50, got 51"
        );
        assert_eq!(
            GrowthRate::try_from(1.7).unwrap_err().0,
            "a yearly growth rate must be between -1 and 1, got 1.7"
        );
        assert_eq!(
            Count::try_from(-3.0).unwrap_err().0,
            "a count of children must be 0 or more, got -3"
        );
        assert_eq!(
            Count::try_from(2.5).unwrap_err().0,
            "a count of children must be a whole number, got 2.5"
        );
        assert_eq!(
            Pounds::try_from(f64::NAN).unwrap_err().0,
            "must be 0 or more pounds, got NaN"
        );
        assert!(Weight::try_from(f64::INFINITY).is_err());
        assert_eq!(PerYear::try_from(2.5).unwrap().get(), 2.5);
        assert_eq!(
            PerYear::try_from(-0.5).unwrap_err().0,
            "a number of children a year must be 0 or more, got -0.5"
        );
        // Zero is allowed everywhere: a refused value is read again as 0.
        assert!(Share::try_from(0.0).is_ok() && GrowthRate::try_from(0.0).is_ok());
        assert!(Count::try_from(0.0).is_ok() && Weight::try_from(0.0).is_ok());
    }

    #[test]
    fn a_value_read_from_toml_is_checked_and_written_back_as_given() {
        #[derive(Debug, Deserialize, Serialize)]
        struct T {
            n: Count,
            s: Share,
        }
        let t: T = toml::from_str("n = 1255\ns = 0.25\n").unwrap();
        assert_eq!(toml::to_string(&t).unwrap(), "n = 1255\ns = 0.25\n");
        let e = toml::from_str::<T>("n = 12\ns = 1.5\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("a share is a probability between 0 and 1, got 1.5"),
            "{e}"
        );
        assert_eq!(Rate::saturating(80.0).get(), MAX_RATE);
        assert_eq!(Share::saturating(f64::NAN).get(), 0.0);
    }
}
