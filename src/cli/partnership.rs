//! `lacsim partnership`: run a regional adoption partnership and each partner alone.

use super::output::{self, OutDir};
use super::run::Format;
use super::{export, input, progress};
use clap::Args;
use lacsim::manifest::{Mode, RunManifest};
use lacsim::partnership;
use lacsim::report::{self, partnership as rp};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Arguments of `lacsim partnership`.
#[derive(Debug, Args)]
pub struct PartnershipArgs {
    /// Partnership file (TOML): partners, pooled functions, fees and the finance formula.
    pub file: String,
    /// Also run this many stochastic paths: probability of paying more than alone, and the spread of contributions.
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Seed of every random stream.
    #[arg(long, default_value_t = 1, allow_hyphen_values = true)]
    pub seed: u64,
    /// Worker threads for --paths (default: one per core); the numbers do not depend on it.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub threads: Option<usize>,
    /// Do not show a progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write tables (CSV), results (CSV, JSON), contributions.svg, report.html, report.xlsx, report.json and run.json into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files (only a folder lacsim wrote), or run more than 1,000,000 paths.
    #[arg(long)]
    pub force: bool,
}

/// Runs the command.
pub fn run(a: PartnershipArgs) -> anyhow::Result<()> {
    let loaded = partnership::load(Path::new(&a.file), &input::read_source)?;
    if let Some(n) = a.paths {
        super::monte_carlo::check(n, a.threads, a.force)?;
    }
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create(d, a.force))
        .transpose()?;
    let p = &loaded.partnership;
    let expected = partnership::run_expected(p);
    let summary = match a.paths {
        Some(n) => {
            let mut pool = rayon::ThreadPoolBuilder::new();
            if let Some(t) = a.threads {
                pool = pool.num_threads(t);
            }
            let pool = pool.build()?;
            let bar = progress::bar(n, "paths", a.quiet);
            let paths: Vec<_> = pool.install(|| {
                (0..n)
                    .into_par_iter()
                    .map(|k| {
                        bar.inc(1);
                        partnership::run_path(p, a.seed, k)
                    })
                    .collect()
            });
            bar.finish_and_clear();
            Some(partnership::summarise(p, &paths))
        }
        None => None,
    };
    let meta = rp::RunMeta {
        path: loaded.path.clone(),
        hash: loaded.hash.clone(),
        seed: a.paths.map(|_| a.seed),
    };
    let report = rp::report(p, &expected, summary.as_ref(), &meta);
    let doc = rp::json(p, &expected, summary.as_ref(), &meta);
    let tidy = rp::tidy(p, &expected, summary.as_ref());
    let csv = tidy_csv(&tidy)?;

    if let Some(out) = out {
        write_out(&out, &report, &doc, &csv)?;
        out.write("partnership.toml", loaded.text.as_bytes())?;
        let mut manifest =
            RunManifest::new("partnership", output::unix_time()).mode(if a.paths.is_some() {
                Mode::Stochastic
            } else {
                Mode::Expected
            });
        manifest.paths = a.paths;
        manifest.seed = meta.seed;
        manifest.partnership_path = Some(loaded.path.clone());
        manifest.partnership_hash = Some(loaded.hash.clone());
        out.write("run.json", manifest.to_json().as_bytes())?;
        let dir = out.finish()?;
        eprintln!("wrote {}", dir.display());
    }

    let text = match a.format {
        Format::Table => {
            let mut t = format!("{}\n({})\n\n", p.title, loaded.path);
            t.push_str(&report::terminal::render_all(&report.tables));
            t
        }
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => String::from_utf8(csv)?,
    };
    output::print(&text)
}

/// Writes the tables (CSV), results (JSON, CSV), the contributions chart and the HTML and XLSX reports.
fn write_out(
    out: &OutDir,
    report: &rp::Report,
    doc: &serde_json::Value,
    tidy: &[u8],
) -> anyhow::Result<()> {
    export::write_partnership(out, report)?;
    out.write(
        "results.json",
        serde_json::to_string_pretty(doc)?.as_bytes(),
    )?;
    out.write("results.csv", &lacsim::report::csv::file(tidy.to_vec()))?;
    Ok(())
}

fn tidy_csv(rows: &[rp::TidyRow]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}
