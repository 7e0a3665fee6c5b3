//! The `datasets` table: the datasets an experiment's runs logged (`mlflow.log_input`).
//!
//! Why: a dataset row says where the data was loaded from (`dataset_source`, JSON) and gives
//! MLflow's own digest of it. The source's location is how a run's data is found in the
//! evidence and compared with what DVC recorded.
//!
//! Guarantees: `dataset_source`, `dataset_schema` and `dataset_profile` are decoded as JSON
//! when they hold text, and text that is not JSON is [`MlflowError::DatasetJson`], naming the
//! row and the column (checked in that order); empty text reads as absent. MLflow's digest is
//! kept as a label only: it is not recomputable from the file's bytes.

use rusqlite::Row;

use super::MlflowError;
use super::tables::Tables;

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

/// Every dataset of the store (none when the schema has no `datasets` table).
pub(super) fn read(t: &Tables<'_>) -> Result<Vec<Dataset>, MlflowError> {
    if !t.has("datasets") {
        return Ok(Vec::new());
    }
    let sql = "SELECT dataset_uuid, CAST(experiment_id AS TEXT), name, digest, dataset_source_type, \
               dataset_source, dataset_schema, dataset_profile FROM datasets";
    t.rows("datasets", sql, DatasetRow::from_row)?.into_iter().map(|row| row.check(t)).collect()
}

/// A `datasets` row as the table holds it.
struct DatasetRow {
    dataset_uuid: String,
    experiment_id: Option<String>,
    name: Option<String>,
    digest: Option<String>,
    dataset_source_type: Option<String>,
    dataset_source: Option<String>,
    dataset_schema: Option<String>,
    dataset_profile: Option<String>,
}

impl DatasetRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<DatasetRow> {
        Ok(DatasetRow {
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

    /// The checked dataset: its JSON columns decoded.
    fn check(self, t: &Tables<'_>) -> Result<Dataset, MlflowError> {
        let source = self.json(t, "dataset_source", self.dataset_source.as_deref())?;
        let schema = self.json(t, "dataset_schema", self.dataset_schema.as_deref())?;
        let profile = self.json(t, "dataset_profile", self.dataset_profile.as_deref())?;
        Ok(Dataset {
            source: source.unwrap_or(serde_json::Value::Null),
            schema,
            profile,
            uuid: self.dataset_uuid,
            experiment_id: self.experiment_id.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
            digest: self.digest.unwrap_or_default(),
            source_type: self.dataset_source_type,
        })
    }

    /// One JSON column of this row: absent when NULL or blank, an error when not JSON.
    fn json(&self, t: &Tables<'_>, column: &'static str, text: Option<&str>) -> Result<Option<serde_json::Value>, MlflowError> {
        match text.filter(|text| !text.trim().is_empty()) {
            None => Ok(None),
            Some(text) => serde_json::from_str(text).map(Some).map_err(|source| MlflowError::DatasetJson {
                path: t.path().into(),
                dataset_uuid: self.dataset_uuid.clone(),
                column,
                source,
            }),
        }
    }
}
