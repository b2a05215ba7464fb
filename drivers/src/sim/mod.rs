//! Simulated devices: deterministic synthetic images for demo mode, training and tests.
//!
//! Every image here is made from a seed, so the same seed gives the same bytes on every machine.
//! They are made, not captured: a fingerprint is grown from an orientation field (loop, whorl,
//! arch) inside a fingertip shape at 500 ppi; an iris has a pupil, a textured iris
//! of at least 210 px diameter, eyelids and a specular reflection, cropped to the K3 geometry; a
//! face is a real, public-domain portrait varied per seed; a document is an ID-1 card with the
//! holder's photograph and a machine-readable zone printed in OCR-B.
//! Devices built on these say `DeviceKind::Simulated` wherever they are recorded.

use std::f32::consts::PI;

mod document;
mod face;
mod finger;
pub use finger::{Pattern, fingerprint};

use crate::raster::Image;

/// SplitMix64: a tiny, well-known deterministic generator for reproducible synthetic images.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
}

/// A near-infrared iris image cropped to K3 (iris centred, margins around it), grey.
/// Returns the image and the iris diameter in pixels.
pub fn iris(seed: u64, right_eye: bool) -> (Image, u16) {
    let mut rng = Rng::new(seed ^ if right_eye { 0x5151 } else { 0xa1a1 });
    let radius = rng.range(112.0, 125.0); // diameter 224-250 px
    let pupil = radius * rng.range(0.3, 0.45);
    let (width, height) = ((radius * 4.0) as u32, (radius * 3.0) as u32);
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let (pcx, pcy) = (cx + rng.range(-4.0, 4.0), cy + rng.range(-3.0, 3.0));
    let spokes: Vec<(f32, f32, f32)> = (0..24)
        .map(|_| (rng.range(6.0, 40.0), rng.range(0.0, 2.0 * PI), rng.range(3.0, 12.0)))
        .collect();
    let lid_top = cy - radius * rng.range(0.75, 0.9);
    let lid_bottom = cy + radius * rng.range(0.8, 0.95);
    let glint = (pcx + pupil * 0.4, pcy - pupil * 0.3);
    let mut data = vec![0u8; (width * height) as usize];
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            let d = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt();
            let dp = ((fx - pcx).powi(2) + (fy - pcy).powi(2)).sqrt();
            let a = (fy - cy).atan2(fx - cx);
            let mut v = if dp < pupil {
                25.0
            } else if d < radius {
                let t = (d - pupil) / (radius - pupil);
                let mut tex = 0.0;
                for (k, ph, amp) in &spokes {
                    tex += amp * (k * a + ph + 6.0 * t).sin() / spokes.len() as f32 * 4.0;
                }
                110.0 + 30.0 * (t * 9.0).sin() * 0.3 + tex - 25.0 * t
            } else {
                190.0 - 20.0 * ((d - radius) / radius).min(1.0)
            };
            // Eyelids: parabolas closing over the top and bottom of the eye.
            let curve = ((fx - cx) / (width as f32 * 0.6)).powi(2) * radius;
            if fy < lid_top + curve || fy > lid_bottom - curve {
                v = 150.0 + 20.0 * ((fx * 0.05).sin());
            }
            if ((fx - glint.0).powi(2) + (fy - glint.1).powi(2)).sqrt() < 6.0 {
                v = 250.0;
            }
            data[(y * width + x) as usize] = v.clamp(0.0, 255.0) as u8;
        }
    }
    (Image { width, height, channels: 1, data }, (radius * 2.0) as u16)
}

/// A frontal portrait, RGB, 480x640 (ICAO proportions), from a real photograph (see
/// `fixtures/faces/`), varied per seed: framing, mirror image, exposure and white balance.
pub fn face(seed: u64) -> Image {
    face::portrait(seed, 480, 640)
}

/// What a 1280x720 face camera sees: the portrait at 540 px high in front of a plain wall.
pub fn face_scene(seed: u64) -> Image {
    let (w, h) = (1280u32, 720u32);
    let p = face::portrait(seed, 405, 540);
    let mut data = vec![0u8; (w * h * 3) as usize];
    for (i, px) in data.chunks_exact_mut(3).enumerate() {
        let y = i as u32 / w;
        // A wall lit from above: a gentle vertical gradient.
        let v = 200 - (y * 40 / h) as u8;
        px.copy_from_slice(&[v, v, v.saturating_sub(6)]);
    }
    let (x0, y0) = ((w - p.width) / 2, (h - p.height) / 2 + 40);
    for row in 0..p.height {
        let src = &p.data[(row * p.width * 3) as usize..((row + 1) * p.width * 3) as usize];
        let at = (((y0 + row) * w + x0) * 3) as usize;
        data[at..at + src.len()].copy_from_slice(src);
    }
    Image { width: w, height: h, channels: 3, data }
}

/// A live frame: `still` shifted sideways by a few pixels that change with `sequence`, as a
/// person in front of a camera sways (every frame differs, as from a real sensor).
pub fn sway(still: &Image, sequence: u64) -> Image {
    let dx = ((sequence as f32 * 0.21).sin() * 6.0).round() as i64;
    let c = still.channels as usize;
    let w = still.width as usize;
    let mut data = vec![0u8; still.data.len()];
    for (src, dst) in still.data.chunks_exact(w * c).zip(data.chunks_exact_mut(w * c)) {
        let d = (dx.unsigned_abs() as usize).min(w);
        if dx >= 0 {
            dst[d * c..].copy_from_slice(&src[..(w - d) * c]);
            dst[..d * c].copy_from_slice(&src[..d * c]);
        } else {
            dst[..(w - d) * c].copy_from_slice(&src[d * c..]);
            dst[(w - d) * c..].copy_from_slice(&src[(w - d) * c..]);
        }
    }
    Image { width: still.width, height: still.height, channels: still.channels, data }
}

/// An ID-1 identity card (85.60 x 53.98 mm) photographed flat at about 300 dpi, RGB: the front
/// with the holder's photograph, the back with the machine-readable zone `mrz` printed in OCR-B
/// (or blank lines of filler when none is given).
pub fn id_card(seed: u64, back_side: bool, mrz: Option<&[String]>) -> Image {
    document::id_card(seed, back_side, mrz)
}

/// A passport data page (ID-3) with its two-line TD3 zone, RGB at about 300 dpi.
pub fn passport_page(seed: u64, mrz: &[String]) -> Image {
    document::passport_page(seed, mrz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sway_keeps_the_shape_even_of_tiny_images_and_bad_frames_are_recognised() {
        let tiny = Image { width: 2, height: 1, channels: 1, data: vec![10, 20] };
        for n in 0..40 {
            let f = sway(&tiny, n);
            assert!(f.is_well_formed());
        }
        let scene = face_scene(1);
        assert!(scene.is_well_formed() && sway(&scene, 5).is_well_formed());
        assert_ne!(sway(&scene, 5).data, sway(&scene, 9).data, "frames differ");
        assert!(!Image { width: 4, height: 4, channels: 3, data: vec![0; 47] }.is_well_formed());
        assert!(!Image { width: 1, height: 1, channels: 2, data: vec![0; 2] }.is_well_formed());
    }

    #[test]
    fn images_are_deterministic_and_seed_dependent() {
        assert_eq!(fingerprint(7, 200, 250), fingerprint(7, 200, 250));
        assert_ne!(fingerprint(7, 200, 250).data, fingerprint(8, 200, 250).data);
        assert_eq!(face(3), face(3));
        assert_ne!(iris(1, true).0.data, iris(1, false).0.data);
    }

    #[test]
    fn fingerprints_have_ridges_at_500_ppi_spacing() {
        for seed in 0..10 {
            let f = fingerprint(seed, 400, 500);
            let row: Vec<u8> = (150..250).map(|x| f.data[(250 * 400 + x) as usize]).collect();
            let col: Vec<u8> = (200..300).map(|y| f.data[(y * 400 + 200) as usize]).collect();
            let mut best = 0;
            for line in [&row, &col] {
                let (lo, hi) = (
                    u32::from(*line.iter().min().unwrap()),
                    u32::from(*line.iter().max().unwrap()),
                );
                assert!(hi - lo > 80, "seed {seed}: ridge contrast {lo}..{hi}");
                let mid = ((lo + hi) / 2) as u8;
                best = best.max(line.windows(2).filter(|w| (w[0] < mid) != (w[1] < mid)).count());
            }
            // Across the ridges, a period of 8.5-10 px gives about 20-24 crossings per 100 px.
            assert!((12..=32).contains(&best), "seed {seed}: {best} crossings over 100 px");
        }
    }

    #[test]
    fn faces_are_the_photograph_varied_per_seed() {
        let a = face(1);
        assert_eq!((a.width, a.height, a.channels), (480, 640, 3));
        assert_eq!(a, face(1));
        assert_ne!(a.data, face(2).data);
        // A real photograph: many distinct colours, unlike a drawing.
        let distinct: std::collections::HashSet<_> =
            a.data.chunks(3).map(|p| (p[0], p[1], p[2])).collect();
        assert!(distinct.len() > 5000, "{}", distinct.len());
    }

    #[test]
    fn id_card_back_prints_the_given_mrz() {
        let mrz = [
            "I<UTOD231458907<<<<<<<<<<<<<<<".to_string(),
            "7408122F1204159UTO<<<<<<<<<<<6".to_string(),
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<".to_string(),
        ];
        let dark = |img: &Image| {
            img.data
                .chunks(3)
                .skip((440 * 1012) as usize)
                .filter(|p| p[0] < 80 && p[1] < 80)
                .count()
        };
        let printed = id_card(3, true, Some(&mrz));
        let blank = id_card(3, true, Some(&["<".repeat(30), "<".repeat(30), "<".repeat(30)]));
        assert!(dark(&printed) > dark(&blank) + 2000, "{} vs {}", dark(&printed), dark(&blank));
        assert_ne!(id_card(3, false, None).data, printed.data);
    }

    #[test]
    fn iris_meets_the_registration_diameter() {
        let (img, d) = iris(5, true);
        assert!(d >= 210);
        assert!(img.width >= u32::from(d) && img.height >= u32::from(d));
    }
}
