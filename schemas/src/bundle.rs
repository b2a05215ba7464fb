//! Sealing and opening an enrollment bundle.
//!
//! A sealed bundle is an age file (X25519 recipient: the registry) whose plaintext is a CBOR
//! sequence (RFC 8742):
//!
//! 1. a tagged COSE_Sign (RFC 9052, tag 98) whose payload is the deterministic-CBOR
//!    [`Manifest`], signed with EdDSA (Ed25519) first by the station, then by the operator;
//! 2. one CBOR byte string per entry of `manifest.payloads`, in that order, nothing after.
//!
//! The manifest comes first and states each payload's length and SHA-256, so a reader checks the
//! signatures before it reads any payload and can hash payloads as they stream past.
//! Every failure is a [`BundleError`] that names what failed: which signature, which payload.

use std::io::{Read, Write};

use ciborium_io::Read as _;
use coset::{
    CoseSign, CoseSignBuilder, CoseSignatureBuilder, HeaderBuilder, TaggedCborSerializable, iana,
};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::cbor::{self, CborError};
use crate::iso19794::{IsoError, Record, iris::Eye};
use crate::jp2k::Pixels;
use crate::manifest::{
    Bytes32, MAX_PAYLOAD, Manifest, ManifestError, Modality, PayloadKind, PayloadRef, Position,
    SCHEMA_VERSION, SignerRef, SignerRole,
};

/// COSE content type of the manifest (protected header of the COSE_Sign body).
pub const MANIFEST_CONTENT_TYPE: &str = "application/vnd.hukumati.manifest+cbor";
/// CBOR tag of a COSE_Sign.
pub const COSE_SIGN_TAG: u64 = 98;
/// Largest encoded manifest a reader accepts.
pub const MAX_MANIFEST: usize = 4 << 20;

/// Why a bundle could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("decryption failed: {0}")]
    Decrypt(String),
    #[error("encryption failed: {0}")]
    Encrypt(String),
    #[error("not an enrollment bundle: {0}")]
    NotABundle(String),
    #[error("manifest: {0}")]
    ManifestCbor(CborError),
    #[error("manifest schema version {found} is not supported (this reader knows {supported})")]
    UnsupportedSchema { found: u64, supported: u32 },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("{role:?} signature ({id}): {problem}")]
    Signature { role: SignerRole, id: String, problem: String },
    #[error("{role:?} key is not the trusted one: expected {expected}, bundle has {found}")]
    UntrustedSigner { role: SignerRole, expected: String, found: String },
    #[error("payload {index} ({kind}): {problem}")]
    Payload { index: usize, kind: &'static str, problem: String },
    #[error("data after the last payload")]
    TrailingData,
    #[error("sample {index} ({position:?}): {problem}")]
    Record { index: usize, position: Position, problem: String },
    #[error("sample {index} ({position:?}): {source}")]
    Iso { index: usize, position: Position, source: IsoError },
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// One payload to seal.
#[derive(Clone)]
pub struct Payload {
    pub kind: PayloadKind,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({}, {} bytes)", self.kind.name(), self.bytes.len())
    }
}

/// A signer: role, id (the COSE `kid`) and key.
pub struct Signer<'a> {
    pub id: &'a str,
    pub key: &'a SigningKey,
}

/// What sealing produced.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub bundle_id: String,
    pub manifest_sha256: [u8; 32],
    pub ciphertext_sha256: [u8; 32],
    pub ciphertext_len: u64,
    pub plaintext_len: u64,
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn signature_header(kid: &str) -> (coset::Header, coset::Header) {
    (
        HeaderBuilder::new().algorithm(iana::Algorithm::EdDSA).build(),
        HeaderBuilder::new().key_id(kid.as_bytes().to_vec()).build(),
    )
}

/// Completes the manifest (signers, payload lengths and hashes), checks it, encodes it, and signs
/// it as a tagged COSE_Sign. Returns the COSE bytes and the manifest's SHA-256.
pub fn sign_manifest(
    manifest: &mut Manifest,
    payloads: &[Payload],
    station: &Signer<'_>,
    operator: &Signer<'_>,
) -> Result<(Vec<u8>, [u8; 32]), BundleError> {
    manifest.schema = SCHEMA_VERSION;
    manifest.signers = vec![
        SignerRef {
            role: SignerRole::Station,
            id: station.id.to_string(),
            ed25519: Bytes32::new(station.key.verifying_key().to_bytes()),
        },
        SignerRef {
            role: SignerRole::Operator,
            id: operator.id.to_string(),
            ed25519: Bytes32::new(operator.key.verifying_key().to_bytes()),
        },
    ];
    manifest.payloads = payloads
        .iter()
        .map(|p| PayloadRef {
            kind: p.kind,
            length: p.bytes.len() as u64,
            sha256: Bytes32::new(sha256(&p.bytes)),
        })
        .collect();
    manifest.validate()?;
    let body = cbor::to_vec(manifest).map_err(BundleError::ManifestCbor)?;
    let hash = sha256(&body);

    let mut builder = CoseSignBuilder::new()
        .protected(HeaderBuilder::new().content_type(MANIFEST_CONTENT_TYPE.to_string()).build())
        .payload(body);
    for s in [station, operator] {
        let (protected, unprotected) = signature_header(s.id);
        let sig = CoseSignatureBuilder::new().protected(protected).unprotected(unprotected).build();
        builder =
            builder.add_created_signature(sig, b"", |data| s.key.sign(data).to_bytes().to_vec());
    }
    let cose = builder
        .build()
        .to_tagged_vec()
        .map_err(|e| BundleError::ManifestCbor(CborError::Encode(e.to_string())))?;
    Ok((cose, hash))
}

/// Writes the plaintext CBOR sequence: the COSE_Sign, then each payload as a byte string.
pub fn write_plaintext<W: Write>(
    out: &mut W,
    cose: &[u8],
    payloads: &[Payload],
) -> Result<u64, BundleError> {
    out.write_all(cose)?;
    let mut n = cose.len() as u64;
    for p in payloads {
        let mut head = Vec::with_capacity(9);
        ciborium_ll::Encoder::from(&mut head)
            .push(ciborium_ll::Header::Bytes(Some(p.bytes.len())))
            .map_err(|e| BundleError::Encrypt(e.to_string()))?;
        out.write_all(&head)?;
        out.write_all(&p.bytes)?;
        n += (head.len() + p.bytes.len()) as u64;
    }
    Ok(n)
}

/// A writer that hashes and counts what passes through.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Signs and encrypts one enrollment to the registry's recipient, writing the age file to `out`.
pub fn seal<W: Write>(
    mut manifest: Manifest,
    payloads: &[Payload],
    station: &Signer<'_>,
    operator: &Signer<'_>,
    recipient: &age::x25519::Recipient,
    out: W,
) -> Result<Sealed, BundleError> {
    let (cose, manifest_sha256) = sign_manifest(&mut manifest, payloads, station, operator)?;
    encrypt(&cose, manifest.bundle_id, manifest_sha256, payloads, recipient, out)
}

/// Encrypts an already signed manifest (from [`sign_manifest`]) and its payloads to the
/// registry's recipient: the second half of [`seal`], for when approval comes after signing.
pub fn encrypt<W: Write>(
    cose: &[u8],
    bundle_id: String,
    manifest_sha256: [u8; 32],
    payloads: &[Payload],
    recipient: &age::x25519::Recipient,
    out: W,
) -> Result<Sealed, BundleError> {
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
            .map_err(|e| BundleError::Encrypt(e.to_string()))?;
    let mut counted = HashingWriter { inner: out, hasher: Sha256::new(), count: 0 };
    let mut w =
        encryptor.wrap_output(&mut counted).map_err(|e| BundleError::Encrypt(e.to_string()))?;
    let plaintext_len = write_plaintext(&mut w, cose, payloads)?;
    w.finish().map_err(|e| BundleError::Encrypt(e.to_string()))?;
    counted.flush()?;
    Ok(Sealed {
        bundle_id,
        manifest_sha256,
        ciphertext_sha256: counted.hasher.finalize().into(),
        ciphertext_len: counted.count,
        plaintext_len,
    })
}

/// Keys the caller already trusts (from master data or `signers.json`). Unset roles are checked
/// only against the keys the manifest declares.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub station: Option<VerifyingKey>,
    pub operator: Option<VerifyingKey>,
}

/// One check made while opening, for reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// An opened, verified bundle.
pub struct Opened {
    pub manifest: Manifest,
    pub manifest_sha256: [u8; 32],
    pub payloads: Vec<Vec<u8>>,
    pub checks: Vec<Check>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Opened({}, {} payloads)", self.manifest.bundle_id, self.payloads.len())
    }
}

/// Decrypts with any of `identities`, then verifies (see [`open_plaintext`]).
pub fn open<R: Read>(
    input: R,
    identities: &[Box<dyn age::Identity + Send + Sync>],
    trust: &Trust,
) -> Result<Opened, BundleError> {
    let decryptor = age::Decryptor::new(input).map_err(|e| BundleError::Decrypt(e.to_string()))?;
    let reader = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| BundleError::Decrypt(e.to_string()))?;
    let mut opened = open_plaintext(reader, trust)?;
    opened.checks.insert(
        0,
        Check { name: "decrypt".into(), ok: true, detail: "age, X25519 recipient".into() },
    );
    Ok(opened)
}

fn check(checks: &mut Vec<Check>, name: impl Into<String>, detail: impl Into<String>) {
    checks.push(Check { name: name.into(), ok: true, detail: detail.into() });
}

/// Maps an age stream error (authentication failure mid-stream) to a decryption error.
fn read_err(e: std::io::Error, what: impl FnOnce() -> BundleError) -> BundleError {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => what(),
        std::io::ErrorKind::InvalidData => BundleError::Decrypt(format!("damaged ciphertext: {e}")),
        _ => BundleError::Io(e),
    }
}

/// Verifies a decrypted bundle: COSE structure, manifest encoding and schema, both signatures,
/// then every payload's length and hash, and that nothing follows the last one.
pub fn open_plaintext<R: Read>(mut reader: R, trust: &Trust) -> Result<Opened, BundleError> {
    let mut checks = Vec::new();
    let cose = read_cose_sign(&mut reader)?;
    let body = cose
        .payload
        .as_ref()
        .ok_or_else(|| BundleError::NotABundle("COSE_Sign without a payload".into()))?;
    if cose.protected.header.content_type
        != Some(coset::ContentType::Text(MANIFEST_CONTENT_TYPE.into()))
    {
        return Err(BundleError::NotABundle(format!(
            "content type is not {MANIFEST_CONTENT_TYPE}"
        )));
    }
    let manifest_sha256 = sha256(body);
    // Read the schema version before anything else, so a newer bundle gets a clear answer.
    let schema = peek_schema(body)?;
    if schema != u64::from(SCHEMA_VERSION) {
        return Err(BundleError::UnsupportedSchema { found: schema, supported: SCHEMA_VERSION });
    }
    let manifest: Manifest = cbor::from_slice(body).map_err(BundleError::ManifestCbor)?;
    check(&mut checks, "manifest encoding", "deterministic CBOR (RFC 8949 §4.2.1)");
    check(&mut checks, "schema version", format!("{schema}"));
    manifest.validate()?;
    check(&mut checks, "manifest structure", "all references and positions consistent");

    if cose.signatures.len() != 2 {
        return Err(BundleError::NotABundle(format!(
            "{} signatures, expected station and operator",
            cose.signatures.len()
        )));
    }
    for (i, (role, pinned)) in
        [(SignerRole::Station, trust.station), (SignerRole::Operator, trust.operator)]
            .into_iter()
            .enumerate()
    {
        let signer = manifest.signer(role).expect("validated");
        let fail =
            |problem: String| BundleError::Signature { role, id: signer.id.clone(), problem };
        let sig = &cose.signatures[i];
        if sig.protected.header.alg
            != Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA))
        {
            return Err(fail("algorithm is not EdDSA (-8)".into()));
        }
        if sig.unprotected.key_id != signer.id.as_bytes() {
            return Err(fail(format!(
                "kid is '{}', not the signer's id",
                String::from_utf8_lossy(&sig.unprotected.key_id)
            )));
        }
        let key = VerifyingKey::from_bytes(&signer.ed25519)
            .map_err(|e| fail(format!("bad public key: {e}")))?;
        if let Some(p) = pinned
            && p != key
        {
            return Err(BundleError::UntrustedSigner {
                role,
                expected: hex::encode(p.to_bytes()),
                found: hex::encode(key.to_bytes()),
            });
        }
        cose.verify_signature(i, b"", |sig, data| {
            let sig = Signature::from_slice(sig).map_err(|e| e.to_string())?;
            key.verify_strict(data, &sig).map_err(|e| e.to_string())
        })
        .map_err(|e| fail(format!("does not verify: {e}")))?;
        check(
            &mut checks,
            format!("{} signature", if i == 0 { "station" } else { "operator" }),
            format!(
                "Ed25519 by {} ({}){}",
                signer.id,
                hex::encode(key.to_bytes()),
                if pinned.is_some() { ", key pinned" } else { ", key as declared in the manifest" }
            ),
        );
    }

    let mut payloads = Vec::with_capacity(manifest.payloads.len());
    {
        let mut dec = ciborium_ll::Decoder::from(&mut reader);
        for (index, p) in manifest.payloads.iter().enumerate() {
            let kind = p.kind.name();
            let fail = |problem: String| BundleError::Payload { index, kind, problem };
            let header = dec.pull().map_err(|e| match e {
                ciborium_ll::Error::Io(io) => {
                    read_err(io, || fail("missing (bundle truncated)".into()))
                }
                ciborium_ll::Error::Syntax(at) => fail(format!("malformed CBOR at offset {at}")),
            })?;
            let len = match header {
                ciborium_ll::Header::Bytes(Some(len)) => len as u64,
                other => return Err(fail(format!("expected a byte string, found {other:?}"))),
            };
            if len != p.length || len > MAX_PAYLOAD {
                return Err(fail(format!("length {len}, manifest says {}", p.length)));
            }
            let mut buf = vec![0u8; len as usize];
            dec.read_exact(&mut buf)
                .map_err(|e| read_err(e, || fail("cut short (bundle truncated)".into())))?;
            if sha256(&buf) != *p.sha256 {
                return Err(fail("SHA-256 does not match the manifest".into()));
            }
            payloads.push(buf);
        }
    }
    check(
        &mut checks,
        "payload hashes",
        format!("{} payloads, SHA-256 and length as signed", payloads.len()),
    );
    let mut extra = [0u8; 1];
    match reader.read(&mut extra) {
        Ok(0) => {}
        Ok(_) => return Err(BundleError::TrailingData),
        Err(e) => return Err(read_err(e, || BundleError::TrailingData)),
    }
    check(&mut checks, "end of bundle", "nothing after the last payload");
    Ok(Opened { manifest, manifest_sha256, payloads, checks })
}

fn read_cose_sign<R: Read>(reader: &mut R) -> Result<CoseSign, BundleError> {
    let mut limited = reader.take(MAX_MANIFEST as u64);
    let value: ciborium::Value = ciborium::from_reader(&mut limited).map_err(|e| match e {
        ciborium::de::Error::Io(io) => read_err(io, || {
            BundleError::NotABundle("empty or truncated before the manifest ends".into())
        }),
        other => BundleError::NotABundle(format!("the first item is not CBOR: {other}")),
    })?;
    let ciborium::Value::Tag(COSE_SIGN_TAG, inner) = value else {
        return Err(BundleError::NotABundle(
            "the first item is not a tagged COSE_Sign (tag 98)".into(),
        ));
    };
    use coset::AsCborValue;
    CoseSign::from_cbor_value(*inner)
        .map_err(|e| BundleError::NotABundle(format!("malformed COSE_Sign: {e}")))
}

fn peek_schema(body: &[u8]) -> Result<u64, BundleError> {
    let v: ciborium::Value = ciborium::from_reader(body)
        .map_err(|e| BundleError::ManifestCbor(CborError::Decode(e.to_string())))?;
    let ciborium::Value::Map(entries) = v else {
        return Err(BundleError::ManifestCbor(CborError::Shape(
            "the manifest is not a map".into(),
        )));
    };
    entries
        .iter()
        .find(|(k, _)| k.as_text() == Some("schema"))
        .and_then(|(_, v)| v.as_integer())
        .and_then(|i| u64::try_from(i).ok())
        .ok_or_else(|| {
            BundleError::ManifestCbor(CborError::Shape("no integer 'schema' field".into()))
        })
}

/// What reading one sample's ISO record found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordSummary {
    pub position: Position,
    pub payload: usize,
    pub edition: &'static str,
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub quality_in_record: Option<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Opened {
    /// Parses every sample's ISO record, checks that it is the modality, position and quality the
    /// manifest states and that it meets the registration rules
    /// ([`Record::registration_issues`]), and (if `decode`) decodes its image. Returns per-sample summaries and,
    /// when decoding, the pixels.
    pub fn check_records(
        &self,
        decode: bool,
    ) -> Result<Vec<(RecordSummary, Option<Pixels>)>, BundleError> {
        let mut out = Vec::new();
        for (index, s) in self.manifest.samples.iter().enumerate() {
            let Some(p) = s.payload else { continue };
            let p = p as usize;
            let fail =
                |problem: String| BundleError::Record { index, position: s.position, problem };
            let iso = |source| BundleError::Iso { index, position: s.position, source };
            let record = Record::parse(&self.payloads[p]).map_err(iso)?;
            let issues = record.registration_issues();
            if !issues.is_empty() {
                return Err(fail(format!("not registration grade: {}", issues.join("; "))));
            }
            if record.image_count() != 1 {
                return Err(fail(format!(
                    "{} images in the record, expected 1",
                    record.image_count()
                )));
            }
            let (width, height, channels, q, warnings) = match (&record, s.modality) {
                (Record::Finger(r), Modality::Finger) => {
                    let v = &r.views[0];
                    if Some(v.position) != s.position.iso_finger_code() {
                        return Err(fail(format!("record says finger position {}", v.position)));
                    }
                    (
                        u32::from(v.width),
                        u32::from(v.height),
                        1,
                        v.quality.first().map(|q| q.score),
                        v.warnings.clone(),
                    )
                }
                (Record::Iris(r), Modality::Iris) => {
                    let i = &r.images[0];
                    let want =
                        if s.position == Position::RightIris { Eye::Right } else { Eye::Left };
                    if i.eye != want {
                        return Err(fail(format!("record says eye {:?}", i.eye)));
                    }
                    (
                        u32::from(i.width),
                        u32::from(i.height),
                        1,
                        i.quality.first().map(|q| q.score),
                        vec![],
                    )
                }
                (Record::Face(r), Modality::Face | Modality::ExceptionPhoto) => {
                    let f = &r.images[0];
                    let ch = if f.colour_space == crate::iso19794::face::COLOUR_SPACE_GREY8 {
                        1
                    } else {
                        3
                    };
                    (
                        u32::from(f.width),
                        u32::from(f.height),
                        ch,
                        f.quality.first().map(|q| q.score),
                        vec![],
                    )
                }
                _ => {
                    return Err(fail(format!(
                        "the payload is a {} record",
                        match record {
                            Record::Finger(_) => "finger",
                            Record::Iris(_) => "iris",
                            Record::Face(_) => "face",
                        }
                    )));
                }
            };
            if let (Some(mq), Some(rq)) = (&s.quality, q)
                && mq.score != rq
            {
                return Err(fail(format!(
                    "quality {} in the manifest, {rq} in the record",
                    mq.score
                )));
            }
            let pixels = if decode {
                let mut imgs = record.decode_images().map_err(iso)?;
                Some(imgs.remove(0))
            } else {
                None
            };
            let edition = match record.edition() {
                crate::iso19794::Edition::E2005 => "2005",
                crate::iso19794::Edition::E2011 => "2011",
            };
            out.push((
                RecordSummary {
                    position: s.position,
                    payload: p,
                    edition,
                    width,
                    height,
                    channels,
                    quality_in_record: q,
                    warnings,
                },
                pixels,
            ));
        }
        Ok(out)
    }
}
