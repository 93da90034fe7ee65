//! Monte Carlo results in every format: fan tables, the JSON document and tidy rows.
//!
//! JSON keys (on top of the deterministic ones, which hold **means** here):
//! `mode` = "monte_carlo", `paths`, `seed`, `mean` (metric key -> one value per
//! year), `percentiles` (metric key -> "p5" ... "p95" -> one value per year),
//! `break_even_probability` (year label -> probability of having broken even by
//! the end of that year), `break_even_in_year`, `npv`, and `interventions` (id,
//! kind, paying investment line, start month from 1 April of the first year). Metric keys are those of
//! [`crate::engine::metrics`] (`lac.total`, `lac.by_type.ifa`, `cost.total`,
//! `plan.mtfs_impact`, ...). `lac.*` are counts at 31 March; `cost.*` in a Monte
//! Carlo run are **in-year** costs (the sum of monthly costs), not the annual
//! cost of the 31 March cohort the deterministic run shows. Renderers return
//! values or text and write nothing.

use super::table::{RowKind, Table, Unit};
use super::terminal;
use super::tidy::TidyRow;
use crate::engine::metrics::{self as m, N_METRICS};
use crate::engine::{MonteCarlo, PERCENTILES, Summary};
use crate::finance::PlanInputs;
use crate::placement::Placement;
use crate::scenario::Scenario;
use serde_json::{Map, Value, json};

/// Where a Monte Carlo run came from.
#[derive(Debug, Clone, Default)]
pub struct McMeta {
    /// The scenario path the user named.
    pub scenario_path: String,
    /// SHA-256 of the scenario files.
    pub scenario_hash: String,
    /// For `compare`: the do-nothing scenario's title and path.
    pub do_nothing: Option<(String, String)>,
}

fn r3(v: &[f64]) -> Value {
    Value::from(
        v.iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<f64>>(),
    )
}

fn means(sum: &Summary, metric: usize) -> Vec<f64> {
    sum.get(metric)
        .map(|s| s.iter().map(|x| x.mean).collect())
        .unwrap_or_default()
}

fn pct(sum: &Summary, metric: usize, i: usize) -> Vec<f64> {
    sum.get(metric)
        .map(|s| s.iter().map(|x| x.percentiles[i]).collect())
        .unwrap_or_default()
}

/// The JSON document of a Monte Carlo run.
pub fn json(s: &Scenario, sum: &Summary, meta: &McMeta) -> Value {
    let by_type = |first: usize| {
        let mut o = Map::new();
        for p in Placement::ALL {
            o.insert(p.key().into(), r3(&means(sum, first + p.index())));
        }
        Value::Object(o)
    };
    let mut mean = Map::new();
    let mut percentiles = Map::new();
    for &metric in &sum.metrics {
        let key = m::name(metric).key;
        mean.insert(key.into(), r3(&means(sum, metric)));
        let mut p = Map::new();
        for (i, (k, _)) in PERCENTILES.iter().enumerate() {
            p.insert((*k).into(), r3(&pct(sum, metric, i)));
        }
        percentiles.insert(key.into(), Value::Object(p));
    }
    let labels = s.year_labels();
    let mut doc = json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "scenario": {
            "title": s.title,
            "authority": s.authority,
            "source": s.source,
            "path": meta.scenario_path,
            "hash": meta.scenario_hash,
            "kind": if s.plan.is_some() { "plan" } else { "do_nothing" },
        },
        "mode": "monte_carlo",
        "paths": sum.paths,
        "seed": sum.seed,
        "years": labels,
        "lac": {
            "statistic": "mean",
            "total": r3(&means(sum, m::LAC_TOTAL)),
            "by_type": by_type(m::LAC_BY_TYPE),
        },
        "cost": {
            "unit": "pounds",
            "statistic": "mean",
            "basis": "in_year",
            "total": r3(&means(sum, m::COST_TOTAL)),
            "by_type": by_type(m::COST_BY_TYPE),
            "post_care": r3(&means(sum, m::POST_CARE_COST)),
        },
        "mean": mean,
        "percentiles": percentiles,
    });
    if let Some((title, path)) = &meta.do_nothing {
        doc["do_nothing_scenario"] = json!({ "title": title, "path": path });
    }
    if let Some(st) = &s.stochastic {
        doc["interventions"] = st
            .interventions
            .iter()
            .map(|iv| {
                json!({
                    "id": iv.id,
                    "kind": iv.kind,
                    "line": iv.line,
                    "start_month": iv.start_month,
                    "ramp_months": iv.ramp_months,
                })
            })
            .collect();
    }
    if sum.npv.is_some() {
        let inputs = PlanInputs::new(s);
        let mut savings = Map::new();
        savings.insert("placements".into(), r3(&means(sum, m::SAVINGS_PLACEMENTS)));
        savings.insert(
            "avoided_growth".into(),
            r3(&means(sum, m::SAVINGS_AVOIDED_GROWTH)),
        );
        for l in &s.given_savings {
            savings.insert(l.id.clone(), r3(&l.amounts));
        }
        savings.insert("total".into(), r3(&means(sum, m::SAVINGS_TOTAL)));
        let impact = means(sum, m::MTFS_IMPACT);
        let mean_break_even = impact.iter().position(|&v| v < 0.0);
        let median_break_even = sum
            .break_even_by
            .iter()
            .position(|&p| p >= 0.5)
            .map(|i| labels[i].clone());
        doc["plan"] = json!({
            "unit": "£'000s",
            "statistic": "mean",
            "investment_total": r3(&inputs.investment_total),
            "savings": savings,
            "return_on_investment": r3(&means(sum, m::RETURN_ON_INVESTMENT)),
            "cumulative_net": r3(&means(sum, m::CUMULATIVE_NET)),
            "mtfs_impact": r3(&impact),
            "break_even_year": mean_break_even.map(|i| labels[i].clone()),
            "break_even_median_year": median_break_even,
        });
        let mut by = Map::new();
        let mut inn = Map::new();
        for (i, l) in labels.iter().enumerate() {
            by.insert(l.clone(), json!(sum.break_even_by[i]));
            inn.insert(l.clone(), json!(sum.break_even_in[i]));
        }
        doc["break_even_probability"] = Value::Object(by);
        doc["break_even_in_year"] = Value::Object(inn);
        if let Some(npv) = &sum.npv {
            let mut o = Map::new();
            o.insert("unit".into(), json!("£'000s"));
            o.insert(
                "rate".into(),
                json!(crate::finance::discount::GREEN_BOOK_RATE),
            );
            o.insert("of".into(), json!("savings less investment"));
            o.insert("mean".into(), json!((npv.mean * 1000.0).round() / 1000.0));
            for (i, (k, _)) in PERCENTILES.iter().enumerate() {
                o.insert(
                    (*k).into(),
                    json!((npv.percentiles[i] * 1000.0).round() / 1000.0),
                );
            }
            doc["npv"] = Value::Object(o);
        }
    }
    doc
}

/// Tidy rows: one per year, metric, placement and statistic (`mean`, `p5` ... `p95`),
/// plus `break_even_probability` rows (statistic `probability`).
pub fn tidy(s: &Scenario, sum: &Summary) -> Vec<TidyRow> {
    let labels = s.year_labels();
    let mut out = Vec::with_capacity(sum.metrics.len() * labels.len() * 8);
    for (t, year) in labels.iter().enumerate() {
        for (i, &metric) in sum.metrics.iter().enumerate() {
            let name = m::name(metric);
            let stat = &sum.stats[i][t];
            let placement = name.placement.map_or("all", Placement::key);
            let mut push = |statistic: &str, value: f64| {
                out.push(TidyRow {
                    year: year.clone(),
                    scenario: s.title.clone(),
                    metric: name.tidy.into(),
                    placement: placement.into(),
                    statistic: statistic.into(),
                    value,
                    unit: name.unit,
                });
            };
            push("mean", stat.mean);
            for (j, (k, _)) in PERCENTILES.iter().enumerate() {
                push(k, stat.percentiles[j]);
            }
        }
        if let Some(&p) = sum.break_even_by.get(t) {
            out.push(TidyRow {
                year: year.clone(),
                scenario: s.title.clone(),
                metric: "break_even_probability".into(),
                placement: "all".into(),
                statistic: "probability".into(),
                value: p,
                unit: "probability",
            });
        }
    }
    out
}

/// Why a path's MTFS impact differs from Table 3 most in the first year.
pub const MTFS_NOTE: &str = "Each path's placement saving is the plan's baseline cost less the path's in-year cost (monthly costs from its own opening count on 1 April), so the first year differs most from Table 3, which books the paper's phased first-year saving.";

/// A fan table: P5 ... P95 and the mean of one metric by year.
pub fn fan_table(s: &Scenario, sum: &Summary, metric: usize, title: &str, unit: Unit) -> Table {
    let scale = if m::name(metric).unit == "pounds" && unit == Unit::Thousands {
        1.0 / 1000.0
    } else {
        1.0
    };
    let mut t = Table::new(m::name(metric).tidy, title, unit, s.year_labels());
    for (i, (k, _)) in PERCENTILES.iter().enumerate() {
        let v = pct(sum, metric, i).iter().map(|x| x * scale).collect();
        let label = if *k == "p50" {
            "Median (P50)".to_string()
        } else {
            k.to_uppercase()
        };
        let kind = if *k == "p50" {
            RowKind::Subtotal
        } else {
            RowKind::Line
        };
        t.row(kind, *k, label, v);
    }
    let v = means(sum, metric).iter().map(|x| x * scale).collect();
    t.row(RowKind::Total, "mean", "Mean", v);
    t
}

/// The terminal report: compact fan tables and the break-even distribution.
pub fn terminal(s: &Scenario, sum: &Summary, meta: &McMeta) -> String {
    let mut out = format!(
        "{} - {}\n({})\nMonte Carlo: {} paths, seed {}\n",
        s.authority, s.title, meta.scenario_path, sum.paths, sum.seed
    );
    if let Some((title, path)) = &meta.do_nothing {
        out.push_str(&format!("Paired with do nothing: {title} ({path})\n"));
    }
    out.push('\n');
    let mut tables = vec![fan_table(
        s,
        sum,
        m::LAC_TOTAL,
        "Children in care at 31 March",
        Unit::Children,
    )];
    tables.push(fan_table(
        s,
        sum,
        m::COST_TOTAL,
        "In-year placement cost",
        Unit::Thousands,
    ));
    if sum.npv.is_some() {
        tables.push(fan_table(
            s,
            sum,
            m::SAVING_VS_DO_NOTHING,
            "Saving against do nothing (paired)",
            Unit::Thousands,
        ));
        let mut impact = fan_table(
            s,
            sum,
            m::MTFS_IMPACT,
            "Impact on the MTFS (negative: the plan pays its way)",
            Unit::Thousands,
        );
        impact.notes.push(MTFS_NOTE.into());
        tables.push(impact);
    }
    out.push_str(&terminal::render_all(&tables));
    if let Some(npv) = &sum.npv {
        let labels = s.year_labels();
        out.push_str("\nBreak-even (first year the MTFS impact is negative)\n");
        out.push_str(&format!(
            "  {:<10} {:>12} {:>12}\n",
            "Year", "in year", "by year"
        ));
        for (i, l) in labels.iter().enumerate() {
            out.push_str(&format!(
                "  {:<10} {:>11.1}% {:>11.1}%\n",
                l,
                sum.break_even_in[i] * 100.0,
                sum.break_even_by[i] * 100.0
            ));
        }
        let never = 1.0 - sum.break_even_by.last().copied().unwrap_or(0.0);
        out.push_str(&format!(
            "  {:<10} {:>11.1}%\n",
            "not by end",
            never * 100.0
        ));
        // Like the tables: thousands separated, a loss in brackets.
        let k = |v: f64| super::table::format_value(v, Unit::Thousands);
        out.push_str(&format!(
            "\nNPV of savings less investment at 3.5% (£'000s): mean {}, P5 {}, median {}, P95 {}\n",
            k(npv.mean),
            k(npv.percentiles[0]),
            k(npv.percentiles[3]),
            k(npv.percentiles[6])
        ));
    }
    debug_assert!(sum.metrics.iter().all(|&x| x < N_METRICS));
    out
}

/// Per-path results as CSV, one row per path and year, so that any percentile
/// can be checked in a spreadsheet (`PERCENTILE.INC` over a column gives the
/// same value as `percentiles`): children at 31 March, in-year placement and
/// post-care cost (pounds) and, for plans, the paired saving, MTFS impact
/// (£'000s), the break-even year and the NPV (£'000s, same on every row of a path).
pub fn per_path_csv(s: &Scenario, mc: &MonteCarlo) -> Result<Vec<u8>, csv::Error> {
    let labels = s.year_labels();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["path", "year", "lac", "cost", "post_care_cost"];
    if mc.has_finance {
        header.extend([
            "do_nothing_lac",
            "saving_vs_do_nothing",
            "mtfs_impact",
            "break_even_year",
            "npv",
        ]);
    }
    w.write_record(&header)?;
    let num = super::csv::number;
    for p in 0..mc.paths {
        for (t, year) in labels.iter().enumerate() {
            let mut rec = vec![
                p.to_string(),
                year.clone(),
                num(mc.value(p, t, m::LAC_TOTAL)),
                num(mc.value(p, t, m::COST_TOTAL)),
                num(mc.value(p, t, m::POST_CARE_COST)),
            ];
            if mc.has_finance {
                let be = mc.break_even[p];
                rec.extend([
                    num(mc.value(p, t, m::DO_NOTHING_LAC)),
                    num(mc.value(p, t, m::SAVING_VS_DO_NOTHING)),
                    num(mc.value(p, t, m::MTFS_IMPACT)),
                    if be >= 0 {
                        labels[be as usize].clone()
                    } else {
                        String::new()
                    },
                    num(mc.npv[p]),
                ]);
            }
            w.write_record(&rec)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
