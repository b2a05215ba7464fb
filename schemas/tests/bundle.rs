//! Sealing and opening bundles end to end, and every way a bundle can be damaged or forged.

use schemas::SigningKey;
use schemas::bundle::{self, BundleError, Payload, Signer, Trust};
use schemas::decision::{self, Decision, DecisionError, Verdict};
use schemas::iso19794::{
    CaptureDevice, Quality, face::FaceImage, finger::FingerView, iris::IrisImage,
};
use schemas::jp2k::Pixels;
use schemas::keys;
use schemas::manifest::*;

struct World {
    station: SigningKey,
    operator: SigningKey,
    supervisor: SigningKey,
    identity: age::x25519::Identity,
}

fn world() -> World {
    World {
        station: keys::new_signing_key().unwrap(),
        operator: keys::new_signing_key().unwrap(),
        supervisor: keys::new_signing_key().unwrap(),
        identity: keys::new_registry_identity(),
    }
}

fn grey(w: u32, h: u32, seed: u32) -> Pixels {
    Pixels::new(w, h, 1, (0..w * h).map(|i| ((i * 31 + seed * 7) ^ (i / w)) as u8).collect())
        .unwrap()
}

fn q(score: u8) -> QualityScore {
    QualityScore { score, algorithm: "test/1".into(), vendor_id: 0xffff, algorithm_id: 1 }
}

/// A small but complete enrollment: two fingers, one iris, a face, one document image.
fn draft() -> (Manifest, Vec<Payload>) {
    draft_with_iris_diameter(None)
}

fn draft_with_iris_diameter(diameter: Option<u16>) -> (Manifest, Vec<Payload>) {
    let iq = |s| vec![Quality { score: s, algorithm_vendor: 0xffff, algorithm_id: 1 }];
    let dev = CaptureDevice::default();
    let mut payloads = vec![];
    let mut samples = vec![];
    for (i, pos) in [Position::RightThumb, Position::LeftIndex].into_iter().enumerate() {
        let rec = FingerView::new_500ppi(
            pos.iso_finger_code().unwrap(),
            &grey(64, 80, i as u32),
            iq(70),
            dev,
            None,
        )
        .unwrap();
        payloads.push(Payload { kind: PayloadKind::FingerRecord, bytes: rec.to_record().unwrap() });
        samples.push(Sample {
            modality: Modality::Finger,
            position: pos,
            quality: Some(q(70)),
            station_quality: None,
            device: None,
            retries: 0,
            forced: false,
            exception: None,
            payload: Some(i as u32),
            captured_at: 1_780_000_000_000,
        });
    }
    let iris = IrisImage::new_k3(true, &grey(96, 72, 9), iq(80), dev, None, diameter).unwrap();
    payloads.push(Payload { kind: PayloadKind::IrisRecord, bytes: iris.to_record().unwrap() });
    samples.push(Sample {
        modality: Modality::Iris,
        position: Position::RightIris,
        quality: Some(q(80)),
        station_quality: None,
        device: None,
        retries: 1,
        forced: false,
        exception: None,
        payload: Some(2),
        captured_at: 1_780_000_000_000,
    });
    samples.push(Sample {
        modality: Modality::Iris,
        position: Position::LeftIris,
        quality: None,
        station_quality: None,
        device: None,
        retries: 3,
        forced: false,
        exception: Some(BiometricException {
            kind: ExceptionKind::Missing,
            reason: "prosthetic eye".into(),
        }),
        payload: None,
        captured_at: 1_780_000_000_000,
    });
    let rgb = Pixels::new(40, 50, 3, (0..40 * 50 * 3).map(|i| (i % 200) as u8).collect()).unwrap();
    let face = FaceImage::new_full_frontal(&rgb, iq(60), dev, None).unwrap();
    payloads.push(Payload { kind: PayloadKind::FaceRecord, bytes: face.to_record().unwrap() });
    samples.push(Sample {
        modality: Modality::Face,
        position: Position::Face,
        quality: Some(q(60)),
        station_quality: None,
        device: None,
        retries: 0,
        forced: false,
        exception: None,
        payload: Some(3),
        captured_at: 1_780_000_000_000,
    });
    payloads.push(Payload {
        kind: PayloadKind::Jpeg,
        bytes: b"\xff\xd8\xff not really a jpeg".to_vec(),
    });
    let name = |a: &str| PersonName {
        first: a.into(),
        father: "Khalil".into(),
        grandfather: "Omar".into(),
        family: "Haddad".into(),
    };
    let m = Manifest {
        schema: 0,
        bundle_id: uuid::Uuid::now_v7().to_string(),
        station: StationRef { id: "ST-0001".into(), sequence: 42, centre: "RAM-PO-01".into() },
        operator_id: "op-17".into(),
        signers: vec![],
        times: Times {
            capture_started_at: 1_780_000_000_000,
            capture_ended_at: 1_780_000_100_000,
            signed_at: 1_780_000_200_000,
            registry_vouched_at: Some(1_779_990_000_000),
        },
        applicant: Applicant {
            name_ar: PersonName {
                first: "أحمد".into(),
                father: "خليل".into(),
                grandfather: "عمر".into(),
                family: "حداد".into(),
            },
            name_latin: name("Ahmad"),
            national_id: Some("401234567".into()),
            date_of_birth: "1990-05-12".into(),
            sex: Sex::Male,
            phone: Some("+970599123456".into()),
            email: None,
            address: Address {
                country: "PS".into(),
                governorate: Some("Ramallah".into()),
                locality: "Al-Bireh".into(),
                street: None,
            },
            guardian: None,
        },
        documents: vec![IdentityDocument {
            kind: DocumentKind::NationalIdCard,
            number: "401234567".into(),
            issuing_state: "PSE".into(),
            expiry: Some("2031-01-01".into()),
            mrz: None,
            images: vec![4],
            device: None,
        }],
        consent: Consent {
            notice_version: "2026.1".into(),
            language: "ar".into(),
            accepted: true,
            at: 1_780_000_000_000,
        },
        samples,
        payloads: vec![],
        audit: AuditHead { sequence: 7, head: Bytes32::new([3; 32]) },
        master_version: 4,
    };
    (m, payloads)
}

fn seal_with(w: &World, m: Manifest, p: &[Payload]) -> Vec<u8> {
    let mut out = Vec::new();
    bundle::seal(
        m,
        p,
        &Signer { id: "ST-0001", key: &w.station },
        &Signer { id: "op-17", key: &w.operator },
        &w.identity.to_public(),
        &mut out,
    )
    .unwrap();
    out
}

fn ids(w: &World) -> Vec<Box<dyn age::Identity + Send + Sync>> {
    keys::parse_identity_file(&keys::identity_file_text(&w.identity)).unwrap()
}

fn decrypt(w: &World, sealed: &[u8]) -> Vec<u8> {
    let d = age::Decryptor::new(sealed).unwrap();
    let mut r = d.decrypt(std::iter::once(&w.identity as &dyn age::Identity)).unwrap();
    let mut out = vec![];
    std::io::Read::read_to_end(&mut r, &mut out).unwrap();
    out
}

fn encrypt(w: &World, plain: &[u8]) -> Vec<u8> {
    let e = age::Encryptor::with_recipients(std::iter::once(
        &w.identity.to_public() as &dyn age::Recipient
    ))
    .unwrap();
    let mut out = vec![];
    let mut wr = e.wrap_output(&mut out).unwrap();
    std::io::Write::write_all(&mut wr, plain).unwrap();
    wr.finish().unwrap();
    out
}

#[test]
fn seal_then_open_round_trips_and_checks_records() {
    let w = world();
    let (m, p) = draft();
    let sealed = seal_with(&w, m.clone(), &p);
    let trust = Trust {
        station: Some(w.station.verifying_key()),
        operator: Some(w.operator.verifying_key()),
    };
    let opened = bundle::open(&sealed[..], &ids(&w), &trust).unwrap();
    assert_eq!(opened.manifest.bundle_id, m.bundle_id);
    assert_eq!(opened.manifest.applicant, m.applicant);
    assert_eq!(opened.payloads.len(), p.len());
    for (a, b) in opened.payloads.iter().zip(&p) {
        assert_eq!(a, &b.bytes);
    }
    let recs = opened.check_records(true).unwrap();
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[0].1.as_ref().unwrap(), &grey(64, 80, 0));
    // A record below the registration rules is named (here an iris of 60 px stated diameter).
    let (m, p) = draft_with_iris_diameter(Some(60));
    let opened = bundle::open(&seal_with(&w, m, &p)[..], &ids(&w), &Trust::default()).unwrap();
    let e = opened.check_records(false).unwrap_err();
    assert!(
        matches!(&e, BundleError::Record { index: 2, position: Position::RightIris, .. })
            && e.to_string().contains("iris diameter 60"),
        "{e}"
    );
    let (_, p) = draft();
    // The sealed size is the payloads plus a small manifest and age's 16 bytes per 64 KiB.
    let payload_sum: usize = p.iter().map(|x| x.bytes.len()).sum();
    assert!(sealed.len() < payload_sum + 4096, "{} vs {}", sealed.len(), payload_sum);
}

#[test]
fn wrong_key_and_garbage_fail_decryption() {
    let w = world();
    let (m, p) = draft();
    let sealed = seal_with(&w, m, &p);
    let other = world();
    assert!(matches!(
        bundle::open(&sealed[..], &ids(&other), &Trust::default()),
        Err(BundleError::Decrypt(_))
    ));
    assert!(matches!(
        bundle::open(&b"not an age file"[..], &ids(&w), &Trust::default()),
        Err(BundleError::Decrypt(_))
    ));
    // Bit flip in the ciphertext body: the age stream's authentication fails.
    let mut flipped = sealed.clone();
    let at = flipped.len() - 100;
    flipped[at] ^= 0x40;
    let e = bundle::open(&flipped[..], &ids(&w), &Trust::default()).unwrap_err();
    assert!(matches!(e, BundleError::Decrypt(_)), "{e}");
    // Truncated ciphertext.
    let e = bundle::open(&sealed[..sealed.len() - 40], &ids(&w), &Trust::default()).unwrap_err();
    assert!(matches!(e, BundleError::Decrypt(_)), "{e}");
}

#[test]
fn pinned_keys_must_match() {
    let w = world();
    let (m, p) = draft();
    let sealed = seal_with(&w, m, &p);
    let stranger = keys::new_signing_key().unwrap();
    let e = bundle::open(
        &sealed[..],
        &ids(&w),
        &Trust { station: None, operator: Some(stranger.verifying_key()) },
    )
    .unwrap_err();
    assert!(matches!(e, BundleError::UntrustedSigner { role: SignerRole::Operator, .. }), "{e}");
}

/// Tampering inside the encryption (as someone holding the registry key could): each is named.
#[test]
fn tampered_plaintext_names_what_failed() {
    let w = world();
    let (m, p) = draft();
    let plain = decrypt(&w, &seal_with(&w, m.clone(), &p));
    let open = |bytes: &[u8]| bundle::open(&encrypt(&w, bytes)[..], &ids(&w), &Trust::default());
    assert!(open(&plain).is_ok());

    // A payload byte changed: hash mismatch for that payload.
    let last = plain.len() - 3;
    let mut t = plain.clone();
    t[last] ^= 1;
    assert!(matches!(open(&t), Err(BundleError::Payload { index: 4, .. })));

    // Truncated plaintext: the last payload is cut short.
    assert!(matches!(open(&plain[..plain.len() - 5]), Err(BundleError::Payload { index: 4, .. })));
    // Extra data after the last payload.
    let mut t = plain.clone();
    t.push(0x40);
    assert!(matches!(open(&t), Err(BundleError::TrailingData)));
    // Nothing but the manifest.
    let (cose, _) = bundle::sign_manifest(
        &mut m.clone(),
        &p,
        &Signer { id: "ST-0001", key: &w.station },
        &Signer { id: "op-17", key: &w.operator },
    )
    .unwrap();
    assert!(matches!(open(&cose), Err(BundleError::Payload { index: 0, .. })));

    // Payloads reordered: the first payload's length/hash no longer match.
    let mut swapped = p.clone();
    swapped.swap(0, 1);
    let mut reordered = cose.clone();
    for x in &swapped {
        let mut head = vec![];
        ciborium::into_writer(&ciborium::Value::Bytes(x.bytes.clone()), &mut head).unwrap();
        reordered.extend_from_slice(&head);
    }
    assert!(matches!(open(&reordered), Err(BundleError::Payload { index: 0, .. })));

    // Re-signed by a different operator key than the manifest declares.
    let impostor = keys::new_signing_key().unwrap();
    let (forged, _) = bundle::sign_manifest(
        &mut m.clone(),
        &p,
        &Signer { id: "ST-0001", key: &w.station },
        &Signer { id: "op-17", key: &impostor },
    )
    .unwrap();
    // That alone is a valid bundle by another key: pinning catches it...
    let mut t = forged.clone();
    bundle::write_plaintext(&mut t, &[], &p).unwrap();
    let pinned = Trust { station: None, operator: Some(w.operator.verifying_key()) };
    assert!(matches!(
        bundle::open(&encrypt(&w, &t)[..], &ids(&w), &pinned),
        Err(BundleError::UntrustedSigner { .. })
    ));
    // ...and swapping its signature into the genuine manifest fails that signature.
    let mut genuine = coset::CoseSign::from_tagged_slice(&cose).unwrap();
    let fake = coset::CoseSign::from_tagged_slice(&forged).unwrap();
    genuine.signatures[1] = fake.signatures[1].clone();
    // The forged manifest declares the impostor key; the genuine one does not.
    use coset::TaggedCborSerializable;
    let mut t = genuine.to_tagged_vec().unwrap();
    bundle::write_plaintext(&mut t, &[], &p).unwrap();
    assert!(matches!(open(&t), Err(BundleError::Signature { role: SignerRole::Operator, .. })));

    // Manifest changed after signing (a byte of a name): the station signature fails first.
    let mut genuine = coset::CoseSign::from_tagged_slice(&cose).unwrap();
    let body = genuine.payload.as_mut().unwrap();
    let i = body.windows(5).position(|x| x == b"Ahmad").unwrap();
    body[i] = b'B';
    let mut t = genuine.to_tagged_vec().unwrap();
    bundle::write_plaintext(&mut t, &[], &p).unwrap();
    assert!(matches!(open(&t), Err(BundleError::Signature { role: SignerRole::Station, .. })));

    // Not a COSE_Sign at all.
    assert!(matches!(open(b"\x01\x02"), Err(BundleError::NotABundle(_))));
}

#[test]
fn newer_schema_is_refused_by_version() {
    let w = world();
    let (m, p) = draft();
    let (cose, _) = bundle::sign_manifest(
        &mut m.clone(),
        &p,
        &Signer { id: "ST-0001", key: &w.station },
        &Signer { id: "op-17", key: &w.operator },
    )
    .unwrap();
    let mut s = coset::CoseSign::from_tagged_slice(&cose).unwrap();
    let mut v: ciborium::Value = ciborium::from_reader(&s.payload.as_ref().unwrap()[..]).unwrap();
    if let ciborium::Value::Map(entries) = &mut v {
        for (k, val) in entries.iter_mut() {
            if k.as_text() == Some("schema") {
                *val = ciborium::Value::Integer(3.into());
            }
        }
    }
    let mut body = vec![];
    ciborium::into_writer(&v, &mut body).unwrap();
    s.payload = Some(body);
    use coset::TaggedCborSerializable;
    let mut t = s.to_tagged_vec().unwrap();
    bundle::write_plaintext(&mut t, &[], &p).unwrap();
    let e = bundle::open(&encrypt(&w, &t)[..], &ids(&w), &Trust::default()).unwrap_err();
    assert!(matches!(e, BundleError::UnsupportedSchema { found: 3, supported: 2 }), "{e}");
}

#[test]
fn manifest_structure_is_checked_before_sealing() {
    let w = world();
    let (mut m, mut p) = draft();
    m.samples[0].position = Position::RightIris; // a finger record at an iris position
    let e = bundle::seal(
        m,
        &p,
        &Signer { id: "ST-0001", key: &w.station },
        &Signer { id: "op-17", key: &w.operator },
        &w.identity.to_public(),
        Vec::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("samples[0].position"), "{e}");
    let (m, _) = draft();
    p.pop(); // the document image is gone
    let e = bundle::seal(
        m,
        &p,
        &Signer { id: "ST-0001", key: &w.station },
        &Signer { id: "op-17", key: &w.operator },
        &w.identity.to_public(),
        Vec::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("documents[0].images"), "{e}");
}

#[test]
fn supervisor_decision_binds_to_the_manifest() {
    let w = world();
    let (m, p) = draft();
    let sealed = seal_with(&w, m, &p);
    let opened = bundle::open(&sealed[..], &ids(&w), &Trust::default()).unwrap();
    let d = Decision {
        bundle_id: opened.manifest.bundle_id.clone(),
        manifest_sha256: Bytes32::new(opened.manifest_sha256),
        verdict: Verdict::Approve,
        reason: None,
        decided_at: 1_780_000_900_000,
        supervisor_id: "sup-3".into(),
        supervisor_ed25519: Bytes32::new(w.supervisor.verifying_key().to_bytes()),
        master_version: 4,
    };
    let signed = decision::sign(&d, &w.supervisor).unwrap();
    assert_eq!(
        decision::verify(
            &signed,
            &opened.manifest,
            &opened.manifest_sha256,
            Some(&w.supervisor.verifying_key())
        )
        .unwrap(),
        d
    );
    assert_eq!(
        decision::verify(&signed, &opened.manifest, &[0; 32], None),
        Err(DecisionError::WrongManifest)
    );
    let mut flipped = signed.clone();
    let n = flipped.len();
    flipped[n - 10] ^= 1;
    assert_eq!(
        decision::verify(&flipped, &opened.manifest, &opened.manifest_sha256, None),
        Err(DecisionError::BadSignature)
    );
    // Four eyes: the operator cannot approve their own capture.
    let own = Decision {
        supervisor_id: "op-17".into(),
        supervisor_ed25519: Bytes32::new(w.operator.verifying_key().to_bytes()),
        ..d.clone()
    };
    assert_eq!(
        decision::verify(
            &decision::sign(&own, &w.operator).unwrap(),
            &opened.manifest,
            &opened.manifest_sha256,
            None
        ),
        Err(DecisionError::SameAsOperator)
    );
    // A rejection needs a reason.
    let reject = Decision { verdict: Verdict::Reject, ..d };
    assert_eq!(decision::sign(&reject, &w.supervisor), Err(DecisionError::ReasonMissing));
}

#[test]
fn cbeff_has_one_bir_per_record() {
    let w = world();
    let (m, p) = draft();
    let opened = bundle::open(&seal_with(&w, m, &p)[..], &ids(&w), &Trust::default()).unwrap();
    let xml = schemas::cbeff::to_xml(&opened).unwrap();
    assert_eq!(xml.matches("<BDB>").count(), 4);
    assert!(xml.contains("<Subtype>Right Thumb</Subtype>"));
    assert!(xml.contains("<Subtype>Left IndexFinger</Subtype>"));
    assert!(
        xml.contains("<Type>9</Type>")
            && xml.contains("<Type>8</Type>")
            && xml.contains("<Type>7</Type>")
    );
    assert!(xml.contains("<Organization>257</Organization>"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Random damage to a real sealed bundle, before or after decryption: always a clean error.
    #[test]
    fn random_mutations_give_clean_errors(flips in proptest::collection::vec((0usize..1_000_000, 1u8..=255), 1..4), cut in proptest::option::of(0usize..1_000_000), inside in proptest::bool::ANY) {
        thread_local! {
            static FIXED: (World, Vec<u8>, Vec<u8>) = {
                let w = world();
                let (m, p) = draft();
                let sealed = seal_with(&w, m, &p);
                let plain = decrypt(&w, &sealed);
                (w, sealed, plain)
            };
        }
        FIXED.with(|(w, sealed, plain)| {
            let mut bytes = if inside { plain.clone() } else { sealed.clone() };
            for (at, x) in &flips {
                let n = bytes.len();
                bytes[at % n] ^= x;
            }
            if let Some(c) = cut {
                let n = bytes.len();
                bytes.truncate(c % n);
            }
            let input = if inside { encrypt(w, &bytes) } else { bytes };
            let r = bundle::open(&input[..], &ids(w), &Trust::default());
            proptest::prop_assert!(r.is_err(), "a damaged bundle opened");
            Ok(())
        })?;
    }
}
