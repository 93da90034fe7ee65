//! `report.xlsx`: the paper's tables as sheets with £ number formats, negatives
//! in brackets and frozen headers; native Excel line charts of children in care
//! and of the net position; and a sheet of the scenario's inputs. A partnership's
//! workbook has its tables, a line chart of contributions by partner and an "About" sheet.

use super::charts::{self, Dash, LineStyle, Marker, Role};
use super::data::{DETERMINISTIC, ReportData, Series};
use super::partnership::Report as PartnershipReport;
use super::table::{RowKind, Table, Unit};
use rust_xlsxwriter::{
    Chart, ChartFont, ChartFormat, ChartLegendPosition, ChartLine, ChartLineDashType, ChartMarker,
    ChartMarkerType, ChartType, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// A series drawn as the SVG charts draw the same role: colour, dash and marker.
fn styled(series: &mut rust_xlsxwriter::ChartSeries, s: LineStyle) {
    let dash = match s.dash {
        Dash::Solid => ChartLineDashType::Solid,
        Dash::Dash => ChartLineDashType::Dash,
        Dash::Dot => ChartLineDashType::RoundDot,
        Dash::LongDash => ChartLineDashType::LongDash,
        Dash::ShortDash => ChartLineDashType::SquareDot,
    };
    let colour = charts::hex(s.colour);
    series.set_format(
        ChartFormat::new().set_line(
            ChartLine::new()
                .set_color(colour.as_str())
                .set_width(s.width as f64 * 0.75)
                .set_dash_type(dash),
        ),
    );
    let mut marker = ChartMarker::new();
    match s.marker {
        Marker::None => marker.set_none(),
        m => marker
            .set_type(match m {
                Marker::Circle => ChartMarkerType::Circle,
                Marker::Triangle => ChartMarkerType::Triangle,
                Marker::Square => ChartMarkerType::Square,
                Marker::Diamond => ChartMarkerType::Diamond,
                _ => ChartMarkerType::X,
            })
            .set_size(7)
            .set_format(
                ChartFormat::new()
                    .set_solid_fill(
                        rust_xlsxwriter::ChartSolidFill::new().set_color(colour.as_str()),
                    )
                    .set_line(ChartLine::new().set_color(colour.as_str())),
            ),
    };
    series.set_marker(&marker);
}

/// Print-legible chart furniture: 11 pt axis text and legend, the legend below
/// the plot area, and a size that fills an A4 page's width.
fn print_ready(chart: &mut Chart) {
    let mut text = ChartFont::new();
    text.set_size(11);
    chart.x_axis().set_font(&text).set_name_font(&text);
    chart.y_axis().set_font(&text).set_name_font(&text);
    chart
        .legend()
        .set_position(ChartLegendPosition::Bottom)
        .set_font(&text);
    chart.set_width(860).set_height(480);
}

fn number_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Thousands => "#,##0;(#,##0);\"-\"",
        Unit::Millions => "#,##0.0;(#,##0.0);\"-\"",
        Unit::Pounds => "£#,##0;(£#,##0);\"-\"",
        Unit::Children => "#,##0;(#,##0);\"-\"",
        Unit::Thousands1 => "#,##0.0;(#,##0.0);\"-\"",
        Unit::Days => "#,##0;(#,##0);\"-\"",
        Unit::Percent => "0.0\"%\";(0.0\"%\");\"-\"",
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
        "partnership_budget" => "Budget".into(),
        "partner_finance" => "Partner finance".into(),
        "adoption_flows" => "Adoption flows".into(),
        "timeliness" => "Timeliness".into(),
        "pays_more_than_alone" => "Pays more than alone".into(),
        "contribution_distribution" => "Contribution spread".into(),
        other => sentence_case(other).chars().take(31).collect(),
    }
}

/// `mtfs_impact` -> "MTFS impact", so every sheet name reads like the others.
fn sentence_case(id: &str) -> String {
    let words: Vec<String> = id
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "lac" | "mtfs" | "npv" | "sgo" | "ifa" | "uasc" => w.to_uppercase(),
            _ => w.to_string(),
        })
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// One sheet name per table, unique (as Excel compares them, ignoring case) among
/// themselves and the workbook's other sheets: a clash gains " (2)", " (3)", ...
pub fn sheet_names(tables: &[Table], reserved: &[&str]) -> Vec<String> {
    let mut taken: Vec<String> = reserved.iter().map(|r| r.to_lowercase()).collect();
    let mut names = Vec::new();
    for t in tables {
        let base = sheet_name(t);
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let keep = 31 - suffix.chars().count();
            name = base.chars().take(keep).collect::<String>() + &suffix;
            n += 1;
        }
        taken.push(name.to_lowercase());
        names.push(name);
    }
    names
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
    // Some titles already name their unit, e.g. "(£'000s)".
    let title = if t.title.contains(&format!("({})", t.unit.label())) {
        t.title.clone()
    } else {
        format!("{} ({})", t.title, t.unit.label())
    };
    ws.write_string_with_format(0, 0, title, &header)?;
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

/// The "Summary" sheet, first in the workbook: what was run (both arms for
/// `compare`), the warning when the deterministic break-even year lies outside
/// the Monte Carlo's 25-75% range, the headline break-even sentences and the NPV.
fn write_summary(ws: &mut Worksheet, d: &ReportData) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let warning = Format::new()
        .set_bold()
        .set_font_color("#C82828")
        .set_background_color("#FDF0EF");
    let money = Format::new().set_num_format(number_format(Unit::Thousands));
    ws.write_string_with_format(0, 0, format!("{} — {}", d.authority, d.heading()), &title)?;
    let mut row = 2u32;
    let mut pair = |ws: &mut Worksheet, k: &str, v: &str| -> Result<(), XlsxError> {
        ws.write_string_with_format(row, 0, k, &bold)?;
        ws.write_string(row, 1, v)?;
        row += 1;
        Ok(())
    };
    pair(ws, "Scenario", &d.scenario_path)?;
    if let Some(c) = &d.comparator {
        pair(ws, "Compared with", &format!("{} ({})", c.title, c.path))?;
    }
    pair(ws, "Run", &d.mode)?;
    pair(ws, "SHA-256", &d.scenario_hash)?;
    pair(ws, "lacsim", &d.lacsim_version)?;
    row += 1;
    if let Some(w) = &d.break_even_warning {
        ws.write_string_with_format(row, 0, w, &warning)?;
        row += 2;
    }
    if let Some(note) = d.table("table3").and_then(|t| t.notes.first()) {
        let note = if d.is_monte_carlo() {
            format!("{DETERMINISTIC}: {note}")
        } else {
            note.clone()
        };
        ws.write_string_with_format(row, 0, note, &bold)?;
        row += 1;
    }
    for h in &d.headline {
        ws.write_string_with_format(row, 0, h, &bold)?;
        row += 1;
    }
    if let Some(npv) = &d.npv {
        row += 1;
        ws.write_string_with_format(
            row,
            0,
            format!("Economic ledger: NPV against {} (£'000s)", npv.against),
            &bold,
        )?;
        for (c, h) in ["Mean", "P5", "Median (P50)", "P95"].iter().enumerate() {
            ws.write_string_with_format(row, c as u16 + 1, *h, &bold)?;
        }
        row += 1;
        ws.write_string(row, 0, "NPV")?;
        for (c, v) in [npv.mean, npv.p5, npv.p50, npv.p95].iter().enumerate() {
            ws.write_number_with_format(row, c as u16 + 1, *v, &money)?;
        }
        row += 1;
        ws.write_string(row, 0, &npv.basis)?;
    }
    ws.set_column_width(0, 60)?;
    ws.set_column_range_width(1, 4, 14)?;
    Ok(())
}

/// The yearly MTFS impact's line: the colour of the SVG chart's saving bars.
fn impact_style() -> LineStyle {
    LineStyle {
        colour: charts::okabe_ito::BLUISH_GREEN,
        width: 2,
        dash: Dash::ShortDash,
        marker: Marker::Square,
    }
}

/// Renders the workbook.
pub fn render(d: &ReportData) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    write_summary(wb.add_worksheet(), d)?;
    let names = sheet_names(&d.tables, &["Summary", "Chart data", "Charts", "Inputs"]);
    for (t, name) in d.tables.iter().zip(names) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        write_table(ws, t)?;
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
    // The net position's rows, each named with its statistic: (row, name).
    let mut net_rows = Vec::new();
    if let Some(net) = &d.net {
        let what = |line: &str| {
            if net.statistic.is_empty() {
                line.to_string()
            } else {
                format!("{}: {line}", net.statistic)
            }
        };
        row += 1;
        for (name, values) in [
            (what("MTFS impact in the year (£'000s)"), &net.impact),
            (
                what("cumulative net position (£'000s)"),
                &net.cumulative_net,
            ),
            (
                format!("{DETERMINISTIC}: MTFS impact in the year (£'000s)"),
                &net.deterministic_impact,
            ),
        ] {
            if values.is_empty() {
                continue;
            }
            data.write_string(row, 0, &name)?;
            for (c, v) in values.iter().enumerate() {
                data.write_number_with_format(row, c as u16 + 1, *v, &money)?;
            }
            net_rows.push((row, name));
            row += 1;
        }
        // A deterministic run has no probabilities.
        if !net.break_even_probability.is_empty() {
            data.write_string(
                row,
                0,
                "Probability of a sustained break-even by the end of the year (share of paths)",
            )?;
            for (c, v) in net.break_even_probability.iter().enumerate() {
                data.write_number(row, c as u16 + 1, *v)?;
            }
        }
    }
    data.set_column_width(0, 40)?;
    data.set_freeze_panes(1, 1)?;

    let mut lac = Chart::new(ChartType::Line);
    lac.title().set_name("Children in care at 31 March");
    lac.x_axis().set_name("Financial year");
    lac.y_axis().set_name("Children");
    let roles = charts::roles(&d.lac.lines);
    for ((r, name), role) in lac_rows.iter().zip(roles) {
        let series = lac
            .add_series()
            .set_name(name.as_str())
            .set_categories(("Chart data", 0, 1, 0, n))
            .set_values(("Chart data", *r, 1, *r, n));
        styled(series, charts::style(role));
    }
    print_ready(&mut lac);
    let mut net_chart = Chart::new(ChartType::Line);
    net_chart.title().set_name(&match d.net.as_ref() {
        Some(net) if !net.statistic.is_empty() => {
            format!("Net position (£'000s): {}", net.statistic)
        }
        _ => "Net position (£'000s)".to_string(),
    });
    net_chart.x_axis().set_name("Financial year");
    net_chart.y_axis().set_name("£'000s (negative = saving)");
    for (r, name) in &net_rows {
        // The same looks as the SVG chart: the yearly impact in the bars' green,
        // the cumulative line as its statistic, the deterministic impact as the plan.
        let look = if name.starts_with(DETERMINISTIC) && !name.contains("cumulative") {
            if d.net
                .as_ref()
                .is_some_and(|n| !n.deterministic_impact.is_empty())
            {
                charts::style(Role::Plan)
            } else {
                impact_style()
            }
        } else if name.contains("cumulative") {
            charts::role_of(name)
                .map(charts::style)
                .unwrap_or(charts::style(Role::Plan))
        } else {
            impact_style()
        };
        let series = net_chart
            .add_series()
            .set_name(name.as_str())
            .set_categories(("Chart data", 0, 1, 0, n))
            .set_values(("Chart data", *r, 1, *r, n));
        styled(series, look);
    }
    print_ready(&mut net_chart);
    let charts = wb.add_worksheet();
    charts.set_name("Charts")?;
    charts.insert_chart(1, 1, &lac)?;
    if !net_rows.is_empty() {
        charts.insert_chart(28, 1, &net_chart)?;
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

/// Renders a partnership's workbook: one sheet per table, the contributions by
/// partner as a native line chart (with its data), and the run's provenance.
pub fn partnership(r: &PartnershipReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let names = sheet_names(&r.tables, &["Chart data", "Charts", "About"]);
    for (t, name) in r.tables.iter().zip(names) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        write_table(ws, t)?;
    }
    write_series(wb.add_worksheet(), &r.years, &r.contributions)?;
    let charts = wb.add_worksheet();
    charts.set_name("Charts")?;
    charts.insert_chart(1, 1, &contributions_chart(r))?;
    write_about(wb.add_worksheet(), r)?;
    wb.save_to_buffer()
}

/// The "Chart data" sheet: one row per series (£'000s), years across.
fn write_series(ws: &mut Worksheet, years: &[String], series: &[Series]) -> Result<(), XlsxError> {
    ws.set_name("Chart data")?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(number_format(Unit::Thousands1));
    ws.write_string_with_format(0, 0, "Contribution (£'000s)", &bold)?;
    for (c, y) in years.iter().enumerate() {
        ws.write_string_with_format(0, c as u16 + 1, y, &bold)?;
    }
    for (i, s) in series.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &s.name)?;
        for (c, v) in s.values.iter().enumerate() {
            ws.write_number_with_format(row, c as u16 + 1, *v, &money)?;
        }
    }
    ws.set_column_width(0, 40)?;
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}

/// A line per partner: its expected contribution by year, read from "Chart data".
fn contributions_chart(r: &PartnershipReport) -> Chart {
    let n = r.years.len() as u16;
    let mut chart = Chart::new(ChartType::Line);
    chart
        .title()
        .set_name(&format!("{}: contributions by partner", r.name));
    chart.x_axis().set_name("Financial year");
    chart.y_axis().set_name("£'000s");
    for (i, s) in r.contributions.iter().enumerate() {
        let row = i as u32 + 1;
        let series = chart
            .add_series()
            .set_name(s.name.as_str())
            .set_categories(("Chart data", 0, 1, 0, n))
            .set_values(("Chart data", row, 1, row, n));
        styled(series, charts::style(Role::Nth(i)));
    }
    print_ready(&mut chart);
    chart
}

/// The "About" sheet: the partnership file, its hash and how it was run.
fn write_about(ws: &mut Worksheet, r: &PartnershipReport) -> Result<(), XlsxError> {
    ws.set_name("About")?;
    let bold = Format::new().set_bold();
    let rows = [
        ("Partnership", r.name.as_str()),
        ("Partnership file", r.path.as_str()),
        ("SHA-256", r.hash.as_str()),
        ("Run", r.mode.as_str()),
        ("Source", r.source.as_deref().unwrap_or("")),
        ("lacsim", env!("CARGO_PKG_VERSION")),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, &bold)?;
        ws.write_string(i as u32, 1, *v)?;
    }
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 80)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_unique_ignoring_case_and_at_most_31_characters() {
        let long = "a_table_id_that_is_longer_than_thirty_one_characters";
        let tables: Vec<Table> = [long, long, "charts", "timeliness"]
            .iter()
            .map(|id| Table::new(id, "t", Unit::Days, vec![]))
            .collect();
        let names = sheet_names(&tables, &["Charts"]);
        let read = "A table id that is longer than thirty one characters";
        assert_eq!(names[0], &read[..31]);
        assert_eq!(names[1], format!("{} (2)", &read[..27]));
        assert_eq!(names[2], "Charts (2)");
        assert_eq!(names[3], "Timeliness");
        let metric = |id| sheet_name(&Table::new(id, "t", Unit::Days, vec![]));
        assert_eq!(metric("mtfs_impact"), "MTFS impact");
        assert_eq!(metric("lac"), "LAC");
        assert_eq!(metric("break_even_probability"), "Break even probability");
        assert!(names.iter().all(|n| n.chars().count() <= 31));
    }
}
