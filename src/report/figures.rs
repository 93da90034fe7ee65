//! The charts of a report, in order, each with an id and a caption: drawn once
//! here so the Word document shows the same figures as the page.
//!
//! Must not: rasterise, or write anything (the caller turns SVG into PNG).

use super::charts;
use super::data::ReportData;

/// One chart of a report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Stable identifier, used as a file name (`children_in_care`, ...).
    pub id: &'static str,
    /// Caption, saying what the chart shows and which statistic.
    pub caption: String,
    /// The chart as SVG.
    pub svg: String,
}

/// Every chart of `d` that can be drawn (a chart that fails is left out).
pub fn all(d: &ReportData) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut push = |id, caption: String, svg: Result<String, String>| {
        if let Ok(svg) = svg {
            out.push(Figure { id, caption, svg });
        }
    };
    push(
        "children_in_care",
        "Children in care at 31 March".into(),
        charts::lac_fan("Children in care at 31 March", &d.years, &d.lac),
    );
    if let Some(net) = &d.net {
        let title = if net.statistic.is_empty() {
            "MTFS impact and cumulative net position".to_string()
        } else {
            format!(
                "MTFS impact and cumulative net position — {}",
                net.statistic
            )
        };
        push(
            "net_position",
            title.clone(),
            charts::net_position(&title, &d.years, net),
        );
    }
    push(
        "placement_mix",
        "Children by placement type at 31 March (deterministic (paper) model)".into(),
        charts::stacked(
            "Children by placement type at 31 March",
            "Children, deterministic (paper) model",
            &d.years,
            &d.mix,
            1.0,
        ),
    );
    push(
        "placement_cost",
        "Annual cost of placements at 31 March (deterministic (paper) model)".into(),
        charts::stacked(
            "Annual cost of placements at 31 March",
            "£m a year, deterministic (paper) model",
            &d.years,
            &d.cost,
            1e6,
        ),
    );
    if let Some(t) = &d.tornado {
        push(
            "tornado",
            "What moves the net position most (deterministic (paper) model)".into(),
            charts::tornado("What moves the net position most", t),
        );
    }
    out
}
