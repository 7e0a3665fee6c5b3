//! Base64 as signature formats use it: verifiers must accept the standard and the URL-safe
//! alphabets, with or without padding (DSSE), and surrounding whitespace (PEM bodies).

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, GeneralPurpose as Engine_};

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent).with_decode_allow_trailing_bits(true);
const STD_LENIENT: GeneralPurpose = Engine_::new(&base64::alphabet::STANDARD, LENIENT);
const URL_LENIENT: GeneralPurpose = Engine_::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Why a text is not base64: the decoder's error (an invalid byte, a bad length, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not base64: {0}")]
pub struct NotBase64(#[source] pub base64::DecodeError);

/// Decodes standard or URL-safe base64, padded or not, ignoring ASCII whitespace.
pub fn decode(text: &str) -> Result<Vec<u8>, NotBase64> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let engine = if compact.contains(['-', '_']) { &URL_LENIENT } else { &STD_LENIENT };
    engine.decode(&compact).map_err(NotBase64)
}

/// Standard, padded base64.
pub fn encode_std(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn accepts_both_alphabets_with_and_without_padding() {
        let bytes = [0xfbu8, 0xff, 0x01];
        assert_eq!(super::decode("+/8B").unwrap(), bytes);
        assert_eq!(super::decode("-_8B").unwrap(), bytes);
        assert_eq!(super::decode("aGk=").unwrap(), b"hi");
        assert_eq!(super::decode("aGk").unwrap(), b"hi");
        assert!(super::decode("a$b").is_err());
    }

    #[test]
    fn a_bad_byte_is_named_with_the_decoders_error_as_the_cause() {
        let e = super::decode("a$bc").unwrap_err();
        assert_eq!(e, super::NotBase64(base64::DecodeError::InvalidByte(1, b'$')));
        assert_eq!(e.to_string(), "not base64: Invalid symbol 36, offset 1.");
        let cause = std::error::Error::source(&e).and_then(|c| c.downcast_ref::<base64::DecodeError>());
        assert_eq!(cause, Some(&base64::DecodeError::InvalidByte(1, b'$')));
    }
}
