//! The acknowledgement slip: what the applicant takes home after signing (enrollment number,
//! name, date, centre, and a QR code of the enrollment id), shown on screen and printed as PDF.
//!
//! The PDF is written by `krilla` with the vendored fonts embedded (subset). Its text goes
//! through the same bidi path as the kiosk ([`station_text::bidi`]): each line is split into runs in
//! visual order, right-to-left runs are split again where the Arabic font lacks a character,
//! every piece is shaped on its own (rustybuzz, inside krilla) and placed from left to right,
//! and right-to-left lines are aligned to the right. Both languages are printed, Arabic first.
//!
//! The slip holds personal data: it is produced in memory and either handed to the printer
//! (`lp`, through a pipe) or written where the operator explicitly asks; the station never keeps
//! a copy.

use fluent_bundle::FluentValue;
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

use schemas::manifest::Manifest;
use station_text::bidi::{self, Base, isolate};
use station_text::i18n::{Lang, Translations};
use station_text::messages::{Explain, Message};

/// What the slip says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    pub enrollment_id: String,
    pub sequence: u64,
    pub name_ar: String,
    pub name_latin: String,
    /// Day of signing, YYYY-MM-DD (UTC).
    pub date: String,
    pub centre: String,
    pub station: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SlipError {
    #[error("the slip's QR code could not be made: {0}")]
    Qr(String),
    #[error("the slip's PDF could not be written: {0}")]
    Pdf(String),
    #[error("printing failed: {0}")]
    Print(String),
}

impl Explain for SlipError {
    fn explain(&self) -> Message {
        match self {
            SlipError::Qr(e) => Message::new("slip-qr-failed").detail(e),
            SlipError::Pdf(e) => Message::new("slip-pdf-failed").detail(e),
            SlipError::Print(e) => Message::new("slip-print-failed").detail(e),
        }
    }
}

impl Slip {
    /// The slip of a signed enrollment, from its manifest.
    pub fn from_manifest(m: &Manifest) -> Slip {
        let date = time::OffsetDateTime::from_unix_timestamp(m.times.signed_at.div_euclid(1000))
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        Slip {
            enrollment_id: m.bundle_id.clone(),
            sequence: m.station.sequence,
            name_ar: m.applicant.name_ar.full(),
            name_latin: m.applicant.name_latin.full(),
            date,
            centre: m.station.centre.clone(),
            station: m.station.id.clone(),
        }
    }

    /// The slip's lines in one language (title first), each a logical string for the bidi path.
    pub fn lines(&self, tr: &Translations, lang: Lang) -> Vec<String> {
        let v = |s: &str| FluentValue::from(isolate(s));
        let name = if lang == Lang::Ar { self.name_ar.clone() } else { self.name_latin.clone() };
        vec![
            tr.text(lang, "slip-title", &[]),
            tr.text(lang, "slip-name", &[("name", FluentValue::from(name))]),
            tr.text(lang, "slip-id", &[("id", v(&self.enrollment_id))]),
            tr.text(lang, "slip-date", &[("date", v(&self.date))]),
            tr.text(
                lang,
                "slip-centre",
                &[
                    ("centre", v(&self.centre)),
                    ("station", v(&self.station)),
                    ("sequence", FluentValue::from(self.sequence)),
                ],
            ),
            tr.text(lang, "slip-next", &[]),
        ]
    }

    /// The QR code of the enrollment id: side length in modules and dark modules row by row.
    pub(crate) fn qr(&self) -> Result<(usize, Vec<bool>), SlipError> {
        let code = qrcode::QrCode::with_error_correction_level(
            self.enrollment_id.as_bytes(),
            qrcode::EcLevel::M,
        )
        .map_err(|e| SlipError::Qr(e.to_string()))?;
        let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        Ok((code.width(), dark))
    }

    /// The slip as a one-page A5 PDF, Arabic then English.
    pub fn pdf(&self, tr: &Translations) -> Result<Vec<u8>, SlipError> {
        let fonts = PdfFonts::new()?;
        let (w, h) = (420.0_f32, 595.0_f32);
        let margin = 32.0;
        let mut doc = Document::new();
        let mut page = doc.start_page_with(
            PageSettings::from_wh(w, h).ok_or_else(|| SlipError::Pdf("page size".into()))?,
        );
        let mut surface = page.surface();
        let mut y = margin;
        for (lang, base) in [(Lang::Ar, Base::Rtl), (Lang::En, Base::Ltr)] {
            for (i, line) in self.lines(tr, lang).iter().enumerate() {
                let size = if i == 0 { 15.0 } else { 11.0 };
                let measure = |s: &str| fonts.width(&bidi::lay_out(s, Base::Auto), size);
                for l in bidi::wrap(line, base, w - 2.0 * margin, &measure) {
                    y += size * 1.6;
                    let pieces = fonts.pieces(&l);
                    let width: f32 = pieces.iter().map(|p| fonts.piece_width(p, size)).sum();
                    let mut x = if l.rtl { w - margin - width } else { margin };
                    for p in &pieces {
                        let (font, dir) = if p.rtl {
                            (fonts.arabic.clone(), TextDirection::RightToLeft)
                        } else {
                            (fonts.latin.clone(), TextDirection::LeftToRight)
                        };
                        surface.draw_text(Point::from_xy(x, y), font, size, &p.text, false, dir);
                        x += fonts.piece_width(p, size);
                    }
                }
            }
            y += 14.0;
        }
        // The QR code, centred under the text, 2.5 pt per module with a quiet zone of 4 modules.
        let (n, dark) = self.qr()?;
        let module = 2.5_f32;
        let left = (w - n as f32 * module) / 2.0;
        let top = y + 4.0 * module;
        let mut pb = PathBuilder::new();
        for (i, d) in dark.iter().enumerate() {
            if *d
                && let Some(r) = Rect::from_xywh(
                    left + (i % n) as f32 * module,
                    top + (i / n) as f32 * module,
                    module,
                    module,
                )
            {
                pb.push_rect(r);
            }
        }
        if let Some(path) = pb.finish() {
            surface.draw_path(&path);
        }
        surface.finish();
        page.finish();
        doc.finish().map_err(|e| SlipError::Pdf(format!("{e:?}")))
    }
}

/// The two embedded fonts, with rustybuzz faces to measure shaped text.
struct PdfFonts {
    arabic: Font,
    latin: Font,
    arabic_face: &'static rustybuzz::Face<'static>,
    latin_face: &'static rustybuzz::Face<'static>,
}

impl PdfFonts {
    fn new() -> Result<PdfFonts, SlipError> {
        let bad = |what: &str| SlipError::Pdf(format!("the vendored {what} font does not load"));
        Ok(PdfFonts {
            arabic: Font::new(station_text::fonts::ARABIC.into(), 0)
                .ok_or_else(|| bad("Arabic"))?,
            latin: Font::new(station_text::fonts::LATIN.into(), 0).ok_or_else(|| bad("Latin"))?,
            arabic_face: station_text::fonts::face(true).ok_or_else(|| bad("Arabic"))?,
            latin_face: station_text::fonts::face(false).ok_or_else(|| bad("Latin"))?,
        })
    }

    /// A line's runs from left to right, right-to-left runs split where the Arabic font has no
    /// glyph (those pieces are drawn in the Latin font, left to right).
    fn pieces(&self, line: &bidi::Line) -> Vec<bidi::Run> {
        line.runs
            .iter()
            .flat_map(|r| {
                if r.rtl {
                    bidi::split_by_font(r, &mut |c| self.arabic_face.glyph_index(c).is_some())
                } else {
                    vec![r.clone()]
                }
            })
            .collect()
    }

    fn piece_width(&self, run: &bidi::Run, size: f32) -> f32 {
        let (face, dir) = if run.rtl {
            (self.arabic_face, rustybuzz::Direction::RightToLeft)
        } else {
            (self.latin_face, rustybuzz::Direction::LeftToRight)
        };
        let mut buf = rustybuzz::UnicodeBuffer::new();
        buf.push_str(&run.text);
        buf.set_direction(dir);
        let shaped = rustybuzz::shape(face, &[], buf);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / face.units_per_em() as f32
    }

    fn width(&self, line: &bidi::Line, size: f32) -> f32 {
        self.pieces(line).iter().map(|p| self.piece_width(p, size)).sum()
    }
}

/// Sends a PDF to the station's default printer through CUPS (`lp`), by a pipe: no file.
pub fn print(pdf: &[u8]) -> Result<(), SlipError> {
    use std::io::Write;
    let mut child = std::process::Command::new("lp")
        .args(["-s", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| SlipError::Print(format!("no printing system (CUPS `lp`): {e}")))?;
    child
        .stdin
        .take()
        .ok_or_else(|| SlipError::Print("lp has no input".into()))?
        .write_all(pdf)
        .map_err(|e| SlipError::Print(e.to_string()))?;
    let out = child.wait_with_output().map_err(|e| SlipError::Print(e.to_string()))?;
    if !out.status.success() {
        return Err(SlipError::Print(String::from_utf8_lossy(&out.stderr).trim().to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip() -> Slip {
        Slip {
            enrollment_id: "0194f3c2-7b1e-7c3a-9d2e-5f6a7b8c9d0e".into(),
            sequence: 42,
            name_ar: "ليلى خالد حسن منصور".into(),
            name_latin: "Layla Khalid Hasan Mansour".into(),
            date: "2026-11-27".into(),
            centre: "RAM-01".into(),
            station: "ST-0007".into(),
        }
    }

    #[test]
    fn qr_code_holds_the_enrollment_id() {
        let (n, dark) = slip().qr().unwrap();
        assert_eq!(dark.len(), n * n);
        // A 36-byte id at level M needs version 3 (29 modules).
        assert_eq!(n, 29);
        // The finder pattern's corner module is dark, the module inside its white ring light.
        assert!(dark[0] && !dark[n + 1]);
    }

    #[test]
    fn pdf_is_one_page_with_embedded_fonts() {
        let tr = Translations::load().unwrap();
        let pdf = slip().pdf(&tr).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Type/Pages/Count 1/"), "one page");
        assert!(text.contains("NotoNaskhArabic"), "the Arabic font is embedded");
        assert!(text.contains("NotoSans"), "the Latin font is embedded");
    }
}
