//! `lacsim calibrate`: estimate entry, move and exit rates with their uncertainty
//! from a council's SSDA903 returns.

use super::output;
use super::run::Format;
use super::{InputError, returns};
use anyhow::Context;
use clap::Args;
use lacsim::FinancialYear;
use lacsim::calibrate;
use lacsim::costs_file::{self, CostsFile};
use lacsim::ssda903::estimate::{Estimates, RateEstimate};
use lacsim::ssda903::{Ssda903Data, occupancy};
use lacsim::window::{self, Window};
use std::path::Path;
use std::path::PathBuf;

/// Arguments of `lacsim calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Folder of SSDA903 returns: header and episodes CSV files (one per collection year, or combined).
    pub dir: PathBuf,
    /// First collection year to fit on: 2016/17, 2016-17, the DfE's 2017 (the year ending 31 March 2017) or a date in it (01/04/2016, 2016-04-01); default the first in the data.
    #[arg(long, value_name = "YEAR|DATE", value_parser = year_or_date)]
    pub from: Option<YearArg>,
    /// Last collection year to fit on: 2023/24, 2023-24, the DfE's 2024 or a date in it (31/03/2024); default the last in the data.
    #[arg(long, value_name = "YEAR|DATE", value_parser = year_or_date)]
    pub to: Option<YearArg>,
    /// Years to fit on, counting back from --to: a number (at least 2), `all`, or `auto` to choose by rolling-origin backtests on the council's own earlier years (said on stderr and in estimates.json). Not with --from.
    #[arg(long, value_name = "N|all|auto", conflicts_with = "from")]
    pub window: Option<Window>,
    /// Treat any rejected row as an error.
    #[arg(long)]
    pub strict: bool,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the calibrated scenario here (with rejected.csv and estimates.json beside it).
    #[arg(long, value_name = "SCENARIO.toml")]
    pub out: Option<PathBuf>,
    /// Unit costs for the scenario: a TOML file with [unit_costs] (as in a scenario) and optional [post_care], or a CSV with a `placement` column (scenario keys, or `foster` with a `provider` of `in_house` or `external`) and a `yearly` or `weekly` column of pounds per child (a week is a 52.14th of a year).
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// Years to forecast in the written scenario.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub horizon: usize,
    /// Council name for the written scenario.
    #[arg(long, value_name = "NAME", default_value = "Calibrated authority")]
    pub authority: String,
    /// Replace the --out scenario and the rejected.csv and estimates.json beside it if they exist.
    #[arg(long)]
    pub force: bool,
}

/// A collection year given on the command line, and how it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearArg {
    /// The financial (collection) year.
    pub year: FinancialYear,
    /// What it was read from, when not written as a financial year.
    pub read_from: Option<String>,
}

impl YearArg {
    /// Says which financial year a collection year or a date was read as (for stderr).
    pub fn note(&self, flag: &str) -> Option<String> {
        self.read_from
            .as_ref()
            .map(|how| format!("{flag} {how}: read as {}", self.year))
    }
}

/// A financial year written as "2019/20" or "2019-20", a collection year written the
/// DfE's way ("2020", the year ending 31 March 2020, 2019/20), or the financial year
/// containing a date written `dd/mm/yyyy` or `yyyy-mm-dd`.
pub fn year_or_date(text: &str) -> Result<YearArg, String> {
    let t = text.trim();
    if let Ok((year, collection)) = FinancialYear::parse_label_or_collection(t) {
        let read_from = collection.then(|| {
            format!(
                "{t} (the DfE's collection year ending 31 March {t}, 1 April {} to 31 March {t})",
                year.0
            )
        });
        return Ok(YearArg { year, read_from });
    }
    match lacsim::ssda903::parse_date(t) {
        Some(d) => {
            let year = lacsim::ssda903::codes::year_of(d);
            Ok(YearArg {
                year,
                read_from: Some(format!(
                    "{t} (the financial year containing that date, 1 April {} to 31 March {})",
                    year.0,
                    year.0 + 1
                )),
            })
        }
        None => Err(format!(
            "`{text}` is neither a financial year (2019/20 or 2019-20), a DfE collection year (2020, the year ending 31 March 2020) nor a date (31/03/2020 or 2020-03-31)"
        )),
    }
}

/// UASC children in the returns: how they were found and how many were looked
/// after on each 31 March, for estimates.json.
pub fn uasc_json(data: &lacsim::ssda903::Ssda903Data) -> serde_json::Value {
    let r = &data.report;
    serde_json::json!({
        "from_uasc_table": r.uasc_table_files > 0,
        "from_header_column": r.uasc_header_files > 0,
        "children": occupancy::uasc_children(data),
        "at_31_march": occupancy::uasc_march31(data),
    })
}

fn uasc_table(data: &lacsim::ssda903::Ssda903Data) -> String {
    let r = &data.report;
    let source = match (r.uasc_table_files > 0, r.uasc_header_files > 0) {
        (false, false) => {
            return "\nNo UASC table and no UASC column in the header files: unaccompanied asylum-seeking children are in the totals but cannot be counted apart.\n".into();
        }
        (true, false) => "the UASC table",
        (false, true) => "the header's UASC column",
        (true, true) => "the UASC table and the header's UASC column",
    };
    let head = ["31 March", "looked after", "UASC", "excluding UASC"].map(String::from);
    let rows: Vec<Vec<String>> = occupancy::uasc_march31(data)
        .iter()
        .map(|c| {
            vec![
                c.year.march_label(),
                c.looked_after.to_string(),
                c.uasc.to_string(),
                c.excluding_uasc.to_string(),
            ]
        })
        .collect();
    format!(
        "\nUnaccompanied asylum-seeking children (UASC), from {source}: {} children in all\n{}",
        occupancy::uasc_children(data),
        lacsim::report::terminal::grid(&head, &rows, 2)
    )
}

/// Reads a costs file (`--costs`): a CSV by its extension, otherwise TOML
/// ([`lacsim::costs_file`] parses and checks the text).
pub fn read_costs(path: &Path) -> anyhow::Result<CostsFile> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("{shown}: cannot read the costs file: {e}")))?;
    let csv = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    let parsed = if csv {
        costs_file::parse_csv(&shown, &text)
    } else {
        costs_file::parse_toml(&shown, &text)
    };
    parsed.map_err(|e| InputError(e.to_string()).into())
}

/// Reads a folder or zip of returns ([`returns::load`]), first refusing anything in
/// a folder that is named like a CSV file but is not one. The reader walks into
/// folders and passes over what is not a file, so an `episodes_2019-20.csv` that
/// is a folder would otherwise show up only as a year missing, with no word of why.
pub fn load_returns(dir: &Path, strict: bool) -> anyhow::Result<Ssda903Data> {
    if dir.is_dir() {
        refuse_csv_not_files(dir)?;
    }
    returns::load(dir, strict, None)
}

fn refuse_csv_not_files(dir: &Path) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        // What the reader skips (hidden files, macOS's folders in zips) is not looked at.
        if name.starts_with('.') || name == "__MACOSX" {
            continue;
        }
        let path = e.path();
        if name.to_ascii_lowercase().ends_with(".csv") {
            let what = if path.is_dir() {
                "is a folder where a CSV file is expected"
            } else if !path.is_file() {
                "is not a file that can be read (a broken link?) where a CSV file is expected"
            } else {
                continue;
            };
            return Err(InputError(format!(
                "{}: {what}; put the return's CSV file itself there",
                path.display()
            ))
            .into());
        }
        // Real folders only, not links to them: a link to a parent would never end.
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            refuse_csv_not_files(&path)?;
        }
    }
    Ok(())
}

/// Fits on `from..=to` and writes the scenario text for the years after `to`
/// ([`lacsim::backtest::fit`], as the backtest fits); a fit the data cannot
/// support is the user's input error.
pub fn fitted_scenario(
    data: &lacsim::ssda903::Ssda903Data,
    from: FinancialYear,
    to: FinancialYear,
    target: &calibrate::Target,
) -> anyhow::Result<(Estimates, String)> {
    use lacsim::backtest::{self, BacktestError};
    match backtest::fit(data, from, to, target) {
        Ok(f) => Ok((f.estimates, f.text)),
        Err(e @ BacktestError::Growth { .. }) => {
            Err(InputError(format!("{e}, or choose other years with --from and --to")).into())
        }
        Err(e) => Err(InputError(e.to_string()).into()),
    }
}

/// Runs the command.
pub fn run(a: CalibrateArgs) -> anyhow::Result<()> {
    let costs = a.costs.as_deref().map(read_costs).transpose()?;
    if a.horizon == 0 || a.horizon > 50 {
        return Err(InputError(format!(
            "--horizon: must be between 1 and 50 years, got {}",
            a.horizon
        ))
        .into());
    }
    if let Some(out) = &a.out {
        if out.exists() && !a.force {
            return Err(InputError(format!(
                "--out {}: already exists; choose a new file name or add --force",
                out.display()
            ))
            .into());
        }
        // The side files share the folder: another calibration's would be lost.
        let dir = out.parent().unwrap_or(Path::new(""));
        for side in ["rejected.csv", "estimates.json"] {
            if dir.join(side).exists() && !a.force {
                return Err(InputError(format!(
                    "--out {}: {side} from an earlier calibration is in that folder and would be replaced; choose another folder or add --force",
                    out.display()
                ))
                .into());
            }
        }
    }
    for (flag, arg) in [("--from", &a.from), ("--to", &a.to)] {
        if let Some(note) = arg.as_ref().and_then(|y| y.note(flag)) {
            eprintln!("{note}");
        }
    }
    let data = load_returns(&a.dir, a.strict)?;
    let (first, last) = data.report.years.ok_or_else(|| {
        InputError(format!(
            "{}: the returns hold no usable collection years",
            a.dir.display()
        ))
    })?;
    let from = a.from.as_ref().map_or(first, |y| y.year);
    let to = a.to.as_ref().map_or(last, |y| y.year);
    if from > to {
        return Err(InputError(format!("--from {from} is after --to {to}")).into());
    }
    if from < first || to > last {
        return Err(InputError(format!(
            "--from {from} --to {to}: the data covers {first} to {last}"
        ))
        .into());
    }
    let (from, choice) = match a.window {
        None | Some(Window::All) => (from, None),
        Some(Window::Years(n)) => (window::window_from(first, to, n), None),
        Some(Window::Auto) => {
            let c = window::choose(&data, first, to, a.horizon.min(3))
                .map_err(|e| InputError(format!("--window auto: {e}")))?;
            eprintln!("{}", c.explain());
            (c.from, Some(c))
        }
    };
    let source = a.dir.display().to_string();
    let target = calibrate::Target {
        authority: &a.authority,
        source: &source,
        first_year: to.plus(1),
        years: a.horizon,
        costs: costs.as_ref(),
        bands: None,
        uasc: None,
    };
    let (est, text) = fitted_scenario(&data, from, to, &target)?;
    let mut doc = serde_json::to_value(&est)?;
    if let Some(m) = doc.as_object_mut() {
        m.insert("uasc".into(), uasc_json(&data));
        if let Some(c) = &choice {
            m.insert("window".into(), serde_json::to_value(c)?);
        }
    }
    // The written scenario must load: check it before anything is written.
    let out_name = a
        .out
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "calibrated.toml".into());
    lacsim::scenario::load(Path::new(&out_name), &|_: &Path| Ok(text.clone())).map_err(|e| {
        anyhow::anyhow!("the calibrated scenario does not validate (a lacsim bug): {e}")
    })?;
    if let Some(out) = &a.out {
        let dir = out
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        write_atomically(
            &dir.join("rejected.csv"),
            &lacsim::report::csv::file(data.report.rejected_csv().into_bytes()),
        )?;
        write_atomically(
            &dir.join("estimates.json"),
            serde_json::to_string_pretty(&doc)?.as_bytes(),
        )?;
        write_atomically(out, text.as_bytes())?;
        eprintln!(
            "wrote {} (run it with `lacsim run {} --paths 10000`), rejected.csv and estimates.json",
            out.display(),
            out.display()
        );
    }
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => estimates_csv(&est, &data)?,
        Format::Table => estimates_table(&est) + &uasc_table(&data),
    };
    output::print(&text)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
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
        out.push([
            "yearly entries over-dispersion".into(),
            "all".into(),
            format!("{:.4}", g.overdispersion),
            "-".into(),
            "-".into(),
        ]);
    }
    out.push([
        "monthly entries NB size k".into(),
        "all".into(),
        est.entry_dispersion
            .map_or("Poisson".into(), |k| format!("{k:.4}")),
        "-".into(),
        "-".into(),
    ]);
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

fn estimates_csv(est: &Estimates, data: &lacsim::ssda903::Ssda903Data) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["parameter", "group", "mean", "lower_95", "upper_95"])?;
    for r in rows(est) {
        w.write_record(&r)?;
    }
    let r = &data.report;
    if r.uasc_table_files > 0 || r.uasc_header_files > 0 {
        for c in occupancy::uasc_march31(data) {
            for (what, n) in [
                ("looked after at 31 March", c.looked_after),
                ("UASC looked after at 31 March", c.uasc),
                ("looked after at 31 March excluding UASC", c.excluding_uasc),
            ] {
                w.write_record([what, &c.year.label(), &n.to_string(), "-", "-"])?;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_dates_name_a_collection_year() {
        let y = |s: &str| year_or_date(s).map(|y| y.year);
        assert_eq!(y("2020/21"), Ok(FinancialYear(2020)));
        assert_eq!(y("2020-21"), Ok(FinancialYear(2020)));
        assert_eq!(y("2021"), Ok(FinancialYear(2020)));
        assert_eq!(y("31/03/2021"), Ok(FinancialYear(2020)));
        assert_eq!(y("2021-03-31"), Ok(FinancialYear(2020)));
        assert_eq!(y("2021-04-01"), Ok(FinancialYear(2021)));
        assert!(y("next year").is_err());
        assert_eq!(year_or_date("2020/21").unwrap().note("--to"), None);
        assert_eq!(
            year_or_date("2022").unwrap().note("--fit-to").unwrap(),
            "--fit-to 2022 (the DfE's collection year ending 31 March 2022, 1 April 2021 to 31 March 2022): read as 2021/22"
        );
    }
}
