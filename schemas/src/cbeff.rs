//! CBEFF (ISO/IEC 19785-3) XML for hand-off to an ABIS, in the structure MOSIP uses: one root
//! `<BIR>` in the 19785-3 ed. 2 namespace holding one `<BIR>` per sample, each with its BDBInfo
//! (format owner 257, format type 7 finger image / 8 face image / 9 iris image, type, subtype,
//! level Raw, purpose Enroll, quality) and the base64 ISO record as BDB, plus MOSIP's `<others>`
//! entries (RETRIES, EXCEPTION, FORCE_CAPTURED, SPEC_VERSION, and PAYLOAD when a device signed).
//!
//! The bundle carries each ISO record once; this document is derived from it on demand.

use base64::Engine as _;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::bundle::Opened;
use crate::manifest::{Modality, Position};

pub const NAMESPACE: &str = "http://standards.iso.org/iso-iec/19785/-3/ed-2/";
/// IBIA format owner: ISO/IEC JTC 1 SC 37 - biometrics.
pub const FORMAT_OWNER_SC37: u16 = 257;

/// CBEFF BDB format type for a modality's ISO image record.
pub fn format_type(m: Modality) -> u16 {
    match m {
        Modality::Finger => 7,
        Modality::Face | Modality::ExceptionPhoto => 8,
        Modality::Iris => 9,
    }
}

/// MOSIP's `<Type>` and `<Subtype>` texts for a position.
pub fn type_and_subtype(p: Position) -> (&'static str, &'static str) {
    match p {
        Position::RightIris => ("Iris", "Right"),
        Position::LeftIris => ("Iris", "Left"),
        Position::Face => ("Face", ""),
        Position::ExceptionPhoto => ("ExceptionPhoto", ""),
        finger => (
            "Finger",
            crate::iso19794::finger::position_name(finger.iso_finger_code().unwrap_or(0)),
        ),
    }
}

fn millis_rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

type W = Writer<Vec<u8>>;

fn leaf(w: &mut W, name: &str, text: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(text)))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn open(w: &mut W, name: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))
}

fn close(w: &mut W, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn version(w: &mut W, name: &str) -> std::io::Result<()> {
    open(w, name)?;
    leaf(w, "Major", "1")?;
    leaf(w, "Minor", "1")?;
    close(w, name)
}

fn entry(w: &mut W, key: &str, value: &str) -> std::io::Result<()> {
    let mut e = BytesStart::new("others");
    e.push_attribute(("key", key));
    w.write_event(Event::Start(e))?;
    w.write_event(Event::Text(BytesText::new(value)))?;
    close(w, "others")
}

/// Builds the CBEFF XML document for every sample that has an ISO record.
pub fn to_xml(bundle: &Opened) -> std::io::Result<String> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = BytesStart::new("BIR");
    root.push_attribute(("xmlns", NAMESPACE));
    w.write_event(Event::Start(root))?;
    open(&mut w, "BIRInfo")?;
    leaf(&mut w, "Integrity", "false")?;
    close(&mut w, "BIRInfo")?;
    for s in &bundle.manifest.samples {
        let Some(p) = s.payload else { continue };
        let record = &bundle.payloads[p as usize];
        open(&mut w, "BIR")?;
        version(&mut w, "Version")?;
        version(&mut w, "CBEFFVersion")?;
        open(&mut w, "BIRInfo")?;
        leaf(&mut w, "Integrity", "false")?;
        close(&mut w, "BIRInfo")?;
        open(&mut w, "BDBInfo")?;
        open(&mut w, "Format")?;
        leaf(&mut w, "Organization", &FORMAT_OWNER_SC37.to_string())?;
        leaf(&mut w, "Type", &format_type(s.modality).to_string())?;
        close(&mut w, "Format")?;
        leaf(&mut w, "CreationDate", &millis_rfc3339(s.captured_at))?;
        let (ty, sub) = type_and_subtype(s.position);
        leaf(&mut w, "Type", ty)?;
        if !sub.is_empty() {
            leaf(&mut w, "Subtype", sub)?;
        }
        leaf(&mut w, "Level", "Raw")?;
        leaf(&mut w, "Purpose", "Enroll")?;
        if let Some(q) = &s.quality {
            open(&mut w, "Quality")?;
            open(&mut w, "Algorithm")?;
            leaf(&mut w, "Organization", &q.vendor_id.to_string())?;
            leaf(&mut w, "Type", &q.algorithm_id.to_string())?;
            close(&mut w, "Algorithm")?;
            leaf(&mut w, "Score", &q.score.to_string())?;
            close(&mut w, "Quality")?;
        }
        close(&mut w, "BDBInfo")?;
        leaf(&mut w, "BDB", &base64::engine::general_purpose::STANDARD.encode(record))?;
        entry(&mut w, "RETRIES", &s.retries.to_string())?;
        entry(&mut w, "EXCEPTION", if s.exception.is_some() { "true" } else { "false" })?;
        entry(&mut w, "FORCE_CAPTURED", if s.forced { "true" } else { "false" })?;
        entry(&mut w, "SPEC_VERSION", "1.0")?;
        if let Some(payload) = s.device.as_ref().and_then(|d| d.signed_payload.as_deref()) {
            entry(&mut w, "PAYLOAD", payload)?;
        }
        close(&mut w, "BIR")?;
    }
    close(&mut w, "BIR")?;
    String::from_utf8(w.into_inner())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}
