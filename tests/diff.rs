//! Building blocks of lineage divergence over the demo case: parameters and code between the
//! staging run (v1.1) and the production run (v2.0), as the real tools recorded them.

use custody::diff::{self, ParamChange};
use custody::lineage::NodeKind;
use custody::progress::Silent;
use custody::sources::git::GitRepo;
use custody::workflow;

use crate::support::{demo_case, demo_keys};

/// The run that registered the release's model version (v1.1 → version 2, v2.0 → version 3;
/// the nightly retrain of v2.0, version 4, carries the same `release` tag).
fn run_of(lineage: &custody::lineage::Lineage, release: &str) -> custody::lineage::Node {
    let version = match release {
        "v1.1" => "model-version:fraud-detector/2",
        "v2.0" => "model-version:fraud-detector/3",
        other => panic!("no model version for release {other}"),
    };
    let run = lineage.outgoing(version).into_iter().find(|e| e.relation == custody::lineage::Relation::WasGeneratedBy).expect("version's run").to;
    let node = lineage.node(&run).unwrap().clone();
    assert_eq!(node.kind(), NodeKind::Run);
    assert_eq!(node.payload.run().unwrap().tags["release"], release);
    node
}

fn commit_of(run: &custody::lineage::Node) -> String {
    run.payload.run().unwrap().tags["mlflow.source.git.commit"].clone()
}

fn demo_lineage() -> (tempfile::TempDir, custody::lineage::Lineage) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c.custody");
    workflow::investigate_with_keys(&demo_case(), Some(&case), &demo_keys(), &Silent).unwrap();
    let lineage = workflow::load_lineage(&custody::case::Case::open(&case).unwrap()).unwrap();
    (dir, lineage)
}

#[test]
fn staging_and_production_differ_in_max_depth_only() {
    let (_d, lineage) = demo_lineage();
    let (staging, production) = (run_of(&lineage, "v1.1"), run_of(&lineage, "v2.0"));
    let d = diff::params(&diff::run_params(&staging), &diff::run_params(&production));
    let changed: Vec<&ParamChange> = d.iter().filter(|c| c.is_change()).collect();
    assert_eq!(changed, [&ParamChange::Changed { name: "max_depth".into(), a: "3".into(), b: "5".into() }], "{d:#?}");
    assert!(d.iter().any(|c| c.name() == "learning_rate" && !c.is_change()));
    // a run against itself: nothing changes
    assert!(diff::params(&diff::run_params(&production), &diff::run_params(&production)).iter().all(|c| !c.is_change()));
}

#[test]
fn the_code_between_staging_and_production_is_the_planted_change() {
    let (_d, lineage) = demo_lineage();
    let (from, to) = (commit_of(&run_of(&lineage, "v1.1")), commit_of(&run_of(&lineage, "v2.0")));
    let root = demo_case();
    let repo = GitRepo::open(&root.join("project.git"), &root, custody::evidence::RelPath::new("project.git").unwrap()).unwrap();
    let code = diff::code(&repo, &from, &to).unwrap().expect("both commits are in the repository");
    let summaries: Vec<&str> = code.commits.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    assert!(summaries.contains(&"Prepare: merge internal review data"), "{summaries:?}");
    let prepare = code.files.iter().find(|f| f.path == "src/prepare.py").expect("prepare.py changed");
    assert_eq!(prepare.status, custody::sources::git::FileChangeStatus::Modified);
    assert!(prepare.lines_added > 0 && !prepare.binary);
    assert!(code.files.iter().any(|f| f.path == "data/raw/internal_reviews.csv.dvc" && f.status == custody::sources::git::FileChangeStatus::Added), "{:#?}", code.files);
    let params = repo.try_file_diff(&from, &to, "params.yaml").unwrap().expect("both commits are in the repository");
    assert!(params.contains("-  max_depth: 3") && params.contains("+  max_depth: 5"), "{params}");
    // the same commit on both sides: no commits, no files
    let same = diff::code(&repo, &to, &to).unwrap().unwrap();
    assert!(same.commits.is_empty() && same.files.is_empty());
    assert!(diff::code(&repo, &to, "0000000000000000000000000000000000000001").unwrap().is_none(), "an unknown commit");
}

#[test]
fn the_deployed_models_environment_reads_the_same_from_pip_and_conda_and_a_bumped_pin_is_a_change() {
    let model = demo_case().join("serving/fraud-detector");
    let pip_text = std::fs::read_to_string(model.join("requirements.txt")).unwrap();
    let pip = diff::requirement_lines(pip_text.lines());
    assert_eq!(pip.get("scikit-learn").map(String::as_str), Some("==1.9.1"), "{pip:?}");
    let conda = diff::conda_packages(&std::fs::read_to_string(model.join("conda.yaml")).unwrap()).unwrap();
    assert_eq!(conda.get("python").map(String::as_str), Some("==3.11.7"), "{conda:?}");
    // every pip pin of requirements.txt is in conda.yaml's pip list with the same version
    for (name, version) in &pip {
        assert_eq!(conda.get(name), Some(version), "{name}");
    }
    // mutation of the real file: scikit-learn bumped, scipy dropped, a package added
    let edited = pip_text.replace("scikit-learn==1.9.1", "scikit-learn==1.10.0").replace("scipy==1.17.1", "") + "\nxgboost==3.1.0\n";
    let changes = diff::packages(&pip, &diff::requirement_lines(edited.lines()));
    assert_eq!(
        changes,
        [
            diff::PackageChange::Changed { package: "scikit-learn".into(), a: "==1.9.1".into(), b: "==1.10.0".into() },
            diff::PackageChange::Removed { package: "scipy".into(), a: "==1.17.1".into() },
            diff::PackageChange::Added { package: "xgboost".into(), b: "==3.1.0".into() },
        ]
    );
    assert!(diff::packages(&pip, &pip).is_empty());
}

fn demo_diff(a: &str, b: &str) -> custody::diff::LineageDiff {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c.custody");
    workflow::investigate_with_keys(&demo_case(), Some(&case), &demo_keys(), &Silent).unwrap();
    workflow::diff(&custody::case::Case::open(&case).unwrap(), a, b, &Silent).unwrap()
}

fn kinds(ds: &[custody::diff::Divergence]) -> Vec<&'static str> {
    ds.iter().map(|d| d.kind.name()).collect()
}

/// The scenario planted exactly three root causes between staging (v2) and production (v3):
/// the preprocessing code change, the internal review queue as an extra raw source, and
/// `max_depth` 3 → 5. Nothing else may be reported as a root cause.
#[test]
fn staging_against_production_names_exactly_the_planted_root_causes() {
    use custody::diff::Detail;
    let d = demo_diff("models:/fraud-detector@staging", "models:/fraud-detector@production");
    assert_eq!((d.a.id.as_str(), d.b.id.as_str()), ("model-version:fraud-detector/2", "model-version:fraud-detector/3"));
    let mut k = kinds(&d.divergences);
    k.sort();
    assert_eq!(k, ["code", "data", "params"], "{:#?}", d.divergences);

    let code = d.divergences.iter().find(|x| x.kind.name() == "code").unwrap();
    let Detail::Code(c) = &code.detail else { panic!("{code:?}") };
    assert!(c.from.starts_with("43659e4a") && c.to.starts_with("0a90b199"), "{c:?}");
    assert!(c.commits.iter().any(|x| x.summary == "Prepare: merge internal review data"), "{c:?}");
    assert!(c.files.iter().any(|f| f.path == "src/prepare.py"), "{c:?}");
    // DVC's record of src/prepare.py as a stage dependency is the same change, folded in
    assert!(c.also_seen.iter().any(|w| w.id.contains("src/prepare.py")), "{c:?}");

    let data = d.divergences.iter().find(|x| x.kind.name() == "data").unwrap();
    assert_eq!(data.node_a, None, "an input only production has");
    assert_eq!(data.node_b.as_deref(), Some("data:project/data/raw/internal_reviews.csv@ddeba17c4f93a501dfc79f452bf7edf6"));
    let Detail::Data(profile) = &data.detail else { panic!() };
    assert_eq!(profile.profiles.first().map(|p| p.rows), Some(1200), "{profile:?}");

    let params = d.divergences.iter().find(|x| x.kind.name() == "params").unwrap();
    let Detail::Params(p) = &params.detail else { panic!() };
    assert_eq!(p.changes, [ParamChange::Changed { name: "max_depth".into(), a: "3".into(), b: "5".into() }]);
    assert!(p.unchanged.iter().any(|c| c.name() == "learning_rate"));

    // downstream: the rebuilt training data, with its added rows traced to the extra source
    let processed = d.downstream.iter().find(|x| x.node_b.as_deref().is_some_and(|n| n.starts_with("data:project/data/processed@"))).expect("data/processed is downstream");
    let Detail::Data(dd) = &processed.detail else { panic!() };
    let train = dd.tables.iter().find(|t| t.member == "train.parquet").expect("train.parquet compared row by row");
    assert_eq!((train.rows_added, train.rows_removed, train.rows_changed), (1200, 0, 0), "{train:?}");
    assert_eq!(train.rows_unchanged, 3200);
    assert_eq!(train.added_from.len(), 1, "{:?}", train.added_from);
    assert_eq!((train.added_from[0].source.as_str(), train.added_from[0].rows), ("project/data/raw/internal_reviews.csv", 1200));
    // the test split did not change, so it is not a member that changed
    assert_eq!(dd.members_changed, ["train.parquet"], "{dd:?}");
    // the models and runs are downstream, never root causes
    for id in ["model-version:fraud-detector/3", "run:c006e5c16bb94ca6a182449d8782fa5e"] {
        assert!(d.downstream.iter().any(|x| x.node_b.as_deref() == Some(id)), "{id} downstream");
    }
    // metrics side by side
    let auc = d.metrics.iter().find(|m| m.name == "auc").expect("auc");
    assert!(auc.a.unwrap() > auc.b.unwrap(), "{auc:?}");
}

#[test]
fn a_model_against_itself_has_no_divergence() {
    let d = demo_diff("models:/fraud-detector@production", "models:/fraud-detector/3");
    assert!(d.divergences.is_empty() && d.downstream.is_empty(), "{:#?}", d.divergences);
    assert!(d.pairs.iter().all(|p| p.state == custody::diff::compare::PairState::Equal));
}

fn cli_case() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("c.custody").display().to_string();
    let mut args = vec!["investigate".to_string(), demo_case().display().to_string(), "--case".into(), case.clone(), "--json".into()];
    args.extend(crate::support::trust_args());
    let out = crate::support::custody(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", crate::support::stderr(&out));
    (dir, case)
}

#[test]
fn the_cli_prints_root_causes_first_and_its_json_has_divergences_and_downstream() {
    use crate::support::{custody, stderr, stdout};
    let (_d, case) = cli_case();
    let out = custody(&["diff", &case, "models:/fraud-detector@staging", "models:/fraud-detector@production", "--file-diff", "src/prepare.py"]);
    assert_eq!(out.status.code(), Some(0), "a difference is an answer, not an error: {}", stderr(&out));
    let text = stdout(&out);
    let (roots, downstream) = (text.find("Root causes (3)").expect(&text), text.find("Downstream").expect(&text));
    assert!(roots < downstream, "{text}");
    for needle in ["max_depth: 3 → 5", "Prepare: merge internal review data", "internal_reviews.csv", "--- src/prepare.py"] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    // the whole human report, root causes to metrics (commit SHAs, ids and data are reproducible)
    let report = custody(&["diff", &case, "models:/fraud-detector@staging", "models:/fraud-detector@production"]);
    insta::assert_snapshot!("staging_production_diff", stdout(&report));
    let json = custody(&["diff", &case, "models:/fraud-detector@staging", "models:/fraud-detector@production", "--json"]);
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("one JSON object");
    let divergences = v["divergences"].as_array().unwrap();
    assert_eq!(divergences.len(), 3);
    for d in divergences.iter().chain(v["downstream"].as_array().unwrap()) {
        assert!(d["kind"].is_string() && d["detail"].is_object(), "{d}");
        assert!(d.get("node_a").is_some() || d.get("node_b").is_some(), "{d}");
    }
    assert!(divergences.iter().any(|d| d["kind"] == "params" && d["detail"]["changes"][0]["name"] == "max_depth"));
    assert!(!v["downstream"].as_array().unwrap().is_empty());
}

#[test]
fn a_reference_that_does_not_resolve_is_exit_2_naming_it() {
    use crate::support::{custody, stderr};
    let (_d, case) = cli_case();
    let out = custody(&["diff", &case, "models:/fraud-detector@nightly", "models:/fraud-detector@production"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("models:/fraud-detector@nightly"), "{}", stderr(&out));
}

/// Mutation of the real evidence: production's logged model says scikit-learn 1.10.0 in its
/// requirements.txt. That is one more root cause, of kind environment, and nothing else moves.
#[test]
fn a_bumped_pin_in_the_production_models_requirements_is_an_environment_root_cause() {
    use custody::diff::{Detail, PackageChange};
    let m = crate::support::materialise(None, crate::support::GitLayout::BareBeside);
    let req = m.root.join("mlflow/artifacts/models/m-714b3dc3007242b982c6451ca7bad30c/artifacts/requirements.txt");
    let text = std::fs::read_to_string(&req).unwrap();
    assert!(text.contains("scikit-learn==1.9.1"));
    std::fs::write(&req, text.replace("scikit-learn==1.9.1", "scikit-learn==1.10.0")).unwrap();
    let case = m.dir.path().join("c.custody");
    workflow::investigate_with_keys(&m.root, Some(&case), &demo_keys(), &Silent).unwrap();
    let d = workflow::diff(&custody::case::Case::open(&case).unwrap(), "models:/fraud-detector@staging", "models:/fraud-detector@production", &Silent).unwrap();
    let mut k = kinds(&d.divergences);
    k.sort();
    assert_eq!(k, ["code", "data", "environment", "params"], "{:#?}", d.divergences);
    let env = d.divergences.iter().find(|x| x.kind.name() == "environment").unwrap();
    let Detail::Environment(e) = &env.detail else { panic!() };
    let changed: Vec<&PackageChange> = e.files.iter().flat_map(|f| &f.changes).collect();
    assert_eq!(changed, [&PackageChange::Changed { package: "scikit-learn".into(), a: "==1.9.1".into(), b: "==1.10.0".into() }], "{e:#?}");
}

/// Mutations of the real production training table (pandas/pyarrow wrote it): three labels
/// flipped are three changed rows paired by `transaction_id`, in `is_fraud` only; ten rows
/// dropped and the rest reversed are ten removed rows and nothing else.
#[test]
fn row_level_comparison_of_the_real_training_table_names_each_mutation() {
    use custody::diff::data::compare_tables;
    use custody::sources::dataset::{Format, read_table};
    use polars::prelude::*;
    let train = read_table(&demo_case().join("project/data/processed/train.parquet"), Format::Parquet).unwrap();
    let n = train.height();
    let mut labels: Vec<i64> = train.column("is_fraud").unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().into_no_null_iter().collect();
    for r in [3, 14, 32] {
        labels[r] = 1 - labels[r];
    }
    let mut flipped = train.clone();
    flipped.with_column(Column::new("is_fraud".into(), labels)).unwrap();
    let c = compare_tables("train.parquet", &train, &flipped, &[]).unwrap();
    assert_eq!((c.rows_changed, c.rows_added, c.rows_removed, c.rows_unchanged), (3, 0, 0, n - 3), "{}", c.describe());
    assert_eq!(c.key.as_deref(), Some("transaction_id"));
    let changed: Vec<(&str, usize)> = c.columns.iter().filter(|s| s.changed_rows > 0).map(|s| (s.name.as_str(), s.changed_rows)).collect();
    assert_eq!(changed, [("is_fraud", 3)]);

    let dropped = train.slice(10, n - 10).reverse();
    let c = compare_tables("train.parquet", &train, &dropped, &[]).unwrap();
    assert_eq!((c.rows_changed, c.rows_added, c.rows_removed, c.rows_unchanged), (0, 0, 10, n - 10), "{}", c.describe());
    assert!(compare_tables("train.parquet", &train, &train.reverse(), &[]).unwrap().is_same(), "reordering is not a change");
}

/// The nightly retrain (version 4) re-ran the pipeline at the same commit on the same data
/// with the same parameters: no code, data, parameter or environment divergence, and since
/// MLflow wrote the same model bytes, none at all.
#[test]
fn a_retraining_with_identical_inputs_has_no_code_data_or_parameter_divergence() {
    let d = demo_diff("models:/fraud-detector/3", "models:/fraud-detector/4");
    for kind in ["code", "data", "params", "environment"] {
        assert!(!kinds(&d.divergences).contains(&kind) && !kinds(&d.downstream).contains(&kind), "{kind}: {:#?} {:#?}", d.divergences, d.downstream);
    }
    assert!(d.divergences.is_empty(), "{:#?}", d.divergences);
    // the two runs are distinct nodes, aligned with each other, and compare equal
    let runs = d.pairs.iter().find(|p| p.a.as_ref().is_some_and(|a| a.id == "run:c006e5c16bb94ca6a182449d8782fa5e")).expect("production run aligned");
    assert_eq!(runs.b.as_ref().map(|b| b.id.as_str()), Some("run:f3718b89cc454ff29ed7c4b6615e8f72"));
    assert_eq!(runs.state, custody::diff::compare::PairState::Equal);
    // the commit and both datasets are the same nodes on both sides
    assert!(d.pairs.iter().any(|p| p.a.as_ref().is_some_and(|a| a.id == "commit:0a90b199aada753eb54ef1c1a6e94b6d40cccb06") && p.a == p.b));
    assert!(d.metrics.iter().all(|m| m.a == m.b), "{:?}", d.metrics);
}
