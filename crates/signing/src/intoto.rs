//! in-toto attestations: Statement v1 (and the legacy v0.1), with SLSA Provenance v1 and v0.2
//! predicates read into the parts Custody binds into the lineage.
//!
//! Guarantees: subjects are matched by digest only (names are hints); a statement without a
//! subject digest is refused; unknown fields and unknown predicates are kept, not rejected.

use std::collections::BTreeMap;

pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
pub const SLSA_V1: &str = "https://slsa.dev/provenance/v1";
pub const SLSA_V02: &str = "https://slsa.dev/provenance/v0.2";
pub const MODEL_SIGNING_V1: &str = "https://model_signing/signature/v1.0";
pub const MODEL_SIGNING_V01: &str = "https://model_signing/Digests/v0.1";

#[derive(Debug, serde::Deserialize)]
struct RawStatement {
    #[serde(rename = "_type")]
    kind: String,
    #[serde(default)]
    subject: Vec<RawDescriptor>,
    #[serde(rename = "predicateType", default)]
    predicate_type: String,
    #[serde(default)]
    predicate: serde_json::Value,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct RawDescriptor {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    digest: BTreeMap<String, String>,
}

/// A resource an attestation names: a subject, a dependency, a byproduct.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Descriptor {
    pub name: Option<String>,
    pub uri: Option<String>,
    /// Algorithm → lowercase hex (`sha256`, `md5`, `gitCommit` …).
    pub digest: BTreeMap<String, String>,
}

impl Descriptor {
    pub fn display(&self) -> String {
        self.name.clone().or_else(|| self.uri.clone()).unwrap_or_else(|| self.digest.iter().map(|(k, v)| format!("{k}:{v}")).next().unwrap_or_default())
    }
}

impl From<RawDescriptor> for Descriptor {
    fn from(r: RawDescriptor) -> Descriptor {
        Descriptor { name: r.name, uri: r.uri, digest: r.digest.into_iter().map(|(k, v)| (k, v.to_ascii_lowercase())).collect() }
    }
}

/// A checked in-toto statement.
#[derive(Debug, Clone)]
pub struct Statement {
    pub statement_type: String,
    pub subjects: Vec<Descriptor>,
    pub predicate_type: String,
    pub predicate: serde_json::Value,
}

/// SLSA provenance, reduced to what becomes lineage.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Provenance {
    pub builder_id: Option<String>,
    pub build_type: Option<String>,
    pub invocation_id: Option<String>,
    pub started_on: Option<String>,
    pub finished_on: Option<String>,
    pub dependencies: Vec<Descriptor>,
}

/// Why a payload is not a usable in-toto statement.
#[derive(Debug, thiserror::Error)]
pub enum StatementError {
    /// The payload is not JSON, or lacks the statement's `_type` (or a field has another type).
    #[error("payload is not an in-toto statement: {0}")]
    Json(#[source] serde_json::Error),
    /// `_type` is not an in-toto Statement URI (`https://in-toto.io/Statement/…`); the type
    /// the payload names.
    #[error("unknown in-toto statement type {statement_type}")]
    UnknownType { statement_type: String },
    #[error("in-toto statement has no subject with a digest")]
    NoSubject,
}

impl Statement {
    pub fn from_payload(payload: &[u8]) -> Result<Statement, StatementError> {
        let raw: RawStatement = serde_json::from_slice(payload).map_err(StatementError::Json)?;
        if !raw.kind.starts_with("https://in-toto.io/Statement/") {
            return Err(StatementError::UnknownType { statement_type: raw.kind });
        }
        let subjects: Vec<Descriptor> = raw.subject.into_iter().map(Descriptor::from).collect();
        if subjects.is_empty() || subjects.iter().any(|s| s.digest.is_empty()) {
            return Err(StatementError::NoSubject);
        }
        Ok(Statement { statement_type: raw.kind, subjects, predicate_type: raw.predicate_type, predicate: raw.predicate })
    }

    /// The SLSA provenance in the predicate, when it is SLSA v1 or v0.2.
    pub fn provenance(&self) -> Option<Provenance> {
        let p = &self.predicate;
        let str_at = |ptr: &str| p.pointer(ptr).and_then(|v| v.as_str()).map(str::to_string);
        let descriptors = |ptr: &str| -> Vec<Descriptor> {
            p.pointer(ptr)
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|d| serde_json::from_value::<RawDescriptor>(d.clone()).ok()).map(Descriptor::from).collect())
                .unwrap_or_default()
        };
        if self.predicate_type == SLSA_V1 {
            return Some(Provenance {
                builder_id: str_at("/runDetails/builder/id"),
                build_type: str_at("/buildDefinition/buildType"),
                invocation_id: str_at("/runDetails/metadata/invocationId"),
                started_on: str_at("/runDetails/metadata/startedOn"),
                finished_on: str_at("/runDetails/metadata/finishedOn"),
                dependencies: descriptors("/buildDefinition/resolvedDependencies"),
            });
        }
        if self.predicate_type == SLSA_V02 {
            return Some(Provenance {
                builder_id: str_at("/builder/id"),
                build_type: str_at("/buildType"),
                invocation_id: str_at("/metadata/buildInvocationId"),
                started_on: str_at("/metadata/buildStartedOn"),
                finished_on: str_at("/metadata/buildFinishedOn"),
                dependencies: descriptors("/materials"),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Statement, StatementError as E};
    use std::error::Error as _;

    /// Each way a payload is not a statement has its variant, its cause and its message.
    #[test]
    fn unusable_statements_name_what_went_wrong() {
        let json_error = serde_json::from_slice::<serde_json::Value>(b"{").unwrap_err().to_string();
        let e = Statement::from_payload(b"{").unwrap_err();
        assert!(matches!(e, E::Json(_)), "{e:?}");
        assert_eq!(e.to_string(), format!("payload is not an in-toto statement: {json_error}"));
        assert!(e.source().is_some_and(|c| c.is::<serde_json::Error>()), "the JSON error is the cause");

        let e = Statement::from_payload(br#"{"subject": []}"#).unwrap_err();
        assert!(matches!(e, E::Json(_)), "no _type: {e:?}");

        let e = Statement::from_payload(br#"{"_type": "https://example.com/Other", "subject": [{"digest": {"sha256": "00"}}]}"#).unwrap_err();
        assert!(matches!(&e, E::UnknownType { statement_type } if statement_type == "https://example.com/Other"), "{e:?}");
        assert_eq!(e.to_string(), "unknown in-toto statement type https://example.com/Other");

        let e = Statement::from_payload(br#"{"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "x", "digest": {}}]}"#).unwrap_err();
        assert!(matches!(e, E::NoSubject), "{e:?}");
        assert_eq!(e.to_string(), "in-toto statement has no subject with a digest");
    }
}
