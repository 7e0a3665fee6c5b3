//! Sigstore bundles (v0.1 to v0.3, protobuf JSON) and the model-signing predicate they carry.
//!
//! A bundle holds either a DSSE envelope or a message signature, and verification material:
//! a public key hint (self-managed keys, as model-signing's `key` method writes), or a
//! certificate (chain) with transparency-log entries (keyless). This module reads both; the
//! keyless checks are in [`super::keyless`].

use super::b64;
use super::dsse::Envelope;
use super::intoto::Statement;

/// What signs the bundle's content.
#[derive(Debug, Clone)]
pub enum Material {
    /// A self-managed key, named by an opaque hint.
    PublicKey { hint: String },
    /// A certificate chain, leaf first (DER).
    Certificates(Vec<Vec<u8>>),
}

/// What the bundle signs.
#[derive(Debug, Clone)]
pub enum Content {
    Dsse(Envelope),
    /// A signature over an artifact's raw bytes; the digest only identifies the artifact.
    MessageSignature { digest_algorithm: String, digest: Vec<u8>, signature: Vec<u8> },
}

/// A transparency-log entry as the bundle records it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TlogEntry {
    #[serde(default)]
    pub log_index: Option<String>,
    #[serde(default)]
    pub log_id: Option<LogId>,
    #[serde(default)]
    pub integrated_time: Option<String>,
    #[serde(default)]
    pub inclusion_promise: Option<InclusionPromise>,
    #[serde(default)]
    pub inclusion_proof: Option<InclusionProof>,
    #[serde(default)]
    pub canonicalized_body: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogId {
    pub key_id: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InclusionPromise {
    pub signed_entry_timestamp: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InclusionProof {
    pub log_index: String,
    pub root_hash: String,
    pub tree_size: String,
    #[serde(default)]
    pub hashes: Vec<String>,
    #[serde(default)]
    pub checkpoint: Option<Checkpoint>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Checkpoint {
    pub envelope: String,
}

/// A checked Sigstore bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub material: Material,
    pub content: Content,
    pub tlog_entries: Vec<TlogEntry>,
    /// Whether the bundle carries RFC 3161 timestamps (a source of signed time).
    pub has_rfc3161: bool,
}

/// Why a bundle could not be read: a part it must have is missing or unreadable.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("not a Sigstore bundle: no mediaType")]
    NoMediaType,
    #[error("not a Sigstore bundle: no verificationMaterial")]
    NoVerificationMaterial,
    /// The verification material is none of the three forms a bundle may hold.
    #[error("not a Sigstore bundle: verificationMaterial has no publicKey, certificate or x509CertificateChain")]
    NoVerificationKind,
    /// A certificate of `certificate` or `x509CertificateChain` without `rawBytes`.
    #[error("not a Sigstore bundle: certificate without rawBytes")]
    CertificateWithoutRawBytes,
    /// A certificate's `rawBytes` are not base64.
    #[error("not a Sigstore bundle: certificate: {0}")]
    CertificateBase64(#[source] b64::NotBase64),
    /// `tlogEntries` are not transparency-log entries.
    #[error("not a Sigstore bundle: tlogEntries: {0}")]
    TlogEntries(#[source] serde_json::Error),
    /// `messageSignature.signature` is not base64.
    #[error("not a Sigstore bundle: messageSignature.signature: {0}")]
    MessageSignatureBase64(#[source] b64::NotBase64),
    /// The bundle signs nothing it says.
    #[error("not a Sigstore bundle: neither dsseEnvelope nor messageSignature")]
    NoContent,
    /// The DSSE envelope it holds is unreadable (the envelope's message as is).
    #[error(transparent)]
    Envelope(#[from] super::dsse::EnvelopeError),
}

/// Whether a JSON value is a Sigstore bundle.
pub fn looks_like_bundle(value: &serde_json::Value) -> bool {
    value.get("mediaType").and_then(|m| m.as_str()).is_some_and(|m| m.starts_with("application/vnd.dev.sigstore.bundle"))
}

impl Bundle {
    pub fn from_json(value: &serde_json::Value) -> Result<Bundle, BundleError> {
        value.get("mediaType").and_then(|m| m.as_str()).ok_or(BundleError::NoMediaType)?;
        let vm = value.get("verificationMaterial").ok_or(BundleError::NoVerificationMaterial)?;
        let material = if let Some(pk) = vm.get("publicKey") {
            Material::PublicKey { hint: pk.get("hint").and_then(|h| h.as_str()).unwrap_or_default().to_string() }
        } else if let Some(c) = vm.pointer("/certificate/rawBytes").and_then(|c| c.as_str()) {
            Material::Certificates(vec![b64::decode(c).map_err(BundleError::CertificateBase64)?])
        } else if let Some(chain) = vm.pointer("/x509CertificateChain/certificates").and_then(|c| c.as_array()) {
            let certs = chain
                .iter()
                .map(|c| c.get("rawBytes").and_then(|r| r.as_str()).ok_or(BundleError::CertificateWithoutRawBytes).and_then(|r| b64::decode(r).map_err(BundleError::CertificateBase64)))
                .collect::<Result<Vec<_>, _>>()?;
            Material::Certificates(certs)
        } else {
            return Err(BundleError::NoVerificationKind);
        };
        let tlog_entries = match vm.get("tlogEntries") {
            Some(v) => serde_json::from_value(v.clone()).map_err(BundleError::TlogEntries)?,
            None => Vec::new(),
        };
        let content = if let Some(env) = value.get("dsseEnvelope") {
            Content::Dsse(Envelope::from_json(env)?)
        } else if let Some(ms) = value.get("messageSignature") {
            let text = |p: &str| ms.pointer(p).and_then(|v| v.as_str()).unwrap_or_default();
            Content::MessageSignature {
                digest_algorithm: text("/messageDigest/algorithm").to_string(),
                digest: b64::decode(text("/messageDigest/digest")).unwrap_or_default(),
                signature: b64::decode(text("/signature")).map_err(BundleError::MessageSignatureBase64)?,
            }
        } else {
            return Err(BundleError::NoContent);
        };
        let has_rfc3161 = vm.pointer("/timestampVerificationData/rfc3161Timestamps").and_then(|t| t.as_array()).is_some_and(|a| !a.is_empty());
        Ok(Bundle { material, content, tlog_entries, has_rfc3161 })
    }
}

/// One file a model signature covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ModelResource {
    /// POSIX path relative to the model root (`.` for a single-file model; `path:start:end`
    /// for a shard).
    pub name: String,
    pub algorithm: String,
    pub digest: String,
}

/// Why a model-signing predicate cannot be read, or its root digest cannot be recomputed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManifestError {
    /// A v1.0 predicate without a `resources` array.
    #[error("model-signing predicate has no resources")]
    NoResources,
    /// A resource without the string `field` (`name`, `algorithm` or `digest`).
    #[error("model-signing resource without {field}")]
    ResourceWithout { field: &'static str },
    /// A resource's digest is not hexadecimal, so the root digest cannot be recomputed.
    #[error("resource {resource} digest is not hex: {source}")]
    DigestNotHex {
        resource: String,
        #[source]
        source: hex::FromHexError,
    },
}

/// The model-signing predicate (v1.0, or the legacy v0.1 digests form).
#[derive(Debug, Clone)]
pub struct ModelManifest {
    /// The model directory's name, as signed.
    pub model_name: String,
    /// The signed root digest (SHA-256 over the resources' raw digests); absent in v0.1.
    pub root_digest: Option<String>,
    pub method: String,
    pub hash_type: String,
    pub allow_symlinks: bool,
    pub ignore_paths: Vec<String>,
    pub resources: Vec<ModelResource>,
}

impl ModelManifest {
    /// Reads the model-signing predicate of a statement, if it is one.
    pub fn from_statement(st: &Statement) -> Option<Result<ModelManifest, ManifestError>> {
        if st.predicate_type == super::intoto::MODEL_SIGNING_V01 {
            // one subject per file, no root digest
            let resources = st
                .subjects
                .iter()
                .map(|s| ModelResource { name: s.name.clone().unwrap_or_default(), algorithm: "sha256".into(), digest: s.digest.get("sha256").cloned().unwrap_or_default() })
                .collect();
            return Some(Ok(ModelManifest {
                model_name: String::new(),
                root_digest: None,
                method: "files".into(),
                hash_type: "sha256".into(),
                allow_symlinks: false,
                ignore_paths: Vec::new(),
                resources,
            }));
        }
        if st.predicate_type != super::intoto::MODEL_SIGNING_V1 {
            return None;
        }
        let p = &st.predicate;
        let ser = p.get("serialization").cloned().unwrap_or_default();
        let resources: Result<Vec<ModelResource>, ManifestError> = p
            .get("resources")
            .and_then(|r| r.as_array())
            .ok_or(ManifestError::NoResources)
            .and_then(|rs| {
                rs.iter()
                    .map(|r| {
                        let f = |field: &'static str| r.get(field).and_then(|v| v.as_str()).map(str::to_string).ok_or(ManifestError::ResourceWithout { field });
                        Ok(ModelResource { name: f("name")?, algorithm: f("algorithm")?, digest: f("digest")?.to_ascii_lowercase() })
                    })
                    .collect()
            });
        let subject = &st.subjects[0];
        Some(resources.map(|resources| ModelManifest {
            model_name: subject.name.clone().unwrap_or_default(),
            root_digest: subject.digest.get("sha256").cloned(),
            method: ser.get("method").and_then(|v| v.as_str()).unwrap_or("files").to_string(),
            hash_type: ser.get("hash_type").and_then(|v| v.as_str()).unwrap_or("sha256").to_string(),
            allow_symlinks: ser.get("allow_symlinks").and_then(|v| v.as_bool()).unwrap_or(false),
            ignore_paths: ser.get("ignore_paths").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default(),
            resources,
        }))
    }

    /// Recomputes the root digest from the resources in the order listed (as the verifier of
    /// model-signing does): SHA-256 over the concatenated raw digests.
    pub fn computed_root(&self) -> Result<String, ManifestError> {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for r in &self.resources {
            h.update(hex::decode(&r.digest).map_err(|source| ManifestError::DigestNotHex { resource: r.name.clone(), source })?);
        }
        Ok(hex::encode(h.finalize()))
    }

    /// Whether a path relative to the model root is excluded from signing: the git paths
    /// model-signing always ignores, and the recorded ignore paths.
    pub fn is_ignored(&self, rel: &str) -> bool {
        const ALWAYS: [&str; 4] = [".git", ".gitattributes", ".github", ".gitignore"];
        let first = rel.split('/').next().unwrap_or(rel);
        ALWAYS.contains(&first) || self.ignore_paths.iter().any(|p| {
            let p = p.trim_end_matches('/');
            rel == p || rel.starts_with(&format!("{p}/"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{ManifestError, ModelManifest};
    use crate::intoto::Statement;

    /// Each way a bundle is unreadable has its variant, its cause and the message it had when
    /// all of them were one `Shape(String)`.
    #[test]
    fn unreadable_bundles_name_what_went_wrong() {
        use super::{Bundle, BundleError as E};
        use serde_json::json;
        use std::error::Error as _;
        let read = |v: serde_json::Value| Bundle::from_json(&v).unwrap_err();
        let media = "application/vnd.dev.sigstore.bundle.v0.3+json";
        let dsse = json!({"payload": "aGk=", "payloadType": "t", "signatures": [{"sig": "AA=="}]});
        let key = json!({"publicKey": {"hint": "h"}});

        let e = read(json!({}));
        assert!(matches!(e, E::NoMediaType), "{e:?}");
        assert_eq!(e.to_string(), "not a Sigstore bundle: no mediaType");

        let e = read(json!({"mediaType": media}));
        assert!(matches!(e, E::NoVerificationMaterial), "{e:?}");
        assert_eq!(e.to_string(), "not a Sigstore bundle: no verificationMaterial");

        let e = read(json!({"mediaType": media, "verificationMaterial": {}}));
        assert!(matches!(e, E::NoVerificationKind), "{e:?}");
        assert_eq!(e.to_string(), "not a Sigstore bundle: verificationMaterial has no publicKey, certificate or x509CertificateChain");

        let e = read(json!({"mediaType": media, "verificationMaterial": {"certificate": {"rawBytes": "a$bc"}}}));
        assert!(matches!(e, E::CertificateBase64(_)), "{e:?}");
        assert_eq!(e.to_string(), "not a Sigstore bundle: certificate: not base64: Invalid symbol 36, offset 1.");
        assert!(e.source().is_some_and(|c| c.is::<crate::b64::NotBase64>()), "the base64 error is the cause");

        let e = read(json!({"mediaType": media, "verificationMaterial": {"x509CertificateChain": {"certificates": [{"rawBytes": "AA=="}, {}]}}}));
        assert!(matches!(e, E::CertificateWithoutRawBytes), "{e:?}");
        assert_eq!(e.to_string(), "not a Sigstore bundle: certificate without rawBytes");

        let e = read(json!({"mediaType": media, "verificationMaterial": {"x509CertificateChain": {"certificates": [{"rawBytes": "%"}]}}}));
        assert!(matches!(e, E::CertificateBase64(_)), "{e:?}");

        let entries = json!([{"logIndex": 7}]);
        let json_error = serde_json::from_value::<Vec<super::TlogEntry>>(entries.clone()).unwrap_err().to_string();
        let e = read(json!({"mediaType": media, "verificationMaterial": {"publicKey": {"hint": "h"}, "tlogEntries": entries}, "dsseEnvelope": dsse}));
        assert!(matches!(e, E::TlogEntries(_)), "{e:?}");
        assert_eq!(e.to_string(), format!("not a Sigstore bundle: tlogEntries: {json_error}"));
        assert!(e.source().is_some_and(|c| c.is::<serde_json::Error>()), "the JSON error is the cause");

        let e = read(json!({"mediaType": media, "verificationMaterial": key, "messageSignature": {"signature": "a$bc"}}));
        assert!(matches!(e, E::MessageSignatureBase64(_)), "{e:?}");
        assert_eq!(e.to_string(), "not a Sigstore bundle: messageSignature.signature: not base64: Invalid symbol 36, offset 1.");

        let e = read(json!({"mediaType": media, "verificationMaterial": key}));
        assert!(matches!(e, E::NoContent), "{e:?}");
        assert_eq!(e.to_string(), "not a Sigstore bundle: neither dsseEnvelope nor messageSignature");

        let e = read(json!({"mediaType": media, "verificationMaterial": key, "dsseEnvelope": {"payload": "aGk=", "payloadType": "t", "signatures": []}}));
        assert!(matches!(e, E::Envelope(crate::dsse::EnvelopeError::Unsigned)), "{e:?}");
        assert_eq!(e.to_string(), "DSSE envelope has no signatures");

        assert!(Bundle::from_json(&json!({"mediaType": media, "verificationMaterial": key, "dsseEnvelope": dsse})).is_ok(), "the well-formed bundle these are cut from");
    }

    fn statement(predicate: serde_json::Value) -> Statement {
        let payload = serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "model", "digest": {"sha256": "00"}}],
            "predicateType": crate::intoto::MODEL_SIGNING_V1,
            "predicate": predicate,
        });
        Statement::from_payload(payload.to_string().as_bytes()).unwrap()
    }

    /// The messages are part of Custody's answers: each is the text it was before the errors
    /// were typed.
    #[test]
    fn manifest_errors_name_what_is_missing_with_the_same_messages() {
        let e = ModelManifest::from_statement(&statement(serde_json::json!({}))).unwrap().unwrap_err();
        assert_eq!(e, ManifestError::NoResources);
        assert_eq!(e.to_string(), "model-signing predicate has no resources");
        let e = ModelManifest::from_statement(&statement(serde_json::json!({"resources": [{"name": "a", "digest": "00"}]}))).unwrap().unwrap_err();
        assert_eq!(e, ManifestError::ResourceWithout { field: "algorithm" });
        assert_eq!(e.to_string(), "model-signing resource without algorithm");
        let m = ModelManifest::from_statement(&statement(serde_json::json!({"resources": [{"name": "w.bin", "algorithm": "sha256", "digest": "zz"}]}))).unwrap().unwrap();
        let e = m.computed_root().unwrap_err();
        let hex_error = hex::decode("zz").unwrap_err();
        assert_eq!(e, ManifestError::DigestNotHex { resource: "w.bin".into(), source: hex_error });
        assert_eq!(e.to_string(), format!("resource w.bin digest is not hex: {hex_error}"));
        assert!(std::error::Error::source(&e).is_some(), "the hex error is the cause");
    }
}
