//! `report.xlsx`: the paper's tables as sheets with £ number formats, negatives
//! in brackets and frozen headers; native Excel line charts of children in care
//! and of the net position; and a sheet of the scenario's inputs. A partnership's
//! workbook has its tables, a line chart of contributions by partner and an "About" sheet.

use super::charts::{self, Dash, LineStyle, Marker, Role};
use super::data::{DETERMINISTIC, ReportData, Series, WorkbookInputs};
use super::partnership::Report as PartnershipReport;
use super::table::{RowKind, Table, Unit};
use rust_xlsxwriter::utility::{row_col_to_cell, row_col_to_cell_absolute};
use rust_xlsxwriter::{
    Chart, ChartFont, ChartFormat, ChartLegendPosition, ChartLine, ChartLineDashType, ChartMarker,
    ChartMarkerType, ChartType, Format, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

/// What marks a sheet whose figures are Monte Carlo results typed in as values.
pub const MC_VALUES: &str = "Monte Carlo values (not formulas)";

/// Print setup of every sheet: A4 landscape, one page wide, the header row
/// repeated on every printed page.
fn print_setup(ws: &mut Worksheet, repeat_header: bool) -> Result<(), XlsxError> {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    if repeat_header {
        ws.set_repeat_rows(0, 0)?;
    }
    Ok(())
}

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

/// The sheet name of a table (at most 31 characters, as Excel requires):
/// "Table 1" and "Table 3" only where the table carries the paper's label
/// (see [`super::tables::paper_labels`]).
pub fn sheet_name(t: &Table) -> String {
    match t.id.as_str() {
        "table1" if t.title.starts_with("Table 1") => "Table 1".into(),
        "table3" if t.title.starts_with("Table 3") => "Table 3".into(),
        "table1" => "Investment and savings".into(),
        "table3" => "MTFS position".into(),
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

fn write_table(ws: &mut Worksheet, t: &Table, mc_values: bool) -> Result<(), XlsxError> {
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
    // The warning right under the table, in the row that otherwise stays blank.
    if let Some(w) = &t.warning {
        ws.write_string_with_format(t.rows.len() as u32 + 1, 0, w, &warning_format())?;
    }
    let mut notes = t.notes.clone();
    if mc_values {
        notes.insert(
            0,
            format!("{MC_VALUES}: each figure is a statistic across paths, typed in."),
        );
    }
    for (k, n) in notes.iter().enumerate() {
        ws.write_string_with_format(t.rows.len() as u32 + 2 + k as u32, 0, n, &bold)?;
    }
    ws.set_column_width(0, 48)?;
    ws.set_column_range_width(1, t.columns.len() as u16, 13)?;
    ws.set_freeze_panes(1, 1)?;
    print_setup(ws, true)?;
    Ok(())
}

/// How a warning looks on every sheet: bold red on pale red.
fn warning_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_color("#C82828")
        .set_background_color("#FDF0EF")
}

/// The "Summary" sheet, first in the workbook: what was run (both arms for
/// `compare`), the warning when the deterministic break-even year lies outside
/// the Monte Carlo's 25-75% range, the headline break-even sentences and the NPV.
fn write_summary(ws: &mut Worksheet, d: &ReportData) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let warning = warning_format();
    let money = Format::new().set_num_format(number_format(Unit::Thousands));
    ws.write_string_with_format(0, 0, d.paper_title(), &title)?;
    let mut row = 1u32;
    // Under the title, before anything else: the figures are not the council's own costs.
    if let Some(w) = &d.cost_warning {
        ws.merge_range(
            row,
            0,
            row,
            4,
            w,
            &warning_format()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
        )?;
        ws.set_row_height(
            row,
            15.0 * (w.chars().count() as f64 / 100.0).ceil().max(1.0),
        )?;
        row += 2;
    }
    let r = &d.report;
    for line in [
        r.subtitle.as_deref(),
        r.author.as_deref(),
        r.date.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        ws.write_string_with_format(row, 0, line, &bold)?;
        row += 1;
    }
    if r.title.is_some() {
        // The council's own title replaces the default; the run's scenario stays named.
        ws.write_string(row, 0, format!("{} — {}", d.authority, d.heading()))?;
        row += 1;
    }
    if let Some(summary) = &r.summary {
        row += 1;
        ws.merge_range(
            row,
            0,
            row,
            4,
            summary,
            &Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
        )?;
        ws.set_row_height(
            row,
            15.0 * (summary.chars().count() as f64 / 110.0).ceil().max(1.0),
        )?;
        row += 1;
    }
    row += 1;
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
            format!(
                "Economic ledger: NPV against {} (£'000s); {MC_VALUES}",
                npv.against
            ),
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
    print_setup(ws, false)?;
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
    let deterministic_mark = DETERMINISTIC.to_lowercase();
    for (t, name) in d.tables.iter().zip(&names) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        // In a Monte Carlo run the deterministic tables say so in their titles.
        let mc_values = d.is_monte_carlo() && !t.title.contains(&deterministic_mark);
        write_table(ws, t, mc_values)?;
    }
    let sheet_of = |id: &str| {
        d.tables
            .iter()
            .position(|t| t.id == id)
            .map(|i| names[i].clone())
    };

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
    if d.is_monte_carlo() {
        row += 2;
        data.write_string_with_format(
            row,
            0,
            format!("{MC_VALUES}: the bands, medians and probabilities above are typed in."),
            &bold,
        )?;
    }
    data.set_column_width(0, 40)?;
    data.set_freeze_panes(1, 1)?;
    print_setup(data, true)?;

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
    print_setup(charts, false)?;

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
        print_setup(ws, true)?;
    }

    if let Some(t) = &d.mc_tornado {
        let ws = wb.add_worksheet();
        ws.set_name("Tornado (Monte Carlo)")?;
        let percent = Format::new().set_num_format("0.0%");
        let by = &t.by_year;
        let heads = [
            "Assumption".to_string(),
            "Range".into(),
            "Low".into(),
            "High".into(),
            "Net position, mean, low (£'000s)".into(),
            "Net position, mean, high (£'000s)".into(),
            "Net position, P5, low (£'000s)".into(),
            "Net position, P95, low (£'000s)".into(),
            "Net position, P5, high (£'000s)".into(),
            "Net position, P95, high (£'000s)".into(),
            format!("P(sustained break-even by {by}), low"),
            format!("P(sustained break-even by {by}), high"),
            "Mean net position crosses 0 at".into(),
            format!("P(sustained break-even by {by}) crosses 50% at"),
            "Engine runs".into(),
        ];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (i, r) in t.rows.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, &r.name)?;
            ws.write_string(row, 1, &r.range)?;
            ws.write_string(row, 2, &r.low)?;
            ws.write_string(row, 3, &r.high)?;
            for (c, v) in [
                r.low_net_mean,
                r.high_net_mean,
                r.low_net_p5,
                r.low_net_p95,
                r.high_net_p5,
                r.high_net_p95,
            ]
            .into_iter()
            .enumerate()
            {
                ws.write_number_with_format(row, 4 + c as u16, v, &money)?;
            }
            ws.write_number_with_format(row, 10, r.low_p_break_even, &percent)?;
            ws.write_number_with_format(row, 11, r.high_p_break_even, &percent)?;
            ws.write_string(row, 12, &r.switching_net)?;
            ws.write_string(row, 13, &r.switching_break_even)?;
            ws.write_number(row, 14, r.engine_runs as f64)?;
        }
        let note = t.rows.len() as u32 + 2;
        ws.write_string(
            note,
            0,
            format!(
                "{} paths at every point, seed {}, the same random numbers at every point; break-even counted by {} ({}).",
                t.paths, t.seed, t.by_year, t.by_year_basis
            ),
        )?;
        ws.set_column_width(0, 44)?;
        ws.set_column_width(1, 34)?;
        ws.set_freeze_panes(1, 1)?;
        print_setup(ws, true)?;
    }

    let inputs = wb.add_worksheet();
    inputs.set_name("Inputs")?;
    let cells = match (&d.workbook, sheet_of("table1"), sheet_of("table3")) {
        (Some(w), Some(t1), Some(t3)) => Some(write_assumptions(
            inputs,
            w,
            &d.years,
            (&t1, &t3),
            d.cost_warning.as_deref(),
        )?),
        _ => None,
    };
    let first = cells.as_ref().map_or(0, |c| c.next_row);
    inputs.write_string_with_format(first, 0, "Scenario field", &bold)?;
    inputs.write_string_with_format(first, 1, "Value", &bold)?;
    inputs.write_string(first + 1, 0, "(scenario file)")?;
    inputs.write_string(first + 1, 1, &d.scenario_path)?;
    let mut first = first;
    if let Some(w) = &d.cost_warning {
        inputs.write_string_with_format(first + 2, 0, "(unit costs)", &warning_format())?;
        inputs.write_string_with_format(first + 2, 1, w, &warning_format())?;
        first += 1;
    }
    for (i, (k, v)) in d.inputs.iter().enumerate() {
        let row = first + i as u32 + 2;
        inputs.write_string(row, 0, k)?;
        match v.parse::<f64>() {
            Ok(x) => inputs.write_number(row, 1, x)?,
            Err(_) => inputs.write_string(row, 1, v)?,
        };
    }
    inputs.set_column_width(0, 60)?;
    inputs.set_column_range_width(1, n.max(1), 13)?;
    inputs.set_freeze_panes(1, 1)?;
    print_setup(inputs, true)?;
    if let (Some(c), Some(t1), Some(t3)) = (&cells, sheet_of("table1"), sheet_of("table3")) {
        let (Some(table1), Some(table3)) = (d.table("table1"), d.table("table3")) else {
            unreachable!("sheets exist only for tables")
        };
        let roi = table1_formulas(wb.worksheet_from_name(&t1)?, table1, c, d.workbook.as_ref())?;
        table3_formulas(wb.worksheet_from_name(&t3)?, table3, c, &t1, roi)?;
    }
    wb.save_to_buffer()
}

/// Where the Inputs sheet holds each assumption of Table 1 and Table 3.
struct AssumptionCells {
    uplift: String,
    shortfall: String,
    delay: String,
    share: String,
    baseline: String,
    /// Row of the plan's placement cost at each 31 March.
    plan_cost: u32,
    /// Rows of the investment lines, by line id.
    investment: Vec<(String, u32)>,
    /// Rows of the given savings lines, by line id.
    given: Vec<(String, u32)>,
    undelivered: u32,
    overspend: u32,
    grants: u32,
    prices: u32,
    growth: u32,
    /// The first free row after the assumptions.
    next_row: u32,
}

impl AssumptionCells {
    /// `Inputs!C7`: the cell of year `t` (0-based) in `row`.
    fn at(&self, row: u32, t: usize) -> String {
        format!("Inputs!{}", row_col_to_cell(row, t as u16 + 1))
    }
}

/// The Inputs sheet's first block: every assumption Table 1 and Table 3 are
/// computed from, years across, which the tables' formulas read.
fn write_assumptions(
    ws: &mut Worksheet,
    w: &WorkbookInputs,
    years: &[String],
    (table1, table3): (&str, &str),
    cost_warning: Option<&str>,
) -> Result<AssumptionCells, XlsxError> {
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color("#F2F5F8")
        .set_border_bottom(FormatBorder::Thin);
    let input = Format::new()
        .set_num_format("#,##0.##;(#,##0.##);\"-\"")
        .set_background_color("#FFF8DC");
    let share = Format::new()
        .set_num_format("0.00##")
        .set_background_color("#FFF8DC");
    let note = Format::new().set_italic();
    ws.write_string_with_format(
        0,
        0,
        format!("Assumptions behind {table1} and {table3} (£'000s unless stated)"),
        &header,
    )?;
    for (c, y) in years.iter().enumerate() {
        ws.write_string_with_format(0, c as u16 + 1, y, &header)?;
    }
    ws.write_string_with_format(
        1,
        0,
        format!("{table1} and {table3} are formulas over the shaded cells: change one and they recalculate."),
        &note,
    )?;
    let mut row = 2u32;
    if let Some(warning) = cost_warning {
        ws.write_string_with_format(row, 0, warning, &warning_format())?;
        row += 1;
    }
    let mut scalar = |ws: &mut Worksheet, label: &str, v: f64, f: &Format| {
        ws.write_string(row, 0, label)?;
        ws.write_number_with_format(row, 1, v, f)?;
        row += 1;
        Ok::<String, XlsxError>(format!("Inputs!{}", row_col_to_cell_absolute(row - 1, 1)))
    };
    let uplift = scalar(
        ws,
        "Optimism bias: uplift of every investment line (share)",
        w.investment_uplift,
        &share,
    )?;
    let shortfall = scalar(
        ws,
        "Optimism bias: shortfall of the plan's savings (share)",
        w.savings_shortfall,
        &share,
    )?;
    let delay = scalar(
        ws,
        "Optimism bias: months by which placement savings arrive later",
        w.delay_months,
        &share,
    )?;
    let first_share = scalar(
        ws,
        "Share of the first year's placement saving booked",
        w.first_year_share,
        &share,
    )?;
    let baseline = scalar(
        ws,
        "Annual cost of today's placements (£)",
        w.baseline_cost,
        &input,
    )?;
    let line = |ws: &mut Worksheet, row: &mut u32, label: &str, values: Option<&[f64]>| {
        match values {
            Some(values) => {
                ws.write_string(*row, 0, label)?;
                for (c, v) in values.iter().enumerate() {
                    ws.write_number_with_format(*row, c as u16 + 1, *v, &input)?;
                }
            }
            None => {
                ws.write_string_with_format(*row, 0, label, &bold)?;
            }
        }
        *row += 1;
        Ok::<u32, XlsxError>(*row - 1)
    };
    let plan_cost = line(
        ws,
        &mut row,
        "Annual cost of the plan's placements at 31 March (£; lacsim's placement mix at the unit costs)",
        Some(&w.plan_cost),
    )?;
    let mut investment = Vec::new();
    for g in &w.investment {
        let head = format!("Investment: {} (before optimism bias)", g.name);
        line(ws, &mut row, &head, None)?;
        for l in &g.lines {
            let at = line(ws, &mut row, &format!("  {}", l.name), Some(&l.amounts))?;
            investment.push((l.id.clone(), at));
        }
    }
    let mut given = Vec::new();
    if !w.given.is_empty() {
        let head = "Savings given as figures (before optimism bias)";
        line(ws, &mut row, head, None)?;
        for l in &w.given {
            let at = line(ws, &mut row, &format!("  {}", l.name), Some(&l.amounts))?;
            given.push((l.id.clone(), at));
        }
    }
    line(ws, &mut row, "Budget and MTFS", None)?;
    let undelivered = line(
        ws,
        &mut row,
        "  MTFS savings still to be delivered",
        Some(&w.undelivered),
    )?;
    let overspend = line(
        ws,
        &mut row,
        "  Underlying overspend",
        Some(&w.underlying_overspend),
    )?;
    let grants = line(
        ws,
        &mut row,
        "  One-off grants set against the overspend",
        Some(&w.one_off_grants),
    )?;
    let prices = line(
        ws,
        &mut row,
        "  New price pressure",
        Some(&w.price_pressure),
    )?;
    let growth = line(
        ws,
        &mut row,
        "  Cost of growth in numbers at the do-nothing growth rate",
        Some(&w.growth_in_numbers),
    )?;
    Ok(AssumptionCells {
        uplift,
        shortfall,
        delay,
        share: first_share,
        baseline,
        plan_cost,
        investment,
        given,
        undelivered,
        overspend,
        grants,
        prices,
        growth,
        next_row: row + 1,
    })
}

/// A number as a formula's cached result: exact, so a reader that does not
/// recalculate shows lacsim's figure.
fn cached(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "0".into()
    }
}

/// The number formats `write_table` gives each kind of row.
fn row_format(t: &Table, kind: RowKind) -> Format {
    let f = Format::new().set_num_format(number_format(t.unit));
    match kind {
        RowKind::Total => f.set_bold().set_border_top(FormatBorder::Thin),
        RowKind::Subtotal => f.set_bold(),
        _ => f,
    }
}

/// Replaces each year's value of a row with `formula(t)`, caching the value.
fn formula_row(
    ws: &mut Worksheet,
    t: &Table,
    i: usize,
    formula: impl Fn(usize) -> String,
) -> Result<(), XlsxError> {
    let r = &t.rows[i];
    let f = row_format(t, r.kind);
    for (c, v) in r.values.iter().enumerate() {
        ws.write_formula_with_format(
            i as u32 + 1,
            c as u16 + 1,
            Formula::new(formula(c)).set_result(cached(*v)),
            &f,
        )?;
    }
    Ok(())
}

/// The cell of year `t` in the table's row `i` (sheet row `i + 1`).
fn here(i: usize, t: usize) -> String {
    row_col_to_cell(i as u32 + 1, t as u16 + 1)
}

/// Table 1 as formulas over the Inputs sheet: lines with optimism bias,
/// subtotals, totals, savings, return on investment and the cumulative net
/// position. Returns the row of the return on investment.
fn table1_formulas(
    ws: &mut Worksheet,
    t: &Table,
    c: &AssumptionCells,
    w: Option<&WorkbookInputs>,
) -> Result<Option<usize>, XlsxError> {
    let n = t.columns.len();
    // Workings below the notes: the placement saving before and after the delay.
    let work = (t.rows.len() + t.notes.len() + 3) as u32;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(number_format(t.unit));
    ws.write_string_with_format(work, 0, "Workings (formulas)", &bold)?;
    ws.write_string(
        work + 1,
        0,
        "  Placement saving before delay and optimism bias",
    )?;
    ws.write_string(work + 2, 0, "  Placement saving after the delay")?;
    let raw_range = format!(
        "{}:{}",
        row_col_to_cell_absolute(work + 1, 1),
        row_col_to_cell_absolute(work + 1, n as u16)
    );
    let placements = delay_applied(w, n);
    for y in 0..n {
        let cost = c.at(c.plan_cost, y);
        let raw = if y == 0 {
            format!("={}*({}-{cost})/1000", c.share, c.baseline)
        } else {
            format!(
                "=({}-({}+{cost})/2)/1000",
                c.baseline,
                c.at(c.plan_cost, y - 1)
            )
        };
        let (before, after) = placements.get(y).copied().unwrap_or((0.0, 0.0));
        ws.write_formula_with_format(
            work + 1,
            y as u16 + 1,
            Formula::new(raw).set_result(cached(before)),
            &money,
        )?;
        // Each year takes what the line held DELAY/12 years before, interpolated.
        let k = y + 1;
        let whole = format!("INT({}/12)", c.delay);
        let frac = format!("MOD({}/12,1)", c.delay);
        let take =
            |back: &str| format!("IF({k}{back}-{whole}>=1,INDEX({raw_range},{k}{back}-{whole}),0)");
        ws.write_formula_with_format(
            work + 2,
            y as u16 + 1,
            Formula::new(format!("=(1-{frac})*{}+{frac}*{}", take(""), take("-1")))
                .set_result(cached(after)),
            &money,
        )?;
    }
    let mut lines: Vec<usize> = Vec::new();
    let mut subtotals: Vec<usize> = Vec::new();
    let mut savings: Vec<usize> = Vec::new();
    let (mut total, mut savings_total, mut roi) = (None, None, None);
    for (i, r) in t.rows.iter().enumerate() {
        let id = r.id.as_str();
        if let Some(line) = id.strip_prefix("investment.") {
            let Some((_, at)) = c.investment.iter().find(|(l, _)| l == line) else {
                continue;
            };
            let at = *at;
            formula_row(ws, t, i, |y| format!("={}*(1+{})", c.at(at, y), c.uplift))?;
            lines.push(i);
        } else if id.starts_with("investment_group.") {
            let group = std::mem::take(&mut lines);
            formula_row(ws, t, i, |y| match (group.first(), group.last()) {
                (Some(a), Some(b)) => format!("=SUM({}:{})", here(*a, y), here(*b, y)),
                _ => "=0".into(),
            })?;
            subtotals.push(i);
        } else if id == "investment_total" {
            formula_row(ws, t, i, |y| {
                let cells: Vec<String> = subtotals.iter().map(|s| here(*s, y)).collect();
                if cells.is_empty() {
                    "=0".into()
                } else {
                    format!("={}", cells.join("+"))
                }
            })?;
            total = Some(i);
        } else if id == "savings.avoided_growth" {
            formula_row(ws, t, i, |y| {
                format!("=-({}+{})", c.at(c.growth, y), c.at(c.prices, y))
            })?;
            savings.push(i);
        } else if id == "savings.placements" {
            formula_row(ws, t, i, |y| {
                format!(
                    "=-({}*(1-{}))",
                    row_col_to_cell(work + 2, y as u16 + 1),
                    c.shortfall
                )
            })?;
            savings.push(i);
        } else if id == "savings_total" {
            formula_row(ws, t, i, |y| match (savings.first(), savings.last()) {
                (Some(a), Some(b)) => format!("=SUM({}:{})", here(*a, y), here(*b, y)),
                _ => "=0".into(),
            })?;
            savings_total = Some(i);
        } else if let Some(line) = id.strip_prefix("savings.") {
            let Some((_, at)) = c.given.iter().find(|(l, _)| l == line) else {
                continue;
            };
            let at = *at;
            formula_row(ws, t, i, |y| {
                format!("=-({}*(1-{}))", c.at(at, y), c.shortfall)
            })?;
            savings.push(i);
        } else if id == "return_on_investment" {
            if let (Some(a), Some(b)) = (total, savings_total) {
                formula_row(ws, t, i, |y| format!("={}+{}", here(a, y), here(b, y)))?;
                roi = Some(i);
            }
        } else if id == "cumulative_net"
            && let Some(r) = roi
        {
            formula_row(ws, t, i, |y| {
                if y == 0 {
                    format!("={}", here(r, 0))
                } else {
                    format!("={}+{}", here(i, y - 1), here(r, y))
                }
            })?;
        }
    }
    Ok(roi)
}

/// Lacsim's placement saving by year before and after the optimism-bias delay
/// (the workings' cached values).
fn delay_applied(w: Option<&WorkbookInputs>, n: usize) -> Vec<(f64, f64)> {
    let Some(w) = w else { return Vec::new() };
    let raw = crate::finance::placement_savings(w.baseline_cost, &w.plan_cost, w.first_year_share);
    let after = crate::finance::delay(&raw, w.delay_months);
    raw.into_iter().zip(after).take(n).collect()
}

/// Table 3 as formulas: the return on investment from Table 1, the pressures
/// from the Inputs sheet, the MTFS impact their sum, and the sustained
/// break-even year over a helper row (years in deficit from each year to the end).
fn table3_formulas(
    ws: &mut Worksheet,
    t: &Table,
    c: &AssumptionCells,
    table1: &str,
    roi: Option<usize>,
) -> Result<(), XlsxError> {
    let n = t.columns.len();
    let mut parts = Vec::new();
    let mut impact = None;
    for (i, r) in t.rows.iter().enumerate() {
        match r.id.as_str() {
            "return_on_investment" => {
                let Some(roi) = roi else { continue };
                formula_row(ws, t, i, |y| format!("='{table1}'!{}", here(roi, y)))?;
                parts.push(i);
            }
            "mtfs_undelivered" => {
                formula_row(ws, t, i, |y| format!("={}", c.at(c.undelivered, y)))?;
                parts.push(i);
            }
            "forecast_overspend" => {
                formula_row(ws, t, i, |y| {
                    format!("={}-{}", c.at(c.overspend, y), c.at(c.grants, y))
                })?;
                parts.push(i);
            }
            "growth" => {
                formula_row(ws, t, i, |y| {
                    format!("={}+{}", c.at(c.growth, y), c.at(c.prices, y))
                })?;
                parts.push(i);
            }
            "mtfs_impact" if parts.len() == 4 => {
                formula_row(ws, t, i, |y| {
                    let cells: Vec<String> = parts.iter().map(|p| here(*p, y)).collect();
                    format!("={}", cells.join("+"))
                })?;
                impact = Some(i);
            }
            _ => {}
        }
    }
    let Some(impact) = impact else { return Ok(()) };
    let values = &t.rows[impact].values;
    let index = crate::finance::break_even::sustained_index(values);
    let bold = Format::new().set_bold();
    // Below the notes: the break-even year and its workings.
    let at = (t.rows.len() + t.notes.len() + 3) as u32;
    let helper = at + 3;
    let range = format!(
        "{}:{}",
        row_col_to_cell_absolute(helper, 1),
        row_col_to_cell_absolute(helper, n as u16)
    );
    let years = format!(
        "{}:{}",
        row_col_to_cell_absolute(0, 1),
        row_col_to_cell_absolute(0, n as u16)
    );
    let deficits = format!("COUNTIF({range},\">0\")");
    ws.write_string_with_format(
        at,
        0,
        "Break-even year (sustained: from then on the impact stays at or below zero)",
        &bold,
    )?;
    let year_cell = row_col_to_cell(at, 1);
    ws.write_formula_with_format(
        at,
        1,
        Formula::new(format!(
            "=IF({deficits}>={n},\"none\",INDEX({years},{deficits}+1))"
        ))
        .set_result(index.map_or("none".to_string(), |i| t.columns[i].clone())),
        &bold,
    )?;
    ws.write_string(at + 1, 0, "Years after the first year")?;
    let after_cell = row_col_to_cell(at + 1, 1);
    ws.write_formula(
        at + 1,
        1,
        Formula::new(format!("=IF({deficits}>={n},\"-\",{deficits})"))
            .set_result(index.map_or("-".to_string(), |i| i.to_string())),
    )?;
    ws.write_string(
        helper,
        0,
        "  Workings: years in deficit (impact > 0) from this year to the end",
    )?;
    let mut later = 0usize;
    let mut counts = vec![0usize; n];
    for y in (0..n).rev() {
        later += usize::from(values.get(y).is_some_and(|v| *v > 0.0 || v.is_nan()));
        counts[y] = later;
    }
    for (y, count) in counts.iter().enumerate() {
        let this = format!("IF({}>0,1,0)", here(impact, y));
        let formula = if y + 1 == n {
            format!("={this}")
        } else {
            format!("={this}+{}", row_col_to_cell(helper, y as u16 + 2))
        };
        ws.write_formula(
            helper,
            y as u16 + 1,
            Formula::new(formula).set_result(count.to_string()),
        )?;
    }
    // The sentence under the table follows the formulas too.
    if let Some(first) = t
        .notes
        .first()
        .filter(|n| n.starts_with("Break-even in ") || n.starts_with("No sustained break-even"))
    {
        ws.write_formula_with_format(
            t.rows.len() as u32 + 2,
            0,
            Formula::new(format!(
                "=IF({year_cell}=\"none\",\"No sustained break-even within the horizon\",\"Break-even in \"&{year_cell}&\", after \"&{after_cell}&\" year\"&IF({after_cell}=1,\"\",\"s\"))"
            ))
            .set_result(first.clone()),
            &bold,
        )?;
    }
    Ok(())
}

/// Renders a partnership's workbook: one sheet per table, the contributions by
/// partner as a native line chart (with its data), and the run's provenance.
pub fn partnership(r: &PartnershipReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let names = sheet_names(&r.tables, &["Chart data", "Charts", "About"]);
    for (t, name) in r.tables.iter().zip(names) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        write_table(ws, t, false)?;
    }
    write_series(wb.add_worksheet(), &r.years, &r.contributions)?;
    let charts = wb.add_worksheet();
    charts.set_name("Charts")?;
    charts.insert_chart(1, 1, &contributions_chart(r))?;
    print_setup(charts, false)?;
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
    print_setup(ws, true)?;
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
    print_setup(ws, false)?;
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
