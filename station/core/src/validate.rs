//! The rules a clerk's typing must meet, each rejection explained in Arabic and English.
//!
//! Digits may be typed as Eastern Arabic (٠-٩) or Persian (۰-۹) digits; they are normalised to
//! ASCII before any check. All problems of a form are reported at once, each naming its field.

use schemas::manifest::{Address, Applicant, Guardian, PersonName, Sex};
use serde::{Deserialize, Serialize};
use station_text::digits::normalize_digits;
use time::Date;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub ar: String,
    pub en: String,
}

/// A refusal of `field` with the message `id` of the translation files, in both languages.
fn err(field: &'static str, id: &str, args: &[(&'static str, Part)]) -> FieldError {
    let (ar, en) = station_text::i18n::both_with(id, &|lang| {
        args.iter().map(|(k, part)| (*k, part.text(lang))).collect()
    });
    FieldError { field, ar, en }
}

/// A message id that names something inside another message (a part of a name), translated
/// into the language of the message around it.
#[derive(Debug, Clone, Copy)]
struct Part(&'static str);

impl Part {
    fn text(self, lang: station_text::i18n::Lang) -> String {
        station_text::i18n::text(lang, self.0, &[])
    }
}

/// The Palestinian ID check: 9 digits, Luhn-style weights 1,2,1,2,... (a doubled digit above 9
/// counts as its digit sum), total divisible by 10.
pub(crate) fn valid_national_id(id: &str) -> bool {
    id.len() == 9
        && id.bytes().all(|b| b.is_ascii_digit())
        && id
            .bytes()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 };
                if d > 9 { d - 9 } else { d }
            })
            .sum::<u32>()
            % 10
            == 0
}

/// The governorates of Palestine: Arabic name, English name.
pub(crate) const GOVERNORATES: [(&str, &str); 16] = [
    ("جنين", "Jenin"),
    ("طوباس", "Tubas"),
    ("طولكرم", "Tulkarm"),
    ("نابلس", "Nablus"),
    ("قلقيلية", "Qalqilya"),
    ("سلفيت", "Salfit"),
    ("رام الله والبيرة", "Ramallah and al-Bireh"),
    ("أريحا", "Jericho"),
    ("القدس", "Jerusalem"),
    ("بيت لحم", "Bethlehem"),
    ("الخليل", "Hebron"),
    ("شمال غزة", "North Gaza"),
    ("غزة", "Gaza"),
    ("دير البلح", "Deir al-Balah"),
    ("خان يونس", "Khan Yunis"),
    ("رفح", "Rafah"),
];

/// Age in whole years on `today`.
pub(crate) fn age_on(born: Date, today: Date) -> i32 {
    let mut years = today.year() - born.year();
    if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    years
}

/// Children younger than this are enrolled face only, linked to a guardian.
pub(crate) const FACE_ONLY_BELOW_AGE: i32 = 5;

/// A four-part name as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameInput {
    pub first: String,
    pub father: String,
    pub grandfather: String,
    pub family: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressInput {
    /// ISO 3166-1 alpha-2; "PS" for Palestine.
    pub country: String,
    #[serde(default)]
    pub governorate: Option<String>,
    /// Locality in Palestine, or the city abroad.
    pub locality: String,
    #[serde(default)]
    pub street: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianInput {
    pub relation: String,
    #[serde(default)]
    pub national_id: Option<String>,
    #[serde(default)]
    pub bundle_id: Option<String>,
}

/// The demographics form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemographicsInput {
    pub name_ar: NameInput,
    pub name_latin: NameInput,
    #[serde(default)]
    pub national_id: Option<String>,
    pub date_of_birth: String,
    pub sex: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    pub address: AddressInput,
    #[serde(default)]
    pub guardian: Option<GuardianInput>,
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c as u32, 0x0621..=0x064A | 0x0671..=0x06D3 | 0x06FA..=0x06FC | 0xFB50..=0xFDFF | 0xFE70..=0xFEFC)
        || matches!(c, '\u{064B}'..='\u{0652}' | '\u{0640}')
}

fn check_name_ar(field: &'static str, what: Part, v: &str, out: &mut Vec<FieldError>) -> String {
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() {
        out.push(err(field, "v-name-ar-required", &[("what", what)]));
    } else if !v.chars().all(|c| c == ' ' || is_arabic_letter(c)) {
        out.push(err(field, "v-name-ar-letters", &[("what", what)]));
    } else if v.chars().count() > 40 {
        out.push(err(field, "v-name-too-long", &[("what", what)]));
    }
    v
}

fn check_name_latin(field: &'static str, what: Part, v: &str, out: &mut Vec<FieldError>) -> String {
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() {
        out.push(err(field, "v-name-latin-required", &[("what", what)]));
    } else if !v.chars().all(|c| c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '\'')) {
        out.push(err(field, "v-name-latin-letters", &[("what", what)]));
    } else if v.len() > 40 {
        out.push(err(field, "v-name-too-long", &[("what", what)]));
    }
    v
}

fn names(input: &NameInput, arabic: bool, out: &mut Vec<FieldError>) -> PersonName {
    let check = if arabic { check_name_ar } else { check_name_latin };
    let f = |field_ar, field_lat| if arabic { field_ar } else { field_lat };
    PersonName {
        first: check(
            f("name_ar.first", "name_latin.first"),
            Part("v-part-first"),
            &input.first,
            out,
        ),
        father: check(
            f("name_ar.father", "name_latin.father"),
            Part("v-part-father"),
            &input.father,
            out,
        ),
        grandfather: check(
            f("name_ar.grandfather", "name_latin.grandfather"),
            Part("v-part-grandfather"),
            &input.grandfather,
            out,
        ),
        family: check(
            f("name_ar.family", "name_latin.family"),
            Part("v-part-family"),
            &input.family,
            out,
        ),
    }
}

fn check_national_id(field: &'static str, v: &str, out: &mut Vec<FieldError>) -> Option<String> {
    let id: String =
        normalize_digits(v).chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if id.len() != 9 || !id.bytes().all(|b| b.is_ascii_digit()) {
        out.push(err(field, "v-the-id-number-has-9-digits", &[]));
        None
    } else if !valid_national_id(&id) {
        out.push(err(field, "v-the-id-number-is-not-valid", &[]));
        None
    } else {
        Some(id)
    }
}

fn phone(v: &str, out: &mut Vec<FieldError>) -> Option<String> {
    let p: String =
        normalize_digits(v).chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    let p = if let Some(rest) = p.strip_prefix("00") { format!("+{rest}") } else { p };
    let Some(digits) = p.strip_prefix('+') else {
        out.push(err("phone", "v-the-phone-number-starts-with-the", &[]));
        return None;
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        out.push(err("phone", "v-the-phone-number-accepts-digits-only", &[]));
        return None;
    }
    let local_ok = match digits.get(..3) {
        Some("970") | Some("972") => {
            digits.len() == 12 && matches!(digits.as_bytes()[3], b'2' | b'4' | b'5' | b'8' | b'9')
        }
        _ => (8..=15).contains(&digits.len()) && !digits.starts_with('0'),
    };
    if !local_ok {
        out.push(err("phone", "v-the-phone-number-is-not-valid", &[]));
        return None;
    }
    Some(p)
}

fn email(v: &str, out: &mut Vec<FieldError>) -> Option<String> {
    let e = v.trim();
    let valid = e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if !valid {
        out.push(err("email", "v-the-email-address-is-not-valid", &[]));
        return None;
    }
    Some(e.to_string())
}

fn address(a: &AddressInput, out: &mut Vec<FieldError>) -> Address {
    let country = a.country.trim().to_ascii_uppercase();
    let locality = a.locality.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut governorate = None;
    if country == "PS" {
        match a.governorate.as_deref().map(str::trim) {
            None | Some("") => {
                out.push(err("address.governorate", "v-the-governorate-is-required", &[]))
            }
            Some(g) => {
                match GOVERNORATES.iter().find(|(ar, en)| *ar == g || en.eq_ignore_ascii_case(g)) {
                    Some((ar, _)) => governorate = Some(ar.to_string()),
                    None => out.push(err("address.governorate", "v-unknown-governorate", &[])),
                }
            }
        }
        if locality.is_empty() {
            out.push(err("address.locality", "v-the-locality-is-required", &[]));
        }
    } else if country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()) {
        if a.governorate.as_deref().is_some_and(|g| !g.trim().is_empty()) {
            out.push(err("address.governorate", "v-a-governorate-applies-to-addresses-in", &[]));
        }
        if locality.is_empty() {
            out.push(err("address.locality", "v-the-city-is-required", &[]));
        }
    } else {
        out.push(err("address.country", "v-the-country-is-a-twoletter-code", &[]));
    }
    Address {
        country,
        governorate,
        locality,
        street: a.street.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
    }
}

/// The validated demographics, and the applicant's age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demographics {
    pub applicant: Applicant,
    pub age: i32,
}

impl Demographics {
    pub(crate) fn face_only(&self) -> bool {
        self.age < FACE_ONLY_BELOW_AGE
    }
}

/// Checks and normalises the form; `today` decides ages and the future.
pub fn demographics(
    input: &DemographicsInput,
    today: Date,
) -> Result<Demographics, Vec<FieldError>> {
    let mut out = Vec::new();
    let name_ar = names(&input.name_ar, true, &mut out);
    let name_latin = names(&input.name_latin, false, &mut out);
    let national_id = input
        .national_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|v| check_national_id("national_id", v, &mut out));
    let dob_text = normalize_digits(&input.date_of_birth);
    let born =
        Date::parse(&dob_text, time::macros::format_description!("[year]-[month]-[day]")).ok();
    let mut age = None;
    match born {
        None => out.push(err("date_of_birth", "v-the-date-of-birth-is-yearmonthday", &[])),
        Some(b) if b > today => out.push(err("date_of_birth", "v-the-date-of-birth-is-in", &[])),
        Some(b) if age_on(b, today) > 130 => {
            out.push(err("date_of_birth", "v-the-date-of-birth-is-more", &[]))
        }
        Some(b) => age = Some(age_on(b, today)),
    }
    let sex = match input.sex.trim() {
        "male" | "ذكر" => Some(Sex::Male),
        "female" | "أنثى" => Some(Sex::Female),
        _ => {
            out.push(err("sex", "v-sex-male-or-female", &[]));
            None
        }
    };
    let phone =
        input.phone.as_deref().filter(|s| !s.trim().is_empty()).and_then(|v| phone(v, &mut out));
    let email =
        input.email.as_deref().filter(|s| !s.trim().is_empty()).and_then(|v| email(v, &mut out));
    let address = address(&input.address, &mut out);
    let guardian = match (&input.guardian, age.is_some_and(|a| a < FACE_ONLY_BELOW_AGE)) {
        (None, true) => {
            out.push(err("guardian", "v-a-child-under-5-is-enrolled", &[]));
            None
        }
        (None, false) => None,
        (Some(g), _) => {
            let relation = g.relation.trim().to_string();
            if relation.is_empty() {
                out.push(err("guardian.relation", "v-the-guardians-relation-is-required", &[]));
            }
            let gid = g
                .national_id
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .and_then(|v| check_national_id("guardian.national_id", v, &mut out));
            let bundle_id =
                g.bundle_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            if let Some(b) = &bundle_id
                && uuid::Uuid::parse_str(b).is_err()
            {
                out.push(err("guardian.bundle_id", "v-the-guardians-enrollment-id-is-not", &[]));
            }
            if gid.is_none()
                && bundle_id.is_none()
                && g.national_id.as_deref().is_none_or(|s| s.trim().is_empty())
            {
                out.push(err("guardian", "v-the-guardians-id-number-or-enrollment", &[]));
            }
            if gid.is_some() && gid == national_id {
                out.push(err(
                    "guardian.national_id",
                    "v-the-guardian-cannot-be-the-applicant",
                    &[],
                ));
            }
            Some(Guardian { relation, national_id: gid, bundle_id })
        }
    };
    if !out.is_empty() {
        return Err(out);
    }
    Ok(Demographics {
        applicant: Applicant {
            name_ar,
            name_latin,
            national_id,
            date_of_birth: dob_text,
            sex: sex.expect("checked"),
            phone,
            email,
            address,
            guardian,
        },
        age: age.expect("a valid date of birth"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn adult() -> DemographicsInput {
        DemographicsInput {
            name_ar: NameInput {
                first: "سلمى".into(),
                father: "يوسف".into(),
                grandfather: "محمود".into(),
                family: "الخطيب".into(),
            },
            name_latin: NameInput {
                first: "Salma".into(),
                father: "Yousef".into(),
                grandfather: "Mahmoud".into(),
                family: "Al-Khatib".into(),
            },
            national_id: Some("٤٠١٢٣٤٥٦٢".into()),
            date_of_birth: "١٩٩٠-٠٥-١٢".into(),
            sex: "female".into(),
            phone: Some("+970 599 123 456".into()),
            email: Some("salma@example.ps".into()),
            address: AddressInput {
                country: "ps".into(),
                governorate: Some("Ramallah and al-Bireh".into()),
                locality: "البيرة".into(),
                street: None,
            },
            guardian: None,
        }
    }

    fn fields(r: Result<Demographics, Vec<FieldError>>) -> Vec<&'static str> {
        r.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn eastern_arabic_digits_are_normalised() {
        assert_eq!(normalize_digits("٠١٢٣٤٥٦٧٨٩ ۰۹"), "0123456789 09");
        let d = demographics(&adult(), TODAY).unwrap();
        assert_eq!(d.applicant.national_id.as_deref(), Some("401234562"));
        assert_eq!(d.applicant.date_of_birth, "1990-05-12");
        assert_eq!(d.applicant.phone.as_deref(), Some("+970599123456"));
        assert_eq!(d.applicant.address.governorate.as_deref(), Some("رام الله والبيرة"));
        assert_eq!(d.age, 36);
        assert!(!d.face_only());
    }

    #[test]
    fn national_id_check_digit() {
        assert!(valid_national_id("401234562"));
        assert!(valid_national_id("852314475"));
        assert!(!valid_national_id("401234567"));
        assert!(!valid_national_id("40123456"));
        let mut i = adult();
        i.national_id = Some("401234567".into());
        let e = demographics(&i, TODAY).unwrap_err();
        assert_eq!(e[0].field, "national_id");
        assert!(e[0].ar.contains("رقم التحقق") && e[0].en.contains("check digit"));
        i.national_id = Some("12345".into());
        assert!(demographics(&i, TODAY).unwrap_err()[0].en.contains("9 digits"));
    }

    #[test]
    fn names_must_be_in_their_script() {
        let mut i = adult();
        i.name_ar.first = "Salma".into();
        i.name_latin.family = "الخطيب".into();
        i.name_ar.father = "  ".into();
        let e = demographics(&i, TODAY).unwrap_err();
        let f: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(f, ["name_ar.first", "name_ar.father", "name_latin.family"]);
        assert!(e[0].ar.contains("بحروف عربية"));
        assert!(e[1].en.contains("required"));
        let mut i = adult();
        i.name_ar.first = "عبد   الله".into();
        assert_eq!(demographics(&i, TODAY).unwrap().applicant.name_ar.first, "عبد الله");
    }

    #[test]
    fn date_of_birth_rules() {
        let mut i = adult();
        i.date_of_birth = "2027-01-01".into();
        assert!(demographics(&i, TODAY).unwrap_err()[0].en.contains("future"));
        i.date_of_birth = "12/05/1990".into();
        assert!(demographics(&i, TODAY).unwrap_err()[0].en.contains("year-month-day"));
        i.date_of_birth = "1880-01-01".into();
        assert!(demographics(&i, TODAY).unwrap_err()[0].en.contains("130"));
        assert_eq!(age_on(date!(2021 - 11 - 27), TODAY), 4);
        assert_eq!(age_on(date!(2021 - 11 - 26), TODAY), 5);
    }

    #[test]
    fn children_under_five_need_a_guardian() {
        let mut i = adult();
        i.date_of_birth = "2023-02-01".into();
        i.national_id = None;
        assert_eq!(fields(demographics(&i, TODAY)), ["guardian"]);
        i.guardian = Some(GuardianInput {
            relation: "mother".into(),
            national_id: Some("852314475".into()),
            bundle_id: None,
        });
        let d = demographics(&i, TODAY).unwrap();
        assert!(d.face_only());
        i.guardian = Some(GuardianInput {
            relation: "mother".into(),
            national_id: Some("852314476".into()),
            bundle_id: None,
        });
        assert_eq!(fields(demographics(&i, TODAY)), ["guardian.national_id"]);
    }

    #[test]
    fn phone_email_address_and_sex() {
        let mut i = adult();
        for bad in ["0599123456", "+97059912345", "+970 599 123 4567", "+1 23", "+44 20 7946 abc"] {
            i.phone = Some(bad.into());
            assert_eq!(fields(demographics(&i, TODAY)), ["phone"], "{bad}");
        }
        for good in ["+972 52 123 4567", "00962 79 123 4567", "+1 202 555 0143", "+٩٧٠٥٩٩١٢٣٤٥٦"]
        {
            i.phone = Some(good.into());
            assert!(demographics(&i, TODAY).is_ok(), "{good}");
        }
        let mut i = adult();
        i.email = Some("salma@@x".into());
        i.sex = "x".into();
        i.address.governorate = Some("Atlantis".into());
        assert_eq!(fields(demographics(&i, TODAY)), ["sex", "email", "address.governorate"]);
        let mut i = adult();
        i.address = AddressInput {
            country: "JO".into(),
            governorate: None,
            locality: "Amman".into(),
            street: None,
        };
        assert!(demographics(&i, TODAY).is_ok());
        i.address.country = "Jordan".into();
        assert_eq!(fields(demographics(&i, TODAY)), ["address.country"]);
    }
}
