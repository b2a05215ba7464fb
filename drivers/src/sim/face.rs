//! Simulated portraits from a real photograph (public domain, see `fixtures/faces/README.md`).

use image::{ImageFormat, imageops};

use super::{Image, Rng};

const PORTRAIT: &[u8] = include_bytes!("../../../fixtures/faces/eileen-collins-nasa.jpg");

/// The portrait framed, mirrored, exposed and white-balanced by `seed`, at `width` x `height`.
pub fn portrait(seed: u64, width: u32, height: u32) -> Image {
    let mut rng = Rng::new(seed ^ 0xface);
    // The photograph is part of the program; failing to decode it is a build defect.
    let base = image::load_from_memory_with_format(PORTRAIT, ImageFormat::Jpeg)
        .expect("embedded portrait decodes")
        .to_rgb8();
    let (bw, bh) = base.dimensions();
    // Frame: a window of the same aspect as the output, 92-100 % of the photograph's width.
    let w = ((bw as f32) * rng.range(0.92, 1.0)) as u32;
    let h = ((w as f32) * height as f32 / width as f32).min(bh as f32) as u32;
    let x0 = (rng.unit() * (bw - w) as f32) as u32;
    let y0 = (rng.unit() * (bh - h) as f32) as u32;
    let mut img = imageops::resize(
        &imageops::crop_imm(&base, x0, y0, w, h).to_image(),
        width,
        height,
        imageops::FilterType::CatmullRom,
    );
    if rng.unit() < 0.5 {
        imageops::flip_horizontal_in_place(&mut img);
    }
    let exposure = rng.range(0.88, 1.1);
    let gains = [exposure * rng.range(0.95, 1.05), exposure, exposure * rng.range(0.95, 1.05)];
    let mut data = img.into_raw();
    for px in data.chunks_exact_mut(3) {
        for (c, g) in px.iter_mut().zip(gains) {
            *c = (f32::from(*c) * g).clamp(0.0, 255.0) as u8;
        }
    }
    Image { width, height, channels: 3, data }
}
