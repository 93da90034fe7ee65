//! The files of an output folder, made in memory once: `--out` writes them and
//! `lacsim serve` hands them out (one at a time or zipped), so both are the same.

use super::output::OutDir;
use lacsim::engine::{MonteCarlo, Summary};
use lacsim::manifest::{Mode, RunManifest};
use lacsim::report::monte_carlo::McMeta;
use lacsim::report::{self, csv, data::ReportData, html, partnership as rp, xlsx};
use lacsim::results;
use lacsim::scenario::{Loaded, costs};
use std::io::Write;

/// An output folder's files, by name, in the order they are written.
#[derive(Debug, Default)]
pub struct Files(Vec<(String, Vec<u8>)>);

impl Files {
    /// Adds a file.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.0.push((name.to_string(), bytes));
    }

    /// The bytes of the file `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }

    /// Writes every file into `out`.
    pub fn write_to(&self, out: &OutDir) -> anyhow::Result<()> {
        for (name, bytes) in &self.0 {
            out.write(name, bytes)?;
        }
        Ok(())
    }

    /// Every file in one zip, for a download.
    pub fn zip(&self) -> anyhow::Result<Vec<u8>> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in &self.0 {
            z.start_file(name.as_str(), options)?;
            z.write_all(bytes)?;
        }
        Ok(z.finish()?.into_inner())
    }
}

/// `report.html`, `report.xlsx`, `report.docx`, `report.json`, one CSV per
/// table, and every chart as SVG and PNG.
pub fn report_files(files: &mut Files, data: &ReportData) -> anyhow::Result<()> {
    for t in &data.tables {
        files.add(&format!("{}.csv", t.id), csv::file(csv::wide(t)?));
    }
    files.add(
        "report.json",
        serde_json::to_string_pretty(data)?.into_bytes(),
    );
    files.add("report.html", html::render(data).into_bytes());
    files.add("report.xlsx", xlsx::render(data)?);
    // Each chart drawn once: as SVG and PNG in the folder, the PNG in the document.
    let mut pictures = Vec::new();
    for f in report::figures::all(data) {
        if let Some((png, width, height)) = rasterise(&f.svg) {
            files.add(&format!("{}.png", f.id), png.clone());
            pictures.push(report::docx::Picture {
                caption: f.caption,
                png,
                width,
                height,
            });
        }
        files.add(&format!("{}.svg", f.id), f.svg.into_bytes());
    }
    files.add(
        "report.docx",
        report::docx::render(data, &today(), &pictures).map_err(anyhow::Error::msg)?,
    );
    Ok(())
}

/// Today's date as a report prints it, e.g. "30 November 2026".
fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%-d %B %Y")
        .to_string()
}

/// Pixels per chart unit: charts are 680 units wide and print 170 mm wide, so
/// 3 gives about 300 dots an inch.
const PNG_SCALE: f32 = 3.0;

/// A chart's SVG as PNG at print resolution, with its size in pixels; `None`
/// if it cannot be drawn. Fonts are the system's (Debian: DejaVu, Liberation),
/// loaded once.
pub fn rasterise(svg: &str) -> Option<(Vec<u8>, u32, u32)> {
    use resvg::{tiny_skia, usvg};
    static FONTS: std::sync::OnceLock<std::sync::Arc<usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        db.set_sans_serif_family("DejaVu Sans");
        std::sync::Arc::new(db)
    });
    let options = usvg::Options {
        fontdb: fonts.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).ok()?;
    let size = tree.size().to_int_size().scale_by(PNG_SCALE)?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE),
        &mut pixmap.as_mut(),
    );
    Some((pixmap.encode_png().ok()?, size.width(), size.height()))
}

/// Writes the report files ([`report_files`]) into `out`.
pub fn write_report(out: &OutDir, data: &ReportData) -> anyhow::Result<()> {
    let mut files = Files::default();
    report_files(&mut files, data)?;
    files.write_to(out)
}

/// The folder of a deterministic `lacsim run --out`.
pub fn deterministic_run(loaded: &Loaded, created_unix: u64) -> anyhow::Result<Files> {
    let s = &loaded.scenario;
    let r = results::run(s);
    let meta = report::json::Meta {
        scenario_path: loaded.path.clone(),
        scenario_hash: loaded.hash.clone(),
    };
    let mut files = Files::default();
    report_files(&mut files, &report::data::deterministic(loaded, &r))?;
    let tidy = report::tidy::deterministic(s, &r);
    let warning = costs::warning(s);
    let note = warning.as_ref().map(|_| costs::DEFAULT_COSTS_CSV);
    files.add("results.csv", csv::file(csv::tidy_with_notes(&tidy, note)?));
    let doc = report::json::deterministic(s, &r, &meta);
    files.add(
        "results.json",
        serde_json::to_string_pretty(&doc)?.into_bytes(),
    );
    files.add("scenario.toml", loaded.merged_toml.clone().into_bytes());
    let manifest = RunManifest::new("run", created_unix)
        .scenario(&loaded.path, &loaded.hash)
        .mode(Mode::Deterministic)
        .costs(&s.unit_cost_source, warning);
    files.add("run.json", manifest.to_json().into_bytes());
    Ok(files)
}

/// What a Monte Carlo run's folder is made from.
pub struct McRun<'a> {
    /// The (invest) scenario.
    pub loaded: &'a Loaded,
    /// Every path.
    pub mc: &'a MonteCarlo,
    /// The statistics across paths.
    pub summary: &'a Summary,
    /// Where it came from.
    pub meta: &'a McMeta,
    /// `run` or `compare`.
    pub command: &'a str,
    /// The comparator of `compare`.
    pub comparator: Option<&'a Loaded>,
}

impl McRun<'_> {
    /// The default-costs warning of the figures: the scenario's, and for
    /// `compare` the comparator's too.
    pub fn cost_warning(&self) -> Option<String> {
        let mut arms = vec![&self.loaded.scenario];
        arms.extend(self.comparator.map(|c| &c.scenario));
        costs::warnings(&arms)
    }

    /// The JSON document of the run (`results.json`, `--format json`), with
    /// whose unit costs the comparator uses under `do_nothing_scenario`.
    pub fn json(&self) -> serde_json::Value {
        let s = &self.loaded.scenario;
        let mut doc = report::monte_carlo::json(s, self.summary, self.meta);
        if let Some(c) = self.comparator
            && doc.get("do_nothing_scenario").is_some()
        {
            doc["do_nothing_scenario"]["unit_costs"] = report::json::unit_costs(&c.scenario);
        }
        doc
    }
}

/// The folder of `lacsim run --paths N --out` or `lacsim compare --out`.
pub fn monte_carlo_run(run: &McRun, created_unix: u64) -> anyhow::Result<Files> {
    let (s, summary, meta) = (&run.loaded.scenario, run.summary, run.meta);
    let mut files = Files::default();
    let warning = run.cost_warning();
    let note = warning.as_ref().map(|_| costs::DEFAULT_COSTS_CSV);
    let mut data = report::data::monte_carlo(run.loaded, &results::run(s), summary, meta);
    data.warn_costs(warning.clone());
    report_files(&mut files, &data)?;
    let tidy = report::tidy::monte_carlo(s, summary, meta);
    files.add("results.csv", csv::file(csv::tidy_with_notes(&tidy, note)?));
    files.add(
        "paths.csv",
        csv::file(report::monte_carlo::per_path_csv(s, run.mc, note)?),
    );
    let doc = run.json();
    files.add(
        "results.json",
        serde_json::to_string_pretty(&doc)?.into_bytes(),
    );
    files.add("scenario.toml", run.loaded.merged_toml.clone().into_bytes());
    if let Some(c) = run.comparator {
        files.add("comparator.toml", c.merged_toml.clone().into_bytes());
    }
    let mut manifest = RunManifest::new(run.command, created_unix)
        .scenario(&meta.scenario_path, &meta.scenario_hash)
        .mode(Mode::MonteCarlo);
    manifest.paths = Some(summary.paths as u64);
    manifest.seed = Some(summary.seed);
    manifest.do_nothing = meta.do_nothing.as_ref().map(|(_, p)| p.clone());
    manifest.comparator_file = run.comparator.map(|_| "comparator.toml".to_string());
    let mut manifest = manifest.costs(&s.unit_cost_source, warning);
    manifest.comparator_unit_costs = run.comparator.map(|c| c.scenario.unit_cost_source.clone());
    files.add("run.json", manifest.to_json().into_bytes());
    Ok(files)
}

/// A partnership's tables (CSV), contributions chart (SVG and PNG),
/// report.docx, report.json, report.html and report.xlsx.
pub fn partnership_files(files: &mut Files, report: &rp::Report) -> anyhow::Result<()> {
    for t in &report.tables {
        files.add(&format!("{}.csv", t.id), csv::file(csv::wide(t)?));
    }
    let svg = rp::contributions_svg(report).map_err(anyhow::Error::msg)?;
    let mut pictures = Vec::new();
    if let Some((png, width, height)) = rasterise(&svg) {
        files.add("contributions.png", png.clone());
        pictures.push(report::docx::Picture {
            caption: "Contributions by partner".into(),
            png,
            width,
            height,
        });
    }
    files.add("contributions.svg", svg.into_bytes());
    files.add(
        "report.docx",
        report::docx::render_partnership(report, env!("CARGO_PKG_VERSION"), &today(), &pictures)
            .map_err(anyhow::Error::msg)?,
    );
    // Kept so `lacsim report DIR` can re-render without re-running the paths.
    files.add(
        "report.json",
        serde_json::to_string_pretty(report)?.into_bytes(),
    );
    files.add("report.html", html::partnership(report).into_bytes());
    files.add("report.xlsx", xlsx::partnership(report)?);
    Ok(())
}

/// Writes a partnership's report files ([`partnership_files`]) into `out`.
pub fn write_partnership(out: &OutDir, report: &rp::Report) -> anyhow::Result<()> {
    let mut files = Files::default();
    partnership_files(&mut files, report)?;
    files.write_to(out)
}
