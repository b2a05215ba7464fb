//! The consent notice read to (or by) the applicant before anything is captured, versioned, in
//! Arabic and English. The version and language shown are recorded with the applicant's choice.

/// The current notice version (a station setting names which one is shown).
pub const CURRENT_VERSION: &str = "2026.1";

/// The notice text for `version` in `language` ("ar" or "en"), if this station knows it.
pub fn notice(version: &str, language: &str) -> Option<&'static str> {
    match (version, language) {
        ("2026.1", "ar") => Some(
            "لفتح حسابك في بوابة حكومتي نسجّل بياناتك الشخصية وصورة وجهك وبصمات أصابعك العشر وصورتي قزحيتي عينيك \
             وصور وثائق هويتك. تُشفَّر هذه البيانات فور التقاطها ولا يقرؤها إلا السجل المدني المركزي، \
             ويُستعمل ذلك للتحقق من هويتك ومنع تكرار التسجيل فقط. يحق لك الاطلاع على بياناتك وتصحيحها. \
             هل توافق على التسجيل؟",
        ),
        ("2026.1", "en") => Some(
            "To open your Hukumati portal account we record your personal details, a photograph of your face, \
             your ten fingerprints, images of both irises and photographs of your identity documents. They are \
             encrypted as soon as they are captured and can be read only by the central civil registry, which uses \
             them solely to confirm your identity and to prevent duplicate enrollment. You may see and correct your \
             data. Do you agree to enroll?",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_notice_exists_in_both_languages() {
        let ar = notice(CURRENT_VERSION, "ar").unwrap();
        assert!(ar.contains("بصمات") && ar.ends_with('؟'));
        assert!(notice(CURRENT_VERSION, "en").unwrap().contains("fingerprints"));
        assert_eq!(notice(CURRENT_VERSION, "fr"), None);
        assert_eq!(notice("1999.1", "ar"), None);
    }
}
