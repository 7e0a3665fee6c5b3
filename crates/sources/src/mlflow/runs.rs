//! The `runs` table, with what hangs off each run: `params`, `tags` and `latest_metrics`.
//!
//! Why: a run is the unit MLflow records a training under. Its parameters are what the
//! investigator compares with DVC's, its `mlflow.source.git.commit` tag names the code, and
//! its metrics are what the model was chosen on.
//!
//! Guarantees: every run id is checked to be MLflow's 32 hexadecimal digits
//! ([`MlflowError::RunId`] names the first row that is not) and kept lower case; runs are in
//! `start_time` order (then by id); a `params`, `tags` or `latest_metrics` row attaches to its
//! run whatever the case of its `run_uuid`, and a row whose run is not in `runs` is left out.
//! A NULL value reads as empty; a NaN metric (`is_nan`, or a NULL value) reads as NaN.

use std::collections::BTreeMap;

use rusqlite::Row;

use super::tables::Tables;
use super::{DatasetInput, MlflowError};

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
pub struct Metric {
    pub value: f64,
    pub step: i64,
    pub timestamp: i64,
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

/// The runs of a store while the tables that attach to them are read, found by id.
pub(super) struct Runs {
    list: Vec<Run>,
    /// Lower-case run id → position in `list`.
    index: BTreeMap<String, usize>,
}

impl Runs {
    fn new(list: Vec<Run>) -> Runs {
        let index = list.iter().enumerate().map(|(i, run)| (run.id.as_str().to_string(), i)).collect();
        Runs { list, index }
    }

    /// The run with this id, in any case; `None` when the store has no such run.
    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut Run> {
        let i = *self.index.get(&id.to_ascii_lowercase())?;
        Some(&mut self.list[i])
    }

    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Run> {
        self.list.iter_mut()
    }

    pub(super) fn into_list(self) -> Vec<Run> {
        self.list
    }
}

/// Every run, checked, with its params, tags and latest metrics.
pub(super) fn read(t: &Tables<'_>) -> Result<Runs, MlflowError> {
    let sql = "SELECT run_uuid, CAST(experiment_id AS TEXT), name, status, user_id, start_time, end_time, \
               lifecycle_stage, artifact_uri FROM runs ORDER BY start_time, run_uuid";
    let rows = t.rows("runs", sql, RunRow::from_row)?;
    let list = rows.into_iter().map(|row| row.check(t)).collect::<Result<Vec<Run>, MlflowError>>()?;
    let mut runs = Runs::new(list);
    attach_params(t, &mut runs)?;
    attach_tags(t, &mut runs)?;
    attach_metrics(t, &mut runs)?;
    Ok(runs)
}

/// `params`: one value per key and run.
fn attach_params(t: &Tables<'_>, runs: &mut Runs) -> Result<(), MlflowError> {
    if !t.has("params") {
        return Ok(());
    }
    for (run, key, value) in t.rows("params", "SELECT run_uuid, key, value FROM params", key_value)? {
        if let Some(run) = runs.get_mut(&run) {
            run.params.insert(key, value.unwrap_or_default());
        }
    }
    Ok(())
}

/// `tags`: one value per key and run (MLflow's own `mlflow.*` tags among them).
fn attach_tags(t: &Tables<'_>, runs: &mut Runs) -> Result<(), MlflowError> {
    if !t.has("tags") {
        return Ok(());
    }
    for (run, key, value) in t.rows("tags", "SELECT run_uuid, key, value FROM tags", key_value)? {
        if let Some(run) = runs.get_mut(&run) {
            run.tags.insert(key, value.unwrap_or_default());
        }
    }
    Ok(())
}

/// `latest_metrics`: the last value of each metric of a run.
fn attach_metrics(t: &Tables<'_>, runs: &mut Runs) -> Result<(), MlflowError> {
    if !t.has("latest_metrics") {
        return Ok(());
    }
    let sql = "SELECT run_uuid, key, value, step, timestamp, is_nan FROM latest_metrics";
    for (run, key, metric) in t.rows("latest_metrics", sql, metric_row)? {
        if let Some(run) = runs.get_mut(&run) {
            run.metrics.insert(key, metric);
        }
    }
    Ok(())
}

/// A `(run_uuid, key, value)` row of `params` or `tags`.
fn key_value(row: &Row<'_>) -> rusqlite::Result<(String, String, Option<String>)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
}

/// A `latest_metrics` row: `(run_uuid, key, metric)`.
fn metric_row(row: &Row<'_>) -> rusqlite::Result<(String, String, Metric)> {
    let is_nan: Option<bool> = row.get(5)?;
    let value: Option<f64> = row.get(2)?;
    let metric = Metric {
        value: if is_nan == Some(true) { f64::NAN } else { value.unwrap_or(f64::NAN) },
        step: row.get::<_, Option<i64>>(3)?.unwrap_or(0),
        timestamp: row.get::<_, Option<i64>>(4)?.unwrap_or(0),
    };
    Ok((row.get(0)?, row.get(1)?, metric))
}

/// A `runs` row as the table holds it.
struct RunRow {
    run_uuid: String,
    experiment_id: Option<String>,
    name: Option<String>,
    status: Option<String>,
    user_id: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    lifecycle_stage: Option<String>,
    artifact_uri: Option<String>,
}

impl RunRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RunRow> {
        Ok(RunRow {
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

    /// The checked run, with nothing attached yet.
    fn check(self, t: &Tables<'_>) -> Result<Run, MlflowError> {
        let id = RunId::parse(&self.run_uuid).ok_or_else(|| MlflowError::RunId { path: t.path().into(), run_uuid: self.run_uuid.clone() })?;
        Ok(Run {
            id,
            experiment_id: self.experiment_id.unwrap_or_default(),
            name: self.name,
            status: self.status,
            user: self.user_id,
            start_time: self.start_time,
            end_time: self.end_time,
            lifecycle_stage: self.lifecycle_stage,
            artifact_uri: self.artifact_uri,
            params: BTreeMap::new(),
            tags: BTreeMap::new(),
            metrics: BTreeMap::new(),
            dataset_inputs: Vec::new(),
            model_outputs: Vec::new(),
            model_inputs: Vec::new(),
        })
    }
}
