//! The JSON document of a run: stable keys that users' scripts depend on.
//!
//! Keys: `years`; `lac.total`, `lac.by_type` (arrays per year); `cost.total`,
//! `cost.by_type` (pounds); for plan scenarios `plan.investment_total`,
//! `plan.savings.placements`, `plan.savings.avoided_growth`, one key per given
//! saving (e.g. `plan.savings.workforce`), `plan.return_on_investment`,
//! `plan.mtfs_impact` (all £'000s), `plan.break_even_year` (sustained rule) and
//! `plan.break_even_first_negative_year` (the paper's rule); `scenario.unit_costs`
//! says whose unit costs they are (`source`: `council` or `default`, with the
//! `warning` every output shows on default costs); with a `[uasc]` section,
//! `uasc` holds the UASC forecast ([`uasc`]).

use crate::placement::{ByPlacement, Placement};
use crate::results::Deterministic;
use crate::scenario::Scenario;
use serde_json::{Map, Value, json};

/// Rounds to the pound (3 decimals in £'000s, 0 in pounds) so files stay readable.
fn r3(v: &[f64]) -> Value {
    Value::from(
        v.iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<f64>>(),
    )
}

fn by_type(rows: &[ByPlacement<f64>]) -> Value {
    let mut m = Map::new();
    for p in Placement::ALL {
        let col: Vec<f64> = rows.iter().map(|r| r[p]).collect();
        m.insert(p.key().to_string(), r3(&col));
    }
    Value::Object(m)
}

/// Provenance of a run, included in every document.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// The scenario path the user named.
    pub scenario_path: String,
    /// SHA-256 of the scenario files.
    pub scenario_hash: String,
}

/// `scenario.unit_costs`: whose unit costs the figures use (`source`:
/// `council` or `default`), the file's `note`, the yearly uplift by placement
/// type, and the default-costs `warning` (null on the council's own costs).
pub fn unit_costs(s: &Scenario) -> Value {
    let mut uplift = Map::new();
    for p in Placement::ALL {
        uplift.insert(p.key().to_string(), json!(s.unit_cost_uplift[p]));
    }
    json!({
        "source": s.unit_cost_source.source,
        "note": s.unit_cost_source.note,
        "uplift_by_type": uplift,
        "warning": crate::scenario::costs::warning(s),
    })
}

/// `uasc`, for a scenario with a `[uasc]` section ([`crate::uasc`]): children
/// at 31 March on the engine's expected-value model, all (`total`), UASC
/// (`uasc`) and the rest (`excluding_uasc`), UASC entries in each year, and the
/// UASC in the opening census; every value an expected value, as `statistic`
/// and `basis` say.
pub fn uasc(s: &Scenario) -> Option<Value> {
    let f = crate::uasc::forecast(s)?;
    Some(json!({
        "unit": "children",
        "statistic": crate::uasc::STATISTIC,
        "basis": crate::uasc::BASIS,
        "opening_uasc": f.opening_uasc,
        "at_31_march": {
            "total": r3(&f.total),
            "uasc": r3(&f.uasc),
            "excluding_uasc": r3(&f.excluding_uasc),
        },
        "uasc_entries": r3(&f.uasc_entries),
    }))
}

/// The JSON document of a deterministic run.
pub fn deterministic(s: &Scenario, r: &Deterministic, meta: &Meta) -> Value {
    let p = &r.projection;
    let mut doc = json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "scenario": {
            "title": s.title,
            "authority": s.authority,
            "source": s.source,
            "path": meta.scenario_path,
            "hash": meta.scenario_hash,
            "kind": if s.plan.is_some() { "plan" } else { "do_nothing" },
            "optimism_bias": s.optimism_bias,
            "unit_costs": unit_costs(s),
        },
        "mode": "deterministic",
        "years": s.year_labels(),
        "lac": {
            "baseline_total": p.baseline_total,
            "total": r3(&p.total),
            "by_type": by_type(&p.by_type),
            "do_nothing": r3(&r.do_nothing_total),
            "do_nothing_exc_uasc": r3(&r.do_nothing_exc_uasc),
        },
        "cost": {
            "unit": "pounds",
            "baseline": (p.baseline_cost * 1000.0).round() / 1000.0,
            "total": r3(&p.cost_total),
            "by_type": by_type(&p.cost_by_type),
        },
        "do_nothing": {
            "growth_rate": s.do_nothing.growth_rate,
        },
    });
    if let Some(b) = &r.budget {
        doc["do_nothing"]["budget"] = json!({
            "unit": "£'000s",
            "name": b.name,
            "budget": r3(&b.budget),
            "standstill": r3(&b.standstill),
            "growth_in_numbers": r3(&b.growth_in_numbers),
            "prices": r3(&b.prices),
            "total": r3(&b.total),
            "gap": r3(&b.gap),
        });
    }
    if let Some(f) = &r.plan {
        let mut savings = Map::new();
        savings.insert("placements".into(), r3(&f.placements));
        savings.insert("avoided_growth".into(), r3(&f.avoided_growth));
        for l in &f.given {
            savings.insert(l.id.clone(), r3(&l.values));
        }
        savings.insert("total".into(), r3(&f.savings_total));
        let mut investment = Map::new();
        for g in &f.investment {
            for l in &g.lines {
                investment.insert(l.id.clone(), r3(&l.values));
            }
        }
        doc["plan"] = json!({
            "unit": "£'000s",
            "investment_total": r3(&f.investment_total),
            "investment": investment,
            "savings": savings,
            "return_on_investment": r3(&f.return_on_investment),
            "cumulative_net": r3(&f.cumulative_net),
            "mtfs": {
                "undelivered_savings": r3(&f.mtfs_undelivered),
                "forecast_overspend": r3(&f.forecast_overspend),
                "growth": r3(&f.growth),
            },
            "mtfs_impact": r3(&f.mtfs_impact),
            "break_even_year": f.break_even.map(|b| b.year.label()),
            "break_even_years_after": f.break_even.map(|b| b.years_after),
            "break_even_rule": "sustained: the first year from which the MTFS impact stays at or below zero",
            "break_even_first_negative_year": f.break_even_first_negative.map(|b| b.year.label()),
            "statistic": "deterministic (paper model)",
        });
    }
    if let Some(u) = uasc(s) {
        doc["uasc"] = u;
    }
    doc
}
