//! The tornado of the assumptions that carry a range in the scenario: the engine's
//! growth and each intervention's effects and start delay, swung from the low to
//! the high end of their distributions on the engine's expected-value model (the
//! ranges act only in the engine; the paper model has no interventions).

use super::Outcome;
use super::tornado::{Bar, Tornado};
use crate::engine::{self, Metric, Setup, metrics};
use crate::scenario::fields::Change;
use crate::scenario::{Loaded, Problem, Problems, Scenario};
use serde::Serialize;

/// An assumption with a range given in the scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Ranged {
    /// Label, e.g. "fgc: effect on entries".
    pub name: String,
    /// The field path, e.g. `stochastic.interventions[0].effects.entries`.
    pub field: String,
    /// Low end of the range.
    pub low: f64,
    /// High end of the range.
    pub high: f64,
    /// The central value (mean of the distribution).
    pub central: f64,
    /// The distribution as written, e.g. "triangular -0.3 / -0.19 / -0.08".
    pub range: String,
}

/// Low, central and high of a distribution written as a table: the bounds for
/// bounded distributions, P5 and P95 for a normal.
fn bounds(t: &toml::Table) -> Option<(f64, f64, f64, String)> {
    let g = |k: &str| {
        t.get(k)
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
    };
    let dist = t.get("dist")?.as_str()?;
    match dist {
        "uniform" => {
            let (a, b) = (g("min")?, g("max")?);
            Some((a, (a + b) / 2.0, b, format!("uniform {a} to {b}")))
        }
        "triangular" => {
            let (a, m, b) = (g("min")?, g("mode")?, g("max")?);
            Some((
                a,
                (a + m + b) / 3.0,
                b,
                format!("triangular {a} / {m} / {b}"),
            ))
        }
        "pert" => {
            let (a, m, b) = (g("min")?, g("mode")?, g("max")?);
            Some((
                a,
                (a + 4.0 * m + b) / 6.0,
                b,
                format!("PERT {a} / {m} / {b}"),
            ))
        }
        "normal" => {
            let (mu, sd) = (g("mean")?, g("sd")?);
            Some((
                mu - 1.645 * sd,
                mu,
                mu + 1.645 * sd,
                format!("normal {mu} ± {sd} (P5 to P95)"),
            ))
        }
        "beta" => {
            let (a, b) = (g("alpha")?, g("beta")?);
            let (lo, hi) = (g("min").unwrap_or(0.0), g("max").unwrap_or(1.0));
            Some((
                lo,
                lo + (hi - lo) * a / (a + b),
                hi,
                format!("beta({a}, {b}) on {lo} to {hi}"),
            ))
        }
        _ => None,
    }
}

/// Every ranged assumption in the scenario's `[stochastic]` section.
pub fn ranged_assumptions(loaded: &Loaded) -> Vec<Ranged> {
    let mut out = Vec::new();
    let Some(st) = loaded
        .source
        .merged
        .get("stochastic")
        .and_then(|v| v.as_table())
    else {
        return out;
    };
    if let Some(t) = st.get("growth").and_then(|v| v.as_table())
        && let Some((low, central, high, range)) = bounds(t)
    {
        out.push(Ranged {
            name: "Growth of demand (engine)".into(),
            field: "stochastic.growth".into(),
            low,
            high,
            central,
            range,
        });
    }
    if let Some(list) = st.get("interventions").and_then(|v| v.as_array()) {
        for (i, iv) in list.iter().enumerate() {
            let Some(iv) = iv.as_table() else { continue };
            let id = iv
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("intervention");
            if let Some(t) = iv.get("delay_months").and_then(|v| v.as_table())
                && let Some((low, central, high, range)) = bounds(t)
            {
                out.push(Ranged {
                    name: format!("{id}: start delay (months)"),
                    field: format!("stochastic.interventions[{i}].delay_months"),
                    low,
                    high,
                    central,
                    range,
                });
            }
            if let Some(effects) = iv.get("effects").and_then(|v| v.as_table()) {
                for (k, v) in effects {
                    if let Some((low, central, high, range)) = v.as_table().and_then(bounds) {
                        out.push(Ranged {
                            name: format!("{id}: effect on {}", k.replace('_', " ")),
                            field: format!("stochastic.interventions[{i}].effects.{k}"),
                            low,
                            high,
                            central,
                            range,
                        });
                    }
                }
            }
        }
    }
    out
}

fn problem(loaded: &Loaded, message: String) -> Problems {
    Problems(vec![Problem {
        file: loaded.path.clone(),
        line: None,
        field: None,
        message,
    }])
}

/// The engine's expected-value outcome of a scenario.
pub fn expected_outcome(s: &Scenario) -> Result<Outcome, String> {
    let setup = Setup::single(s).map_err(|e| e.to_string())?;
    let n = setup.n_years();
    let (row, f) = engine::expected(&setup);
    let at = |t: usize, m: Metric| metrics::at(&row, t, m);
    Ok(Outcome {
        break_even: (f.break_even >= 0).then(|| s.years[f.break_even as usize]),
        net_position: Some(at(n - 1, Metric::CumulativeNet)),
        lowest_impact: Some(
            (0..n)
                .map(|t| at(t, Metric::MtfsImpact))
                .fold(f64::INFINITY, f64::min),
        ),
        final_impact: Some(at(n - 1, Metric::MtfsImpact)),
        final_lac: at(n - 1, Metric::Lac),
    })
}

/// Every ranged assumption fixed at `value`, the others at their central values.
fn at_value(
    loaded: &Loaded,
    all: &[Ranged],
    field: &str,
    value: f64,
) -> Result<Scenario, Problems> {
    let changes: Vec<(String, Change)> = all
        .iter()
        .map(|r| {
            (
                r.field.clone(),
                Change::Replace(if r.field == field { value } else { r.central }),
            )
        })
        .collect();
    loaded.with_changes(&changes)
}

/// Swings each ranged assumption from its low to its high end, others at their means,
/// ranks by the swing in net position, and finds where break-even within the horizon is lost.
pub fn engine_tornado(loaded: &Loaded) -> Result<(Tornado, Vec<Ranged>), Problems> {
    engine_tornado_of(loaded, &|_| true)
}

/// As [`engine_tornado`], with bars only for the ranged assumptions whose name
/// `keep` accepts (the others still sit at their means).
pub fn engine_tornado_of(
    loaded: &Loaded,
    keep: &dyn Fn(&str) -> bool,
) -> Result<(Tornado, Vec<Ranged>), Problems> {
    let all = ranged_assumptions(loaded);
    let central: Vec<(String, Change)> = all
        .iter()
        .map(|r| (r.field.clone(), Change::Replace(r.central)))
        .collect();
    let base = expected_outcome(&loaded.with_changes(&central)?).map_err(|e| problem(loaded, e))?;
    let mut bars = Vec::new();
    for r in all.iter().filter(|r| keep(&r.name)) {
        let eval = |v: f64| -> Result<Outcome, Problems> {
            expected_outcome(&at_value(loaded, &all, &r.field, v)?).map_err(|e| problem(loaded, e))
        };
        let low = eval(r.low)?;
        let high = eval(r.high)?;
        let swing = (high.net_position.unwrap_or(0.0) - low.net_position.unwrap_or(0.0)).abs();
        let switching_value = switching(r, &eval);
        let assumption = super::tornado::Assumption {
            name: r.name.clone(),
            base_value: Some(r.central),
            targets: vec![super::tornado::Target::Scale(r.field.clone())],
            low: r.low,
            high: r.high,
            range_source: format!("scenario range: {}", r.range),
        };
        let break_even_swing_years =
            super::tornado::break_even_swing(&loaded.scenario.years, &low, &high);
        bars.push(Bar {
            assumption,
            low,
            high,
            swing,
            break_even_swing_years,
            switching_factor: switching_value.map(|v| {
                if r.central != 0.0 {
                    v / r.central
                } else {
                    f64::NAN
                }
            }),
            switching_value,
        });
    }
    super::tornado::rank(&mut bars, super::tornado::RankBy::Net);
    Ok((Tornado { base, bars }, all))
}

/// The value, between the central value and three range-widths beyond either end,
/// at which the plan stops breaking even within the horizon (bisection).
fn switching(r: &Ranged, eval: &impl Fn(f64) -> Result<Outcome, Problems>) -> Option<f64> {
    let breaks = |v: f64| eval(v).ok().and_then(|o| o.final_impact).map(|x| x <= 0.0);
    if breaks(r.central) != Some(true) {
        return None;
    }
    let width = (r.high - r.low).abs().max(1e-9);
    let mut best: Option<f64> = None;
    for far in [r.low - 3.0 * width, r.high + 3.0 * width] {
        let steps = 12;
        let mut prev = r.central;
        for i in 1..=steps {
            let v = r.central + (far - r.central) * i as f64 / steps as f64;
            match breaks(v) {
                Some(false) => {
                    let (mut good, mut bad) = (prev, v);
                    // To a ten-thousandth of the range: finer than any input is known.
                    while (bad - good).abs() > 1e-4 * width {
                        let mid = 0.5 * (good + bad);
                        if breaks(mid) == Some(true) {
                            good = mid
                        } else {
                            bad = mid
                        }
                    }
                    if best.is_none_or(|b| (bad - r.central).abs() < (b - r.central).abs()) {
                        best = Some(bad);
                    }
                    break;
                }
                Some(true) => prev = v,
                None => break,
            }
        }
    }
    best
}
