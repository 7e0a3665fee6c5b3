//! The open store as every step sees it: its connection, its path and which tables it has.
//!
//! Why: each step reads one table (or one family of tables) and needs the same two things:
//! whether the schema generation has the table at all, and its rows with any SQLite failure
//! named by file and table. Keeping both here means no step opens, lists or queries on its own.
//!
//! Guarantees: a query failure is always [`MlflowError::Query`] naming the file and the table;
//! rows are returned in the order SQLite yields them for the statement given (the steps that
//! need an order say so in their SQL).

use std::path::Path;

use rusqlite::{Connection, Row};

use super::MlflowError;
use crate::sqlite::column_names;

/// The open store: its connection, its path (for errors) and the names of its tables.
pub(super) struct Tables<'a> {
    conn: &'a Connection,
    path: &'a Path,
    names: Vec<String>,
}

impl<'a> Tables<'a> {
    pub(super) fn new(conn: &'a Connection, path: &'a Path, names: Vec<String>) -> Tables<'a> {
        Tables { conn, path, names }
    }

    /// Whether the store has `table` (schema generations differ in which tables they have).
    pub(super) fn has(&self, table: &str) -> bool {
        self.names.iter().any(|n| n == table)
    }

    /// The file the store is (for the errors of the steps).
    pub(super) fn path(&self) -> &Path {
        self.path
    }

    /// Every row `sql` yields from `table`, mapped by `map`.
    pub(super) fn rows<T>(
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

    /// Whether `table` has the column `column` (columns added by later migrations).
    pub(super) fn has_column(&self, table: &'static str, column: &str) -> Result<bool, MlflowError> {
        let columns = column_names(self.conn, table).map_err(|source| MlflowError::Query { path: self.path.into(), table, source })?;
        Ok(columns.iter().any(|c| c == column))
    }
}
