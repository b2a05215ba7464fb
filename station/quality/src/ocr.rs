//! Reading a machine-readable zone: a small template matcher for OCR-B, the typeface Doc 9303
//! prescribes, constrained to the MRZ alphabet and to what each position may hold, with
//! look-alike characters (0/O, 1/I, 8/B, 5/S, 2/Z, 6/G) resolved by the check digits.
//!
//! Templates are rendered from the OCR-B font at start; each character cell of the image is cut
//! centred on its ink, scaled to the template size and compared by normalised correlation, so
//! blur and uneven light cost little. The MRZ lines are the long, dense text lines at the foot
//! of the document; the characters per line (30, 36 or 44) fix the pitch.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, point};
use opencv::core::{self, Mat, Size};
use opencv::imgproc;
use opencv::prelude::*;
use schemas::mrz::{CharKind, Format, Parsed};
use serde::Serialize;

use super::QualityError;

const OCR_B: &[u8] = include_bytes!("../../../fixtures/fonts/OCRB.otf");
const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
const TW: i32 = 20;
const TH: i32 = 28;

/// Look-alikes in OCR-B that a check digit can tell apart.
const CONFUSABLE: [(char, char); 7] =
    [('0', 'O'), ('1', 'I'), ('8', 'B'), ('5', 'S'), ('2', 'Z'), ('6', 'G'), ('0', 'D')];

struct Templates {
    glyphs: Vec<(char, Vec<f32>)>,
    /// Cell width over the line's ink height.
    aspect: f32,
}

/// Zero mean, unit length (so a dot product is the normalised correlation).
fn normalise(v: &mut [f32]) {
    let n = v.len().max(1) as f32;
    let mean = v.iter().sum::<f32>() / n;
    v.iter_mut().for_each(|x| *x -= mean);
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    v.iter_mut().for_each(|x| *x /= norm);
}

/// Scales an ink map (rows of `w`) into the template size and normalises it.
fn to_template(ink: &[f32], w: i32, h: i32) -> Result<Vec<f32>, QualityError> {
    let m = Mat::new_rows_cols_with_data(h, w, ink)?;
    let mut out = Mat::default();
    imgproc::resize(&m, &mut out, Size::new(TW, TH), 0.0, 0.0, imgproc::INTER_AREA)?;
    let mut v = out.data_typed::<f32>()?.to_vec();
    normalise(&mut v);
    Ok(v)
}

fn templates() -> Result<&'static Templates, QualityError> {
    static T: OnceLock<Result<Templates, String>> = OnceLock::new();
    T.get_or_init(|| build_templates().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| QualityError::BadImage(format!("OCR-B templates: {e}")))
}

fn build_templates() -> Result<Templates, QualityError> {
    let font = FontRef::try_from_slice(OCR_B).map_err(|e| QualityError::BadImage(e.to_string()))?;
    let size = 96.0;
    let scale = PxScale::from(size);
    let outlines: Vec<_> = ALPHABET
        .chars()
        .map(|c| {
            (
                c,
                font.outline_glyph(
                    font.glyph_id(c).with_scale_and_position(scale, point(0.0, size)),
                ),
            )
        })
        .collect();
    // The line's ink spans from the highest top to the lowest bottom of any character.
    let top = outlines
        .iter()
        .filter_map(|(_, o)| o.as_ref().map(|o| o.px_bounds().min.y))
        .fold(f32::MAX, f32::min)
        .floor();
    let bottom = outlines
        .iter()
        .filter_map(|(_, o)| o.as_ref().map(|o| o.px_bounds().max.y))
        .fold(f32::MIN, f32::max)
        .ceil();
    let pitch = size * 0.6; // OCR-B's advance is 0.6 em (10 characters an inch at 2.54 mm pitch).
    let (cw, ch) = (pitch.ceil() as i32, (bottom - top) as i32);
    let mut glyphs = Vec::new();
    for (c, outline) in outlines {
        let Some(o) = outline else { continue };
        let b = o.px_bounds();
        let mut canvas = vec![0f32; (ch * (b.width().ceil() as i32 + 2)) as usize];
        let gw = b.width().ceil() as i32 + 2;
        o.draw(|x, y, cov| {
            let (x, y) = (x as i32 + 1, (b.min.y - top) as i32 + y as i32);
            if x < gw && y >= 0 && y < ch {
                canvas[(y * gw + x) as usize] = cov;
            }
        });
        // A window one pitch wide centred on the ink, as cells are cut from images.
        let (mut sx, mut sm) = (0f32, 0f32);
        for y in 0..ch {
            for x in 0..gw {
                let v = canvas[(y * gw + x) as usize];
                sx += v * x as f32;
                sm += v;
            }
        }
        let cx = sx / sm.max(1e-6);
        let mut cell = vec![0f32; (cw * ch) as usize];
        for y in 0..ch {
            for x in 0..cw {
                let src = (cx - cw as f32 / 2.0 + x as f32).round() as i32;
                if src >= 0 && src < gw {
                    cell[(y * cw + x) as usize] = canvas[(y * gw + src) as usize];
                }
            }
        }
        glyphs.push((c, to_template(&cell, cw, ch)?));
    }
    Ok(Templates { glyphs, aspect: cw as f32 / ch as f32 })
}

/// One character as read: the best candidates with their correlation, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CharRead {
    pub chosen: char,
    pub score: f32,
    #[serde(skip)]
    pub candidates: Vec<(char, f32)>,
}

/// A character changed from the best match so that a check digit holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub line: usize,
    pub position: usize,
    pub from: char,
    pub to: char,
    pub field: &'static str,
}

/// A character of a checked field that a close runner-up could have been without any check
/// digit noticing (8 and S, 0 and K: [`schemas::mrz::check_blind`]). The zone is still taken,
/// but the clerk is asked to compare that character with the document, and a form that types
/// the runner-up there is not refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doubt {
    pub line: usize,
    pub position: usize,
    /// The checked field and the character's place in it (0 = first).
    pub field: &'static str,
    pub index: usize,
    pub read: char,
    pub could_be: char,
    /// How much better `read` matched its template than `could_be` did.
    pub margin: f32,
}

/// A runner-up this close to the character read (in normalised correlation) makes a doubt.
pub(crate) const DOUBT_MARGIN: f32 = 0.05;

/// A character matched its template at least this well is clearly read (calibrated: every
/// character of the zones on the test photographs matches 0.6 or more). Below it, every
/// character a check digit cannot tell from the one read is a doubt, however far behind it
/// came: a letter confusion the check digits cannot see (F for P, L for B) must reach the clerk.
pub const CERTAIN_MATCH: f32 = 0.6;

/// The doubts of a zone read as `reads` (after the check digits' resolutions).
fn doubts(format: Format, reads: &[Vec<CharRead>]) -> Vec<Doubt> {
    let layout = format.layout();
    let mut out = Vec::new();
    // The composite digit spans the other fields: each doubt is told under its own field.
    for field in format.checked_fields().into_iter().filter(|f| f.name != "composite") {
        let mut index = 0;
        for &(l, a, b) in &field.spans {
            for p in a..b {
                let c = &reads[l][p];
                let own =
                    c.candidates.iter().find(|(x, _)| *x == c.chosen).map_or(c.score, |x| x.1);
                // The filler '<' counts as 0 but is not a character of the field's text.
                let rival = c.candidates.iter().find(|(x, _)| {
                    *x != '<'
                        && c.chosen != '<'
                        && schemas::mrz::check_blind(c.chosen, *x)
                        && layout[l][p].allows(*x)
                });
                if let Some(&(could_be, s)) = rival
                    && (own - s <= DOUBT_MARGIN || own < CERTAIN_MATCH)
                {
                    out.push(Doubt {
                        line: l,
                        position: p,
                        field: field.name,
                        index,
                        read: c.chosen,
                        could_be,
                        margin: own - s,
                    });
                }
                index += 1;
            }
        }
    }
    out
}

/// What was read of a machine-readable zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MrzRead {
    pub format: &'static str,
    pub lines: Vec<String>,
    /// The weakest and the mean character match (normalised correlation, 1 is perfect).
    pub min_match: f32,
    pub mean_match: f32,
    pub resolved: Vec<Resolution>,
    /// Characters the check digits cannot vouch for.
    pub doubts: Vec<Doubt>,
    /// The fields with every check digit's result (None if the lines do not parse).
    pub parsed: Option<Parsed>,
}

impl MrzRead {
    /// Whether the zone can be taken as read: every check digit holds, every character matched
    /// its template at least `min_match`, the dates are calendar dates and both state codes
    /// are codes an MRZ may hold. (Check digits alone
    /// are not enough: with look-alike swaps allowed, a line of print that is no MRZ can be
    /// bent to satisfy them.)
    pub fn trustworthy(&self, min_match: f32) -> bool {
        let date = |d: &str| {
            let n = |a: usize| d.get(a..a + 2).and_then(|x| x.parse::<u32>().ok());
            matches!((n(2), n(4)), (Some(1..=12), Some(1..=31)))
        };
        let states = |p: &Parsed| {
            schemas::mrz::is_state_code(&p.data.issuing_state)
                && schemas::mrz::is_state_code(&p.data.nationality)
        };
        self.min_match >= min_match
            && self.parsed.as_ref().is_some_and(|p| {
                p.all_ok() && date(&p.data.birth_date) && date(&p.data.expiry_date) && states(p)
            })
    }
}

/// A text line found in the image: rows y0..y1, ink from x0 to x1.
#[derive(Debug, Clone, Copy)]
struct Line {
    y0: i32,
    y1: i32,
    x0: i32,
    x1: i32,
}

/// Dark ink over a lighter local background, 0-255 (255 most ink), as f32 rows.
fn ink_map(grey: &Mat) -> Result<Mat, QualityError> {
    // Background: a wide blur; ink is how much darker than it each pixel is.
    let mut bg = Mat::default();
    imgproc::blur(
        grey,
        &mut bg,
        Size::new(41, 41),
        core::Point::new(-1, -1),
        core::BORDER_REPLICATE,
    )?;
    let mut ink = Mat::default();
    core::subtract(&bg, grey, &mut ink, &core::no_array(), core::CV_32F)?;
    let mut clipped = Mat::default();
    imgproc::threshold(&ink, &mut clipped, 0.0, 0.0, imgproc::THRESH_TOZERO)?;
    Ok(clipped)
}

/// The text lines: runs of rows where much of the width carries ink.
fn find_lines(ink: &Mat) -> Result<Vec<Line>, QualityError> {
    let (w, h) = (ink.cols(), ink.rows());
    let data = ink.data_typed::<f32>()?;
    let dark = |x: i32, y: i32| data[(y * w + x) as usize] > 40.0;
    let margin = w / 40;
    let rows: Vec<usize> =
        (0..h).map(|y| (margin..w - margin).filter(|x| dark(*x, y)).count()).collect();
    let min_row = (w as f32 * 0.04) as usize;
    let mut lines = Vec::new();
    let mut y = 0;
    while y < h {
        if rows[y as usize] > min_row {
            let y0 = y;
            while y < h && rows[y as usize] > min_row {
                y += 1;
            }
            let y1 = y;
            if y1 - y0 >= 8 {
                // Columns with ink in this band: the line's extent, ignoring lone specks.
                // The outer 2.5 % are left out: a straightened photograph keeps slivers of the
                // desk there, and Doc 9303 keeps the zone further from the edge.
                let margin = w / 40;
                let cols: Vec<bool> = (0..w)
                    .map(|x| {
                        x >= margin
                            && x < w - margin
                            && (y0..y1).filter(|yy| dark(x, *yy)).count() >= 2
                    })
                    .collect();
                let x0 = cols.iter().position(|c| *c).unwrap_or(0) as i32;
                let x1 = cols.iter().rposition(|c| *c).unwrap_or(0) as i32 + 1;
                lines.push(Line { y0, y1, x0, x1 });
            }
        }
        y += 1;
    }
    Ok(lines)
}

/// Reads every cell of `line` as `n` characters of the kinds given.
fn read_line(
    ink: &Mat,
    line: Line,
    kinds: &[CharKind],
    t: &Templates,
) -> Result<Vec<CharRead>, QualityError> {
    let w = ink.cols();
    let data = ink.data_typed::<f32>()?;
    let n = kinds.len() as f32;
    let pitch = (line.x1 - line.x0) as f32 / n;
    let (pad_y, ch) = (1, line.y1 - line.y0 + 2);
    // The window is as wide, for the line's height, as the templates' cells: printers space
    // characters differently, but the glyphs keep their shape.
    let cw = ((ch as f32 * t.aspect).round() as i32).max(4);
    let mut out = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let centre = line.x0 as f32 + (i as f32 + 0.5) * pitch;
        // Re-centre the window on the cell's ink.
        let (mut sx, mut sm) = (0f32, 0f32);
        for y in (line.y0 - pad_y).max(0)..(line.y1 + pad_y).min(ink.rows()) {
            for x in (centre - pitch / 2.0) as i32..(centre + pitch / 2.0) as i32 {
                if x >= 0 && x < w {
                    let v = data[(y * w + x) as usize];
                    sx += v * x as f32;
                    sm += v;
                }
            }
        }
        let cx = if sm > 0.0 { sx / sm } else { centre };
        let cx = cx.clamp(centre - pitch * 0.3, centre + pitch * 0.3);
        let mut cell = vec![0f32; (cw * ch) as usize];
        for yy in 0..ch {
            let y = line.y0 - pad_y + yy;
            for xx in 0..cw {
                let x = (cx - cw as f32 / 2.0 + xx as f32).round() as i32;
                if x >= 0 && x < w && y >= 0 && y < ink.rows() {
                    cell[(yy * cw + xx) as usize] = data[(y * w + x) as usize];
                }
            }
        }
        let v = to_template(&cell, cw, ch)?;
        let mut candidates: Vec<(char, f32)> = t
            .glyphs
            .iter()
            .filter(|(c, _)| kind.allows(*c))
            .map(|(c, g)| (*c, g.iter().zip(&v).map(|(a, b)| a * b).sum::<f32>()))
            .collect();
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (chosen, score) = candidates.first().copied().unwrap_or(('<', 0.0));
        out.push(CharRead { chosen, score, candidates });
    }
    Ok(out)
}

/// A look-alike swap: line, position, the character put there, and the match it loses.
type Swap = (usize, usize, char, f32);

/// Makes failing check digits hold by swapping look-alikes the position allows: every single
/// swap first, cheapest (smallest loss of match) first, then pairs by their summed loss; at
/// most two per field.
fn resolve(format: Format, reads: &mut [Vec<CharRead>]) -> Vec<Resolution> {
    let layout = format.layout();
    let mut done = Vec::new();
    for field in format.checked_fields() {
        let chars = |r: &[Vec<CharRead>]| {
            r.iter().map(|l| l.iter().map(|c| c.chosen).collect::<Vec<_>>()).collect::<Vec<_>>()
        };
        if field.holds(&chars(reads)) {
            continue;
        }
        // Positions of the field (and its digit) with a look-alike the layout allows.
        let mut options: Vec<Swap> = Vec::new();
        let positions = field
            .spans
            .iter()
            .flat_map(|(l, a, b)| (*a..*b).map(move |p| (*l, p)))
            .chain(std::iter::once(field.digit));
        for (l, p) in positions {
            let c = &reads[l][p];
            for (a, b) in CONFUSABLE {
                let alt = if c.chosen == a {
                    b
                } else if c.chosen == b {
                    a
                } else {
                    continue;
                };
                if layout[l][p].allows(alt) {
                    let s = c.candidates.iter().find(|(x, _)| *x == alt).map_or(-1.0, |x| x.1);
                    options.push((l, p, alt, c.score - s));
                }
            }
            // The second-best candidate, whatever it is, for the check digit itself.
            if (l, p) == field.digit
                && let Some((alt, s)) = c.candidates.get(1)
            {
                options.push((l, p, *alt, c.score - s));
            }
        }
        options.sort_by(|a, b| a.3.total_cmp(&b.3));
        // One swap before any two (two cheap swaps that happen to hold are likelier a wrong
        // reading than one swap that does), each in order of the match they lose.
        let base = chars(reads);
        let holds_with = |swaps: &[&Swap]| {
            let mut trial = base.clone();
            for (l, p, to, _) in swaps.iter().copied() {
                trial[*l][*p] = *to;
            }
            field.holds(&trial)
        };
        let mut fixed: Option<Vec<Swap>> =
            options.iter().find(|a| holds_with(&[a])).map(|a| vec![*a]);
        if fixed.is_none() {
            let mut pairs: Vec<(&Swap, &Swap)> = options
                .iter()
                .enumerate()
                .flat_map(|(i, a)| {
                    options[i + 1..]
                        .iter()
                        .filter(move |b| (b.0, b.1) != (a.0, a.1))
                        .map(move |b| (a, b))
                })
                .collect();
            pairs.sort_by(|x, y| (x.0.3 + x.1.3).total_cmp(&(y.0.3 + y.1.3)));
            fixed = pairs.into_iter().find(|(a, b)| holds_with(&[a, b])).map(|(a, b)| vec![*a, *b]);
        }
        for (l, p, to, _) in fixed.unwrap_or_default() {
            done.push(Resolution {
                line: l,
                position: p,
                from: reads[l][p].chosen,
                to,
                field: field.name,
            });
            reads[l][p].chosen = to;
        }
    }
    done
}

/// How many of a position's best candidates a state code may be made of.
const STATE_CANDIDATES: usize = 3;

/// Makes a state code that is no code (no check digit guards them) into the code its
/// characters' candidates spell at the least loss of match, if any does: at a blur where
/// U reads as D, "DTD" has the candidates of "UTO" close behind.
fn resolve_states(format: Format, reads: &mut [Vec<CharRead>]) -> Vec<Resolution> {
    let mut done = Vec::new();
    for (name, l, p) in format.state_fields() {
        let cells = &reads[l][p..p + 3];
        let written: String = cells.iter().map(|c| c.chosen).collect();
        if schemas::mrz::is_state_code(&written) {
            continue;
        }
        let options = |i: usize| {
            cells[i]
                .candidates
                .iter()
                .take(STATE_CANDIDATES)
                .map(move |(c, s)| (*c, cells[i].score - s))
        };
        let mut best: Option<([char; 3], f32)> = None;
        for (a, la) in options(0) {
            for (b, lb) in options(1) {
                for (c, lc) in options(2) {
                    let code: String = [a, b, c].iter().collect();
                    let loss = la + lb + lc;
                    if schemas::mrz::is_state_code(&code) && best.is_none_or(|(_, l)| loss < l) {
                        best = Some(([a, b, c], loss));
                    }
                }
            }
        }
        let Some((code, _)) = best else { continue };
        for (i, to) in code.into_iter().enumerate() {
            let from = reads[l][p + i].chosen;
            if from != to {
                done.push(Resolution { line: l, position: p + i, from, to, field: name });
                reads[l][p + i].chosen = to;
            }
        }
    }
    done
}

/// Reads the MRZ of a (perspective-corrected) document image in grey; None when no MRZ-like
/// lines are found.
pub(crate) fn read_mrz(grey: &Mat) -> Result<Option<MrzRead>, QualityError> {
    let t = templates()?;
    let ink = ink_map(grey)?;
    let w = ink.cols();
    // MRZ lines are long: most of the document's width.
    let lines: Vec<Line> =
        find_lines(&ink)?.into_iter().filter(|l| (l.x1 - l.x0) as f32 >= w as f32 * 0.6).collect();
    let mut best: Option<(f32, MrzRead)> = None;
    for format in Format::ALL {
        let (n, len) = format.shape();
        if lines.len() < n {
            continue;
        }
        let chosen = &lines[lines.len() - n..];
        // OCR-B at 10 characters an inch is about as wide a pitch as it is tall.
        let pitch = (chosen[0].x1 - chosen[0].x0) as f32 / len as f32;
        let height = (chosen[0].y1 - chosen[0].y0) as f32;
        if !(0.5..=1.6).contains(&(pitch / height)) {
            continue;
        }
        let layout = format.layout();
        let mut reads = Vec::new();
        for (line, kinds) in chosen.iter().zip(&layout) {
            reads.push(read_line(&ink, *line, kinds, t)?);
        }
        let mut resolved = resolve(format, &mut reads);
        resolved.extend(resolve_states(format, &mut reads));
        let text: Vec<String> =
            reads.iter().map(|l| l.iter().map(|c| c.chosen).collect()).collect();
        let scores: Vec<f32> = reads.iter().flatten().map(|c| c.score).collect();
        let min_match = scores.iter().copied().fold(f32::MAX, f32::min);
        let mean_match = scores.iter().sum::<f32>() / scores.len().max(1) as f32;
        let refs: Vec<&str> = text.iter().map(String::as_str).collect();
        let parsed = schemas::mrz::parse(&refs).ok();
        let ok = parsed.as_ref().map_or(0, |p| p.checks.iter().filter(|c| c.ok).count());
        let rank = mean_match + ok as f32;
        let doubts = doubts(format, &reads);
        let read = MrzRead {
            format: format.name(),
            lines: text,
            min_match,
            mean_match,
            resolved,
            doubts,
            parsed,
        };
        if best.as_ref().is_none_or(|(r, _)| rank > *r) {
            best = Some((rank, read));
        }
    }
    Ok(best.map(|(_, r)| r))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads as a matcher would give them: each character best, with a look-alike second.
    fn reads(lines: &[&str]) -> Vec<Vec<CharRead>> {
        lines
            .iter()
            .map(|l| {
                l.chars()
                    .map(|c| CharRead {
                        chosen: c,
                        score: 0.9,
                        candidates: vec![(c, 0.9), (alt(c), 0.85)],
                    })
                    .collect()
            })
            .collect()
    }

    fn alt(c: char) -> char {
        CONFUSABLE
            .iter()
            .find_map(|(a, b)| {
                if *a == c {
                    Some(*b)
                } else if *b == c {
                    Some(*a)
                } else {
                    None
                }
            })
            .unwrap_or('<')
    }

    #[test]
    fn look_alikes_are_resolved_by_the_check_digits() {
        // ICAO's TD3 specimen with its document number misread: L898902C3 as L8989O2C3 and B.
        let good = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ];
        let bad = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L8989O2C36UTO7408122F1204159ZE184226B<<<<<10",
        ];
        let mut r = reads(&bad);
        let done = resolve(Format::Td3, &mut r);
        let text: Vec<String> = r.iter().map(|l| l.iter().map(|c| c.chosen).collect()).collect();
        assert_eq!(text, good);
        assert_eq!(
            done,
            vec![Resolution { line: 1, position: 5, from: 'O', to: '0', field: "document number" }]
        );
        // Nothing to resolve in a zone whose digits hold.
        let mut r = reads(&good);
        assert!(resolve(Format::Td3, &mut r).is_empty());
    }

    #[test]
    fn one_swap_that_makes_the_digit_hold_wins_over_two_cheaper_ones() {
        // Salma's card (401234562) blurred at sigma 1.6, as measured: O beat 0, and two cheap
        // swaps (1 to I, 2 to Z) also make the check digit hold; reading 4OIZ34562 instead of
        // fixing the O was a wrong number with every check digit holding.
        let zone = [
            "IDPSE4012345621<<<<<<<<<<<<<<<",
            "9005123F3103016PSE<<<<<<<<<<<6",
            "AL<KHATIB<<SALMA<YOUSEF<MAHMOU",
        ];
        let mut r = reads(&zone);
        r.iter_mut().flatten().for_each(|c| c.candidates.truncate(1));
        r[0][6] =
            CharRead { chosen: 'O', score: 0.883, candidates: vec![('O', 0.883), ('0', 0.793)] };
        r[0][7] =
            CharRead { chosen: '1', score: 0.907, candidates: vec![('1', 0.907), ('I', 0.637)] };
        r[0][8] =
            CharRead { chosen: '2', score: 0.831, candidates: vec![('2', 0.831), ('Z', 0.749)] };
        let swapped: String = zone[0]
            .chars()
            .enumerate()
            .map(|(i, c)| match i {
                6 => 'O',
                7 => 'I',
                8 => 'Z',
                _ => c,
            })
            .collect();
        assert!(
            Format::Td1.checked_fields()[0].holds(&[
                swapped.chars().collect(),
                zone[1].chars().collect(),
                zone[2].chars().collect()
            ]),
            "the two-swap reading holds too"
        );
        let done = resolve(Format::Td1, &mut r);
        let line: String = r[0].iter().map(|c| c.chosen).collect();
        assert_eq!(line, zone[0]);
        assert_eq!(
            done.iter().map(|d| (d.position, d.from, d.to)).collect::<Vec<_>>(),
            vec![(6, 'O', '0')]
        );
    }

    #[test]
    fn characters_a_check_digit_cannot_vouch_for_are_doubts() {
        let zone = [
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ];
        let mut r = reads(&zone);
        // No runner-up the check digits are blind to: no doubt.
        r.iter_mut().flatten().for_each(|c| c.candidates.truncate(1));
        assert!(doubts(Format::Td3, &r).is_empty());
        // The number's second 8 with S close behind; its first 8 with S far behind; the birth
        // date's 7, digits only, with a close letter it may not hold.
        r[1][3] = CharRead {
            chosen: '8',
            score: 0.80,
            candidates: vec![('8', 0.80), ('S', 0.78), ('B', 0.7)],
        };
        r[1][1] = CharRead { chosen: '8', score: 0.90, candidates: vec![('8', 0.90), ('S', 0.60)] };
        r[1][13] =
            CharRead { chosen: '7', score: 0.80, candidates: vec![('7', 0.80), ('H', 0.79)] };
        let d = doubts(Format::Td3, &r);
        assert_eq!(
            d.iter().map(|d| (d.field, d.index, d.read, d.could_be)).collect::<Vec<_>>(),
            vec![("document number", 3, '8', 'S')]
        );
        assert!((d[0].margin - 0.02).abs() < 1e-6);
        // A reading that is not clearly certain: the number's L, matched at 0.55, with B (21
        // and 11: the same check-digit value modulo 10) far behind. The margin is no comfort
        // when the character itself matched poorly: a doubt.
        r[1][0] = CharRead {
            chosen: 'L',
            score: 0.55,
            candidates: vec![('L', 0.55), ('E', 0.50), ('B', 0.35)],
        };
        let d = doubts(Format::Td3, &r);
        assert_eq!(
            d.iter().map(|d| (d.field, d.index, d.read, d.could_be)).collect::<Vec<_>>(),
            vec![("document number", 0, 'L', 'B'), ("document number", 3, '8', 'S')]
        );
        // The same far-behind B after a clear reading of L: no doubt.
        r[1][0].score = 0.9;
        r[1][0].candidates[0].1 = 0.9;
        assert_eq!(doubts(Format::Td3, &r).len(), 1);
    }

    #[test]
    fn a_misread_state_code_becomes_the_code_its_candidates_spell() {
        // The TD1 specimen's nationality read as DTD (U and O blurred into D), with U and O
        // the second candidates: no check digit sees it, the list of codes does.
        let good = [
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ];
        let mut r = reads(&good);
        for (i, second) in [(15, 'U'), (17, 'O')] {
            r[1][i] = CharRead {
                chosen: 'D',
                score: 0.8,
                candidates: vec![('D', 0.8), (second, 0.78), ('B', 0.5)],
            };
        }
        let done = resolve_states(Format::Td1, &mut r);
        let line: String = r[1].iter().map(|c| c.chosen).collect();
        assert_eq!(line, good[1]);
        assert_eq!(
            done.iter().map(|d| (d.position, d.from, d.to, d.field)).collect::<Vec<_>>(),
            vec![(15, 'D', 'U', "nationality"), (17, 'D', 'O', "nationality")]
        );
        // A code already valid is left alone, even when a candidate would spell another.
        let mut r = reads(&good);
        assert!(resolve_states(Format::Td1, &mut r).is_empty());
    }

    #[test]
    fn templates_cover_the_alphabet_and_tell_characters_apart() {
        let t = templates().unwrap();
        assert_eq!(t.glyphs.len(), ALPHABET.len());
        // Every template matches itself best.
        for (c, g) in &t.glyphs {
            let best = t
                .glyphs
                .iter()
                .max_by(|a, b| {
                    a.1.iter()
                        .zip(g)
                        .map(|(x, y)| x * y)
                        .sum::<f32>()
                        .total_cmp(&b.1.iter().zip(g).map(|(x, y)| x * y).sum::<f32>())
                })
                .unwrap();
            assert_eq!(best.0, *c);
        }
    }
}
