//! Custody: an offline forensic workbench for ML lineage.
//!
//! Custody reads what real ML tooling leaves behind (MLflow tracking stores, Git history, DVC
//! data versions, dataset snapshots), rebuilds one lineage graph in W3C PROV terms, and
//! re-verifies every claim those records make against the actual bytes.
//!
//! # Brief overview
//! * [`sources`] reads each evidence format: raw serde/SQL row types that mirror the files, then
//!   checked domain types that enforce invariants with named errors.
//! * [`lineage`] builds the [`lineage::Lineage`] graph from checked types only, resolving the
//!   identity of the same thing seen by several tools (run ↔ commit, dataset input ↔ DVC out).
//! * [`verify`] re-hashes files (parallel, streaming) and cross-checks claims; every check yields
//!   a [`verify::Finding`].
//! * [`signing`] verifies signatures and attestations offline (DSSE, in-toto, SLSA, Sigstore
//!   bundles from model-signing, SSH-signed commits, detached Ed25519), trusting only keys the
//!   investigator supplies, and signs Custody's own reports.
//! * [`report`] writes the case as a signed evidence report (HTML, JSON, PROV-JSON) and
//!   re-checks such a report.
//! * [`case`] is the case file: SQLite with migrations, the evidence register and a hash-chained
//!   log of every action.
//! * [`workflow`] composes those into the use cases the CLI and the desktop shell call: one
//!   function per use case.
//! * Progress leaves the engine through the [`progress::Progress`] sink; the engine never
//!   prints.
//!
//! Evidence is sacred: every source is opened read-only and nothing imported is executed.

pub mod case;
pub mod clock;
pub mod diff;
pub mod dossier;
pub mod evidence;
pub mod hashing;
pub mod inference;
pub mod lineage;
pub mod progress;
pub mod report;
pub mod rows;
pub mod session;
pub mod signing;
pub mod slice;
pub mod tables;
pub mod text;
pub mod trace;
pub mod sources;
pub mod verify;
pub mod workflow;

pub use workflow::{Error, ErrorKind};
