//! Everything a report shows, in one serialisable value: the tables, the series
//! behind each chart, and the scenario's inputs. A run saves it as `report.json`
//! so `lacsim report RUN_DIR` can re-render every format without re-simulating.

use super::monte_carlo::McMeta;
use super::table::Table;
use super::tables;
use crate::placement::Placement;
use crate::projection::grow;
use crate::results::Deterministic;
use crate::scenario::validate::fmt_rate;
use crate::scenario::{Loaded, ReportTitles};
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

/// One bar of the Monte Carlo tornado, as shown: every figure across paths,
/// on the same random numbers as the central run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct McTornadoRow {
    /// The assumption.
    pub name: String,
    /// The range used, e.g. "default ±20%" or "scenario range: triangular ...".
    pub range: String,
    /// The assumption at the low end, as text (a value, or a factor).
    pub low: String,
    /// The assumption at the high end, as text.
    pub high: String,
    /// Net position over the horizon at the low end, mean across paths, £'000s.
    pub low_net_mean: f64,
    /// P5 of the net position at the low end, £'000s.
    pub low_net_p5: f64,
    /// P95 of the net position at the low end, £'000s.
    pub low_net_p95: f64,
    /// Net position at the high end, mean across paths, £'000s.
    pub high_net_mean: f64,
    /// P5 of the net position at the high end, £'000s.
    pub high_net_p5: f64,
    /// P95 of the net position at the high end, £'000s.
    pub high_net_p95: f64,
    /// Probability of a sustained break-even by the year, at the low end.
    pub low_p_break_even: f64,
    /// Probability of a sustained break-even by the year, at the high end.
    pub high_p_break_even: f64,
    /// |mean net position at high − at low|, £'000s.
    pub swing_net: f64,
    /// Where the mean net position crosses zero, or "none between X and Y".
    pub switching_net: String,
    /// Where the probability of a sustained break-even by the year crosses 50%, or "none between X and Y".
    pub switching_break_even: String,
    /// Engine runs the bar took.
    pub engine_runs: u64,
}

/// The Monte Carlo tornado as shown.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct McTornadoData {
    /// Paths at every point.
    pub paths: u64,
    /// Seed of every point.
    pub seed: u64,
    /// The year a sustained break-even is counted by, e.g. "2023/24".
    pub by_year: String,
    /// Why that year.
    pub by_year_basis: String,
    /// The scenario as written: mean net position over the horizon, £'000s.
    pub central_net_mean: f64,
    /// The scenario as written: P5 of the net position, £'000s.
    pub central_net_p5: f64,
    /// The scenario as written: P95 of the net position, £'000s.
    pub central_net_p95: f64,
    /// The scenario as written: probability of a sustained break-even by the year.
    pub central_p_break_even: f64,
    /// Bars, ranked.
    pub rows: Vec<McTornadoRow>,
    /// Key assumptions left out because they move only the paper model.
    pub not_in_engine: Vec<String>,
    /// Engine runs made in all, and the most there could have been.
    pub engine_runs: u64,
    /// The most engine runs the bars could have taken.
    pub max_engine_runs: u64,
}

impl McTornadoData {
    /// The bars as a tornado of mean net positions, for the tornado chart.
    pub fn mean_net_tornado(&self) -> TornadoData {
        TornadoData {
            base_net: self.central_net_mean,
            rows: self
                .rows
                .iter()
                .map(|r| TornadoRow {
                    name: r.name.clone(),
                    range: r.range.clone(),
                    low_net: r.low_net_mean,
                    high_net: r.high_net_mean,
                    low_break_even: None,
                    high_break_even: None,
                    switching: None,
                })
                .collect(),
        }
    }
}

/// An assumption's factor or value `x` as text: a one-number assumption scaled
/// by a factor shows its value and the factor, e.g. "£42,948 (×1.084)"; a list
/// shows the factor; a range shows the value.
fn swing_text(swing: &crate::sensitivity::mc_tornado::Swing, x: f64) -> String {
    let number = |v: f64| {
        if v.abs() < 10.0 {
            let t = format!("{v:.3}");
            let t = t.trim_end_matches('0').trim_end_matches('.');
            if t == "-0" { "0".into() } else { t.to_string() }
        } else {
            super::table::group_thousands(v, 0)
        }
    };
    match (swing.is_factor(), swing.value_at(x)) {
        (true, Some(v)) => format!("{} (×{})", number(v), number(x)),
        (true, None) => format!("×{}", number(x)),
        (false, _) => number(x),
    }
}

/// A Monte Carlo switching value as text.
fn switching_text(
    swing: &crate::sensitivity::mc_tornado::Swing,
    s: &crate::sensitivity::mc_tornado::Switching,
) -> String {
    use crate::sensitivity::mc_tornado::Switching;
    match *s {
        Switching::Found { x, .. } => swing_text(swing, x),
        Switching::None { from, to, .. } => format!(
            "none between {} and {}",
            swing_text(swing, from),
            swing_text(swing, to)
        ),
    }
}

/// The Monte Carlo tornado as shown.
pub fn mc_tornado_data(t: &crate::sensitivity::mc_tornado::McTornado) -> McTornadoData {
    McTornadoData {
        paths: t.paths,
        seed: t.seed,
        by_year: t.by_year.label(),
        by_year_basis: t.by_year_basis.clone(),
        central_net_mean: t.central.net_position.mean,
        central_net_p5: t.central.net_position.p5,
        central_net_p95: t.central.net_position.p95,
        central_p_break_even: t.central.p_break_even_by_year,
        rows: t
            .bars
            .iter()
            .map(|b| McTornadoRow {
                name: b.name.clone(),
                range: b.swing.range_source(),
                low: swing_text(&b.swing, b.low),
                high: swing_text(&b.swing, b.high),
                low_net_mean: b.at_low.net_position.mean,
                low_net_p5: b.at_low.net_position.p5,
                low_net_p95: b.at_low.net_position.p95,
                high_net_mean: b.at_high.net_position.mean,
                high_net_p5: b.at_high.net_position.p5,
                high_net_p95: b.at_high.net_position.p95,
                low_p_break_even: b.at_low.p_break_even_by_year,
                high_p_break_even: b.at_high.p_break_even_by_year,
                swing_net: b.swing_net,
                switching_net: switching_text(&b.swing, &b.switching_net),
                switching_break_even: switching_text(&b.swing, &b.switching_break_even),
                engine_runs: b.engine_runs,
            })
            .collect(),
        not_in_engine: t.not_in_engine.clone(),
        engine_runs: t.engine_runs,
        max_engine_runs: t.max_engine_runs,
    }
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
    /// The tornado on the Monte Carlo engine (`tornado --paths N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mc_tornado: Option<McTornadoData>,
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
    /// The scenario's `[report]` table: title, subtitle, author, date and summary
    /// of the council's own (empty in a report saved by an earlier lacsim).
    #[serde(default)]
    pub report: ReportTitles,
    /// The assumptions behind Table 1 and Table 3, for the workbook's formulas
    /// (plan scenarios; absent in a report saved by an earlier lacsim, whose
    /// workbook then shows the tables as values).
    #[serde(default)]
    pub workbook: Option<WorkbookInputs>,
    /// The default-costs warning (see [`crate::scenario::costs`]) when the
    /// figures use unit costs borrowed from another council: every format shows
    /// it near the top, and each money table carries it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_warning: Option<String>,
}

/// A line of £'000s by year as the scenario gives it (before optimism bias).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputLine {
    /// Identifier (the Table 1 row is `investment.ID` or `savings.ID`).
    pub id: String,
    /// Label.
    pub name: String,
    /// £'000s, one per year.
    pub amounts: Vec<f64>,
}

/// A group of investment lines as the scenario gives it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InvestmentInputs {
    /// Heading.
    pub name: String,
    /// Subtotal label.
    pub total_label: String,
    /// Lines.
    pub lines: Vec<InputLine>,
}

/// The assumptions Table 1 and Table 3 are computed from, as the workbook's
/// Inputs sheet holds them (£'000s unless stated).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WorkbookInputs {
    /// Optimism bias: uplift of every investment line (0.2 = 20% more).
    pub investment_uplift: f64,
    /// Optimism bias: shortfall of the placement and given savings.
    pub savings_shortfall: f64,
    /// Optimism bias: months by which placement savings arrive later.
    pub delay_months: f64,
    /// Share of the first year's placement saving booked.
    pub first_year_share: f64,
    /// Annual cost of today's placements, pounds (the baseline).
    pub baseline_cost: f64,
    /// Annual cost of the plan's placements at each 31 March, pounds (computed
    /// by lacsim from the plan's numbers, mix rule and unit costs).
    pub plan_cost: Vec<f64>,
    /// Investment groups and their lines.
    pub investment: Vec<InvestmentInputs>,
    /// Savings given as figures.
    pub given: Vec<InputLine>,
    /// Existing MTFS savings still to be delivered.
    pub undelivered: Vec<f64>,
    /// Underlying overspend.
    pub underlying_overspend: Vec<f64>,
    /// One-off grants set against the overspend.
    pub one_off_grants: Vec<f64>,
    /// New price pressure.
    pub price_pressure: Vec<f64>,
    /// Cost of growth in numbers at the scenario's growth rate.
    pub growth_in_numbers: Vec<f64>,
}

impl WorkbookInputs {
    /// The inputs of a plan scenario; `None` for a do-nothing one.
    pub fn new(s: &crate::scenario::Scenario, r: &Deterministic) -> Option<WorkbookInputs> {
        let plan = s.plan.as_ref()?;
        let n = s.n_years();
        let line = |l: &crate::scenario::MoneyLine| InputLine {
            id: l.id.clone(),
            name: l.name.clone(),
            amounts: (0..n)
                .map(|t| l.amounts.get(t).copied().unwrap_or(0.0))
                .collect(),
        };
        let budget = |f: fn(&crate::scenario::Budget) -> &Vec<f64>| match &s.budget {
            Some(b) => f(b).clone(),
            None => vec![0.0; n],
        };
        Some(WorkbookInputs {
            investment_uplift: s.optimism_bias.investment,
            savings_shortfall: s.optimism_bias.savings,
            delay_months: s.optimism_bias.delay_months,
            first_year_share: plan.first_year_share,
            baseline_cost: r.projection.baseline_cost,
            plan_cost: r.projection.cost_total.clone(),
            investment: s
                .investment
                .iter()
                .map(|g| InvestmentInputs {
                    name: g.name.clone(),
                    total_label: g.total_label.clone(),
                    lines: g.lines.iter().map(line).collect(),
                })
                .collect(),
            given: s.given_savings.iter().map(line).collect(),
            undelivered: s
                .mtfs
                .as_ref()
                .map_or(vec![0.0; n], |m| m.undelivered_savings.clone()),
            underlying_overspend: budget(|b| &b.underlying_overspend),
            one_off_grants: budget(|b| &b.one_off_grants),
            price_pressure: budget(|b| &b.price_pressure),
            growth_in_numbers: if s.budget.is_some() {
                crate::finance::growth_cost(s)
            } else {
                vec![0.0; n]
            },
        })
    }
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

    /// The title every format shows first: `[report] title`, or by default
    /// "COUNCIL — SCENARIO TITLE" (for `compare`, "INVEST against COMPARATOR").
    pub fn paper_title(&self) -> String {
        match &self.report.title {
            Some(t) => t.clone(),
            None => format!("{} — {}", self.authority, self.heading()),
        }
    }

    /// The author: `[report] author`, or the council.
    pub fn author(&self) -> &str {
        self.report.author.as_deref().unwrap_or(&self.authority)
    }

    /// Sets the default-costs warning of the figures (for `compare`, both
    /// arms': see [`crate::scenario::costs::warnings`]) at the top and beside
    /// every money table; `None` leaves the report as it is.
    pub fn warn_costs(&mut self, warning: Option<String>) {
        if warning.is_some() {
            super::table::warn_money(&mut self.tables, warning.as_deref());
            self.cost_warning = warning;
        }
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
        mc_tornado: None,
        inputs: inputs(loaded),
        comparator: None,
        npv: None,
        headline: Vec::new(),
        break_even_warning: None,
        report: s.report.clone(),
        workbook: WorkbookInputs::new(s, r),
        cost_warning: crate::scenario::costs::warning(s),
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
    if let Some(net) = data.net.as_mut()
        && has_plan_stats
    {
        net.deterministic_impact = std::mem::take(&mut net.impact);
        net.impact = pct(Metric::MtfsImpact, 3);
        net.cumulative_net = pct(Metric::CumulativeNet, 3);
        net.statistic = MEDIAN.into();
        net.break_even_probability = sum.break_even_by.clone();
    }
    // The paper-shaped tables are the deterministic model of the invest scenario.
    let invest = &s.title;
    let growth = fmt_rate(s.do_nothing.growth_rate);
    // The UASC table is the expected-value model's, and says so already.
    for t in data
        .tables
        .iter_mut()
        .filter(|t| t.id != super::tables::UASC_TABLE)
    {
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

/// A table of the scenario's inputs as the report prints them: labelled, not dotted keys.
#[derive(Debug, Clone, PartialEq)]
pub struct InputTable {
    /// What the table holds.
    pub caption: String,
    /// Column headings; the first names the rows.
    pub columns: Vec<String>,
    /// Cells, row by row, formatted for reading.
    pub rows: Vec<Vec<String>>,
}

/// A group of the scenario's inputs, e.g. "Unit costs and uplift".
#[derive(Debug, Clone, PartialEq)]
pub struct InputGroup {
    /// Anchor id (`inputs-…`).
    pub id: String,
    /// Heading.
    pub title: String,
    /// Its tables.
    pub tables: Vec<InputTable>,
}

/// Which group each scenario field belongs to: (id, title, field prefixes), first match wins.
const INPUT_GROUPS: [(&str, &str, &[&str]); 11] = [
    ("scenario", "Scenario", &["authority.", "years.", "report."]),
    (
        "census",
        "Opening census",
        &["cohort.", "do_nothing.start_", "stochastic.start_"],
    ),
    (
        "growth",
        "Growth",
        &["do_nothing.", "stochastic.growth_from"],
    ),
    (
        "unit-costs",
        "Unit costs and uplift",
        &["unit_costs.", "stochastic.post_care."],
    ),
    ("budget", "Budget lines", &["budget.", "mtfs."]),
    ("investment", "Investment lines", &["investment["]),
    ("plan", "The plan and given savings", &["plan.", "savings."]),
    (
        "interventions",
        "Interventions",
        &["stochastic.interventions[", "stochastic.caps["],
    ),
    ("optimism-bias", "Optimism bias", &["optimism_bias."]),
    ("flows", "Rates of the stochastic engine", &["stochastic."]),
    ("other", "Other inputs", &[""]),
];

/// Labels of field-name segments that read better than their humanised form.
fn segment_label(seg: &str) -> String {
    if let Some(p) = Placement::from_key(seg) {
        return p.label().into();
    }
    if let Some(a) = crate::age::AgeBand::ALL.iter().find(|a| a.key() == seg) {
        return a.label().into();
    }
    let known = match seg {
        "name" => "Name",
        "title" => "Scenario title",
        "source" => "Source",
        "first" => "First financial year",
        "growth_rate" => "Growth in children in care a year (do nothing)",
        "compare_rates" => "Do-nothing growth rates also shown",
        "rounding" => "Rounding",
        "start_total" => "Children in care at the start",
        "start_uasc" => "Of whom unaccompanied asylum-seeking children",
        "total" => "Children in care (total)",
        "by_type" => "Children by placement type",
        "yearly" => "Yearly unit cost (£)",
        "price_year" => "Price year of the unit costs",
        "uplift" => "Yearly uplift of unit costs",
        "uplift_by_type" => "Yearly uplift by placement type",
        "base" => "Base budget (£'000s)",
        "costed_at_unit_costs" => "Budget costed at unit costs (£)",
        "growth_costed_at" => "Growth costed at (rate a year)",
        "growth_in_numbers" => "Growth in numbers (£'000s)",
        "one_off_grants" => "One-off grants (£'000s)",
        "price_pressure" => "Price pressure (£'000s)",
        "underlying_overspend" => "Underlying overspend (£'000s)",
        "undelivered_savings" => "MTFS savings still to be delivered (£'000s)",
        "totals" => "Children in care at 31 March (plan)",
        "first_year_share" => "Share of the first year's saving booked",
        "mix" => "Placement mix",
        "start_by_age" => "Share of children by age at the start",
        "growth_from" => "Engine growth from",
        "ramp_months" => "Ramp (months)",
        "delay_months" => "Delay (months)",
        "line" => "Paid for by line",
        "overflow_to" => "Overflow to",
        "absorbed_by" => "Absorbed by",
        "count" => "Number of children",
        "id" => "Id",
        "kind" => "Kind",
        "start" => "Start",
        "from" => "From",
        "placement" => "Placement type",
        _ => "",
    };
    if !known.is_empty() {
        return known.into();
    }
    let words: Vec<String> = seg
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "lac" | "mtfs" | "npv" | "sgo" | "ifa" | "uasc" | "fgc" => w.to_uppercase(),
            _ => w.to_string(),
        })
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// Labels of whole field names that their last segment alone would leave ambiguous.
fn field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "years.count" => "Number of years",
        "unit_costs.source" => "Whose unit costs (council: its own; default: borrowed)",
        "unit_costs.note" => "About the unit costs",
        "do_nothing.start_total" => "Children in care at the start (do-nothing projection)",
        "stochastic.start_total" => "Children in care at the start (stochastic engine)",
        "optimism_bias.investment" => "Uplift of every investment line",
        "optimism_bias.savings" => "Shortfall of the plan's savings",
        "optimism_bias.delay_months" => "Months by which savings arrive later",
        "budget.name" => "Budget line",
        "plan.name" => "Plan",
        "stochastic.interventions" => "Interventions of the stochastic engine",
        "stochastic.caps" => "Caps on placements (stochastic engine)",
        "plan.hold" => "Placement numbers the plan holds",
        "savings.given" => "Given savings (£'000s)",
        _ => return None,
    })
}

/// A path of field-name segments as a label: "Exits: return home".
fn path_label(segs: &[&str]) -> String {
    segs.iter()
        .map(|s| segment_label(s))
        .collect::<Vec<_>>()
        .join(": ")
}

/// A value for reading: rates as percentages, large whole numbers grouped.
fn input_value(field: &str, v: &str) -> String {
    let rate = ["growth_rate", "compare_rates", "uplift", "growth_costed_at"]
        .iter()
        .any(|f| field.ends_with(f))
        || field.contains("uplift_by_type")
        || field.starts_with("optimism_bias.investment")
        || field.starts_with("optimism_bias.savings");
    let one = |x: &str| -> String {
        let x = x.trim();
        match x.parse::<f64>() {
            Ok(n) if rate => format!("{}%", fmt_rate(n)),
            Ok(n) if n.abs() >= 1000.0 && n.fract() == 0.0 => {
                let body = super::table::group_thousands(n.abs(), 0);
                if n < 0.0 { format!("-{body}") } else { body }
            }
            _ => {
                let x = x.trim_matches('"');
                Placement::from_key(x)
                    .map(|p| p.label().to_string())
                    .unwrap_or_else(|| x.to_string())
            }
        }
    };
    match v.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) => inner.split(',').map(one).collect::<Vec<_>>().join(", "),
        None => one(v),
    }
}

/// Numbers of a by-year array, or `None` when `v` is not one.
fn year_array(field: &str, v: &str, years: usize) -> Option<Vec<String>> {
    if field.ends_with("compare_rates") {
        return None;
    }
    let inner = v.strip_prefix('[')?.strip_suffix(']')?;
    let cells: Vec<&str> = inner.split(',').map(str::trim).collect();
    if cells.is_empty() || cells.len() > years || cells.iter().any(|c| c.parse::<f64>().is_err()) {
        return None;
    }
    let mut out: Vec<String> = cells.iter().map(|c| input_value(field, c)).collect();
    out.resize(years, "–".into());
    Some(out)
}

/// Collapses a distribution's fields (`x.dist`, `x.min`, `x.mode`, `x.max`, …) into one text.
fn distributions(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in &fields {
        let (parent, last) = match k.rsplit_once('.') {
            Some((p, l)) => (p.to_string(), l),
            None => (String::new(), k.as_str()),
        };
        let has_dist = fields.iter().any(|(f, _)| *f == format!("{parent}.dist"));
        if parent.is_empty() || !has_dist {
            out.push((k.clone(), v.clone()));
            continue;
        }
        if last != "dist" {
            continue;
        }
        let params: Vec<String> = ["min", "mode", "max", "mean", "sd", "alpha", "beta"]
            .iter()
            .filter_map(|p| {
                fields
                    .iter()
                    .find(|(f, _)| *f == format!("{parent}.{p}"))
                    .map(|(_, x)| format!("{p} {x}"))
            })
            .collect();
        out.push((parent.clone(), format!("{v} ({})", params.join(", "))));
    }
    out
}

/// The scenario's inputs grouped and labelled as a cabinet paper's appendix groups
/// them: growth, opening census, unit costs and uplift, budget lines, investment
/// lines, interventions, optimism bias, and the rest; each group as tables
/// (placement types down the side, years across, one row per line or intervention).
pub fn grouped_inputs(inputs: &[(String, String)], years: &[String]) -> Vec<InputGroup> {
    let mut groups: Vec<InputGroup> = Vec::new();
    for (id, title, _) in INPUT_GROUPS {
        let mine: Vec<(String, String)> = inputs
            .iter()
            .filter(|(k, _)| {
                INPUT_GROUPS
                    .iter()
                    .find(|(_, _, p)| p.iter().any(|p| k.starts_with(p)))
                    .map(|g| g.0)
                    == Some(id)
            })
            .cloned()
            .collect();
        if mine.is_empty() {
            continue;
        }
        groups.push(InputGroup {
            id: format!("inputs-{id}"),
            title: title.into(),
            tables: input_tables(title, &mine, years),
        });
    }
    groups
}

fn is_dimension(seg: &str) -> bool {
    Placement::from_key(seg).is_some() || crate::age::AgeBand::ALL.iter().any(|a| a.key() == seg)
}

fn input_tables(title: &str, fields: &[(String, String)], years: &[String]) -> Vec<InputTable> {
    let mut tables = Vec::new();
    let mut scalars: Vec<Vec<String>> = Vec::new();
    let mut by_year: Vec<Vec<String>> = Vec::new();
    // Dimension maps: (dimension is placement?, parent label, key, value).
    let mut pivots: Vec<(bool, String, String, String)> = Vec::new();
    // Records: family (the field before "[i]"), record prefix, field, value.
    let mut records: Vec<(String, String, String, String)> = Vec::new();
    for (k, v) in fields {
        if let Some(open) = k.rfind('[') {
            let close = k[open..].find(']').map(|c| open + c + 1).unwrap_or(k.len());
            // investment[0].lines and investment[1].lines are one family.
            let family = k[..open]
                .split('.')
                .map(|s| s.split('[').next().unwrap_or(s))
                .collect::<Vec<_>>()
                .join(".");
            let field = k[close..].trim_start_matches('.').to_string();
            records.push((family, k[..close].to_string(), field, v.clone()));
            continue;
        }
        let segs: Vec<&str> = k.split('.').collect();
        let last = segs[segs.len() - 1];
        if segs.len() > 1 && is_dimension(last) {
            pivots.push((
                Placement::from_key(last).is_some(),
                path_label(&segs[1..segs.len() - 1])
                    .if_empty(|| path_label(&segs[..segs.len() - 1])),
                last.to_string(),
                input_value(k, v),
            ));
        } else if let Some(cells) = year_array(k, v, years.len()) {
            let mut row = vec![
                field_label(k)
                    .map(String::from)
                    .unwrap_or_else(|| path_label(&segs[1..]).if_empty(|| path_label(&segs))),
            ];
            row.extend(cells);
            by_year.push(row);
        } else {
            scalars.push(vec![
                field_label(k)
                    .map(String::from)
                    .unwrap_or_else(|| path_label(&segs[1..]).if_empty(|| path_label(&segs))),
                input_value(k, v),
            ]);
        }
    }
    if !scalars.is_empty() {
        tables.push(InputTable {
            caption: title.into(),
            columns: vec!["Setting".into(), "Value".into()],
            rows: scalars,
        });
    }
    for placement in [true, false] {
        let these: Vec<&(bool, String, String, String)> =
            pivots.iter().filter(|p| p.0 == placement).collect();
        if these.is_empty() {
            continue;
        }
        let mut columns: Vec<String> = Vec::new();
        for p in &these {
            if !columns.contains(&p.1) {
                columns.push(p.1.clone());
            }
        }
        let keys: Vec<(&str, &str)> = if placement {
            Placement::ALL
                .iter()
                .map(|p| (p.key(), p.label()))
                .collect()
        } else {
            crate::age::AgeBand::ALL
                .iter()
                .map(|a| (a.key(), a.label()))
                .collect()
        };
        let rows = keys
            .iter()
            .filter(|(key, _)| these.iter().any(|p| p.2 == *key))
            .map(|(key, label)| {
                let mut row = vec![label.to_string()];
                for c in &columns {
                    row.push(
                        these
                            .iter()
                            .find(|p| p.1 == *c && p.2 == *key)
                            .map(|p| p.3.clone())
                            .unwrap_or_else(|| "–".into()),
                    );
                }
                row
            })
            .collect();
        let mut head = vec![if placement { "Placement type" } else { "Age" }.to_string()];
        head.extend(columns);
        tables.push(InputTable {
            caption: format!(
                "{title}: by {}",
                if placement { "placement type" } else { "age" }
            ),
            columns: head,
            rows,
        });
    }
    if !by_year.is_empty() {
        let mut columns = vec!["By financial year".to_string()];
        columns.extend(years.iter().cloned());
        tables.push(InputTable {
            caption: format!("{title}: by financial year"),
            columns,
            rows: by_year,
        });
    }
    tables.extend(record_tables(&records, years));
    tables
}

trait IfEmpty {
    fn if_empty(self, f: impl FnOnce() -> String) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, f: impl FnOnce() -> String) -> String {
        if self.is_empty() { f() } else { self }
    }
}

/// Tables of repeated records: lines with amounts by year (investment, given
/// savings) one row each with years across; other records (interventions,
/// caps, holds) one row each with a column per field.
fn record_tables(
    records: &[(String, String, String, String)],
    years: &[String],
) -> Vec<InputTable> {
    let mut tables = Vec::new();
    let mut families: Vec<&str> = Vec::new();
    for r in records {
        if !families.contains(&r.0.as_str()) {
            families.push(&r.0);
        }
    }
    // Investment groups name their lines' group: investment[i].group.
    let group_of = |prefix: &str| -> Option<String> {
        let outer = &prefix[..prefix.find(']')? + 1];
        records
            .iter()
            .find(|r| r.1 == outer && r.2 == "group")
            .map(|r| r.3.clone())
    };
    for family in families {
        let mine: Vec<&(String, String, String, String)> =
            records.iter().filter(|r| r.0 == family).collect();
        let mut prefixes: Vec<&str> = Vec::new();
        for r in &mine {
            if !prefixes.contains(&r.1.as_str()) {
                prefixes.push(&r.1);
            }
        }
        let field = |p: &str, f: &str| {
            mine.iter()
                .find(|r| r.1 == p && r.2 == f)
                .map(|r| r.3.clone())
        };
        let segs: Vec<&str> = family
            .split(['.', '[', ']'])
            .filter(|s| !s.is_empty())
            .collect();
        let caption = field_label(family)
            .map(String::from)
            .unwrap_or_else(|| path_label(&segs));
        let lined = prefixes.iter().all(|p| field(p, "amounts").is_some());
        if lined {
            let grouped = prefixes.iter().any(|p| group_of(p).is_some());
            let mut columns = Vec::new();
            if grouped {
                columns.push("Group".to_string());
            }
            columns.push("Line (£'000s)".to_string());
            columns.extend(years.iter().cloned());
            let rows = prefixes
                .iter()
                .map(|p| {
                    let mut row = Vec::new();
                    if grouped {
                        row.push(group_of(p).unwrap_or_default());
                    }
                    row.push(
                        field(p, "name")
                            .or_else(|| field(p, "id"))
                            .unwrap_or_default(),
                    );
                    let amounts = field(p, "amounts").unwrap_or_default();
                    row.extend(
                        year_array("amounts", &amounts, years.len())
                            .unwrap_or_else(|| vec![amounts; 1]),
                    );
                    row
                })
                .collect();
            tables.push(InputTable {
                caption: if grouped {
                    "Investment lines by group".into()
                } else {
                    caption
                },
                columns,
                rows,
            });
            continue;
        }
        // A family of lines' groups (investment[i].group and total_label) is shown with its lines.
        if records
            .iter()
            .any(|r| r.0.starts_with(&format!("{family}.")))
        {
            continue;
        }
        let mut cols: Vec<String> = Vec::new();
        let mut cells: Vec<Vec<(String, String)>> = Vec::new();
        for p in &prefixes {
            let fields: Vec<(String, String)> = mine
                .iter()
                .filter(|r| r.1 == *p)
                .map(|r| (r.2.clone(), r.3.clone()))
                .collect();
            let fields = distributions(fields);
            // One column per top-level field; nested fields joined in one cell.
            let mut row: Vec<(String, String)> = Vec::new();
            for (f, v) in fields {
                let (top, rest) = f.split_once('.').unwrap_or((f.as_str(), ""));
                let text = if rest.is_empty() {
                    input_value(&f, &v)
                } else {
                    format!(
                        "{}: {}",
                        path_label(&rest.split('.').collect::<Vec<_>>()),
                        input_value(&f, &v)
                    )
                };
                if !cols.contains(&top.to_string()) {
                    cols.push(top.to_string());
                }
                match row.iter_mut().find(|(c, _)| c == top) {
                    Some(cell) => {
                        cell.1.push_str("; ");
                        cell.1.push_str(&text);
                    }
                    None => row.push((top.to_string(), text)),
                }
            }
            cells.push(row);
        }
        // Who the record is first: its id or name.
        for first in ["name", "id"] {
            if let Some(i) = cols.iter().position(|c| c == first) {
                let c = cols.remove(i);
                cols.insert(0, c);
            }
        }
        tables.push(InputTable {
            caption,
            columns: cols.iter().map(|c| segment_label(c)).collect(),
            rows: cells
                .iter()
                .map(|row| {
                    cols.iter()
                        .map(|c| {
                            row.iter()
                                .find(|(k, _)| k == c)
                                .map(|(_, v)| v.clone())
                                .unwrap_or_else(|| "–".into())
                        })
                        .collect()
                })
                .collect(),
        });
    }
    tables
}
