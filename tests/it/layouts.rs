//! SSDA903 returns in every common layout: year folders, files named by year,
//! combined files, a zip; tables told apart by their columns; years written the
//! DfE's way on the command line.

use super::common::lacsim;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const YEARS: &str = "2016-2021";
const SEED: &str = "3";

fn synth(dir: &Path, layout: &str) -> PathBuf {
    let out = dir.join(format!("returns-{layout}"));
    lacsim()
        .args([
            "synth", "--years", YEARS, "--seed", SEED, "--layout", layout,
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// Calibrates `input` into `dir/fit-<tag>` and returns estimates.json's bytes.
fn calibrate(input: &Path, dir: &Path, tag: &str) -> Vec<u8> {
    let out = dir.join(format!("fit-{tag}"));
    lacsim()
        .arg("calibrate")
        .arg(input)
        .arg("--out")
        .arg(out.join("scenario.toml"))
        .assert()
        .success()
        .stderr(predicate::str::contains("0 rejected"));
    std::fs::read(out.join("estimates.json")).unwrap()
}

#[test]
fn four_layouts_give_byte_identical_estimates_and_count_uasc() {
    let d = tempfile::tempdir().unwrap();
    let flat = synth(d.path(), "flat");
    let folders = synth(d.path(), "year-folders");
    let combined = synth(d.path(), "combined");
    let zipped = synth(d.path(), "zip");
    // The layouts are what they say.
    assert!(flat.join("header_2016-17.csv").is_file() && flat.join("uasc_2021-22.csv").is_file());
    assert!(folders.join("2017/header.csv").is_file() && folders.join("2022/uasc.csv").is_file());
    assert!(combined.join("episodes.csv").is_file() && !combined.join("2017").exists());
    assert!(zipped.join("returns.zip").is_file());

    let want = calibrate(&flat, d.path(), "flat");
    for (tag, input) in [
        ("folders", folders.clone()),
        ("combined", combined),
        ("zip", zipped.join("returns.zip")),
    ] {
        let got = calibrate(&input, d.path(), tag);
        assert!(
            got == want,
            "{tag}: estimates.json differs from the flat layout's:\n{}",
            String::from_utf8_lossy(&got)
        );
    }

    // Year folders nested deeper, with a year named 2019-20 style, read the same.
    let deep = d.path().join("deep");
    for entry in std::fs::read_dir(&folders).unwrap() {
        let entry = entry.unwrap();
        let Ok(end) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let to = deep
            .join("data")
            .join(format!("{}-{:02}", end - 1, end % 100));
        std::fs::create_dir_all(&to).unwrap();
        for f in ["header.csv", "episodes.csv", "uasc.csv"] {
            std::fs::copy(entry.path().join(f), to.join(f)).unwrap();
        }
    }
    assert!(calibrate(&deep, d.path(), "deep") == want);

    // UASC looked after on each 31 March, counted from the UASC tables, is the truth.
    let est: serde_json::Value = serde_json::from_slice(&want).unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(flat.join("truth.json")).unwrap()).unwrap();
    let counted = est["uasc"]["at_31_march"].as_array().unwrap();
    let years = truth["years"].as_array().unwrap();
    assert_eq!(counted.len(), years.len());
    assert_eq!(est["uasc"]["from_uasc_table"], true);
    for (c, t) in counted.iter().zip(years) {
        assert_eq!(c["year"], t["year"]);
        assert_eq!(c["uasc"], t["uasc"], "{c} vs {t}");
        assert_eq!(c["looked_after"], t["total"]);
        assert_eq!(
            c["excluding_uasc"].as_u64().unwrap(),
            t["total"].as_u64().unwrap() - t["uasc"].as_u64().unwrap()
        );
    }
    assert!(years.iter().any(|t| t["uasc"].as_u64().unwrap() > 0));
    // ... and the terminal says it too.
    lacsim()
        .arg("calibrate")
        .arg(&folders)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Unaccompanied asylum-seeking children (UASC), from the UASC table",
        ))
        .stdout(predicate::str::contains("excluding UASC"));
}

#[test]
fn files_with_unhelpful_names_are_recognised_by_their_columns() {
    let d = tempfile::tempdir().unwrap();
    let folders = synth(d.path(), "year-folders");
    let want = calibrate(&folders, d.path(), "named");
    // Folders and files that name neither the year nor the table: the table comes
    // from the columns, each episodes file's year from its own dates.
    let odd = d.path().join("odd");
    let mut k = 0;
    let mut ends: Vec<i32> = std::fs::read_dir(&folders)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_string_lossy().parse().ok())
        .collect();
    ends.sort();
    for end in ends {
        let to = odd.join(format!("batch {}", (b'a' + k as u8) as char));
        std::fs::create_dir_all(&to).unwrap();
        for f in ["header.csv", "episodes.csv", "uasc.csv"] {
            k += 1;
            std::fs::copy(
                folders.join(end.to_string()).join(f),
                to.join(format!("{}.csv", (b'a' + (k % 26) as u8) as char)),
            )
            .unwrap();
        }
    }
    // Another table of the return is recognised and left out.
    std::fs::write(
        odd.join("batch a/extra.csv"),
        "CHILD,DOB,REVIEW,REVIEW_CODE\nC0000001,01/01/2010,01/06/2017,PN1\n",
    )
    .unwrap();
    let out = d.path().join("fit-odd");
    lacsim()
        .arg("calibrate")
        .arg(&odd)
        .arg("--out")
        .arg(out.join("scenario.toml"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "found 6 header, 6 episodes and 6 UASC files",
        ))
        .stderr(predicate::str::contains("from its dates"))
        .stderr(predicate::str::contains("extra.csv (reviews)"));
    let got = std::fs::read(out.join("estimates.json")).unwrap();
    assert!(got == want, "{}", String::from_utf8_lossy(&got));
}

#[test]
fn bad_input_names_the_file_exits_2_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let flat = synth(d.path(), "flat");
    let out = d.path().join("fit");

    // A zip that is not one.
    let zip = d.path().join("returns.zip");
    std::fs::write(&zip, b"PK\x03\x04 but not really a zip").unwrap();
    for cmd in [
        vec!["calibrate", "--out", "fit/scenario.toml"],
        vec!["backtest", "--fit-to", "2019/20", "--out", "fit"],
    ] {
        lacsim()
            .current_dir(d.path())
            .arg(cmd[0])
            .arg(&zip)
            .args(&cmd[1..])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "returns.zip: not a readable zip file",
            ));
        assert!(!out.exists());
    }

    // A CSV whose columns match no SSDA903 table.
    std::fs::write(flat.join("notes.csv"), "A,B\n1,2\n").unwrap();
    for cmd in [
        vec!["calibrate", "--out", "fit/scenario.toml"],
        vec!["backtest", "--fit-to", "2019/20", "--out", "fit"],
    ] {
        lacsim()
            .current_dir(d.path())
            .arg(cmd[0])
            .arg(&flat)
            .args(&cmd[1..])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "notes.csv: its columns (A,B) match no SSDA903 table",
            ));
        assert!(!out.exists());
    }
    std::fs::remove_file(flat.join("notes.csv")).unwrap();

    // A zip holding such a file names the member inside it.
    let bad_zip = d.path().join("bad.zip");
    {
        use std::io::Write as _;
        let mut z = zip::ZipWriter::new(std::fs::File::create(&bad_zip).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for e in std::fs::read_dir(&flat).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".csv") {
                z.start_file(format!("r/{name}"), opts).unwrap();
                z.write_all(&std::fs::read(&p).unwrap()).unwrap();
            }
        }
        z.start_file("r/2020/odd.csv", opts).unwrap();
        z.write_all(b"X;Y\n").unwrap();
        z.finish().unwrap();
    }
    lacsim()
        .current_dir(d.path())
        .arg("calibrate")
        .arg(&bad_zip)
        .args(["--out", "fit/scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.zip:r/2020/odd.csv"))
        .stderr(predicate::str::contains("semicolons"));
    assert!(!out.exists());

    // Bad rows inside a zip are still reported with their line.
    let flat_zip = d.path().join("flat.zip");
    {
        use std::io::Write as _;
        let mut z = zip::ZipWriter::new(std::fs::File::create(&flat_zip).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        for e in std::fs::read_dir(&flat).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".csv") {
                let mut bytes = std::fs::read(&p).unwrap();
                if name == "episodes_2019-20.csv" {
                    bytes.extend_from_slice(b"C9999999,31/02/2020,S,C2,N1,U1,PR1,,,,,,\n");
                }
                z.start_file(name, opts).unwrap();
                z.write_all(&bytes).unwrap();
            }
        }
        z.finish().unwrap();
    }
    let lines = std::fs::read_to_string(flat.join("episodes_2019-20.csv"))
        .unwrap()
        .lines()
        .count()
        + 1;
    lacsim()
        .arg("calibrate")
        .arg(&flat_zip)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "flat.zip:episodes_2019-20.csv:{lines} DECOM"
        )));
}

#[test]
fn years_written_the_dfe_way_or_as_dates_give_identical_outputs() {
    let d = tempfile::tempdir().unwrap();
    let flat = synth(d.path(), "flat");
    let run = |fit_to: &str, out: &str| {
        let o = lacsim()
            .current_dir(d.path())
            .arg("backtest")
            .arg(&flat)
            .args([
                "--fit-to",
                fit_to,
                "--paths",
                "200",
                "--threads",
                "1",
                "--out",
                out,
            ])
            .assert()
            .success();
        o.get_output().clone()
    };
    let base = run("2019/20", "bt-label");
    for (i, form) in ["2020", "2019-20", "2020-03-31", "31/03/2020", "01/04/2019"]
        .iter()
        .enumerate()
    {
        let out = format!("bt-{i}");
        let got = run(form, &out);
        assert_eq!(got.stdout, base.stdout, "--fit-to {form}");
        for f in [
            "backtest.csv",
            "backtest.json",
            "backtest.svg",
            "fitted-scenario.toml",
            "rejected.csv",
        ] {
            assert!(
                std::fs::read(d.path().join(&out).join(f)).unwrap()
                    == std::fs::read(d.path().join("bt-label").join(f)).unwrap(),
                "--fit-to {form}: {f} differs"
            );
        }
        if *form != "2019-20" {
            assert!(
                String::from_utf8_lossy(&got.stderr).contains(&format!("--fit-to {form} (")),
                "--fit-to {form} is not said back"
            );
            assert!(String::from_utf8_lossy(&got.stderr).contains("read as 2019/20"));
        }
    }
    let stderr = String::from_utf8_lossy(&run("2020", "bt-said").stderr).to_string();
    assert!(
        stderr.contains(
            "--fit-to 2020 (the DfE's collection year ending 31 March 2020, 1 April 2019 to 31 March 2020): read as 2019/20"
        ),
        "{stderr}"
    );

    // calibrate --from/--to the same way.
    let fit = |from: &str, to: &str, out: &str| {
        lacsim()
            .current_dir(d.path())
            .arg("calibrate")
            .arg(&flat)
            .args(["--from", from, "--to", to, "--format", "json", "--out"])
            .arg(format!("{out}/scenario.toml"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let a = fit("2016/17", "2020/21", "c-label");
    let b = fit("2017", "2021", "c-dfe");
    assert_eq!(a, b);
    for f in ["estimates.json", "scenario.toml", "rejected.csv"] {
        assert!(
            std::fs::read(d.path().join("c-label").join(f)).unwrap()
                == std::fs::read(d.path().join("c-dfe").join(f)).unwrap(),
            "{f} differs"
        );
    }
    lacsim()
        .arg("calibrate")
        .arg(&flat)
        .args(["--to", "21"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DfE collection year (2020"));
}
