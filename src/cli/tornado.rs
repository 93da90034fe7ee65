//! `lacsim tornado`: swing each key assumption alone, rank by the swing in the net
//! position, and find each one's switching value; with `--paths N`, the same on
//! the Monte Carlo engine (computed by `lacsim::sensitivity::mc_tornado`; this
//! file builds the thread pool and progress bar and renders).

use super::export;
use super::output::{self, OutDir};
use super::progress;
use super::run::Format;
use super::{InputError, input};
use clap::Args;
use lacsim::manifest::{Mode, RunManifest};
use lacsim::report::{self, charts, table};
use lacsim::results;
use lacsim::scenario::costs;
use lacsim::sensitivity::mc_tornado::{self, McTornado, Prepared, Settings, Switching};
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
    /// Replace the --out folder if it already has files (only a folder lacsim wrote), or run more than 1,000,000 paths.
    #[arg(long)]
    pub force: bool,
    /// Rank the bars by the swing in net position, or by how many years each
    /// swing moves the sustained break-even year.
    #[arg(long, value_enum, default_value_t = RankArg::Net)]
    pub rank_by: RankArg,
    /// Only the assumptions whose name contains TEXT (case-insensitive; repeat for more), in every tornado.
    #[arg(long = "assumption", value_name = "TEXT")]
    pub assumptions: Vec<String>,
    /// Monte Carlo flags: with `--paths N`, each assumption is also swung on the engine's random paths (the same seed and paths at every point), reporting the mean, P5 and P95 of the net position, the probability of a sustained break-even by the deterministic break-even year, and switching values found by bisection on those paths.
    #[command(flatten)]
    pub mc: super::monte_carlo::McArgs,
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
    match a.mc.paths {
        Some(p) => super::monte_carlo::check(p, a.mc.threads, a.force)?,
        None => a.mc.note_unused(),
    }
    let loaded = input::load(a.scenario.as_deref())?;
    if loaded.scenario.plan.is_none() {
        return Err(InputError(format!("{}: the tornado needs a plan scenario (one with a [plan] section); this is a do-nothing scenario", loaded.path)).into());
    }
    let wanted: Vec<String> = a.assumptions.iter().map(|w| w.to_lowercase()).collect();
    let keep = |name: &str| {
        wanted.is_empty() || {
            let name = name.to_lowercase();
            wanted.iter().any(|w| name.contains(w.as_str()))
        }
    };
    let key: Vec<_> = key_assumptions(&loaded)
        .into_iter()
        .filter(|x| keep(&x.name))
        .collect();
    let ranged = ranges::ranged_assumptions(&loaded)
        .into_iter()
        .filter(|r| keep(&r.name))
        .count();
    if key.is_empty() && ranged == 0 {
        let names: Vec<String> = key_assumptions(&loaded)
            .into_iter()
            .map(|x| x.name)
            .chain(
                ranges::ranged_assumptions(&loaded)
                    .into_iter()
                    .map(|r| r.name),
            )
            .collect();
        return Err(InputError(format!(
            "--assumption: no assumption's name contains {}; the assumptions are: {}",
            a.assumptions
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            names.join(", ")
        ))
        .into());
    }
    // Everything the Monte Carlo tornado needs is checked before any output.
    let prepared = match a.mc.paths {
        Some(paths) => Some(
            Prepared::only(
                &loaded,
                Settings {
                    paths,
                    seed: a.mc.seed,
                    by_year: None,
                },
                &keep,
            )
            .map_err(|e| InputError(e.to_string()))?,
        ),
        None => None,
    };
    let out = a
        .out
        .as_deref()
        .map(|d| OutDir::create(d, a.force))
        .transpose()?;
    let mut t = tornado::tornado(&loaded, key)?;
    tornado::rank(&mut t.bars, a.rank_by.into());
    // The ranges in [stochastic] act only in the engine: swing them on its expected-value model.
    let engine = if ranged == 0 {
        None
    } else {
        let mut e = ranges::engine_tornado_of(&loaded, &keep)?.0;
        tornado::rank(&mut e.bars, a.rank_by.into());
        Some(e)
    };
    let mc = match &prepared {
        Some(p) => Some(monte_carlo_tornado(p, a.rank_by.into(), &a.mc)?),
        None => None,
    };
    let mut data = report::data::with_tornado(
        report::data::deterministic(&loaded, &results::run(&loaded.scenario)),
        &t,
    );
    data.engine_tornado = engine.as_ref().map(report::data::tornado_data);
    data.mc_tornado = mc.as_ref().map(report::data::mc_tornado_data);
    let shown = data.tornado.as_ref().expect("tornado just added");
    let warning = costs::warning(&loaded.scenario);
    let doc = serde_json::json!({
        "lacsim_version": env!("CARGO_PKG_VERSION"),
        "scenario": loaded.path,
        "unit_costs": report::json::unit_costs(&loaded.scenario),
        "rank_by": tornado::RankBy::from(a.rank_by),
        "break_even_rule": "sustained",
        // `base`, and `low` and `high` of each bar, hold these figures.
        "figures": &lacsim::sensitivity::FIGURES[..5],
        "base": t.base,
        "bars": t.bars,
        "engine": engine.as_ref().map(|e| serde_json::json!({"model": "engine expected value", "base": e.base, "bars": e.bars})),
    });
    let mc_doc = mc.as_ref().map(|m| mc_json(&loaded, m, a.rank_by.into()));
    let mut doc = doc;
    if let (Some(m), Some(map)) = (&mc_doc, doc.as_object_mut()) {
        map.insert("monte_carlo".into(), m.clone());
    }
    let mc_csv = match &mc {
        Some(m) => Some(mc_csv_bytes(
            m,
            warning.as_ref().map(|_| costs::DEFAULT_COSTS_CSV),
        )?),
        None => None,
    };
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
        out.write("tornado.csv", &report::csv::file(csv_bytes.clone()))?;
        // tornado.json keeps its deterministic keys; the Monte Carlo tornado has its own files.
        let mut saved = doc.clone();
        if let Some(map) = saved.as_object_mut() {
            map.remove("monte_carlo");
        }
        out.write(
            "tornado.json",
            serde_json::to_string_pretty(&saved)?.as_bytes(),
        )?;
        let mut manifest = RunManifest::new("tornado", output::unix_time())
            .scenario(&loaded.path, &loaded.hash)
            .mode(Mode::Deterministic)
            .costs(&loaded.scenario.unit_cost_source, warning.clone());
        if let (Some(m), Some(bytes), Some(shown)) = (&mc_doc, &mc_csv, &data.mc_tornado) {
            out.write("tornado-mc.csv", &report::csv::file(bytes.clone()))?;
            out.write(
                "tornado-mc.json",
                serde_json::to_string_pretty(m)?.as_bytes(),
            )?;
            out.write(
                "tornado-mc.svg",
                charts::tornado(
                    "Monte Carlo: mean net position at each end",
                    &shown.mean_net_tornado(),
                )
                .map_err(anyhow::Error::msg)?
                .as_bytes(),
            )?;
            // The folder holds both models; the paths and seed are the Monte Carlo's.
            manifest.paths = Some(shown.paths);
            manifest.seed = Some(shown.seed);
        }
        out.write("run.json", manifest.to_json().as_bytes())?;
        eprintln!("wrote {}", out.finish()?.display());
    }
    let text = match a.format {
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        // With --paths the Monte Carlo tornado's CSV (tornado-mc.csv), else tornado.csv.
        Format::Csv => String::from_utf8(mc_csv.unwrap_or(csv_bytes))?,
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
            if let Some(m) = &data.mc_tornado {
                s.push('\n');
                s.push_str(&mc_table(m));
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

/// Runs the Monte Carlo tornado on a local thread pool, with a progress bar in
/// paths (sized for the most engine runs; a bar that needs fewer skips ahead).
fn monte_carlo_tornado(
    p: &Prepared,
    rank_by: tornado::RankBy,
    mc: &super::monte_carlo::McArgs,
) -> anyhow::Result<McTornado> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(t) = mc.threads {
        pool = pool.num_threads(t);
    }
    let pool = pool.build()?;
    let bar = progress::bar(
        p.max_engine_runs() * p.settings.paths,
        "tornado paths",
        mc.quiet,
    );
    let result = pool.install(|| p.run(rank_by, &|n| bar.inc(n)));
    bar.finish_and_clear();
    result.map_err(|e| InputError(e.to_string()).into())
}

/// A switching value as JSON: the found value and its bracket, or the range searched.
fn switching_json(s: &Switching) -> serde_json::Value {
    serde_json::to_value(s).unwrap_or_default()
}

/// The `monte_carlo` part of the JSON (also `tornado-mc.json`): every figure
/// named with its statistic and unit.
fn mc_json(
    loaded: &lacsim::scenario::Loaded,
    m: &McTornado,
    rank_by: tornado::RankBy,
) -> serde_json::Value {
    let point = |p: &mc_tornado::McPoint| {
        serde_json::json!({
            "net_position_gbp_000s": p.net_position,
            "p_sustained_break_even_by_year": p.p_break_even_by_year,
            "p_sustained_break_even_within_horizon": p.p_break_even_in_horizon,
        })
    };
    let bars: Vec<serde_json::Value> = m
        .bars
        .iter()
        .map(|b| {
            serde_json::json!({
                "assumption": b.name,
                "range": b.swing.range_source(),
                "x_is": if b.factor { "factor" } else { "value" },
                "low": b.low,
                "high": b.high,
                "low_value": b.swing.value_at(b.low),
                "high_value": b.swing.value_at(b.high),
                "at_low": point(&b.at_low),
                "at_high": point(&b.at_high),
                "swing_mean_net_position_gbp_000s": b.swing_net,
                "swing_p_sustained_break_even_by_year": b.swing_break_even,
                "switching_mean_net_position_zero": switching_json(&b.switching_net),
                "switching_p_sustained_break_even_50": switching_json(&b.switching_break_even),
                "engine_runs": b.engine_runs,
            })
        })
        .collect();
    serde_json::json!({
        "model": "monte carlo engine, common random numbers",
        "scenario": loaded.path,
        "scenario_hash": loaded.hash,
        "paths": m.paths,
        "seed": m.seed,
        "by_year": m.by_year.label(),
        "by_year_basis": m.by_year_basis,
        "break_even_rule": "sustained",
        "rank_by": rank_by,
        "central": point(&m.central),
        "bisection": {
            "max_steps": mc_tornado::MAX_STEPS,
            "tolerance_share_of_range": mc_tornado::TOLERANCE,
            "search_range_widths_beyond_each_end": mc_tornado::SEARCH_WIDTHS,
            "max_engine_runs_per_bar": mc_tornado::MAX_RUNS_PER_BAR,
        },
        "engine_runs": m.engine_runs,
        "max_engine_runs": m.max_engine_runs,
        "not_in_engine": m.not_in_engine,
        "bars": bars,
    })
}

/// `tornado-mc.csv`: one row a bar, each column named with its statistic.
fn mc_csv_bytes(m: &McTornado, note: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "assumption",
        "range",
        "x_is",
        "low",
        "high",
        "net_position_mean_low",
        "net_position_p5_low",
        "net_position_p50_low",
        "net_position_p95_low",
        "net_position_mean_high",
        "net_position_p5_high",
        "net_position_p50_high",
        "net_position_p95_high",
        "by_year",
        "p_sustained_break_even_by_year_low",
        "p_sustained_break_even_by_year_high",
        "swing_mean_net_position",
        "swing_p_sustained_break_even_by_year",
        "switching_mean_net_position_zero",
        "switching_p_sustained_break_even_50",
        "switching_searched_from",
        "switching_searched_to",
        "paths",
        "seed",
        "engine_runs",
    ];
    if note.is_some() {
        header.push("notes");
    }
    w.write_record(&header)?;
    let num = report::csv::number;
    let found = |s: &Switching| match *s {
        Switching::Found { x, .. } => num(x),
        Switching::None { .. } => String::new(),
    };
    for b in &m.bars {
        let (from, to) = match (b.switching_net, b.switching_break_even) {
            (Switching::None { from, to, .. }, _) | (_, Switching::None { from, to, .. }) => {
                (num(from), num(to))
            }
            _ => (String::new(), String::new()),
        };
        let mut r = vec![
            b.name.clone(),
            b.swing.range_source(),
            if b.factor { "factor" } else { "value" }.to_string(),
            num(b.low),
            num(b.high),
            num(b.at_low.net_position.mean),
            num(b.at_low.net_position.p5),
            num(b.at_low.net_position.p50),
            num(b.at_low.net_position.p95),
            num(b.at_high.net_position.mean),
            num(b.at_high.net_position.p5),
            num(b.at_high.net_position.p50),
            num(b.at_high.net_position.p95),
            m.by_year.label(),
            num(b.at_low.p_break_even_by_year),
            num(b.at_high.p_break_even_by_year),
            num(b.swing_net),
            num(b.swing_break_even),
            found(&b.switching_net),
            found(&b.switching_break_even),
            from,
            to,
            m.paths.to_string(),
            m.seed.to_string(),
            b.engine_runs.to_string(),
        ];
        r.extend(note.map(String::from));
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The Monte Carlo tornado as text: the swings, then the switching values.
fn mc_table(m: &report::data::McTornadoData) -> String {
    let money = |v: f64| table::format_value(v, table::Unit::Thousands);
    let pct = |p: f64| format!("{:.1}%", p * 100.0);
    let by = &m.by_year;
    let mut s = format!(
        "Monte Carlo tornado: {} paths at every point, seed {}, the same random numbers at every point (common random numbers); the other ranges still drawn path by path.\n\
         As written: net position over the horizon mean {} (P5 {}, P95 {}) (£'000s); P(sustained break-even by {by}) {} ({}).\n\n",
        m.paths,
        m.seed,
        money(m.central_net_mean),
        money(m.central_net_p5),
        money(m.central_net_p95),
        pct(m.central_p_break_even),
        m.by_year_basis,
    );
    let head = [
        "Assumption".to_string(),
        "Low / high".into(),
        "Net, mean: low / high".into(),
        "Net, P5 to P95: low".into(),
        "Net, P5 to P95: high".into(),
        format!("P(sustained break-even by {by}): low / high"),
    ];
    let rows: Vec<Vec<String>> = m
        .rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                format!("{} / {}", r.low, r.high),
                format!("{} / {}", money(r.low_net_mean), money(r.high_net_mean)),
                format!("{} to {}", money(r.low_net_p5), money(r.low_net_p95)),
                format!("{} to {}", money(r.high_net_p5), money(r.high_net_p95)),
                format!("{} / {}", pct(r.low_p_break_even), pct(r.high_p_break_even)),
            ]
        })
        .collect();
    s.push_str(&report::terminal::grid(&head, &rows, 1));
    s.push_str("\nNet: the net position over the horizon (investment less savings, summed; £'000s, negative = surplus), across paths.\n\n");
    let head = [
        "Assumption".to_string(),
        "Mean net position crosses 0 at".into(),
        format!("P(sustained break-even by {by}) crosses 50% at"),
        "Engine runs".into(),
    ];
    let rows: Vec<Vec<String>> = m
        .rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.switching_net.clone(),
                r.switching_break_even.clone(),
                r.engine_runs.to_string(),
            ]
        })
        .collect();
    s.push_str(&report::terminal::grid(&head, &rows, 1));
    s.push_str(&format!(
        "\nSwitching values on the Monte Carlo model, by bisection on the same paths: from the value as written outwards, first within the range, then up to {} range-widths beyond it (factors not below 0); at most {} steps, to {} of the range; at most {} engine runs a bar. {} engine runs in all (at most {}).\n",
        mc_tornado::SEARCH_WIDTHS,
        mc_tornado::MAX_STEPS,
        mc_tornado::TOLERANCE,
        mc_tornado::MAX_RUNS_PER_BAR,
        m.engine_runs,
        m.max_engine_runs,
    ));
    if !m.not_in_engine.is_empty() {
        s.push_str(&format!(
            "Not swung on the engine (they move only the paper model): {}.\n",
            m.not_in_engine.join(", ")
        ));
    }
    s
}
