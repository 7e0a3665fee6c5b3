//! Dataset snapshots (CSV and Parquet) read as tables with polars.
//!
//! Why: a digest mismatch says *that* a data file changed; an investigator then asks *what*
//! changed. When the original bytes survive (a DVC cache object, an earlier snapshot), the two
//! tables are compared row by row and column by column, so the finding can say "3 of 4400 rows
//! differ, in column `is_fraud`, at rows 3, 14 and 32".
//!
//! Files are opened read-only; nothing is written and no code in the files is run (Parquet
//! and CSV carry none).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;

/// Table formats Custody reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    /// The format of a file, judged by its name (Parquet is also checked by magic number when
    /// read).
    pub fn of(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".parquet") || lower.ends_with(".pq") {
            Some(Format::Parquet)
        } else if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else {
            None
        }
    }
}

/// Why a table could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("{path}: cannot open: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// polars could not read the file as a `format` table (or, for `diff_files`, compare two).
    #[error("{path}: not a readable {format} table: {source}")]
    Parse {
        path: String,
        format: &'static str,
        #[source]
        source: PolarsError,
    },
    #[error("{path}: {size} bytes, larger than the {TABLE_LIMIT}-byte limit for reading a table")]
    TooLarge { path: String, size: u64 },
}

/// Tables larger than this are not read (memory: polars holds a table several times its
/// file size).
pub const TABLE_LIMIT: u64 = 2 * 1024 * 1024 * 1024;

/// Whether a file starts with Parquet's magic number.
pub fn is_parquet(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == b"PAR1"
}

/// Reads a local table file (CSV or Parquet, judged by name, else by magic number), refusing
/// files over [`TABLE_LIMIT`]. The error says which file and why.
pub fn read_local_table(local: &Path) -> Result<DataFrame, DatasetError> {
    let size = std::fs::metadata(local).map(|m| m.len()).unwrap_or(0);
    if size > TABLE_LIMIT {
        return Err(DatasetError::TooLarge { path: local.display().to_string(), size });
    }
    let format = Format::of(&local.to_string_lossy()).unwrap_or(if is_parquet(local) { Format::Parquet } else { Format::Csv });
    read_table(local, format)
}

/// Reads a whole table.
pub fn read_table(path: &Path, format: Format) -> Result<DataFrame, DatasetError> {
    let display = path.display().to_string();
    let file = File::open(path).map_err(|source| DatasetError::Io { path: display.clone(), source })?;
    let parsed = match format {
        Format::Parquet => ParquetReader::new(file).finish(),
        Format::Csv => CsvReadOptions::default().with_has_header(true).into_reader_with_file_handle(file).finish(),
    };
    parsed.map_err(|source| DatasetError::Parse {
        path: display,
        format: match format {
            Format::Parquet => "Parquet",
            Format::Csv => "CSV",
        },
        source,
    })
}

/// How a current table differs from its original.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableDiff {
    pub rows_original: usize,
    pub rows_current: usize,
    pub columns_added: Vec<String>,
    pub columns_removed: Vec<String>,
    /// Rows (0-based, by position) whose values differ in a column both tables have.
    pub changed_rows: Vec<usize>,
    /// Per column, how many rows differ.
    pub changed_columns: BTreeMap<String, usize>,
}

impl TableDiff {
    /// One sentence for a finding.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.changed_rows.is_empty() {
            let shown: Vec<String> = self.changed_rows.iter().take(10).map(|r| r.to_string()).collect();
            let more = if self.changed_rows.len() > 10 { format!(" and {} more", self.changed_rows.len() - 10) } else { String::new() };
            let cols: Vec<String> = self.changed_columns.iter().map(|(c, n)| format!("`{c}` ({n})")).collect();
            let (rows_word, cols_word) = (
                if self.changed_rows.len() == 1 { "row" } else { "rows" },
                if self.changed_columns.len() == 1 { "column" } else { "columns" },
            );
            parts.push(format!(
                "{} of {} rows differ from the original, at {rows_word} {}{more} (counting from 0), in {cols_word} {}",
                self.changed_rows.len(),
                self.rows_original,
                shown.join(", "),
                cols.join(", ")
            ));
        }
        if self.rows_current != self.rows_original {
            parts.push(format!("the table has {} rows where the original had {}", self.rows_current, self.rows_original));
        }
        if !self.columns_added.is_empty() {
            parts.push(format!("columns added: {}", self.columns_added.join(", ")));
        }
        if !self.columns_removed.is_empty() {
            parts.push(format!("columns removed: {}", self.columns_removed.join(", ")));
        }
        if parts.is_empty() {
            "the table's values are unchanged (the bytes differ in encoding only)".to_string()
        } else {
            parts.join("; ")
        }
    }
}

/// Compares two tables position by position (rows beyond the shorter table count as added or
/// removed, not as changed).
pub fn diff_tables(original: &DataFrame, current: &DataFrame) -> Result<TableDiff, PolarsError> {
    let names = |df: &DataFrame| df.get_column_names().iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (before, after) = (names(original), names(current));
    let rows = original.height().min(current.height());
    let mut changed = vec![false; rows];
    let mut changed_columns = BTreeMap::new();
    for name in before.iter().filter(|n| after.contains(n)) {
        let a = original.column(name)?.as_materialized_series().slice(0, rows);
        let b = current.column(name)?.as_materialized_series().slice(0, rows);
        let equal = if a.dtype() == b.dtype() {
            a.equal_missing(&b)?
        } else {
            // A changed type: compare the values' text forms.
            let (a, b) = (a.cast(&DataType::String)?, b.cast(&DataType::String)?);
            a.equal_missing(&b)?
        };
        let mut n = 0;
        for (i, same) in equal.iter().enumerate() {
            if same != Some(true) {
                changed[i] = true;
                n += 1;
            }
        }
        if n > 0 {
            changed_columns.insert(name.clone(), n);
        }
    }
    Ok(TableDiff {
        rows_original: original.height(),
        rows_current: current.height(),
        columns_added: after.iter().filter(|n| !before.contains(n)).cloned().collect(),
        columns_removed: before.iter().filter(|n| !after.contains(n)).cloned().collect(),
        changed_rows: changed.iter().enumerate().filter(|(_, c)| **c).map(|(i, _)| i).collect(),
        changed_columns,
    })
}

/// Reads both files and compares them.
pub fn diff_files(original: &Path, current: &Path, format: Format) -> Result<TableDiff, DatasetError> {
    let a = read_table(original, format)?;
    let b = read_table(current, format)?;
    diff_tables(&a, &b).map_err(|source| DatasetError::Parse { path: current.display().to_string(), format: "table", source })
}
