//! Everything a report shows, in one serialisable value: the tables, the series
//! behind each chart, and the scenario's inputs. A run saves it as `report.json`
//! so `lacsim report RUN_DIR` can re-render every format without re-simulating.

use super::monte_carlo::McMeta;
use super::table::Table;
use super::tables;
use crate::placement::Placement;
use crate::projection::grow;
use crate::results::Deterministic;
use crate::scenario::Loaded;
use crate::scenario::validate::fmt_rate;
use crate::sensitivity::tornado::Tornado;
use serde::{Deserialize, Serialize};

/// A named line of values, one per year.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// One value per year.
    pub values: Vec<f64>,
}

/// A shaded band between two lines (a percentile range).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Band {
    /// Legend label, e.g. "P5-P95".
    pub name: String,
    /// Lower edge per year.
    pub low: Vec<f64>,
    /// Upper edge per year.
    pub high: Vec<f64>,
}

/// The fan chart of children in care.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct LacChart {
    /// Percentile bands, widest first (empty for a deterministic run).
    pub bands: Vec<Band>,
    /// Lines: the plan or projection, the median, the do-nothing lines.
    pub lines: Vec<Series>,
}

/// What the deterministic figures are, wherever they are shown.
pub const DETERMINISTIC: &str = "Deterministic (paper) model";

/// What the Monte Carlo lines drawn for a year are.
pub const MEDIAN: &str = "Median (P50) across paths";

/// The cumulative net position chart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetChart {
    /// MTFS impact each year, £'000s (the statistic `statistic` names).
    pub impact: Vec<f64>,
    /// Cumulative return on investment, £'000s (the statistic `statistic` names).
    pub cumulative_net: Vec<f64>,
    /// Probability of a **sustained** break-even by the end of each year, across
    /// paths; empty for a deterministic run, which has no probabilities.
    #[serde(default)]
    pub break_even_probability: Vec<f64>,
    /// What `impact` and `cumulative_net` are: [`DETERMINISTIC`] or [`MEDIAN`]
    /// (empty in a report saved by an earlier lacsim).
    #[serde(default)]
    pub statistic: String,
    /// In a Monte Carlo run, the deterministic (paper) model's MTFS impact, £'000s,
    /// drawn beside the median and labelled; empty otherwise.
    #[serde(default)]
    pub deterministic_impact: Vec<f64>,
}

/// The comparator arm of a `compare` report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Comparator {
    /// The comparator scenario's title.
    pub title: String,
    /// The comparator scenario's path as the user named it.
    pub path: String,
}

/// The Green Book NPV of a Monte Carlo run, £'000s.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NpvData {
    /// What it is measured against (the comparator arm).
    pub against: String,
    /// Mean across paths.
    pub mean: f64,
    /// 5th percentile across paths.
    pub p5: f64,
    /// Median (P50) across paths.
    pub p50: f64,
    /// 95th percentile across paths.
    pub p95: f64,
    /// How it is computed (rate, convention, what is discounted).
    pub basis: String,
}

/// One bar of the tornado, as shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TornadoRow {
    /// The assumption.
    pub name: String,
    /// The range used, e.g. "default ±20%".
    pub range: String,
    /// Net position at the low end, £'000s.
    pub low_net: f64,
    /// Net position at the high end, £'000s.
    pub high_net: f64,
    /// Break-even year at the low end.
    pub low_break_even: Option<String>,
    /// Break-even year at the high end.
    pub high_break_even: Option<String>,
    /// Switching value as text, e.g. "£11,765 (-70.3%)" or "×0.72 of the reduction".
    pub switching: Option<String>,
}

/// The tornado as shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TornadoData {
    /// Net position of the scenario as written, £'000s.
    pub base_net: f64,
    /// Bars, largest swing first.
    pub rows: Vec<TornadoRow>,
}

/// Everything a report shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportData {
    /// lacsim version that made it.
    pub lacsim_version: String,
    /// Council.
    pub authority: String,
    /// Scenario title.
    pub title: String,
    /// Scenario path and hash.
    pub scenario_path: String,
    /// SHA-256 of the scenario files.
    pub scenario_hash: String,
    /// "deterministic" or "monte carlo (N paths, seed S)".
    pub mode: String,
    /// Year labels.
    pub years: Vec<String>,
    /// Paper-shaped tables.
    pub tables: Vec<Table>,
    /// Children in care: fan chart.
    pub lac: LacChart,
    /// Children by placement at each 31 March (stacked).
    pub mix: Vec<Series>,
    /// Annual cost by placement at each 31 March, pounds (stacked).
    pub cost: Vec<Series>,
    /// Net position, for plan scenarios.
    pub net: Option<NetChart>,
    /// The tornado, when one was run.
    pub tornado: Option<TornadoData>,
    /// The tornado of the ranges in the scenario, on the engine's expected-value model.
    #[serde(default)]
    pub engine_tornado: Option<TornadoData>,
    /// The scenario's inputs: field path and value.
    pub inputs: Vec<(String, String)>,
    /// For `compare`: the comparator arm (the scenario above is the invest arm).
    #[serde(default)]
    pub comparator: Option<Comparator>,
    /// Green Book NPV against the comparator (Monte Carlo runs of a plan).
    #[serde(default)]
    pub npv: Option<NpvData>,
    /// Headline sentences of a Monte Carlo run, each saying what statistic it gives.
    #[serde(default)]
    pub headline: Vec<String>,
    /// Set when the deterministic break-even year lies outside the Monte Carlo's
    /// 25-75% range of sustained break-even years: the sentence to show.
    #[serde(default)]
    pub break_even_warning: Option<String>,
}

impl ReportData {
    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The report's title: the scenario's, and for `compare` "INVEST against COMPARATOR".
    pub fn heading(&self) -> String {
        match &self.comparator {
            Some(c) => format!("{} against {}", self.title, c.title),
            None => self.title.clone(),
        }
    }

    /// Whether the report is of a Monte Carlo run.
    pub fn is_monte_carlo(&self) -> bool {
        self.mode != "deterministic"
    }
}

/// The report of a deterministic run.
pub fn deterministic(loaded: &Loaded, r: &Deterministic) -> ReportData {
    let s = &loaded.scenario;
    let n = s.n_years();
    let mut lines = vec![Series {
        name: if s.plan.is_some() {
            format!("Plan: {DETERMINISTIC}")
        } else {
            format!(
                "Do nothing at {}%: {DETERMINISTIC}",
                fmt_rate(s.do_nothing.growth_rate)
            )
        },
        values: r.projection.total.clone(),
    }];
    let mut rates = s.do_nothing.compare_rates.clone();
    if s.plan.is_some() && !rates.contains(&s.do_nothing.growth_rate) {
        rates.insert(0, s.do_nothing.growth_rate);
    }
    for rate in rates {
        if s.plan.is_none() && rate == s.do_nothing.growth_rate {
            continue;
        }
        lines.push(Series {
            name: format!("Do nothing at {}%: {DETERMINISTIC}", fmt_rate(rate)),
            values: grow(
                s.do_nothing.start_total,
                rate,
                n,
                s.do_nothing.round_each_year,
            ),
        });
    }
    let mix = Placement::ALL
        .iter()
        .map(|&p| Series {
            name: p.label().into(),
            values: r.projection.by_type.iter().map(|m| m[p]).collect(),
        })
        .collect();
    let cost = Placement::ALL
        .iter()
        .map(|&p| Series {
            name: p.label().into(),
            values: r.projection.cost_by_type.iter().map(|m| m[p]).collect(),
        })
        .collect();
    let net = r.plan.as_ref().map(|f| NetChart {
        impact: f.mtfs_impact.clone(),
        cumulative_net: f.cumulative_net.clone(),
        // A deterministic run has no probabilities.
        break_even_probability: Vec::new(),
        statistic: DETERMINISTIC.into(),
        deterministic_impact: Vec::new(),
    });
    ReportData {
        lacsim_version: env!("CARGO_PKG_VERSION").into(),
        authority: s.authority.clone(),
        title: s.title.clone(),
        scenario_path: loaded.path.clone(),
        scenario_hash: loaded.hash.clone(),
        mode: "deterministic".into(),
        years: s.year_labels(),
        tables: tables::all(s, r),
        lac: LacChart {
            bands: Vec::new(),
            lines,
        },
        mix,
        cost,
        net,
        tornado: None,
        engine_tornado: None,
        inputs: inputs(loaded),
        comparator: None,
        npv: None,
        headline: Vec::new(),
        break_even_warning: None,
    }
}

/// The scenario's inputs as (field path, value) pairs, in file order of the merged document.
pub fn inputs(loaded: &Loaded) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(
                        &if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        },
                        v,
                        out,
                    );
                }
            }
            toml::Value::Array(a) if a.iter().any(|x| x.is_table()) => {
                for (i, x) in a.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), x, out);
                }
            }
            toml::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk(
        "",
        &toml::Value::Table(loaded.source.merged.clone()),
        &mut out,
    );
    out
}

/// A tornado as shown.
pub fn tornado_data(t: &Tornado) -> TornadoData {
    let rows = t
        .bars
        .iter()
        .map(|b| TornadoRow {
            name: b.assumption.name.clone(),
            range: if b.assumption.range_source.starts_with("scenario range") {
                b.assumption.range_source.clone()
            } else {
                format!(
                    "{} (×{} to ×{})",
                    b.assumption.range_source, b.assumption.low, b.assumption.high
                )
            },
            low_net: b.low.net_position.unwrap_or(0.0),
            high_net: b.high.net_position.unwrap_or(0.0),
            low_break_even: b.low.break_even.map(|y| y.label()),
            high_break_even: b.high.break_even.map(|y| y.label()),
            switching: b.switching_factor.map(|f| match b.switching_value {
                Some(v) => {
                    let change = if f.is_finite() {
                        format!(" ({:+.1}%)", (f - 1.0) * 100.0)
                    } else {
                        String::new()
                    };
                    format!(
                        "{}{change}",
                        if v.abs() < 10.0 {
                            format!("{v:.3}")
                        } else {
                            super::table::group_thousands(v, 0)
                        }
                    )
                }
                None => format!("×{f:.3} ({:+.1}%)", (f - 1.0) * 100.0),
            }),
        })
        .collect();
    TornadoData {
        base_net: t.base.net_position.unwrap_or(0.0),
        rows,
    }
}

/// Adds a tornado to the report.
pub fn with_tornado(mut data: ReportData, t: &Tornado) -> ReportData {
    data.tornado = Some(tornado_data(t));
    data
}

/// The report of a Monte Carlo run: the deterministic (paper) model's tables and
/// lines, labelled as such, plus the percentile bands and median of children in
/// care (and the comparator's median for `compare`), the fan tables of both
/// ledgers, the break-even and budget probabilities, the NPV and, when the
/// deterministic break-even year lies outside the Monte Carlo's 25-75% range,
/// the warning.
pub fn monte_carlo(
    loaded: &Loaded,
    r: &Deterministic,
    sum: &crate::engine::Summary,
    meta: &McMeta,
) -> ReportData {
    use crate::engine::Metric;
    let s = &loaded.scenario;
    let mut data = deterministic(loaded, r);
    data.mode = format!("Monte Carlo, {} paths, seed {}", sum.paths, sum.seed);
    data.comparator = meta.do_nothing.as_ref().map(|(title, path)| Comparator {
        title: title.clone(),
        path: path.clone(),
    });
    let pct = |metric: Metric, i: usize| -> Vec<f64> {
        sum.get(metric)
            .map(|v| v.iter().map(|x| x.percentiles[i]).collect())
            .unwrap_or_default()
    };
    // PERCENTILES: p5, p10, p25, p50, p75, p90, p95.
    data.lac.bands = vec![
        Band {
            name: "P5-P95".into(),
            low: pct(Metric::Lac, 0),
            high: pct(Metric::Lac, 6),
        },
        Band {
            name: "P25-P75".into(),
            low: pct(Metric::Lac, 2),
            high: pct(Metric::Lac, 4),
        },
    ];
    let median = Series {
        name: MEDIAN.into(),
        values: pct(Metric::Lac, 3),
    };
    // The first line stays the plan (or projection); the median goes second.
    data.lac.lines.insert(1, median);
    if let Some(c) = &data.comparator {
        let values = pct(Metric::ComparatorLac, 3);
        if !values.is_empty() {
            data.lac.lines.insert(
                2,
                Series {
                    name: format!("Comparator ({}): median (P50) across paths", c.title),
                    values,
                },
            );
        }
    }
    let has_plan_stats = sum.npv.is_some() && !sum.break_even_by.is_empty();
    if let Some(net) = data.net.as_mut() {
        if has_plan_stats {
            net.deterministic_impact = std::mem::take(&mut net.impact);
            net.impact = pct(Metric::MtfsImpact, 3);
            net.cumulative_net = pct(Metric::CumulativeNet, 3);
            net.statistic = MEDIAN.into();
            net.break_even_probability = sum.break_even_by.clone();
        }
    }
    // The paper-shaped tables are the deterministic model of the invest scenario.
    let invest = &s.title;
    let growth = fmt_rate(s.do_nothing.growth_rate);
    for t in &mut data.tables {
        t.title = format!("{} — {}", t.title, DETERMINISTIC.to_lowercase());
        if t.id == "table1" || t.id == "table3" {
            t.title.push_str(&format!(", paper's ledger of {invest}"));
            t.notes.push(match &data.comparator {
                Some(c) => format!(
                    "Paper's ledger of {invest}: avoided growth is measured against its own do-nothing growth rate ({growth}%), not against {}; the economic-ledger tables compare the two arms path by path.",
                    c.title
                ),
                None => format!(
                    "Paper's ledger of {invest}: avoided growth is measured against its own do-nothing growth rate ({growth}%)."
                ),
            });
        }
    }
    let mut mc_tables = super::monte_carlo::fan_tables(s, sum, meta);
    if sum.npv.is_some() {
        mc_tables.push(super::monte_carlo::probability_table(s, sum, meta));
    }
    let at = data
        .tables
        .iter()
        .take_while(|t| t.id == "table1" || t.id == "table3")
        .count();
    data.tables.splice(at..at, mc_tables);
    if let Some(npv) = &sum.npv {
        data.npv = Some(NpvData {
            against: super::monte_carlo::comparator_name(meta),
            mean: npv.mean,
            p5: npv.percentiles[0],
            p50: npv.percentiles[3],
            p95: npv.percentiles[6],
            basis: super::monte_carlo::NPV_BASIS.into(),
        });
    }
    if has_plan_stats {
        let labels = s.year_labels();
        let range = sum.break_even_range();
        let share = |q: &str, y: Option<usize>| match y {
            Some(i) => format!("{q} of paths by {}", labels[i]),
            None => format!("fewer than {q} of paths within the horizon"),
        };
        data.headline.push(format!(
            "Monte Carlo, sustained break-even: {}, {}; {:.1}% of paths by the end of {}.",
            share("a quarter", range.p25),
            share("three quarters", range.p75),
            sum.break_even_by.last().copied().unwrap_or(0.0) * 100.0,
            labels.last().cloned().unwrap_or_default()
        ));
    }
    data.break_even_warning = super::monte_carlo::break_even_warning(s, sum, meta);
    data
}
