//! Base64 as signature formats use it: verifiers must accept the standard and the URL-safe
//! alphabets, with or without padding (DSSE), and surrounding whitespace (PEM bodies).

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, GeneralPurpose as Engine_};

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent).with_decode_allow_trailing_bits(true);
const STD_LENIENT: GeneralPurpose = Engine_::new(&base64::alphabet::STANDARD, LENIENT);
const URL_LENIENT: GeneralPurpose = Engine_::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Decodes standard or URL-safe base64, padded or not, ignoring ASCII whitespace.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.contains(['-', '_']) {
        URL_LENIENT.decode(&compact).map_err(|e| format!("not base64: {e}"))
    } else {
        STD_LENIENT.decode(&compact).map_err(|e| format!("not base64: {e}"))
    }
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
}
