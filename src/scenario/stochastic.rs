//! `[stochastic]`: the rates, distributions and interventions of the Monte Carlo
//! engine: the serde mirror of the file, its checks, and the resolved form.
//!
//! Owns everything a scenario says about the stochastic model. It must not draw
//! random numbers (that is [`crate::model::sampling`]) nor run anything. Rates
//! are written per child per year and resolved here; monthly probabilities are
//! worked out by [`crate::model::params`].

// Compartments are indexed (placement, age band) as in the model's equations.
#![allow(clippy::needless_range_loop)]

use super::MoneyLine;
use super::file::PlacementTableFile;
use super::validate::Checker;
use super::values::{Count, Pounds, Rate, Share, Weight};
use crate::age::{AGE_MONTHS, AgeBand, N_AGE_BANDS};
use crate::model::{Grid, N_POOLS, RATE_ROUTES};
use crate::placement::{ByPlacement, N_PLACEMENTS, Placement};
use crate::year::FinancialYear;
use serde::{Deserialize, Serialize};

/// Most interventions a scenario may list (the model keeps them in a fixed array).
pub const MAX_INTERVENTIONS: usize = 16;

// ---------------------------------------------------------------- file mirror

/// `[stochastic]` as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StochasticFile {
    /// Children in care when the run starts (1 April of the first year), the
    /// opening census every arm of the council shares; default:
    /// `do_nothing.start_total` (the same whatever the growth rate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_total: Option<Count>,
    /// The first financial year in which the do-nothing stock grows; before it
    /// the expected stock stands still at the opening census, as Appendix 5
    /// holds 2019/20 at 1,220 at every growth rate. Default: the first year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growth_from: Option<FinancialYear>,
    /// Share of the starting children in each age band (not with `start_children`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_by_age: Option<AgeTableFile<Share>>,
    /// Starting children counted by placement type and age band, replacing
    /// `start_total` and `start_by_age` (a missing type or band is 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_children: Option<PlacementTableFile<AgeTableFile<Count>>>,
    /// Obsolete and ignored: children now age exactly, month by month (see
    /// `ages`). Still read so that scenarios written before keep working.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ageing: Option<AgeTableFile>,
    /// How ages spread within each band: of the opening census and of entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgesFile>,
    /// Yearly growth of the do-nothing stock; default: `do_nothing.growth_rate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growth: Option<DistFile>,
    /// Entries into care.
    pub entries: EntriesFile,
    /// Yearly exit rates per child, by route and placement type.
    pub exits: ExitsFile,
    /// Placement moves.
    pub moves: MovesFile,
    /// Ongoing costs of children who left care on an order.
    #[serde(default)]
    pub post_care: PostCareFile,
    /// Interventions, each paid for by an investment line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interventions: Vec<InterventionFile>,
    /// Caps on a placement type ("one in, one out").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<CapFile>,
    /// How uncertain the rates themselves are; each path draws its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_uncertainty: Option<RateUncertaintyFile>,
}

/// `[stochastic.rate_uncertainty]`: coefficients of variation of per-path rate
/// multipliers (mean 1, Gamma distributed); a missing value is 0 (known exactly).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateUncertaintyFile {
    /// Of the level of entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<f64>,
    /// Years from where the entry trend was fitted (the centre of the data) to
    /// the first forecast year: a path's growth moves its entry level by
    /// `((1 + g) / (1 + mean g))^years`, so level and trend stay correlated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries_pivot_years: Option<f64>,
    /// Of every exit rate of a placement type, all routes together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exits: Option<PlacementTableFile>,
    /// Of the move rate out of a placement type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moves: Option<PlacementTableFile>,
}

/// `[stochastic.ages]`: shares of each band's children by year of age (one
/// share per year of the band, youngest first) or by month of age (one per
/// month); each list sums to 1. A band left out is spread evenly.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgesFile {
    /// The children in care on the first day, by band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub census: Option<AgeTableFile<Vec<Share>>>,
    /// The children who enter care, by band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<AgeTableFile<Vec<Share>>>,
}

/// A value for each DfE age band (numbers unless `T` says otherwise).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgeTableFile<T = f64> {
    /// Under 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub under_1: Option<T>,
    /// 1 to 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_1_4: Option<T>,
    /// 5 to 9.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_5_9: Option<T>,
    /// 10 to 15.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_10_15: Option<T>,
    /// 16 and 17.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_16_17: Option<T>,
}

impl<T> AgeTableFile<T> {
    /// A table from values in [`AgeBand::ALL`] order.
    pub fn from_values(values: [Option<T>; N_AGE_BANDS]) -> Self {
        let [under_1, age_1_4, age_5_9, age_10_15, age_16_17] = values;
        AgeTableFile {
            under_1,
            age_1_4,
            age_5_9,
            age_10_15,
            age_16_17,
        }
    }

    /// Whether no band is given.
    pub fn is_empty(&self) -> bool {
        self.bands().iter().all(|b| b.is_none())
    }

    fn bands(&self) -> [&Option<T>; N_AGE_BANDS] {
        [
            &self.under_1,
            &self.age_1_4,
            &self.age_5_9,
            &self.age_10_15,
            &self.age_16_17,
        ]
    }
}

impl<T: Copy + Into<f64>> AgeTableFile<T> {
    /// The values in [`AgeBand::ALL`] order, as numbers.
    pub fn values(&self) -> [Option<f64>; N_AGE_BANDS] {
        self.bands().map(|v| v.map(Into::into))
    }
}

/// `[stochastic.entries]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EntriesFile {
    /// The yearly rate of entries at the start of the first year (12 ×
    /// April's expected entries; they grow month by month from there);
    /// default: set so that the expected do-nothing stock grows at the
    /// path's growth rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_year: Option<f64>,
    /// Negative binomial size `k` (variance = mean + mean²/k); absent means Poisson.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispersion: Option<f64>,
    /// Share of entries in each age band.
    pub by_age: AgeTableFile<Share>,
    /// Share of entries whose first placement is each type.
    pub by_placement: PlacementTableFile<Share>,
    /// First-placement shares of the entries in particular age bands, replacing
    /// `by_placement` for those bands (e.g. babies rarely go to independent living).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_age_placement: Option<AgeTableFile<PlacementTableFile<Share>>>,
}

/// `[stochastic.exits]`: yearly rate per child of leaving care by each route.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExitsFile {
    /// Return home.
    pub return_home: PlacementTableFile<Rate>,
    /// Adoption order.
    pub adoption: PlacementTableFile<Rate>,
    /// Special guardianship order.
    pub sgo: PlacementTableFile<Rate>,
    /// Child arrangement order.
    pub child_arrangement: PlacementTableFile<Rate>,
    /// Any other reason (18th birthdays follow from ageing).
    pub other: PlacementTableFile<Rate>,
    /// Multiplier of every exit rate for each age band (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_factor: Option<AgeTableFile>,
}

/// `[stochastic.moves]`: placement changes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MovesFile {
    /// Yearly rate per child of moving out of each type.
    pub rate: PlacementTableFile<Rate>,
    /// Weight of each type as a destination (the origin's own weight is ignored).
    pub to: PlacementTableFile<Weight>,
    /// Destination weights of the moves out of particular origins, replacing `to`
    /// for those origins (e.g. step-down from homes and hostels goes mostly to foster care).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<PlacementTableFile<PlacementTableFile<Weight>>>,
}

/// `[stochastic.post_care]`: pounds.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PostCareFile {
    /// Special guardianship allowance per child per year, to 18.
    #[serde(default)]
    pub sgo_allowance: Pounds,
    /// Child arrangement order allowance per child per year, to 18.
    #[serde(default)]
    pub child_arrangement_allowance: Pounds,
    /// Adoption support per child per year, to 18.
    #[serde(default)]
    pub adoption_support: Pounds,
    /// One-off legal cost of each special guardianship order.
    #[serde(default)]
    pub sgo_legal_cost: Pounds,
}

/// `[[stochastic.interventions]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InterventionFile {
    /// Identifier for outputs.
    pub id: String,
    /// What the intervention is (decides which effects it may have).
    pub kind: String,
    /// The investment line that pays for it.
    pub line: String,
    /// First month of effect, "YYYY-MM".
    pub start: String,
    /// Months from start to full effect (linear ramp).
    #[serde(default)]
    pub ramp_months: f64,
    /// Months of delay before the start, drawn per path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_months: Option<DistFile>,
    /// Relative change of each rate at full effect, drawn per path.
    pub effects: EffectsFile,
}

/// The effects of an intervention, each a distribution of a relative change.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EffectsFile {
    /// Entries into care (−0.2 = 20% fewer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<DistFile>,
    /// Returns home.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_home: Option<DistFile>,
    /// Exits to special guardianship.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sgo: Option<DistFile>,
    /// Moves out of homes and hostels (step-down).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_down: Option<DistFile>,
    /// New placements (entries and moves) into homes and hostels; the rest go to IFA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residential: Option<DistFile>,
    /// Share of new IFA placements made in-house instead (0 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_house: Option<DistFile>,
}

/// `[[stochastic.caps]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapFile {
    /// The placement type capped.
    pub placement: String,
    /// Most children in it; new placements beyond go to `overflow_to`.
    pub count: Count,
    /// First month of the cap, "YYYY-MM".
    pub from: String,
    /// Where new placements go once the cap is reached.
    pub overflow_to: String,
    /// The investment line that pays for enforcing it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
}

/// A distribution as written: a bare number (fixed) or a table with `dist`;
/// written back the same way (a fixed value as a bare number).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "toml::Value")]
pub struct DistFile(pub DistTable);

impl Serialize for DistFile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = &self.0;
        let bare = DistTable {
            dist: "fixed".into(),
            value: t.value,
            ..DistTable::default()
        };
        match t.value {
            Some(v) if *t == bare => s.serialize_f64(v),
            _ => t.serialize(s),
        }
    }
}

/// The table form of a distribution.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DistTable {
    /// fixed, uniform, triangular, normal, pert or beta.
    pub dist: String,
    /// Value of a fixed distribution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Most likely value (triangular, PERT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<f64>,
    /// Upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Mean (normal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Standard deviation (normal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// First shape (beta).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha: Option<f64>,
    /// Second shape (beta).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
}

impl TryFrom<toml::Value> for DistFile {
    type Error = String;
    fn try_from(v: toml::Value) -> Result<Self, String> {
        match v {
            toml::Value::Integer(i) => Ok(DistFile(DistTable {
                dist: "fixed".into(),
                value: Some(i as f64),
                ..DistTable::default()
            })),
            toml::Value::Float(x) => Ok(DistFile(DistTable {
                dist: "fixed".into(),
                value: Some(x),
                ..DistTable::default()
            })),
            toml::Value::Table(t) => DistTable::deserialize(toml::Value::Table(t))
                .map(DistFile)
                .map_err(|e| format!("{} (a distribution is a number or a table such as {{ dist = \"triangular\", min = 0.034, mode = 0.05, max = 0.11 }})", e.message())),
            other => Err(format!(
                "wrong type: {}; a distribution is a number or a table such as {{ dist = \"uniform\", min = 0, max = 3 }}",
                other.type_str()
            )),
        }
    }
}

// ---------------------------------------------------------------- resolved

/// A distribution of one number, drawn once per path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Dist {
    /// Always this value.
    Fixed {
        /// The value.
        value: f64,
    },
    /// Uniform between `min` and `max`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular with a mode.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal, clamped to the field's allowed range.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// PERT (a scaled beta with shape 4).
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Gamma with a shape and a scale (the per-path rate multipliers of
    /// `[stochastic.rate_uncertainty]`).
    Gamma {
        /// Shape.
        shape: f64,
        /// Scale.
        scale: f64,
    },
    /// Beta(alpha, beta) scaled to `[min, max]`.
    Beta {
        /// First shape.
        alpha: f64,
        /// Second shape.
        beta: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

impl Dist {
    /// The expected value (before clamping).
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Gamma { shape, scale } => shape * scale,
            Dist::Fixed { value } => value,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Normal { mean, .. } => mean,
            Dist::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * alpha / (alpha + beta),
        }
    }

    /// Whether every draw is the same value.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed { .. })
    }
}

/// A value drawn from a distribution and kept within the field's allowed range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounded {
    /// The distribution.
    pub dist: Dist,
    /// Smallest allowed value (draws below are clamped).
    pub lo: f64,
    /// Largest allowed value (draws above are clamped).
    pub hi: f64,
}

impl Bounded {
    /// The range draws fall in: the distribution's own (a normal's or gamma's
    /// mean ± 6 sd), within the allowed range.
    pub fn support(&self) -> (f64, f64) {
        let (lo, hi) = match self.dist {
            Dist::Fixed { value } => (value, value),
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. }
            | Dist::Beta { min, max, .. } => (min, max),
            Dist::Normal { mean, sd } => (mean - 6.0 * sd, mean + 6.0 * sd),
            Dist::Gamma { shape, scale } => {
                let sd = shape.sqrt() * scale;
                (
                    (shape * scale - 6.0 * sd).max(0.0),
                    shape * scale + 6.0 * sd,
                )
            }
        };
        (lo.clamp(self.lo, self.hi), hi.clamp(self.lo, self.hi))
    }
}

/// What an intervention changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Entries into care (rate multiplier).
    Entries,
    /// Returns home (rate multiplier).
    ReturnHome,
    /// Exits to special guardianship (rate multiplier).
    Sgo,
    /// Moves out of homes and hostels (rate multiplier).
    StepDown,
    /// New placements into homes and hostels (multiplier; the rest go to IFA).
    Residential,
    /// Share of new IFA placements made in-house instead.
    InHouse,
}

/// Number of intervention targets.
pub const N_TARGETS: usize = 6;

impl Target {
    /// Every target in index order.
    pub const ALL: [Target; N_TARGETS] = [
        Target::Entries,
        Target::ReturnHome,
        Target::Sgo,
        Target::StepDown,
        Target::Residential,
        Target::InHouse,
    ];

    /// Position in [`Target::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Key in `effects`.
    pub const fn key(self) -> &'static str {
        match self {
            Target::Entries => "entries",
            Target::ReturnHome => "return_home",
            Target::Sgo => "sgo",
            Target::StepDown => "step_down",
            Target::Residential => "residential",
            Target::InHouse => "in_house",
        }
    }

    /// Allowed range of the effect.
    pub const fn range(self) -> (f64, f64) {
        match self {
            Target::InHouse => (0.0, 1.0),
            _ => (-1.0, 10.0),
        }
    }
}

/// The kinds of intervention and the effects each may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    /// Gatekeeping of care proceedings: fewer entries.
    Gatekeeping,
    /// Family Group Conferencing: fewer entries, more returns home.
    FamilyGroupConferencing,
    /// Special guardianship expansion: more exits to SGO.
    SgoExpansion,
    /// Family support workers: more returns home.
    FamilySupportWorkers,
    /// In-house foster carer recruitment: new IFA placements made in-house.
    InHouseFostering,
    /// Residential step-down: more moves out of homes and hostels.
    ResidentialStepDown,
    /// Placement officer: fewer new residential placements.
    PlacementOfficer,
}

impl InterventionKind {
    /// Every kind.
    pub const ALL: [InterventionKind; 7] = [
        InterventionKind::Gatekeeping,
        InterventionKind::FamilyGroupConferencing,
        InterventionKind::SgoExpansion,
        InterventionKind::FamilySupportWorkers,
        InterventionKind::InHouseFostering,
        InterventionKind::ResidentialStepDown,
        InterventionKind::PlacementOfficer,
    ];

    /// Key in scenario files.
    pub const fn key(self) -> &'static str {
        match self {
            InterventionKind::Gatekeeping => "gatekeeping",
            InterventionKind::FamilyGroupConferencing => "family_group_conferencing",
            InterventionKind::SgoExpansion => "sgo_expansion",
            InterventionKind::FamilySupportWorkers => "family_support_workers",
            InterventionKind::InHouseFostering => "in_house_fostering",
            InterventionKind::ResidentialStepDown => "residential_step_down",
            InterventionKind::PlacementOfficer => "placement_officer",
        }
    }

    /// The effects this kind may have.
    pub const fn targets(self) -> &'static [Target] {
        match self {
            InterventionKind::Gatekeeping => &[Target::Entries],
            InterventionKind::FamilyGroupConferencing => &[Target::Entries, Target::ReturnHome],
            InterventionKind::SgoExpansion => &[Target::Sgo],
            InterventionKind::FamilySupportWorkers => &[Target::ReturnHome],
            InterventionKind::InHouseFostering => &[Target::InHouse],
            InterventionKind::ResidentialStepDown => &[Target::StepDown],
            InterventionKind::PlacementOfficer => &[Target::Residential],
        }
    }
}

/// An intervention: rate multipliers from a start month, ramping to full effect.
#[derive(Debug, Clone, Serialize)]
pub struct Intervention {
    /// Identifier.
    pub id: String,
    /// Kind.
    pub kind: InterventionKind,
    /// The investment line paying for it.
    pub line: String,
    /// First month of effect, counted from 1 April of the first year (0).
    pub start_month: f64,
    /// Months to full effect.
    pub ramp_months: f64,
    /// Delay before the start, months.
    pub delay_months: Bounded,
    /// Effect at full strength for each target, `None` when not affected.
    pub effects: [Option<Bounded>; N_TARGETS],
}

/// A cap on a placement type from a month on.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Cap {
    /// The type capped.
    pub placement: Placement,
    /// Most children.
    pub count: f64,
    /// First month, from 1 April of the first year (0).
    pub from_month: usize,
    /// Where new placements go beyond the cap.
    pub overflow_to: Placement,
}

/// Entries into care.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Entries {
    /// The yearly rate of entries at the start of the first year (12 × April's
    /// expected entries), or `None` to calibrate to the growth rate.
    pub per_year: Option<f64>,
    /// Negative binomial size, `None` for Poisson.
    pub dispersion: Option<f64>,
    /// Share by age band (sums to 1).
    pub by_age: [f64; N_AGE_BANDS],
    /// Share by first placement (sums to 1).
    pub by_placement: ByPlacement<f64>,
    /// Share by first placement for the entries of each age band (each sums to 1).
    pub placement_by_age: [ByPlacement<f64>; N_AGE_BANDS],
}

/// The resolved `[stochastic]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Stochastic {
    /// Children in care on 1 April of the first year, by placement and age band.
    pub start: Grid,
    /// The do-nothing growth rate, drawn per path.
    pub growth: Bounded,
    /// Month (from 1 April of the first year) from which the stock grows.
    pub growth_from_month: usize,
    /// Entries.
    pub entries: Entries,
    /// Yearly exit rate per child for each route of [`RATE_ROUTES`], by placement.
    pub exit_rates: [ByPlacement<f64>; 5],
    /// Multiplier of the exit rates by age band.
    pub exit_age_factor: [f64; N_AGE_BANDS],
    /// How the opening census spreads over the months of age within each band.
    pub census_ages: AgeMonths,
    /// How entrants spread over the months of age within their band.
    pub entry_ages: AgeMonths,
    /// Yearly rate per child of a placement move, by origin.
    pub move_rate: ByPlacement<f64>,
    /// Destination weights of moves (all origins, as written in `moves.to`).
    pub move_to: ByPlacement<f64>,
    /// Destination weights of the moves out of each origin (`moves.from`, else `moves.to`).
    pub move_from: [ByPlacement<f64>; N_PLACEMENTS],
    /// Yearly allowance per child in each post-care pool, pounds.
    pub post_care_yearly: [f64; N_POOLS],
    /// One-off legal cost per SGO, pounds.
    pub sgo_legal_cost: f64,
    /// Interventions (empty in do-nothing scenarios).
    pub interventions: Vec<Intervention>,
    /// Caps.
    pub caps: Vec<Cap>,
    /// How uncertain the rates are.
    pub rate_uncertainty: RateUncertainty,
}

/// Coefficients of variation of the per-path rate multipliers (0 = known exactly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RateUncertainty {
    /// Of the level of entries.
    pub entries: f64,
    /// Years back to where the entry level is independent of growth (0: it is
    /// independent at the first forecast year).
    pub entries_pivot_years: f64,
    /// Of each placement type's exit rates.
    pub exits: ByPlacement<f64>,
    /// Of each placement type's move rate.
    pub moves: ByPlacement<f64>,
}

/// Largest coefficient of variation a rate multiplier may have.
pub const MAX_RATE_CV: f64 = 2.0;

/// Coefficients of variation below this count as 0 (the rate is known exactly).
pub const MIN_RATE_CV: f64 = 1e-6;

impl RateUncertainty {
    /// The multiplier with coefficient of variation `cv`: Gamma with mean 1, or
    /// `None` when `cv` is below [`MIN_RATE_CV`] (nothing to draw, so the path's
    /// streams are unchanged; a smaller CV would overflow the Gamma's shape).
    pub fn multiplier(cv: f64) -> Option<Bounded> {
        (cv >= MIN_RATE_CV).then(|| Bounded {
            dist: Dist::Gamma {
                shape: 1.0 / (cv * cv),
                scale: cv * cv,
            },
            lo: 0.0,
            hi: f64::INFINITY,
        })
    }
}

fn rate_uncertainty(c: &mut Checker, f: Option<&RateUncertaintyFile>) -> RateUncertainty {
    let Some(f) = f else {
        return RateUncertainty::default();
    };
    let cv = |c: &mut Checker, field: &str, v: f64| -> f64 {
        if v.is_finite() && (0.0..=MAX_RATE_CV).contains(&v) {
            v
        } else {
            c.push(
                field,
                format!("a coefficient of variation must be between 0 and {MAX_RATE_CV}, got {v}"),
            );
            0.0
        }
    };
    let table = |c: &mut Checker, name: &str, t: Option<&PlacementTableFile>| {
        let values = t.map(PlacementTableFile::values);
        ByPlacement::from_fn(|p| match values.as_ref().and_then(|v| v[p.index()]) {
            Some(v) => cv(
                c,
                &format!("stochastic.rate_uncertainty.{name}.{}", p.key()),
                v,
            ),
            None => 0.0,
        })
    };
    RateUncertainty {
        entries: f
            .entries
            .map_or(0.0, |v| cv(c, "stochastic.rate_uncertainty.entries", v)),
        entries_pivot_years: f.entries_pivot_years.map_or(0.0, |v| {
            if v.is_finite() && (0.0..=MAX_PIVOT_YEARS).contains(&v) {
                v
            } else {
                c.push(
                    "stochastic.rate_uncertainty.entries_pivot_years",
                    format!("a number of years between 0 and {MAX_PIVOT_YEARS}, got {v}"),
                );
                0.0
            }
        }),
        exits: table(c, "exits", f.exits.as_ref()),
        moves: table(c, "moves", f.moves.as_ref()),
    }
}

/// Longest pivot of the entry level a scenario may give, in years.
pub const MAX_PIVOT_YEARS: f64 = 30.0;

// ---------------------------------------------------------------- checks

/// Largest-remainder split of a whole `total` in proportion to `weights`.
pub fn apportion(total: f64, weights: &[f64], out: &mut [f64]) {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || total <= 0.0 {
        out.iter_mut().for_each(|o| *o = 0.0);
        return;
    }
    let mut rema: Vec<(usize, f64)> = Vec::with_capacity(weights.len());
    let mut given = 0.0;
    for (i, w) in weights.iter().enumerate() {
        let exact = total * w / sum;
        out[i] = exact.floor();
        given += out[i];
        rema.push((i, exact - out[i]));
    }
    rema.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut left = (total - given).round() as usize;
    for (i, _) in rema {
        if left == 0 {
            break;
        }
        out[i] += 1.0;
        left -= 1;
    }
}

fn check_dist(c: &mut Checker, field: &str, d: &DistFile, lo: f64, hi: f64, what: &str) -> Bounded {
    let t = &d.0;
    let need = |c: &mut Checker, name: &str, v: Option<f64>| -> f64 {
        match v {
            Some(x) if x.is_finite() => x,
            Some(x) => {
                c.push(
                    &format!("{field}.{name}"),
                    format!("must be a number, got {x}"),
                );
                0.0
            }
            None => {
                c.push(field, format!("a `{}` distribution needs `{name}`", t.dist));
                0.0
            }
        }
    };
    let within = |c: &mut Checker, name: &str, v: f64| {
        if v < lo || v > hi {
            c.push(
                &format!("{field}.{name}"),
                format!("{what} must be between {lo} and {hi}, got {v}"),
            );
        }
    };
    let ordered = |c: &mut Checker, min: f64, max: f64| {
        if min > max {
            c.push(
                field,
                format!("min ({min}) is greater than max ({max}); give min <= max"),
            );
        }
    };
    let dist = match t.dist.as_str() {
        "fixed" => {
            let value = need(c, "value", t.value);
            within(c, "value", value);
            Dist::Fixed { value }
        }
        "uniform" => {
            let (min, max) = (need(c, "min", t.min), need(c, "max", t.max));
            ordered(c, min, max);
            within(c, "min", min);
            within(c, "max", max);
            Dist::Uniform { min, max }
        }
        "triangular" | "pert" => {
            let (min, mode, max) = (
                need(c, "min", t.min),
                need(c, "mode", t.mode),
                need(c, "max", t.max),
            );
            ordered(c, min, max);
            if mode < min || mode > max {
                c.push(
                    &format!("{field}.mode"),
                    format!("the mode ({mode}) must lie between min ({min}) and max ({max})"),
                );
            }
            within(c, "min", min);
            within(c, "max", max);
            if t.dist == "pert" && min == max {
                Dist::Fixed { value: min }
            } else if t.dist == "pert" {
                Dist::Pert { min, mode, max }
            } else {
                Dist::Triangular { min, mode, max }
            }
        }
        "normal" => {
            let (mean, sd) = (need(c, "mean", t.mean), need(c, "sd", t.sd));
            if sd < 0.0 {
                c.push(
                    &format!("{field}.sd"),
                    format!("a standard deviation must be 0 or more, got {sd}"),
                );
            }
            within(c, "mean", mean);
            Dist::Normal { mean, sd }
        }
        "beta" => {
            let (alpha, beta) = (need(c, "alpha", t.alpha), need(c, "beta", t.beta));
            for (name, v) in [("alpha", alpha), ("beta", beta)] {
                if v <= 0.0 {
                    c.push(
                        &format!("{field}.{name}"),
                        format!("a beta shape must be greater than 0, got {v}"),
                    );
                }
            }
            let min = t.min.unwrap_or(0.0);
            let max = t.max.unwrap_or(1.0);
            ordered(c, min, max);
            within(c, "min", min);
            within(c, "max", max);
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            }
        }
        other => {
            c.push(
                &format!("{field}.dist"),
                format!("unknown distribution `{other}`; allowed: fixed, uniform, triangular, normal, pert, beta"),
            );
            Dist::Fixed {
                value: lo.max(0.0).min(hi),
            }
        }
    };
    let allowed: &[&str] = match t.dist.as_str() {
        "fixed" => &["value"],
        "uniform" => &["min", "max"],
        "triangular" | "pert" => &["min", "mode", "max"],
        "normal" => &["mean", "sd"],
        "beta" => &["alpha", "beta", "min", "max"],
        _ => &[],
    };
    for (name, v) in [
        ("value", t.value),
        ("min", t.min),
        ("mode", t.mode),
        ("max", t.max),
        ("mean", t.mean),
        ("sd", t.sd),
        ("alpha", t.alpha),
        ("beta", t.beta),
    ] {
        if v.is_some() && !allowed.is_empty() && !allowed.contains(&name) {
            c.push(
                &format!("{field}.{name}"),
                format!(
                    "a `{}` distribution does not take `{name}`; it takes {}",
                    t.dist,
                    allowed.join(", ")
                ),
            );
        }
    }
    Bounded { dist, lo, hi }
}

/// Shares given for every key (each a probability, checked where it was read)
/// that add up to 1.
fn shares<const N: usize>(
    c: &mut Checker,
    field: &str,
    values: [Option<f64>; N],
    keys: &[&str],
) -> [f64; N] {
    let mut out = [0.0; N];
    let all_valid = !c.refused_within(field);
    for i in 0..N {
        let f = format!("{field}.{}", keys[i]);
        match values[i] {
            Some(v) => out[i] = v,
            None => c.push(
                &f,
                format!("missing: give a share for every key ({})", keys.join(", ")),
            ),
        }
    }
    let sum: f64 = out.iter().sum();
    if all_valid && (sum - 1.0).abs() > 1e-6 && values.iter().all(Option::is_some) {
        c.push(
            field,
            format!("the shares add up to {sum} but must add up to 1"),
        );
    }
    out
}

/// Month index (0 = April of the first year) of a "YYYY-MM" label.
fn month_index(c: &mut Checker, field: &str, s: &str, first: FinancialYear) -> f64 {
    let parsed = s
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<i32>().ok()?)))
        .filter(|&(y, m)| (1..=12).contains(&m) && (1900..=2200).contains(&y) && s.len() == 7);
    match parsed {
        Some((y, m)) => {
            let idx = (y - first.start_year()) * 12 + (m - 4);
            if idx < 0 {
                c.push(
                    field,
                    format!(
                        "`{s}` is before the scenario starts (April {}); give a month from {}-04 on",
                        first.start_year(),
                        first.start_year()
                    ),
                );
                0.0
            } else {
                idx as f64
            }
        }
        None => {
            c.push(
                field,
                format!("`{s}` is not a month: write it like \"2020-01\" (YYYY-MM)"),
            );
            0.0
        }
    }
}

/// Destination weights by origin: `[stochastic.moves.from.<origin>]` where given,
/// otherwise the all-origins `to`. An origin that has moves needs a positive
/// weight on some other type, or its moves would have nowhere to go.
fn moves_from(
    c: &mut Checker,
    from: Option<&PlacementTableFile<PlacementTableFile<Weight>>>,
    to: &ByPlacement<f64>,
    rate: &ByPlacement<f64>,
) -> [ByPlacement<f64>; N_PLACEMENTS] {
    let rows = from.map(PlacementTableFile::rows);
    std::array::from_fn(|o| {
        let origin = Placement::ALL[o];
        let Some(Some(row)) = rows.map(|r| r[o]) else {
            if rate[origin] > 0.0 && to.total() > 0.0 && to.total() - to[origin] <= 0.0 {
                c.push(
                    "stochastic.moves.to",
                    format!(
                        "moves out of {} (moves.rate.{} = {}) have nowhere to go: give another type a weight above 0, or [stochastic.moves.from.{}]",
                        origin.key(),
                        origin.key(),
                        rate[origin],
                        origin.key()
                    ),
                );
            }
            return *to;
        };
        let field = format!("stochastic.moves.from.{}", origin.key());
        let weights = c.placements(&field, row, "a destination weight");
        let elsewhere = weights.total() - weights[origin];
        if rate[origin] > 0.0 && elsewhere <= 0.0 {
            c.push(
                &field,
                format!(
                    "moves out of {} (moves.rate.{} = {}) need a weight above 0 on another placement type",
                    origin.key(),
                    origin.key(),
                    rate[origin]
                ),
            );
        }
        weights
    })
}

/// The starting grid from `[stochastic.start_children]` (a missing type or band is 0).
pub(super) fn start_children(f: &PlacementTableFile<AgeTableFile<Count>>) -> Grid {
    let mut grid: Grid = [[0.0; N_AGE_BANDS]; N_PLACEMENTS];
    for (p, row) in f.rows().into_iter().enumerate() {
        let Some(row) = row else { continue };
        for (a, v) in row.values().into_iter().enumerate() {
            grid[p][a] = v.unwrap_or(0.0);
        }
    }
    grid
}

/// Shares of each band's children by month of age (each band's months sum
/// to 1), indexed by age in completed months (0 to 215).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AgeMonths(#[serde(with = "serde_big_array")] pub [f64; AGE_MONTHS]);

mod serde_big_array {
    use serde::Serializer;
    pub fn serialize<S: Serializer>(v: &[f64; super::AGE_MONTHS], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter())
    }
}

impl AgeMonths {
    /// Every band spread evenly over its months.
    pub fn even() -> AgeMonths {
        let mut m = [0.0; AGE_MONTHS];
        for b in AgeBand::ALL {
            let w = b.width_months();
            m[b.first_month()..b.end_month()].fill(1.0 / w as f64);
        }
        AgeMonths(m)
    }

    /// The shares of `band`'s months, youngest first (they sum to 1).
    pub fn band(&self, band: AgeBand) -> &[f64] {
        &self.0[band.first_month()..band.end_month()]
    }
}

/// Within-band age shares from `[stochastic.ages.census]` or `.entries`: a
/// list per band of one share per year or per month of the band.
fn age_months(c: &mut Checker, field: &str, f: Option<&AgeTableFile<Vec<Share>>>) -> AgeMonths {
    let mut out = AgeMonths::even();
    let Some(t) = f else { return out };
    for (b, v) in AgeBand::ALL.into_iter().zip(t.bands()) {
        let Some(v) = v else { continue };
        let fld = format!("{field}.{}", b.key());
        let (years, months) = (b.width_years() as usize, b.width_months());
        if v.len() != years && v.len() != months {
            c.push(
                &fld,
                format!(
                    "give {years} shares (one per year of age from {} to {}) or {months} (one per month of age), youngest first; got {}",
                    b.min_age(),
                    b.end_age() - 1,
                    v.len()
                ),
            );
            continue;
        }
        if c.refused_within(&fld) {
            continue;
        }
        let v: Vec<f64> = v.iter().map(|x| x.get()).collect();
        let sum: f64 = v.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            c.push(
                &fld,
                format!("the shares add up to {sum} but must add up to 1"),
            );
            continue;
        }
        let per = months / v.len();
        let dst = &mut out.0[b.first_month()..b.end_month()];
        for (i, d) in dst.iter_mut().enumerate() {
            // A year's share spreads evenly over its twelve months.
            *d = v[i / per] / sum / per as f64;
        }
    }
    out
}

/// The scenario context the checks need.
pub(super) struct Context<'a> {
    /// Today's children by placement.
    pub cohort: &'a ByPlacement<f64>,
    /// The do-nothing start and growth rate.
    pub do_nothing: &'a super::DoNothing,
    /// First year.
    pub first: FinancialYear,
    /// Every investment line.
    pub lines: Vec<&'a MoneyLine>,
}

/// Checks `[stochastic]` and resolves it, pushing every problem to `c`.
pub(super) fn resolve(c: &mut Checker, f: &StochasticFile, cx: &Context) -> Stochastic {
    let age_keys = AgeBand::ALL.map(AgeBand::key);
    let start_total = match f.start_total {
        Some(v) => v.get(),
        None => cx.do_nothing.start_total.round(),
    };
    let growth_from_month = match f.growth_from {
        Some(y) if y.start_year() < cx.first.start_year() => {
            c.push(
                "stochastic.growth_from",
                format!(
                    "is {y}, before the first year {}; give a financial year from {} on",
                    cx.first, cx.first
                ),
            );
            0
        }
        Some(y) => 12 * (y.start_year() - cx.first.start_year()) as usize,
        None => 0,
    };
    let start = match (&f.start_children, &f.start_by_age) {
        (Some(rows), by_age) => {
            if by_age.is_some() || f.start_total.is_some() {
                c.push(
                    "stochastic.start_children",
                    "give either start_children, or start_total and start_by_age, not both",
                );
            }
            start_children(rows)
        }
        (None, Some(by_age)) => {
            let start_by_age = shares(c, "stochastic.start_by_age", by_age.values(), &age_keys);
            let mut by_type = [0.0; N_PLACEMENTS];
            apportion(start_total, &cx.cohort.0, &mut by_type);
            let mut start: Grid = [[0.0; N_AGE_BANDS]; N_PLACEMENTS];
            for p in 0..N_PLACEMENTS {
                apportion(by_type[p], &start_by_age, &mut start[p]);
            }
            start
        }
        (None, None) => {
            c.push(
                "stochastic.start_by_age",
                format!(
                    "missing: give the share of starting children in each age band ({}), or [stochastic.start_children]",
                    age_keys.join(", ")
                ),
            );
            [[0.0; N_AGE_BANDS]; N_PLACEMENTS]
        }
    };

    let growth = match &f.growth {
        Some(d) => check_dist(c, "stochastic.growth", d, -0.5, 1.0, "a yearly growth rate"),
        None => Bounded {
            dist: Dist::Fixed {
                value: cx.do_nothing.growth_rate,
            },
            lo: -0.5,
            hi: 1.0,
        },
    };

    let ages = f.ages.clone().unwrap_or_default();
    let e = &f.entries;
    if let Some(v) = e.per_year
        && (!v.is_finite() || v < 0.0)
    {
        c.push(
            "stochastic.entries.per_year",
            format!("expected entries must be 0 or more, got {v}"),
        );
    }
    if let Some(k) = e.dispersion
        && (!k.is_finite() || k <= 0.0)
    {
        c.push(
            "stochastic.entries.dispersion",
            format!("the negative binomial size must be greater than 0 (leave it out for Poisson entries), got {k}"),
        );
    }
    let mut entries = Entries {
        per_year: e.per_year,
        dispersion: e.dispersion,
        by_age: shares(c, "stochastic.entries.by_age", e.by_age.values(), &age_keys),
        by_placement: ByPlacement(shares(
            c,
            "stochastic.entries.by_placement",
            e.by_placement.values(),
            &Placement::ALL.map(Placement::key),
        )),
        placement_by_age: [ByPlacement([0.0; N_PLACEMENTS]); N_AGE_BANDS],
    };
    for (a, band) in entries.placement_by_age.iter_mut().enumerate() {
        let given = e
            .by_age_placement
            .as_ref()
            .and_then(|t| t.bands()[a].as_ref());
        *band = match given {
            Some(t) => ByPlacement(shares(
                c,
                &format!("stochastic.entries.by_age_placement.{}", age_keys[a]),
                t.values(),
                &Placement::ALL.map(Placement::key),
            )),
            None => entries.by_placement,
        };
    }

    let x = &f.exits;
    let tables = [
        &x.return_home,
        &x.adoption,
        &x.sgo,
        &x.child_arrangement,
        &x.other,
    ];
    let exit_rates: [ByPlacement<f64>; 5] = std::array::from_fn(|i| {
        c.placements(
            &format!("stochastic.exits.{}", RATE_ROUTES[i].key()),
            tables[i],
            "a yearly exit rate",
        )
    });
    let exit_age_factor = match &x.age_factor {
        None => [1.0; N_AGE_BANDS],
        Some(t) => {
            let v = t.values();
            std::array::from_fn(|a| {
                let f = format!("stochastic.exits.age_factor.{}", age_keys[a]);
                match v[a] {
                    Some(x) if x.is_finite() && (0.0..=20.0).contains(&x) => x,
                    Some(x) => {
                        c.push(
                            &f,
                            format!("an age factor must be between 0 and 20, got {x}"),
                        );
                        1.0
                    }
                    None => {
                        c.push(
                            &f,
                            format!(
                                "missing: give a factor for every age band ({})",
                                age_keys.join(", ")
                            ),
                        );
                        1.0
                    }
                }
            })
        }
    };
    let move_rate = c.placements("stochastic.moves.rate", &f.moves.rate, "a yearly move rate");
    let move_to = c.placements("stochastic.moves.to", &f.moves.to, "a destination weight");
    if move_to.total() <= 0.0 && move_rate.total() > 0.0 {
        c.push(
            "stochastic.moves.to",
            "at least one destination weight must be above 0",
        );
    }
    let move_from = moves_from(c, f.moves.from.as_ref(), &move_to, &move_rate);

    let pc = &f.post_care;
    let post_care_yearly = [
        pc.sgo_allowance.get(),
        pc.child_arrangement_allowance.get(),
        pc.adoption_support.get(),
    ];
    let sgo_legal_cost = pc.sgo_legal_cost.get();

    if f.interventions.len() > MAX_INTERVENTIONS {
        c.push(
            "stochastic.interventions",
            format!(
                "has {} interventions; at most {MAX_INTERVENTIONS} are allowed",
                f.interventions.len()
            ),
        );
    }
    let line_ids: Vec<&str> = cx.lines.iter().map(|l| l.id.as_str()).collect();
    let known_lines = if line_ids.is_empty() {
        "the scenario has no investment lines".to_string()
    } else {
        format!("known lines: {}", line_ids.join(", "))
    };
    let mut ids: Vec<&str> = Vec::new();
    let interventions = f
        .interventions
        .iter()
        .take(MAX_INTERVENTIONS)
        .enumerate()
        .map(|(i, iv)| {
            let fld = format!("stochastic.interventions[{i}]");
            if ids.contains(&iv.id.as_str()) {
                c.push(&format!("{fld}.id"), format!("id `{}` is used twice", iv.id));
            }
            ids.push(&iv.id);
            let kind = InterventionKind::ALL.into_iter().find(|k| k.key() == iv.kind);
            if kind.is_none() {
                c.push(
                    &format!("{fld}.kind"),
                    format!(
                        "unknown intervention kind `{}`; allowed: {}",
                        iv.kind,
                        InterventionKind::ALL.map(InterventionKind::key).join(", ")
                    ),
                );
            }
            let kind_known = kind.is_some();
            let kind = kind.unwrap_or(InterventionKind::Gatekeeping);
            if !line_ids.contains(&iv.line.as_str()) {
                c.push(
                    &format!("{fld}.line"),
                    format!("unknown investment line `{}`: an intervention must name the line that pays for it; {known_lines}", iv.line),
                );
            }
            let start_month = month_index(c, &format!("{fld}.start"), &iv.start, cx.first);
            if !iv.ramp_months.is_finite() || !(0.0..=240.0).contains(&iv.ramp_months) {
                c.push(
                    &format!("{fld}.ramp_months"),
                    format!("must be between 0 and 240 months, got {}", iv.ramp_months),
                );
            }
            let delay_months = match &iv.delay_months {
                Some(d) => check_dist(c, &format!("{fld}.delay_months"), d, 0.0, 240.0, "a delay in months"),
                None => Bounded { dist: Dist::Fixed { value: 0.0 }, lo: 0.0, hi: 240.0 },
            };
            let ef = &iv.effects;
            let given = [&ef.entries, &ef.return_home, &ef.sgo, &ef.step_down, &ef.residential, &ef.in_house];
            let effects: [Option<Bounded>; N_TARGETS] = std::array::from_fn(|t| {
                let target = Target::ALL[t];
                let d = given[t].as_ref()?;
                let ef_field = format!("{fld}.effects.{}", target.key());
                if kind_known && !kind.targets().contains(&target) {
                    c.push(
                        &ef_field,
                        format!(
                            "a `{}` intervention has no `{}` effect; it takes {}",
                            kind.key(),
                            target.key(),
                            kind.targets().iter().map(|t| t.key()).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
                let (lo, hi) = target.range();
                let what = if target == Target::InHouse {
                    "a share (probability)"
                } else {
                    "a relative change of a rate"
                };
                Some(check_dist(c, &ef_field, d, lo, hi, what))
            });
            if kind_known && effects.iter().all(Option::is_none) {
                c.push(
                    &format!("{fld}.effects"),
                    format!(
                        "give at least one effect; a `{}` intervention takes {}",
                        kind.key(),
                        kind.targets().iter().map(|t| t.key()).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            Intervention {
                id: iv.id.clone(),
                kind,
                line: iv.line.clone(),
                start_month,
                ramp_months: iv.ramp_months,
                delay_months,
                effects,
            }
        })
        .collect();

    let caps = f
        .caps
        .iter()
        .enumerate()
        .filter_map(|(i, cf)| {
            let fld = format!("stochastic.caps[{i}]");
            let placement = c.placement_key(&format!("{fld}.placement"), &cf.placement);
            let overflow_to = c.placement_key(&format!("{fld}.overflow_to"), &cf.overflow_to);
            if placement.is_some() && placement == overflow_to {
                c.push(
                    &format!("{fld}.overflow_to"),
                    "must name a different placement type from the one capped",
                );
            }
            if let Some(l) = &cf.line
                && !line_ids.contains(&l.as_str())
            {
                c.push(
                    &format!("{fld}.line"),
                    format!("unknown investment line `{l}`; {known_lines}"),
                );
            }
            let from_month = month_index(c, &format!("{fld}.from"), &cf.from, cx.first) as usize;
            Some(Cap {
                placement: placement?,
                count: cf.count.get(),
                from_month,
                overflow_to: overflow_to?,
            })
        })
        .collect();

    let rate_uncertainty = rate_uncertainty(c, f.rate_uncertainty.as_ref());
    let rate_uncertainty = pivot_checked(c, rate_uncertainty, &growth, e.per_year.is_some());
    Stochastic {
        start,
        growth,
        growth_from_month,
        entries,
        exit_rates,
        exit_age_factor,
        census_ages: age_months(c, "stochastic.ages.census", ages.census.as_ref()),
        entry_ages: age_months(c, "stochastic.ages.entries", ages.entries.as_ref()),
        move_rate,
        move_to,
        move_from,
        post_care_yearly,
        sgo_legal_cost,
        interventions,
        caps,
        rate_uncertainty,
    }
}

/// Most the pivot may spread the entry level between the slowest- and the
/// fastest-growing paths.
pub const MAX_PIVOT_SPREAD: f64 = 10.0;

/// The pivot needs a given entry level (`entries.per_year`), since without one
/// entries are calibrated to each path's growth already, and must not make the
/// level vary more than [`MAX_PIVOT_SPREAD`]-fold across the growth range.
fn pivot_checked(
    c: &mut Checker,
    mut ru: RateUncertainty,
    growth: &Bounded,
    per_year: bool,
) -> RateUncertainty {
    let pivot = ru.entries_pivot_years;
    if pivot == 0.0 {
        return ru;
    }
    let field = "stochastic.rate_uncertainty.entries_pivot_years";
    if !per_year {
        c.push(
            field,
            "needs stochastic.entries.per_year: without it entries are calibrated to each path's growth already, and a pivot would count growth twice",
        );
        ru.entries_pivot_years = 0.0;
        return ru;
    }
    let (lo, hi) = growth.support();
    let spread = ((1.0 + hi) / (1.0 + lo)).powf(pivot);
    if spread.is_nan() || spread > MAX_PIVOT_SPREAD {
        let fold = if spread < 1e6 {
            format!("{spread:.0}")
        } else {
            format!("{spread:.1e}")
        };
        c.push(
            field,
            format!(
                "with growth from {lo:.3} to {hi:.3}, a pivot of {pivot} years makes the entry level vary {fold}-fold between the slowest- and fastest-growing paths; at most {MAX_PIVOT_SPREAD:.0}-fold: shorten the pivot or narrow the growth distribution"
            ),
        );
        ru.entries_pivot_years = 0.0;
    }
    ru
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_keeps_the_total() {
        let mut out = [0.0; 3];
        apportion(10.0, &[1.0, 1.0, 1.0], &mut out);
        assert_eq!(out.iter().sum::<f64>(), 10.0);
        assert_eq!(out, [4.0, 3.0, 3.0]);
    }

    #[test]
    fn dist_means() {
        assert_eq!(
            Dist::Triangular {
                min: 0.0,
                mode: 3.0,
                max: 6.0
            }
            .mean(),
            3.0
        );
        assert_eq!(
            Dist::Pert {
                min: 0.0,
                mode: 0.0,
                max: 6.0
            }
            .mean(),
            1.0
        );
    }
}
