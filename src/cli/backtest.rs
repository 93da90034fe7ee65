//! `lacsim backtest`: fit on the returns up to 31 March of one year, forecast each
//! later 31 March with the Monte Carlo engine, and compare with what happened.

use super::calibrate::{YearArg, fitted_scenario, year_or_date};
use super::monte_carlo::{self, McArgs};
use super::output::{self, OutDir};
use super::run::Format;
use super::{InputError, returns};
use clap::Args;
use lacsim::engine::{Metric, PERCENTILES, Setup, Stat};
use lacsim::report::charts;
use lacsim::report::data::{Band, LacChart, Series};
use lacsim::ssda903::occupancy;
use lacsim::{FinancialYear, Placement, calibrate};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Arguments of `lacsim backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Folder of SSDA903 returns.
    pub dir: PathBuf,
    /// Last collection year the fit may see (its 31 March is the forecast's start): 2021/22, 2021-22, the DfE's 2022 (the year ending 31 March 2022) or a date in it.
    #[arg(long, value_name = "YEAR|DATE", required = true, value_parser = year_or_date)]
    pub fit_to: YearArg,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write backtest.csv, backtest.json, backtest.svg and the fitted scenario into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files (only a folder lacsim wrote).
    #[arg(long)]
    pub force: bool,
    /// Treat any rejected row as an error.
    #[arg(long)]
    pub strict: bool,
    /// Monte Carlo flags (default 2,000 paths).
    #[command(flatten)]
    pub mc: McArgs,
}

const DEFAULT_PATHS: u64 = 2_000;

/// One compared cell: a placement type (or all) in a year.
struct Cell {
    year: FinancialYear,
    key: String,
    actual: f64,
    stat: Stat,
}

impl Cell {
    fn error(&self) -> f64 {
        self.stat.mean - self.actual
    }
    fn inside(&self, lo: usize, hi: usize) -> bool {
        self.stat.percentiles[lo] <= self.actual && self.actual <= self.stat.percentiles[hi]
    }
}

/// Runs the command.
pub fn run(a: BacktestArgs) -> anyhow::Result<()> {
    let paths = a.mc.paths.unwrap_or(DEFAULT_PATHS);
    monte_carlo::check(paths, a.mc.threads)?;
    if let Some(note) = a.fit_to.note("--fit-to") {
        eprintln!("{note}");
    }
    let fit_to = a.fit_to.year;
    let data = returns::load(&a.dir, a.strict, None)?;
    let (first, last) = data.report.years.ok_or_else(|| {
        InputError(format!(
            "{}: the returns hold no usable collection years",
            a.dir.display()
        ))
    })?;
    if fit_to < first.plus(1) || fit_to >= last {
        return Err(InputError(format!("--fit-to {}: must leave at least two years to fit on and one to forecast; the data covers {first} to {last}", fit_to)).into());
    }
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create(d, a.force))
        .transpose()?;
    let source = a.dir.display().to_string();
    let horizon = (last.0 - fit_to.0) as usize;
    let target = calibrate::Target {
        authority: "Backtest",
        source: &source,
        first_year: fit_to.plus(1),
        years: horizon,
        costs: None,
        bands: None,
    };
    // Only the months up to 31 March of --fit-to enter the fit; later years are only compared.
    let (_, text) = fitted_scenario(&data, first, fit_to, &target)?;
    let loaded =
        lacsim::scenario::load(Path::new("backtest-fit.toml"), &|_: &Path| Ok(text.clone()))
            .map_err(|e| {
                anyhow::anyhow!("the fitted scenario does not validate (a lacsim bug): {e}")
            })?;
    let setup = Setup::single(&loaded.scenario).map_err(|e| InputError(e.to_string()))?;
    let (_, summary) = monte_carlo::execute(&setup, &a.mc, paths)?;
    let census = occupancy::march31(&data);
    let years: Vec<FinancialYear> = (1..=horizon as i32).map(|k| fit_to.plus(k)).collect();
    let mut cells = Vec::new();
    for (t, y) in years.iter().enumerate() {
        let c = census
            .iter()
            .find(|c| c.year == *y)
            .ok_or_else(|| InputError(format!("no 31 March census for {y}")))?;
        let stat = |m: Metric| {
            summary
                .get(m)
                .map(|v| v[t])
                .ok_or_else(|| anyhow::anyhow!("metric {} missing", m.key()))
        };
        cells.push(Cell {
            year: *y,
            key: "total".into(),
            actual: f64::from(c.total()),
            stat: stat(Metric::Lac)?,
        });
        let by = c.by_placement();
        for p in Placement::ALL {
            cells.push(Cell {
                year: *y,
                key: p.key().into(),
                actual: f64::from(by[p]),
                stat: stat(Metric::LacBy(p))?,
            });
        }
    }
    let n = cells.len() as f64;
    let in50 = cells.iter().filter(|c| c.inside(2, 4)).count();
    let in90 = cells.iter().filter(|c| c.inside(0, 6)).count();
    let doc = json_doc(&years, &cells, paths, a.mc.seed, fit_to, in50, in90);
    let csv_bytes = csv_doc(&cells)?;
    if let Some(out) = out {
        out.write("backtest.csv", &csv_bytes)?;
        out.write(
            "backtest.json",
            serde_json::to_string_pretty(&doc)?.as_bytes(),
        )?;
        out.write("fitted-scenario.toml", text.as_bytes())?;
        out.write(
            "backtest.svg",
            chart(&years, &cells)
                .map_err(anyhow::Error::msg)?
                .as_bytes(),
        )?;
        out.write("rejected.csv", data.report.rejected_csv().as_bytes())?;
        eprintln!("wrote {}", out.finish()?.display());
    }
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => String::from_utf8(csv_bytes)?,
        Format::Table => {
            let mut s = format!(
                "Backtest: fitted on {first} to {}, forecast {} to {} ({paths} paths, seed {}).\nActuals inside the 50% band (P25-P75): {in50} of {} cells ({:.0}%); inside the 90% band (P5-P95): {in90} ({:.0}%).\n\n",
                fit_to,
                years[0],
                years[years.len() - 1],
                a.mc.seed,
                cells.len(),
                100.0 * in50 as f64 / n,
                100.0 * in90 as f64 / n
            );
            let head = [
                "year",
                "placement",
                "actual",
                "mean",
                "P5",
                "P95",
                "error",
                "error %",
                "in 50%",
                "in 90%",
            ]
            .map(String::from);
            let rows: Vec<Vec<String>> = cells
                .iter()
                .map(|c| {
                    vec![
                        c.year.label(),
                        c.key.clone(),
                        format!("{:.0}", c.actual),
                        format!("{:.1}", c.stat.mean),
                        format!("{:.0}", c.stat.percentiles[0]),
                        format!("{:.0}", c.stat.percentiles[6]),
                        format!("{:+.1}", c.error()),
                        if c.actual > 0.0 {
                            format!("{:+.1}%", 100.0 * c.error() / c.actual)
                        } else {
                            "-".into()
                        },
                        yes(c.inside(2, 4)),
                        yes(c.inside(0, 6)),
                    ]
                })
                .collect();
            s.push_str(&lacsim::report::terminal::grid(&head, &rows, 2));
            s
        }
    };
    output::print(&text)
}

fn yes(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

fn json_doc(
    years: &[FinancialYear],
    cells: &[Cell],
    paths: u64,
    seed: u64,
    fit_to: FinancialYear,
    in50: usize,
    in90: usize,
) -> Value {
    let keys: Vec<String> = std::iter::once("total".to_string())
        .chain(Placement::ALL.iter().map(|p| p.key().to_string()))
        .collect();
    let mut forecast = Map::new();
    let mut actual = Map::new();
    let mut error = Map::new();
    for k in &keys {
        let mine: Vec<&Cell> = cells.iter().filter(|c| &c.key == k).collect();
        let mut f = Map::new();
        f.insert(
            "mean".into(),
            json!(mine.iter().map(|c| c.stat.mean).collect::<Vec<_>>()),
        );
        for (i, (name, _)) in PERCENTILES.iter().enumerate() {
            f.insert(
                (*name).into(),
                json!(
                    mine.iter()
                        .map(|c| c.stat.percentiles[i])
                        .collect::<Vec<_>>()
                ),
            );
        }
        forecast.insert(k.clone(), Value::Object(f));
        actual.insert(
            k.clone(),
            json!(mine.iter().map(|c| c.actual).collect::<Vec<_>>()),
        );
        error.insert(k.clone(), json!({
            "absolute": mine.iter().map(|c| c.error()).collect::<Vec<_>>(),
            "percent": mine.iter().map(|c| if c.actual > 0.0 { Some(100.0 * c.error() / c.actual) } else { None }).collect::<Vec<_>>(),
            "inside_50": mine.iter().map(|c| c.inside(2, 4)).collect::<Vec<_>>(),
            "inside_90": mine.iter().map(|c| c.inside(0, 6)).collect::<Vec<_>>(),
        }));
    }
    json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "fit_to": fit_to.label(),
        "paths": paths,
        "seed": seed,
        "years": years.iter().map(|y| y.label()).collect::<Vec<_>>(),
        "forecast": forecast,
        "actual": actual,
        "error": error,
        "coverage": { "cells": cells.len(), "inside_50": in50, "inside_90": in90 },
    })
}

fn csv_doc(cells: &[Cell]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "year",
        "placement",
        "actual",
        "mean",
        "p5",
        "p10",
        "p25",
        "p50",
        "p75",
        "p90",
        "p95",
        "error",
        "error_pct",
        "inside_50",
        "inside_90",
    ])?;
    for c in cells {
        let mut r = vec![
            c.year.label(),
            c.key.clone(),
            format!("{}", c.actual),
            format!("{:.3}", c.stat.mean),
        ];
        r.extend(c.stat.percentiles.iter().map(|v| format!("{v:.3}")));
        r.push(format!("{:.3}", c.error()));
        r.push(if c.actual > 0.0 {
            format!("{:.3}", 100.0 * c.error() / c.actual)
        } else {
            String::new()
        });
        r.push(c.inside(2, 4).to_string());
        r.push(c.inside(0, 6).to_string());
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn chart(years: &[FinancialYear], cells: &[Cell]) -> Result<String, String> {
    let total: Vec<&Cell> = cells.iter().filter(|c| c.key == "total").collect();
    let p = |i: usize| {
        total
            .iter()
            .map(|c| c.stat.percentiles[i])
            .collect::<Vec<_>>()
    };
    let lac = LacChart {
        bands: vec![
            Band {
                name: "P5-P95".into(),
                low: p(0),
                high: p(6),
            },
            Band {
                name: "P25-P75".into(),
                low: p(2),
                high: p(4),
            },
        ],
        lines: vec![
            Series {
                name: "Actual (SSDA903)".into(),
                values: total.iter().map(|c| c.actual).collect(),
            },
            Series {
                name: "Forecast median".into(),
                values: p(3),
            },
        ],
    };
    let labels: Vec<String> = years.iter().map(|y| y.label()).collect();
    charts::lac_fan("Backtest: forecast bands and what happened", &labels, &lac)
}
