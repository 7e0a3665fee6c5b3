//! The one error type that crosses the IPC boundary: `{code, message}`. `code` is a small set
//! the UI branches on; `message` names the file and the problem, as the engine wrote it.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
}

impl IpcError {
    pub fn no_case() -> IpcError {
        IpcError { code: "no-case", message: "no case is open".into() }
    }
    pub fn internal(message: impl Into<String>) -> IpcError {
        IpcError { code: "internal", message: message.into() }
    }
}

impl From<custody::Error> for IpcError {
    fn from(e: custody::Error) -> IpcError {
        let code = match e.kind() {
            custody::ErrorKind::Usage => "usage",
            custody::ErrorKind::Input => "input",
            custody::ErrorKind::Case => "case",
            custody::ErrorKind::Cancelled => "cancelled",
        };
        IpcError { code, message: e.to_string() }
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
