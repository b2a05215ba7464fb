//! A complete synthetic enrollment, captured from simulated devices: the input of the headless
//! demo, of `station bundle sample`, and of the benchmarks.
//!
//! Ten fingers at 500 ppi, both irises (K3), a face, and the two sides of an ID card, with the
//! demographics of an invented person. Everything is marked as coming from simulated devices.

use drivers::sim;
use schemas::bundle::Payload;
use schemas::iso19794::{
    CaptureDevice, CaptureTime, Quality, face::FaceImage, finger::FingerView, iris::IrisImage,
};
use schemas::jp2k::Pixels;
use schemas::manifest::*;

use crate::capture::contrast_score;

/// Quality algorithm ids written for simulated captures (vendor 0xFFFF: not IBIA-registered).
pub(crate) const SIM_QUALITY_VENDOR: u16 = 0xffff;
pub(crate) const SIM_QUALITY_ALGORITHM: u16 = 0x0001;

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("building a record: {0}")]
    Iso(#[from] schemas::iso19794::IsoError),
    #[error("encoding a document image: {0}")]
    Image(#[from] image::ImageError),
}

impl station_text::messages::Explain for SampleError {
    fn explain(&self) -> station_text::messages::Message {
        station_text::messages::Message::new("sample-failed").detail(self)
    }
}

/// Raw captures before encoding: what the devices delivered.
pub struct Captures {
    pub fingers: Vec<(Position, Pixels)>,
    pub irises: Vec<(Position, Pixels, u16)>,
    pub face: Pixels,
    pub documents: Vec<Pixels>,
}

fn pixels(img: drivers::raster::Image) -> Pixels {
    Pixels { width: img.width, height: img.height, channels: img.channels, data: img.data }
}

/// Captures a synthetic person from simulated devices.
pub fn capture(seed: u64) -> Captures {
    Captures {
        fingers: Position::FINGERS
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // Thumbs are wider; all at 500 ppi.
                let (w, h) = if matches!(p, Position::RightThumb | Position::LeftThumb) {
                    (400, 500)
                } else {
                    (352, 480)
                };
                (*p, pixels(sim::fingerprint(seed.wrapping_mul(31).wrapping_add(i as u64), w, h)))
            })
            .collect(),
        irises: [(Position::RightIris, true), (Position::LeftIris, false)]
            .into_iter()
            .map(|(p, right)| {
                let (img, d) = sim::iris(seed, right);
                (p, pixels(img), d)
            })
            .collect(),
        face: pixels(sim::face(seed)),
        documents: vec![
            pixels(sim::id_card(seed, false, None)),
            pixels(sim::id_card(seed, true, None)),
        ],
    }
}

fn sim_device(kind: &str) -> DeviceRef {
    DeviceRef {
        kind: DeviceKind::Simulated,
        make: "Hukumati".into(),
        model: format!("simulated {kind}"),
        serial: "SIM-0000".into(),
        signed_payload: None,
    }
}

/// Encodes the biometric captures into ISO/IEC 19794 2011 records (JPEG 2000 lossless) and
/// describes each as a manifest sample. Payload indices start at 0.
pub fn biometrics(c: &Captures, now_ms: i64) -> Result<(Vec<Sample>, Vec<Payload>), SampleError> {
    let t = Some(CaptureTime::from_unix_millis(now_ms));
    let dev = CaptureDevice { technology: 0, vendor_id: 0, type_id: 0 };
    let mut payloads = Vec::new();
    let mut samples = Vec::new();
    let q = |score: u8| QualityScore {
        score,
        algorithm: "hukumati-sim-contrast/1".into(),
        vendor_id: SIM_QUALITY_VENDOR,
        algorithm_id: SIM_QUALITY_ALGORITHM,
    };
    let iq = |score: u8| {
        vec![Quality {
            score,
            algorithm_vendor: SIM_QUALITY_VENDOR,
            algorithm_id: SIM_QUALITY_ALGORITHM,
        }]
    };
    let mut add =
        |position: Position, kind: PayloadKind, bytes: Vec<u8>, score: u8, device: &str| {
            payloads.push(Payload { kind, bytes });
            samples.push(Sample {
                modality: position.modality(),
                position,
                quality: Some(q(score)),
                station_quality: None,
                device: Some(sim_device(device)),
                retries: 0,
                forced: false,
                exception: None,
                payload: Some((payloads.len() - 1) as u32),
                captured_at: now_ms,
            });
        };
    for (pos, px) in &c.fingers {
        let score = contrast_score(&px.data);
        let rec =
            FingerView::new_500ppi(pos.iso_finger_code().expect("finger"), px, iq(score), dev, t)?
                .to_record()?;
        add(*pos, PayloadKind::FingerRecord, rec, score, "slap scanner");
    }
    for (pos, px, d) in &c.irises {
        let score = contrast_score(&px.data);
        let rec = IrisImage::new_k3(*pos == Position::RightIris, px, iq(score), dev, t, Some(*d))?
            .to_record()?;
        add(*pos, PayloadKind::IrisRecord, rec, score, "iris camera");
    }
    let score = contrast_score(&c.face.data);
    let rec = FaceImage::new_full_frontal(&c.face, iq(score), dev, t)?.to_record()?;
    add(Position::Face, PayloadKind::FaceRecord, rec, score, "face camera");
    Ok((samples, payloads))
}

/// The document photographs as JPEG, as a document camera delivers them.
pub(crate) fn document_images(c: &Captures) -> Result<Vec<Payload>, SampleError> {
    c.documents
        .iter()
        .map(|doc| {
            let mut jpeg = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode(
                &doc.data,
                doc.width,
                doc.height,
                image::ExtendedColorType::Rgb8,
            )?;
            Ok(Payload { kind: PayloadKind::Jpeg, bytes: jpeg })
        })
        .collect()
}

/// Encodes the captures and drafts the manifest of an invented person. Signers and payload
/// hashes are filled in when sealing.
pub fn enrollment(
    c: &Captures,
    station_id: &str,
    operator_id: &str,
    sequence: u64,
    now_ms: i64,
) -> Result<(Manifest, Vec<Payload>), SampleError> {
    let (samples, mut payloads) = biometrics(c, now_ms)?;
    let first = payloads.len() as u32;
    let docs = document_images(c)?;
    let images = (first..first + docs.len() as u32).collect();
    payloads.extend(docs);

    let manifest = Manifest {
        schema: SCHEMA_VERSION,
        bundle_id: uuid::Uuid::now_v7().to_string(),
        station: StationRef { id: station_id.into(), sequence, centre: "RAM-PO-01".into() },
        operator_id: operator_id.into(),
        signers: vec![],
        times: Times {
            capture_started_at: now_ms - 240_000,
            capture_ended_at: now_ms - 5_000,
            signed_at: now_ms,
            registry_vouched_at: None,
        },
        applicant: Applicant {
            name_ar: PersonName {
                first: "سلمى".into(),
                father: "يوسف".into(),
                grandfather: "محمود".into(),
                family: "الخطيب".into(),
            },
            name_latin: PersonName {
                first: "Salma".into(),
                father: "Yousef".into(),
                grandfather: "Mahmoud".into(),
                family: "Al-Khatib".into(),
            },
            national_id: Some("401234562".into()),
            date_of_birth: "1990-05-12".into(),
            sex: Sex::Female,
            phone: Some("+970599123456".into()),
            email: Some("salma@example.ps".into()),
            address: Address {
                country: "PS".into(),
                governorate: Some("رام الله والبيرة".into()),
                locality: "البيرة".into(),
                street: None,
            },
            guardian: None,
        },
        documents: vec![IdentityDocument {
            kind: DocumentKind::NationalIdCard,
            number: "401234562".into(),
            issuing_state: "PSE".into(),
            expiry: Some("2031-03-01".into()),
            mrz: None,
            images,
            device: Some(sim_device("document camera")),
        }],
        consent: Consent {
            notice_version: "2026.1".into(),
            language: "ar".into(),
            accepted: true,
            at: now_ms - 250_000,
        },
        samples,
        payloads: vec![],
        audit: AuditHead { sequence: sequence * 12, head: Bytes32::new([0u8; 32]) },
        master_version: 0,
    };
    Ok((manifest, payloads))
}
