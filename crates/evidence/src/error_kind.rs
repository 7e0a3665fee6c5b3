//! How an error is presented, whichever stage raised it.
//!
//! Why: the CLI maps an error to an exit code and a sentence, the app to an error code the UI
//! reacts to (a case that cannot be opened offers the start screen; a usage error keeps the
//! form). Each stage knows what its own errors mean, so each stage's error enum says its kind
//! (`kind()`), and the use-case layer only delegates: no layer above re-derives the meaning of
//! another stage's variants.

/// What went wrong, for presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The caller asked for something impossible (a bad path, an unknown kind).
    Usage,
    /// Evidence could not be read (malformed, truncated, unreadable).
    Input,
    /// The case file could not be used.
    Case,
    /// The user cancelled.
    Cancelled,
}
