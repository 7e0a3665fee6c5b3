//! Escaping of evidence strings for the terminal.
//!
//! Why: commit messages, file names and param values are written by whoever made the
//! evidence; printed raw, an escape sequence in one of them can rewrite what the investigator
//! sees (move the cursor, recolour, hide a line). Every control character is shown as a
//! visible escape instead.

use std::borrow::Cow;

/// `s` with every control character (C0, DEL, C1) other than none shown as `\u{…}`, and
/// bidirectional overrides too (they reorder what is shown).
pub fn text(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if bad(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(text("plain – text"), "plain – text");
        assert_eq!(text("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(text("line\nnext\r"), "line\\nnext\\r");
        assert_eq!(text("x\u{9b}y\u{7f}"), "x\\u{9b}y\\u{7f}");
        assert_eq!(text("abc\u{202e}fed"), "abc\\u{202e}fed");
    }
}
