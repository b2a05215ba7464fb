//! Synthetic fingerprints at 500 ppi, grown the way SFinGe (Cappelli, Maio, Maltoni) describes:
//! an orientation field from the zero-pole model of its singular points (cores and deltas) for
//! the pattern class, then random seeds grown into ridges by repeatedly filtering with Gabor
//! filters tuned to the local orientation and a ridge period of about 9 px, inside a fingertip
//! shape with pressure falling off to the edge, pores on the ridges and an occasional crease.

use std::f32::consts::PI;

use super::{Image, Rng};

/// Fingerprint pattern class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    LeftLoop,
    RightLoop,
    Whorl,
    Arch,
    TentedArch,
}

const ORIENTATIONS: usize = 24;
const K: i32 = 4; // kernel radius: 9 x 9 taps
const ITERATIONS: usize = 5;

/// Even-symmetric, zero-mean Gabor kernels, one per quantised ridge orientation.
fn kernels(period: f32) -> Vec<[f32; 81]> {
    let sigma = 2.6f32;
    (0..ORIENTATIONS)
        .map(|o| {
            let ridge = o as f32 * PI / ORIENTATIONS as f32;
            // The cosine runs across the ridges, normal to their direction.
            let (nx, ny) = ((ridge + PI / 2.0).cos(), (ridge + PI / 2.0).sin());
            let mut k = [0f32; 81];
            let mut i = 0;
            for dy in -K..=K {
                for dx in -K..=K {
                    let (x, y) = (dx as f32, dy as f32);
                    let g = (-(x * x + y * y) / (2.0 * sigma * sigma)).exp();
                    k[i] = g * (2.0 * PI * (x * nx + y * ny) / period).cos();
                    i += 1;
                }
            }
            let mean = k.iter().sum::<f32>() / 81.0;
            k.iter_mut().for_each(|v| *v -= mean);
            k
        })
        .collect()
}

/// Singular points of a print, and its overall rotation.
struct Singularities {
    pattern: Pattern,
    cores: Vec<(f32, f32)>,
    deltas: Vec<(f32, f32)>,
    tilt: f32,
}

/// Ridge orientation (radians, modulo pi) at (x, y) of a `w` x `h` print.
fn orientation(s: &Singularities, x: f32, y: f32, w: f32, h: f32) -> f32 {
    let (cores, deltas, tilt) = (&s.cores, &s.deltas, s.tilt);
    if s.pattern == Pattern::Arch {
        // Ridges flowing across the finger, bulging upwards in the middle.
        let cx = w * 0.5;
        let cy = h * 0.55;
        let slope = -1.6 * ((x - cx) / (w * 0.35)) * (-((y - cy) / (h * 0.35)).powi(2)).exp();
        slope.atan() + tilt
    } else {
        // Zero-pole model: half the sum of the arguments to the cores minus those to the deltas.
        let mut a = 0.0;
        for (cx, cy) in cores {
            a += (y - cy).atan2(x - cx);
        }
        for (dx, dy) in deltas {
            a -= (y - dy).atan2(x - dx);
        }
        0.5 * a + tilt
    }
}

/// A 500 ppi single-finger image, `width` x `height` grey, dark ridges on a light background.
pub fn fingerprint(seed: u64, width: u32, height: u32) -> Image {
    let mut rng = Rng::new(seed);
    let pattern =
        [Pattern::LeftLoop, Pattern::RightLoop, Pattern::Whorl, Pattern::Arch, Pattern::TentedArch]
            [(rng.next_u64() % 5) as usize];
    let (w, h) = (width as f32, height as f32);
    let (cx, cy) = (w * rng.range(0.45, 0.55), h * rng.range(0.4, 0.5));
    let side = rng.range(0.18, 0.26) * w;
    let (cores, deltas) = match pattern {
        Pattern::LeftLoop => (vec![(cx, cy)], vec![(cx + side, cy + h * 0.22)]),
        Pattern::RightLoop => (vec![(cx, cy)], vec![(cx - side, cy + h * 0.22)]),
        Pattern::Whorl => (
            vec![(cx, cy - 14.0), (cx + 4.0, cy + 14.0)],
            vec![(cx - side * 1.2, cy + h * 0.25), (cx + side * 1.2, cy + h * 0.25)],
        ),
        Pattern::TentedArch => (vec![(cx, cy)], vec![(cx, cy + h * 0.12)]),
        Pattern::Arch => (vec![], vec![]),
    };
    let singular = Singularities { pattern, cores, deltas, tilt: rng.range(-0.15, 0.15) };
    let period = rng.range(8.5, 10.0);
    let bank = kernels(period);

    let (wi, hi) = (width as i32, height as i32);
    let n = (width * height) as usize;
    // Fingertip: an ellipse, soft at its edge; `pressure` is 1 in the middle, 0 outside.
    let mut pressure = vec![0f32; n];
    let mut bin = vec![0u8; n];
    let (ex, ey) = (w * rng.range(0.40, 0.45), h * rng.range(0.44, 0.48));
    let (ecx, ecy) = (w * 0.5, h * 0.5);
    for y in 0..hi {
        for x in 0..wi {
            let i = (y * wi + x) as usize;
            let r = ((x as f32 - ecx) / ex).powi(2) + ((y as f32 - ecy) / ey).powi(2);
            pressure[i] = ((1.0 - r) * 4.0).clamp(0.0, 1.0);
            let theta = orientation(&singular, x as f32, y as f32, w, h).rem_euclid(PI);
            bin[i] = ((theta / PI * ORIENTATIONS as f32).round() as usize % ORIENTATIONS) as u8;
        }
    }
    // Random seeds, grown into ridges by oriented Gabor filtering.
    let mut img: Vec<f32> = (0..n)
        .map(|i| {
            if pressure[i] > 0.0 && rng.next_u64().is_multiple_of(40) {
                if rng.next_u64().is_multiple_of(2) { 1.0 } else { -1.0 }
            } else {
                0.0
            }
        })
        .collect();
    let mut next = vec![0f32; n];
    for _ in 0..ITERATIONS {
        for y in 0..hi {
            for x in 0..wi {
                let i = (y * wi + x) as usize;
                if pressure[i] <= 0.0 {
                    next[i] = 0.0;
                    continue;
                }
                let k = &bank[bin[i] as usize];
                let mut acc = 0.0;
                let mut t = 0;
                for dy in -K..=K {
                    let yy = y + dy;
                    if yy < 0 || yy >= hi {
                        t += (2 * K + 1) as usize;
                        continue;
                    }
                    let row = (yy * wi) as usize;
                    for dx in -K..=K {
                        let xx = x + dx;
                        if xx >= 0 && xx < wi {
                            acc += k[t] * img[row + xx as usize];
                        }
                        t += 1;
                    }
                }
                next[i] = (acc * 1.8).clamp(-1.0, 1.0);
            }
        }
        std::mem::swap(&mut img, &mut next);
    }

    // Creases: a few thin light lines across the finger.
    let creases: Vec<(f32, f32, f32)> = (0..(rng.next_u64() % 3))
        .map(|_| (rng.range(0.0, PI), rng.range(0.3, 0.8) * h, rng.range(1.0, 2.2)))
        .collect();
    let pores = rng.next_u64();
    let mut data = vec![0u8; n];
    for y in 0..hi {
        for x in 0..wi {
            let i = (y * wi + x) as usize;
            let p = pressure[i];
            let ridge = (img[i] + 1.0) * 0.5; // 1 on a ridge
            let mut v = 232.0 - 175.0 * p.sqrt() * ridge;
            for (angle, offset, width) in &creases {
                let d = (x as f32 - w / 2.0) * angle.sin() - (y as f32 - *offset) * angle.cos();
                if d.abs() < *width && p > 0.0 {
                    v = v.max(200.0);
                }
            }
            let hash = (x as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ^ (y as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
                ^ pores;
            if ridge > 0.9 && hash.is_multiple_of(61) {
                v += 55.0 * p;
            }
            v += ((hash >> 40) % 13) as f32 - 6.0;
            data[i] = v.clamp(0.0, 255.0) as u8;
        }
    }
    Image { width, height, channels: 1, data }
}
