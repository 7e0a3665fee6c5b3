//! MLflow tracking and model-registry stores kept in SQLite (the schemas of MLflow 2.x and 3.x).
//!
//! Why: MLflow is where runs, their parameters, their git commit, their dataset inputs and the
//! registered model versions and aliases are recorded. It records no content hash of model
//! files, so its claims are checked against the other sources (git, DVC) and the artifact store.
//!
//! Reading is in two steps. Each table's rows are first read as they are (every column optional
//! where the schema allows NULL); [`TrackingStore::read`] then converts them into checked types,
//! enforcing the invariants MLflow itself guarantees (32-hex run ids, integer versions, JSON
//! dataset sources) with named errors ([`MlflowError`]). Tables that a schema generation lacks
//! (`logged_models` before 3.0) are simply empty.
//!
//! Guarantees: the database is opened read-only (`crate::sqlite`), the tables are read in one
//! fixed order so the first invalid row found is always the same one, and every error names
//! the file, the table and, for an invalid row, the row's key.
//!
//! This module is the entry point ([`TrackingStore::read`]) and the contract ([`MlflowError`],
//! [`TrackingStore`]). The steps are modules of one table (or one family of tables) each:
//! * `tables`: the open store and the one query helper every step uses;
//! * `experiments`: `experiments`;
//! * `runs`: `runs`, with their `params`, `tags` and `latest_metrics`;
//! * `datasets`: `datasets`, whose JSON columns are decoded and checked;
//! * `inputs`: `inputs` and `input_tags`, the edges from datasets and models to runs;
//! * `registry`: `model_versions`, `model_version_tags` and `registered_model_aliases`;
//! * `logged_models`: `logged_models` and `logged_model_tags` (3.x).

mod datasets;
mod experiments;
mod inputs;
mod logged_models;
mod registry;
mod runs;
mod tables;

use std::num::ParseIntError;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::sqlite::{EvidenceDbError, open_evidence_db, table_names};
use custody_evidence::RelPath;
use tables::Tables;

pub use datasets::Dataset;
pub use experiments::Experiment;
pub use inputs::{DatasetInput, DatasetRole};
pub use logged_models::LoggedModel;
pub use registry::{Alias, ModelSource, ModelVersion, STAGE_DELETED_INTERNAL};
pub use runs::{GIT_COMMIT_TAG, Metric, Run, RunId};

/// Why an MLflow store could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MlflowError {
    /// The file cannot be opened as a SQLite database (or, beside a write-ahead log, cannot be
    /// copied aside to be read).
    #[error("{path}: cannot open as SQLite: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: EvidenceDbError,
    },
    /// The database opened but its list of tables cannot be read.
    #[error("{path}: cannot open as SQLite: {source}")]
    ListTables {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// A table every MLflow tracking store has is missing.
    #[error("{path}: not an MLflow tracking store (no table `{table}`)")]
    NotATrackingStore { path: PathBuf, table: &'static str },
    /// A table's rows (or its columns) cannot be read.
    #[error("{path}: reading table `{table}`: {source}")]
    Query {
        path: PathBuf,
        table: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// A `runs.run_uuid` that is not MLflow's 32 hexadecimal digits.
    #[error("{path}: table `runs`, row run_uuid={run_uuid}: run id is not 32 hexadecimal digits")]
    RunId { path: PathBuf, run_uuid: String },
    /// A JSON column of `datasets` (`dataset_source`, `dataset_schema`, `dataset_profile`) that
    /// holds text which is not JSON.
    #[error("{path}: table `datasets`, row dataset_uuid={dataset_uuid}: `{column}` is not JSON: {source}")]
    DatasetJson {
        path: PathBuf,
        dataset_uuid: String,
        column: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// A `model_versions.version` that is not a whole number.
    #[error("{path}: table `model_versions`, row name={name}: version `{version}` is not a whole number")]
    ModelVersion {
        path: PathBuf,
        name: String,
        version: String,
        #[source]
        source: ParseIntError,
    },
    /// A `registered_model_aliases.version` that is not a whole number.
    #[error("{path}: table `registered_model_aliases`, row name={model}, alias={alias}: version `{version}` is not a whole number")]
    AliasVersion {
        path: PathBuf,
        model: String,
        alias: String,
        version: String,
        #[source]
        source: ParseIntError,
    },
}

/// Which MLflow generation wrote the store, judged by its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generation {
    /// MLflow 2.x: model files live under the run's artifacts.
    Mlflow2,
    /// MLflow 3.x: logged models are first-class (`logged_models`), versions point at them.
    Mlflow3,
}

/// One MLflow SQLite store, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrackingStore {
    /// The database file, relative to its evidence root.
    pub rel: RelPath,
    /// `alembic_version.version_num`: the exact schema revision.
    pub schema_revision: Option<String>,
    pub generation: Generation,
    pub experiments: Vec<Experiment>,
    pub runs: Vec<Run>,
    pub model_versions: Vec<ModelVersion>,
    pub aliases: Vec<Alias>,
    pub logged_models: Vec<LoggedModel>,
    pub datasets: Vec<Dataset>,
}

/// Whether an open SQLite database has MLflow's tracking tables.
pub fn is_tracking_store(conn: &Connection) -> bool {
    let tables = table_names(conn).unwrap_or_default();
    ["alembic_version", "experiments", "runs"].iter().all(|t| tables.iter().any(|n| n == t))
}

/// The tables without which a database is not a tracking store.
const REQUIRED_TABLES: [&str; 2] = ["experiments", "runs"];

impl TrackingStore {
    /// Reads and checks the store at `path` (`rel` is how findings name it).
    ///
    /// The steps run in a fixed order (runs before the tables that attach to them, datasets
    /// before the inputs that name them), so the first error is always the same one.
    pub fn read(path: &Path, rel: RelPath) -> Result<TrackingStore, MlflowError> {
        let db = open_evidence_db(path).map_err(|source| MlflowError::Open { path: path.into(), source })?;
        let names = table_names(&db.conn).map_err(|source| MlflowError::ListTables { path: path.into(), source })?;
        if let Some(table) = REQUIRED_TABLES.into_iter().find(|t| !names.iter().any(|n| n == t)) {
            return Err(MlflowError::NotATrackingStore { path: path.into(), table });
        }
        let t = Tables::new(&db.conn, path, names);
        let generation = if t.has("logged_models") { Generation::Mlflow3 } else { Generation::Mlflow2 };
        let schema_revision = schema_revision(&t)?;
        let experiments = experiments::read(&t)?;
        let mut runs = runs::read(&t)?;
        let datasets = datasets::read(&t)?;
        inputs::attach(&t, &mut runs)?;
        let model_versions = registry::read_versions(&t)?;
        let aliases = registry::read_aliases(&t)?;
        let logged_models = logged_models::read(&t)?;
        Ok(TrackingStore {
            rel,
            schema_revision,
            generation,
            experiments,
            runs: runs.into_list(),
            model_versions,
            aliases,
            logged_models,
            datasets,
        })
    }

    pub fn run(&self, id: &str) -> Option<&Run> {
        let id = id.to_ascii_lowercase();
        self.runs.iter().find(|r| r.id.as_str() == id)
    }

    pub fn experiment(&self, id: &str) -> Option<&Experiment> {
        self.experiments.iter().find(|e| e.id == id)
    }

    pub fn logged_model(&self, id: &str) -> Option<&LoggedModel> {
        self.logged_models.iter().find(|m| m.id == id)
    }

    pub fn dataset(&self, uuid: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.uuid == uuid)
    }

    pub fn model_version(&self, name: &str, version: u32) -> Option<&ModelVersion> {
        self.model_versions.iter().find(|v| v.name == name && v.version == version)
    }
}

/// `alembic_version.version_num`, when the store has the table.
fn schema_revision(t: &Tables<'_>) -> Result<Option<String>, MlflowError> {
    if !t.has("alembic_version") {
        return Ok(None);
    }
    Ok(t.rows("alembic_version", "SELECT version_num FROM alembic_version", |row| row.get(0))?.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "0123456789abcdef0123456789ABCDEF";

    /// A minimal 3.x-shaped store: `sql` runs after the tables are made, then the store is read.
    fn read_with(sql: &str) -> (PathBuf, Result<TrackingStore, MlflowError>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mlflow.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE alembic_version (version_num TEXT);
             INSERT INTO alembic_version VALUES ('abc123');
             CREATE TABLE experiments (experiment_id INTEGER, name TEXT, artifact_location TEXT, lifecycle_stage TEXT);
             INSERT INTO experiments VALUES (0, 'Default', 'mlruns/0', 'active');
             CREATE TABLE runs (run_uuid TEXT, experiment_id INTEGER, name TEXT, status TEXT, user_id TEXT, start_time INTEGER,
                                end_time INTEGER, lifecycle_stage TEXT, artifact_uri TEXT);
             CREATE TABLE params (run_uuid TEXT, key TEXT, value TEXT);
             CREATE TABLE tags (run_uuid TEXT, key TEXT, value TEXT);
             CREATE TABLE latest_metrics (run_uuid TEXT, key TEXT, value REAL, step INTEGER, timestamp INTEGER, is_nan BOOLEAN);
             CREATE TABLE datasets (dataset_uuid TEXT, experiment_id INTEGER, name TEXT, digest TEXT, dataset_source_type TEXT,
                                    dataset_source TEXT, dataset_schema TEXT, dataset_profile TEXT);
             CREATE TABLE inputs (input_uuid TEXT, source_type TEXT, source_id TEXT, destination_type TEXT, destination_id TEXT);
             CREATE TABLE input_tags (input_uuid TEXT, name TEXT, value TEXT);
             CREATE TABLE model_versions (name TEXT, version INTEGER, source TEXT, run_id TEXT, status TEXT, current_stage TEXT,
                                          creation_time INTEGER);
             CREATE TABLE model_version_tags (name TEXT, version INTEGER, key TEXT, value TEXT);
             CREATE TABLE registered_model_aliases (name TEXT, alias TEXT, version INTEGER);
             CREATE TABLE logged_models (model_id TEXT, experiment_id INTEGER, name TEXT, artifact_location TEXT, source_run_id TEXT,
                                         status INTEGER, lifecycle_stage TEXT, creation_timestamp_ms INTEGER);
             CREATE TABLE logged_model_tags (model_id TEXT, tag_key TEXT, tag_value TEXT);",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let store = TrackingStore::read(&path, RelPath::new("mlflow.db").unwrap());
        (path, store, dir)
    }

    #[test]
    fn every_table_reaches_its_checked_type() {
        let (_, store, _dir) = read_with(&format!(
            "INSERT INTO runs VALUES ('{RUN}', 0, 'train', 'FINISHED', 'me', 1, 2, 'active', 'mlruns/0/x/artifacts');
             INSERT INTO params VALUES ('{RUN}', 'lr', '0.1');
             INSERT INTO tags VALUES ('{RUN}', 'mlflow.source.git.commit', 'abc');
             INSERT INTO latest_metrics VALUES ('{RUN}', 'auc', NULL, 3, 4, 0);
             INSERT INTO datasets VALUES ('d1', 0, 'train', 'ff', 'local', '{{\"uri\": \"data/train.csv\"}}', '', NULL);
             INSERT INTO inputs VALUES ('i1', 'DATASET', 'd1', 'RUN', '{RUN}');
             INSERT INTO inputs VALUES ('i2', 'RUN_OUTPUT', '{RUN}', 'MODEL_OUTPUT', 'm-2');
             INSERT INTO inputs VALUES ('i3', 'RUN_OUTPUT', '{RUN}', 'MODEL_OUTPUT', 'm-1');
             INSERT INTO input_tags VALUES ('i1', 'mlflow.data.context', 'training');
             INSERT INTO model_versions VALUES ('fraud', 2, 'models:/m-1', '', 'READY', 'None', 10);
             INSERT INTO model_version_tags VALUES ('fraud', 2, 'k', 'v');
             INSERT INTO registered_model_aliases VALUES ('fraud', 'production', 2);
             INSERT INTO logged_models VALUES ('m-1', 0, 'model', 'mlruns/0/models/m-1', '{RUN}', 1, 'active', 5);
             INSERT INTO logged_model_tags VALUES ('m-1', 'mlflow.source.git.commit', 'abc');"
        ));
        let store = store.unwrap();
        assert_eq!(store.generation, Generation::Mlflow3);
        assert_eq!(store.schema_revision.as_deref(), Some("abc123"));
        assert_eq!(store.experiments[0].id, "0");
        let run = store.run(RUN).unwrap();
        assert_eq!(run.id.as_str(), RUN.to_ascii_lowercase());
        assert_eq!((run.params["lr"].as_str(), run.git_commit()), ("0.1", Some("abc")));
        assert!(run.metrics["auc"].value.is_nan());
        assert_eq!(run.dataset_inputs[0].context.as_deref(), Some("training"));
        assert_eq!(run.model_outputs, ["m-1", "m-2"]);
        let dataset = store.dataset("d1").unwrap();
        assert_eq!((dataset.source_uri(), dataset.schema.is_none()), (Some("data/train.csv"), true));
        let version = store.model_version("fraud", 2).unwrap();
        assert_eq!((version.run_id.as_deref(), version.tags["k"].as_str(), version.storage_location.as_deref()), (None, "v", None));
        assert_eq!(store.aliases[0].version, 2);
        assert_eq!(store.logged_model("m-1").unwrap().git_commit(), Some("abc"));
    }

    /// The messages are the ones the single `InvalidRow` error used to give.
    #[test]
    fn invalid_rows_are_named_errors_with_their_causes() {
        let cases = [
            ("INSERT INTO runs VALUES ('nothex', 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL)", "table `runs`, row run_uuid=nothex: run id is not 32 hexadecimal digits"),
            ("INSERT INTO datasets VALUES ('d1', 0, 'n', 'ff', 'local', '{oops', NULL, NULL)", "table `datasets`, row dataset_uuid=d1: `dataset_source` is not JSON: "),
            ("INSERT INTO model_versions VALUES ('fraud', 'two', NULL, NULL, NULL, NULL, NULL)", "table `model_versions`, row name=fraud: version `two` is not a whole number"),
            ("INSERT INTO registered_model_aliases VALUES ('fraud', 'prod', -1)", "table `registered_model_aliases`, row name=fraud, alias=prod: version `-1` is not a whole number"),
        ];
        for (sql, message) in cases {
            let (path, store, _dir) = read_with(sql);
            let err = store.unwrap_err();
            assert!(err.to_string().starts_with(&format!("{}: {message}", path.display())), "{err}");
            let typed = matches!(err, MlflowError::RunId { .. }) || std::error::Error::source(&err).is_some();
            assert!(typed, "{err:?}");
        }
    }

    #[test]
    fn a_store_without_runs_is_not_a_tracking_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE experiments (experiment_id INTEGER);").unwrap();
        let err = TrackingStore::read(&path, RelPath::new("other.db").unwrap()).unwrap_err();
        assert_eq!(err.to_string(), format!("{}: not an MLflow tracking store (no table `runs`)", path.display()));
    }
}
