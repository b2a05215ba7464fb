//! ISO/IEC 19794-4 finger image records (`FIR\0`), editions 2005 (`010`) and 2011 (`020`).

use serde::Serialize;

use super::{
    CaptureDevice, CaptureTime, Certification, Cursor, Edition, ImageData, IsoError, Quality,
    Writer, check_length, decode_checked, fits_u16, fits_u32, sub_block,
};
use crate::jp2k::{self, Pixels};

/// Image compression, as named by either edition (the codes differ between them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    Raw,
    BitPacked,
    Wsq,
    Jpeg,
    /// 2005 edition: JPEG 2000 without saying whether lossless.
    Jpeg2000,
    Jpeg2000Lossy,
    Jpeg2000Lossless,
    Png,
}

impl Compression {
    fn from_2005(code: u8) -> Result<Self, IsoError> {
        Ok(match code {
            0 => Self::Raw,
            1 => Self::BitPacked,
            2 => Self::Wsq,
            3 => Self::Jpeg,
            4 => Self::Jpeg2000,
            5 => Self::Png,
            v => {
                return Err(IsoError::InvalidValue {
                    field: "image compression algorithm",
                    value: u64::from(v),
                });
            }
        })
    }
    fn from_2011(code: u8) -> Result<Self, IsoError> {
        Ok(match code {
            0 => Self::Raw,
            1 => Self::BitPacked,
            2 => Self::Wsq,
            3 => Self::Jpeg,
            4 => Self::Jpeg2000Lossy,
            5 => Self::Jpeg2000Lossless,
            6 => Self::Png,
            v => {
                return Err(IsoError::InvalidValue {
                    field: "compression algorithm",
                    value: u64::from(v),
                });
            }
        })
    }
    fn code_2011(self) -> u8 {
        match self {
            Self::Raw => 0,
            Self::BitPacked => 1,
            Self::Wsq => 2,
            Self::Jpeg => 3,
            Self::Jpeg2000Lossy | Self::Jpeg2000 => 4,
            Self::Jpeg2000Lossless => 5,
            Self::Png => 6,
        }
    }
}

/// Name of an ISO finger position code (0 unknown, 1-10 single fingers, 11-15 multi-finger).
pub fn position_name(code: u8) -> &'static str {
    match code {
        0 => "Unknown",
        1 => "Right Thumb",
        2 => "Right IndexFinger",
        3 => "Right MiddleFinger",
        4 => "Right RingFinger",
        5 => "Right LittleFinger",
        6 => "Left Thumb",
        7 => "Left IndexFinger",
        8 => "Left MiddleFinger",
        9 => "Left RingFinger",
        10 => "Left LittleFinger",
        11 => "Plain Right Thumb",
        12 => "Plain Left Thumb",
        13 => "Plain Right Four Fingers",
        14 => "Plain Left Four Fingers",
        15 => "Plain Thumbs",
        _ => "Other",
    }
}

/// One finger image (a "view" in 2005, a "representation" in 2011).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FingerView {
    pub capture_time: Option<CaptureTime>,
    pub device: CaptureDevice,
    pub quality: Vec<Quality>,
    pub certifications: Vec<Certification>,
    /// ISO finger position (1 right thumb ... 10 left little).
    pub position: u8,
    pub position_name: &'static str,
    /// View number (2005) or representation number (2011).
    pub view_number: u8,
    pub impression_type: u8,
    /// 1 = pixels per inch, 2 = pixels per centimetre.
    pub scale_units: u8,
    pub capture_sampling_rate: [u16; 2],
    pub image_sampling_rate: [u16; 2],
    pub bit_depth: u8,
    pub compression: Compression,
    pub width: u16,
    pub height: u16,
    pub image: ImageData,
    /// Bytes after the image inside a 2011 representation (extended data blocks), kept as is.
    pub extended_data_length: usize,
    /// Things that are wrong with the record but did not stop it from being read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A finger image record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FingerRecord {
    pub edition: Edition,
    pub certification_flag: bool,
    /// 2005 only: capture device id and image acquisition level from the general header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_device_id: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquisition_level: Option<u16>,
    pub views: Vec<FingerView>,
}

impl FingerView {
    /// The image's horizontal resolution in pixels per inch, as its scale units say (1: per
    /// inch; 2: per centimetre, converted); `None` when the units are neither.
    pub fn ppi(&self) -> Option<u16> {
        match self.scale_units {
            1 => Some(self.image_sampling_rate[0]),
            2 => Some(super::minutiae::ppi_from_ppcm(self.image_sampling_rate[0])),
            _ => None,
        }
    }

    /// A single-finger 500 ppi, 8-bit, lossless JPEG 2000 view ready for [`FingerView::to_record`].
    pub fn new_500ppi(
        position: u8,
        pixels: &Pixels,
        quality: Vec<Quality>,
        device: CaptureDevice,
        capture_time: Option<CaptureTime>,
    ) -> Result<Self, IsoError> {
        if !(1..=10).contains(&position) {
            return Err(IsoError::InvalidValue {
                field: "finger position",
                value: u64::from(position),
            });
        }
        if pixels.channels != 1 {
            return Err(IsoError::Unsupported("finger images must be 8-bit grey".into()));
        }
        Ok(FingerView {
            capture_time,
            device,
            quality,
            certifications: Vec::new(),
            position,
            position_name: position_name(position),
            view_number: 0,
            impression_type: 0, // live-scan plain
            scale_units: 1,
            capture_sampling_rate: [500, 500],
            image_sampling_rate: [500, 500],
            bit_depth: 8,
            compression: Compression::Jpeg2000Lossless,
            width: fits_u16("horizontal line length", pixels.width)?,
            height: fits_u16("vertical line length", pixels.height)?,
            image: ImageData(jp2k::encode_lossless(pixels)?),
            extended_data_length: 0,
            warnings: Vec::new(),
        })
    }

    /// Decodes the image and checks it against the header.
    pub fn decode_image(&self) -> Result<Pixels, IsoError> {
        if self.bit_depth != 8 {
            return Err(IsoError::Unsupported(format!("{}-bit finger images", self.bit_depth)));
        }
        decode_checked(
            &self.image,
            self.compression == Compression::Raw,
            u32::from(self.width),
            u32::from(self.height),
            1,
        )
    }

    /// Writes this view as a one-representation ISO/IEC 19794-4:2011 record.
    pub fn to_record(&self) -> Result<Vec<u8>, IsoError> {
        let mut w = Writer::record(b"FIR\x00020\x00");
        w.u16(1); // one representation
        w.u8(0); // no certification blocks
        w.u8(1); // one distinct finger
        let rep_start = w.begin_representation();
        w.preamble_2011(self.capture_time, &self.device, &self.quality)?;
        w.u8(self.position);
        w.u8(self.view_number);
        w.u8(self.scale_units);
        w.u16(self.capture_sampling_rate[0]);
        w.u16(self.capture_sampling_rate[1]);
        w.u16(self.image_sampling_rate[0]);
        w.u16(self.image_sampling_rate[1]);
        w.u8(self.bit_depth);
        w.u8(self.compression.code_2011());
        w.u8(self.impression_type);
        w.u16(self.width);
        w.u16(self.height);
        w.u32(fits_u32("image data length", self.image.0.len())?);
        w.bytes(&self.image.0);
        w.finish(rep_start)
    }
}

impl FingerRecord {
    pub fn parse(data: &[u8]) -> Result<Self, IsoError> {
        let mut c = Cursor::new(data);
        if c.bytes(4, "format identifier")? != b"FIR\0" {
            return Err(IsoError::UnknownFormat { found: data[..4].to_vec() });
        }
        match c.bytes(4, "version number")? {
            b"010\0" => parse_2005(c, data.len()),
            b"020\0" => parse_2011(c, data.len()),
            v => Err(IsoError::UnsupportedVersion {
                format: "ISO 19794-4 finger",
                version: String::from_utf8_lossy(v).into(),
            }),
        }
    }
}

fn parse_2011(mut c: Cursor<'_>, total: usize) -> Result<FingerRecord, IsoError> {
    check_length("record length", u64::from(c.u32("record length")?), total)?;
    let reps = c.u16("number of finger representations")?;
    let cert = match c.u8("certification flag")? {
        0 => false,
        1 => true,
        v => {
            return Err(IsoError::InvalidValue {
                field: "certification flag",
                value: u64::from(v),
            });
        }
    };
    let _distinct = c.u8("number of distinct finger positions")?;
    let mut views = Vec::with_capacity(reps.min(32) as usize);
    for _ in 0..reps {
        let declared = u64::from(c.u32("representation length")?);
        let mut r = sub_block(&mut c, "representation length", declared, 4)?;
        let p = r.preamble_2011(cert)?;
        let position = r.u8("finger position")?;
        let view_number = r.u8("representation number")?;
        let scale_units = r.u8("scale units")?;
        let capture_sampling_rate = [
            r.u16("capture sampling rate (horizontal)")?,
            r.u16("capture sampling rate (vertical)")?,
        ];
        let image_sampling_rate =
            [r.u16("image sampling rate (horizontal)")?, r.u16("image sampling rate (vertical)")?];
        let bit_depth = r.u8("image bit depth")?;
        let compression = Compression::from_2011(r.u8("compression algorithm")?)?;
        let impression_type = r.u8("impression type")?;
        let width = r.u16("horizontal line length")?;
        let height = r.u16("vertical line length")?;
        let declared_image = r.u32("image data length")? as usize;
        let rest = r.remaining();
        if declared_image > rest {
            return Err(IsoError::LengthMismatch {
                field: "image data length",
                declared: declared_image as u64,
                actual: rest as u64,
            });
        }
        let mut warnings = Vec::new();
        let mut image_len = declared_image;
        // Some writers (MOSIP's mock devices among them) understate the image length while the
        // representation length covers the whole JP2 file. Take the JP2 file's own extent when it
        // runs exactly to the end of the representation, and say so.
        let tail = r.bytes(rest, "image data")?;
        if declared_image < rest && jp2k::jp2_file_length(tail) == Some(rest) {
            warnings.push(format!(
                "image data length field says {declared_image} bytes but the JPEG 2000 file stored is {rest} bytes; read the whole file"
            ));
            image_len = rest;
        }
        views.push(FingerView {
            capture_time: p.capture_time,
            device: p.device,
            quality: p.quality,
            certifications: p.certifications,
            position,
            position_name: position_name(position),
            view_number,
            impression_type,
            scale_units,
            capture_sampling_rate,
            image_sampling_rate,
            bit_depth,
            compression,
            width,
            height,
            image: ImageData(tail[..image_len].to_vec()),
            extended_data_length: rest - image_len,
            warnings,
        });
    }
    c.finish("record length")?;
    Ok(FingerRecord {
        edition: Edition::E2011,
        certification_flag: cert,
        capture_device_id: None,
        acquisition_level: None,
        views,
    })
}

fn parse_2005(mut c: Cursor<'_>, total: usize) -> Result<FingerRecord, IsoError> {
    check_length("record length", c.u48("record length")?, total)?;
    let capture_device_id = c.u16("capture device id")?;
    let acquisition_level = c.u16("image acquisition level")?;
    let fingers = c.u8("number of fingers")?;
    let scale_units = c.u8("scale units")?;
    let capture_sampling_rate =
        [c.u16("scan resolution (horizontal)")?, c.u16("scan resolution (vertical)")?];
    let image_sampling_rate =
        [c.u16("image resolution (horizontal)")?, c.u16("image resolution (vertical)")?];
    let bit_depth = c.u8("pixel depth")?;
    let compression = Compression::from_2005(c.u8("image compression algorithm")?)?;
    let _reserved = c.u16("reserved")?;
    let mut views = Vec::new();
    // The header counts fingers, each of which may have several views; read until the end.
    while c.remaining() > 0 {
        let declared = u64::from(c.u32("finger data block length")?);
        let mut r = sub_block(&mut c, "finger data block length", declared, 4)?;
        let position = r.u8("finger position")?;
        let _view_count = r.u8("count of views")?;
        let view_number = r.u8("view number")?;
        let quality = r.u8("finger image quality")?;
        let impression_type = r.u8("impression type")?;
        let width = r.u16("horizontal line length")?;
        let height = r.u16("vertical line length")?;
        let _reserved = r.u8("reserved")?;
        let image = r.bytes(r.remaining(), "finger image data")?.to_vec();
        views.push(FingerView {
            capture_time: None,
            device: CaptureDevice::default(),
            quality: vec![Quality { score: quality, algorithm_vendor: 0, algorithm_id: 0 }],
            certifications: Vec::new(),
            position,
            position_name: position_name(position),
            view_number,
            impression_type,
            scale_units,
            capture_sampling_rate,
            image_sampling_rate,
            bit_depth,
            compression,
            width,
            height,
            image: ImageData(image),
            extended_data_length: 0,
            warnings: Vec::new(),
        });
    }
    if views.len() < fingers as usize {
        return Err(IsoError::LengthMismatch {
            field: "number of fingers",
            declared: u64::from(fingers),
            actual: views.len() as u64,
        });
    }
    Ok(FingerRecord {
        edition: Edition::E2005,
        certification_flag: false,
        capture_device_id: Some(capture_device_id),
        acquisition_level: Some(acquisition_level),
        views,
    })
}
