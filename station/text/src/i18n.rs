//! Translations: every interface string lives in `station/i18n/*.ftl` (Fluent), none in code.
//!
//! Placeables are isolated (first-strong isolates) so values keep their own direction inside a
//! sentence, which the [`crate::bidi`] path then honours. Plural forms are chosen with the
//! `PLURAL()` function, whose category comes from ICU4X: fluent-bundle's own rules
//! (intl_pluralrules 7.0.2) are wrong for Arabic from 100 up (103 must be "few", 111 "many").

use std::collections::HashMap;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use icu_plurals::{PluralCategory, PluralRules};
use unic_langid::LanguageIdentifier;

/// The interface languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ar,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "ar" => Some(Lang::Ar),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn rtl(self) -> bool {
        self == Lang::Ar
    }
    /// The interface texts, the messages of the core (refusals and errors), the consent notices.
    fn sources(self) -> [&'static str; 3] {
        match self {
            Lang::Ar => [
                include_str!("../i18n/ar.ftl"),
                include_str!("../i18n/ar-messages.ftl"),
                include_str!("../i18n/ar-consent.ftl"),
            ],
            Lang::En => [
                include_str!("../i18n/en.ftl"),
                include_str!("../i18n/en-messages.ftl"),
                include_str!("../i18n/en-consent.ftl"),
            ],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("translation file {lang}: {problem}")]
    File { lang: &'static str, problem: String },
    #[error("plural rules for {0}: {1}")]
    Plurals(&'static str, String),
}

/// The CLDR plural category name.
pub(crate) fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// Cardinal plural rules of a language (ICU4X, CLDR data compiled in).
pub(crate) fn plural_rules(lang: Lang) -> Result<PluralRules, I18nError> {
    let locale: icu_locale_core::Locale =
        lang.code().parse().map_err(|e| I18nError::Plurals(lang.code(), format!("{e:?}")))?;
    PluralRules::try_new_cardinal(locale.into())
        .map_err(|e| I18nError::Plurals(lang.code(), e.to_string()))
}

thread_local! {
    /// The translations, loaded once per thread for code that has none at hand (refusals built
    /// in the model; Fluent bundles are not shareable between threads). The files are compiled
    /// in and checked by the tests: failing to load them is a build defect.
    static LOADED: Translations = Translations::load().expect("the compiled-in translation files load");
}

/// A message in both languages (Arabic, English), for refusals shown in either.
pub fn both(id: &str, args: &[(&str, FluentValue<'_>)]) -> (String, String) {
    LOADED.with(|t| (t.text(Lang::Ar, id, args), t.text(Lang::En, id, args)))
}

/// Runs `f` with this thread's loaded translations.
pub fn with<R>(f: impl FnOnce(&Translations) -> R) -> R {
    LOADED.with(f)
}

/// A message in one language.
pub fn text(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    LOADED.with(|t| t.text(lang, id, args))
}

/// A message in both languages whose arguments are themselves translated (`args` gives them per
/// language).
pub fn both_with(id: &str, args: &dyn Fn(Lang) -> Vec<(&'static str, String)>) -> (String, String) {
    let one = |lang: Lang| {
        let a = args(lang);
        let values: Vec<(&str, FluentValue<'_>)> =
            a.iter().map(|(k, v)| (*k, FluentValue::from(v.as_str()))).collect();
        text(lang, id, &values)
    };
    (one(Lang::Ar), one(Lang::En))
}

/// All the interface's translations.
pub struct Translations {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

impl Translations {
    /// Loads and checks every translation file.
    pub fn load() -> Result<Translations, I18nError> {
        let mut bundles = HashMap::new();
        for lang in [Lang::Ar, Lang::En] {
            let id: LanguageIdentifier = lang
                .code()
                .parse()
                .map_err(|e| I18nError::File { lang: lang.code(), problem: format!("{e}") })?;
            let mut bundle = FluentBundle::new(vec![id]);
            let rules = plural_rules(lang)?;
            bundle
                .add_function("PLURAL", move |positional, _named| match positional.first() {
                    Some(FluentValue::Number(n)) if n.value >= 0.0 && n.value.fract() == 0.0 => {
                        FluentValue::from(category_name(rules.category_for(n.value as u64)))
                    }
                    _ => FluentValue::from("other"),
                })
                .map_err(|e| I18nError::File { lang: lang.code(), problem: e.to_string() })?;
            for source in lang.sources() {
                let resource =
                    FluentResource::try_new(source.to_string()).map_err(|(_, errs)| {
                        I18nError::File { lang: lang.code(), problem: format!("{errs:?}") }
                    })?;
                bundle.add_resource(resource).map_err(|errs| I18nError::File {
                    lang: lang.code(),
                    problem: format!("{errs:?}"),
                })?;
            }
            bundles.insert(lang, bundle);
        }
        Ok(Translations { bundles })
    }

    /// The message `id` in `lang` with `args`. A missing message or a formatting problem shows the
    /// id itself in brackets, so it is seen and reported rather than silently blank.
    pub fn text(&self, lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let bundle = &self.bundles[&lang];
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return format!("[{id}]");
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        let s = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        if errors.is_empty() { s.into_owned() } else { format!("[{id}: {errors:?}]") }
    }

    /// Whether `lang` has a message `id` with a value.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundles[&lang].get_message(id).and_then(|m| m.value()).is_some()
    }

    /// Message ids of one language missing from another.
    pub fn missing(&self, from: Lang, to: Lang) -> Vec<String> {
        let ids = |lang: Lang| -> Vec<String> {
            lang.sources()
                .iter()
                .flat_map(|s| s.lines())
                .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
                .filter(|id| !id.starts_with('#') && !id.is_empty() && !id.contains(' '))
                .collect()
        };
        let have = ids(to);
        ids(from).into_iter().filter(|id| !have.contains(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bidi::{self, Base};

    /// CLDR's Arabic cardinal rules, written out: the reference the ICU4X data is checked against.
    fn cldr_arabic(n: u64) -> &'static str {
        match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        }
    }

    #[test]
    fn arabic_plural_categories_from_0_to_1100() {
        let rules = plural_rules(Lang::Ar).unwrap();
        for n in 0..=1100u64 {
            assert_eq!(category_name(rules.category_for(n)), cldr_arabic(n), "n = {n}");
        }
        assert_eq!(category_name(rules.category_for(103u64)), "few");
        assert_eq!(category_name(rules.category_for(111u64)), "many");
    }

    #[test]
    fn messages_choose_the_right_arabic_form() {
        let t = Translations::load().unwrap();
        let n = |count: u64| {
            t.text(Lang::Ar, "awaiting-approval", &[("count", FluentValue::from(count))])
        };
        assert!(n(0).starts_with("لا توجد"));
        assert!(n(1).starts_with("تسجيل واحد"));
        assert!(n(2).starts_with("تسجيلان"));
        assert!(n(103).contains("تسجيلات"), "{}", n(103));
        assert!(n(111).contains("تسجيلًا"), "{}", n(111));
        assert!(n(100).contains("100") && n(100).contains(" تسجيل "), "{}", n(100));
        assert_eq!(
            t.text(Lang::En, "awaiting-approval", &[("count", FluentValue::from(5))]),
            "\u{2068}5\u{2069} enrollments await approval"
        );
        assert_eq!(t.text(Lang::Ar, "no-such-message", &[]), "[no-such-message]");
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let t = Translations::load().unwrap();
        assert_eq!(t.missing(Lang::Ar, Lang::En), Vec::<String>::new());
        assert_eq!(t.missing(Lang::En, Lang::Ar), Vec::<String>::new());
    }

    #[test]
    fn values_in_arabic_sentences_read_left_to_right() {
        let t = Translations::load().unwrap();
        let s = t.text(Lang::Ar, "applicant-born", &[("date", FluentValue::from("1990-05-12"))]);
        let line = bidi::lay_out(&s, Base::Rtl);
        assert!(line.runs.iter().any(|r| !r.rtl && r.text == "1990-05-12"), "{:?}", line.runs);
        let s = t.text(
            Lang::Ar,
            "applicant-phone",
            &[("phone", FluentValue::from("+970 599 123 456"))],
        );
        assert!(bidi::lay_out(&s, Base::Rtl).visual().starts_with("+970 599 123 456"));
    }
}
