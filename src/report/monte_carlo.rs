//! Monte Carlo results in every format: fan tables, the JSON document and tidy rows.
//!
//! JSON keys (on top of the deterministic ones, which hold **means** here and
//! say so in a `statistic` field): `mode` = "monte_carlo", `paths`, `seed`,
//! `mean` (metric key -> one value per year), `percentiles` (metric key ->
//! "p5" ... "p95" -> one value per year), `units` (metric key -> unit),
//! `break_even_probability` (year label -> probability of a **sustained**
//! break-even by the end of that year), `break_even_in_year`,
//! `break_even_first_negative_probability` (the paper's first-negative rule),
//! `within_budget_probability` (`invest` and `comparator`, by year), `npv` (the
//! Green Book NPV of the economic ledger), `break_even_range` and
//! `interventions`. Metric keys are those of [`crate::engine::metrics`]. `lac.*`
//! are counts at 31 March; `cost.*` in a Monte Carlo run are **in-year** costs
//! (the sum of monthly costs), not the annual cost of the 31 March cohort the
//! deterministic run shows. Renderers return values or text and write nothing.

use super::table::{RowKind, Table, Unit, warn_money};
use super::terminal;
use super::tidy::TidyRow;
use crate::engine::metrics::{Ledger, MetricUnit};
use crate::engine::{Metric, MonteCarlo, PERCENTILES, Summary};
use crate::finance::PlanInputs;
use crate::finance::discount::GREEN_BOOK_RATE;
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
    /// For `compare`: the comparator scenario's title and path.
    pub do_nothing: Option<(String, String)>,
    /// Index of the deterministic (paper's) model's sustained break-even year,
    /// `Some(None)` when it does not break even, `None` when it has no plan.
    pub deterministic_break_even: Option<Option<usize>>,
}

/// How the NPV is computed, said wherever it is shown.
pub const NPV_BASIS: &str = "Green Book NPV at 3.5% of the net cash flow (invest arm less comparator on the same path: paired saving less incremental investment); the first year undiscounted, year t divided by 1.035^t (from year 31, 3.0% a year, as the Green Book schedule)";

/// What the paper's ledger is, said wherever it is shown.
pub const PAPER_LEDGER: &str = "Paper's ledger (Table 3): savings against the plan's baseline cost, growth a pressure and its avoidance a saving, measured against the budget (so the MTFS impact and break-even are the plan's own, the same whichever comparator it is paired with; only the avoided growth and the economic ledger use the comparator)";

/// What the economic ledger is, said wherever it is shown.
pub const ECONOMIC_LEDGER: &str = "Economic ledger: the invest arm less the comparator arm on the same path (0 when a scenario is compared with itself)";

/// The name of the comparator arm, for titles.
pub fn comparator_name(meta: &McMeta) -> String {
    match &meta.do_nothing {
        Some((title, _)) => title.clone(),
        None => "its own do-nothing arm".into(),
    }
}

/// A sentence when the deterministic break-even year lies outside the Monte
/// Carlo's 25-75% range of sustained break-even years.
pub fn break_even_warning(s: &Scenario, sum: &Summary, meta: &McMeta) -> Option<String> {
    let det = meta.deterministic_break_even?;
    if sum.break_even_by.is_empty() {
        return None;
    }
    let range = sum.break_even_range();
    if !range.excludes(det) {
        return None;
    }
    let labels = s.year_labels();
    let name =
        |y: Option<usize>| y.map_or("not within the horizon".to_string(), |i| labels[i].clone());
    Some(format!(
        "Caution: the deterministic (paper) model breaks even in {}, outside the Monte Carlo's 25-75% range of sustained break-even years ({} to {}).",
        name(det),
        name(range.p25),
        name(range.p75)
    ))
}

fn r3(v: &[f64]) -> Value {
    Value::from(
        v.iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<f64>>(),
    )
}

fn means(sum: &Summary, metric: Metric) -> Vec<f64> {
    sum.get(metric)
        .map(|s| s.iter().map(|x| x.mean).collect())
        .unwrap_or_default()
}

fn pct(sum: &Summary, metric: Metric, i: usize) -> Vec<f64> {
    sum.get(metric)
        .map(|s| s.iter().map(|x| x.percentiles[i]).collect())
        .unwrap_or_default()
}

/// Year label -> value.
fn by_label(labels: &[String], v: &[f64]) -> Value {
    let mut o = Map::new();
    for (l, x) in labels.iter().zip(v) {
        o.insert(l.clone(), json!(x));
    }
    Value::Object(o)
}

/// Mean and percentiles of one metric, by year, as a JSON object.
fn stat_json(sum: &Summary, metric: Metric) -> Value {
    let mut o = Map::new();
    o.insert("unit".into(), json!(metric.unit().label()));
    o.insert("mean".into(), r3(&means(sum, metric)));
    for (i, (k, _)) in PERCENTILES.iter().enumerate() {
        o.insert((*k).into(), r3(&pct(sum, metric, i)));
    }
    Value::Object(o)
}

/// The JSON document of a Monte Carlo run.
pub fn json(s: &Scenario, sum: &Summary, meta: &McMeta) -> Value {
    let by_type = |of: fn(Placement) -> Metric| {
        let mut o = Map::new();
        for p in Placement::ALL {
            o.insert(p.key().into(), r3(&means(sum, of(p))));
        }
        Value::Object(o)
    };
    let mut mean = Map::new();
    let mut percentiles = Map::new();
    let mut units = Map::new();
    let mut definitions = Map::new();
    for &metric in &sum.metrics {
        let key = metric.key();
        mean.insert(key.clone(), r3(&means(sum, metric)));
        let mut p = Map::new();
        for (i, (k, _)) in PERCENTILES.iter().enumerate() {
            p.insert((*k).into(), r3(&pct(sum, metric, i)));
        }
        percentiles.insert(key.clone(), Value::Object(p));
        definitions.insert(key.clone(), json!(metric.definition()));
        units.insert(key, json!(metric.unit().label()));
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
            "unit_costs": super::json::unit_costs(s),
        },
        "mode": "monte_carlo",
        "paths": sum.paths,
        "seed": sum.seed,
        "years": labels,
        "lac": {
            "unit": "children",
            "statistic": "mean",
            "total": r3(&means(sum, Metric::Lac)),
            "by_type": by_type(Metric::LacBy),
        },
        "cost": {
            "unit": "pounds",
            "statistic": "mean",
            "basis": "in_year",
            "total": r3(&means(sum, Metric::Cost)),
            "by_type": by_type(Metric::CostBy),
            "post_care": r3(&means(sum, Metric::PostCareCost)),
        },
        "mean": mean,
        "percentiles": percentiles,
        "units": units,
        "definitions": definitions,
    });
    if let Some((title, path)) = &meta.do_nothing {
        doc["do_nothing_scenario"] = json!({ "title": title, "path": path });
    }
    if let Some(st) = &s.stochastic {
        doc["census"] = json!({
            "date": format!("{}-04-01", s.years[0].start_year()),
            "children": crate::engine::census::total(st),
        });
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
    if let Some(u) = super::json::uasc(s) {
        doc["uasc"] = u;
    }
    let Some(npv) = &sum.npv else {
        return doc;
    };
    let inputs = PlanInputs::new(s);
    let mut savings = Map::new();
    savings.insert(
        "placements".into(),
        r3(&means(sum, Metric::SavingsPlacements)),
    );
    savings.insert(
        "avoided_growth".into(),
        r3(&means(sum, Metric::SavingsAvoidedGrowth)),
    );
    // As counted in the total: after any optimism-bias shortfall.
    for l in &s.given_savings {
        let given: Vec<f64> = l
            .amounts
            .iter()
            .map(|v| v * (1.0 - s.optimism_bias.savings))
            .collect();
        savings.insert(l.id.clone(), r3(&given));
    }
    savings.insert("total".into(), r3(&means(sum, Metric::SavingsTotal)));
    let impact = means(sum, Metric::MtfsImpact);
    let median_break_even = sum
        .break_even_by
        .iter()
        .position(|&p| p >= 0.5)
        .map(|i| labels[i].clone());
    doc["plan"] = json!({
        "unit": "£'000s",
        "statistic": "mean",
        "ledger": "paper",
        "ledger_note": PAPER_LEDGER,
        "comparator": comparator_name(meta),
        "investment_total": r3(&inputs.investment_total),
        "savings": savings,
        "return_on_investment": r3(&means(sum, Metric::ReturnOnInvestment)),
        "cumulative_net": r3(&means(sum, Metric::CumulativeNet)),
        "mtfs_impact": r3(&impact),
        "break_even_year": crate::finance::break_even::sustained_index(&impact).map(|i| labels[i].clone()),
        "break_even_year_rule": "sustained: the first year from which the mean impact stays at or below zero",
        "break_even_median_year": median_break_even,
        "saving_vs_do_nothing": r3(&means(sum, Metric::PairedSaving)),
        "incremental_investment": r3(&means(sum, Metric::IncrementalInvestment)),
        "net_cash_flow": r3(&means(sum, Metric::NetCashFlow)),
    });
    doc["economic"] = json!({
        "unit": "£'000s",
        "ledger_note": ECONOMIC_LEDGER,
        "comparator": comparator_name(meta),
        "saving_vs_do_nothing": stat_json(sum, Metric::PairedSaving),
        "incremental_investment": stat_json(sum, Metric::IncrementalInvestment),
        "net_cash_flow": stat_json(sum, Metric::NetCashFlow),
    });
    if !sum.comparator_within_budget.is_empty() {
        doc["do_nothing_budget_gap"] = stat_json(sum, Metric::ComparatorGap);
    }
    doc["break_even_probability"] = by_label(&labels, &sum.break_even_by);
    doc["break_even_in_year"] = by_label(&labels, &sum.break_even_in);
    doc["break_even_rule"] = json!(
        "sustained: a path breaks even in the first year from which its MTFS impact stays at or below zero to the end of the horizon"
    );
    doc["break_even_first_negative_probability"] = by_label(&labels, &sum.first_negative_by);
    doc["break_even_first_negative_in_year"] = by_label(&labels, &sum.first_negative_in);
    let mut within = Map::new();
    within.insert("invest".into(), by_label(&labels, &sum.within_budget));
    if !sum.comparator_within_budget.is_empty() {
        within.insert(
            "comparator".into(),
            by_label(&labels, &sum.comparator_within_budget),
        );
    }
    within.insert(
        "rule".into(),
        json!("invest: MTFS impact at or below zero; comparator: do-nothing budget gap at or below zero"),
    );
    doc["within_budget_probability"] = Value::Object(within);
    let range = sum.break_even_range();
    let name = |y: Option<usize>| y.map(|i| labels[i].clone());
    doc["break_even_range"] = json!({
        "p25": name(range.p25),
        "p75": name(range.p75),
        "deterministic": meta.deterministic_break_even.and_then(name),
        "deterministic_outside_range": break_even_warning(s, sum, meta).is_some(),
        "note": break_even_warning(s, sum, meta),
    });
    let mut o = Map::new();
    o.insert("unit".into(), json!("£'000s"));
    o.insert("rate".into(), json!(GREEN_BOOK_RATE));
    o.insert(
        "of".into(),
        json!("net cash flow against the comparator (paired saving less incremental investment)"),
    );
    o.insert("basis".into(), json!(NPV_BASIS));
    o.insert("mean".into(), json!((npv.mean * 1000.0).round() / 1000.0));
    for (i, (k, _)) in PERCENTILES.iter().enumerate() {
        o.insert(
            (*k).into(),
            json!((npv.percentiles[i] * 1000.0).round() / 1000.0),
        );
    }
    doc["npv"] = Value::Object(o);
    doc
}

/// Tidy rows: one per year, metric, placement and statistic (`mean`, `p5` ...
/// `p95`), plus probability rows (`break_even_probability` for the sustained
/// rule, `break_even_first_negative_probability`, `within_budget_probability`
/// and `do_nothing_within_budget_probability`), the NPV (year `all`), and a
/// `deterministic_break_even_outside_range` flag (1 when the deterministic
/// break-even year lies outside the paths' 25-75% range).
pub fn tidy(s: &Scenario, sum: &Summary, meta: &McMeta) -> Vec<TidyRow> {
    let labels = s.year_labels();
    let mut out = Vec::with_capacity(sum.metrics.len() * labels.len() * 8);
    let row = |year: &str, metric: &str, statistic: &str, value: f64, unit: &'static str| {
        TidyRow::all(s, year, metric, statistic, value, unit)
    };
    for (t, year) in labels.iter().enumerate() {
        for (i, &metric) in sum.metrics.iter().enumerate() {
            let stat = &sum.stats[i][t];
            let placement = metric.placement().map_or("all", Placement::key);
            let mut push = |statistic: &str, value: f64| {
                let mut r = row(year, metric.tidy(), statistic, value, metric.unit().label());
                r.placement = placement.into();
                out.push(r);
            };
            push("mean", stat.mean);
            for (j, (k, _)) in PERCENTILES.iter().enumerate() {
                push(k, stat.percentiles[j]);
            }
        }
        for (metric, v) in [
            ("break_even_probability", &sum.break_even_by),
            (
                "break_even_first_negative_probability",
                &sum.first_negative_by,
            ),
            ("within_budget_probability", &sum.within_budget),
            (
                "do_nothing_within_budget_probability",
                &sum.comparator_within_budget,
            ),
        ] {
            if let Some(&p) = v.get(t) {
                out.push(row(year, metric, "probability", p, "probability"));
            }
        }
    }
    out.extend(super::tidy::uasc(s));
    if let Some(npv) = &sum.npv {
        out.push(row("all", "npv", "mean", npv.mean, "£'000s"));
        for (j, (k, _)) in PERCENTILES.iter().enumerate() {
            out.push(row("all", "npv", k, npv.percentiles[j], "£'000s"));
        }
        let outside = break_even_warning(s, sum, meta).is_some();
        out.push(row(
            "all",
            "deterministic_break_even_outside_range",
            "flag",
            f64::from(u8::from(outside)),
            "flag",
        ));
    }
    out
}

/// Why a path's MTFS impact differs from Table 3 most in the first year.
pub const MTFS_NOTE: &str = "Each path's placement saving is the plan's baseline cost (today's children at today's prices) less the path's in-year cost (monthly costs from the opening census on 1 April), so the first year differs most from Table 3, which books the paper's phased first-year saving.";

/// A fan table: P5 ... P95 and the mean of one metric by year.
pub fn fan_table(s: &Scenario, sum: &Summary, metric: Metric, title: &str, unit: Unit) -> Table {
    let scale = if metric.unit() == MetricUnit::Pounds && unit == Unit::Thousands {
        1.0 / 1000.0
    } else {
        1.0
    };
    let mut t = Table::new(metric.tidy(), title, unit, s.year_labels());
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
    t.notes.push(format!(
        "Monte Carlo: percentiles and the mean across {} paths (seed {}).",
        sum.paths, sum.seed
    ));
    t
}

/// The fan tables a Monte Carlo run shows, in order, with their ledgers named;
/// each money table carries the default-costs warning when the scenario's unit
/// costs are borrowed.
pub fn fan_tables(s: &Scenario, sum: &Summary, meta: &McMeta) -> Vec<Table> {
    let mut tables = fans(s, sum, meta);
    warn_money(&mut tables, crate::scenario::costs::warning(s).as_deref());
    tables
}

fn fans(s: &Scenario, sum: &Summary, meta: &McMeta) -> Vec<Table> {
    let mut tables = vec![
        fan_table(
            s,
            sum,
            Metric::Lac,
            "Children in care at 31 March",
            Unit::Children,
        ),
        fan_table(
            s,
            sum,
            Metric::Cost,
            "In-year placement cost",
            Unit::Thousands,
        ),
    ];
    if sum.npv.is_none() {
        return tables;
    }
    let against = comparator_name(meta);
    let mut paired = fan_table(
        s,
        sum,
        Metric::PairedSaving,
        &format!("Economic ledger: saving against {against} (paired, same path)"),
        Unit::Thousands,
    );
    paired.notes.push(ECONOMIC_LEDGER.into());
    tables.push(paired);
    let mut net = fan_table(
        s,
        sum,
        Metric::NetCashFlow,
        &format!(
            "Economic ledger: net cash flow against {against} (saving less incremental investment)"
        ),
        Unit::Thousands,
    );
    net.notes.push(NPV_BASIS.into());
    tables.push(net);
    if sum.get(Metric::ComparatorGap).is_some() {
        let paper = super::tables::paper_labels(s);
        let line = if paper {
            "Appendix 5 lines and the arm's own growth"
        } else {
            "do-nothing budget lines and the arm's own growth"
        };
        let mut gap = fan_table(
            s,
            sum,
            Metric::ComparatorGap,
            &format!("Do-nothing budget gap of {against} ({line}, per path)"),
            Unit::Thousands,
        );
        gap.notes.push(format!(
            "On each path: the comparator's underlying overspend and price pressure ({} lines) plus its avoided growth there (the comparator arm's cost over today's children at that year's prices), the same growth the paper's ledger counts as avoided.",
            if paper { "Appendix 5" } else { "do-nothing budget" }
        ));
        tables.push(gap);
    }
    let mut impact = fan_table(
        s,
        sum,
        Metric::MtfsImpact,
        "Paper's ledger: impact on the MTFS (negative: the plan pays its way)",
        Unit::Thousands,
    );
    impact.notes.push(PAPER_LEDGER.into());
    impact.notes.push(MTFS_NOTE.into());
    tables.push(impact);
    tables
}

/// The break-even and budget-position probabilities as a table (percent).
pub fn probability_table(s: &Scenario, sum: &Summary, meta: &McMeta) -> Table {
    let mut be = Table::new(
        "break_even_probability",
        "Break-even and budget position: probability across paths",
        Unit::Percent,
        s.year_labels(),
    );
    let rows: [(RowKind, &str, &str, &[f64]); 5] = [
        (
            RowKind::Total,
            "break_even_by",
            "Sustained break-even by the year",
            &sum.break_even_by,
        ),
        (
            RowKind::Line,
            "break_even_in",
            "Sustained break-even in the year",
            &sum.break_even_in,
        ),
        (
            RowKind::Line,
            "first_negative_by",
            "Paper's rule: impact first negative by the year",
            &sum.first_negative_by,
        ),
        (
            RowKind::Line,
            "within_budget",
            "Plan within budget in the year (MTFS impact <= 0)",
            &sum.within_budget,
        ),
        (
            RowKind::Line,
            "do_nothing_within_budget",
            "Do nothing within budget (gap <= 0)",
            &sum.comparator_within_budget,
        ),
    ];
    for (kind, id, label, v) in rows {
        // The comparator's row is empty when it has no budget.
        if !v.is_empty() {
            be.row(kind, id, label, v.iter().map(|p| p * 100.0).collect());
        }
    }
    be.notes.push("Sustained break-even: the first year from which a path's MTFS impact stays at or below zero to the end of the horizon. The paper's rule counts the first negative year even if the path returns to deficit. Both are the plan against its budget, not against the comparator: the NPV is the verdict against the comparator.".into());
    if let Some(w) = break_even_warning(s, sum, meta) {
        be.notes.push(w);
    }
    be
}

/// The terminal report: compact fan tables and the break-even distribution,
/// with the scenario's default-costs warning beside every money table.
pub fn terminal(s: &Scenario, sum: &Summary, meta: &McMeta) -> String {
    terminal_warned(s, sum, meta, crate::scenario::costs::warning(s).as_deref())
}

/// The terminal report with `warning` (the default-costs warning of every
/// scenario the figures come from, see [`crate::scenario::costs::warnings`])
/// beside every money table and under the NPV.
pub fn terminal_warned(
    s: &Scenario,
    sum: &Summary,
    meta: &McMeta,
    warning: Option<&str>,
) -> String {
    let mut out = format!(
        "{} - {}\n({})\nMonte Carlo: {} paths, seed {}; every table gives percentiles and the mean across paths\n",
        s.authority, s.title, meta.scenario_path, sum.paths, sum.seed
    );
    if let Some(st) = &s.stochastic {
        out.push_str(&format!(
            "Opening census: {} children on 1 April {}\n",
            super::table::group_thousands(crate::engine::census::total(st), 0),
            s.years[0].start_year()
        ));
    }
    if let Some((title, path)) = &meta.do_nothing {
        out.push_str(&format!("Compared with: {title} ({path})\n"));
    } else if sum.npv.is_some() {
        out.push_str(
            "Compared with: its own do-nothing arm (the same rates without interventions)\n",
        );
    }
    out.push('\n');
    let mut tables = fans(s, sum, meta);
    if sum.npv.is_some() {
        tables.push(probability_table(s, sum, meta));
    }
    tables.extend(super::tables::uasc_lac(s));
    warn_money(&mut tables, warning);
    out.push_str(&terminal::render_all(&tables));
    if let Some(npv) = &sum.npv {
        let never = 1.0 - sum.break_even_by.last().copied().unwrap_or(0.0);
        out.push_str(&format!(
            "\nNo sustained break-even within the horizon: {:.1}% of paths\n",
            never * 100.0
        ));
        if let Some(w) = break_even_warning(s, sum, meta) {
            out.push_str(&format!("{w}\n"));
        }
        // Like the tables: thousands separated, a loss in brackets.
        let k = |v: f64| super::table::format_value(v, Unit::Thousands);
        out.push_str(&format!(
            "\nNPV against {} (£'000s): mean {}, P5 {}, median {}, P95 {}\n  {}\n",
            comparator_name(meta),
            k(npv.mean),
            k(npv.percentiles[0]),
            k(npv.percentiles[3]),
            k(npv.percentiles[6]),
            NPV_BASIS
        ));
        if let Some(w) = warning {
            out.push_str(&format!("  {w}\n"));
        }
    }
    debug_assert!(
        sum.metrics
            .iter()
            .all(|m| m.ledger() != Ledger::Economic || sum.npv.is_some())
    );
    out
}

/// Per-path results as CSV, one row per path and year, so that any percentile
/// can be checked in a spreadsheet (`PERCENTILE.INC` over a column gives the
/// same value as `percentiles`). Every column name ends with its unit
/// (`_children`, `_gbp`, `_gbp_000s`); break-even years are labels, the NPV is
/// the same on every row of a path. With a `note` (the default-costs note), a
/// last column `notes` holds it on every row, as every row holds money.
pub fn per_path_csv(
    s: &Scenario,
    mc: &MonteCarlo,
    note: Option<&str>,
) -> Result<Vec<u8>, csv::Error> {
    let labels = s.year_labels();
    let mut w = csv::Writer::from_writer(Vec::new());
    let col = |m: Metric| format!("{}_{}", m.tidy(), m.unit().suffix());
    let arm = [Metric::Lac, Metric::Cost, Metric::PostCareCost];
    let mut paired = vec![
        Metric::ComparatorLac,
        Metric::PairedSaving,
        Metric::IncrementalInvestment,
        Metric::NetCashFlow,
        Metric::MtfsImpact,
    ];
    if mc.has_comparator_budget {
        paired.push(Metric::ComparatorGap);
    }
    let mut header: Vec<String> = vec!["path".into(), "year".into()];
    header.extend(arm.iter().map(|&m| col(m)));
    if mc.has_finance {
        header.extend(paired.iter().map(|&m| col(m)));
        header.extend([
            "break_even_year_sustained".into(),
            "break_even_year_first_negative".into(),
            "npv_gbp_000s".into(),
        ]);
    }
    if note.is_some() {
        header.push("notes".into());
    }
    w.write_record(&header)?;
    let num = super::csv::number;
    let year = |i: i16| {
        if i >= 0 {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    for p in 0..mc.paths {
        for (t, label) in labels.iter().enumerate() {
            let mut rec = vec![p.to_string(), label.clone()];
            rec.extend(arm.iter().map(|&m| num(mc.value(p, t, m))));
            if mc.has_finance {
                rec.extend(paired.iter().map(|&m| num(mc.value(p, t, m))));
                rec.extend([
                    year(mc.break_even[p]),
                    year(mc.first_negative[p]),
                    num(mc.npv[p]),
                ]);
            }
            if let Some(n) = note {
                rec.push(n.to_string());
            }
            w.write_record(&rec)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
