//! Data: data versions, evidence files and MLflow datasets, compared by digest and drilled
//! down to the rows of their tables.
//!
//! Why: a data node is named by a digest (a DVC md5, a file's SHA-256, MLflow's dataset
//! digest), so equal digests are equal data; when they differ, investigators need what
//! differs inside: the files of a directory version added, removed and changed, and for each
//! changed CSV or Parquet table a row-level comparison ([`crate::diff::data`]) whose added
//! rows are attributed to the raw sources of the stage that made the table. A data version
//! with no counterpart is profiled instead (rows, and a summary of each column).
//!
//! Guarantees: the bytes are only read, through the [`TableLocator`]; a drill-down that cannot
//! be made (bytes not in the evidence, a table that cannot be read) leaves a note in the
//! detail instead of failing; an MLflow dataset is compared by its digest only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use custody_lineage::{Node, NodeKind};

use super::{DataDetail, Detail, TableProfile};
use crate::diff::data::{self, RawSource, TableComparison};
use crate::tables::TableLocator;

/// The tables of a data version: member name → (digest, local file; empty when the bytes are
/// not in the evidence).
type Members = BTreeMap<String, (String, PathBuf)>;

/// A raw source of a table, read: (path, node id, table).
type RawTable = (String, String, DataFrame);

/// How two versions of one piece of data differ, if they do: a one-line summary and the
/// drill-down.
pub(super) fn compare(tables: &TableLocator<'_>, a: &Node, b: &Node) -> Option<(String, Detail)> {
    let kind = b.kind();
    if digest(a, kind).is_some() && digest(a, kind) == digest(b, kind) {
        return None;
    }
    if kind == NodeKind::Dataset {
        let summary = format!("{} → {} (MLflow dataset digest)", a.label, b.label);
        return Some((summary, Detail::Identity { a: digest(a, kind).map(str::to_string), b: digest(b, kind).map(str::to_string) }));
    }
    let sources = tables.raw_sources_of(b);
    let detail = detail(tables, Some(a), Some(b), &sources);
    let tables: Vec<String> = detail.tables.iter().map(TableComparison::describe).collect();
    let mut summary = format!("{} → {}", a.label, b.label);
    if !tables.is_empty() {
        summary = format!("{summary}: {}", tables.join("; "));
    } else if !detail.members_changed.is_empty() || !detail.members_added.is_empty() || !detail.members_removed.is_empty() {
        summary = format!("{summary}: {} files changed, {} added, {} removed", detail.members_changed.len(), detail.members_added.len(), detail.members_removed.len());
    }
    Some((summary, Detail::Data(detail)))
}

/// The drill-down of two versions of data (or of one, when the other side has none): the
/// members compared and the changed tables compared row by row, attributing added rows to
/// `sources`; a lone version's tables profiled.
pub(super) fn detail(tables: &TableLocator<'_>, na: Option<&Node>, nb: Option<&Node>, sources: &[Node]) -> DataDetail {
    let mut detail = identities(na, nb);
    let mut notes = Vec::new();
    let ta = na.and_then(|n| tables.tables_of(n, &mut notes));
    let tb = nb.and_then(|n| tables.tables_of(n, &mut notes));
    // raw sources, read once
    let raw_tables = read_raw_sources(tables, sources);
    let raw: Vec<RawSource<'_>> = raw_tables.iter().map(|(path, node, df)| RawSource { path: path.clone(), node: node.clone(), table: df }).collect();
    match (ta, tb) {
        (Some(ta), Some(tb)) => compare_members(&mut detail, &ta, &tb, &raw, &mut notes),
        (one_a, one_b) => detail.profiles = profiles(one_a.into_iter().chain(one_b), &mut notes),
    }
    detail.notes = notes;
    detail
}

/// The digest a node of `kind` is compared by: a data version's md5, an MLflow dataset's
/// digest, a file's SHA-256 (None when `n` records no digest of that kind).
fn digest(n: &Node, kind: NodeKind) -> Option<&str> {
    match kind {
        NodeKind::DataVersion => n.payload.data_version().map(|d| d.md5.as_str()),
        NodeKind::Dataset => n.payload.dataset().map(|d| d.digest.as_str()),
        _ => n.payload.file().and_then(|f| f.sha256.as_deref()),
    }
}

/// The content digest of a data version (md5) or a file (SHA-256), for the detail.
fn content_digest(n: &Node) -> Option<&str> {
    n.payload.data_version().map(|d| d.md5.as_str()).or_else(|| n.payload.file().and_then(|f| f.sha256.as_deref()))
}

/// The evidence path a node stands for: a data version's path, else its label (a file's).
fn path_of(n: &Node) -> &str {
    n.payload.data_version().map(|d| d.path.as_str()).unwrap_or(&n.label)
}

/// The paths and digests of the two sides, with nothing compared yet.
fn identities(na: Option<&Node>, nb: Option<&Node>) -> DataDetail {
    DataDetail {
        path_a: na.map(|n| path_of(n).to_string()),
        path_b: nb.map(|n| path_of(n).to_string()),
        digest_a: na.and_then(content_digest).map(str::to_string),
        digest_b: nb.and_then(content_digest).map(str::to_string),
        members_added: Vec::new(),
        members_removed: Vec::new(),
        members_changed: Vec::new(),
        tables: Vec::new(),
        profiles: Vec::new(),
        notes: Vec::new(),
    }
}

/// The first table of each raw source that can be read (the others are left out silently:
/// they only attribute rows).
fn read_raw_sources(tables: &TableLocator<'_>, sources: &[Node]) -> Vec<RawTable> {
    let mut raw_tables = Vec::new();
    for s in sources {
        let mut ignored = Vec::new();
        let Some((_, (_, local))) = tables.tables_of(s, &mut ignored).and_then(|t| t.into_iter().next()) else { continue };
        if let Some(df) = read(&local, &mut ignored) {
            raw_tables.push((path_of(s).to_string(), s.id.clone(), df));
        }
    }
    raw_tables
}

/// The members of two versions by name: added, removed, changed by digest; each changed table
/// whose bytes are both in the evidence compared row by row.
fn compare_members(detail: &mut DataDetail, ta: &Members, tb: &Members, raw: &[RawSource<'_>], notes: &mut Vec<String>) {
    for (member, (digest_b, local_b)) in tb {
        match ta.get(member) {
            None => detail.members_added.push(member.clone()),
            Some((digest_a, _)) if digest_a == digest_b && !digest_a.is_empty() => {}
            Some((_, local_a)) => {
                if !member.is_empty() {
                    detail.members_changed.push(member.clone());
                }
                if local_a.as_os_str().is_empty() || local_b.as_os_str().is_empty() {
                    continue;
                }
                if let Some(t) = compare_table(member, local_a, local_b, raw, notes) {
                    detail.tables.push(t);
                }
            }
        }
    }
    detail.members_removed = ta.keys().filter(|m| !tb.contains_key(*m)).cloned().collect();
}

/// One changed table, row by row; None (with a note) when either side cannot be read or
/// compared.
fn compare_table(member: &str, local_a: &Path, local_b: &Path, raw: &[RawSource<'_>], notes: &mut Vec<String>) -> Option<TableComparison> {
    let (Some(a), Some(b)) = (read(local_a, notes), read(local_b, notes)) else { return None };
    match data::compare_tables(member, &a, &b, raw) {
        Ok(t) => Some(t),
        Err(e) => {
            notes.push(format!("{member}: {e}"));
            None
        }
    }
}

/// The tables of a version without counterpart: rows, and a summary of each column.
fn profiles(sides: impl Iterator<Item = Members>, notes: &mut Vec<String>) -> Vec<TableProfile> {
    let mut out = Vec::new();
    for (member, (_, local)) in sides.flatten() {
        if local.as_os_str().is_empty() {
            continue;
        }
        if let Some(df) = read(&local, notes) {
            let columns = df.columns().iter().map(|c| (c.name().to_string(), data::summarise(c))).collect();
            out.push(TableProfile { member, rows: df.height(), columns });
        }
    }
    out
}

/// A local table, read; None with a note when it cannot be.
fn read(local: &Path, notes: &mut Vec<String>) -> Option<DataFrame> {
    custody_sources::dataset::read_local_table(local).map_err(|e| notes.push(e.to_string())).ok()
}
