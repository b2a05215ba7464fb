//! Texts a person reads when a bundle fails, in Arabic and English.

use schemas::bundle::BundleError;

/// A message in both languages.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Bilingual {
    pub ar: String,
    pub en: String,
}

/// Explains a bundle error in Arabic (with the technical detail in English after it) and English.
pub fn bundle_error(e: &BundleError) -> Bilingual {
    let ar = match e {
        BundleError::Decrypt(_) => "تعذّر فك تشفير الحزمة: المفتاح غير صحيح أو الملف تالف",
        BundleError::Encrypt(_) => "تعذّر تشفير الحزمة",
        BundleError::NotABundle(_) => "الملف ليس حزمة تسجيل",
        BundleError::ManifestCbor(_) => "بيان الحزمة تالف أو غير مرمّز بالشكل المحدد",
        BundleError::UnsupportedSchema { .. } => "إصدار بيان الحزمة غير مدعوم في هذا الإصدار من البرنامج",
        BundleError::Manifest(_) => "بيان الحزمة غير متسق",
        BundleError::Signature { .. } => "توقيع غير صالح على الحزمة",
        BundleError::UntrustedSigner { .. } => "الحزمة موقّعة بمفتاح غير موثوق",
        BundleError::Payload { .. } => "أحد محتويات الحزمة مفقود أو معدّل",
        BundleError::TrailingData => "بيانات زائدة بعد نهاية الحزمة",
        BundleError::Record { .. } | BundleError::Iso { .. } => "سجل بيومتري لا يطابق ما في البيان",
        BundleError::Io(_) => "خطأ في القراءة أو الكتابة",
    };
    Bilingual { ar: format!("{ar}: {e}"), en: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_gets_arabic_text_and_keeps_the_detail() {
        let e = BundleError::Payload { index: 3, kind: "iso19794-4:2011", problem: "SHA-256 does not match the manifest".into() };
        let m = bundle_error(&e);
        assert!(m.ar.starts_with("أحد محتويات الحزمة"));
        assert!(m.ar.contains("payload 3") && m.en.contains("payload 3"));
    }
}
