//! The vendored fonts (OFL, see `station/assets/fonts/README.md`), shared by the kiosk and the
//! printed slip so both look the same on every machine, whatever fonts it has.

/// Noto Naskh Arabic, for right-to-left runs.
pub static ARABIC: &[u8] = include_bytes!("../assets/fonts/NotoNaskhArabic-Regular.ttf");
/// Noto Sans, for left-to-right runs.
pub static LATIN: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");

use std::sync::OnceLock;

/// The shaping face of the font a run is drawn in: Noto Naskh Arabic for right-to-left runs,
/// Noto Sans for the others. `None` only if a vendored font were damaged.
pub fn face(rtl: bool) -> Option<&'static rustybuzz::Face<'static>> {
    static FACES: OnceLock<(Option<rustybuzz::Face<'static>>, Option<rustybuzz::Face<'static>>)> =
        OnceLock::new();
    let (arabic, latin) = FACES.get_or_init(|| {
        (rustybuzz::Face::from_slice(ARABIC, 0), rustybuzz::Face::from_slice(LATIN, 0))
    });
    if rtl { arabic.as_ref() } else { latin.as_ref() }
}

/// Shapes `text` as one run in its direction and tells where each character stands on screen:
/// `(left, right)` from the run's left edge, in ems, one per character in logical order, and the
/// run's whole advance. Characters the shaper joined into one glyph (a lam-alef ligature, a
/// letter and its marks) share that glyph's width equally, the first in reading order on the
/// reading side.
pub fn char_extents(text: &str, rtl: bool) -> Option<(Vec<(f32, f32)>, f32)> {
    let face = face(rtl)?;
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(text);
    buf.set_direction(if rtl {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    });
    let shaped = rustybuzz::shape(face, &[], buf);
    let em = face.units_per_em() as f32;
    // Each cluster's extent on screen (glyphs come in visual order, left to right).
    let mut clusters: Vec<(usize, f32, f32)> = Vec::new();
    let mut x = 0.0;
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        let adv = pos.x_advance as f32 / em;
        let c = info.cluster as usize;
        match clusters.iter_mut().find(|(start, _, _)| *start == c) {
            Some(e) => {
                e.1 = e.1.min(x);
                e.2 = e.2.max(x + adv);
            }
            None => clusters.push((c, x, x + adv)),
        }
        x += adv;
    }
    clusters.sort_by_key(|c| c.0);
    let mut out = vec![(0.0, 0.0); text.chars().count()];
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    for (i, &(start, left, right)) in clusters.iter().enumerate() {
        let end = clusters.get(i + 1).map(|c| c.0).unwrap_or(text.len());
        let members: Vec<usize> = starts
            .iter()
            .enumerate()
            .filter(|(_, b)| **b >= start && **b < end)
            .map(|(k, _)| k)
            .collect();
        let share = (right - left) / members.len().max(1) as f32;
        for (j, k) in members.iter().enumerate() {
            out[*k] = if rtl {
                (right - (j + 1) as f32 * share, right - j as f32 * share)
            } else {
                (left + j as f32 * share, left + (j + 1) as f32 * share)
            };
        }
    }
    Some((out, x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_characters_stand_right_to_left_and_latin_left_to_right() {
        let (ext, total) = char_extents("مرحبا", true).unwrap();
        assert_eq!(ext.len(), 5);
        assert!(total > 0.0);
        for w in ext.windows(2) {
            assert!(
                w[0].0 >= w[1].1 - 1e-3,
                "each letter stands left of the one before it: {ext:?}"
            );
        }
        assert!((ext[0].1 - total).abs() < 1e-3 && ext[4].0.abs() < 1e-3, "{ext:?} {total}");
        let (ext, total) = char_extents("Ahmad", false).unwrap();
        for w in ext.windows(2) {
            assert!(w[0].1 <= w[1].0 + 1e-3);
        }
        assert!((ext[4].1 - total).abs() < 1e-3);
        // Lam-alef is one glyph for two letters: each gets half, lam (first read) on the right.
        let (ext, _) = char_extents("لا", true).unwrap();
        assert!(ext[0].0 >= ext[1].1 - 1e-3 && ext[0].1 > ext[0].0, "{ext:?}");
    }
}
