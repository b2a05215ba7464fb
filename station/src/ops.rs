//! The headless operations commands: set-up, operators, scripted enrollments, approval, outbox,
//! audit. Passwords come from standard input, one per line, never from arguments.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use schemas::decision::Verdict;
use station_core::operators::{self, Role, Session};
use station_core::script::{self, Script};
use station_core::station::{InitParams, Mode, Station};
use station_uplink::{self as uplink, RemovableMedia, SyncState};

use station_text::messages::{Explain, Message};

use crate::{Failure, now_ms, say};

/// Reads one password line from standard input.
fn read_password(what: &str) -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::new("cli-read-password", e))?;
    let pw = line.trim_end_matches(['\n', '\r']).to_string();
    if pw.is_empty() {
        return Err(Failure::new("cli-password-missing", what));
    }
    Ok(pw)
}

fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(v).expect("json"));
}

fn open(data: &Path) -> Result<Station, Failure> {
    let mut station = Station::open(data)?;
    if station.is_demo() {
        // The demo station's embedded registry is always reachable.
        station.registry_contact(now_ms())?;
    }
    Ok(station)
}

fn login(station: &mut Station, user: &str) -> Result<Session, Failure> {
    let pw = read_password(user)?;
    Ok(station.login(user, &pw, now_ms())?)
}

fn demo_banner(station: &Station) {
    if station.is_demo() {
        say(&Message::new("cli-demo-station").with("station", &station.station_id));
    }
}

/// What `station init` is given.
pub struct Setup<'a> {
    pub station_id: &'a str,
    pub centre: &'a str,
    pub admin: &'a str,
    pub recipient: &'a str,
    pub registry_url: Option<&'a str>,
    pub registry_key: Option<&'a str>,
    /// production, training or demo, as typed.
    pub mode: &'a str,
}

pub fn init(data: &Path, setup: &Setup<'_>) -> Result<ExitCode, Failure> {
    let Setup { station_id, centre, admin, recipient, registry_url, registry_key, mode } = *setup;
    let mode = Mode::parse(mode).ok_or_else(|| Failure::new("cli-unknown-mode", mode))?;
    let pw = read_password(admin)?;
    Station::init(
        data,
        &InitParams {
            station_id,
            centre,
            registry_recipient: recipient,
            admin,
            admin_password: &pw,
            mode,
        },
        now_ms(),
    )?;
    let mut station = Station::open(data)?;
    if let Some(key) = registry_key {
        let session = station.login(admin, &pw, now_ms())?;
        station.set_registry(&session, registry_url.unwrap_or(""), key, now_ms())?;
    }
    say(&Message::new("cli-set-up").with("station", station_id).with("path", data.display()));
    // The registry's administrators onboard the station with its public key.
    print_json(
        &serde_json::json!({ "station_id": station_id, "centre": centre, "mode": mode.as_str(), "station_key": station.station_public_key()? }),
    );
    Ok(ExitCode::SUCCESS)
}

/// `station init --onboarding FILE`: sets the station up from the registry's signed onboarding
/// file, then writes the station key file that the registry imports to finish onboarding.
pub fn init_onboarding(
    data: &Path,
    admin: &str,
    file: &Path,
    roots: &Path,
    key_out: Option<&Path>,
) -> Result<ExitCode, Failure> {
    use sync::onboarding::{Onboarding, StationKey};
    let bytes = read_small_file(file, 64 * 1024, "onboarding file")?;
    let now = now_ms();
    let o = Onboarding::open(&bytes, now)
        .map_err(|e| Failure::new("cli-onboarding-invalid", format!("{}: {e}", file.display())))?;
    let fingerprint = o.root_fingerprint();
    match std::fs::read_to_string(roots) {
        Ok(text) => {
            let pinned = text
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim().to_uppercase())
                .any(|l| l == fingerprint);
            if !pinned {
                return Err(Failure(
                    Message::new("cli-onboarding-untrusted")
                        .with("fingerprint", &fingerprint)
                        .with("roots", roots.display()),
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            say(&Message::new("cli-onboarding-first-use")
                .with("fingerprint", &fingerprint)
                .with("roots", roots.display()));
        }
        Err(e) => {
            return Err(Failure::new("cli-read-file", format!("{}: {e}", roots.display())));
        }
    }
    let mode = Mode::parse(o.mode.as_str())
        .ok_or_else(|| Failure::new("cli-unknown-mode", o.mode.as_str()))?;
    let key_out =
        key_out.map(Path::to_path_buf).unwrap_or_else(|| data.join("station-key.hukumati"));
    if key_out.exists() {
        return Err(Failure::new(
            "cli-write-file",
            format!("{} exists already", key_out.display()),
        ));
    }
    let pw = read_password(admin)?;
    Station::init(
        data,
        &InitParams {
            station_id: &o.station_id,
            centre: &o.centre,
            registry_recipient: &o.recipient,
            admin,
            admin_password: &pw,
            mode,
        },
        now,
    )?;
    let mut station = Station::open(data)?;
    let session = station.login(admin, &pw, now_ms())?;
    station.set_registry(
        &session,
        &o.registry_url,
        &hex::encode(o.root_key.as_slice()),
        now_ms(),
    )?;
    let signing = station.station_signing_key(&session)?;
    let key_file = StationKey {
        onboarding: bytes,
        station_key: schemas::manifest::Bytes32::new(signing.verifying_key().to_bytes()),
    }
    .sign(&signing);
    write_new_file(&key_out, &key_file)?;
    say(&Message::new("cli-set-up").with("station", &o.station_id).with("path", data.display()));
    say(&Message::new("cli-onboarding-key-file").with("path", key_out.display()));
    print_json(&serde_json::json!({
        "station_id": o.station_id,
        "centre": o.centre,
        "mode": o.mode.as_str(),
        "registry_url": o.registry_url,
        "root_fingerprint": fingerprint,
        "station_key": station.station_public_key()?,
        "station_key_file": key_out,
        "station_key_text": sync::onboarding::station_key_text(&key_file),
    }));
    Ok(ExitCode::SUCCESS)
}

/// Reads a small file named on the command line (it may sit on a stick someone else prepared):
/// as removable media are read, never through a link, only a regular file, at most `max` bytes.
fn read_small_file(path: &Path, max: u64, what: &'static str) -> Result<Vec<u8>, Failure> {
    let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let folder = path.parent().unwrap_or(Path::new("/"));
    sync::media::read(folder, path, max, what)
        .map_err(|e| Failure::new("cli-read-file", format!("{}: {e}", path.display())))
}

/// Writes a file that must not exist yet (made and synced as files for removable media are).
fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: String| Failure::new("cli-write-file", format!("{}: {e}", path.display()));
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(fail("exists already".into()));
    }
    let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let folder = path.parent().unwrap_or(Path::new("/"));
    sync::media::write_new(folder, path, bytes).map_err(|e| fail(e.to_string()))
}

pub fn registry_set(data: &Path, admin: &str, url: &str, key: &str) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    let session = login(&mut station, admin)?;
    station.set_registry(&session, url, key, now_ms())?;
    Ok(ExitCode::SUCCESS)
}

/// Looks for devices once and prints the device list.
pub fn device_list(data: &Path) -> Result<ExitCode, Failure> {
    let station = open(data)?;
    let settings = &station.config.devices;
    let mut attached = station_core::devices::Attached::default();
    attached.apply(station_core::devices::discover(settings), settings);
    print_json(
        &serde_json::json!({ "demo": station.is_demo(), "devices": attached.inventory(station.mode.allows_simulation()), "problems": attached.problems() }),
    );
    Ok(ExitCode::SUCCESS)
}

/// Adds a device provider's CA to the SBI trust anchors, after checking it is a certificate.
pub fn device_trust(data: &Path, admin: &str, certificate: &Path) -> Result<ExitCode, Failure> {
    let pem = std::fs::read_to_string(certificate)
        .map_err(|e| Failure::new("cli-read-file", format!("{}: {e}", certificate.display())))?;
    drivers::sbi::TrustAnchors::from_bytes(pem.as_bytes()).map_err(|e| {
        Failure::new("cli-not-a-certificate", format!("{}: {e}", certificate.display()))
    })?;
    let mut station = open(data)?;
    let session = login(&mut station, admin)?;
    let mut config = station.config.clone();
    if !config.devices.sbi_trust_anchors.contains(&pem) {
        config.devices.sbi_trust_anchors.push(pem);
    }
    station.set_config(&session, config, now_ms())?;
    Ok(ExitCode::SUCCESS)
}

/// One sync cycle now, with the station's embedded registry if it is a demo station.
pub fn sync(data: &Path, user: &str) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    demo_banner(&station);
    let session = login(&mut station, user)?;
    let id = station.sync_identity(&session)?;
    let target = uplink::Target::of(&station, crate::embedded_registry().as_ref())?;
    let root = station.registry_root_key()?.ok_or(uplink::UplinkError::NotConfigured(
        "no registry root key (`station registry set`)",
    ))?;
    let client = uplink::Client::new(
        &target.url,
        id,
        root,
        station.config.sync_limit_bytes(),
        std::sync::Arc::new(now_ms),
    )?;
    let progress = uplink::SharedProgress::default();
    let report = uplink::cycle(
        &mut station,
        &client,
        &progress,
        &std::sync::atomic::AtomicBool::new(false),
        &now_ms,
    )?;
    print_json(&report);
    Ok(if report.refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

pub fn media_export(data: &Path, user: &str, out: &Path) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    let session = login(&mut station, user)?;
    let id = station.sync_identity(&session)?;
    print_json(&station.export_to(&id, out)?);
    Ok(ExitCode::SUCCESS)
}

pub fn media_import(data: &Path, user: &str, dir: &Path) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    let session = login(&mut station, user)?;
    let id = station.sync_identity(&session)?;
    let r = station.import_receipts(&id, dir, now_ms())?;
    print_json(&r);
    Ok(if r.rejected.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A demo station's embedded registry lives in this folder of its data directory; its age
/// identity (which opens the station's bundles) is `keys/registry.age` there.
#[cfg(feature = "demo-registry")]
pub const DEMO_REGISTRY: &str = "demo-registry";

pub fn demo_seed(data: &Path) -> Result<ExitCode, Failure> {
    if data.join(station_core::store::DB_FILE).exists() {
        return Err(Failure::new("cli-demo-seed-used", data.display()));
    }
    seed_with_registry(data)
}

/// Without the embedded registry there is nothing for a demo station to sync with: refused
/// before anything is written.
#[cfg(not(feature = "demo-registry"))]
fn seed_with_registry(_data: &Path) -> Result<ExitCode, Failure> {
    Err(Failure::new("cli-no-demo-registry", "demo-registry"))
}

/// The demo station and, beside it, its embedded registry, which onboards it.
#[cfg(feature = "demo-registry")]
fn seed_with_registry(data: &Path) -> Result<ExitCode, Failure> {
    std::fs::create_dir_all(data).map_err(|e| Failure::new("cli-make-dir", e))?;
    // The embedded registry: keys and a configuration on SQLite and a folder, beside the station.
    let made = registry::config::init(&data.join(DEMO_REGISTRY), "127.0.0.1:0")
        .map_err(|e| Failure::new("cli-demo-registry", e))?;
    let now = now_ms();
    let station_id = "DEMO-ST-0001";
    let centre = "DEMO-CENTRE";
    Station::init(
        data,
        &InitParams {
            station_id,
            centre,
            registry_recipient: &made.recipient,
            admin: "admin1",
            admin_password: "demo",
            mode: Mode::Demo,
        },
        now,
    )?;
    let mut station = Station::open(data)?;
    let admin = station.login("admin1", "demo", now)?;
    station.add_operator(&admin, "clerk1", Role::Clerk, "demo", now)?;
    station.add_operator(&admin, "super1", Role::Supervisor, "demo", now)?;
    station.set_registry(&admin, "", &made.root_public, now)?;
    let onboard = sync::api::NewStation {
        id: station_id.into(),
        ed25519: station.station_public_key()?,
        centre: centre.into(),
        mode: sync::master::StationMode::Demo,
    };
    registry::onboard(&made.config, onboard).map_err(|e| Failure::new("cli-demo-registry", e))?;
    say(&Message::new("cli-demo-seeded")
        .with("station", station_id)
        .with("path", data.display())
        .with("key", format!("{DEMO_REGISTRY}/keys/registry.age")));
    Ok(ExitCode::SUCCESS)
}

pub fn operator_add(
    data: &Path,
    admin: &str,
    username: &str,
    role: &str,
) -> Result<ExitCode, Failure> {
    let role = Role::parse(role).ok_or_else(|| Failure::new("cli-unknown-role", role))?;
    let mut station = open(data)?;
    let session = login(&mut station, admin)?;
    let pw = read_password(username)?;
    station.add_operator(&session, username, role, &pw, now_ms())?;
    say(&Message::new("cli-operator-added")
        .with("name", username)
        .nested("role", Message::new(format!("role-{}", role.as_str()))));
    Ok(ExitCode::SUCCESS)
}

pub fn operator_list(data: &Path) -> Result<ExitCode, Failure> {
    let station = open(data)?;
    let list = operators::list(&station.store).map_err(station_core::station::CoreError::from)?;
    print_json(&list);
    Ok(ExitCode::SUCCESS)
}

pub fn operator_lock(
    data: &Path,
    admin: &str,
    username: &str,
    lock: bool,
) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    let session = login(&mut station, admin)?;
    operators::set_locked(&mut station.store, &session, username, lock, now_ms())
        .map_err(station_core::station::CoreError::from)?;
    say(&Message::new(if lock { "cli-operator-locked" } else { "cli-operator-unlocked" })
        .with("name", username));
    Ok(ExitCode::SUCCESS)
}

/// The largest finger image file read (a 500 ppi finger is well under 1 MB even uncompressed).
const MAX_FINGER_FILE: u64 = 16 << 20;

/// A finger image named on the command line: its pixels, resolution and ISO position. A
/// finger record states its own position and resolution; a plain image is at `ppi`.
fn load_finger(path: &Path, ppi: u16) -> Result<(drivers::raster::Image, u16, u8), Failure> {
    use schemas::iso19794::Record;
    let bytes = read_small_file(path, MAX_FINGER_FILE, "finger image")?;
    let unreadable =
        |why: String| Failure::new("cli-not-an-image", format!("{}: {why}", path.display()));
    match Record::parse(&bytes) {
        Ok(Record::Finger(r)) => {
            let v = r.views.first().ok_or_else(|| unreadable("no finger in the record".into()))?;
            if v.position > 10 {
                return Err(unreadable(format!("position {} is not one finger", v.position)));
            }
            let px = v.decode_image().map_err(|e| unreadable(e.to_string()))?;
            Ok((drivers::raster::Image::from(px), v.ppi().unwrap_or(500), v.position))
        }
        Ok(_) => Err(Failure::new(
            "cli-not-a-finger",
            format!("{}: an ISO/IEC 19794 record of another modality", path.display()),
        )),
        Err(_) if !(250..=1000).contains(&ppi) => Err(Failure::new("cli-ppi", ppi)),
        Err(_) => Ok((crate::decode_image(path, &bytes)?, ppi, 0)),
    }
}

pub fn finger_add(
    data: &Path,
    admin: &str,
    username: &str,
    ppi: u16,
    paths: &[std::path::PathBuf],
) -> Result<ExitCode, Failure> {
    let loaded = paths.iter().map(|p| load_finger(p, ppi)).collect::<Result<Vec<_>, _>>()?;
    let mut station = open(data)?;
    let session = login(&mut station, admin)?;
    let images: Vec<_> = loaded
        .iter()
        .map(|(image, ppi, position)| station_core::fingers::FingerImage {
            image,
            ppi: *ppi,
            position: *position,
        })
        .collect();
    let enrolled = station.enrol_fingers(&session, username, &images, now_ms())?;
    say(&Message::new("cli-fingers-enrolled")
        .with("name", username)
        .number("count", enrolled.len() as i64)
        .number("total", station.fingers_enrolled(username)? as i64));
    print_json(&enrolled);
    Ok(ExitCode::SUCCESS)
}

pub fn finger_verify(
    data: &Path,
    username: &str,
    ppi: u16,
    path: &Path,
    json: bool,
) -> Result<ExitCode, Failure> {
    let (image, ppi, position) = load_finger(path, ppi)?;
    let station = open(data)?;
    let check = station.check_finger(
        username,
        &station_core::fingers::FingerImage { image: &image, ppi, position },
    )?;
    if json {
        print_json(&check);
    } else {
        say(&Message::new(if check.comparison.matched {
            "cli-finger-match"
        } else {
            "cli-finger-no-match"
        })
        .with("name", username)
        .number("score", i64::from(check.comparison.score))
        .number("threshold", i64::from(check.comparison.threshold)));
    }
    Ok(if check.comparison.matched { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub fn enroll(data: &Path, script_path: &Path, operator: &str) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(script_path)
        .map_err(|e| Failure::new("cli-read-script", format!("{}: {e}", script_path.display())))?;
    let (script, hash) = Script::parse(&text)?;
    let mut station = open(data)?;
    demo_banner(&station);
    let session = login(&mut station, operator)?;
    let outcome = script::run(&mut station, &session, &script, &hash, &now_ms)?;
    print_json(&outcome);
    Ok(ExitCode::SUCCESS)
}

pub fn approve(
    data: &Path,
    all: bool,
    id: Option<&str>,
    supervisor: &str,
) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    demo_banner(&station);
    let session = login(&mut station, supervisor)?;
    let ids: Vec<String> = match (all, id) {
        (true, _) => station.pending(&session)?.into_iter().map(|p| p.id).collect(),
        (false, Some(id)) => vec![id.to_string()],
        (false, None) => return Err(Failure::new("cli-id-or-all", "approve")),
    };
    let mut sealed = Vec::new();
    let mut refused = Vec::new();
    for id in ids {
        match station.decide(&session, &id, Verdict::Approve, None, now_ms()) {
            Ok(entry) => sealed.push(entry),
            Err(e) => refused.push(serde_json::json!({ "id": id, "error": e.bilingual() })),
        }
    }
    print_json(&serde_json::json!({ "sealed": sealed, "refused": refused }));
    Ok(if refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

pub fn reject(data: &Path, id: &str, reason: &str, supervisor: &str) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    demo_banner(&station);
    let session = login(&mut station, supervisor)?;
    let entry = station.decide(&session, id, Verdict::Reject, Some(reason), now_ms())?;
    print_json(&entry);
    Ok(ExitCode::SUCCESS)
}

/// The outbox: with `json`, every entry as JSON (for scripts); without, one line per bundle for
/// the person at the terminal, in Arabic and then English, after a count of what waits.
pub fn outbox_list(data: &Path, json: bool) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    let entries = station.outbox()?;
    if json {
        print_json(&entries);
        return Ok(ExitCode::SUCCESS);
    }
    let waiting =
        entries.iter().filter(|e| e.synced_at.is_none() && e.set_aside_at.is_none()).count();
    let mut lines = vec![
        Message::new("cli-outbox-count")
            .number("count", entries.len() as i64)
            .number("waiting", waiting as i64),
    ];
    lines.extend(entries.iter().map(outbox_line));
    for m in &lines {
        let b = m.both();
        println!("{}\n{}", b.ar, plain(&b.en));
    }
    Ok(ExitCode::SUCCESS)
}

/// One outbox entry as a person reads it.
fn outbox_line(e: &station_core::station::OutboxEntry) -> Message {
    let verdict = if e.verdict == "approve" { "stage-approved" } else { "stage-rejected" };
    let state = match (e.synced_at, e.set_aside_at, &e.refusal) {
        (Some(at), ..) => Message::new("cli-outbox-synced").with("time", utc_minute(at)),
        (None, Some(at), Some((code, detail))) => Message::new("cli-outbox-set-aside")
            .with("time", utc_minute(at))
            .nested("reason", Message::new(format!("code-{code}")))
            .with("detail", detail),
        (None, None, Some((code, who))) if code == "operator_not_approved" => {
            Message::new("cli-outbox-held").with("name", who)
        }
        // The bundle's bytes are erased once the registry receipted it: its size is told while it waits.
        _ => {
            Message::new("cli-outbox-waiting").with("size", format!("{:.1}", e.bytes as f64 / 1e6))
        }
    };
    Message::new("cli-outbox-entry")
        .number("sequence", e.sequence as i64)
        .with("id", &e.bundle_id)
        .nested("verdict", Message::new(verdict))
        .with("sealed", utc_minute(e.sealed_at))
        .nested("state", state)
}

/// A station-clock time (ms) as `YYYY-MM-DD HH:MM` in UTC, or the raw number if it is out of range.
fn utc_minute(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]")).ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

/// A line for a terminal without bidirectional support: the English text without the invisible
/// isolation marks around values.
pub(crate) fn plain(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '\u{2066}'..='\u{2069}')).collect()
}

pub fn outbox_export(data: &Path, id: &str, out: &Path) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    let (bundle, decision) = station.outbox_bundle(id)?;
    std::fs::create_dir_all(out).map_err(|e| Failure::new("cli-make-dir", e))?;
    std::fs::write(out.join(format!("{id}.age")), bundle)
        .map_err(|e| Failure::new("cli-write-file", e))?;
    std::fs::write(out.join(format!("{id}.decision.cose")), decision)
        .map_err(|e| Failure::new("cli-write-file", e))?;
    Ok(ExitCode::SUCCESS)
}

pub fn audit_verify(data: &Path) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    match station.audit_verify()? {
        Ok(head) => {
            print_json(
                &serde_json::json!({ "ok": true, "entries": head.sequence, "head": hex::encode(head.hash) }),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(b) => {
            print_json(
                &serde_json::json!({ "ok": false, "broken_at": b.sequence, "problem": b.problem, "error": Message::new("audit-broken").number("sequence", b.sequence as i64).detail(&b.problem).both() }),
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn status(data: &Path) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    print_json(&station.status()?);
    Ok(ExitCode::SUCCESS)
}

pub fn slip(
    data: &Path,
    id: &str,
    user: &str,
    out: Option<&Path>,
    print: bool,
) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    let session = login(&mut station, user)?;
    let opened = station.signed_enrollment(&session, id)?;
    let tr = station_text::i18n::Translations::load()
        .map_err(|e| Failure::new("cli-translations", e))?;
    let slip = station_kiosk::slip::Slip::from_manifest(&opened.manifest);
    let pdf = slip.pdf(&tr)?;
    if print {
        station_kiosk::slip::print(&pdf)?;
    }
    if let Some(out) = out {
        std::fs::write(out, &pdf)
            .map_err(|e| Failure::new("cli-write-slip", format!("{}: {e}", out.display())))?;
    }
    Ok(ExitCode::SUCCESS)
}
