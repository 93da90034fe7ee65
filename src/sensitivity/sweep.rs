//! One-way and two-way grids over numeric scenario fields.
//!
//! A grid point is `start + i * step` for an integer `i` (no drift from repeated
//! addition), and the last point is the last that does not pass `stop`.

use crate::scenario::fields::{self, Change, FieldError};
use crate::scenario::{Loaded, Problems};
use serde::Serialize;

/// Most grid points a sweep runs without `force`.
pub const MAX_POINTS: usize = 10_000;

/// One varied field: `PATH=START:STOP:STEP`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    /// The field path as written in the scenario file (aliases resolved).
    pub field: String,
    /// First value.
    pub start: f64,
    /// Last value (inclusive when the steps land on it).
    pub stop: f64,
    /// Step between values.
    pub step: f64,
}

/// Why a sweep cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The `--vary` text is not `PATH=START:STOP:STEP`.
    #[error("--vary `{0}`: write PATH=START:STOP:STEP, e.g. do_nothing.growth_rate=0:0.15:0.01")]
    Syntax(String),
    /// A number in the range could not be read.
    #[error("--vary `{spec}`: `{text}` is not a number")]
    Number {
        /// The whole spec.
        spec: String,
        /// The bad part.
        text: String,
    },
    /// STEP is zero or negative.
    #[error("--vary {field}: STEP must be greater than 0, got {step}")]
    Step {
        /// The field.
        field: String,
        /// The step given.
        step: f64,
    },
    /// START is after STOP.
    #[error("--vary {field}: START ({start}) is greater than STOP ({stop})")]
    Order {
        /// The field.
        field: String,
        /// Start.
        start: f64,
        /// Stop.
        stop: f64,
    },
    /// The grid is too big to run without `--force`.
    #[error(
        "the sweep has {0} grid points (more than {MAX_POINTS}); use a coarser STEP or add --force"
    )]
    TooBig(usize),
    /// More than two fields varied.
    #[error("a sweep varies one or two fields, not {0}")]
    TooManyAxes(usize),
    /// The field cannot be varied.
    #[error("--vary {0}")]
    Field(FieldError),
}

impl Axis {
    /// Parses `PATH=START:STOP:STEP`.
    pub fn parse(spec: &str) -> Result<Axis, SweepError> {
        let (path, range) = spec
            .split_once('=')
            .ok_or_else(|| SweepError::Syntax(spec.into()))?;
        let parts: Vec<&str> = range.split(':').collect();
        if parts.len() != 3 || path.trim().is_empty() {
            return Err(SweepError::Syntax(spec.into()));
        }
        let num = |t: &str| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| SweepError::Number {
                    spec: spec.into(),
                    text: t.into(),
                })
        };
        let (start, stop, step) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        let field = fields::canonical(path.trim());
        if step <= 0.0 {
            return Err(SweepError::Step { field, step });
        }
        if start > stop {
            return Err(SweepError::Order { field, start, stop });
        }
        Ok(Axis {
            field,
            start,
            stop,
            step,
        })
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        // The small tolerance keeps 0:0.15:0.01 at 16 points despite binary fractions.
        ((self.stop - self.start) / self.step + 1e-9).floor() as usize + 1
    }

    /// Whether the axis has no points (never, once parsed).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th value.
    pub fn value(&self, i: usize) -> f64 {
        let v = self.start + i as f64 * self.step;
        // Trim binary noise so 0.07 prints as 0.07, not 0.07000000000000001.
        (v * 1e12).round() / 1e12
    }
}

/// A checked grid of one or two axes.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    /// The axes, outer first.
    pub axes: Vec<Axis>,
}

impl Grid {
    /// Checks the axes against the scenario (fields exist and are numeric) and the size limit.
    pub fn new(loaded: &Loaded, axes: Vec<Axis>, force: bool) -> Result<Grid, SweepError> {
        if axes.is_empty() || axes.len() > 2 {
            return Err(SweepError::TooManyAxes(axes.len()));
        }
        for a in &axes {
            fields::get(&loaded.source.merged, &a.field).map_err(SweepError::Field)?;
        }
        let g = Grid { axes };
        if g.len() > MAX_POINTS && !force {
            return Err(SweepError::TooBig(g.len()));
        }
        Ok(g)
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        self.axes.iter().map(Axis::len).product()
    }

    /// Whether the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The field values of point `k` (row-major: the last axis varies fastest).
    pub fn point(&self, k: usize) -> Vec<f64> {
        let mut rest = k;
        let mut idx = vec![0; self.axes.len()];
        for (d, a) in self.axes.iter().enumerate().rev() {
            idx[d] = rest % a.len();
            rest /= a.len();
        }
        self.axes.iter().zip(idx).map(|(a, i)| a.value(i)).collect()
    }
}

/// One evaluated grid point.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// Index in the grid.
    pub index: usize,
    /// Value of each varied field.
    pub values: Vec<f64>,
    /// What the deterministic (paper) model gives at these values.
    #[serde(flatten)]
    pub outcome: super::Outcome,
    /// With Monte Carlo paths: the share of paths with a sustained break-even within the horizon.
    pub break_even_probability: Option<f64>,
    /// With Monte Carlo paths: the statistics across them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<McPoint>,
}

/// P5, median and P95 of one figure across paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Spread {
    fn of(values: &mut [f64]) -> Spread {
        let st = crate::engine::stat(values);
        // PERCENTILES: p5, p10, p25, p50, p75, p90, p95.
        Spread {
            p5: st.percentiles[0],
            p50: st.percentiles[3],
            p95: st.percentiles[6],
        }
    }
}

/// A grid point's Monte Carlo statistics, on the same random numbers at every
/// point (common random numbers), so differences between points are the
/// effect of the change, not noise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct McPoint {
    /// Paths run.
    pub paths: u64,
    /// Share of paths with a sustained break-even within the horizon.
    pub break_even_probability: f64,
    /// Net position over the horizon (paper's ledger: cumulative investment
    /// less savings), £'000s.
    pub net_position: Spread,
    /// Children in care at the last 31 March.
    pub final_lac: Spread,
    /// Green Book NPV against the plan's own do-nothing arm, £'000s.
    pub npv: Spread,
}

/// Monte Carlo settings for a sweep: every point uses the same seed, so neighbouring
/// points share their random numbers and the curve is smooth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paths {
    /// Paths per point.
    pub paths: u64,
    /// Seed of every point.
    pub seed: u64,
}

/// Runs `mc.paths` paths of `s` one after another (points run in parallel) and
/// summarises them.
pub fn monte_carlo(
    s: &crate::scenario::Scenario,
    mc: Paths,
) -> Result<McPoint, crate::engine::EngineError> {
    use crate::engine::{Metric, metrics};
    let setup = crate::engine::Setup::single(s)?;
    let n = setup.n_years();
    let mut row = vec![0.0; n * metrics::N_METRICS];
    let count = mc.paths as usize;
    let (mut net, mut lac, mut npv) = (
        Vec::with_capacity(count),
        Vec::with_capacity(count),
        Vec::with_capacity(count),
    );
    let mut hits = 0usize;
    for p in 0..mc.paths {
        let f = crate::engine::runner::run_path(&setup, mc.seed, p, &mut row);
        hits += usize::from(f.break_even >= 0);
        net.push(metrics::at(&row, n - 1, Metric::CumulativeNet));
        lac.push(metrics::at(&row, n - 1, Metric::Lac));
        npv.push(f.npv);
    }
    Ok(McPoint {
        paths: mc.paths,
        break_even_probability: hits as f64 / count.max(1) as f64,
        net_position: Spread::of(&mut net),
        final_lac: Spread::of(&mut lac),
        npv: Spread::of(&mut npv),
    })
}

/// Share of `paths` Monte Carlo paths with a sustained break-even within the horizon.
pub fn break_even_probability(
    s: &crate::scenario::Scenario,
    mc: Paths,
) -> Result<f64, crate::engine::EngineError> {
    monte_carlo(s, mc).map(|m| m.break_even_probability)
}

/// Evaluates grid point `k`, with Monte Carlo paths when `mc` is given.
pub fn evaluate(
    loaded: &Loaded,
    grid: &Grid,
    k: usize,
    mc: Option<Paths>,
) -> Result<Point, Problems> {
    let values = grid.point(k);
    let changes: Vec<(String, Change)> = grid
        .axes
        .iter()
        .zip(&values)
        .map(|(a, v)| (a.field.clone(), Change::Set(*v)))
        .collect();
    let s = loaded.with_changes(&changes)?;
    let monte_carlo = match mc {
        Some(mc) => Some(monte_carlo(&s, mc).map_err(|e| {
            Problems(vec![crate::scenario::Problem {
                file: loaded.path.clone(),
                line: None,
                field: None,
                message: e.to_string(),
            }])
        })?),
        None => None,
    };
    Ok(Point {
        index: k,
        values,
        outcome: super::outcome(&s),
        break_even_probability: monte_carlo.map(|m| m.break_even_probability),
        monte_carlo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_points_come_from_an_integer_index() {
        let a = Axis::parse("growth.rate=0:0.15:0.01").unwrap();
        assert_eq!(a.field, "do_nothing.growth_rate");
        assert_eq!(a.len(), 16);
        assert_eq!(a.value(7), 0.07);
        assert_eq!(a.value(15), 0.15);
        assert_eq!(Axis::parse("x=1:1:1").unwrap().len(), 1);
    }

    #[test]
    fn bad_axes_are_refused() {
        assert!(matches!(
            Axis::parse("x=0:1:0"),
            Err(SweepError::Step { .. })
        ));
        assert!(matches!(
            Axis::parse("x=0:1:-1"),
            Err(SweepError::Step { .. })
        ));
        assert!(matches!(
            Axis::parse("x=2:1:1"),
            Err(SweepError::Order { .. })
        ));
        assert!(matches!(Axis::parse("x=0:1"), Err(SweepError::Syntax(_))));
        assert!(matches!(
            Axis::parse("x=a:1:1"),
            Err(SweepError::Number { .. })
        ));
    }
}
