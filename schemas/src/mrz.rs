//! Machine-readable zones of travel documents (ICAO Doc 9303): TD1 (ID cards, 3 lines of 30),
//! TD2 (2 lines of 36) and TD3 (passports, 2 lines of 44). Composing them (for simulated
//! documents and tests), what kind of character each position holds (for readers that must
//! resolve look-alike characters), and parsing them with every check digit verified.
//!
//! The issuing state and the nationality are three-letter codes no check digit guards: ISO
//! 3166-1 alpha-3 (from the `isocountry` crate) and the codes Doc 9303 part 3 adds
//! ([`is_state_code`]), so a reader can still tell a misread code from a real one.
//!
//! Check digits weight the characters 7, 3, 1 repeating; digits count as themselves, A-Z as
//! 10-35, the filler `<` as 0; the check digit is the sum modulo 10.

use serde::Serialize;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum MrzError {
    #[error("MRZ: {0}")]
    Shape(String),
    #[error("MRZ: character {found:?} not allowed in field '{field}'")]
    Character { field: &'static str, found: char },
    #[error("MRZ: field '{field}' does not fit in {max} characters")]
    TooLong { field: &'static str, max: usize },
}

fn value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// Whether a check digit cannot tell `a` from `b`: their values are equal modulo 10 (8 and S,
/// 0 and K, 6 and G, ...), so with one read as the other every check digit still holds, whatever
/// the weight of the position.
pub fn check_blind(a: char, b: char) -> bool {
    a != b && matches!((value(a), value(b)), (Some(x), Some(y)) if x % 10 == y % 10)
}

/// Codes Doc 9303 part 3 allows besides ISO 3166-1 alpha-3: Germany's `D`; the British
/// nationalities (dependent territories, national overseas, overseas citizen, protected
/// person, subject); the United Nations and its agencies; the international organisations
/// that issue travel documents (African Development Bank, African Export-Import Bank,
/// Caribbean Community, COMESA, ECOWAS, Interpol, OECS, Parliamentary Assembly of the
/// Mediterranean, Order of Malta, SADC); the stateless, refugee and unspecified-nationality
/// codes; the European Union; Kosovo; and Utopia, the state of ICAO's specimens.
const ICAO_CODES: [&str; 27] = [
    "D", "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "XBA", "XIM", "XCC", "XCO", "XEC",
    "XPO", "XES", "XMP", "XOM", "XDC", "XXA", "XXB", "XXC", "XXX", "EUE", "RKS", "UTO", "XCE",
];

/// Whether `code` (as parsed, fillers removed, or as written with them) names a state or
/// organisation an MRZ may name.
pub fn is_state_code(code: &str) -> bool {
    let code = code.trim_end_matches('<');
    ICAO_CODES.contains(&code)
        || (code.len() == 3 && isocountry::CountryCode::for_alpha3(code).is_ok())
}

/// The ICAO 9303 check digit of `s` (characters 0-9, A-Z, `<`).
pub fn check_digit(s: &str) -> Option<char> {
    let mut sum = 0;
    for (i, c) in s.chars().enumerate() {
        sum += value(c)? * [7, 3, 1][i % 3];
    }
    char::from_digit(sum % 10, 10)
}

/// Upper-cases and maps a free text to the MRZ alphabet: letters and digits kept, spaces,
/// hyphens and apostrophes become `<`.
fn mrz_text(field: &'static str, s: &str) -> Result<String, MrzError> {
    s.trim()
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            c @ ('A'..='Z' | '0'..='9' | '<') => Ok(c),
            ' ' | '-' | '\'' => Ok('<'),
            other => Err(MrzError::Character { field, found: other }),
        })
        .collect()
}

fn pad(field: &'static str, s: &str, n: usize) -> Result<String, MrzError> {
    if s.len() > n {
        return Err(MrzError::TooLong { field, max: n });
    }
    Ok(format!("{s:<<n$}"))
}

/// What a document's MRZ states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzData {
    /// "I", "ID", "P", ...
    pub document_code: String,
    pub issuing_state: String,
    pub document_number: String,
    pub surname: String,
    pub given_names: String,
    pub nationality: String,
    /// YYMMDD.
    pub birth_date: String,
    /// "M", "F" or "<".
    pub sex: char,
    /// YYMMDD.
    pub expiry_date: String,
    pub optional: String,
}

/// The name field: SURNAME<<GIVEN<NAMES, truncated to `n`.
fn name_field(surname: &str, given: &str, n: usize) -> Result<String, MrzError> {
    let mut s = mrz_text("surname", surname)?;
    s.push_str("<<");
    s.push_str(&mrz_text("given names", given)?);
    s.truncate(n);
    pad("name", &s, n)
}

fn with_check(field: &'static str, s: &str, n: usize) -> Result<String, MrzError> {
    let p = pad(field, &mrz_text(field, s)?, n)?;
    let c = check_digit(&p).expect("MRZ alphabet");
    Ok(format!("{p}{c}"))
}

impl MrzData {
    /// TD1: three lines of 30 characters (identity cards).
    pub fn td1(&self) -> Result<[String; 3], MrzError> {
        let l1 = format!(
            "{}{}{}{}",
            pad("document code", &mrz_text("document code", &self.document_code)?, 2)?,
            pad("issuing state", &mrz_text("issuing state", &self.issuing_state)?, 3)?,
            with_check("document number", &self.document_number, 9)?,
            pad("optional data", &mrz_text("optional data", &self.optional)?, 15)?
        );
        let mut l2 = format!(
            "{}{}{}{}{}",
            with_check("birth date", &self.birth_date, 6)?,
            self.sex,
            with_check("expiry date", &self.expiry_date, 6)?,
            pad("nationality", &mrz_text("nationality", &self.nationality)?, 3)?,
            "<".repeat(11)
        );
        let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
        l2.push(check_digit(&composite).expect("MRZ alphabet"));
        let l3 = name_field(&self.surname, &self.given_names, 30)?;
        Ok([l1, l2, l3])
    }

    /// TD2: two lines of 36 characters (ID-2 cards and visas of that size).
    pub fn td2(&self) -> Result<[String; 2], MrzError> {
        self.two_lines(36, pad("optional data", &mrz_text("optional data", &self.optional)?, 7)?)
    }

    /// TD3: two lines of 44 characters (passports); the optional field is the personal number,
    /// with its own check digit.
    pub fn td3(&self) -> Result<[String; 2], MrzError> {
        self.two_lines(44, with_check("personal number", &self.optional, 14)?)
    }

    /// The two-line zones: `len` characters a line, `optional` the optional field as written.
    fn two_lines(&self, len: usize, optional: String) -> Result<[String; 2], MrzError> {
        let l1 = format!(
            "{}{}{}",
            pad("document code", &mrz_text("document code", &self.document_code)?, 2)?,
            pad("issuing state", &mrz_text("issuing state", &self.issuing_state)?, 3)?,
            name_field(&self.surname, &self.given_names, len - 5)?
        );
        let mut l2 = format!(
            "{}{}{}{}{}{}",
            with_check("document number", &self.document_number, 9)?,
            pad("nationality", &mrz_text("nationality", &self.nationality)?, 3)?,
            with_check("birth date", &self.birth_date, 6)?,
            self.sex,
            with_check("expiry date", &self.expiry_date, 6)?,
            optional
        );
        let composite = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..len - 1]);
        l2.push(check_digit(&composite).expect("MRZ alphabet"));
        Ok([l1, l2])
    }
}

/// The three MRZ shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    Td1,
    Td2,
    Td3,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Td1, Format::Td2, Format::Td3];

    /// Lines and characters per line.
    pub fn shape(self) -> (usize, usize) {
        match self {
            Format::Td1 => (3, 30),
            Format::Td2 => (2, 36),
            Format::Td3 => (2, 44),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
        }
    }

    /// What each position of each line may hold, as Doc 9303 lays the fields out.
    pub fn layout(self) -> Vec<Vec<CharKind>> {
        use CharKind::*;
        let run = |spec: &[(CharKind, usize)]| {
            spec.iter().flat_map(|(k, n)| std::iter::repeat_n(*k, *n)).collect::<Vec<_>>()
        };
        match self {
            Format::Td1 => vec![
                run(&[(Letter, 5), (Any, 9), (Check, 1), (Any, 15)]),
                run(&[
                    (Digit, 6),
                    (Check, 1),
                    (Letter, 1),
                    (Digit, 6),
                    (Check, 1),
                    (Letter, 3),
                    (Any, 11),
                    (Check, 1),
                ]),
                run(&[(Letter, 30)]),
            ],
            Format::Td2 => vec![
                run(&[(Letter, 36)]),
                run(&[
                    (Any, 9),
                    (Check, 1),
                    (Letter, 3),
                    (Digit, 6),
                    (Check, 1),
                    (Letter, 1),
                    (Digit, 6),
                    (Check, 1),
                    (Any, 7),
                    (Check, 1),
                ]),
            ],
            Format::Td3 => vec![
                run(&[(Letter, 44)]),
                run(&[
                    (Any, 9),
                    (Check, 1),
                    (Letter, 3),
                    (Digit, 6),
                    (Check, 1),
                    (Letter, 1),
                    (Digit, 6),
                    (Check, 1),
                    (Any, 14),
                    (Check, 1),
                    (Check, 1),
                ]),
            ],
        }
    }
}

/// A field guarded by a check digit: the spans it covers (line, start, end) and where its
/// check digit is (line, position).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedField {
    pub name: &'static str,
    pub spans: Vec<(usize, usize, usize)>,
    pub digit: (usize, usize),
}

impl CheckedField {
    /// Whether the check digit holds on `lines`.
    pub fn holds(&self, lines: &[Vec<char>]) -> bool {
        let data: String =
            self.spans.iter().flat_map(|(l, a, b)| lines[*l][*a..*b].iter()).collect();
        check_digit(&data) == Some(lines[self.digit.0][self.digit.1])
    }
}

impl Format {
    /// Where the three-letter state codes stand: the issuing state and the nationality, each
    /// as (name, line, first position).
    pub fn state_fields(self) -> [(&'static str, usize, usize); 2] {
        match self {
            Format::Td1 => [("issuing state", 0, 2), ("nationality", 1, 15)],
            Format::Td2 | Format::Td3 => [("issuing state", 0, 2), ("nationality", 1, 10)],
        }
    }

    /// The fields with check digits, composite last (Doc 9303 parts 5, 6 and 4).
    pub fn checked_fields(self) -> Vec<CheckedField> {
        let f = |name, spans: &[(usize, usize, usize)], digit| CheckedField {
            name,
            spans: spans.to_vec(),
            digit,
        };
        match self {
            Format::Td1 => vec![
                f("document number", &[(0, 5, 14)], (0, 14)),
                f("birth date", &[(1, 0, 6)], (1, 6)),
                f("expiry date", &[(1, 8, 14)], (1, 14)),
                f("composite", &[(0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)], (1, 29)),
            ],
            Format::Td2 => vec![
                f("document number", &[(1, 0, 9)], (1, 9)),
                f("birth date", &[(1, 13, 19)], (1, 19)),
                f("expiry date", &[(1, 21, 27)], (1, 27)),
                f("composite", &[(1, 0, 10), (1, 13, 20), (1, 21, 35)], (1, 35)),
            ],
            Format::Td3 => vec![
                f("document number", &[(1, 0, 9)], (1, 9)),
                f("birth date", &[(1, 13, 19)], (1, 19)),
                f("expiry date", &[(1, 21, 27)], (1, 27)),
                f("personal number", &[(1, 28, 42)], (1, 42)),
                f("composite", &[(1, 0, 10), (1, 13, 20), (1, 21, 43)], (1, 43)),
            ],
        }
    }
}

/// What one MRZ position may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CharKind {
    /// 0-9 (dates).
    Digit,
    /// A check digit: 0-9, or `<` for an empty field.
    Check,
    /// A-Z or `<` (codes, states, names, sex).
    Letter,
    /// Any of 0-9, A-Z, `<` (document numbers, optional data).
    Any,
}

impl CharKind {
    pub fn allows(self, c: char) -> bool {
        match self {
            CharKind::Digit => c.is_ascii_digit(),
            CharKind::Check => c.is_ascii_digit() || c == '<',
            CharKind::Letter => c.is_ascii_uppercase() || c == '<',
            CharKind::Any => c.is_ascii_digit() || c.is_ascii_uppercase() || c == '<',
        }
    }
}

/// One check digit as read and as computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub field: &'static str,
    pub read: char,
    pub computed: char,
    pub ok: bool,
}

/// A parsed MRZ: its fields and every check digit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parsed {
    pub format: &'static str,
    pub data: MrzData,
    pub checks: Vec<CheckResult>,
    /// The name field is full to its last character: a longer name was cut there (ICAO
    /// truncates), so its last given name may be incomplete.
    pub name_truncated: bool,
}

impl Parsed {
    pub fn all_ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

fn check(field: &'static str, data: &str, read: char) -> CheckResult {
    let computed = check_digit(data).unwrap_or('?');
    CheckResult { field, read, computed, ok: read == computed }
}

fn unfill(s: &str) -> String {
    s.trim_end_matches('<').replace('<', " ")
}

fn names(s: &str) -> (String, String) {
    let s = s.trim_end_matches('<');
    match s.split_once("<<") {
        Some((sur, given)) => (sur.replace('<', " "), given.replace('<', " ")),
        None => (s.replace('<', " "), String::new()),
    }
}

/// TD2 and TD3 share their layout but for the lengths of the name and optional fields (TD3's
/// optional field, the personal number, has its own check digit).
fn two_lines(format: Format, l1: &str, l2: &str) -> Parsed {
    let len = l1.len();
    let (surname, given_names) = names(&l1[5..]);
    let chars: Vec<Vec<char>> = [l1, l2].iter().map(|l| l.chars().collect()).collect();
    let checks = format
        .checked_fields()
        .iter()
        .map(|f| {
            let data: String =
                f.spans.iter().flat_map(|(l, a, b)| chars[*l][*a..*b].iter()).collect();
            check(f.name, &data, chars[f.digit.0][f.digit.1])
        })
        .collect();
    let optional_end = if format == Format::Td3 { len - 2 } else { len - 1 };
    Parsed {
        format: format.name(),
        name_truncated: !l1.ends_with('<'),
        checks,
        data: MrzData {
            document_code: unfill(&l1[0..2]),
            issuing_state: unfill(&l1[2..5]),
            document_number: unfill(&l2[0..9]),
            surname,
            given_names,
            nationality: unfill(&l2[10..13]),
            birth_date: l2[13..19].to_string(),
            sex: l2.as_bytes()[20] as char,
            expiry_date: l2[21..27].to_string(),
            optional: unfill(&l2[28..optional_end]),
        },
    }
}

/// Parses TD1 (3 x 30), TD2 (2 x 36) or TD3 (2 x 44) lines, verifying every check digit.
pub fn parse(lines: &[&str]) -> Result<Parsed, MrzError> {
    for l in lines {
        if let Some(c) = l.chars().find(|c| value(*c).is_none()) {
            return Err(MrzError::Character { field: "line", found: c });
        }
    }
    let at = |s: &str, i: usize| s.as_bytes()[i] as char;
    match lines {
        [l1, l2, l3] if l1.len() == 30 && l2.len() == 30 && l3.len() == 30 => {
            let (surname, given_names) = names(l3);
            let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
            Ok(Parsed {
                format: "TD1",
                name_truncated: !l3.ends_with('<'),
                checks: vec![
                    check("document number", &l1[5..14], at(l1, 14)),
                    check("birth date", &l2[0..6], at(l2, 6)),
                    check("expiry date", &l2[8..14], at(l2, 14)),
                    check("composite", &composite, at(l2, 29)),
                ],
                data: MrzData {
                    document_code: unfill(&l1[0..2]),
                    issuing_state: unfill(&l1[2..5]),
                    document_number: unfill(&l1[5..14]),
                    surname,
                    given_names,
                    nationality: unfill(&l2[15..18]),
                    birth_date: l2[0..6].to_string(),
                    sex: at(l2, 7),
                    expiry_date: l2[8..14].to_string(),
                    optional: unfill(&l1[15..30]),
                },
            })
        }
        [l1, l2] if l1.len() == 36 && l2.len() == 36 => Ok(two_lines(Format::Td2, l1, l2)),
        [l1, l2] if l1.len() == 44 && l2.len() == 44 => Ok(two_lines(Format::Td3, l1, l2)),
        _ => Err(MrzError::Shape(format!(
            "{} lines of lengths {:?}: expected 3 x 30 (TD1), 2 x 36 (TD2) or 2 x 44 (TD3)",
            lines.len(),
            lines.iter().map(|l| l.len()).collect::<Vec<_>>()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_blind_pairs_are_exactly_the_swaps_a_check_digit_misses() {
        assert!(
            check_blind('8', 'S')
                && check_blind('S', '8')
                && check_blind('0', 'K')
                && check_blind('6', 'G')
        );
        assert!(
            !check_blind('8', 'B')
                && !check_blind('0', 'O')
                && !check_blind('1', 'I')
                && !check_blind('8', '8')
        );
        // Against the check digit itself: every swap of one character of ICAO's specimen number.
        let number = "L898902C3";
        let digit = check_digit(number);
        let alphabet: Vec<char> = ('0'..='9').chain('A'..='Z').collect();
        for (i, c) in number.chars().enumerate() {
            for &x in &alphabet {
                let swapped: String =
                    number.chars().enumerate().map(|(j, y)| if j == i { x } else { y }).collect();
                assert_eq!(
                    check_digit(&swapped) == digit && x != c,
                    check_blind(c, x),
                    "{c} -> {x} at {i}"
                );
            }
        }
    }

    #[test]
    fn icao_specimens_check() {
        // ICAO Doc 9303 part 4 and 5 specimen values (Utopia).
        assert_eq!(check_digit("L898902C3"), Some('6'));
        assert_eq!(check_digit("740812"), Some('2'));
        assert_eq!(check_digit("120415"), Some('9'));
        let td3 = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ];
        let p = parse(&td3).unwrap();
        assert!(p.all_ok(), "{:?}", p.checks);
        assert_eq!(p.data.surname, "ERIKSSON");
        assert_eq!(p.data.given_names, "ANNA MARIA");
        let td1 = [
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let p = parse(&td1).unwrap();
        assert!(p.all_ok(), "{:?}", p.checks);
        assert_eq!(p.data.document_number, "D23145890");
        // Doc 9303 part 6's TD2 specimen.
        let td2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"];
        let p = parse(&td2).unwrap();
        assert!(p.all_ok(), "{:?}", p.checks);
        assert_eq!((p.format, p.data.given_names.as_str()), ("TD2", "ANNA MARIA"));
    }

    #[test]
    fn layouts_fit_their_shapes_and_the_specimens() {
        let specimens: [(Format, &[&str]); 3] = [
            (
                Format::Td1,
                &[
                    "I<UTOD231458907<<<<<<<<<<<<<<<",
                    "7408122F1204159UTO<<<<<<<<<<<6",
                    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
                ],
            ),
            (
                Format::Td2,
                &["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"],
            ),
            (
                Format::Td3,
                &[
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                ],
            ),
        ];
        for (f, lines) in specimens {
            let layout = f.layout();
            let (n, len) = f.shape();
            assert_eq!(layout.len(), n);
            for (kinds, line) in layout.iter().zip(lines) {
                assert_eq!(kinds.len(), len);
                for (k, c) in kinds.iter().zip(line.chars()) {
                    assert!(k.allows(c), "{f:?}: {c} is not {k:?}");
                }
            }
        }
        assert!(!CharKind::Digit.allows('O') && !CharKind::Letter.allows('0'));
        for (f, lines) in specimens {
            let chars: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
            for field in f.checked_fields() {
                assert!(field.holds(&chars), "{f:?} {}", field.name);
            }
            let mut broken = chars.clone();
            let (l, p) = f.checked_fields()[0].digit;
            broken[l][p] = if broken[l][p] == '1' { '2' } else { '1' };
            assert!(!f.checked_fields()[0].holds(&broken));
        }
    }

    #[test]
    fn state_codes_are_iso_or_icao_and_stand_where_the_layouts_say() {
        for code in ["PSE", "JOR", "UTO", "D<<", "D", "XXA", "GBN", "UNO"] {
            assert!(is_state_code(code), "{code}");
        }
        for code in ["DTD", "PSF", "UT0", "", "ABCD", "<<<"] {
            assert!(!is_state_code(code), "{code}");
        }
        let specimens: [(Format, &[&str]); 3] = [
            (
                Format::Td1,
                &[
                    "I<UTOD231458907<<<<<<<<<<<<<<<",
                    "7408122F1204159UTO<<<<<<<<<<<6",
                    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
                ],
            ),
            (
                Format::Td2,
                &["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"],
            ),
            (
                Format::Td3,
                &[
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                ],
            ),
        ];
        for (f, lines) in specimens {
            for (name, l, p) in f.state_fields() {
                assert_eq!(&lines[l][p..p + 3], "UTO", "{f:?} {name}");
            }
        }
    }

    #[test]
    fn composed_zones_parse_back_and_a_changed_digit_is_caught() {
        let d = MrzData {
            document_code: "ID".into(),
            issuing_state: "PSE".into(),
            document_number: "401234562".into(),
            surname: "Al-Khatib".into(),
            given_names: "Salma".into(),
            nationality: "PSE".into(),
            birth_date: "900512".into(),
            sex: 'F',
            expiry_date: "310301".into(),
            optional: String::new(),
        };
        let td1 = d.td1().unwrap();
        assert!(td1.iter().all(|l| l.len() == 30));
        assert_eq!(td1[2], "AL<KHATIB<<SALMA<<<<<<<<<<<<<<");
        let p = parse(&[&td1[0], &td1[1], &td1[2]]).unwrap();
        assert!(p.all_ok());
        assert_eq!(p.data.document_number, "401234562");
        assert!(!p.name_truncated);
        // Three given names do not fit TD1's 30 characters: the field is cut and says so.
        let long =
            MrzData { given_names: "Salma Yousef Mahmoud".into(), ..d.clone() }.td1().unwrap();
        assert_eq!(long[2], "AL<KHATIB<<SALMA<YOUSEF<MAHMOU");
        let p = parse(&[&long[0], &long[1], &long[2]]).unwrap();
        assert!(p.name_truncated);
        assert_eq!(p.data.given_names, "SALMA YOUSEF MAHMOU");
        let mut bad = td1[1].clone();
        bad.replace_range(0..1, "8");
        let p = parse(&[&td1[0], &bad, &td1[2]]).unwrap();
        assert!(!p.checks.iter().find(|c| c.field == "birth date").unwrap().ok);
        let td2 = d.td2().unwrap();
        assert!(td2.iter().all(|l| l.len() == 36));
        assert!(parse(&[&td2[0], &td2[1]]).unwrap().all_ok());
        let td3 = MrzData { document_code: "P".into(), ..d }.td3().unwrap();
        assert!(parse(&[&td3[0], &td3[1]]).unwrap().all_ok());
        assert!(matches!(parse(&["SHORT"]), Err(MrzError::Shape(_))));
        assert!(matches!(parse(&["P<UTO a"]), Err(MrzError::Character { .. })));
    }
}
