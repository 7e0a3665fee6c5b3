//! The `inputs` table (with `input_tags`): the edges between runs and what they used or made.
//!
//! Why: MLflow records a run's dataset inputs, and in 3.x the logged models a run produced or
//! consumed, as rows of one edge table typed by both ends (`DATASET → RUN`,
//! `RUN_OUTPUT → MODEL_OUTPUT`, `MODEL → RUN`). These edges are the lineage between a run, its
//! data and its models.
//!
//! Guarantees: the three edge kinds above attach to their run (by id, whatever its case); an
//! edge of any other kind, or whose run is not in `runs`, is left out; a dataset input carries
//! its `mlflow.data.context` tag (training, validation …) when `input_tags` has one. Each run's
//! dataset inputs are sorted by dataset uuid, its model inputs and outputs by model id, so the
//! order of the table's rows does not show.

use std::collections::BTreeMap;

use rusqlite::Row;

use super::MlflowError;
use super::runs::Runs;
use super::tables::Tables;

/// A dataset used by a run (`inputs` row of type DATASET → RUN).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DatasetInput {
    pub dataset_uuid: String,
    /// `mlflow.data.context` (training, validation, testing …).
    pub context: Option<String>,
}

/// What a run used a dataset for: MLflow's `mlflow.data.context` tag, or `input` when the
/// run's input carries none. The context is free text in MLflow: the values MLflow's own docs
/// use are named, any other is kept exactly as written (`train`, `eval` … are not folded into
/// the named ones, so the role reads as the tool recorded it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DatasetRole {
    Training,
    Validation,
    Testing,
    Evaluation,
    /// No context recorded.
    Input,
    Other(String),
}

impl DatasetRole {
    /// The role of an input recorded with `context` (none: [`DatasetRole::Input`]).
    pub fn of(context: Option<&str>) -> DatasetRole {
        match context {
            None | Some("input") => DatasetRole::Input,
            Some("training") => DatasetRole::Training,
            Some("validation") => DatasetRole::Validation,
            Some("testing") => DatasetRole::Testing,
            Some("evaluation") => DatasetRole::Evaluation,
            Some(other) => DatasetRole::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            DatasetRole::Training => "training",
            DatasetRole::Validation => "validation",
            DatasetRole::Testing => "testing",
            DatasetRole::Evaluation => "evaluation",
            DatasetRole::Input => "input",
            DatasetRole::Other(s) => s,
        }
    }
}

impl std::fmt::Display for DatasetRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for DatasetRole {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for DatasetRole {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(DatasetRole::of(Some(&s)))
    }
}

/// Attaches every input edge to its run (nothing when the schema has no `inputs` table).
pub(super) fn attach(t: &Tables<'_>, runs: &mut Runs) -> Result<(), MlflowError> {
    if !t.has("inputs") {
        return Ok(());
    }
    let contexts = contexts(t)?;
    let sql = "SELECT input_uuid, source_type, source_id, destination_type, destination_id FROM inputs";
    for edge in t.rows("inputs", sql, InputRow::from_row)? {
        edge.attach(runs, &contexts);
    }
    for run in runs.iter_mut() {
        run.dataset_inputs.sort_by(|a, b| a.dataset_uuid.cmp(&b.dataset_uuid));
        run.model_outputs.sort();
        run.model_inputs.sort();
    }
    Ok(())
}

/// Each input's `mlflow.data.context` tag, by input uuid.
fn contexts(t: &Tables<'_>) -> Result<BTreeMap<String, String>, MlflowError> {
    if !t.has("input_tags") {
        return Ok(BTreeMap::new());
    }
    let sql = "SELECT input_uuid, value FROM input_tags WHERE name = 'mlflow.data.context'";
    let rows = t.rows("input_tags", sql, |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?.unwrap_or_default())))?;
    Ok(rows.into_iter().collect())
}

/// An `inputs` row as the table holds it.
struct InputRow {
    input_uuid: String,
    source_type: String,
    source_id: String,
    destination_type: String,
    destination_id: String,
}

impl InputRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<InputRow> {
        Ok(InputRow {
            input_uuid: row.get(0)?,
            source_type: row.get(1)?,
            source_id: row.get(2)?,
            destination_type: row.get(3)?,
            destination_id: row.get(4)?,
        })
    }

    /// Adds this edge to the run at its run end, if it is one of the kinds Custody follows.
    fn attach(self, runs: &mut Runs, contexts: &BTreeMap<String, String>) {
        match (self.source_type.as_str(), self.destination_type.as_str()) {
            ("DATASET", "RUN") => {
                if let Some(run) = runs.get_mut(&self.destination_id) {
                    let context = contexts.get(&self.input_uuid).cloned();
                    run.dataset_inputs.push(DatasetInput { dataset_uuid: self.source_id, context });
                }
            }
            ("RUN_OUTPUT", "MODEL_OUTPUT") => {
                if let Some(run) = runs.get_mut(&self.source_id) {
                    run.model_outputs.push(self.destination_id);
                }
            }
            ("MODEL", "RUN") => {
                if let Some(run) = runs.get_mut(&self.destination_id) {
                    run.model_inputs.push(self.source_id);
                }
            }
            _ => {}
        }
    }
}
