//! Slicing the demo case's data for bias evidence: the production training set against
//! staging's (the planted skew and the extra source's share), the agreement with fairlearn's
//! `MetricFrame` on the scoring log, row origin against the origin the pipeline itself
//! recorded, and the errors a wrong reference or column gives.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use custody::progress::Silent;
use custody::workflow::{self, SliceRequest, SliceReport};
use polars::prelude::*;
use serde_json::Value;

use crate::support::{custody, demo_case, demo_keys, fixtures, stderr};

fn case_copy() -> (tempfile::TempDir, PathBuf) {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let case = crate::support::shared_scratch("slice").join("demo.custody");
        workflow::investigate_with_keys(&demo_case(), Some(&case), &demo_keys(), &Silent).unwrap();
        case
    });
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("demo.custody");
    std::fs::copy(template, &case).unwrap();
    (dir, case)
}

fn slice(case: &Path, request: SliceRequest) -> SliceReport {
    let mut c = custody::case::Case::open(case).unwrap();
    workflow::slice(&mut c, &request, &Silent).unwrap_or_else(|e| panic!("{e}"))
}

fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col).unwrap().cast(&DataType::String).unwrap().str().unwrap().iter().map(|v| v.map(str::to_string)).collect()
}

/// The production training set as the pipeline wrote it (the work tree holds v2.0's).
fn production_training_set() -> DataFrame {
    custody::sources::dataset::read_table(&demo_case().join("project/data/processed/train.parquet"), custody::sources::dataset::Format::Parquet).unwrap()
}

fn group<'a>(r: &'a SliceReport, key: &str) -> &'a custody::slice::GroupStats {
    r.stats.groups.iter().find(|g| g.key == [Some(key.to_string())]).unwrap_or_else(|| panic!("no group {key}"))
}

#[test]
fn production_against_staging_training_shows_the_planted_skew_and_the_extra_source() {
    let (_d, case) = case_copy();
    let r = slice(&case, SliceRequest {
        dataset: "project/data/processed/train.parquet@v2.0".into(),
        by: vec!["customer_age_band".into()],
        label: Some("is_fraud".into()),
        reference: Some("project/data/processed/train.parquet@v1.1".into()),
        ..Default::default()
    });
    // expected numbers computed here, with polars, from the files themselves
    let train = production_training_set();
    let bands = strings(&train, "customer_age_band");
    let fraud = strings(&train, "is_fraud");
    let origin = strings(&train, "source_file");
    let n60 = bands.iter().filter(|b| b.as_deref() == Some("60+")).count();
    let fraud60 = bands.iter().zip(&fraud).filter(|(b, f)| b.as_deref() == Some("60+") && f.as_deref() == Some("1")).count();
    assert_eq!(r.stats.rows, train.height());
    let g60 = group(&r, "60+");
    assert_eq!(g60.count, n60);
    assert!((g60.base_rate.unwrap() - fraud60 as f64 / n60 as f64).abs() < 1e-12);
    // the skew: 60+ is twice as common in production's training set as in staging's, and its
    // fraud rate several times higher
    assert!(g60.share > 1.8 * g60.reference_share.unwrap(), "share {} vs reference {:?}", g60.share, g60.reference_share);
    assert!(g60.base_rate.unwrap() > 3.0 * g60.reference_base_rate.unwrap());
    assert_eq!(r.reference.as_ref().map(|t| t.rows), Some(r.stats.reference_rows.unwrap()));
    // row origin: Custody's attribution (row hashes over the shared columns) agrees, group by
    // group, with the `source_file` column the pipeline wrote
    for g in &r.stats.groups {
        let band = g.key[0].as_deref();
        for c in &g.composition {
            let recorded = c.source.as_deref().map(|s| s.trim_start_matches("project/").to_string());
            let expected = bands.iter().zip(&origin).filter(|(b, o)| b.as_deref() == band && o.as_deref() == recorded.as_deref()).count();
            assert_eq!(c.rows, expected, "group {band:?}, source {:?}", c.source);
        }
    }
    let reviews = g60.composition.iter().find(|c| c.source.as_deref() == Some("project/data/raw/internal_reviews.csv")).expect("internal reviews in 60+");
    assert!(reviews.share > 0.5, "the review queue makes most of 60+: {}", reviews.share);
    let total_reviews = r.stats.sources.iter().find(|s| s.source.ends_with("internal_reviews.csv")).unwrap();
    assert_eq!(total_reviews.rows, origin.iter().filter(|o| o.as_deref() == Some("data/raw/internal_reviews.csv")).count());
    assert!(r.stats.sources.iter().all(|s| s.source != "unattributed" || s.rows == 0), "every training row has a raw source: {:?}", r.stats.sources);
}

#[test]
fn a_model_reference_slices_its_training_set() {
    let (_d, case) = case_copy();
    let by_alias = slice(&case, SliceRequest { dataset: "models:/fraud-detector@staging".into(), by: vec!["region".into()], ..Default::default() });
    let by_path = slice(&case, SliceRequest { dataset: "project/data/processed/train.parquet@v1.1".into(), by: vec!["region".into()], ..Default::default() });
    assert_eq!(by_alias.dataset.md5, by_path.dataset.md5);
    assert_eq!(by_alias.stats.groups, by_path.stats.groups);
    assert_eq!(by_alias.stats.sources.len(), 1, "staging's training set has one raw source: {:?}", by_alias.stats.sources);
}

fn close(a: Option<f64>, b: &Value, what: &str) {
    let b = b.as_f64().unwrap_or_else(|| panic!("{what}: fairlearn value {b}"));
    let a = a.unwrap_or_else(|| panic!("{what}: custody has no value, fairlearn {b}"));
    assert!((a - b).abs() < 1e-12, "{what}: custody {a} fairlearn {b}");
}

/// A true or false positive rate: fairlearn (scikit-learn's confusion matrix) reports a rate
/// over no rows as 0.0, Custody as undefined; anything else must agree.
fn close_rate(a: Option<f64>, b: &Value, what: &str) {
    match a {
        None => assert_eq!(b.as_f64(), Some(0.0), "{what}: custody undefined where fairlearn has {b}"),
        some => close(some, b, what),
    }
}

#[test]
fn the_numbers_agree_with_fairlearn_metricframe() {
    let (_d, case) = case_copy();
    let expected: Value = serde_json::from_slice(&std::fs::read(fixtures().join("expected/fairlearn.json")).unwrap()).unwrap();
    let positive = format!("{}={}", expected["prediction"]["column"].as_str().unwrap(), expected["prediction"]["positive"].as_str().unwrap());
    for case_expect in expected["cases"].as_array().unwrap() {
        let name = case_expect["name"].as_str().unwrap();
        let by: Vec<String> = case_expect["by"].as_array().unwrap().iter().map(|b| b.as_str().unwrap().to_string()).collect();
        let filters = case_expect["where"].as_object().map(|w| w.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap())).collect()).unwrap_or_default();
        let r = slice(&case, SliceRequest {
            dataset: expected["file"].as_str().unwrap().into(),
            by: by.clone(),
            label: Some(expected["label"].as_str().unwrap().into()),
            prediction: Some(positive.clone()),
            filters,
            ..Default::default()
        });
        let groups = case_expect["groups"].as_array().unwrap();
        let with_labels: Vec<&custody::slice::GroupStats> = r.stats.groups.iter().filter(|g| g.labelled > 0).collect();
        assert_eq!(with_labels.len(), groups.len(), "{name}: the groups fairlearn saw");
        for g in groups {
            let key: Vec<Option<String>> = by.iter().map(|b| g["group"][b].as_str().map(str::to_string)).collect();
            let ours = r.stats.groups.iter().find(|s| s.key == key).unwrap_or_else(|| panic!("{name}: no group {key:?}"));
            assert_eq!(ours.labelled as u64, g["count"].as_u64().unwrap(), "{name} {key:?}: count");
            close(ours.selection_rate, &g["selection_rate"], &format!("{name} {key:?} selection rate"));
            close_rate(ours.true_positive_rate, &g["true_positive_rate"], &format!("{name} {key:?} TPR"));
            close_rate(ours.false_positive_rate, &g["false_positive_rate"], &format!("{name} {key:?} FPR"));
        }
        let o = &case_expect["overall"];
        assert_eq!(r.stats.overall.labelled as u64, o["count"].as_u64().unwrap(), "{name}: overall count");
        close(r.stats.overall.selection_rate, &o["selection_rate"], &format!("{name} overall selection rate"));
        close(r.stats.overall.true_positive_rate, &o["true_positive_rate"], &format!("{name} overall TPR"));
        let d = r.stats.disparity.as_ref().expect("disparities with a prediction");
        close(Some(d.demographic_parity_difference), &case_expect["demographic_parity_difference"], &format!("{name} DPD"));
        close(d.demographic_parity_ratio, &case_expect["demographic_parity_ratio"], &format!("{name} DPR"));
        close(d.equalized_odds_difference, &case_expect["equalized_odds_difference"], &format!("{name} EOD"));
        close(d.equalized_odds_ratio, &case_expect["equalized_odds_ratio"], &format!("{name} EOR"));
    }
}

#[test]
fn production_declines_60_plus_far_more_often_than_staging() {
    let (_d, case) = case_copy();
    let rate = |version: &str| {
        let r = slice(&case, SliceRequest {
            dataset: "inference/predictions.jsonl".into(),
            by: vec!["customer_age_band".into()],
            prediction: Some("decision=decline".into()),
            filters: vec![format!("model_version={version}")],
            ..Default::default()
        });
        assert_eq!(r.stats.by, ["inputs.customer_age_band"], "the nested field, found by its last name");
        (group(&r, "60+").selection_rate.unwrap(), r.stats.disparity.clone().unwrap())
    };
    let (production, pd) = rate("3");
    let (staging, _) = rate("2");
    assert!(production > 3.0 * staging, "production {production} staging {staging}");
    assert!(pd.four_fifths_violations > 0);
    assert_eq!(pd.max_selection_group, [Some("60+".to_string())]);
}

#[test]
fn the_cli_slices_with_json_and_refuses_what_it_cannot_slice() {
    let (_d, case) = case_copy();
    let c = case.to_str().unwrap();
    let out = custody(&["slice", c, "project/data/processed/train.parquet@v2.0", "--by", "customer_age_band,region", "--label", "is_fraud", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["by"], serde_json::json!(["customer_age_band", "region"]));
    assert_eq!(v["dataset"]["path"], "project/data/processed/train.parquet");
    let groups = v["groups"].as_array().unwrap();
    let total: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(total, v["rows"].as_u64().unwrap());
    assert!(groups.iter().all(|g| g["key"].as_array().unwrap().len() == 2 && g["base_rate"].is_number()));
    // a column that does not exist: exit 2, the column and the available ones named
    let bad = custody(&["slice", c, "project/data/processed/train.parquet@v2.0", "--by", "age"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("age") && stderr(&bad).contains("customer_age_band"), "{}", stderr(&bad));
    // a directory of two tables: name one
    let dir = custody(&["slice", c, "project/data/processed@v2.0", "--by", "region"]);
    assert_eq!(dir.status.code(), Some(2));
    assert!(stderr(&dir).contains("train.parquet") && stderr(&dir).contains("test.parquet"), "{}", stderr(&dir));
    // a label that is not 0/1
    let label = custody(&["slice", c, "project/data/processed/train.parquet@v2.0", "--by", "region", "--label", "merchant_category"]);
    assert_eq!(label.status.code(), Some(2));
    assert!(stderr(&label).contains("merchant_category"), "{}", stderr(&label));
    let unknown = custody(&["slice", c, "nothing/here.parquet", "--by", "region"]);
    assert_eq!(unknown.status.code(), Some(2));
}
