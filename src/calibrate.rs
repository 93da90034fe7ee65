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

use crate::age::{AgeBand, N_AGE_BANDS};
use crate::placement::{N_PLACEMENTS, Placement};
use crate::ssda903::ExitRoute;
use crate::ssda903::estimate::Estimates;
use crate::ssda903::occupancy::{AgeCounts, Census, PeriodCounts};
use crate::year::FinancialYear;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Yearly unit costs (and post-care costs) a council supplies with `--costs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostsFile {
    /// `[unit_costs]`, as in a scenario file.
    pub unit_costs: crate::scenario::file::UnitCostsFile,
    /// `[post_care]`: pounds per child per year in each pool, and the SGO legal cost.
    #[serde(default)]
    pub post_care: BTreeMap<String, f64>,
}

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

fn num(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r.fract() == 0.0 {
        format!("{r:.1}")
    } else {
        format!("{r}")
    }
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
fn rate_uncertainty(s: &mut String, est: &Estimates) {
    let cv = |r: Option<&crate::ssda903::estimate::RateEstimate>| {
        r.map_or(0.0, |r| 1.0 / (r.events + 0.5).sqrt())
    };
    let (entries, pivot) = match est.entry_growth {
        Some(g) => (g.log_pivot_se, g.pivot_years.min(longest_pivot(&g))),
        None => (cv(est.entries_per_month.as_ref()), 0.0),
    };
    let _ = writeln!(
        s,
        "\n# How uncertain each estimated rate is (coefficient of variation, 1/sqrt(events + 1/2) for\n# a Gamma posterior): each path draws its own rates, so the bands include estimation error.\n# The entry level's is at the centre of the fitted years; a path's growth carries it the\n# pivot years forward, so a faster-growing path also starts higher.\n[stochastic.rate_uncertainty]\nentries = {}\nentries_pivot_years = {}\n[stochastic.rate_uncertainty.exits]",
        num(entries),
        num(pivot)
    );
    for p in Placement::ALL {
        let _ = writeln!(s, "{} = {}", p.key(), num(cv(est.exit_hazard.get(&p))));
    }
    let _ = writeln!(s, "[stochastic.rate_uncertainty.moves]");
    for p in Placement::ALL {
        let _ = writeln!(s, "{} = {}", p.key(), num(cv(est.move_hazard.get(&p))));
    }
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

fn list(v: &[f64]) -> String {
    let cells: Vec<String> = v.iter().map(|x| num(*x)).collect();
    format!("[{}]", cells.join(", "))
}

/// `[stochastic.ages]`: the census's own ages, by month of age within each band
/// (the engine places its children accordingly); entries by month of age for
/// babies (many enter at birth) and by year of age otherwise, with an even
/// prior of weight 1 so a band with few entries is spread nearly evenly.
fn ages(s: &mut String, census: &AgeCounts, entries: Option<&AgeCounts>) {
    let bands: Vec<(AgeBand, Vec<f64>)> = AgeBand::ALL
        .into_iter()
        .filter_map(|b| within_band(census, b, 1, 0.0).map(|v| (b, v)))
        .collect();
    if bands.is_empty() && entries.is_none() {
        return;
    }
    let _ = writeln!(
        s,
        "\n# Where children are within their age band (children age exactly: a child moves up on\n# their birthday and leaves care at 18). The census, by month of age from dates of birth.\n[stochastic.ages.census]"
    );
    for (b, v) in &bands {
        let _ = writeln!(s, "{} = {}", b.key(), list(v));
    }
    if let Some(e) = entries {
        let _ = writeln!(
            s,
            "# Ages at entry in the fitted years: babies by month of age, older children by year.\n[stochastic.ages.entries]"
        );
        for b in AgeBand::ALL {
            let per = if b == AgeBand::Under1 { 1 } else { 12 };
            if let Some(v) = within_band(e, b, per, 1.0) {
                let _ = writeln!(s, "{} = {}", b.key(), list(&v));
            }
        }
    }
}

/// The scenario text.
pub fn scenario_toml(est: &Estimates, census: &Census, t: &Target) -> String {
    let mut s = String::new();
    let by_place = census.by_placement();
    let total = census.total();
    let growth = est.entry_growth;
    let g = growth.map_or(0.0, |g| g.rate);
    let _ = writeln!(
        s,
        "# Calibrated by `lacsim calibrate` from SSDA903 returns: {}",
        t.source
    );
    let _ = writeln!(
        s,
        "# Fitted on collection years {} to {}; 31 March {} census as the starting point.",
        est.from,
        est.to,
        census.year.0 + 1
    );
    let _ = writeln!(
        s,
        "# Rates are posterior means (Gamma for rates, Dirichlet for shares); growth is a normal"
    );
    let _ = writeln!(
        s,
        "# distribution with the fitted standard error, drawn per path.\n"
    );
    let _ = writeln!(
        s,
        "[authority]\nname = {:?}\ntitle = \"Calibrated do-nothing forecast\"\nsource = {:?}\n",
        t.authority,
        format!("SSDA903 returns {} to {}", est.from, est.to)
    );
    let _ = writeln!(
        s,
        "[years]\nfirst = \"{}\"\ncount = {}\n",
        t.first_year, t.years
    );
    let _ = writeln!(
        s,
        "# Children looked after at 31 March {}, by placement type.\n[cohort]\ntotal = {total}\n[cohort.by_type]",
        census.year.0 + 1
    );
    for p in Placement::ALL {
        let _ = writeln!(s, "{} = {}", p.key(), by_place[p]);
    }
    match t.costs {
        Some(c) => {
            let _ = writeln!(
                s,
                "\n# Unit costs from the costs file given with --costs.\n[unit_costs]"
            );
            if let Some(y) = c.unit_costs.price_year {
                let _ = writeln!(s, "price_year = \"{y}\"");
            }
            let _ = writeln!(
                s,
                "uplift = {}\n[unit_costs.yearly]",
                num(c.unit_costs.uplift)
            );
            for (p, v) in Placement::ALL.iter().zip(c.unit_costs.yearly.values()) {
                let _ = writeln!(s, "{} = {}", p.key(), num(v.unwrap_or(0.0)));
            }
        }
        None => {
            let _ = writeln!(
                s,
                "\n# DEFAULT UNIT COSTS: SSDA903 has no costs. These are Staffordshire's 2019 costs"
            );
            let _ = writeln!(
                s,
                "# (Appendix 4). Replace them with your own, or rerun with --costs FILE.\n[unit_costs]\nuplift = 0.0\n[unit_costs.yearly]"
            );
            for (p, v) in DEFAULT_COSTS {
                let _ = writeln!(s, "{} = {}", p.key(), num(v));
            }
        }
    }
    let _ = writeln!(
        s,
        "\n# The do-nothing line: the fitted growth of entries applied to today's total. Like the\n# paper's, it starts at the end of the first forecast year ({}), one year's growth on\n# from the census.\n[do_nothing]\nstart_total = {}\nstart_uasc = 0\ngrowth_rate = {}\nrounding = \"none\"\n",
        t.first_year,
        (f64::from(total) * (1.0 + g)).round(),
        num(g)
    );
    let _ = writeln!(s, "[stochastic]");
    match growth {
        Some(gr) => {
            let sd = growth_sd(&gr);
            let _ = writeln!(
                s,
                "growth = {{ dist = \"normal\", mean = {}, sd = {} }}   # 95% interval {:.4} to {:.4}",
                num(gr.rate),
                num(sd),
                gr.lower,
                gr.upper
            );
        }
        None => {
            let _ = writeln!(s, "growth = 0.0   # too few years to fit a trend");
        }
    }
    let _ = writeln!(
        s,
        "\n# Children looked after at 31 March {}, by placement type and age band.",
        census.year.0 + 1
    );
    for p in Placement::ALL {
        let row = census.counts[p.index()];
        let cells: Vec<String> = AgeBand::ALL
            .iter()
            .map(|a| format!("{} = {}", a.key(), row[a.index()]))
            .collect();
        let _ = writeln!(
            s,
            "[stochastic.start_children.{}]\n{}",
            p.key(),
            cells.join("\n")
        );
    }
    ages(
        &mut s,
        &census.ages,
        t.bands.as_ref().map(|b| &b.entry_ages),
    );
    if let Some(b) = &t.bands {
        let _ = writeln!(
            s,
            "\n# Exits before 18 in each band, over what the placement mix alone predicts.\n[stochastic.exits.age_factor]"
        );
        for (a, v) in AgeBand::ALL.iter().zip(&b.exit_age_factor) {
            let _ = writeln!(s, "{} = {}", a.key(), num(*v));
        }
    }
    let per_year = growth
        .map(|gr| gr.fitted_last * (1.0 + gr.rate))
        .or(est.entries_per_month.map(|r| r.mean * 12.0))
        .unwrap_or(0.0);
    let _ = writeln!(
        s,
        "\n[stochastic.entries]\nper_year = {}   # entries expected in {}",
        num(per_year),
        t.first_year
    );
    match est.entry_dispersion {
        Some(k) => {
            let _ = writeln!(
                s,
                "dispersion = {}   # negative binomial size: monthly entries vary more than Poisson",
                num(k)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "# no dispersion: monthly entries vary no more than Poisson"
            );
        }
    }
    let _ = writeln!(s, "[stochastic.entries.by_age]");
    let entry_age =
        shares(&AgeBand::ALL.map(|a| est.entry_age_mix.get(&a).map_or(0.0, |x| x.mean)));
    for (a, v) in AgeBand::ALL.iter().zip(&entry_age) {
        let _ = writeln!(s, "{} = {}", a.key(), num(*v));
    }
    let _ = writeln!(s, "[stochastic.entries.by_placement]");
    let entry_place =
        shares(&Placement::ALL.map(|p| est.first_placement_mix.get(&p).map_or(0.0, |x| x.mean)));
    for (p, v) in Placement::ALL.iter().zip(&entry_place) {
        let _ = writeln!(s, "{} = {}", p.key(), num(*v));
    }
    if let Some(b) = &t.bands {
        let _ = writeln!(s, "# First placements of the entries of each age band.");
        for (a, mix) in AgeBand::ALL.iter().zip(&b.entry_placement) {
            let _ = writeln!(s, "[stochastic.entries.by_age_placement.{}]", a.key());
            for (p, v) in Placement::ALL.iter().zip(&shares(mix)) {
                let _ = writeln!(s, "{} = {}", p.key(), num(*v));
            }
        }
    }
    for route in [
        "return_home",
        "adoption",
        "sgo",
        "child_arrangement",
        "other",
    ] {
        let _ = writeln!(
            s,
            "\n# Yearly rate per child of leaving care by this route (monthly hazard x 12 x route share).\n[stochastic.exits.{route}]"
        );
        for p in Placement::ALL {
            let hazard = est.exit_hazard.get(&p).map_or(0.0, |r| r.mean) * 12.0;
            let share: f64 = est.exit_routes.get(&p).map_or(0.0, |m| {
                m.iter()
                    .filter(|(r, _)| engine_route(**r) == Some(route))
                    .map(|(_, x)| x.mean)
                    .sum()
            });
            let _ = writeln!(s, "{} = {}", p.key(), num(hazard * share));
        }
    }
    let _ = writeln!(
        s,
        "\n# Yearly rate per child of a placement move, and where moves go (all origins pooled).\n[stochastic.moves.rate]"
    );
    for p in Placement::ALL {
        let _ = writeln!(
            s,
            "{} = {}",
            p.key(),
            num(est.move_hazard.get(&p).map_or(0.0, |r| r.mean) * 12.0)
        );
    }
    let _ = writeln!(s, "[stochastic.moves.to]");
    let to = shares(&Placement::ALL.map(|dest| {
        est.move_destinations
            .values()
            .filter_map(|m| m.get(&dest))
            .map(|x| f64::from(x.count))
            .sum::<f64>()
    }));
    for (p, v) in Placement::ALL.iter().zip(&to) {
        let _ = writeln!(s, "{} = {}", p.key(), num(*v));
    }
    let _ = writeln!(
        s,
        "# Where the moves out of each type go: Dirichlet means of the observed moves, with the\n# all-origins mix (the origin left out) as a prior of weight 1."
    );
    for origin in Placement::ALL {
        let _ = writeln!(s, "[stochastic.moves.from.{}]", origin.key());
        for (p, v) in Placement::ALL.iter().zip(&moves_from(est, origin, &to)) {
            let _ = writeln!(s, "{} = {}", p.key(), num(*v));
        }
    }
    rate_uncertainty(&mut s, est);
    let post = |k: &str| t.costs.and_then(|c| c.post_care.get(k).copied());
    let _ = writeln!(
        s,
        "\n# Post-care costs (pounds a year per child, to 18). {}\n[stochastic.post_care]",
        if t.costs.is_some_and(|c| !c.post_care.is_empty()) {
            "From the costs file."
        } else {
            "DEFAULTS: set your own."
        }
    );
    for k in [
        "sgo_allowance",
        "child_arrangement_allowance",
        "adoption_support",
        "sgo_legal_cost",
    ] {
        let _ = writeln!(s, "{k} = {}", num(post(k).unwrap_or(0.0)));
    }
    s
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
        let mut s = String::new();
        ages(&mut s, &census_ages, Some(&entry_ages));
        let doc: toml::Table = s.parse().unwrap();
        let a = &doc["stochastic"]["ages"];
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
