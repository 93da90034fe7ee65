//! `lacsim backtest`: fit on the returns up to 31 March of one year, forecast each
//! later 31 March with the Monte Carlo engine, and compare with what happened.
//! The scoring is the library's ([`lacsim::backtest`]); this parses, calls and renders.

use super::InputError;
use super::calibrate::{YearArg, load_returns, year_or_date};
use super::monte_carlo::{self, McArgs};
use super::output::{self, OutDir};
use super::run::Format;
use clap::Args;
use lacsim::FinancialYear;
use lacsim::backtest::{self, Backtest, BacktestError, Cell, Scores};
use lacsim::engine::{PERCENTILES, Setup};
use lacsim::report::charts;
use lacsim::report::data::{Band, LacChart, Series};
use lacsim::window::Window;
use serde_json::{Map, Value, json};
use std::path::PathBuf;

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
    /// Replace the --out folder if it already has files (only a folder lacsim wrote), or run more than 1,000,000 paths.
    #[arg(long)]
    pub force: bool,
    /// Treat any rejected row as an error.
    #[arg(long)]
    pub strict: bool,
    /// Monte Carlo flags (default 10,000 paths).
    /// Years to fit on, counting back from --fit-to: a number (at least 2), `all`, or `auto` to choose by rolling-origin backtests on the years before it.
    #[arg(long, value_name = "N|all|auto", default_value = "all")]
    pub window: Window,
    #[command(flatten)]
    pub mc: McArgs,
}

const DEFAULT_PATHS: u64 = 10_000;

/// Runs the command.
pub fn run(a: BacktestArgs) -> anyhow::Result<()> {
    let paths = a.mc.paths.unwrap_or(DEFAULT_PATHS);
    monte_carlo::check(paths, a.mc.threads, a.force)?;
    if let Some(note) = a.fit_to.note("--fit-to") {
        eprintln!("{note}");
    }
    let fit_to = a.fit_to.year;
    let data = load_returns(&a.dir, a.strict)?;
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
    let run = |setup: &Setup| -> anyhow::Result<lacsim::engine::MonteCarlo> {
        Ok(monte_carlo::execute(setup, &a.mc, paths)?.0)
    };
    let (bt, fit) = fit_and_score(&data, fit_to, a.window, &source, &run)?;
    if let Some(choice) = &fit.window {
        eprintln!("{}", choice.explain());
    }
    let uasc = backtest::uasc_cells(&fit, &data).map_err(|e| InputError(e.to_string()))?;
    let text = fit.text;
    let (years, cells) = (&bt.years, &bt.cells);
    let overall = &bt.overall;
    let (in50, in90) = (overall.inside_50, overall.inside_90);
    let n = cells.len() as f64;
    let mut doc = json_doc(&bt, paths, a.mc.seed, fit_to);
    if let Some(cells) = &uasc {
        doc["uasc"] = uasc_json(cells);
    }
    let csv_bytes = csv_doc(cells)?;
    let summary_csv = summary_csv(&bt)?;
    if let Some(out) = out {
        out.write(
            "backtest.csv",
            &lacsim::report::csv::file(csv_bytes.clone()),
        )?;
        out.write(
            "backtest.json",
            serde_json::to_string_pretty(&doc)?.as_bytes(),
        )?;
        out.write(
            "backtest-summary.csv",
            &lacsim::report::csv::file(summary_csv.clone()),
        )?;
        out.write("fitted-scenario.toml", text.as_bytes())?;
        out.write(
            "backtest.svg",
            chart(&bt).map_err(anyhow::Error::msg)?.as_bytes(),
        )?;
        out.write(
            "rejected.csv",
            &lacsim::report::csv::file(data.report.rejected_csv().into_bytes()),
        )?;
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
                "CRPS",
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
                        c.percent_error()
                            .map_or("-".into(), |p| format!("{p:+.1}%")),
                        yes(c.inside_50()),
                        yes(c.inside_90()),
                        format!("{:.2}", c.crps),
                    ]
                })
                .collect();
            s.push_str(&lacsim::report::terminal::grid(&head, &rows, 2));
            s.push_str("\n\nSummary by placement type (errors in children: forecast mean minus actual; percentage error over cells with children; CRPS of the paths' sample, lower is better):\n");
            s.push_str(&summary_grid(&bt));
            if let Some(cells) = &uasc {
                s.push_str(&uasc_grid(cells));
            }
            s
        }
    };
    output::print(&text)
}

/// Fits on the returns up to 31 March of `fit_to`, runs the fitted scenario's
/// paths with `run`, and scores them ([`backtest::fit_and_score`]); also gives
/// the fitted scenario's text. Problems with the data are [`InputError`]s (exit
/// 2). Shared by the command and the page.
pub(super) fn fit_and_score(
    data: &lacsim::ssda903::Ssda903Data,
    fit_to: FinancialYear,
    window: Window,
    source: &str,
    run: &dyn Fn(&Setup) -> anyhow::Result<lacsim::engine::MonteCarlo>,
) -> anyhow::Result<(Backtest, backtest::Fit)> {
    let (bt, fit) =
        backtest::fit_and_score(data, fit_to, window, source, run).map_err(|e| match e
            .downcast::<BacktestError>()
        {
            Ok(BacktestError::Invalid(why)) => BacktestError::Invalid(why).into(),
            Ok(other) => InputError(other.to_string()).into(),
            Err(e) => e,
        })?;
    Ok((bt, fit))
}

/// The JSON document, summary grid and chart of a backtest, for the page.
pub(super) fn rendered(
    bt: &Backtest,
    paths: u64,
    seed: u64,
    fit_to: FinancialYear,
) -> (Value, String, Option<String>) {
    (
        json_doc(bt, paths, seed, fit_to),
        summary_grid(bt),
        chart(bt).ok(),
    )
}

/// What the UASC figures of a backtest are.
const UASC_STATISTIC: &str = "expected value of the fitted scenario's UASC forecast (the engine's expected-value model, not the paths)";

/// `uasc` of backtest.json: the UASC forecast against the UASC counted.
fn uasc_json(cells: &[backtest::UascCell]) -> Value {
    let col = |f: &dyn Fn(&backtest::UascCell) -> Value| -> Value {
        cells.iter().map(f).collect::<Vec<_>>().into()
    };
    json!({
        "statistic": UASC_STATISTIC,
        "years": col(&|c| json!(c.year.label())),
        "actual": col(&|c| json!(c.actual)),
        "expected": col(&|c| json!(c.expected)),
        "error": col(&|c| json!(c.error())),
        "actual_excluding_uasc": col(&|c| json!(c.actual_excluding_uasc)),
        "expected_excluding_uasc": col(&|c| json!(c.expected_excluding_uasc)),
    })
}

/// The UASC forecast against the UASC counted, for the terminal.
fn uasc_grid(cells: &[backtest::UascCell]) -> String {
    let head = [
        "31 March",
        "UASC actual",
        "UASC expected",
        "error",
        "exc UASC actual",
        "exc UASC expected",
    ]
    .map(String::from);
    let rows: Vec<Vec<String>> = cells
        .iter()
        .map(|c| {
            vec![
                c.year.march_label(),
                c.actual.to_string(),
                format!("{:.1}", c.expected),
                format!("{:+.1}", c.error()),
                c.actual_excluding_uasc.to_string(),
                format!("{:.1}", c.expected_excluding_uasc),
            ]
        })
        .collect();
    format!(
        "\n\nUASC forecast apart against the UASC counted (expected values of the fitted scenario's\nexpected-value model, not the paths):\n{}",
        lacsim::report::terminal::grid(&head, &rows, 2)
    )
}

fn yes(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

fn scores_json(s: &Scores) -> Value {
    json!({
        "cells": s.cells,
        "bias": s.bias,
        "mean_absolute_error": s.mean_absolute_error,
        "mean_absolute_percentage_error": s.mean_absolute_percentage_error,
        "percentage_cells": s.percentage_cells,
        "inside_50": s.inside_50,
        "inside_90": s.inside_90,
        "coverage_50": s.coverage_50,
        "coverage_90": s.coverage_90,
        "crps": s.crps,
    })
}

fn json_doc(bt: &Backtest, paths: u64, seed: u64, fit_to: FinancialYear) -> Value {
    let mut forecast = Map::new();
    let mut actual = Map::new();
    let mut error = Map::new();
    for k in Backtest::keys() {
        let mine = bt.row(&k);
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
        error.insert(
            k.clone(),
            json!({
                "absolute": mine.iter().map(|c| c.error()).collect::<Vec<_>>(),
                "percent": mine.iter().map(|c| c.percent_error()).collect::<Vec<_>>(),
                "inside_50": mine.iter().map(|c| c.inside_50()).collect::<Vec<_>>(),
                "inside_90": mine.iter().map(|c| c.inside_90()).collect::<Vec<_>>(),
                "crps": mine.iter().map(|c| c.crps).collect::<Vec<_>>(),
            }),
        );
    }
    let by_type: Map<String, Value> = bt
        .by_type
        .iter()
        .map(|(k, s)| (k.clone(), scores_json(s)))
        .collect();
    let o = &bt.overall;
    json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "fit_to": fit_to.label(),
        "paths": paths,
        "seed": seed,
        "years": bt.years.iter().map(|y| y.label()).collect::<Vec<_>>(),
        "forecast": forecast,
        "actual": actual,
        "error": error,
        "coverage": { "cells": o.cells, "inside_50": o.inside_50, "inside_90": o.inside_90 },
        "summary": { "overall": scores_json(o), "by_type": by_type },
        "history": {
            "years": bt.history.iter().map(|h| h.0.label()).collect::<Vec<_>>(),
            "total": bt.history.iter().map(|h| h.1).collect::<Vec<_>>(),
        },
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
        "crps",
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
        r.push(
            c.percent_error()
                .map_or(String::new(), |p| format!("{p:.3}")),
        );
        r.push(c.inside_50().to_string());
        r.push(c.inside_90().to_string());
        r.push(format!("{:.3}", c.crps));
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The summary rows: each placement type (and the total), then every cell together.
fn summary_rows(bt: &Backtest) -> Vec<(String, &Scores)> {
    bt.by_type
        .iter()
        .map(|(k, s)| (k.clone(), s))
        .chain(std::iter::once(("all cells".to_string(), &bt.overall)))
        .collect()
}

fn summary_csv(bt: &Backtest) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "placement",
        "cells",
        "bias",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "percentage_cells",
        "inside_50",
        "inside_90",
        "coverage_50",
        "coverage_90",
        "crps",
    ])?;
    for (k, s) in summary_rows(bt) {
        w.write_record([
            if k == "all cells" {
                "all".to_string()
            } else {
                k
            },
            s.cells.to_string(),
            format!("{:.3}", s.bias),
            format!("{:.3}", s.mean_absolute_error),
            s.mean_absolute_percentage_error
                .map_or(String::new(), |p| format!("{p:.3}")),
            s.percentage_cells.to_string(),
            s.inside_50.to_string(),
            s.inside_90.to_string(),
            format!("{:.4}", s.coverage_50),
            format!("{:.4}", s.coverage_90),
            format!("{:.3}", s.crps),
        ])?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn summary_grid(bt: &Backtest) -> String {
    let head = [
        "placement",
        "cells",
        "bias",
        "mean abs. error",
        "mean abs. % error",
        "in 50%",
        "in 90%",
        "CRPS",
    ]
    .map(String::from);
    let pct = |k: usize, n: usize| {
        if n == 0 {
            "-".to_string()
        } else {
            format!("{k} ({:.0}%)", 100.0 * k as f64 / n as f64)
        }
    };
    let rows: Vec<Vec<String>> = summary_rows(bt)
        .into_iter()
        .map(|(k, s)| {
            vec![
                k,
                s.cells.to_string(),
                format!("{:+.1}", s.bias),
                format!("{:.1}", s.mean_absolute_error),
                s.mean_absolute_percentage_error
                    .map_or("-".into(), |p| format!("{p:.1}%")),
                pct(s.inside_50, s.cells),
                pct(s.inside_90, s.cells),
                format!("{:.2}", s.crps),
            ]
        })
        .collect();
    lacsim::report::terminal::grid(&head, &rows, 1)
}

/// The total's chart: the fitted history (the actuals up to the fit), then the
/// forecast fan opening from the last fitted actual, and the actuals after it.
fn chart(bt: &Backtest) -> Result<String, String> {
    let total: Vec<&Cell> = bt.row(backtest::TOTAL);
    let gap = vec![f64::NAN; bt.history.len().saturating_sub(1)];
    let start = bt.history.last().map(|h| h.1);
    // Each forecast series: nothing over the history but its last year, where
    // it starts from the actual, then the forecast years.
    let ahead =
        |values: Vec<f64>| -> Vec<f64> { gap.iter().copied().chain(start).chain(values).collect() };
    let p = |i: usize| ahead(total.iter().map(|c| c.stat.percentiles[i]).collect());
    let actual: Vec<f64> = bt
        .history
        .iter()
        .map(|h| h.1)
        .chain(total.iter().map(|c| c.actual))
        .collect();
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
                values: actual,
            },
            Series {
                name: "Forecast median".into(),
                values: p(3),
            },
        ],
    };
    let labels: Vec<String> = bt
        .history
        .iter()
        .map(|h| h.0)
        .chain(bt.years.iter().copied())
        .map(|y| y.label())
        .collect();
    let title = match bt.history.last() {
        Some((fit_to, _)) => format!(
            "Backtest: fitted to March {}, forecast bands and what happened",
            fit_to.0 + 1
        ),
        None => "Backtest: forecast bands and what happened".to_string(),
    };
    charts::lac_fan(&title, &labels, &lac)
}
