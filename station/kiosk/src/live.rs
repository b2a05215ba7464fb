//! The capture steps' live view: the device's preview with the quality verdict drawn over it
//! (judged on [`station_quality::Judge`]'s thread), and the hand diagram of the 4-4-2 fingerprint
//! capture.

use egui::{
    CornerRadius, Pos2, Rect, Stroke, StrokeKind, TextureHandle, TextureOptions, Ui, Vec2, pos2,
    vec2,
};
use schemas::manifest::{ExceptionKind, Position};

use super::Model;
use station_core::workflow::{CaptureData, Stage};
use station_quality::{self as quality, Verdict};
use station_text::messages::Message;

/// The latest preview frame of the current step and what it shows.
pub struct Live {
    pub frame: drivers::device::Frame,
    /// The newest verdict: of this frame, or (while the judging thread works on a newer one) of
    /// a frame or two before.
    pub verdict: Verdict,
    /// The sequence number of the frame the verdict describes.
    pub judged: u64,
    /// Consecutive frames judged ready (the face camera captures by itself after enough).
    pub steady: u32,
}

/// How long a test or screenshot waits for a frame's verdict before going on without it.
const VERDICT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl Live {
    /// Whether the face camera should capture now: the verdict was good for the configured
    /// number of consecutive frames (0 turns auto-capture off).
    pub(crate) fn auto_capture_due(&self, frames: u32) -> bool {
        frames > 0 && self.steady >= frames
    }
}

/// What one finger has so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Captured { quality: Option<u8>, retries: u8, forced: bool },
    Excepted(ExceptionKind),
}

/// The fingers of each slap, in the order the scanner lays them out.
pub(crate) fn fingers_of(stage: Stage) -> &'static [Position] {
    use Position::*;
    match stage {
        Stage::RightFour => &[RightIndex, RightMiddle, RightRing, RightLittle],
        Stage::LeftFour => &[LeftIndex, LeftMiddle, LeftRing, LeftLittle],
        Stage::Thumbs => &[LeftThumb, RightThumb],
        _ => &[],
    }
}

impl Model {
    /// Takes the current step's device frame (called once per screen refresh) and judges it.
    /// An unplugged device shows as a refusal; the frame stays what it was.
    pub fn poll_live(&mut self) {
        let Some(e) = &mut self.enrolling else { return };
        if self.undecided.is_some() {
            return;
        }
        let stage = e.stage;
        // While a capture runs the device is busy with it: the last frame stays.
        let Some(runner) = e.runner.as_mut() else { return };
        match runner.preview(stage) {
            None => self.live = None,
            Some(Ok(frame)) if !frame.image.is_well_formed() => {
                // A real device may send a short or odd frame: say so, keep the last good one.
                let detail = format!(
                    "{}x{}x{}, {} bytes",
                    frame.image.width,
                    frame.image.height,
                    frame.image.channels,
                    frame.image.data.len()
                );
                self.refusal = vec![Message::new("device-bad-frame").with("detail", detail)];
            }
            Some(Ok(frame)) => {
                if self.services.judge.is_none() {
                    match quality::Judge::start() {
                        Ok(j) => self.services.judge = Some(j),
                        Err(err) => {
                            self.refusal = vec![
                                Message::new("preview-judge-stopped")
                                    .with("error", err.to_string()),
                            ];
                            return;
                        }
                    }
                }
                let Some(judge) = &self.services.judge else { return };
                // A new capture step (of this enrollment or another), or a device that counts its
                // frames from the start again: nothing carries over from the frames before.
                let step = (e.id.clone(), stage);
                let recounted =
                    self.live.as_ref().is_some_and(|l| frame.sequence < l.frame.sequence);
                if self.services.judged_step.as_ref() != Some(&step) || recounted {
                    judge.restart();
                    self.live = None;
                    self.services.judged_step = Some(step);
                }
                if self.live.as_ref().is_some_and(|l| {
                    l.frame.sequence == frame.sequence && l.judged == frame.sequence
                }) {
                    // Nothing new from the device since the last refresh.
                    return;
                }
                if self.live.as_ref().is_none_or(|l| l.frame.sequence != frame.sequence) {
                    judge.give(
                        &frame.image,
                        frame.sequence,
                        stage == Stage::Face,
                        &self.services.station.config.capture.quality.face,
                    );
                }
                let got = if self.services.wait_for_verdict {
                    judge.wait(frame.sequence, VERDICT_WAIT)
                } else {
                    judge.take()
                };
                let judged = match got {
                    Ok(j) => j,
                    Err(err) => {
                        // Said, and a new thread is started at the next frame.
                        self.refusal = vec![
                            Message::new("preview-judge-stopped").with("error", err.to_string()),
                        ];
                        self.services.judge = None;
                        self.services.judged_step = None;
                        return;
                    }
                };
                match (judged, &mut self.live) {
                    (Some(j), live) => {
                        // Face checks that cannot run (opencv-data missing) are said, not skipped silently.
                        if let Some(p) = &j.verdict.problem {
                            self.refusal = vec![p.clone()];
                        }
                        let ready = j.verdict.instruction == quality::Instruction::Ready
                            && j.verdict.problem.is_none();
                        let steady =
                            if ready { live.as_ref().map_or(0, |l| l.steady) + 1 } else { 0 };
                        *live =
                            Some(Live { frame, verdict: j.verdict, judged: j.sequence, steady });
                    }
                    // The newest frame is shown at once, with the last verdict until its own comes.
                    (None, Some(l)) => l.frame = frame,
                    (None, None) => {}
                }
            }
            Some(Err(err)) => {
                self.refusal =
                    vec![Message::new("device-not-answering").with("error", err.to_string())];
            }
        }
    }

    /// Reads what the finger steps recorded so far (after each step, not every frame).
    /// Reads what every capture step of this enrollment has recorded so far, position by
    /// position (the hand diagram, the modality list and the quality bars show it).
    pub(super) fn refresh_marks(&mut self) {
        self.marks.clear();
        let (Some(s), Some(e)) = (&self.session, &self.enrolling) else { return };
        for stage in CAPTURE_STAGES {
            if let Ok(Some(c)) = self.services.station.load_step::<CaptureData>(s, &e.id, stage) {
                for x in c.samples.into_iter().chain(c.exception_photo) {
                    let mark = match &x.exception {
                        Some(ex) => Mark::Excepted(ex.kind),
                        None => Mark::Captured {
                            quality: x.quality.as_ref().map(|q| q.score),
                            retries: x.retries,
                            forced: x.forced,
                        },
                    };
                    self.marks.push((x.position, mark));
                }
            }
        }
    }
}

/// The steps that capture, in the order of an enrollment.
pub(crate) const CAPTURE_STAGES: [Stage; 5] =
    [Stage::Face, Stage::RightFour, Stage::LeftFour, Stage::Thumbs, Stage::Irises];

/// The positions a capture step takes.
pub(crate) fn positions_of(stage: Stage) -> &'static [Position] {
    match stage {
        Stage::Face => &[Position::Face],
        Stage::Irises => &[Position::RightIris, Position::LeftIris],
        _ => fingers_of(stage),
    }
}

/// Turns a device image into egui's.
pub(crate) fn color_image(width: u32, height: u32, channels: u8, data: &[u8]) -> egui::ColorImage {
    let size = [width as usize, height as usize];
    match channels {
        3 => egui::ColorImage::from_rgb(size, data),
        _ => egui::ColorImage::from_gray(size, data),
    }
}

/// Keeps one texture for the preview and replaces its pixels when a new frame arrives.
#[derive(Default)]
pub(crate) struct PreviewTexture {
    texture: Option<TextureHandle>,
    sequence: u64,
}

impl PreviewTexture {
    pub fn update(&mut self, ui: &Ui, live: &Live) -> &TextureHandle {
        let f = &live.frame;
        let fresh = self
            .texture
            .as_ref()
            .is_none_or(|t| t.size() != [f.image.width as usize, f.image.height as usize]);
        if fresh {
            self.texture = Some(ui.ctx().load_texture(
                "live-preview",
                color_image(f.image.width, f.image.height, f.image.channels, &f.image.data),
                TextureOptions::LINEAR,
            ));
        } else if self.sequence != f.sequence
            && let Some(t) = &mut self.texture
        {
            t.set(
                color_image(f.image.width, f.image.height, f.image.channels, &f.image.data),
                TextureOptions::LINEAR,
            );
        }
        self.sequence = f.sequence;
        self.texture.as_ref().expect("set above")
    }
}

/// Draws the preview scaled into `max` with the verdict over it: a frame green when ready and
/// amber otherwise, the ICAO head guide for face cameras (and the face box and eye line once
/// detection provides them). Returns the rectangle drawn.
pub fn preview(ui: &mut Ui, texture: &TextureHandle, live: &Live, max: Vec2) -> Rect {
    let (w, h) = (live.frame.image.width as f32, live.frame.image.height as f32);
    let scale = (max.x / w).min(max.y / h);
    let (rect, _) = ui.allocate_exact_size(vec2(w * scale, h * scale), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.image(
        texture.id(),
        rect,
        Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
        crate::theme::UNTINTED,
    );
    let p = crate::theme::palette(ui);
    let ready = live.verdict.instruction == quality::Instruction::Ready;
    let colour = if ready { p.ready } else { p.not_ready };
    let map = |b: [f32; 4]| {
        Rect::from_min_size(
            rect.min + vec2(b[0] * scale, b[1] * scale),
            vec2(b[2] * scale, b[3] * scale),
        )
    };
    painter.rect_stroke(rect, CornerRadius::ZERO, Stroke::new(4.0, colour), StrokeKind::Inside);
    if let Some(g) = live.verdict.guide {
        let r = map(g);
        painter.add(egui::Shape::ellipse_stroke(
            r.center(),
            r.size() / 2.0,
            Stroke::new(2.0, colour),
        ));
    }
    if let Some(f) = live.verdict.face {
        painter.rect_stroke(
            map(f),
            CornerRadius::ZERO,
            Stroke::new(2.0, p.guide),
            StrokeKind::Outside,
        );
    }
    if let Some(e) = live.verdict.eyes {
        painter.line_segment(
            [
                rect.min + vec2(e[0] * scale, e[1] * scale),
                rect.min + vec2(e[2] * scale, e[3] * scale),
            ],
            Stroke::new(2.0, p.guide),
        );
    }
    rect
}

/// The two hands seen from above, palms down (the applicant's left hand on the left). Each
/// finger shows what it has: captured (green, its quality), kept after the last retry (amber),
/// excepted (grey, crossed), waiting (light), and outlined in blue when the current step takes
/// it. `threshold` is the quality a finger needs.
pub(crate) fn hand_diagram(
    ui: &mut Ui,
    marks: &[(Position, Mark)],
    current: &[Position],
    threshold: u8,
) {
    use Position::*;
    let (rect, _) = ui.allocate_exact_size(vec2(420.0, 190.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let p = crate::theme::palette(ui);
    // Finger tips from the left edge of each hand: little, ring, middle, index, thumb (left hand);
    // mirrored for the right hand.
    let left = [LeftLittle, LeftRing, LeftMiddle, LeftIndex, LeftThumb];
    let right = [RightThumb, RightIndex, RightMiddle, RightRing, RightLittle];
    let lengths = [52.0, 66.0, 72.0, 64.0, 44.0];
    for (h, hand) in [left, right].iter().enumerate() {
        let x0 = rect.left() + 10.0 + h as f32 * 210.0;
        let palm = Rect::from_min_size(
            pos2(x0 + (if h == 0 { 0.0 } else { 40.0 }), rect.top() + 90.0),
            vec2(150.0, 80.0),
        );
        painter.rect_filled(palm, CornerRadius::same(crate::theme::radius::L), p.palm);
        for (i, pos) in hand.iter().enumerate() {
            let thumb = matches!(pos, LeftThumb | RightThumb);
            let len = if h == 0 { lengths[i] } else { lengths[4 - i] };
            let x = if thumb {
                if h == 0 { palm.right() + 8.0 } else { palm.left() - 34.0 }
            } else {
                palm.left() + 8.0 + (if h == 0 { i } else { i - 1 }) as f32 * 36.0
            };
            let top = if thumb { palm.top() + 10.0 } else { palm.top() - len };
            let finger = Rect::from_min_size(pos2(x, top), vec2(26.0, len + 12.0));
            let mark = marks.iter().find(|(p, _)| p == pos).map(|(_, m)| *m);
            let fill = match mark {
                Some(Mark::Captured { forced: true, .. }) => p.finger_forced,
                Some(Mark::Captured { quality: Some(q), .. }) if q < threshold => p.finger_forced,
                Some(Mark::Captured { .. }) => p.finger_done,
                Some(Mark::Excepted(_)) => p.finger_excepted,
                None => p.finger_empty,
            };
            painter.rect_filled(finger, CornerRadius::same(13), fill);
            let outline = if current.contains(pos) {
                Stroke::new(3.0, p.finger_current)
            } else {
                Stroke::new(1.0, p.line)
            };
            painter.rect_stroke(finger, CornerRadius::same(13), outline, StrokeKind::Outside);
            let centre: Pos2 = finger.center();
            match mark {
                Some(Mark::Captured { quality: Some(q), .. }) => {
                    painter.text(
                        centre,
                        egui::Align2::CENTER_CENTER,
                        q.to_string(),
                        egui::FontId::proportional(crate::theme::size::MARK),
                        p.ink,
                    );
                }
                Some(Mark::Excepted(_)) => {
                    let s = Stroke::new(2.5, p.cross);
                    painter.line_segment(
                        [
                            finger.left_top() + vec2(4.0, 8.0),
                            finger.right_bottom() - vec2(4.0, 8.0),
                        ],
                        s,
                    );
                    painter.line_segment(
                        [
                            finger.right_top() + vec2(-4.0, 8.0),
                            finger.left_bottom() + vec2(4.0, -8.0),
                        ],
                        s,
                    );
                }
                _ => {}
            }
        }
    }
}
