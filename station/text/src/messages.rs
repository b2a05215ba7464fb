//! What a person reads when something is refused or fails, in Arabic and English.
//!
//! Every error of the station explains itself as a [`Message`]: an id of the Fluent files
//! (`station/i18n/{ar,en}-messages.ftl`) and its arguments. The person-facing text of both
//! languages comes from those files, never from code; the error's `Display` stays as the
//! technical English for logs and reports. Technical details (a path, an SQLite error) travel as
//! the `detail` argument, isolated inside the sentence so that they keep their own direction.

use std::borrow::Cow;

use fluent_bundle::FluentValue;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_messages_are_translated_into_the_language_around_them() {
        let m = Message::new("wrong-stage")
            .nested("found", Message::new("stage-face"))
            .nested("expected", Message::new("stage-consent"));
        let b = m.both();
        assert!(b.ar.contains("صورة الوجه") && b.ar.contains("الموافقة"), "{}", b.ar);
        assert!(b.en.contains("Face photograph") && b.en.contains("Consent"), "{}", b.en);
    }

    /// Every `.rs` file of the station's crates (this folder's parent: `station/`), read at
    /// test time, so that a file added or moved is looked at without being named here.
    fn station_sources() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut todo = vec![root];
        let mut out = Vec::new();
        while let Some(dir) = todo.pop() {
            for entry in
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            {
                let path = entry.expect("directory entry").path();
                if path.is_dir() {
                    todo.push(path);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&path)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    out.push((path, text));
                }
            }
        }
        out
    }

    #[test]
    fn every_message_id_used_in_code_exists_in_both_files() {
        // The ids the station's code names, collected from the sources of all its crates: a typo
        // or a message forgotten in one language shows here, not as "[id]" on a clerk's screen.
        let sources = station_sources();
        assert!(
            sources.iter().any(|(p, _)| p.ends_with("kiosk/src/lib.rs"))
                && sources.iter().any(|(p, _)| p.ends_with("src/main.rs")),
            "the walk missed the kiosk or the command line"
        );
        let mut ids = Vec::new();
        for (_, s) in &sources {
            for part in s
                .split("Message::new(\"")
                .skip(1)
                .chain(s.split("Failure::new(\"").skip(1))
                .chain(s.split("i18n::both(\"").skip(1))
            {
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
                // A match arm naming a capture instruction gives its key; its text is `instr-KEY`.
                let found = i18n::with(|t| t.has(lang, &id) || t.has(lang, &format!("instr-{id}")));
                assert!(found, "{id} is missing in {}", lang.code());
            }
        }
    }
}
