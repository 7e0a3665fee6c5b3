//! The analyses over a verified lineage: where two lineages diverge, what one decision came
//! from, and how a table's groups compare.
//!
//! * [`diff`]: the lineage diff, root causes first (code, data, parameters, environment);
//! * [`trace`]: one decision of an inference log back to its model, run, commit, parameters and
//!   data, each link with its verification status;
//! * [`slice`]: a table's groups for bias evidence, each group's rows by the raw source they
//!   came from;
//! * [`dossier`]: a trace and the slices of its training set, written as one explanation;
//! * [`tables`]: where a data node's bytes are, read as a table, shared by all of the above;
//! * [`rows`]: the row and value hashing that the diff and the slice agree on.
//!
//! Analyses read the lineage and the findings (they come after verification in the pipeline)
//! and the evidence's bytes through [`custody_sources::EvidenceSet`]; they never change either.

pub mod diff;
pub mod dossier;
pub mod rows;
pub mod slice;
pub mod tables;
pub mod trace;
