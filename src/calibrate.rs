//! From estimates to a scenario: turns what `ssda903::estimate` measured (rates,
//! shares, growth, the 31 March census) into the text of a scenario file the
//! Monte Carlo engine runs directly.
//!
//! Rates go in as posterior means, with their coefficients of variation as
//! `rate_uncertainty`; growth goes in as a normal distribution with the fitted
//! standard error (widened for over-dispersion), so each path draws its own
//! growth and rates and the uncertainty of the estimates flows into the bands.
//! Monthly entries that vary more than Poisson get a negative binomial size. Unit costs are not in SSDA903:
//! they come from a costs file or are written as clearly marked defaults.
//!
//! The scenario is built as a [`ScenarioFile`] value ([`calibrated`]) and
//! written through serde, with comments for the analyst added to its tables
//! ([`write`]); no TOML is written by hand.

use crate::age::{AgeBand, N_AGE_BANDS};
use crate::placement::{N_PLACEMENTS, Placement};
use crate::scenario::CostSource;
use crate::scenario::file::{
    AuthorityFile, CohortFile, DoNothingFile, PlacementTableFile, RoundingFile, SavingsFile,
    ScenarioFile, ScenarioUnitCostsFile, YearsFile,
};
use crate::scenario::stochastic::{
    AgeTableFile, AgesFile, DistFile, DistTable, EntriesFile, ExitsFile, MovesFile, PostCareFile,
    RateUncertaintyFile, StochasticFile,
};
use crate::scenario::uasc::UascFile;
use crate::scenario::values::{Count, GrowthRate, PerYear, Pounds, Rate, Share, Weight};
use crate::ssda903::ExitRoute;
use crate::ssda903::estimate::Estimates;
use crate::ssda903::occupancy::{AgeCounts, Census, PeriodCounts, UascFit};
use crate::year::FinancialYear;
use std::collections::BTreeMap;

pub use crate::costs_file::CostsFile;

/// Unit costs written when the council gives none: Staffordshire 2019 (Appendix 4).
pub const DEFAULT_COSTS: [(Placement, f64); 10] = [
    (Placement::RelativeFriendFoster, 18890.0),
    (Placement::InHouseFoster, 18890.0),
    (Placement::Ifa, 39613.0),
    (Placement::HomesHostels, 172316.0),
    (Placement::PlacedWithParents, 0.0),
    (Placement::PlacedForAdoption, 0.0),
    (Placement::IndependentLiving, 42037.0),
    (Placement::ResidentialSchool, 172316.0),
    (Placement::MotherBaby, 57610.0),
    (Placement::Other, 172316.0),
];

/// What the written scenario is for.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// Council name for titles.
    pub authority: &'a str,
    /// Where the data came from, for provenance.
    pub source: &'a str,
    /// First forecast year (the year after the last fitted one).
    pub first_year: FinancialYear,
    /// Number of forecast years.
    pub years: usize,
    /// Unit costs, if the council gave them.
    pub costs: Option<&'a CostsFile>,
    /// What the data says about each age band, when it was measured.
    pub bands: Option<BandRates>,
    /// The UASC of the census and the fitted years, when the returns tell
    /// them apart (written as `[uasc]`).
    pub uasc: Option<UascFit>,
}

/// Rates that differ by age band, measured from the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRates {
    /// Entries of the fitted years by age in completed months at entry.
    pub entry_ages: AgeCounts,
    /// Exit rate before 18 in each band over the rate the placement mix alone predicts.
    pub exit_age_factor: [f64; N_AGE_BANDS],
    /// First-placement shares of the entries in each band.
    pub entry_placement: [[f64; N_PLACEMENTS]; N_AGE_BANDS],
}

/// Measures [`BandRates`] from the summed counts of the fitted years.
///
/// Ageing needs no rate: the engine ages children exactly, so only where in
/// their band children enter care is measured (their ages at entry). Exit
/// factors: exits before 18 in a band over what the placement types' pooled
/// hazards predict for that band's placement mix. Entry mixes: Dirichlet
/// posterior means with the all-ages mix as a prior of weight 1, so a band with
/// few entries falls back towards it.
pub fn band_rates(total: &PeriodCounts, est: &Estimates) -> BandRates {
    let months = |a: usize| -> f64 { total.exposure.iter().map(|row| row[a]).sum() };
    let exit_age_factor = std::array::from_fn(|a| {
        let exposure = months(a);
        let observed: u32 = total.exits_by_band.iter().map(|row| row[a]).sum();
        let expected: f64 = Placement::ALL
            .iter()
            .map(|p| total.exposure[p.index()][a] * est.exit_hazard.get(p).map_or(0.0, |r| r.mean))
            .sum();
        if exposure <= 0.0 || expected <= 0.0 {
            1.0
        } else {
            (f64::from(observed) / expected).clamp(0.0, 20.0)
        }
    });
    let pooled = Placement::ALL.map(|p| est.first_placement_mix.get(&p).map_or(0.0, |x| x.mean));
    let entry_placement = std::array::from_fn(|a| {
        let n: f64 = total.entries[a].iter().map(|&k| f64::from(k)).sum();
        std::array::from_fn(|p| (f64::from(total.entries[a][p]) + pooled[p]) / (n + 1.0))
    });
    BandRates {
        entry_ages: total.entry_ages,
        exit_age_factor,
        entry_placement,
    }
}

/// Which of the engine's exit routes an SSDA903 route feeds (leaving at 18 is ageing out).
fn engine_route(r: ExitRoute) -> Option<&'static str> {
    match r {
        ExitRoute::ReturnHome => Some("return_home"),
        ExitRoute::Adoption => Some("adoption"),
        ExitRoute::SpecialGuardianship => Some("sgo"),
        ExitRoute::ChildArrangementsOrder => Some("child_arrangement"),
        ExitRoute::LivingWithRelatives
        | ExitRoute::Transferred
        | ExitRoute::Other
        | ExitRoute::CeasedOther
        | ExitRoute::Independence => Some("other"),
    }
}

/// A number as written: rounded to 6 decimals (and never -0).
fn r6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6 + 0.0
}

/// Shares that sum to exactly 1 after rounding (the largest absorbs the rounding).
fn shares(raw: &[f64]) -> Vec<f64> {
    let total: f64 = raw.iter().sum();
    if total <= 0.0 {
        let mut v = vec![0.0; raw.len()];
        v[0] = 1.0;
        return v;
    }
    let mut v: Vec<f64> = raw
        .iter()
        .map(|x| (x / total * 1e6).round() / 1e6)
        .collect();
    let diff = 1.0 - v.iter().sum::<f64>();
    if let Some(i) = (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b])) {
        v[i] = ((v[i] + diff) * 1e6).round() / 1e6;
    }
    v
}

/// Destination shares of the moves out of `origin`: observed moves plus the
/// all-origins shares `pooled` (without the origin itself) as a prior of weight 1.
fn moves_from(est: &Estimates, origin: Placement, pooled: &[f64]) -> Vec<f64> {
    let mut prior = pooled.to_vec();
    prior[origin.index()] = 0.0;
    if prior.iter().sum::<f64>() <= 0.0 {
        // No moves seen anywhere else: an even prior over the other types.
        prior = Placement::ALL
            .map(|d| if d == origin { 0.0 } else { 1.0 })
            .to_vec();
    }
    let prior = shares(&prior);
    let observed = est.move_destinations.get(&origin);
    shares(&Placement::ALL.map(|d| {
        let n = observed
            .and_then(|m| m.get(&d))
            .map_or(0.0, |x| f64::from(x.count));
        if d == origin {
            0.0
        } else {
            n + prior[d.index()]
        }
    }))
}

/// The longest pivot the written growth distribution allows (validation bounds
/// how far the pivot may spread the entry level), a little inside the bound so
/// rounding in the file cannot cross it.
fn longest_pivot(g: &crate::ssda903::estimate::Growth) -> f64 {
    use crate::scenario::stochastic::{Bounded, Dist, MAX_PIVOT_SPREAD, MAX_PIVOT_YEARS};
    let growth = Bounded {
        dist: Dist::Normal {
            mean: g.rate,
            sd: growth_sd(g),
        },
        lo: -0.5,
        hi: 1.0,
    };
    let (lo, hi) = growth.support();
    let per_year = ((1.0 + hi) / (1.0 + lo)).ln();
    if per_year > 0.0 {
        (0.999 * MAX_PIVOT_SPREAD.ln() / per_year).min(MAX_PIVOT_YEARS)
    } else {
        MAX_PIVOT_YEARS
    }
}

/// The growth rate's standard deviation: d(rate)/d(slope) = exp(slope), so the
/// rate's standard error is the slope's times (1 + rate).
fn growth_sd(g: &crate::ssda903::estimate::Growth) -> f64 {
    g.log_slope_se * (1.0 + g.rate)
}

/// `[stochastic.rate_uncertainty]`: the coefficient of variation of each
/// estimated rate, so each path draws its own rates and the bands carry what the
/// data cannot pin down. Gamma(events + 1/2) posteriors have CV `1/√(events + 1/2)`;
/// the entry level's is the standard error of the fitted log entries at the
/// fit's centre, where level and trend are uncorrelated, with the years from
/// there to the forecast as `entries_pivot_years` so each path's growth carries
/// its level with it (or of the mean rate, without a trend).
fn rate_uncertainty(est: &Estimates) -> RateUncertaintyFile {
    let cv = |r: Option<&crate::ssda903::estimate::RateEstimate>| {
        r.map_or(0.0, |r| 1.0 / (r.events + 0.5).sqrt())
    };
    let (entries, pivot) = match est.entry_growth {
        Some(g) => (g.log_pivot_se, g.pivot_years.min(longest_pivot(&g))),
        None => (cv(est.entries_per_month.as_ref()), 0.0),
    };
    let table = |hazards: &BTreeMap<Placement, crate::ssda903::estimate::RateEstimate>| {
        placements(|p| r6(cv(hazards.get(&p))))
    };
    RateUncertaintyFile {
        entries: Some(r6(entries)),
        entries_pivot_years: Some(r6(pivot)),
        exits: Some(table(&est.exit_hazard)),
        moves: Some(table(&est.move_hazard)),
    }
}

/// A table with a value for every placement type.
fn placements<T>(mut f: impl FnMut(Placement) -> T) -> PlacementTableFile<T> {
    PlacementTableFile::from_values(Placement::ALL.map(|p| Some(f(p))))
}

/// A table with a value for every age band.
fn bands<T>(mut f: impl FnMut(AgeBand) -> T) -> AgeTableFile<T> {
    AgeTableFile::from_values(AgeBand::ALL.map(|a| Some(f(a))))
}

/// Shares (rounded by [`shares`]) as a table by placement type.
fn share_table(raw: &[f64; N_PLACEMENTS]) -> PlacementTableFile<Share> {
    let v = shares(raw);
    placements(|p| Share::saturating(v[p.index()]))
}

/// Shares of a band's `counts` over its `per`-month steps of age (months or
/// years), youngest first, with an even prior of total weight `prior`; `None`
/// when the band is empty and there is no prior.
fn within_band(counts: &AgeCounts, band: AgeBand, per: usize, prior: f64) -> Option<Vec<f64>> {
    let cells = &counts[band.first_month()..band.end_month()];
    let steps: Vec<f64> = cells
        .chunks(per)
        .map(|c| f64::from(c.iter().sum::<u32>()))
        .collect();
    let n: f64 = steps.iter().sum();
    if n + prior <= 0.0 {
        return None;
    }
    let k = steps.len() as f64;
    Some(shares(
        &steps.iter().map(|x| x + prior / k).collect::<Vec<_>>(),
    ))
}

/// `[stochastic.ages]`: the census's own ages, by month of age within each band
/// (the engine places its children accordingly); entries by month of age for
/// babies (many enter at birth) and by year of age otherwise, with an even
/// prior of weight 1 so a band with few entries is spread nearly evenly. `None`
/// when there is neither.
fn ages(census: &AgeCounts, entries: Option<&AgeCounts>) -> Option<AgesFile> {
    let as_shares = |v: Vec<f64>| v.into_iter().map(Share::saturating).collect::<Vec<_>>();
    let census = AgeTableFile::from_values(
        AgeBand::ALL.map(|b| within_band(census, b, 1, 0.0).map(as_shares)),
    );
    let census = (!census.is_empty()).then_some(census);
    let entries = entries.map(|e| {
        AgeTableFile::from_values(AgeBand::ALL.map(|b| {
            let per = if b == AgeBand::Under1 { 1 } else { 12 };
            within_band(e, b, per, 1.0).map(as_shares)
        }))
    });
    (census.is_some() || entries.is_some()).then_some(AgesFile { census, entries })
}

/// What the comments of a calibrated scenario say that its values do not:
/// where the data came from and what the fit found.
#[derive(Debug, Clone, PartialEq)]
pub struct Notes {
    /// Where the returns came from (a folder, an upload).
    pub data: String,
    /// First fitted collection year.
    pub from: FinancialYear,
    /// Last fitted collection year.
    pub to: FinancialYear,
    /// The calendar year of the census's 31 March.
    pub census_march: i32,
    /// The fitted growth rate's 95% interval, when there were years enough for a trend.
    pub growth_interval: Option<(f64, f64)>,
    /// Whether the post-care costs came from the costs file.
    pub post_care_given: bool,
    /// Where the returns' UASC were read from, when they were ([`UascFit::source`]).
    pub uasc_source: Option<&'static str>,
}

/// A calibrated scenario: the file's values and what its comments say.
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// The scenario.
    pub file: ScenarioFile,
    /// What the comments say.
    pub notes: Notes,
}

impl Calibrated {
    /// The scenario's text, with its comments ([`write`]).
    pub fn to_toml(&self) -> String {
        write(&self.file, &self.notes)
    }
}

/// Staffordshire's 2019 unit costs, as a scenario says where they come from.
pub const DEFAULT_COSTS_NOTE: &str =
    "Staffordshire County Council's 2019 unit costs (Appendix 4); SSDA903 returns hold no costs";

/// `[unit_costs]`: the costs file's, as the council's own, or clearly marked defaults.
fn unit_costs(costs: Option<&CostsFile>) -> ScenarioUnitCostsFile {
    match costs {
        Some(c) => {
            let mut u = ScenarioUnitCostsFile::from(&c.unit_costs);
            u.uplift = r6(u.uplift);
            u.yearly = placements(|p| {
                Pounds::saturating(r6(c.unit_costs.yearly.values()[p.index()].unwrap_or(0.0)))
            });
            u
        }
        None => ScenarioUnitCostsFile {
            source: CostSource::Default,
            note: Some(DEFAULT_COSTS_NOTE.to_string()),
            price_year: None,
            uplift: 0.0,
            uplift_by_type: None,
            yearly: PlacementTableFile::from_values(
                DEFAULT_COSTS.map(|(_, v)| Some(Pounds::saturating(v))),
            ),
        },
    }
}

/// `[uasc]`: the UASC in the census by placement type and age band, and the
/// mean UASC entries a year of the fitted years by age band.
fn uasc(u: &UascFit) -> UascFile {
    let per_year = u.entries_per_year();
    UascFile {
        census: placements(|p| bands(|a| Count::from(u.census[p.index()][a.index()]))),
        entries_per_year: bands(|a| PerYear::saturating(r6(per_year[a.index()]))),
    }
}

/// The scenario as values: what [`scenario_toml`] writes.
pub fn calibrated(est: &Estimates, census: &Census, t: &Target) -> Calibrated {
    let by_place = census.by_placement();
    let total = census.total();
    let growth = est.entry_growth;
    let g = growth.map_or(0.0, |g| g.rate);
    let growth_dist = match growth {
        Some(gr) => DistTable {
            dist: "normal".into(),
            mean: Some(r6(gr.rate)),
            sd: Some(r6(growth_sd(&gr))),
            ..DistTable::default()
        },
        None => DistTable {
            dist: "fixed".into(),
            value: Some(0.0),
            ..DistTable::default()
        },
    };
    // The engine starts entries at per_year / 12 in the first month and grows
    // them month by month, so per_year is the yearly rate at the start of the
    // first year, not the year's total (which is the fitted trend's next year).
    let per_year = growth
        .map(|gr| gr.next_year_start_rate())
        .or(est.entries_per_month.map(|r| r.mean * 12.0))
        .unwrap_or(0.0);
    let entry_age =
        shares(&AgeBand::ALL.map(|a| est.entry_age_mix.get(&a).map_or(0.0, |x| x.mean)));
    let hazard = |p: Placement| est.exit_hazard.get(&p).map_or(0.0, |r| r.mean) * 12.0;
    let exit = |route: &str| {
        placements(|p| {
            let share: f64 = est.exit_routes.get(&p).map_or(0.0, |m| {
                m.iter()
                    .filter(|(r, _)| engine_route(**r) == Some(route))
                    .map(|(_, x)| x.mean)
                    .sum()
            });
            Rate::saturating(r6(hazard(p) * share))
        })
    };
    let to = shares(&Placement::ALL.map(|dest| {
        est.move_destinations
            .values()
            .filter_map(|m| m.get(&dest))
            .map(|x| f64::from(x.count))
            .sum::<f64>()
    }));
    let weights = |v: &[f64]| placements(|p| Weight::saturating(v[p.index()]));
    // The council's post-care costs as given (each already a valid amount), or 0.
    let post = |k: fn(&PostCareFile) -> Pounds| {
        let v = t.costs.and_then(|c| c.post_care.as_ref()).map(k);
        Pounds::saturating(r6(v.map_or(0.0, f64::from)))
    };
    let stochastic = StochasticFile {
        start_total: None,
        growth_from: None,
        start_by_age: None,
        start_children: Some(placements(|p| {
            bands(|a| Count::from(census.counts[p.index()][a.index()]))
        })),
        ageing: None,
        ages: ages(&census.ages, t.bands.as_ref().map(|b| &b.entry_ages)),
        growth: Some(DistFile(growth_dist)),
        entries: EntriesFile {
            per_year: Some(r6(per_year)),
            dispersion: est.entry_dispersion.map(r6),
            by_age: bands(|a| Share::saturating(entry_age[a.index()])),
            by_placement: share_table(
                &Placement::ALL.map(|p| est.first_placement_mix.get(&p).map_or(0.0, |x| x.mean)),
            ),
            by_age_placement: t
                .bands
                .as_ref()
                .map(|b| bands(|a| share_table(&b.entry_placement[a.index()]))),
        },
        exits: ExitsFile {
            return_home: exit("return_home"),
            adoption: exit("adoption"),
            sgo: exit("sgo"),
            child_arrangement: exit("child_arrangement"),
            other: exit("other"),
            age_factor: t
                .bands
                .as_ref()
                .map(|b| bands(|a| r6(b.exit_age_factor[a.index()]))),
        },
        moves: MovesFile {
            rate: placements(|p| {
                Rate::saturating(r6(est.move_hazard.get(&p).map_or(0.0, |r| r.mean) * 12.0))
            }),
            to: weights(&to),
            from: Some(placements(|origin| weights(&moves_from(est, origin, &to)))),
        },
        post_care: PostCareFile {
            sgo_allowance: post(|c| c.sgo_allowance),
            child_arrangement_allowance: post(|c| c.child_arrangement_allowance),
            adoption_support: post(|c| c.adoption_support),
            sgo_legal_cost: post(|c| c.sgo_legal_cost),
        },
        interventions: Vec::new(),
        caps: Vec::new(),
        rate_uncertainty: Some(rate_uncertainty(est)),
    };
    let file = ScenarioFile {
        extends: None,
        authority: AuthorityFile {
            name: t.authority.to_string(),
            title: Some("Calibrated do-nothing forecast".into()),
            source: Some(format!("SSDA903 returns {} to {}", est.from, est.to)),
        },
        years: YearsFile {
            first: t.first_year,
            count: t.years as i64,
        },
        cohort: CohortFile {
            as_at: None,
            total: Some(Count::from(total)),
            by_type: placements(|p| Count::from(by_place[p])),
        },
        unit_costs: unit_costs(t.costs),
        do_nothing: DoNothingFile {
            start_total: Count::saturating((f64::from(total) * (1.0 + g)).round()),
            start_uasc: Count::saturating(
                t.uasc
                    .as_ref()
                    .map_or(0.0, |u| (f64::from(u.census_total()) * (1.0 + g)).round()),
            ),
            growth_rate: GrowthRate::saturating(r6(g)),
            rounding: RoundingFile::None,
            compare_rates: Vec::new(),
        },
        budget: None,
        plan: None,
        investment: Vec::new(),
        savings: SavingsFile::default(),
        mtfs: None,
        optimism_bias: None,
        report: None,
        stochastic: Some(stochastic),
        uasc: t.uasc.as_ref().map(uasc),
    };
    let notes = Notes {
        data: t.source.to_string(),
        from: est.from,
        to: est.to,
        census_march: census.year.0 + 1,
        growth_interval: growth.map(|g| (g.lower, g.upper)),
        post_care_given: t.costs.is_some_and(|c| c.post_care.is_some()),
        uasc_source: t.uasc.as_ref().map(UascFit::source),
    };
    Calibrated { file, notes }
}

/// The scenario text: [`calibrated`], written with its comments.
pub fn scenario_toml(est: &Estimates, census: &Census, t: &Target) -> String {
    calibrated(est, census, t).to_toml()
}

/// A scenario file's text with the comments of a calibrated scenario: the
/// values are [`crate::scenario::file::to_toml`]'s, so a scenario written, read
/// back and written again with the same notes is the same text.
pub fn write(file: &ScenarioFile, notes: &Notes) -> String {
    let plain =
        crate::scenario::file::to_toml(file).expect("a scenario file always serialises to TOML");
    let mut doc: toml_edit::DocumentMut = plain
        .parse()
        .expect("TOML written by the toml crate parses");
    annotate(&mut doc, file, notes);
    doc.to_string()
}

/// The table at `path`, if the document has it.
fn table_at<'d>(
    doc: &'d mut toml_edit::DocumentMut,
    path: &[&str],
) -> Option<&'d mut toml_edit::Table> {
    let mut t = doc.as_table_mut();
    for k in path {
        t = t.get_mut(k)?.as_table_mut()?;
    }
    Some(t)
}

/// Comment lines above the table at `path`, after a blank line.
fn above(doc: &mut toml_edit::DocumentMut, path: &[&str], text: &str) {
    if let Some(t) = table_at(doc, path) {
        t.decor_mut().set_prefix(format!("\n{}", comment(text)));
    }
}

/// A comment after the value of `key` in the table at `path`, on its line.
fn after(doc: &mut toml_edit::DocumentMut, path: &[&str], key: &str, text: &str) {
    if let Some(v) = table_at(doc, path)
        .and_then(|t| t.get_mut(key))
        .and_then(|i| i.as_value_mut())
    {
        v.decor_mut().set_suffix(format!("   # {text}"));
    }
}

/// `text` as comment lines.
fn comment(text: &str) -> String {
    text.lines().map(|l| format!("# {l}\n")).collect()
}

/// Adds the comments a council analyst reads the calibrated scenario by.
fn annotate(doc: &mut toml_edit::DocumentMut, file: &ScenarioFile, n: &Notes) {
    let march = n.census_march;
    let first = file.years.first;
    if let Some(t) = table_at(doc, &["authority"]) {
        t.decor_mut().set_prefix(format!(
            "{}\n",
            comment(&format!(
                "Calibrated by `lacsim calibrate` from SSDA903 returns: {}\nFitted on collection years {} to {}; 31 March {march} census as the starting point.\nRates are posterior means (Gamma for rates, Dirichlet for shares); growth is a normal\ndistribution with the fitted standard error, drawn per path.",
                n.data, n.from, n.to
            ))
        ));
    }
    above(
        doc,
        &["cohort"],
        &format!("Children looked after at 31 March {march}, by placement type."),
    );
    above(
        doc,
        &["unit_costs"],
        match file.unit_costs.source {
            CostSource::Default => {
                "DEFAULT UNIT COSTS: SSDA903 has no costs. These are Staffordshire's 2019 costs\n(Appendix 4). Replace them with your own, or rerun with --costs FILE."
            }
            CostSource::Council => "Unit costs from the costs file given with --costs.",
        },
    );
    above(
        doc,
        &["do_nothing"],
        &format!(
            "The do-nothing line: the fitted growth of entries applied to today's total. Like the\npaper's, it starts at the end of the first forecast year ({first}), one year's growth on\nfrom the census."
        ),
    );
    if file.uasc.is_some() {
        after(
            doc,
            &["do_nothing"],
            "start_uasc",
            "the census's UASC, one year's growth on, as start_total (the \"exc UASC\" line)",
        );
    }
    let Some(st) = &file.stochastic else { return };
    // The growth distribution on one line, with its interval beside it.
    if let Some(t) = table_at(doc, &["stochastic"]) {
        if let Some(toml_edit::Item::Table(g)) = t.remove("growth") {
            t.insert(
                "growth",
                toml_edit::Item::Value(toml_edit::Value::InlineTable(g.into_inline_table())),
            );
        }
        t.set_implicit(false);
    }
    match n.growth_interval {
        Some((lo, hi)) => after(
            doc,
            &["stochastic"],
            "growth",
            &format!("95% interval {lo:.4} to {hi:.4}"),
        ),
        None => after(
            doc,
            &["stochastic"],
            "growth",
            "too few years to fit a trend",
        ),
    }
    above(
        doc,
        &["stochastic", "start_children", Placement::ALL[0].key()],
        &format!("Children looked after at 31 March {march}, by placement type and age band."),
    );
    above(
        doc,
        &["stochastic", "ages", "census"],
        "Where children are within their age band (children age exactly: a child moves up on\ntheir birthday and leaves care at 18). The census, by month of age from dates of birth.",
    );
    above(
        doc,
        &["stochastic", "ages", "entries"],
        "Ages at entry in the fitted years: babies by month of age, older children by year.",
    );
    let poisson = if st.entries.dispersion.is_some() {
        after(
            doc,
            &["stochastic", "entries"],
            "dispersion",
            "negative binomial size: monthly entries vary more than Poisson",
        );
        ""
    } else {
        "; no dispersion: monthly entries vary no more than Poisson"
    };
    after(
        doc,
        &["stochastic", "entries"],
        "per_year",
        &format!("entries a year at the start of {first}, growing month by month{poisson}"),
    );
    above(
        doc,
        &[
            "stochastic",
            "entries",
            "by_age_placement",
            AgeBand::ALL[0].key(),
        ],
        "First placements of the entries of each age band.",
    );
    for route in [
        "return_home",
        "adoption",
        "sgo",
        "child_arrangement",
        "other",
    ] {
        above(
            doc,
            &["stochastic", "exits", route],
            "Yearly rate per child of leaving care by this route (monthly hazard x 12 x route share).",
        );
    }
    above(
        doc,
        &["stochastic", "exits", "age_factor"],
        "Exits before 18 in each band, over what the placement mix alone predicts.",
    );
    above(
        doc,
        &["stochastic", "moves", "rate"],
        "Yearly rate per child of a placement move, and where moves go (all origins pooled).",
    );
    above(
        doc,
        &["stochastic", "moves", "from", Placement::ALL[0].key()],
        "Where the moves out of each type go: Dirichlet means of the observed moves, with the\nall-origins mix (the origin left out) as a prior of weight 1.",
    );
    above(
        doc,
        &["stochastic", "post_care"],
        &format!(
            "Post-care costs (pounds a year per child, to 18). {}",
            if n.post_care_given {
                "From the costs file."
            } else {
                "DEFAULTS: set your own."
            }
        ),
    );
    if let Some(u) = &file.uasc {
        let (in_census, entering) = (
            u.census
                .rows()
                .iter()
                .filter_map(|r| r.as_ref())
                .flat_map(|r| r.values())
                .map(|v| v.unwrap_or(0.0))
                .sum::<f64>(),
            u.entries_per_year
                .values()
                .iter()
                .map(|v| v.unwrap_or(0.0))
                .sum::<f64>(),
        );
        above(
            doc,
            &["uasc", "census", Placement::ALL[0].key()],
            &format!(
                "Unaccompanied asylum-seeking children (UASC), from {}: the {in_census} UASC (status not\nyet ceased) among the children looked after at 31 March {march}, by placement type and age\nband. They are also in the counts above. `lacsim run` forecasts them apart on the engine's\nexpected-value model, with the same rates by placement type and age band as every other\nchild; \"excluding UASC\" is the total less them.",
                n.uasc_source.unwrap_or("the returns")
            ),
        );
        above(
            doc,
            &["uasc", "entries_per_year"],
            &format!(
                "UASC entering care a year by age band at entry: the mean of collection years {} to {}\n({} a year in all). The forecast holds UASC entries at this mean, without the growth trend.",
                n.from,
                n.to,
                r6(entering)
            ),
        );
    }
    above(
        doc,
        &["stochastic", "rate_uncertainty"],
        "How uncertain each estimated rate is (coefficient of variation, 1/sqrt(events + 1/2) for\na Gamma posterior): each path draws its own rates, so the bands include estimation error.\nThe entry level's is at the centre of the fitted years; a path's growth carries it the\npivot years forward, so a faster-growing path also starts higher.",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssda903::estimate::estimate;
    use crate::ssda903::occupancy::Occupancy;

    #[test]
    fn band_rates_are_observed_over_expected_exits_and_entry_mixes_by_band() {
        let mut m = PeriodCounts::default();
        let ifa = Placement::Ifa.index();
        let rf = Placement::RelativeFriendFoster.index();
        // 10-15: 600 child-months in IFA.
        m.exposure[ifa][3] = 600.0;
        // 16-17: 240 child-months, 59 leaving at 18, 12 exits before 18.
        m.exposure[ifa][4] = 240.0;
        m.aged_out[ifa][0] = 59;
        m.exits[ifa][0] = 59 + 12;
        m.exits_by_band[ifa][4] = 12;
        // Babies: all entries to relative/friend foster.
        m.entries[0][rf] = 9;
        m.entries[3][ifa] = 20;
        let occ = Occupancy {
            first_year: crate::year::FinancialYear(2020),
            months: vec![m.clone()],
        };
        let est = estimate(&occ, occ.first_year, occ.first_year);
        let b = band_rates(&m, &est);
        // All 12 exits before 18 happened at 16-17, none at 10-15.
        let hazard = est.exit_hazard[&Placement::Ifa].mean;
        assert!((b.exit_age_factor[4] - 12.0 / (240.0 * hazard)).abs() < 1e-12);
        assert_eq!(b.exit_age_factor[3], 0.0);
        assert_eq!(b.exit_age_factor[0], 1.0);
        // Babies' mix leans on their own 9 entries, with the pooled mix as a prior of weight 1.
        let pooled = est.first_placement_mix[&Placement::RelativeFriendFoster].mean;
        assert!((b.entry_placement[0][rf] - (9.0 + pooled) / 10.0).abs() < 1e-12);
        let sum: f64 = b.entry_placement[0].iter().sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_written_ages_follow_the_census_by_month_and_entries_by_year_with_an_even_prior() {
        let mut census_ages = [0; crate::age::AGE_MONTHS];
        // 16-17: 3 children aged 16y0m, 1 aged 17y11m; 1-4: one child of 30 months.
        census_ages[192] = 3;
        census_ages[215] = 1;
        census_ages[30] = 1;
        let mut entry_ages = [0; crate::age::AGE_MONTHS];
        // 5 babies entering at birth, 4 at one month; 10-15: 8 entering at 14.
        entry_ages[0] = 5;
        entry_ages[1] = 4;
        entry_ages[14 * 12 + 5] = 8;
        let written = toml::to_string(&ages(&census_ages, Some(&entry_ages)).unwrap()).unwrap();
        let a: toml::Table = written.parse().unwrap();
        let v = |t: &str, b: &str| -> Vec<f64> {
            a[t][b]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_float().unwrap())
                .collect()
        };
        let c16 = v("census", "age_16_17");
        assert_eq!(c16.len(), 24);
        assert_eq!((c16[0], c16[23]), (0.75, 0.25));
        assert_eq!(c16.iter().filter(|&&x| x > 0.0).count(), 2);
        assert_eq!(v("census", "age_1_4")[18], 1.0);
        // A band with no children is left to the engine's even spread.
        assert!(a["census"].get("under_1").is_none());
        // Babies by month: (5 + 1/12) / 10 at birth.
        let e0 = v("entries", "under_1");
        assert_eq!(e0.len(), 12);
        // Written to 6 decimals, the largest share taking the rounding.
        assert!((e0[0] - (5.0 + 1.0 / 12.0) / 10.0).abs() < 1e-5, "{e0:?}");
        // 10-15 by year: (8 + 1/6) / 9 at 14, (1/6) / 9 at every other age.
        let e3 = v("entries", "age_10_15");
        assert_eq!(e3.len(), 6);
        assert!((e3[4] - (8.0 + 1.0 / 6.0) / 9.0).abs() < 1e-5);
        assert!((e3[0] - 1.0 / 54.0).abs() < 1e-6);
        // A band with no entries: evenly spread by the prior alone.
        assert_eq!(v("entries", "age_1_4"), vec![0.25; 4]);
    }

    #[test]
    fn the_written_scenario_carries_over_dispersion_and_rate_uncertainty() {
        let mut m = PeriodCounts::default();
        let ifa = Placement::Ifa.index();
        m.exposure[ifa][3] = 600.0;
        m.exits[ifa][0] = 24;
        m.moves[ifa][Placement::InHouseFoster.index()] = 8;
        m.entries[3][ifa] = 20;
        let occ = Occupancy {
            first_year: crate::year::FinancialYear(2020),
            months: vec![m],
        };
        let mut est = estimate(&occ, occ.first_year, occ.first_year);
        est.entry_dispersion = Some(6.5);
        let mut counts = [[0; N_AGE_BANDS]; N_PLACEMENTS];
        counts[ifa][3] = 50;
        let census = Census {
            year: occ.first_year,
            counts,
            ages: [0; crate::age::AGE_MONTHS],
        };
        let t = Target {
            authority: "Test",
            source: "unit test",
            first_year: crate::year::FinancialYear(2021),
            years: 3,
            costs: None,
            bands: None,
            uasc: None,
        };
        let text = scenario_toml(&est, &census, &t);
        let path = std::path::Path::new("calibrated.toml");
        let loaded = crate::scenario::load(path, &|_: &std::path::Path| Ok(text.clone()))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        let st = loaded.scenario.stochastic.unwrap();
        assert_eq!(st.entries.dispersion, Some(6.5));
        // 24 exits and 8 moves out of IFA: CVs 1/sqrt(24.5) and 1/sqrt(8.5).
        let ru = st.rate_uncertainty;
        assert!((ru.exits[Placement::Ifa] - 1.0 / 24.5f64.sqrt()).abs() < 1e-6);
        assert!((ru.moves[Placement::Ifa] - 1.0 / 8.5f64.sqrt()).abs() < 1e-6);
        // One year: no trend, so the entry level's CV is that of 20 entries.
        assert!((ru.entries - 1.0 / 20.5f64.sqrt()).abs() < 1e-6);
        // All moves went from IFA to in-house fostering, so the all-origins prior
        // agrees and the IFA row sends everything there; other origins, with no
        // moves of their own, fall back on that prior.
        assert_eq!(st.move_from[ifa][Placement::InHouseFoster], 1.0);
        let hh = Placement::HomesHostels.index();
        assert_eq!(st.move_from[hh][Placement::InHouseFoster], 1.0);
        // In-house fostering's own row cannot use that prior (it is all on
        // itself), so it spreads evenly over the other nine: still loadable.
        let ihf = st.move_from[Placement::InHouseFoster.index()];
        assert_eq!(ihf[Placement::InHouseFoster], 0.0);
        for p in Placement::ALL {
            if p != Placement::InHouseFoster {
                assert!((ihf[p] - 1.0 / 9.0).abs() < 2e-6, "{p:?}: {}", ihf[p]);
            }
        }
    }
}
