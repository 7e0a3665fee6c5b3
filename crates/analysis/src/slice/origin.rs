//! Row origin: which raw source each row of a table came from, and each group's rows by
//! source.
//!
//! Why: a skew in a table becomes traceable when it is put where it entered: which raw table a
//! stage read contributed the rows of the under- or over-represented group ("the over-60s of
//! the training set all came from internal_reviews.csv").
//!
//! How: every row is reduced to a content hash over the columns the table shares with a raw
//! source (the hashing of [`crate::rows`]), through dropped, added and renamed columns (a
//! rename is inferred from the values, see [`line_up`]), and rows are matched as multisets.
//! The origin is then one more key of the group metrics' `group_by`, so a group's rows by
//! source are counted in the same pass as its metrics.
//!
//! Guarantees:
//! * Each raw row accounts for at most one table row; sources are tried in the order given
//!   and the first that holds a row gets it, so the result is deterministic.
//! * A source sharing fewer than two columns with the table is not matched (one column is not
//!   a row); a column left out for its type, a rename taken or refused, and the rows no
//!   source holds are each named in a note.
//! * Tables are only read.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;

use super::metrics::{GroupStats, Key, rate};
use crate::rows::{RawSource, extend_row_hashes, row_hashes, value_hashes};

/// The column of a table's frame holding each row's origin (the index of its source), a key
/// of the group metrics' `group_by`.
pub(super) const ORIGIN: &str = "__custody_origin";

/// Rows of one group held by one raw source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SourceCount {
    /// The raw source's path; None for rows no source holds.
    pub source: Option<String>,
    pub node: Option<String>,
    pub rows: usize,
    /// Of the group.
    pub share: f64,
}

/// Rows of the (filtered) table held by one raw source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SourceComposition {
    /// The raw source's path, or "unattributed" (node empty) for rows no source holds.
    pub source: String,
    pub node: String,
    pub rows: usize,
    pub share: f64,
}

/// How a raw source's rows were matched to the table's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SourceColumns {
    pub source: String,
    /// The table's names of the columns hashed (fewer than two: the source was not matched).
    pub columns: Vec<String>,
    /// Columns renamed on the way: (raw name, table name).
    pub renamed: Vec<(String, String)>,
}

/// Which raw source holds each row of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOrigins {
    /// Per row of the table, the index (into the sources given) of the source holding it.
    pub origin: Vec<Option<usize>>,
    /// Per source, in the order given, the columns matched on.
    pub matched_on: Vec<SourceColumns>,
    pub notes: Vec<String>,
}

/// What a column's values hash as: only columns of one kind can hold equal values.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// Numbers and booleans (hashed as f64).
    Number,
    /// Strings and categoricals.
    Text,
    /// Dates, times, durations: the type (with its unit) is part of the hash.
    Time(String),
    /// A column of nulls only (JSON keys that were always null): compares with anything.
    Null,
}

impl Kind {
    fn of(dt: &DataType) -> Option<Kind> {
        match dt {
            DataType::Null => Some(Kind::Null),
            DataType::Boolean => Some(Kind::Number),
            d if d.is_primitive_numeric() => Some(Kind::Number),
            DataType::String | DataType::Categorical(..) | DataType::Enum(..) => Some(Kind::Text),
            DataType::Date | DataType::Datetime(..) | DataType::Duration(..) | DataType::Time => Some(Kind::Time(dt.to_string())),
            _ => None,
        }
    }
    fn comparable(&self, other: &Kind) -> bool {
        self == other || *self == Kind::Null || *other == Kind::Null
    }
    fn describe(&self) -> String {
        match self {
            Kind::Number => "a number".into(),
            Kind::Text => "text".into(),
            Kind::Time(t) => format!("a {t}"),
            Kind::Null => "always null".into(),
        }
    }
}

/// Hashes a key that already is a well-mixed 64-bit hash (a row or value hash) as itself.
#[derive(Default)]
struct AlreadyHashed(u64);

impl std::hash::Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type ByHash = std::hash::BuildHasherDefault<AlreadyHashed>;
/// How many raw rows have each row hash.
type HashCounts = HashMap<u64, u32, ByHash>;
type HashSet64 = HashSet<u64, ByHash>;

fn hash_counts(hashes: &[u64]) -> HashCounts {
    let mut have = HashCounts::with_capacity_and_hasher(hashes.len(), ByHash::default());
    for h in hashes {
        *have.entry(*h).or_default() += 1;
    }
    have
}

/// Distinct values sampled for the rename test.
const RENAME_SAMPLE: usize = 10_000;
/// Share of the smaller value set the other must hold for two columns to be one renamed.
const RENAME_OVERLAP: f64 = 0.9;

fn hashable_columns(df: &DataFrame) -> Vec<(String, Kind)> {
    df.columns().iter().filter_map(|c| Kind::of(c.dtype()).map(|k| (c.name().to_string(), k))).collect()
}

/// The distinct non-null value hashes of a column.
fn value_set(column: &Column) -> PolarsResult<HashSet64> {
    Ok(value_hashes(&column.drop_nulls())?.into_iter().collect())
}

/// The share of the smaller set's values (the smallest hashes, up to [`RENAME_SAMPLE`], a
/// sample both sides would draw alike) that the larger set holds.
fn overlap(a: &HashSet64, b: &HashSet64) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0.0;
    }
    let mut sample: Vec<u64> = small.iter().copied().collect();
    if sample.len() > RENAME_SAMPLE {
        sample.select_nth_unstable(RENAME_SAMPLE);
        sample.truncate(RENAME_SAMPLE);
    }
    sample.iter().filter(|h| large.contains(h)).count() as f64 / sample.len() as f64
}

/// How many rows of `table` find a row of `raw` with the same hash, each raw row used once.
fn multiset_matches(table: &[u64], raw: &[u64]) -> usize {
    let mut have = hash_counts(raw);
    table
        .iter()
        .filter(|h| match have.get_mut(h) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

/// A source's columns lined up with the table's, and the row hashes over them.
struct LinedUp {
    columns: SourceColumns,
    table_hashes: Vec<u64>,
    raw_hashes: Vec<u64>,
}

/// A raw source beside the table, with the columns of each that can be hashed.
struct Sides<'a> {
    table: &'a DataFrame,
    raw: &'a RawSource<'a>,
    tcols: Vec<(String, Kind)>,
    rcols: Vec<(String, Kind)>,
}

/// Lines up `raw`'s columns with `table`'s: same-named columns of comparable kinds, plus
/// renamed ones. A raw column absent from the table is taken as renamed to a table column
/// absent from the raw table when both are of one kind, their value sets overlap (at least
/// [`RENAME_OVERLAP`] of the smaller one's values), each is the other's unique best such
/// match, and the rows that agree on the same-named columns mostly (at least half) agree on
/// it too. Columns only one side has (dropped, added) are ignored.
fn line_up(table: &DataFrame, raw: &RawSource<'_>, table_values: &mut HashMap<String, HashSet64>, notes: &mut Vec<String>) -> PolarsResult<LinedUp> {
    let sides = Sides { table, raw, tcols: hashable_columns(table), rcols: hashable_columns(raw.table) };
    let shared = sides.shared_columns(notes);
    let candidates = sides.rename_candidates(table_values, notes)?;
    sides.hash_rows(shared, candidates, notes)
}

impl Sides<'_> {
    /// The columns both sides name alike and whose kinds are comparable, sorted; a note names
    /// each same-named column left out for its kind.
    fn shared_columns(&self, notes: &mut Vec<String>) -> Vec<String> {
        let tkind: HashMap<&str, &Kind> = self.tcols.iter().map(|(n, k)| (n.as_str(), k)).collect();
        let mut shared = Vec::new();
        for (name, rk) in &self.rcols {
            if let Some(tk) = tkind.get(name.as_str()) {
                if rk.comparable(tk) {
                    shared.push(name.clone());
                } else {
                    notes.push(format!("`{name}` is {} in {} but {} in the table: left out of the row matching", rk.describe(), self.raw.path, tk.describe()));
                }
            }
        }
        shared.sort();
        shared
    }

    /// The renames the values suggest, (raw name, table name) in the table name's order: a raw
    /// column the table lacks and a table column the raw table lacks, of one kind, whose value
    /// sets overlap, each the other's unique best match. A raw column with several equally good
    /// matches is named in a note and not taken. `table_values` keeps the table's value sets
    /// from one source to the next.
    fn rename_candidates(&self, table_values: &mut HashMap<String, HashSet64>, notes: &mut Vec<String>) -> PolarsResult<Vec<(String, String)>> {
        let (table, raw) = (self.table, self.raw);
        let tnames: HashSet<&str> = table.get_column_names().iter().map(|n| n.as_str()).collect();
        let rnames: HashSet<&str> = raw.table.get_column_names().iter().map(|n| n.as_str()).collect();
        // rename candidates: raw columns the table lacks × table columns the raw table lacks
        let lone_raw: Vec<&(String, Kind)> = self.rcols.iter().filter(|(n, k)| !tnames.contains(n.as_str()) && *k != Kind::Null).collect();
        let lone_table: Vec<&(String, Kind)> = self.tcols.iter().filter(|(n, k)| !rnames.contains(n.as_str()) && *k != Kind::Null).collect();
        let mut scores: Vec<(usize, usize, f64)> = Vec::new();
        for (i, (rn, rk)) in lone_raw.iter().map(|c| (&c.0, &c.1)).enumerate() {
            if !lone_table.iter().any(|(_, tk)| tk == rk) {
                continue;
            }
            let rset = value_set(raw.table.column(rn)?)?;
            for (j, (tn, tk)) in lone_table.iter().map(|c| (&c.0, &c.1)).enumerate() {
                if tk != rk {
                    continue;
                }
                if !table_values.contains_key(tn.as_str()) {
                    let set = value_set(table.column(tn)?)?;
                    table_values.insert(tn.clone(), set);
                }
                let score = overlap(&rset, &table_values[tn.as_str()]);
                if score >= RENAME_OVERLAP {
                    scores.push((i, j, score));
                }
            }
        }
        // each must be the other's unique best
        let best = |of: &dyn Fn(&(usize, usize, f64)) -> usize, who: usize| -> Option<(usize, usize)> {
            let mine: Vec<&(usize, usize, f64)> = scores.iter().filter(|s| of(s) == who).collect();
            let top = mine.iter().map(|s| s.2).fold(f64::NEG_INFINITY, f64::max);
            let at_top: Vec<&&(usize, usize, f64)> = mine.iter().filter(|s| s.2 == top).collect();
            (at_top.len() == 1).then(|| (at_top[0].0, at_top[0].1))
        };
        let mut candidates: Vec<(String, String)> = Vec::new();
        for i in 0..lone_raw.len() {
            let mine: Vec<usize> = scores.iter().filter(|s| s.0 == i).map(|s| s.1).collect();
            if mine.is_empty() {
                continue;
            }
            match best(&|s| s.0, i) {
                Some((_, j)) if best(&|s| s.1, j) == Some((i, j)) => candidates.push((lone_raw[i].0.clone(), lone_table[j].0.clone())),
                _ => {
                    let names: Vec<String> = mine.iter().map(|&j| format!("`{}`", lone_table[j].0)).collect();
                    notes.push(format!("`{}` of {} could be the table's {}: not taken as renamed", lone_raw[i].0, raw.path, names.join(" or ")));
                }
            }
        }
        candidates.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(candidates)
    }

    /// Both sides' row hashes over the `shared` columns, extended by each candidate rename in
    /// turn that keeps at least half the rows matching that matched without it (a note says
    /// which renames were taken and which refused).
    fn hash_rows(&self, shared: Vec<String>, candidates: Vec<(String, String)>, notes: &mut Vec<String>) -> PolarsResult<LinedUp> {
        let (table, raw) = (self.table, self.raw);
        let mut table_hashes = row_hashes(table, &shared)?;
        let mut raw_hashes = row_hashes(raw.table, &shared)?;
        let mut renamed = Vec::new();
        if !candidates.is_empty() {
            // a rename must keep the rows that match on the other columns matching
            let mut matched = multiset_matches(&table_hashes, &raw_hashes);
            for (rn, tn) in candidates {
                let (tv, rv) = (value_hashes(table.column(&tn)?)?, value_hashes(raw.table.column(&rn)?)?);
                let (mut th, mut rh) = (table_hashes.clone(), raw_hashes.clone());
                extend_row_hashes(&mut th, &tv);
                extend_row_hashes(&mut rh, &rv);
                let kept = multiset_matches(&th, &rh);
                if matched > 0 && kept * 2 >= matched {
                    notes.push(format!("`{rn}` of {} is the table's `{tn}` (renamed): matched under that name", raw.path));
                    (table_hashes, raw_hashes, matched) = (th, rh, kept);
                    renamed.push((rn, tn));
                } else {
                    notes.push(format!("`{rn}` of {} holds the values of the table's `{tn}` but not row by row: not taken as renamed", raw.path));
                }
            }
        }
        let mut columns = shared;
        columns.extend(renamed.iter().map(|(_, t)| t.clone()));
        Ok(LinedUp { columns: SourceColumns { source: raw.path.clone(), columns, renamed }, table_hashes, raw_hashes })
    }
}

/// Attributes every row of `table` to the raw source holding it (see [`line_up`] for how
/// columns are matched). Sources are tried in the order given; a raw row accounts for one
/// table row at most, table rows taking raw rows in table order. A source sharing fewer than
/// two columns with the table is not matched (one column is not a row).
pub fn row_origins(table: &DataFrame, sources: &[RawSource<'_>]) -> PolarsResult<RowOrigins> {
    let mut origin: Vec<Option<usize>> = vec![None; table.height()];
    let mut matched_on = Vec::new();
    let mut notes = Vec::new();
    let mut table_values = HashMap::new();
    for (index, src) in sources.iter().enumerate() {
        let lined = line_up(table, src, &mut table_values, &mut notes)?;
        if lined.columns.columns.len() < 2 {
            notes.push(format!("{} shares {} column(s) with the table: its rows were not matched", src.path, lined.columns.columns.len()));
            matched_on.push(lined.columns);
            continue;
        }
        let mut have = hash_counts(&lined.raw_hashes);
        for (o, h) in origin.iter_mut().zip(&lined.table_hashes) {
            if o.is_none()
                && let Some(n) = have.get_mut(h)
                && *n > 0
            {
                *n -= 1;
                *o = Some(index);
            }
        }
        matched_on.push(lined.columns);
    }
    Ok(RowOrigins { origin, matched_on, notes })
}

/// `table` with each row's origin (the index of the source holding it; null when none does)
/// in the column [`ORIGIN`].
pub(super) fn with_origins(table: &DataFrame, origins: &RowOrigins) -> PolarsResult<DataFrame> {
    let mut frame = table.clone();
    let ids: Vec<Option<u32>> = origins.origin.iter().map(|x| x.map(|v| v as u32)).collect();
    frame.with_column(Column::new(ORIGIN.into(), ids))?;
    Ok(frame)
}

/// Fills in each group's composition from `parts` (rows per origin, per group key and under
/// the empty key for all rows, as counted) and returns the composition of the table's `rows`:
/// per source in the order given, then the rows no source holds as "unattributed" (and a note)
/// when there are any.
pub(super) fn compose<'g>(groups: impl Iterator<Item = &'g mut GroupStats>, parts: &HashMap<Key, Vec<(Option<usize>, usize)>>, sources: &[RawSource<'_>], rows: usize, notes: &mut Vec<String>) -> Vec<SourceComposition> {
    for g in groups {
        let Some(p) = parts.get(&g.key) else { continue };
        g.composition = p
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|&(s, n)| SourceCount { source: s.map(|s| sources[s].path.clone()), node: s.map(|s| sources[s].node.clone()), rows: n, share: rate(n, g.count).unwrap_or(0.0) })
            .collect();
    }
    let mut composition = Vec::new();
    let whole = parts.get(&Vec::new()).cloned().unwrap_or_default();
    for (i, s) in sources.iter().enumerate() {
        let n = whole.iter().filter(|(o, _)| *o == Some(i)).map(|(_, n)| n).sum();
        composition.push(SourceComposition { source: s.path.clone(), node: s.node.clone(), rows: n, share: rate(n, rows).unwrap_or(0.0) });
    }
    let unattributed: usize = whole.iter().filter(|(o, _)| o.is_none()).map(|(_, n)| n).sum();
    if unattributed > 0 {
        composition.push(SourceComposition { source: "unattributed".into(), node: String::new(), rows: unattributed, share: rate(unattributed, rows).unwrap_or(0.0) });
        notes.push(format!("{unattributed} of {rows} rows match no raw source (added or changed after the raw tables, or from a source not given)"));
    }
    composition
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slice::slice_table;
    use crate::slice::test_support::{EPS, group, source, spec};

    /// Raw transactions (`amt` renamed to `amount` downstream, `notes` dropped), raw reviews
    /// (same names), and the training table built from both (`source_file` added). Row 3 is
    /// in both sources and twice in the table; row 6 is in neither.
    fn pipeline() -> (DataFrame, DataFrame, DataFrame) {
        let transactions = df!("id" => [1i64, 2, 3], "amt" => [10i64, 20, 30], "band" => ["a", "b", "a"], "notes" => ["x", "y", "z"]).unwrap();
        let reviews = df!("id" => [3i64, 4, 5], "amount" => [30.0, 40.0, 50.0], "band" => ["a", "b", "b"]).unwrap();
        let train = df!(
            "id" => [1i64, 2, 3, 3, 4, 5, 6],
            "amount" => [10.0, 20.0, 30.0, 30.0, 40.0, 50.0, 60.0],
            "band" => ["a", "b", "a", "a", "b", "b", "a"],
            "source_file" => ["t", "t", "t", "r", "r", "r", "?"],
        )
        .unwrap();
        (transactions, reviews, train)
    }

    #[test]
    fn rows_are_traced_through_renamed_dropped_and_added_columns() {
        // breaks: naming the raw source a training row came from (issue 6, point 4)
        let (transactions, reviews, train) = pipeline();
        let o = row_origins(&train, &[source("raw/transactions.csv", &transactions), source("raw/reviews.csv", &reviews)]).unwrap();
        assert_eq!(o.origin, [Some(0), Some(0), Some(0), Some(1), Some(1), Some(1), None], "row 3 once from each source; row 6 from none");
        assert_eq!(o.matched_on[0].columns, ["band", "id", "amount"], "notes (dropped) and source_file (added) ignored");
        assert_eq!(o.matched_on[0].renamed, [("amt".to_string(), "amount".to_string())]);
        assert_eq!(o.matched_on[1].columns, ["amount", "band", "id"]);
        assert!(o.matched_on[1].renamed.is_empty());
        assert!(o.notes.iter().any(|n| n.contains("`amt`") && n.contains("renamed")), "{:?}", o.notes);
    }

    #[test]
    fn a_row_both_sources_hold_goes_to_the_first_given() {
        // breaks: deterministic attribution when sources overlap
        let (transactions, reviews, train) = pipeline();
        let reversed = row_origins(&train, &[source("raw/reviews.csv", &reviews), source("raw/transactions.csv", &transactions)]).unwrap();
        assert_eq!(reversed.origin, [Some(1), Some(1), Some(0), Some(1), Some(0), Some(0), None]);
        let once = train.slice(0, 3);
        let o = row_origins(&once, &[source("raw/transactions.csv", &transactions), source("raw/reviews.csv", &reviews)]).unwrap();
        assert_eq!(o.origin, [Some(0), Some(0), Some(0)]);
    }

    #[test]
    fn a_dropped_flag_is_not_mistaken_for_an_added_column_holding_its_values() {
        // breaks: attribution when a 0/1 column was dropped and a numeric one added (a false
        // rename would match no row at all)
        let raw = df!("id" => [1i64, 2, 3, 4], "band" => ["a", "b", "a", "b"], "flag" => [0i64, 1, 0, 1]).unwrap();
        let table = df!("id" => [1i64, 2, 3, 4], "band" => ["a", "b", "a", "b"], "hour" => [1i64, 0, 1, 5]).unwrap();
        let o = row_origins(&table, &[source("raw.csv", &raw)]).unwrap();
        assert!(o.matched_on[0].renamed.is_empty(), "{:?}", o.matched_on);
        assert_eq!(o.origin, [Some(0); 4]);
    }

    #[test]
    fn a_source_sharing_one_column_is_not_matched_and_type_mismatches_are_named() {
        // breaks: spurious attribution over a lone shared column
        let raw = df!("id" => [1i64, 2], "when" => ["2024-01-01", "2024-01-02"]).unwrap();
        let table = df!("id" => [1i64, 2], "when" => [1i64, 2]).unwrap();
        let o = row_origins(&table, &[source("raw.csv", &raw)]).unwrap();
        assert_eq!(o.origin, [None, None]);
        assert!(o.notes.iter().any(|n| n.contains("`when` is text")), "{:?}", o.notes);
        assert!(o.notes.iter().any(|n| n.contains("1 column(s)")), "{:?}", o.notes);
    }

    #[test]
    fn each_group_is_composed_by_source() {
        // breaks: "the over-60s of the training set all came from internal_reviews.csv"
        let (transactions, reviews, train) = pipeline();
        let sources = [source("raw/transactions.csv", &transactions), source("raw/reviews.csv", &reviews)];
        let s = slice_table(&train, None, &spec(&["band"], None, None), &sources).unwrap();
        let a = group(&s, &[Some("a")]);
        let parts: Vec<(Option<&str>, usize)> = a.composition.iter().map(|c| (c.source.as_deref(), c.rows)).collect();
        assert_eq!(parts, [(Some("raw/transactions.csv"), 2), (Some("raw/reviews.csv"), 1), (None, 1)]);
        assert!((a.composition[0].share - 0.5).abs() < EPS);
        let b = group(&s, &[Some("b")]);
        let parts: Vec<(Option<&str>, usize)> = b.composition.iter().map(|c| (c.source.as_deref(), c.rows)).collect();
        assert_eq!(parts, [(Some("raw/transactions.csv"), 1), (Some("raw/reviews.csv"), 2)]);
        let whole: Vec<(&str, usize)> = s.sources.iter().map(|c| (c.source.as_str(), c.rows)).collect();
        assert_eq!(whole, [("raw/transactions.csv", 3), ("raw/reviews.csv", 3), ("unattributed", 1)]);
        assert_eq!(s.overall.composition.len(), 3);
        assert_eq!(s.matched_on.len(), 2);
        assert_eq!(s.overall.composition[2].node, None);
    }
}
