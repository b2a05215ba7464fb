//! What a person reads when something is refused or fails, in Arabic and English.
//!
//! Every error of the station explains itself as a [`Message`]: an id of the Fluent files
//! (`station/i18n/{ar,en}-messages.ftl`) and its arguments. The person-facing text of both
//! languages comes from those files, never from code; the error's `Display` stays as the
//! technical English for logs and reports. Technical details (a path, an SQLite error) travel as
//! the `detail` argument, isolated inside the sentence so that they keep their own direction.

use std::borrow::Cow;

use fluent_bundle::FluentValue;
use schemas::bundle::BundleError;

use crate::i18n::{self, Lang};

/// A message in both languages.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Bilingual {
    pub ar: String,
    pub en: String,
}

impl Bilingual {
    pub fn pair(self) -> (String, String) {
        (self.ar, self.en)
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }
}

/// One argument of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A value shown as it is (a number, a user name, a technical detail).
    Plain(String),
    Number(i64),
    /// Another message, translated into the language of the sentence around it (a stage's name,
    /// an error that caused this one).
    Nested(Box<Message>),
    /// A value already in both languages (refusals gathered elsewhere).
    Both(Bilingual),
}

/// A message id of the translation files with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: Cow<'static, str>,
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    pub fn new(id: impl Into<Cow<'static, str>>) -> Message {
        Message { id: id.into(), args: Vec::new() }
    }
    /// Adds a value shown as it is.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, Arg::Plain(value.to_string())));
        self
    }
    pub fn number(mut self, name: &'static str, value: i64) -> Message {
        self.args.push((name, Arg::Number(value)));
        self
    }
    /// Adds another message, translated in place.
    pub fn nested(mut self, name: &'static str, inner: Message) -> Message {
        self.args.push((name, Arg::Nested(Box::new(inner))));
        self
    }
    /// Adds a value already written in both languages.
    pub fn both_langs(mut self, name: &'static str, value: Bilingual) -> Message {
        self.args.push((name, Arg::Both(value)));
        self
    }
    /// Adds the technical detail of `e` (its English `Display`).
    pub fn detail(self, e: impl std::fmt::Display) -> Message {
        self.with("detail", e)
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = self
            .args
            .iter()
            .map(|(k, a)| {
                let v = match a {
                    Arg::Plain(s) => FluentValue::from(s.clone()),
                    Arg::Number(n) => FluentValue::from(*n),
                    Arg::Nested(m) => FluentValue::from(m.text(lang)),
                    Arg::Both(b) => FluentValue::from(b.get(lang).to_string()),
                };
                (*k, v)
            })
            .collect();
        i18n::text(lang, &self.id, &args)
    }

    /// The message in both languages.
    pub fn both(&self) -> Bilingual {
        Bilingual { ar: self.text(Lang::Ar), en: self.text(Lang::En) }
    }
}

/// Something a person can be told about in their language.
pub trait Explain {
    fn explain(&self) -> Message;

    fn bilingual(&self) -> Bilingual {
        self.explain().both()
    }
}

impl Explain for Message {
    fn explain(&self) -> Message {
        self.clone()
    }
}

/// A character the card reader could not tell from another, to compare with the document.
pub fn doubt(d: &crate::quality::document::Doubtful) -> Message {
    Message::new("prefill-doubt").nested("field", Message::new(d.field.label())).number("place", d.index as i64 + 1).with("read", d.read).with("other", d.could_be)
}

/// The fields where a document's machine-readable zone and the form disagree, each named by
/// its form label and with both values, in both languages.
pub fn differences(m: &[crate::quality::document::Mismatch]) -> Bilingual {
    use crate::quality::document::FormField;
    let value = |field: FormField, v: &str| match (field, v) {
        (FormField::Sex, "male") => Arg::Nested(Box::new(Message::new("sex-male"))),
        (FormField::Sex, "female") => Arg::Nested(Box::new(Message::new("sex-female"))),
        (_, "") => Arg::Nested(Box::new(Message::new("value-empty"))),
        _ => Arg::Plain(v.to_string()),
    };
    let text = |lang: Lang| {
        let items: Vec<String> = m
            .iter()
            .map(|d| {
                let mut msg = Message::new("mrz-difference").nested("field", Message::new(d.field.label()));
                msg.args.push(("zone", value(d.field, &d.mrz)));
                msg.args.push(("typed", value(d.field, &d.typed)));
                msg.text(lang)
            })
            .collect();
        items.join(if lang == Lang::Ar { "؛ " } else { "; " })
    };
    Bilingual { ar: text(Lang::Ar), en: text(Lang::En) }
}

impl Explain for BundleError {
    fn explain(&self) -> Message {
        let id = match self {
            BundleError::Decrypt(_) => "bundle-decrypt",
            BundleError::Encrypt(_) => "bundle-encrypt",
            BundleError::NotABundle(_) => "bundle-not-a-bundle",
            BundleError::ManifestCbor(_) => "bundle-manifest-cbor",
            BundleError::UnsupportedSchema { .. } => "bundle-unsupported-schema",
            BundleError::Manifest(_) => "bundle-manifest",
            BundleError::Signature { .. } => "bundle-signature",
            BundleError::UntrustedSigner { .. } => "bundle-untrusted-signer",
            BundleError::Payload { .. } => "bundle-payload",
            BundleError::TrailingData => "bundle-trailing-data",
            BundleError::Record { .. } | BundleError::Iso { .. } => "bundle-record",
            BundleError::Io(_) => "bundle-io",
        };
        Message::new(id).detail(self)
    }
}

impl Explain for schemas::decision::DecisionError {
    fn explain(&self) -> Message {
        use schemas::decision::DecisionError as D;
        let id = match self {
            D::Malformed(_) | D::Cbor(_) => "decision-malformed",
            D::ReasonMissing => "reason-missing",
            D::BadSignature => "decision-bad-signature",
            D::WrongBundle { .. } | D::WrongManifest => "decision-wrong-bundle",
            D::SameAsOperator => "four-eyes",
            D::UntrustedSupervisor => "decision-untrusted-supervisor",
        };
        Message::new(id).detail(self)
    }
}

impl Explain for drivers::device::DeviceError {
    fn explain(&self) -> Message {
        use drivers::device::DeviceError as D;
        match self {
            D::Disconnected => Message::new("device-disconnected"),
            D::Timeout(t) => Message::new("device-timeout").number("seconds", t.as_secs().max(1) as i64),
            D::NotReady(d) => Message::new("device-not-ready").detail(d),
            D::Protocol(d) => Message::new("device-protocol").detail(d),
            D::Unsupported(d) => Message::new("device-unsupported").detail(d),
            D::Untrusted(d) => Message::new("device-untrusted").detail(d),
            D::Absent => Message::new("device-absent"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_error_reads_in_both_languages_and_keeps_the_detail() {
        let e = BundleError::Payload { index: 3, kind: "iso19794-4:2011", problem: "SHA-256 does not match the manifest".into() };
        let m = e.bilingual();
        assert!(m.ar.starts_with("أحد محتويات الحزمة"), "{}", m.ar);
        assert!(m.en.starts_with("a part of the bundle"), "{}", m.en);
        assert!(m.ar.contains("payload 3") && m.en.contains("payload 3"));
    }

    #[test]
    fn nested_messages_are_translated_into_the_language_around_them() {
        let m = Message::new("wrong-stage").nested("found", Message::new("stage-face")).nested("expected", Message::new("stage-consent"));
        let b = m.both();
        assert!(b.ar.contains("صورة الوجه") && b.ar.contains("الموافقة"), "{}", b.ar);
        assert!(b.en.contains("Face photograph") && b.en.contains("Consent"), "{}", b.en);
    }

    #[test]
    fn a_doubt_names_the_field_the_place_and_both_characters() {
        use crate::quality::document::{Doubtful, FormField};
        let b = doubt(&Doubtful { field: FormField::DocumentNumber, index: 3, read: 'S', could_be: '8' }).both();
        let plain = |t: &str| t.replace(['\u{2066}', '\u{2068}', '\u{2069}'], "");
        let (ar, en) = (plain(&b.ar), plain(&b.en));
        assert!(ar.contains("الحرف 4 من «رقم وثيقة الهوية»") && ar.contains("بين S و8"), "{ar}");
        assert!(en.contains("character 4 of “Identity document number”") && en.contains("tell S from 8"), "{en}");
    }

    #[test]
    fn every_message_id_used_in_code_exists_in_both_files() {
        // The ids the station's code names, collected from its sources: a typo or a message
        // forgotten in one language shows here, not as "[id]" on a clerk's screen.
        let sources = [
            include_str!("messages.rs"),
            include_str!("core.rs"),
            include_str!("operators.rs"),
            include_str!("script.rs"),
            include_str!("slip.rs"),
            include_str!("capture.rs"),
            include_str!("main.rs"),
            include_str!("ops.rs"),
            include_str!("store.rs"),
            include_str!("vault.rs"),
            include_str!("report.rs"),
            include_str!("ui/mod.rs"),
            include_str!("ui/live.rs"),
            include_str!("quality/document.rs"),
        ];
        let mut ids = Vec::new();
        for s in sources {
            for part in s.split("Message::new(\"").skip(1).chain(s.split("Failure::new(\"").skip(1)).chain(s.split("i18n::both(\"").skip(1)) {
                if let Some(end) = part.find('"') {
                    ids.push(part[..end].to_string());
                }
            }
            for part in s.split("=> \"").skip(1) {
                if let Some(end) = part.find('"') {
                    let id = &part[..end];
                    if id.contains('-') && id.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                        ids.push(id.to_string());
                    }
                }
            }
        }
        assert!(ids.len() > 40, "found only {} ids", ids.len());
        for id in ids {
            for lang in [Lang::Ar, Lang::En] {
                assert!(i18n::with(|t| t.has(lang, &id)), "{id} is missing in {}", lang.code());
            }
        }
    }
}
