//! `report.xlsx`: the paper's tables as sheets with £ number formats, negatives
//! in brackets and frozen headers; native Excel line charts of children in care
//! and of the net position; and a sheet of the scenario's inputs.

use super::data::ReportData;
use super::table::{RowKind, Table, Unit};
use rust_xlsxwriter::{Chart, ChartType, Format, FormatBorder, Workbook, Worksheet, XlsxError};

fn number_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Thousands => "#,##0;(#,##0);\"-\"",
        Unit::Millions => "#,##0.0;(#,##0.0);\"-\"",
        Unit::Pounds => "£#,##0;(£#,##0);\"-\"",
        Unit::Children => "#,##0;(#,##0);\"-\"",
        Unit::Thousands1 => "#,##0.0;(#,##0.0);\"-\"",
        Unit::Days | Unit::Percent => "#,##0;(#,##0);\"-\"",
    }
}

/// The sheet name of a table (at most 31 characters, as Excel requires).
pub fn sheet_name(t: &Table) -> String {
    match t.id.as_str() {
        "table1" => "Table 1".into(),
        "table3" => "Table 3".into(),
        "placement_mix" => "Placement mix".into(),
        "placement_cost" => "Placement cost".into(),
        "do_nothing_lac" => "Do nothing LAC".into(),
        "do_nothing_budget" => "Do nothing budget".into(),
        other => other.chars().take(31).collect(),
    }
}

fn write_table(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("#F2F5F8")
        .set_border_bottom(FormatBorder::Thin);
    let num = Format::new().set_num_format(number_format(t.unit));
    let num_bold = Format::new()
        .set_num_format(number_format(t.unit))
        .set_bold();
    let num_total = Format::new()
        .set_num_format(number_format(t.unit))
        .set_bold()
        .set_border_top(FormatBorder::Thin);
    ws.write_string_with_format(0, 0, format!("{} ({})", t.title, t.unit.label()), &header)?;
    for (c, col) in t.columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16 + 1, col, &header)?;
    }
    for (i, r) in t.rows.iter().enumerate() {
        let row = i as u32 + 1;
        let label = if r.kind == RowKind::Line {
            format!("  {}", r.label)
        } else {
            r.label.clone()
        };
        match r.kind {
            RowKind::Line => ws.write_string(row, 0, &label)?,
            _ => ws.write_string_with_format(row, 0, &label, &bold)?,
        };
        for (c, v) in r.values.iter().enumerate() {
            let f = match r.kind {
                RowKind::Total => &num_total,
                RowKind::Subtotal => &num_bold,
                _ => &num,
            };
            ws.write_number_with_format(row, c as u16 + 1, *v, f)?;
        }
    }
    for (k, n) in t.notes.iter().enumerate() {
        ws.write_string_with_format(t.rows.len() as u32 + 2 + k as u32, 0, n, &bold)?;
    }
    ws.set_column_width(0, 48)?;
    ws.set_column_range_width(1, t.columns.len() as u16, 13)?;
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}

/// Renders the workbook.
pub fn render(d: &ReportData) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut impact_row = None;
    for t in &d.tables {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(t))?;
        write_table(ws, t)?;
        if t.id == "table3" {
            impact_row = t
                .rows
                .iter()
                .position(|r| r.id == "mtfs_impact")
                .map(|i| i as u32 + 1);
        }
    }

    // Chart data: the lines and bands behind the LAC fan chart, and the net position.
    let n = d.years.len() as u16;
    let data = wb.add_worksheet();
    data.set_name("Chart data")?;
    let bold = Format::new().set_bold();
    let count = Format::new().set_num_format("#,##0");
    let money = Format::new().set_num_format(number_format(Unit::Thousands));
    data.write_string_with_format(0, 0, "Children in care at 31 March", &bold)?;
    for (c, y) in d.years.iter().enumerate() {
        data.write_string_with_format(0, c as u16 + 1, y, &bold)?;
    }
    let mut row = 1u32;
    let mut lac_rows = Vec::new();
    for s in &d.lac.lines {
        data.write_string(row, 0, &s.name)?;
        for (c, v) in s.values.iter().enumerate() {
            data.write_number_with_format(row, c as u16 + 1, *v, &count)?;
        }
        lac_rows.push((row, s.name.clone()));
        row += 1;
    }
    for b in &d.lac.bands {
        for (edge, vals) in [("low", &b.low), ("high", &b.high)] {
            data.write_string(row, 0, format!("{} {edge}", b.name))?;
            for (c, v) in vals.iter().enumerate() {
                data.write_number_with_format(row, c as u16 + 1, *v, &count)?;
            }
            row += 1;
        }
    }
    let mut net_row = None;
    if let Some(net) = &d.net {
        row += 1;
        data.write_string(row, 0, "Cumulative net position (£'000s)")?;
        for (c, v) in net.cumulative_net.iter().enumerate() {
            data.write_number_with_format(row, c as u16 + 1, *v, &money)?;
        }
        net_row = Some(row);
        row += 1;
        data.write_string(row, 0, "Probability of break-even by the year")?;
        for (c, v) in net.break_even_probability.iter().enumerate() {
            data.write_number(row, c as u16 + 1, *v)?;
        }
    }
    data.set_column_width(0, 40)?;
    data.set_freeze_panes(1, 1)?;

    let mut lac = Chart::new(ChartType::Line);
    lac.title().set_name("Children in care at 31 March");
    lac.x_axis().set_name("Financial year");
    lac.y_axis().set_name("Children");
    for (r, name) in &lac_rows {
        lac.add_series()
            .set_name(name.as_str())
            .set_categories(("Chart data", 0, 1, 0, n))
            .set_values(("Chart data", *r, 1, *r, n));
    }
    let mut net_chart = Chart::new(ChartType::Line);
    net_chart.title().set_name("Net position (£'000s)");
    net_chart.x_axis().set_name("Financial year");
    net_chart.y_axis().set_name("£'000s (negative = saving)");
    if let Some(r) = net_row {
        net_chart
            .add_series()
            .set_name("Cumulative net position")
            .set_categories(("Chart data", 0, 1, 0, n))
            .set_values(("Chart data", r, 1, r, n));
    }
    if let Some(r) = impact_row {
        net_chart
            .add_series()
            .set_name("MTFS impact")
            .set_categories(("Table 3", 0, 1, 0, n))
            .set_values(("Table 3", r, 1, r, n));
    }
    let charts = wb.add_worksheet();
    charts.set_name("Charts")?;
    charts.insert_chart(1, 1, &lac)?;
    if net_row.is_some() || impact_row.is_some() {
        charts.insert_chart(18, 1, &net_chart)?;
    }

    for (name, t) in [
        ("Tornado", &d.tornado),
        ("Tornado (engine)", &d.engine_tornado),
    ] {
        let Some(t) = t else { continue };
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        for (c, h) in [
            "Assumption",
            "Range",
            "Net position low (£'000s)",
            "Net position high (£'000s)",
            "Break-even low",
            "Break-even high",
            "Switching value",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, r) in t.rows.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, &r.name)?;
            ws.write_string(row, 1, &r.range)?;
            ws.write_number_with_format(row, 2, r.low_net, &money)?;
            ws.write_number_with_format(row, 3, r.high_net, &money)?;
            ws.write_string(row, 4, r.low_break_even.as_deref().unwrap_or("none"))?;
            ws.write_string(row, 5, r.high_break_even.as_deref().unwrap_or("none"))?;
            ws.write_string(row, 6, r.switching.as_deref().unwrap_or("none found"))?;
        }
        ws.set_column_width(0, 44)?;
        ws.set_column_width(1, 34)?;
        ws.set_freeze_panes(1, 1)?;
    }

    let inputs = wb.add_worksheet();
    inputs.set_name("Inputs")?;
    inputs.write_string_with_format(0, 0, "Scenario field", &bold)?;
    inputs.write_string_with_format(0, 1, "Value", &bold)?;
    inputs.write_string(1, 0, "(scenario file)")?;
    inputs.write_string(1, 1, &d.scenario_path)?;
    for (i, (k, v)) in d.inputs.iter().enumerate() {
        let row = i as u32 + 2;
        inputs.write_string(row, 0, k)?;
        match v.parse::<f64>() {
            Ok(x) => inputs.write_number(row, 1, x)?,
            Err(_) => inputs.write_string(row, 1, v)?,
        };
    }
    inputs.set_column_width(0, 44)?;
    inputs.set_column_width(1, 60)?;
    inputs.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}
