//! The station's command line, checked with tools we did not write: the `age` CLI decrypts,
//! Python's cbor2 and PyNaCl verify (tests/independent/verify_bundle.py), OpenJPEG's
//! `opj_decompress` and the pure-Rust `hayro-jpeg2000` decode the images, Python's ElementTree
//! reads the CBEFF XML. `scripts/test.sh` installs these tools; a missing one fails the test.

use std::path::Path;
use std::process::Command;

use crate::common::*;

#[test]
fn sample_bundle_verifies_with_our_reader() {
    let d = tempdir("verify");
    sample(&d);
    let out = station(&[
        "bundle",
        "verify",
        p(&d.join("bundle.age")),
        "--identity",
        p(&d.join("registry.key")),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let r = json(&out);
    assert_eq!(r["ok"], true);
    assert_eq!(r["samples"].as_array().unwrap().len(), 13);
    assert_eq!(r["records"].as_array().unwrap().len(), 13);
    assert_eq!(r["keys_pinned"]["station"], false);

    let out = station(&[
        "bundle",
        "verify",
        p(&d.join("bundle.age")),
        "--identity",
        p(&d.join("registry.key")),
        "--signers",
        p(&d.join("signers.json")),
        "--decision",
        p(&d.join("decision.cose")),
    ]);
    let r = json(&out);
    assert!(out.status.success());
    assert_eq!(r["keys_pinned"]["operator"], true);
    assert_eq!(r["decision"]["verdict"], "approve");
}

#[test]
fn damaged_bundles_and_wrong_keys_fail_with_bilingual_errors() {
    let d = tempdir("damaged");
    sample(&d);
    let mut bytes = std::fs::read(d.join("bundle.age")).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0x08;
    std::fs::write(d.join("flipped.age"), &bytes).unwrap();
    let out = station(&[
        "bundle",
        "verify",
        p(&d.join("flipped.age")),
        "--identity",
        p(&d.join("registry.key")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    assert_eq!(r["ok"], false);
    assert!(r["error"]["en"].as_str().unwrap().contains("decryption failed"), "{r}");
    assert!(r["error"]["ar"].as_str().unwrap().contains("فك تشفير"), "{r}");

    let other = tempdir("damaged-other");
    sample(&other);
    let out = station(&[
        "bundle",
        "verify",
        p(&d.join("bundle.age")),
        "--identity",
        p(&other.join("registry.key")),
    ]);
    assert_eq!(out.status.code(), Some(1));

    // Keys pinned from another station's signers.json: named as untrusted.
    let out = station(&[
        "bundle",
        "verify",
        p(&d.join("bundle.age")),
        "--identity",
        p(&d.join("registry.key")),
        "--signers",
        p(&other.join("signers.json")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json(&out)["error"]["en"].as_str().unwrap().contains("not the trusted one"));

    // A decision made for another bundle.
    let out = station(&[
        "bundle",
        "verify",
        p(&d.join("bundle.age")),
        "--identity",
        p(&d.join("registry.key")),
        "--decision",
        p(&other.join("decision.cose")),
    ]);
    assert_eq!(out.status.code(), Some(1));

    // Unreadable inputs: exit 2 with a message in both languages.
    let out = station(&[
        "bundle",
        "verify",
        p(&d.join("nope.age")),
        "--identity",
        p(&d.join("registry.key")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("خطأ") && err.contains("error:"), "{err}");
}

#[test]
fn age_cli_and_python_verify_the_bundle_independently() {
    let d = tempdir("independent");
    sample(&d);
    let plain = d.join("plain.bin");
    let out = run(Command::new("age").args([
        "-d",
        "-i",
        p(&d.join("registry.key")),
        "-o",
        p(&plain),
        p(&d.join("bundle.age")),
    ]));
    assert!(out.status.success(), "age: {}", String::from_utf8_lossy(&out.stderr));
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo");
    let script = Path::new(&manifest_dir).join("../tests/independent/verify_bundle.py");
    let images = d.join("img");
    let out = run(Command::new("/usr/bin/python3").args([
        p(&script),
        p(&plain),
        p(&d.join("signers.json")),
        "--extract",
        p(&images),
        "--decision",
        p(&d.join("decision.cose")),
    ]));
    let r = json(&out);
    assert!(
        out.status.success() && r["ok"] == true,
        "{r} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(r["payloads"], 15);
    assert_eq!(r["decision"], "approve");

    // The same check must fail when a payload byte is changed (the checker is not a rubber stamp).
    let mut bytes = std::fs::read(&plain).unwrap();
    let n = bytes.len();
    bytes[n - 1000] ^= 1;
    std::fs::write(d.join("tampered.bin"), &bytes).unwrap();
    let out = run(Command::new("/usr/bin/python3").args([
        p(&script),
        p(&d.join("tampered.bin")),
        p(&d.join("signers.json")),
    ]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("SHA-256 mismatch"));

    // Every image decodes bit-exact to what the simulated devices captured, with two decoders
    // that are not ours: OpenJPEG's command-line tool and the pure-Rust hayro-jpeg2000.
    let captures = station_core::sample::capture(1);
    let mut originals: Vec<(String, schemas::jp2k::Pixels)> =
        captures.fingers.iter().map(|(pos, px)| (name(pos), px.clone())).collect();
    originals.extend(captures.irises.iter().map(|(pos, px, _)| (name(pos), px.clone())));
    originals.push(("face".into(), captures.face.clone()));
    assert_eq!(originals.len(), 13);
    for (pos, original) in &originals {
        let jp2 = images.join(format!("{pos}.jp2"));
        let data = std::fs::read(&jp2).unwrap();
        let hayro =
            hayro_jpeg2000::Image::new(&data, &hayro_jpeg2000::DecodeSettings::default()).unwrap();
        let mut ctx = hayro_jpeg2000::DecoderContext::default();
        let decoded = hayro.decode(&mut ctx).unwrap().data_u8();
        assert_eq!((hayro.width(), hayro.height()), (original.width, original.height), "{pos}");
        assert!(decoded == original.data, "{pos}: hayro-jpeg2000 pixels differ from the capture");

        let pnm =
            images.join(format!("{pos}.{}", if original.channels == 1 { "pgm" } else { "ppm" }));
        let out = run(Command::new("opj_decompress").args(["-i", p(&jp2), "-o", p(&pnm)]));
        assert!(out.status.success(), "opj_decompress: {}", String::from_utf8_lossy(&out.stderr));
        let (w, h, pixels) = read_pnm(&std::fs::read(&pnm).unwrap());
        assert_eq!((w, h), (original.width, original.height), "{pos}");
        assert!(pixels == original.data, "{pos}: opj_decompress pixels differ from the capture");
    }
}

fn name(pos: &schemas::manifest::Position) -> String {
    serde_json::to_value(pos).unwrap().as_str().unwrap().to_string()
}

/// Reads a binary PGM (P5) or PPM (P6) with maxval 255.
fn read_pnm(b: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 2;
    while fields.len() < 3 {
        while b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i] == b'#' {
            while b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let s = i;
        while !b[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&b[s..i]).unwrap().parse::<u32>().unwrap());
    }
    assert_eq!(fields[2], 255);
    (fields[0], fields[1], b[i + 1..].to_vec())
}

#[test]
fn cbeff_export_is_well_formed_and_follows_mosip_structure() {
    let d = tempdir("cbeff");
    sample(&d);
    let xml = d.join("cbeff.xml");
    let out = station(&[
        "bundle",
        "export-cbeff",
        p(&d.join("bundle.age")),
        "--identity",
        p(&d.join("registry.key")),
        "--out",
        p(&xml),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Parsed by Python's ElementTree, not by us.
    let check = r#"
import sys, xml.etree.ElementTree as ET, base64, collections
ns = {"c": "http://standards.iso.org/iso-iec/19785/-3/ed-2/"}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{%s}BIR" % ns["c"], root.tag
birs = root.findall("c:BIR", ns)
types = collections.Counter()
for b in birs:
    info = b.find("c:BDBInfo", ns)
    assert info.find("c:Format/c:Organization", ns).text == "257"
    assert info.find("c:Level", ns).text == "Raw" and info.find("c:Purpose", ns).text == "Enroll"
    t = info.find("c:Type", ns).text
    ft = info.find("c:Format/c:Type", ns).text
    assert {"Finger": "7", "Face": "8", "Iris": "9"}[t] == ft, (t, ft)
    rec = base64.b64decode(b.find("c:BDB", ns).text)
    assert rec[:4] == {"Finger": b"FIR\0", "Face": b"FAC\0", "Iris": b"IIR\0"}[t]
    assert 0 <= int(info.find("c:Quality/c:Score", ns).text) <= 100
    types[t] += 1
print(dict(types))
"#;
    let out = run(Command::new("/usr/bin/python3").args(["-c", check, p(&xml)]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let counts = String::from_utf8_lossy(&out.stdout);
    assert!(
        counts.contains("'Finger': 10")
            && counts.contains("'Iris': 2")
            && counts.contains("'Face': 1"),
        "{counts}"
    );
}

#[test]
fn inspect_iso_reads_real_mosip_records_and_refuses_garbage() {
    if let Some(dir) = fixtures::mosip_registration_dir() {
        let out = station(&["bundle", "inspect-iso", p(&dir.join("0001Left_Index.iso"))]);
        assert!(out.status.success());
        let r = json(&out);
        assert_eq!(r["modality"], "finger");
        assert_eq!(r["edition"], "2011");
        assert_eq!(r["views"][0]["position"], 7);
        assert_eq!(r["views"][0]["compression"], "jpeg2000_lossless");
        assert_eq!(r["views"][0]["image"]["codec"], "jpeg2000");
        assert_eq!(r["registration_issues"], serde_json::json!([]));
        assert!(r["views"][0]["warnings"][0].as_str().unwrap().contains("image data length"));
        let out = station(&["bundle", "inspect-iso", p(&dir.join("0001Right_Iris.iso"))]);
        assert_eq!(json(&out)["images"][0]["eye"], "right");
        let old = fixtures::mosip_2005_dir().unwrap().join("Sample_IRIS.iso");
        let r = json(&station(&["bundle", "inspect-iso", p(&old)]));
        assert_eq!(r["edition"], "2005");
        assert!(r["registration_issues"][0].as_str().unwrap().contains("2011 edition"));
    }
    let d = tempdir("garbage");
    std::fs::write(d.join("x.iso"), b"FIR\x00020\x00\0\0\0\x40").unwrap();
    let out = station(&["bundle", "inspect-iso", p(&d.join("x.iso"))]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("record length") && err.contains("سجل"), "{err}");
}

#[test]
fn headless_demo_runs_and_verifies() {
    let out = station(&["demo"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DEMO MODE"));
    let r = json(&out);
    assert_eq!(r["ok"], true);
    assert_eq!(r["decision"]["verdict"], "approve");
}
