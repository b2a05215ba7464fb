//! Iris quality (near-infrared, ISO/IEC 29794-6 measures): the pupil and limbus boundaries as
//! circles, iris diameter, pupil/iris ratio, concentricity, margins, the usable iris area
//! (eyelids, lashes and reflections excluded), sharpness, and a 0-100 score; and the K3 crop
//! (640 x 480, iris centred) for the record.
//!
//! The pupil is the most circular dark blob over a few thresholds (its hull, so a glint inside
//! does not dent it). The limbus is found with Daugman's integro-differential idea restricted to
//! the lower lateral sectors, which eyelids rarely cover: the radius and centre (near the
//! pupil's) where the mean grey on the circle rises most sharply.

use drivers::raster::Image;
use opencv::core::{self, Mat, Point, Rect, Size, Vector};
use opencv::imgproc;
use opencv::prelude::*;
use serde::Serialize;

use super::{Assessment, Checks, Instruction, IrisThresholds, QualityError, cv};

pub const ALGORITHM: &str = "hukumati-iris/1";

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Circle {
    pub x: f32,
    pub y: f32,
    pub r: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IrisAssessment {
    #[serde(flatten)]
    pub assessment: Assessment,
    pub pupil: Option<Circle>,
    pub iris: Option<Circle>,
}

/// The pupil: the largest dark blob of circular shape.
fn find_pupil(m: &Mat) -> Result<Option<Circle>, QualityError> {
    let (w, h) = (m.cols(), m.rows());
    let mut lo = 0.0;
    core::min_max_loc(m, Some(&mut lo), None, None, None, &core::no_array())?;
    let kernel = imgproc::get_structuring_element(
        imgproc::MORPH_ELLIPSE,
        Size::new(15, 15),
        Point::new(-1, -1),
    )?;
    // Thresholds from dark to lighter: the pupil appears first and grows to its edge; when the
    // blob suddenly doubles (the iris joining it) the last size before is the pupil.
    let mut best: Option<(f64, Circle)> = None;
    for d in [12.0, 20.0, 30.0, 40.0, 55.0, 70.0] {
        let mut bin = Mat::default();
        imgproc::threshold(m, &mut bin, lo + d, 255.0, imgproc::THRESH_BINARY_INV)?;
        let mut closed = Mat::default();
        imgproc::morphology_ex(
            &bin,
            &mut closed,
            imgproc::MORPH_CLOSE,
            &kernel,
            Point::new(-1, -1),
            1,
            core::BORDER_CONSTANT,
            imgproc::morphology_default_border_value()?,
        )?;
        let mut contours = Vector::<Vector<Point>>::new();
        imgproc::find_contours(
            &closed,
            &mut contours,
            imgproc::RETR_EXTERNAL,
            imgproc::CHAIN_APPROX_SIMPLE,
            Point::new(0, 0),
        )?;
        let mut here: Option<(f64, Circle)> = None;
        for c in contours.iter() {
            let mut hull = Vector::<Point>::new();
            imgproc::convex_hull(&c, &mut hull, false, true)?;
            let area = imgproc::contour_area(&hull, false)?;
            let perimeter = imgproc::arc_length(&hull, true)?;
            if area < std::f64::consts::PI * 12.0 * 12.0 || perimeter <= 0.0 {
                continue;
            }
            let circularity = 4.0 * std::f64::consts::PI * area / (perimeter * perimeter);
            let r = imgproc::bounding_rect(&hull)?;
            let touches = r.x <= 1 || r.y <= 1 || r.x + r.width >= w - 1 || r.y + r.height >= h - 1;
            if circularity < 0.85 || touches {
                continue;
            }
            let mo = imgproc::moments(&hull, false)?;
            let circle = Circle {
                x: (mo.m10 / mo.m00) as f32,
                y: (mo.m01 / mo.m00) as f32,
                r: (area / std::f64::consts::PI).sqrt() as f32,
            };
            if here.is_none_or(|(a, _)| area > a) {
                here = Some((area, circle));
            }
        }
        match (best, here) {
            (None, h) => best = h,
            (Some((a, p)), Some((b, c)))
                if b <= a * 1.6 && ((c.x - p.x).powi(2) + (c.y - p.y).powi(2)).sqrt() < p.r =>
            {
                best = Some((b, c))
            }
            (Some(_), _) => break,
        }
    }
    Ok(best.map(|(_, c)| c))
}

/// Mean grey on the circle (cx, cy, r) over the lower lateral sectors; None if mostly outside.
fn ring_mean(data: &[u8], w: i32, h: i32, cx: f32, cy: f32, r: f32) -> Option<f32> {
    let (mut s, mut n, mut total) = (0f32, 0, 0);
    for sector in [(-25f32, 40f32), (140.0, 205.0)] {
        for k in 0..24 {
            let a = (sector.0 + (sector.1 - sector.0) * k as f32 / 23.0).to_radians();
            let (x, y) = ((cx + r * a.cos()).round() as i32, (cy + r * a.sin()).round() as i32);
            total += 1;
            if x >= 0 && y >= 0 && x < w && y < h {
                s += f32::from(data[(y * w + x) as usize]);
                n += 1;
            }
        }
    }
    (n * 2 >= total).then(|| s / n as f32)
}

/// The limbus: the strongest outward rise of brightness on circles around the pupil.
fn find_limbus(m: &Mat, pupil: Circle) -> Result<Option<Circle>, QualityError> {
    let (w, h) = (m.cols(), m.rows());
    let data = m.data_bytes()?;
    let r_min = (pupil.r * 1.4).max(pupil.r + 8.0);
    let r_max = (pupil.r * 5.5).min(w.max(h) as f32 * 0.6);
    let mut best: Option<(f32, Circle)> = None;
    for dy in [-6.0f32, -3.0, 0.0, 3.0, 6.0] {
        for dx in [-6.0f32, -3.0, 0.0, 3.0, 6.0] {
            let (cx, cy) = (pupil.x + dx, pupil.y + dy);
            let profile: Vec<Option<f32>> = (0..=((r_max - r_min) as i32 + 6))
                .map(|i| ring_mean(data, w, h, cx, cy, r_min - 3.0 + i as f32))
                .collect();
            for i in 3..profile.len().saturating_sub(3) {
                if let (Some(a), Some(b), Some(a2), Some(b2)) =
                    (profile[i - 3], profile[i + 3], profile[i - 2], profile[i + 2])
                {
                    let rise = (b + b2 - a - a2) / 2.0;
                    if best.is_none_or(|(v, _)| rise > v) {
                        best = Some((rise, Circle { x: cx, y: cy, r: r_min - 3.0 + i as f32 }));
                    }
                }
            }
        }
    }
    Ok(best.filter(|(v, _)| *v > 4.0).map(|(_, c)| c))
}

/// Share of the iris annulus that shows iris: not outside the image, not burnt out (glints),
/// not much brighter (eyelid skin) or much darker (lashes) than the iris's lateral parts.
fn usable_area(m: &Mat, pupil: Circle, iris: Circle) -> Result<f64, QualityError> {
    let (w, h) = (m.cols(), m.rows());
    let data = m.data_bytes()?;
    let inner = pupil.r + 3.0;
    let outer = iris.r - 3.0;
    let mut lateral = Vec::new();
    let mut all = Vec::new();
    let step = 2;
    for y in ((iris.y - outer) as i32..=(iris.y + outer) as i32).step_by(step) {
        for x in ((iris.x - outer) as i32..=(iris.x + outer) as i32).step_by(step) {
            let (fx, fy) = (x as f32, y as f32);
            let dp = ((fx - pupil.x).powi(2) + (fy - pupil.y).powi(2)).sqrt();
            let di = ((fx - iris.x).powi(2) + (fy - iris.y).powi(2)).sqrt();
            if dp < inner || di > outer {
                continue;
            }
            let v = (x >= 0 && y >= 0 && x < w && y < h).then(|| data[(y * w + x) as usize]);
            let a = (fy - iris.y).atan2(fx - iris.x).to_degrees();
            if let Some(v) = v
                && ((-25.0..=40.0).contains(&a) || a >= 140.0 || a <= -155.0)
            {
                lateral.push(v);
            }
            all.push(v);
        }
    }
    if all.is_empty() || lateral.is_empty() {
        return Ok(0.0);
    }
    lateral.sort_unstable();
    let reference = f32::from(lateral[lateral.len() / 2]);
    let good = all
        .iter()
        .filter(|v| {
            v.is_some_and(|v| {
                v < 240 && f32::from(v) < reference * 1.45 + 10.0 && f32::from(v) > reference * 0.45
            })
        })
        .count();
    Ok(good as f64 / all.len() as f64)
}

/// Judges one near-infrared eye image (grey; RGB is converted).
pub fn assess(img: &Image, t: &IrisThresholds) -> Result<IrisAssessment, QualityError> {
    let g = cv::grey(img)?;
    let (w, h) = (g.cols() as f32, g.rows() as f32);
    let mut m = Mat::default();
    imgproc::median_blur(&g, &mut m, 5)?;
    let mut checks = Checks::default();
    let (mean, _) = cv::mean_dev(&g, None)?;
    checks.min("image brightness", mean, 40.0, Instruction::TooDark);
    checks.max("image brightness", mean, 230.0, Instruction::TooBright);
    let pupil = find_pupil(&m)?;
    checks.min("pupil found", if pupil.is_some() { 1.0 } else { 0.0 }, 1.0, Instruction::OpenEyes);
    let iris = match pupil {
        Some(p) => find_limbus(&m, p)?,
        None => None,
    };
    if pupil.is_some() {
        checks.min(
            "iris found",
            if iris.is_some() { 1.0 } else { 0.0 },
            1.0,
            Instruction::LookAtIrisCamera,
        );
    }
    if let (Some(p), Some(i)) = (pupil, iris) {
        let usable = usable_area(&m, p, i)?;
        checks.min("usable iris area", usable, t.min_usable_area, Instruction::OpenEyes);
        checks.min(
            "iris diameter px",
            2.0 * f64::from(i.r),
            t.min_iris_diameter_px,
            Instruction::IrisCloser,
        );
        let ratio = f64::from(p.r / i.r);
        checks.range(
            "pupil iris ratio",
            ratio,
            Some(t.min_pupil_ratio),
            Some(t.max_pupil_ratio),
            if ratio > t.max_pupil_ratio { Instruction::TooDark } else { Instruction::TooBright },
        );
        let offset = f64::from(((p.x - i.x).powi(2) + (p.y - i.y).powi(2)).sqrt() / i.r);
        checks.max("centre offset", offset, t.max_centre_offset, Instruction::LookAtIrisCamera);
        let side = f64::from((i.x - i.r).min(w - i.x - i.r) / i.r);
        let vertical = f64::from((i.y - i.r).min(h - i.y - i.r) / i.r);
        let too_big = 2.0 * i.r * (1.0 + 2.0 * t.min_margin_side as f32) > w;
        checks.min(
            "side margin",
            side,
            t.min_margin_side,
            if too_big { Instruction::IrisFurther } else { Instruction::LookAtIrisCamera },
        );
        checks.min(
            "vertical margin",
            vertical,
            t.min_margin_vertical,
            Instruction::LookAtIrisCamera,
        );
        let r = cv::clip(
            Rect::new(
                (i.x - i.r) as i32,
                (i.y - i.r) as i32,
                (2.0 * i.r) as i32,
                (2.0 * i.r) as i32,
            ),
            g.cols(),
            g.rows(),
        );
        let sharp = if r.width > 8 && r.height > 8 {
            cv::laplacian_variance(&Mat::roi(&g, r)?)?
        } else {
            0.0
        };
        checks.min("sharpness", sharp, t.min_sharpness, Instruction::HoldStill);
    }
    let score = score(&checks, t);
    Ok(IrisAssessment { assessment: Assessment::new(ALGORITHM, score, checks), pupil, iris })
}

/// 0-100: usable area, sharpness and resolution margins multiplied; a failed check caps it
/// below MOSIP's registration threshold (60) in proportion to the checks passed.
fn score(checks: &Checks, t: &IrisThresholds) -> u8 {
    let v = |n: &str| checks.get(n).map(|c| c.value);
    let (Some(usable), Some(sharp), Some(d)) =
        (v("usable iris area"), v("sharpness"), v("iris diameter px"))
    else {
        return 0;
    };
    let s = 100.0
        * usable.min(1.0)
        * (sharp / (2.0 * t.min_sharpness)).min(1.0).sqrt()
        * (d / t.min_iris_diameter_px).min(1.0);
    if checks.passed() {
        s.clamp(60.0, 100.0).round() as u8
    } else {
        let n = checks.0.len().max(1) as f64;
        (s.min(59.0) * checks.0.iter().filter(|c| c.passed).count() as f64 / n).round() as u8
    }
}

/// The K3 crop for the record: 640 x 480 with the iris centred, borders filled with the nearest
/// edge where the camera's image ends.
pub fn k3_crop(img: &Image, iris: Circle) -> Result<Image, QualityError> {
    let g = cv::grey(img)?;
    let (x, y) = ((iris.x - 320.0).round() as i32, (iris.y - 240.0).round() as i32);
    let (w, h) = (g.cols(), g.rows());
    let (l, t, r, b) = ((-x).max(0), (-y).max(0), (x + 640 - w).max(0), (y + 480 - h).max(0));
    let mut padded = Mat::default();
    core::copy_make_border(
        &g,
        &mut padded,
        t,
        b,
        l,
        r,
        core::BORDER_REPLICATE,
        core::Scalar::default(),
    )?;
    let roi = Mat::roi(&padded, Rect::new(x + l, y + t, 640, 480))?.try_clone()?;
    cv::to_image(&roi)
}
