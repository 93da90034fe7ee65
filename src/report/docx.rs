//! `report.docx`: a Word document a policy officer can attach to a cabinet
//! paper as its finance appendix, or paste from. Title page, a plain-English
//! summary, the paper-shaped tables as real Word tables (£'000s, brackets,
//! financial years as columns), the charts as pictures at print resolution, the
//! assumptions grouped as the scenario groups them, and a short method note.
//!
//! Must not: read fonts, files or the clock. The caller gives the date and the
//! charts already drawn as PNG (see `lacsim`'s CLI, which rasterises them once
//! for the document and the folder).

use super::data::ReportData;
use super::table::{RowKind, Table, format_value};
use docx_rs::{
    AlignmentType, BreakType, Docx, Paragraph, Pic, Run, TableCell, TableRow, WidthType,
};

/// A chart drawn as PNG at print resolution.
#[derive(Debug, Clone)]
pub struct Picture {
    /// What the chart shows.
    pub caption: String,
    /// PNG bytes.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Width of a chart on an A4 page with 2 cm margins: 17 cm, in EMU (914,400 an inch).
const CHART_WIDTH_EMU: u32 = 6_120_000;

fn text(t: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(t))
}

fn heading(t: &str, size: usize) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(t).bold().size(size))
}

/// A warning: bold red on a yellow highlight.
fn warning(t: &str) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(t)
            .bold()
            .size(24)
            .color("C82828")
            .highlight("yellow"),
    )
}

fn cell(t: &str, bold: bool, right: bool) -> TableCell {
    let mut run = Run::new().add_text(t).size(18);
    if bold {
        run = run.bold();
    }
    let mut p = Paragraph::new().add_run(run);
    if right {
        p = p.align(AlignmentType::Right);
    }
    TableCell::new().add_paragraph(p)
}

/// One paper-shaped table as a Word table: the unit over the labels, a column per year.
fn word_table(t: &Table) -> docx_rs::Table {
    let mut rows = Vec::with_capacity(t.rows.len() + 1);
    let mut head = vec![cell(t.unit.label(), true, false)];
    head.extend(t.columns.iter().map(|c| cell(c, true, true)));
    rows.push(TableRow::new(head));
    for r in &t.rows {
        let bold = matches!(r.kind, RowKind::Heading | RowKind::Total);
        let mut cells = vec![cell(&r.label, bold, false)];
        if r.values.is_empty() {
            cells.extend(t.columns.iter().map(|_| cell("", false, true)));
        } else {
            cells.extend(
                r.values
                    .iter()
                    .map(|v| cell(&format_value(*v, t.unit), bold, true)),
            );
        }
        rows.push(TableRow::new(cells));
    }
    docx_rs::Table::new(rows).width(5000, WidthType::Pct)
}

/// The sentences of the summary: the break-even year, its probability, the NPV
/// and the do-nothing gap, each saying which model or statistic it is.
pub fn summary(d: &ReportData) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = d.table("table3") {
        out.extend(
            t.notes
                .iter()
                .map(|n| format!("Deterministic (paper) model: {n}.")),
        );
    }
    out.extend(d.headline.iter().cloned());
    if let Some(npv) = &d.npv {
        out.push(format!(
            "Net present value against the comparator (£'000s): mean {}, median {}, 5th to 95th percentile {} to {}. {}.",
            format_value(npv.mean, super::table::Unit::Thousands),
            format_value(npv.p50, super::table::Unit::Thousands),
            format_value(npv.p5, super::table::Unit::Thousands),
            format_value(npv.p95, super::table::Unit::Thousands),
            npv.basis
        ));
    }
    // The gap table is the invest scenario's own do-nothing line: against
    // another comparator (`compare`) it would name the wrong arm, so it is left out.
    let gap = d.comparator.is_none().then(|| d.tables.iter().find_map(|t| {
        let row = t.rows.iter().find(|r| r.id.contains("gap"))?;
        let (year, v) = t.columns.iter().zip(&row.values).next_back()?;
        Some(format!(
            "Doing nothing leaves a budget gap of {} ({}) in {year} (deterministic (paper) model, {}).",
            format_value(*v, t.unit),
            t.unit.label(),
            t.title
        ))
    })).flatten();
    out.extend(gap);
    if let Some(w) = &d.break_even_warning {
        out.push(w.clone());
    }
    out
}

/// The method note.
const METHOD: &[&str] = &[
    "The deterministic (paper) model reproduces the cabinet paper's tables: each year's placement mix is today's mix scaled to the plan's totals, costed at the scenario's unit costs, and the MTFS impact is investment less savings plus the pressures the paper adds back.",
    "The Monte Carlo engine follows children month by month, by placement type and age band, with entries, moves and exits drawn at random and each intervention's effect, start and ramp drawn per path. The plan and its comparator run on the same random numbers, so each path's saving is a paired difference; figures are means, medians or percentiles across paths, as each table says.",
    "Break-even is sustained: the first year from which the MTFS impact stays at or below zero to the end of the horizon. The net present value discounts the net cash flow against the comparator at the HM Treasury Green Book rate of 3.5%, the first year undiscounted.",
];

/// The document as bytes.
pub fn render(d: &ReportData, date: &str, pictures: &[Picture]) -> Result<Vec<u8>, String> {
    // The scenario's `[report]` table, if it has one; else the council and the scenario.
    let r = &d.report;
    let (over, title) = match &r.title {
        Some(t) => (d.author().to_string(), t.clone()),
        None => (d.authority.clone(), d.heading()),
    };
    let mut doc = Docx::new()
        .add_paragraph(heading(&over, 32))
        .add_paragraph(heading(&title, 44))
        .add_paragraph(text(r.subtitle.as_deref().unwrap_or(
            "Finance appendix: demand for looked-after children, cost and payback",
        )));
    if let Some(w) = &d.cost_warning {
        doc = doc.add_paragraph(warning(w));
    }
    if r.title.is_some() {
        doc = doc.add_paragraph(text(&format!(
            "Scenario: {} — {}",
            d.authority,
            d.heading()
        )));
    } else if r.author.is_some() {
        doc = doc.add_paragraph(text(&format!("Author: {}", d.author())));
    }
    let mut doc = doc
        .add_paragraph(text(&format!(
            "Date: {}",
            r.date.as_deref().unwrap_or(date)
        )))
        .add_paragraph(text(&format!("Model: {}", d.mode)))
        .add_paragraph(text(&format!(
            "Produced by lacsim {} from {} (SHA-256 {}).",
            d.lacsim_version, d.scenario_path, d.scenario_hash
        )))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .add_paragraph(heading("Summary", 32));
    if let Some(w) = &d.cost_warning {
        doc = doc.add_paragraph(warning(w));
    }
    if let Some(p) = &r.summary {
        doc = doc.add_paragraph(text(p));
    }
    for s in summary(d) {
        doc = doc.add_paragraph(text(&s));
    }
    doc = doc.add_paragraph(heading("Tables", 32));
    doc = add_tables(doc, &d.tables);
    doc = doc.add_paragraph(heading("Charts", 32));
    doc = add_pictures(doc, pictures);
    // The same groups and labels as report.html's inputs.
    doc = doc.add_paragraph(heading("Assumptions", 32));
    for g in super::data::grouped_inputs(&d.inputs, &d.years) {
        doc = doc.add_paragraph(heading(&g.title, 24));
        for t in &g.tables {
            let mut rows = vec![TableRow::new(
                t.columns.iter().map(|c| cell(c, true, false)).collect(),
            )];
            rows.extend(
                t.rows
                    .iter()
                    .map(|r| TableRow::new(r.iter().map(|c| cell(c, false, false)).collect())),
            );
            if !t.caption.is_empty() {
                doc = doc.add_paragraph(text(&t.caption));
            }
            doc = doc.add_table(docx_rs::Table::new(rows).width(5000, WidthType::Pct));
        }
    }
    doc = doc.add_paragraph(heading("Method", 32));
    for m in METHOD {
        doc = doc.add_paragraph(text(m));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Adds each table under its title, with its notes.
fn add_tables(mut doc: Docx, tables: &[Table]) -> Docx {
    for t in tables {
        doc = doc.add_paragraph(heading(&t.title, 24));
        if let Some(w) = &t.warning {
            doc = doc.add_paragraph(warning(w));
        }
        doc = doc.add_table(word_table(t));
        for n in &t.notes {
            doc = doc.add_paragraph(text(n));
        }
    }
    doc
}

/// Adds each picture at the chart width, with its caption.
fn add_pictures(mut doc: Docx, pictures: &[Picture]) -> Docx {
    for p in pictures {
        let height =
            (u64::from(CHART_WIDTH_EMU) * u64::from(p.height) / u64::from(p.width.max(1))) as u32;
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_image(Pic::new(&p.png).size(CHART_WIDTH_EMU, height))),
            )
            .add_paragraph(text(&format!("Figure: {}", p.caption)));
    }
    doc
}

/// The Word document of a regional adoption partnership (`lacsim partnership
/// --out`): title page, its tables as Word tables, the contributions chart and
/// a method note.
pub fn render_partnership(
    r: &super::partnership::Report,
    version: &str,
    date: &str,
    pictures: &[Picture],
) -> Result<Vec<u8>, String> {
    let mut doc = Docx::new()
        .add_paragraph(heading(&r.name, 32))
        .add_paragraph(heading(&r.title, 44))
        .add_paragraph(text("Regional adoption partnership: contributions, inter-agency fees and each partner alone"))
        .add_paragraph(text(&format!("Date: {date}")))
        .add_paragraph(text(&format!("Model: {}", r.mode)));
    if let Some(s) = &r.source {
        doc = doc.add_paragraph(text(&format!("Source: {s}")));
    }
    doc = doc
        .add_paragraph(text(&format!(
            "Produced by lacsim {version} from {} (SHA-256 {}).",
            r.path, r.hash
        )))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .add_paragraph(heading("Tables", 32));
    doc = add_tables(doc, &r.tables);
    doc = doc.add_paragraph(heading("Charts", 32));
    doc = add_pictures(doc, pictures);
    doc = doc.add_paragraph(heading("Method", 32)).add_paragraph(text(
        "Each partner's contribution follows the partnership's agreed formula (a share of its in-scope budget, or in proportion to demand), central overspends are split as the agreement says, and inter-agency fees are charged between partners and with outside agencies at the rates the file gives. Figures are expected values unless the model line says Monte Carlo, when tables give means and percentiles across paths.",
    ));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}
