//! From estimates to a scenario: turns what `ssda903::estimate` measured (rates,
//! shares, growth, the 31 March census) into the text of a scenario file the
//! Monte Carlo engine runs directly.
//!
//! Rates go in as posterior means; growth goes in as a normal distribution with
//! the fitted standard error, so each path draws its own growth and the
//! uncertainty of the trend flows into the bands. Unit costs are not in SSDA903:
//! they come from a costs file or are written as clearly marked defaults.

use crate::age::AgeBand;
use crate::placement::Placement;
use crate::ssda903::ExitRoute;
use crate::ssda903::estimate::Estimates;
use crate::ssda903::occupancy::Census;
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
    /// Multiplier of 16-17 year olds' exit rates, so that leaving care at 18 (which
    /// the engine models as ageing at 1/2 a year) matches the rate seen in the data.
    pub age_factor_16_17: f64,
}

/// The 16-17 exit-rate multiplier that makes the engine's leaving rate at 16-17
/// (ageing out at 1/2 a year plus exits before 18) match the data's.
///
/// `aged_out_per_year` is leaving at 18 per child-year at 16-17; `exit_rate` is the
/// exposure-weighted yearly rate of exits before 18 of children aged 16-17.
pub fn age_factor_16_17(aged_out_per_year: f64, exit_rate: f64) -> f64 {
    const ENGINE_AGE_OUT: f64 = 0.5;
    if exit_rate <= 0.0 || !aged_out_per_year.is_finite() {
        return 1.0;
    }
    (1.0 + (aged_out_per_year - ENGINE_AGE_OUT) / exit_rate).clamp(0.0, 20.0)
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

/// The scenario text.
pub fn scenario_toml(est: &Estimates, census: &Census, t: &Target) -> String {
    let mut s = String::new();
    let by_place = census.by_placement();
    let by_age = census.by_age();
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
        "\n# The do-nothing line: the fitted growth of entries applied to today's total.\n[do_nothing]\nstart_total = {total}\nstart_uasc = 0\ngrowth_rate = {}\nrounding = \"none\"\n",
        num(g)
    );
    let _ = writeln!(s, "[stochastic]\nstart_total = {total}");
    match growth {
        Some(gr) => {
            // d(rate)/d(slope) = exp(slope), so the rate's standard error is se * (1 + rate).
            let sd = gr.log_slope_se * (1.0 + gr.rate);
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
    let _ = writeln!(s, "\n[stochastic.start_by_age]");
    let age_shares = shares(&by_age.map(f64::from));
    for (a, v) in AgeBand::ALL.iter().zip(&age_shares) {
        let _ = writeln!(s, "{} = {}", a.key(), num(*v));
    }
    let _ = writeln!(
        s,
        "\n# Leaving care at 18: the engine ages 16-17s out at 1/2 a year; this factor on their exit"
    );
    let _ = writeln!(
        s,
        "# rates makes the total leaving rate at 16-17 match the data.\n[stochastic.exits.age_factor]\nunder_1 = 1.0\nage_1_4 = 1.0\nage_5_9 = 1.0\nage_10_15 = 1.0\nage_16_17 = {}",
        num(t.age_factor_16_17)
    );
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
