//! ISO/IEC 19794-2:2005 finger minutiae records (format identifier `FMR`, version ` 20`): the
//! template the station keeps of each official's finger.
//!
//! The 2005 edition is the one most matchers read and write (ANSI/INCITS 378 shares its layout);
//! one record holds one finger view. Layout, big-endian:
//!
//! - record header, 24 bytes: `FMR\0`, ` 20\0`, the record length (4), the capture equipment
//!   (4 bits of certification flags, 12 bits of equipment id), the image width and height (2
//!   each), the horizontal and vertical resolution in pixels per centimetre (2 each), the number
//!   of finger views (1) and a reserved byte;
//! - per view, 4 bytes: the finger position (ISO/IEC 19794-2 table, 0 = unknown), the view number
//!   (high 4 bits) and impression type (low 4 bits), the finger quality (0-100) and the number of
//!   minutiae;
//! - per minutia, 6 bytes: the type (2 bits: 01 ridge ending, 10 bifurcation, 00 other) and x
//!   (14 bits), 2 reserved bits and y (14 bits), the angle in units of 360/256 degrees
//!   counter-clockwise from the horizontal to the right, and the quality (0-100);
//! - per view, the extended data block length (2 bytes; the station writes 0 and skips what it
//!   finds).
//!
//! Coordinates have their origin at the image's top left, y growing downwards.

use serde::Serialize;

use super::{Cursor, IsoError, check_length};

/// A minutia's kind as the record stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MinutiaType {
    Other,
    RidgeEnding,
    Bifurcation,
}

/// One minutia in record coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Minutia {
    pub kind: MinutiaType,
    /// Column, from the left edge.
    pub x: u16,
    /// Row, from the top edge.
    pub y: u16,
    /// The ridge direction in units of 360/256 degrees (1.40625°).
    pub angle: u8,
    /// 0-100 (0: not reported).
    pub quality: u8,
}

impl Minutia {
    /// The angle in whole degrees, 0-359.
    pub fn angle_degrees(&self) -> u16 {
        ((u32::from(self.angle) * 360 + 128) / 256 % 360) as u16
    }

    /// The record's angle unit nearest to `degrees` (any integer, taken modulo 360).
    pub fn angle_from_degrees(degrees: i32) -> u8 {
        let d = degrees.rem_euclid(360) as u32;
        ((d * 256 + 180) / 360 % 256) as u8
    }
}

/// One finger's minutiae.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinutiaeView {
    /// ISO/IEC 19794 finger position code (0 unknown, 1 right thumb ... 10 left little).
    pub position: u8,
    pub view_number: u8,
    /// 0: live-scan plain.
    pub impression_type: u8,
    pub quality: u8,
    pub minutiae: Vec<Minutia>,
}

/// A finger minutiae record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinutiaeRecord {
    pub width: u16,
    pub height: u16,
    /// Pixels per centimetre (197 is 500 ppi).
    pub x_resolution: u16,
    pub y_resolution: u16,
    pub views: Vec<MinutiaeView>,
}

const MAGIC: &[u8; 8] = b"FMR\0 20\0";
/// The record header's length.
const HEADER: usize = 24;
/// The most minutiae a view can declare (one byte).
pub const MAX_MINUTIAE: usize = 255;

/// Pixels per centimetre for a resolution in pixels per inch, rounded.
pub fn ppcm_from_ppi(ppi: u16) -> u16 {
    ((u32::from(ppi) * 100 + 127) / 254) as u16
}

/// Pixels per inch for a resolution in pixels per centimetre, rounded.
pub fn ppi_from_ppcm(ppcm: u16) -> u16 {
    ((u32::from(ppcm) * 254 + 50) / 100) as u16
}

impl MinutiaeRecord {
    /// Reads a record. Every count and length is checked against the bytes present, every
    /// minutia against the image size; a record with no view, or with bytes after its end, is
    /// refused.
    pub fn parse(data: &[u8]) -> Result<Self, IsoError> {
        let mut c = Cursor::new(data);
        let magic = c.bytes(8, "format identifier")?;
        if &magic[..4] != b"FMR\0" {
            return Err(IsoError::UnknownFormat { found: magic[..4].to_vec() });
        }
        if magic != MAGIC {
            return Err(IsoError::UnsupportedVersion {
                format: "finger minutiae",
                version: String::from_utf8_lossy(&magic[4..7]).trim().to_string(),
            });
        }
        let length = c.u32("record length")?;
        check_length("record length", u64::from(length), data.len())?;
        let _equipment = c.u16("capture equipment")?;
        let width = c.u16("image width")?;
        let height = c.u16("image height")?;
        let x_resolution = c.u16("horizontal resolution")?;
        let y_resolution = c.u16("vertical resolution")?;
        let view_count = c.u8("number of finger views")?;
        let _reserved = c.u8("reserved")?;
        if width == 0 || height == 0 {
            return Err(IsoError::InvalidValue { field: "image size", value: 0 });
        }
        if x_resolution == 0 || y_resolution == 0 {
            return Err(IsoError::InvalidValue { field: "resolution", value: 0 });
        }
        if view_count == 0 {
            return Err(IsoError::InvalidValue { field: "number of finger views", value: 0 });
        }
        let mut views = Vec::with_capacity(usize::from(view_count));
        for _ in 0..view_count {
            let position = c.u8("finger position")?;
            if position > 10 {
                return Err(IsoError::InvalidValue {
                    field: "finger position",
                    value: u64::from(position),
                });
            }
            let vi = c.u8("view number and impression type")?;
            let quality = c.u8("finger quality")?;
            if quality > 100 {
                return Err(IsoError::InvalidValue {
                    field: "finger quality",
                    value: u64::from(quality),
                });
            }
            let count = c.u8("number of minutiae")?;
            let mut minutiae = Vec::with_capacity(usize::from(count));
            for _ in 0..count {
                let tx = c.u16("minutia type and x")?;
                let y = c.u16("minutia y")? & 0x3fff;
                let angle = c.u8("minutia angle")?;
                let mq = c.u8("minutia quality")?;
                let kind = match tx >> 14 {
                    0 => MinutiaType::Other,
                    1 => MinutiaType::RidgeEnding,
                    2 => MinutiaType::Bifurcation,
                    t => {
                        return Err(IsoError::InvalidValue {
                            field: "minutia type",
                            value: u64::from(t),
                        });
                    }
                };
                let x = tx & 0x3fff;
                if x >= width || y >= height {
                    return Err(IsoError::InvalidValue {
                        field: "minutia position outside the image",
                        value: u64::from(x.max(y)),
                    });
                }
                if mq > 100 {
                    return Err(IsoError::InvalidValue {
                        field: "minutia quality",
                        value: u64::from(mq),
                    });
                }
                minutiae.push(Minutia { kind, x, y, angle, quality: mq });
            }
            let extended = c.u16("extended data block length")?;
            c.bytes(usize::from(extended), "extended data")?;
            views.push(MinutiaeView {
                position,
                view_number: vi >> 4,
                impression_type: vi & 0x0f,
                quality,
                minutiae,
            });
        }
        c.finish("record length")?;
        Ok(MinutiaeRecord { width, height, x_resolution, y_resolution, views })
    }

    /// Writes the record. Refuses what the format cannot hold: more than 255 minutiae in a view,
    /// coordinates beyond 14 bits or outside the image, qualities above 100.
    pub fn to_bytes(&self) -> Result<Vec<u8>, IsoError> {
        if self.views.is_empty() || self.views.len() > 255 {
            return Err(IsoError::InvalidValue {
                field: "number of finger views",
                value: self.views.len() as u64,
            });
        }
        if self.width == 0 || self.height == 0 || self.width > 0x3fff || self.height > 0x3fff {
            return Err(IsoError::InvalidValue {
                field: "image size",
                value: u64::from(self.width.max(self.height)),
            });
        }
        let mut out = Vec::with_capacity(HEADER + self.views.len() * 6);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(&self.width.to_be_bytes());
        out.extend_from_slice(&self.height.to_be_bytes());
        out.extend_from_slice(&self.x_resolution.to_be_bytes());
        out.extend_from_slice(&self.y_resolution.to_be_bytes());
        out.push(self.views.len() as u8);
        out.push(0);
        for v in &self.views {
            if v.minutiae.len() > MAX_MINUTIAE {
                return Err(IsoError::InvalidValue {
                    field: "number of minutiae",
                    value: v.minutiae.len() as u64,
                });
            }
            if v.position > 10 || v.quality > 100 || v.view_number > 15 || v.impression_type > 15 {
                return Err(IsoError::InvalidValue {
                    field: "finger view header",
                    value: u64::from(v.position.max(v.quality)),
                });
            }
            out.push(v.position);
            out.push(v.view_number << 4 | v.impression_type);
            out.push(v.quality);
            out.push(v.minutiae.len() as u8);
            for m in &v.minutiae {
                if m.x >= self.width || m.y >= self.height || m.quality > 100 {
                    return Err(IsoError::InvalidValue {
                        field: "minutia",
                        value: u64::from(m.x.max(m.y)),
                    });
                }
                let t: u16 = match m.kind {
                    MinutiaType::Other => 0,
                    MinutiaType::RidgeEnding => 1,
                    MinutiaType::Bifurcation => 2,
                };
                out.extend_from_slice(&(t << 14 | m.x).to_be_bytes());
                out.extend_from_slice(&m.y.to_be_bytes());
                out.push(m.angle);
                out.push(m.quality);
            }
            out.extend_from_slice(&0u16.to_be_bytes());
        }
        let len = u32::try_from(out.len()).map_err(|_| IsoError::InvalidValue {
            field: "record length",
            value: out.len() as u64,
        })?;
        out[8..12].copy_from_slice(&len.to_be_bytes());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MinutiaeRecord {
        MinutiaeRecord {
            width: 300,
            height: 400,
            x_resolution: 197,
            y_resolution: 197,
            views: vec![MinutiaeView {
                position: 2,
                view_number: 0,
                impression_type: 0,
                quality: 60,
                minutiae: (0..40u16)
                    .map(|i| Minutia {
                        kind: if i % 2 == 0 {
                            MinutiaType::RidgeEnding
                        } else {
                            MinutiaType::Bifurcation
                        },
                        x: 10 + i * 7,
                        y: 399 - i * 9,
                        angle: (i * 37 % 256) as u8,
                        quality: (i * 3 % 101) as u8,
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn round_trip() {
        let r = sample();
        let bytes = r.to_bytes().unwrap();
        assert_eq!(bytes.len(), 24 + 4 + 40 * 6 + 2);
        assert_eq!(&bytes[..8], b"FMR\0 20\0");
        assert_eq!(u32::from_be_bytes(bytes[8..12].try_into().unwrap()) as usize, bytes.len());
        assert_eq!(MinutiaeRecord::parse(&bytes).unwrap(), r);
    }

    #[test]
    fn angles_and_resolution_convert() {
        assert_eq!(Minutia::angle_from_degrees(0), 0);
        assert_eq!(Minutia::angle_from_degrees(90), 64);
        assert_eq!(Minutia::angle_from_degrees(-90), 192);
        assert_eq!(Minutia::angle_from_degrees(359), 255);
        assert_eq!(Minutia::angle_from_degrees(360), 0);
        for d in 0..360 {
            let m = Minutia {
                kind: MinutiaType::Other,
                x: 0,
                y: 0,
                angle: Minutia::angle_from_degrees(d),
                quality: 0,
            };
            let back = i32::from(m.angle_degrees());
            let diff = (back - d).rem_euclid(360).min((d - back).rem_euclid(360));
            assert!(diff <= 1, "{d} -> {back}");
        }
        assert_eq!(ppcm_from_ppi(500), 197);
        assert_eq!(ppi_from_ppcm(197), 500);
    }

    #[test]
    fn hostile_records_are_refused_not_panicked_on() {
        let good = sample().to_bytes().unwrap();
        // Every truncation.
        for n in 0..good.len() {
            assert!(MinutiaeRecord::parse(&good[..n]).is_err(), "truncated at {n}");
        }
        // A count larger than the bytes present, with the record length patched to match.
        let mut more = good.clone();
        more[27] = 255;
        assert!(MinutiaeRecord::parse(&more).is_err());
        // Trailing bytes.
        let mut longer = good.clone();
        longer.push(0);
        let n = longer.len() as u32;
        longer[8..12].copy_from_slice(&n.to_be_bytes());
        assert!(matches!(MinutiaeRecord::parse(&longer), Err(IsoError::LengthMismatch { .. })));
        // A minutia outside the image.
        let mut outside = good.clone();
        outside[28..30].copy_from_slice(&(1u16 << 14 | 0x3fff).to_be_bytes());
        assert!(matches!(MinutiaeRecord::parse(&outside), Err(IsoError::InvalidValue { .. })));
        // Type 3 is reserved.
        let mut reserved = good.clone();
        reserved[28] |= 0xc0;
        assert!(MinutiaeRecord::parse(&reserved).is_err());
        // Another edition and another format.
        let mut v30 = good.clone();
        v30[4..8].copy_from_slice(b"030\0");
        assert!(matches!(MinutiaeRecord::parse(&v30), Err(IsoError::UnsupportedVersion { .. })));
        assert!(matches!(
            MinutiaeRecord::parse(b"FIR\0 20\0\0\0\0\x10xxxx"),
            Err(IsoError::UnknownFormat { .. })
        ));
        // No views; zero size.
        let mut none = good.clone();
        none[22] = 0;
        assert!(MinutiaeRecord::parse(&none).is_err());
        let mut flat = good;
        flat[14..16].copy_from_slice(&[0, 0]);
        assert!(MinutiaeRecord::parse(&flat).is_err());
    }

    #[test]
    fn unwritable_records_are_refused() {
        let mut r = sample();
        r.views[0].minutiae[0].x = 300;
        assert!(r.to_bytes().is_err());
        let mut r = sample();
        let m = r.views[0].minutiae[0];
        r.views[0].minutiae = vec![m; 256];
        assert!(r.to_bytes().is_err());
        let mut r = sample();
        r.views.clear();
        assert!(r.to_bytes().is_err());
    }
}
