//! `lacsim report`: re-render a saved run's report without re-simulating.

use super::InputError;
use super::export::{self, Files};
use super::output::OutDir;
use clap::Args;
use lacsim::manifest::RunManifest;
use lacsim::report::data::ReportData;
use lacsim::report::partnership as rp;
use std::path::PathBuf;

/// Arguments of `lacsim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `lacsim run --out` (or `compare`, `tornado`, `partnership --out`).
    pub run_dir: PathBuf,
    /// Write the report into this folder instead of back into RUN_DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files (only a folder lacsim wrote).
    #[arg(long)]
    pub force: bool,
}

/// Runs the command.
pub fn run(a: ReportArgs) -> anyhow::Result<()> {
    let dir = &a.run_dir;
    let not_a_run = |why: &str| {
        InputError(format!(
            "{}: not a lacsim run folder ({why}); make one with `lacsim run SCENARIO --out DIR`",
            dir.display()
        ))
    };
    if dir.is_file() {
        return Err(not_a_run("it is a file; name the folder `lacsim run --out` wrote").into());
    }
    if !dir.is_dir() {
        return Err(not_a_run("no such folder").into());
    }
    if !dir.join("run.json").is_file() {
        return Err(not_a_run("no run.json").into());
    }
    let run: RunManifest = std::fs::read_to_string(dir.join("run.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| not_a_run("run.json is not a lacsim run manifest"))?;
    let text = std::fs::read_to_string(dir.join("report.json"))
        .map_err(|_| not_a_run("no readable report.json"))?;
    let mismatch = |e: serde_json::Error| {
        not_a_run(&format!(
            "report.json does not match this lacsim version: {e}"
        ))
    };
    let saved = if run.command == "partnership" {
        Saved::Partnership(serde_json::from_str(&text).map_err(mismatch)?)
    } else {
        Saved::Run(serde_json::from_str(&text).map_err(mismatch)?)
    };
    match &a.out {
        Some(target) => {
            if target.canonicalize().ok() == dir.canonicalize().ok() {
                return Err(InputError(format!(
                    "--out {}: that is the run folder itself; leave out --out to re-render it in place",
                    target.display()
                ))
                .into());
            }
            let out = OutDir::create(target, a.force)?;
            saved.files()?.write_to(&out)?;
            out.write("run.json", &std::fs::read(dir.join("run.json"))?)?;
            eprintln!("wrote {}", out.finish()?.display());
        }
        None => {
            // Re-render in place: render everything first, then replace the
            // report files only (the tables, charts and results stay as the run wrote them).
            let files = saved.files()?;
            for name in REPORTS {
                let bytes = files
                    .get(name)
                    .ok_or_else(|| anyhow::anyhow!("{name} was not rendered"))?;
                std::fs::write(dir.join(name), bytes)?;
            }
            eprintln!(
                "re-rendered report.html, report.xlsx and report.docx in {}",
                dir.display()
            );
        }
    }
    Ok(())
}

/// The report data a folder keeps, by the command that wrote it.
enum Saved {
    /// `run`, `compare` or `tornado`.
    Run(Box<ReportData>),
    /// `partnership`.
    Partnership(Box<rp::Report>),
}

/// The files re-rendered in place.
const REPORTS: [&str; 3] = ["report.html", "report.xlsx", "report.docx"];

impl Saved {
    /// Every report file, made as the command that wrote the folder makes them.
    fn files(&self) -> anyhow::Result<Files> {
        let mut files = Files::default();
        match self {
            Saved::Run(d) => export::report_files(&mut files, d)?,
            Saved::Partnership(r) => export::partnership_files(&mut files, r)?,
        }
        Ok(files)
    }
}
