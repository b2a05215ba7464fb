//! The headless operations commands: set-up, operators, scripted enrollments, approval, outbox,
//! audit. Passwords come from standard input, one per line, never from arguments.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use schemas::decision::Verdict;
use station::core::{InitParams, Station};
use station::operators::{self, Role, Session};
use station::script::{self, Script};

use station::messages::{Explain, Message};

use crate::{Failure, now_ms, say};

/// Reads one password line from standard input.
fn read_password(what: &str) -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| Failure::new("cli-read-password", e))?;
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
    if station.demo {
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
    if station.demo {
        say(&Message::new("cli-demo-station").with("station", &station.station_id));
    }
}

pub fn init(data: &Path, station_id: &str, centre: &str, admin: &str, recipient: &str) -> Result<ExitCode, Failure> {
    let pw = read_password(admin)?;
    Station::init(data, &InitParams { station_id, centre, registry_recipient: recipient, admin, admin_password: &pw, demo: false }, now_ms())?;
    say(&Message::new("cli-set-up").with("station", station_id).with("path", data.display()));
    Ok(ExitCode::SUCCESS)
}

/// The demo registry's identity, kept beside a demo station's database.
pub const DEMO_REGISTRY_KEY: &str = "demo-registry.key";

pub fn demo_seed(data: &Path) -> Result<ExitCode, Failure> {
    if data.join(station::store::DB_FILE).exists() {
        return Err(Failure::new("cli-demo-seed-used", data.display()));
    }
    std::fs::create_dir_all(data).map_err(|e| Failure::new("cli-make-dir", e))?;
    let registry = schemas::keys::new_registry_identity();
    std::fs::write(data.join(DEMO_REGISTRY_KEY), schemas::keys::identity_file_text(&registry)).map_err(|e| Failure::new("cli-demo-registry-key", e))?;
    let now = now_ms();
    let station_id = "DEMO-ST-0001";
    Station::init(data, &InitParams { station_id, centre: "DEMO-CENTRE", registry_recipient: &registry.to_public().to_string(), admin: "admin1", admin_password: "demo", demo: true }, now)?;
    let mut station = Station::open(data)?;
    let admin = station.login("admin1", "demo", now)?;
    station.add_operator(&admin, "clerk1", Role::Clerk, "demo", now)?;
    station.add_operator(&admin, "super1", Role::Supervisor, "demo", now)?;
    say(&Message::new("cli-demo-seeded").with("station", station_id).with("path", data.display()).with("key", DEMO_REGISTRY_KEY));
    Ok(ExitCode::SUCCESS)
}

pub fn operator_add(data: &Path, admin: &str, username: &str, role: &str) -> Result<ExitCode, Failure> {
    let role = Role::parse(role).ok_or_else(|| Failure::new("cli-unknown-role", role))?;
    let mut station = open(data)?;
    let session = login(&mut station, admin)?;
    let pw = read_password(username)?;
    station.add_operator(&session, username, role, &pw, now_ms())?;
    say(&Message::new("cli-operator-added").with("name", username).nested("role", Message::new(format!("role-{}", role.as_str()))));
    Ok(ExitCode::SUCCESS)
}

pub fn operator_list(data: &Path) -> Result<ExitCode, Failure> {
    let station = open(data)?;
    let list = operators::list(&station.store).map_err(station::core::CoreError::from)?;
    print_json(&list);
    Ok(ExitCode::SUCCESS)
}

pub fn operator_lock(data: &Path, admin: &str, username: &str, lock: bool) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    let session = login(&mut station, admin)?;
    operators::set_locked(&mut station.store, &session, username, lock, now_ms()).map_err(station::core::CoreError::from)?;
    say(&Message::new(if lock { "cli-operator-locked" } else { "cli-operator-unlocked" }).with("name", username));
    Ok(ExitCode::SUCCESS)
}

pub fn enroll(data: &Path, script_path: &Path, operator: &str) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(script_path).map_err(|e| Failure::new("cli-read-script", format!("{}: {e}", script_path.display())))?;
    let (script, hash) = Script::parse(&text)?;
    let mut station = open(data)?;
    demo_banner(&station);
    let session = login(&mut station, operator)?;
    let outcome = script::run(&mut station, &session, &script, &hash, &now_ms)?;
    print_json(&outcome);
    Ok(ExitCode::SUCCESS)
}

pub fn approve(data: &Path, all: bool, id: Option<&str>, supervisor: &str) -> Result<ExitCode, Failure> {
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

pub fn outbox_list(data: &Path) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    print_json(&station.outbox()?);
    Ok(ExitCode::SUCCESS)
}

pub fn outbox_export(data: &Path, id: &str, out: &Path) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    let (bundle, decision) = station.outbox_bundle(id)?;
    std::fs::create_dir_all(out).map_err(|e| Failure::new("cli-make-dir", e))?;
    std::fs::write(out.join(format!("{id}.age")), bundle).map_err(|e| Failure::new("cli-write-file", e))?;
    std::fs::write(out.join(format!("{id}.decision.cose")), decision).map_err(|e| Failure::new("cli-write-file", e))?;
    Ok(ExitCode::SUCCESS)
}

pub fn audit_verify(data: &Path) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    match station.audit_verify()? {
        Ok(head) => {
            print_json(&serde_json::json!({ "ok": true, "entries": head.sequence, "head": hex::encode(head.hash) }));
            Ok(ExitCode::SUCCESS)
        }
        Err(b) => {
            print_json(&serde_json::json!({ "ok": false, "broken_at": b.sequence, "problem": b.problem, "error": Message::new("audit-broken").number("sequence", b.sequence as i64).detail(&b.problem).both() }));
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn status(data: &Path) -> Result<ExitCode, Failure> {
    let station = Station::open(data)?;
    print_json(&station.status()?);
    Ok(ExitCode::SUCCESS)
}

pub fn slip(data: &Path, id: &str, user: &str, out: Option<&Path>, print: bool) -> Result<ExitCode, Failure> {
    let mut station = open(data)?;
    let session = login(&mut station, user)?;
    let opened = station.signed_enrollment(&session, id)?;
    let tr = station::i18n::Translations::load().map_err(|e| Failure::new("cli-translations", e))?;
    let slip = station::slip::Slip::from_manifest(&opened.manifest);
    let pdf = slip.pdf(&tr)?;
    if print {
        station::slip::print(&pdf)?;
    }
    if let Some(out) = out {
        std::fs::write(out, &pdf).map_err(|e| Failure::new("cli-write-slip", format!("{}: {e}", out.display())))?;
    }
    Ok(ExitCode::SUCCESS)
}
