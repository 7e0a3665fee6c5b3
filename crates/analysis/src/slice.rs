//! Group metrics for bias evidence: how a table's rows, labels and a model's decisions split
//! across groups (an age band, a gender, their combinations), and which raw source each
//! group's rows came from.
//!
//! Why: "the model is unfair to the over-60s" becomes evidence when it is put in the terms an
//! auditor checks (group counts and base rates against a reference population, selection
//! rates, true and false positive rates, demographic parity, equalized odds, the four-fifths
//! rule) and when the skew is traced to where it entered: which raw table a stage read
//! contributed the rows of the under- or over-represented group.
//!
//! How: the metrics are counted in one lazy polars `group_by` per table, over the `by`
//! columns plus the label and the prediction as Boolean keys (and the row origin), so every
//! rate is a sum over a frame of a few rows per group: ten million rows by two columns take
//! about a second. Labels and predictions are read as 0/1 through an [`Outcome`]; group
//! values are compared as text. Row origin reduces every row to a content hash over the
//! columns the table shares with a raw source (the hashing of [`crate::rows`]),
//! through dropped, added and renamed columns, and matches rows as multisets.
//!
//! Guarantees:
//! * The metrics are fairlearn's (0.13 and later; checked against 0.15 on the fraud case):
//!   `MetricFrame` with `count`, `selection_rate`, `true_positive_rate`,
//!   `false_positive_rate`; `demographic_parity_difference`/`_ratio` and
//!   `equalized_odds_difference`/`_ratio` with their defaults (`between_groups`,
//!   `worst_case`), computed on the labelled rows, which are the rows fairlearn is given.
//!   Rates are counts divided in f64, as numpy divides them.
//! * A metric that is undefined (no labelled rows, no positives) is `None`, never a made-up
//!   number. Where fairlearn itself substitutes a number, the substitution is named in a
//!   note: scikit-learn's confusion matrix counts the true positive rate of a group without
//!   positives as 0 (and the false positive rate of a group without negatives), and so do the
//!   equalized-odds aggregates here.
//! * A null group value is a group of its own in the counts, but is left out of every
//!   disparity aggregate and four-fifths count, as pandas' `groupby` leaves it out of
//!   fairlearn's; a note says so when it happens.
//! * Each raw row accounts for at most one table row; sources are tried in the order given
//!   and the first that holds a row gets it, so the result is deterministic.
//! * Tables are only read.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use polars::prelude::*;

use crate::rows::{RawSource, extend_row_hashes, row_hashes, value_hashes};

/// Why a slice could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum SliceError {
    #[error("no column `{column}` (candidates: {})", shortlist(available))]
    UnknownColumn { column: String, available: Vec<String> },
    #[error("`{column}` could be any of {}: name one in full", candidates.join(", "))]
    AmbiguousColumn { column: String, candidates: Vec<String> },
    #[error("`{column}` is not a 0/1 column (values such as {}): name the positive value, e.g. `{column}={}`", examples.join(", "), examples.first().map(String::as_str).unwrap_or("VALUE"))]
    NotBinary { column: String, examples: Vec<String> },
    #[error("cannot use `{spec}`: {problem}")]
    BadSpec { spec: String, problem: String },
    #[error("no rows are left after the filters")]
    NoRows,
    #[error(transparent)]
    Polars(#[from] PolarsError),
}

fn shortlist(names: &[String]) -> String {
    const SHOWN: usize = 20;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..SHOWN].join(", "), names.len() - SHOWN)
    }
}

/// How a 0/1 outcome (a label or a model's decision) is read from a column.
///
/// Written `COL` (the column holds 0/1, booleans, 0.0/1.0 or the text `0`/`1`/`true`/`false`),
/// `COL=VALUE` (positive when the value, as text, equals VALUE; surrounding quotes are
/// dropped), `COL>=X` or `COL>X` (a numeric threshold, e.g. on a score). A null stays null:
/// the row is unlabelled, or has no decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Column(String),
    Equals { column: String, value: String },
    AtLeast { column: String, threshold: f64, strict: bool },
}

impl Outcome {
    pub fn parse(spec: &str) -> Result<Outcome, SliceError> {
        let bad = |problem: &str| SliceError::BadSpec { spec: spec.to_string(), problem: problem.to_string() };
        let text = spec.trim();
        if text.is_empty() {
            return Err(bad("empty; write COL, COL=VALUE, COL>=X or COL>X"));
        }
        if text.contains('<') || text.contains("!=") {
            return Err(bad("only COL, COL=VALUE, COL>=X and COL>X are understood"));
        }
        let column_of = |c: &str| -> Result<String, SliceError> {
            let c = c.trim();
            if c.is_empty() { Err(bad("no column name before the operator")) } else { Ok(c.to_string()) }
        };
        let threshold_of = |x: &str| -> Result<f64, SliceError> {
            match x.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(bad(&format!("`{}` is not a number", x.trim()))),
            }
        };
        if let Some((c, x)) = text.split_once(">=") {
            return Ok(Outcome::AtLeast { column: column_of(c)?, threshold: threshold_of(x)?, strict: false });
        }
        if let Some((c, x)) = text.split_once('>') {
            return Ok(Outcome::AtLeast { column: column_of(c)?, threshold: threshold_of(x)?, strict: true });
        }
        if let Some((c, v)) = text.split_once('=') {
            // `COL==VALUE` reads like `COL=VALUE`
            let v = v.strip_prefix('=').unwrap_or(v).trim();
            let v = unquote(v);
            if v.is_empty() {
                return Err(bad("no value after `=`"));
            }
            return Ok(Outcome::Equals { column: column_of(c)?, value: v.to_string() });
        }
        Ok(Outcome::Column(text.to_string()))
    }

    /// The column the outcome is read from, as written.
    pub fn column(&self) -> &str {
        match self {
            Outcome::Column(c) | Outcome::Equals { column: c, .. } | Outcome::AtLeast { column: c, .. } => c,
        }
    }

    /// The outcome as it would be written (`is_fraud`, `decision=decline`, `score>=0.5`).
    pub fn describe(&self) -> String {
        match self {
            Outcome::Column(c) => c.clone(),
            Outcome::Equals { column, value } => format!("{column}={value}"),
            Outcome::AtLeast { column, threshold, strict } => format!("{column}{}{threshold}", if *strict { ">" } else { ">=" }),
        }
    }

    fn on_column(&self, column: String) -> Outcome {
        match self {
            Outcome::Column(_) => Outcome::Column(column),
            Outcome::Equals { value, .. } => Outcome::Equals { column, value: value.clone() },
            Outcome::AtLeast { threshold, strict, .. } => Outcome::AtLeast { column, threshold: *threshold, strict: *strict },
        }
    }

    /// The same outcome on the column `name` resolves to in `df`.
    fn resolved(&self, df: &DataFrame) -> Result<Outcome, SliceError> {
        Ok(self.on_column(resolve_column(df, self.column())?))
    }
}

impl FromStr for Outcome {
    type Err = SliceError;
    fn from_str(s: &str) -> Result<Outcome, SliceError> {
        Outcome::parse(s)
    }
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Reads a `COL=VALUE` filter (compared as text; surrounding quotes are dropped).
pub fn parse_filter(spec: &str) -> Result<(String, String), SliceError> {
    let bad = |problem: &str| SliceError::BadSpec { spec: spec.to_string(), problem: problem.to_string() };
    let (c, v) = spec.split_once('=').ok_or_else(|| bad("a filter is written COL=VALUE"))?;
    let v = unquote(v.strip_prefix('=').unwrap_or(v).trim());
    if c.trim().is_empty() {
        return Err(bad("no column name before `=`"));
    }
    Ok((c.trim().to_string(), v.to_string()))
}

/// What to slice and how.
#[derive(Debug, Clone, Default)]
pub struct SliceSpec {
    /// The columns whose value combinations make the groups (may be empty: overall only).
    pub by: Vec<String>,
    pub label: Option<Outcome>,
    pub prediction: Option<Outcome>,
    /// Only rows whose column, as text, equals the value (all filters must hold). Applied to
    /// the reference too where the reference has the column.
    pub filters: Vec<(String, String)>,
}

/// Group metrics of one table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SliceStats {
    /// The columns sliced by, as resolved in the table.
    pub by: Vec<String>,
    /// The label and the prediction, as resolved (`is_fraud`, `decision=decline`).
    pub label: Option<String>,
    pub prediction: Option<String>,
    /// Rows after the filters.
    pub rows: usize,
    /// Rows of the reference after the filters that apply to it.
    pub reference_rows: Option<usize>,
    /// One entry per value combination present in the table or the reference, in key order
    /// (numerically where every value of a column is a number; null last).
    pub groups: Vec<GroupStats>,
    /// All rows (key empty).
    pub overall: GroupStats,
    /// Between-group disparities, when a prediction is given (equalized odds with a label).
    pub disparity: Option<Disparity>,
    /// Where the (filtered) rows came from, per raw source in the order given, then rows no
    /// source holds as source "unattributed". Empty when no sources were given.
    pub sources: Vec<SourceComposition>,
    /// Per source, the columns its rows were matched on.
    pub matched_on: Vec<SourceColumns>,
    /// What a reader must know to read the numbers right.
    pub notes: Vec<String>,
}

/// The metrics of one group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GroupStats {
    /// One value per `by` column, as text; None is null.
    pub key: Vec<Option<String>>,
    pub count: usize,
    /// Of the (filtered) table.
    pub share: f64,
    pub reference_count: Option<usize>,
    pub reference_share: Option<f64>,
    /// Rows with a label (and a prediction, when both are given): the rows fairlearn is given.
    pub labelled: usize,
    /// Mean label over the labelled rows.
    pub base_rate: Option<f64>,
    /// Mean label over the reference's rows with a label.
    pub reference_base_rate: Option<f64>,
    /// Mean prediction: over the labelled rows when a label is given, else over the rows with
    /// a prediction.
    pub selection_rate: Option<f64>,
    pub true_positive_rate: Option<f64>,
    pub false_positive_rate: Option<f64>,
    /// This group's selection rate over the highest group selection rate.
    pub disparate_impact: Option<f64>,
    /// `disparate_impact` < 0.8 (the four-fifths rule).
    pub four_fifths_flag: bool,
    /// The group's rows by raw source (sources holding none are left out), then rows no
    /// source holds (source None).
    pub composition: Vec<SourceCount>,
}

/// Between-group disparities over the groups without a null value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Disparity {
    /// Highest minus lowest group selection rate.
    pub demographic_parity_difference: f64,
    /// Lowest over highest group selection rate; None when every group's is 0.
    pub demographic_parity_ratio: Option<f64>,
    /// The larger of the true and false positive rate differences (needs a label).
    pub equalized_odds_difference: Option<f64>,
    /// The smaller of the true and false positive rate ratios (needs a label); a ratio whose
    /// highest rate is 0 is undefined and left out, None when both are.
    pub equalized_odds_ratio: Option<f64>,
    pub max_selection_group: Vec<Option<String>>,
    pub min_selection_group: Vec<Option<String>>,
    /// Groups whose disparate impact is below 0.8.
    pub four_fifths_violations: usize,
}

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

/// Resolves a column name as written to the table's: the exact name, else the one column
/// whose dotted suffix is `.name` (inference logs flatten nested JSON: `inputs.age_band`).
pub fn resolve_column(df: &DataFrame, name: &str) -> Result<String, SliceError> {
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    if names.iter().any(|n| n == name) {
        return Ok(name.to_string());
    }
    let suffix = format!(".{name}");
    let hits: Vec<String> = names.iter().filter(|n| n.ends_with(&suffix)).cloned().collect();
    match hits.len() {
        1 => Ok(hits.into_iter().next().expect("one hit")),
        0 => {
            let close: Vec<String> = names.iter().filter(|n| is_close(name, n)).cloned().collect();
            Err(SliceError::UnknownColumn { column: name.to_string(), available: if close.is_empty() { names } else { close } })
        }
        _ => Err(SliceError::AmbiguousColumn { column: name.to_string(), candidates: hits }),
    }
}

/// A column name a person may have meant by `wanted`: equal ignoring case, containing or
/// contained in it, or a couple of typos away (compared on the last dotted segment too).
fn is_close(wanted: &str, name: &str) -> bool {
    let w = wanted.to_lowercase();
    let full = name.to_lowercase();
    let leaf = full.rsplit('.').next().unwrap_or(&full).to_string();
    [full, leaf].iter().any(|n| *n == w || (w.len() >= 3 && (n.contains(&w) || w.contains(n.as_str()) && n.len() >= 3)) || edit_distance(&w, n) <= 2)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

// ---------------------------------------------------------------------------------------
// Row origin

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

/// Lines up `raw`'s columns with `table`'s: same-named columns of comparable kinds, plus
/// renamed ones. A raw column absent from the table is taken as renamed to a table column
/// absent from the raw table when both are of one kind, their value sets overlap (at least
/// [`RENAME_OVERLAP`] of the smaller one's values), each is the other's unique best such
/// match, and the rows that agree on the same-named columns mostly (at least half) agree on
/// it too. Columns only one side has (dropped, added) are ignored.
fn line_up(table: &DataFrame, raw: &RawSource<'_>, table_values: &mut HashMap<String, HashSet64>, notes: &mut Vec<String>) -> PolarsResult<LinedUp> {
    let tcols = hashable_columns(table);
    let rcols = hashable_columns(raw.table);
    let tnames: HashSet<&str> = table.get_column_names().iter().map(|n| n.as_str()).collect();
    let rnames: HashSet<&str> = raw.table.get_column_names().iter().map(|n| n.as_str()).collect();
    let tkind: HashMap<&str, &Kind> = tcols.iter().map(|(n, k)| (n.as_str(), k)).collect();

    let mut shared = Vec::new();
    for (name, rk) in &rcols {
        if let Some(tk) = tkind.get(name.as_str()) {
            if rk.comparable(tk) {
                shared.push(name.clone());
            } else {
                notes.push(format!("`{name}` is {} in {} but {} in the table: left out of the row matching", rk.describe(), raw.path, tk.describe()));
            }
        }
    }
    shared.sort();

    // rename candidates: raw columns the table lacks × table columns the raw table lacks
    let lone_raw: Vec<&(String, Kind)> = rcols.iter().filter(|(n, k)| !tnames.contains(n.as_str()) && *k != Kind::Null).collect();
    let lone_table: Vec<&(String, Kind)> = tcols.iter().filter(|(n, k)| !rnames.contains(n.as_str()) && *k != Kind::Null).collect();
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

// ---------------------------------------------------------------------------------------
// Group metrics

const COUNT: &str = "__custody_count";
const ORIGIN: &str = "__custody_origin";
const LABEL: &str = "__custody_label";
const PREDICTION: &str = "__custody_prediction";
const VALUE: &str = "__custody_value";

/// A column as text (how filters, keys and `COL=VALUE` compare).
fn as_text(column: &str) -> Expr {
    col(column).cast(DataType::String)
}

/// Up to `n` distinct values of `expr` (cast to text) in the frame, first seen first.
fn examples(lf: &LazyFrame, expr: Expr, n: usize) -> PolarsResult<Vec<String>> {
    let df = lf.clone().select([expr.cast(DataType::String).drop_nulls().unique_stable().head(Some(n)).alias(VALUE)]).collect()?;
    Ok(df.column(VALUE)?.str()?.iter().flatten().map(str::to_string).collect())
}

/// The outcome as a Boolean expression (null stays null); checks a bare column is 0/1.
fn outcome_expr(df: &DataFrame, lf: &LazyFrame, outcome: &Outcome) -> Result<Expr, SliceError> {
    let column = outcome.column();
    let dtype = df.column(column)?.dtype().clone();
    match outcome {
        Outcome::Equals { value, .. } => Ok(equals_text(df, column, value)?),
        Outcome::AtLeast { threshold, strict, .. } => {
            if !(dtype.is_primitive_numeric() || dtype == DataType::Boolean) {
                return Err(SliceError::BadSpec { spec: outcome.describe(), problem: format!("`{column}` is {dtype}, not a number") });
            }
            let x = col(column).cast(DataType::Float64);
            Ok(if *strict { x.gt(lit(*threshold)) } else { x.gt_eq(lit(*threshold)) })
        }
        Outcome::Column(_) => {
            if dtype == DataType::Boolean {
                return Ok(col(column));
            }
            if dtype.is_primitive_numeric() {
                let x = col(column).cast(DataType::Float64);
                let outside = x.clone().filter(x.clone().neq(lit(0.0)).and(x.clone().neq(lit(1.0))));
                let seen = examples(lf, outside, 5)?;
                if !seen.is_empty() {
                    return Err(SliceError::NotBinary { column: column.to_string(), examples: seen });
                }
                return Ok(x.eq(lit(1.0)));
            }
            if matches!(dtype, DataType::String | DataType::Categorical(..) | DataType::Enum(..) | DataType::Null) {
                let t = as_text(column).str().to_lowercase();
                let is_any = |words: &[&str]| words.iter().map(|w| t.clone().eq(lit(*w))).reduce(|a, b| a.or(b)).expect("words");
                let (yes, no) = (is_any(&["1", "1.0", "true"]), is_any(&["0", "0.0", "false"]));
                let outside = as_text(column).filter(yes.clone().or(no.clone()).not());
                let seen = examples(lf, outside, 5)?;
                if !seen.is_empty() {
                    return Err(SliceError::NotBinary { column: column.to_string(), examples: seen });
                }
                return Ok(when(yes).then(lit(true)).when(no).then(lit(false)).otherwise(lit(NULL).cast(DataType::Boolean)));
            }
            Err(SliceError::BadSpec { spec: outcome.describe(), problem: format!("`{column}` is {dtype}, not 0/1") })
        }
    }
}

/// The counts behind a group's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Tally {
    count: usize,
    /// Rows with a label (and a prediction, when both are asked for).
    labelled: usize,
    label_positive: usize,
    /// Rows with a prediction (when no label is asked for).
    predicted: usize,
    predicted_positive: usize,
    true_positive: usize,
}

impl Tally {
    /// Counts `rows` rows with this label and prediction.
    fn add(&mut self, label: Option<bool>, prediction: Option<bool>, rows: usize, asked: Asked) {
        self.count += rows;
        match (asked.label, asked.prediction) {
            (true, true) => {
                if let (Some(y), Some(p)) = (label, prediction) {
                    self.labelled += rows;
                    self.label_positive += usize::from(y) * rows;
                    self.predicted_positive += usize::from(p) * rows;
                    self.true_positive += usize::from(y && p) * rows;
                }
            }
            (true, false) => {
                if let Some(y) = label {
                    self.labelled += rows;
                    self.label_positive += usize::from(y) * rows;
                }
            }
            (false, true) => {
                if let Some(p) = prediction {
                    self.predicted += rows;
                    self.predicted_positive += usize::from(p) * rows;
                }
            }
            (false, false) => {}
        }
    }
}

type Key = Vec<Option<String>>;

/// What one pass over a table counts.
#[derive(Default)]
struct Counted {
    /// All rows (the sum of the groups: a null value is a group too, so no row is lost).
    overall: Tally,
    groups: HashMap<Key, Tally>,
    /// Rows per origin, per group and under the empty key for all rows.
    origins: HashMap<Key, Vec<(Option<usize>, usize)>>,
}

/// Counts the rows of each group by label, prediction and origin in one `group_by` (the
/// outcomes are Boolean keys, so the result has a handful of rows per group and every tally
/// is a sum over it).
fn count_groups(lf: &LazyFrame, by: &[String], label: Option<&Expr>, prediction: Option<&Expr>, with_origin: bool) -> PolarsResult<Counted> {
    let asked = Asked { label: label.is_some(), prediction: prediction.is_some() };
    let mut keys_expr: Vec<Expr> = by.iter().map(|b| col(b.as_str())).collect();
    keys_expr.extend(label.map(|y| y.clone().alias(LABEL)));
    keys_expr.extend(prediction.map(|p| p.clone().alias(PREDICTION)));
    if with_origin {
        keys_expr.push(col(ORIGIN));
    }
    let counts = len().cast(DataType::Float64).alias(COUNT);
    let df = if keys_expr.is_empty() {
        lf.clone().select([counts]).collect()?
    } else {
        let text_keys: Vec<Expr> = by.iter().map(|b| as_text(b)).collect();
        lf.clone().group_by(keys_expr).agg([counts]).with_columns(text_keys).collect()?
    };
    let flags = |name: &str, present: bool| -> PolarsResult<Option<BooleanChunked>> { if present { Ok(Some(df.column(name)?.bool()?.clone())) } else { Ok(None) } };
    let (ys, ps) = (flags(LABEL, asked.label)?, flags(PREDICTION, asked.prediction)?);
    let origins = if with_origin { Some(df.column(ORIGIN)?.u32()?.clone()) } else { None };
    let rows = df.column(COUNT)?.f64()?.clone();
    let mut out = Counted::default();
    let mut by_origin: HashMap<Key, HashMap<Option<usize>, usize>> = HashMap::new();
    for (r, key) in keys(&df, by)?.into_iter().enumerate() {
        let n = rows.get(r).unwrap_or(0.0).round() as usize;
        let (y, p) = (ys.as_ref().and_then(|c| c.get(r)), ps.as_ref().and_then(|c| c.get(r)));
        out.overall.add(y, p, n, asked);
        if let Some(o) = &origins {
            let origin = o.get(r).map(|v| v as usize);
            *by_origin.entry(Vec::new()).or_default().entry(origin).or_default() += n;
            if !by.is_empty() {
                *by_origin.entry(key.clone()).or_default().entry(origin).or_default() += n;
            }
        }
        if !by.is_empty() {
            out.groups.entry(key).or_default().add(y, p, n, asked);
        }
    }
    for (key, parts) in by_origin {
        let mut parts: Vec<(Option<usize>, usize)> = parts.into_iter().collect();
        // sources in the order given, then unattributed
        parts.sort_by_key(|(o, _)| o.unwrap_or(usize::MAX));
        out.origins.insert(key, parts);
    }
    Ok(out)
}

/// The text key of each row of an aggregated frame whose key columns were cast to text.
fn keys(df: &DataFrame, by: &[String]) -> PolarsResult<Vec<Key>> {
    let columns: Vec<&StringChunked> = by.iter().map(|b| df.column(b)?.str()).collect::<PolarsResult<_>>()?;
    Ok((0..df.height()).map(|r| columns.iter().map(|c| c.get(r).map(str::to_string)).collect()).collect())
}

fn rate(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Orders keys column by column: numerically where every value of the column is a number,
/// else as text; null last.
fn key_order(groups: &[Key], width: usize) -> impl Fn(&Key, &Key) -> Ordering + use<> {
    let numeric: Vec<bool> = (0..width).map(|i| groups.iter().all(|k| k[i].as_deref().is_none_or(|v| v.trim().parse::<f64>().is_ok()))).collect();
    move |a: &Key, b: &Key| {
        for (i, is_number) in numeric.iter().enumerate() {
            let o = match (&a[i], &b[i]) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) if *is_number => x.trim().parse::<f64>().unwrap_or(f64::NAN).total_cmp(&y.trim().parse::<f64>().unwrap_or(f64::NAN)).then_with(|| x.cmp(y)),
                (Some(x), Some(y)) => x.cmp(y),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

fn show_key(key: &Key) -> String {
    let parts: Vec<&str> = key.iter().map(|v| v.as_deref().unwrap_or("null")).collect();
    format!("[{}]", parts.join(", "))
}

/// Which metrics the spec asks for.
#[derive(Clone, Copy)]
struct Asked {
    label: bool,
    prediction: bool,
}

/// A group's metrics from its counts (the disparate impact is filled in later).
fn group_stats(key: Key, t: &Tally, rows: usize, asked: Asked) -> GroupStats {
    let labelled = if asked.label { t.labelled } else { 0 };
    let negatives = labelled.saturating_sub(t.label_positive);
    let selection_rate = match (asked.prediction, asked.label) {
        (false, _) => None,
        (true, true) => rate(t.predicted_positive, labelled),
        (true, false) => rate(t.predicted_positive, t.predicted),
    };
    let both = asked.label && asked.prediction;
    GroupStats {
        key,
        count: t.count,
        share: rate(t.count, rows).unwrap_or(0.0),
        reference_count: None,
        reference_share: None,
        labelled,
        base_rate: if asked.label { rate(t.label_positive, labelled) } else { None },
        reference_base_rate: None,
        selection_rate,
        true_positive_rate: if both { rate(t.true_positive, t.label_positive) } else { None },
        false_positive_rate: if both { rate(t.predicted_positive.saturating_sub(t.true_positive), negatives) } else { None },
        disparate_impact: None,
        four_fifths_flag: false,
        composition: Vec::new(),
    }
}

fn spread(values: &[f64]) -> (f64, Option<f64>) {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    (max - min, (max > 0.0).then(|| min / max))
}

/// Disparate impact per group and the between-group disparities, over the groups without a
/// null value that have a selection rate (the groups fairlearn sees).
fn disparities(groups: &mut [GroupStats], tallies: &[Tally], asked: Asked, notes: &mut Vec<String>) -> Option<Disparity> {
    if !asked.prediction {
        return None;
    }
    let eligible: Vec<usize> = (0..groups.len()).filter(|&i| groups[i].key.iter().all(Option::is_some) && groups[i].selection_rate.is_some()).collect();
    if eligible.is_empty() {
        notes.push("no group without a null value has rows with a prediction: no disparity to compute".into());
        return None;
    }
    let (mut max_at, mut min_at) = (eligible[0], eligible[0]);
    for &i in &eligible {
        let s = groups[i].selection_rate.expect("eligible");
        if s > groups[max_at].selection_rate.expect("eligible") {
            max_at = i;
        }
        if s < groups[min_at].selection_rate.expect("eligible") {
            min_at = i;
        }
    }
    let highest = groups[max_at].selection_rate.expect("eligible");
    for g in groups.iter_mut() {
        g.disparate_impact = g.selection_rate.and_then(|s| (highest > 0.0).then(|| s / highest));
        g.four_fifths_flag = g.disparate_impact.is_some_and(|d| d < 0.8);
    }
    let rates: Vec<f64> = eligible.iter().map(|&i| groups[i].selection_rate.expect("eligible")).collect();
    let (dp_difference, dp_ratio) = spread(&rates);
    let (mut eo_difference, mut eo_ratio) = (None, None);
    if asked.label {
        // scikit-learn's confusion matrix, which fairlearn uses, counts a rate with nothing to
        // divide by as 0
        let (mut no_positives, mut no_negatives) = (Vec::new(), Vec::new());
        let (mut tprs, mut fprs) = (Vec::new(), Vec::new());
        for &i in &eligible {
            let t = &tallies[i];
            let negatives = t.labelled - t.label_positive;
            if t.label_positive == 0 {
                no_positives.push(show_key(&groups[i].key));
            }
            if negatives == 0 {
                no_negatives.push(show_key(&groups[i].key));
            }
            tprs.push(rate(t.true_positive, t.label_positive).unwrap_or(0.0));
            fprs.push(rate(t.predicted_positive - t.true_positive, negatives).unwrap_or(0.0));
        }
        if !no_positives.is_empty() {
            notes.push(format!("{} ha{} no positive labels: the true positive rate is undefined (null), and counts as 0 in equalized odds, as in fairlearn", no_positives.join(", "), if no_positives.len() == 1 { "s" } else { "ve" }));
        }
        if !no_negatives.is_empty() {
            notes.push(format!("{} ha{} no negative labels: the false positive rate is undefined (null), and counts as 0 in equalized odds, as in fairlearn", no_negatives.join(", "), if no_negatives.len() == 1 { "s" } else { "ve" }));
        }
        let (tpr_difference, tpr_ratio) = spread(&tprs);
        let (fpr_difference, fpr_ratio) = spread(&fprs);
        eo_difference = Some(tpr_difference.max(fpr_difference));
        // a ratio is undefined when every group's rate is 0 (fairlearn: NaN, and Python's
        // `min` over [tpr, fpr] then depends on the order); the defined one is the smaller
        eo_ratio = match (tpr_ratio, fpr_ratio) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let violations = eligible.iter().filter(|&&i| groups[i].four_fifths_flag).count();
    if groups.iter().any(|g| g.four_fifths_flag) {
        notes.push("the four-fifths flags compare each group's rate of the predicted outcome with the highest; the rule is meant for a favourable outcome (with an adverse one, e.g. a decline, the groups it disfavours are those with the highest rates)".into());
    }
    Some(Disparity {
        demographic_parity_difference: dp_difference,
        demographic_parity_ratio: dp_ratio,
        equalized_odds_difference: eo_difference,
        equalized_odds_ratio: eo_ratio,
        max_selection_group: groups[max_at].key.clone(),
        min_selection_group: groups[min_at].key.clone(),
        four_fifths_violations: violations,
    })
}

/// `column` equals `value` as text: string and categorical columns compare as they are,
/// others are cast (casting every row of a string column would cost more than the slice).
fn equals_text(df: &DataFrame, column: &str, value: &str) -> PolarsResult<Expr> {
    Ok(match df.column(column)?.dtype() {
        DataType::String | DataType::Categorical(..) => col(column).eq(lit(value.to_string())),
        _ => as_text(column).eq(lit(value.to_string())),
    })
}

/// Applies `filters` (resolved in `df`) to a lazy frame of `df`.
fn filtered(df: &DataFrame, filters: &[(String, String)]) -> PolarsResult<LazyFrame> {
    let mut lf = df.clone().lazy();
    for (c, v) in filters {
        lf = lf.filter(equals_text(df, c, v)?);
    }
    Ok(lf)
}

/// The reference's counts: overall, per group, and whether it has the label.
struct ReferenceTallies {
    overall: Tally,
    groups: HashMap<Key, Tally>,
    has_label: bool,
}

/// Counts the reference by the same columns (resolved in the reference: a training table
/// may name flat what an inference log nests), under the filters whose column it has.
fn reference_tallies(reference: &DataFrame, spec: &SliceSpec, notes: &mut Vec<String>) -> Result<ReferenceTallies, SliceError> {
    let by: Vec<String> = spec.by.iter().map(|b| resolve_column(reference, b)).collect::<Result<_, _>>()?;
    let mut filters = Vec::new();
    for (c, v) in &spec.filters {
        match resolve_column(reference, c) {
            Ok(c) => filters.push((c, v.clone())),
            Err(SliceError::UnknownColumn { .. }) => notes.push(format!("the reference has no `{c}`: the filter {c}={v} is not applied to it")),
            Err(e) => return Err(e),
        }
    }
    let lf = filtered(reference, &filters)?;
    let label = match &spec.label {
        None => None,
        Some(o) => match o.resolved(reference) {
            Ok(o) => Some(outcome_expr(reference, &lf, &o)?),
            Err(SliceError::UnknownColumn { .. }) => {
                notes.push(format!("the reference has no `{}`: no reference base rates", o.column()));
                None
            }
            Err(e) => return Err(e),
        },
    };
    let counted = count_groups(&lf, &by, label.as_ref(), None, false)?;
    Ok(ReferenceTallies { overall: counted.overall, groups: counted.groups, has_label: label.is_some() })
}

/// Group metrics of `table` sliced by `spec.by`, against an optional reference population
/// (the same columns resolved there), with the rows' origin among `sources`.
pub fn slice_table(table: &DataFrame, reference: Option<&DataFrame>, spec: &SliceSpec, sources: &[RawSource<'_>]) -> Result<SliceStats, SliceError> {
    let mut notes = Vec::new();
    let by: Vec<String> = spec.by.iter().map(|b| resolve_column(table, b)).collect::<Result<_, _>>()?;
    for (i, b) in by.iter().enumerate() {
        if by[..i].contains(b) {
            return Err(SliceError::BadSpec { spec: spec.by.join(","), problem: format!("`{b}` is named twice") });
        }
    }
    let label = spec.label.as_ref().map(|o| o.resolved(table)).transpose()?;
    let prediction = spec.prediction.as_ref().map(|o| o.resolved(table)).transpose()?;
    let filters: Vec<(String, String)> = spec.filters.iter().map(|(c, v)| Ok((resolve_column(table, c)?, v.clone()))).collect::<Result<_, SliceError>>()?;

    let origins = if sources.is_empty() { None } else { Some(row_origins(table, sources)?) };
    let mut frame = table.clone();
    if let Some(o) = &origins {
        let ids: Vec<Option<u32>> = o.origin.iter().map(|x| x.map(|v| v as u32)).collect();
        frame.with_column(Column::new(ORIGIN.into(), ids))?;
        notes.extend(o.notes.iter().cloned());
    }
    let lf = filtered(&frame, &filters)?;
    let y = label.as_ref().map(|o| outcome_expr(table, &lf, o)).transpose()?;
    let p = prediction.as_ref().map(|o| outcome_expr(table, &lf, o)).transpose()?;
    let asked = Asked { label: y.is_some(), prediction: p.is_some() };
    let counted = count_groups(&lf, &by, y.as_ref(), p.as_ref(), origins.is_some())?;
    let (overall_tally, group_tallies) = (counted.overall, &counted.groups);
    let rows = overall_tally.count;
    if rows == 0 {
        return Err(SliceError::NoRows);
    }
    for (outcome, positives) in [(&label, overall_tally.label_positive), (&prediction, overall_tally.predicted_positive)] {
        if let Some(o @ Outcome::Equals { column, .. }) = outcome
            && positives == 0
        {
            let seen = examples(&lf, col(column.as_str()), 8)?;
            notes.push(format!("no row has {}; `{column}` holds {}", o.describe(), if seen.is_empty() { "only nulls".to_string() } else { seen.join(", ") }));
        }
    }
    if asked.label && overall_tally.labelled < rows {
        let what = if asked.prediction { "a label and a prediction" } else { "a label" };
        notes.push(format!("{} of {rows} rows have {what}: rates are over those rows, the rows fairlearn would be given", overall_tally.labelled));
    }

    let reference = reference.map(|r| reference_tallies(r, spec, &mut notes)).transpose()?;

    // every group of the table, and of the reference
    let mut all_keys: Vec<Key> = group_tallies.keys().cloned().collect();
    if let Some(r) = &reference {
        all_keys.extend(r.groups.keys().filter(|k| !group_tallies.contains_key(*k)).cloned());
    }
    let order = key_order(&all_keys, by.len());
    all_keys.sort_by(order);
    let tallies: Vec<Tally> = all_keys.iter().map(|k| group_tallies.get(k).copied().unwrap_or_default()).collect();
    let mut groups: Vec<GroupStats> = all_keys.iter().zip(&tallies).map(|(k, t)| group_stats(k.clone(), t, rows, asked)).collect();
    let mut overall = group_stats(Vec::new(), &overall_tally, rows, asked);

    if let Some(r) = &reference {
        let labels_only = Asked { label: r.has_label, prediction: false };
        for g in groups.iter_mut().chain(std::iter::once(&mut overall)) {
            let t = if g.key.is_empty() { r.overall } else { r.groups.get(&g.key).copied().unwrap_or_default() };
            g.reference_count = Some(t.count);
            g.reference_share = rate(t.count, r.overall.count);
            g.reference_base_rate = group_stats(Vec::new(), &t, r.overall.count, labels_only).base_rate;
        }
    }

    if groups.iter().any(|g| g.key.iter().any(Option::is_none)) {
        notes.push("groups with a null value are counted, but left out of the disparity measures and four-fifths counts (fairlearn drops them)".into());
    }
    let disparity = disparities(&mut groups, &tallies, asked, &mut notes);
    overall.disparate_impact = None;
    overall.four_fifths_flag = false;

    let mut composition = Vec::new();
    let mut matched_on = Vec::new();
    if let Some(o) = origins {
        let parts = &counted.origins;
        for g in groups.iter_mut().chain(std::iter::once(&mut overall)) {
            let Some(p) = parts.get(&g.key) else { continue };
            g.composition = p
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|&(s, n)| SourceCount { source: s.map(|s| sources[s].path.clone()), node: s.map(|s| sources[s].node.clone()), rows: n, share: rate(n, g.count).unwrap_or(0.0) })
                .collect();
        }
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
        matched_on = o.matched_on;
    }

    Ok(SliceStats {
        by,
        label: label.as_ref().map(Outcome::describe),
        prediction: prediction.as_ref().map(Outcome::describe),
        rows,
        reference_rows: reference.as_ref().map(|r| r.overall.count),
        groups,
        overall,
        disparity,
        sources: composition,
        matched_on,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-12;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < EPS)
    }

    fn spec(by: &[&str], label: Option<&str>, prediction: Option<&str>) -> SliceSpec {
        SliceSpec {
            by: by.iter().map(|s| s.to_string()).collect(),
            label: label.map(|l| l.parse().unwrap()),
            prediction: prediction.map(|p| p.parse().unwrap()),
            filters: Vec::new(),
        }
    }

    fn group<'a>(s: &'a SliceStats, key: &[Option<&str>]) -> &'a GroupStats {
        let key: Key = key.iter().map(|k| k.map(str::to_string)).collect();
        s.groups.iter().find(|g| g.key == key).unwrap_or_else(|| panic!("no group {key:?} in {:?}", s.groups.iter().map(|g| &g.key).collect::<Vec<_>>()))
    }

    #[test]
    fn outcome_parse_reads_the_four_forms_and_rejects_the_rest() {
        // breaks: the CLI's --label / --prediction specs
        assert_eq!(Outcome::parse("is_fraud").unwrap(), Outcome::Column("is_fraud".into()));
        assert_eq!(Outcome::parse(" decision = decline ").unwrap(), Outcome::Equals { column: "decision".into(), value: "decline".into() });
        assert_eq!(Outcome::parse("decision==\"decline\"").unwrap(), Outcome::Equals { column: "decision".into(), value: "decline".into() });
        assert_eq!(Outcome::parse("score>=0.5").unwrap(), Outcome::AtLeast { column: "score".into(), threshold: 0.5, strict: false });
        assert_eq!("score>0.5".parse::<Outcome>().unwrap(), Outcome::AtLeast { column: "score".into(), threshold: 0.5, strict: true });
        for o in ["is_fraud", "decision=decline", "score>=0.5", "score>1"] {
            assert_eq!(Outcome::parse(o).unwrap().describe(), o, "describe round-trips");
        }
        assert_eq!(Outcome::parse("inputs.age>=18").unwrap().column(), "inputs.age");
        for bad in ["", "score>=high", "score<0.5", "decision!=x", "=decline", "decision=", "score>=inf"] {
            assert!(matches!(Outcome::parse(bad), Err(SliceError::BadSpec { .. })), "{bad:?} must be refused");
        }
        assert_eq!(parse_filter("model_version=3").unwrap(), ("model_version".into(), "3".into()));
        assert!(parse_filter("model_version").is_err());
    }

    #[test]
    fn resolve_column_takes_exact_then_a_unique_dotted_suffix() {
        // breaks: slicing flattened inference logs by the names the training table uses
        let df = df!("customer_age_band" => ["a"], "inputs.customer_gender" => ["F"], "inputs.region" => ["n"], "outputs.region" => ["s"]).unwrap();
        assert_eq!(resolve_column(&df, "customer_age_band").unwrap(), "customer_age_band");
        assert_eq!(resolve_column(&df, "customer_gender").unwrap(), "inputs.customer_gender");
        assert_eq!(resolve_column(&df, "inputs.region").unwrap(), "inputs.region");
        match resolve_column(&df, "region") {
            Err(SliceError::AmbiguousColumn { candidates, .. }) => assert_eq!(candidates, ["inputs.region", "outputs.region"]),
            other => panic!("{other:?}"),
        }
        match resolve_column(&df, "customer_gendre") {
            Err(SliceError::UnknownColumn { available, .. }) => assert_eq!(available, ["inputs.customer_gender"], "a typo lists the close name only"),
            other => panic!("{other:?}"),
        }
        match resolve_column(&df, "zzz") {
            Err(e @ SliceError::UnknownColumn { .. }) => assert!(e.to_string().contains("customer_age_band"), "nothing close: all columns listed: {e}"),
            other => panic!("{other:?}"),
        }
    }

    /// band, gender, label, decision; hand-computed below.
    fn scored() -> DataFrame {
        df!(
            "band" => [Some("a"), Some("a"), Some("a"), Some("a"), Some("b"), Some("b"), Some("b"), Some("b"), None],
            "gender" => ["F", "M", "F", "M", "F", "F", "M", "M", "F"],
            "y" => [Some(1i64), Some(0), Some(1), Some(0), Some(1), Some(0), Some(0), None, Some(1)],
            "decision" => ["decline", "approve", "approve", "decline", "decline", "decline", "approve", "decline", "approve"],
        )
        .unwrap()
    }

    #[test]
    fn group_metrics_match_a_hand_computed_example() {
        // breaks: every number `custody slice` reports (fairlearn's definitions)
        let s = slice_table(&scored(), None, &spec(&["band"], Some("y"), Some("decision=decline")), &[]).unwrap();
        assert_eq!(s.rows, 9);
        assert_eq!(s.groups.iter().map(|g| g.key.clone()).collect::<Vec<_>>(), [vec![Some("a".to_string())], vec![Some("b".into())], vec![None]], "sorted, null last");
        let a = group(&s, &[Some("a")]);
        assert_eq!((a.count, a.labelled), (4, 4));
        assert!(close(Some(a.share), 4.0 / 9.0));
        assert!(close(a.base_rate, 0.5) && close(a.selection_rate, 0.5) && close(a.true_positive_rate, 0.5) && close(a.false_positive_rate, 0.5), "{a:?}");
        let b = group(&s, &[Some("b")]);
        assert_eq!((b.count, b.labelled), (4, 3), "the unlabelled row counts but is not labelled");
        assert!(close(b.base_rate, 1.0 / 3.0) && close(b.selection_rate, 2.0 / 3.0) && close(b.true_positive_rate, 1.0) && close(b.false_positive_rate, 0.5), "{b:?}");
        let null = group(&s, &[None]);
        assert_eq!((null.count, null.labelled), (1, 1));
        assert!(close(null.selection_rate, 0.0) && close(null.true_positive_rate, 0.0));
        assert_eq!(null.false_positive_rate, None, "no negatives: undefined, not 0");
        assert!(close(a.disparate_impact, 0.75) && a.four_fifths_flag);
        assert!(close(b.disparate_impact, 1.0) && !b.four_fifths_flag);
        assert!(null.four_fifths_flag, "flagged on its own row");

        let o = &s.overall;
        assert!(o.key.is_empty());
        assert_eq!((o.count, o.labelled), (9, 8));
        assert!(close(o.base_rate, 0.5) && close(o.selection_rate, 0.5) && close(o.true_positive_rate, 0.5) && close(o.false_positive_rate, 0.5), "{o:?}");

        let d = s.disparity.as_ref().unwrap();
        assert!((d.demographic_parity_difference - 1.0 / 6.0).abs() < EPS, "{d:?}");
        assert!(close(d.demographic_parity_ratio, 0.75));
        assert!(close(d.equalized_odds_difference, 0.5), "TPR 0.5 vs 1, FPR 0.5 vs 0.5: {d:?}");
        assert!(close(d.equalized_odds_ratio, 0.5));
        assert_eq!(d.max_selection_group, [Some("b".to_string())]);
        assert_eq!(d.min_selection_group, [Some("a".to_string())]);
        assert_eq!(d.four_fifths_violations, 1, "the null group is not counted");
        assert!(s.notes.iter().any(|n| n.contains("null value")), "{:?}", s.notes);
        assert!(s.notes.iter().any(|n| n.contains("8 of 9 rows")), "{:?}", s.notes);
        assert_eq!(s.label.as_deref(), Some("y"));
        assert_eq!(s.prediction.as_deref(), Some("decision=decline"));
    }

    #[test]
    fn selection_rate_without_a_label_uses_every_row_with_a_prediction() {
        // breaks: slicing an unlabelled inference log
        let s = slice_table(&scored(), None, &spec(&["band"], None, Some("decision=decline")), &[]).unwrap();
        let b = group(&s, &[Some("b")]);
        assert_eq!(b.labelled, 0);
        assert!(close(b.selection_rate, 3.0 / 4.0), "{b:?}");
        assert_eq!((b.base_rate, b.true_positive_rate), (None, None));
        let d = s.disparity.unwrap();
        assert_eq!(d.equalized_odds_difference, None);
        assert!((d.demographic_parity_difference - 0.25).abs() < EPS);
    }

    #[test]
    fn two_columns_give_every_combination_present() {
        // breaks: intersectional slices (`--by band,gender`)
        let s = slice_table(&scored(), None, &spec(&["band", "gender"], Some("y"), Some("decision=decline")), &[]).unwrap();
        let keys: Vec<Vec<Option<&str>>> = s.groups.iter().map(|g| g.key.iter().map(Option::as_deref).collect()).collect();
        assert_eq!(keys, [vec![Some("a"), Some("F")], vec![Some("a"), Some("M")], vec![Some("b"), Some("F")], vec![Some("b"), Some("M")], vec![None, Some("F")]]);
        let bm = group(&s, &[Some("b"), Some("M")]);
        assert_eq!((bm.count, bm.labelled), (2, 1));
        assert_eq!(bm.true_positive_rate, None, "no positives");
        assert!(s.notes.iter().any(|n| n.contains("[b, M]") && n.contains("no positive labels")), "{:?}", s.notes);
        // fairlearn counts [b, M]'s TPR as 0: TPRs a/F 0.5, a/M 0 (no positives), b/F 1, b/M 0 → difference 1
        assert!(close(s.disparity.unwrap().equalized_odds_difference, 1.0));
    }

    #[test]
    fn outcomes_read_bools_thresholds_and_text_and_refuse_other_columns() {
        // breaks: --label/--prediction on real columns
        let df = df!("g" => ["x", "x", "y", "y"], "flag" => [true, false, true, true], "score" => [0.9, 0.2, 0.5, 0.7], "label" => ["1", "0", "true", "FALSE"], "decision" => ["approve", "decline", "review", "approve"]).unwrap();
        let s = slice_table(&df, None, &spec(&["g"], Some("flag"), Some("score>=0.5")), &[]).unwrap();
        assert!(close(group(&s, &[Some("y")]).selection_rate, 1.0));
        assert!(close(group(&s, &[Some("x")]).base_rate, 0.5));
        let s = slice_table(&df, None, &spec(&["g"], Some("label"), Some("score>0.5")), &[]).unwrap();
        assert!(close(group(&s, &[Some("y")]).base_rate, 0.5) && close(group(&s, &[Some("y")]).selection_rate, 0.5));
        match slice_table(&df, None, &spec(&["g"], Some("decision"), None), &[]) {
            Err(SliceError::NotBinary { column, examples }) => assert_eq!((column.as_str(), examples), ("decision", vec!["approve".to_string(), "decline".into(), "review".into()])),
            other => panic!("{other:?}"),
        }
        let counts = df!("g" => ["x", "y"], "n" => [0i64, 2]).unwrap();
        assert!(matches!(slice_table(&counts, None, &spec(&["g"], Some("n"), None), &[]), Err(SliceError::NotBinary { .. })));
        assert!(matches!(slice_table(&df, None, &spec(&["g"], Some("decision>=1"), None), &[]), Err(SliceError::BadSpec { .. })));
        let s = slice_table(&df, None, &spec(&["g"], None, Some("decision=Decline")), &[]).unwrap();
        assert!(s.notes.iter().any(|n| n.contains("no row has decision=Decline") && n.contains("decline")), "a likely typo is named: {:?}", s.notes);
    }

    #[test]
    fn categorical_columns_slice_and_compare_as_their_text() {
        // breaks: parquet written by pandas (categoricals) and polars `Categorical` columns
        let cat = DataType::from_categories(Categories::global());
        let mut df = scored();
        for c in ["band", "decision"] {
            let cast = df.column(c).unwrap().cast(&cat).unwrap();
            df.with_column(cast).unwrap();
        }
        let s = slice_table(&df, None, &spec(&["band"], Some("y"), Some("decision=decline")), &[]).unwrap();
        assert!(close(group(&s, &[Some("b")]).selection_rate, 2.0 / 3.0));
        let s = slice_table(&df, None, &spec(&["band"], Some("y"), Some("decision=nothing")), &[]).unwrap();
        assert!(close(s.overall.selection_rate, 0.0), "a value no category has selects nothing");
    }

    #[test]
    fn filters_select_rows_and_an_empty_result_is_an_error() {
        // breaks: --filter model_version=3
        let mut sp = spec(&["band"], Some("y"), None);
        sp.filters = vec![("gender".into(), "M".into())];
        let s = slice_table(&scored(), None, &sp, &[]).unwrap();
        assert_eq!(s.rows, 4);
        assert_eq!(group(&s, &[Some("b")]).count, 2);
        sp.filters = vec![("gender".into(), "X".into())];
        assert!(matches!(slice_table(&scored(), None, &sp, &[]), Err(SliceError::NoRows)));
        let numbers = df!("g" => ["x", "y"], "model_version" => [3i64, 2]).unwrap();
        let sp = SliceSpec { by: vec!["g".into()], filters: vec![("model_version".into(), "3".into())], ..Default::default() };
        assert_eq!(slice_table(&numbers, None, &sp, &[]).unwrap().rows, 1, "a number compares as its text");
    }

    #[test]
    fn the_reference_is_sliced_by_the_same_columns_and_keeps_its_own_groups() {
        // breaks: "the over-60s are 3% of the log but 20% of the training data"
        let log = df!("inputs.band" => ["a", "a", "b"], "decision" => ["decline", "approve", "decline"], "model_version" => ["3", "3", "3"]).unwrap();
        let train = df!("band" => ["a", "b", "b", "c"], "y" => [1i64, 0, 1, 1]).unwrap();
        let mut sp = spec(&["band"], Some("y"), None);
        sp.filters = vec![("model_version".into(), "3".into())];
        // the log has no label: slice it by prediction only, with the reference's label
        sp.label = None;
        sp.prediction = Some("decision=decline".parse().unwrap());
        let s = slice_table(&log, Some(&train), &sp, &[]).unwrap();
        assert_eq!(s.by, ["inputs.band"]);
        assert_eq!(s.reference_rows, Some(4));
        let c = group(&s, &[Some("c")]);
        assert_eq!((c.count, c.reference_count, c.selection_rate), (0, Some(1), None), "a group only the reference has is listed");
        assert!(close(c.reference_share, 0.25));
        assert!(s.notes.iter().any(|n| n.contains("model_version")), "the filter the reference cannot take is named: {:?}", s.notes);

        let labelled_log = df!("band" => ["a", "b"], "y" => [0i64, 1]).unwrap();
        let s = slice_table(&labelled_log, Some(&train), &spec(&["band"], Some("y"), None), &[]).unwrap();
        assert!(close(group(&s, &[Some("b")]).reference_base_rate, 0.5));
        assert!(close(s.overall.reference_base_rate, 0.75));
        assert!(close(group(&s, &[Some("c")]).reference_base_rate, 1.0));
    }

    fn source<'a>(path: &str, table: &'a DataFrame) -> RawSource<'a> {
        RawSource { path: path.into(), node: format!("node:{path}"), table }
    }

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

    fn text(v: &serde_json::Value) -> String {
        v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
    }

    #[test]
    fn group_metrics_match_fairlearn_on_the_fraud_case() {
        // breaks: the claim that the numbers are fairlearn's (fixtures/expected/fairlearn.json,
        // computed by fixtures/make with fairlearn's MetricFrame on the labelled rows)
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(fixtures.join("expected/fairlearn.json")).unwrap()).unwrap();
        let file = std::fs::File::open(fixtures.join("cases/fraud-detection").join(expected["file"].as_str().unwrap())).unwrap();
        let table = ParquetReader::new(file).finish().unwrap();
        let positive = &expected["prediction"];
        let prediction = format!("{}={}", text(&positive["column"]), text(&positive["positive"]));
        let cases = expected["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        let near = |ours: f64, theirs: &serde_json::Value, what: &str| {
            let theirs = theirs.as_f64().unwrap_or_else(|| panic!("{what}: fairlearn gave {theirs}"));
            assert!((ours - theirs).abs() <= EPS, "{what}: custody {ours}, fairlearn {theirs}");
        };
        for case in cases {
            let name = text(&case["name"]);
            let by: Vec<String> = case["by"].as_array().unwrap().iter().map(text).collect();
            let filters = case["where"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), text(v))).collect();
            let spec = SliceSpec { by: by.clone(), label: Some(text(&expected["label"]).parse().unwrap()), prediction: Some(prediction.parse().unwrap()), filters };
            let s = slice_table(&table, None, &spec, &[]).unwrap();
            assert_eq!(s.overall.labelled as u64, case["rows"].as_u64().unwrap(), "{name}: labelled rows");
            let theirs = case["groups"].as_array().unwrap();
            let ours: Vec<&GroupStats> = s.groups.iter().filter(|g| g.labelled > 0).collect();
            assert_eq!(ours.len(), theirs.len(), "{name}: groups with labelled rows");
            let check = |g: &GroupStats, t: &serde_json::Value, what: &str| {
                assert_eq!(g.labelled as u64, t["count"].as_u64().unwrap(), "{what}: count");
                near(g.selection_rate.unwrap(), &t["selection_rate"], &format!("{what}: selection rate"));
                // fairlearn reports a 0/0 rate as 0.0; custody as null
                near(g.true_positive_rate.unwrap_or(0.0), &t["true_positive_rate"], &format!("{what}: TPR"));
                near(g.false_positive_rate.unwrap_or(0.0), &t["false_positive_rate"], &format!("{what}: FPR"));
                if g.true_positive_rate.is_none() {
                    assert_eq!(g.base_rate, Some(0.0), "{what}: TPR is null only without positives");
                }
            };
            for t in theirs {
                let key: Key = by.iter().map(|b| Some(text(&t["group"][b.as_str()]))).collect();
                let g = ours.iter().find(|g| g.key == key).unwrap_or_else(|| panic!("{name}: no group {key:?}"));
                check(g, t, &format!("{name} {key:?}"));
            }
            check(&s.overall, &case["overall"], &format!("{name} overall"));
            let d = s.disparity.as_ref().unwrap();
            near(d.demographic_parity_difference, &case["demographic_parity_difference"], &format!("{name}: DPD"));
            near(d.demographic_parity_ratio.unwrap(), &case["demographic_parity_ratio"], &format!("{name}: DPR"));
            near(d.equalized_odds_difference.unwrap(), &case["equalized_odds_difference"], &format!("{name}: EOD"));
            near(d.equalized_odds_ratio.unwrap(), &case["equalized_odds_ratio"], &format!("{name}: EOR"));
        }
    }

    #[test]
    #[ignore = "timing: cargo test --release --lib slice::tests::ten_million -- --ignored --nocapture"]
    fn ten_million_rows_by_two_columns_slice_in_seconds() {
        let n = 10_000_000usize;
        let bands = ["18-25", "26-40", "41-60", "60+"];
        let genders = ["F", "M", "X"];
        let band: Vec<&str> = (0..n).map(|i| bands[(i * 7 + i / 3) % 4]).collect();
        let gender: Vec<&str> = (0..n).map(|i| genders[(i * 13 + i / 5) % 3]).collect();
        let y: Vec<Option<i64>> = (0..n).map(|i| if i % 17 == 0 { None } else { Some(((i * 31) % 11 == 0) as i64) }).collect();
        let decision: Vec<&str> = (0..n).map(|i| if (i * 17) % 23 == 0 { "decline" } else { "approve" }).collect();
        let df = df!("band" => band, "gender" => gender, "y" => y, "decision" => decision).unwrap();
        let started = std::time::Instant::now();
        let s = slice_table(&df, None, &spec(&["band", "gender"], Some("y"), Some("decision=decline")), &[]).unwrap();
        let took = started.elapsed();
        eprintln!("10M rows by 2 columns: {took:?}, {} groups", s.groups.len());
        assert_eq!(s.rows, n);
        assert!(took.as_secs_f64() < 5.0, "{took:?}");

        // row origin: the table is two raw tables stacked, one with a renamed column
        let half = df.slice(0, n / 2);
        let other = df.slice((n / 2) as i64, n - n / 2);
        let mut renamed = other.clone();
        renamed.rename("decision", "verdict".into()).unwrap();
        let started = std::time::Instant::now();
        let o = row_origins(&df, &[source("raw/a.csv", &half), source("raw/b.csv", &renamed)]).unwrap();
        eprintln!("row origin of 10M rows over 2 sources: {:?}", started.elapsed());
        assert_eq!(o.matched_on[1].renamed, [("verdict".to_string(), "decision".to_string())]);
        assert!(o.origin.iter().all(Option::is_some));
    }
}
