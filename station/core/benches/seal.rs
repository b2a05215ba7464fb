//! Sealing and opening benchmark: `cargo bench -p station-core --bench seal`.
//!
//! One complete enrollment: ten fingers, two irises (K3) and a face, whose pixels are decoded
//! from MOSIP's real registration records in ../shared/fixtures (synthetic captures if absent),
//! plus the two sides of an ID card as JPEG. Everything runs on one thread, and every figure is
//! a ratio measured in the same run, because this machine is shared and noisy.
//!
//! Goals (issue 2): sealing <= 1.2 x the JPEG 2000 encoding alone; sealed size <= 1.05 x the sum
//! of the compressed payloads; open + verify >= 50 bundles/s on one core.

use std::io::Write;
use std::time::{Duration, Instant};

use schemas::bundle::{self, Payload, Signer, Trust};
use schemas::iso19794::Record;
use schemas::jp2k::{self, Pixels};
use schemas::manifest::Position;
use station_core::sample::{self, Captures};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(std::hint::black_box(f()));
        times.push(t.elapsed());
    }
    (median(times), last.expect("runs > 0"))
}

/// Captures whose biometric pixels come from MOSIP's real records.
fn mosip_captures() -> Option<Captures> {
    let dir = fixtures::mosip_registration_dir()?;
    let decode = |name: &str| -> Pixels {
        let rec = Record::parse(&fixtures::read(&dir.join(name))).expect("MOSIP record");
        rec.decode_images().expect("decode").remove(0)
    };
    let mut c = sample::capture(1);
    c.fingers = fixtures::MOSIP_FINGERS
        .iter()
        .map(|(name, code)| (Position::from_iso_finger_code(*code).expect("finger"), decode(name)))
        .collect();
    c.irises = vec![
        (Position::RightIris, decode("0001Right_Iris.iso"), 0),
        (Position::LeftIris, decode("0001Left_Iris.iso"), 0),
    ];
    c.face = decode("0001Face.iso");
    Some(c)
}

fn main() {
    let (captures, source) = match mosip_captures() {
        Some(c) => (c, "MOSIP registration records (real fingers, irises, face)"),
        None => (sample::capture(1), "synthetic captures (shared fixtures absent)"),
    };
    let station_key = schemas::keys::new_signing_key().unwrap();
    let operator_key = schemas::keys::new_signing_key().unwrap();
    let registry = schemas::keys::new_registry_identity();
    let recipient = registry.to_public();
    let runs = 7;

    // 1. JPEG 2000 lossless encoding alone, of every biometric image.
    let images: Vec<&Pixels> = captures
        .fingers
        .iter()
        .map(|(_, p)| p)
        .chain(captures.irises.iter().map(|(_, p, _)| p))
        .chain(std::iter::once(&captures.face))
        .collect();
    let (t_encode, encoded) = time(runs, || {
        images.iter().map(|p| jp2k::encode_lossless(p).unwrap().len()).sum::<usize>()
    });

    // 2. Sealing the enrollment: encode, ISO records, CBOR, signatures, encryption.
    // Document images arrive from the camera already as JPEG; they are made once, outside the timing.
    let (draft_manifest, doc_payloads) = {
        let (m, p) =
            sample::enrollment(&captures, "ST-BENCH", "op-1", 1, 1_780_000_000_000).unwrap();
        let docs: Vec<Payload> = p.into_iter().filter(|x| !x.kind.is_iso_record()).collect();
        (m, docs)
    };
    let seal_once = || {
        let (samples, mut payloads) = sample::biometrics(&captures, 1_780_000_000_000).unwrap();
        payloads.extend(doc_payloads.iter().cloned());
        let m = schemas::manifest::Manifest { samples, ..draft_manifest.clone() };
        let mut out = Vec::with_capacity(2 << 20);
        let s = bundle::seal(
            m,
            &payloads,
            &Signer { id: "ST-BENCH", key: &station_key },
            &Signer { id: "op-1", key: &operator_key },
            &recipient,
            &mut out,
        )
        .unwrap();
        (s, out, payloads.iter().map(|p| p.bytes.len()).sum::<usize>())
    };
    let (t_seal, (sealed, bytes, payload_sum)) = time(runs, seal_once);

    // 3. Opening and verifying (decrypt, both signatures, every payload hash, record headers).
    let identities: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(registry.clone())];
    let open_verify = || {
        let o = bundle::open(&bytes[..], &identities, &Trust::default()).unwrap();
        o.check_records(false).unwrap().len()
    };
    let n_open = 60;
    let t0 = Instant::now();
    for _ in 0..n_open {
        std::hint::black_box(open_verify());
    }
    let t_open = t0.elapsed() / n_open as u32;
    let (t_decode, _) = time(3, || {
        let o = bundle::open(&bytes[..], &identities, &Trust::default()).unwrap();
        o.check_records(true).unwrap().len()
    });

    // 4. The same records packed the way MOSIP does: base64 ISO records in CBEFF XML, zipped.
    let opened = bundle::open(&bytes[..], &identities, &Trust::default()).unwrap();
    let xml = schemas::cbeff::to_xml(&opened).unwrap();
    let mut zipped = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut zipped));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("individualBiometrics_bio_CBEFF.xml", opts).unwrap();
        z.write_all(xml.as_bytes()).unwrap();
        for (i, p) in opened
            .payloads
            .iter()
            .enumerate()
            .filter(|(i, _)| !opened.manifest.payloads[*i].kind.is_iso_record())
        {
            z.start_file(format!("POI_{i}.jpg"), opts).unwrap();
            z.write_all(p).unwrap();
        }
        z.finish().unwrap();
    }

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("payload source: {source}");
    println!(
        "biometric images: {} ({} JPEG 2000 bytes); documents: {}",
        images.len(),
        encoded,
        doc_payloads.len()
    );
    println!("JPEG 2000 encode alone     : {:8.1} ms (median of {runs})", ms(t_encode));
    println!("seal (encode+CBOR+sign+age): {:8.1} ms (median of {runs})", ms(t_seal));
    println!(
        "  ratio seal / encode      : {:8.3}   (goal <= 1.20)",
        t_seal.as_secs_f64() / t_encode.as_secs_f64()
    );
    println!("sum of compressed payloads : {payload_sum:8} bytes");
    println!(
        "sealed bundle              : {:8} bytes (plaintext {})",
        sealed.ciphertext_len, sealed.plaintext_len
    );
    println!(
        "  ratio sealed / payloads  : {:8.4}   (goal <= 1.05)",
        sealed.ciphertext_len as f64 / payload_sum as f64
    );
    println!(
        "open + verify              : {:8.2} ms = {:.0} bundles/s on one core (goal >= 50)",
        ms(t_open),
        1.0 / t_open.as_secs_f64()
    );
    println!("open + verify + decode all : {:8.1} ms", ms(t_decode));
    println!(
        "MOSIP-style zip(CBEFF XML) : {:8} bytes = {:.3} x our sealed bundle",
        zipped.len(),
        zipped.len() as f64 / sealed.ciphertext_len as f64
    );
}
