//! The `logged_models` table (with `logged_model_tags`), MLflow 3.x.
//!
//! Why: in 3.x a model is logged as a first-class object (`m-…`) with its own artifact
//! location, the run that produced it, and a copy of the run's `mlflow.source.*` tags. Model
//! versions point at logged models, and the model's own commit tag is a second witness beside
//! the run's.
//!
//! Guarantees: logged models are in creation order (then by id); an empty `source_run_id`
//! reads as absent; a tag attaches to the model it names, and a tag of an unknown model is left
//! out. A 2.x store (no `logged_models` table) has none.

use std::collections::BTreeMap;

use super::tables::Tables;
use super::{GIT_COMMIT_TAG, MlflowError};

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

/// Every logged model, with its tags.
pub(super) fn read(t: &Tables<'_>) -> Result<Vec<LoggedModel>, MlflowError> {
    if !t.has("logged_models") {
        return Ok(Vec::new());
    }
    let sql = "SELECT model_id, CAST(experiment_id AS TEXT), name, artifact_location, source_run_id, status, \
               lifecycle_stage FROM logged_models ORDER BY creation_timestamp_ms, model_id";
    let mut models = t.rows("logged_models", sql, |row| {
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
    attach_tags(t, &mut models)?;
    Ok(models)
}

/// `logged_model_tags`: each tag on the model it names.
fn attach_tags(t: &Tables<'_>, models: &mut [LoggedModel]) -> Result<(), MlflowError> {
    if !t.has("logged_model_tags") {
        return Ok(());
    }
    let sql = "SELECT model_id, tag_key, tag_value FROM logged_model_tags";
    let rows = t.rows("logged_model_tags", sql, |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?))
    })?;
    for (model, key, value) in rows {
        if let Some(m) = models.iter_mut().find(|m| m.id == model) {
            m.tags.insert(key, value.unwrap_or_default());
        }
    }
    Ok(())
}
