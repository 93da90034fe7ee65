//! SSDA903 reading, cleaning, counting and synthetic returns.

use lacsim::ssda903::occupancy::{self, march31};
use lacsim::ssda903::synth::{self, SynthConfig};
use lacsim::ssda903::{Loader, Options, RejectReason, Ssda903Data, Ssda903Error};
use lacsim::{FinancialYear, Placement};

fn load_synth(s: &synth::Synth, opts: Options) -> Ssda903Data {
    // File names carry the collection year, so each year's SEX codes are checked.
    let names: Vec<_> = s
        .returns
        .iter()
        .map(|r| {
            (
                format!("header_{}.csv", r.year.label().replace('/', "-")),
                format!("episodes_{}.csv", r.year.0 * 100 + (r.year.0 + 1) % 100),
            )
        })
        .collect();
    let headers = s
        .returns
        .iter()
        .zip(&names)
        .map(|(r, n)| (n.0.as_str(), r.header_csv.as_bytes()));
    let episodes = s
        .returns
        .iter()
        .zip(&names)
        .map(|(r, n)| (n.1.as_str(), r.episodes_csv.as_bytes()));
    lacsim::ssda903::load(headers, episodes, opts).unwrap()
}

#[test]
fn synthetic_march31_counts_are_read_back_exactly() {
    let cfg = SynthConfig::default();
    let s = synth::generate(&cfg).unwrap();
    let data = load_synth(
        &s,
        Options {
            strict: true,
            years: None,
        },
    );
    let report = &data.report;
    assert!(
        report.header.adds_up() && report.episodes.adds_up(),
        "{report:?}"
    );
    assert!(report.rejections.is_empty() && report.warnings.is_empty());
    let truth: synth::Truth =
        serde_json::from_str(&serde_json::to_string(&s.truth).unwrap()).unwrap();
    assert_eq!(truth, s.truth);
    assert!(report.episodes.duplicates > 0 && report.episodes.short_breaks > 0);
    assert_eq!(
        data.years(),
        Some((FinancialYear(2016), FinancialYear(2023)))
    );
    let census = march31(&data);
    assert_eq!(census.len(), s.truth.years.len());
    for (c, t) in census.iter().zip(&s.truth.years) {
        assert_eq!(c.year, t.year);
        assert_eq!(c.total(), t.total, "{}", t.year);
        for (p, n) in c.by_placement().iter() {
            assert_eq!(n, t.by_placement[&p], "{} {p}", t.year);
        }
    }
    let first = &s.truth.years[0];
    assert!(
        (800..2000).contains(&first.total),
        "a county-sized stock: {}",
        first.total
    );
    let children_in_care = data.children.len();
    assert!(
        (2000..8000).contains(&children_in_care),
        "a few thousand children: {children_in_care}"
    );
    let occ = occupancy::monthly(&data);
    assert_eq!(occ.months.len(), 8 * 12);
    for t in &s.truth.years {
        let y = occ.year(t.year);
        assert_eq!(y.total_entries(), t.entries, "{}", t.year);
        assert_eq!(y.total_exits(), t.exits, "{}", t.year);
    }
    // Exposure in the last year is close to the average of the two censuses times 12.
    let last = s.truth.years.len() - 1;
    let y = occ.year(s.truth.years[last].year);
    let exposure: f64 = Placement::ALL.iter().map(|&p| y.exposure_in(p)).sum();
    let mean = f64::from(s.truth.years[last].total + s.truth.years[last - 1].total) / 2.0;
    assert!(
        (exposure / 12.0 / mean - 1.0).abs() < 0.1,
        "{exposure} vs {mean}"
    );
}

#[test]
fn synthetic_returns_are_reproducible_and_seed_dependent() {
    let cfg = SynthConfig {
        years: 2,
        burn_in_years: 3,
        ..SynthConfig::default()
    };
    let a = synth::generate(&cfg).unwrap();
    assert_eq!(a, synth::generate(&cfg).unwrap());
    let b = synth::generate(&SynthConfig { seed: 1, ..cfg }).unwrap();
    assert_ne!(a.returns, b.returns);
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ssda903");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

/// Loads `header.csv` with the named episodes file.
fn load_fixture(episodes: &str, opts: Options) -> Result<Ssda903Data, Ssda903Error> {
    let mut loader = Loader::new(opts);
    loader.add_header("header.csv", None, fixture("header.csv").as_slice())?;
    loader.add_episodes(episodes, None, fixture(episodes).as_slice())?;
    loader.finish()
}

#[test]
fn broken_rows_are_rejected_with_reason_line_and_column() {
    use RejectReason as R;
    let other = |line| R::Overlap {
        other_file: "overlapping.csv".into(),
        other_line: line,
    };
    #[rustfmt::skip]
    let table: &[(&str, u64, &str, &str, RejectReason)] = &[
        ("truncated_last_line.csv", 4, "(whole row)", "C3,01/06/2019,S,C", R::WrongColumnCount { expected: 13, found: 4 }),
        ("impossible_date.csv", 3, "DECOM", "31/02/2020", R::BadDate),
        ("unknown_place.csv", 4, "PLACE", "Q9", R::UnknownCode),
        ("decom_after_dec.csv", 2, "DEC", "01/03/2019", R::DecomAfterDec),
        ("overlapping.csv", 4, "DECOM", "01/03/2019", other(2)),
        ("child_missing_from_header.csv", 3, "CHILD", "C99", R::ChildNotInHeader),
        ("before_birth.csv", 2, "DECOM", "01/04/2015", R::BeforeBirth),
        ("not_utf8_row.csv", 3, "CHILD", "C\u{FFFD}2", R::NotUtf8),
    ];
    for (file, line, column, value, reason) in table {
        let data = load_fixture(file, Options::default()).unwrap();
        let r = &data.report;
        assert_eq!(r.rejections.len(), 1, "{file}: {:?}", r.rejections);
        let got = &r.rejections[0];
        assert_eq!(
            (
                got.file.as_str(),
                got.line,
                got.column.as_str(),
                got.value.as_str()
            ),
            (*file, *line, *column, *value)
        );
        assert_eq!(&got.reason, reason, "{file}");
        if *reason == R::UnknownCode {
            assert!(got.why().contains("; PLACE allows A3-A6"), "{}", got.why());
        }
        assert!(r.episodes.adds_up() && r.header.adds_up(), "{file}: {r:?}");
        assert_eq!(r.episodes.rejected, 1);
        assert_eq!(r.episodes.read, r.episodes.used + 1, "{file}");
        // Strict mode turns the same row into an error naming it.
        let err = load_fixture(
            file,
            Options {
                strict: true,
                years: None,
            },
        )
        .unwrap_err();
        let Ssda903Error::Rejected { first, count } = &err else {
            panic!("{file}: {err}")
        };
        assert_eq!((**first).clone(), got.clone());
        assert_eq!(*count, 1);
        assert!(
            err.to_string().contains(&format!("{file} line {line}")),
            "{err}"
        );
    }
}

#[test]
fn broken_files_are_typed_errors_naming_the_file() {
    let cases: &[(&str, &str)] = &[
        ("wrong_delimiter_semicolon.csv", "separated by semicolons"),
        ("wrong_delimiter_tab.csv", "separated by tabs"),
        (
            "missing_columns.csv",
            "missing column(s) PLACE_PROVIDER, REC",
        ),
        ("empty.csv", "the file is empty"),
        ("not_utf8_utf16.csv", "not UTF-8"),
    ];
    for (file, message) in cases {
        let err = load_fixture(file, Options::default()).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(&format!("{file}: ")), "{text}");
        assert!(text.contains(message), "{text}");
        let kind_ok = match err {
            Ssda903Error::WrongDelimiter { .. } => file.starts_with("wrong_delimiter"),
            Ssda903Error::MissingColumns { .. } => *file == "missing_columns.csv",
            Ssda903Error::Empty { .. } => *file == "empty.csv",
            Ssda903Error::NotUtf8 { .. } => file.starts_with("not_utf8"),
            _ => false,
        };
        assert!(kind_ok, "{file}: {text}");
    }
    let mut loader = Loader::new(Options::default());
    let err = loader
        .add_header("empty.csv", None, fixture("empty.csv").as_slice())
        .unwrap_err();
    assert!(err.to_string().contains("CHILD,SEX,DOB"), "{err}");
}

#[test]
fn good_files_read_case_insensitively_with_extra_columns_and_both_date_layouts() {
    let mut loader = Loader::new(Options {
        strict: true,
        years: None,
    });
    loader
        .add_header(
            "good_header.csv",
            None,
            fixture("good_header.csv").as_slice(),
        )
        .unwrap();
    loader
        .add_episodes(
            "good_episodes.csv",
            None,
            fixture("good_episodes.csv").as_slice(),
        )
        .unwrap();
    let data = loader.finish().unwrap();
    let r = &data.report;
    assert_eq!(
        (r.episodes.read, r.episodes.used, r.episodes.short_breaks),
        (6, 5, 1)
    );
    assert_eq!((r.header.read, r.header.used), (2, 2));
    assert_eq!(
        data.years(),
        Some((FinancialYear(2019), FinancialYear(2019)))
    );
    let a1 = &data.children[0];
    assert_eq!(a1.id, "A1");
    // One X1 chain: IFA, a temporary move kept as IFA, IFA again, then relative foster.
    assert_eq!(a1.periods.len(), 1);
    let stays: Vec<_> = a1.periods[0]
        .stays
        .iter()
        .map(|s| (s.placement, s.start.to_string()))
        .collect();
    assert_eq!(
        stays,
        vec![
            (Placement::Ifa, "2019-06-01".into()),
            (Placement::RelativeFriendFoster, "2019-12-01".into())
        ]
    );
    assert_eq!(a1.periods[0].exit, None);
    let a2 = &data.children[1];
    assert_eq!(a2.periods.len(), 1, "the short break is left out");
    assert_eq!(
        a2.periods[0].exit,
        Some(lacsim::ssda903::ExitRoute::ReturnHome)
    );
    let census = march31(&data);
    assert_eq!(census[0].total(), 1);
    assert_eq!(census[0].by_placement()[Placement::RelativeFriendFoster], 1);
    assert_eq!(
        census[0].counts[Placement::RelativeFriendFoster.index()]
            [lacsim::age::AgeBand::Age1To4.index()],
        1
    );
    let occ = occupancy::monthly(&data);
    let y = occ.year(FinancialYear(2019));
    assert_eq!(y.total_entries(), 2);
    assert_eq!(
        y.moves[Placement::Ifa.index()][Placement::RelativeFriendFoster.index()],
        1
    );
    assert_eq!(y.moves_from(Placement::Ifa), 1);
    assert_eq!(y.exits_from(Placement::HomesHostels), 1);
    // A1: 1 June 2019 to 31 March 2020 in care, ten months; A2: February 2020, one month.
    let months: f64 = Placement::ALL.iter().map(|&p| y.exposure_in(p)).sum();
    assert!((months - 11.0).abs() < 1e-9, "{months}");
}

#[test]
fn yearly_files_merge_duplicates_and_keep_the_closed_copy() {
    let header = "CHILD,SEX,DOB\nB1,1,01/01/2012\n";
    let cols = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n";
    let y2019 = format!("{cols}B1,01/02/2020,S,C2,U4,PR1,,\n");
    let y2020 =
        format!("{cols}B1,01/02/2020,S,C2,U4,PR1,01/06/2020,X1\nB1,01/06/2020,P,C2,P1,PR0,,\n");
    let mut loader = Loader::new(Options::default());
    loader
        .add_header("h19.csv", Some(FinancialYear(2019)), header.as_bytes())
        .unwrap();
    loader
        .add_episodes("e19.csv", Some(FinancialYear(2019)), y2019.as_bytes())
        .unwrap();
    loader
        .add_header("h20.csv", Some(FinancialYear(2020)), header.as_bytes())
        .unwrap();
    loader
        .add_episodes("e20.csv", Some(FinancialYear(2020)), y2020.as_bytes())
        .unwrap();
    let data = loader.finish().unwrap();
    let r = &data.report;
    assert_eq!(
        (r.episodes.read, r.episodes.used, r.episodes.duplicates),
        (3, 2, 1)
    );
    assert_eq!(
        (r.header.read, r.header.used, r.header.duplicates),
        (2, 1, 1)
    );
    assert!(r.rejections.is_empty());
    let census = march31(&data);
    assert_eq!(census.len(), 2);
    assert_eq!(census[0].by_placement()[Placement::InHouseFoster], 1);
    assert_eq!(census[1].by_placement()[Placement::PlacedWithParents], 1);
}

#[test]
fn code_lists_follow_the_collection_year() {
    let cols = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n";
    let header_old = "CHILD,SEX,DOB\nK1,1,01/01/2010\nK2,M,01/01/2010\n";
    let eps = format!("{cols}K1,01/10/2023,S,C2,K3,PR4,,\nK2,28/10/2023,S,C2,K3,PR4,,\n");
    let mut loader = Loader::new(Options::default());
    loader
        .add_header(
            "header_2023.csv",
            Some(FinancialYear(2023)),
            header_old.as_bytes(),
        )
        .unwrap();
    loader
        .add_episodes(
            "episodes_2023.csv",
            Some(FinancialYear(2023)),
            eps.as_bytes(),
        )
        .unwrap();
    let data = loader.finish().unwrap();
    let reasons: Vec<_> = data
        .report
        .rejections
        .iter()
        .map(|r| (r.file.as_str(), r.line, r.column.as_str(), r.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("header_2023.csv", 3, "SEX", RejectReason::UnknownCode),
            (
                "episodes_2023.csv",
                2,
                "PLACE",
                RejectReason::CodeNotValidThen
            ),
            (
                "episodes_2023.csv",
                3,
                "CHILD",
                RejectReason::ChildNotInHeader
            ),
        ]
    );
    assert!(data.report.episodes.adds_up() && data.report.header.adds_up());
}

#[test]
fn rejected_csv_lists_every_rejection() {
    let data = load_fixture("overlapping.csv", Options::default()).unwrap();
    let text = data.report.rejected_csv();
    assert_eq!(
        text,
        "file,line,column,value,reason\noverlapping.csv,4,DECOM,01/03/2019,overlaps the episode at overlapping.csv line 2\n"
    );
}

#[test]
fn broken_x1_chain_is_kept_as_an_exit_with_a_warning() {
    let header = "CHILD,SEX,DOB\nB1,1,01/01/2012\n";
    let eps = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\nB1,01/02/2020,S,C2,U4,PR1,01/03/2020,X1\n";
    let mut loader = Loader::new(Options::default());
    loader.add_header("h.csv", None, header.as_bytes()).unwrap();
    loader.add_episodes("e.csv", None, eps.as_bytes()).unwrap();
    let data = loader.finish().unwrap();
    assert_eq!(data.report.warnings.len(), 1);
    assert_eq!(data.report.warnings[0].reason, RejectReason::BrokenX1Chain);
    assert_eq!(
        data.children[0].periods[0].exit,
        Some(lacsim::ssda903::ExitRoute::Other)
    );
    assert_eq!(data.report.episodes.used, 1);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
                                prefix in 0usize..3) {
        let heads = [
            "",
            "CHILD,SEX,DOB\n",
            "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n",
        ];
        let mut input = heads[prefix].as_bytes().to_vec();
        input.extend_from_slice(&bytes);
        let mut loader = Loader::new(Options::default());
        let _ = loader.add_header("h.csv", None, input.as_slice());
        let _ = loader.add_episodes("e.csv", None, input.as_slice());
        if let Ok(data) = loader.finish() {
            proptest::prop_assert!(data.report.header.adds_up());
            proptest::prop_assert!(data.report.episodes.adds_up());
            let _ = march31(&data);
            let _ = occupancy::monthly(&data);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Rows assembled from plausible and implausible values: tallies always add up.
    #[test]
    fn random_rows_never_panic_and_tallies_add_up(
        rows in proptest::collection::vec(proptest::collection::vec(0usize..6, 8), 0..30),
        dobs in proptest::collection::vec(0usize..6, 4),
    ) {
        let children = ["A", "B", "C", ""];
        let dates = ["01/01/2015", "2016-06-30", "31/03/2017", "29/02/2016", "1900-01-01", "x"];
        let places = ["U4", "T2", "K3", "Z1", "A3", ""];
        let providers = ["PR1", "PR4", "", "PR0", "PR9", "pr5"];
        let recs = ["X1", "E8", "", "E11", "E4A", "E99"];
        let ls = ["C2", "V3", "v4", "", "J1", "Q"];
        let mut header = String::from("child,sex,dob\n");
        for (c, d) in children.iter().zip(&dobs) {
            header.push_str(&format!("{c},{},{}\n", ["1", "2", "M", "U", "9", ""][*d], dates[*d]));
        }
        let mut eps = String::from("CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n");
        for r in &rows {
            eps.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                children[r[0] % 4], dates[r[1]], ["S", "P", "L", "", "s", "Z"][r[2]], ls[r[3]],
                places[r[4]], providers[r[5]], if r[6] < 3 { "" } else { dates[r[6]] }, recs[r[7]],
            ));
        }
        let mut loader = Loader::new(Options::default());
        loader.add_header("h.csv", None, header.as_bytes()).unwrap();
        loader.add_episodes("e.csv", None, eps.as_bytes()).unwrap();
        let data = loader.finish().unwrap();
        let r = &data.report;
        proptest::prop_assert!(r.header.adds_up() && r.episodes.adds_up(), "{:?}", r);
        proptest::prop_assert_eq!(r.episodes.read, rows.len() as u64);
        proptest::prop_assert_eq!(r.rejections.len() as u64, r.episodes.rejected + r.header.rejected);
        let _ = march31(&data);
        let _ = occupancy::monthly(&data);
    }
}

#[test]
fn estimates_from_synthetic_returns_recover_the_generating_rates() {
    use lacsim::ssda903::ExitRoute;
    use lacsim::ssda903::estimate::{RateEstimate, estimate};
    let cfg = SynthConfig::default();
    let s = synth::generate(&cfg).unwrap();
    let data = load_synth(&s, Options::default());
    let occ = occupancy::monthly(&data);
    let est = estimate(&occ, FinancialYear(2016), FinancialYear(2023));
    // Within 3.5 standard errors (the 95% interval is about 3.92 of them wide).
    let near = |r: &RateEstimate, truth: f64, what: &str| {
        let se = (r.upper - r.lower) / 3.92;
        assert!(
            (r.mean - truth).abs() < 3.5 * se,
            "{what}: {r:?} vs {truth}"
        );
    };
    for p in [
        Placement::RelativeFriendFoster,
        Placement::InHouseFoster,
        Placement::Ifa,
        Placement::HomesHostels,
    ] {
        near(
            &est.move_hazard[&p],
            cfg.move_hazard[&p],
            &format!("moves from {p}"),
        );
        near(
            &est.exit_hazard[&p],
            cfg.exit_hazard[&p],
            &format!("exits from {p}"),
        );
    }
    let g = est.entry_growth.unwrap();
    assert!(
        (g.log_slope - cfg.entry_growth.ln_1p()).abs() < 3.5 * g.log_slope_se,
        "{g:?}"
    );
    let sgo = est.exit_routes[&Placement::RelativeFriendFoster][&ExitRoute::SpecialGuardianship];
    assert!(sgo.lower < 0.55 && 0.55 < sgo.upper, "{sgo:?}");
    let adoption = est.exit_routes[&Placement::PlacedForAdoption][&ExitRoute::Adoption];
    assert!(adoption.mean > 0.85, "{adoption:?}");
    assert_eq!(
        est.exit_routes[&Placement::InHouseFoster][&ExitRoute::Adoption].count,
        0
    );
    let at18 = est.age18_routes[&ExitRoute::Independence];
    assert!(at18.lower < 0.6 && 0.6 < at18.upper, "{at18:?}");
    let json = serde_json::to_string(&est).unwrap();
    assert!(json.contains("\"in_house_foster\""));
}

#[test]
fn synth_config_reads_from_toml_and_reports_every_problem() {
    let cfg: SynthConfig = toml::from_str(
        "seed = 7\nfirst_year = \"2018/19\"\nyears = 3\n[move_hazard]\nifa = 0.05\n[exit_routes.ifa]\nadoption = 0.2\nreturn_home = 0.8\n",
    )
    .unwrap();
    assert_eq!(cfg.first_year, FinancialYear(2018));
    assert_eq!(cfg.move_hazard.len(), 1);
    assert_eq!(
        cfg.entries_per_month,
        SynthConfig::default().entries_per_month
    );
    let err = synth::generate(&SynthConfig {
        entries_per_month: -1.0,
        ..cfg
    })
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("entries_per_month must be a number 0 or over"),
        "{text}"
    );
    assert!(
        text.contains("exit_routes.ifa.adoption must be 0"),
        "{text}"
    );
    // A map given in TOML replaces the default map whole, so other placements lost their routes.
    assert!(
        text.contains("exit_routes.in_house_foster needs a weight over 0"),
        "{text}"
    );
    assert_eq!(err.problems.len(), 11, "{text}");
    assert!(
        toml::from_str::<SynthConfig>("sed = 1").is_err(),
        "unknown fields are refused"
    );
}

#[test]
fn synthetic_returns_across_code_changes_read_back_exactly() {
    // 2022/23 to 2025/26: K3 from October 2023, SEX M/F from 2024/25, Z11-Z14 from 2025/26.
    let cfg = SynthConfig {
        first_year: FinancialYear(2022),
        years: 4,
        burn_in_years: 6,
        seed: 42,
        ..SynthConfig::default()
    };
    let s = synth::generate(&cfg).unwrap();
    assert!(s.returns[0].header_csv.contains(",1,") && s.returns[3].header_csv.contains(",M,"));
    assert!(
        s.returns[3].episodes_csv.contains(",K3,") && s.returns[3].episodes_csv.contains(",Z1")
    );
    let data = load_synth(
        &s,
        Options {
            strict: true,
            years: None,
        },
    );
    for (c, t) in march31(&data).iter().zip(&s.truth.years) {
        assert_eq!(c.total(), t.total);
        assert_eq!(
            c.by_placement()
                .iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
            t.by_placement
        );
    }
}

/// Issue 5's round trip, stated as a count: of every rate and share the generator
/// fixes, how many 95% intervals estimated from its returns cover the true value.
#[test]
fn round_trip_95_percent_intervals_cover_nearly_all_true_rates() {
    use lacsim::age::AgeBand;
    use lacsim::ssda903::estimate::estimate;
    let cfg = SynthConfig::default();
    let s = synth::generate(&cfg).unwrap();
    let data = load_synth(&s, Options::default());
    let occ = occupancy::monthly(&data);
    let est = estimate(
        &occ,
        cfg.first_year,
        FinancialYear(cfg.first_year.0 + cfg.years as i32 - 1),
    );
    let (mut covered, mut total, mut missed) = (0, 0, Vec::new());
    let mut check = |what: String, lo: f64, hi: f64, truth: f64| {
        total += 1;
        if lo <= truth && truth <= hi {
            covered += 1;
        } else {
            missed.push(format!("{what}: [{lo:.4}, {hi:.4}] vs {truth:.4}"));
        }
    };
    for p in Placement::ALL {
        if let (Some(r), Some(&t)) = (est.move_hazard.get(&p), cfg.move_hazard.get(&p)) {
            check(format!("move hazard {p}"), r.lower, r.upper, t);
        }
        if let (Some(r), Some(&t)) = (est.exit_hazard.get(&p), cfg.exit_hazard.get(&p)) {
            check(format!("exit hazard {p}"), r.lower, r.upper, t);
        }
    }
    let age_total: f64 = cfg.entry_age_mix.values().sum();
    for a in AgeBand::ALL {
        if let (Some(r), Some(&w)) = (est.entry_age_mix.get(&a), cfg.entry_age_mix.get(&a)) {
            check(format!("entry share {a}"), r.lower, r.upper, w / age_total);
        }
    }
    let place_total: f64 = cfg.first_placement_mix.values().sum();
    for p in Placement::ALL {
        if let (Some(r), Some(&w)) = (
            est.first_placement_mix.get(&p),
            cfg.first_placement_mix.get(&p),
        ) {
            check(
                format!("first placement share {p}"),
                r.lower,
                r.upper,
                w / place_total,
            );
        }
    }
    let g = est.entry_growth.unwrap();
    check("entry growth".into(), g.lower, g.upper, cfg.entry_growth);
    eprintln!("95% intervals covering the true value: {covered} of {total}; missed: {missed:?}");
    assert!(total >= 30, "only {total} rates compared");
    // With 95% intervals about 5% should miss by chance; allow up to 10%.
    assert!(
        covered as f64 >= 0.90 * total as f64,
        "{covered} of {total} covered; missed {missed:?}"
    );
}

/// Episodes that start after Z1 was split (2025/26), legal-status changes included,
/// carry Z11-Z14: a synthetic county read back has nothing rejected.
#[test]
fn synthetic_returns_after_the_z1_split_have_no_rejections() {
    let cfg = SynthConfig {
        first_year: FinancialYear(2023),
        years: 3,
        entries_per_month: 120.0,
        seed: 42,
        ..SynthConfig::default()
    };
    let s = synth::generate(&cfg).unwrap();
    let data = load_synth(
        &s,
        Options {
            strict: true,
            ..Options::default()
        },
    );
    assert_eq!(data.report.episodes.rejected, 0);
}

/// UASC children are counted from a UASC table and from a header UASC column, on
/// each 31 March until their status ceases (DUC).
#[test]
fn uasc_is_counted_from_the_uasc_table_and_the_header_column() {
    use lacsim::ssda903::{Table, occupancy::uasc_march31};
    let episodes = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n\
                    A,01/06/2019,S,C2,U4,PR1,,\n\
                    B,01/06/2019,S,C2,K2,PR1,,\n\
                    C,01/06/2019,S,C2,U4,PR1,,\n\
                    D,01/06/2019,S,C2,U4,PR1,,\n";
    // Header with a UASC flag column: B is flagged, D's flag is unreadable.
    let header = "CHILD,SEX,DOB,UASC\nA,1,01/05/2003,0\nB,1,01/05/2003,1\nC,2,01/05/2010,\nD,1,01/05/2004,maybe\n";
    // UASC table: A's status ceases on 01/01/2021 (before the second 31 March).
    let uasc = "CHILD,SEX,DOB,DUC\nA,1,01/05/2003,01/01/2021\n";
    let mut loader = Loader::new(Options::default());
    let add = |l: &mut Loader, name: &str, text: &str| l.add(name, None, text.as_bytes()).unwrap();
    // Names that say nothing: the tables come from the columns.
    assert_eq!(add(&mut loader, "x/1.csv", header).table, Table::Header);
    let ep = add(&mut loader, "x/2.csv", episodes);
    assert_eq!(ep.table, Table::Episodes);
    // No DEC and every DECOM in 2019/20: the file is dated 2019/20.
    assert_eq!(ep.year, Some(FinancialYear(2019)));
    assert_eq!(add(&mut loader, "x/3.csv", uasc).table, Table::Uasc);
    let data = loader.finish().unwrap();
    let r = &data.report;
    assert!(r.uasc.adds_up() && r.uasc.read == 1 && r.uasc.used == 1);
    assert_eq!((r.uasc_table_files, r.uasc_header_files), (1, 1));
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].column, "UASC");
    assert_eq!(r.warnings[0].line, 5);
    let by_id = |id: &str| data.children.iter().find(|c| c.id == id).unwrap().uasc;
    assert!(by_id("A").is_some() && by_id("B").is_some());
    assert!(by_id("C").is_none() && by_id("D").is_none());
    assert_eq!(
        data.years(),
        Some((FinancialYear(2019), FinancialYear(2019)))
    );
    let counts = uasc_march31(&data);
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (
            counts[0].looked_after,
            counts[0].uasc,
            counts[0].excluding_uasc
        ),
        (4, 2, 2)
    );

    // With the next year's return, A has ceased to be UASC by its 31 March.
    let next = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n\
                A,01/06/2019,S,C2,U4,PR1,,\n\
                B,01/06/2019,S,C2,K2,PR1,,\n";
    let mut loader = Loader::new(Options::default());
    loader.add("h.csv", None, header.as_bytes()).unwrap();
    loader
        .add("e19.csv", Some(FinancialYear(2019)), episodes.as_bytes())
        .unwrap();
    loader
        .add("e20.csv", Some(FinancialYear(2020)), next.as_bytes())
        .unwrap();
    loader.add("u.csv", None, uasc.as_bytes()).unwrap();
    let data = loader.finish().unwrap();
    let uasc: Vec<u32> = uasc_march31(&data).iter().map(|c| c.uasc).collect();
    assert_eq!(uasc, [2, 1]);
}

#[test]
fn files_are_told_apart_by_name_then_columns_and_unknown_ones_are_errors() {
    use lacsim::ssda903::Table;
    let mut loader = Loader::new(Options::default());
    // Other tables of the return are recognised and skipped.
    let reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\nA,01/01/2010,01/06/2019,PN1\n";
    let added = loader
        .add("2020/reviews.csv", None, reviews.as_bytes())
        .unwrap();
    assert_eq!(added.table, Table::Other("reviews"));
    // A file named as a header but holding episodes is read as episodes.
    let episodes = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n\
                    A,01/06/2018,S,C2,U4,PR1,01/06/2019,E11\n\
                    B,01/06/2017,S,C2,U4,PR1,01/06/2018,E11\n";
    let added = loader.add("header.csv", None, episodes.as_bytes()).unwrap();
    assert_eq!(added.table, Table::Episodes);
    // Episodes that ended in 2018/19 and in 2019/20: a combined file, no single year.
    assert_eq!(added.year, None);
    // Columns of no table: an error naming the file.
    let err = loader
        .add("notes.csv", None, "A,B\n1,2\n".as_bytes())
        .unwrap_err();
    assert!(matches!(err, Ssda903Error::UnknownTable { .. }));
    assert!(
        err.to_string()
            .starts_with("notes.csv: its columns (A,B) match no SSDA903 table"),
        "{err}"
    );
    // A file named as a table keeps the error of that table's missing columns.
    let err = loader
        .add("episodes_2019-20.csv", None, "CHILD,DECOM\n".as_bytes())
        .unwrap_err();
    assert!(matches!(err, Ssda903Error::MissingColumns { .. }), "{err}");
    let err = loader
        .add("uasc.csv", None, "CHILD;SEX;DOB;DUC\n".as_bytes())
        .unwrap_err();
    assert!(matches!(err, Ssda903Error::WrongDelimiter { .. }), "{err}");
    // A bad DUC in a UASC table is a rejected row with its line.
    let mut loader = Loader::new(Options::default());
    loader
        .add(
            "uasc.csv",
            None,
            "CHILD,SEX,DOB,DUC\nA,1,01/01/2005,\nB,1,01/01/2005,31/02/2020\n".as_bytes(),
        )
        .unwrap();
    let data = loader.finish().unwrap();
    let r = &data.report;
    assert!(r.uasc.adds_up() && r.uasc.rejected == 1);
    assert_eq!(
        (r.rejections[0].line, r.rejections[0].column.as_str()),
        (3, "DUC")
    );
}

const EPISODE_COLUMNS: &str = "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC";

/// Reads one header and one episodes file (2019/20) given as text.
fn load_text(episodes: &str) -> Result<Ssda903Data, Ssda903Error> {
    let header = "CHILD,SEX,DOB\nA,1,01/01/2010\nB,2,01/01/2011\nC,1,01/01/2012\n";
    let mut loader = Loader::new(Options::default());
    loader.add_header("header.csv", Some(FinancialYear(2019)), header.as_bytes())?;
    loader.add_episodes(
        "episodes.csv",
        Some(FinancialYear(2019)),
        episodes.as_bytes(),
    )?;
    loader.finish()
}

#[test]
fn a_stray_quote_stops_the_read_naming_its_line_and_the_lines_it_swallowed() {
    // Line 3 opens a quote nothing closes: the three lines after it would be lost.
    let rows = [
        "A,01/06/2019,S,C2,U4,PR1,,",
        "\"B,01/07/2019,S,C2,U4,PR1,,",
        "B,01/08/2019,S,C2,U4,PR1,,",
        "C,01/09/2019,S,C2,U4,PR1,,",
        "C,01/10/2019,S,C2,U4,PR1,01/11/2019,E11",
    ];
    for eol in ["\n", "\r\n"] {
        let text = format!("{EPISODE_COLUMNS}{eol}{}{eol}", rows.join(eol));
        let err = load_text(&text).unwrap_err();
        let Ssda903Error::QuoteNotClosed {
            file,
            line,
            lines,
            to_end,
        } = &err
        else {
            panic!("{eol:?}: {err}")
        };
        assert_eq!(
            (file.as_str(), *line, *lines, *to_end),
            ("episodes.csv", 3, 3, true),
            "{eol:?}"
        );
        assert_eq!(
            err.to_string(),
            "episodes.csv: line 3 opens a quoted field (a double quote) that is not closed before the end of the file, so the 3 lines after it could not be read; remove the stray double quote, or close the quote on line 3"
        );
    }
    // A second stray quote on line 5 closes it: lines 4 and 5 were swallowed.
    let mut closed = rows.map(String::from);
    closed[3].insert(0, '"');
    let text = format!("{EPISODE_COLUMNS}\n{}\n", closed.join("\n"));
    let err = load_text(&text).unwrap_err();
    assert!(
        matches!(
            err,
            Ssda903Error::QuoteNotClosed {
                line: 3,
                lines: 2,
                to_end: false,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("line 3 opens a quoted field (a double quote) that is not closed until line 5, so the 2 lines after it were read as one value"),
        "{err}"
    );
    // In the column header line, and through `add`, the same.
    let clean = rows.map(|r| r.trim_start_matches('"'));
    let text = format!("\"{EPISODE_COLUMNS}\n{}\n", clean.join("\n"));
    let err = Loader::new(Options::default())
        .add("episodes_2019-20.csv", None, text.as_bytes())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Ssda903Error::QuoteNotClosed {
                line: 1,
                lines: 5,
                to_end: true,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_short_row_names_its_file_line_and_whole_row_in_windows_files_and_after_blank_lines() {
    // Line 4 is short. The csv crate would date it line 3 in a \r\n file and
    // line 3 after a blank line, as it dates a row from before the line break.
    let rows = [
        "A,01/06/2019,S,C2,U4,PR1,,",
        "B,01/07/2019,S,C2,U4,PR1,,",
        "C,01/08/2019,S,C2",
    ];
    let crlf = format!("{EPISODE_COLUMNS}\r\n{}\r\n", rows.join("\r\n"));
    let blank = format!("{EPISODE_COLUMNS}\n{}\n\n{}\n", rows[0], rows[2]);
    for (text, line) in [(crlf, 4), (blank, 4)] {
        let data = load_text(&text).unwrap();
        let r = &data.report.rejections;
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(
            r[0].to_string(),
            format!(
                "episodes.csv line {line}, (whole row) = `C,01/08/2019,S,C2`: row has 4 fields but the header line has 8"
            )
        );
    }
    let data = load_text(&format!("{EPISODE_COLUMNS}\nA\n")).unwrap();
    assert_eq!(
        data.report.rejections[0].why(),
        "row has 1 field but the header line has 8"
    );
}

#[test]
fn a_year_missing_between_the_first_and_last_stops_the_read_naming_it() {
    let header = "CHILD,SEX,DOB\nA,1,01/01/2010\n";
    let episodes = format!("{EPISODE_COLUMNS}\nA,01/06/2017,S,C2,U4,PR1,,\n");
    let load = |years: &[i32], skip_header: Option<i32>| {
        let mut loader = Loader::new(Options::default());
        for &y in years {
            let label = FinancialYear(y).label().replace('/', "-");
            if skip_header != Some(y) {
                let name = format!("returns/header_{label}.csv");
                loader
                    .add(&name, Some(FinancialYear(y)), header.as_bytes())
                    .unwrap();
            }
            let name = format!("returns/episodes_{label}.csv");
            loader
                .add(&name, Some(FinancialYear(y)), episodes.as_bytes())
                .unwrap();
        }
        loader.finish()
    };
    let err = load(&[2017, 2018, 2020, 2021], None).unwrap_err();
    let Ssda903Error::MissingYears {
        table,
        missing,
        expected,
        found,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*table, "episodes");
    assert_eq!(missing, &[FinancialYear(2019)]);
    assert_eq!(expected, &["returns/episodes_2019-20.csv"]);
    assert_eq!(found.len(), 4);
    assert!(
        err.to_string().starts_with(
            "no episodes file for 2019/20 (returns/episodes_2019-20.csv): the returns have a gap (episodes files were found for 2017/18 to 2018/19 and 2020/21 to 2021/22)"
        ),
        "{err}"
    );
    // Two years missing are both named.
    let err = load(&[2016, 2019], None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no episodes files for 2017/18 and 2018/19 (returns/episodes_2017-18.csv, returns/episodes_2018-19.csv)"),
        "{err}"
    );
    // A header file missing in the middle is a gap too.
    let err = load(&[2017, 2018, 2019], Some(2018)).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "no header file for 2018/19 (returns/header_2018-19.csv): the returns have a gap"
        ),
        "{err}"
    );
    // Years in a row, or one year, are no gap.
    assert!(load(&[2017, 2018, 2019], None).is_ok());
    assert!(load(&[2019], None).is_ok());
    // With a combined file (its episodes end in two years, so it has none of its
    // own), which years it covers cannot be told: no gap is claimed.
    let combined = format!(
        "{EPISODE_COLUMNS}\nA,01/06/2017,S,C2,U4,PR1,01/06/2018,X1\nA,01/06/2018,S,C2,U4,PR1,01/06/2019,E11\n"
    );
    let mut loader = Loader::new(Options::default());
    loader.add("header.csv", None, header.as_bytes()).unwrap();
    for (name, year, text) in [
        ("episodes_2016-17.csv", Some(2016), &episodes),
        ("episodes_2019-20.csv", Some(2019), &episodes),
        ("episodes.csv", None, &combined),
    ] {
        let added = loader
            .add(name, year.map(FinancialYear), text.as_bytes())
            .unwrap();
        assert_eq!(added.year, year.map(FinancialYear), "{name}");
    }
    assert!(loader.finish().is_ok());
}

/// Hands out a text a few bytes at a time, so that line ends fall on every
/// boundary between the blocks the CSV parser reads.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        self.step = self.step % 7 + 1;
        Ok(n)
    }
}

#[test]
fn every_row_of_a_long_file_is_dated_to_its_own_line_however_its_bytes_arrive() {
    // 3,000 short rows of varying length (each rejected with its line), with a
    // blank line after every 500th; \n or \r\n, whole or a few bytes at a time.
    let mut lines = vec![EPISODE_COLUMNS.to_string()];
    let mut want = Vec::new();
    for k in 0..3000 {
        want.push(lines.len() as u64 + 1);
        lines.push(format!("C{k},{}", "x".repeat(k % 37)));
        if k % 500 == 499 {
            lines.push(String::new());
        }
    }
    for eol in ["\n", "\r\n"] {
        let text = lines.join(eol) + eol;
        for step in [None, Some(1)] {
            let mut loader = Loader::new(Options::default());
            let added = match step {
                None => loader.add_episodes("e.csv", None, text.as_bytes()),
                Some(step) => loader.add_episodes(
                    "e.csv",
                    None,
                    Trickle {
                        bytes: text.as_bytes(),
                        step,
                    },
                ),
            };
            added.unwrap();
            let data = loader.finish().unwrap();
            let got: Vec<u64> = data.report.rejections.iter().map(|r| r.line).collect();
            assert_eq!(got.len(), 3000, "{eol:?} {step:?}");
            assert!(got == want, "{eol:?} {step:?}: lines differ");
        }
    }
}
