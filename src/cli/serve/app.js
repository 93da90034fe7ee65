// lacsim's page: every figure comes from the server, which calls the same
// library as the command line; this script only sends edits and shows results.
"use strict";

// The token (when the server asks for one) travels in a header, and leaves the
// address bar at once, so it is not kept in the history or shown on screen.
const token = new URLSearchParams(location.search).get("token");
if (token) history.replaceState(null, "", location.pathname);
const api = (path) => path;
const auth = () => (token ? { "x-lacsim-token": token } : {});
const $ = (id) => document.getElementById(id);
// This page's session: the server runs at most one Monte Carlo run per page at a time.
const session = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

let source = { builtin: null, toml: null };
let changes = {};
let scale = {};
let job = null;
let formFields = [];
let timer = null;

function body(extra) {
  const b = { changes, scale };
  if (source.toml !== null) b.toml = source.toml; else b.builtin = source.builtin;
  return JSON.stringify(Object.assign(b, extra || {}));
}

async function call(path, options) {
  const res = await fetch(api(path), Object.assign({ headers: Object.assign({ "content-type": "application/json", "x-lacsim-session": session }, auth()) }, options));
  const type = res.headers.get("content-type") || "";
  const data = type.includes("json") ? await res.json() : await res.text();
  return { ok: res.ok, status: res.status, data };
}

function showProblems(data) {
  document.querySelectorAll(".problem").forEach((p) => (p.textContent = ""));
  const general = [];
  for (const p of (data && data.problems) || []) {
    const slot = p.field && document.querySelector(`.problem[data-field="${CSS.escape(p.field)}"]`);
    if (slot) slot.textContent = p.message;
    else general.push(`${p.file}${p.line ? ":" + p.line : ""}: ${p.field ? p.field + ": " : ""}${p.message}`);
  }
  $("source-error").textContent = general.length ? general.join("; ") : (data && !data.problems && data.error) || "";
}

async function loadScenario() {
  changes = {};
  scale = {};
  const r = await call("/api/scenario", { method: "POST", body: body() });
  if (!r.ok) { showProblems(r.data); $("form").replaceChildren(); return; }
  $("title").textContent = `${r.data.authority}: ${r.data.title}`;
  formFields = r.data.fields.filter((f) => f.kind === "set");
  const sf = $("sweep-field");
  sf.replaceChildren();
  for (const f of formFields) {
    const o = document.createElement("option");
    o.value = f.field;
    o.textContent = `${f.group}: ${f.label}`;
    sf.appendChild(o);
  }
  sweepDefaults();
  const form = $("form");
  form.replaceChildren();
  const groups = {};
  for (const f of r.data.fields) {
    if (!groups[f.group]) {
      const fs = document.createElement("fieldset");
      const lg = document.createElement("legend");
      lg.textContent = f.group;
      fs.appendChild(lg);
      form.appendChild(fs);
      groups[f.group] = fs;
    }
    const div = document.createElement("div");
    div.className = "field";
    const id = "f-" + f.field.replace(/[^a-z0-9]+/gi, "-");
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = f.label;
    const input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    input.id = id;
    input.name = f.field;
    input.value = f.value;
    input.addEventListener("input", () => {
      const v = parseFloat(input.value);
      const target = f.kind === "scale" ? scale : changes;
      if (Number.isFinite(v)) target[f.field] = v; else delete target[f.field];
      clearTimeout(timer);
      timer = setTimeout(runDeterministic, 250);
    });
    const problem = document.createElement("span");
    problem.className = "problem";
    problem.dataset.field = f.field;
    div.append(label, input, problem);
    groups[f.group].appendChild(div);
  }
  await runDeterministic();
}

function renderCharts(target, charts) {
  target.replaceChildren(...(charts || []).map((c) => {
    const fig = document.createElement("figure");
    const cap = document.createElement("figcaption");
    cap.textContent = c.caption;
    fig.append(svgImage(c.svg, c.caption), cap);
    return fig;
  }));
}

function renderTables(target, html) {
  // The tables are rendered by the library's HTML renderer (escaped there).
  target.innerHTML = html.join("\n");
}

async function runDeterministic() {
  const r = await call("/api/run", { method: "POST", body: body() });
  showProblems(r.ok ? null : r.data);
  if (!r.ok) return;
  const plan = r.data.result.plan;
  $("break-even").textContent = plan
    ? (plan.break_even_year ? `Deterministic (paper) model: break-even in ${plan.break_even_year} (sustained)` : "Deterministic (paper) model: no sustained break-even within the horizon")
    : "Do-nothing scenario: no plan to break even";
  renderCharts($("charts"), r.data.charts);
  renderTables($("tables"), r.data.tables_html);
}

async function startMonteCarlo() {
  $("mc-error").textContent = "";
  const paths = parseInt($("paths").value, 10);
  const seed = parseInt($("seed").value, 10);
  const comparator = $("comparator").value;
  const r = comparator
    ? await call("/api/compare", { method: "POST", body: JSON.stringify({ comparator: { builtin: comparator }, invest: JSON.parse(body()), paths, seed }) })
    : await call("/api/mc", { method: "POST", body: body({ paths, seed }) });
  if (!r.ok) { $("mc-error").textContent = r.data.error || "refused"; return; }
  job = r.data.job;
  $("mc-start").disabled = true;
  $("mc-cancel").disabled = false;
  $("mc-state").textContent = "running";
  poll();
}

async function poll() {
  if (job === null) return;
  const r = await call(`/api/mc/${job}`, { method: "GET" });
  if (!r.ok) { $("mc-error").textContent = r.data.error || "failed"; finish(); return; }
  $("mc-progress").value = r.data.total ? r.data.done / r.data.total : 0;
  if (r.data.state === "running") { setTimeout(poll, 300); return; }
  $("mc-state").textContent = r.data.state;
  if (r.data.state === "finished") {
    const out = r.data.output;
    const by = out.result.break_even_probability;
    const years = Object.keys(by || {});
    $("mc-headline").textContent = years.length
      ? `Monte Carlo, ${out.result.paths} paths: probability of a sustained break-even by ${years[years.length - 1]}: ${(100 * by[years[years.length - 1]]).toFixed(1)}%; NPV mean £${Math.round(out.result.npv.mean).toLocaleString("en-GB")}k`
      : `Monte Carlo, ${out.result.paths} paths`;
    renderCharts($("mc-charts"), out.charts);
    renderTables($("mc-tables"), out.tables_html);
  }
  finish();
}

function finish() {
  job = null;
  $("mc-start").disabled = false;
  $("mc-cancel").disabled = true;
}

async function cancelMonteCarlo() {
  if (job !== null) await call(`/api/mc/${job}`, { method: "DELETE" });
}

async function downloadToml() {
  const r = await call("/api/toml", { method: "POST", body: body() });
  if (!r.ok) { showProblems(r.data); return; }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([r.data], { type: "application/toml" }));
  a.download = "scenario.toml";
  a.click();
}

function sweepDefaults() {
  const f = formFields.find((x) => x.field === $("sweep-field").value);
  if (!f) return;
  const v = Number(f.value);
  const lo = v === 0 ? 0 : v * 0.8, hi = v === 0 ? 1 : v * 1.2;
  $("sweep-from").value = +lo.toPrecision(4);
  $("sweep-to").value = +hi.toPrecision(4);
  $("sweep-step").value = +((hi - lo) / 8).toPrecision(3);
}

function svgImage(svg, alt) {
  const img = document.createElement("img");
  img.alt = alt;
  img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg)));
  img.className = "chart";
  return img;
}

function textTable(head, rows) {
  const t = document.createElement("table");
  const tr = document.createElement("tr");
  for (const h of head) { const th = document.createElement("th"); th.textContent = h; tr.appendChild(th); }
  t.appendChild(tr);
  for (const r of rows) {
    const row = document.createElement("tr");
    for (const c of r) { const td = document.createElement("td"); td.textContent = c; row.appendChild(td); }
    t.appendChild(row);
  }
  return t;
}

async function runSweep() {
  $("sensitivity-error").textContent = "";
  const vary = [`${$("sweep-field").value}=${$("sweep-from").value}:${$("sweep-to").value}:${$("sweep-step").value}`];
  const extra = { vary };
  if ($("sweep-mc").checked) extra.paths = 200;
  const r = await call("/api/sweep", { method: "POST", body: body(extra) });
  if (!r.ok) { $("sensitivity-error").textContent = r.data.error || "refused"; return; }
  $("sensitivity-out").replaceChildren(svgImage(r.data.svg, "sweep chart"), textTable(r.data.header, r.data.rows));
}

async function runTornado() {
  $("sensitivity-error").textContent = "";
  const r = await call("/api/tornado", { method: "POST", body: body() });
  if (!r.ok) { $("sensitivity-error").textContent = r.data.error || "refused"; return; }
  const rows = r.data.tornado.rows.map((x) => [x.name, x.range, Math.round(x.low_net).toLocaleString("en-GB"), Math.round(x.high_net).toLocaleString("en-GB"), x.low_break_even || "none", x.high_break_even || "none", x.switching || "none found"]);
  const head = ["Assumption", "Range", "Net low (£'000s)", "Net high (£'000s)", "Break-even low", "Break-even high", "Switching value"];
  $("sensitivity-out").replaceChildren(svgImage(r.data.svg, "tornado chart"), textTable(head, rows));
}

async function downloadRun(format) {
  $("download-error").textContent = "";
  const extra = { format };
  if ($("with-mc").checked) {
    extra.paths = parseInt($("paths").value, 10);
    extra.seed = parseInt($("seed").value, 10);
  }
  const res = await fetch(api("/api/download"), {
    method: "POST",
    headers: Object.assign({ "content-type": "application/json" }, auth()),
    body: body(extra),
  });
  if (!res.ok) {
    const data = await res.json();
    $("download-error").textContent = data.error || "refused";
    return;
  }
  const disposition = res.headers.get("content-disposition") || "";
  const name = (disposition.match(/filename="([^"]+)"/) || [null, "download"])[1];
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await res.blob());
  a.download = name;
  a.click();
}

let calibrated = null;

async function calibrate() {
  $("cal-error").textContent = "";
  const file = $("returns").files[0];
  if (!file) { $("cal-error").textContent = "choose a zip of SSDA903 returns first"; return; }
  const q = new URLSearchParams({ authority: $("cal-authority").value });
  if ($("cal-from").value) q.set("from", $("cal-from").value);
  if ($("cal-to").value) q.set("to", $("cal-to").value);
  $("cal-messages").textContent = "reading and fitting ...";
  const res = await fetch(`/api/calibrate?${q}`, { method: "POST", headers: Object.assign({ "content-type": "application/zip" }, auth()), body: await file.arrayBuffer() });
  const data = await res.json();
  if (!res.ok) { $("cal-messages").textContent = ""; $("cal-error").textContent = data.error || "refused"; return; }
  calibrated = data;
  $("cal-messages").textContent = data.messages.join("\n") + `\n${data.rejected_count} rows rejected (download them to see why).`;
  $("cal-rejected").disabled = false;
  $("cal-use").disabled = false;
}

async function backtest() {
  $("cal-error").textContent = "";
  const file = $("returns").files[0];
  if (!file) { $("cal-error").textContent = "choose a zip of SSDA903 returns first"; return; }
  const q = new URLSearchParams({ fit_to: $("bt-fit-to").value, paths: "2000" });
  $("bt-out").textContent = "fitting, forecasting and scoring ...";
  const res = await fetch(`/api/backtest?${q}`, { method: "POST", headers: Object.assign({ "content-type": "application/zip" }, auth()), body: await file.arrayBuffer() });
  const data = await res.json();
  if (!res.ok) { $("bt-out").textContent = ""; $("cal-error").textContent = data.error || "refused"; return; }
  const pre = document.createElement("pre");
  pre.textContent = data.summary;
  $("bt-out").replaceChildren(...(data.svg ? [svgImage(data.svg, "backtest chart")] : []), pre);
}

function save(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
}

async function runPartnership(name) {
  const r = await call("/api/partnership", { method: "POST", body: JSON.stringify({ builtin: name }) });
  if (!r.ok) { showProblems(r.data); return; }
  $("title").textContent = r.data.title;
  $("form").replaceChildren();
  $("break-even").textContent = "Partnership on expected values (lacsim partnership; --paths on the command line for Monte Carlo)";
  renderCharts($("charts"), r.data.charts);
  renderTables($("tables"), r.data.tables_html);
}

async function init() {
  const r = await call("/api/scenarios", { method: "GET" });
  const sel = $("scenario");
  for (const s of r.data.scenarios) {
    const o = document.createElement("option");
    o.value = s.name;
    o.textContent = s.title;
    sel.appendChild(o);
  }
  sel.value = sel.querySelector('option[value$="investment-plan.toml"]') ? [...sel.options].find((o) => o.value.endsWith("investment-plan.toml")).value : sel.value;
  source = { builtin: sel.value, toml: null };
  const group = document.createElement("optgroup");
  group.label = "Partnerships";
  for (const p of r.data.partnerships || []) {
    const o = document.createElement("option");
    o.value = p.name;
    o.textContent = p.title;
    o.dataset.partnership = "1";
    group.appendChild(o);
  }
  sel.appendChild(group);
  sel.addEventListener("change", () => {
    if (sel.selectedOptions[0] && sel.selectedOptions[0].dataset.partnership) { runPartnership(sel.value); return; }
    source = { builtin: sel.value, toml: null };
    loadScenario();
  });
  for (const s of r.data.scenarios) {
    if (!s.name.includes("do-nothing")) continue;
    const o = document.createElement("option");
    o.value = s.name;
    o.textContent = s.title;
    $("comparator").appendChild(o);
  }
  $("sweep-field").addEventListener("change", sweepDefaults);
  $("cal-run").addEventListener("click", calibrate);
  $("bt-run").addEventListener("click", backtest);
  $("cal-rejected").addEventListener("click", () => calibrated && save("rejected.csv", calibrated.rejected_csv, "text/csv"));
  $("cal-use").addEventListener("click", () => {
    if (!calibrated) return;
    source = { builtin: null, toml: calibrated.scenario_toml };
    loadScenario();
  });
  $("sweep-run").addEventListener("click", runSweep);
  $("tornado-run").addEventListener("click", runTornado);
  $("upload").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    source = { builtin: null, toml: await file.text() };
    loadScenario();
  });
  $("mc-start").addEventListener("click", startMonteCarlo);
  $("mc-cancel").addEventListener("click", cancelMonteCarlo);
  $("download-toml").addEventListener("click", downloadToml);
  document.querySelectorAll("#take-away button[data-format]").forEach((b) =>
    b.addEventListener("click", () => downloadRun(b.dataset.format)));
  // Closing the page cancels its run.
  window.addEventListener("pagehide", () => {
    // A beacon cannot set headers: it names the session (and token) in the query.
    if (job !== null) {
      const q = new URLSearchParams({ session });
      if (token) q.set("token", token);
      navigator.sendBeacon(`/api/mc/${job}/cancel?${q}`);
    }
  });
  await loadScenario();
}

init();
