//! The slice specification: which columns make the groups, how a label and a model's decision
//! are read as 0/1 (an [`Outcome`]), which rows are kept (filters), and how the names as
//! written resolve to a table's columns.
//!
//! Why: a spec is written by a person (`--by age_band --label is_fraud --prediction
//! decision=decline --filter model_version=3`) against tables that may name one column
//! differently (flat in a training table, nested in an inference log: `inputs.age_band`). A
//! typo, an ambiguous name or a column that is not 0/1 must be refused with what was likely
//! meant, never sliced into numbers that look right.
//!
//! Guarantees:
//! * A name resolves to the exact column, else to the one column whose dotted suffix it is;
//!   an unknown name is refused with the close names (all names when none is close), an
//!   ambiguous one with its candidates.
//! * An outcome is read as a Boolean and a null stays null (the row is unlabelled, or has no
//!   decision). A bare `COL` must hold 0/1 (booleans, 0.0/1.0, the text `0`/`1`/`true`/
//!   `false`): any other value refuses it, naming values it holds. A threshold needs a number.
//! * Filters and `COL=VALUE` compare values as text; a value no row has selects nothing (and
//!   the slice names the values the column does hold).

use std::str::FromStr;

use polars::prelude::*;

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
    BadSpec { spec: String, problem: SpecProblem },
    #[error("no rows are left after the filters")]
    NoRows,
    #[error(transparent)]
    Polars(#[from] PolarsError),
}

/// What is wrong with an outcome, a filter or a list of columns as written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecProblem {
    #[error("empty; write COL, COL=VALUE, COL>=X or COL>X")]
    Empty,
    #[error("only COL, COL=VALUE, COL>=X and COL>X are understood")]
    UnknownOperator,
    #[error("no column name before the operator")]
    NoColumn,
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("no value after `=`")]
    NoValue,
    #[error("a filter is written COL=VALUE")]
    NotAFilter,
    #[error("no column name before `=`")]
    NoFilterColumn,
    #[error("`{0}` is named twice")]
    NamedTwice(String),
    #[error("`{column}` is {dtype}, not a number")]
    NotNumeric { column: String, dtype: String },
    #[error("`{column}` is {dtype}, not 0/1")]
    NotZeroOne { column: String, dtype: String },
}

impl SliceError {
    /// A slice that cannot be computed asks for other columns, filters or outcomes.
    pub fn kind(&self) -> custody_evidence::ErrorKind {
        custody_evidence::ErrorKind::Usage
    }
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
        let bad = |problem: SpecProblem| SliceError::BadSpec { spec: spec.to_string(), problem };
        let text = spec.trim();
        if text.is_empty() {
            return Err(bad(SpecProblem::Empty));
        }
        if text.contains('<') || text.contains("!=") {
            return Err(bad(SpecProblem::UnknownOperator));
        }
        let column_of = |c: &str| -> Result<String, SliceError> {
            let c = c.trim();
            if c.is_empty() { Err(bad(SpecProblem::NoColumn)) } else { Ok(c.to_string()) }
        };
        let threshold_of = |x: &str| -> Result<f64, SliceError> {
            match x.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(bad(SpecProblem::NotANumber(x.trim().to_string()))),
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
                return Err(bad(SpecProblem::NoValue));
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
    pub(super) fn resolved(&self, df: &DataFrame) -> Result<Outcome, SliceError> {
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
    let bad = |problem: SpecProblem| SliceError::BadSpec { spec: spec.to_string(), problem };
    let (c, v) = spec.split_once('=').ok_or_else(|| bad(SpecProblem::NotAFilter))?;
    let v = unquote(v.strip_prefix('=').unwrap_or(v).trim());
    if c.trim().is_empty() {
        return Err(bad(SpecProblem::NoFilterColumn));
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

/// A [`SliceSpec`] with every name resolved in the table sliced.
pub(super) struct Resolved {
    pub(super) by: Vec<String>,
    pub(super) label: Option<Outcome>,
    pub(super) prediction: Option<Outcome>,
    pub(super) filters: Vec<(String, String)>,
}

/// Resolves the spec's names in `table`: the `by` columns (none named twice), then the label,
/// the prediction and the filters' columns.
pub(super) fn resolve(table: &DataFrame, spec: &SliceSpec) -> Result<Resolved, SliceError> {
    let by: Vec<String> = spec.by.iter().map(|b| resolve_column(table, b)).collect::<Result<_, _>>()?;
    for (i, b) in by.iter().enumerate() {
        if by[..i].contains(b) {
            return Err(SliceError::BadSpec { spec: spec.by.join(","), problem: SpecProblem::NamedTwice(b.clone()) });
        }
    }
    let label = spec.label.as_ref().map(|o| o.resolved(table)).transpose()?;
    let prediction = spec.prediction.as_ref().map(|o| o.resolved(table)).transpose()?;
    let filters: Vec<(String, String)> = spec.filters.iter().map(|(c, v)| Ok((resolve_column(table, c)?, v.clone()))).collect::<Result<_, SliceError>>()?;
    Ok(Resolved { by, label, prediction, filters })
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
// The spec on a table: outcomes and filters as polars expressions

const VALUE: &str = "__custody_value";

/// A column as text (how filters, keys and `COL=VALUE` compare).
pub(super) fn as_text(column: &str) -> Expr {
    col(column).cast(DataType::String)
}

/// Up to `n` distinct values of `expr` (cast to text) in the frame, first seen first.
fn examples(lf: &LazyFrame, expr: Expr, n: usize) -> PolarsResult<Vec<String>> {
    let df = lf.clone().select([expr.cast(DataType::String).drop_nulls().unique_stable().head(Some(n)).alias(VALUE)]).collect()?;
    Ok(df.column(VALUE)?.str()?.iter().flatten().map(str::to_string).collect())
}

/// The outcome as a Boolean expression (null stays null); checks a bare column is 0/1.
pub(super) fn outcome_expr(df: &DataFrame, lf: &LazyFrame, outcome: &Outcome) -> Result<Expr, SliceError> {
    let column = outcome.column();
    let dtype = df.column(column)?.dtype().clone();
    match outcome {
        Outcome::Equals { value, .. } => Ok(equals_text(df, column, value)?),
        Outcome::AtLeast { threshold, strict, .. } => {
            if !(dtype.is_primitive_numeric() || dtype == DataType::Boolean) {
                return Err(SliceError::BadSpec { spec: outcome.describe(), problem: SpecProblem::NotNumeric { column: column.to_string(), dtype: dtype.to_string() } });
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
            Err(SliceError::BadSpec { spec: outcome.describe(), problem: SpecProblem::NotZeroOne { column: column.to_string(), dtype: dtype.to_string() } })
        }
    }
}

/// When a `COL=VALUE` outcome has no positive row (`positives` is 0), a note naming the values
/// the column holds: the value was likely mistyped.
pub(super) fn note_unmatched(lf: &LazyFrame, outcome: Option<&Outcome>, positives: usize, notes: &mut Vec<String>) -> PolarsResult<()> {
    if let Some(o @ Outcome::Equals { column, .. }) = outcome
        && positives == 0
    {
        let seen = examples(lf, col(column.as_str()), 8)?;
        notes.push(format!("no row has {}; `{column}` holds {}", o.describe(), if seen.is_empty() { "only nulls".to_string() } else { seen.join(", ") }));
    }
    Ok(())
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
pub(super) fn filtered(df: &DataFrame, filters: &[(String, String)]) -> PolarsResult<LazyFrame> {
    let mut lf = df.clone().lazy();
    for (c, v) in filters {
        lf = lf.filter(equals_text(df, c, v)?);
    }
    Ok(lf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slice::slice_table;
    use crate::slice::test_support::{close, group, scored, spec};

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
}
