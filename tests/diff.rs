//! Building blocks of lineage divergence over the demo case: parameters and code between the
//! staging run (v1.1) and the production run (v2.0), as the real tools recorded them.

use custody::diff::{self, ParamChange};
use custody::lineage::NodeKind;
use custody::progress::Silent;
use custody::sources::git::GitRepo;
use custody::workflow;

use crate::support::{demo_case, demo_keys};

/// The run node tagged with `release` (MLflow tag set by the project's publish script).
fn run_of(lineage: &custody::lineage::Lineage, release: &str) -> custody::lineage::Node {
    lineage
        .nodes()
        .into_iter()
        .find(|n| n.kind == NodeKind::Run && n.attrs["tags"]["release"] == release)
        .unwrap_or_else(|| panic!("no run for release {release}"))
        .clone()
}

fn commit_of(run: &custody::lineage::Node) -> String {
    run.attrs["tags"]["mlflow.source.git.commit"].as_str().unwrap().to_string()
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
    let code = diff::code(&repo, &from, &to).expect("both commits are in the repository");
    let summaries: Vec<&str> = code.commits.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    assert!(summaries.contains(&"Prepare: merge internal review data"), "{summaries:?}");
    let prepare = code.files.iter().find(|f| f.path == "src/prepare.py").expect("prepare.py changed");
    assert_eq!(prepare.status, "modified");
    assert!(prepare.lines_added > 0 && !prepare.binary);
    assert!(code.files.iter().any(|f| f.path == "data/raw/internal_reviews.csv.dvc" && f.status == "added"), "{:#?}", code.files);
    let params = repo.file_diff(&from, &to, "params.yaml").unwrap();
    assert!(params.contains("-  max_depth: 3") && params.contains("+  max_depth: 5"), "{params}");
    // the same commit on both sides: no commits, no files
    let same = diff::code(&repo, &to, &to).unwrap();
    assert!(same.commits.is_empty() && same.files.is_empty());
    assert!(diff::code(&repo, &to, "0000000000000000000000000000000000000001").is_none(), "an unknown commit");
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
