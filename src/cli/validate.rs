//! `lacsim validate`: check scenario and partnership files and list every problem.

use super::{InputError, input};
use clap::Args;
use lacsim::scenario::{self, Problems, source};
use lacsim::{partnership, year::FinancialYear};
use std::path::Path;

/// Arguments of `lacsim validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario or partnership files to check (a partnership file is one with `[[partners]]`).
    #[arg(required = true)]
    pub files: Vec<String>,
}

/// What kind of file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scenario,
    Partnership,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Scenario => "scenario",
            Kind::Partnership => "partnership",
        }
    }
}

fn span(years: &[FinancialYear]) -> String {
    match years.first() {
        Some(first) => format!(
            "{} year{} from {first}",
            years.len(),
            if years.len() == 1 { "" } else { "s" }
        ),
        None => "no years".into(),
    }
}

/// Checks one file: what kind it is, and a line saying so or its problems.
fn check(f: &str) -> Result<(Kind, String), (Option<Kind>, Problems)> {
    let path = Path::new(f);
    // Merged first (with `extends`), so a partnership that extends another is one too.
    let kind = match source::load(path, &input::read_source) {
        Ok(src) if src.merged.contains_key("partners") => Kind::Partnership,
        Ok(_) => Kind::Scenario,
        Err(p) => return Err((None, Problems(p))),
    };
    let result = match kind {
        Kind::Scenario => scenario::load(path, &input::read_source).map(|l| {
            let s = &l.scenario;
            format!("{}, {}", s.title, span(&s.years))
        }),
        Kind::Partnership => partnership::load(path, &input::read_source).map(|l| {
            let p = &l.partnership;
            let n = p.partners.len();
            format!(
                "{}, {n} partner{}, {}",
                p.title,
                if n == 1 { "" } else { "s" },
                span(&p.years)
            )
        }),
    };
    result.map(|what| (kind, what)).map_err(|e| (Some(kind), e))
}

/// Runs the command: prints `OK` and the kind of file, or the problems, for each file.
pub fn run(a: ValidateArgs) -> anyhow::Result<()> {
    let mut bad = 0;
    for f in &a.files {
        match check(f) {
            Ok((kind, what)) => println!("{f}: OK, {} file ({what})", kind.name()),
            Err((kind, e)) => {
                bad += 1;
                match kind {
                    Some(k) => eprintln!("{f}: read as a {} file", k.name()),
                    None => eprintln!("{f}: could not be read"),
                }
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        return Err(InputError(format!(
            "{bad} of {} file{} not valid",
            a.files.len(),
            if a.files.len() == 1 { " is" } else { "s are" }
        ))
        .into());
    }
    Ok(())
}
