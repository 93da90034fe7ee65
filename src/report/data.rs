//! Everything a report shows, in one serialisable value: the tables, the series
//! behind each chart, and the scenario's inputs. A run saves it as `report.json`
//! so `lacsim report RUN_DIR` can re-render every format without re-simulating.

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

/// The cumulative net position chart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetChart {
    /// MTFS impact each year, £'000s.
    pub impact: Vec<f64>,
    /// Cumulative return on investment, £'000s.
    pub cumulative_net: Vec<f64>,
    /// Probability of having broken even by each year (0 or 1 for a deterministic run).
    pub break_even_probability: Vec<f64>,
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
}

impl ReportData {
    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// The report of a deterministic run.
pub fn deterministic(loaded: &Loaded, r: &Deterministic) -> ReportData {
    let s = &loaded.scenario;
    let n = s.n_years();
    let mut lines = vec![Series {
        name: if s.plan.is_some() {
            "Plan".into()
        } else {
            format!("Do nothing at {}%", fmt_rate(s.do_nothing.growth_rate))
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
            name: format!("Do nothing at {}%", fmt_rate(rate)),
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
        break_even_probability: (0..n)
            .map(|t| {
                if f.break_even.is_some_and(|b| b.years_after <= t) {
                    1.0
                } else {
                    0.0
                }
            })
            .collect(),
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

/// The report of a Monte Carlo run: the deterministic tables and lines, plus the
/// percentile bands, the median path, fan tables and break-even probabilities.
pub fn monte_carlo(loaded: &Loaded, r: &Deterministic, sum: &crate::engine::Summary) -> ReportData {
    use super::table::Unit;
    use crate::engine::Metric;
    let s = &loaded.scenario;
    let mut data = deterministic(loaded, r);
    data.mode = format!("Monte Carlo, {} paths, seed {}", sum.paths, sum.seed);
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
        name: "Median path".into(),
        values: pct(Metric::Lac, 3),
    };
    // The first line stays the plan (or projection); the median goes second.
    data.lac.lines.insert(1, median);
    if let Some(net) = data.net.as_mut() {
        if !sum.break_even_by.is_empty() {
            net.impact = pct(Metric::MtfsImpact, 3);
            net.cumulative_net = pct(Metric::CumulativeNet, 3);
            net.break_even_probability = sum.break_even_by.clone();
        }
    }
    let mut fans = vec![super::monte_carlo::fan_table(
        s,
        sum,
        Metric::Lac,
        "Children in care at 31 March: percentiles across paths",
        Unit::Children,
    )];
    if !sum.break_even_by.is_empty() {
        let mut impact = super::monte_carlo::fan_table(
            s,
            sum,
            Metric::MtfsImpact,
            "Impact on the MTFS: percentiles across paths (negative: the plan pays its way)",
            Unit::Thousands,
        );
        impact.notes.push(super::monte_carlo::MTFS_NOTE.into());
        fans.push(impact);
        let mut be = Table::new(
            "break_even_probability",
            "Probability of having broken even by the end of each year",
            Unit::Percent,
            s.year_labels(),
        );
        be.row(
            super::table::RowKind::Total,
            "break_even_by",
            "Broken even by the year",
            sum.break_even_by.iter().map(|p| p * 100.0).collect(),
        );
        be.row(
            super::table::RowKind::Line,
            "break_even_in",
            "First breaks even in the year",
            sum.break_even_in.iter().map(|p| p * 100.0).collect(),
        );
        fans.push(be);
    }
    for (k, t) in fans.into_iter().enumerate() {
        data.tables.insert(2 + k, t);
    }
    data
}
