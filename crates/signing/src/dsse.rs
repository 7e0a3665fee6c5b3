//! DSSE envelopes (Dead Simple Signing Envelope v1): the raw JSON form, the checked form, and
//! the exact bytes a signature covers (PAE).
//!
//! Guarantees: the payload is verified as the decoded bytes stored in the envelope, never a
//! re-serialisation; unknown fields are ignored; both base64 alphabets are accepted.

use super::b64;

#[derive(Debug, serde::Deserialize)]
struct RawEnvelope {
    payload: String,
    #[serde(rename = "payloadType")]
    payload_type: String,
    signatures: Vec<RawSignature>,
}

#[derive(Debug, serde::Deserialize)]
struct RawSignature {
    #[serde(default)]
    keyid: Option<String>,
    sig: String,
}

/// A DSSE envelope with its payload and signatures decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// The key id the signer wrote (unauthenticated; "" when unset).
    pub keyid: String,
    pub sig: Vec<u8>,
}

/// Why an envelope could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    /// The JSON does not have the envelope's fields and types (`payload`, `payloadType`,
    /// `signatures[].sig` as strings).
    #[error("not a DSSE envelope: {0}")]
    Json(#[source] serde_json::Error),
    /// `field` (`payload` or `signatures[].sig`) is not base64.
    #[error("DSSE {field} is not base64: {source}")]
    Base64 {
        field: &'static str,
        #[source]
        source: b64::NotBase64,
    },
    #[error("DSSE envelope has no signatures")]
    Unsigned,
}

impl Envelope {
    pub fn from_json(value: &serde_json::Value) -> Result<Envelope, EnvelopeError> {
        let raw: RawEnvelope = serde_json::from_value(value.clone()).map_err(EnvelopeError::Json)?;
        let payload = b64::decode(&raw.payload).map_err(|source| EnvelopeError::Base64 { field: "payload", source })?;
        if raw.signatures.is_empty() {
            return Err(EnvelopeError::Unsigned);
        }
        let signatures = raw
            .signatures
            .into_iter()
            .map(|s| Ok(EnvelopeSignature { keyid: s.keyid.unwrap_or_default(), sig: b64::decode(&s.sig).map_err(|source| EnvelopeError::Base64 { field: "signatures[].sig", source })? }))
            .collect::<Result<_, EnvelopeError>>()?;
        Ok(Envelope { payload_type: raw.payload_type, payload, signatures })
    }

    /// The signed bytes: `PAE(payloadType, payload)`.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// The bytes model-signing before 1.0 signed by mistake (`DSSEV1 … b'…'`); verifiers of
    /// model-signing ≥ 1.0 still accept them, so Custody does too for model-signing bundles.
    pub fn pae_model_signing_legacy(&self) -> Vec<u8> {
        let mut out = format!("DSSEV1 {} {} {} ", self.payload_type.len(), self.payload_type, self.payload.len()).into_bytes();
        out.extend_from_slice(python_bytes_repr(&self.payload).as_bytes());
        out
    }
}

/// DSSE v1 pre-authentication encoding.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!("DSSEv1 {} {} {} ", payload_type.len(), payload_type, payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Python's `repr(bytes)`.
fn python_bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { '"' } else { '\'' };
    let mut s = String::from("b");
    s.push(quote);
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            c if c as char == quote => {
                s.push('\\');
                s.push(quote);
            }
            0x20..=0x7e => s.push(c as char),
            c => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push(quote);
    s
}

/// Whether a JSON value has the shape of a DSSE envelope.
pub fn looks_like_envelope(value: &serde_json::Value) -> bool {
    value.get("payloadType").is_some() && value.get("payload").is_some() && value.get("signatures").is_some()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pae_matches_the_spec_test_vector() {
        assert_eq!(super::pae("http://example.com/HelloWorld", b"hello world"), b"DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    /// Each way an envelope is unreadable has its variant, its cause and its message.
    #[test]
    fn unreadable_envelopes_name_what_went_wrong() {
        use super::{Envelope, EnvelopeError as E};
        use std::error::Error as _;
        let json_error = serde_json::from_value::<super::RawEnvelope>(serde_json::json!({"payload": 1})).unwrap_err().to_string();
        let e = Envelope::from_json(&serde_json::json!({"payload": 1})).unwrap_err();
        assert!(matches!(e, E::Json(_)), "{e:?}");
        assert_eq!(e.to_string(), format!("not a DSSE envelope: {json_error}"));
        assert!(e.source().is_some_and(|c| c.is::<serde_json::Error>()), "the JSON error is the cause");

        let e = Envelope::from_json(&serde_json::json!({"payload": "a$bc", "payloadType": "t", "signatures": [{"sig": "AA=="}]})).unwrap_err();
        assert!(matches!(e, E::Base64 { field: "payload", .. }), "{e:?}");
        assert_eq!(e.to_string(), "DSSE payload is not base64: not base64: Invalid symbol 36, offset 1.");
        assert!(e.source().is_some_and(|c| c.is::<crate::b64::NotBase64>()), "the base64 error is the cause");

        let e = Envelope::from_json(&serde_json::json!({"payload": "aGk=", "payloadType": "t", "signatures": [{"sig": "%%"}]})).unwrap_err();
        assert!(matches!(e, E::Base64 { field: "signatures[].sig", .. }), "{e:?}");
        assert!(e.to_string().starts_with("DSSE signatures[].sig is not base64: not base64: "), "{e}");

        let e = Envelope::from_json(&serde_json::json!({"payload": "aGk=", "payloadType": "t", "signatures": []})).unwrap_err();
        assert!(matches!(e, E::Unsigned), "{e:?}");
        assert_eq!(e.to_string(), "DSSE envelope has no signatures");
    }

    #[test]
    fn python_repr_escapes_like_python() {
        assert_eq!(super::python_bytes_repr(b"a'\n\x00"), "b\"a'\\n\\x00\"");
        assert_eq!(super::python_bytes_repr(b"{\"k\": 1}"), "b'{\"k\": 1}'");
    }
}
