//! The one error type that crosses the IPC boundary: `{code, message}`, defined with the
//! engine's use cases ([`custody::ipc`]) so that its code is exported to TypeScript with the
//! other types.

pub use custody::ipc::{ErrorCode, IpcError};

pub type IpcResult<T> = Result<T, IpcError>;
