//! Partnership tables, JSON and tidy CSV, built once from a run and rendered by
//! the same renderers as every other report. Money is in pounds in the results
//! and JSON, £'000s in the tables, like the papers.

use super::charts;
use super::data::{Band, Series};
use super::table::{RowKind, Table, Unit};
use crate::partnership::pathway::DAYS_PER_MONTH;
use crate::partnership::{PartnerYear, Partnership, PathResult, Summary};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Reads one number from a partner's year.
type Measure = fn(&PartnerYear) -> f64;

fn k(v: f64) -> f64 {
    v / 1000.0
}

/// The in-scope budget of the budget year by partner and pooled function, £'000s
/// (the Bexley, Kent and Medway table): totals are computed, not given.
pub fn budget_table(p: &Partnership) -> Table {
    let mut columns: Vec<String> = p.functions.iter().map(|f| f.name.clone()).collect();
    columns.push("Total".into());
    let mut t = Table::new(
        "partnership_budget",
        format!(
            "{}: {} budget to be transferred (£'000s)",
            p.name, p.budget_year
        ),
        Unit::Thousands1,
        columns,
    );
    let row = |b: &[f64]| -> Vec<f64> {
        let mut v: Vec<f64> = b.iter().map(|x| k(*x)).collect();
        v.push(k(b.iter().sum()));
        v
    };
    for partner in &p.partners {
        t.row(
            RowKind::Line,
            partner.id.clone(),
            partner.name.clone(),
            row(&partner.budget),
        );
    }
    let totals: Vec<f64> = (0..p.functions.len())
        .map(|f| p.partners.iter().map(|x| x.budget[f]).sum())
        .collect();
    t.row(RowKind::Total, "total", "Total", row(&totals));
    t
}

/// Per partner and year: contribution, overspend share, inter-agency spend and
/// income, cost in the partnership and had it stayed alone, £'000s.
pub fn finance_table(p: &Partnership, r: &PathResult) -> Table {
    let mut t = Table::new(
        "partner_finance",
        format!(
            "{}: contributions and inter-agency fees, expected values (£'000s)",
            p.name
        ),
        Unit::Thousands1,
        p.year_labels(),
    );
    let lines: [(&str, &str, Measure); 8] = [
        ("contribution", "Contribution", |y| y.contribution),
        (
            "staff_recharges",
            "Staff recharges received (quarterly)",
            |y| y.staff_recharges,
        ),
        ("overspend", "Share of hub overspends", |y| y.overspend),
        ("interagency_spend", "Inter-agency fees paid", |y| {
            y.interagency_spend
        }),
        ("interagency_income", "Inter-agency fees received", |y| {
            y.interagency_income
        }),
        (
            "settlement_paid",
            "of which paid to partners (sufficiency deficit)",
            |y| y.settlement_paid,
        ),
        ("cost", "Cost in the partnership", |y| y.cost),
        ("alone_cost", "Cost had it stayed alone", |y| y.alone_cost),
    ];
    for (i, partner) in p.partners.iter().enumerate() {
        t.heading(partner.name.clone());
        for (id, label, f) in &lines {
            let kind = if *id == "cost" {
                RowKind::Subtotal
            } else {
                RowKind::Line
            };
            t.row(
                kind,
                format!("{}_{id}", partner.id),
                *label,
                r.partners[i].iter().map(|y| k(f(y))).collect(),
            );
        }
        t.row(
            RowKind::Subtotal,
            format!("{}_partnership_less_alone", partner.id),
            "Partnership less alone",
            r.partners[i]
                .iter()
                .map(|y| k(y.cost - y.alone_cost))
                .collect(),
        );
    }
    t.notes.push("Cost = contribution + overspend share + fees paid - fees received; alone = in-scope budget + fees paid - fees received on the same flows without pooling adopters.".into());
    if r.partners
        .iter()
        .flatten()
        .any(|y| y.staff_recharges != 0.0)
    {
        t.notes.push("Staff recharges are cash, not cost: the partner pays those staff through its own payroll and the pooled budget pays it back each quarter, so they net to nothing in the cost.".into());
    }
    t
}

/// Per partner and year: the adoption pathway's flows, children (expected values).
pub fn flows_table(p: &Partnership, r: &PathResult) -> Table {
    let mut t = Table::new(
        "adoption_flows",
        format!("{}: adoption flows, expected values", p.name),
        Unit::Children,
        p.year_labels(),
    );
    let lines: [(&str, &str, Measure); 8] = [
        ("placement_orders", "Placement orders", |y| {
            y.flows.placement_orders
        }),
        ("matched", "Children matched", |y| y.flows.matched),
        ("matched_in_region", "of whom with regional adopters", |y| {
            y.flows.matched_in_region
        }),
        (
            "matched_with_partners",
            "of whom with other partners' adopters",
            |y| y.flows.matched_with_partners,
        ),
        ("bought_in", "of whom bought in", |y| y.flows.bought_in),
        ("placed", "Children placed (moved in)", |y| y.flows.placed),
        ("adoption_orders", "Adoption orders", |y| {
            y.flows.adoption_orders
        }),
        ("adopters_approved", "Adopter households approved", |y| {
            y.flows.adopters_approved
        }),
    ];
    let ny = p.years.len();
    let mut blocks: Vec<(String, String, Vec<usize>)> = p
        .partners
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), x.name.clone(), vec![i]))
        .collect();
    blocks.push((
        "partnership".into(),
        p.name.clone(),
        (0..p.partners.len()).collect(),
    ));
    for (id, name, members) in blocks {
        t.heading(name);
        for (line, label, f) in &lines {
            let values = (0..ny)
                .map(|y| members.iter().map(|&i| f(&r.partners[i][y])).sum())
                .collect();
            t.row(RowKind::Line, format!("{id}_{line}"), *label, values);
        }
    }
    t
}

/// A10 and A2 as 3-year averages (fewer in the first two years), days, by
/// Little's law on the simulated stocks and flows.
pub fn timeliness_table(p: &Partnership, r: &PathResult) -> Table {
    let mut t = Table::new(
        "timeliness",
        format!("{}: adoption timeliness, 3-year averages (days)", p.name),
        Unit::Days,
        p.year_labels(),
    );
    for (i, partner) in p.partners.iter().enumerate() {
        t.row(
            RowKind::Line,
            format!("{}_a10", partner.id),
            format!("{}: A10 entering care to moving in", partner.name),
            r.partners[i].iter().map(|y| y.a10_days).collect(),
        );
        t.row(
            RowKind::Line,
            format!("{}_a2", partner.id),
            format!("{}: A2 placement order to match", partner.name),
            r.partners[i].iter().map(|y| y.a2_days).collect(),
        );
    }
    let (a10, a2) = partnership_timeliness(p, r);
    t.row(
        RowKind::Total,
        "partnership_a10",
        format!("{}: A10", p.name),
        a10,
    );
    t.row(
        RowKind::Total,
        "partnership_a2",
        format!("{}: A2", p.name),
        a2,
    );
    t.notes.push("Mean waits from Little's law: average children in a stage over the 3 years / children leaving it, in days; A10 adds each partner's days from entering care to the placement order.".into());
    // Expected flows with constant monthly rates make each stage's wait exactly
    // 1 / (its rates of leaving), so equal rates give equal, flat rows.
    t.notes.push("In expected values a stage's wait is 30.4 days / the sum of its monthly leaving rates, so partners with the same pathway rates show the same days every year; give each partner its own rates, or run --paths to see the spread.".into());
    t
}

/// The partnership's A10 and A2 by year: A2 from the pooled stocks and flows, A10 weighted by children placed.
pub fn partnership_timeliness(p: &Partnership, r: &PathResult) -> (Vec<f64>, Vec<f64>) {
    let n = p.partners.len();
    let (mut a10, mut a2) = (Vec::new(), Vec::new());
    for y in 0..p.years.len() {
        let from = y.saturating_sub(2);
        let sum = |f: &dyn Fn(&PartnerYear) -> f64| -> f64 {
            (0..n)
                .flat_map(|i| r.partners[i][from..=y].iter())
                .map(f)
                .sum()
        };
        let waiting = sum(&|x| x.flows.waiting_months);
        let left = sum(&|x| x.flows.matched + x.flows.plan_changes);
        a2.push(if left > 0.0 {
            waiting / left * DAYS_PER_MONTH
        } else {
            0.0
        });
        let placed: Vec<f64> = (0..n)
            .map(|i| r.partners[i][from..=y].iter().map(|x| x.flows.placed).sum())
            .collect();
        let total: f64 = placed.iter().sum();
        a10.push(if total > 0.0 {
            (0..n)
                .map(|i| r.partners[i][y].a10_days * placed[i])
                .sum::<f64>()
                / total
        } else {
            0.0
        });
    }
    (a10, a2)
}

/// With paths: the probability that each partner pays more in the partnership than alone, %.
pub fn risk_table(p: &Partnership, s: &Summary) -> Table {
    let mut columns = p.year_labels();
    columns.push("All years".into());
    let mut t = Table::new(
        "pays_more_than_alone",
        format!(
            "{}: probability of paying more in the partnership than alone ({} paths)",
            p.name, s.paths
        ),
        Unit::Percent,
        columns,
    );
    for (i, partner) in p.partners.iter().enumerate() {
        let mut v: Vec<f64> = s.partners[i]
            .p_more_than_alone
            .iter()
            .map(|x| x * 100.0)
            .collect();
        v.push(s.partners[i].p_more_than_alone_total * 100.0);
        t.row(RowKind::Line, partner.id.clone(), partner.name.clone(), v);
    }
    // A partner can pay more in some years and less over the period: the last
    // column is about the sum, not any one year.
    t.notes.push(
        "All years: the probability that the partner's costs summed over every year are more than its costs alone summed over the same years (a year can cost more while the whole period costs less).".into(),
    );
    t
}

/// With paths: each partner's contribution under demand growth, mean and P5..P95 (type 7), £'000s.
pub fn contribution_spread_table(p: &Partnership, s: &Summary) -> Table {
    let mut t = Table::new(
        "contribution_distribution",
        format!(
            "{}: contributions under demand growth ({} paths, £'000s)",
            p.name, s.paths
        ),
        Unit::Thousands1,
        p.year_labels(),
    );
    for (i, partner) in p.partners.iter().enumerate() {
        let c = &s.partners[i].contribution;
        t.heading(partner.name.clone());
        for (stat, v) in [
            ("mean", &c.mean),
            ("p5", &c.p5),
            ("p25", &c.p25),
            ("p50", &c.p50),
            ("p75", &c.p75),
            ("p95", &c.p95),
        ] {
            t.row(
                RowKind::Line,
                format!("{}_{stat}", partner.id),
                stat.to_uppercase().replace("MEAN", "Mean"),
                v.iter().map(|x| k(*x)).collect(),
            );
        }
    }
    t
}

/// Every table of a run, in the order printed.
pub fn tables(p: &Partnership, expected: &PathResult, summary: Option<&Summary>) -> Vec<Table> {
    let mut out = vec![
        budget_table(p),
        finance_table(p, expected),
        flows_table(p, expected),
        timeliness_table(p, expected),
    ];
    if let Some(s) = summary {
        out.push(risk_table(p, s));
        out.push(contribution_spread_table(p, s));
    }
    out
}

/// The chart's series: expected contribution per partner, and P5-P95 bands with paths, £'000s.
pub fn chart_series(
    p: &Partnership,
    expected: &PathResult,
    summary: Option<&Summary>,
) -> (Vec<Series>, Vec<Band>) {
    let lines = p
        .partners
        .iter()
        .enumerate()
        .map(|(i, x)| Series {
            name: x.name.clone(),
            values: expected.partners[i]
                .iter()
                .map(|y| k(y.contribution))
                .collect(),
        })
        .collect();
    let bands = summary
        .map(|s| {
            p.partners
                .iter()
                .enumerate()
                .map(|(i, x)| Band {
                    name: format!("{} P5-P95", x.name),
                    low: s.partners[i]
                        .contribution
                        .p5
                        .iter()
                        .map(|v| k(*v))
                        .collect(),
                    high: s.partners[i]
                        .contribution
                        .p95
                        .iter()
                        .map(|v| k(*v))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    (lines, bands)
}

/// Provenance of a run.
#[derive(Debug, Clone, Default)]
pub struct RunMeta {
    /// The path the user named.
    pub path: String,
    /// SHA-256 of the file.
    pub hash: String,
    /// Seed, with paths.
    pub seed: Option<u64>,
}

/// Everything a partnership's HTML and XLSX reports show, built once so both show the same numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// The partnership's name.
    pub name: String,
    /// The report's title.
    pub title: String,
    /// Where the figures come from, if the file says.
    pub source: Option<String>,
    /// The partnership file as the user named it.
    pub path: String,
    /// SHA-256 of the partnership file.
    pub hash: String,
    /// `expected-value`, or `Monte Carlo, N paths, seed S`.
    pub mode: String,
    /// Financial years, the columns of the tables and charts.
    pub years: Vec<String>,
    /// Every table, in the order printed.
    pub tables: Vec<Table>,
    /// Expected contribution per partner by year, £'000s.
    pub contributions: Vec<Series>,
    /// P5-P95 contribution bands per partner with paths, £'000s.
    pub bands: Vec<Band>,
}

/// The report of a run: its tables, contribution series and provenance.
pub fn report(
    p: &Partnership,
    expected: &PathResult,
    summary: Option<&Summary>,
    meta: &RunMeta,
) -> Report {
    let (contributions, bands) = chart_series(p, expected, summary);
    let mode = match (summary, meta.seed) {
        (Some(s), Some(seed)) => format!("Monte Carlo, {} paths, seed {seed}", s.paths),
        (Some(s), None) => format!("Monte Carlo, {} paths", s.paths),
        (None, _) => "expected-value".into(),
    };
    Report {
        name: p.name.clone(),
        title: p.title.clone(),
        source: p.source.clone(),
        path: meta.path.clone(),
        hash: meta.hash.clone(),
        mode,
        years: p.year_labels(),
        tables: tables(p, expected, summary),
        contributions,
        bands,
    }
}

/// The contributions chart as SVG: the same drawing in `contributions.svg` and `report.html`.
pub fn contributions_svg(r: &Report) -> Result<String, String> {
    charts::partnership_contributions(
        &format!("{}: contributions by partner", r.name),
        &r.years,
        &r.contributions,
        &r.bands,
    )
}

fn r0(v: impl IntoIterator<Item = f64>) -> Value {
    Value::from(
        v.into_iter()
            .map(|x| (x * 1000.0).round() / 1000.0)
            .collect::<Vec<f64>>(),
    )
}

/// The JSON document: stable keys `years`, `budget`, `partners.<id>.<measure>` (arrays by
/// year; money in pounds), `partnership.a10_days`/`a2_days`, and with paths `paths`,
/// `seed`, `partners.<id>.p_more_than_alone`, `partners.<id>.contribution_distribution`.
pub fn json(p: &Partnership, r: &PathResult, summary: Option<&Summary>, meta: &RunMeta) -> Value {
    let col = |i: usize, f: &dyn Fn(&PartnerYear) -> f64| r0(r.partners[i].iter().map(f));
    let mut partners = Map::new();
    for (i, x) in p.partners.iter().enumerate() {
        let mut m = json!({
            "name": x.name,
            "london": x.london,
            "in_scope_budget": x.in_scope_budget(),
            "placement_orders": col(i, &|y| y.flows.placement_orders),
            "matched": col(i, &|y| y.flows.matched),
            "matched_in_region": col(i, &|y| y.flows.matched_in_region),
            "matched_with_partners": col(i, &|y| y.flows.matched_with_partners),
            "bought_in": col(i, &|y| y.flows.bought_in),
            "bought_in_voluntary": col(i, &|y| y.flows.bought_in_voluntary),
            "in_region_share": r0(r.partners[i].iter().map(|y| y.in_region_share)),
            "placed": col(i, &|y| y.flows.placed),
            "adoption_orders": col(i, &|y| y.flows.adoption_orders),
            "adopters_approved": col(i, &|y| y.flows.adopters_approved),
            "a10_days": col(i, &|y| y.a10_days),
            "a2_days": col(i, &|y| y.a2_days),
            "contribution": col(i, &|y| y.contribution),
            "staff_recharges": col(i, &|y| y.staff_recharges),
            "overspend": col(i, &|y| y.overspend),
            "interagency_spend": col(i, &|y| y.interagency_spend),
            "interagency_income": col(i, &|y| y.interagency_income),
            "settlement_paid": col(i, &|y| y.settlement_paid),
            "cost_partnership": col(i, &|y| y.cost),
            "cost_alone": col(i, &|y| y.alone_cost),
        });
        if let Some(s) = summary {
            let ps = &s.partners[i];
            m["p_more_than_alone"] = r0(ps.p_more_than_alone.iter().copied());
            m["p_more_than_alone_total"] = json!(ps.p_more_than_alone_total);
            m["contribution_distribution"] = spread(&ps.contribution);
            m["cost_partnership_distribution"] = spread(&ps.cost);
        }
        partners.insert(x.id.clone(), m);
    }
    let mut budget = Map::new();
    for x in &p.partners {
        let mut b = Map::new();
        for (f, v) in p.functions.iter().zip(&x.budget) {
            b.insert(f.id.clone(), json!(v));
        }
        b.insert("total".into(), json!(x.in_scope_budget()));
        budget.insert(x.id.clone(), Value::Object(b));
    }
    let (a10, a2) = partnership_timeliness(p, r);
    let mut doc = json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "partnership": {
            "name": p.name,
            "title": p.title,
            "source": p.source,
            "path": meta.path,
            "hash": meta.hash,
            "a10_days": r0(a10),
            "a2_days": r0(a2),
            "hub_overspends": p.hubs.iter().zip(&r.hub_overspends).map(|(h, v)| (h.id.clone(), r0(v.iter().copied()))).collect::<Map<String, Value>>(),
        },
        "mode": if summary.is_some() { "stochastic" } else { "expected" },
        "unit": "pounds",
        "years": p.year_labels(),
        "budget_year": p.budget_year.label(),
        "budget": budget,
        "voluntary_fee": r0(p.fees.voluntary.iter().copied()),
        "partners": partners,
    });
    if let Some(s) = summary {
        doc["paths"] = json!(s.paths);
        doc["seed"] = json!(meta.seed);
    }
    doc
}

fn spread(s: &crate::partnership::Spread) -> Value {
    json!({
        "mean": r0(s.mean.iter().copied()),
        "p5": r0(s.p5.iter().copied()),
        "p25": r0(s.p25.iter().copied()),
        "p50": r0(s.p50.iter().copied()),
        "p75": r0(s.p75.iter().copied()),
        "p95": r0(s.p95.iter().copied()),
    })
}

/// One value of the tidy CSV.
#[derive(Debug, Clone, Serialize)]
pub struct TidyRow {
    /// Financial year, or "all" for the whole horizon.
    pub year: String,
    /// Partner id.
    pub partner: String,
    /// What is measured, e.g. `contribution` (pounds) or `placed` (children).
    pub metric: String,
    /// `expected`, `mean`, `p5`..`p95` or `probability`.
    pub statistic: String,
    /// The value.
    pub value: f64,
    /// What `value` counts: `children`, `households`, `days`, `pounds` or `probability`.
    pub unit: &'static str,
}

/// The unit of a partnership metric.
fn unit_of(metric: &str) -> &'static str {
    match metric {
        "a10_days" | "a2_days" => "days",
        "adopters_approved" => "households",
        "pays_more_than_alone" => "probability",
        "contribution" | "overspend" | "interagency_spend" | "interagency_income"
        | "settlement_paid" | "cost_partnership" | "cost_alone" => "pounds",
        _ => "children",
    }
}

/// The tidy rows of a run: every JSON array, one value a line.
pub fn tidy(p: &Partnership, r: &PathResult, summary: Option<&Summary>) -> Vec<TidyRow> {
    let years = p.year_labels();
    let mut rows = Vec::new();
    let metrics: [(&str, Measure); 16] = [
        ("placement_orders", |y| y.flows.placement_orders),
        ("matched", |y| y.flows.matched),
        ("matched_in_region", |y| y.flows.matched_in_region),
        ("bought_in", |y| y.flows.bought_in),
        ("placed", |y| y.flows.placed),
        ("adoption_orders", |y| y.flows.adoption_orders),
        ("adopters_approved", |y| y.flows.adopters_approved),
        ("a10_days", |y| y.a10_days),
        ("a2_days", |y| y.a2_days),
        ("contribution", |y| y.contribution),
        ("overspend", |y| y.overspend),
        ("interagency_spend", |y| y.interagency_spend),
        ("interagency_income", |y| y.interagency_income),
        ("settlement_paid", |y| y.settlement_paid),
        ("cost_partnership", |y| y.cost),
        ("cost_alone", |y| y.alone_cost),
    ];
    for (i, x) in p.partners.iter().enumerate() {
        for (metric, f) in &metrics {
            for (y, label) in years.iter().enumerate() {
                rows.push(TidyRow {
                    year: label.clone(),
                    partner: x.id.clone(),
                    metric: (*metric).into(),
                    statistic: "expected".into(),
                    value: f(&r.partners[i][y]),
                    unit: unit_of(metric),
                });
            }
        }
        if let Some(s) = summary {
            let ps = &s.partners[i];
            for (y, label) in years.iter().enumerate() {
                rows.push(TidyRow {
                    year: label.clone(),
                    partner: x.id.clone(),
                    metric: "pays_more_than_alone".into(),
                    statistic: "probability".into(),
                    value: ps.p_more_than_alone[y],
                    unit: unit_of("pays_more_than_alone"),
                });
                let c = &ps.contribution;
                for (stat, v) in [
                    ("mean", &c.mean),
                    ("p5", &c.p5),
                    ("p25", &c.p25),
                    ("p50", &c.p50),
                    ("p75", &c.p75),
                    ("p95", &c.p95),
                ] {
                    rows.push(TidyRow {
                        year: label.clone(),
                        partner: x.id.clone(),
                        metric: "contribution".into(),
                        statistic: stat.into(),
                        value: v[y],
                        unit: unit_of("contribution"),
                    });
                }
            }
            rows.push(TidyRow {
                year: "all".into(),
                partner: x.id.clone(),
                metric: "pays_more_than_alone".into(),
                statistic: "probability".into(),
                value: ps.p_more_than_alone_total,
                unit: unit_of("pays_more_than_alone"),
            });
        }
    }
    rows
}
