//! ISO/IEC 19794-5 face image records (`FAC\0`), editions 2005 (`010`) and 2011 (`030`), 2D only.

use serde::Serialize;

use super::{
    CaptureDevice, CaptureTime, Certification, Cursor, Edition, ImageData, IsoError, Quality,
    Writer, check_length, decode_checked, fits_u16, fits_u32, sub_block,
};
use crate::jp2k::{self, Pixels};

/// Face image type: full frontal.
pub const FACE_TYPE_FULL_FRONTAL: u8 = 1;
/// Image data type (2011): JPEG 2000 lossless.
pub const DATA_TYPE_JPEG2000_LOSSLESS: u8 = 2;
/// Image colour space: 24-bit RGB.
pub const COLOUR_SPACE_RGB24: u8 = 1;
/// Image colour space: 8-bit grey.
pub const COLOUR_SPACE_GREY8: u8 = 3;

/// A facial landmark point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Landmark {
    pub kind: u8,
    pub code: u8,
    pub x: u16,
    pub y: u16,
    pub z: u16,
}

/// One face image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceImage {
    pub capture_time: Option<CaptureTime>,
    pub device: CaptureDevice,
    pub quality: Vec<Quality>,
    pub certifications: Vec<Certification>,
    pub landmarks: Vec<Landmark>,
    /// 0 unspecified, 1 male, 2 female, 0xFF unknown.
    pub gender: u8,
    pub eye_colour: u8,
    pub hair_colour: u8,
    /// 2011 only.
    pub subject_height: Option<u8>,
    pub property_mask: u32,
    pub expression: u16,
    /// Yaw, pitch, roll.
    pub pose: [u8; 3],
    pub pose_uncertainty: [u8; 3],
    /// 0 basic, 1 full frontal, 2 token frontal, 3 post-processed frontal.
    pub face_image_type: u8,
    /// 2011: 0 JPEG, 1 JPEG 2000 lossy, 2 JPEG 2000 lossless, 3 PNG. 2005: 0 JPEG, 1 JPEG 2000.
    pub image_data_type: u8,
    pub width: u16,
    pub height: u16,
    /// 2011 only.
    pub spatial_sampling_level: Option<u8>,
    /// 2011 only.
    pub post_acquisition_processing: Option<u16>,
    /// 2011 only.
    pub cross_reference: Option<u8>,
    pub colour_space: u8,
    /// 2005 only: source type and device type.
    pub source_type: Option<u8>,
    pub image: ImageData,
}

/// A face image record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceRecord {
    pub edition: Edition,
    pub certification_flag: bool,
    pub temporal_semantics: Option<u16>,
    pub images: Vec<FaceImage>,
}

impl FaceImage {
    /// A full-frontal 24-bit RGB lossless JPEG 2000 image, ready for [`FaceImage::to_record`].
    pub fn new_full_frontal(
        pixels: &Pixels,
        quality: Vec<Quality>,
        device: CaptureDevice,
        capture_time: Option<CaptureTime>,
    ) -> Result<Self, IsoError> {
        let colour_space = match pixels.channels {
            3 => COLOUR_SPACE_RGB24,
            1 => COLOUR_SPACE_GREY8,
            n => return Err(IsoError::Unsupported(format!("{n}-channel face images"))),
        };
        Ok(FaceImage {
            capture_time,
            device,
            quality,
            certifications: Vec::new(),
            landmarks: Vec::new(),
            gender: 0xff,
            eye_colour: 0,
            hair_colour: 0,
            subject_height: Some(0),
            property_mask: 0,
            expression: 0,
            pose: [0; 3],
            pose_uncertainty: [0; 3],
            face_image_type: FACE_TYPE_FULL_FRONTAL,
            image_data_type: DATA_TYPE_JPEG2000_LOSSLESS,
            width: fits_u16("image width", pixels.width)?,
            height: fits_u16("image height", pixels.height)?,
            spatial_sampling_level: Some(0),
            post_acquisition_processing: Some(0),
            cross_reference: Some(0),
            colour_space,
            source_type: None,
            image: ImageData(jp2k::encode_lossless(pixels)?),
        })
    }

    fn channels(&self) -> Result<u8, IsoError> {
        match self.colour_space {
            COLOUR_SPACE_RGB24 => Ok(3),
            COLOUR_SPACE_GREY8 => Ok(1),
            v => Err(IsoError::Unsupported(format!("face image colour space {v}"))),
        }
    }

    pub fn decode_image(&self) -> Result<Pixels, IsoError> {
        decode_checked(
            &self.image,
            false,
            u32::from(self.width),
            u32::from(self.height),
            self.channels()?,
        )
    }

    /// Writes this image as a one-representation ISO/IEC 19794-5:2011 record (2D).
    pub fn to_record(&self) -> Result<Vec<u8>, IsoError> {
        let mut w = Writer::record(b"FAC\x00030\x00");
        w.u16(1); // one representation
        w.u8(0); // no certification blocks
        w.u16(0); // temporal semantics: not a sequence
        let rep_start = w.begin_representation();
        w.preamble_2011(self.capture_time, &self.device, &self.quality)?;
        w.u16(fits_u16("number of landmark points", self.landmarks.len() as u32)?);
        w.u8(self.gender);
        w.u8(self.eye_colour);
        w.u8(self.hair_colour);
        w.u8(self.subject_height.unwrap_or(0));
        if self.property_mask > 0x00ff_ffff {
            return Err(IsoError::InvalidValue {
                field: "property mask",
                value: u64::from(self.property_mask),
            });
        }
        w.u24(self.property_mask);
        w.u16(self.expression);
        w.bytes(&self.pose);
        w.bytes(&self.pose_uncertainty);
        for l in &self.landmarks {
            w.u8(l.kind);
            w.u8(l.code);
            w.u16(l.x);
            w.u16(l.y);
            w.u16(l.z);
        }
        w.u8(self.face_image_type);
        w.u8(self.image_data_type);
        w.u16(self.width);
        w.u16(self.height);
        w.u8(self.spatial_sampling_level.unwrap_or(0));
        w.u16(self.post_acquisition_processing.unwrap_or(0));
        w.u8(self.cross_reference.unwrap_or(0));
        w.u8(self.colour_space);
        w.u32(fits_u32("image length", self.image.0.len())?);
        w.bytes(&self.image.0);
        w.finish(rep_start)
    }
}

impl FaceRecord {
    pub fn parse(data: &[u8]) -> Result<Self, IsoError> {
        let mut c = Cursor::new(data);
        if c.bytes(4, "format identifier")? != b"FAC\0" {
            return Err(IsoError::UnknownFormat { found: data[..4].to_vec() });
        }
        match c.bytes(4, "version number")? {
            b"010\0" => parse_2005(c, data.len()),
            b"030\0" => parse_2011(c, data.len()),
            v => Err(IsoError::UnsupportedVersion {
                format: "ISO 19794-5 face",
                version: String::from_utf8_lossy(v).into(),
            }),
        }
    }
}

fn landmarks(r: &mut Cursor<'_>, n: u16) -> Result<Vec<Landmark>, IsoError> {
    (0..n)
        .map(|_| {
            Ok(Landmark {
                kind: r.u8("landmark point type")?,
                code: r.u8("landmark point code")?,
                x: r.u16("landmark x")?,
                y: r.u16("landmark y")?,
                z: r.u16("landmark z")?,
            })
        })
        .collect()
}

fn three(r: &mut Cursor<'_>, field: &'static str) -> Result<[u8; 3], IsoError> {
    let b = r.bytes(3, field)?;
    Ok([b[0], b[1], b[2]])
}

fn parse_2011(mut c: Cursor<'_>, total: usize) -> Result<FaceRecord, IsoError> {
    check_length("record length", u64::from(c.u32("record length")?), total)?;
    let reps = c.u16("number of representations")?;
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
    let temporal = c.u16("temporal semantics")?;
    let mut images = Vec::with_capacity(reps.min(8) as usize);
    for _ in 0..reps {
        let declared = u64::from(c.u32("representation length")?);
        let mut r = sub_block(&mut c, "representation length", declared, 4)?;
        let p = r.preamble_2011(cert)?;
        let n_landmarks = r.u16("number of landmark points")?;
        let gender = r.u8("gender")?;
        let eye_colour = r.u8("eye colour")?;
        let hair_colour = r.u8("hair colour")?;
        let subject_height = r.u8("subject height")?;
        let property_mask = r.u24("property mask")?;
        let expression = r.u16("expression")?;
        let pose = three(&mut r, "pose angle")?;
        let pose_uncertainty = three(&mut r, "pose angle uncertainty")?;
        let landmarks = landmarks(&mut r, n_landmarks)?;
        let face_image_type = r.u8("face image type")?;
        if face_image_type >= 0x80 {
            return Err(IsoError::Unsupported(format!("3D face image type {face_image_type:#x}")));
        }
        let image_data_type = r.u8("image data type")?;
        let width = r.u16("image width")?;
        let height = r.u16("image height")?;
        let spatial_sampling_level = r.u8("spatial sampling rate level")?;
        let post = r.u16("post-acquisition processing")?;
        let cross_reference = r.u8("cross reference")?;
        let colour_space = r.u8("image colour space")?;
        let len = r.u32("image length")? as usize;
        let image = r.bytes(len, "image data")?.to_vec();
        r.finish("representation length")?;
        images.push(FaceImage {
            capture_time: p.capture_time,
            device: p.device,
            quality: p.quality,
            certifications: p.certifications,
            landmarks,
            gender,
            eye_colour,
            hair_colour,
            subject_height: Some(subject_height),
            property_mask,
            expression,
            pose,
            pose_uncertainty,
            face_image_type,
            image_data_type,
            width,
            height,
            spatial_sampling_level: Some(spatial_sampling_level),
            post_acquisition_processing: Some(post),
            cross_reference: Some(cross_reference),
            colour_space,
            source_type: None,
            image: ImageData(image),
        });
    }
    c.finish("record length")?;
    Ok(FaceRecord {
        edition: Edition::E2011,
        certification_flag: cert,
        temporal_semantics: Some(temporal),
        images,
    })
}

fn parse_2005(mut c: Cursor<'_>, total: usize) -> Result<FaceRecord, IsoError> {
    check_length("record length", u64::from(c.u32("record length")?), total)?;
    let count = c.u16("number of facial images")?;
    let mut images = Vec::with_capacity(count.min(8) as usize);
    for _ in 0..count {
        let declared = u64::from(c.u32("facial record data length")?);
        let mut r = sub_block(&mut c, "facial record data length", declared, 4)?;
        let n_points = r.u16("number of feature points")?;
        let gender = r.u8("gender")?;
        let eye_colour = r.u8("eye colour")?;
        let hair_colour = r.u8("hair colour")?;
        let property_mask = r.u24("feature mask")?;
        let expression = r.u16("expression")?;
        let pose = three(&mut r, "pose angle")?;
        let pose_uncertainty = three(&mut r, "pose angle uncertainty")?;
        let landmarks = landmarks(&mut r, n_points)?;
        let face_image_type = r.u8("face image type")?;
        let image_data_type = r.u8("image data type")?;
        let width = r.u16("image width")?;
        let height = r.u16("image height")?;
        let colour_space = r.u8("image colour space")?;
        let source_type = r.u8("source type")?;
        let _device_type = r.u16("device type")?;
        let quality = r.u16("quality")?;
        let image = r.bytes(r.remaining(), "image data")?.to_vec();
        images.push(FaceImage {
            capture_time: None,
            device: CaptureDevice::default(),
            quality: vec![Quality {
                score: quality.min(255) as u8,
                algorithm_vendor: 0,
                algorithm_id: 0,
            }],
            certifications: Vec::new(),
            landmarks,
            gender,
            eye_colour,
            hair_colour,
            subject_height: None,
            property_mask,
            expression,
            pose,
            pose_uncertainty,
            face_image_type,
            image_data_type,
            width,
            height,
            spatial_sampling_level: None,
            post_acquisition_processing: None,
            cross_reference: None,
            colour_space,
            source_type: Some(source_type),
            image: ImageData(image),
        });
    }
    c.finish("record length")?;
    Ok(FaceRecord {
        edition: Edition::E2005,
        certification_flag: false,
        temporal_semantics: None,
        images,
    })
}
