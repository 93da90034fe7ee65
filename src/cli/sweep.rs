//! `lacsim sweep`: vary one or two scenario fields over a grid.
//!
//! Points run in parallel in chunks; with `--out`, each finished chunk's rows are
//! appended to `sweep.csv` straight away so an interrupted sweep keeps what it
//! finished. Everything is checked before the folder is made.

use super::output::{self, OutDir};
use super::progress;
use super::run::Format;
use super::{InputError, input};
use anyhow::Context;
use clap::Args;
use lacsim::manifest::RunManifest;
use lacsim::report::{charts, csv as csv_out, data::Series, table};
use lacsim::scenario::costs;
use lacsim::sensitivity::sweep::{self, Axis, Grid, Point};
use rayon::prelude::*;
use std::path::PathBuf;

/// Arguments of `lacsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML), or `builtin:NAME`.
    pub scenario: String,
    /// A field to vary, as PATH=START:STOP:STEP (once or twice), e.g. unit_costs.ifa=30000:50000:2500.
    #[arg(long = "vary", value_name = "PATH=START:STOP:STEP", required = true)]
    pub vary: Vec<String>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write sweep.csv (as points finish), sweep.json and a chart into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run more than 10,000 points or 1,000,000 paths, or write into a folder that has files.
    #[arg(long)]
    pub force: bool,
    /// Monte Carlo flags: with `--paths N`, each point also reports, across paths on common random numbers, the probability of a sustained break-even and P5/median/P95 of the net position, the children at the end and the NPV.
    #[command(flatten)]
    pub mc: super::monte_carlo::McArgs,
}

const CHUNK: usize = 64;

/// The CSV's header, with a last `notes` column when the scenario is on
/// default unit costs (every row holds money; see `report::csv`).
fn csv_header(grid: &Grid, mc: bool, note: Option<&str>) -> Vec<String> {
    let mut h = header(grid, mc);
    if note.is_some() {
        h.push("notes".into());
    }
    h
}

/// A CSV row, with the note last when there is one.
fn csv_record(p: &Point, note: Option<&str>) -> Vec<String> {
    let mut r = record(p);
    r.extend(note.map(String::from));
    r
}

pub(super) fn header(grid: &Grid, mc: bool) -> Vec<String> {
    let mut h: Vec<String> = grid.axes.iter().map(|a| a.field.clone()).collect();
    h.extend(
        [
            "break_even_year",
            "net_position",
            "lowest_impact",
            "final_lac",
        ]
        .map(String::from),
    );
    if mc {
        h.extend(
            [
                "break_even_probability",
                "net_position_p5",
                "net_position_p50",
                "net_position_p95",
                "final_lac_p5",
                "final_lac_p50",
                "final_lac_p95",
                "npv_p5",
                "npv_p50",
                "npv_p95",
            ]
            .map(String::from),
        );
    }
    h
}

/// The Monte Carlo columns of a point, as numbers.
fn mc_columns(m: &sweep::McPoint) -> [f64; 10] {
    let s = |x: &sweep::Spread| [x.p5, x.p50, x.p95];
    let [a, b, c] = s(&m.net_position);
    let [d, e, f] = s(&m.final_lac);
    let [g, h, i] = s(&m.npv);
    [m.break_even_probability, a, b, c, d, e, f, g, h, i]
}

pub(super) fn record(p: &Point) -> Vec<String> {
    let mut r: Vec<String> = p.values.iter().map(|v| csv_out::number(*v)).collect();
    r.push(p.outcome.break_even.map(|y| y.label()).unwrap_or_default());
    r.push(
        p.outcome
            .net_position
            .map(csv_out::number)
            .unwrap_or_default(),
    );
    r.push(
        p.outcome
            .lowest_impact
            .map(csv_out::number)
            .unwrap_or_default(),
    );
    r.push(csv_out::number(p.outcome.final_lac));
    if let Some(m) = &p.monte_carlo {
        r.extend(mc_columns(m).iter().map(|v| csv_out::number(*v)));
    }
    r
}

/// Runs the command.
pub fn run(a: SweepArgs) -> anyhow::Result<()> {
    let loaded = input::load(Some(&a.scenario))?;
    let axes = a
        .vary
        .iter()
        .map(|v| Axis::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| InputError(e.to_string()))?;
    let grid = Grid::new(&loaded, axes, a.force).map_err(|e| InputError(e.to_string()))?;
    let warning = costs::warning(&loaded.scenario);
    let note = warning.as_ref().map(|_| costs::DEFAULT_COSTS_CSV);
    // Resolve the corners first, so a range that makes the scenario invalid fails before any output.
    for k in [0, grid.len() - 1] {
        sweep::evaluate(&loaded, &grid, k, None)
            .map_err(|e| InputError(format!("at grid point {:?}: {e}", grid.point(k))))?;
    }
    a.mc.note_unused();
    if a.mc.paths.is_none() {
        // The deterministic model reads no `[stochastic]` field: without
        // --paths every row would be the same, which looks like no effect.
        for axis in grid
            .axes
            .iter()
            .filter(|x| x.field.starts_with("stochastic."))
        {
            eprintln!(
                "warning: --vary {}: a [stochastic] field moves only the Monte Carlo model; add --paths N (e.g. --paths 2000) or every row is the same",
                axis.field
            );
        }
    }
    let mc = a.mc.paths.map(|paths| sweep::Paths {
        paths,
        seed: a.mc.seed,
    });
    if let Some(p) = a.mc.paths {
        super::monte_carlo::check(p, a.mc.threads, a.force)?;
        // Fail before any output if the scenario cannot run stochastically.
        lacsim::engine::Setup::single(&loaded.scenario).map_err(|e| InputError(e.to_string()))?;
    }
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create_live(d, a.force))
        .transpose()?;
    let mut live_csv = match &out {
        Some(o) => {
            let mut file = o.append("sweep.csv")?;
            // The byte-order mark first, as every saved CSV (rows follow as points finish).
            std::io::Write::write_all(&mut file, &lacsim::report::csv::BOM)?;
            let mut w = csv::Writer::from_writer(file);
            w.write_record(csv_header(&grid, mc.is_some(), note))?;
            w.flush()?;
            Some(w)
        }
        None => None,
    };
    let bar = progress::bar(grid.len() as u64, "sweep", a.mc.quiet);
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(t) = a.mc.threads {
        pool = pool.num_threads(t);
    }
    let pool = pool.build()?;
    let mut points: Vec<Point> = Vec::with_capacity(grid.len());
    for start in (0..grid.len()).step_by(CHUNK) {
        let end = (start + CHUNK).min(grid.len());
        let chunk: Vec<Point> = pool
            .install(|| {
                (start..end)
                    .into_par_iter()
                    .map(|k| sweep::evaluate(&loaded, &grid, k, mc))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| InputError(e.to_string()))?;
        if let Some(w) = live_csv.as_mut() {
            for p in &chunk {
                w.write_record(csv_record(p, note))?;
            }
            w.flush()?;
        }
        bar.inc(chunk.len() as u64);
        points.extend(chunk);
    }
    bar.finish_and_clear();

    let doc = serde_json::json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "scenario": loaded.path,
        "scenario_hash": loaded.hash,
        "unit_costs": lacsim::report::json::unit_costs(&loaded.scenario),
        "axes": grid.axes,
        "figures": lacsim::sensitivity::FIGURES,
        "points": points,
    });
    if let Some(out) = out {
        out.write("sweep.json", serde_json::to_string_pretty(&doc)?.as_bytes())?;
        out.write(
            "sweep.svg",
            chart(&grid, &points)
                .map_err(anyhow::Error::msg)?
                .as_bytes(),
        )?;
        let mut manifest = RunManifest::new("sweep", output::unix_time())
            .scenario(&loaded.path, &loaded.hash)
            .costs(&loaded.scenario.unit_cost_source, warning.clone());
        manifest.vary = Some(a.vary.clone());
        out.write("run.json", manifest.to_json().as_bytes())?;
        eprintln!("wrote {}", out.finish()?.display());
    }
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(csv_header(&grid, mc.is_some(), note))?;
            for p in &points {
                w.write_record(csv_record(p, note))?;
            }
            String::from_utf8(w.into_inner().context("csv")?)?
        }
        Format::Table => match &warning {
            Some(w) => format!(
                "{}{}",
                lacsim::report::terminal::flagged(w, 78),
                render_table(&grid, &points)
            ),
            None => render_table(&grid, &points),
        },
    };
    let printed = output::print(&text);
    output::cost_banner(warning.as_deref());
    printed
}

fn render_table(grid: &Grid, points: &[Point]) -> String {
    let h = header(
        grid,
        points
            .first()
            .is_some_and(|p| p.break_even_probability.is_some()),
    );
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            let mut r: Vec<String> = p.values.iter().map(|v| format!("{v}")).collect();
            r.push(
                p.outcome
                    .break_even
                    .map(|y| y.label())
                    .unwrap_or_else(|| "none".into()),
            );
            r.push(
                p.outcome
                    .net_position
                    .map(|v| table::format_value(v, table::Unit::Thousands))
                    .unwrap_or_default(),
            );
            r.push(
                p.outcome
                    .lowest_impact
                    .map(|v| table::format_value(v, table::Unit::Thousands))
                    .unwrap_or_default(),
            );
            r.push(table::format_value(
                p.outcome.final_lac,
                table::Unit::Children,
            ));
            if let Some(m) = &p.monte_carlo {
                let c = mc_columns(m);
                r.push(format!("{:.1}%", c[0] * 100.0));
                r.extend(
                    c[1..4]
                        .iter()
                        .map(|v| table::format_value(*v, table::Unit::Thousands)),
                );
                r.extend(
                    c[4..7]
                        .iter()
                        .map(|v| table::format_value(*v, table::Unit::Children)),
                );
                r.extend(
                    c[7..]
                        .iter()
                        .map(|v| table::format_value(*v, table::Unit::Thousands)),
                );
            }
            r
        })
        .collect();
    let mut s = String::from(
        "Net position and lowest MTFS impact in £'000s (negative = surplus); break-even = first year from which the MTFS impact stays at or below zero (sustained). Without a suffix: the deterministic (paper) model.\n",
    );
    if let Some(m) = points.first().and_then(|p| p.monte_carlo) {
        s.push_str(&format!(
            "Monte Carlo ({} paths a point, the same random numbers at every point): break_even_probability = share of paths with a sustained break-even; _p5/_p50/_p95 = percentiles across paths; npv = Green Book NPV against the plan's own do-nothing arm.\n",
            m.paths
        ));
    }
    s.push_str(&lacsim::report::terminal::grid(&h, &rows, 0));
    s
}

pub(super) fn chart(grid: &Grid, points: &[Point]) -> Result<String, String> {
    let a0 = &grid.axes[0];
    if grid.axes.len() == 1 {
        let xs: Vec<f64> = points.iter().map(|p| p.values[0]).collect();
        let series = vec![
            Series {
                name: "Net position over the horizon (£m)".into(),
                values: points
                    .iter()
                    .map(|p| p.outcome.net_position.unwrap_or(f64::NAN) / 1000.0)
                    .collect(),
            },
            Series {
                name: "Lowest yearly MTFS impact (£m; below 0 = breaks even)".into(),
                values: points
                    .iter()
                    .map(|p| p.outcome.lowest_impact.unwrap_or(f64::NAN) / 1000.0)
                    .collect(),
            },
        ];
        charts::sweep_line(
            &format!("Sweep of {}", a0.field),
            &a0.field,
            "£m",
            &xs,
            &series,
        )
    } else {
        let a1 = &grid.axes[1];
        let xs: Vec<f64> = (0..a0.len()).map(|i| a0.value(i)).collect();
        let ys: Vec<f64> = (0..a1.len()).map(|i| a1.value(i)).collect();
        let z: Vec<f64> = points
            .iter()
            .map(|p| p.outcome.net_position.unwrap_or(0.0) / 1000.0)
            .collect();
        charts::heatmap(
            &format!("Net position over {} and {}", a0.field, a1.field),
            &a0.field,
            &a1.field,
            &xs,
            &ys,
            &z,
            "Net position £m",
        )
    }
}
