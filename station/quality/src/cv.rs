//! Between the station's [`Image`] (8-bit grey or RGB, row-major) and OpenCV matrices, and the
//! few measurements every modality uses.

use drivers::raster::Image;
use opencv::core::{self, Mat, Rect, Scalar, Size};
use opencv::imgproc;
use opencv::prelude::*;

use super::QualityError;

/// The image in grey, as an owned OpenCV matrix.
pub fn grey(img: &Image) -> Result<Mat, QualityError> {
    if !img.is_well_formed() || !matches!(img.channels, 1 | 3) || img.width == 0 || img.height == 0
    {
        return Err(QualityError::BadImage(format!(
            "{}x{}x{} with {} bytes",
            img.width,
            img.height,
            img.channels,
            img.data.len()
        )));
    }
    let flat = Mat::from_slice(&img.data)?;
    let m = flat.reshape(i32::from(img.channels), img.height as i32)?;
    let mut out = Mat::default();
    if img.channels == 3 {
        imgproc::cvt_color_def(&m, &mut out, imgproc::COLOR_RGB2GRAY)?;
    } else {
        out = m.try_clone()?;
    }
    Ok(out)
}

/// An 8-bit matrix (grey or 3-channel, taken as RGB) back as an [`Image`].
pub fn to_image(m: &Mat) -> Result<Image, QualityError> {
    let m = if m.is_continuous() { m.try_clone()? } else { m.clone() };
    let channels = m.channels() as u8;
    let data = m.data_bytes()?.to_vec();
    Ok(Image { width: m.cols() as u32, height: m.rows() as u32, channels, data })
}

/// The part of `r` inside a `w` x `h` image (empty when none is).
pub fn clip(r: Rect, w: i32, h: i32) -> Rect {
    let x0 = r.x.clamp(0, w);
    let y0 = r.y.clamp(0, h);
    let x1 = (r.x + r.width).clamp(0, w);
    let y1 = (r.y + r.height).clamp(0, h);
    Rect::new(x0, y0, (x1 - x0).max(0), (y1 - y0).max(0))
}

/// Scales `m` to `width` pixels wide (area filter when shrinking).
pub(crate) fn resize_to_width(
    m: &impl core::ToInputArray,
    src_width: i32,
    src_height: i32,
    width: i32,
) -> Result<Mat, QualityError> {
    let h = (f64::from(src_height) * f64::from(width) / f64::from(src_width.max(1)))
        .round()
        .max(1.0) as i32;
    let mut out = Mat::default();
    let interp = if width < src_width { imgproc::INTER_AREA } else { imgproc::INTER_LINEAR };
    imgproc::resize(m, &mut out, Size::new(width, h), 0.0, 0.0, interp)?;
    Ok(out)
}

/// Variance of the Laplacian: the usual focus measure (high for sharp edges).
pub(crate) fn laplacian_variance(m: &impl core::ToInputArray) -> Result<f64, QualityError> {
    let mut lap = Mat::default();
    imgproc::laplacian(m, &mut lap, core::CV_32F, 3, 1.0, 0.0, core::BORDER_REPLICATE)?;
    let (mut mean, mut dev) = (Mat::default(), Mat::default());
    core::mean_std_dev(&lap, &mut mean, &mut dev, &core::no_array())?;
    let d = *dev.at::<f64>(0)?;
    Ok(d * d)
}

/// Mean and standard deviation of a grey matrix, optionally under a mask.
pub(crate) fn mean_dev(
    m: &impl core::ToInputArray,
    mask: Option<&Mat>,
) -> Result<(f64, f64), QualityError> {
    let (mut mean, mut dev) = (Mat::default(), Mat::default());
    match mask {
        Some(k) => core::mean_std_dev(m, &mut mean, &mut dev, k)?,
        None => core::mean_std_dev(m, &mut mean, &mut dev, &core::no_array())?,
    }
    Ok((*mean.at::<f64>(0)?, *dev.at::<f64>(0)?))
}

/// Share (percent) of the pixels of a grey matrix at or above `level`.
pub(crate) fn percent_at_least(m: &Mat, level: f64) -> Result<f64, QualityError> {
    let total = f64::from((m.rows() * m.cols()).max(1));
    let mut t = Mat::default();
    imgproc::threshold(m, &mut t, level - 1.0, 255.0, imgproc::THRESH_BINARY)?;
    Ok(f64::from(core::count_non_zero(&t)?) * 100.0 / total)
}

/// A grey matrix of `size` filled with `v`.
pub fn filled(size: Size, v: f64) -> Result<Mat, QualityError> {
    Ok(Mat::new_size_with_default(size, core::CV_8UC1, Scalar::all(v))?)
}
