//! Simulated identity documents: an ID-1 card at about 300 dpi with the holder's photograph on
//! the front and a TD1 machine-readable zone printed in OCR-B on the back (font: see
//! `fixtures/fonts/README.md`).

use ab_glyph::{Font, FontRef, PxScale, point};

use super::{Image, Rng, face};

const OCR_B: &[u8] = include_bytes!("../../../fixtures/fonts/OCRB.otf");

const WIDTH: u32 = 1012;
const HEIGHT: u32 = 638;

fn put(data: &mut [u8], x: u32, y: u32, rgb: [u8; 3]) {
    put_in(data, WIDTH, HEIGHT, x, y, rgb)
}

fn put_in(data: &mut [u8], width: u32, height: u32, x: u32, y: u32, rgb: [u8; 3]) {
    if x < width && y < height {
        let i = ((y * width + x) * 3) as usize;
        data[i..i + 3].copy_from_slice(&rgb);
    }
}

fn blend(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) as u8)
}

/// Prints `text` in OCR-B with a fixed pitch (the MRZ is monospaced), baseline at `y`.
fn print(data: &mut [u8], text: &str, x0: f32, y: f32, pitch: f32, size: f32) {
    print_in(data, WIDTH, text, x0, y, pitch, size)
}

fn print_in(data: &mut [u8], width: u32, text: &str, x0: f32, y: f32, pitch: f32, size: f32) {
    let font = FontRef::try_from_slice(OCR_B).expect("embedded OCR-B font parses");
    let scale = PxScale::from(size);
    for (i, c) in text.chars().enumerate() {
        let glyph =
            font.glyph_id(c).with_scale_and_position(scale, point(x0 + i as f32 * pitch, y));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let (x, y) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                if x >= 0 && y >= 0 {
                    let i = ((y as u32 * width + x as u32) * 3) as usize;
                    if i + 3 <= data.len() {
                        let old = [data[i], data[i + 1], data[i + 2]];
                        data[i..i + 3].copy_from_slice(&blend(old, [20, 20, 24], coverage));
                    }
                }
            });
        }
    }
}

pub fn id_card(seed: u64, back_side: bool, mrz: Option<&[String]>) -> Image {
    let mut rng = Rng::new(seed ^ if back_side { 0xbac4 } else { 0xf207 });
    let paper = [
        rng.range(225.0, 240.0) as u8,
        rng.range(230.0, 245.0) as u8,
        rng.range(215.0, 232.0) as u8,
    ];
    let mut data = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            // Guilloche-like background and a green band on top.
            let mut c = blend(
                paper,
                [180, 210, 190],
                ((x as f32 * 0.02).sin() * (y as f32 * 0.015).cos() * 0.5 + 0.5) * 0.15,
            );
            if y < 90 {
                c = [20, 100, 60];
            }
            put(&mut data, x, y, c);
        }
    }
    if back_side {
        let filler = ["<".repeat(30), "<".repeat(30), "<".repeat(30)];
        let lines: Vec<&str> = match mrz {
            Some(l) => l.iter().map(String::as_str).collect(),
            None => filler.iter().map(String::as_str).collect(),
        };
        // ICAO: 10 characters per inch (30 px at 300 dpi), lines about 4.2 mm apart.
        let top = HEIGHT as f32 - 30.0 - 50.0 * lines.len() as f32;
        for (i, line) in lines.iter().enumerate() {
            print(&mut data, line, 46.0, top + 50.0 * (i as f32 + 1.0), 30.6, 42.0);
        }
    } else {
        let photo = face::portrait(seed, 240, 320);
        for y in 0..photo.height {
            for x in 0..photo.width {
                let i = ((y * photo.width + x) * 3) as usize;
                put(
                    &mut data,
                    50 + x,
                    140 + y,
                    [photo.data[i], photo.data[i + 1], photo.data[i + 2]],
                );
            }
        }
        // Text bars where the printed fields are.
        for row in 0..6u32 {
            let len = 300 + ((seed as u32).wrapping_mul(row + 3) % 260);
            for y in 150 + row * 52..168 + row * 52 {
                for x in 340..340 + len {
                    if (x / 14) % 7 != 6 {
                        put(&mut data, x, y, [45, 45, 50]);
                    }
                }
            }
        }
    }
    Image { width: WIDTH, height: HEIGHT, channels: 3, data }
}

/// A passport data page (ID-3, 125 x 88 mm) at about 300 dpi, RGB: a photograph, field bars and
/// the two-line TD3 zone `mrz` printed in OCR-B at the foot.
pub fn passport_page(seed: u64, mrz: &[String]) -> Image {
    let (w, h) = (1476u32, 1039u32);
    let mut rng = Rng::new(seed ^ 0x9a55);
    let paper = [
        rng.range(220.0, 236.0) as u8,
        rng.range(214.0, 230.0) as u8,
        rng.range(226.0, 240.0) as u8,
    ];
    let mut data = vec![0u8; (w * h * 3) as usize];
    for y in 0..h {
        for x in 0..w {
            let c = blend(
                paper,
                [200, 180, 210],
                ((x as f32 * 0.013).sin() * (y as f32 * 0.021).cos() * 0.5 + 0.5) * 0.18,
            );
            put_in(&mut data, w, h, x, y, c);
        }
    }
    let photo = face::portrait(seed, 300, 400);
    for y in 0..photo.height {
        for x in 0..photo.width {
            let i = ((y * photo.width + x) * 3) as usize;
            put_in(
                &mut data,
                w,
                h,
                60 + x,
                120 + y,
                [photo.data[i], photo.data[i + 1], photo.data[i + 2]],
            );
        }
    }
    for row in 0..7u32 {
        let len = 260 + ((seed as u32).wrapping_mul(row + 5) % 420);
        for y in 140 + row * 56..160 + row * 56 {
            for x in 420..420 + len {
                if (x / 15) % 8 != 7 {
                    put_in(&mut data, w, h, x, y, [50, 45, 60]);
                }
            }
        }
    }
    let top = h as f32 - 40.0 - 52.0 * mrz.len() as f32;
    for (i, line) in mrz.iter().enumerate() {
        print_in(&mut data, w, line, 62.0, top + 52.0 * (i as f32 + 1.0), 30.6, 42.0);
    }
    Image { width: w, height: h, channels: 3, data }
}
