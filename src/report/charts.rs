//! Charts as SVG text, drawn with plotters' SVG backend (no fonts needed: the
//! text is left to the browser). Every chart has a title, axis labels with units
//! and a legend.

use super::data::{Band, DETERMINISTIC, LacChart, NetChart, Series, TornadoData};
use plotters::prelude::*;
use plotters::style::RGBColor;

/// Chart size in pixels.
const SIZE: (u32, u32) = (860, 440);

/// Ten distinguishable colours, one per placement type (Okabe-Ito plus greys).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0, 114, 178),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(240, 228, 66),
    RGBColor(120, 94, 240),
    RGBColor(150, 150, 150),
    RGBColor(60, 60, 60),
];

const INK: RGBColor = RGBColor(33, 37, 41);
const PLAN: RGBColor = RGBColor(0, 94, 165);
const BAD: RGBColor = RGBColor(200, 40, 40);
const GOOD: RGBColor = RGBColor(0, 140, 90);

type Result<T> = std::result::Result<T, String>;

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
    let pad = ((hi - lo) * 0.08).max(1.0);
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

/// Fan chart of children in care: percentile bands, the median or plan, and do-nothing lines.
pub fn lac_fan(title: &str, years: &[String], c: &LacChart) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let all = c
            .lines
            .iter()
            .flat_map(|s| s.values.iter())
            .chain(c.bands.iter().flat_map(|b| b.low.iter().chain(&b.high)));
        let (lo, hi) = range_of(all, false);
        let n = years.len().max(2) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20).into_font().color(&INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.2f64..(n - 0.8), lo..hi)
            .map_err(err)?;
        let fmt = year_formatter(years);
        chart
            .configure_mesh()
            .x_labels(years.len())
            .x_label_formatter(&fmt)
            .y_label_formatter(&thousands)
            .x_desc("Financial year (count at 31 March)")
            .y_desc("Children in care")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (k, b) in c.bands.iter().enumerate() {
            draw_band(&mut chart, b, PLAN.mix(0.12 + 0.12 * k as f64))?;
        }
        for (k, s) in c.lines.iter().enumerate() {
            let colour = match k {
                0 => PLAN,
                _ if s.name.starts_with("Median") => INK,
                _ => PALETTE[(k + 1) % PALETTE.len()],
            };
            draw_line(&mut chart, s, colour, if k == 0 { 3 } else { 2 })?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

type Chart2d<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The legend box every chart uses.
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    at: SeriesLabelPosition,
) -> Result<()> {
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// A thin reference line (the zero line) from `a` to `b`.
fn draw_rule<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    a: (f64, f64),
    b: (f64, f64),
) -> Result<()> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![a, b],
            INK.stroke_width(1),
        )))
        .map_err(err)?;
    Ok(())
}

fn draw_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    b: &Band,
    colour: RGBAColor,
) -> Result<()> {
    let mut pts: Vec<(f64, f64)> = b
        .high
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as f64, v))
        .collect();
    pts.extend(b.low.iter().enumerate().rev().map(|(i, &v)| (i as f64, v)));
    chart
        .draw_series(std::iter::once(Polygon::new(pts, colour.filled())))
        .map_err(err)?
        .label(b.name.clone())
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], colour.filled()));
    Ok(())
}

fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    s: &Series,
    colour: RGBColor,
    width: u32,
) -> Result<()> {
    let pts: Vec<(f64, f64)> = s
        .values
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as f64, v))
        .collect();
    chart
        .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(width)))
        .map_err(err)?
        .label(s.name.clone())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3)));
    chart
        .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, colour.filled())))
        .map_err(err)?;
    Ok(())
}

/// Stacked bars by year (placement mix in children, or cost in pounds), legend on the right.
pub fn stacked(
    title: &str,
    y_desc: &str,
    years: &[String],
    stacks: &[Series],
    scale: f64,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (body, key) = root.split_horizontally(SIZE.0 - 250);
        let n = years.len();
        let totals: Vec<f64> = (0..n)
            .map(|t| stacks.iter().map(|s| s.values[t].max(0.0)).sum::<f64>() / scale)
            .collect();
        let (_, hi) = range_of(totals.iter(), true);
        let mut chart = ChartBuilder::on(&body)
            .caption(title, ("sans-serif", 20).into_font().color(&INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), 0f64..hi)
            .map_err(err)?;
        let fmt = year_formatter(years);
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&fmt)
            .y_label_formatter(&thousands)
            .disable_x_mesh()
            .x_desc("Financial year (31 March)")
            .y_desc(y_desc)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let mut base = vec![0.0; n];
        for (k, s) in stacks.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let rects: Vec<Rectangle<(f64, f64)>> = (0..n)
                .map(|t| {
                    let v = s.values[t].max(0.0) / scale;
                    let r = Rectangle::new(
                        [(t as f64 - 0.35, base[t]), (t as f64 + 0.35, base[t] + v)],
                        colour.filled(),
                    );
                    base[t] += v;
                    r
                })
                .collect();
            chart.draw_series(rects).map_err(err)?;
        }
        // The legend lists the stack top first, as the bars read.
        let font = ("sans-serif", 12).into_font().color(&INK);
        for (row, (k, s)) in stacks.iter().enumerate().rev().enumerate() {
            let y = 70 + 24 * row as i32;
            let colour = PALETTE[k % PALETTE.len()];
            key.draw(&Rectangle::new([(8, y - 7), (22, y + 7)], colour.filled()))
                .map_err(err)?;
            key.draw(&Text::new(s.name.clone(), (30, y - 6), font.clone()))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Net position: yearly MTFS impact as bars and the cumulative net line (both the
/// statistic `c.statistic` names, said in each legend entry), in a Monte Carlo
/// run the deterministic (paper) model's impact as a labelled line, and above
/// the bars the probability of a sustained break-even by each year (Monte Carlo
/// runs only: a deterministic run has no probabilities).
pub fn net_position(title: &str, years: &[String], c: &NetChart) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let m = |v: &f64| v / 1000.0;
        let impact: Vec<f64> = c.impact.iter().map(m).collect();
        let cumulative: Vec<f64> = c.cumulative_net.iter().map(m).collect();
        let deterministic: Vec<f64> = c.deterministic_impact.iter().map(m).collect();
        let (lo, mut hi) = range_of(impact.iter().chain(&cumulative).chain(&deterministic), true);
        let probabilities = !c.break_even_probability.is_empty();
        if probabilities {
            // Room above the bars for the probability line.
            hi += (hi - lo) * 0.1;
        }
        let n = years.len();
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20).into_font().color(&INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), lo..hi)
            .map_err(err)?;
        let fmt = year_formatter(years);
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&fmt)
            .disable_x_mesh()
            .x_desc("Financial year")
            .y_desc("£m (negative = saving)")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let what = |line: &str| {
            if c.statistic.is_empty() {
                line.to_string()
            } else {
                format!("{}: {line}", c.statistic)
            }
        };
        chart
            .draw_series(impact.iter().enumerate().map(|(t, &v)| {
                Rectangle::new(
                    [(t as f64 - 0.3, 0.0), (t as f64 + 0.3, v)],
                    if v < 0.0 {
                        GOOD.filled()
                    } else {
                        BAD.mix(0.8).filled()
                    },
                )
            }))
            .map_err(err)?
            .label(what(
                "MTFS impact in the year (bars; green: at or below budget)",
            ))
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], GOOD.filled()));
        draw_line(
            &mut chart,
            &Series {
                name: what("cumulative net position (investment less savings)"),
                values: cumulative,
            },
            INK,
            2,
        )?;
        if !deterministic.is_empty() {
            draw_line(
                &mut chart,
                &Series {
                    name: format!("{DETERMINISTIC}: MTFS impact in the year"),
                    values: deterministic,
                },
                PALETTE[2],
                2,
            )?;
        }
        if probabilities {
            let font = ("sans-serif", 11).into_font().color(&INK);
            let top = hi - (hi - lo) * 0.035;
            let below = hi - (hi - lo) * 0.085;
            chart
                .draw_series(std::iter::once(Text::new(
                    "Probability of a sustained break-even by the end of the year (share of paths):",
                    (-0.55, top),
                    font.clone(),
                )))
                .map_err(err)?;
            chart
                .draw_series(c.break_even_probability.iter().enumerate().map(|(t, p)| {
                    Text::new(
                        format!("{:.0}%", p * 100.0),
                        (t as f64 - 0.12, below),
                        font.clone(),
                    )
                }))
                .map_err(err)?;
        }
        draw_rule(&mut chart, (-0.6, 0.0), (n as f64 - 0.4, 0.0))?;
        draw_legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Tornado: each assumption's low and high net position around the base, largest swing on top.
pub fn tornado(title: &str, t: &TornadoData) -> Result<String> {
    let rows = &t.rows;
    let height = 120 + 34 * rows.len().max(1) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0 + 140, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let m = |v: f64| (v - t.base_net) / 1000.0;
        let (lo, hi) = range_of(
            rows.iter()
                .flat_map(|r| [m(r.low_net), m(r.high_net)])
                .collect::<Vec<_>>()
                .iter(),
            true,
        );
        let n = rows.len() as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20).into_font().color(&INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(330)
            .build_cartesian_2d(lo..hi, -0.5f64..(n - 0.5))
            .map_err(err)?;
        let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        let yfmt = move |y: &f64| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
                names[names.len() - 1 - i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .y_labels(rows.len().max(1))
            .y_label_formatter(&yfmt)
            .disable_y_mesh()
            .x_desc("Change in net position over the horizon, £m (negative = better)")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let row_y = |i: usize| n - 1.0 - i as f64;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                Rectangle::new(
                    [(0.0, row_y(i) - 0.32), (m(r.low_net), row_y(i) + 0.32)],
                    PALETTE[0].filled(),
                )
            }))
            .map_err(err)?
            .label("Assumption low")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], PALETTE[0].filled()));
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                Rectangle::new(
                    [(0.0, row_y(i) - 0.32), (m(r.high_net), row_y(i) + 0.32)],
                    PALETTE[2].filled(),
                )
            }))
            .map_err(err)?
            .label("Assumption high")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], PALETTE[2].filled()));
        draw_rule(&mut chart, (0.0, -0.5), (0.0, n - 0.5))?;
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// One-way sweep: one line per reported measure against the varied value.
pub fn sweep_line(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    xs: &[f64],
    series: &[Series],
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
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
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20).into_font().color(&INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (k, s) in series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(
                    xs.iter()
                        .copied()
                        .zip(s.values.iter().copied())
                        .filter(|(_, y)| y.is_finite()),
                    colour.stroke_width(2),
                ))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                });
        }
        draw_rule(&mut chart, (x0, 0.0), (x1, 0.0))?;
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Two-way sweep: a heatmap of one measure over the grid, with a colour key.
pub fn heatmap(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    xs: &[f64],
    ys: &[f64],
    z: &[f64],
    z_desc: &str,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (body, key) = root.split_horizontally(SIZE.0 - 150);
        let step = |v: &[f64]| if v.len() > 1 { v[1] - v[0] } else { 1.0 };
        let (dx, dy) = (step(xs), step(ys));
        let xr = (xs[0] - dx / 2.0)..(xs[xs.len() - 1] + dx / 2.0);
        let yr = (ys[0] - dy / 2.0)..(ys[ys.len() - 1] + dy / 2.0);
        let (zlo, zhi) = range_of(z.iter(), false);
        let colour = |v: f64| {
            let f = if zhi > zlo {
                ((v - zlo) / (zhi - zlo)).clamp(0.0, 1.0)
            } else {
                0.5
            };
            RGBColor(
                (30.0 + 200.0 * f) as u8,
                (120.0 + 60.0 * (1.0 - f)) as u8,
                (200.0 - 150.0 * f) as u8,
            )
        };
        let mut chart = ChartBuilder::on(&body)
            .caption(title, ("sans-serif", 20).into_font().color(&INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(xr, yr)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
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
        let mut k = ChartBuilder::on(&key)
            .margin_top(60)
            .margin_bottom(60)
            .margin_right(20)
            .y_label_area_size(80)
            .caption(z_desc, ("sans-serif", 13).into_font().color(&INK))
            .build_cartesian_2d(0f64..1f64, zlo..zhi)
            .map_err(err)?;
        k.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_label_formatter(&thousands)
            .draw()
            .map_err(err)?;
        let steps = 50;
        k.draw_series((0..steps).map(|s| {
            let a = zlo + (zhi - zlo) * s as f64 / steps as f64;
            let b = zlo + (zhi - zlo) * (s + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, a), (1.0, b)], colour((a + b) / 2.0).filled())
        }))
        .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Partnership contributions by year, £'000s: one line per partner, with its P5-P95 band when paths were run.
pub fn partnership_contributions(
    title: &str,
    years: &[String],
    lines: &[Series],
    bands: &[Band],
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (lo, hi) = range_of(
            lines
                .iter()
                .flat_map(|s| s.values.iter())
                .chain(bands.iter().flat_map(|b| b.low.iter().chain(b.high.iter()))),
            true,
        );
        let x1 = (years.len().max(2) - 1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20).into_font().color(&INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.2..x1 + 0.2, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(years.len())
            .x_label_formatter(&year_formatter(years))
            .y_label_formatter(&thousands)
            .x_desc("Financial year")
            .y_desc("Contribution (£'000s)")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (k, b) in bands.iter().enumerate() {
            draw_band(&mut chart, b, PALETTE[k % PALETTE.len()].mix(0.18))?;
        }
        for (k, s) in lines.iter().enumerate() {
            draw_line(&mut chart, s, PALETTE[k % PALETTE.len()], 2)?;
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}
