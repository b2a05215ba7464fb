//! Fingerprint quality at 500 ppi: how much finger there is, how much contrast, how clear the
//! ridges are (orientation coherence and ridge period), a 0-100 score from these; slap
//! segmentation with the check that the hand asked for is the hand on the platen; and the check
//! that no finger was captured twice in one enrollment.
//!
//! Certified devices report NFIQ 2 (ISO/IEC 29794-4); the station records theirs and uses this
//! score as the fallback for devices that report none, and as a sanity check next to theirs.
//!
//! Ridge measures are taken on 16 x 16 blocks: the gradient structure tensor gives each block's
//! orientation and its coherence (1 for straight parallel ridges, 0 for noise); the grey profile
//! across the ridges, sampled along the gradient direction, gives the ridge period.

use drivers::device::Slap;
use drivers::raster::Image;
use opencv::core::{self, Mat, Point, Rect, Size};
use opencv::imgproc;
use opencv::prelude::*;
use schemas::manifest::Position;
use serde::Serialize;

use super::{Assessment, Checks, FingerThresholds, Instruction, QualityError, cv};

pub const ALGORITHM: &str = "hukumati-finger/2";
const BLOCK: i32 = 16;

/// The finger verdict with its measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FingerAssessment {
    #[serde(flatten)]
    pub assessment: Assessment,
    pub foreground_px: u32,
    pub contrast: f64,
    pub coherence: f64,
    /// Median ridge period in pixels (at 500 ppi).
    pub ridge_period_px: f64,
    /// Minutiae MINDTCT finds, and the share of them it rates reliable (quality 50 or more).
    pub minutiae: usize,
    pub reliable_minutiae_share: f64,
}

/// A minutia MINDTCT rates at least this reliable counts as reliable.
const RELIABLE_MINUTIA: i32 = 50;
/// The reliable share at and above which the score is not lowered (clean fingers of the tuning
/// set measure 0.5-0.6; motion smear, dry and wet ridges bring spurious, unreliable minutiae).
const RELIABLE_SHARE: f64 = 0.5;

/// The image at 500 ppi, grey.
pub(crate) fn at_500ppi(img: &Image, ppi: u16) -> Result<Mat, QualityError> {
    let g = cv::grey(img)?;
    if ppi == 500 || ppi == 0 {
        return Ok(g);
    }
    let k = 500.0 / f64::from(ppi);
    let mut out = Mat::default();
    imgproc::resize(&g, &mut out, Size::new(0, 0), k, k, imgproc::INTER_AREA)?;
    Ok(out)
}

/// Block-average of a float matrix (one value per 16 x 16 block).
fn blocks(m: &Mat, bw: i32, bh: i32) -> Result<Mat, QualityError> {
    let roi = Mat::roi(m, Rect::new(0, 0, bw * BLOCK, bh * BLOCK))?;
    let mut out = Mat::default();
    imgproc::resize(&roi, &mut out, Size::new(bw, bh), 0.0, 0.0, imgproc::INTER_AREA)?;
    Ok(out)
}

/// Judges one finger image (`ppi` as the device states it; 0 taken as 500).
pub fn assess(
    img: &Image,
    ppi: u16,
    t: &FingerThresholds,
) -> Result<FingerAssessment, QualityError> {
    let g8 = at_500ppi(img, ppi)?;
    let (w, h) = (g8.cols(), g8.rows());
    let (bw, bh) = (w / BLOCK, h / BLOCK);
    if bw < 2 || bh < 2 {
        return Err(QualityError::BadImage(format!("{w}x{h} at 500 ppi: too small for a finger")));
    }
    let fields = BlockFields::of(&g8, bw, bh)?;
    let blocks = fields.classify()?;
    let ridges = fields.ridges(&g8, &blocks)?;
    // An image MINDTCT cannot take (too small) has no reliable minutiae.
    let minutiae = crate::matching::detect(&g8).unwrap_or_default();
    let reliable = minutiae.iter().filter(|m| m.quality >= RELIABLE_MINUTIA).count();
    let share = if minutiae.is_empty() { 0.0 } else { reliable as f64 / minutiae.len() as f64 };
    Ok(verdict(&blocks, &ridges, (minutiae.len(), share), t))
}

/// Per 16 x 16 block: the grey mean and mean square, and the gradient structure tensor.
struct BlockFields {
    bw: i32,
    bh: i32,
    mean: Mat,
    mean_sq: Mat,
    xx: Mat,
    yy: Mat,
    xy: Mat,
}

/// Which blocks hold finger, and what the others show.
struct Blocks {
    /// Foreground blocks with ridge contrast that are not blank paper, lone blocks dropped.
    kept: Vec<bool>,
    /// Each block's contrast (grey standard deviation) and orientation coherence.
    stats: Vec<(f64, f64)>,
    /// Blocks where something presses on the glass, ridges or not (a smudge shows as dark
    /// without ridges).
    pressed: usize,
    /// Blocks with a little ink of low contrast: a finger pressed too lightly.
    faint: usize,
}

/// What the foreground blocks' ridges measure.
struct Ridges {
    blocks: usize,
    contrast: f64,
    coherence: f64,
    /// The share of blocks whose ridge period is in the band of real fingers (5-15 px).
    band: f64,
    period_px: f64,
}

impl BlockFields {
    fn of(g8: &Mat, bw: i32, bh: i32) -> Result<BlockFields, QualityError> {
        let mut g = Mat::default();
        g8.convert_to(&mut g, core::CV_32F, 1.0, 0.0)?;
        let mut sq = Mat::default();
        core::multiply(&g, &g, &mut sq, 1.0, -1)?;
        let (mut gx, mut gy) = (Mat::default(), Mat::default());
        imgproc::sobel(&g, &mut gx, core::CV_32F, 1, 0, 3, 1.0, 0.0, core::BORDER_REPLICATE)?;
        imgproc::sobel(&g, &mut gy, core::CV_32F, 0, 1, 3, 1.0, 0.0, core::BORDER_REPLICATE)?;
        let (mut xx, mut yy, mut xy) = (Mat::default(), Mat::default(), Mat::default());
        core::multiply(&gx, &gx, &mut xx, 1.0, -1)?;
        core::multiply(&gy, &gy, &mut yy, 1.0, -1)?;
        core::multiply(&gx, &gy, &mut xy, 1.0, -1)?;
        Ok(BlockFields {
            bw,
            bh,
            mean: blocks(&g, bw, bh)?,
            mean_sq: blocks(&sq, bw, bh)?,
            xx: blocks(&xx, bw, bh)?,
            yy: blocks(&yy, bw, bh)?,
            xy: blocks(&xy, bw, bh)?,
        })
    }

    fn tensor(&self, bx: i32, by: i32) -> Result<(f32, f32, f32), QualityError> {
        Ok((
            *self.xx.at_2d::<f32>(by, bx)?,
            *self.yy.at_2d::<f32>(by, bx)?,
            *self.xy.at_2d::<f32>(by, bx)?,
        ))
    }

    fn classify(&self) -> Result<Blocks, QualityError> {
        let (bw, bh) = (self.bw, self.bh);
        let mut fg = vec![false; (bw * bh) as usize];
        let (mut pressed, mut faint) = (0usize, 0usize);
        let mut stats = vec![(0f64, 0f64); (bw * bh) as usize];
        for by in 0..bh {
            for bx in 0..bw {
                let m = f64::from(*self.mean.at_2d::<f32>(by, bx)?);
                let v = (f64::from(*self.mean_sq.at_2d::<f32>(by, bx)?) - m * m).max(0.0);
                let (a, b, c) = self.tensor(bx, by)?;
                let (a, b, c) = (f64::from(a), f64::from(b), f64::from(c));
                let coh = ((a - b).powi(2) + 4.0 * c * c).sqrt() / (a + b + 1e-6);
                let i = (by * bw + bx) as usize;
                stats[i] = (v.sqrt(), coh);
                fg[i] = v.sqrt() >= 10.0 && m < 235.0;
                if v.sqrt() < 10.0 && m < 190.0 {
                    pressed += 1;
                } else if (3.0..10.0).contains(&v.sqrt()) && m < 250.0 {
                    faint += 1;
                }
            }
        }
        let neighbours = |bx: i32, by: i32| {
            (-1..=1)
                .flat_map(|dy| (-1..=1).map(move |dx| (bx + dx, by + dy)))
                .filter(|(x, y)| *x >= 0 && *y >= 0 && *x < bw && *y < bh)
                .filter(|(x, y)| fg[(y * bw + x) as usize])
                .count()
        };
        let kept = (0..bh)
            .flat_map(|by| (0..bw).map(move |bx| (bx, by)))
            .map(|(bx, by)| fg[(by * bw + bx) as usize] && neighbours(bx, by) >= 4)
            .collect();
        Ok(Blocks { kept, stats, pressed, faint })
    }

    /// Contrast, coherence and ridge period over the kept blocks. The period comes from the
    /// grey profile across the ridges: along the dominant gradient, averaged over a few samples
    /// along the ridge, 32 px long.
    fn ridges(&self, g8: &Mat, blocks: &Blocks) -> Result<Ridges, QualityError> {
        let (w, h) = (g8.cols(), g8.rows());
        let data = g8.data_bytes()?;
        let pixel = |x: f32, y: f32| -> f32 {
            let (xi, yi) = (x.round() as i32, y.round() as i32);
            if xi < 0 || yi < 0 || xi >= w || yi >= h {
                f32::NAN
            } else {
                f32::from(data[(yi * w + xi) as usize])
            }
        };
        let mut periods = Vec::new();
        let (mut n, mut contrast, mut coherence, mut in_band) = (0usize, 0f64, 0f64, 0usize);
        for by in 0..self.bh {
            for bx in 0..self.bw {
                let i = (by * self.bw + bx) as usize;
                if !blocks.kept[i] {
                    continue;
                }
                n += 1;
                contrast += blocks.stats[i].0;
                coherence += blocks.stats[i].1;
                let (a, b, c) = self.tensor(bx, by)?;
                let phi = 0.5 * (2.0 * c).atan2(a - b);
                let (nx, ny) = (phi.cos(), phi.sin());
                let (cx, cy) = ((bx * BLOCK + BLOCK / 2) as f32, (by * BLOCK + BLOCK / 2) as f32);
                let mut profile = Vec::with_capacity(32);
                for k in -16..16 {
                    let mut s = 0.0;
                    let mut m = 0;
                    for r in [-4.0f32, -2.0, 0.0, 2.0, 4.0] {
                        let v = pixel(cx + k as f32 * nx - r * ny, cy + k as f32 * ny + r * nx);
                        if v.is_finite() {
                            s += v;
                            m += 1;
                        }
                    }
                    if m > 0 {
                        profile.push(s / m as f32);
                    }
                }
                if let Some(period) = ridge_period(&profile) {
                    periods.push(period);
                    if (5.0..=15.0).contains(&period) {
                        in_band += 1;
                    }
                }
            }
        }
        let nf = n.max(1) as f64;
        periods.sort_by(f64::total_cmp);
        let period_px = periods.get(periods.len() / 2).copied().unwrap_or(0.0);
        Ok(Ridges {
            blocks: n,
            contrast: contrast / nf,
            coherence: coherence / nf,
            band: in_band as f64 / nf,
            period_px,
        })
    }
}

/// The ridge period of a grey profile across the ridges, from how often its smoothed values
/// cross their mean; none for a short profile or one with fewer than two crossings.
fn ridge_period(profile: &[f32]) -> Option<f64> {
    if profile.len() < 24 {
        return None;
    }
    let smooth: Vec<f32> = profile.windows(3).map(|x| (x[0] + x[1] + x[2]) / 3.0).collect();
    let avg = smooth.iter().sum::<f32>() / smooth.len() as f32;
    let crossings =
        smooth.windows(2).filter(|p| (p[0] - avg).signum() != (p[1] - avg).signum()).count();
    (crossings >= 2).then(|| 2.0 * smooth.len() as f64 / crossings as f64)
}

/// The checks, in the order a person fixes them, and the 0-100 score.
fn verdict(
    blocks: &Blocks,
    r: &Ridges,
    (minutiae, share): (usize, f64),
    t: &FingerThresholds,
) -> FingerAssessment {
    let foreground_px = (r.blocks as i32 * BLOCK * BLOCK) as u32;
    let mut checks = Checks::default();
    // Little finger with ridges: if there is finger on the glass all the same, its ridges are
    // smudged away; otherwise the finger is not (all) there.
    let area = |blocks: usize| f64::from(blocks as i32 * BLOCK * BLOCK);
    let instruction = if area(blocks.pressed) >= t.min_foreground_px {
        Instruction::CleanFinger
    } else if area(blocks.faint) >= t.min_foreground_px {
        Instruction::PressFirmly
    } else {
        Instruction::PlaceFinger
    };
    checks.min("foreground px", f64::from(foreground_px), t.min_foreground_px, instruction);
    checks.min("contrast", r.contrast, t.min_contrast, Instruction::PressFirmly);
    checks.min("coherence", r.coherence, t.min_coherence, Instruction::CleanFinger);
    checks.min("ridge band share", r.band, t.min_ridge_band_share, Instruction::CleanFinger);
    let area = (f64::from(foreground_px) / 70_000.0).min(1.0);
    let clarity = ((r.coherence - 0.2) / 0.5).clamp(0.0, 1.0);
    let contrast_term = (r.contrast / 15.0).min(1.0);
    // Smear, dry and wet ridges keep the ridge flow (even make it smoother) but break the
    // detail a matcher needs: the share of reliable minutiae tells (docs/quality.md).
    let detail = (share / RELIABLE_SHARE).min(1.0);
    let score =
        (100.0 * area * clarity * r.band * contrast_term * detail).round().clamp(0.0, 100.0) as u8;
    FingerAssessment {
        assessment: Assessment::new(ALGORITHM, score, checks),
        foreground_px,
        contrast: r.contrast,
        coherence: r.coherence,
        ridge_period_px: r.period_px,
        minutiae,
        reliable_minutiae_share: share,
    }
}

/// How alike two finger images are: the normalised correlation of the middle of each (at 250
/// ppi) searched over the other, the better of both ways round. The same finger placed twice
/// gives well over 0.6; two different fingers of one person under 0.4 (docs/quality.md).
pub fn similarity(a: &Image, b: &Image) -> Result<f64, QualityError> {
    let half = |img: &Image| -> Result<Mat, QualityError> {
        let g = cv::grey(img)?;
        let mut s = Mat::default();
        imgproc::resize(&g, &mut s, Size::new(0, 0), 0.5, 0.5, imgproc::INTER_AREA)?;
        Ok(s)
    };
    let (a, b) = (half(a)?, half(b)?);
    let one_way = |x: &Mat, y: &Mat| -> Result<f64, QualityError> {
        let (tw, th) = ((x.cols() * 3 / 5).min(y.cols() - 1), (x.rows() * 3 / 5).min(y.rows() - 1));
        if tw < 16 || th < 16 {
            return Ok(0.0);
        }
        let tmpl = Mat::roi(x, Rect::new((x.cols() - tw) / 2, (x.rows() - th) / 2, tw, th))?;
        let mut res = Mat::default();
        imgproc::match_template(y, &tmpl, &mut res, imgproc::TM_CCOEFF_NORMED, &core::no_array())?;
        let mut max = 0.0;
        core::min_max_loc(&res, None, Some(&mut max), None, None, &core::no_array())?;
        Ok(max)
    };
    Ok(one_way(&a, &b)?.max(one_way(&b, &a)?))
}

/// Pairs of captured fingers so alike they are probably one finger placed twice.
pub fn duplicates(
    fingers: &[(Position, &Image)],
    t: &FingerThresholds,
) -> Result<Vec<(Position, Position, f64)>, QualityError> {
    let mut out = Vec::new();
    for (i, (pa, a)) in fingers.iter().enumerate() {
        for (pb, b) in &fingers[i + 1..] {
            let s = similarity(a, b)?;
            if s >= t.duplicate_correlation {
                out.push((*pa, *pb, s));
            }
        }
    }
    Ok(out)
}

/// One finger found in a slap image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    pub position: Position,
    /// Left, top, width, height in pixels.
    pub bbox: [i32; 4],
    /// The fingertip's height (its topmost row).
    pub tip_y: i32,
}

/// A slap's segmentation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlapAssessment {
    pub kind: Slap,
    pub segments: Vec<Segment>,
    /// The little finger is where the other hand's would be: the wrong hand is on the platen.
    pub swapped: bool,
    pub checks: Checks,
}

/// Finds the fingers of a slap (the fingertips: the last phalanges as separate blobs) and
/// checks the hand: the little fingertip is the lowest of the four, on the little finger's side.
pub fn segment_slap(img: &Image, kind: Slap) -> Result<SlapAssessment, QualityError> {
    let g = cv::grey(img)?;
    let (w, h) = (g.cols(), g.rows());
    // Ridges merge into dark blobs: blur, invert, Otsu; an opening then drops specks and the
    // thin bridges between neighbouring fingers.
    let mut blur = Mat::default();
    imgproc::gaussian_blur(&g, &mut blur, Size::new(0, 0), 6.0, 6.0, core::BORDER_REPLICATE)?;
    let mut bin = Mat::default();
    imgproc::threshold(
        &blur,
        &mut bin,
        0.0,
        255.0,
        imgproc::THRESH_BINARY_INV | imgproc::THRESH_OTSU,
    )?;
    let kernel = imgproc::get_structuring_element(
        imgproc::MORPH_ELLIPSE,
        Size::new(9, 9),
        Point::new(-1, -1),
    )?;
    let mut opened = Mat::default();
    imgproc::morphology_ex(
        &bin,
        &mut opened,
        imgproc::MORPH_OPEN,
        &kernel,
        Point::new(-1, -1),
        2,
        core::BORDER_CONSTANT,
        imgproc::morphology_default_border_value()?,
    )?;
    let (mut labels, mut stats, mut centroids) = (Mat::default(), Mat::default(), Mat::default());
    let n = imgproc::connected_components_with_stats(
        &opened,
        &mut labels,
        &mut stats,
        &mut centroids,
        8,
        core::CV_32S,
    )?;
    let min_area = f64::from(w * h) * 0.01;
    let mut blobs: Vec<[i32; 5]> = Vec::new();
    for i in 1..n {
        let s = |c: i32| stats.at_2d::<i32>(i, c).copied();
        let (x, y, bw, bh, area) = (
            s(imgproc::CC_STAT_LEFT)?,
            s(imgproc::CC_STAT_TOP)?,
            s(imgproc::CC_STAT_WIDTH)?,
            s(imgproc::CC_STAT_HEIGHT)?,
            s(imgproc::CC_STAT_AREA)?,
        );
        if f64::from(area) >= min_area {
            blobs.push([x, y, bw, bh, area]);
        }
    }
    let order = kind.left_to_right();
    let expected = order.len();
    blobs.sort_by_key(|b| -b[4]);
    blobs.truncate(expected);
    blobs.sort_by_key(|b| b[0]);
    let mut checks = Checks::default();
    checks.range(
        "fingers found",
        blobs.len() as f64,
        Some(expected as f64),
        Some(expected as f64),
        Instruction::PlaceFinger,
    );
    let segments: Vec<Segment> = blobs
        .iter()
        .zip(order)
        .filter_map(|(b, f)| {
            Some(Segment {
                position: Position::from_iso_finger_code(f.iso_code())?,
                bbox: [b[0], b[1], b[2], b[3]],
                tip_y: b[1],
            })
        })
        .collect();
    // The little finger's tip lies well below the index's; mirrored, the other hand is down.
    let swapped = match (kind, segments.as_slice()) {
        (Slap::RightFour, [first, .., last]) if segments.len() == 4 => first.tip_y > last.tip_y,
        (Slap::LeftFour, [first, .., last]) if segments.len() == 4 => last.tip_y > first.tip_y,
        _ => false,
    };
    checks.max("hand swapped", if swapped { 1.0 } else { 0.0 }, 0.0, Instruction::WrongHand);
    Ok(SlapAssessment { kind, segments, swapped, checks })
}
