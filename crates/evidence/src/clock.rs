//! The one clock of the engine: when something was recorded, as an RFC 3339 UTC timestamp.

/// Now, as RFC 3339 UTC.
pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}
