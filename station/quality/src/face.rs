//! Face quality (ICAO 9303 part 3, ISO/IEC 19794-5 full frontal): exactly one face, both eyes
//! found, eye distance, roll, centring and the ICAO token fitting in the frame, exposure on the
//! face, glare around the eyes, focus, a plain background, and BRISQUE as a secondary score.
//!
//! Faces are found with OpenCV's Haar cascade (`haarcascade_frontalface_alt2`) on the frame
//! scaled to 240 px wide, eyes with `haarcascade_eye` (then the eyeglasses variant) in the upper
//! face at 136 px wide, so the cost hardly depends on the camera's resolution.
//!
//! The token geometry (ISO/IEC 19794-5 token frontal image): width W four times the eye
//! distance, height 4/3 W, the eye midpoint centred horizontally and 0.6 W from the top.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use drivers::raster::Image;
use opencv::core::{self, Mat, Rect, Size, Vector};
use opencv::objdetect::CascadeClassifier;
use opencv::prelude::*;
use opencv::{imgproc, quality};
use serde::Serialize;

use super::{Assessment, Box2, Checks, FaceThresholds, Instruction, QualityError, cv};

pub const ALGORITHM: &str = "hukumati-face/1";

/// Width the frame is scaled to for face detection: a face 90 px between the eyes is about
/// 200 px wide, 40 px at this scale on a 1280 px frame, well above the cascade's 24 px window.
const DETECT_WIDTH: i32 = 240;
/// Width the face's eye band is scaled to for eye detection (eyes about 28 px wide, over
/// the eye cascade's 20 px window).
const EYE_BAND: i32 = 136;

/// Where the trained models are: the configured folder, else `HUKUMATI_OPENCV_DATA`, else
/// where Debian's opencv-data puts them.
pub(crate) fn models_dir(t: &FaceThresholds) -> PathBuf {
    t.models
        .clone()
        .or_else(|| std::env::var_os("HUKUMATI_OPENCV_DATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/usr/share/opencv4"))
}

struct Models {
    face: CascadeClassifier,
    eye: CascadeClassifier,
    eye_glasses: CascadeClassifier,
    brisque_model: String,
    brisque_range: String,
}

fn cascade(dir: &Path, rel: &str) -> Result<CascadeClassifier, QualityError> {
    let path = dir.join(rel);
    let missing = || QualityError::Model { path: path.display().to_string() };
    if !path.is_file() {
        return Err(missing());
    }
    let c = CascadeClassifier::new(&*path.to_string_lossy()).map_err(|_| missing())?;
    if c.empty()? {
        return Err(missing());
    }
    Ok(c)
}

impl Models {
    fn load(dir: &Path) -> Result<Models, QualityError> {
        let q = dir.join("quality");
        let (m, r) = (q.join("brisque_model_live.yml"), q.join("brisque_range_live.yml"));
        for p in [&m, &r] {
            if !p.is_file() {
                return Err(QualityError::Model { path: p.display().to_string() });
            }
        }
        Ok(Models {
            face: cascade(dir, "haarcascades/haarcascade_frontalface_alt2.xml")?,
            eye: cascade(dir, "haarcascades/haarcascade_eye.xml")?,
            eye_glasses: cascade(dir, "haarcascades/haarcascade_eye_tree_eyeglasses.xml")?,
            brisque_model: m.to_string_lossy().into_owned(),
            brisque_range: r.to_string_lossy().into_owned(),
        })
    }
}

thread_local! {
    // Cascades are loaded once per thread that judges faces (the kiosk's UI thread for captures,
    // its judging thread for the preview, a CLI run), and again if the folder is changed.
    static MODELS: RefCell<Option<(PathBuf, Models)>> = const { RefCell::new(None) };
}

fn with_models<R>(
    t: &FaceThresholds,
    f: impl FnOnce(&mut Models) -> Result<R, QualityError>,
) -> Result<R, QualityError> {
    let dir = models_dir(t);
    MODELS.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(d, _)| *d != dir) {
            *slot = None;
            let m = Models::load(&dir)?;
            *slot = Some((dir, m));
        }
        let (_, m) = slot.as_mut().expect("just loaded");
        f(m)
    })
}

/// The face verdict with what was found, in image pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceAssessment {
    #[serde(flatten)]
    pub assessment: Assessment,
    /// The face box (left, top, width, height).
    pub face: Option<Box2>,
    /// The eye centres: the eye on the image's left (x1, y1), then the other (x2, y2).
    pub eyes: Option<[f32; 4]>,
    /// Where the ICAO token crop lies (may reach outside the frame).
    pub token: Option<Box2>,
}

fn to_box(r: Rect) -> Box2 {
    [r.x as f32, r.y as f32, r.width as f32, r.height as f32]
}

/// Objects `min`-`max` px wide; the pyramid grows 15 % a step (fewer steps than OpenCV's usual
/// 10 %, for the preview's time budget; faces and eyes here are large and near frontal).
fn detect(
    c: &mut CascadeClassifier,
    img: &Mat,
    min: i32,
    max: i32,
) -> Result<Vec<Rect>, QualityError> {
    let mut found = Vector::<Rect>::new();
    c.detect_multi_scale(img, &mut found, 1.15, 3, 0, Size::new(min, min), Size::new(max, max))?;
    Ok(found.to_vec())
}

/// What the last preview frame found, for the next frame to search near it. On a face that
/// stays put the face cascade runs on a window around the last face at nearby scales, and the
/// eye cascade at the last eyes' scale, instead of over the whole frame at every scale (most of
/// a preview frame's time). A full search runs every [`FULL_SEARCH_EVERY`] frames, so someone
/// stepping into the picture is seen within a third of a second, and whenever the near search
/// loses the face. Captures are always judged with a full search ([`assess`]).
#[derive(Debug, Clone, Default)]
pub struct Track {
    /// The face in the detection image ([`DETECT_WIDTH`] wide).
    face: Option<Rect>,
    /// The width of the eyes last found, in the eye band's scale.
    eye: Option<i32>,
    /// Frames judged since the last full search.
    since_full: u32,
}

/// Frames between two full searches for faces while a face is tracked.
pub const FULL_SEARCH_EVERY: u32 = 10;

/// The largest face near `last` in the detection image `eq`: a window half a face wider on
/// every side, faces 0.8 to 1.25 times as wide.
fn near_face(m: &mut Models, eq: &Mat, last: Rect) -> Result<Option<Rect>, QualityError> {
    let pad = last.width / 2;
    let win = cv::clip(
        Rect::new(last.x - pad, last.y - pad, last.width + 2 * pad, last.height + 2 * pad),
        eq.cols(),
        eq.rows(),
    );
    if win.width < 24 || win.height < 24 {
        return Ok(None);
    }
    let roi = Mat::roi(eq, win)?.try_clone()?;
    let found = detect(
        &mut m.face,
        &roi,
        (last.width * 4 / 5).max(20),
        (last.width * 5 / 4).min(win.width.min(win.height)),
    )?;
    Ok(found
        .into_iter()
        .max_by_key(|r| r.width)
        .map(|r| Rect::new(r.x + win.x, r.y + win.y, r.width, r.height)))
}

/// Two eye centres in image pixels (the image-left eye first) and the eyes' width in the eye
/// band's scale.
type Eyes = ([(f32, f32); 2], i32);

/// The eye centres in the upper part of `face` (image coordinates), image-left eye first, and
/// the eyes' width in the band's scale. With `near` (the last eyes' width) the cascades look
/// at that scale first and at every scale only if nothing is found there.
fn find_eyes(
    m: &mut Models,
    grey: &Mat,
    face: Rect,
    near: Option<i32>,
) -> Result<Option<Eyes>, QualityError> {
    let band = cv::clip(
        Rect::new(face.x, face.y + face.height / 6, face.width, face.height * 2 / 5),
        grey.cols(),
        grey.rows(),
    );
    if band.width < 8 || band.height < 8 {
        return Ok(None);
    }
    let roi = Mat::roi(grey, band)?;
    let scaled = cv::resize_to_width(&roi, band.width, band.height, EYE_BAND)?;
    let (lo, hi) = (EYE_BAND / 10, EYE_BAND * 2 / 5);
    let ranges: Vec<(i32, i32)> = match near {
        Some(w) => vec![((w * 3 / 4).max(lo), (w * 4 / 3).min(hi)), (lo, hi)],
        None => vec![(lo, hi)],
    };
    for (min, max) in ranges {
        if let Some(found) = eyes_in_band(m, &scaled, band, min, max)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// [`find_eyes`] at one range of eye widths.
fn eyes_in_band(
    m: &mut Models,
    scaled: &Mat,
    band: Rect,
    min: i32,
    max: i32,
) -> Result<Option<Eyes>, QualityError> {
    let k = band.width as f32 / EYE_BAND as f32;
    for cascade in [&mut m.eye, &mut m.eye_glasses] {
        let eyes = detect(cascade, scaled, min, max)?;
        // On each side of the face's middle, the eye nearest where eyes sit (30 % and 70 % of
        // the face's width, in the band's upper half): brows and nostrils are found too.
        let pick = |left: bool| {
            let half = EYE_BAND / 2;
            let (ex, ey) =
                (EYE_BAND as f32 * if left { 0.3 } else { 0.7 }, scaled.rows() as f32 * 0.5);
            eyes.iter()
                .filter(|e| ((e.x + e.width / 2) < half) == left)
                .min_by(|a, b| {
                    let d = |e: &&Rect| {
                        ((e.x as f32 + e.width as f32 / 2.0 - ex).powi(2)
                            + (e.y as f32 + e.height as f32 / 2.0 - ey).powi(2))
                        .sqrt()
                    };
                    d(a).total_cmp(&d(b))
                })
                .copied()
        };
        if let (Some(a), Some(b)) = (pick(true), pick(false)) {
            let centre = |e: Rect| {
                (
                    band.x as f32 + (e.x as f32 + e.width as f32 / 2.0) * k,
                    band.y as f32 + (e.y as f32 + e.height as f32 / 2.0) * k,
                )
            };
            return Ok(Some(([centre(a), centre(b)], (a.width + b.width) / 2)));
        }
    }
    Ok(None)
}

/// Pooled standard deviation of the grey level over the background bands (None if too little
/// background is in view).
fn background_deviation(grey: &Mat, face: Rect, token: Rect) -> Result<Option<f64>, QualityError> {
    let (w, h) = (grey.cols(), grey.rows());
    let hair = (f64::from(face.height) * 0.55) as i32;
    let side = (f64::from(face.width) * 0.3) as i32;
    let bands = [
        // Above the hair, across the token.
        Rect::new(token.x, token.y, token.width, (face.y - hair - token.y).max(0)),
        // Beside the head at eye level, clear of the ears and hair.
        Rect::new(token.x, face.y, (face.x - side - token.x).max(0), face.height / 2),
        Rect::new(
            face.x + face.width + side,
            face.y,
            (token.x + token.width - face.x - face.width - side).max(0),
            face.height / 2,
        ),
    ];
    let (mut n, mut sum, mut sq) = (0f64, 0f64, 0f64);
    for b in bands {
        let b = cv::clip(b, w, h);
        if b.width < 4 || b.height < 4 {
            continue;
        }
        let roi = Mat::roi(grey, b)?;
        let (mean, dev) = cv::mean_dev(&roi, None)?;
        let k = f64::from(b.width * b.height);
        n += k;
        sum += mean * k;
        sq += (dev * dev + mean * mean) * k;
    }
    if n < 500.0 {
        return Ok(None);
    }
    let mean = sum / n;
    Ok(Some((sq / n - mean * mean).max(0.0).sqrt()))
}

/// Judges one frame with a full search. `brisque` adds OpenCV's BRISQUE on the token crop (tens
/// of milliseconds: for captures, not for every preview frame).
pub fn assess(
    img: &Image,
    t: &FaceThresholds,
    brisque: bool,
) -> Result<FaceAssessment, QualityError> {
    assess_tracked(img, t, brisque, &mut Track::default())
}

/// Judges one preview frame of a sequence, searching near what `track` holds from the last
/// frame, and updates it. With a fresh [`Track`] this is [`assess`].
pub fn assess_tracked(
    img: &Image,
    t: &FaceThresholds,
    brisque: bool,
    track: &mut Track,
) -> Result<FaceAssessment, QualityError> {
    let grey = cv::grey(img)?;
    let (w, h) = (grey.cols(), grey.rows());
    let mut checks = Checks::default();
    let (frame_mean, _) = cv::mean_dev(&grey, None)?;
    // Hopelessly dark or burnt out: no detector will find a face, and that is the thing to fix.
    checks.min("frame brightness", frame_mean, 30.0, Instruction::TooDark);
    checks.max("frame brightness", frame_mean, 240.0, Instruction::TooBright);
    with_models(t, |m| {
        let small_w = w.min(DETECT_WIDTH);
        let small = cv::resize_to_width(&grey, w, h, small_w)?;
        let mut eq = Mat::default();
        imgproc::equalize_hist(&small, &mut eq)?;
        let k = w as f32 / small_w as f32;
        let near = match track.face {
            Some(last) if track.since_full < FULL_SEARCH_EVERY => near_face(m, &eq, last)?,
            _ => None,
        };
        // Near the last face, only that face is looked for; the full searches count everyone.
        let faces = if let Some(f) = near {
            track.since_full += 1;
            vec![f]
        } else {
            track.since_full = 0;
            detect(&mut m.face, &eq, (small_w / 12).max(20), small_w * 9 / 10)?
        };
        track.face = faces.iter().max_by_key(|f| f.width).copied();
        let largest = faces.iter().map(|f| f.width).max().unwrap_or(0);
        // Faces much smaller than the main one are people passing behind; they count too when
        // they are close enough to be in the photograph.
        let count = faces.iter().filter(|f| f.width * 2 >= largest).count();
        let instruction = if count == 0 { Instruction::NoFace } else { Instruction::OneFaceOnly };
        checks.range("faces", count as f64, Some(1.0), Some(1.0), instruction);
        let Some(f) = faces.iter().max_by_key(|f| f.width) else {
            return Ok(FaceAssessment {
                assessment: Assessment::new(ALGORITHM, score(&checks, t), checks),
                face: None,
                eyes: None,
                token: None,
            });
        };
        let face = Rect::new(
            (f.x as f32 * k) as i32,
            (f.y as f32 * k) as i32,
            (f.width as f32 * k) as i32,
            (f.height as f32 * k) as i32,
        );
        let found = find_eyes(m, &grey, face, track.eye)?;
        track.eye = found.map(|(_, w)| w);
        let eyes = found.map(|(e, _)| e);
        checks.min("eyes found", eyes.map_or(0.0, |_| 2.0), 2.0, Instruction::LookAtCamera);
        let face_roi = Mat::roi(&grey, cv::clip(face, w, h))?.try_clone()?;
        let mut token = None;
        if let Some([(x1, y1), (x2, y2)]) = eyes {
            let dist = f64::from(((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt());
            checks.min("eye distance px", dist, t.min_eye_distance_px, Instruction::MoveCloser);
            let roll = f64::from(y2 - y1).atan2(f64::from(x2 - x1)).to_degrees();
            checks.max("roll deg", roll.abs(), t.max_roll_deg, Instruction::HeadStraight);
            let (mx, my) = (f64::from(x1 + x2) / 2.0, f64::from(y1 + y2) / 2.0);
            checks.max(
                "centre offset",
                (mx - f64::from(w) / 2.0).abs() / f64::from(w),
                t.max_centre_offset,
                Instruction::MoveToCentre,
            );
            let tw = 4.0 * dist;
            let th = tw * 4.0 / 3.0;
            let tr =
                Rect::new((mx - tw / 2.0) as i32, (my - 0.6 * tw) as i32, tw as i32, th as i32);
            let inside = cv::clip(tr, w, h);
            let fit =
                f64::from(inside.width * inside.height) / f64::from((tr.width * tr.height).max(1));
            let too_big = tr.height > h || tr.width > w;
            checks.min(
                "token in frame",
                fit,
                0.85,
                if too_big { Instruction::MoveBack } else { Instruction::MoveToCentre },
            );
            token = Some(to_box(tr));
            // Glare on glasses: burnt-out pixels in a box around each eye.
            let (bw, bh) = ((dist * 0.45) as i32, (dist * 0.3) as i32);
            let mut glare: f64 = 0.0;
            for (x, y) in [(x1, y1), (x2, y2)] {
                let b = cv::clip(Rect::new(x as i32 - bw / 2, y as i32 - bh / 2, bw, bh), w, h);
                if b.width > 2 && b.height > 2 {
                    glare =
                        glare.max(cv::percent_at_least(&Mat::roi(&grey, b)?.try_clone()?, 250.0)?);
                }
            }
            checks.max(
                "eye glare percent",
                glare,
                t.max_eye_glare_percent,
                Instruction::RemoveGlare,
            );
        }
        let (brightness, _) = cv::mean_dev(&face_roi, None)?;
        checks.min("face brightness", brightness, t.min_brightness, Instruction::TooDark);
        checks.max("face brightness", brightness, t.max_brightness, Instruction::TooBright);
        checks.max(
            "face clipped percent",
            cv::percent_at_least(&face_roi, 250.0)?,
            t.max_clipped_percent,
            Instruction::TooBright,
        );
        let norm = cv::resize_to_width(&face_roi, face_roi.cols(), face_roi.rows(), 256)?;
        checks.min(
            "sharpness",
            cv::laplacian_variance(&norm)?,
            t.min_sharpness,
            Instruction::OutOfFocus,
        );
        if let Some(tr) =
            token.map(|b| Rect::new(b[0] as i32, b[1] as i32, b[2] as i32, b[3] as i32))
            && let Some(dev) = background_deviation(&grey, face, tr)?
        {
            checks.max(
                "background deviation",
                dev,
                t.max_background_deviation,
                Instruction::PlainBackground,
            );
        }
        if brisque && let Some(b) = token {
            let r = cv::clip(Rect::new(b[0] as i32, b[1] as i32, b[2] as i32, b[3] as i32), w, h);
            if r.width >= 64 && r.height >= 64 {
                let crop = cv::resize_to_width(&Mat::roi(&grey, r)?, r.width, r.height, 240)?;
                let s =
                    quality::QualityBRISQUE::compute(&crop, &m.brisque_model, &m.brisque_range)?;
                checks.max(
                    "brisque",
                    s[0].clamp(0.0, 100.0),
                    t.max_brisque,
                    Instruction::OutOfFocus,
                );
            }
        }
        Ok(FaceAssessment {
            assessment: Assessment::new(ALGORITHM, score(&checks, t), checks),
            face: Some(to_box(face)),
            eyes: eyes.map(|[(a, b), (c, d)]| [a, b, c, d]),
            token,
        })
    })
}

/// 0-100: a face failing any check scores at most 25 (below every sensible capture threshold),
/// in proportion to the checks it passes; a passing face scores 50-100 by its margins on focus,
/// resolution and (when measured) BRISQUE.
fn score(checks: &Checks, t: &FaceThresholds) -> u8 {
    let n = checks.0.len().max(1) as f64;
    if !checks.passed() {
        return (25.0 * checks.0.iter().filter(|c| c.passed).count() as f64 / n).round() as u8;
    }
    let mut margins = Vec::new();
    if let Some(c) = checks.get("sharpness") {
        margins.push((c.value / (3.0 * t.min_sharpness)).min(1.0));
    }
    if let Some(c) = checks.get("eye distance px") {
        margins.push((c.value / (1.5 * t.min_eye_distance_px)).min(1.0));
    }
    if let Some(c) = checks.get("brisque") {
        margins.push(((100.0 - c.value) / 100.0).clamp(0.0, 1.0));
    }
    let m =
        if margins.is_empty() { 0.0 } else { margins.iter().sum::<f64>() / margins.len() as f64 };
    (50.0 + 50.0 * m).round() as u8
}

/// The ICAO token image for the record: the token box cut from `img` (parts outside the frame
/// filled with the nearest edge), scaled to 480 x 640, so the eyes are 120 px apart.
pub fn token_crop(img: &Image, token: Box2) -> Result<Image, QualityError> {
    if !img.is_well_formed() || !matches!(img.channels, 1 | 3) {
        return Err(QualityError::BadImage(format!(
            "{}x{}x{}",
            img.width, img.height, img.channels
        )));
    }
    let flat = Mat::from_slice(&img.data)?;
    let src = flat.reshape(i32::from(img.channels), img.height as i32)?;
    let (x, y, tw, th) =
        (token[0] as i32, token[1] as i32, token[2].max(1.0) as i32, token[3].max(1.0) as i32);
    let (w, h) = (img.width as i32, img.height as i32);
    let mut padded = Mat::default();
    let (l, t, r, b) = ((-x).max(0), (-y).max(0), (x + tw - w).max(0), (y + th - h).max(0));
    core::copy_make_border(
        &src,
        &mut padded,
        t,
        b,
        l,
        r,
        core::BORDER_REPLICATE,
        core::Scalar::default(),
    )?;
    let roi = Mat::roi(&padded, Rect::new(x + l, y + t, tw, th))?;
    let mut out = Mat::default();
    imgproc::resize(&roi, &mut out, Size::new(480, 640), 0.0, 0.0, imgproc::INTER_AREA)?;
    cv::to_image(&out)
}
