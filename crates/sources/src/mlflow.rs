//! MLflow tracking and model-registry stores kept in SQLite (the schemas of MLflow 2.x and 3.x).
//!
//! Why: MLflow is where runs, their parameters, their git commit, their dataset inputs and the
//! registered model versions and aliases are recorded. It records no content hash of model
//! files, so its claims are checked against the other sources (git, DVC) and the artifact store.
//!
//! Reading is in two steps. `raw` mirrors the table rows as they are (every column optional
//! where the schema allows NULL); [`TrackingStore::read`] converts them into checked types,
//! enforcing the invariants MLflow itself guarantees (32-hex run ids, integer versions, JSON
//! dataset sources) with named errors. Tables that a schema generation lacks (`logged_models`
//! before 3.0) are simply empty.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, Row};

use super::sqlite::{column_names, open_evidence_db, table_names};
use custody_evidence::RelPath;

/// Why an MLflow store could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MlflowError {
    #[error("{path}: cannot open as SQLite: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("{path}: not an MLflow tracking store (no table `{table}`)")]
    NotATrackingStore { path: PathBuf, table: &'static str },
    #[error("{path}: reading table `{table}`: {source}")]
    Query { path: PathBuf, table: &'static str, source: rusqlite::Error },
    #[error("{path}: table `{table}`, row {key}: {problem}")]
    InvalidRow { path: PathBuf, table: &'static str, key: String, problem: String },
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

/// A run id: 32 lowercase hex digits (`uuid4().hex`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct RunId(String);

impl RunId {
    pub fn parse(s: &str) -> Option<RunId> {
        let ok = s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| RunId(s.to_ascii_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Experiment {
    pub id: String,
    pub name: String,
    pub artifact_location: Option<String>,
    pub lifecycle_stage: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Metric {
    pub value: f64,
    pub step: i64,
    pub timestamp: i64,
}

/// A dataset used by a run (`inputs` row of type DATASET → RUN).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DatasetInput {
    pub dataset_uuid: String,
    /// `mlflow.data.context` (training, validation, testing …).
    pub context: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Run {
    pub id: RunId,
    pub experiment_id: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub user: Option<String>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub lifecycle_stage: Option<String>,
    pub artifact_uri: Option<String>,
    pub params: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub metrics: BTreeMap<String, Metric>,
    pub dataset_inputs: Vec<DatasetInput>,
    /// Logged models this run produced (3.x `RUN_OUTPUT → MODEL_OUTPUT`).
    pub model_outputs: Vec<String>,
    /// Logged models this run consumed (3.x `MODEL → RUN`).
    pub model_inputs: Vec<String>,
}

/// The tag MLflow sets to the git commit the run's code was at.
pub const GIT_COMMIT_TAG: &str = "mlflow.source.git.commit";

impl Run {
    /// The commit the run claims, as recorded (not yet checked against any repository).
    pub fn git_commit(&self) -> Option<&str> {
        self.tags.get(GIT_COMMIT_TAG).map(String::as_str).filter(|s| !s.is_empty())
    }
}

/// Where a model version says its files come from (`model_versions.source`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ModelSource {
    /// `models:/m-…` (3.x): a logged model.
    LoggedModel { model_id: String },
    /// `models:/NAME/VERSION`: another registry entry (copied versions).
    Registry { name: String, version: String },
    /// `runs:/RUN_ID/PATH`.
    RunArtifact { run_id: String, path: String },
    /// A path or `file:` URI (2.x writes the run's artifact path).
    Location { uri: String },
    /// Any other scheme (`s3://`, `mlflow-artifacts:` …), not resolvable offline.
    Remote { uri: String },
}

impl ModelSource {
    pub fn parse(source: &str) -> ModelSource {
        if let Some(rest) = source.strip_prefix("models:/") {
            let rest = rest.trim_matches('/');
            if rest.starts_with("m-") && !rest.contains('/') {
                return ModelSource::LoggedModel { model_id: rest.to_string() };
            }
            if let Some((name, version)) = rest.rsplit_once('/') {
                return ModelSource::Registry { name: name.to_string(), version: version.to_string() };
            }
            return ModelSource::Remote { uri: source.to_string() };
        }
        if let Some(rest) = source.strip_prefix("runs:/") {
            let (run, path) = rest.split_once('/').unwrap_or((rest, ""));
            return ModelSource::RunArtifact { run_id: run.to_string(), path: path.to_string() };
        }
        match custody_evidence::file_uri_to_path(source) {
            Some(_) => ModelSource::Location { uri: source.to_string() },
            None => ModelSource::Remote { uri: source.to_string() },
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelVersion {
    pub name: String,
    pub version: u32,
    pub source: Option<String>,
    pub run_id: Option<String>,
    pub status: Option<String>,
    pub current_stage: Option<String>,
    pub storage_location: Option<String>,
    pub creation_time: Option<i64>,
    pub tags: BTreeMap<String, String>,
}

/// The stage MLflow gives a deleted model version (the row stays, redacted).
pub const STAGE_DELETED_INTERNAL: &str = "Deleted_Internal";

impl ModelVersion {
    /// Whether the version was deleted (`MlflowClient.delete_model_version`): MLflow keeps
    /// the row in stage `Deleted_Internal` with its source and run redacted.
    pub fn is_deleted(&self) -> bool {
        self.current_stage.as_deref() == Some(STAGE_DELETED_INTERNAL)
    }

    pub fn parsed_source(&self) -> Option<ModelSource> {
        self.source.as_deref().filter(|s| !s.is_empty()).map(ModelSource::parse)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Alias {
    pub model: String,
    pub alias: String,
    pub version: u32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LoggedModel {
    pub id: String,
    pub experiment_id: String,
    pub name: Option<String>,
    pub artifact_location: Option<String>,
    pub source_run_id: Option<String>,
    pub status: Option<i64>,
    pub lifecycle_stage: Option<String>,
    /// 3.x copies the run's `mlflow.source.*` tags onto the model (`logged_model_tags`).
    pub tags: BTreeMap<String, String>,
}

impl LoggedModel {
    /// The commit the model's own tags record (a second witness beside the run's tag).
    pub fn git_commit(&self) -> Option<&str> {
        self.tags.get(GIT_COMMIT_TAG).map(String::as_str).filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Dataset {
    pub uuid: String,
    pub experiment_id: String,
    pub name: String,
    /// MLflow's own digest (8 hex of md5 over pandas' internal hashing for pandas data): a label,
    /// not recomputable from the file bytes.
    pub digest: String,
    pub source_type: Option<String>,
    pub source: serde_json::Value,
    pub schema: Option<serde_json::Value>,
    pub profile: Option<serde_json::Value>,
}

impl Dataset {
    /// The location the dataset was loaded from (`source.uri`, or `source.path`), if any.
    pub fn source_uri(&self) -> Option<&str> {
        ["uri", "path", "url"].iter().find_map(|k| self.source.get(*k).and_then(|v| v.as_str()))
    }
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

impl TrackingStore {
    /// Reads and checks the store at `path` (`rel` is how findings name it).
    pub fn read(path: &Path, rel: RelPath) -> Result<TrackingStore, MlflowError> {
        let db = open_evidence_db(path).map_err(|source| MlflowError::Open { path: path.into(), source })?;
        let r = Reader { conn: &db.conn, path };
        let tables = table_names(&db.conn).map_err(|source| MlflowError::Open { path: path.into(), source })?;
        for required in ["experiments", "runs"] {
            if !tables.iter().any(|t| t == required) {
                return Err(MlflowError::NotATrackingStore { path: path.into(), table: required });
            }
        }
        let has = |t: &str| tables.iter().any(|n| n == t);
        let generation = if has("logged_models") { Generation::Mlflow3 } else { Generation::Mlflow2 };
        let schema_revision = if has("alembic_version") {
            r.rows("alembic_version", "SELECT version_num FROM alembic_version", |row| row.get(0))?.into_iter().next()
        } else {
            None
        };

        let experiments = r.rows(
            "experiments",
            "SELECT CAST(experiment_id AS TEXT), name, artifact_location, lifecycle_stage FROM experiments",
            |row| {
                Ok(Experiment {
                    id: row.get(0)?,
                    name: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    artifact_location: row.get(2)?,
                    lifecycle_stage: row.get(3)?,
                })
            },
        )?;

        let raw_runs = r.rows(
            "runs",
            "SELECT run_uuid, CAST(experiment_id AS TEXT), name, status, user_id, start_time, end_time, \
             lifecycle_stage, artifact_uri FROM runs ORDER BY start_time, run_uuid",
            raw::Run::from_row,
        )?;
        let mut runs = Vec::with_capacity(raw_runs.len());
        for raw in raw_runs {
            let id = RunId::parse(&raw.run_uuid).ok_or_else(|| MlflowError::InvalidRow {
                path: path.into(),
                table: "runs",
                key: format!("run_uuid={}", raw.run_uuid),
                problem: "run id is not 32 hexadecimal digits".into(),
            })?;
            runs.push(Run {
                id,
                experiment_id: raw.experiment_id.unwrap_or_default(),
                name: raw.name,
                status: raw.status,
                user: raw.user_id,
                start_time: raw.start_time,
                end_time: raw.end_time,
                lifecycle_stage: raw.lifecycle_stage,
                artifact_uri: raw.artifact_uri,
                params: BTreeMap::new(),
                tags: BTreeMap::new(),
                metrics: BTreeMap::new(),
                dataset_inputs: Vec::new(),
                model_outputs: Vec::new(),
                model_inputs: Vec::new(),
            });
        }
        let index: BTreeMap<String, usize> =
            runs.iter().enumerate().map(|(i, run)| (run.id.as_str().to_string(), i)).collect();

        if has("params") {
            for (run, key, value) in r.rows("params", "SELECT run_uuid, key, value FROM params", |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?))
            })? {
                if let Some(i) = index.get(&run.to_ascii_lowercase()) {
                    runs[*i].params.insert(key, value.unwrap_or_default());
                }
            }
        }
        if has("tags") {
            for (run, key, value) in r.rows("tags", "SELECT run_uuid, key, value FROM tags", |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?))
            })? {
                if let Some(i) = index.get(&run.to_ascii_lowercase()) {
                    runs[*i].tags.insert(key, value.unwrap_or_default());
                }
            }
        }
        if has("latest_metrics") {
            let sql = "SELECT run_uuid, key, value, step, timestamp, is_nan FROM latest_metrics";
            for (run, key, metric) in r.rows("latest_metrics", sql, |row| {
                let is_nan: Option<bool> = row.get(5)?;
                let value: Option<f64> = row.get(2)?;
                let metric = Metric {
                    value: if is_nan == Some(true) { f64::NAN } else { value.unwrap_or(f64::NAN) },
                    step: row.get::<_, Option<i64>>(3)?.unwrap_or(0),
                    timestamp: row.get::<_, Option<i64>>(4)?.unwrap_or(0),
                };
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, metric))
            })? {
                if let Some(i) = index.get(&run.to_ascii_lowercase()) {
                    runs[*i].metrics.insert(key, metric);
                }
            }
        }

        let mut datasets = Vec::new();
        if has("datasets") {
            let sql = "SELECT dataset_uuid, CAST(experiment_id AS TEXT), name, digest, dataset_source_type, \
                       dataset_source, dataset_schema, dataset_profile FROM datasets";
            for raw in r.rows("datasets", sql, raw::Dataset::from_row)? {
                let key = format!("dataset_uuid={}", raw.dataset_uuid);
                let json = |field: &str, text: Option<String>| -> Result<Option<serde_json::Value>, MlflowError> {
                    match text.filter(|t| !t.trim().is_empty()) {
                        None => Ok(None),
                        Some(t) => serde_json::from_str(&t).map(Some).map_err(|e| MlflowError::InvalidRow {
                            path: path.into(),
                            table: "datasets",
                            key: key.clone(),
                            problem: format!("`{field}` is not JSON: {e}"),
                        }),
                    }
                };
                datasets.push(Dataset {
                    source: json("dataset_source", raw.dataset_source.clone())?.unwrap_or(serde_json::Value::Null),
                    schema: json("dataset_schema", raw.dataset_schema.clone())?,
                    profile: json("dataset_profile", raw.dataset_profile.clone())?,
                    uuid: raw.dataset_uuid,
                    experiment_id: raw.experiment_id.unwrap_or_default(),
                    name: raw.name.unwrap_or_default(),
                    digest: raw.digest.unwrap_or_default(),
                    source_type: raw.dataset_source_type,
                });
            }
        }

        if has("inputs") {
            let contexts: BTreeMap<String, String> = if has("input_tags") {
                r.rows("input_tags", "SELECT input_uuid, value FROM input_tags WHERE name = 'mlflow.data.context'", |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?.unwrap_or_default()))
                })?
                .into_iter()
                .collect()
            } else {
                BTreeMap::new()
            };
            let sql = "SELECT input_uuid, source_type, source_id, destination_type, destination_id FROM inputs";
            for raw in r.rows("inputs", sql, raw::Input::from_row)? {
                match (raw.source_type.as_str(), raw.destination_type.as_str()) {
                    ("DATASET", "RUN") => {
                        if let Some(i) = index.get(&raw.destination_id.to_ascii_lowercase()) {
                            runs[*i].dataset_inputs.push(DatasetInput {
                                dataset_uuid: raw.source_id.clone(),
                                context: contexts.get(&raw.input_uuid).cloned(),
                            });
                        }
                    }
                    ("RUN_OUTPUT", "MODEL_OUTPUT") => {
                        if let Some(i) = index.get(&raw.source_id.to_ascii_lowercase()) {
                            runs[*i].model_outputs.push(raw.destination_id.clone());
                        }
                    }
                    ("MODEL", "RUN") => {
                        if let Some(i) = index.get(&raw.destination_id.to_ascii_lowercase()) {
                            runs[*i].model_inputs.push(raw.source_id.clone());
                        }
                    }
                    _ => {}
                }
            }
            for run in &mut runs {
                run.dataset_inputs.sort_by(|a, b| a.dataset_uuid.cmp(&b.dataset_uuid));
                run.model_outputs.sort();
                run.model_inputs.sort();
            }
        }

        let mut model_versions = Vec::new();
        if has("model_versions") {
            let storage = column_names(&db.conn, "model_versions")
                .map_err(|source| MlflowError::Query { path: path.into(), table: "model_versions", source })?
                .iter()
                .any(|c| c == "storage_location");
            let sql = format!(
                "SELECT name, CAST(version AS TEXT), source, run_id, status, current_stage, {}, creation_time \
                 FROM model_versions ORDER BY name, version",
                if storage { "storage_location" } else { "NULL" }
            );
            for raw in r.rows("model_versions", &sql, raw::ModelVersion::from_row)? {
                let version = raw.version.parse::<u32>().map_err(|_| MlflowError::InvalidRow {
                    path: path.into(),
                    table: "model_versions",
                    key: format!("name={}", raw.name),
                    problem: format!("version `{}` is not a whole number", raw.version),
                })?;
                model_versions.push(ModelVersion {
                    name: raw.name,
                    version,
                    source: raw.source,
                    run_id: raw.run_id.filter(|s| !s.is_empty()),
                    status: raw.status,
                    current_stage: raw.current_stage,
                    storage_location: raw.storage_location,
                    creation_time: raw.creation_time,
                    tags: BTreeMap::new(),
                });
            }
            if has("model_version_tags") {
                let sql = "SELECT name, CAST(version AS TEXT), key, value FROM model_version_tags";
                for (name, version, key, value) in r.rows("model_version_tags", sql, |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, Option<String>>(3)?))
                })? {
                    if let Some(v) = model_versions.iter_mut().find(|v| v.name == name && v.version.to_string() == version) {
                        v.tags.insert(key, value.unwrap_or_default());
                    }
                }
            }
        }

        let mut aliases = Vec::new();
        if has("registered_model_aliases") {
            let sql = "SELECT name, alias, CAST(version AS TEXT) FROM registered_model_aliases ORDER BY name, alias";
            for (model, alias, version) in r.rows("registered_model_aliases", sql, |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
            })? {
                let version = version.parse::<u32>().map_err(|_| MlflowError::InvalidRow {
                    path: path.into(),
                    table: "registered_model_aliases",
                    key: format!("name={model}, alias={alias}"),
                    problem: format!("version `{version}` is not a whole number"),
                })?;
                aliases.push(Alias { model, alias, version });
            }
        }

        let mut logged_models = Vec::new();
        if has("logged_models") {
            let sql = "SELECT model_id, CAST(experiment_id AS TEXT), name, artifact_location, source_run_id, status, \
                       lifecycle_stage FROM logged_models ORDER BY creation_timestamp_ms, model_id";
            logged_models = r.rows("logged_models", sql, |row| {
                Ok(LoggedModel {
                    id: row.get(0)?,
                    experiment_id: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    name: row.get(2)?,
                    artifact_location: row.get(3)?,
                    source_run_id: row.get::<_, Option<String>>(4)?.filter(|s| !s.is_empty()),
                    status: row.get(5)?,
                    lifecycle_stage: row.get(6)?,
                    tags: BTreeMap::new(),
                })
            })?;
            if has("logged_model_tags") {
                let sql = "SELECT model_id, tag_key, tag_value FROM logged_model_tags";
                for (model, key, value) in r.rows("logged_model_tags", sql, |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?))
                })? {
                    if let Some(m) = logged_models.iter_mut().find(|m| m.id == model) {
                        m.tags.insert(key, value.unwrap_or_default());
                    }
                }
            }
        }

        Ok(TrackingStore {
            rel,
            schema_revision,
            generation,
            experiments,
            runs,
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

struct Reader<'a> {
    conn: &'a Connection,
    path: &'a Path,
}

impl Reader<'_> {
    fn rows<T>(
        &self,
        table: &'static str,
        sql: &str,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, MlflowError> {
        let err = |source| MlflowError::Query { path: self.path.into(), table, source };
        let mut stmt = self.conn.prepare(sql).map_err(err)?;
        let rows = stmt.query_map([], map).map_err(err)?;
        rows.collect::<Result<Vec<T>, _>>().map_err(err)
    }
}

/// Rows as the tables hold them.
mod raw {
    use rusqlite::Row;

    pub struct Run {
        pub run_uuid: String,
        pub experiment_id: Option<String>,
        pub name: Option<String>,
        pub status: Option<String>,
        pub user_id: Option<String>,
        pub start_time: Option<i64>,
        pub end_time: Option<i64>,
        pub lifecycle_stage: Option<String>,
        pub artifact_uri: Option<String>,
    }

    impl Run {
        pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Run> {
            Ok(Run {
                run_uuid: row.get(0)?,
                experiment_id: row.get(1)?,
                name: row.get(2)?,
                status: row.get(3)?,
                user_id: row.get(4)?,
                start_time: row.get(5)?,
                end_time: row.get(6)?,
                lifecycle_stage: row.get(7)?,
                artifact_uri: row.get(8)?,
            })
        }
    }

    pub struct Dataset {
        pub dataset_uuid: String,
        pub experiment_id: Option<String>,
        pub name: Option<String>,
        pub digest: Option<String>,
        pub dataset_source_type: Option<String>,
        pub dataset_source: Option<String>,
        pub dataset_schema: Option<String>,
        pub dataset_profile: Option<String>,
    }

    impl Dataset {
        pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Dataset> {
            Ok(Dataset {
                dataset_uuid: row.get(0)?,
                experiment_id: row.get(1)?,
                name: row.get(2)?,
                digest: row.get(3)?,
                dataset_source_type: row.get(4)?,
                dataset_source: row.get(5)?,
                dataset_schema: row.get(6)?,
                dataset_profile: row.get(7)?,
            })
        }
    }

    pub struct Input {
        pub input_uuid: String,
        pub source_type: String,
        pub source_id: String,
        pub destination_type: String,
        pub destination_id: String,
    }

    impl Input {
        pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Input> {
            Ok(Input {
                input_uuid: row.get(0)?,
                source_type: row.get(1)?,
                source_id: row.get(2)?,
                destination_type: row.get(3)?,
                destination_id: row.get(4)?,
            })
        }
    }

    pub struct ModelVersion {
        pub name: String,
        pub version: String,
        pub source: Option<String>,
        pub run_id: Option<String>,
        pub status: Option<String>,
        pub current_stage: Option<String>,
        pub storage_location: Option<String>,
        pub creation_time: Option<i64>,
    }

    impl ModelVersion {
        pub fn from_row(row: &Row<'_>) -> rusqlite::Result<ModelVersion> {
            Ok(ModelVersion {
                name: row.get(0)?,
                version: row.get(1)?,
                source: row.get(2)?,
                run_id: row.get(3)?,
                status: row.get(4)?,
                current_stage: row.get(5)?,
                storage_location: row.get(6)?,
                creation_time: row.get(7)?,
            })
        }
    }
}
