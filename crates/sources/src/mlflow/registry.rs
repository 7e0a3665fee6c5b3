//! The model registry: `model_versions` (with `model_version_tags`) and
//! `registered_model_aliases`.
//!
//! Why: the registry is where a model becomes "version 3 of fraud-detector" and an alias
//! (`@production`) picks the version that serves. A version says where its files come from
//! (`source`) and which run made it; those claims are what the later stages check.
//!
//! Guarantees: versions are in (name, version) order and aliases in (name, alias) order;
//! every version number is a whole number ([`MlflowError::ModelVersion`] and
//! [`MlflowError::AliasVersion`] name the first row that is not); a deleted version
//! (`Deleted_Internal`) is kept, as MLflow keeps it; an empty `run_id` reads as absent; a
//! version's `source` is kept as recorded and parsed only on request ([`ModelSource::parse`]).

use std::collections::BTreeMap;

use rusqlite::Row;

use super::MlflowError;
use super::tables::Tables;

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

/// Every model version, checked, with its tags (none when the schema has no registry).
pub(super) fn read_versions(t: &Tables<'_>) -> Result<Vec<ModelVersion>, MlflowError> {
    if !t.has("model_versions") {
        return Ok(Vec::new());
    }
    // `storage_location` came with a later migration.
    let storage = if t.has_column("model_versions", "storage_location")? { "storage_location" } else { "NULL" };
    let sql = format!(
        "SELECT name, CAST(version AS TEXT), source, run_id, status, current_stage, {storage}, creation_time \
         FROM model_versions ORDER BY name, version"
    );
    let rows = t.rows("model_versions", &sql, VersionRow::from_row)?;
    let mut versions = rows.into_iter().map(|row| row.check(t)).collect::<Result<Vec<_>, _>>()?;
    attach_version_tags(t, &mut versions)?;
    Ok(versions)
}

/// `model_version_tags`: each tag on the version it names.
fn attach_version_tags(t: &Tables<'_>, versions: &mut [ModelVersion]) -> Result<(), MlflowError> {
    if !t.has("model_version_tags") {
        return Ok(());
    }
    let sql = "SELECT name, CAST(version AS TEXT), key, value FROM model_version_tags";
    let rows = t.rows("model_version_tags", sql, |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, Option<String>>(3)?))
    })?;
    for (name, version, key, value) in rows {
        if let Some(v) = versions.iter_mut().find(|v| v.name == name && v.version.to_string() == version) {
            v.tags.insert(key, value.unwrap_or_default());
        }
    }
    Ok(())
}

/// Every alias, checked (none when the schema has no aliases).
pub(super) fn read_aliases(t: &Tables<'_>) -> Result<Vec<Alias>, MlflowError> {
    if !t.has("registered_model_aliases") {
        return Ok(Vec::new());
    }
    let sql = "SELECT name, alias, CAST(version AS TEXT) FROM registered_model_aliases ORDER BY name, alias";
    let rows = t.rows("registered_model_aliases", sql, |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
    })?;
    let alias = |(model, alias, version): (String, String, String)| match version.parse::<u32>() {
        Ok(number) => Ok(Alias { model, alias, version: number }),
        Err(source) => Err(MlflowError::AliasVersion { path: t.path().into(), model, alias, version, source }),
    };
    rows.into_iter().map(alias).collect()
}

/// A `model_versions` row as the table holds it.
struct VersionRow {
    name: String,
    version: String,
    source: Option<String>,
    run_id: Option<String>,
    status: Option<String>,
    current_stage: Option<String>,
    storage_location: Option<String>,
    creation_time: Option<i64>,
}

impl VersionRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<VersionRow> {
        Ok(VersionRow {
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

    /// The checked version, with no tags yet.
    fn check(self, t: &Tables<'_>) -> Result<ModelVersion, MlflowError> {
        let version = match self.version.parse::<u32>() {
            Ok(version) => version,
            Err(source) => return Err(MlflowError::ModelVersion { path: t.path().into(), name: self.name, version: self.version, source }),
        };
        Ok(ModelVersion {
            name: self.name,
            version,
            source: self.source,
            run_id: self.run_id.filter(|s| !s.is_empty()),
            status: self.status,
            current_stage: self.current_stage,
            storage_location: self.storage_location,
            creation_time: self.creation_time,
            tags: BTreeMap::new(),
        })
    }
}
