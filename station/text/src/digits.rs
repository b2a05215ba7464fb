//! Digits as people type them: Eastern Arabic (٠-٩) and Persian (۰-۹) digits read as 0-9,
//! before a form rule, a card comparison or a setting looks at a number.

/// Replaces Eastern Arabic and Persian digits with ASCII digits and trims.
pub fn normalize_digits(s: &str) -> String {
    western_digits(s.trim())
}

/// Eastern Arabic (and Persian) digits replaced by 0-9, nothing else touched; one character for
/// one, so a text cursor keeps its place.
pub fn western_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            other => other,
        })
        .collect()
}
