//! The `experiments` table.
//!
//! Why: an experiment groups runs and says where their artifacts were written by default
//! (`artifact_location`), which is how a run's artifact URI is resolved when the run's own is
//! missing, and whether the experiment was deleted (`lifecycle_stage`).
//!
//! Guarantees: every row becomes one [`Experiment`] (ids as text, whatever the column's
//! affinity); a NULL name reads as empty.

use super::MlflowError;
use super::tables::Tables;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Experiment {
    pub id: String,
    pub name: String,
    pub artifact_location: Option<String>,
    pub lifecycle_stage: Option<String>,
}

/// Every experiment of the store.
pub(super) fn read(t: &Tables<'_>) -> Result<Vec<Experiment>, MlflowError> {
    t.rows(
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
    )
}
