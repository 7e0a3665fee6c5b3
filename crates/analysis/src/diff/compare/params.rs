//! Parameters: what two runs or two stages were configured with, name by name.
//!
//! Why: a hyperparameter is a leaf of its own: a changed `max_depth` is a root cause even when
//! the data changed too, so the parameters of two runs (MLflow) or two stages (DVC's locked
//! `params`) are compared before, and apart from, their inputs. DVC nests parameters
//! (`train: {max_depth: 3}`); they are compared as the dotted names a person writes
//! (`train.max_depth`).
//!
//! Guarantees: values are compared as the tools recorded them (strings; other JSON values as
//! their JSON text), in name order; the unchanged parameters are kept in the detail, and
//! counted in the summary, so a reader sees what did not change too.

use std::collections::BTreeMap;

use serde_json::Value;

use custody_lineage::{Node, Payload};

use super::{Detail, DivergenceKind, Leaf, ParamsDetail};
use crate::diff::ParamChange;

/// The parameter divergence of two runs or stages, if a parameter was added, removed or
/// changed.
pub(super) fn compare(a: &Node, b: &Node) -> Option<Leaf> {
    let all = crate::diff::params(&params_of(a), &params_of(b));
    let (changes, unchanged): (Vec<ParamChange>, Vec<ParamChange>) = all.into_iter().partition(ParamChange::is_change);
    if changes.is_empty() {
        return None;
    }
    let listed: Vec<String> = changes.iter().map(describe).collect();
    let summary = format!("{} → {}: {} ({} unchanged)", a.label, b.label, listed.join(", "), unchanged.len());
    Some((DivergenceKind::Params, summary, Detail::Params(ParamsDetail { changes, unchanged })))
}

/// The parameters a node records, as flat names: a run's as MLflow logged them, a stage's by
/// parameter file (`params.yaml.train.max_depth`).
fn params_of(n: &Node) -> BTreeMap<String, String> {
    match &n.payload {
        Payload::Run(r) => r.params.clone(),
        Payload::Stage(s) => s.params.iter().flat_map(|(file, values)| flatten(file, values)).collect(),
        _ => BTreeMap::new(),
    }
}

/// Parameters as flat names: nested maps (DVC's `train: {max_depth: 3}`) become dotted names.
fn flatten<'v>(prefix: &str, o: impl IntoIterator<Item = (&'v String, &'v Value)>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in o {
        let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            Value::Object(inner) => out.extend(flatten(&name, inner)),
            Value::String(s) => {
                out.insert(name, s.clone());
            }
            other => {
                out.insert(name, other.to_string());
            }
        }
    }
    out
}

/// One parameter change, for the summary line.
fn describe(c: &ParamChange) -> String {
    match c {
        ParamChange::Added { name, b } => format!("{name} added ({b})"),
        ParamChange::Removed { name, a } => format!("{name} removed (was {a})"),
        ParamChange::Changed { name, a, b } => format!("{name} {a} → {b}"),
        ParamChange::Unchanged { name, value } => format!("{name} {value}"),
    }
}
