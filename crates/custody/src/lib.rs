//! Custody: an offline forensic workbench for ML lineage.
//!
//! Custody reads what real ML tooling leaves behind (MLflow tracking stores, Git history, DVC
//! data versions, dataset snapshots), rebuilds one lineage graph in W3C PROV terms, and
//! re-verifies every claim those records make against the actual bytes.
//!
//! This crate is the thin use-case layer the CLI and the desktop app call: [`workflow`] has one
//! function per use case, [`session`] keeps an open case for the desktop shell. The engine's
//! stages are crates of their own, each depending only on the ones before it, so that the
//! direction of the data is a compile error to break:
//!
//! | stage | crate | what it does |
//! |---|---|---|
//! | [`evidence`] | `custody-evidence` | the one door to evidence files, streaming [`hashing`], the [`progress`] sink |
//! | [`signing`] | `custody-signing` | signatures and attestations verified offline, keys only from the investigator |
//! | [`sources`] | `custody-sources` | every evidence reader: raw types that mirror the files, then checked types |
//! | [`lineage`] | `custody-lineage` | the one graph, its ids and node statuses |
//! | [`verify`] | `custody-verify` | every claim re-checked against the bytes: findings |
//! | [`diff`], [`trace`], [`slice`], [`dossier`] | `custody-analysis` | the analyses over the verified lineage |
//! | [`case`] | `custody-case` | the case file: SQLite, the evidence register, the hash-chained log |
//! | [`report`] | `custody-report` | the signed evidence report and its re-check |
//!
//! Progress leaves the engine through the [`progress::Progress`] sink; the engine never
//! prints. Evidence is sacred: every source is opened read-only and nothing imported is
//! executed.

pub mod ipc;
pub mod session;
pub mod workflow;

pub use custody_analysis::{diff, dossier, rows, slice, tables, trace};
pub use custody_case as case;
pub use custody_evidence as evidence;
pub use custody_evidence::{clock, hashing, progress, text};
pub use custody_lineage as lineage;
pub use custody_report as report;
pub use custody_signing as signing;
pub use custody_sources as sources;
pub use custody_sources::inference;
pub use custody_verify as verify;
pub use workflow::{Error, ErrorKind};
