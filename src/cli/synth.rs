//! `lacsim synth`: write realistic synthetic SSDA903 returns from known rates, with
//! a `truth.json`, so the calibration pipeline can be tried without personal data.

use super::output::OutDir;
use super::{InputError, input};
use clap::Args;
use lacsim::FinancialYear;
use lacsim::ssda903::synth::{self, SynthConfig};
use std::path::PathBuf;

/// Arguments of `lacsim synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Settings file (TOML, the fields of a synthetic county); default: a county of a few thousand children.
    pub config: Option<String>,
    /// Collection years to write, by the year each starts: 2015-2024 means 2015/16 to 2024/25 (the DfE names a collection by its ending March, so its "2024" is 2023/24); or write 2015/16-2024/25.
    #[arg(long, value_name = "FIRST-LAST")]
    pub years: Option<String>,
    /// Seed of every random stream.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Start from the realistic county instead of the default: stays whose exit hazard is three
    /// times higher in the first six months, sibling groups, and re-entries after a return home
    /// (the settings the benchmark panel uses). A settings file's fields still override it.
    #[arg(long)]
    pub realistic: bool,
    /// Children entering care in the first collection year written (before re-entries).
    #[arg(long, value_name = "N")]
    pub entries_per_year: Option<f64>,
    /// Yearly growth of entries, as a fraction: 0.03 is 3% a year, -0.02 a 2% fall.
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    pub entry_growth: Option<f64>,
    /// Folder to write the returns and truth.json into.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: PathBuf,
    /// How to lay the returns out: `flat` (header_2019-20.csv, episodes_2019-20.csv),
    /// `year-folders` (one folder per collection year named the DfE way, 2020/header.csv
    /// for 2019/20), `combined` (every year in one header.csv and one episodes.csv) or
    /// `zip` (returns.zip holding the year folders).
    #[arg(long, value_enum, default_value_t = Layout::Flat)]
    pub layout: Layout,
    /// Replace the --out folder if it already has files (only a folder lacsim wrote).
    #[arg(long)]
    pub force: bool,
}

/// How `synth` lays out the returns it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// One header and one episodes file per year, named by year.
    Flat,
    /// One folder per collection year, named by the year it ends (2020 for 2019/20).
    YearFolders,
    /// Every year in one header and one episodes file.
    Combined,
    /// A zip of the year folders.
    Zip,
}

/// The returns as (relative path, bytes) in the layout asked for.
pub(super) fn laid_out(
    returns: &[synth::SynthReturn],
    layout: Layout,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let folder = |r: &synth::SynthReturn, table: &str, text: &str| {
        (
            format!("{}/{table}.csv", r.year.0 + 1),
            text.as_bytes().to_vec(),
        )
    };
    Ok(match layout {
        Layout::Flat => returns
            .iter()
            .flat_map(|r| {
                let tag = r.year.label().replace('/', "-");
                [
                    (
                        format!("header_{tag}.csv"),
                        r.header_csv.as_bytes().to_vec(),
                    ),
                    (
                        format!("episodes_{tag}.csv"),
                        r.episodes_csv.as_bytes().to_vec(),
                    ),
                    (format!("uasc_{tag}.csv"), r.uasc_csv.as_bytes().to_vec()),
                ]
            })
            .collect(),
        Layout::YearFolders => returns
            .iter()
            .flat_map(|r| {
                [
                    folder(r, "header", &r.header_csv),
                    folder(r, "episodes", &r.episodes_csv),
                    folder(r, "uasc", &r.uasc_csv),
                ]
            })
            .collect(),
        Layout::Combined => {
            // One column line, then every year's rows in year order.
            let join = |text: fn(&synth::SynthReturn) -> &str| {
                let mut out = Vec::new();
                for (i, r) in returns.iter().enumerate() {
                    let t = text(r);
                    let body = if i == 0 {
                        t
                    } else {
                        t.split_once('\n').map_or("", |(_, rest)| rest)
                    };
                    out.extend_from_slice(body.as_bytes());
                }
                out
            };
            vec![
                ("header.csv".into(), join(|r| &r.header_csv)),
                ("episodes.csv".into(), join(|r| &r.episodes_csv)),
                ("uasc.csv".into(), join(|r| &r.uasc_csv)),
            ]
        }
        Layout::Zip => {
            use std::io::Write as _;
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, bytes) in laid_out(returns, Layout::YearFolders)? {
                z.start_file(name, opts)?;
                z.write_all(&bytes)?;
            }
            vec![("returns.zip".into(), z.finish()?.into_inner())]
        }
    })
}

fn parse_years(text: &str) -> Result<(FinancialYear, FinancialYear), InputError> {
    let bad = || {
        InputError(format!(
            "--years `{text}`: write FIRST-LAST, e.g. 2015-2024 (collection years 2015/16 to 2024/25)"
        ))
    };
    let year = |t: &str| -> Result<FinancialYear, InputError> {
        if let Ok(y) = t.parse::<FinancialYear>() {
            return Ok(y);
        }
        t.parse::<i32>()
            .ok()
            .filter(|y| (1990..=2199).contains(y))
            .map(FinancialYear)
            .ok_or_else(bad)
    };
    // Split on the dash between the two years, not the one inside "2015-16".
    let parts: Vec<&str> = text.split('-').collect();
    let (a, b) = match parts.len() {
        2 => (year(parts[0])?, year(parts[1])?),
        4 => (
            year(&format!("{}-{}", parts[0], parts[1]))?,
            year(&format!("{}-{}", parts[2], parts[3]))?,
        ),
        _ => return Err(bad()),
    };
    if b < a {
        return Err(InputError(format!(
            "--years `{text}`: the last year is before the first"
        )));
    }
    Ok((a, b))
}

/// `base` with the fields a settings file gives (already checked to parse) replaced
/// by the file's: a file read over `--realistic` changes only what it names.
fn over(base: SynthConfig, text: &str) -> anyhow::Result<SynthConfig> {
    let given: toml::Table = toml::from_str(text)?;
    let mut merged = toml::Table::try_from(&base)?;
    merged.extend(given);
    Ok(merged.try_into()?)
}

/// Runs the command.
pub fn run(a: SynthArgs) -> anyhow::Result<()> {
    let base = if a.realistic {
        SynthConfig::realistic()
    } else {
        SynthConfig::default()
    };
    let mut cfg = match &a.config {
        Some(path) => {
            let text = input::read_source(std::path::Path::new(path))
                .map_err(|e| InputError(format!("{path}: cannot read the settings file: {e}")))?;
            // Checked as written (with line numbers), then laid over the base.
            toml::from_str::<SynthConfig>(&text).map_err(|e| {
                let line = e
                    .span()
                    .map(|s| lacsim::scenario::source::line_of(&text, s.start));
                InputError(format!(
                    "{path}{}: {}",
                    line.map(|l| format!(":{l}")).unwrap_or_default(),
                    e.message().trim()
                ))
            })?;
            over(base, &text)?
        }
        None => base,
    };
    if let Some(n) = a.entries_per_year {
        cfg.set_entries_per_year(n);
    }
    if let Some(g) = a.entry_growth {
        cfg.entry_growth = g;
    }
    if let Some(y) = &a.years {
        let (first, last) = parse_years(y)?;
        cfg.first_year = first;
        cfg.years = (last.0 - first.0 + 1) as u32;
    }
    if let Some(seed) = a.seed {
        cfg.seed = seed;
    }
    let out = OutDir::create(&a.out, a.force)?;
    let s = synth::generate(&cfg).map_err(|e| InputError(e.to_string()))?;
    for (name, bytes) in laid_out(&s.returns, a.layout)? {
        out.write(&name, &bytes)?;
    }
    out.write(
        "truth.json",
        serde_json::to_string_pretty(&s.truth)?.as_bytes(),
    )?;
    let dir = out.finish()?;
    let last = s.truth.years.last();
    eprintln!(
        "wrote {} collection years ({} to {}) into {}; {} children looked after at 31 March {}",
        s.returns.len(),
        s.returns
            .first()
            .map(|r| r.year.label())
            .unwrap_or_default(),
        s.returns.last().map(|r| r.year.label()).unwrap_or_default(),
        dir.display(),
        last.map(|y| y.total).unwrap_or(0),
        last.map(|y| y.year.0 + 1).unwrap_or(0)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_forms() {
        assert_eq!(
            parse_years("2015-2024").unwrap(),
            (FinancialYear(2015), FinancialYear(2024))
        );
        assert_eq!(
            parse_years("2015/16-2024/25").unwrap(),
            (FinancialYear(2015), FinancialYear(2024))
        );
        assert_eq!(
            parse_years("2015-16-2024-25").unwrap(),
            (FinancialYear(2015), FinancialYear(2024))
        );
        assert!(parse_years("2024-2015").is_err());
        assert!(parse_years("soon").is_err());
    }
}
