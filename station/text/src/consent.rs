//! The consent notice read to (or by) the applicant before anything is captured, versioned, in
//! Arabic and English. The texts live in `station/i18n/{ar,en}-consent.ftl`, one message per
//! version (`consent-notice-2026-1` for version 2026.1); the version and language shown are
//! recorded with the applicant's choice. A published notice is never edited: a new wording is a
//! new version.

use crate::i18n::{self, Lang};

/// The current notice version (a station setting names which one is shown).
pub const CURRENT_VERSION: &str = "2026.1";

/// The message id of a notice version.
fn id(version: &str) -> Option<String> {
    let ok = !version.is_empty() && version.chars().all(|c| c.is_ascii_digit() || c == '.');
    ok.then(|| format!("consent-notice-{}", version.replace('.', "-")))
}

/// The notice text for `version` in `lang`, if this station knows that version.
pub fn notice(version: &str, lang: Lang) -> Option<String> {
    let id = id(version)?;
    i18n::with(|t| t.has(lang, &id).then(|| t.text(lang, &id, &[])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_notice_exists_in_both_languages() {
        let ar = notice(CURRENT_VERSION, Lang::Ar).unwrap();
        assert!(ar.contains("بصمات") && ar.ends_with('؟'), "{ar}");
        assert!(notice(CURRENT_VERSION, Lang::En).unwrap().contains("fingerprints"));
        assert_eq!(notice("1999.1", Lang::Ar), None);
        assert_eq!(notice("2026-1", Lang::Ar), None);
        assert_eq!(notice("", Lang::En), None);
    }
}
