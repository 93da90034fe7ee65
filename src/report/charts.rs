//! Charts as SVG text, drawn with plotters' SVG backend (no fonts needed: the
//! text is left to the browser). Every chart has a title, axis titles with units
//! and a legend below the plot area, where it covers no data.
//!
//! One palette, keyed by what a series *is* ([`Role`]): the plan, do nothing at
//! the scenario's growth rate and at the high rate, the Monte Carlo median and
//! mean, the comparator and each partner always get the same colour, dash
//! pattern and marker ([`style`]), here and in the XLSX charts. The colours are
//! Okabe-Ito (colour-blind safe); the dash patterns and markers differ too, so
//! the lines stay apart when printed in greyscale.
//!
//! Print size: in `report.html` every chart is placed at the full text width,
//! which in print is A4 (210 mm) less two 20 mm margins = [`PRINT_WIDTH_MM`]
//! (170 mm). A chart `w` user units wide therefore prints each unit at
//! 170 / w mm, and 11 pt (11 / 72 in = 3.881 mm) needs a font size of
//! 3.881 × w / 170 units: 15.5 at the usual 680 units, so tick labels, legends,
//! axis titles and colour-bar labels are drawn at 16 units ([`min_font_size`]).

use super::data::{Band, DETERMINISTIC, LacChart, MEDIAN, NetChart, Series, TornadoData};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of every chart, in SVG user units (CSS pixels on screen).
pub const WIDTH: u32 = 680;
/// Height of a chart's plot area with its axes (title and legend are added).
const PLOT_HEIGHT: u32 = 380;
/// Text width the charts are printed at: A4 (210 mm) less two 20 mm margins.
pub const PRINT_WIDTH_MM: f64 = 170.0;
/// The smallest text a printed chart may have, in points.
pub const MIN_PRINT_PT: f64 = 11.0;

/// The smallest font size, in SVG user units, that prints at [`MIN_PRINT_PT`]
/// when a chart `width` units wide is scaled to [`PRINT_WIDTH_MM`]:
/// 11 pt × 25.4 / 72 mm/pt = 3.881 mm; one unit prints at 170 / width mm; so
/// the size is 3.881 × width / 170 (15.52 at 680 units).
pub fn min_font_size(width: u32) -> f64 {
    MIN_PRINT_PT * 25.4 / 72.0 * width as f64 / PRINT_WIDTH_MM
}

/// The size every text of a chart `width` wide is drawn at: the minimum, rounded up.
fn text_px(width: u32) -> f64 {
    min_font_size(width).ceil()
}

/// plotters' SVG backend writes a font's size divided by 1.24; asking for
/// `px × 1.24` writes `px` (the small nudge keeps rounding from writing 15.999…).
fn font(px: f64) -> TextStyle<'static> {
    ("sans-serif", (px + 1e-9) * 1.24).into_font().color(&INK)
}

fn bold(px: f64) -> TextStyle<'static> {
    ("sans-serif", (px + 1e-9) * 1.24, FontStyle::Bold)
        .into_font()
        .color(&INK)
}

/// Okabe-Ito colours (Okabe and Ito, 2008), safe for the common colour-vision deficiencies.
pub mod okabe_ito {
    use plotters::style::RGBColor;
    /// Black.
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Sky blue.
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    /// Bluish green.
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Yellow.
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Reddish purple.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
}
use okabe_ito::{BLACK, BLUE, BLUISH_GREEN, ORANGE, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW};

/// Ten distinguishable fills, one per placement type (Okabe-Ito plus greys).
pub const PALETTE: [RGBColor; 10] = [
    BLUE,
    SKY_BLUE,
    ORANGE,
    VERMILLION,
    BLUISH_GREEN,
    REDDISH_PURPLE,
    YELLOW,
    BLACK,
    RGBColor(150, 150, 150),
    RGBColor(85, 85, 85),
];

const INK: RGBColor = RGBColor(33, 37, 41);
const GRID: RGBColor = RGBColor(225, 225, 225);

/// What a drawn series is; its look follows from this alone, in every chart and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The plan (or the run's own projection), deterministic (paper) model.
    Plan,
    /// Do nothing at a growth rate of 6% or less (the paper's 3.4%).
    DoNothingLow,
    /// Do nothing at a growth rate above 6% (the paper's 11%).
    DoNothingHigh,
    /// A further do-nothing rate in the same chart.
    DoNothingOther,
    /// The Monte Carlo median (P50) across paths.
    Median,
    /// The Monte Carlo mean across paths.
    Mean,
    /// The comparator arm of `compare`.
    Comparator,
    /// What happened (a backtest's actual figures).
    Actual,
    /// The k-th of a set of peers: partners of a partnership, measures of a sweep.
    Nth(usize),
}

/// A line's dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// Unbroken.
    Solid,
    /// 10 on, 6 off.
    Dash,
    /// 3 on, 5 off.
    Dot,
    /// 18 on, 6 off.
    LongDash,
    /// 5 on, 4 off.
    ShortDash,
}

impl Dash {
    /// (dash, gap) in pixels; `None` when solid.
    pub fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Dash::Solid => None,
            Dash::Dash => Some((10, 6)),
            Dash::Dot => Some((3, 5)),
            Dash::LongDash => Some((18, 6)),
            Dash::ShortDash => Some((5, 4)),
        }
    }
}

/// A point marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// No marker.
    None,
    /// Filled circle.
    Circle,
    /// Filled triangle.
    Triangle,
    /// Filled square.
    Square,
    /// Filled diamond.
    Diamond,
    /// Cross.
    Cross,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineStyle {
    /// Colour.
    pub colour: RGBColor,
    /// Stroke width, pixels.
    pub width: u32,
    /// Dash pattern.
    pub dash: Dash,
    /// Marker at each point.
    pub marker: Marker,
}

const fn ls(colour: RGBColor, width: u32, dash: Dash, marker: Marker) -> LineStyle {
    LineStyle {
        colour,
        width,
        dash,
        marker,
    }
}

/// Peers (partners, sweep measures) in order: no two alike in colour, dash or marker.
const PEERS: [LineStyle; 7] = [
    ls(BLUE, 3, Dash::Solid, Marker::Circle),
    ls(ORANGE, 3, Dash::Dash, Marker::Triangle),
    ls(BLUISH_GREEN, 3, Dash::Dot, Marker::Square),
    ls(REDDISH_PURPLE, 3, Dash::LongDash, Marker::Diamond),
    ls(VERMILLION, 3, Dash::ShortDash, Marker::Cross),
    ls(SKY_BLUE, 3, Dash::Solid, Marker::Triangle),
    ls(BLACK, 2, Dash::Dash, Marker::Square),
];

/// The one palette: the look of each role.
pub fn style(role: Role) -> LineStyle {
    match role {
        Role::Plan => ls(BLUE, 3, Dash::Solid, Marker::Circle),
        Role::DoNothingLow => ls(ORANGE, 3, Dash::Dash, Marker::Triangle),
        Role::DoNothingHigh => ls(VERMILLION, 3, Dash::Dot, Marker::Square),
        Role::DoNothingOther => ls(SKY_BLUE, 3, Dash::ShortDash, Marker::Cross),
        Role::Median => ls(BLACK, 3, Dash::LongDash, Marker::None),
        Role::Mean => ls(RGBColor(90, 90, 90), 2, Dash::ShortDash, Marker::None),
        Role::Comparator => ls(REDDISH_PURPLE, 3, Dash::LongDash, Marker::Diamond),
        Role::Actual => ls(BLUISH_GREEN, 3, Dash::Solid, Marker::Square),
        Role::Nth(k) => PEERS[k % PEERS.len()],
    }
}

/// The role of a series from its legend name, as lacsim names them ("Plan: …",
/// "Do nothing at 3.4%: …", "Median (P50) across paths", "Comparator (…): …",
/// "Mean …", "Actual …"); `None` for anything else.
pub fn role_of(name: &str) -> Option<Role> {
    let lower = name.to_lowercase();
    if lower.starts_with("plan") || name.starts_with(DETERMINISTIC) {
        Some(Role::Plan)
    } else if let Some(rest) = lower.strip_prefix("do nothing at ") {
        let rate: f64 = rest.split('%').next()?.trim().parse().ok()?;
        Some(if rate <= 6.0 {
            Role::DoNothingLow
        } else {
            Role::DoNothingHigh
        })
    } else if lower.starts_with("comparator") {
        Some(Role::Comparator)
    } else if lower.contains("median") {
        Some(Role::Median)
    } else if lower.starts_with("mean") {
        Some(Role::Mean)
    } else if lower.starts_with("actual") {
        Some(Role::Actual)
    } else {
        None
    }
}

/// The roles of a chart's lines: by name, else the k-th peer; a second do-nothing
/// line of the same band becomes [`Role::DoNothingOther`].
pub fn roles(lines: &[Series]) -> Vec<Role> {
    let mut out: Vec<Role> = Vec::new();
    for (k, s) in lines.iter().enumerate() {
        let mut r = role_of(&s.name).unwrap_or(Role::Nth(k));
        if matches!(r, Role::DoNothingLow | Role::DoNothingHigh) && out.contains(&r) {
            r = Role::DoNothingOther;
        }
        out.push(r);
    }
    out
}

/// A colour as "#RRGGBB" (for the XLSX charts).
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

type Result<T> = std::result::Result<T, String>;
type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Chart2d<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

fn range_of<'a>(values: impl Iterator<Item = &'a f64>, include_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = ((hi - lo) * 0.08).max(if hi - lo < 5.0 { 0.05 } else { 1.0 });
    (
        if include_zero && lo >= 0.0 {
            0.0
        } else {
            lo - pad
        },
        hi + pad,
    )
}

fn year_formatter(years: &[String]) -> impl Fn(&f64) -> String + '_ {
    move |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < years.len() {
            years[i as usize].clone()
        } else {
            String::new()
        }
    }
}

fn thousands(v: &f64) -> String {
    let body = super::table::group_thousands(v.abs(), 0);
    if *v < 0.0 { format!("-{body}") } else { body }
}

/// An axis number: grouped thousands for large values, up to three decimals for small ones.
fn axis_number(v: &f64) -> String {
    if v.abs() >= 100.0 {
        thousands(v)
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.into() }
    }
}

/// Rough width of a text in sans-serif at `px` (0.56 em a character: generous for Arial/Helvetica).
fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * 0.56
}

/// Words wrapped into lines no wider than `max` at `px`.
fn wrap(text: &str, px: f64, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        let candidate = if line.is_empty() {
            w.to_string()
        } else {
            format!("{line} {w}")
        };
        if !line.is_empty() && text_width(&candidate, px) > max {
            lines.push(std::mem::replace(&mut line, w.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Width of the y-axis label area: the widest tick label, the axis title and padding.
fn y_area(lo: f64, hi: f64, px: f64, fmt: fn(&f64) -> String) -> u32 {
    let w = [lo, hi, (lo + hi) / 2.0]
        .iter()
        .map(|v| text_width(&fmt(v), px))
        .fold(0.0, f64::max);
    (w + px * 1.4 + 22.0).ceil() as u32
}

/// The swatch of a legend entry.
#[derive(Debug, Clone)]
enum Swatch {
    Line(LineStyle),
    Fill(RGBAColor),
    /// A sample of the text drawn in the chart, e.g. "50%".
    Text(&'static str),
}

#[derive(Debug, Clone)]
struct Key {
    label: String,
    swatch: Swatch,
}

fn key(label: impl Into<String>, swatch: Swatch) -> Key {
    Key {
        label: label.into(),
        swatch,
    }
}

const SWATCH: f64 = 40.0;
const MARGIN: f64 = 16.0;

/// The legend's layout: columns, each entry's wrapped lines, row heights.
struct KeyLayout {
    cols: usize,
    col_w: f64,
    lines: Vec<Vec<String>>,
    rows: Vec<f64>,
}

fn key_layout(keys: &[Key], width: u32, px: f64) -> KeyLayout {
    let usable = width as f64 - 2.0 * MARGIN;
    let line_h = px * 1.3;
    // The number of columns (up to three) that gives the shortest legend, no
    // column narrower than its longest word needs.
    let layout = |cols: usize| {
        let col_w = usable / cols as f64;
        let lines: Vec<Vec<String>> = keys
            .iter()
            .map(|k| wrap(&k.label, px, col_w - SWATCH - 18.0))
            .collect();
        let rows: Vec<f64> = lines
            .chunks(cols)
            .map(|row| row.iter().map(Vec::len).max().unwrap_or(1) as f64 * line_h + 6.0)
            .collect();
        let fits = lines
            .iter()
            .flatten()
            .all(|l| text_width(l, px) <= col_w - SWATCH - 8.0);
        (col_w, lines, rows, fits)
    };
    let mut best = layout(1);
    let mut cols = 1;
    for c in 2..=3.min(keys.len().max(1)) {
        let next = layout(c);
        // More columns only when no entry needs more than two lines.
        let short = next.1.iter().all(|l| l.len() <= 2);
        if next.3 && short && next.2.iter().sum::<f64>() < best.2.iter().sum::<f64>() - 0.5 {
            best = next;
            cols = c;
        }
    }
    let (col_w, lines, rows, _) = best;
    KeyLayout {
        cols,
        col_w,
        lines,
        rows,
    }
}

fn keys_height(keys: &[Key], width: u32, px: f64) -> u32 {
    if keys.is_empty() {
        return 0;
    }
    (key_layout(keys, width, px).rows.iter().sum::<f64>() + 16.0).ceil() as u32
}

/// A marker centred at a pixel of `area`.
fn marker(area: &Area, at: (i32, i32), m: Marker, c: RGBColor) -> Result<()> {
    let (x, y) = at;
    let r = 5;
    match m {
        Marker::None => {}
        Marker::Circle => area
            .draw(&Circle::new(at, r - 1, c.filled()))
            .map_err(err)?,
        Marker::Square => area
            .draw(&Rectangle::new(
                [(x - r + 1, y - r + 1), (x + r - 1, y + r - 1)],
                c.filled(),
            ))
            .map_err(err)?,
        Marker::Triangle => area
            .draw(&Polygon::new(
                vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
                c.filled(),
            ))
            .map_err(err)?,
        Marker::Diamond => area
            .draw(&Polygon::new(
                vec![
                    (x, y - r - 1),
                    (x + r + 1, y),
                    (x, y + r + 1),
                    (x - r - 1, y),
                ],
                c.filled(),
            ))
            .map_err(err)?,
        Marker::Cross => {
            for (a, b) in [
                ((x - r, y - r), (x + r, y + r)),
                ((x - r, y + r), (x + r, y - r)),
            ] {
                area.draw(&PathElement::new(vec![a, b], c.stroke_width(2)))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The legend, below the plot area.
fn draw_keys(area: &Area, keys: &[Key], width: u32, px: f64) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let l = key_layout(keys, width, px);
    let line_h = px * 1.3;
    let mut y0 = 10.0;
    for (r, row_h) in l.rows.iter().enumerate() {
        for c in 0..l.cols {
            let i = r * l.cols + c;
            let Some(k) = keys.get(i) else { break };
            let x0 = MARGIN + c as f64 * l.col_w;
            let mid = (y0 + line_h / 2.0) as i32;
            let (xa, xb) = (x0 as i32, (x0 + SWATCH - 8.0) as i32);
            match &k.swatch {
                Swatch::Line(s) => {
                    let pts = vec![(xa, mid), (xb, mid)];
                    match s.dash.pattern() {
                        None => area
                            .draw(&PathElement::new(pts, s.colour.stroke_width(s.width)))
                            .map_err(err)?,
                        Some((on, off)) => area
                            .draw(&plotters::element::DashedPathElement::new(
                                pts,
                                on,
                                off,
                                s.colour.stroke_width(s.width),
                            ))
                            .map_err(err)?,
                    }
                    marker(area, ((xa + xb) / 2, mid), s.marker, s.colour)?;
                }
                Swatch::Fill(c) => area
                    .draw(&Rectangle::new([(xa, mid - 8), (xb, mid + 8)], c.filled()))
                    .map_err(err)?,
                Swatch::Text(t) => area
                    .draw(&Text::new(
                        t.to_string(),
                        ((xa + xb) / 2, mid),
                        font(px).pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(err)?,
            }
            for (j, text) in l.lines[i].iter().enumerate() {
                area.draw(&Text::new(
                    text.clone(),
                    (
                        (x0 + SWATCH) as i32,
                        (y0 + line_h / 2.0 + j as f64 * line_h) as i32,
                    ),
                    font(px).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(err)?;
            }
        }
        y0 += row_h;
    }
    Ok(())
}

/// A chart: the wrapped title on top, the plot (drawn by `body`), and the
/// legend (drawn by `legend`, `legend_h` high) below the plot area.
fn framed(
    width: u32,
    plot_h: u32,
    title: &str,
    desc: &str,
    legend_h: u32,
    body: impl FnOnce(&Area, f64) -> Result<()>,
    legend: impl FnOnce(&Area, f64) -> Result<()>,
) -> Result<String> {
    let px = text_px(width);
    let title_px = (px * 1.25).round();
    let lines = wrap(title, title_px, width as f64 - 2.0 * MARGIN);
    let title_h = (10.0 + lines.len() as f64 * title_px * 1.3).ceil() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, title_h + plot_h + legend_h))
            .into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (top, rest) = root.split_vertically(title_h);
        let (plot, below) = rest.split_vertically(plot_h);
        for (i, l) in lines.iter().enumerate() {
            top.draw(&Text::new(
                l.clone(),
                (MARGIN as i32, (8.0 + i as f64 * title_px * 1.3) as i32),
                bold(title_px),
            ))
            .map_err(err)?;
        }
        body(&plot, px)?;
        legend(&below, px)?;
        root.present().map_err(err)?;
    }
    // The title and the legend's entries unwrapped, for screen readers and search.
    let xml = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    if let Some(end) = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|e| i + e + 1))
    {
        let mut meta = format!("\n<title>{}</title>", xml(title));
        if !desc.is_empty() {
            meta.push_str(&format!("\n<desc>{}</desc>", xml(desc)));
        }
        svg.insert_str(end, &meta);
    }
    Ok(svg)
}

/// A chart with a legend of keys below it.
fn with_keys(
    width: u32,
    plot_h: u32,
    title: &str,
    keys: &[Key],
    body: impl FnOnce(&Area, f64) -> Result<()>,
) -> Result<String> {
    let px = text_px(width);
    let desc = format!(
        "Legend: {}.",
        keys.iter()
            .map(|k| k.label.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    framed(
        width,
        plot_h,
        title,
        &desc,
        keys_height(keys, width, px),
        body,
        |a, px| draw_keys(a, keys, width, px),
    )
}

/// A line in its style: solid or dashed, with its markers.
fn draw_styled(chart: &mut Chart2d, area: &Area, pts: &[(f64, f64)], s: LineStyle) -> Result<()> {
    let pts: Vec<(f64, f64)> = pts.iter().copied().filter(|p| p.1.is_finite()).collect();
    let stroke = s.colour.stroke_width(s.width);
    match s.dash.pattern() {
        None => {
            chart
                .draw_series(LineSeries::new(pts.clone(), stroke))
                .map_err(err)?;
        }
        Some((on, off)) => {
            chart
                .draw_series(DashedLineSeries::new(pts.clone(), on, off, stroke))
                .map_err(err)?;
        }
    }
    let base = area.get_base_pixel();
    for p in &pts {
        let (x, y) = chart.backend_coord(p);
        marker(area, (x - base.0, y - base.1), s.marker, s.colour)?;
    }
    Ok(())
}

fn by_year(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as f64, v))
        .collect()
}

fn draw_band(chart: &mut Chart2d, b: &Band, colour: RGBAColor) -> Result<()> {
    // Years without a band (not a number, e.g. the history before a backtest's
    // forecast) are left out, so a fan can open part-way along the axis.
    let both = |i: usize| b.high[i].is_finite() && b.low.get(i).is_some_and(|v| v.is_finite());
    let mut pts: Vec<(f64, f64)> = (0..b.high.len())
        .filter(|&i| both(i))
        .map(|i| (i as f64, b.high[i]))
        .collect();
    pts.extend(
        (0..b.high.len())
            .rev()
            .filter(|&i| both(i))
            .map(|i| (i as f64, b.low[i])),
    );
    if pts.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(std::iter::once(Polygon::new(pts, colour.filled())))
        .map_err(err)?;
    Ok(())
}

/// A thin reference line (the zero line) from `a` to `b`.
fn draw_rule(chart: &mut Chart2d, a: (f64, f64), b: (f64, f64)) -> Result<()> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![a, b],
            INK.stroke_width(1),
        )))
        .map_err(err)?;
    Ok(())
}

/// How many year labels fit along an x axis of `plot_w` pixels.
fn year_labels(years: &[String], px: f64, plot_w: f64) -> usize {
    let w = years.iter().map(|y| text_width(y, px)).fold(0.0, f64::max) + 12.0;
    years.len().min((plot_w / w).floor().max(2.0) as usize)
}

/// Fan chart of children in care: percentile bands, the median or plan, and do-nothing lines.
pub fn lac_fan(title: &str, years: &[String], c: &LacChart) -> Result<String> {
    let roles = roles(&c.lines);
    let band_fill = |k: usize| BLUE.mix(0.14 + 0.14 * k as f64);
    let mut keys: Vec<Key> = c
        .lines
        .iter()
        .zip(&roles)
        .map(|(s, r)| key(s.name.clone(), Swatch::Line(style(*r))))
        .collect();
    keys.extend(
        c.bands
            .iter()
            .enumerate()
            .map(|(k, b)| key(b.name.clone(), Swatch::Fill(band_fill(k)))),
    );
    with_keys(WIDTH, PLOT_HEIGHT, title, &keys, |area, px| {
        let all = c
            .lines
            .iter()
            .flat_map(|s| s.values.iter())
            .chain(c.bands.iter().flat_map(|b| b.low.iter().chain(&b.high)));
        let (lo, hi) = range_of(all, false);
        let n = years.len().max(2) as f64;
        let ya = y_area(lo, hi, px, thousands);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(20)
            .x_label_area_size((px * 3.0 + 18.0) as u32)
            .y_label_area_size(ya)
            .build_cartesian_2d(-0.2f64..(n - 0.8), lo..hi)
            .map_err(err)?;
        let fmt = year_formatter(years);
        chart
            .configure_mesh()
            .x_labels(year_labels(years, px, (WIDTH - ya) as f64))
            .x_label_formatter(&fmt)
            .y_labels(8)
            .y_label_formatter(&thousands)
            .label_style(font(px))
            .axis_desc_style(font(px))
            .x_desc("Financial year (count at 31 March)")
            .y_desc("Children in care (number)")
            .light_line_style(GRID)
            .max_light_lines(1)
            .draw()
            .map_err(err)?;
        for (k, b) in c.bands.iter().enumerate() {
            draw_band(&mut chart, b, band_fill(k))?;
        }
        // The first line (the plan or projection) is drawn last, on top.
        for (s, r) in c.lines.iter().zip(&roles).rev() {
            draw_styled(&mut chart, area, &by_year(&s.values), style(*r))?;
        }
        Ok(())
    })
}

/// Stacked bars by year (placement mix in children, or cost in pounds), legend below.
pub fn stacked(
    title: &str,
    y_desc: &str,
    years: &[String],
    stacks: &[Series],
    scale: f64,
) -> Result<String> {
    // The legend lists the stack top first, as the bars read.
    let keys: Vec<Key> = stacks
        .iter()
        .enumerate()
        .rev()
        .map(|(k, s)| {
            key(
                s.name.clone(),
                Swatch::Fill(PALETTE[k % PALETTE.len()].to_rgba()),
            )
        })
        .collect();
    with_keys(WIDTH, PLOT_HEIGHT, title, &keys, |area, px| {
        let n = years.len();
        let totals: Vec<f64> = (0..n)
            .map(|t| stacks.iter().map(|s| s.values[t].max(0.0)).sum::<f64>() / scale)
            .collect();
        let (_, hi) = range_of(totals.iter(), true);
        let ya = y_area(0.0, hi, px, thousands);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(20)
            .x_label_area_size((px * 3.0 + 18.0) as u32)
            .y_label_area_size(ya)
            .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), 0f64..hi)
            .map_err(err)?;
        let fmt = year_formatter(years);
        chart
            .configure_mesh()
            .x_labels(year_labels(years, px, (WIDTH - ya) as f64))
            .x_label_formatter(&fmt)
            .y_labels(8)
            .y_label_formatter(&thousands)
            .label_style(font(px))
            .axis_desc_style(font(px))
            .disable_x_mesh()
            .x_desc("Financial year (31 March)")
            .y_desc(y_desc)
            .light_line_style(GRID)
            .max_light_lines(1)
            .draw()
            .map_err(err)?;
        let mut base = vec![0.0; n];
        for (k, s) in stacks.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let mut rects = Vec::new();
            for (t, (b, value)) in base.iter_mut().zip(&s.values).enumerate() {
                let v = value.max(0.0) / scale;
                let corners = [(t as f64 - 0.35, *b), (t as f64 + 0.35, *b + v)];
                rects.push(Rectangle::new(corners, colour.filled()));
                // A white edge between segments keeps them apart in greyscale.
                rects.push(Rectangle::new(corners, WHITE.stroke_width(1)));
                *b += v;
            }
            chart.draw_series(rects).map_err(err)?;
        }
        Ok(())
    })
}

/// Net position: yearly MTFS impact as bars and the cumulative net line (both the
/// statistic `c.statistic` names, said in each legend entry), in a Monte Carlo
/// run the deterministic (paper) model's impact as a labelled line, and above
/// the bars the probability of a sustained break-even by each year (Monte Carlo
/// runs only: a deterministic run has no probabilities).
pub fn net_position(title: &str, years: &[String], c: &NetChart) -> Result<String> {
    let what = |line: &str| {
        if c.statistic.is_empty() {
            line.to_string()
        } else {
            format!("{}: {line}", c.statistic)
        }
    };
    let good = BLUISH_GREEN.to_rgba();
    // Lighter as well as redder, so the two kinds of bar differ in greyscale.
    let bad = VERMILLION.mix(0.45);
    let cumulative_style = if c.statistic == MEDIAN {
        style(Role::Median)
    } else {
        style(Role::Plan)
    };
    let probabilities = !c.break_even_probability.is_empty();
    let mut keys = vec![
        key(
            what("MTFS impact in the year (bars: at or below budget)"),
            Swatch::Fill(good),
        ),
        key(
            what("MTFS impact in the year (bars: above budget)"),
            Swatch::Fill(bad),
        ),
        key(
            what("cumulative net position (investment less savings)"),
            Swatch::Line(cumulative_style),
        ),
    ];
    if !c.deterministic_impact.is_empty() {
        keys.push(key(
            format!("{DETERMINISTIC}: MTFS impact in the year"),
            Swatch::Line(style(Role::Plan)),
        ));
    }
    if probabilities {
        keys.push(key(
            "Probability of a sustained break-even by the end of the year (share of paths), above the bars",
            Swatch::Text("%"),
        ));
    }
    with_keys(WIDTH, PLOT_HEIGHT, title, &keys, |area, px| {
        let m = |v: &f64| v / 1000.0;
        let impact: Vec<f64> = c.impact.iter().map(m).collect();
        let cumulative: Vec<f64> = c.cumulative_net.iter().map(m).collect();
        let deterministic: Vec<f64> = c.deterministic_impact.iter().map(m).collect();
        let (lo, mut hi) = range_of(impact.iter().chain(&cumulative).chain(&deterministic), true);
        if probabilities {
            // Room above the bars for the probabilities.
            hi += (hi - lo) * 0.1;
        }
        let n = years.len();
        let ya = y_area(lo, hi, px, axis_number);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(20)
            .x_label_area_size((px * 3.0 + 18.0) as u32)
            .y_label_area_size(ya)
            .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), lo..hi)
            .map_err(err)?;
        let fmt = year_formatter(years);
        chart
            .configure_mesh()
            .x_labels(year_labels(years, px, (WIDTH - ya) as f64))
            .x_label_formatter(&fmt)
            .y_labels(8)
            .y_label_formatter(&axis_number)
            .label_style(font(px))
            .axis_desc_style(font(px))
            .disable_x_mesh()
            .x_desc("Financial year")
            .y_desc("£m (negative = saving)")
            .light_line_style(GRID)
            .max_light_lines(1)
            .draw()
            .map_err(err)?;
        for (t, &v) in impact.iter().enumerate() {
            let corners = [(t as f64 - 0.3, 0.0), (t as f64 + 0.3, v)];
            if v <= 0.0 {
                chart
                    .draw_series(std::iter::once(Rectangle::new(corners, good.filled())))
                    .map_err(err)?;
            } else {
                chart
                    .draw_series([
                        Rectangle::new(corners, bad.filled()),
                        Rectangle::new(corners, VERMILLION.stroke_width(2)),
                    ])
                    .map_err(err)?;
            }
        }
        draw_rule(&mut chart, (-0.6, 0.0), (n as f64 - 0.4, 0.0))?;
        if !deterministic.is_empty() {
            draw_styled(
                &mut chart,
                area,
                &by_year(&deterministic),
                style(Role::Plan),
            )?;
        }
        draw_styled(&mut chart, area, &by_year(&cumulative), cumulative_style)?;
        if probabilities {
            let at = hi - (hi - lo) * 0.05;
            chart
                .draw_series(c.break_even_probability.iter().enumerate().map(|(t, p)| {
                    Text::new(
                        format!("{:.0}%", p * 100.0),
                        (t as f64, at),
                        font(px).pos(Pos::new(HPos::Center, VPos::Center)),
                    )
                }))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// Tornado: each assumption's low and high net position around the base, largest
/// swing on top, each assumption's name written above its bars.
pub fn tornado(title: &str, t: &TornadoData) -> Result<String> {
    let rows = &t.rows;
    let px = text_px(WIDTH);
    let row_h = px * 1.4 + 26.0;
    let plot_h = (row_h * rows.len().max(1) as f64 + px * 3.0 + 40.0).ceil() as u32;
    let low = BLUE.to_rgba();
    let high = ORANGE.to_rgba();
    let keys = vec![
        key("Assumption at its low end", Swatch::Fill(low)),
        key("Assumption at its high end", Swatch::Fill(high)),
    ];
    with_keys(WIDTH, plot_h, title, &keys, |area, px| {
        let m = |v: f64| (v - t.base_net) / 1000.0;
        let (lo, hi) = range_of(
            rows.iter()
                .flat_map(|r| [m(r.low_net), m(r.high_net)])
                .collect::<Vec<_>>()
                .iter(),
            true,
        );
        let n = rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(24)
            .x_label_area_size((px * 3.0 + 18.0) as u32)
            .y_label_area_size(8)
            .build_cartesian_2d(lo..hi, 0f64..n)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(6)
            .x_label_formatter(&axis_number)
            .label_style(font(px))
            .axis_desc_style(font(px))
            .disable_y_mesh()
            .disable_y_axis()
            .x_desc("Change in net position over the horizon, £m (negative = better)")
            .light_line_style(GRID)
            .max_light_lines(1)
            .draw()
            .map_err(err)?;
        // Row i (largest swing first) spans [n-1-i, n-i]: its name on top, its bars below.
        let bottom = |i: usize| n - 1.0 - i as f64;
        for (fill, pick) in [(low, true), (high, false)] {
            chart
                .draw_series(rows.iter().enumerate().map(|(i, r)| {
                    let v = m(if pick { r.low_net } else { r.high_net });
                    Rectangle::new(
                        [(0.0, bottom(i) + 0.08), (v, bottom(i) + 0.5)],
                        fill.filled(),
                    )
                }))
                .map_err(err)?;
        }
        // The zero line under the names, so it never strikes through them.
        draw_rule(&mut chart, (0.0, 0.0), (0.0, n))?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                Text::new(
                    r.name.clone(),
                    (lo, bottom(i) + 0.92),
                    font(px).pos(Pos::new(HPos::Left, VPos::Top)),
                )
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// One-way sweep: one line per reported measure against the varied value.
pub fn sweep_line(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    xs: &[f64],
    series: &[Series],
) -> Result<String> {
    let keys: Vec<Key> = series
        .iter()
        .enumerate()
        .map(|(k, s)| key(s.name.clone(), Swatch::Line(style(Role::Nth(k)))))
        .collect();
    with_keys(WIDTH, PLOT_HEIGHT, title, &keys, |area, px| {
        let (x0, x1) = (
            xs.first().copied().unwrap_or(0.0),
            xs.last().copied().unwrap_or(1.0),
        );
        let (x0, x1) = if x1 > x0 {
            (x0, x1)
        } else {
            (x0 - 0.5, x0 + 0.5)
        };
        let (lo, hi) = range_of(series.iter().flat_map(|s| s.values.iter()), true);
        let ya = y_area(lo, hi, px, axis_number);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(28)
            .x_label_area_size((px * 3.0 + 18.0) as u32)
            .y_label_area_size(ya)
            .build_cartesian_2d(x0..x1, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(8)
            .x_label_formatter(&axis_number)
            .y_label_formatter(&axis_number)
            .label_style(font(px))
            .axis_desc_style(font(px))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .light_line_style(GRID)
            .max_light_lines(1)
            .draw()
            .map_err(err)?;
        draw_rule(&mut chart, (x0, 0.0), (x1, 0.0))?;
        for (k, s) in series.iter().enumerate() {
            let pts: Vec<(f64, f64)> = xs.iter().copied().zip(s.values.iter().copied()).collect();
            draw_styled(&mut chart, area, &pts, style(Role::Nth(k)))?;
        }
        Ok(())
    })
}

/// Viridis (perceptually uniform, colour-blind safe, lighter as it rises, so it
/// reads in greyscale) at `f` in 0..=1.
fn viridis(f: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let f = f.clamp(0.0, 1.0) * 4.0;
    let i = (f.floor() as usize).min(3);
    let u = f - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Two-way sweep: a heatmap of one measure over the grid, with its colour bar
/// (and the measure's name and unit) below the plot area.
pub fn heatmap(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    xs: &[f64],
    ys: &[f64],
    z: &[f64],
    z_desc: &str,
) -> Result<String> {
    let px = text_px(WIDTH);
    let (zlo, zhi) = range_of(z.iter(), false);
    let colour = move |v: f64| {
        viridis(if zhi > zlo {
            (v - zlo) / (zhi - zlo)
        } else {
            0.5
        })
    };
    let bar_h = 22.0;
    let legend_h = (px * 1.3 * 2.0 + bar_h + 34.0).ceil() as u32;
    framed(
        WIDTH,
        PLOT_HEIGHT + 40,
        title,
        &format!(
            "Colour: {z_desc}, from {} to {}.",
            axis_number(&zlo),
            axis_number(&zhi)
        ),
        legend_h,
        |area, px| {
            let step = |v: &[f64]| if v.len() > 1 { v[1] - v[0] } else { 1.0 };
            let (dx, dy) = (step(xs), step(ys));
            let xr = (xs[0] - dx / 2.0)..(xs[xs.len() - 1] + dx / 2.0);
            let yr = (ys[0] - dy / 2.0)..(ys[ys.len() - 1] + dy / 2.0);
            let ya = y_area(yr.start, yr.end, px, axis_number);
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .margin_right(28)
                .x_label_area_size((px * 3.0 + 18.0) as u32)
                .y_label_area_size(ya)
                .build_cartesian_2d(xr, yr)
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(6)
                .y_labels(6)
                .x_label_formatter(&axis_number)
                .y_label_formatter(&axis_number)
                .label_style(font(px))
                .axis_desc_style(font(px))
                .x_desc(x_desc)
                .y_desc(y_desc)
                .draw()
                .map_err(err)?;
            // Row-major: the first axis (x) is outer, the second (y) varies fastest.
            chart
                .draw_series(
                    xs.iter()
                        .enumerate()
                        .flat_map(|(i, &x)| ys.iter().enumerate().map(move |(j, &y)| (i, j, x, y)))
                        .map(|(i, j, x, y)| {
                            Rectangle::new(
                                [(x - dx / 2.0, y - dy / 2.0), (x + dx / 2.0, y + dy / 2.0)],
                                colour(z[i * ys.len() + j]).filled(),
                            )
                        }),
                )
                .map_err(err)?;
            Ok(())
        },
        |area, px| {
            area.draw(&Text::new(
                format!("Colour: {z_desc}"),
                (MARGIN as i32, 8),
                font(px),
            ))
            .map_err(err)?;
            let top = (8.0 + px * 1.4) as i32;
            let (x0, x1) = (MARGIN + 8.0, WIDTH as f64 - MARGIN - 24.0);
            let steps = 60;
            for s in 0..steps {
                let a = x0 + (x1 - x0) * s as f64 / steps as f64;
                let b = x0 + (x1 - x0) * (s + 1) as f64 / steps as f64;
                let f = (s as f64 + 0.5) / steps as f64;
                area.draw(&Rectangle::new(
                    [(a as i32, top), (b.ceil() as i32, top + bar_h as i32)],
                    colour(zlo + (zhi - zlo) * f).filled(),
                ))
                .map_err(err)?;
            }
            for q in 0..=4 {
                let f = q as f64 / 4.0;
                let x = (x0 + (x1 - x0) * f) as i32;
                let y = top + bar_h as i32;
                area.draw(&PathElement::new(
                    vec![(x, y), (x, y + 5)],
                    INK.stroke_width(1),
                ))
                .map_err(err)?;
                area.draw(&Text::new(
                    axis_number(&(zlo + (zhi - zlo) * f)),
                    (x, y + 7),
                    font(px).pos(Pos::new(HPos::Center, VPos::Top)),
                ))
                .map_err(err)?;
            }
            Ok(())
        },
    )
}

/// Partnership contributions by year, £'000s: one line per partner, with its P5-P95 band when paths were run.
pub fn partnership_contributions(
    title: &str,
    years: &[String],
    lines: &[Series],
    bands: &[Band],
) -> Result<String> {
    let partner = |k: usize| style(Role::Nth(k));
    let mut keys: Vec<Key> = lines
        .iter()
        .enumerate()
        .map(|(k, s)| key(s.name.clone(), Swatch::Line(partner(k))))
        .collect();
    keys.extend(
        bands
            .iter()
            .enumerate()
            .map(|(k, b)| key(b.name.clone(), Swatch::Fill(partner(k).colour.mix(0.2)))),
    );
    with_keys(WIDTH, PLOT_HEIGHT, title, &keys, |area, px| {
        let (lo, hi) = range_of(
            lines
                .iter()
                .flat_map(|s| s.values.iter())
                .chain(bands.iter().flat_map(|b| b.low.iter().chain(b.high.iter()))),
            true,
        );
        let x1 = (years.len().max(2) - 1) as f64;
        let ya = y_area(lo, hi, px, thousands);
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(20)
            .x_label_area_size((px * 3.0 + 18.0) as u32)
            .y_label_area_size(ya)
            .build_cartesian_2d(-0.2..x1 + 0.2, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(year_labels(years, px, (WIDTH - ya) as f64))
            .x_label_formatter(&year_formatter(years))
            .y_labels(8)
            .y_label_formatter(&thousands)
            .label_style(font(px))
            .axis_desc_style(font(px))
            .x_desc("Financial year")
            .y_desc("Contribution (£'000s)")
            .light_line_style(GRID)
            .max_light_lines(1)
            .draw()
            .map_err(err)?;
        for (k, b) in bands.iter().enumerate() {
            draw_band(&mut chart, b, partner(k).colour.mix(0.2))?;
        }
        for (k, s) in lines.iter().enumerate() {
            draw_styled(&mut chart, area, &by_year(&s.values), partner(k))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimum_font_is_eleven_points_at_print_width() {
        // 680 units printed over 170 mm: 0.25 mm a unit; 11 pt = 3.881 mm = 15.52 units.
        assert!((min_font_size(680) - 15.522).abs() < 0.01);
        assert_eq!(text_px(680), 16.0);
    }

    #[test]
    fn roles_follow_the_names() {
        assert_eq!(
            role_of("Plan: Deterministic (paper) model"),
            Some(Role::Plan)
        );
        assert_eq!(
            role_of("Do nothing at 3.4%: Deterministic (paper) model"),
            Some(Role::DoNothingLow)
        );
        assert_eq!(role_of("Do nothing at 11%: x"), Some(Role::DoNothingHigh));
        assert_eq!(role_of("Median (P50) across paths"), Some(Role::Median));
        assert_eq!(
            role_of("Comparator (A): median (P50) across paths"),
            Some(Role::Comparator)
        );
        assert_eq!(hex(style(Role::Plan).colour), "#0072B2");
    }
}
