//! Live verdicts on preview frames: what the clerk and the applicant are told while the camera
//! runs ("too dark", "hold still", "move closer"), and the shapes the kiosk draws over the image.
//!
//! Every device's frames are measured for exposure and motion on the region that matters (where
//! ICAO wants the head, or the whole frame); face frames also get the full face assessment
//! ([`super::face`], without BRISQUE, which is for the capture). The verdict never blocks a
//! capture by itself: the capture step applies the thresholds.
//!
//! [`Judge`] runs these verdicts on a thread of its own for the kiosk's preview.

use drivers::raster::Image;

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
    pub problem: Option<station_text::messages::Message>,
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
                3 | 4 => {
                    ((u32::from(img.data[i]) * 77
                        + u32::from(img.data[i + 1]) * 150
                        + u32::from(img.data[i + 2]) * 29)
                        >> 8) as u8
                }
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
    let brightness = grid.iter().map(|v| f32::from(*v)).sum::<f32>() / n;
    let clipped_percent = grid.iter().filter(|v| **v == 255).count() as f32 * 100.0 / n;
    let motion = previous
        .filter(|p| p.len() == grid.len())
        .map(|p| p.iter().zip(&grid).map(|(a, b)| f32::from(a.abs_diff(*b))).sum::<f32>() / n);
    let instruction = if brightness < DARK_BELOW {
        Instruction::TooDark
    } else if brightness > BRIGHT_ABOVE || clipped_percent > 1.0 {
        Instruction::TooBright
    } else if motion.is_some_and(|m| m > MOVING_ABOVE) {
        Instruction::HoldStill
    } else {
        Instruction::Ready
    };
    (
        Verdict {
            instruction,
            brightness,
            clipped_percent,
            motion,
            guide,
            face: None,
            eyes: None,
            assessment: None,
            problem: None,
        },
        grid,
    )
}

/// Judges a face camera's frame: exposure and motion as [`judge`], then the face checks; the
/// first thing to fix wins, movement before framing (a moving face is measured badly). `track`
/// carries where the face was from one frame to the next ([`super::face::Track`]).
pub fn judge_face(
    img: &Image,
    previous: Option<&[u8]>,
    track: &mut super::face::Track,
    t: &FaceThresholds,
) -> (Verdict, Vec<u8>) {
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
        Err(e) => v.problem = Some(station_text::messages::Explain::explain(&e)),
    }
    (v, grid)
}

/// A verdict and the preview frame it describes.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The frame's sequence number (the device's count).
    pub sequence: u64,
    pub verdict: Verdict,
    /// Time the verdict took, in milliseconds.
    pub millis: f32,
}

/// The judging thread has ended (a panic inside it): its verdicts will not come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the preview's judging thread has stopped")]
pub struct JudgeStopped;

struct Job {
    image: Image,
    sequence: u64,
    face: bool,
    thresholds: FaceThresholds,
    generation: u64,
}

#[derive(Default)]
struct Slot {
    /// The newest frame given and not yet taken by the thread (an older one is replaced).
    job: Option<Job>,
    /// The newest verdict, of the current generation, and whether it was handed out.
    done: Option<Judged>,
    taken: bool,
    /// Frames given, and frames replaced before the thread got to them.
    given: u64,
    skipped: u64,
    generation: u64,
    stop: bool,
}

struct Shared {
    slot: std::sync::Mutex<Slot>,
    wake: std::sync::Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Judges preview frames on a thread of its own, so the screen refresh never waits for the
/// face checks (15-25 ms a frame on this project's reference machine, more on a slow one).
///
/// The kiosk gives it every new frame and takes the newest verdict; a frame that arrives while
/// the thread is busy replaces the one waiting, so verdicts never fall behind the camera. The
/// thread keeps the state that carries from frame to frame (the last frame's grid for motion,
/// the face [`super::face::Track`]) and its own copy of the face models; [`Judge::restart`]
/// forgets that state when a new capture step begins, and verdicts of frames given before are
/// never handed out after it.
pub struct Judge {
    shared: std::sync::Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Judge {
    pub fn start() -> std::io::Result<Judge> {
        let shared = std::sync::Arc::new(Shared {
            slot: std::sync::Mutex::new(Slot::default()),
            wake: std::sync::Condvar::new(),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("preview-judge".into())
            .spawn(move || Self::run(&s))?;
        Ok(Judge { shared, thread: Some(thread) })
    }

    fn run(shared: &Shared) {
        let mut previous: Option<Vec<u8>> = None;
        let mut track = super::face::Track::default();
        let mut generation = 0;
        loop {
            let job = {
                let mut slot = shared.lock();
                loop {
                    if slot.stop {
                        return;
                    }
                    if let Some(job) = slot.job.take() {
                        break job;
                    }
                    slot =
                        shared.wake.wait(slot).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            };
            if job.generation != generation {
                generation = job.generation;
                previous = None;
                track = super::face::Track::default();
            }
            let start = std::time::Instant::now();
            let (verdict, grid) = if job.face {
                judge_face(&job.image, previous.as_deref(), &mut track, &job.thresholds)
            } else {
                judge(&job.image, false, previous.as_deref())
            };
            previous = Some(grid);
            let judged = Judged {
                sequence: job.sequence,
                verdict,
                millis: start.elapsed().as_secs_f32() * 1000.0,
            };
            let mut slot = shared.lock();
            if slot.generation == generation {
                slot.done = Some(judged);
                slot.taken = false;
                shared.wake.notify_all();
            }
        }
    }

    fn alive(&self) -> Result<(), JudgeStopped> {
        if self.thread.as_ref().is_some_and(|t| !t.is_finished()) {
            Ok(())
        } else {
            Err(JudgeStopped)
        }
    }

    /// Forgets the frames given so far and what they showed (a new capture step begins).
    pub fn restart(&self) {
        let mut slot = self.shared.lock();
        slot.generation += 1;
        slot.job = None;
        slot.done = None;
    }

    /// Gives a frame to judge (`face`: with the face checks), replacing one still waiting.
    pub fn give(&self, image: &Image, sequence: u64, face: bool, thresholds: &FaceThresholds) {
        let mut slot = self.shared.lock();
        let generation = slot.generation;
        if slot
            .job
            .replace(Job {
                image: image.clone(),
                sequence,
                face,
                thresholds: thresholds.clone(),
                generation,
            })
            .is_some()
        {
            slot.skipped += 1;
        }
        slot.given += 1;
        self.shared.wake.notify_all();
    }

    /// The newest verdict not handed out yet, if one has come.
    pub fn take(&self) -> Result<Option<Judged>, JudgeStopped> {
        self.alive()?;
        let mut slot = self.shared.lock();
        if slot.taken {
            return Ok(None);
        }
        slot.taken = true;
        Ok(slot.done.clone())
    }

    /// Waits (at most `timeout`) for the verdict of frame `sequence` or a later one, and hands it
    /// out: for tests and screenshots, where each frame is drawn with its own verdict.
    pub fn wait(
        &self,
        sequence: u64,
        timeout: std::time::Duration,
    ) -> Result<Option<Judged>, JudgeStopped> {
        let until = std::time::Instant::now() + timeout;
        let mut slot = self.shared.lock();
        loop {
            if slot.done.as_ref().is_some_and(|d| d.sequence >= sequence) {
                slot.taken = true;
                return Ok(slot.done.clone());
            }
            self.alive()?;
            let now = std::time::Instant::now();
            if now >= until {
                return Ok(None);
            }
            // Woken by each verdict; the bound also notices a thread that died.
            slot = self
                .shared
                .wake
                .wait_timeout(slot, (until - now).min(std::time::Duration::from_millis(50)))
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Frames given, and frames replaced before they were judged.
    pub fn counts(&self) -> (u64, u64) {
        let slot = self.shared.lock();
        (slot.given, slot.skipped)
    }
}

impl Drop for Judge {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            // At most one verdict's time: the thread stops before its next frame.
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene() -> Image {
        drivers::sim::face_scene(3)
    }

    fn scaled(img: &Image, f: f32) -> Image {
        Image {
            data: img.data.iter().map(|v| (f32::from(*v) * f).min(255.0) as u8).collect(),
            ..img.clone()
        }
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
        let shifted = Image {
            data: img.data[3 * 40..].iter().chain(&img.data[..3 * 40]).copied().collect(),
            ..img.clone()
        };
        assert_eq!(judge(&shifted, true, Some(&grid)).0.instruction, Instruction::HoldStill);
    }

    #[test]
    fn the_simulated_sway_between_frames_is_not_movement() {
        let img = scene();
        let (_, grid) = judge(&drivers::sim::sway(&img, 10), true, None);
        assert_eq!(
            judge(&drivers::sim::sway(&img, 11), true, Some(&grid)).0.instruction,
            Instruction::Ready
        );
    }

    #[test]
    fn guide_sits_in_the_frame() {
        let g = icao_guide(1280, 720);
        assert!(g[0] > 0.0 && g[0] + g[2] < 1280.0 && g[1] + g[3] < 720.0);
    }
}

#[cfg(test)]
mod judge_tests {
    use std::time::Duration;

    use super::*;

    const LONG: Duration = Duration::from_secs(30);

    #[test]
    fn the_thread_gives_the_verdicts_judging_in_place_would() {
        let t = FaceThresholds::default();
        let judge = Judge::start().expect("a thread");
        let still = drivers::sim::face_scene(3);
        let (mut previous, mut track) = (None::<Vec<u8>>, crate::face::Track::default());
        for seq in 1..=6 {
            let img = drivers::sim::sway(&still, seq);
            judge.give(&img, seq, true, &t);
            let got = judge.wait(seq, LONG).expect("alive").expect("a verdict");
            let (want, grid) = judge_face(&img, previous.as_deref(), &mut track, &t);
            previous = Some(grid);
            assert_eq!(got.sequence, seq);
            assert_eq!(
                (got.verdict.instruction, got.verdict.face, got.verdict.motion),
                (want.instruction, want.face, want.motion),
                "frame {seq}"
            );
            assert!(got.millis > 0.0);
            // Handed out once.
            assert!(judge.take().expect("alive").is_none());
        }
        assert_eq!(judge.counts(), (6, 0));
    }

    #[test]
    fn a_busy_thread_skips_to_the_newest_frame() {
        let t = FaceThresholds::default();
        let judge = Judge::start().expect("a thread");
        let still = drivers::sim::face_scene(3);
        let frames: Vec<Image> = (1..=8).map(|s| drivers::sim::sway(&still, s)).collect();
        for (i, img) in frames.iter().enumerate() {
            judge.give(img, i as u64 + 1, true, &t);
        }
        let last = judge.wait(8, LONG).expect("alive").expect("a verdict");
        assert_eq!(last.sequence, 8);
        let (given, skipped) = judge.counts();
        assert_eq!(given, 8);
        assert!(skipped >= 1, "eight frames given at once are not all judged: {skipped} skipped");
    }

    #[test]
    fn after_a_restart_no_verdict_of_the_step_before_is_handed_out() {
        let t = FaceThresholds::default();
        let judge = Judge::start().expect("a thread");
        let img = drivers::sim::face_scene(3);
        judge.give(&img, 5, true, &t);
        judge.restart();
        assert!(
            judge.wait(5, Duration::from_millis(500)).expect("alive").is_none(),
            "the old step's frame is forgotten"
        );
        // The next step's frames (a finger scanner's numbering starts again) are judged afresh:
        // no motion is measured against the old step's last frame.
        let finger = drivers::sim::sway(&img, 2);
        judge.give(&finger, 1, false, &t);
        let v = judge.wait(1, LONG).expect("alive").expect("a verdict");
        assert_eq!((v.sequence, v.verdict.motion, v.verdict.face), (1, None, None));
    }

    #[test]
    fn dropping_the_judge_ends_its_thread() {
        let judge = Judge::start().expect("a thread");
        judge.give(&drivers::sim::face_scene(3), 1, true, &FaceThresholds::default());
        let start = std::time::Instant::now();
        drop(judge);
        // One face verdict at most (a debug build is slow), not a hang.
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
