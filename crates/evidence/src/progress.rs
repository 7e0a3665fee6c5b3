//! How long-running work reports progress, and how it is cancelled, without the engine knowing
//! who listens.
//!
//! The engine calls a [`Progress`] sink; the CLI forwards it to an indicatif bar, the desktop
//! shell to a Tauri channel, tests use [`Silent`]. Implementations must be cheap and
//! thread-safe: hashing calls [`Progress::advance`] from several threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The phases a workflow goes through, in order. `total` units are given when a phase starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Phase {
    /// Walking an evidence folder to find sources; units are files.
    Discover,
    /// Fingerprinting files into the evidence register; units are bytes.
    Acquire,
    /// Reading and checking the sources' records; units are sources.
    Parse,
    /// Re-hashing files against the claims made about them; units are bytes.
    Hash,
    /// Cross-checking claims between sources; units are checks.
    Check,
    /// Writing the graph and findings into the case file; units are rows.
    Store,
    /// Writing an evidence report; units are report files.
    Report,
    /// Comparing two lineages; units are aligned node pairs.
    Compare,
}

impl Phase {
    /// A short human label for a progress bar.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Discover => "discovering sources",
            Phase::Acquire => "fingerprinting evidence",
            Phase::Parse => "reading sources",
            Phase::Hash => "re-hashing",
            Phase::Check => "cross-checking",
            Phase::Store => "writing case file",
            Phase::Report => "writing report",
            Phase::Compare => "comparing lineages",
        }
    }

    /// Whether the phase counts bytes (so a bar shows a rate).
    pub fn counts_bytes(self) -> bool {
        matches!(self, Phase::Acquire | Phase::Hash)
    }
}

/// A sink for progress. All methods have do-nothing defaults.
pub trait Progress: Sync {
    /// A phase starts with `total` units of work (0 when unknown).
    fn start(&self, _phase: Phase, _total: u64) {}
    /// `units` more units of the current phase are done.
    fn advance(&self, _units: u64) {}
    /// The current phase is now working on `what` (a source or a file, root-relative): for a
    /// status line, and for the CLI to say where it was if something goes wrong.
    fn item(&self, _what: &str) {}
    /// The current phase is finished.
    fn finish(&self) {}
    /// Whether the user asked to stop; long loops poll this and stop with
    /// [`crate::ErrorKind::Cancelled`].
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// Progress that goes nowhere.
pub struct Silent;

impl Progress for Silent {}

/// A cancellation flag that can be shared with another thread (a Ctrl-C handler, a UI button).
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
