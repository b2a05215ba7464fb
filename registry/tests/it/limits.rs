//! What the registry holds for its callers stays bounded: connections that send their headers
//! slowly are closed, an upload is written to storage as it arrives, a station cannot keep
//! uploads open without limit, and parts nobody finishes expire. The memory figures come from a
//! registry in its own process (`registry serve`), read from /proc.

use std::time::{Duration, Instant};

use reqwest::Method;
use sync::api;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::world::*;

/// A `registry serve` process of its own, with `limits` (TOML lines) added to the
/// configuration `registry init` writes; killed when dropped.
struct Process {
    child: std::process::Child,
    url: String,
    addr: String,
    admin_token: String,
    recipient: String,
    _dir: fixtures::TempDir,
}

impl Process {
    async fn start(name: &str, limits: &str) -> Process {
        registry::install_tls_provider();
        let dir = fixtures::tempdir(&format!("registry-process-{name}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = format!("127.0.0.1:{port}");
        let made = registry::config::init(&dir.join("registry"), &addr).unwrap();
        let mut text = std::fs::read_to_string(&made.config).unwrap();
        text.push_str(&format!("\n[limits]\n{limits}\n"));
        std::fs::write(&made.config, text).unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_registry"))
            .arg("serve")
            .arg("--config")
            .arg(&made.config)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://{addr}");
        let p = Process {
            child,
            url,
            addr,
            admin_token: made.admin_token,
            recipient: made.recipient,
            _dir: dir,
        };
        let started = Instant::now();
        while reqwest::get(format!("{}{}", p.url, api::HEALTH)).await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the registry did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        p
    }

    /// A figure of /proc/PID/status, in KiB (VmRSS: resident now; VmHWM: the most ever).
    fn kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    /// Onboards a training station and registers its operators (who need no approval there).
    async fn station(&self, id: &str) -> Station {
        let st = Station::at(id, &self.url, &self.recipient);
        let r = reqwest::Client::new()
            .post(format!("{}/v1/admin/stations", self.url))
            .bearer_auth(&self.admin_token)
            .json(&serde_json::json!({ "id": id, "ed25519": hex::encode(st.key.verifying_key().to_bytes()), "centre": "RAM-PO-01", "mode": "training" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        st.register_operators(now_ms()).await;
        st
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Whether the peer closed `conn` within `within` (end of stream, a reset, or an answer
/// followed by the end).
async fn closed(conn: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, conn.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// A thousand clients that send their request headers a byte at a time (slowloris) are closed
/// once the header timeout passes; meanwhile the registry answers others at once, and its memory
/// grows by less than 64 MiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_slow_connections_leave_the_registry_s_memory_bounded() {
    let p = Process::start("slow", "header_timeout_s = 3").await;
    let before = p.kib("VmRSS");
    let opened = Instant::now();
    let mut conns = Vec::new();
    for _ in 0..1000 {
        let mut c = TcpStream::connect(&p.addr).await.unwrap();
        c.write_all(b"POST /v1/announce HTTP/1.1\r\nhost: registry\r\nx-slow: ").await.unwrap();
        conns.push(c);
    }
    for _ in 0..3 {
        for c in &mut conns {
            // A connection the registry closed already refuses the byte: that is the point.
            let _ = c.write_all(b"a").await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let asked = Instant::now();
    let health = reqwest::get(format!("{}{}", p.url, api::HEALTH)).await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(asked.elapsed() < Duration::from_secs(2), "health took {:?}", asked.elapsed());
    let during = p.kib("VmRSS");
    let mut open = 0;
    for c in &mut conns {
        let left = (opened + Duration::from_secs(8)).saturating_duration_since(Instant::now());
        if !closed(c, left.max(Duration::from_millis(10))).await {
            open += 1;
        }
    }
    assert_eq!(open, 0, "connections still open 8 s after they started sending headers");
    let peak = p.kib("VmHWM");
    eprintln!(
        "1,000 slow connections: VmRSS {before} KiB before, {during} KiB with them open, VmHWM {peak} KiB"
    );
    assert!(peak < before + 64 * 1024, "VmHWM {peak} KiB from {before} KiB");
}

/// An upload of 40 MiB is written to storage as it arrives: the registry's memory grows by far
/// less than the upload (before, the whole body was held in memory until it ended), and when the
/// client stops sending, what arrived is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_streamed_to_storage_in_bounded_memory() {
    let p = Process::start("stream", "body_timeout_s = 2").await;
    let mut st = p.station("ST-STREAM").await;
    let s = st.seal_with_document(48 << 20);
    let (status, answer) = st.announce(&[&s], now_ms()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["answers"][0]["action"], "send", "{answer}");
    let before = p.kib("VmRSS");
    let path = api::upload_path(&s.ticket.ciphertext_sha256);
    let auth = st.token(&Method::PATCH, &path, None, now_ms());
    let mut c = TcpStream::connect(&p.addr).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nhost: registry\r\nauthorization: {auth}\r\ncontent-type: {}\r\n{}: 0\r\n{}: {}\r\ncontent-length: {}\r\n\r\n",
        api::OFFSET_OCTET_STREAM,
        api::UPLOAD_OFFSET,
        api::TUS_RESUMABLE,
        api::TUS_VERSION,
        s.bundle.len()
    );
    c.write_all(head.as_bytes()).await.unwrap();
    let sent = 40 << 20;
    c.write_all(&s.bundle[..sent]).await.unwrap();
    // Then nothing: after the body timeout the registry keeps what came and answers.
    let mut answer = vec![0u8; 12];
    tokio::time::timeout(Duration::from_secs(20), c.read_exact(&mut answer))
        .await
        .expect("an answer after the body timeout")
        .unwrap();
    assert_eq!(&answer, b"HTTP/1.1 204", "{}", String::from_utf8_lossy(&answer));
    let peak = p.kib("VmHWM");
    eprintln!("a 40 MiB upload: VmRSS {before} KiB before, VmHWM {peak} KiB");
    assert!(peak < before + 16 * 1024, "VmHWM {peak} KiB from {before} KiB");
    let r = st.send(Method::HEAD, &path, None, now_ms()).await;
    let offset: u64 = r.headers()[api::UPLOAD_OFFSET].to_str().unwrap().parse().expect("an offset");
    assert_eq!(offset, sent as u64, "the whole blocks that arrived are kept");
    // The rest completes it.
    let r = st.patch(&s, offset, s.bundle[sent..].to_vec(), now_ms()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// A station with as many tickets announced and undelivered as the registry allows is told
/// `busy` for the next (its number stays free), and a second upload at the same time is told
/// `busy` too; once the first is delivered both go through.
async fn a_station_cannot_keep_uploads_open_without_limit(storage: Storage) {
    let reg = Registry::start_with(&format!("open-{storage:?}"), storage, |c| {
        c.limits.max_open_tickets = 2;
        c.limits.uploads_per_station = 1;
    })
    .await;
    let mut st = Station::new("ST-OPEN", &reg);
    st.join(&reg).await;
    let (a, b, c) = (st.seal_with_document(300_000), st.seal(64), st.seal(64));
    let (status, answer) = st.announce(&[&a, &b, &c], reg.now()).await;
    assert_eq!(status, 200, "{answer}");
    let actions: Vec<&str> =
        (0..3).map(|i| answer["answers"][i]["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["send", "send", "refused"], "{answer}");
    assert_eq!(answer["answers"][2]["refusal"]["code"], "busy", "{answer}");

    // The first upload, under way: half of it sent, the rest held back.
    let path = api::upload_path(&a.ticket.ciphertext_sha256);
    let auth = st.token(&Method::PATCH, &path, None, reg.now());
    let addr = reg.url.trim_start_matches("http://").to_string();
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nhost: registry\r\nauthorization: {auth}\r\ncontent-type: {}\r\n{}: 0\r\ncontent-length: {}\r\n\r\n",
        api::OFFSET_OCTET_STREAM,
        api::UPLOAD_OFFSET,
        a.bundle.len()
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(&a.bundle[..150_000]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = st.patch(&b, 0, b.bundle.clone(), reg.now()).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "busy");

    slow.write_all(&a.bundle[150_000..]).await.unwrap();
    let mut answer = vec![0u8; 12];
    slow.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200", "{}", String::from_utf8_lossy(&answer));
    let r = st.patch(&b, 0, b.bundle.clone(), reg.now()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (_, answer) = st.announce(&[&c], reg.now()).await;
    assert_eq!(answer["answers"][0]["action"], "send", "{answer}");
}

/// Parts of an upload nobody adds to for a week are deleted and the offset goes back to 0; the
/// station can still send the bundle from the start. Fresh parts stay.
async fn abandoned_upload_parts_expire(storage: Storage) {
    let reg = Registry::start(&format!("expire-{storage:?}"), storage).await;
    // The object store dates parts by the real clock.
    reg.clock.store(now_ms(), std::sync::atomic::Ordering::SeqCst);
    let mut st = Station::new("ST-EXPIRE", &reg);
    st.join(&reg).await;
    let s = st.seal_with_document(300_000);
    st.announce(&[&s], reg.now()).await;
    let r = st.patch(&s, 0, s.bundle[..100_000].to_vec(), reg.now()).await;
    assert_eq!(r.status(), 204);
    let path = api::upload_path(&s.ticket.ciphertext_sha256);
    let offset = |r: reqwest::Response| -> u64 {
        r.headers()[api::UPLOAD_OFFSET].to_str().unwrap().parse().unwrap()
    };
    let expire = || async { registry::with_intake!(&reg.intake, |i| i.expire_parts().await) };
    assert_eq!(expire().await.unwrap(), 0, "fresh parts stay");
    assert_eq!(offset(st.send(Method::HEAD, &path, None, reg.now()).await), 100_000);

    reg.clock.fetch_add(8 * 24 * 3600 * 1000, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(expire().await.unwrap(), 1);
    assert_eq!(offset(st.send(Method::HEAD, &path, None, reg.now()).await), 0);
    let r = st.patch(&s, 0, s.bundle.clone(), reg.now()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

on_both!(a_station_cannot_keep_uploads_open_without_limit, abandoned_upload_parts_expire);
