//! Writing a report's files into an output folder: one call per format.

use super::output::OutDir;
use lacsim::report::{csv, data::ReportData, html, xlsx};

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
