//! The registry as the operations team runs it: the configuration the package ships, keys made
//! by `registry keys`, health and Prometheus metrics on their own address, log lines with
//! structured fields (and none of an applicant's data), a clean stop on SIGTERM, and stations
//! onboarded from a signed onboarding file.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::world::*;

const REGISTRY: &str = env!("CARGO_BIN_EXE_registry");

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn free_addr() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    format!("127.0.0.1:{port}")
}

/// The configuration the package installs (registry/packaging/registry.toml), with its state
/// folder moved to `state` and its addresses to free ports.
fn packaged_config(state: &Path, listen: &str, monitoring: &str) -> PathBuf {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/registry.toml");
    let text = std::fs::read_to_string(shipped).unwrap();
    assert!(text.contains("/var/lib/hukumati/registry") && text.contains("127.0.0.1:8443"));
    let text = text
        .replace("/var/lib/hukumati/registry", state.to_str().unwrap())
        .replace("127.0.0.1:8443", listen)
        .replace("127.0.0.1:9464", monitoring);
    let path = state.join("registry.toml");
    std::fs::create_dir_all(state).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn registry(args: &[&str]) -> std::process::Output {
    Command::new(REGISTRY).args(args).output().unwrap()
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `registry keys` makes exactly the key files the configuration names that are missing,
/// readable by their owner only, and never replaces one.
#[test]
fn registry_keys_makes_the_missing_keys_and_keeps_the_others() {
    let dir = fixtures::tempdir("registry-keys");
    let config = packaged_config(&dir.join("state"), "127.0.0.1:1", "127.0.0.1:2");
    let first = json_of(&registry(&["keys", "--config", config.to_str().unwrap()]));
    assert_eq!(first["written"].as_array().unwrap().len(), 4, "{first}");
    for f in ["registry.age", "root.key", "receipt-1.key", "admin.token"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("state/keys").join(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    let root = std::fs::read(dir.join("state/keys/root.key")).unwrap();
    std::fs::remove_file(dir.join("state/keys/receipt-1.key")).unwrap();
    let second = json_of(&registry(&["keys", "--config", config.to_str().unwrap()]));
    assert_eq!(second["written"].as_array().unwrap().len(), 1, "{second}");
    assert_eq!(second["root_key"], first["root_key"]);
    assert_eq!(second["root_fingerprint"], first["root_fingerprint"]);
    assert_eq!(std::fs::read(dir.join("state/keys/root.key")).unwrap(), root);
    // A damaged key is named, not replaced.
    std::fs::write(dir.join("state/keys/root.key"), "# damaged\n").unwrap();
    let out = registry(&["keys", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("root.key"));
    assert_eq!(std::fs::read(dir.join("state/keys/root.key")).unwrap(), b"# damaged\n");
}

struct Serving {
    child: std::process::Child,
    log: PathBuf,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_for(url: &str) {
    let started = Instant::now();
    while reqwest::get(url).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "{url} did not answer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value of one sample line of the metrics text (`name{labels} value`).
fn sample(metrics: &str, line_start: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(line_start)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {line_start} in\n{metrics}"))
        .trim()
        .parse()
        .unwrap()
}

/// A registry served from the packaged configuration: health and metrics answer on the
/// monitoring address only, and count what happened; its log lines carry the station and
/// bundle ids but nothing of the applicant; SIGTERM stops it cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_and_logs_tell_operations_what_happened_and_sigterm_stops_it() {
    registry::install_tls_provider();
    let dir = fixtures::tempdir("registry-ops");
    let (listen, monitoring) = (free_addr(), free_addr());
    let config = packaged_config(&dir.join("state"), &listen, &monitoring);
    let keys = json_of(&registry(&["keys", "--config", config.to_str().unwrap()]));
    let admin_token =
        std::fs::read_to_string(dir.join("state/keys/admin.token")).unwrap().trim().to_string();
    let log = dir.join("serve.log");
    let child = Command::new(REGISTRY)
        .args(["serve", "--config", config.to_str().unwrap()])
        .env_remove("JOURNAL_STREAM")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut serving = Serving { child, log };
    let (api_url, mon_url) = (format!("http://{listen}"), format!("http://{monitoring}"));
    wait_for(&format!("{mon_url}/health")).await;
    wait_for(&format!("{api_url}{}", sync::api::HEALTH)).await;

    let health = reqwest::get(format!("{mon_url}/health")).await.unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health, serde_json::json!({ "ok": true, "database": "ok" }));
    let before = reqwest::get(format!("{mon_url}/metrics")).await.unwrap();
    assert!(
        before.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let before = before.text().await.unwrap();
    assert_eq!(sample(&before, "hukumati_registry_bundles_received_total"), 0.0);
    assert!(before.trim_end().ends_with("# EOF"), "{before}");
    // Each address serves its own: no metrics beside the stations' API, no API on monitoring.
    let r = reqwest::get(format!("{api_url}/metrics")).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = reqwest::get(format!("{mon_url}{}", sync::api::MASTER_DATA)).await.unwrap();
    assert_eq!(r.status(), 404);

    // A training station onboarded, its operators registered, one bundle delivered.
    let mut st = Station::at("ST-OPS", &api_url, keys["recipient"].as_str().unwrap());
    let r = reqwest::Client::new()
        .post(format!("{api_url}/v1/admin/stations"))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({ "id": "ST-OPS", "ed25519": hex::encode(st.key.verifying_key().to_bytes()), "centre": "RAM-PO-01", "mode": "training" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    st.register_operators(now_ms()).await;
    let s = st.seal(64);
    let (status, answer) = st.announce(&[&s], now_ms()).await;
    assert_eq!(status, 200, "{answer}");
    let r = st.patch(&s, 0, s.bundle.clone(), now_ms()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // A request with a token made by a key nobody onboarded, and one replayed.
    let stranger = Station::at("ST-OPS", &api_url, keys["recipient"].as_str().unwrap());
    let r = stranger.send(reqwest::Method::GET, sync::api::MASTER_DATA, None, now_ms()).await;
    assert_eq!(r.status(), 401);

    let after = reqwest::get(format!("{mon_url}/metrics")).await.unwrap().text().await.unwrap();
    assert_eq!(sample(&after, "hukumati_registry_bundles_received_total"), 1.0, "{after}");
    assert_eq!(sample(&after, "hukumati_registry_upload_bytes_total"), s.bundle.len() as f64);
    assert_eq!(sample(&after, "hukumati_registry_upload_duration_seconds_count"), 1.0);
    assert_eq!(sample(&after, "hukumati_registry_refusals_total{code=\"bad_token\"}"), 1.0);
    let contact =
        sample(&after, "hukumati_registry_station_last_contact_seconds{station=\"ST-OPS\"}");
    assert!((contact - now_ms() as f64 / 1000.0).abs() < 60.0, "{contact}");

    // SIGTERM: requests under way finish, the process ends with success.
    let pid = serving.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = serving.child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut text = String::new();
    std::fs::File::open(&serving.log).unwrap().read_to_string(&mut text).unwrap();
    let received =
        text.lines().find(|l| l.contains("bundle received")).unwrap_or_else(|| panic!("{text}"));
    assert!(
        received.contains("station=\"ST-OPS\"") || received.contains("station=ST-OPS"),
        "{received}"
    );
    assert!(received.contains(&s.ticket.bundle_id), "{received}");
    assert!(text.contains("registry serving") && text.contains("registry stopped"), "{text}");
    for personal in ["Salma", "سلمى", "Haddad", "الخطيب", "401234567", "2023-05-12"] {
        assert!(!text.contains(personal), "the log holds {personal}:\n{text}");
    }
}

/// Under systemd the log lines go to the journal as fields. The journal's socket is played by a
/// receiver in a private mount namespace (unprivileged: a user namespace), and an onboarding
/// file issued there must arrive with STATION, MESSAGE, PRIORITY and the service's identifier.
#[test]
fn under_systemd_the_log_lines_reach_the_journal_with_their_fields() {
    let dir = fixtures::tempdir("registry-journal");
    let config = packaged_config(&dir.join("state"), "127.0.0.1:1", "127.0.0.1:2");
    json_of(&registry(&["keys", "--config", config.to_str().unwrap()]));
    let got = dir.join("journal.bin");
    let script = format!(
        r#"set -e
mount -t tmpfs journal /run
mkdir -p /run/systemd/journal
python3 - "$GOT" >/dev/null 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/run/systemd/journal/socket")
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1], "wb") as out:
    while True:
        d = s.recv(65536)
        out.write(len(d).to_bytes(4, "little") + d)
        out.flush()
PY
receiver=$!
while [ ! -e "$GOT.ready" ]; do sleep 0.05; done
JOURNAL_STREAM=8:12345 "{REGISTRY}" station invite --config "$CONFIG" --id ST-JOURNAL --centre RAM-PO-01 --mode training --url https://registry.example --out "$OUT"
sleep 0.3
kill $receiver
"#
    );
    let out = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .env("GOT", &got)
        .env("CONFIG", &config)
        .env("OUT", dir.join("ST-JOURNAL.onboarding"))
        .output()
        .expect("unshare (util-linux)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&got).unwrap();
    let mut entries = Vec::new();
    let mut rest = bytes.as_slice();
    while rest.len() >= 4 {
        let n = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
        entries.push(journal_fields(&rest[4..4 + n]));
        rest = &rest[4 + n..];
    }
    let entry = entries
        .iter()
        .find(|e| e.iter().any(|(k, v)| k == "MESSAGE" && v == "onboarding file issued"))
        .unwrap_or_else(|| panic!("no entry: {entries:?}"));
    for (name, value) in
        [("STATION", "ST-JOURNAL"), ("PRIORITY", "5"), ("SYSLOG_IDENTIFIER", "hukumati-registry")]
    {
        assert!(
            entry.iter().any(|(k, v)| k == name && v == value),
            "{name}={value} missing from {entry:?}"
        );
    }
}

/// The fields of one datagram of the journal's native protocol: `NAME=value\n`, or `NAME\n`,
/// a 64-bit little-endian length, the value and `\n`.
fn journal_fields(mut d: &[u8]) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    while !d.is_empty() {
        let end = d.iter().position(|&b| b == b'\n' || b == b'=').expect("a field name");
        let name = String::from_utf8_lossy(&d[..end]).to_string();
        let value;
        if d[end] == b'=' {
            let stop = end + 1 + d[end + 1..].iter().position(|&b| b == b'\n').expect("a line");
            value = d[end + 1..stop].to_vec();
            d = &d[stop + 1..];
        } else {
            let n = u64::from_le_bytes(d[end + 1..end + 9].try_into().unwrap()) as usize;
            value = d[end + 9..end + 9 + n].to_vec();
            d = &d[end + 9 + n + 1..];
        }
        fields.push((name, String::from_utf8_lossy(&value).to_string()));
    }
    fields
}
