//! `lacsim calibrate`: estimate entry, move and exit rates with their uncertainty
//! from a council's SSDA903 returns.

use super::output::{self, OutDir};
use super::run::Format;
use super::{InputError, returns};
use clap::Args;
use lacsim::FinancialYear;
use lacsim::ssda903::estimate::{self, Estimates, RateEstimate};
use lacsim::ssda903::occupancy;
use std::path::PathBuf;

/// Arguments of `lacsim calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Folder of SSDA903 returns: header and episodes CSV files (one per collection year, or combined).
    pub dir: PathBuf,
    /// First collection year to fit on, e.g. 2016/17 (default: the first in the data).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<FinancialYear>,
    /// Last collection year to fit on, e.g. 2023/24 (default: the last in the data).
    #[arg(long, value_name = "YEAR")]
    pub to: Option<FinancialYear>,
    /// Treat any rejected row as an error.
    #[arg(long)]
    pub strict: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write estimates.json, census.csv and rejected.csv into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files.
    #[arg(long)]
    pub force: bool,
}

/// Runs the command.
pub fn run(a: CalibrateArgs) -> anyhow::Result<()> {
    let data = returns::load(&a.dir, a.strict, None)?;
    let (first, last) = data.report.years.ok_or_else(|| {
        InputError(format!(
            "{}: the returns hold no usable collection years",
            a.dir.display()
        ))
    })?;
    let from = a.from.unwrap_or(first);
    let to = a.to.unwrap_or(last);
    if from > to || from < first || to > last {
        return Err(InputError(format!(
            "--from {from} --to {to}: the data covers {first} to {last}"
        ))
        .into());
    }
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create(d, a.force))
        .transpose()?;
    let occ = occupancy::monthly(&data);
    let est = estimate::estimate(&occ, from, to);
    let census = occupancy::march31(&data);
    if let Some(out) = out {
        out.write(
            "estimates.json",
            serde_json::to_string_pretty(&est)?.as_bytes(),
        )?;
        out.write(
            "census.json",
            serde_json::to_string_pretty(&census)?.as_bytes(),
        )?;
        out.write("rejected.csv", data.report.rejected_csv().as_bytes())?;
        eprintln!("wrote {}", out.finish()?.display());
    }
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&est)? + "\n",
        Format::Csv => estimates_csv(&est)?,
        Format::Table => estimates_table(&est),
    };
    output::print(&text)
}

fn rate_cells(r: Option<&RateEstimate>) -> [String; 3] {
    match r {
        Some(r) => [
            format!("{:.4}", r.mean),
            format!("{:.4}", r.lower),
            format!("{:.4}", r.upper),
        ],
        None => ["-".into(), "-".into(), "-".into()],
    }
}

fn rows(est: &Estimates) -> Vec<[String; 5]> {
    let mut out = Vec::new();
    let [m, l, u] = rate_cells(est.entries_per_month.as_ref());
    out.push(["entries per month".into(), "all".into(), m, l, u]);
    if let Some(g) = est.entry_growth {
        out.push([
            "entry growth a year".into(),
            "all".into(),
            format!("{:.4}", g.rate),
            format!("{:.4}", g.lower),
            format!("{:.4}", g.upper),
        ]);
    }
    for (p, r) in &est.move_hazard {
        let [m, l, u] = rate_cells(Some(r));
        out.push(["monthly move hazard".into(), p.key().into(), m, l, u]);
    }
    for (p, r) in &est.exit_hazard {
        let [m, l, u] = rate_cells(Some(r));
        out.push(["monthly exit hazard".into(), p.key().into(), m, l, u]);
    }
    for (a, s) in &est.entry_age_mix {
        out.push([
            "share of entries by age".into(),
            a.key().into(),
            format!("{:.4}", s.mean),
            format!("{:.4}", s.lower),
            format!("{:.4}", s.upper),
        ]);
    }
    for (p, s) in &est.first_placement_mix {
        out.push([
            "share of entries by first placement".into(),
            p.key().into(),
            format!("{:.4}", s.mean),
            format!("{:.4}", s.lower),
            format!("{:.4}", s.upper),
        ]);
    }
    out
}

fn estimates_csv(est: &Estimates) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["parameter", "group", "mean", "lower_95", "upper_95"])?;
    for r in rows(est) {
        w.write_record(&r)?;
    }
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}

fn estimates_table(est: &Estimates) -> String {
    let head = ["parameter", "group", "mean", "lower 95%", "upper 95%"].map(String::from);
    let rows: Vec<Vec<String>> = rows(est).into_iter().map(Vec::from).collect();
    let mut s = format!(
        "Estimates from collection years {} to {} (Gamma posteriors for rates, Dirichlet for shares)\n",
        est.from, est.to
    );
    s.push_str(&lacsim::report::terminal::grid(&head, &rows, 2));
    s
}
