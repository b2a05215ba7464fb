//! Identity documents in front of the document camera: the document found in the frame, its
//! perspective corrected to its ICAO size (ID-1 cards 85.60 x 53.98 mm, ID-3 passport pages
//! 125 x 88 mm, at 300 dpi), glare and blur checked, the MRZ read ([`super::ocr`]) and parsed
//! with every check digit; the parsed fields offered to prefill the form and compared with what
//! the clerk typed.
//!
//! Comparing the document's photograph with the live face needs a face-recognition model that
//! this station does not carry (none that runs offline from Debian's packages is reliable enough
//! to decide on); the clerk compares them by eye, and docs/quality.md says so.

use drivers::raster::Image;
use opencv::core::{self, Mat, Point, Point2f, Size, Vector};
use opencv::imgproc;
use opencv::prelude::*;
use schemas::manifest::{Applicant, Sex};
use schemas::mrz::MrzData;
use serde::Serialize;
use station_text::i18n::Lang;
use station_text::messages::{Arg, Bilingual, Message};

use super::ocr::{self, MrzRead};
use super::{Assessment, Checks, DocumentThresholds, Instruction, QualityError, cv};

pub const ALGORITHM: &str = "hukumati-document/1";

/// The ICAO sizes a document is corrected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DocumentSize {
    /// 85.60 x 53.98 mm: identity cards (TD1).
    Id1,
    /// 125 x 88 mm: passport data pages (TD3); ID-2 (TD2) has the same proportions.
    Id3,
}

impl DocumentSize {
    /// Pixels at 300 dpi.
    pub fn pixels(self) -> (i32, i32) {
        match self {
            DocumentSize::Id1 => (1012, 638),
            DocumentSize::Id3 => (1476, 1039),
        }
    }
}

/// What the document camera's image shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentAssessment {
    #[serde(flatten)]
    pub assessment: Assessment,
    /// The document's corners in the image (top left, top right, bottom right, bottom left), when
    /// an outline was found; none when the image is the document itself (a flat scan).
    pub corners: Option<[[f32; 2]; 4]>,
    pub size: DocumentSize,
    pub mrz: Option<MrzRead>,
}

fn order_corners(p: &[Point]) -> [[f32; 2]; 4] {
    // Top left has the smallest x + y, bottom right the largest; top right the smallest y - x.
    let by = |f: &dyn Fn(&Point) -> i32, max: bool| {
        let it = p.iter();
        let q = if max { it.max_by_key(|q| f(q)) } else { it.min_by_key(|q| f(q)) };
        let q = q.expect("four points");
        [q.x as f32, q.y as f32]
    };
    [
        by(&|q| q.x + q.y, false),
        by(&|q| q.y - q.x, false),
        by(&|q| q.x + q.y, true),
        by(&|q| q.y - q.x, true),
    ]
}

/// The largest convex quadrilateral covering a fifth of the frame or more.
fn find_outline(grey: &Mat) -> Result<Option<[[f32; 2]; 4]>, QualityError> {
    let (w, h) = (grey.cols(), grey.rows());
    let small_w = w.min(800);
    let k = w as f32 / small_w as f32;
    let small = cv::resize_to_width(grey, w, h, small_w)?;
    let mut blur = Mat::default();
    imgproc::gaussian_blur(&small, &mut blur, Size::new(5, 5), 0.0, 0.0, core::BORDER_REPLICATE)?;
    let mut edges = Mat::default();
    imgproc::canny(&blur, &mut edges, 40.0, 120.0, 3, false)?;
    let kernel =
        imgproc::get_structuring_element(imgproc::MORPH_RECT, Size::new(5, 5), Point::new(-1, -1))?;
    let mut closed = Mat::default();
    imgproc::morphology_ex(
        &edges,
        &mut closed,
        imgproc::MORPH_CLOSE,
        &kernel,
        Point::new(-1, -1),
        1,
        core::BORDER_CONSTANT,
        imgproc::morphology_default_border_value()?,
    )?;
    let mut contours = Vector::<Vector<Point>>::new();
    imgproc::find_contours(
        &closed,
        &mut contours,
        imgproc::RETR_EXTERNAL,
        imgproc::CHAIN_APPROX_SIMPLE,
        Point::new(0, 0),
    )?;
    let frame = f64::from(small.cols() * small.rows());
    let mut best: Option<(f64, [[f32; 2]; 4])> = None;
    for c in contours.iter() {
        let mut hull = Vector::<Point>::new();
        imgproc::convex_hull(&c, &mut hull, false, true)?;
        let area = imgproc::contour_area(&hull, false)?;
        if area < frame * 0.2 || area > frame * 0.98 {
            continue;
        }
        let mut approx = Vector::<Point>::new();
        imgproc::approx_poly_dp(
            &hull,
            &mut approx,
            0.02 * imgproc::arc_length(&hull, true)?,
            true,
        )?;
        if approx.len() == 4 && best.as_ref().is_none_or(|(a, _)| area > *a) {
            let pts: Vec<Point> = approx
                .iter()
                .map(|p| Point::new((p.x as f32 * k) as i32, (p.y as f32 * k) as i32))
                .collect();
            best = Some((area, order_corners(&pts)));
        }
    }
    Ok(best.map(|(_, c)| c))
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// ID-1 is 1.586 wide for 1 high, ID-2 and ID-3 1.42.
fn size_of(aspect: f32) -> DocumentSize {
    if aspect > 1.5 { DocumentSize::Id1 } else { DocumentSize::Id3 }
}

/// The document straightened to its ICAO size.
fn rectify(grey: &Mat, corners: [[f32; 2]; 4], size: DocumentSize) -> Result<Mat, QualityError> {
    let (w, h) = size.pixels();
    let src: Vector<Point2f> = corners.iter().map(|c| Point2f::new(c[0], c[1])).collect();
    let dst: Vector<Point2f> = [[0.0, 0.0], [w as f32, 0.0], [w as f32, h as f32], [0.0, h as f32]]
        .iter()
        .map(|c| Point2f::new(c[0], c[1]))
        .collect();
    let m = imgproc::get_perspective_transform(&src, &dst, core::DECOMP_LU)?;
    let mut out = Mat::default();
    imgproc::warp_perspective(
        grey,
        &mut out,
        &m,
        Size::new(w, h),
        imgproc::INTER_LINEAR,
        core::BORDER_REPLICATE,
        core::Scalar::default(),
    )?;
    Ok(out)
}

/// Finds, straightens and checks the document, then reads its MRZ (trying it upside down too).
pub fn read(img: &Image, t: &DocumentThresholds) -> Result<DocumentAssessment, QualityError> {
    let grey = cv::grey(img)?;
    let (w, h) = (grey.cols() as f32, grey.rows() as f32);
    let mut checks = Checks::default();
    let corners = find_outline(&grey)?;
    let whole_is_document =
        corners.is_none() && ((w / h) - 1.586).abs().min(((w / h) - 1.42).abs()) < 0.05;
    checks.min(
        "document found",
        if corners.is_some() || whole_is_document { 1.0 } else { 0.0 },
        1.0,
        Instruction::ShowDocument,
    );
    let first = match corners {
        Some(c) => size_of(
            (dist(c[0], c[1]) + dist(c[3], c[2])) / (dist(c[0], c[3]) + dist(c[1], c[2])).max(1.0),
        ),
        None => size_of(w / h),
    };
    let straighten = |size: DocumentSize| -> Result<Mat, QualityError> {
        if let Some(c) = corners {
            rectify(&grey, c, size)
        } else {
            let (pw, ph) = size.pixels();
            let mut out = Mat::default();
            imgproc::resize(&grey, &mut out, Size::new(pw, ph), 0.0, 0.0, imgproc::INTER_AREA)?;
            Ok(out)
        }
    };
    let ok = |m: &Option<MrzRead>| {
        m.as_ref().is_some_and(|m| m.trustworthy(t.min_character_match as f32))
    };
    // A photograph at an angle distorts the outline's proportions: when the MRZ does not read
    // at the size they suggest, the other size is tried (a TD3 zone does not fit an ID-1 card).
    let mut size = first;
    let mut page = straighten(size)?;
    let mut mrz = read_either_way(&page, t.min_character_match as f32)?;
    if !ok(&mrz) {
        let other = if first == DocumentSize::Id1 { DocumentSize::Id3 } else { DocumentSize::Id1 };
        let p2 = straighten(other)?;
        let m2 = read_either_way(&p2, t.min_character_match as f32)?;
        if ok(&m2) {
            (size, page, mrz) = (other, p2, m2);
        }
    }
    // The zone's shape names the document's size better than a slanted outline can.
    match mrz.as_ref().filter(|_| ok(&mrz)).map(|m| m.format) {
        Some("TD1") if size != DocumentSize::Id1 => {
            size = DocumentSize::Id1;
            page = straighten(size)?;
        }
        Some("TD2" | "TD3") if size != DocumentSize::Id3 => {
            size = DocumentSize::Id3;
            page = straighten(size)?;
        }
        _ => {}
    }
    checks.max(
        "glare percent",
        cv::percent_at_least(&page, 250.0)?,
        t.max_glare_percent,
        Instruction::DocumentGlare,
    );
    checks.min(
        "sharpness",
        cv::laplacian_variance(&page)?,
        t.min_sharpness,
        Instruction::HoldDocumentStill,
    );
    let all_ok =
        mrz.as_ref().is_some_and(|m| m.parsed.as_ref().is_some_and(schemas::mrz::Parsed::all_ok));
    checks.min("mrz check digits", if all_ok { 1.0 } else { 0.0 }, 1.0, Instruction::MrzUnreadable);
    checks.min(
        "mrz trustworthy",
        if ok(&mrz) { 1.0 } else { 0.0 },
        1.0,
        Instruction::MrzUnreadable,
    );
    if let Some(m) = &mrz {
        checks.min(
            "mrz weakest character",
            f64::from(m.min_match),
            t.certain_character_match.max(t.min_character_match),
            Instruction::MrzUnreadable,
        );
    }
    let score = if checks.passed() {
        100
    } else {
        (99.0 * checks.0.iter().filter(|c| c.passed).count() as f64 / checks.0.len() as f64) as u8
    };
    Ok(DocumentAssessment {
        assessment: Assessment::new(ALGORITHM, score, checks),
        corners,
        size,
        mrz,
    })
}

/// The MRZ of a straightened page, read as it lies and, failing that, upside down.
fn read_either_way(page: &Mat, min_match: f32) -> Result<Option<MrzRead>, QualityError> {
    let m = ocr::read_mrz(page)?;
    if m.as_ref().is_some_and(|m| m.trustworthy(min_match)) {
        return Ok(m);
    }
    let mut turned = Mat::default();
    core::rotate(page, &mut turned, core::ROTATE_180)?;
    match ocr::read_mrz(&turned)? {
        Some(t) if t.trustworthy(min_match) => Ok(Some(t)),
        _ => Ok(m),
    }
}

/// YYMMDD of a birth date as YYYY-MM-DD: a year not after this year's two digits is this
/// century's, otherwise the last.
pub fn birth_date(yymmdd: &str, this_year: i32) -> Option<String> {
    let yy: i32 = yymmdd.get(0..2)?.parse().ok()?;
    let (mm, dd) = (yymmdd.get(2..4)?, yymmdd.get(4..6)?);
    if !mm.bytes().chain(dd.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let century =
        if yy <= this_year % 100 { this_year / 100 * 100 } else { this_year / 100 * 100 - 100 };
    Some(format!("{:04}-{mm}-{dd}", century + yy))
}

/// An expiry date YYMMDD as YYYY-MM-DD (documents expire within this century).
pub fn expiry_date(yymmdd: &str) -> Option<String> {
    let yy: i32 = yymmdd.get(0..2)?.parse().ok()?;
    Some(format!("{:04}-{}-{}", 2000 + yy, yymmdd.get(2..4)?, yymmdd.get(4..6)?))
}

/// A field of the demographics and document form that a machine-readable zone states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormField {
    LatinFirst,
    LatinFather,
    LatinGrandfather,
    LatinFamily,
    DateOfBirth,
    Sex,
    DocumentNumber,
    DocumentExpiry,
}

impl FormField {
    /// The message id of the form's label for this field (the same words the clerk sees on
    /// the form).
    pub fn label(self) -> &'static str {
        match self {
            FormField::LatinFirst => "field-name-latin-first",
            FormField::LatinFather => "field-name-latin-father",
            FormField::LatinGrandfather => "field-name-latin-grandfather",
            FormField::LatinFamily => "field-name-latin-family",
            FormField::DateOfBirth => "field-date-of-birth",
            FormField::Sex => "field-sex",
            FormField::DocumentNumber => "field-document-number",
            FormField::DocumentExpiry => "field-document-expiry",
        }
    }

    /// Whether what was typed says the same as the zone's `zone`: names letter for letter
    /// whatever the case and punctuation (an MRZ has neither), and allowing for a name the zone
    /// cut short; numbers and dates digit for digit, Eastern Arabic digits taken as typed.
    pub fn same(self, typed: &str, zone: &str) -> bool {
        match self {
            FormField::LatinFirst
            | FormField::LatinFather
            | FormField::LatinGrandfather
            | FormField::LatinFamily => {
                let (t, z) = (latin(typed), latin(zone));
                !z.is_empty() && t.starts_with(&z)
            }
            FormField::Sex => typed.trim() == zone,
            FormField::DocumentNumber => compact(typed) == zone,
            FormField::DateOfBirth | FormField::DocumentExpiry => {
                station_text::digits::normalize_digits(typed.trim()) == zone
            }
        }
    }
}

/// A number as an MRZ writes it: upper case, Western digits, no spaces.
fn compact(s: &str) -> String {
    station_text::digits::normalize_digits(s).split_whitespace().collect::<String>().to_uppercase()
}

/// One field where the MRZ and the typed form disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub field: FormField,
    pub mrz: String,
    pub typed: String,
}

/// Upper-case Latin letters only, words separated by one space (as an MRZ writes a name).
fn latin(s: &str) -> String {
    s.to_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name word from the zone as a form takes it: SALMA becomes Salma.
fn title(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut c = lower.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A character of an offered field that the card reader could not tell from another without
/// a check digit noticing ([`super::ocr::Doubt`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Doubtful {
    pub field: FormField,
    /// The character's place in the field's text (0 = first).
    pub index: usize,
    pub read: char,
    pub could_be: char,
}

/// What a read zone offers the form: each field with the text the form's field takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prefill {
    pub offers: Vec<(FormField, String)>,
    /// The zone cut the name short; its last given name is not offered.
    pub name_truncated: bool,
    /// Characters of the offers to compare with the document by eye.
    pub doubts: Vec<Doubtful>,
}

/// The form values `mrz` states. Given names go to the first, father's and grandfather's
/// names in order (any further ones stay with the grandfather's); a name word the zone cut
/// short (`name_truncated`) is left for the clerk to type.
pub fn prefill(mrz: &MrzData, name_truncated: bool, this_year: i32) -> Prefill {
    let mut offers = Vec::new();
    let mut given: Vec<String> = mrz.given_names.split_whitespace().map(title).collect();
    let surname: Vec<String> = mrz.surname.split_whitespace().map(title).collect();
    // The cut falls on the field's last word: the last given name, or the surname itself
    // when there are no given names.
    let surname_cut = name_truncated && given.is_empty();
    if name_truncated {
        given.pop();
    }
    if !surname_cut && !surname.is_empty() {
        offers.push((FormField::LatinFamily, surname.join(" ")));
    }
    let parts = [FormField::LatinFirst, FormField::LatinFather, FormField::LatinGrandfather];
    for (i, field) in parts.iter().enumerate() {
        let words: &[String] =
            if i < 2 { given.get(i..i + 1).unwrap_or(&[]) } else { given.get(2..).unwrap_or(&[]) };
        if !words.is_empty() {
            offers.push((*field, words.join(" ")));
        }
    }
    if let Some(d) = birth_date(&mrz.birth_date, this_year) {
        offers.push((FormField::DateOfBirth, d));
    }
    match mrz.sex {
        'M' => offers.push((FormField::Sex, "male".into())),
        'F' => offers.push((FormField::Sex, "female".into())),
        _ => {}
    }
    if !mrz.document_number.is_empty() {
        offers.push((FormField::DocumentNumber, mrz.document_number.clone()));
    }
    if let Some(d) = expiry_date(&mrz.expiry_date) {
        offers.push((FormField::DocumentExpiry, d));
    }
    Prefill { offers, name_truncated, doubts: Vec::new() }
}

impl Prefill {
    /// Adds the reader's doubts about the offered fields (the document number's; the other
    /// checked fields are digits only, or not on the form).
    pub fn doubting(mut self, doubts: &[super::ocr::Doubt]) -> Prefill {
        self.doubts = doubts
            .iter()
            .filter(|d| d.field == "document number")
            .map(|d| Doubtful {
                field: FormField::DocumentNumber,
                index: d.index,
                read: d.read,
                could_be: d.could_be,
            })
            .collect();
        self
    }

    /// Whether `typed` is the offered `zone` but for doubtful characters typed as their
    /// alternative (the clerk, reading the document, is taken at their word there).
    fn same_but_doubts(&self, field: FormField, typed: &str, zone: &str) -> bool {
        if !self.doubts.iter().any(|d| d.field == field) {
            return false;
        }
        let (t, z): (Vec<char>, Vec<char>) =
            (compact(typed).chars().collect(), zone.chars().collect());
        t.len() == z.len()
            && t.iter().zip(&z).enumerate().all(|(i, (a, b))| {
                a == b
                    || self
                        .doubts
                        .iter()
                        .any(|d| d.field == field && d.index == i && d.could_be == *a)
            })
    }

    /// The offered fields where `typed` (what the form holds, None for a field not asked)
    /// says otherwise.
    pub fn differences(&self, mut typed: impl FnMut(FormField) -> Option<String>) -> Vec<Mismatch> {
        self.offers
            .iter()
            .filter_map(|(field, zone)| {
                let t = typed(*field)?;
                (!field.same(&t, zone) && !self.same_but_doubts(*field, &t, zone)).then(|| {
                    Mismatch { field: *field, mrz: zone.clone(), typed: t.trim().to_string() }
                })
            })
            .collect()
    }
}

/// Compares what the MRZ states with a validated applicant's record and the document's
/// number and expiry: every field the zone offers.
pub fn compare(
    mrz: &MrzData,
    applicant: &Applicant,
    number: &str,
    expiry: Option<&str>,
    this_year: i32,
) -> Vec<Mismatch> {
    let n = &applicant.name_latin;
    prefill(mrz, false, this_year).differences(|f| match f {
        FormField::LatinFirst => Some(n.first.clone()),
        FormField::LatinFather => Some(n.father.clone()),
        FormField::LatinGrandfather => Some(n.grandfather.clone()),
        FormField::LatinFamily => Some(n.family.clone()),
        FormField::DateOfBirth => Some(applicant.date_of_birth.clone()),
        FormField::Sex => Some(match applicant.sex {
            Sex::Male => "male".into(),
            Sex::Female => "female".into(),
        }),
        FormField::DocumentNumber => Some(number.to_string()),
        FormField::DocumentExpiry => expiry.map(str::to_string),
    })
}

/// What the document step checks before it is saved: the number, expiry and birth date the
/// clerk typed against a zone read with every check digit holding (fields a check digit
/// guards, so a difference is a typing slip or another person's document, not a misread;
/// except where the reader's `doubts` say the check digits could not tell, and the form holds
/// the other character).
pub fn typed_mismatches(
    mrz: &MrzData,
    doubts: &[super::ocr::Doubt],
    number: &str,
    expiry: Option<&str>,
    birth_date_typed: &str,
    this_year: i32,
) -> Vec<Mismatch> {
    prefill(mrz, false, this_year).doubting(doubts).differences(|f| match f {
        FormField::DocumentNumber => Some(number.to_string()),
        FormField::DateOfBirth => Some(birth_date_typed.to_string()),
        FormField::DocumentExpiry => expiry.map(str::to_string),
        _ => None,
    })
}

/// A character the card reader could not tell from another, to compare with the document.
pub fn doubt_message(d: &Doubtful) -> Message {
    Message::new("prefill-doubt")
        .nested("field", Message::new(d.field.label()))
        .number("place", d.index as i64 + 1)
        .with("read", d.read)
        .with("other", d.could_be)
}

/// The fields where a document's machine-readable zone and the form disagree, each named by
/// its form label and with both values, in both languages.
pub fn differences_message(m: &[Mismatch]) -> Bilingual {
    use FormField;
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
                let mut msg =
                    Message::new("mrz-difference").nested("field", Message::new(d.field.label()));
                msg.args.push(("zone", value(d.field, &d.mrz)));
                msg.args.push(("typed", value(d.field, &d.typed)));
                msg.text(lang)
            })
            .collect();
        items.join(if lang == Lang::Ar { "؛ " } else { "; " })
    };
    Bilingual { ar: text(Lang::Ar), en: text(Lang::En) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(lines: &[&str]) -> schemas::mrz::Parsed {
        let p = schemas::mrz::parse(lines).unwrap();
        assert!(p.all_ok(), "{:?}", p.checks);
        p
    }

    /// A card whose three given names do not fit TD1's name field.
    fn salma() -> schemas::mrz::Parsed {
        let d = MrzData {
            document_code: "ID".into(),
            issuing_state: "PSE".into(),
            document_number: "401234562".into(),
            surname: "Al-Khatib".into(),
            given_names: "Salma Yousef Mahmoud".into(),
            nationality: "PSE".into(),
            birth_date: "900512".into(),
            sex: 'F',
            expiry_date: "310301".into(),
            optional: String::new(),
        };
        let l = d.td1().unwrap();
        zone(&[&l[0], &l[1], &l[2]])
    }

    fn offered(p: &Prefill, f: FormField) -> Option<&str> {
        p.offers.iter().find(|(g, _)| *g == f).map(|(_, v)| v.as_str())
    }

    #[test]
    fn the_icao_card_fills_names_dates_sex_and_number() {
        let p = zone(&[
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]);
        let f = prefill(&p.data, p.name_truncated, 2026);
        assert_eq!(offered(&f, FormField::LatinFamily), Some("Eriksson"));
        assert_eq!(offered(&f, FormField::LatinFirst), Some("Anna"));
        assert_eq!(offered(&f, FormField::LatinFather), Some("Maria"));
        assert_eq!(offered(&f, FormField::LatinGrandfather), None);
        assert_eq!(offered(&f, FormField::DateOfBirth), Some("1974-08-12"));
        assert_eq!(offered(&f, FormField::Sex), Some("female"));
        assert_eq!(offered(&f, FormField::DocumentNumber), Some("D23145890"));
        assert_eq!(offered(&f, FormField::DocumentExpiry), Some("2012-04-15"));
    }

    #[test]
    fn a_doubtful_character_typed_as_its_alternative_is_no_difference() {
        // ICAO's passport specimen L898902C3, its second 8 read with S close behind.
        let p = zone(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ]);
        let doubt = super::ocr::Doubt {
            line: 1,
            position: 3,
            field: "document number",
            index: 3,
            read: '8',
            could_be: 'S',
            margin: 0.01,
        };
        let personal = super::ocr::Doubt { field: "personal number", index: 0, ..doubt.clone() };
        let f = prefill(&p.data, false, 2026).doubting(&[doubt.clone(), personal]);
        assert_eq!(
            f.doubts,
            vec![Doubtful { field: FormField::DocumentNumber, index: 3, read: '8', could_be: 'S' }],
            "only the form's fields"
        );
        let number = |n: &'static str| {
            move |field: FormField| (field == FormField::DocumentNumber).then(|| n.to_string())
        };
        assert!(
            f.differences(number("L89S902C3")).is_empty(),
            "the clerk's S where the reader doubted"
        );
        assert!(f.differences(number("l89s 902c3")).is_empty());
        assert_eq!(
            f.differences(number("S898902C3")).len(),
            1,
            "an S where the reader had no doubt"
        );
        assert_eq!(
            f.differences(number("L89B902C3")).len(),
            1,
            "a character that is not the alternative"
        );
        assert_eq!(f.differences(number("L89S902C")).len(), 1);
        // Without the doubt, the same S is a difference; the document step takes the doubts.
        assert_eq!(prefill(&p.data, false, 2026).differences(number("L89S902C3")).len(), 1);
        assert!(
            typed_mismatches(
                &p.data,
                &[doubt],
                "L89S902C3",
                Some("2012-04-15"),
                "1974-08-12",
                2026
            )
            .is_empty()
        );
        assert_eq!(
            typed_mismatches(&p.data, &[], "L89S902C3", Some("2012-04-15"), "1974-08-12", 2026)
                .len(),
            1
        );
    }

    #[test]
    fn a_cut_name_leaves_its_last_word_to_the_clerk() {
        let p = salma();
        assert!(p.name_truncated);
        let f = prefill(&p.data, p.name_truncated, 2026);
        assert_eq!(offered(&f, FormField::LatinFamily), Some("Al Khatib"));
        assert_eq!(offered(&f, FormField::LatinFather), Some("Yousef"));
        assert_eq!(offered(&f, FormField::LatinGrandfather), None, "MAHMOU is cut, not a name");
        // A surname that alone fills the field is not offered either.
        let only = MrzData { given_names: String::new(), ..p.data.clone() };
        assert_eq!(offered(&prefill(&only, true, 2026), FormField::LatinFamily), None);
    }

    #[test]
    fn differences_ignore_case_punctuation_and_eastern_digits() {
        let p = salma();
        let f = prefill(&p.data, p.name_truncated, 2026);
        let typed = |field: FormField| {
            Some(
                match field {
                    FormField::LatinFamily => "Al-Khatib",
                    FormField::LatinFirst => "salma",
                    FormField::LatinFather => "Yousef",
                    FormField::LatinGrandfather => "Mahmoud",
                    FormField::DateOfBirth => "١٩٩٠-٠٥-١٢",
                    FormField::Sex => "female",
                    FormField::DocumentNumber => "401 234 562",
                    FormField::DocumentExpiry => "2031-03-01",
                }
                .to_string(),
            )
        };
        assert_eq!(f.differences(typed), vec![]);
        let wrong = f.differences(|field| {
            if field == FormField::DateOfBirth { Some("1991-05-12".into()) } else { typed(field) }
        });
        assert_eq!(
            wrong,
            vec![Mismatch {
                field: FormField::DateOfBirth,
                mrz: "1990-05-12".into(),
                typed: "1991-05-12".into()
            }]
        );
    }

    #[test]
    fn a_doubt_names_the_field_the_place_and_both_characters() {
        let b = doubt_message(&Doubtful {
            field: FormField::DocumentNumber,
            index: 3,
            read: 'S',
            could_be: '8',
        })
        .both();
        let plain = |t: &str| t.replace(['\u{2066}', '\u{2068}', '\u{2069}'], "");
        let (ar, en) = (plain(&b.ar), plain(&b.en));
        assert!(ar.contains("الحرف 4 من «رقم وثيقة الهوية»") && ar.contains("بين S و8"), "{ar}");
        assert!(
            en.contains("character 4 of “Identity document number”")
                && en.contains("tell S from 8"),
            "{en}"
        );
    }
}
