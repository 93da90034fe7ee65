//! `report.html`: one self-contained page (inline CSS and SVG, no scripts, nothing
//! fetched from the network) with the paper-shaped tables and the charts; and a
//! partnership's page with its tables and contributions chart.

use super::charts;
use super::data::{DETERMINISTIC, InputGroup, ReportData, grouped_inputs};
use super::partnership::Report as PartnershipReport;
use super::table::{RowKind, Table, Unit, format_value};

/// Screen and print styles. In print (A4, 20 mm margins: 170 mm of text width)
/// every section starts a page, tables, rows and figures are not split, the
/// contents list loses its link colours, and every chart fills the 170 mm its
/// text is sized for (see [`charts::min_font_size`]).
const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;color:#212529;max-width:1100px;margin:2rem auto;padding:0 1rem;line-height:1.4}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:2px solid #005ea5;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.4rem 0 .3rem}\
.meta{color:#555;font-size:.9rem}.subtitle{font-size:1.15rem;margin:.2rem 0}.byline{color:#444}.summary{max-width:48rem;font-size:1.02rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem;font-variant-numeric:tabular-nums}\
caption{text-align:left;font-weight:600;padding:.2rem 0}\
th,td{padding:.18rem .55rem;border-bottom:1px solid #e3e3e3}th{background:#f2f5f8;text-align:right}th:first-child{text-align:left}\
td.num{text-align:right;white-space:nowrap}tr.heading td{font-weight:600;background:#fafafa}tr.subtotal td{font-weight:600}\
tr.total td{font-weight:700;border-top:2px solid #333}td.indent{padding-left:1.4rem}p.note{font-weight:600;margin:.3rem 0}\
table.inputs th{text-align:left}table.inputs td{vertical-align:top}\
figure{margin:1rem 0}figure svg{width:100%;max-width:760px;height:auto;display:block}.callout{background:#eef6fb;border-left:4px solid #005ea5;padding:.6rem 1rem;font-size:1.05rem}\
.warning{background:#fdf0ef;border-left:6px solid #c82828;padding:.6rem 1rem;font-size:1.1rem;font-weight:700}\
nav.contents{border:1px solid #d0d7de;padding:.4rem 1rem;margin:1rem 0}nav.contents p{font-weight:700;margin:.3rem 0}nav.contents ol{margin:.2rem 0 .4rem;padding-left:1.4rem}nav.contents ol ol{list-style:lower-alpha}\
@page{size:A4;margin:20mm}\
@media print{body{max-width:none;margin:0;padding:0;font-size:10.5pt}\
section{break-before:page;page-break-before:always}\
table,figure,tr,.callout,.warning,nav.contents{break-inside:avoid;page-break-inside:avoid}\
thead{display:table-header-group}h2,h3,caption{break-after:avoid;page-break-after:avoid}\
table{font-size:9.5pt}figure svg{width:100%;max-width:none}\
a{color:inherit;text-decoration:none}.no-print{display:none}\
.callout,.warning,th,tr.heading td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The default-costs warning as a box nobody can miss.
fn cost_warning(w: &str) -> String {
    format!(
        "<p class=\"warning cost-warning\" role=\"alert\">{}</p>",
        esc(w)
    )
}

/// One table as HTML, numbers formatted as the paper prints them; a table's
/// warning is a box just above it.
pub fn table(t: &Table) -> String {
    let mut h = t.warning.as_deref().map(cost_warning).unwrap_or_default();
    h.push_str(&format!(
        "<table id=\"{}\"><thead><tr><th>{}</th>",
        esc(&t.id),
        esc(t.unit.label())
    ));
    for c in &t.columns {
        h.push_str(&format!("<th>{}</th>", esc(c)));
    }
    h.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        let class = match r.kind {
            RowKind::Heading => "heading",
            RowKind::Line => "line",
            RowKind::Subtotal => "subtotal",
            RowKind::Total => "total",
        };
        let label_class = if r.kind == RowKind::Line {
            " class=\"indent\""
        } else {
            ""
        };
        h.push_str(&format!(
            "<tr class=\"{class}\" data-id=\"{}\"><td{label_class}>{}</td>",
            esc(&r.id),
            esc(&r.label)
        ));
        if r.kind == RowKind::Heading {
            h.push_str(&format!("<td colspan=\"{}\"></td>", t.columns.len()));
        }
        for v in &r.values {
            h.push_str(&format!(
                "<td class=\"num\">{}</td>",
                esc(&format_value(*v, t.unit))
            ));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    for n in &t.notes {
        h.push_str(&format!("<p class=\"note\">{}</p>", esc(n)));
    }
    h
}

fn figure(svg: Result<String, String>, alt: &str) -> String {
    match svg {
        Ok(s) => format!(
            "<figure role=\"img\" aria-label=\"{}\">{}</figure>",
            esc(alt),
            strip_xml_header(&s)
        ),
        Err(e) => format!("<p>Chart could not be drawn: {}</p>", esc(&e)),
    }
}

fn strip_xml_header(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// The whole report page.
pub fn render(d: &ReportData) -> String {
    let mut body = String::new();
    body.push_str(&format!("<h1>{}</h1>", esc(&d.paper_title())));
    let r = &d.report;
    if let Some(sub) = &r.subtitle {
        body.push_str(&format!("<p class=\"subtitle\">{}</p>", esc(sub)));
    }
    // The council's own title page: author and the paper's date, and the
    // scenario still named under a title of the council's own.
    let mut byline: Vec<String> = Vec::new();
    if r.author.is_some() || r.date.is_some() {
        byline.extend([d.author().to_string()]);
        byline.extend(r.date.clone());
    }
    if r.title.is_some() {
        byline.push(format!("{} — {}", d.authority, d.heading()));
    }
    if !byline.is_empty() {
        body.push_str(&format!(
            "<p class=\"byline\">{}</p>",
            byline
                .iter()
                .map(|b| esc(b))
                .collect::<Vec<_>>()
                .join(" · ")
        ));
    }
    if let Some(summary) = &r.summary {
        body.push_str(&format!("<p class=\"summary\">{}</p>", esc(summary)));
    }
    body.push_str(&provenance(
        "Scenario",
        &d.scenario_path,
        &d.scenario_hash,
        &d.mode,
        &d.lacsim_version,
    ));
    if let Some(c) = &d.comparator {
        body.push_str(&format!(
            "<p class=\"meta\">Compared with <code>{}</code>: {} (the comparator arm; every paired figure is the invest arm less this one on the same path).</p>",
            esc(&c.path),
            esc(&c.title)
        ));
    }
    if let Some(w) = &d.cost_warning {
        body.push_str(&format!(
            "<p class=\"warning cost-warning\" role=\"alert\" id=\"cost-warning\">{}</p>",
            esc(w)
        ));
    }
    if let Some(w) = &d.break_even_warning {
        body.push_str(&format!(
            "<p class=\"warning\" role=\"alert\">{}</p>",
            esc(w)
        ));
    }
    if let Some(note) = d.table("table3").and_then(|t| t.notes.first()) {
        let note = if d.is_monte_carlo() {
            format!("{DETERMINISTIC}: {note}")
        } else {
            note.clone()
        };
        body.push_str(&format!("<p class=\"callout\">{}</p>", esc(&note)));
    }
    for h in &d.headline {
        body.push_str(&format!("<p class=\"callout\">{}</p>", esc(h)));
    }
    if let Some(npv) = &d.npv {
        let k = |v: f64| format_value(v, Unit::Thousands);
        body.push_str(&format!(
            "<p class=\"callout\" id=\"npv\">Economic ledger: NPV against {} (£'000s): mean {}, P5 {}, median (P50) {}, P95 {}.</p><p class=\"meta\">{}.</p>",
            esc(&npv.against),
            esc(&k(npv.mean)),
            esc(&k(npv.p5)),
            esc(&k(npv.p50)),
            esc(&k(npv.p95)),
            esc(&npv.basis)
        ));
    }
    // The charts are drawn once, in figures, for every format.
    let figs = super::figures::all(d);
    let drawn = |id: &str| -> Result<String, String> {
        figs.iter()
            .find(|f| f.id == id)
            .map(|f| f.svg.clone())
            .ok_or_else(|| format!("the {id} chart could not be drawn"))
    };
    let mut sections = Sections::default();
    for id in ["table1", "table3"] {
        if let Some(t) = d.table(id) {
            sections.push(&format!("sec-{id}"), &t.title, table(t));
        }
    }
    sections.push(
        "sec-children-in-care",
        "Children in care",
        figure(
            drawn("children_in_care"),
            "Fan chart of children in care by year",
        ),
    );
    // The charts of money carry the warning too.
    let warned = |html: String| match &d.cost_warning {
        Some(w) => cost_warning(w) + &html,
        None => html,
    };
    if let Some(net) = &d.net {
        sections.push(
            "sec-net-position",
            "Net position and break-even",
            warned(figure(
                drawn("net_position"),
                if net.break_even_probability.is_empty() {
                    "Net position by year"
                } else {
                    "Net position by year with the probability of a sustained break-even"
                },
            )),
        );
    }
    let mut mix = figure(
        drawn("placement_mix"),
        "Stacked bars of children by placement type",
    );
    mix.push_str(&figure(
        drawn("placement_cost"),
        "Stacked bars of placement cost by type",
    ));
    sections.push(
        "sec-placement-mix",
        "Placement mix (deterministic (paper) model)",
        warned(mix),
    );
    if let Some(t) = &d.tornado {
        let mut h = figure(drawn("tornado"), "Tornado chart of assumptions");
        h.push_str(&tornado_table(t));
        sections.push(
            "sec-tornado",
            "Sensitivity: tornado and switching values",
            warned(h),
        );
    }
    if let Some(t) = &d.engine_tornado {
        let mut h = String::from(
            "<p class=\"meta\">Each range swung alone on the engine's expected-value model, the other ranged assumptions at their means.</p>",
        );
        h.push_str(&figure(
            charts::tornado("Ranges in the scenario: effect on the net position", t),
            "Tornado chart of the scenario's ranges",
        ));
        h.push_str(&tornado_table(t));
        sections.push(
            "sec-engine-tornado",
            "Sensitivity of the engine to the ranges in the scenario",
            warned(h),
        );
    }
    if let Some(t) = &d.mc_tornado {
        let mut h = format!(
            "<p class=\"meta\">Each assumption swung alone on the Monte Carlo engine: {} paths at every point, seed {}, the same random numbers at every point. The other ranges are still drawn path by path.</p>",
            t.paths, t.seed
        );
        h.push_str(&figure(
            charts::tornado(
                "Monte Carlo: mean net position at each end",
                &t.mean_net_tornado(),
            ),
            "Tornado chart of mean net positions on the Monte Carlo engine",
        ));
        h.push_str(&mc_tornado_table(t));
        sections.push(
            "sec-mc-tornado",
            "Sensitivity on the Monte Carlo engine",
            warned(h),
        );
    }
    for t in d
        .tables
        .iter()
        .filter(|t| t.id != "table1" && t.id != "table3")
    {
        sections.push(&format!("sec-{}", t.id), &t.title, table(t));
    }
    let groups = grouped_inputs(&d.inputs, &d.years);
    sections.push_with(
        "sec-inputs",
        "Scenario inputs",
        inputs_html(&groups),
        groups
            .iter()
            .map(|g| (g.id.clone(), g.title.clone()))
            .collect(),
    );
    body.push_str(&sections.contents());
    body.push_str(&sections.body);
    page(&d.paper_title(), &body)
}

/// The page around a report's body: head, inline CSS, nothing fetched.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>{body}</body></html>\n",
        esc(title)
    )
}

/// The line under the title: which file (and its hash) was run, how, and by which lacsim.
fn provenance(kind: &str, path: &str, hash: &str, mode: &str, version: &str) -> String {
    format!(
        "<p class=\"meta\">{kind} <code>{}</code> (SHA-256 {}…), {} run, lacsim {}.</p>",
        esc(path),
        esc(&hash.chars().take(12).collect::<String>()),
        esc(mode),
        esc(version)
    )
}

/// The partnership report page: provenance, the contributions chart and every table with its notes.
pub fn partnership(r: &PartnershipReport) -> String {
    let mut body = format!("<h1>{}</h1>", esc(&r.title));
    body.push_str(&provenance(
        "Partnership file",
        &r.path,
        &r.hash,
        &r.mode,
        env!("CARGO_PKG_VERSION"),
    ));
    if let Some(source) = &r.source {
        body.push_str(&format!("<p class=\"meta\">Source: {}.</p>", esc(source)));
    }
    let mut sections = Sections::default();
    sections.push(
        "sec-contributions",
        "Contributions by partner",
        figure(
            super::partnership::contributions_svg(r),
            "Line chart of each partner's contribution by year",
        ),
    );
    for t in &r.tables {
        sections.push(&format!("sec-{}", t.id), &t.title, table(t));
    }
    body.push_str(&sections.contents());
    body.push_str(&sections.body);
    page(&r.title, &body)
}

fn tornado_table(t: &super::data::TornadoData) -> String {
    let mut h = String::from(
        "<table id=\"tornado\"><thead><tr><th>Assumption</th><th>Range</th><th>Net position low (£'000s)</th><th>Net position high (£'000s)</th><th>Break-even low</th><th>Break-even high</th><th>Switching value</th></tr></thead><tbody>",
    );
    let be = |y: &Option<String>| y.clone().unwrap_or_else(|| "none".into());
    for r in &t.rows {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.name),
            esc(&r.range),
            format_value(r.low_net, super::table::Unit::Thousands),
            format_value(r.high_net, super::table::Unit::Thousands),
            esc(&be(&r.low_break_even)),
            esc(&be(&r.high_break_even)),
            esc(r.switching.as_deref().unwrap_or("none found"))
        ));
    }
    h.push_str("</tbody></table><p class=\"meta\">Switching value: the value at which the plan no longer breaks even within the horizon (HM Treasury Green Book), found by bisection on the deterministic model.</p>");
    h
}

fn mc_tornado_table(t: &super::data::McTornadoData) -> String {
    let money = |v: f64| format_value(v, super::table::Unit::Thousands);
    let pct = |p: f64| format!("{:.1}%", p * 100.0);
    let mut h = format!(
        "<table id=\"mc-tornado\"><thead><tr><th>Assumption</th><th>Low</th><th>High</th><th>Net position, mean, low (£'000s)</th><th>Net position, mean, high (£'000s)</th><th>Net position, P5 to P95, low (£'000s)</th><th>Net position, P5 to P95, high (£'000s)</th><th>P(sustained break-even by {y}), low</th><th>P(sustained break-even by {y}), high</th><th>Mean net position crosses 0 at</th><th>P(sustained break-even by {y}) crosses 50% at</th></tr></thead><tbody>",
        y = esc(&t.by_year)
    );
    for r in &t.rows {
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td><td class=\"num\">{} to {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.name),
            esc(&r.low),
            esc(&r.high),
            money(r.low_net_mean),
            money(r.high_net_mean),
            money(r.low_net_p5),
            money(r.low_net_p95),
            money(r.high_net_p5),
            money(r.high_net_p95),
            pct(r.low_p_break_even),
            pct(r.high_p_break_even),
            esc(&r.switching_net),
            esc(&r.switching_break_even),
        ));
    }
    h.push_str(&format!(
        "</tbody></table><p class=\"meta\">As written: mean net position {} (P5 {}, P95 {}); P(sustained break-even by {}) {} ({}). Switching values by bisection on the same paths, at most {} engine runs a bar; {} runs in all.</p>",
        money(t.central_net_mean),
        money(t.central_net_p5),
        money(t.central_net_p95),
        esc(&t.by_year),
        pct(t.central_p_break_even),
        esc(&t.by_year_basis),
        crate::sensitivity::mc_tornado::MAX_RUNS_PER_BAR,
        t.engine_runs
    ));
    h
}

/// A contents entry: anchor, title, and its sub-entries' (anchor, title).
type Entry = (String, String, Vec<(String, String)>);

/// The page's sections, each starting a printed page, and the contents list that links to them.
#[derive(Default)]
struct Sections {
    /// (anchor, title, sub-entries) in order.
    entries: Vec<Entry>,
    body: String,
}

impl Sections {
    fn push(&mut self, id: &str, title: &str, html: String) {
        self.push_with(id, title, html, Vec::new());
    }

    fn push_with(&mut self, id: &str, title: &str, html: String, subs: Vec<(String, String)>) {
        self.body.push_str(&format!(
            "<section id=\"{}\"><h2>{}</h2>{html}</section>",
            esc(id),
            esc(title)
        ));
        self.entries.push((id.into(), title.into(), subs));
    }

    /// The contents list: a link to every section (and to the input groups).
    fn contents(&self) -> String {
        let mut h = String::from(
            "<nav class=\"contents\" id=\"contents\" aria-label=\"Contents\"><p>Contents</p><ol>",
        );
        for (id, title, subs) in &self.entries {
            h.push_str(&format!("<li><a href=\"#{}\">{}</a>", esc(id), esc(title)));
            if !subs.is_empty() {
                h.push_str("<ol>");
                for (sid, stitle) in subs {
                    h.push_str(&format!(
                        "<li><a href=\"#{}\">{}</a></li>",
                        esc(sid),
                        esc(stitle)
                    ));
                }
                h.push_str("</ol>");
            }
            h.push_str("</li>");
        }
        h.push_str("</ol></nav>");
        h
    }
}

/// The scenario's inputs as labelled tables, group by group.
fn inputs_html(groups: &[InputGroup]) -> String {
    let mut h = String::from(
        "<p class=\"meta\">The scenario's assumptions, grouped as the paper groups them. The field names as typed in the scenario file are in <code>report.json</code> and on the Inputs sheet of <code>report.xlsx</code>.</p>",
    );
    for g in groups {
        h.push_str(&format!(
            "<div class=\"input-group\" id=\"{}\"><h3>{}</h3>",
            esc(&g.id),
            esc(&g.title)
        ));
        for t in &g.tables {
            h.push_str(&format!(
                "<table class=\"inputs\"><caption>{}</caption><thead><tr>",
                esc(&t.caption)
            ));
            for c in &t.columns {
                h.push_str(&format!("<th>{}</th>", esc(c)));
            }
            h.push_str("</tr></thead><tbody>");
            for row in &t.rows {
                h.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    let numeric = i > 0
                        && !cell.is_empty()
                        && cell
                            .chars()
                            .all(|c| c.is_ascii_digit() || ",.-–%£ ".contains(c));
                    h.push_str(&if numeric {
                        format!("<td class=\"num\">{}</td>", esc(cell))
                    } else {
                        format!("<td>{}</td>", esc(cell))
                    });
                }
                h.push_str("</tr>");
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</div>");
    }
    h
}
