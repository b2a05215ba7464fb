//! ISO/IEC 19794-6 iris image records (`IIR\0`), editions 2005 (`010`) and 2011 (`020`).

use serde::Serialize;

use super::{
    CaptureDevice, CaptureTime, Certification, Cursor, Edition, ImageData, IsoError, Quality,
    Writer, check_length, decode_checked, fits_u16, fits_u32, sub_block,
};
use crate::jp2k::{self, Pixels};

/// 2011 image type: cropped to the K3 geometry (the only one MOSIP takes for registration).
pub const IMAGE_TYPE_CROPPED: u8 = 3;
/// 2011 image format: monochrome JPEG 2000.
pub const FORMAT_MONO_JPEG2000: u8 = 0x0a;
/// 2011 image format: monochrome raw.
pub const FORMAT_MONO_RAW: u8 = 0x02;

/// Which eye.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Eye {
    Unspecified,
    Right,
    Left,
}

impl Eye {
    fn from_code(code: u8) -> Result<Self, IsoError> {
        match code {
            0 => Ok(Eye::Unspecified),
            1 => Ok(Eye::Right),
            2 => Ok(Eye::Left),
            v => Err(IsoError::InvalidValue { field: "eye label", value: u64::from(v) }),
        }
    }
    fn code(self) -> u8 {
        match self {
            Eye::Unspecified => 0,
            Eye::Right => 1,
            Eye::Left => 2,
        }
    }
}

/// One iris image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IrisImage {
    pub capture_time: Option<CaptureTime>,
    pub device: CaptureDevice,
    pub quality: Vec<Quality>,
    pub certifications: Vec<Certification>,
    pub representation_number: u16,
    pub eye: Eye,
    /// 2011: 1 uncropped, 2 VGA, 3 cropped (K3), 7 cropped and masked. 2005: not recorded.
    pub image_type: Option<u8>,
    /// Image format code (2011: one byte, 0x0A mono JPEG 2000; 2005: two bytes from the header).
    pub image_format: u16,
    /// Image property bits (orientation, compression history).
    pub properties: u16,
    pub width: u16,
    pub height: u16,
    pub bit_depth: u8,
    pub range: Option<u16>,
    pub roll_angle: u16,
    pub roll_uncertainty: u16,
    /// Smallest and largest x, smallest and largest y of the iris centre (2011).
    pub iris_centre: Option<[u16; 4]>,
    /// Smallest and largest iris diameter (2011), or the header's single diameter (2005).
    pub iris_diameter: Option<[u16; 2]>,
    pub image: ImageData,
}

/// An iris image record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IrisRecord {
    pub edition: Edition,
    pub certification_flag: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_device_id: Option<u16>,
    pub images: Vec<IrisImage>,
}

impl IrisImage {
    /// A K3-cropped, 8-bit, lossless JPEG 2000 image of one eye, ready for [`IrisImage::to_record`].
    pub fn new_k3(
        eye_is_right: bool,
        pixels: &Pixels,
        quality: Vec<Quality>,
        device: CaptureDevice,
        capture_time: Option<CaptureTime>,
        iris_diameter: Option<u16>,
    ) -> Result<Self, IsoError> {
        if pixels.channels != 1 {
            return Err(IsoError::Unsupported("iris images must be 8-bit grey".into()));
        }
        Ok(IrisImage {
            capture_time,
            device,
            quality,
            certifications: Vec::new(),
            representation_number: 1,
            eye: if eye_is_right { Eye::Right } else { Eye::Left },
            image_type: Some(IMAGE_TYPE_CROPPED),
            image_format: u16::from(FORMAT_MONO_JPEG2000),
            // Compression history "lossless or none" (bits 6-7 = 01), orientation undefined: the
            // property byte MOSIP's own registration records carry.
            properties: 0x40,
            width: fits_u16("image width", pixels.width)?,
            height: fits_u16("image height", pixels.height)?,
            bit_depth: 8,
            range: Some(0),
            roll_angle: 0xffff,
            roll_uncertainty: 0xffff,
            iris_centre: Some([0; 4]),
            iris_diameter: Some(iris_diameter.map(|d| [d, d]).unwrap_or([0, 0])),
            image: ImageData(jp2k::encode_lossless(pixels)?),
        })
    }

    pub fn decode_image(&self) -> Result<Pixels, IsoError> {
        if self.bit_depth != 8 {
            return Err(IsoError::Unsupported(format!("{}-bit iris images", self.bit_depth)));
        }
        decode_checked(
            &self.image,
            self.image_format == u16::from(FORMAT_MONO_RAW),
            u32::from(self.width),
            u32::from(self.height),
            1,
        )
    }

    /// Writes this image as a one-representation ISO/IEC 19794-6:2011 record.
    pub fn to_record(&self) -> Result<Vec<u8>, IsoError> {
        let image_type = self
            .image_type
            .ok_or(IsoError::Unsupported("a 2011 iris record needs an image type".into()))?;
        let format = u8::try_from(self.image_format).map_err(|_| IsoError::InvalidValue {
            field: "image format",
            value: u64::from(self.image_format),
        })?;
        let properties = u8::try_from(self.properties).map_err(|_| IsoError::InvalidValue {
            field: "image properties",
            value: u64::from(self.properties),
        })?;
        let mut w = Writer::record(b"IIR\x00020\x00");
        w.u16(1); // one representation
        w.u8(0); // no certification blocks
        w.u8(1); // one eye
        let rep_start = w.begin_representation();
        w.preamble_2011(self.capture_time, &self.device, &self.quality)?;
        w.u16(self.representation_number);
        w.u8(self.eye.code());
        w.u8(image_type);
        w.u8(format);
        w.u8(properties);
        w.u16(self.width);
        w.u16(self.height);
        w.u8(self.bit_depth);
        w.u16(self.range.unwrap_or(0));
        w.u16(self.roll_angle);
        w.u16(self.roll_uncertainty);
        for v in self.iris_centre.unwrap_or([0; 4]) {
            w.u16(v);
        }
        for v in self.iris_diameter.unwrap_or([0; 2]) {
            w.u16(v);
        }
        w.u32(fits_u32("image length", self.image.0.len())?);
        w.bytes(&self.image.0);
        w.finish(rep_start)
    }
}

impl IrisRecord {
    pub fn parse(data: &[u8]) -> Result<Self, IsoError> {
        let mut c = Cursor::new(data);
        if c.bytes(4, "format identifier")? != b"IIR\0" {
            return Err(IsoError::UnknownFormat { found: data[..4].to_vec() });
        }
        match c.bytes(4, "version number")? {
            b"010\0" => parse_2005(c, data.len()),
            b"020\0" => parse_2011(c, data.len()),
            v => Err(IsoError::UnsupportedVersion {
                format: "ISO 19794-6 iris",
                version: String::from_utf8_lossy(v).into(),
            }),
        }
    }
}

fn parse_2011(mut c: Cursor<'_>, total: usize) -> Result<IrisRecord, IsoError> {
    check_length("record length", u64::from(c.u32("record length")?), total)?;
    let reps = c.u16("number of iris representations")?;
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
    let _eyes = c.u8("number of eyes represented")?;
    let mut images = Vec::with_capacity(reps.min(8) as usize);
    for _ in 0..reps {
        let declared = u64::from(c.u32("representation length")?);
        let mut r = sub_block(&mut c, "representation length", declared, 4)?;
        let p = r.preamble_2011(cert)?;
        let representation_number = r.u16("representation number")?;
        let eye = Eye::from_code(r.u8("eye label")?)?;
        let image_type = r.u8("image type")?;
        let image_format = u16::from(r.u8("image format")?);
        let properties = u16::from(r.u8("image properties")?);
        let width = r.u16("image width")?;
        let height = r.u16("image height")?;
        let bit_depth = r.u8("bit depth")?;
        let range = r.u16("range")?;
        let roll_angle = r.u16("roll angle of eye")?;
        let roll_uncertainty = r.u16("roll angle uncertainty")?;
        let iris_centre = [
            r.u16("iris centre smallest x")?,
            r.u16("iris centre largest x")?,
            r.u16("iris centre smallest y")?,
            r.u16("iris centre largest y")?,
        ];
        let iris_diameter = [r.u16("iris diameter smallest")?, r.u16("iris diameter largest")?];
        let len = r.u32("image length")? as usize;
        let image = r.bytes(len, "image data")?.to_vec();
        r.finish("representation length")?;
        images.push(IrisImage {
            capture_time: p.capture_time,
            device: p.device,
            quality: p.quality,
            certifications: p.certifications,
            representation_number,
            eye,
            image_type: Some(image_type),
            image_format,
            properties,
            width,
            height,
            bit_depth,
            range: Some(range),
            roll_angle,
            roll_uncertainty,
            iris_centre: Some(iris_centre),
            iris_diameter: Some(iris_diameter),
            image: ImageData(image),
        });
    }
    c.finish("record length")?;
    Ok(IrisRecord {
        edition: Edition::E2011,
        certification_flag: cert,
        capture_device_id: None,
        images,
    })
}

fn parse_2005(mut c: Cursor<'_>, total: usize) -> Result<IrisRecord, IsoError> {
    check_length("record length", u64::from(c.u32("record length")?), total)?;
    let capture_device_id = c.u16("capture device id")?;
    let subtypes = c.u8("number of iris biometric subtypes")?;
    let header_len = c.u16("record header length")?;
    if header_len != 45 {
        return Err(IsoError::InvalidValue {
            field: "record header length",
            value: u64::from(header_len),
        });
    }
    let properties = c.u16("image property bit field")?;
    let diameter = c.u16("iris diameter")?;
    let image_format = c.u16("image format")?;
    let width = c.u16("image width")?;
    let height = c.u16("image height")?;
    let bit_depth = c.u8("intensity depth")?;
    let _transformation = c.u8("image transformation")?;
    let _device_uid = c.bytes(16, "device unique identifier")?;
    let mut images = Vec::new();
    for _ in 0..subtypes {
        let eye = Eye::from_code(c.u8("feature identifier")?)?;
        let count = c.u16("number of images")?;
        for _ in 0..count {
            let representation_number = c.u16("image number")?;
            let quality = c.u8("image quality")?;
            let roll_angle = c.u16("rotation angle")?;
            let roll_uncertainty = c.u16("rotation uncertainty")?;
            let len = c.u32("image length")? as usize;
            let image = c.bytes(len, "image data")?.to_vec();
            images.push(IrisImage {
                capture_time: None,
                device: CaptureDevice::default(),
                quality: vec![Quality { score: quality, algorithm_vendor: 0, algorithm_id: 0 }],
                certifications: Vec::new(),
                representation_number,
                eye,
                image_type: None,
                image_format,
                properties,
                width,
                height,
                bit_depth,
                range: None,
                roll_angle,
                roll_uncertainty,
                iris_centre: None,
                iris_diameter: Some([diameter, diameter]),
                image: ImageData(image),
            });
        }
    }
    c.finish("record length")?;
    Ok(IrisRecord {
        edition: Edition::E2005,
        certification_flag: false,
        capture_device_id: Some(capture_device_id),
        images,
    })
}
