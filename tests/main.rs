//! The integration tests: one binary (one link step), one module per area, over `fixtures/`
//! (the demo case and `fixtures/samples`, all made by the real tools). Only the conformance
//! module reads outside the repository, and only when that data is present.

// Helpers: materialising fixture cases, fingerprinting trees, running the CLI.
mod support;
// The crates follow the data one way (cargo metadata).
mod layers;
// Format readers against real MLflow, DVC and git output.
mod sources;
// The case file: register, migrations, the hash-chained log.
mod case_file;
// The demo case end to end: clean verifies, every tampered variant is caught.
mod investigate;
// A damaged git object in a copy of the demo case: a finding or an error, never skipped.
mod damaged_git;
// The command line: exit codes, JSON, error messages.
mod cli;
// References, neighbourhoods, clustering and graph renders over the demo case.
mod lineage_queries;
// Signatures, attestations, trusted keys and signed reports.
mod signatures;
// Divergence building blocks: parameters and code between two runs.
mod diff;
// Tracing decisions of the scoring log to the model, run, commit and data; the dossier.
mod trace;
// Slicing data for bias evidence: group metrics, fairlearn agreement, row origin.
mod slice;
// The scenario corpus: clean cases verify clean, every tampered variant is caught where its
// truth.json says.
mod corpus;
// Conformance: keyless Sigstore bundles that cannot be regenerated offline, checked only when
// ../shared/research/samples/signing is present (otherwise skipped, saying so).
mod conformance;
