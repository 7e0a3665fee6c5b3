//! Group metrics: how a table's rows, labels and a model's decisions split across the groups,
//! against a reference population, and the disparities between the groups.
//!
//! Why: a claim of bias becomes evidence when it is put in the terms an auditor checks: group
//! counts and base rates against a reference population, selection rates, true and false
//! positive rates, demographic parity, equalized odds, the four-fifths rule; and when these
//! are the numbers the auditor's own tool (fairlearn) would give.
//!
//! How: the metrics are counted in one lazy polars `group_by` per table, over the `by`
//! columns plus the label and the prediction as Boolean keys (and the row origin), so every
//! rate is a sum over a frame of a few rows per group: ten million rows by two columns take
//! about a second. Group values are compared as text.
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
//! * Groups are listed in key order (numerically where every value of a column is a number,
//!   null last), the reference's groups the table lacks included, so the order is the same
//!   from run to run.

use std::cmp::Ordering;
use std::collections::HashMap;

use polars::prelude::*;

use super::origin::{ORIGIN, SourceCount};
use super::spec::{SliceError, SliceSpec, as_text, filtered, outcome_expr, resolve_column};

const COUNT: &str = "__custody_count";
const LABEL: &str = "__custody_label";
const PREDICTION: &str = "__custody_prediction";

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

/// The counts behind a group's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Tally {
    pub(super) count: usize,
    /// Rows with a label (and a prediction, when both are asked for).
    labelled: usize,
    pub(super) label_positive: usize,
    /// Rows with a prediction (when no label is asked for).
    predicted: usize,
    pub(super) predicted_positive: usize,
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

pub(super) type Key = Vec<Option<String>>;

/// What one pass over a table counts.
#[derive(Default)]
pub(super) struct Counted {
    /// All rows (the sum of the groups: a null value is a group too, so no row is lost).
    pub(super) overall: Tally,
    groups: HashMap<Key, Tally>,
    /// Rows per origin, per group and under the empty key for all rows.
    pub(super) origins: HashMap<Key, Vec<(Option<usize>, usize)>>,
}

/// Counts the rows of each group by label, prediction and origin in one `group_by` (the
/// outcomes are Boolean keys, so the result has a handful of rows per group and every tally
/// is a sum over it).
pub(super) fn count_groups(lf: &LazyFrame, by: &[String], label: Option<&Expr>, prediction: Option<&Expr>, with_origin: bool) -> PolarsResult<Counted> {
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

pub(super) fn rate(part: usize, whole: usize) -> Option<f64> {
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
pub(super) struct Asked {
    pub(super) label: bool,
    pub(super) prediction: bool,
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

/// When a label is asked for and some rows lack it (or lack the prediction), a note that the
/// rates are over the rows that have them.
pub(super) fn note_labelled(overall: &Tally, asked: Asked, notes: &mut Vec<String>) {
    let rows = overall.count;
    if asked.label && overall.labelled < rows {
        let what = if asked.prediction { "a label and a prediction" } else { "a label" };
        notes.push(format!("{} of {rows} rows have {what}: rates are over those rows, the rows fairlearn would be given", overall.labelled));
    }
}

/// The metrics of every group of a table and of all its rows, with the counts behind them.
pub(super) struct Groups {
    /// In key order: the table's groups and the reference's.
    pub(super) groups: Vec<GroupStats>,
    /// The counts of each of `groups`, in the same order (zero for a group only the reference
    /// has).
    tallies: Vec<Tally>,
    /// All rows (key empty).
    pub(super) overall: GroupStats,
}

impl Groups {
    /// The metrics of every group of the table and of the reference (counted `counted` and
    /// `reference`), in key order, and of all the table's rows.
    pub(super) fn new(counted: &Counted, reference: Option<&ReferenceTallies>, width: usize, asked: Asked) -> Groups {
        let group_tallies = &counted.groups;
        let rows = counted.overall.count;
        let mut all_keys: Vec<Key> = group_tallies.keys().cloned().collect();
        if let Some(r) = reference {
            all_keys.extend(r.groups.keys().filter(|k| !group_tallies.contains_key(*k)).cloned());
        }
        let order = key_order(&all_keys, width);
        all_keys.sort_by(order);
        let tallies: Vec<Tally> = all_keys.iter().map(|k| group_tallies.get(k).copied().unwrap_or_default()).collect();
        let groups: Vec<GroupStats> = all_keys.iter().zip(&tallies).map(|(k, t)| group_stats(k.clone(), t, rows, asked)).collect();
        let overall = group_stats(Vec::new(), &counted.overall, rows, asked);
        Groups { groups, tallies, overall }
    }

    /// The groups, then all rows.
    pub(super) fn all_mut(&mut self) -> impl Iterator<Item = &mut GroupStats> {
        self.groups.iter_mut().chain(std::iter::once(&mut self.overall))
    }

    /// Fills in each group's (and all rows') count, share and base rate in the reference.
    pub(super) fn add_reference(&mut self, r: &ReferenceTallies) {
        let labels_only = Asked { label: r.has_label, prediction: false };
        for g in self.all_mut() {
            let t = if g.key.is_empty() { r.overall } else { r.groups.get(&g.key).copied().unwrap_or_default() };
            g.reference_count = Some(t.count);
            g.reference_share = rate(t.count, r.overall.count);
            g.reference_base_rate = group_stats(Vec::new(), &t, r.overall.count, labels_only).base_rate;
        }
    }

    /// Fills in each group's disparate impact and four-fifths flag (never all rows') and
    /// returns the between-group disparities.
    pub(super) fn disparity(&mut self, asked: Asked, notes: &mut Vec<String>) -> Option<Disparity> {
        if self.groups.iter().any(|g| g.key.iter().any(Option::is_none)) {
            notes.push("groups with a null value are counted, but left out of the disparity measures and four-fifths counts (fairlearn drops them)".into());
        }
        let disparity = disparities(&mut self.groups, &self.tallies, asked, notes);
        self.overall.disparate_impact = None;
        self.overall.four_fifths_flag = false;
        disparity
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
    let (eo_difference, eo_ratio) = if asked.label { equalized_odds(groups, tallies, &eligible, notes) } else { (None, None) };
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

/// The equalized-odds difference and ratio over the `eligible` groups, as fairlearn computes
/// them (a rate with nothing to divide by counts as 0, and a note names the groups where it
/// does).
fn equalized_odds(groups: &[GroupStats], tallies: &[Tally], eligible: &[usize], notes: &mut Vec<String>) -> (Option<f64>, Option<f64>) {
    // scikit-learn's confusion matrix, which fairlearn uses, counts a rate with nothing to
    // divide by as 0
    let (mut no_positives, mut no_negatives) = (Vec::new(), Vec::new());
    let (mut tprs, mut fprs) = (Vec::new(), Vec::new());
    for &i in eligible {
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
    let difference = Some(tpr_difference.max(fpr_difference));
    // a ratio is undefined when every group's rate is 0 (fairlearn: NaN, and Python's
    // `min` over [tpr, fpr] then depends on the order); the defined one is the smaller
    let ratio = match (tpr_ratio, fpr_ratio) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    (difference, ratio)
}

/// The reference's counts: overall, per group, and whether it has the label.
pub(super) struct ReferenceTallies {
    pub(super) overall: Tally,
    groups: HashMap<Key, Tally>,
    has_label: bool,
}

/// Counts the reference by the same columns (resolved in the reference: a training table
/// may name flat what an inference log nests), under the filters whose column it has.
pub(super) fn reference_tallies(reference: &DataFrame, spec: &SliceSpec, notes: &mut Vec<String>) -> Result<ReferenceTallies, SliceError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slice::slice_table;
    use crate::slice::test_support::{EPS, close, group, scored, spec};

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
}
