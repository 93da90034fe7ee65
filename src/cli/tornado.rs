//! `lacsim tornado`: swing each key assumption alone, rank by the swing in the net
//! position, and find each one's switching value.

use super::export;
use super::output::{self, OutDir};
use super::run::Format;
use super::{InputError, input};
use clap::Args;
use lacsim::manifest::{Mode, RunManifest};
use lacsim::report::{self, charts, table};
use lacsim::results;
use lacsim::scenario::costs;
use lacsim::sensitivity::ranges;
use lacsim::sensitivity::tornado::{self, key_assumptions};
use std::path::PathBuf;

/// Arguments of `lacsim tornado`.
#[derive(Debug, Args)]
pub struct TornadoArgs {
    /// Scenario file (TOML), or `builtin:NAME`; default: the Staffordshire 2019 investment plan.
    pub scenario: Option<String>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write tornado.svg, tornado.csv, tornado.json and the full report into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder if it already has files (only a folder lacsim wrote).
    #[arg(long)]
    pub force: bool,
    /// Rank the bars by the swing in net position, or by how many years each
    /// swing moves the sustained break-even year.
    #[arg(long, value_enum, default_value_t = RankArg::Net)]
    pub rank_by: RankArg,
}

/// `--rank-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankArg {
    /// Swing in net position over the horizon.
    Net,
    /// Years the sustained break-even year moves.
    BreakEven,
}

impl From<RankArg> for tornado::RankBy {
    fn from(r: RankArg) -> Self {
        match r {
            RankArg::Net => tornado::RankBy::Net,
            RankArg::BreakEven => tornado::RankBy::BreakEven,
        }
    }
}

/// Runs the command.
pub fn run(a: TornadoArgs) -> anyhow::Result<()> {
    let loaded = input::load(a.scenario.as_deref())?;
    if loaded.scenario.plan.is_none() {
        return Err(InputError(format!("{}: the tornado needs a plan scenario (one with a [plan] section); this is a do-nothing scenario", loaded.path)).into());
    }
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create(d, a.force))
        .transpose()?;
    let mut t = tornado::tornado(&loaded, key_assumptions(&loaded))?;
    tornado::rank(&mut t.bars, a.rank_by.into());
    // The ranges in [stochastic] act only in the engine: swing them on its expected-value model.
    let engine = if ranges::ranged_assumptions(&loaded).is_empty() {
        None
    } else {
        let mut e = ranges::engine_tornado(&loaded)?.0;
        tornado::rank(&mut e.bars, a.rank_by.into());
        Some(e)
    };
    let mut data = report::data::with_tornado(
        report::data::deterministic(&loaded, &results::run(&loaded.scenario)),
        &t,
    );
    data.engine_tornado = engine.as_ref().map(report::data::tornado_data);
    let shown = data.tornado.as_ref().expect("tornado just added");
    let warning = costs::warning(&loaded.scenario);
    let doc = serde_json::json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "scenario": loaded.path,
        "unit_costs": report::json::unit_costs(&loaded.scenario),
        "rank_by": tornado::RankBy::from(a.rank_by),
        "break_even_rule": "sustained",
        "base": t.base,
        "bars": t.bars,
        "engine": engine.as_ref().map(|e| serde_json::json!({"model": "engine expected value", "base": e.base, "bars": e.bars})),
    });
    let csv_bytes = {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "assumption",
            "range",
            "net_position_low",
            "net_position_high",
            "swing",
            "break_even_low",
            "break_even_high",
            "break_even_swing_years",
            "switching_factor",
            "switching_value",
        ];
        // Every row holds money: on default costs each says so (see report::csv).
        let note = warning.as_ref().map(|_| costs::DEFAULT_COSTS_CSV);
        if note.is_some() {
            header.push("notes");
        }
        w.write_record(&header)?;
        for b in &t.bars {
            let mut record = vec![
                b.assumption.name.clone(),
                b.assumption.range_source.clone(),
                b.low
                    .net_position
                    .map(report::csv::number)
                    .unwrap_or_default(),
                b.high
                    .net_position
                    .map(report::csv::number)
                    .unwrap_or_default(),
                report::csv::number(b.swing),
                b.low.break_even.map(|y| y.label()).unwrap_or_default(),
                b.high.break_even.map(|y| y.label()).unwrap_or_default(),
                b.break_even_swing_years.to_string(),
                b.switching_factor
                    .map(report::csv::number)
                    .unwrap_or_default(),
                b.switching_value
                    .map(report::csv::number)
                    .unwrap_or_default(),
            ];
            record.extend(note.map(String::from));
            w.write_record(&record)?;
        }
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?
    };
    if let Some(out) = out {
        export::write_report(&out, &data)?;
        out.write(
            "tornado.svg",
            charts::tornado("What moves the net position most", shown)
                .map_err(anyhow::Error::msg)?
                .as_bytes(),
        )?;
        out.write("tornado.csv", &csv_bytes)?;
        out.write(
            "tornado.json",
            serde_json::to_string_pretty(&doc)?.as_bytes(),
        )?;
        let manifest = RunManifest::new("tornado", output::unix_time())
            .scenario(&loaded.path, &loaded.hash)
            .mode(Mode::Deterministic)
            .costs(&loaded.scenario.unit_cost_source, warning.clone());
        out.write("run.json", manifest.to_json().as_bytes())?;
        eprintln!("wrote {}", out.finish()?.display());
    }
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => String::from_utf8(csv_bytes)?,
        Format::Table => {
            let mut s = format!(
                "Tornado: {} ({})\nBase net position over the horizon: {} (£'000s); {}.\nEach assumption swung alone; ranges are the default ±20% unless the scenario gives one.\n\n",
                loaded.scenario.title,
                loaded.path,
                table::format_value(shown.base_net, table::Unit::Thousands),
                lacsim::finance::BreakEven::sentence(
                    results::run(&loaded.scenario)
                        .plan
                        .and_then(|f| f.break_even)
                )
            );
            if let Some(w) = &warning {
                s.push_str(&report::terminal::flagged(w, 78));
                s.push('\n');
            }
            s.push_str(&grid_of(shown, &loaded.scenario.year_labels()));
            s.push_str("\nBreak-even is sustained: the first year from which the MTFS impact stays at or below zero. Years moved: how far the swing moves it (none = after the horizon).\nSwitching value: where the plan stops breaking even within the horizon (HM Treasury Green Book), by bisection.\n");
            if let Some(e) = &data.engine_tornado {
                s.push_str(&format!(
                    "\nRanges given in the scenario, on the engine's expected-value model (base net position {}; others at their means):\n\n",
                    table::format_value(e.base_net, table::Unit::Thousands)
                ));
                s.push_str(&grid_of(e, &loaded.scenario.year_labels()));
            }
            s
        }
    };
    let printed = output::print(&text);
    output::cost_banner(warning.as_deref());
    printed
}

/// The tornado's rows as a text grid.
fn grid_of(shown: &report::data::TornadoData, years: &[String]) -> String {
    let head = [
        "Assumption",
        "Net low",
        "Net high",
        "Break-even low",
        "Break-even high",
        "Years moved",
        "Switching value",
    ]
    .map(String::from);
    // No break-even counts as the year after the horizon, as in the ranking.
    let index = |y: &Option<String>| {
        y.as_ref()
            .and_then(|l| years.iter().position(|x| x == l))
            .unwrap_or(years.len())
    };
    let rows: Vec<Vec<String>> = shown
        .rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                table::format_value(r.low_net, table::Unit::Thousands),
                table::format_value(r.high_net, table::Unit::Thousands),
                r.low_break_even.clone().unwrap_or_else(|| "none".into()),
                r.high_break_even.clone().unwrap_or_else(|| "none".into()),
                index(&r.low_break_even)
                    .abs_diff(index(&r.high_break_even))
                    .to_string(),
                r.switching.clone().unwrap_or_else(|| "none found".into()),
            ]
        })
        .collect();
    report::terminal::grid(&head, &rows, 1)
}
