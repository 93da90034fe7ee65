//! `report.docx`: the Word appendix holds every table and figure the run has.

use super::common::lacsim;
use std::io::Read;
use std::path::Path;

fn document_xml(path: &Path) -> (String, Vec<String>) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("a docx is a zip");
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let media = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
        .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
        .collect();
    (xml, media)
}

#[test]
fn the_word_appendix_has_every_table_and_figure_of_the_run() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("mc");
    lacsim()
        .args(["run", "--paths", "200", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let (xml, media) = document_xml(&out.join("report.docx"));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let tables = report["tables"].as_array().unwrap();
    // Every table of the run, by title, as a real Word table.
    for t in tables {
        let title = t["title"]
            .as_str()
            .unwrap()
            .replace('&', "&amp;")
            .replace('\'', "&apos;");
        assert!(
            xml.contains(&title) || xml.contains(t["title"].as_str().unwrap()),
            "table `{title}` missing"
        );
    }
    assert!(xml.matches("<w:tbl>").count() >= tables.len());
    // Table 3 to the pound and the paper's break-even, and the Monte Carlo NPV.
    assert!(xml.contains("(3,453)"));
    assert!(xml.contains("Break-even in 2023/24"));
    let npv = report["npv"]["mean"].as_f64().unwrap();
    let shown = lacsim::report::table::format_value(npv, lacsim::report::table::Unit::Thousands);
    assert!(xml.contains(&shown), "NPV {shown}");
    // Every chart the folder has is a picture in the document, and also a PNG and an SVG.
    let pngs: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .collect();
    assert!(pngs.len() >= 3, "{} charts", pngs.len());
    assert_eq!(media.len(), pngs.len());
    for p in &pngs {
        let svg = p.path().with_extension("svg");
        assert!(svg.exists(), "{} has no SVG", p.path().display());
        let bytes = std::fs::read(p.path()).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    }
    // The assumptions, grouped and labelled as in report.html, and the method note.
    assert!(xml.contains("Unit costs and uplift"));
    assert!(xml.contains("Green Book rate of 3.5%"));
}

#[test]
fn a_partnership_writes_its_word_document_with_its_tables_and_chart() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("p");
    lacsim()
        .args([
            "partnership",
            "builtin:together4children/partnership.toml",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let (xml, media) = document_xml(&out.join("report.docx"));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let tables = report["tables"].as_array().unwrap();
    assert!(xml.matches("<w:tbl>").count() >= tables.len());
    assert!(xml.contains("Together4Children"));
    assert_eq!(media.len(), 1, "the contributions chart");
    assert!(out.join("contributions.png").exists());
}

#[test]
fn report_rewrites_a_deleted_word_document_for_a_run_and_a_partnership() {
    let d = tempfile::tempdir().unwrap();
    let run = d.path().join("run");
    lacsim().args(["run", "--out"]).arg(&run).assert().success();
    let partnership = d.path().join("p");
    lacsim()
        .args([
            "partnership",
            "builtin:together4children/partnership.toml",
            "--out",
        ])
        .arg(&partnership)
        .assert()
        .success();
    for (dir, title) in [
        (&run, "Table 3: MTFS Position"),
        (&partnership, "Together4Children"),
    ] {
        let saved = std::fs::read(dir.join("report.json")).unwrap();
        std::fs::remove_file(dir.join("report.docx")).unwrap();
        lacsim()
            .arg("report")
            .arg(dir)
            .assert()
            .success()
            .stderr(predicates::str::contains(
                "re-rendered report.html, report.xlsx and report.docx in",
            ));
        // Back as a Word document with its tables and every chart of the folder.
        let (xml, media) = document_xml(&dir.join("report.docx"));
        assert!(xml.contains(title), "{title} missing");
        assert!(xml.contains("<w:tbl>"));
        let pngs = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "png")
            })
            .count();
        assert!(pngs >= 1);
        assert_eq!(media.len(), pngs, "{}", dir.display());
        // Re-rendering reads the saved report data and leaves it as it was.
        assert_eq!(std::fs::read(dir.join("report.json")).unwrap(), saved);
    }
}
