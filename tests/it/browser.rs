//! `lacsim serve` driven as a person would use it: headless Chromium through
//! WebDriver (Debian's chromium and chromium-driver, which `.ci/run` installs).
//! Outside CI, without chromedriver, the test says so and skips.

use calamine::Reader;
use fantoccini::{Client, ClientBuilder, Locator};
use lacsim::engine::{self, Setup};
use lacsim::results;
use lacsim::scenario::fields::Change;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PLAN: &str = "builtin:staffordshire-2019/investment-plan.toml";

/// Kills a child process when dropped, so a failed assertion leaves nothing running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `lacsim serve --port 0` and returns it with the address it printed.
fn serve() -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lacsim"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("lacsim serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("serve prints its address")
        .to_string();
    (Running(child), url)
}

async fn wait_for_text(c: &Client, css: &str, want: &str) -> String {
    let started = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
            && t.contains(want)
        {
            return t;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{css} never showed `{want}`"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn set_input(c: &Client, css: &str, value: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_edits_runs_and_cancels_with_the_command_lines_figures() {
    let driver = Path::new("/usr/bin/chromedriver");
    if !driver.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium-driver (.ci/run does)"
        );
        eprintln!("chromedriver not installed: skipping the browser test (CI installs it)");
        return;
    }
    let (_server, url) = serve();
    let port = free_port();
    let _driver = Running(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", format!("--user-data-dir={}", profile.path().display())]
        }
    }))
    .unwrap();
    let started = Instant::now();
    let c = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) => {
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "chromedriver: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };

    // The default scenario: the paper's Table 3 and break-even.
    c.goto(&url).await.unwrap();
    wait_for_text(&c, "#break-even", "2023/24").await;
    wait_for_text(&c, "#tables", "(3,453)").await;
    wait_for_text(&c, "#charts", "Children in care at 31 March").await;
    c.find(Locator::Css("#charts img.chart")).await.unwrap();

    // Edit the IFA unit cost: Table 3 becomes what `lacsim run` gives for the same edit.
    let l = lacsim::scenario::load(Path::new(PLAN), &lacsim::scenario::builtin::read).unwrap();
    let dear = l
        .with_changes(&[("unit_costs.yearly.ifa".into(), Change::Set(50000.0))])
        .unwrap();
    let f = results::run(&dear).plan.unwrap();
    let year = f.break_even.unwrap().year.label();
    let last = lacsim::report::table::format_value(
        *f.mtfs_impact.last().unwrap(),
        lacsim::report::table::Unit::Thousands,
    );
    set_input(&c, "#f-unit-costs-yearly-ifa", "50000").await;
    wait_for_text(&c, "#break-even", &year).await;
    wait_for_text(&c, "#tables", &last).await;

    // A long Monte Carlo run, started and cancelled.
    set_input(&c, "#paths", "200000").await;
    c.find(Locator::Css("#mc-start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The cancel button works once the server has given the run a job number
    // (the page then says "running"); under load that can take a while.
    wait_for_text(&c, "#mc-state", "running").await;
    c.find(Locator::Css("#mc-cancel"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#mc-state", "cancelled").await;

    // A short one to the end: its probability is the library's for the same seed and paths.
    set_input(&c, "#paths", "300").await;
    set_input(&c, "#seed", "5").await;
    c.find(Locator::Css("#mc-start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#mc-state", "finished").await;
    let mc = engine::run(&Setup::single(&dear).unwrap(), 300, 5, &|| {}).unwrap();
    let p = engine::summarise(&mc).break_even_by[6];
    wait_for_text(&c, "#mc-headline", &format!("{:.1}%", p * 100.0)).await;

    // Compare against doing nothing at 11%: the tables name the comparator.
    c.find(Locator::Css(
        "#comparator option[value$='do-nothing-11.toml']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Css("#mc-start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#mc-tables", "against Do nothing at 11% growth").await;

    // A sweep and the tornado, drawn and tabled.
    c.find(Locator::Css("#sweep-run"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#sensitivity-out", "break_even_year").await;
    c.find(Locator::Css("#sensitivity-out img.chart"))
        .await
        .unwrap();
    c.find(Locator::Css("#tornado-run"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#sensitivity-out", "Switching value").await;

    // The workbook the page hands out, fetched from the page and read back:
    // its Table 3 has the edited scenario's 2025/26 impact.
    let fetched = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               fetch("/api/download", { method: "POST", headers: { "content-type": "application/json" },
                 body: JSON.stringify({ builtin: arguments[0], changes: { "unit_costs.yearly.ifa": 50000 }, format: "xlsx" }) })
                 .then((r) => r.arrayBuffer())
                 .then((b) => done(Array.from(new Uint8Array(b))));"#,
            vec![serde_json::json!(PLAN)],
        )
        .await
        .unwrap();
    let bytes: Vec<u8> = serde_json::from_value(fetched).unwrap();
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx workbook");
    let range = wb.worksheet_range("Table 3").unwrap();
    let impact_row = range
        .rows()
        .find(|r| matches!(r.first(), Some(calamine::Data::String(l)) if l.starts_with("Break Even Point")))
        .expect("Table 3 has its impact row");
    let last_cell = impact_row
        .iter()
        .rev()
        .find_map(|d| match d {
            calamine::Data::Float(v) => Some(*v),
            _ => None,
        })
        .unwrap();
    assert!(
        (last_cell - f.mtfs_impact.last().unwrap()).abs() < 1.0,
        "{last_cell}"
    );

    // Calibrate from uploaded returns, then continue with the calibrated scenario.
    let returns = profile.path().join("returns");
    let made = Command::new(env!("CARGO_BIN_EXE_lacsim"))
        .args([
            "synth",
            "--years",
            "2016-2021",
            "--seed",
            "4",
            "--layout",
            "zip",
            "--out",
        ])
        .arg(&returns)
        .output()
        .unwrap();
    assert!(made.status.success());
    c.find(Locator::Css("#calibrate summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#returns"))
        .await
        .unwrap()
        .send_keys(&returns.join("returns.zip").display().to_string())
        .await
        .unwrap();
    set_input(&c, "#cal-authority", "Testshire").await;
    c.find(Locator::Css("#cal-run"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#cal-messages", "rows rejected").await;
    set_input(&c, "#bt-fit-to", "2019/20").await;
    c.find(Locator::Css("#bt-run"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#bt-out", "CRPS").await;
    c.find(Locator::Css("#cal-use"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#title", "Testshire").await;
    wait_for_text(&c, "#tables", "children").await;

    // A built-in partnership: its tables.
    c.find(Locator::Css(
        "#scenario option[value$='together4children/partnership.toml']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for_text(&c, "#title", "Together4Children").await;

    // A broken scenario file: the validator's message, on the page.
    let broken = profile.path().join("broken.toml");
    std::fs::write(&broken, "[years]\nfirst = \"2019/20\"\ncount = 0\n").unwrap();
    c.find(Locator::Css("#upload"))
        .await
        .unwrap()
        .send_keys(&broken.display().to_string())
        .await
        .unwrap();
    wait_for_text(&c, "#source-error", "uploaded.toml").await;
    c.close().await.unwrap();
}
