//! SSDA903 code lists and what each code means for the model, by collection year.
//!
//! Owns the mapping from PLACE/PLACE_PROVIDER to [`Placement`], from REC to
//! [`ExitRoute`], and the LS, RNE and SEX code lists (design.md section 5 and the
//! DfE SSDA903 guide). Performs no I/O; every function is a pure look-up.

use crate::placement::Placement;
use crate::year::FinancialYear;
use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};
use std::fmt;

/// First day on which PLACE K3 (supported accommodation) is valid.
pub const K3_VALID_FROM: Date = date(2023, 10, 28);

/// First collection year in which Z1 is split into Z11-Z14 (2025/26).
pub const Z1_SPLIT_YEAR: FinancialYear = FinancialYear(2025);

/// First collection year in which header SEX is coded M/F/U rather than 1/2 (2024/25).
pub const SEX_LETTERS_YEAR: FinancialYear = FinancialYear(2024);

/// What a PLACE code says about where the child lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A placement of one of the model's ten types.
    Placement(Placement),
    /// A temporary move (T0-T4): the child keeps the previous placement type.
    Temporary,
}

/// Why a PLACE/PLACE_PROVIDER pair could not be mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceProblem {
    /// PLACE is not a code in any collection year.
    UnknownPlace,
    /// PLACE is a code, but not for an episode starting on this date.
    NotValidOn,
    /// PLACE U4-U6 needs PLACE_PROVIDER PR1-PR5 to tell in-house from agency foster care.
    UnknownProvider,
}

/// The financial (collection) year containing a date.
pub fn year_of(d: Date) -> FinancialYear {
    if d.month() >= 4 {
        FinancialYear(i32::from(d.year()))
    } else {
        FinancialYear(i32::from(d.year()) - 1)
    }
}

/// Maps PLACE and PLACE_PROVIDER for an episode that started on `decom`.
///
/// Codes are checked against the collection year of the episode's start: K3 from
/// 28 October 2023, Z1 before 2025/26 and Z11-Z14 from 2025/26. `place` and
/// `provider` must already be trimmed and upper case.
pub fn place_kind(place: &str, provider: &str, decom: Date) -> Result<PlaceKind, PlaceProblem> {
    use Placement::*;
    let p = match place {
        "U1" | "U2" | "U3" => RelativeFriendFoster,
        "U4" | "U5" | "U6" => match provider {
            "PR1" | "PR2" | "PR3" => InHouseFoster,
            "PR4" | "PR5" => Ifa,
            _ => return Err(PlaceProblem::UnknownProvider),
        },
        "K1" | "K2" | "R1" | "P3" => HomesHostels,
        "P1" => PlacedWithParents,
        "A3" | "A4" | "A5" | "A6" => PlacedForAdoption,
        "H5" | "P2" => IndependentLiving,
        "K3" if decom >= K3_VALID_FROM => IndependentLiving,
        "S1" => ResidentialSchool,
        "R3" => MotherBaby,
        "R2" | "R5" => Other,
        "Z1" if year_of(decom) < Z1_SPLIT_YEAR => Other,
        "Z11" | "Z12" | "Z13" | "Z14" if year_of(decom) >= Z1_SPLIT_YEAR => Other,
        "T0" | "T1" | "T2" | "T3" | "T4" => return Ok(PlaceKind::Temporary),
        "K3" | "Z1" | "Z11" | "Z12" | "Z13" | "Z14" => return Err(PlaceProblem::NotValidOn),
        _ => return Err(PlaceProblem::UnknownPlace),
    };
    Ok(PlaceKind::Placement(p))
}

/// How a period of care ended (REC), grouped the way the model needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitRoute {
    /// Returned home to parents or others with parental responsibility (E4A, E4B).
    ReturnHome,
    /// Adopted (E11, E12).
    Adoption,
    /// Special guardianship order (E43-E48).
    SpecialGuardianship,
    /// Residence or child arrangements order (E41).
    ChildArrangementsOrder,
    /// Left to live with relatives or others (E13).
    LivingWithRelatives,
    /// Independent living or staying put at 18 (E5, E6, E17).
    Independence,
    /// Care ceased for another reason, mostly 18th birthdays (E8).
    CeasedOther,
    /// Transferred to another council (E3).
    Transferred,
    /// Any other reason: died, custody, abroad, ran away, ... (E2, E7, E9, E14, E15, E16).
    Other,
}

/// Number of exit routes.
pub const N_EXIT_ROUTES: usize = 9;

impl ExitRoute {
    /// Every exit route, in table order.
    pub const ALL: [ExitRoute; N_EXIT_ROUTES] = [
        ExitRoute::ReturnHome,
        ExitRoute::Adoption,
        ExitRoute::SpecialGuardianship,
        ExitRoute::ChildArrangementsOrder,
        ExitRoute::LivingWithRelatives,
        ExitRoute::Independence,
        ExitRoute::CeasedOther,
        ExitRoute::Transferred,
        ExitRoute::Other,
    ];

    /// Position in [`ExitRoute::ALL`], used to index arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The key used in JSON and TOML.
    pub const fn key(self) -> &'static str {
        match self {
            ExitRoute::ReturnHome => "return_home",
            ExitRoute::Adoption => "adoption",
            ExitRoute::SpecialGuardianship => "special_guardianship",
            ExitRoute::ChildArrangementsOrder => "child_arrangements_order",
            ExitRoute::LivingWithRelatives => "living_with_relatives",
            ExitRoute::Independence => "independence",
            ExitRoute::CeasedOther => "ceased_other",
            ExitRoute::Transferred => "transferred",
            ExitRoute::Other => "other",
        }
    }

    /// The REC codes of this route, in the order of the DfE guide.
    pub const fn codes(self) -> &'static [&'static str] {
        match self {
            ExitRoute::ReturnHome => &["E4A", "E4B"],
            ExitRoute::Adoption => &["E11", "E12"],
            ExitRoute::SpecialGuardianship => &["E43", "E44", "E45", "E46", "E47", "E48"],
            ExitRoute::ChildArrangementsOrder => &["E41"],
            ExitRoute::LivingWithRelatives => &["E13"],
            ExitRoute::Independence => &["E5", "E6", "E17"],
            ExitRoute::CeasedOther => &["E8"],
            ExitRoute::Transferred => &["E3"],
            ExitRoute::Other => &["E2", "E7", "E9", "E14", "E15", "E16"],
        }
    }
}

impl fmt::Display for ExitRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What REC says happened at the end of an episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rec {
    /// X1: not an exit; a new episode starts the same day.
    Continues,
    /// The child left care by this route.
    Exit(ExitRoute),
}

/// Maps a REC code (trimmed, upper case); `None` if it is not a code.
pub fn rec(code: &str) -> Option<Rec> {
    if code == "X1" {
        return Some(Rec::Continues);
    }
    ExitRoute::ALL
        .into_iter()
        .find(|r| r.codes().contains(&code))
        .map(Rec::Exit)
}

/// Legal status codes (LS) of the 2023/24 guide.
pub const LS_CODES: [&str; 13] = [
    "C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4",
];

/// True for a valid LS code; `short_break` is set for V3/V4, which DfE leaves out of counts.
pub fn legal_status(code: &str) -> Option<LegalStatus> {
    LS_CODES.contains(&code).then_some(LegalStatus {
        short_break: matches!(code, "V3" | "V4"),
    })
}

/// What the model needs to know about an LS code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegalStatus {
    /// V3/V4: a series of short breaks, excluded from looked-after counts.
    pub short_break: bool,
}

/// Reason for new episode codes (RNE); `S` starts a new period of care.
pub const RNE_CODES: [&str; 6] = ["S", "P", "L", "T", "U", "B"];

/// True if `code` is a valid RNE code.
pub fn is_rne(code: &str) -> bool {
    RNE_CODES.contains(&code)
}

/// A child's sex as recorded in the header file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Male (1, or M from 2024/25).
    Male,
    /// Female (2, or F from 2024/25).
    Female,
    /// Not known or not recorded (U, from 2024/25).
    Unknown,
}

/// Maps a SEX code (trimmed, upper case).
///
/// With a known collection year, only that year's codes are valid (1/2 up to
/// 2023/24, M/F/U from 2024/25); with `None` (a combined file) either coding is read.
pub fn sex(code: &str, year: Option<FinancialYear>) -> Option<Sex> {
    let numeric = match code {
        "1" => Some(Sex::Male),
        "2" => Some(Sex::Female),
        _ => None,
    };
    let letters = match code {
        "M" => Some(Sex::Male),
        "F" => Some(Sex::Female),
        "U" => Some(Sex::Unknown),
        _ => None,
    };
    match year {
        Some(y) if y >= SEX_LETTERS_YEAR => letters,
        Some(_) => numeric,
        None => numeric.or(letters),
    }
}

/// The code the synthetic generator writes for a sex in a collection year.
pub fn sex_code(sex: Sex, year: FinancialYear) -> &'static str {
    match (sex, year >= SEX_LETTERS_YEAR) {
        (Sex::Male, false) => "1",
        (Sex::Female, false) | (Sex::Unknown, false) => "2",
        (Sex::Male, true) => "M",
        (Sex::Female, true) => "F",
        (Sex::Unknown, true) => "U",
    }
}

/// PLACE codes the generator may write for a placement type, for an episode starting
/// on `decom`, with the PLACE_PROVIDER codes that go with them.
pub fn place_codes(
    p: Placement,
    decom: Date,
) -> (&'static [&'static str], &'static [&'static str]) {
    use Placement::*;
    const ANY_PROVIDER: &[&str] = &["PR0", "PR1", "PR2", "PR3", "PR4", "PR5"];
    match p {
        RelativeFriendFoster => (&["U1", "U2", "U3"], &["PR1"]),
        InHouseFoster => (&["U4", "U5", "U6"], &["PR1", "PR2", "PR3"]),
        Ifa => (&["U4", "U5", "U6"], &["PR4", "PR5"]),
        HomesHostels => (&["K1", "K2", "R1", "P3"], ANY_PROVIDER),
        PlacedWithParents => (&["P1"], &["PR0"]),
        PlacedForAdoption => (&["A3", "A4", "A5", "A6"], &["PR1", "PR3"]),
        IndependentLiving if decom >= K3_VALID_FROM => (&["H5", "P2", "K3"], ANY_PROVIDER),
        IndependentLiving => (&["H5", "P2"], ANY_PROVIDER),
        ResidentialSchool => (&["S1"], ANY_PROVIDER),
        MotherBaby => (&["R3"], ANY_PROVIDER),
        Other if year_of(decom) >= Z1_SPLIT_YEAR => {
            (&["R2", "R5", "Z11", "Z12", "Z13", "Z14"], ANY_PROVIDER)
        }
        Other => (&["R2", "R5", "Z1"], ANY_PROVIDER),
    }
}

static RNE_CODES_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
static LS_CODES_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
static REC_CODES_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The codes a column allows, in words, for messages about unknown codes.
pub fn allowed(column: &str) -> Option<&'static str> {
    Some(match column {
        "SEX" => "1 or 2 up to 2023/24, M, F or U from 2024/25",
        "RNE" => RNE_CODES_TEXT.get_or_init(|| RNE_CODES.join(", ")),
        "LS" => LS_CODES_TEXT.get_or_init(|| LS_CODES.join(", ")),
        "REC" => REC_CODES_TEXT.get_or_init(|| {
            let mut all: Vec<&str> = ExitRoute::ALL
                .iter()
                .flat_map(|r| r.codes())
                .copied()
                .collect();
            all.sort_by_key(|c| (c.len(), *c));
            format!("X1 (not an exit) or {}", all.join(", "))
        }),
        "PLACE" => {
            "A3-A6, H5, K1, K2, K3 (from 28/10/2023), P1-P3, R1-R3, R5, S1, T0-T4, U1-U6, Z1 (to 2024/25; Z11-Z14 from 2025/26)"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Placement::*;

    const BEFORE: Date = date(2023, 4, 1);
    const K3_DAY: Date = date(2023, 10, 28);
    const Y2025: Date = date(2025, 4, 1);

    #[test]
    fn every_place_code_maps_as_design_section_5_says() {
        let ok = |p| Ok(PlaceKind::Placement(p));
        #[rustfmt::skip]
        let table: &[(&str, &str, Date, Result<PlaceKind, PlaceProblem>)] = &[
            ("U1", "", BEFORE, ok(RelativeFriendFoster)),
            ("U2", "PR4", BEFORE, ok(RelativeFriendFoster)),
            ("U3", "PR1", BEFORE, ok(RelativeFriendFoster)),
            ("U4", "PR1", BEFORE, ok(InHouseFoster)),
            ("U5", "PR2", BEFORE, ok(InHouseFoster)),
            ("U6", "PR3", BEFORE, ok(InHouseFoster)),
            ("U4", "PR4", BEFORE, ok(Ifa)),
            ("U5", "PR5", BEFORE, ok(Ifa)),
            ("U6", "PR5", BEFORE, ok(Ifa)),
            ("U4", "PR0", BEFORE, Err(PlaceProblem::UnknownProvider)),
            ("U6", "", BEFORE, Err(PlaceProblem::UnknownProvider)),
            ("K1", "PR1", BEFORE, ok(HomesHostels)),
            ("K2", "PR4", BEFORE, ok(HomesHostels)),
            ("R1", "PR1", BEFORE, ok(HomesHostels)),
            ("P3", "PR1", BEFORE, ok(HomesHostels)),
            ("P1", "PR0", BEFORE, ok(PlacedWithParents)),
            ("A3", "PR1", BEFORE, ok(PlacedForAdoption)),
            ("A4", "PR1", BEFORE, ok(PlacedForAdoption)),
            ("A5", "PR3", BEFORE, ok(PlacedForAdoption)),
            ("A6", "PR3", BEFORE, ok(PlacedForAdoption)),
            ("H5", "PR4", BEFORE, ok(IndependentLiving)),
            ("P2", "PR4", BEFORE, ok(IndependentLiving)),
            ("K3", "PR4", BEFORE, Err(PlaceProblem::NotValidOn)),
            ("K3", "PR4", K3_DAY, ok(IndependentLiving)),
            ("S1", "PR4", BEFORE, ok(ResidentialSchool)),
            ("R3", "PR1", BEFORE, ok(MotherBaby)),
            ("R2", "PR1", BEFORE, ok(Other)),
            ("R5", "PR1", BEFORE, ok(Other)),
            ("Z1", "PR1", BEFORE, ok(Other)),
            ("Z1", "PR1", Y2025, Err(PlaceProblem::NotValidOn)),
            ("Z11", "PR1", BEFORE, Err(PlaceProblem::NotValidOn)),
            ("Z11", "PR1", Y2025, ok(Other)),
            ("Z12", "PR1", Y2025, ok(Other)),
            ("Z13", "PR1", Y2025, ok(Other)),
            ("Z14", "PR1", Y2025, ok(Other)),
            ("T0", "PR1", BEFORE, Ok(PlaceKind::Temporary)),
            ("T1", "PR1", BEFORE, Ok(PlaceKind::Temporary)),
            ("T2", "PR1", BEFORE, Ok(PlaceKind::Temporary)),
            ("T3", "PR1", BEFORE, Ok(PlaceKind::Temporary)),
            ("T4", "PR1", BEFORE, Ok(PlaceKind::Temporary)),
            ("X9", "PR1", BEFORE, Err(PlaceProblem::UnknownPlace)),
            ("", "PR1", BEFORE, Err(PlaceProblem::UnknownPlace)),
        ];
        for (place, provider, decom, want) in table {
            assert_eq!(
                place_kind(place, provider, *decom),
                *want,
                "{place} {provider} {decom}"
            );
        }
    }

    #[test]
    fn generator_codes_map_back_to_their_placement() {
        for d in [BEFORE, K3_DAY, Y2025] {
            for p in Placement::ALL {
                let (places, providers) = place_codes(p, d);
                for place in places {
                    for provider in providers {
                        assert_eq!(place_kind(place, provider, d), Ok(PlaceKind::Placement(p)));
                    }
                }
            }
        }
    }

    #[test]
    fn every_rec_code_maps_to_its_route() {
        #[rustfmt::skip]
        let table: &[(&str, Option<Rec>)] = &[
            ("X1", Some(Rec::Continues)),
            ("E4A", Some(Rec::Exit(ExitRoute::ReturnHome))),
            ("E4B", Some(Rec::Exit(ExitRoute::ReturnHome))),
            ("E11", Some(Rec::Exit(ExitRoute::Adoption))),
            ("E12", Some(Rec::Exit(ExitRoute::Adoption))),
            ("E41", Some(Rec::Exit(ExitRoute::ChildArrangementsOrder))),
            ("E43", Some(Rec::Exit(ExitRoute::SpecialGuardianship))),
            ("E44", Some(Rec::Exit(ExitRoute::SpecialGuardianship))),
            ("E45", Some(Rec::Exit(ExitRoute::SpecialGuardianship))),
            ("E46", Some(Rec::Exit(ExitRoute::SpecialGuardianship))),
            ("E47", Some(Rec::Exit(ExitRoute::SpecialGuardianship))),
            ("E48", Some(Rec::Exit(ExitRoute::SpecialGuardianship))),
            ("E13", Some(Rec::Exit(ExitRoute::LivingWithRelatives))),
            ("E5", Some(Rec::Exit(ExitRoute::Independence))),
            ("E6", Some(Rec::Exit(ExitRoute::Independence))),
            ("E17", Some(Rec::Exit(ExitRoute::Independence))),
            ("E8", Some(Rec::Exit(ExitRoute::CeasedOther))),
            ("E3", Some(Rec::Exit(ExitRoute::Transferred))),
            ("E2", Some(Rec::Exit(ExitRoute::Other))),
            ("E7", Some(Rec::Exit(ExitRoute::Other))),
            ("E9", Some(Rec::Exit(ExitRoute::Other))),
            ("E14", Some(Rec::Exit(ExitRoute::Other))),
            ("E15", Some(Rec::Exit(ExitRoute::Other))),
            ("E16", Some(Rec::Exit(ExitRoute::Other))),
            ("E4", None),
            ("E1", None),
            ("", None),
        ];
        for (code, want) in table {
            assert_eq!(rec(code), *want, "{code}");
        }
        for r in ExitRoute::ALL {
            assert_eq!(ExitRoute::ALL[r.index()], r);
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.key())
            );
        }
    }

    #[test]
    fn ls_rne_and_sex_codes_by_year() {
        for code in LS_CODES {
            let ls = legal_status(code).unwrap();
            assert_eq!(ls.short_break, code == "V3" || code == "V4", "{code}");
        }
        assert_eq!(legal_status("V1"), None);
        for code in RNE_CODES {
            assert!(is_rne(code));
        }
        assert!(!is_rne("X"));
        let y23 = Some(FinancialYear(2023));
        let y24 = Some(FinancialYear(2024));
        assert_eq!(sex("1", y23), Some(Sex::Male));
        assert_eq!(sex("2", y23), Some(Sex::Female));
        assert_eq!(sex("M", y23), None);
        assert_eq!(sex("1", y24), None);
        assert_eq!(sex("M", y24), Some(Sex::Male));
        assert_eq!(sex("F", y24), Some(Sex::Female));
        assert_eq!(sex("U", y24), Some(Sex::Unknown));
        assert_eq!(sex("U", None), Some(Sex::Unknown));
        assert_eq!(sex("2", None), Some(Sex::Female));
        assert_eq!(sex("3", None), None);
        for s in [Sex::Male, Sex::Female] {
            for y in [FinancialYear(2023), FinancialYear(2024)] {
                assert_eq!(sex(sex_code(s, y), Some(y)), Some(s));
            }
        }
        assert_eq!(year_of(date(2024, 3, 31)), FinancialYear(2023));
        assert_eq!(year_of(date(2024, 4, 1)), FinancialYear(2024));
    }
}
