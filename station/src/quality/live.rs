//! Live verdicts on preview frames: what the clerk and the applicant are told while the camera
//! runs ("too dark", "hold still", "move closer"), and the shapes the kiosk draws over the image.
//!
//! Every device's frames are measured for exposure and motion on the region that matters (where
//! ICAO wants the head, or the whole frame); face frames also get the full face assessment
//! ([`super::face`], without BRISQUE, which is for the capture). The verdict never blocks a
//! capture by itself: the capture step applies the thresholds.

use drivers::sim::Image;

use super::{Assessment, FaceThresholds, Instruction};

/// A rectangle in image pixels: left, top, width, height.
pub type Box2 = [f32; 4];

/// What one preview frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The first thing to fix, or [`Instruction::Ready`].
    pub instruction: Instruction,
    /// Mean brightness (0-255) of the measured region.
    pub brightness: f32,
    /// Share of the measured region's pixels burnt out (255), in percent: glare or over-exposure.
    pub clipped_percent: f32,
    /// Mean absolute change from the previous frame (0-255); none for the first frame.
    pub motion: Option<f32>,
    /// Where the head should be (ICAO 9303 proportions), for face cameras.
    pub guide: Option<Box2>,
    /// The face found, and the line through the eyes (x1, y1, x2, y2), once detection exists.
    pub face: Option<Box2>,
    pub eyes: Option<[f32; 4]>,
    /// The face assessment behind the instruction (face cameras).
    pub assessment: Option<Assessment>,
    /// Why the face could not be judged (a model file missing), for the clerk.
    pub problem: Option<crate::messages::Message>,
}

/// Brightness bounds of a usable frame (the face region for face cameras).
pub const DARK_BELOW: f32 = 70.0;
pub const BRIGHT_ABOVE: f32 = 215.0;
/// Mean per-pixel change between consecutive frames above which the subject is moving.
pub const MOVING_ABOVE: f32 = 12.0;

/// The head region ICAO asks for in a full frontal image: the head 50-75 % of the image height
/// high, centred horizontally; here a box 60 % high and 45 % of the height wide, its top at 15 %.
pub fn icao_guide(width: u32, height: u32) -> Box2 {
    let (w, h) = (width as f32, height as f32);
    let gh = 0.6 * h;
    let gw = 0.75 * gh;
    [(w - gw) / 2.0, 0.15 * h, gw, gh]
}

/// Samples the grey level of `img` on a grid inside `region` (every `step` pixels).
fn samples(img: &Image, region: Box2, step: usize) -> Vec<u8> {
    let c = img.channels as usize;
    let (x0, y0) = (region[0].max(0.0) as usize, region[1].max(0.0) as usize);
    let x1 = ((region[0] + region[2]) as usize).min(img.width as usize);
    let y1 = ((region[1] + region[3]) as usize).min(img.height as usize);
    let mut out = Vec::new();
    for y in (y0..y1).step_by(step) {
        for x in (x0..x1).step_by(step) {
            let i = (y * img.width as usize + x) * c;
            let v = match c {
                3 | 4 => ((img.data[i] as u32 * 77 + img.data[i + 1] as u32 * 150 + img.data[i + 2] as u32 * 29) >> 8) as u8,
                _ => img.data[i],
            };
            out.push(v);
        }
    }
    out
}

/// Judges a preview frame; `previous` is the last frame's sample grid (returned for the next
/// call), `face` says whether the device is a face camera.
pub fn judge(img: &Image, face: bool, previous: Option<&[u8]>) -> (Verdict, Vec<u8>) {
    let guide = face.then(|| icao_guide(img.width, img.height));
    let region = guide.unwrap_or([0.0, 0.0, img.width as f32, img.height as f32]);
    let grid = samples(img, region, 4);
    let n = grid.len().max(1) as f32;
    let brightness = grid.iter().map(|v| *v as f32).sum::<f32>() / n;
    let clipped_percent = grid.iter().filter(|v| **v == 255).count() as f32 * 100.0 / n;
    let motion = previous.filter(|p| p.len() == grid.len()).map(|p| p.iter().zip(&grid).map(|(a, b)| a.abs_diff(*b) as f32).sum::<f32>() / n);
    let instruction = if brightness < DARK_BELOW {
        Instruction::TooDark
    } else if brightness > BRIGHT_ABOVE || clipped_percent > 1.0 {
        Instruction::TooBright
    } else if motion.is_some_and(|m| m > MOVING_ABOVE) {
        Instruction::HoldStill
    } else {
        Instruction::Ready
    };
    (Verdict { instruction, brightness, clipped_percent, motion, guide, face: None, eyes: None, assessment: None, problem: None }, grid)
}

/// Judges a face camera's frame: exposure and motion as [`judge`], then the face checks; the
/// first thing to fix wins, movement before framing (a moving face is measured badly). `track`
/// carries where the face was from one frame to the next ([`super::face::Track`]).
pub fn judge_face(img: &Image, previous: Option<&[u8]>, track: &mut super::face::Track, t: &FaceThresholds) -> (Verdict, Vec<u8>) {
    let (mut v, grid) = judge(img, true, previous);
    match super::face::assess_tracked(img, t, false, track) {
        Ok(a) => {
            v.face = a.face;
            v.eyes = a.eyes;
            if v.instruction != Instruction::HoldStill {
                v.instruction = a.assessment.instruction;
            }
            v.assessment = Some(a.assessment);
        }
        Err(e) => v.problem = Some(crate::messages::Explain::explain(&e)),
    }
    (v, grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene() -> Image {
        drivers::sim::face_scene(3)
    }

    fn scaled(img: &Image, f: f32) -> Image {
        Image { data: img.data.iter().map(|v| (*v as f32 * f).min(255.0) as u8).collect(), ..img.clone() }
    }

    #[test]
    fn a_well_lit_still_face_is_ready() {
        let img = scene();
        let (v, grid) = judge(&img, true, None);
        assert_eq!(v.instruction, Instruction::Ready, "{v:?}");
        let (v, _) = judge(&img, true, Some(&grid));
        assert_eq!(v.motion, Some(0.0));
        assert_eq!(v.instruction, Instruction::Ready);
    }

    #[test]
    fn darkness_glare_and_motion_each_get_their_instruction() {
        let img = scene();
        assert_eq!(judge(&scaled(&img, 0.3), true, None).0.instruction, Instruction::TooDark);
        assert_eq!(judge(&scaled(&img, 2.5), true, None).0.instruction, Instruction::TooBright);
        let (_, grid) = judge(&img, true, None);
        // The scene shifted 40 px between two frames: the applicant moved.
        let shifted = Image { data: img.data[3 * 40..].iter().chain(&img.data[..3 * 40]).copied().collect(), ..img.clone() };
        assert_eq!(judge(&shifted, true, Some(&grid)).0.instruction, Instruction::HoldStill);
    }

    #[test]
    fn the_simulated_sway_between_frames_is_not_movement() {
        let img = scene();
        let (_, grid) = judge(&drivers::sim::sway(&img, 10), true, None);
        assert_eq!(judge(&drivers::sim::sway(&img, 11), true, Some(&grid)).0.instruction, Instruction::Ready);
    }

    #[test]
    fn guide_sits_in_the_frame() {
        let g = icao_guide(1280, 720);
        assert!(g[0] > 0.0 && g[0] + g[2] < 1280.0 && g[1] + g[3] < 720.0);
    }
}
