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
//! How: [`slice_table`] takes one step of each concern in turn, each in its own module:
//! * `spec`: what a [`SliceSpec`] says and how it reads on a table: the names resolved to the
//!   table's columns, labels and predictions read as 0/1 through an [`Outcome`], the filters;
//! * `origin`: which raw source holds each row ([`row_origins`]), and each group's rows by
//!   source;
//! * `metrics`: the groups counted in one lazy polars `group_by` (the origin one of its keys),
//!   their rates against the reference, and the disparities between them, as fairlearn
//!   computes them.
//!
//! Every type and function callers use is reached from here (`custody_analysis::slice::X`);
//! the modules behind it are private.
//!
//! Guarantees (each module's documentation holds its own):
//! * The numbers are fairlearn's; a metric that is undefined is `None`, and every number a
//!   reader could misread (rows left unlabelled, null groups, substitutions fairlearn makes,
//!   values no row has, rows no source holds) is named in a note.
//! * The same table, spec and sources give the same answer, groups and sources in the same
//!   order.
//! * Tables are only read.

mod metrics;
mod origin;
mod spec;

use polars::prelude::*;

pub use self::metrics::{Disparity, GroupStats};
pub use self::origin::{RowOrigins, SourceColumns, SourceComposition, SourceCount, row_origins};
pub use self::spec::{Outcome, SliceError, SliceSpec, SpecProblem, parse_filter, resolve_column};
use crate::rows::RawSource;

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

/// Group metrics of `table` sliced by `spec.by`, against an optional reference population
/// (the same columns resolved there), with the rows' origin among `sources`.
pub fn slice_table(table: &DataFrame, reference: Option<&DataFrame>, spec: &SliceSpec, sources: &[RawSource<'_>]) -> Result<SliceStats, SliceError> {
    let mut notes = Vec::new();
    let resolved = spec::resolve(table, spec)?;

    // the rows' origin, as one more column to group by
    let origins = if sources.is_empty() { None } else { Some(row_origins(table, sources)?) };
    let frame = match &origins {
        Some(o) => {
            let frame = origin::with_origins(table, o)?;
            notes.extend(o.notes.iter().cloned());
            frame
        }
        None => table.clone(),
    };

    // the spec on the table, counted in one pass
    let lf = spec::filtered(&frame, &resolved.filters)?;
    let y = resolved.label.as_ref().map(|o| spec::outcome_expr(table, &lf, o)).transpose()?;
    let p = resolved.prediction.as_ref().map(|o| spec::outcome_expr(table, &lf, o)).transpose()?;
    let asked = metrics::Asked { label: y.is_some(), prediction: p.is_some() };
    let counted = metrics::count_groups(&lf, &resolved.by, y.as_ref(), p.as_ref(), origins.is_some())?;
    let rows = counted.overall.count;
    if rows == 0 {
        return Err(SliceError::NoRows);
    }
    spec::note_unmatched(&lf, resolved.label.as_ref(), counted.overall.label_positive, &mut notes)?;
    spec::note_unmatched(&lf, resolved.prediction.as_ref(), counted.overall.predicted_positive, &mut notes)?;
    metrics::note_labelled(&counted.overall, asked, &mut notes);

    // every group of the table, and of the reference
    let reference = reference.map(|r| metrics::reference_tallies(r, spec, &mut notes)).transpose()?;
    let mut groups = metrics::Groups::new(&counted, reference.as_ref(), resolved.by.len(), asked);
    if let Some(r) = &reference {
        groups.add_reference(r);
    }
    let disparity = groups.disparity(asked, &mut notes);

    let (composition, matched_on) = match origins {
        Some(o) => (origin::compose(groups.all_mut(), &counted.origins, sources, rows, &mut notes), o.matched_on),
        None => (Vec::new(), Vec::new()),
    };

    Ok(SliceStats {
        by: resolved.by,
        label: resolved.label.as_ref().map(Outcome::describe),
        prediction: resolved.prediction.as_ref().map(Outcome::describe),
        rows,
        reference_rows: reference.as_ref().map(|r| r.overall.count),
        groups: groups.groups,
        overall: groups.overall,
        disparity,
        sources: composition,
        matched_on,
        notes,
    })
}

/// What the tests of every module slice, and how they look up a group.
#[cfg(test)]
mod test_support {
    use polars::prelude::*;

    use super::metrics::Key;
    use super::{GroupStats, SliceSpec, SliceStats};
    use crate::rows::RawSource;

    pub(super) const EPS: f64 = 1e-12;

    pub(super) fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < EPS)
    }

    pub(super) fn spec(by: &[&str], label: Option<&str>, prediction: Option<&str>) -> SliceSpec {
        SliceSpec {
            by: by.iter().map(|s| s.to_string()).collect(),
            label: label.map(|l| l.parse().unwrap()),
            prediction: prediction.map(|p| p.parse().unwrap()),
            filters: Vec::new(),
        }
    }

    pub(super) fn group<'a>(s: &'a SliceStats, key: &[Option<&str>]) -> &'a GroupStats {
        let key: Key = key.iter().map(|k| k.map(str::to_string)).collect();
        s.groups.iter().find(|g| g.key == key).unwrap_or_else(|| panic!("no group {key:?} in {:?}", s.groups.iter().map(|g| &g.key).collect::<Vec<_>>()))
    }

    /// band, gender, label, decision; hand-computed below.
    pub(super) fn scored() -> DataFrame {
        df!(
            "band" => [Some("a"), Some("a"), Some("a"), Some("a"), Some("b"), Some("b"), Some("b"), Some("b"), None],
            "gender" => ["F", "M", "F", "M", "F", "F", "M", "M", "F"],
            "y" => [Some(1i64), Some(0), Some(1), Some(0), Some(1), Some(0), Some(0), None, Some(1)],
            "decision" => ["decline", "approve", "approve", "decline", "decline", "decline", "approve", "decline", "approve"],
        )
        .unwrap()
    }

    pub(super) fn source<'a>(path: &str, table: &'a DataFrame) -> RawSource<'a> {
        RawSource { path: path.into(), node: format!("node:{path}"), table }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{source, spec};
    use super::*;

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
