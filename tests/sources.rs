//! The format readers against real files written by the real tools (`fixtures/samples`, made by
//! `fixtures/make-samples`: MLflow 2.22.5 and 3.17.2 SQLite stores, a DVC 3.67.1 project's lock,
//! `.dvc` files, work tree and cache).


use custody::evidence::RelPath;
use custody::sources::dvc::{self, HashKind, Location};
use custody::sources::mlflow::{Generation, ModelSource, TrackingStore};
use rusqlite::Connection;

use crate::support::{sample_facts, samples};

/// Reads the same facts straight from SQL, as the oracle for the parser.
fn sql_pairs(db: &std::path::Path, sql: &str) -> Vec<(String, String)> {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn mlflow_2_and_3_stores_read_into_the_same_checked_model() {
    for (file, generation) in [("mlflow2_22_5.db", Generation::Mlflow2), ("mlflow3_17_2.db", Generation::Mlflow3)] {
        let path = samples().join("formats").join(file);
        let before = std::fs::read(&path).unwrap();
        let store = TrackingStore::read(&path, RelPath::new(file).unwrap()).unwrap();
        assert_eq!(store.generation, generation, "{file}");
        let version: Vec<(String, String)> = sql_pairs(&path, "SELECT version_num, version_num FROM alembic_version");
        assert_eq!(store.schema_revision.as_deref(), Some(version[0].0.as_str()));

        // Every run, with its commit tag and params, as SQL sees them.
        let commits = sql_pairs(&path, "SELECT run_uuid, value FROM tags WHERE key = 'mlflow.source.git.commit'");
        assert!(!commits.is_empty());
        for (run, sha) in &commits {
            assert_eq!(store.run(run).unwrap().git_commit(), Some(sha.as_str()));
        }
        let params = sql_pairs(&path, "SELECT run_uuid || '/' || key, value FROM params");
        let parsed: Vec<(String, String)> = store
            .runs
            .iter()
            .flat_map(|r| r.params.iter().map(move |(k, v)| (format!("{}/{k}", r.id.as_str()), v.clone())))
            .collect();
        assert_eq!(parsed.len(), params.len());
        for p in &params {
            assert!(parsed.contains(p), "{file}: param {p:?} not read");
        }

        // Dataset inputs arrive on their run with source JSON decoded.
        let inputs = sql_pairs(&path, "SELECT destination_id, source_id FROM inputs WHERE source_type = 'DATASET'");
        for (run, ds) in &inputs {
            let run = store.run(run).unwrap();
            assert!(run.dataset_inputs.iter().any(|i| &i.dataset_uuid == ds));
            assert!(store.dataset(ds).unwrap().source_uri().is_some());
        }

        // Versions and aliases; the version's source parses per generation.
        let versions = sql_pairs(&path, "SELECT name || '/' || version, source FROM model_versions");
        assert_eq!(store.model_versions.len(), versions.len());
        for v in &store.model_versions {
            match (generation, v.parsed_source().unwrap()) {
                (Generation::Mlflow3, ModelSource::LoggedModel { model_id }) => {
                    let lm = store.logged_model(&model_id).expect("3.x version source names a logged model");
                    assert_eq!(lm.source_run_id.as_deref(), v.run_id.as_deref());
                }
                (Generation::Mlflow2, ModelSource::Location { uri }) => assert!(uri.ends_with("/artifacts/model")),
                other => panic!("{file}: unexpected source {other:?}"),
            }
        }
        let aliases = sql_pairs(&path, "SELECT name || '@' || alias, CAST(version AS TEXT) FROM registered_model_aliases");
        assert_eq!(aliases.len(), store.aliases.len());

        // What make-samples recorded: each run trained at its own commit of the sample repo.
        let facts = &sample_facts()[file];
        assert_eq!(store.schema_revision.as_deref(), facts["schema_revision"].as_str());
        let runs = facts["runs"].as_array().unwrap();
        assert!(runs.len() >= 2, "{file}: the sample has several runs");
        for f in runs {
            let run = store.run(f["run_id"].as_str().unwrap()).unwrap();
            assert_eq!(run.git_commit(), f["git_commit"].as_str(), "{file}");
            assert_eq!(run.params.get("lr").map(String::as_str), f["params"]["lr"].as_str(), "{file}");
        }
        assert_eq!(store.model_versions.len(), facts["model_versions"].as_array().unwrap().len());
        assert_eq!(store.aliases.len(), facts["aliases"].as_object().unwrap().len());
        assert_eq!(std::fs::read(&path).unwrap(), before, "{file} was modified by reading it");
    }
}

#[test]
fn a_truncated_mlflow_store_is_a_named_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(samples().join("formats/mlflow3_17_2.db")).unwrap();
    let cut = dir.path().join("mlflow.db");
    // Keep the header page only: the schema pages are gone.
    std::fs::write(&cut, &bytes[..4096]).unwrap();
    let err = TrackingStore::read(&cut, RelPath::new("mlflow.db").unwrap()).unwrap_err().to_string();
    assert!(err.contains("mlflow.db"), "error names the file: {err}");
}

#[test]
fn dvc_lock_dvc_files_and_cache_agree_with_dvc() {
    let dir = samples().join("formats/dvc");
    let lock_bytes = std::fs::read(dir.join("dvc.lock")).unwrap();
    let lock = dvc::parse_lock(&lock_bytes, &RelPath::new("dvc.lock").unwrap(), "dvc.lock", &dvc::StageSpecs::default()).unwrap();
    let train = &lock.stages[0];
    assert_eq!(train.name, "train");
    // the lock's params are params.yaml's, as DVC read them
    let params: serde_json::Value = serde_norway::from_slice(&std::fs::read(dir.join("params.yaml")).unwrap()).unwrap();
    assert_eq!(train.params["params.yaml"]["lr"], params["lr"]);
    let dir_dep = train.deps.iter().find(|d| d.digest.as_ref().is_some_and(|g| g.is_dir)).unwrap();
    assert_eq!(dir_dep.location, Location::Local(RelPath::new("data/dir").unwrap()));
    let nfiles = walkdir::WalkDir::new(dir.join("data/dir")).into_iter().filter(|e| e.as_ref().unwrap().file_type().is_file()).count();
    assert_eq!(dir_dep.nfiles, Some(nfiles as u64));

    // Every cached object DVC wrote re-hashes to its name, and the `.dir` manifest too.
    let cache = dir.join(".dvc/cache");
    let mut checked = 0;
    for name in ["crlf.csv.dvc", "dir.dvc", "tool.sh.dvc"] {
        let file = dvc::parse_dvc_file(&std::fs::read(dir.join(name)).unwrap(), &RelPath::new(name).unwrap(), name).unwrap();
        for out in &file.stages[0].outs {
            let d = out.digest.as_ref().unwrap();
            assert_eq!(d.kind, HashKind::Md5);
            let object = cache.join(d.cache_path());
            let bytes = std::fs::read(&object).unwrap();
            assert_eq!(custody::hashing::md5_hex(&bytes), d.hex, "{}", object.display());
            // the `.dvc` file as make-samples read it, and (a file) the work tree's bytes
            let added = name.strip_suffix(".dvc").unwrap();
            assert_eq!(sample_facts()["dvc"]["dvc_file_md5"][added], d.value().as_str(), "{name}");
            if !d.is_dir {
                assert_eq!(custody::hashing::md5_hex(&std::fs::read(dir.join(added)).unwrap()), d.hex, "{added}");
            }
            if d.is_dir {
                let entries = dvc::parse_manifest(&bytes, "manifest").unwrap();
                assert_eq!(entries.len() as u64, out.nfiles.unwrap());
                // Recomputing the manifest bytes from its entries reproduces DVC's digest.
                assert_eq!(custody::hashing::md5_hex(&dvc::manifest_json(&entries)), d.hex);
                for e in entries {
                    let member = cache.join(format!("files/md5/{}/{}", &e.md5[..2], &e.md5[2..]));
                    assert_eq!(custody::hashing::md5_hex(&std::fs::read(member).unwrap()), e.md5);
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
    assert!(file_is_exec(&dir));
}

fn file_is_exec(dir: &std::path::Path) -> bool {
    let f = dvc::parse_dvc_file(&std::fs::read(dir.join("tool.sh.dvc")).unwrap(), &RelPath::new("tool.sh.dvc").unwrap(), "tool.sh.dvc").unwrap();
    f.stages[0].outs[0].isexec
}

#[test]
fn a_legacy_lock_entry_is_md5_dos2unix() {
    // The same CRLF entry written by DVC 2 (no `hash:` key) is the legacy digest.
    let lock = b"schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: data/crlf.csv\n      md5: b202f333fba4fd38d4b8e5e693077aab\n      size: 10\n";
    let parsed = dvc::parse_lock(lock, &RelPath::new("dvc.lock").unwrap(), "dvc.lock", &dvc::StageSpecs::default()).unwrap();
    let d = parsed.stages[0].outs[0].digest.as_ref().unwrap();
    assert_eq!(d.kind, HashKind::Md5Dos2unix);
    assert_eq!(d.cache_path(), "b2/02f333fba4fd38d4b8e5e693077aab");
}
