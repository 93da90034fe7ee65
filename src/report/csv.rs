//! CSV renderers: each table as it is laid out (wide), and the tidy long form
//! (`year, scenario, metric, placement, statistic, value`) that pivot tables and
//! R/Python read directly.

use super::table::{RowKind, Table};
use super::tidy::TidyRow;

/// One table, wide: a label column then one column per year, values in the table's unit
/// to the pound (three decimals for £'000s).
pub fn wide(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id".to_string(), format!("label ({})", t.unit.label())];
    header.extend(t.columns.iter().cloned());
    w.write_record(&header)?;
    for r in t.rows.iter().filter(|r| r.kind != RowKind::Heading) {
        let mut rec = vec![r.id.clone(), r.label.clone()];
        rec.extend(r.values.iter().map(|v| number(*v)));
        w.write_record(&rec)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Tidy rows, one value a line.
pub fn tidy(rows: &[TidyRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A number with no more digits than it needs (to 1e-6).
pub fn number(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 { "0".into() } else { format!("{r}") }
}
