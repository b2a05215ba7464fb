//! Fingerprint comparison: minutiae templates and their 1:1 score, for officials' finger log-in
//! and for the check that an applicant is not one of the station's officials.
//!
//! Extraction is NIST's MINDTCT and comparison NIST's BOZORTH3, both from NBIS, through the
//! pure-Rust ports `fprint-mindtct` and `fprint-bozorth3`. Why these and not a binding to the C
//! library (`nbis-rs`): the ports are checked by their authors to reproduce the stock tools'
//! output exactly, they have no dependencies and no `unsafe` code (a template read from the
//! database or an image from a device goes into memory-safe code only), and they compile in
//! seconds; the binding carries NBIS's C, `uniffi` and `imageproc`, and panics on some inputs.
//! The station's tests compare them with the C library as PyPI's `nbis-py` builds it.
//!
//! Images are brought to 500 ppi first (MINDTCT's thresholds are set for it). A template keeps
//! the [`MAX_MINUTIAE`] most reliable minutiae, the number BOZORTH3 itself compares, and is stored
//! as an ISO/IEC 19794-2:2005 record ([`schemas::iso19794::minutiae`]).

use drivers::raster::Image;
use opencv::prelude::*;
use schemas::iso19794::minutiae::{
    Minutia as IsoMinutia, MinutiaType, MinutiaeRecord, MinutiaeView, ppcm_from_ppi, ppi_from_ppcm,
};
use serde::Serialize;

use super::QualityError;

/// The matcher's name and version, recorded with every score.
pub const ALGORITHM: &str = "nbis-mindtct-bozorth3/fprint-0.1";
/// The minutiae a template keeps (BOZORTH3's own default).
pub const MAX_MINUTIAE: usize = fprint_bozorth3::DEFAULT_BOZORTH_MINUTIAE;
/// Fewer minutiae than this and BOZORTH3 cannot score (it returns 0).
pub const MIN_COMPARABLE: usize = fprint_bozorth3::MIN_COMPUTABLE_BOZORTH_MINUTIAE;

/// Why a finger could not be turned into a template.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum MatchError {
    #[error("the image: {0}")]
    Image(String),
    #[error("only {found} minutiae were found (at least {needed} are needed): capture again")]
    TooFewMinutiae { found: usize, needed: usize },
    #[error("the template: {0}")]
    Template(String),
}

impl From<QualityError> for MatchError {
    fn from(e: QualityError) -> Self {
        MatchError::Image(e.to_string())
    }
}

impl From<opencv::Error> for MatchError {
    fn from(e: opencv::Error) -> Self {
        MatchError::Image(e.to_string())
    }
}

impl station_text::messages::Explain for MatchError {
    fn explain(&self) -> station_text::messages::Message {
        use station_text::messages::Message;
        match self {
            MatchError::TooFewMinutiae { found, needed } => Message::new("finger-too-few-minutiae")
                .number("found", *found as i64)
                .number("needed", *needed as i64),
            MatchError::Image(e) => Message::new("finger-template-image").detail(e),
            MatchError::Template(e) => Message::new("finger-template-bad").detail(e),
        }
    }
}

/// One finger's minutiae at 500 ppi, in NIST's convention (origin bottom left, angles in
/// degrees counter-clockwise from east), the most reliable first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub width: u16,
    pub height: u16,
    /// (x, y, theta, quality 0-100).
    pub minutiae: Vec<(i32, i32, i32, u8)>,
}

/// A 1:1 comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub score: u32,
    pub threshold: u32,
    #[serde(rename = "match")]
    pub matched: bool,
}

/// Every minutia MINDTCT finds in a grey image at 500 ppi.
pub(crate) fn detect(g: &opencv::core::Mat) -> Result<Vec<fprint_mindtct::Minutia>, MatchError> {
    let (w, h) = (g.cols() as usize, g.rows() as usize);
    let data = g.data_bytes()?;
    let gray = fprint_mindtct::GrayImage::new(data, w, h, 500)
        .map_err(|e| MatchError::Image(e.to_string()))?;
    Ok(fprint_mindtct::detect_minutiae(gray))
}

/// Extracts a template from a finger image scanned at `ppi` (0 taken as 500). Refuses an image
/// with fewer than `min_minutiae` minutiae (never fewer than BOZORTH3 can compare).
pub fn extract(img: &Image, ppi: u16, min_minutiae: usize) -> Result<Template, MatchError> {
    let g = crate::finger::at_500ppi(img, ppi)?;
    let (w, h) = (g.cols() as usize, g.rows() as usize);
    if w > 0x3fff || h > 0x3fff {
        return Err(MatchError::Image(format!("{w}x{h} is larger than a template can describe")));
    }
    let mut found = detect(&g)?;
    // Most reliable first; the sort is stable, so equal qualities keep MINDTCT's order.
    found.sort_by_key(|m| std::cmp::Reverse(m.quality));
    found.truncate(MAX_MINUTIAE);
    let needed = min_minutiae.max(MIN_COMPARABLE);
    if found.len() < needed {
        return Err(MatchError::TooFewMinutiae { found: found.len(), needed });
    }
    Ok(Template {
        width: w as u16,
        height: h as u16,
        minutiae: found
            .iter()
            .map(|m| (m.x, m.y, m.theta.rem_euclid(360), m.quality.clamp(0, 100) as u8))
            .collect(),
    })
}

/// BOZORTH3's score of `probe` against `enrolled` (0 when either has too few minutiae).
pub fn score(probe: &Template, enrolled: &Template) -> u32 {
    let p: Vec<_> = probe
        .minutiae
        .iter()
        .map(|&(x, y, t, _)| fprint_bozorth3::Minutia::from_xyt(x, y, t))
        .collect();
    let g: Vec<_> = enrolled
        .minutiae
        .iter()
        .map(|&(x, y, t, _)| fprint_bozorth3::Minutia::from_xyt(x, y, t))
        .collect();
    fprint_bozorth3::match_score(&p, &g)
}

/// The best score of `probe` against any of `enrolled`, judged against `threshold`.
pub fn compare(probe: &Template, enrolled: &[Template], threshold: u32) -> Comparison {
    let score = enrolled.iter().map(|e| score(probe, e)).max().unwrap_or(0);
    Comparison { score, threshold, matched: score >= threshold }
}

impl Template {
    /// The ISO/IEC 19794-2:2005 record of this finger (`position`: ISO code, 0 unknown).
    pub fn to_iso(&self, position: u8) -> Result<Vec<u8>, MatchError> {
        let h = i32::from(self.height);
        let minutiae = self
            .minutiae
            .iter()
            .map(|&(x, y, t, q)| {
                let (x, y) = (u16::try_from(x).ok()?, u16::try_from(h - 1 - y).ok()?);
                Some(IsoMinutia {
                    kind: MinutiaType::Other,
                    x,
                    y,
                    angle: IsoMinutia::angle_from_degrees(t),
                    quality: q,
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| MatchError::Template("a minutia lies outside the image".into()))?;
        let quality = if self.minutiae.is_empty() {
            0
        } else {
            (self.minutiae.iter().map(|m| u32::from(m.3)).sum::<u32>() / self.minutiae.len() as u32)
                as u8
        };
        MinutiaeRecord {
            width: self.width,
            height: self.height,
            x_resolution: ppcm_from_ppi(500),
            y_resolution: ppcm_from_ppi(500),
            views: vec![MinutiaeView {
                position,
                view_number: 0,
                impression_type: 0,
                quality,
                minutiae,
            }],
        }
        .to_bytes()
        .map_err(|e| MatchError::Template(e.to_string()))
    }

    /// Reads a template back from its record: one view, at 500 ppi (what [`Template::to_iso`]
    /// writes), at most [`MAX_MINUTIAE`] minutiae.
    pub fn from_iso(bytes: &[u8]) -> Result<Template, MatchError> {
        let r = MinutiaeRecord::parse(bytes).map_err(|e| MatchError::Template(e.to_string()))?;
        if r.views.len() != 1 {
            return Err(MatchError::Template(format!("{} finger views, not one", r.views.len())));
        }
        let ppi = ppi_from_ppcm(r.x_resolution);
        if ppi_from_ppcm(r.y_resolution) != ppi || !(490..=510).contains(&ppi) {
            return Err(MatchError::Template(format!(
                "recorded at {ppi} x {} ppi, not 500",
                ppi_from_ppcm(r.y_resolution)
            )));
        }
        let v = &r.views[0];
        if v.minutiae.len() > MAX_MINUTIAE {
            return Err(MatchError::Template(format!("{} minutiae", v.minutiae.len())));
        }
        let h = i32::from(r.height);
        Ok(Template {
            width: r.width,
            height: r.height,
            minutiae: v
                .minutiae
                .iter()
                .map(|m| {
                    (
                        i32::from(m.x),
                        h - 1 - i32::from(m.y),
                        i32::from(m.angle_degrees()),
                        m.quality,
                    )
                })
                .collect(),
        })
    }
}
