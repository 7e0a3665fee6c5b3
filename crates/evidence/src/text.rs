//! Text helpers for strings that come from evidence.
//!
//! Why: evidence strings (digests, commit ids, names) are whatever the party under
//! investigation wrote, not the ASCII the formats promise. Cutting such a string by byte
//! offset panics when the cut falls inside a character; these helpers never do.

/// The first `n` characters of `s` (all of `s` when it is shorter), cut on a character
/// boundary: a short form of an id or digest for display.
pub fn head(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::head;

    #[test]
    fn head_cuts_on_character_boundaries() {
        assert_eq!(head("0123456789abcdef", 8), "01234567");
        assert_eq!(head("abc", 8), "abc");
        // a digest with a multi-byte character where a byte cut would split it
        assert_eq!(head("ebd79302e7fé36356", 12), "ebd79302e7fé");
        assert_eq!(head("ééééé", 2), "éé");
        assert_eq!(head("", 3), "");
    }
}
