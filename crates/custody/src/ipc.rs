//! The one error that crosses the desktop app's IPC boundary: `{code, message}`.
//!
//! Why here and not in the shell: the code is an enum the UI branches on, and its TypeScript
//! type is generated from this one (ts-rs, `ui/src/generated/ErrorCode.ts`) with the engine's
//! other types, so the two cannot drift. `message` names the file and the problem, as the
//! engine wrote it.

use crate::workflow::{Error, ErrorKind};

/// What the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ErrorCode {
    /// The user asked for something impossible (a bad path, an unknown reference).
    Usage,
    /// Evidence could not be read.
    Input,
    /// The case file could not be used.
    Case,
    /// The user cancelled the work.
    Cancelled,
    /// A command that needs an open case was called without one.
    NoCase,
    /// A fault of the app itself (a worker thread that died, a poisoned lock).
    Internal,
}

impl From<ErrorKind> for ErrorCode {
    fn from(kind: ErrorKind) -> ErrorCode {
        match kind {
            ErrorKind::Usage => ErrorCode::Usage,
            ErrorKind::Input => ErrorCode::Input,
            ErrorKind::Case => ErrorCode::Case,
            ErrorKind::Cancelled => ErrorCode::Cancelled,
        }
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError { code, message: message.into() }
    }
    pub fn no_case() -> IpcError {
        IpcError::new(ErrorCode::NoCase, "no case is open")
    }
    pub fn internal(message: impl Into<String>) -> IpcError {
        IpcError::new(ErrorCode::Internal, message)
    }
}

impl From<Error> for IpcError {
    fn from(e: Error) -> IpcError {
        IpcError { code: e.kind().into(), message: e.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_and_message() {
        let e = IpcError::from(Error::NoLineage { case: "a/b.custody".into() });
        assert_eq!(serde_json::to_value(&e).unwrap(), serde_json::json!({"code": "usage", "message": "a/b.custody: the case has no lineage yet; run `custody verify` first"}));
        assert_eq!(serde_json::to_value(IpcError::no_case()).unwrap()["code"], "no-case");
        assert_eq!(serde_json::to_value(IpcError::from(Error::Cancelled)).unwrap()["code"], "cancelled");
    }
}
