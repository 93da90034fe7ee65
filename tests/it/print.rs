//! The HTML report prints: headless Chromium prints it to PDF on A4, and
//! `pdftoppm` renders the pages (Debian's chromium and poppler-utils, which
//! `.ci/run` installs; outside CI, without them, the test says so and skips).

use super::common::lacsim;
use std::path::Path;
use std::process::Command;

fn tool(path: &str) -> Option<&str> {
    Path::new(path).exists().then_some(path)
}

#[test]
fn the_report_prints_to_a4_pages_that_render() {
    let (Some(chromium), Some(pdftoppm), Some(pdfinfo)) = (
        tool("/usr/bin/chromium"),
        tool("/usr/bin/pdftoppm"),
        tool("/usr/bin/pdfinfo"),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and poppler-utils (.ci/run does)"
        );
        eprintln!("chromium or poppler-utils not installed: skipping the print check");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("run");
    lacsim()
        .args(["run", "--paths", "200", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let pdf = d.path().join("report.pdf");
    let printed = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!(
            "--user-data-dir={}",
            d.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&printed.stderr));
    let info = String::from_utf8(Command::new(pdfinfo).arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(info.contains("(A4)"), "not A4:\n{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    // Sections start on new pages: the summary, tables, charts and inputs.
    assert!(pages >= 6, "{pages} pages");
    let status = Command::new(pdftoppm)
        .args(["-r", "30", "-png"])
        .arg(&pdf)
        .arg(d.path().join("page"))
        .status()
        .unwrap();
    assert!(status.success());
    let rendered = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("page") && n.ends_with(".png")
        })
        .count();
    assert_eq!(rendered, pages);
}
