//! Metrics: what two aligned runs measured, side by side.
//!
//! Why: metrics are outcomes, not causes: a lower recall is what an investigator sets out to
//! explain, never a root cause, so metrics are not divergences. They are shown next to each
//! other for every pair of runs the alignment made, so the effect can be read beside its
//! causes.
//!
//! Guarantees: only numeric metrics are shown; every metric either run recorded is listed once
//! per pair, in name order, with the side that lacks it empty; runs in the order of the pairs.

use std::collections::BTreeMap;

use custody_lineage::{Lineage, Node, NodeKind};

use super::MetricPair;
use crate::diff::align::Alignment;

/// The metrics of every aligned pair of runs, side by side.
pub(super) fn metric_pairs(lineage: &Lineage, al: &Alignment) -> Vec<MetricPair> {
    let mut out = Vec::new();
    for p in &al.pairs {
        let (Some(a), Some(b)) = (p.a.as_deref().and_then(|i| lineage.node(i)), p.b.as_deref().and_then(|i| lineage.node(i))) else { continue };
        if a.kind() != NodeKind::Run || b.kind() != NodeKind::Run {
            continue;
        }
        let (ma, mb) = (metrics_of(a), metrics_of(b));
        let mut names: Vec<&String> = ma.keys().chain(mb.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            out.push(MetricPair { run_a: a.id.clone(), run_b: b.id.clone(), name: name.clone(), a: ma.get(name).copied(), b: mb.get(name).copied() });
        }
    }
    out
}

/// The metrics a run records with a finite value.
fn metrics_of(n: &Node) -> BTreeMap<String, f64> {
    n.payload.run().map(|r| r.finite_metrics()).unwrap_or_default()
}
