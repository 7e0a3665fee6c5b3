//! Queries over the demo case's lineage: references in every form the CLI accepts, the
//! neighbourhood view with clustering, and the DOT and PROV-JSON renders. Expected answers
//! come from the evidence itself (SQL on mlflow.db, git, the files on disk).

use std::sync::OnceLock;

use custody::case::Case;
use custody::lineage::Lineage;
use custody::lineage::query::{self, RefError};
use custody::progress::Silent;
use custody::workflow;
use rusqlite::Connection;

use crate::support::{custody, demo_case, stdout};

/// One investigation of the demo case shared by these tests (the case file is only read).
fn case_path() -> &'static std::path::Path {
    static CASE: OnceLock<std::path::PathBuf> = OnceLock::new();
    CASE.get_or_init(|| {
        let path = crate::support::shared_scratch("lineage-queries").join("demo.custody");
        workflow::investigate_with_keys(&demo_case(), Some(&path), &crate::support::demo_keys(), &Silent).unwrap();
        path
    })
}

fn lineage() -> Lineage {
    workflow::load_lineage(&Case::open(case_path()).unwrap()).unwrap()
}

fn sql_one(sql: &str) -> String {
    let conn = Connection::open_with_flags(demo_case().join("mlflow/mlflow.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |r| r.get::<_, String>(0)).unwrap()
}

#[test]
fn model_uris_resolve_to_the_registered_version() {
    let g = lineage();
    let version = sql_one("SELECT CAST(version AS TEXT) FROM registered_model_aliases WHERE alias = 'production'");
    let want = format!("model-version:fraud-detector/{version}");
    assert_eq!(query::resolve(&g, "models:/fraud-detector@production").unwrap(), want);
    assert_eq!(query::resolve(&g, &format!("models:/fraud-detector/{version}")).unwrap(), want);
    assert!(matches!(query::resolve(&g, "models:/fraud-detector@nonexistent"), Err(RefError::Unknown { .. })));
}

#[test]
fn run_ids_and_prefixes_resolve() {
    let g = lineage();
    let run = sql_one("SELECT run_uuid FROM runs ORDER BY start_time LIMIT 1");
    assert_eq!(query::resolve(&g, &run).unwrap(), format!("run:{run}"));
    assert_eq!(query::resolve(&g, &run[..10]).unwrap(), format!("run:{run}"));
}

#[test]
fn digests_and_paths_resolve_to_data_versions() {
    let g = lineage();
    let dvc_file = std::fs::read_to_string(demo_case().join("project/data/raw/transactions.csv.dvc")).unwrap();
    let md5 = dvc_file.lines().find_map(|l| l.trim().strip_prefix("- md5: ")).unwrap().trim();
    let id = query::resolve(&g, &format!("md5:{}", &md5[..8])).unwrap();
    assert!(id.ends_with(&format!("@{md5}")), "{id}");
    // A path alone is the work tree's version; `@TAG` is the version locked at that tag.
    let repo = git2::Repository::open_bare(demo_case().join("project.git")).unwrap();
    let lock_at_v1 = {
        let commit = repo.revparse_single("v1.0").unwrap().peel_to_commit().unwrap();
        let entry = commit.tree().unwrap().get_path(std::path::Path::new("dvc.lock")).unwrap();
        String::from_utf8(repo.find_blob(entry.id()).unwrap().content().to_vec()).unwrap()
    };
    let processed_at_v1 = lock_at_v1.split("- path: data/processed").nth(1).unwrap().lines().find_map(|l| l.trim().strip_prefix("md5: ")).unwrap().to_string();
    assert_eq!(query::resolve(&g, "project/data/processed@v1.0").unwrap(), format!("data:project/data/processed@{processed_at_v1}"));
    let work_tree = std::fs::read_to_string(demo_case().join("project/dvc.lock")).unwrap();
    let processed_now = work_tree.split("- path: data/processed").nth(1).unwrap().lines().find_map(|l| l.trim().strip_prefix("md5: ")).unwrap().to_string();
    assert_eq!(query::resolve(&g, "project/data/processed").unwrap(), format!("data:project/data/processed@{processed_now}"));
}

#[test]
fn ambiguous_and_unknown_references_list_candidates() {
    let g = lineage();
    match query::resolve(&g, "md5:") {
        Err(RefError::Ambiguous { candidates, .. }) => assert!(candidates.len() > 3),
        other => panic!("expected ambiguity, got {other:?}"),
    }
    match query::resolve(&g, "train") {
        Err(RefError::Unknown { suggestions, .. }) => assert!(suggestions.iter().any(|s| s.id.starts_with("run:"))),
        other => panic!("expected unknown with suggestions, got {other:?}"),
    }
    let out = custody(&["graph", case_path().to_str().unwrap(), "md5:"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ambiguous"));
}

#[test]
fn large_sibling_groups_collapse_into_clusters_until_expanded() {
    let g = lineage();
    let focus = query::resolve(&g, "models:/fraud-detector@production").unwrap();
    let view = query::neighbourhood(&g, &focus, 2, 5, &[]).unwrap();
    // The logged model's artifact files: as many as the artifact folder holds on disk.
    let model_id = sql_one("SELECT substr(source, 9) FROM model_versions mv JOIN registered_model_aliases a ON a.name = mv.name AND a.version = mv.version WHERE a.alias = 'production'");
    let on_disk = std::fs::read_dir(demo_case().join(format!("mlflow/artifacts/models/{model_id}/artifacts"))).unwrap().count();
    let cluster = view.clusters.iter().find(|c| c.anchor == format!("logged-model:{model_id}")).expect("artifact files clustered");
    assert_eq!(cluster.members.len(), on_disk);
    assert!(!view.nodes.iter().any(|n| n.id.starts_with("file:")), "clustered members are not drawn");
    assert!(view.upstream.contains(&focus));
    let expanded = query::neighbourhood(&g, &focus, 2, 5, std::slice::from_ref(&cluster.id)).unwrap();
    assert_eq!(expanded.nodes.iter().filter(|n| n.id.starts_with("file:")).count(), on_disk);
}

#[test]
fn the_production_neighbourhood_renders_as_dot() {
    let out = custody(&["graph", case_path().to_str().unwrap(), "models:/fraud-detector@production", "--depth", "2"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("production_neighbourhood_dot", stdout(&out));
}

#[test]
fn prov_json_declares_every_relation_endpoint() {
    let out = custody(&["graph", case_path().to_str().unwrap(), "--format", "prov"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let declared: std::collections::HashSet<&str> = ["entity", "activity", "agent"]
        .iter()
        .flat_map(|k| doc[*k].as_object().into_iter().flat_map(|m| m.keys().map(String::as_str)))
        .collect();
    let mut relations = 0;
    for rel in ["used", "wasGeneratedBy", "wasDerivedFrom", "wasAssociatedWith", "wasAttributedTo", "alternateOf", "hadMember"] {
        for record in doc[rel].as_object().into_iter().flat_map(|m| m.values()) {
            for endpoint in record.as_object().unwrap().iter().filter(|(k, _)| *k != "prov:role").map(|(_, v)| v.as_str().unwrap()) {
                assert!(declared.contains(endpoint), "{rel} refers to undeclared {endpoint}");
            }
            relations += 1;
        }
    }
    let g = lineage();
    assert_eq!(relations, g.edge_count());
    assert_eq!(declared.len(), g.node_count());
}
