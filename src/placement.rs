//! The ten placement types of the reference model (Staffordshire 2019, Appendix 4)
//! and a fixed-size table indexed by them.
//!
//! Owns the names users type (`snake_case` keys) and the names the paper prints.
//! Counts and costs by placement live in [`ByPlacement`], a plain array, so hot
//! loops index it without hashing or allocating.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Index, IndexMut};

/// Where a looked-after child lives; the order is the paper's row order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Foster placement with a relative or friend (PLACE U1-U3).
    RelativeFriendFoster,
    /// Foster placement with the council's own carers (U4-U6, PR1-PR3).
    InHouseFoster,
    /// Independent fostering agency (U4-U6, PR4/PR5).
    Ifa,
    /// Children's homes, secure units and hostels (K1, K2, R1).
    HomesHostels,
    /// Placed with parents or others with parental responsibility (P1).
    PlacedWithParents,
    /// Placed for adoption (A3-A6).
    PlacedForAdoption,
    /// Independent or semi-independent living (H5, P2, K3).
    IndependentLiving,
    /// Residential school (S1).
    ResidentialSchool,
    /// Mother and baby unit (R3).
    MotherBaby,
    /// Any other placement (R2, R5, Z1).
    Other,
}

/// Number of placement types.
pub const N_PLACEMENTS: usize = 10;

impl Placement {
    /// Every placement type in the paper's row order.
    pub const ALL: [Placement; N_PLACEMENTS] = [
        Placement::RelativeFriendFoster,
        Placement::InHouseFoster,
        Placement::Ifa,
        Placement::HomesHostels,
        Placement::PlacedWithParents,
        Placement::PlacedForAdoption,
        Placement::IndependentLiving,
        Placement::ResidentialSchool,
        Placement::MotherBaby,
        Placement::Other,
    ];

    /// Position in [`Placement::ALL`], used to index arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The key used in scenario files and JSON output.
    pub const fn key(self) -> &'static str {
        match self {
            Placement::RelativeFriendFoster => "relative_friend_foster",
            Placement::InHouseFoster => "in_house_foster",
            Placement::Ifa => "ifa",
            Placement::HomesHostels => "homes_hostels",
            Placement::PlacedWithParents => "placed_with_parents",
            Placement::PlacedForAdoption => "placed_for_adoption",
            Placement::IndependentLiving => "independent_living",
            Placement::ResidentialSchool => "residential_school",
            Placement::MotherBaby => "mother_baby",
            Placement::Other => "other",
        }
    }

    /// The row label the Staffordshire paper prints.
    pub const fn label(self) -> &'static str {
        match self {
            Placement::RelativeFriendFoster => "Foster Placement - Relative/Friend",
            Placement::InHouseFoster => "Foster Placement - In House",
            Placement::Ifa => "Foster Placement - Independent",
            Placement::HomesHostels => "Homes or Hostels",
            Placement::PlacedWithParents => "Parents/Persons with PR",
            Placement::PlacedForAdoption => "Adoptive",
            Placement::IndependentLiving => "Independent Living",
            Placement::ResidentialSchool => "Residential School",
            Placement::MotherBaby => "Mother & Baby Unit",
            Placement::Other => "Other",
        }
    }

    /// Looks a placement up by its scenario key.
    pub fn from_key(key: &str) -> Option<Placement> {
        Placement::ALL.into_iter().find(|p| p.key() == key)
    }

    /// All keys, comma separated, for error messages.
    pub fn keys_list() -> String {
        Placement::ALL.map(Placement::key).join(", ")
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A value for each placement type, stored as a fixed array in [`Placement::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ByPlacement<T>(pub [T; N_PLACEMENTS]);

impl<T: Copy> ByPlacement<T> {
    /// The same value for every placement type.
    pub fn splat(value: T) -> Self {
        ByPlacement([value; N_PLACEMENTS])
    }

    /// Builds a table by calling `f` for each placement type.
    pub fn from_fn(mut f: impl FnMut(Placement) -> T) -> Self {
        ByPlacement(Placement::ALL.map(&mut f))
    }

    /// Pairs each placement type with its value.
    pub fn iter(&self) -> impl Iterator<Item = (Placement, T)> + '_ {
        Placement::ALL.into_iter().zip(self.0.iter().copied())
    }
}

impl ByPlacement<f64> {
    /// Sum over all placement types.
    pub fn total(&self) -> f64 {
        self.0.iter().sum()
    }
}

impl<T> Index<Placement> for ByPlacement<T> {
    type Output = T;
    fn index(&self, p: Placement) -> &T {
        &self.0[p.index()]
    }
}

impl<T> IndexMut<Placement> for ByPlacement<T> {
    fn index_mut(&mut self, p: Placement) -> &mut T {
        &mut self.0[p.index()]
    }
}

impl<T: Serialize> Serialize for ByPlacement<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(N_PLACEMENTS))?;
        for (p, v) in Placement::ALL.iter().zip(self.0.iter()) {
            map.serialize_entry(p.key(), v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        for p in Placement::ALL {
            assert_eq!(Placement::from_key(p.key()), Some(p));
            assert_eq!(Placement::ALL[p.index()], p);
        }
        assert_eq!(Placement::from_key("ifx"), None);
    }

    #[test]
    fn serde_name_matches_key() {
        for p in Placement::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.key()));
        }
    }
}
