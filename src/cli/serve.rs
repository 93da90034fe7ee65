//! `lacsim serve`: a page on the user's own machine for people who will not use
//! a terminal, over the same library as the command line, so it shows exactly
//! the figures `lacsim run` prints.
//!
//! The page and its script are compiled into the binary; nothing is fetched
//! from outside. Safe by default: it listens on 127.0.0.1 only, refuses a
//! request whose `Host` or `Origin` is not its own (DNS rebinding, cross-site
//! posts), sends a strict Content-Security-Policy, limits request bodies and
//! Monte Carlo paths, and keeps uploaded scenarios in memory only. Listening
//! elsewhere needs a token that every request must carry.
//!
//! Handlers parse, call the library and render JSON; they compute no figure.

use super::InputError;
use super::export;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use clap::Args;
use lacsim::engine::{self, EngineError, Setup};
use lacsim::report::monte_carlo::McMeta;
use lacsim::report::{self, json::Meta};
use lacsim::results;
use lacsim::scenario::fields::{self, Change};
use lacsim::scenario::{self as sc, Loaded, Problems, builtin};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Most Monte Carlo paths one request may ask for.
pub const MAX_SERVE_PATHS: u64 = 200_000;
/// Most paths × years one run on this page may hold (200,000 paths of the
/// reference plan's 7 years): the results take about 140 bytes a path-year.
pub const MAX_PATH_YEARS: u64 = 1_400_000;

/// The refusal of a run whose results would not fit the page's budget.
fn over_budget(paths: u64, years: usize) -> Option<Response> {
    if paths.saturating_mul(years as u64) > MAX_PATH_YEARS {
        return Some(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "paths: {paths} paths over {years} years is more than this page runs ({MAX_PATH_YEARS} path-years); use fewer paths, or the command line"
            ),
        ));
    }
    None
}

/// Most Monte Carlo runs running at once.
pub const MAX_JOBS: usize = 4;
/// Largest request body, bytes.
pub const MAX_BODY: usize = 1 << 20;
/// Largest upload of SSDA903 returns (a zip), bytes.
pub const MAX_RETURNS: usize = 64 << 20;

/// Arguments of `lacsim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on instead of 127.0.0.1; other machines can then reach
    /// the page, so every request must carry the token.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<IpAddr>,
    /// The token requests must carry (`?token=` or the `x-lacsim-token` header);
    /// generated when --listen is given without one.
    #[arg(long)]
    pub token: Option<String>,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// One Monte Carlo run of the page.
struct Job {
    total: u64,
    done: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
    result: Arc<Mutex<Option<Result<Value, String>>>>,
    /// The browser session (page) that started it, from `x-lacsim-session`.
    session: Option<String>,
    /// When it finished, so a result nobody collects is dropped in time.
    finished_at: Arc<Mutex<Option<std::time::Instant>>>,
}

/// A finished run nobody collects is dropped after this long.
const UNCOLLECTED_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// The page's session id, if it sent one.
fn session_of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get("x-lacsim-session")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map(str::to_string)
}

/// What every handler shares.
pub struct App {
    /// `Host` values accepted, e.g. `127.0.0.1:8080`; empty: any (a server on
    /// every interface, reached by whatever address, where the token guards it).
    hosts: Vec<String>,
    /// The token every request must carry, if any.
    token: Option<String>,
    jobs: Mutex<BTreeMap<u64, Job>>,
    /// Seeds run ids that cannot be guessed from one another.
    ids: std::hash::RandomState,
    next_job: AtomicU64,
    /// Sweeps, tornadoes, downloads and calibrations running at once.
    heavy: tokio::sync::Semaphore,
}

/// Most sweeps, tornadoes, downloads and calibrations running at once.
const MAX_HEAVY: usize = 2;
/// Most finished runs held for their pages to collect.
const MAX_HELD: usize = 16;

impl App {
    /// The state of a server reachable at `hosts`.
    pub fn new(hosts: Vec<String>, token: Option<String>) -> Arc<App> {
        Arc::new(App {
            hosts,
            token,
            jobs: Mutex::new(BTreeMap::new()),
            ids: std::hash::RandomState::new(),
            next_job: AtomicU64::new(1),
            heavy: tokio::sync::Semaphore::new(MAX_HEAVY),
        })
    }

    /// A new run id: unguessable, so one page cannot name another's run.
    fn new_id(&self) -> u64 {
        use std::hash::BuildHasher;
        // Kept below 2^53 so the page's JavaScript numbers hold it exactly.
        self.ids
            .hash_one(self.next_job.fetch_add(1, Ordering::Relaxed))
            >> 11
    }

    /// Takes a slot for a heavy request, if one is free.
    fn heavy(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.heavy.try_acquire().ok()
    }
}

/// The answer when every heavy slot is taken.
fn busy() -> Response {
    refuse(
        StatusCode::TOO_MANY_REQUESTS,
        "the server is busy with other sweeps, downloads or calibrations: try again in a moment",
    )
}

/// The routes, guards and limits.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(script))
        .route("/app.css", get(style))
        .route("/api/scenarios", get(scenarios))
        .route("/api/scenario", post(scenario_form))
        .route("/api/partnership", post(run_partnership))
        .route("/api/run", post(run_deterministic))
        .route("/api/toml", post(download_toml))
        .route("/api/download", post(download_run))
        .route("/api/mc", post(start_monte_carlo))
        .route("/api/compare", post(start_compare))
        .route("/api/sweep", post(run_sweep))
        .route("/api/tornado", post(run_tornado))
        .route(
            "/api/calibrate",
            post(calibrate_upload).layer(DefaultBodyLimit::max(MAX_RETURNS)),
        )
        .route(
            "/api/backtest",
            post(backtest_upload).layer(DefaultBodyLimit::max(MAX_RETURNS)),
        )
        .route(
            "/api/mc/{id}",
            get(poll_monte_carlo).delete(cancel_monte_carlo),
        )
        .route("/api/mc/{id}/cancel", post(cancel_monte_carlo))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

/// Refuses foreign `Host`/`Origin` and missing tokens; adds the security headers.
async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !app.hosts.is_empty() && !app.hosts.iter().any(|h| h == host) {
        return refuse(
            StatusCode::FORBIDDEN,
            &format!("Host `{host}` is not this server's"),
        );
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let ok = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|o| {
                o == host && (app.hosts.is_empty() || app.hosts.iter().any(|h| h == o))
            });
        if !ok {
            return refuse(StatusCode::FORBIDDEN, "cross-site request refused");
        }
    }
    // The page and its script hold no figures; every figure comes through /api/,
    // which needs the token.
    if let Some(token) = app
        .token
        .as_ref()
        .filter(|_| req.uri().path().starts_with("/api/"))
    {
        let given = req
            .headers()
            .get("x-lacsim-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| {
                req.uri().query().and_then(|q| {
                    q.split('&')
                        .find_map(|kv| kv.strip_prefix("token=").map(str::to_string))
                })
            });
        if given.as_deref() != Some(token.as_str()) {
            return refuse(StatusCode::UNAUTHORIZED, "a valid token is required");
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

fn problems(p: &Problems) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({ "error": p.to_string(), "problems": p.0 })),
    )
        .into_response()
}

async fn index() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("serve/index.html"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("serve/app.js"),
    )
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("serve/app.css"),
    )
}

async fn scenarios() -> impl IntoResponse {
    let list: Vec<Value> = builtin::names()
        .iter()
        .filter_map(|n| {
            let l = sc::load(Path::new(n), &builtin::read).ok()?;
            Some(json!({ "name": n, "title": l.scenario.title }))
        })
        .collect();
    let partnerships: Vec<Value> = builtin::partnerships()
        .iter()
        .filter_map(|n| {
            let l = lacsim::partnership::load(Path::new(n), &builtin::read).ok()?;
            Some(json!({ "name": n, "title": l.partnership.name }))
        })
        .collect();
    axum::Json(json!({ "scenarios": list, "partnerships": partnerships }))
}

/// A built-in partnership (`lacsim partnership NAME`) on expected values: its
/// tables, as the command line prints them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnershipRequest {
    /// `builtin:NAME`.
    builtin: String,
}

async fn run_partnership(axum::Json(req): axum::Json<PartnershipRequest>) -> Response {
    use lacsim::report::partnership as rp;
    let loaded = match lacsim::partnership::load(Path::new(&req.builtin), &builtin::read) {
        Ok(l) => l,
        Err(p) => return problems(&p),
    };
    let p = &loaded.partnership;
    let expected = lacsim::partnership::run_expected(p);
    let meta = rp::RunMeta {
        path: loaded.path.clone(),
        hash: loaded.hash.clone(),
        seed: None,
    };
    let report = rp::report(p, &expected, None, &meta);
    let doc = rp::json(p, &expected, None, &meta);
    axum::Json(json!({
        "title": p.name,
        "result": doc,
        "tables_html": tables_html(report.tables.iter()),
        "charts": rp::contributions_svg(&report).ok().map(|svg| vec![json!({ "id": "contributions", "caption": "Contributions by partner", "svg": svg })]).unwrap_or_default(),
    }))
    .into_response()
}

/// Where a scenario comes from: a built-in, or a file the user uploaded (its
/// text, kept in memory for the request only; `extends` may name built-ins).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// `builtin:NAME`.
    builtin: Option<String>,
    /// The text of an uploaded scenario file.
    toml: Option<String>,
    /// Changes to numeric fields: field path -> value.
    #[serde(default)]
    changes: BTreeMap<String, f64>,
    /// Fields multiplied (every year of a line): field path -> factor.
    #[serde(default)]
    scale: BTreeMap<String, f64>,
}

impl Source {
    fn load(&self) -> Result<Loaded, Problems> {
        match (&self.builtin, &self.toml) {
            (Some(name), None) => sc::load(Path::new(name), &builtin::read),
            (None, Some(text)) => {
                let text = text.clone();
                let read = move |p: &Path| -> std::io::Result<String> {
                    if p == Path::new("uploaded.toml") {
                        Ok(text.clone())
                    } else if p.to_string_lossy().starts_with(builtin::PREFIX) {
                        builtin::read(p)
                    } else {
                        Err(std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "an uploaded scenario may extend only built-in scenarios (builtin:NAME)",
                        ))
                    }
                };
                sc::load(Path::new("uploaded.toml"), &read)
            }
            _ => Err(Problems(vec![sc::Problem::file(
                "request",
                "give either `builtin` (a built-in scenario's name) or `toml` (a scenario file's text)",
            )])),
        }
    }

    fn changes(&self) -> Vec<(String, Change)> {
        let set = self
            .changes
            .iter()
            .map(|(k, v)| (k.clone(), Change::Set(*v)));
        let scale = self
            .scale
            .iter()
            .map(|(k, v)| (k.clone(), Change::Scale(*v)));
        set.chain(scale).collect()
    }

    /// The scenario with the form's changes applied, as if read from the edited
    /// file: its inputs, hash and `scenario.toml` are the edited ones.
    fn edited(&self) -> Result<Loaded, Problems> {
        let loaded = self.load()?;
        if self.changes.is_empty() && self.scale.is_empty() {
            return Ok(loaded);
        }
        let text = loaded.changed_toml(&self.changes())?;
        let read = move |_: &Path| -> std::io::Result<String> { Ok(text.clone()) };
        sc::load(Path::new("edited.toml"), &read)
    }

    /// The scenario with the form's changes applied and checked.
    fn resolve(&self) -> Result<(Loaded, sc::Scenario), Problems> {
        let loaded = self.load()?;
        let s = loaded.with_changes(&self.changes())?;
        Ok((loaded, s))
    }
}

/// The key assumptions of the form, grouped as the paper groups them.
fn form_fields(l: &Loaded) -> Vec<Value> {
    let merged = &l.source.merged;
    let mut scaled = Vec::new();
    let mut fields_out = Vec::new();
    let mut push = |group: &str, label: String, field: String| {
        if let Ok(v) = fields::get(merged, &field) {
            fields_out.push(json!({ "group": group, "label": label, "field": field, "value": v, "kind": "set" }));
        }
    };
    push(
        "Growth",
        "Do-nothing growth a year".into(),
        "do_nothing.growth_rate".into(),
    );
    if merged
        .get("stochastic")
        .and_then(|s| s.get("start_total"))
        .is_some()
    {
        push(
            "Opening census",
            "Children on 1 April of the first year".into(),
            "stochastic.start_total".into(),
        );
    }
    for p in lacsim::Placement::ALL {
        push(
            "Unit costs and uplift",
            format!("{} (£ a year)", p.label()),
            format!("unit_costs.yearly.{}", p.key()),
        );
    }
    push(
        "Unit costs and uplift",
        "Uplift a year".into(),
        "unit_costs.uplift".into(),
    );
    if l.scenario.plan.is_some() {
        push(
            "Plan",
            "Share of the first year's drop saved".into(),
            "plan.first_year_share".into(),
        );
        for (i, g) in l.scenario.investment.iter().enumerate() {
            for (j, line) in g.lines.iter().enumerate() {
                // A line's years differ, so the form scales them all at once.
                let total: f64 = line.amounts.iter().sum();
                scaled.push(json!({
                    "group": "Investment lines (× the planned amounts)",
                    "label": format!("{} (£{}k in all)", line.name, lacsim::report::table::group_thousands(total, 0)),
                    "field": format!("investment[{i}].lines[{j}].amounts"),
                    "value": 1.0,
                    "kind": "scale",
                }));
            }
        }
        // Each intervention's most likely effect, delay and ramp (what the plan's
        // evidence sets); the validator checks each against its distribution.
        if let Some(st) = &l.scenario.stochastic {
            for (i, iv) in st.interventions.iter().enumerate() {
                let base = format!("stochastic.interventions[{i}]");
                let effects = merged
                    .get("stochastic")
                    .and_then(|s| s.get("interventions"))
                    .and_then(|a| a.get(i))
                    .and_then(|t| t.get("effects"))
                    .and_then(|e| e.as_table());
                for key in effects
                    .map(|e| e.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    for (part, what) in [("mode", "most likely"), ("value", "fixed")] {
                        push(
                            "Interventions",
                            format!("{}: effect on {} ({what})", iv.id, key.replace('_', " ")),
                            format!("{base}.effects.{key}.{part}"),
                        );
                    }
                }
                push(
                    "Interventions",
                    format!("{}: months to full strength", iv.id),
                    format!("{base}.ramp_months"),
                );
                push(
                    "Interventions",
                    format!("{}: longest delay (months)", iv.id),
                    format!("{base}.delay_months.max"),
                );
            }
        }
        push(
            "Optimism bias",
            "Investment uplift".into(),
            "optimism_bias.investment".into(),
        );
        push(
            "Optimism bias",
            "Savings shortfall".into(),
            "optimism_bias.savings".into(),
        );
        push(
            "Optimism bias",
            "Savings delay (months)".into(),
            "optimism_bias.delay_months".into(),
        );
    }
    // The investment lines sit with the plan, before optimism bias.
    let at = fields_out
        .iter()
        .position(|f| f["group"] == "Optimism bias")
        .unwrap_or(fields_out.len());
    fields_out.splice(at..at, scaled);
    fields_out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Tables as HTML, each under its title (the table renders its own notes).
fn tables_html<'a>(tables: impl Iterator<Item = &'a lacsim::report::table::Table>) -> Vec<String> {
    tables
        .map(|t| format!("<h3>{}</h3>{}", esc(&t.title), report::html::table(t)))
        .collect()
}

async fn scenario_form(axum::Json(src): axum::Json<Source>) -> Response {
    match src.load() {
        Ok(l) => axum::Json(json!({
            "title": l.scenario.title,
            "authority": l.scenario.authority,
            "fields": form_fields(&l),
        }))
        .into_response(),
        Err(p) => problems(&p),
    }
}

/// The deterministic model: the same JSON as `lacsim run --format json`, plus
/// the paper-shaped tables as HTML.
async fn run_deterministic(axum::Json(src): axum::Json<Source>) -> Response {
    let (loaded, s) = match src.resolve() {
        Ok(x) => x,
        Err(p) => return problems(&p),
    };
    let r = results::run(&s);
    let meta = Meta {
        scenario_path: loaded.path.clone(),
        scenario_hash: loaded.hash.clone(),
    };
    let doc = report::json::deterministic(&s, &r, &meta);
    let tables = tables_html(report::tables::all(&s, &r).iter());
    // The charts of report.html, drawn from the edited scenario.
    let charts = match src.edited() {
        Ok(edited) => charts_json(&report::data::deterministic(&edited, &r)),
        Err(_) => Vec::new(),
    };
    axum::Json(json!({ "result": doc, "tables_html": tables, "charts": charts })).into_response()
}

/// A report's charts, as the page shows them: caption and SVG.
fn charts_json(d: &report::data::ReportData) -> Vec<Value> {
    report::figures::all(d)
        .into_iter()
        .map(|f| json!({ "id": f.id, "caption": f.caption, "svg": f.svg }))
        .collect()
}

async fn download_toml(axum::Json(src): axum::Json<Source>) -> Response {
    let loaded = match src.load() {
        Ok(l) => l,
        Err(p) => return problems(&p),
    };
    match loaded.changed_toml(&src.changes()) {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"scenario.toml\"",
                ),
            ],
            text,
        )
            .into_response(),
        Err(p) => problems(&p),
    }
}

/// A download: what `--out` would write, one file or the whole folder zipped.
#[derive(Debug, Deserialize)]
pub struct DownloadRequest {
    #[serde(flatten)]
    source: Source,
    /// `html`, `xlsx`, `csv` (the tidy results) or `zip` (the whole folder).
    format: String,
    /// Monte Carlo paths (none: the deterministic model).
    paths: Option<u64>,
    #[serde(default = "default_seed")]
    seed: u64,
}

async fn download_run(
    State(app): State<Arc<App>>,
    axum::Json(req): axum::Json<DownloadRequest>,
) -> Response {
    let Some(_slot) = app.heavy() else {
        return busy();
    };
    let (name, kind) = match req.format.as_str() {
        "html" => ("report.html", "text/html; charset=utf-8"),
        "xlsx" => (
            "report.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "csv" => ("results.csv", "text/csv; charset=utf-8"),
        "zip" => ("lacsim-run.zip", "application/zip"),
        other => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("format: `{other}` is not one of html, xlsx, csv, zip"),
            );
        }
    };
    if let Some(p) = req.paths
        && (p == 0 || p > MAX_SERVE_PATHS)
    {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("paths: must be between 1 and {MAX_SERVE_PATHS}, got {p}"),
        );
    }
    let loaded = match req.source.edited() {
        Ok(l) => l,
        Err(p) => return problems(&p),
    };
    if let Some(r) = req
        .paths
        .and_then(|p| over_budget(p, loaded.scenario.n_years()))
    {
        return r;
    }
    let (paths, seed) = (req.paths, req.seed);
    let made = tokio::task::spawn_blocking(move || run_files(&loaded, paths, seed)).await;
    let files = match made {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "the run failed"),
    };
    let bytes = if name == "lacsim-run.zip" {
        match files.zip() {
            Ok(b) => b,
            Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        }
    } else {
        files.get(name).map(<[u8]>::to_vec).unwrap_or_default()
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The files `lacsim run [--paths N] --out` writes for this scenario.
fn run_files(loaded: &Loaded, paths: Option<u64>, seed: u64) -> anyhow::Result<export::Files> {
    let now = super::output::unix_time();
    let Some(paths) = paths else {
        return export::deterministic_run(loaded, now);
    };
    let s = &loaded.scenario;
    let setup = Setup::single(s).map_err(|e| InputError(e.to_string()))?;
    let mc = engine::run(&setup, paths, seed, &|| {}).map_err(|e| InputError(e.to_string()))?;
    let summary = engine::summarise(&mc);
    let meta = McMeta {
        scenario_path: loaded.path.clone(),
        scenario_hash: loaded.hash.clone(),
        do_nothing: None,
        deterministic_break_even: super::monte_carlo::deterministic_break_even(s),
    };
    let run = export::McRun {
        loaded,
        mc: &mc,
        summary: &summary,
        meta: &meta,
        command: "run",
        comparator: None,
    };
    export::monte_carlo_run(&run, now)
}

/// A Monte Carlo request: the scenario, paths and seed.
#[derive(Debug, Deserialize)]
pub struct McRequest {
    #[serde(flatten)]
    source: Source,
    paths: u64,
    #[serde(default = "default_seed")]
    seed: u64,
}

fn default_seed() -> u64 {
    engine::DEFAULT_SEED
}

async fn start_monte_carlo(
    State(app): State<Arc<App>>,
    headers: axum::http::HeaderMap,
    axum::Json(req): axum::Json<McRequest>,
) -> Response {
    if req.paths == 0 || req.paths > MAX_SERVE_PATHS {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "paths: must be between 1 and {MAX_SERVE_PATHS} on this page (the command line allows more), got {}",
                req.paths
            ),
        );
    }
    let loaded = match req.source.edited() {
        Ok(x) => x,
        Err(p) => return problems(&p),
    };
    let s = loaded.scenario.clone();
    if let Err(e) = Setup::single(&s) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string());
    }
    if let Some(r) = over_budget(req.paths, s.n_years()) {
        return r;
    }
    let (paths, seed) = (req.paths, req.seed);
    spawn_job(&app, session_of(&headers), paths, move |done, cancel| {
        monte_carlo(&loaded, &s, paths, seed, done, cancel)
    })
}

/// Starts `work` on the blocking pool as run `id`, unless too many are held.
fn spawn_job(
    app: &Arc<App>,
    session: Option<String>,
    total: u64,
    work: impl FnOnce(&AtomicU64, &AtomicBool) -> Result<Value, String> + Send + 'static,
) -> Response {
    let job = Job {
        total,
        done: Arc::new(AtomicU64::new(0)),
        cancel: Arc::new(AtomicBool::new(false)),
        result: Arc::new(Mutex::new(None)),
        session,
        finished_at: Arc::new(Mutex::new(None)),
    };
    let (done, cancel, result) = (job.done.clone(), job.cancel.clone(), job.result.clone());
    let finished_at = job.finished_at.clone();
    let id = {
        let mut jobs = app.jobs.lock().unwrap_or_else(|e| e.into_inner());
        // Results nobody came back for are dropped, so they cannot fill the queue.
        jobs.retain(|_, j| {
            j.finished_at
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_none_or(|t| t.elapsed() < UNCOLLECTED_TTL)
        });
        if job.session.is_none() {
            return refuse(
                StatusCode::BAD_REQUEST,
                "a Monte Carlo run needs the page's x-lacsim-session header",
            );
        }
        let running = |j: &Job| j.result.lock().unwrap_or_else(|e| e.into_inner()).is_none();
        if jobs
            .values()
            .any(|j| j.session == job.session && running(j))
        {
            return refuse(
                StatusCode::CONFLICT,
                "this page already has a Monte Carlo run going: wait for it to finish or cancel it",
            );
        }
        if jobs.values().filter(|j| running(j)).count() >= MAX_JOBS
            || jobs.len() >= MAX_JOBS + MAX_HELD
        {
            return refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "too many Monte Carlo runs at once: wait for one to finish or cancel it",
            );
        }
        let id = app.new_id();
        jobs.insert(id, job);
        id
    };
    tokio::task::spawn_blocking(move || {
        let out = work(&done, &cancel);
        *result.lock().unwrap_or_else(|e| e.into_inner()) = Some(out);
        *finished_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::time::Instant::now());
    });
    (StatusCode::ACCEPTED, axum::Json(json!({ "job": id }))).into_response()
}

/// Two scenarios on common random numbers: `lacsim compare`.
#[derive(Debug, Deserialize)]
pub struct CompareRequest {
    /// The comparator (do nothing).
    comparator: Source,
    /// The invest scenario.
    invest: Source,
    paths: u64,
    #[serde(default = "default_seed")]
    seed: u64,
}

async fn start_compare(
    State(app): State<Arc<App>>,
    headers: axum::http::HeaderMap,
    axum::Json(req): axum::Json<CompareRequest>,
) -> Response {
    if req.paths == 0 || req.paths > MAX_SERVE_PATHS {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "paths: must be between 1 and {MAX_SERVE_PATHS}, got {}",
                req.paths
            ),
        );
    }
    let (dn, inv) = match (req.comparator.edited(), req.invest.edited()) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(p), _) | (_, Err(p)) => return problems(&p),
    };
    if let Err(e) = engine::census::check(&dn, &inv) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e);
    }
    if let Err(e) = Setup::paired(&dn.scenario, &inv.scenario) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string());
    }
    if let Some(r) = over_budget(req.paths, inv.scenario.n_years()) {
        return r;
    }
    let (paths, seed) = (req.paths, req.seed);
    spawn_job(&app, session_of(&headers), paths, move |done, cancel| {
        let setup = Setup::paired(&dn.scenario, &inv.scenario).map_err(|e| e.to_string())?;
        let progress = || {
            done.fetch_add(1, Ordering::Relaxed);
        };
        let mc =
            engine::run_cancellable(&setup, paths, seed, &progress, cancel).map_err(
                |e| match e {
                    EngineError::Cancelled => "cancelled".to_string(),
                    other => other.to_string(),
                },
            )?;
        let sum = engine::summarise(&mc);
        let s = &inv.scenario;
        let meta = McMeta {
            scenario_path: inv.path.clone(),
            scenario_hash: inv.hash.clone(),
            do_nothing: Some((dn.scenario.title.clone(), dn.path.clone())),
            deterministic_break_even: super::monte_carlo::deterministic_break_even(s),
        };
        Ok(mc_output(s, &sum, &meta))
    })
}

/// A sweep of one or two fields (`lacsim sweep`).
#[derive(Debug, Deserialize)]
pub struct SweepRequest {
    #[serde(flatten)]
    source: Source,
    /// `PATH=START:STOP:STEP`, once or twice.
    vary: Vec<String>,
    /// Monte Carlo paths a point (none: the deterministic model only).
    paths: Option<u64>,
    #[serde(default = "default_seed")]
    seed: u64,
}

/// Most grid points, and most paths over all points, one page request may run.
const MAX_SWEEP_POINTS: usize = 400;

async fn run_sweep(
    State(app): State<Arc<App>>,
    axum::Json(req): axum::Json<SweepRequest>,
) -> Response {
    let Some(_slot) = app.heavy() else {
        return busy();
    };
    use lacsim::sensitivity::sweep::{self, Axis, Grid};
    let loaded = match req.source.edited() {
        Ok(l) => l,
        Err(p) => return problems(&p),
    };
    let axes = match req
        .vary
        .iter()
        .map(|v| Axis::parse(v))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(a) if !a.is_empty() && a.len() <= 2 => a,
        Ok(_) => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "vary: give one or two fields",
            );
        }
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    let grid = match Grid::new(&loaded, axes, false) {
        Ok(g) if g.len() <= MAX_SWEEP_POINTS => g,
        Ok(g) => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!(
                    "the grid has {} points; this page runs at most {MAX_SWEEP_POINTS}",
                    g.len()
                ),
            );
        }
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
    };
    if let Some(p) = req.paths
        && (p == 0 || p.saturating_mul(grid.len() as u64) > MAX_SERVE_PATHS)
    {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "paths: at most {MAX_SERVE_PATHS} over the whole grid ({} points)",
                grid.len()
            ),
        );
    }
    let mc = req.paths.map(|paths| sweep::Paths {
        paths,
        seed: req.seed,
    });
    let made = tokio::task::spawn_blocking(move || {
        let points = (0..grid.len())
            .map(|k| sweep::evaluate(&loaded, &grid, k, mc))
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<_, Problems>((grid, points))
    })
    .await;
    let (grid, points) = match made {
        Ok(Ok(x)) => x,
        Ok(Err(p)) => return problems(&p),
        Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "the sweep failed"),
    };
    let head = super::sweep::header(&grid, mc.is_some());
    let rows: Vec<Vec<String>> = points.iter().map(super::sweep::record).collect();
    let svg = super::sweep::chart(&grid, &points).unwrap_or_default();
    axum::Json(json!({ "header": head, "rows": rows, "points": points, "svg": svg }))
        .into_response()
}

/// The tornado and its switching values (`lacsim tornado`).
async fn run_tornado(State(app): State<Arc<App>>, axum::Json(src): axum::Json<Source>) -> Response {
    let Some(_slot) = app.heavy() else {
        return busy();
    };
    use lacsim::sensitivity::tornado::{self, key_assumptions};
    let loaded = match src.edited() {
        Ok(l) => l,
        Err(p) => return problems(&p),
    };
    if loaded.scenario.plan.is_none() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the tornado needs a plan scenario (one with a [plan] section)",
        );
    }
    let made = tokio::task::spawn_blocking(move || {
        let t = tornado::tornado(&loaded, key_assumptions(&loaded))?;
        Ok::<_, Problems>((loaded.scenario.title.clone(), t))
    })
    .await;
    let (title, t) = match made {
        Ok(Ok(x)) => x,
        Ok(Err(p)) => return problems(&p),
        Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "the tornado failed"),
    };
    let data = report::data::tornado_data(&t);
    let svg =
        lacsim::report::charts::tornado(&format!("Tornado: {title}"), &data).unwrap_or_default();
    axum::Json(json!({ "tornado": data, "bars": t.bars, "svg": svg })).into_response()
}

/// The run itself: the same JSON as `lacsim run --paths N --format json`.
fn monte_carlo(
    loaded: &Loaded,
    s: &sc::Scenario,
    paths: u64,
    seed: u64,
    done: &AtomicU64,
    cancel: &AtomicBool,
) -> Result<Value, String> {
    let setup = Setup::single(s).map_err(|e| e.to_string())?;
    let progress = || {
        done.fetch_add(1, Ordering::Relaxed);
    };
    let mc =
        engine::run_cancellable(&setup, paths, seed, &progress, cancel).map_err(|e| match e {
            EngineError::Cancelled => "cancelled".to_string(),
            other => other.to_string(),
        })?;
    let sum = engine::summarise(&mc);
    let meta = McMeta {
        scenario_path: loaded.path.clone(),
        scenario_hash: loaded.hash.clone(),
        do_nothing: None,
        deterministic_break_even: super::monte_carlo::deterministic_break_even(s),
    };
    let mut out = mc_output(s, &sum, &meta);
    let data = report::data::monte_carlo(loaded, &results::run(s), &sum, &meta);
    out["charts"] = json!(charts_json(&data));
    Ok(out)
}

/// The JSON of `run --paths N --format json` (or `compare`), with its tables as HTML.
fn mc_output(s: &sc::Scenario, sum: &engine::Summary, meta: &McMeta) -> Value {
    let doc = report::monte_carlo::json(s, sum, meta);
    let probability = sum
        .npv
        .is_some()
        .then(|| report::monte_carlo::probability_table(s, sum, meta));
    let fans = report::monte_carlo::fan_tables(s, sum, meta);
    let tables = tables_html(probability.iter().chain(fans.iter()));
    json!({ "result": doc, "tables_html": tables })
}

async fn poll_monte_carlo(
    State(app): State<Arc<App>>,
    headers: axum::http::HeaderMap,
    UrlPath(id): UrlPath<u64>,
) -> Response {
    let mut jobs = app.jobs.lock().unwrap_or_else(|e| e.into_inner());
    // Only the page that started a run may see or collect it.
    let Some(job) = jobs.get(&id).filter(|j| j.session == session_of(&headers)) else {
        return refuse(StatusCode::NOT_FOUND, "no such run (or it was cancelled)");
    };
    let done = job.done.load(Ordering::Relaxed);
    let finished = job.result.lock().unwrap_or_else(|e| e.into_inner()).take();
    let total = job.total;
    match finished {
        None => {
            axum::Json(json!({ "state": "running", "done": done, "total": total })).into_response()
        }
        Some(out) => {
            // Collected once: the run's memory goes with it.
            jobs.remove(&id);
            match out {
                Ok(v) => axum::Json(
                    json!({ "state": "finished", "done": total, "total": total, "output": v }),
                )
                .into_response(),
                Err(e) if e == "cancelled" => {
                    axum::Json(json!({ "state": "cancelled", "done": done, "total": total }))
                        .into_response()
                }
                Err(e) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
            }
        }
    }
}

async fn cancel_monte_carlo(
    State(app): State<Arc<App>>,
    headers: axum::http::HeaderMap,
    axum::extract::Query(q): axum::extract::Query<BTreeMap<String, String>>,
    UrlPath(id): UrlPath<u64>,
) -> Response {
    // The page's closing beacon cannot set headers, so it names its session in the query.
    let session = session_of(&headers).or_else(|| q.get("session").cloned());
    let jobs = app.jobs.lock().unwrap_or_else(|e| e.into_inner());
    match jobs.get(&id).filter(|j| j.session == session) {
        Some(job) => {
            job.cancel.store(true, Ordering::Relaxed);
            axum::Json(json!({ "state": "cancelling" })).into_response()
        }
        None => refuse(StatusCode::NOT_FOUND, "no such run"),
    }
}

/// How to fit an uploaded zip of returns.
#[derive(Debug, Deserialize)]
pub struct CalibrateQuery {
    /// Council name for the written scenario.
    #[serde(default = "default_authority")]
    authority: String,
    /// First collection year fitted (any form `lacsim calibrate --from` takes).
    from: Option<String>,
    /// Last collection year fitted.
    to: Option<String>,
    /// Years forecast.
    #[serde(default = "default_horizon")]
    horizon: usize,
    /// The token, when the server needs one (checked by the guard).
    #[allow(dead_code)]
    token: Option<String>,
}

fn default_authority() -> String {
    "Calibrated authority".into()
}

fn default_horizon() -> usize {
    5
}

/// `lacsim calibrate` on a zip of returns uploaded as the request body. The
/// returns are personal data: they stay in this request's memory, are never
/// written to disk or logged, and are dropped when the answer is sent.
async fn calibrate_upload(
    State(app): State<Arc<App>>,
    axum::extract::Query(q): axum::extract::Query<CalibrateQuery>,
    body: axum::body::Bytes,
) -> Response {
    let Some(_slot) = app.heavy() else {
        return busy();
    };
    if q.horizon == 0 || q.horizon > 50 {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("horizon: must be between 1 and 50 years, got {}", q.horizon),
        );
    }
    let year = |v: &Option<String>, flag: &str| -> Result<Option<FinancialYearArg>, String> {
        v.as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| super::calibrate::year_or_date(t).map_err(|e| format!("{flag}: {e}")))
            .transpose()
    };
    let (from, to) = match (year(&q.from, "from"), year(&q.to, "to")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    let made = tokio::task::spawn_blocking(move || calibrate_in_memory(&body, &q, from, to)).await;
    match made {
        Ok(Ok(v)) => axum::Json(v).into_response(),
        Ok(Err(e)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &format!("{e:#}")),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the calibration failed"),
    }
}

type FinancialYearArg = super::calibrate::YearArg;

/// Reads, fits and writes the scenario, as `lacsim calibrate` does; returns the
/// estimates, the rejected rows and the scenario text (checked to load).
fn calibrate_in_memory(
    zip: &[u8],
    q: &CalibrateQuery,
    from: Option<FinancialYearArg>,
    to: Option<FinancialYearArg>,
) -> anyhow::Result<Value> {
    let mut said = Vec::new();
    let data =
        super::returns::load_zip_bytes("upload.zip", zip, false, &mut |line| said.push(line))?;
    let (first, last) = data.report.years.ok_or_else(|| {
        InputError("upload.zip: the returns hold no usable collection years".into())
    })?;
    let from_year = from.as_ref().map_or(first, |y| y.year);
    let to_year = to.as_ref().map_or(last, |y| y.year);
    if from_year > to_year || from_year < first || to_year > last {
        return Err(InputError(format!(
            "from {from_year} to {to_year}: the data covers {first} to {last}"
        ))
        .into());
    }
    said.extend(from.and_then(|y| y.note("from")));
    said.extend(to.and_then(|y| y.note("to")));
    let target = lacsim::calibrate::Target {
        authority: &q.authority,
        source: "returns uploaded to lacsim serve",
        first_year: to_year.plus(1),
        years: q.horizon,
        costs: None,
        bands: None,
        uasc: None,
    };
    let (est, text) = super::calibrate::fitted_scenario(&data, from_year, to_year, &target)?;
    sc::load(Path::new("calibrated.toml"), &|_: &Path| Ok(text.clone())).map_err(|e| {
        anyhow::anyhow!("the calibrated scenario does not validate (a lacsim bug): {e}")
    })?;
    let mut estimates = serde_json::to_value(&est)?;
    if let Some(m) = estimates.as_object_mut() {
        m.insert("uasc".into(), super::calibrate::uasc_json(&data));
    }
    let rejected = data.report.rejections.len();
    Ok(json!({
        "messages": said,
        "estimates": estimates,
        "rejected_count": rejected,
        "rejected_csv": data.report.rejected_csv(),
        "scenario_toml": text,
    }))
}

/// How to backtest an uploaded zip of returns.
#[derive(Debug, Deserialize)]
pub struct BacktestQuery {
    /// The last collection year fitted (any form `lacsim backtest --fit-to` takes).
    fit_to: String,
    /// Monte Carlo paths.
    #[serde(default = "default_backtest_paths")]
    paths: u64,
    #[serde(default = "default_seed")]
    seed: u64,
    /// The token, when the server needs one (checked by the guard).
    #[allow(dead_code)]
    token: Option<String>,
}

fn default_backtest_paths() -> u64 {
    2000
}

/// `lacsim backtest` on a zip of returns uploaded as the request body: fit up
/// to one year, forecast the later ones, score against what happened. The
/// returns stay in this request's memory only.
async fn backtest_upload(
    State(app): State<Arc<App>>,
    axum::extract::Query(q): axum::extract::Query<BacktestQuery>,
    body: axum::body::Bytes,
) -> Response {
    let Some(_slot) = app.heavy() else {
        return busy();
    };
    let fit_to = match super::calibrate::year_or_date(&q.fit_to) {
        Ok(y) => y.year,
        Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &format!("fit_to: {e}")),
    };
    if q.paths == 0 || q.paths > MAX_SERVE_PATHS / 10 {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "paths: must be between 1 and {} on this page, got {}",
                MAX_SERVE_PATHS / 10,
                q.paths
            ),
        );
    }
    let (paths, seed) = (q.paths, q.seed);
    let made = tokio::task::spawn_blocking(move || -> anyhow::Result<Value> {
        let mut said = Vec::new();
        let data =
            super::returns::load_zip_bytes("upload.zip", &body, false, &mut |l| said.push(l))?;
        let run = |setup: &Setup| -> anyhow::Result<engine::MonteCarlo> {
            Ok(engine::run(setup, paths, seed, &|| {})?)
        };
        let (bt, _) = super::backtest::fit_and_score(
            &data,
            fit_to,
            lacsim::window::Window::All,
            "upload.zip",
            &run,
        )?;
        let (doc, summary, svg) = super::backtest::rendered(&bt, paths, seed, fit_to);
        Ok(json!({ "messages": said, "result": doc, "summary": summary, "svg": svg }))
    })
    .await;
    match made {
        Ok(Ok(v)) => axum::Json(v).into_response(),
        Ok(Err(e)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &format!("{e:#}")),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the backtest failed"),
    }
}

/// A token for `--listen` without one: 128 bits from the OS's hasher keys and the clock.
fn generated_token() -> String {
    use std::hash::{BuildHasher, RandomState};
    let a = RandomState::new().hash_one(super::output::unix_time());
    let b = RandomState::new().hash_one(std::process::id());
    format!("{a:016x}{b:016x}")
}

/// Runs the command: listens until Ctrl-C.
pub fn run(a: ServeArgs) -> anyhow::Result<()> {
    let ip = a.listen.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let token = match (&a.listen, a.token) {
        (Some(addr), None) if !addr.is_loopback() => Some(generated_token()),
        (_, t) => t,
    };
    if let Some(addr) = a.listen
        && !addr.is_loopback()
    {
        eprintln!(
            "warning: listening on {addr}: other machines on the network can reach this page; every request must carry the token"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, a.port))
            .await
            .map_err(|e| InputError(format!("--port {}: cannot listen on {ip}: {e}", a.port)))?;
        let addr = listener.local_addr()?;
        let port = addr.port();
        // SocketAddr writes IPv6 in brackets, as browsers send it in Host. On
        // every interface the page is reached by any of the machine's
        // addresses: the token guards it, not the Host.
        let hosts = if ip.is_unspecified() {
            Vec::new()
        } else {
            let mut h = vec![addr.to_string(), format!("localhost:{port}")];
            if ip.is_loopback() {
                h.push(format!("127.0.0.1:{port}"));
                h.push(format!("[::1]:{port}"));
            }
            h
        };
        let app = App::new(hosts, token.clone());
        let url = match &token {
            Some(t) => format!("http://{addr}/?token={t}"),
            None => format!("http://{addr}/"),
        };
        println!("lacsim is serving {url} (Ctrl-C to stop)");
        if a.open {
            let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
        }
        axum::serve(listener, router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        anyhow::Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use tower::ServiceExt;

    const HOST: &str = "127.0.0.1:8080";

    fn app() -> Router {
        router(App::new(vec![HOST.into()], None))
    }

    async fn send(r: Router, req: HttpRequest<Body>) -> (StatusCode, Value) {
        let res = r.oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// The session of the test's page.
    const SESSION: &str = "test-page";

    fn post(path: &str, body: Value) -> HttpRequest<Body> {
        HttpRequest::post(path)
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-lacsim-session", SESSION)
            .body(Body::from(body.to_string()))
            .unwrap()
    }

    fn get_as(path: String, session: &str) -> HttpRequest<Body> {
        HttpRequest::get(path)
            .header(header::HOST, HOST)
            .header("x-lacsim-session", session)
            .body(Body::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn a_foreign_host_or_origin_is_refused() {
        let req = HttpRequest::get("/api/scenarios")
            .header(header::HOST, "evil.example:8080")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(app(), req).await.0, StatusCode::FORBIDDEN);
        let mut req = post(
            "/api/run",
            json!({"builtin": "builtin:staffordshire-2019/investment-plan.toml"}),
        );
        req.headers_mut().insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert_eq!(send(app(), req).await.0, StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn every_page_carries_a_strict_content_security_policy() {
        let req = HttpRequest::get("/")
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        let res = app().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
    }

    #[tokio::test]
    async fn a_token_is_required_when_one_is_set() {
        let r = router(App::new(vec![HOST.into()], Some("s3cret".into())));
        let req = HttpRequest::get("/api/scenarios")
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(r.clone(), req).await.0, StatusCode::UNAUTHORIZED);
        let req = HttpRequest::get("/api/scenarios?token=s3cret")
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(r, req).await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn an_oversize_body_is_refused() {
        let big = "x".repeat(MAX_BODY + 10);
        let (status, _) = send(app(), post("/api/run", json!({ "toml": big }))).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn the_page_gives_the_same_table_3_as_the_command_line_and_moves_with_an_edit() {
        let plan = "builtin:staffordshire-2019/investment-plan.toml";
        let (status, v) = send(app(), post("/api/run", json!({ "builtin": plan }))).await;
        assert_eq!(status, StatusCode::OK);
        let impact: Vec<f64> =
            serde_json::from_value(v["result"]["plan"]["mtfs_impact"].clone()).unwrap();
        assert_eq!(impact[4].round(), -1315.0);
        assert_eq!(v["result"]["plan"]["break_even_year"], "2023/24");
        assert!(v["tables_html"][0].as_str().unwrap().contains("<table"));
        // The same edit as a sweep point: IFA at £50,000.
        let (_, dear) = send(
            app(),
            post(
                "/api/run",
                json!({ "builtin": plan, "changes": { "unit_costs.yearly.ifa": 50000.0 } }),
            ),
        )
        .await;
        let l = sc::load(Path::new(plan), &builtin::read).unwrap();
        let s = l
            .with_changes(&[("unit_costs.yearly.ifa".into(), Change::Set(50000.0))])
            .unwrap();
        let want = results::run(&s).plan.unwrap().mtfs_impact;
        let got: Vec<f64> =
            serde_json::from_value(dear["result"]["plan"]["mtfs_impact"].clone()).unwrap();
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-3);
        }
        assert_eq!(dear["result"]["plan"]["break_even_year"], "2024/25");
    }

    #[tokio::test]
    async fn a_broken_edit_gets_the_validators_message_and_a_4xx() {
        let (status, v) = send(
            app(),
            post(
                "/api/run",
                json!({ "builtin": "builtin:staffordshire-2019/investment-plan.toml", "changes": { "do_nothing.growth_rate": 7.0 } }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["problems"][0]["field"], "do_nothing.growth_rate");
        let (status, v) = send(
            app(),
            post("/api/run", json!({ "toml": "[years]\nfirst = 2019" })),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"].as_str().unwrap().contains("uploaded.toml"));
        let (status, _) = send(
            app(),
            post("/api/mc", json!({ "builtin": "builtin:staffordshire-2019/investment-plan.toml", "paths": 1_000_000_000u64 })),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[tokio::test]
    async fn an_investment_line_is_scaled_over_all_its_years() {
        let plan = "builtin:staffordshire-2019/investment-plan.toml";
        let (_, base) = send(app(), post("/api/run", json!({ "builtin": plan }))).await;
        let (status, half) = send(
            app(),
            post(
                "/api/run",
                json!({ "builtin": plan, "scale": { "investment[0].lines[0].amounts": 0.5 } }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let total = |v: &Value| -> Vec<f64> {
            serde_json::from_value(v["result"]["plan"]["investment_total"].clone()).unwrap()
        };
        // Family Group Conferencing: 128, 510, ... halved in every year.
        let fgc = [128.0, 510.0, 510.0, 510.0, 510.0, 510.0, 510.0];
        for (t, f) in fgc.iter().enumerate() {
            assert!((total(&base)[t] - total(&half)[t] - f / 2.0).abs() < 1e-9);
        }
    }

    #[tokio::test]
    async fn downloads_are_what_out_writes_for_the_edited_scenario() {
        let plan = "builtin:staffordshire-2019/investment-plan.toml";
        let changes = json!({ "unit_costs.yearly.ifa": 45000.0 });
        let get = |format: &str| {
            app().oneshot(post(
                "/api/download",
                json!({ "builtin": plan, "changes": changes, "format": format }),
            ))
        };
        let bytes = |res: Response| async {
            axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec()
        };
        let res = get("zip").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let zipped = bytes(res).await;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
        let names: Vec<String> = (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        for want in [
            "report.html",
            "report.xlsx",
            "results.json",
            "scenario.toml",
            "run.json",
            "table3.csv",
        ] {
            assert!(
                names.iter().any(|n| n == want),
                "{want} missing from {names:?}"
            );
        }
        // The folder is the edited scenario's: its results are the edit's figures.
        let mut text = String::new();
        std::io::Read::read_to_string(&mut z.by_name("results.json").unwrap(), &mut text).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let (_, page) = send(
            app(),
            post("/api/run", json!({ "builtin": plan, "changes": changes })),
        )
        .await;
        assert_eq!(
            doc["plan"]["mtfs_impact"],
            page["result"]["plan"]["mtfs_impact"]
        );
        // One file alone is the folder's file: the same sheets, cell for cell
        // (the workbooks differ only in the creation time they record).
        let xlsx = bytes(get("xlsx").await.unwrap()).await;
        let mut inside = Vec::new();
        std::io::Read::read_to_end(&mut z.by_name("report.xlsx").unwrap(), &mut inside).unwrap();
        let sheets = |b: Vec<u8>| -> Vec<(String, Vec<u8>)> {
            let mut w = zip::ZipArchive::new(std::io::Cursor::new(b)).unwrap();
            (0..w.len())
                .filter_map(|i| {
                    let mut f = w.by_index(i).unwrap();
                    let name = f.name().unwrap().to_string();
                    name.starts_with("xl/worksheets/").then(|| {
                        let mut v = Vec::new();
                        std::io::Read::read_to_end(&mut f, &mut v).unwrap();
                        (name, v)
                    })
                })
                .collect()
        };
        let (alone, folder) = (sheets(xlsx), sheets(inside));
        assert!(!alone.is_empty());
        assert_eq!(alone, folder);
        assert_eq!(
            get("pdf").await.unwrap().status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }

    async fn finished(r: &Router, id: u64) -> Value {
        finished_as(r, id, SESSION).await
    }

    async fn finished_as(r: &Router, id: u64, session: &str) -> Value {
        loop {
            let (status, v) = send(r.clone(), get_as(format!("/api/mc/{id}"), session)).await;
            assert_eq!(status, StatusCode::OK, "{v}");
            if v["state"] != "running" {
                return v;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn compare_on_the_page_is_the_command_lines_compare() {
        let r = app();
        let dn = json!({ "builtin": "builtin:staffordshire-2019/do-nothing-11.toml" });
        let plan = json!({ "builtin": "builtin:staffordshire-2019/investment-plan.toml" });
        let (status, v) = send(
            r.clone(),
            post(
                "/api/compare",
                json!({ "comparator": dn, "invest": plan, "paths": 100, "seed": 3 }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let out = finished(&r, v["job"].as_u64().unwrap()).await;
        let load = |n: &str| sc::load(Path::new(n), &builtin::read).unwrap().scenario;
        let (d, p) = (
            load("builtin:staffordshire-2019/do-nothing-11.toml"),
            load("builtin:staffordshire-2019/investment-plan.toml"),
        );
        let mc = engine::run(&Setup::paired(&d, &p).unwrap(), 100, 3, &|| {}).unwrap();
        let npv = engine::summarise(&mc).npv.unwrap().mean;
        assert_eq!(
            out["output"]["result"]["npv"]["mean"],
            json!((npv * 1000.0).round() / 1000.0)
        );
        assert_eq!(
            out["output"]["result"]["do_nothing_scenario"]["title"],
            "Do nothing at 11% growth"
        );
        // A comparator that opens from other children is refused, as on the command line.
        let other = json!({ "builtin": "builtin:staffordshire-2019/do-nothing-11.toml", "changes": { "stochastic.start_total": 1099.0 } });
        let (status, v) = send(
            r,
            post(
                "/api/compare",
                json!({ "comparator": other, "invest": plan, "paths": 10 }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("stochastic.start_total"),
            "{v}"
        );
    }

    #[tokio::test]
    async fn sweep_and_tornado_on_the_page_are_the_libraries() {
        let plan = "builtin:staffordshire-2019/investment-plan.toml";
        let (status, v) = send(
            app(),
            post(
                "/api/sweep",
                json!({ "builtin": plan, "vary": ["unit_costs.ifa=30000:50000:10000"] }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["rows"].as_array().unwrap().len(), 3);
        assert_eq!(v["points"][0]["break_even"], "2022/23");
        assert_eq!(v["points"][2]["break_even"], "2024/25");
        assert!(
            v["svg"].as_str().unwrap().starts_with("<svg")
                || v["svg"].as_str().unwrap().contains("<svg")
        );
        let (status, _) = send(
            app(),
            post(
                "/api/sweep",
                json!({ "builtin": plan, "vary": ["unit_costs.ifa=0:100000:1"] }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, v) = send(app(), post("/api/tornado", json!({ "builtin": plan }))).await;
        assert_eq!(status, StatusCode::OK);
        let l = sc::load(Path::new(plan), &builtin::read).unwrap();
        let t = lacsim::sensitivity::tornado::tornado(
            &l,
            lacsim::sensitivity::tornado::key_assumptions(&l),
        )
        .unwrap();
        assert_eq!(v["bars"].as_array().unwrap().len(), t.bars.len());
        assert_eq!(
            v["tornado"]["rows"][0]["name"],
            json!(t.bars[0].assumption.name)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn twenty_clients_at_once_each_get_their_own_figures_and_nothing_is_left_held() {
        let app_state = App::new(vec![HOST.into()], None);
        let r = router(app_state.clone());
        let plan = "builtin:staffordshire-2019/investment-plan.toml";
        let mut tasks = Vec::new();
        for k in 0..20 {
            let r = r.clone();
            let ifa = 30000.0 + 1000.0 * k as f64;
            tasks.push(tokio::spawn(async move {
                let (status, v) = send(
                    r,
                    post(
                        "/api/run",
                        json!({ "builtin": plan, "changes": { "unit_costs.yearly.ifa": ifa } }),
                    ),
                )
                .await;
                assert_eq!(status, StatusCode::OK);
                (ifa, v["result"]["plan"]["mtfs_impact"].clone())
            }));
        }
        let l = sc::load(Path::new(plan), &builtin::read).unwrap();
        for t in tasks {
            let (ifa, got) = t.await.unwrap();
            let s = l
                .with_changes(&[("unit_costs.yearly.ifa".into(), Change::Set(ifa))])
                .unwrap();
            let want = results::run(&s).plan.unwrap().mtfs_impact;
            let got: Vec<f64> = serde_json::from_value(got).unwrap();
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() < 1e-3, "IFA {ifa}: {g} vs {w}");
            }
        }
        // One run at a time per page: a second start from the same session is refused.
        let with_session = |paths: u64| {
            let mut req = post("/api/mc", json!({ "builtin": plan, "paths": paths }));
            req.headers_mut()
                .insert("x-lacsim-session", HeaderValue::from_static("page-1"));
            req
        };
        let (status, first) = send(r.clone(), with_session(100_000)).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert_eq!(
            send(r.clone(), with_session(10)).await.0,
            StatusCode::CONFLICT
        );
        let first = first["job"].as_u64().unwrap();
        // Another page can neither see nor cancel it.
        assert_eq!(
            send(r.clone(), get_as(format!("/api/mc/{first}"), "page-2"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let mut cancel = HttpRequest::delete(format!("/api/mc/{first}"))
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        cancel
            .headers_mut()
            .insert("x-lacsim-session", HeaderValue::from_static("page-1"));
        send(r.clone(), cancel).await;
        assert_eq!(finished_as(&r, first, "page-1").await["state"], "cancelled");
        // A run without a page's session is refused.
        let mut bare = post("/api/mc", json!({ "builtin": plan, "paths": 20 }));
        bare.headers_mut().remove("x-lacsim-session");
        assert_eq!(send(r.clone(), bare).await.0, StatusCode::BAD_REQUEST);
        // Monte Carlo runs beyond the limit are refused, not queued without end.
        let sessions: Vec<String> = (0..=MAX_JOBS).map(|k| format!("page-{}", k + 10)).collect();
        let start = |k: usize, paths: u64| {
            let mut req = post("/api/mc", json!({ "builtin": plan, "paths": paths }));
            req.headers_mut().insert(
                "x-lacsim-session",
                HeaderValue::from_str(&sessions[k]).unwrap(),
            );
            req
        };
        let mut ids = Vec::new();
        for k in 0..MAX_JOBS {
            let (status, v) = send(r.clone(), start(k, 3000)).await;
            assert_eq!(status, StatusCode::ACCEPTED);
            ids.push(v["job"].as_u64().unwrap());
        }
        let (status, _) = send(r.clone(), start(MAX_JOBS, 20)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        for (k, id) in ids.into_iter().enumerate() {
            assert_eq!(finished_as(&r, id, &sessions[k]).await["state"], "finished");
        }
        // Every collected run has let go of its results.
        assert!(app_state.jobs.lock().unwrap().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn uploaded_returns_calibrate_like_the_command_line_and_bad_zips_get_a_message() {
        let cfg = lacsim::ssda903::synth::SynthConfig {
            seed: 3,
            first_year: lacsim::FinancialYear(2016),
            years: 6,
            ..Default::default()
        };
        let returns = lacsim::ssda903::synth::generate(&cfg).unwrap().returns;
        let files =
            super::super::synth::laid_out(&returns, super::super::synth::Layout::Zip).unwrap();
        let zip = files[0].1.clone();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("returns.zip"), &zip).unwrap();
        let req = HttpRequest::post("/api/calibrate?authority=Testshire&to=2021")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/zip")
            .body(Body::from(zip.clone()))
            .unwrap();
        let (status, v) = send(app(), req).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        // The same fit as `lacsim calibrate returns.zip --to 2021 --authority Testshire`.
        let data =
            super::super::returns::load(&dir.path().join("returns.zip"), false, None).unwrap();
        let target = lacsim::calibrate::Target {
            authority: "Testshire",
            source: "returns uploaded to lacsim serve",
            first_year: lacsim::FinancialYear(2021),
            years: 5,
            costs: None,
            bands: None,
            uasc: None,
        };
        let (est, text) = super::super::calibrate::fitted_scenario(
            &data,
            data.report.years.unwrap().0,
            lacsim::FinancialYear(2020),
            &target,
        )
        .unwrap();
        let mut want = serde_json::to_value(&est).unwrap();
        want.as_object_mut()
            .unwrap()
            .insert("uasc".into(), super::super::calibrate::uasc_json(&data));
        assert_eq!(v["estimates"], want);
        assert_eq!(v["scenario_toml"], json!(text));
        assert!(v["scenario_toml"].as_str().unwrap().contains("Testshire"));
        // The calibrated scenario runs on the page.
        let (status, _) = send(
            app(),
            post("/api/run", json!({ "toml": v["scenario_toml"] })),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // The backtest of the same returns: the scores of the command line's library call.
        let req = HttpRequest::post("/api/backtest?fit_to=2020&paths=60&seed=9")
            .header(header::HOST, HOST)
            .body(Body::from(zip.clone()))
            .unwrap();
        let (status, b) = send(app(), req).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let run = |setup: &Setup| -> anyhow::Result<engine::MonteCarlo> {
            Ok(engine::run(setup, 60, 9, &|| {})?)
        };
        let (bt, _) = super::super::backtest::fit_and_score(
            &data,
            lacsim::FinancialYear(2019),
            lacsim::window::Window::All,
            "upload.zip",
            &run,
        )
        .unwrap();
        let (doc, _, svg) =
            super::super::backtest::rendered(&bt, 60, 9, lacsim::FinancialYear(2019));
        assert_eq!(b["result"], doc);
        assert!(svg.is_some() && b["svg"].as_str().unwrap().contains("<svg"));
        let req = HttpRequest::post("/api/calibrate")
            .header(header::HOST, HOST)
            .body(Body::from("not a zip"))
            .unwrap();
        let (status, v) = send(app(), req).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["error"].as_str().unwrap().contains("not a readable zip"),
            "{v}"
        );
    }

    #[tokio::test]
    async fn a_built_in_partnership_shows_the_command_lines_tables() {
        let name = "builtin:together4children/partnership.toml";
        let (status, v) = send(app(), post("/api/partnership", json!({ "builtin": name }))).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let l = lacsim::partnership::load(Path::new(name), &builtin::read).unwrap();
        let e = lacsim::partnership::run_expected(&l.partnership);
        let meta = lacsim::report::partnership::RunMeta {
            path: l.path.clone(),
            hash: l.hash.clone(),
            seed: None,
        };
        assert_eq!(
            v["result"],
            lacsim::report::partnership::json(&l.partnership, &e, None, &meta)
        );
        assert!(!v["tables_html"].as_array().unwrap().is_empty());
        let (status, _) = send(
            app(),
            post("/api/partnership", json!({ "builtin": "builtin:nope" })),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[tokio::test]
    async fn the_downloaded_toml_runs_to_the_same_figures() {
        let plan = "builtin:staffordshire-2019/investment-plan.toml";
        let changes = json!({ "unit_costs.yearly.ifa": 45000.0 });
        let res = app()
            .oneshot(post(
                "/api/toml",
                json!({ "builtin": plan, "changes": changes }),
            ))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let text = String::from_utf8(
            axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap();
        let read = |_: &Path| Ok(text.clone());
        let back = sc::load(Path::new("scenario.toml"), &read).unwrap();
        let (_, v) = send(
            app(),
            post("/api/run", json!({ "builtin": plan, "changes": changes })),
        )
        .await;
        let want: Vec<f64> =
            serde_json::from_value(v["result"]["plan"]["mtfs_impact"].clone()).unwrap();
        let got = results::run(&back.scenario).plan.unwrap().mtfs_impact;
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-3, "{g} vs {w}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_monte_carlo_run_matches_the_command_line_and_can_be_cancelled() {
        let r = app();
        let plan = "builtin:staffordshire-2019/investment-plan.toml";
        let (status, v) = send(
            r.clone(),
            post(
                "/api/mc",
                json!({ "builtin": plan, "paths": 200, "seed": 5 }),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let id = v["job"].as_u64().unwrap();
        let poll = |id: u64| get_as(format!("/api/mc/{id}"), SESSION);
        let out = loop {
            let (_, v) = send(r.clone(), poll(id)).await;
            if v["state"] == "finished" {
                break v["output"]["result"].clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        // The library run the command line makes for `run --paths 200 --seed 5`.
        let l = sc::load(Path::new(plan), &builtin::read).unwrap();
        let mc = engine::run(&Setup::single(&l.scenario).unwrap(), 200, 5, &|| {}).unwrap();
        let sum = engine::summarise(&mc);
        let by: BTreeMap<String, f64> =
            serde_json::from_value(out["break_even_probability"].clone()).unwrap();
        assert_eq!(by["2025/26"], sum.break_even_by[6]);
        assert_eq!(
            out["npv"]["mean"],
            json!((sum.npv.unwrap().mean * 1000.0).round() / 1000.0)
        );
        // A long run, cancelled: it ends as cancelled and leaves nothing behind.
        let (_, v) = send(
            r.clone(),
            post("/api/mc", json!({ "builtin": plan, "paths": 200_000 })),
        )
        .await;
        let id = v["job"].as_u64().unwrap();
        let cancel = HttpRequest::delete(format!("/api/mc/{id}"))
            .header(header::HOST, HOST)
            .header("x-lacsim-session", SESSION)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(r.clone(), cancel).await.0, StatusCode::OK);
        let state = loop {
            let (_, v) = send(r.clone(), poll(id)).await;
            if v["state"] != "running" {
                break v["state"].clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_eq!(state, "cancelled");
        assert_eq!(send(r, poll(id)).await.0, StatusCode::NOT_FOUND);
    }
}
