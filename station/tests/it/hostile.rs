//! Files, answers and devices written by someone who may be hostile (issue "Hostile sticks,
//! requests and devices"), as the station meets them. Each test failed on the code before its
//! fix.

use station_text::messages::Explain;
use station_uplink::{RemovableMedia, SyncState};

use crate::common::*;
use station_testkit::*;

/// A stick with links planted where the station writes and reads: exporting removes the link and
/// writes a new file (the station's database, which the link pointed to, is untouched), and
/// importing master data that links to /dev/zero is refused at once, in both languages, instead
/// of reading without end.
#[test]
fn a_stick_with_planted_links_never_touches_the_station() {
    let d = tempdir("hostile-stick");
    let reg = Reg::start(&d);
    let mut st = onboarded_station(&reg, &d, "ST-USB-02", "https://registry.invalid");
    enroll(&mut st, 1, 700);
    let usb = d.join("usb");
    let db = st.data.join("station.db");
    let before = std::fs::metadata(&db).unwrap().len();
    let ops = sync::media::operators_path(&usb, "ST-USB-02");
    std::fs::create_dir_all(ops.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&db, &ops).unwrap();
    st.station.export_to(&st.id, &usb).unwrap();
    assert_eq!(std::fs::metadata(&db).unwrap().len(), before, "the database is untouched");
    let m = std::fs::symlink_metadata(&ops).unwrap();
    assert!(m.file_type().is_file(), "a new regular file replaced the link");
    assert!(st.station.audit_verify().unwrap().is_ok());

    // A folder of the export linked elsewhere: nothing is written through it.
    let elsewhere = d.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let tickets = sync::media::station_dir(&usb, "ST-USB-02").join("tickets");
    std::fs::remove_dir_all(&tickets).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &tickets).unwrap();
    let e = st.station.export_to(&st.id, &usb).unwrap_err();
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none(), "nothing written through");
    let m = e.bilingual();
    assert!(m.ar.contains("وسيلة التخزين المنقولة") && m.en.contains("symbolic link"), "{m:?}");

    // Master data that links to /dev/zero: refused at once.
    let md = sync::media::master_data_path(&usb, "ST-USB-02");
    std::os::unix::fs::symlink("/dev/zero", &md).unwrap();
    let t = std::time::Instant::now();
    let e = st.station.import_receipts(&st.id, &usb, now()).unwrap_err();
    assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
    assert!(e.to_string().contains("symbolic link"), "{e}");
    // A master-data file larger than any the registry writes: refused without reading it all.
    std::fs::remove_file(&md).unwrap();
    let f = std::fs::File::create(&md).unwrap();
    f.set_len(1 << 30).unwrap();
    let e = st.station.import_receipts(&st.id, &usb, now()).unwrap_err();
    assert!(e.to_string().contains("above the"), "{e}");
    assert_eq!(st.station.waiting(&st.id, 10).unwrap().len(), 1, "nothing erased");
}

/// What a fake registry answers, by scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answers {
    /// Master data of 9 MiB with no length said.
    Endless,
    /// Master data said to be 100 MB long.
    Huge,
    /// "Send it from" an offset past the bundle's end.
    PastTheEnd,
    /// Every upload "partial", never moving.
    Stuck,
}

/// A registry that answers as `answers` says (a minimal HTTP/1.1 server, one request per
/// connection). Genuine master data is served where the scenario needs it.
fn fake_registry(
    answers: std::sync::Arc<std::sync::Mutex<Answers>>,
    master: Vec<u8>,
    bundle: (String, u64),
) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut length = 0usize;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let mode = *answers.lock().unwrap();
            let json = |status: &str, text: String| {
                format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    text.len()
                )
                .into_bytes()
            };
            let out: Vec<u8> = if line.starts_with("GET /v1/master-data") {
                match mode {
                    Answers::Endless => {
                        let _ = conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{\"signed\": \"");
                        let chunk = vec![b'A'; 64 * 1024];
                        for _ in 0..144 {
                            if conn.write_all(&chunk).is_err() {
                                break;
                            }
                        }
                        continue;
                    }
                    Answers::Huge => b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\nconnection: close\r\n\r\n{".to_vec(),
                    _ => json("200 OK", serde_json::json!({ "signed": sync::api::b64(&master) }).to_string()),
                }
            } else if line.starts_with("POST /v1/operators") {
                b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_vec()
            } else if line.starts_with("POST /v1/announce") {
                let offset = if mode == Answers::PastTheEnd { bundle.1 + 1000 } else { 0 };
                json("200 OK", serde_json::json!({ "answers": [{ "bundle_id": bundle.0, "action": "send", "offset": offset }] }).to_string())
            } else if line.starts_with("PATCH ") {
                b"HTTP/1.1 204 No Content\r\nupload-offset: 0\r\nconnection: close\r\n\r\n".to_vec()
            } else {
                json("404 Not Found", r#"{"code":"bad_request","detail":"no"}"#.into())
            };
            let _ = conn.write_all(&out);
        }
    });
    url
}

/// A registry (or whoever answers in its place) that sends endless or huge answers, asks for
/// bytes past a bundle's end, or answers every upload "partial" without moving: the station
/// ends each cycle with a clear error, in bounded time and memory, and keeps its bundle.
#[test]
fn answers_of_a_hostile_registry_are_bounded() {
    use station_uplink::{Client, SharedProgress, UplinkError};
    use std::sync::atomic::AtomicBool;
    let d = tempdir("hostile-answers");
    let reg = Reg::start(&d);
    let mut st = onboarded_station(&reg, &d, "ST-HOST-1", &reg.server.url.clone());
    let real = client(&st, &reg.server.url);
    let keys = registry::config::Config::load(&reg.config).unwrap().load_keys().unwrap();
    let master = real.master_data().unwrap().sign(&keys.root);
    enroll(&mut st, 1, 800);
    let w = st.station.waiting(&st.id, 1).unwrap().remove(0);
    let answers = std::sync::Arc::new(std::sync::Mutex::new(Answers::Endless));
    let url = fake_registry(
        answers.clone(),
        master,
        (w.ticket.bundle_id.clone(), w.ticket.ciphertext_len),
    );
    let c = Client::new(
        &url,
        st.id.clone(),
        st.station.registry_root_key().unwrap().unwrap(),
        None,
        std::sync::Arc::new(now),
    )
    .unwrap();
    for (mode, says) in [
        (Answers::Endless, "above the"),
        (Answers::Huge, "above the"),
        (Answers::PastTheEnd, "asks for bytes from"),
        (Answers::Stuck, "does not end"),
    ] {
        *answers.lock().unwrap() = mode;
        let t = std::time::Instant::now();
        let e = station_uplink::cycle(
            &mut st.station,
            &c,
            &SharedProgress::default(),
            &AtomicBool::new(false),
            &now,
        )
        .unwrap_err();
        assert!(matches!(e, UplinkError::Protocol(_)), "{e}");
        assert!(e.to_string().contains(says), "{e}");
        assert!(t.elapsed().as_secs() < 30, "{:?}", t.elapsed());
        assert_eq!(st.station.waiting(&st.id, 10).unwrap().len(), 1, "the bundle stays");
    }
}
