//! Comparing two lineages: `custody diff`.
//!
//! Why: engineers compare production with staging and investigators compare a misbehaving
//! model with the last good one. [`align`] pairs the nodes of the two upstream graphs,
//! [`compare`] names the root causes (nodes that differ while their own inputs are equal) and
//! what follows from them, with a drill-down per kind; [`data`] compares two versions of a
//! table row by row. This module holds the per-kind comparisons of values: parameters
//! (added, removed, changed, unchanged), code (the commits between two commits, files changed
//! with line counts, the diff of one file) and environments (pip and conda pins).
//!
//! Guarantees: values are compared as the tools recorded them (strings), in a stable order;
//! evidence is only read.

pub mod align;
pub mod compare;
pub mod data;

pub use compare::{Detail, Divergence, DivergenceKind, LineageDiff, compare};

use std::collections::BTreeMap;

/// How one parameter differs between two runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "change")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ParamChange {
    Added { name: String, b: String },
    Removed { name: String, a: String },
    Changed { name: String, a: String, b: String },
    Unchanged { name: String, value: String },
}

impl ParamChange {
    pub fn name(&self) -> &str {
        match self {
            ParamChange::Added { name, .. } | ParamChange::Removed { name, .. } | ParamChange::Changed { name, .. } | ParamChange::Unchanged { name, .. } => name,
        }
    }
    pub fn is_change(&self) -> bool {
        !matches!(self, ParamChange::Unchanged { .. })
    }
}

/// Compares two parameter sets, by name, in name order.
pub fn params(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<ParamChange> {
    let mut names: Vec<&String> = a.keys().chain(b.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|n| match (a.get(n), b.get(n)) {
            (Some(x), Some(y)) if x == y => ParamChange::Unchanged { name: n.clone(), value: x.clone() },
            (Some(x), Some(y)) => ParamChange::Changed { name: n.clone(), a: x.clone(), b: y.clone() },
            (Some(x), None) => ParamChange::Removed { name: n.clone(), a: x.clone() },
            (None, Some(y)) => ParamChange::Added { name: n.clone(), b: y.clone() },
            (None, None) => unreachable!("a name comes from one of the maps"),
        })
        .collect()
}

/// The parameters of a run node as MLflow recorded them.
pub fn run_params(node: &custody_lineage::Node) -> BTreeMap<String, String> {
    node.payload.run().map(|r| r.params.clone()).unwrap_or_default()
}

/// How the code differs between two commits of one repository.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CodeChange {
    pub from: String,
    pub to: String,
    /// Commits in `to` that `from` lacks, newest first: (sha, summary).
    pub commits: Vec<(String, String)>,
    pub files: Vec<custody_sources::git::FileChange>,
}

/// Compares the code at two commits: `Ok(None)` when the repository does not hold both, an
/// error naming the object when a commit between them or a changed file cannot be read.
pub fn code(repo: &custody_sources::git::GitRepo, from: &str, to: &str) -> Result<Option<CodeChange>, custody_sources::git::GitError> {
    let Some(commits) = repo.try_commits_between(from, to)? else { return Ok(None) };
    let Some(files) = repo.try_changed_files(from, to)? else { return Ok(None) };
    let commits = commits.into_iter().map(|c| (c.sha, c.summary)).collect();
    Ok(Some(CodeChange { from: from.to_string(), to: to.to_string(), commits, files }))
}

/// How one package differs between two environments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "change")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum PackageChange {
    Added { package: String, b: String },
    Removed { package: String, a: String },
    Changed { package: String, a: String, b: String },
}

/// A package name as pip compares them (PEP 503: case-insensitive, `-`, `_` and `.` alike).
pub fn normalize_package(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        let c = c.to_ascii_lowercase();
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The packages of a pip requirements file (`requirements.txt`, the `pip:` list of a conda
/// environment, MLflow's `python_env.yaml` dependencies): name → version specifier (`==1.2`,
/// `>=3`, or empty). Comments, options (`-r`, `--index-url`), URLs and markers are skipped.
pub fn requirement_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lines {
        let line = line.split('#').next().unwrap_or("").trim();
        let line = line.split(';').next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('-') || line.contains("://") {
            continue;
        }
        let at = line.find(|c: char| "=<>!~ [(".contains(c)).unwrap_or(line.len());
        let (name, rest) = line.split_at(at);
        let rest = rest.trim_start();
        // extras (`pkg[extra]`) are not part of the version
        let spec = match rest.strip_prefix('[') {
            Some(r) => r.split_once(']').map(|(_, v)| v).unwrap_or(""),
            None => rest,
        };
        out.insert(normalize_package(name), spec.replace(' ', ""));
    }
    out
}

/// Why a conda environment file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CondaError {
    /// The text is not a YAML document (the parser's error).
    #[error("not a conda environment: {0}")]
    NotAnEnvironment(#[source] serde_norway::Error),
}

/// The packages of a conda `environment.yaml` / MLflow `conda.yaml`: conda dependencies
/// (`python=3.11`) and the nested `pip:` list, one map (conda `=` is written as `==`).
pub fn conda_packages(text: &str) -> Result<BTreeMap<String, String>, CondaError> {
    let doc: serde_json::Value = serde_norway::from_str(text).map_err(CondaError::NotAnEnvironment)?;
    let mut out = BTreeMap::new();
    for dep in doc.get("dependencies").and_then(|d| d.as_array()).into_iter().flatten() {
        if let Some(s) = dep.as_str() {
            let (name, spec) = match s.find(|c: char| "=<>!~ ".contains(c)) {
                Some(i) => (&s[..i], s[i..].trim()),
                None => (s, ""),
            };
            let spec = if spec.starts_with('=') && !spec.starts_with("==") { format!("={spec}") } else { spec.to_string() };
            out.insert(normalize_package(name), spec);
        } else if let Some(pip) = dep.get("pip").and_then(|p| p.as_array()) {
            out.extend(requirement_lines(pip.iter().filter_map(|p| p.as_str())));
        }
    }
    Ok(out)
}

/// Compares two package sets.
pub fn packages(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<PackageChange> {
    params(a, b)
        .into_iter()
        .filter_map(|c| match c {
            ParamChange::Added { name, b } => Some(PackageChange::Added { package: name, b }),
            ParamChange::Removed { name, a } => Some(PackageChange::Removed { package: name, a }),
            ParamChange::Changed { name, a, b } => Some(PackageChange::Changed { package: name, a, b }),
            ParamChange::Unchanged { .. } => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn package_names_compare_as_pip_does() {
        assert_eq!(super::normalize_package("Scikit_Learn"), "scikit-learn");
        assert_eq!(super::normalize_package("zope.interface"), "zope-interface");
    }

    use super::*;

    #[test]
    fn params_are_added_removed_changed_or_unchanged() {
        let a: BTreeMap<String, String> = [("max_depth", "3"), ("learning_rate", "0.2"), ("old", "x")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let b: BTreeMap<String, String> = [("max_depth", "5"), ("learning_rate", "0.2"), ("new", "y")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let d = params(&a, &b);
        assert_eq!(d.iter().map(ParamChange::name).collect::<Vec<_>>(), ["learning_rate", "max_depth", "new", "old"]);
        assert_eq!(d[0], ParamChange::Unchanged { name: "learning_rate".into(), value: "0.2".into() });
        assert_eq!(d[1], ParamChange::Changed { name: "max_depth".into(), a: "3".into(), b: "5".into() });
        assert_eq!(d[2], ParamChange::Added { name: "new".into(), b: "y".into() });
        assert_eq!(d[3], ParamChange::Removed { name: "old".into(), a: "x".into() });
    }
}
