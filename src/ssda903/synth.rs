//! Synthetic SSDA903 returns generated child by child from known rates.
//!
//! Owns [`SynthConfig`] (serde, TOML-ready, with defaults for a county of a few
//! thousand children over eight years), the generator [`generate`] and the
//! [`Truth`] it records: the generating rates and the 31 March counts by placement.
//! Output is CSV text per collection year, written as DfE collects it: every
//! episode open during the year ending 31 March, with DEC and REC blank when the
//! episode ended after that 31 March. Nothing here touches files.
//!
//! Random streams: one generator for entries (counts, dates, ages, first
//! placements) and one per child for its path, each a
//! [`Xoshiro256PlusPlus`] seeded from (seed, stream), so a child's path does not
//! depend on how many draws other children made.
//!
//! Three things make a county more like a real one than constant hazards do;
//! each is off by default (the default county is unchanged) and on in
//! [`SynthConfig::realistic`]:
//!
//! - **Stays that are not exponential.** The hazard of leaving care is
//!   two-phase: `early_exit_multiplier` times the placement's exit hazard for
//!   the first `early_exit_months` of a period of care, the exit hazard after.
//!   A period of care starts with a crisis that often resolves within weeks or
//!   months (a child accommodated under section 20 goes home, a court refuses
//!   an order); children still in care after that settle into long stays. So
//!   the hazard of leaving falls with time in care, and the lengths of periods
//!   of care are more spread out than an exponential's (coefficient of
//!   variation above 1). A piecewise-constant hazard says exactly that with two
//!   numbers a reader can check against a return (the share leaving within the
//!   first months, and the exit rate of the settled stock); a Weibull or gamma
//!   shape would say it with a parameter that means nothing to a council, and
//!   its hazard at the start of care is infinite or zero. The waiting time is
//!   drawn exactly, by inverting the piecewise-linear cumulative hazard.
//! - **Sibling groups.** A share `sibling_share` of the children who enter care
//!   come with brothers or sisters: a group of 2 + Poisson(`sibling_group_mean`
//!   − 2) children who enter on the same day in the same first placement type
//!   (each with their own age, and their own path afterwards). Groups keep the
//!   mean entries per month and make monthly entries vary more than Poisson;
//!   a group's children have consecutive CHILD ids.
//! - **Re-entries.** A child who leaves care by returning home (E4A/E4B) comes
//!   back with probability `reentry_share` within `reentry_within_months`: a
//!   new period of care (RNE S) under the same CHILD id, with a first placement
//!   drawn from the entry mix, if it starts before their 18th birthday. The time
//!   back home is exponential with a mean of a third of the window, cut at the
//!   window (most re-entries come early). Re-entries are entries on top of
//!   `entries_per_month`.

use super::codes::{self, ExitRoute, Sex};
use super::read::format_date;
use super::{add_years, epoch_day};
use crate::age::{AgeBand, N_AGE_BANDS};
use crate::placement::{N_PLACEMENTS, Placement};
use crate::year::FinancialYear;
use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp1, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Average days in a month, to turn monthly hazards into daily ones.
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The rates a synthetic return is generated from. Hazards are per child per month.
///
/// Every field has a default; a map given in TOML replaces the default map whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynthConfig {
    /// Seed for every random stream.
    pub seed: u64,
    /// First collection year written (2016 is 2016/17).
    pub first_year: FinancialYear,
    /// Number of collection years written.
    pub years: u32,
    /// Years simulated before the first written year so the stock starts in balance.
    pub burn_in_years: u32,
    /// Entries to care per month in the first written year.
    pub entries_per_month: f64,
    /// Yearly growth of entries (0.03 is 3% a year), applied continuously by month.
    pub entry_growth: f64,
    /// A lasting change in the level of entries from the first month of a
    /// collection year (a new front door, a court backlog): entries from
    /// then on are multiplied by this factor. 1 (the default) is no change.
    pub entry_step: f64,
    /// The collection year the step starts in (2020 is April 2020).
    pub entry_step_from: Option<FinancialYear>,
    /// Mix of age bands at entry (weights).
    pub entry_age_mix: BTreeMap<AgeBand, f64>,
    /// Mix of first placement types (weights).
    pub first_placement_mix: BTreeMap<Placement, f64>,
    /// Monthly hazard of moving to another placement type, by current type.
    pub move_hazard: BTreeMap<Placement, f64>,
    /// Where moves go (weights; the current type, and adoption for children 5 and over, are left out).
    pub move_destinations: BTreeMap<Placement, f64>,
    /// Monthly hazard of leaving care before 18, by placement type.
    pub exit_hazard: BTreeMap<Placement, f64>,
    /// Split of exits before 18 by route, for each placement type (weights).
    pub exit_routes: BTreeMap<Placement, BTreeMap<ExitRoute, f64>>,
    /// Split of leaving care at 18 by route (weights).
    pub age18_routes: BTreeMap<ExitRoute, f64>,
    /// Monthly hazard of a temporary move (T0-T4) of 1 to 14 days.
    pub temporary_hazard: f64,
    /// Monthly hazard of a change of legal status only (a new episode, same placement).
    pub status_change_hazard: f64,
    /// Children having short breaks only (LS V3/V4), per month.
    pub short_break_children_per_month: f64,
    /// Share of children entering care aged 16 or over who are unaccompanied asylum
    /// seekers (UASC until their 18th birthday; listed in each year's UASC table).
    pub uasc_share_16_plus: f64,
    /// How many times the placement's exit hazard a child has early in a period
    /// of care (1: stays are exponential, the default).
    pub early_exit_multiplier: f64,
    /// Months from the start of a period of care that the early exit hazard lasts.
    pub early_exit_months: f64,
    /// Share of the children entering care who enter with brothers or sisters (0 to 1).
    pub sibling_share: f64,
    /// Mean size of a sibling group (2 or more): 2 + Poisson(mean − 2) children.
    pub sibling_group_mean: f64,
    /// Probability that a child who left care by returning home comes back within
    /// `reentry_within_months` (0 to 1).
    pub reentry_share: f64,
    /// The window re-entries fall in, months after the return home.
    pub reentry_within_months: f64,
}

fn map<K: Ord + Copy, const N: usize>(pairs: [(K, f64); N]) -> BTreeMap<K, f64> {
    pairs.into_iter().collect()
}

impl Default for SynthConfig {
    fn default() -> Self {
        use ExitRoute as R;
        use Placement::*;
        let fostering_exits = map([
            (R::ReturnHome, 0.45),
            (R::SpecialGuardianship, 0.2),
            (R::ChildArrangementsOrder, 0.05),
            (R::LivingWithRelatives, 0.1),
            (R::Transferred, 0.05),
            (R::Other, 0.15),
        ]);
        let older_exits = map([
            (R::ReturnHome, 0.5),
            (R::LivingWithRelatives, 0.1),
            (R::Independence, 0.1),
            (R::Transferred, 0.05),
            (R::Other, 0.25),
        ]);
        let mut exit_routes = BTreeMap::new();
        for p in Placement::ALL {
            let routes = match p {
                RelativeFriendFoster => map([
                    (R::SpecialGuardianship, 0.55),
                    (R::ChildArrangementsOrder, 0.1),
                    (R::ReturnHome, 0.25),
                    (R::Other, 0.1),
                ]),
                InHouseFoster | Ifa | MotherBaby => fostering_exits.clone(),
                PlacedWithParents => map([
                    (R::ReturnHome, 0.85),
                    (R::ChildArrangementsOrder, 0.05),
                    (R::Other, 0.1),
                ]),
                PlacedForAdoption => map([(R::Adoption, 0.95), (R::Other, 0.05)]),
                HomesHostels | IndependentLiving | ResidentialSchool | Other => older_exits.clone(),
            };
            exit_routes.insert(p, routes);
        }
        SynthConfig {
            seed: 903,
            first_year: FinancialYear(2016),
            years: 8,
            burn_in_years: 18,
            entries_per_month: 35.0,
            entry_growth: 0.03,
            entry_step: 1.0,
            entry_step_from: None,
            entry_age_mix: map([
                (AgeBand::Under1, 0.2),
                (AgeBand::Age1To4, 0.17),
                (AgeBand::Age5To9, 0.17),
                (AgeBand::Age10To15, 0.32),
                (AgeBand::Age16To17, 0.14),
            ]),
            first_placement_mix: map([
                (RelativeFriendFoster, 0.14),
                (InHouseFoster, 0.4),
                (Ifa, 0.2),
                (HomesHostels, 0.08),
                (PlacedWithParents, 0.05),
                (IndependentLiving, 0.05),
                (ResidentialSchool, 0.01),
                (MotherBaby, 0.03),
                (Other, 0.04),
            ]),
            move_hazard: map([
                (RelativeFriendFoster, 0.015),
                (InHouseFoster, 0.025),
                (Ifa, 0.025),
                (HomesHostels, 0.04),
                (PlacedWithParents, 0.015),
                (PlacedForAdoption, 0.005),
                (IndependentLiving, 0.02),
                (ResidentialSchool, 0.02),
                (MotherBaby, 0.15),
                (Other, 0.06),
            ]),
            move_destinations: map([
                (RelativeFriendFoster, 0.12),
                (InHouseFoster, 0.3),
                (Ifa, 0.2),
                (HomesHostels, 0.12),
                (PlacedWithParents, 0.06),
                (PlacedForAdoption, 0.08),
                (IndependentLiving, 0.07),
                (ResidentialSchool, 0.01),
                (Other, 0.04),
            ]),
            exit_hazard: map([
                (RelativeFriendFoster, 0.02),
                (InHouseFoster, 0.02),
                (Ifa, 0.015),
                (HomesHostels, 0.02),
                (PlacedWithParents, 0.04),
                (PlacedForAdoption, 0.1),
                (IndependentLiving, 0.02),
                (ResidentialSchool, 0.01),
                (MotherBaby, 0.05),
                (Other, 0.05),
            ]),
            exit_routes,
            age18_routes: map([(R::Independence, 0.6), (R::CeasedOther, 0.4)]),
            temporary_hazard: 0.005,
            status_change_hazard: 0.01,
            short_break_children_per_month: 1.0,
            uasc_share_16_plus: 0.25,
            early_exit_multiplier: 1.0,
            early_exit_months: 6.0,
            sibling_share: 0.0,
            sibling_group_mean: 2.5,
            reentry_share: 0.0,
            reentry_within_months: 24.0,
        }
    }
}

impl SynthConfig {
    /// A large county over ten years: about a million episode rows in all the yearly files.
    pub fn large_county() -> SynthConfig {
        SynthConfig {
            years: 10,
            burn_in_years: 18,
            entries_per_month: 1380.0,
            ..SynthConfig::default()
        }
    }

    /// The default county with the three features that make it harder to
    /// forecast than constant hazards: the exit hazard three times higher in the
    /// first six months of a period of care, 30% of entering children in sibling
    /// groups of 2.5 on average, and 30% of the children who return home coming
    /// back within two years. The benchmark panel ([`crate::panel`]) uses it.
    pub fn realistic() -> SynthConfig {
        SynthConfig {
            early_exit_multiplier: 3.0,
            early_exit_months: 6.0,
            sibling_share: 0.3,
            sibling_group_mean: 2.5,
            reentry_share: 0.3,
            reentry_within_months: 24.0,
            ..SynthConfig::default()
        }
    }

    /// Entries to care in the first written year (12 months of `entries_per_month`).
    pub fn entries_per_year(&self) -> f64 {
        self.entries_per_month * 12.0
    }

    /// Sets the entries to care in the first written year.
    pub fn set_entries_per_year(&mut self, n: f64) {
        self.entries_per_month = n / 12.0;
    }
}

/// Why a configuration cannot be generated from; lists every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("synthetic return settings are not usable:\n  - {}", .problems.join("\n  - "))]
pub struct SynthError {
    /// One line per problem, naming the field.
    pub problems: Vec<String>,
}

/// The rates, resolved into arrays indexed by placement, age band and route.
struct Rates {
    age_mix: [f64; N_AGE_BANDS],
    first_mix: [f64; N_PLACEMENTS],
    moves: [f64; N_PLACEMENTS],
    destinations: [f64; N_PLACEMENTS],
    exits: [f64; N_PLACEMENTS],
    routes: [[f64; codes::N_EXIT_ROUTES]; N_PLACEMENTS],
    age18: [f64; codes::N_EXIT_ROUTES],
    temporary: f64,
    status: f64,
    early_multiplier: f64,
    early_days: i32,
    reentry: f64,
    reentry_days: f64,
}

impl SynthConfig {
    /// Every problem with the settings, as [`generate`] would find them.
    pub fn check(&self) -> Result<(), SynthError> {
        self.resolve().map(|_| ())
    }

    fn resolve(&self) -> Result<Rates, SynthError> {
        let mut problems = Vec::new();
        let mut check = |name: &str, v: f64| {
            if !v.is_finite() || v < 0.0 {
                problems.push(format!("{name} must be a number 0 or over, not {v}"));
            }
        };
        check("entries_per_month", self.entries_per_month);
        check("temporary_hazard", self.temporary_hazard);
        check("status_change_hazard", self.status_change_hazard);
        check(
            "short_break_children_per_month",
            self.short_break_children_per_month,
        );
        for (name, m) in [
            ("first_placement_mix", &self.first_placement_mix),
            ("move_hazard", &self.move_hazard),
            ("move_destinations", &self.move_destinations),
            ("exit_hazard", &self.exit_hazard),
        ] {
            for (p, v) in m {
                check(&format!("{name}.{p}"), *v);
            }
        }
        for (a, v) in &self.entry_age_mix {
            check(&format!("entry_age_mix.{a}"), *v);
        }
        for (r, v) in &self.age18_routes {
            check(&format!("age18_routes.{r}"), *v);
        }
        for (p, routes) in &self.exit_routes {
            for (r, v) in routes {
                check(&format!("exit_routes.{p}.{r}"), *v);
            }
        }
        check("early_exit_multiplier", self.early_exit_multiplier);
        check("early_exit_months", self.early_exit_months);
        if self.early_exit_months > 12.0 * 18.0 {
            problems.push(format!(
                "early_exit_months must be 216 (18 years) or under, not {}",
                self.early_exit_months
            ));
        }
        for (name, v) in [
            ("uasc_share_16_plus", self.uasc_share_16_plus),
            ("sibling_share", self.sibling_share),
            ("reentry_share", self.reentry_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                problems.push(format!("{name} must be a share from 0 to 1, not {v}"));
            }
        }
        if !(self.sibling_group_mean.is_finite() && self.sibling_group_mean >= 2.0) {
            problems.push(format!(
                "sibling_group_mean must be 2 or over (a group is at least two children), not {}",
                self.sibling_group_mean
            ));
        }
        if !(self.reentry_within_months.is_finite()
            && self.reentry_within_months > 0.0
            && self.reentry_within_months <= 12.0 * 18.0)
        {
            problems.push(format!(
                "reentry_within_months must be over 0 and at most 216 (18 years), not {}",
                self.reentry_within_months
            ));
        }
        // A step beyond tenfold either way is no front door any council has
        // seen, and would take a county past the sizes scenarios accept.
        if !(self.entry_step.is_finite() && self.entry_step > 0.0 && self.entry_step <= 10.0) {
            problems.push(format!(
                "entry_step must be over 0 and at most 10, not {}",
                if self.entry_step.abs() >= 1e6 {
                    format!("{:e}", self.entry_step)
                } else {
                    self.entry_step.to_string()
                }
            ));
        }
        if !(self.entry_growth.is_finite() && self.entry_growth > -1.0) {
            problems.push(format!(
                "entry_growth must be over -1, not {}",
                self.entry_growth
            ));
        }
        if self.years == 0 || self.years > 50 {
            problems.push(format!("years must be 1 to 50, not {}", self.years));
        }
        if self.burn_in_years > 50 {
            problems.push(format!(
                "burn_in_years must be 50 or under, not {}",
                self.burn_in_years
            ));
        }
        let by_p = |m: &BTreeMap<Placement, f64>| {
            Placement::ALL.map(|p| m.get(&p).copied().unwrap_or(0.0))
        };
        let rates = Rates {
            age_mix: AgeBand::ALL.map(|a| self.entry_age_mix.get(&a).copied().unwrap_or(0.0)),
            first_mix: by_p(&self.first_placement_mix),
            moves: by_p(&self.move_hazard),
            destinations: by_p(&self.move_destinations),
            exits: by_p(&self.exit_hazard),
            routes: Placement::ALL.map(|p| {
                let m = self.exit_routes.get(&p);
                ExitRoute::ALL.map(|r| m.and_then(|m| m.get(&r)).copied().unwrap_or(0.0))
            }),
            age18: ExitRoute::ALL.map(|r| self.age18_routes.get(&r).copied().unwrap_or(0.0)),
            temporary: self.temporary_hazard,
            status: self.status_change_hazard,
            early_multiplier: self.early_exit_multiplier,
            early_days: (self.early_exit_months.clamp(0.0, 216.0) * DAYS_PER_MONTH).round() as i32,
            reentry: self.reentry_share,
            reentry_days: self.reentry_within_months.clamp(0.0, 216.0) * DAYS_PER_MONTH,
        };
        let positive = |w: &[f64]| w.iter().sum::<f64>() > 0.0;
        if !positive(&rates.age_mix) {
            problems.push("entry_age_mix needs at least one weight over 0".into());
        }
        if !positive(&rates.first_mix) {
            problems.push("first_placement_mix needs at least one weight over 0".into());
        }
        if !positive(&rates.age18) {
            problems.push("age18_routes needs at least one weight over 0".into());
        }
        for p in Placement::ALL {
            let i = p.index();
            if rates.exits[i] > 0.0 && !positive(&rates.routes[i]) {
                problems.push(format!(
                    "exit_routes.{p} needs a weight over 0 (exit_hazard.{p} is over 0)"
                ));
            }
            if p != Placement::PlacedForAdoption
                && rates.routes[i][ExitRoute::Adoption.index()] > 0.0
            {
                problems.push(format!(
                    "exit_routes.{p}.adoption must be 0: only placed_for_adoption exits to adoption"
                ));
            }
            let others: f64 = (0..N_PLACEMENTS)
                .filter(|&q| q != i)
                .map(|q| rates.destinations[q])
                .sum();
            if rates.moves[i] > 0.0 && others <= 0.0 {
                problems.push(format!("move_destinations needs a weight over 0 other than {p} (move_hazard.{p} is over 0)"));
            }
        }
        if problems.is_empty() {
            Ok(rates)
        } else {
            Err(SynthError { problems })
        }
    }
}

/// Header and episodes CSV text for one collection year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthReturn {
    /// Collection year (1 April to 31 March).
    pub year: FinancialYear,
    /// Header file text (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB).
    pub header_csv: String,
    /// Episodes file text (CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, ...).
    pub episodes_csv: String,
    /// UASC table text (CHILD, SEX, DOB, DUC): UASC children looked after during the year.
    pub uasc_csv: String,
}

/// What the generator knows for one collection year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTruth {
    /// Collection year.
    pub year: FinancialYear,
    /// Children looked after on 31 March, all placements.
    pub total: u32,
    /// Children looked after on 31 March by placement type (every type listed).
    pub by_placement: BTreeMap<Placement, u32>,
    /// Periods of care that started during the year.
    pub entries: u32,
    /// Periods of care that ended during the year.
    pub exits: u32,
    /// Episode rows written to the year's file (short breaks included).
    pub episode_rows: u32,
    /// Of the children looked after on 31 March, those who were UASC.
    #[serde(default)]
    pub uasc: u32,
}

/// The generating rates and the counts the generator produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// The settings the returns were generated from.
    pub config: SynthConfig,
    /// One entry per collection year written.
    pub years: Vec<YearTruth>,
}

/// Synthetic returns and their truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Synth {
    /// One return per collection year, earliest first.
    pub returns: Vec<SynthReturn>,
    /// Generating rates and true counts.
    pub truth: Truth,
}

impl Synth {
    /// Reads the returns back as a council's files are read (each year's header,
    /// episodes and UASC table, named by their collection year).
    pub fn load(&self, opts: super::Options) -> Result<super::Ssda903Data, super::Ssda903Error> {
        let mut loader = super::Loader::new(opts);
        for r in &self.returns {
            loader.add_header("header.csv", Some(r.year), r.header_csv.as_bytes())?;
            loader.add_episodes("episodes.csv", Some(r.year), r.episodes_csv.as_bytes())?;
            loader.add_uasc("uasc.csv", Some(r.year), r.uasc_csv.as_bytes())?;
        }
        loader.finish()
    }
}

/// One generated episode; days are days since 1970-01-01.
struct Ep {
    decom: i32,
    dec: Option<i32>,
    placement: Placement,
    place: &'static str,
    provider: &'static str,
    ls: &'static str,
    rne: &'static str,
    rec: Option<&'static str>,
}

struct SynthChild {
    sex: Sex,
    dob: Date,
    episodes: Vec<Ep>,
    uasc: bool,
}

fn pick(weights: &[f64], u: f64) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = u * total;
    let mut last = 0;
    for (i, &w) in weights.iter().enumerate() {
        if w > 0.0 {
            if x < w {
                return i;
            }
            x -= w;
            last = i;
        }
    }
    last
}

fn choose<R: RngExt>(rng: &mut R, codes: &[&'static str]) -> &'static str {
    codes[rng.random_range(0..codes.len())]
}

fn stream(seed: u64, kind: u64, index: u64) -> Xoshiro256PlusPlus {
    // SplitMix64 finaliser over (seed, kind, index): distinct, well-mixed seeds.
    let mut z =
        seed ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(z ^ (z >> 31))
}

fn date_of(day: i32) -> Date {
    let base = jiff::civil::date(1970, 1, 1);
    base.checked_add(jiff::Span::new().days(i64::from(day)))
        .unwrap_or(base)
}

const LS_CARE: [&str; 4] = ["C1", "C2", "J2", "V2"];

/// How a simulated period of care ended.
enum PeriodEnd {
    /// Still looked after on `end`, or left at 18.
    Open,
    /// Left care before 18 by this route, on this day.
    Left(ExitRoute, i32),
}

/// Months until the next event of a child whose event hazard is `early` per
/// month for the next `span` months and `late` after, for a standard exponential
/// draw `e` (the inverse of the cumulative hazard); whether it falls in the early
/// phase. Infinite when no event can happen.
fn two_phase_wait(e: f64, early: f64, late: f64, span: f64) -> (f64, bool) {
    if early * span > e {
        (e / early, true)
    } else if late > 0.0 {
        (span + (e - early * span) / late, false)
    } else {
        (f64::INFINITY, false)
    }
}

/// Simulates one period of care from `entry` until 18, exit or `end`, appending
/// its episodes to `eps`; the first episode has RNE S.
fn simulate_period(
    rates: &Rates,
    rng: &mut Xoshiro256PlusPlus,
    entry: i32,
    dob: Date,
    first: Placement,
    end: i32,
    eps: &mut Vec<Ep>,
) -> PeriodEnd {
    let eighteen = epoch_day(add_years(dob, 18));
    let adoption_cutoff = epoch_day(add_years(dob, 5));
    // The early phase of a period of care, when its exit hazard is raised.
    let early_end = if rates.early_multiplier == 1.0 {
        entry
    } else {
        entry.saturating_add(rates.early_days)
    };
    let (mut t, mut p) = (entry, first);
    let (places, providers) = codes::place_codes(p, date_of(t));
    let (mut place, mut provider) = (choose(rng, places), choose(rng, providers));
    let mut ls = choose(rng, &LS_CARE);
    let mut rne = "S";
    let mut temporary = false;
    loop {
        let i = p.index();
        let hazard = if temporary {
            0.0
        } else {
            rates.moves[i] + rates.exits[i] + rates.temporary + rates.status
        };
        // The exit hazard's multiplier at the event: above 1 only in the early phase.
        let mut exit_multiplier = 1.0;
        let wait = if temporary {
            f64::from(rng.random_range(1..=14))
        } else if t < early_end {
            let early = rates.moves[i]
                + rates.exits[i] * rates.early_multiplier
                + rates.temporary
                + rates.status;
            let e: f64 = Exp1.sample(rng);
            let span = f64::from(early_end - t) / DAYS_PER_MONTH;
            let (months, in_early) = two_phase_wait(e, early, hazard, span);
            if in_early {
                exit_multiplier = rates.early_multiplier;
            }
            (months * DAYS_PER_MONTH).ceil().max(1.0)
        } else if hazard > 0.0 {
            let e: f64 = Exp1.sample(rng);
            (e / hazard * DAYS_PER_MONTH).ceil().max(1.0)
        } else {
            f64::INFINITY
        };
        let next = if wait >= f64::from(end - t) {
            i64::from(end)
        } else {
            i64::from(t) + wait as i64
        };
        let next = i32::try_from(next).unwrap_or(end);
        let mut ep = Ep {
            decom: t,
            dec: None,
            placement: p,
            place,
            provider,
            ls,
            rne,
            rec: None,
        };
        if eighteen <= next {
            ep.dec = Some(eighteen);
            let route = ExitRoute::ALL[pick(&rates.age18, rng.random())];
            ep.rec = Some(choose(rng, route.codes()));
            eps.push(ep);
            return PeriodEnd::Open;
        }
        if next >= end {
            eps.push(ep);
            return PeriodEnd::Open;
        }
        ep.dec = Some(next);
        t = next;
        if temporary {
            // Back from a temporary move to the same placement type.
            temporary = false;
            let (places, providers) = codes::place_codes(p, date_of(t));
            (place, provider, rne) = (choose(rng, places), choose(rng, providers), "P");
            ep.rec = Some("X1");
            eps.push(ep);
            continue;
        }
        let exits = rates.exits[i] * exit_multiplier;
        let u: f64 =
            rng.random::<f64>() * (rates.moves[i] + exits + rates.temporary + rates.status);
        if u < rates.moves[i] {
            let mut w = rates.destinations;
            w[i] = 0.0;
            if t >= adoption_cutoff {
                w[Placement::PlacedForAdoption.index()] = 0.0;
            }
            if w.iter().sum::<f64>() > 0.0 {
                p = Placement::ALL[pick(&w, rng.random())];
                let (places, providers) = codes::place_codes(p, date_of(t));
                (place, provider) = (choose(rng, places), choose(rng, providers));
            }
            rne = "P";
            ep.rec = Some("X1");
        } else if u < rates.moves[i] + exits {
            let route = ExitRoute::ALL[pick(&rates.routes[i], rng.random())];
            ep.rec = Some(choose(rng, route.codes()));
            eps.push(ep);
            return PeriodEnd::Left(route, t);
        } else if u < rates.moves[i] + exits + rates.temporary {
            temporary = true;
            place = choose(rng, &["T0", "T1", "T2", "T3", "T4"]);
            rne = "P";
            ep.rec = Some("X1");
        } else {
            ls = choose(rng, &LS_CARE);
            rne = "L";
            // Z1 was split into Z11-Z14 from 2025/26: a new episode must carry a current code.
            if place == "Z1" && codes::year_of(date_of(t)) >= codes::Z1_SPLIT_YEAR {
                place = choose(rng, &["Z11", "Z12", "Z13", "Z14"]);
            }
            ep.rec = Some("X1");
        }
        eps.push(ep);
    }
}

/// Simulates a child's care from `entry` until `end`: a period of care, and
/// after each return home, with probability `rates.reentry`, another one.
fn simulate_child(
    rates: &Rates,
    rng: &mut Xoshiro256PlusPlus,
    entry: i32,
    dob: Date,
    first: Placement,
    end: i32,
) -> Vec<Ep> {
    let eighteen = epoch_day(add_years(dob, 18));
    let mut eps = Vec::new();
    let (mut start, mut placement) = (entry, first);
    while let PeriodEnd::Left(ExitRoute::ReturnHome, left) =
        simulate_period(rates, rng, start, dob, placement, end, &mut eps)
    {
        if rates.reentry <= 0.0 || rng.random::<f64>() >= rates.reentry {
            break;
        }
        // Exponential with a mean of a third of the window, cut at the window.
        let window = rates.reentry_days;
        let cut = 1.0 - (-3.0f64).exp();
        let u: f64 = rng.random();
        let gap = (-(1.0 - u * cut).ln() * window / 3.0).ceil().max(1.0);
        let back = i64::from(left) + gap as i64;
        placement = Placement::ALL[pick(&rates.first_mix, rng.random())];
        if back >= i64::from(end.min(eighteen)) {
            break;
        }
        start = i32::try_from(back).unwrap_or(end);
    }
    eps
}

/// Days since 1970-01-01 of 1 April of a collection year's start.
fn april_first(year: i32) -> i32 {
    let y = i16::try_from(year).unwrap_or(i16::MAX);
    epoch_day(Date::new(y, 4, 1).unwrap_or(jiff::civil::date(2000, 4, 1)))
}

fn month_start(year: i32, k: u32) -> Date {
    let m0 = 3 + k; // months since January of `year`
    let y = i16::try_from(year + i32::try_from(m0 / 12).unwrap_or(0)).unwrap_or(i16::MAX);
    let m = i8::try_from(m0 % 12 + 1).unwrap_or(1);
    Date::new(y, m, 1).unwrap_or(jiff::civil::date(2000, 1, 1))
}

/// Generates synthetic returns, one per collection year, and their truth.
pub fn generate(cfg: &SynthConfig) -> Result<Synth, SynthError> {
    let rates = cfg.resolve()?;
    let burn_in = i32::try_from(cfg.burn_in_years).unwrap_or(0);
    let n_years = i32::try_from(cfg.years).unwrap_or(1);
    let sim_first = cfg.first_year.0 - burn_in;
    let end = april_first(cfg.first_year.0 + n_years);
    let mut entry_rng = stream(cfg.seed, 1, 0);
    let mut children: Vec<SynthChild> = Vec::new();
    let mut breaks: Vec<SynthChild> = Vec::new();
    let n_months = (cfg.burn_in_years + cfg.years) * 12;
    for k in 0..n_months {
        let (m0, m1) = (
            epoch_day(month_start(sim_first, k)),
            epoch_day(month_start(sim_first, k + 1)),
        );
        let years_from_first = (f64::from(k) - f64::from(cfg.burn_in_years * 12)) / 12.0;
        let stepped = cfg
            .entry_step_from
            .is_some_and(|y| years_from_first >= f64::from(y.0 - cfg.first_year.0));
        let rate = cfg.entries_per_month
            * (1.0 + cfg.entry_growth).powf(years_from_first)
            * if stepped { cfg.entry_step } else { 1.0 };
        let mut enter =
            |entry: i32, first: Option<Placement>, entry_rng: &mut Xoshiro256PlusPlus| {
                let band = AgeBand::ALL[pick(&rates.age_mix, entry_rng.random())];
                let dob = draw_dob(entry_rng, entry, band);
                let first = first
                    .unwrap_or_else(|| Placement::ALL[pick(&rates.first_mix, entry_rng.random())]);
                let sex = if entry_rng.random::<bool>() {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let mut rng = stream(cfg.seed, 2, children.len() as u64);
                let episodes = simulate_child(&rates, &mut rng, entry, dob, first, end);
                // Its own stream, so that adding UASC changed no other draw.
                let uasc = band == AgeBand::Age16To17
                    && stream(cfg.seed, 3, children.len() as u64).random::<f64>()
                        < cfg.uasc_share_16_plus;
                children.push(SynthChild {
                    sex,
                    dob,
                    episodes,
                    uasc,
                });
            };
        if cfg.sibling_share > 0.0 {
            // Children alone, then groups, keeping `rate` children a month on average.
            let singles = poisson(&mut entry_rng, rate * (1.0 - cfg.sibling_share));
            let groups = poisson(
                &mut entry_rng,
                rate * cfg.sibling_share / cfg.sibling_group_mean,
            );
            for _ in 0..singles {
                let entry = entry_rng.random_range(m0..m1);
                enter(entry, None, &mut entry_rng);
            }
            for _ in 0..groups {
                let size = 2 + poisson(&mut entry_rng, cfg.sibling_group_mean - 2.0);
                let entry = entry_rng.random_range(m0..m1);
                let first = Placement::ALL[pick(&rates.first_mix, entry_rng.random())];
                for _ in 0..size {
                    enter(entry, Some(first), &mut entry_rng);
                }
            }
        } else {
            for _ in 0..poisson(&mut entry_rng, rate) {
                let entry = entry_rng.random_range(m0..m1);
                enter(entry, None, &mut entry_rng);
            }
        }
        for _ in 0..poisson(&mut entry_rng, cfg.short_break_children_per_month) {
            let start = entry_rng.random_range(m0..m1);
            let dob = draw_dob(&mut entry_rng, start, AgeBand::Age10To15);
            let mut episodes = Vec::new();
            let mut t = start;
            for _ in 0..entry_rng.random_range(2..=4) {
                let dec = t + entry_rng.random_range(1..=3);
                if dec >= end {
                    break;
                }
                episodes.push(Ep {
                    decom: t,
                    dec: Some(dec),
                    placement: Placement::HomesHostels,
                    place: "K1",
                    provider: "PR1",
                    ls: choose(&mut entry_rng, &["V3", "V4"]),
                    rne: "S",
                    rec: Some("E13"),
                });
                t = dec + entry_rng.random_range(7..=21);
            }
            if !episodes.is_empty() {
                breaks.push(SynthChild {
                    sex: Sex::Female,
                    dob,
                    episodes,
                    uasc: false,
                });
            }
        }
    }
    let named = children
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("C{i:07}"), c, false))
        .chain(
            breaks
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("S{i:06}"), c, true)),
        )
        .collect::<Vec<_>>();
    let mut returns = Vec::new();
    let mut years = Vec::new();
    for y in 0..n_years {
        let year = cfg.first_year.plus(y);
        let (ys, ye) = (april_first(year.0), april_first(year.0 + 1) - 1);
        let mut header = String::from("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n");
        let mut episodes = String::from(
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
        );
        let mut truth = YearTruth {
            year,
            total: 0,
            by_placement: Placement::ALL.into_iter().map(|p| (p, 0)).collect(),
            entries: 0,
            exits: 0,
            episode_rows: 0,
            uasc: 0,
        };
        let mut uasc = String::from("CHILD,SEX,DOB,DUC\n");
        for (id, c, short_break) in &named {
            let mut any = false;
            for e in c
                .episodes
                .iter()
                .filter(|e| e.decom <= ye && e.dec.is_none_or(|d| d >= ys))
            {
                any = true;
                truth.episode_rows += 1;
                let closed = e.dec.filter(|&d| d <= ye);
                let dec = closed.map(|d| format_date(date_of(d))).unwrap_or_default();
                let rec = if closed.is_some() {
                    e.rec.unwrap_or("")
                } else {
                    ""
                };
                let _ = writeln!(
                    episodes,
                    "{id},{},{},{},N1,{},{},{dec},{rec},,,,",
                    format_date(date_of(e.decom)),
                    e.rne,
                    e.ls,
                    e.place,
                    e.provider
                );
                if *short_break {
                    continue;
                }
                if e.decom <= ye && e.dec.is_none_or(|d| d > ye) {
                    truth.total += 1;
                    truth.uasc += u32::from(c.uasc);
                    *truth.by_placement.entry(e.placement).or_default() += 1;
                }
                if e.rne == "S" && (ys..=ye).contains(&e.decom) {
                    truth.entries += 1;
                }
                if closed.is_some() && e.rec != Some("X1") {
                    truth.exits += 1;
                }
            }
            if any {
                let _ = writeln!(
                    header,
                    "{id},{},{},WBRI,,,",
                    codes::sex_code(c.sex, year),
                    format_date(c.dob)
                );
            }
            if any && c.uasc {
                let eighteen = add_years(c.dob, 18);
                let duc = if epoch_day(eighteen) <= ye {
                    format_date(eighteen)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    uasc,
                    "{id},{},{},{duc}",
                    codes::sex_code(c.sex, year),
                    format_date(c.dob)
                );
            }
        }
        returns.push(SynthReturn {
            year,
            header_csv: header,
            episodes_csv: episodes,
            uasc_csv: uasc,
        });
        years.push(truth);
    }
    Ok(Synth {
        returns,
        truth: Truth {
            config: cfg.clone(),
            years,
        },
    })
}

fn poisson(rng: &mut Xoshiro256PlusPlus, rate: f64) -> u64 {
    if rate > 0.0 && rate.is_finite() {
        Poisson::new(rate).map_or(0, |d| d.sample(rng) as u64)
    } else {
        0
    }
}

/// A date of birth giving an age in `band` on day `on`.
fn draw_dob(rng: &mut Xoshiro256PlusPlus, on: i32, band: AgeBand) -> Date {
    let on_date = date_of(on);
    let neg = |a: u32| -i16::try_from(a).unwrap_or(0);
    let lo = epoch_day(add_years(on_date, neg(band.end_age()))) + 1;
    let hi = epoch_day(add_years(on_date, neg(band.min_age())));
    let dob = date_of(rng.random_range(lo..=hi.max(lo)));
    if epoch_day(add_years(dob, 18)) > on {
        dob
    } else {
        date_of(hi)
    }
}
