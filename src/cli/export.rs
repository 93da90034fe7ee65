//! Writing a report's files into an output folder: one call per kind of report.

use super::output::OutDir;
use lacsim::report::{csv, data::ReportData, html, partnership as rp, xlsx};

/// Writes `report.html`, `report.xlsx`, `report.json` and one CSV per table.
pub fn write_report(out: &OutDir, data: &ReportData) -> anyhow::Result<()> {
    for t in &data.tables {
        out.write(&format!("{}.csv", t.id), &csv::wide(t)?)?;
    }
    out.write(
        "report.json",
        serde_json::to_string_pretty(data)?.as_bytes(),
    )?;
    out.write("report.html", html::render(data).as_bytes())?;
    out.write("report.xlsx", &xlsx::render(data)?)?;
    Ok(())
}

/// Writes a partnership's tables (CSV), contributions chart, report.json, report.html and report.xlsx.
pub fn write_partnership(out: &OutDir, report: &rp::Report) -> anyhow::Result<()> {
    for t in &report.tables {
        out.write(&format!("{}.csv", t.id), &csv::wide(t)?)?;
    }
    let svg = rp::contributions_svg(report).map_err(anyhow::Error::msg)?;
    out.write("contributions.svg", svg.as_bytes())?;
    // Kept so `lacsim report DIR` can re-render without re-running the paths.
    out.write(
        "report.json",
        serde_json::to_string_pretty(report)?.as_bytes(),
    )?;
    out.write("report.html", html::partnership(report).as_bytes())?;
    out.write("report.xlsx", &xlsx::partnership(report)?)?;
    Ok(())
}
