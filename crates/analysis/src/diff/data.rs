//! Row-level comparison of two versions of a table, and where added rows came from.
//!
//! Why: "the training set changed" is where an investigation starts, not where it ends. The
//! investigator needs the schema change, how many rows were added, removed or changed, how
//! each column's distribution moved, and, above all, which raw source the new rows came from:
//! that is how a non-representative source that crept into a training set is named.
//!
//! How: every row is reduced to a 64-bit content hash over the columns both tables share
//! (in name order, values normalised so that a CSV's `5` and a Parquet's `5.0`, a boolean and
//! its 0/1, a categorical and its string compare equal). Rows are matched as multisets of
//! hashes, so reordering is not a change. Unmatched rows are paired into *changed* rows
//! through a key column (a column whose values are unique and present in both versions, an
//! `id`-like name preferred); without one, they count as removed and added. Added rows are
//! attributed to raw sources by the same hashing over the columns each source shares with
//! the table.
//!
//! Guarantees: files are only read; two rows hash equal when their shared values are equal
//! (64-bit hashes: a collision, about one in 10^19 per pair, would hide one changed row).

use std::collections::{BTreeMap, HashMap, HashSet};

use polars::prelude::*;

pub use crate::rows::RawSource;
use crate::rows::{combine, hash_columns, is_numeric, is_temporal, row_hashes, temporal_integers};

/// A column's distribution, briefly.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ColumnSummary {
    pub dtype: String,
    pub nulls: usize,
    /// Numeric columns: mean, minimum, maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub max: Option<f64>,
    /// Other columns: number of distinct values and the most frequent ones with their share.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub distinct: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<(String, f64)>>"))]
    pub top: Vec<(String, f64)>,
}

/// One column in both versions.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ColumnShift {
    pub name: String,
    pub a: Option<ColumnSummary>,
    pub b: Option<ColumnSummary>,
    /// Rows paired by key whose value in this column changed.
    pub changed_rows: usize,
}

/// How many added rows one raw source accounts for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SourceShare {
    /// The raw source (its path in the evidence).
    pub source: String,
    /// The node of that source in the lineage.
    pub node: String,
    pub rows: usize,
    /// The columns the rows were matched on.
    pub matched_on: Vec<String>,
}

/// How version B of a table differs from version A.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TableComparison {
    /// The table inside the data version (a file of a directory), or empty for a file.
    pub member: String,
    pub rows_a: usize,
    pub rows_b: usize,
    pub columns_added: Vec<String>,
    pub columns_removed: Vec<String>,
    /// Columns whose type changed: (name, type in A, type in B).
    pub types_changed: Vec<(String, String, String)>,
    pub rows_unchanged: usize,
    pub rows_added: usize,
    pub rows_removed: usize,
    pub rows_changed: usize,
    /// The column used to pair changed rows, if any.
    pub key: Option<String>,
    pub columns: Vec<ColumnShift>,
    /// Which raw sources the added rows came from (rows matching no source are not listed;
    /// `rows_added` minus the sum is the unexplained rest).
    pub added_from: Vec<SourceShare>,
}

impl TableComparison {
    pub fn is_same(&self) -> bool {
        self.rows_added == 0 && self.rows_removed == 0 && self.rows_changed == 0 && self.columns_added.is_empty() && self.columns_removed.is_empty() && self.types_changed.is_empty()
    }

    /// One line for a person.
    pub fn describe(&self) -> String {
        let what = if self.member.is_empty() { String::new() } else { format!("{}: ", self.member) };
        let mut parts = vec![format!("{} → {} rows", self.rows_a, self.rows_b)];
        for (n, word) in [(self.rows_added, "added"), (self.rows_removed, "removed"), (self.rows_changed, "changed")] {
            if n > 0 {
                parts.push(format!("{n} {word}"));
            }
        }
        if !self.columns_added.is_empty() {
            parts.push(format!("columns added: {}", self.columns_added.join(", ")));
        }
        if !self.columns_removed.is_empty() {
            parts.push(format!("columns removed: {}", self.columns_removed.join(", ")));
        }
        for (c, a, b) in &self.types_changed {
            parts.push(format!("`{c}` {a} → {b}"));
        }
        if !self.added_from.is_empty() {
            let from: Vec<String> = self.added_from.iter().map(|s| format!("{} from {}", s.rows, s.source)).collect();
            parts.push(format!("added rows: {}", from.join(", ")));
        }
        format!("{what}{}", parts.join("; "))
    }
}

fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names().iter().map(|s| s.to_string()).collect()
}

fn shared_columns(a: &DataFrame, b: &DataFrame) -> Vec<String> {
    let bn: HashSet<String> = names(b).into_iter().collect();
    let mut shared: Vec<String> = names(a).into_iter().filter(|n| bn.contains(n)).collect();
    shared.sort();
    shared
}

pub fn summarise(column: &Column) -> ColumnSummary {
    let s = column.as_materialized_series();
    let mut out = ColumnSummary { dtype: s.dtype().to_string(), nulls: s.null_count(), mean: None, min: None, max: None, distinct: None, top: Vec::new() };
    if is_numeric(s.dtype()) {
        if let Ok(f) = s.cast(&DataType::Float64) {
            if let Ok(ca) = f.f64() {
                out.mean = ca.mean();
                out.min = ca.min();
                out.max = ca.max();
            }
        }
        return out;
    }
    if is_temporal(s.dtype()) {
        if let Ok(values) = temporal_integers(s) {
            out.distinct = Some(values.iter().flatten().collect::<HashSet<_>>().len());
        }
        return out;
    }
    if let Ok(text) = s.cast(&DataType::String) {
        if let Ok(ca) = text.str() {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for v in ca.iter().flatten() {
                *counts.entry(v).or_default() += 1;
            }
            let present = (s.len() - s.null_count()).max(1) as f64;
            out.distinct = Some(counts.len());
            let mut top: Vec<(&str, usize)> = counts.into_iter().collect();
            top.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
            out.top = top.into_iter().take(5).map(|(v, n)| (v.to_string(), n as f64 / present)).collect();
        }
    }
    out
}

/// A column whose values identify rows in both tables: unique, no nulls; `id`-like names first.
fn key_column(a: &DataFrame, b: &DataFrame, shared: &[String], hashes_a: &[Vec<u64>], hashes_b: &[Vec<u64>]) -> Option<String> {
    let unique = |df: &DataFrame, name: &str| -> bool {
        let Ok(c) = df.column(name) else { return false };
        let at = shared.iter().position(|n| n == name).expect("a shared column");
        let hashes = if std::ptr::eq(df, a) { &hashes_a[at] } else { &hashes_b[at] };
        c.null_count() == 0 && hashes.iter().collect::<HashSet<_>>().len() == c.len()
    };
    let id_like = |n: &str| {
        let l = n.to_ascii_lowercase();
        l == "id" || l.ends_with("_id") || l.ends_with("id") && l.len() <= 6 || l == "key" || l.ends_with("_key")
    };
    let mut candidates: Vec<&String> = shared.iter().filter(|n| id_like(n)).collect();
    candidates.extend(shared.iter().filter(|n| !id_like(n) && {
        // only text or integer columns make sensible keys
        a.column(n).map(|c| matches!(c.dtype(), DataType::String) || c.dtype().is_integer()).unwrap_or(false)
    }));
    candidates.into_iter().find(|n| unique(a, n) && unique(b, n)).cloned()
}

/// Compares two versions of a table; attributes B's added rows to `sources`.
pub fn compare_tables(member: &str, a: &DataFrame, b: &DataFrame, sources: &[RawSource<'_>]) -> PolarsResult<TableComparison> {
    let (an, bn) = (names(a), names(b));
    let shared = shared_columns(a, b);
    let types_changed: Vec<(String, String, String)> = shared
        .iter()
        .filter_map(|n| {
            let (ta, tb) = (a.column(n).ok()?.dtype().clone(), b.column(n).ok()?.dtype().clone());
            (ta != tb).then(|| (n.clone(), ta.to_string(), tb.to_string()))
        })
        .collect();
    let (ca, cb) = (hash_columns(a, &shared)?, hash_columns(b, &shared)?);
    let rows = match_rows(&combine(&ca, a.height()), &combine(&cb, b.height()));
    // pair unmatched rows by key into changed rows
    let key = if rows.only_a.is_empty() || rows.only_b.is_empty() { None } else { key_column(a, b, &shared, &ca, &cb) };
    let keyed = match &key {
        Some(k) => pair_by_key(&rows, &shared, k, &ca, &cb),
        None => Keyed { added: rows.only_b.clone(), removed: rows.only_a.clone(), changed: 0, changed_per_column: BTreeMap::new() },
    };
    let columns = column_shifts(a, b, &an, &bn, &keyed.changed_per_column);
    let added_from = attribute(b, &keyed.added, sources)?;
    Ok(TableComparison {
        member: member.to_string(),
        rows_a: a.height(),
        rows_b: b.height(),
        columns_added: bn.iter().filter(|n| !an.contains(n)).cloned().collect(),
        columns_removed: an.iter().filter(|n| !bn.contains(n)).cloned().collect(),
        types_changed,
        rows_unchanged: rows.unchanged,
        rows_added: keyed.added.len(),
        rows_removed: keyed.removed.len(),
        rows_changed: keyed.changed,
        key,
        columns,
        added_from,
    })
}

/// Rows matched by their hash over the shared columns: how many are in both, and the
/// indexes of those only A or only B holds (a row held twice on one side is matched once).
struct RowMatch {
    unchanged: usize,
    only_a: Vec<usize>,
    only_b: Vec<usize>,
}

fn match_rows(ha: &[u64], hb: &[u64]) -> RowMatch {
    let mut pool: HashMap<u64, Vec<usize>> = HashMap::with_capacity(ha.len());
    for (i, h) in ha.iter().enumerate() {
        pool.entry(*h).or_default().push(i);
    }
    let mut only_b = Vec::new();
    let mut unchanged = 0usize;
    for (j, h) in hb.iter().enumerate() {
        match pool.get_mut(h).and_then(|v| v.pop()) {
            Some(_) => unchanged += 1,
            None => only_b.push(j),
        }
    }
    let mut only_a: Vec<usize> = pool.into_values().flatten().collect();
    only_a.sort_unstable();
    RowMatch { unchanged, only_a, only_b }
}

/// The unmatched rows once those with the same key are paired as changed rows.
struct Keyed {
    added: Vec<usize>,
    removed: Vec<usize>,
    changed: usize,
    /// How many changed rows differ in each column.
    changed_per_column: BTreeMap<String, usize>,
}

fn pair_by_key(rows: &RowMatch, shared: &[String], key: &str, ca: &[Vec<u64>], cb: &[Vec<u64>]) -> Keyed {
    let at = shared.iter().position(|n| n == key).expect("the key is a shared column");
    let (ka, kb) = (&ca[at], &cb[at]);
    let a_by_key: HashMap<u64, usize> = rows.only_a.iter().map(|&i| (ka[i], i)).collect();
    let mut paired: Vec<(usize, usize)> = Vec::new();
    let mut added = Vec::new();
    for &j in &rows.only_b {
        match a_by_key.get(&kb[j]) {
            Some(&i) => paired.push((i, j)),
            None => added.push(j),
        }
    }
    let paired_a: HashSet<usize> = paired.iter().map(|p| p.0).collect();
    let removed = rows.only_a.iter().copied().filter(|i| !paired_a.contains(i)).collect();
    let mut changed_per_column = BTreeMap::new();
    for (c, name) in shared.iter().enumerate() {
        let (va, vb) = (&ca[c], &cb[c]);
        let n = paired.iter().filter(|(i, j)| va[*i] != vb[*j]).count();
        if n > 0 {
            changed_per_column.insert(name.clone(), n);
        }
    }
    Keyed { added, removed, changed: paired.len(), changed_per_column }
}

/// Every column of either side, in name order, summarised on each side.
fn column_shifts(a: &DataFrame, b: &DataFrame, an: &[String], bn: &[String], changed_per_column: &BTreeMap<String, usize>) -> Vec<ColumnShift> {
    let mut all: Vec<String> = an.iter().chain(bn.iter()).cloned().collect();
    all.sort();
    all.dedup();
    all.into_iter()
        .map(|name| ColumnShift {
            a: a.column(&name).ok().map(summarise),
            b: b.column(&name).ok().map(summarise),
            changed_rows: changed_per_column.get(&name).copied().unwrap_or(0),
            name,
        })
        .collect()
}

/// How many of `rows` of `table` each source holds (over the columns they share; a row is
/// given to the first source, in the order given, that holds it).
pub fn attribute(table: &DataFrame, rows: &[usize], sources: &[RawSource<'_>]) -> PolarsResult<Vec<SourceShare>> {
    let mut left: Vec<usize> = rows.to_vec();
    let mut out = Vec::new();
    for src in sources {
        if left.is_empty() {
            break;
        }
        let shared = shared_columns(table, src.table);
        if shared.len() < 2 {
            continue;
        }
        let mut have: HashMap<u64, usize> = HashMap::new();
        for h in row_hashes(src.table, &shared)? {
            *have.entry(h).or_default() += 1;
        }
        let th = row_hashes(table, &shared)?;
        let before = left.len();
        left.retain(|&r| match have.get_mut(&th[r]) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        let rows = before - left.len();
        if rows > 0 {
            out.push(SourceShare { source: src.path.clone(), node: src.node.clone(), rows, matched_on: shared });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ids: &[i64], amounts: &[f64], bands: &[&str]) -> DataFrame {
        df!("id" => ids, "amount" => amounts, "band" => bands).unwrap()
    }

    #[test]
    fn reordered_rows_are_unchanged_and_edits_pair_by_key() {
        let a = frame(&[1, 2, 3, 4], &[1.0, 2.0, 3.0, 4.0], &["x", "y", "x", "y"]);
        // 4 removed, 5 added, 2's amount edited, order shuffled
        let b = frame(&[3, 1, 2, 5], &[3.0, 1.0, 2.5, 5.0], &["x", "x", "y", "z"]);
        let c = compare_tables("", &a, &b, &[]).unwrap();
        assert_eq!((c.rows_unchanged, c.rows_added, c.rows_removed, c.rows_changed), (2, 1, 1, 1), "{c:?}");
        assert_eq!(c.key.as_deref(), Some("id"));
        let amount = c.columns.iter().find(|s| s.name == "amount").unwrap();
        assert_eq!(amount.changed_rows, 1);
        assert!(compare_tables("", &a, &a, &[]).unwrap().is_same());
    }

    #[test]
    fn a_csv_integer_and_a_parquet_float_hash_alike() {
        let ints = df!("v" => &[5i64, 6], "w" => &["a", "b"]).unwrap();
        let floats = df!("v" => &[5.0f64, 6.0], "w" => &["a", "b"]).unwrap();
        let cols = vec!["v".to_string(), "w".to_string()];
        assert_eq!(row_hashes(&ints, &cols).unwrap(), row_hashes(&floats, &cols).unwrap());
        let other = df!("v" => &[5.0f64, 7.0], "w" => &["a", "b"]).unwrap();
        assert_ne!(row_hashes(&ints, &cols).unwrap()[1], row_hashes(&other, &cols).unwrap()[1]);
    }

    #[test]
    fn added_rows_are_attributed_to_the_source_holding_them() {
        let base = frame(&[1, 2], &[1.0, 2.0], &["x", "y"]);
        let grown = frame(&[1, 2, 10, 11, 12], &[1.0, 2.0, 10.0, 11.0, 12.0], &["x", "y", "n", "n", "n"]);
        let internal = frame(&[10, 11, 12], &[10.0, 11.0, 12.0], &["n", "n", "n"]);
        let src = [RawSource { path: "raw/base.csv".into(), node: "a".into(), table: &base }, RawSource { path: "raw/internal.csv".into(), node: "b".into(), table: &internal }];
        let c = compare_tables("", &base, &grown, &src).unwrap();
        assert_eq!(c.rows_added, 3);
        assert_eq!(c.added_from.len(), 1);
        assert_eq!((c.added_from[0].source.as_str(), c.added_from[0].rows), ("raw/internal.csv", 3));
    }
}
