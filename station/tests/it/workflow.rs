//! The station core through its library API and its commands: the workflow's rules, operators,
//! limits, resumption, and what lands on disk.

use std::collections::HashMap;

use schemas::bundle::Trust;
use schemas::decision::Verdict;
use station_core::operators::{OperatorError, Role, Session};
use station_core::script::{self, RunError, Script};
use station_core::station::{CoreError, InitParams, Mode, Station};
use station_core::workflow::Stage;
use station_text::messages::Explain;

use crate::common::*;

const T0: i64 = 1_795_000_000_000; // 2026-11-18

struct Fixture {
    _dir: TempDir,
    data: std::path::PathBuf,
    station: Station,
    registry: age::x25519::Identity,
}

fn fixture(name: &str) -> Fixture {
    let dir = tempdir(name);
    let data = dir.join("data");
    let registry = schemas::keys::new_registry_identity();
    let recipient = registry.to_public().to_string();
    Station::init(
        &data,
        &InitParams {
            station_id: "ST-TEST-01",
            centre: "RAM-PO-01",
            registry_recipient: &recipient,
            admin: "admin1",
            admin_password: "correct horse",
            mode: Mode::Training,
        },
        T0,
    )
    .unwrap();
    let mut station = Station::open(&data).unwrap();
    let admin = station.login("admin1", "correct horse", T0).unwrap();
    station.add_operator(&admin, "clerk1", Role::Clerk, "clerk password", T0).unwrap();
    station.add_operator(&admin, "clerk2", Role::Clerk, "clerk2 password", T0).unwrap();
    station.add_operator(&admin, "super1", Role::Supervisor, "super password", T0).unwrap();
    Fixture { _dir: dir, data, station, registry }
}

fn clerk(f: &mut Fixture) -> Session {
    f.station.login("clerk1", "clerk password", T0).unwrap()
}

fn supervisor(f: &mut Fixture) -> Session {
    f.station.login("super1", "super password", T0).unwrap()
}

fn load(name: &str) -> (Script, String) {
    Script::parse(&std::fs::read_to_string(script(name)).unwrap()).unwrap()
}

fn run(f: &mut Fixture, s: &Session, name: &str) -> Result<script::Outcome, RunError> {
    let (sc, hash) = load(name);
    script::run(&mut f.station, s, &sc, &hash, &|| T0 + 60_000)
}

#[test]
fn adult_enrollment_runs_to_a_sealed_verifiable_bundle() {
    let mut f = fixture("core-adult");
    let c = clerk(&mut f);
    let out = run(&mut f, &c, "adult").unwrap();
    assert_eq!(out.stage, Stage::AwaitingApproval);
    assert_eq!(out.sequence, Some(1));
    assert_eq!(out.steps_done.len(), 10);

    let s = supervisor(&mut f);
    let pending = f.station.pending(&s).unwrap();
    assert_eq!(pending.len(), 1);
    let entry =
        f.station.decide(&s, &out.enrollment, Verdict::Approve, None, T0 + 120_000).unwrap();
    assert_eq!(entry.sequence, 1);

    // The registry opens it: station and operator keys are the ones the station holds.
    let (bundle, decision) = f.station.outbox_bundle(&out.enrollment).unwrap();
    let trust = Trust {
        station: Some(
            schemas::keys::parse_public_key(&f.station.station_public_key().unwrap()).unwrap(),
        ),
        operator: Some(station_core::operators::public_key(&f.station.store, "clerk1").unwrap()),
    };
    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(f.registry.clone())];
    let opened = schemas::bundle::open(&bundle[..], &ids, &trust).unwrap();
    opened.check_records(true).unwrap();
    let m = &opened.manifest;
    assert_eq!(m.bundle_id, out.enrollment);
    assert_eq!(m.station.id, "ST-TEST-01");
    assert_eq!(
        m.applicant.national_id.as_deref(),
        Some("401234562"),
        "Eastern Arabic digits normalised"
    );
    assert_eq!(m.applicant.date_of_birth, "1990-05-12");
    assert_eq!(m.samples.len(), 13, "face, ten fingers, two irises");
    assert_eq!(m.documents[0].images.len(), 2);
    // The card's machine-readable zone was read from its photograph, every check digit holding,
    // and agrees with what was typed.
    let mrz = m.documents[0].mrz.as_ref().expect("the ID card's zone is read");
    let p = schemas::mrz::parse(&mrz.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    assert!(p.all_ok(), "{mrz:?}");
    assert_eq!(p.data.document_number, m.documents[0].number);
    // The right index was poor once and recaptured; the left iris twice.
    let by: HashMap<_, _> = m.samples.iter().map(|s| (s.position, s)).collect();
    assert_eq!(by[&schemas::manifest::Position::RightIndex].retries, 1);
    assert_eq!(by[&schemas::manifest::Position::LeftIris].retries, 2);
    assert!(m.samples.iter().all(|s| !s.forced && s.exception.is_none()));
    // The simulated scanner and iris camera score their captures; the station's own score of
    // each finger and iris is kept beside the device's, and decided nothing.
    for s in m.samples.iter().filter(|s| {
        matches!(
            s.modality,
            schemas::manifest::Modality::Finger | schemas::manifest::Modality::Iris
        )
    }) {
        let ours = s
            .station_quality
            .as_ref()
            .unwrap_or_else(|| panic!("{:?} has no second opinion", s.position));
        let want = if s.modality == schemas::manifest::Modality::Finger {
            ("hukumati-finger/2", 0x13)
        } else {
            ("hukumati-iris/1", 0x12)
        };
        assert_eq!(
            (ours.algorithm.as_str(), ours.algorithm_id, ours.vendor_id),
            (want.0, want.1, 0xffff)
        );
        assert_ne!(
            s.quality.as_ref().unwrap().algorithm,
            ours.algorithm,
            "{:?}: the device's score decides",
            s.position
        );
    }
    assert!(by[&schemas::manifest::Position::Face].station_quality.is_none());
    let d = schemas::decision::verify(
        &decision,
        m,
        &opened.manifest_sha256,
        Some(&station_core::operators::public_key(&f.station.store, "super1").unwrap()),
    )
    .unwrap();
    assert_eq!(d.verdict, Verdict::Approve);
    // The manifest carries the audit head as it was when the operator signed.
    let head: Vec<u8> = f
        .station
        .store
        .conn
        .query_row("SELECT hash FROM audit WHERE seq = ?1", [m.audit.sequence as i64], |r| r.get(0))
        .unwrap();
    assert_eq!(head, m.audit.head.to_vec());
    assert!(f.station.audit_verify().unwrap().is_ok());
    // Drafts are erased once sealed.
    let drafts: i64 =
        f.station.store.conn.query_row("SELECT count(*) FROM drafts", [], |r| r.get(0)).unwrap();
    assert_eq!(drafts, 0);
}

#[test]
fn exceptions_forced_captures_and_children() {
    let mut f = fixture("core-exceptions");
    let c = clerk(&mut f);
    let out = run(&mut f, &c, "adult-missing-finger").unwrap();
    assert_eq!(out.device_events.len(), 1, "the face camera was unplugged once");
    let child = run(&mut f, &c, "child-under-5").unwrap();
    assert_eq!(
        child.steps_done,
        [
            Stage::Consent,
            Stage::Demographics,
            Stage::Documents,
            Stage::Face,
            Stage::Review,
            Stage::Sign
        ]
    );
    let s = supervisor(&mut f);
    // Riskiest first: the one with an exception and a forced capture.
    let pending = f.station.pending(&s).unwrap();
    assert_eq!(pending[0].id, out.enrollment);
    assert_eq!((pending[0].exceptions, pending[0].forced), (1, 1));

    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(f.registry.clone())];
    f.station.decide(&s, &out.enrollment, Verdict::Approve, None, T0).unwrap();
    let (bundle, _) = f.station.outbox_bundle(&out.enrollment).unwrap();
    let m = schemas::bundle::open(&bundle[..], &ids, &Trust::default()).unwrap().manifest;
    let by: HashMap<_, _> = m.samples.iter().map(|s| (s.position, s)).collect();
    use schemas::manifest::{ExceptionKind, Position};
    let ring = by[&Position::LeftRing];
    assert_eq!(ring.exception.as_ref().unwrap().kind, ExceptionKind::Amputated);
    assert!(ring.payload.is_none());
    let thumb = by[&Position::RightThumb];
    assert!(thumb.forced && thumb.retries == 3 && thumb.quality.as_ref().unwrap().score < 40);
    assert!(by.contains_key(&Position::ExceptionPhoto), "an exception needs an exception photo");

    f.station.decide(&s, &child.enrollment, Verdict::Approve, None, T0).unwrap();
    let (bundle, _) = f.station.outbox_bundle(&child.enrollment).unwrap();
    let m = schemas::bundle::open(&bundle[..], &ids, &Trust::default()).unwrap().manifest;
    assert_eq!(m.samples.len(), 1, "a child under 5 is enrolled face only");
    assert_eq!(m.applicant.guardian.as_ref().unwrap().national_id.as_deref(), Some("852314475"));
}

#[test]
fn invalid_demographics_are_refused_field_by_field_and_resume_after_correction() {
    let mut f = fixture("core-invalid");
    let c = clerk(&mut f);
    let err = run(&mut f, &c, "invalid-demographics").unwrap_err();
    let RunError::Demographics(errors) = &err else { panic!("{err}") };
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "name_ar.first",
            "name_ar.father",
            "name_latin.family",
            "national_id",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "address.governorate",
            "address.locality"
        ]
    );
    for e in errors {
        assert!(!e.ar.is_empty() && !e.en.is_empty());
        assert!(e.ar.chars().any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch)), "{}", e.ar);
    }
    assert!(err.bilingual().ar.starts_with("رُفضت البيانات الشخصية"));
    // The consent step is kept; the same script, corrected, resumes at demographics.
    let (mut sc, hash) = load("invalid-demographics");
    let (good, _) = load("adult");
    sc.applicant = good.applicant;
    sc.documents = good.documents;
    // (The clock was set back meanwhile: the record still signs, its times kept in order.)
    let out = script::run(&mut f.station, &c, &sc, &hash, &|| T0).unwrap();
    assert_eq!(out.resumed_from, Some(Stage::Demographics));
    assert_eq!(out.steps_done[0], Stage::Demographics);
    assert_eq!(out.stage, Stage::AwaitingApproval);
}

#[test]
fn stages_run_in_order_and_only_for_their_operator() {
    let mut f = fixture("core-order");
    let c = clerk(&mut f);
    let id = f.station.start(&c, None, T0).unwrap();
    let consent = station_core::workflow::ConsentData {
        notice_version: "2026.1".into(),
        language: "ar".into(),
        accepted: true,
        at: T0,
    };
    // Skipping ahead is refused, naming both stages.
    let e = f.station.save_step(&c, &id, Stage::Face, &consent, false, T0).unwrap_err();
    assert!(
        matches!(e, CoreError::WrongStage { expected: Stage::Face, found: Stage::Consent, .. }),
        "{e}"
    );
    assert!(e.bilingual().ar.contains("الموافقة"));
    // Another clerk cannot continue it.
    let c2 = f.station.login("clerk2", "clerk2 password", T0).unwrap();
    assert!(matches!(
        f.station.save_step(&c2, &id, Stage::Consent, &consent, false, T0),
        Err(CoreError::Operator(OperatorError::NotAllowed(_)))
    ));
    assert_eq!(
        f.station.save_step(&c, &id, Stage::Consent, &consent, false, T0).unwrap(),
        Stage::Demographics
    );
    // Signing before review is refused.
    assert!(matches!(
        f.station.sign(&c, &id, T0),
        Err(CoreError::WrongStage { expected: Stage::Sign, .. })
    ));
    // Supervisors and administrators do not enroll; clerks do not approve.
    let s = supervisor(&mut f);
    assert!(matches!(
        f.station.start(&s, None, T0),
        Err(CoreError::Operator(OperatorError::NotAllowed("clerk")))
    ));
    assert!(matches!(
        f.station.pending(&c),
        Err(CoreError::Operator(OperatorError::NotAllowed("supervisor")))
    ));
    assert!(matches!(
        f.station.decide(&s, &id, Verdict::Approve, None, T0),
        Err(CoreError::WrongStage { .. })
    ));
}

#[test]
fn rejection_needs_a_reason_and_is_sealed_with_it() {
    let mut f = fixture("core-reject");
    let c = clerk(&mut f);
    let out = run(&mut f, &c, "adult").unwrap();
    let s = supervisor(&mut f);
    let e = f.station.decide(&s, &out.enrollment, Verdict::Reject, Some("   "), T0).unwrap_err();
    assert!(matches!(e, CoreError::ReasonMissing));
    assert_eq!(e.bilingual().ar, "الرفض يتطلب ذكر السبب");
    let entry = f
        .station
        .decide(&s, &out.enrollment, Verdict::Reject, Some("photo does not match the ID card"), T0)
        .unwrap();
    assert_eq!(entry.verdict, "reject");
    let (bundle, decision) = f.station.outbox_bundle(&out.enrollment).unwrap();
    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(f.registry.clone())];
    let o = schemas::bundle::open(&bundle[..], &ids, &Trust::default()).unwrap();
    let d = schemas::decision::verify(&decision, &o.manifest, &o.manifest_sha256, None).unwrap();
    assert_eq!(d.reason.as_deref(), Some("photo does not match the ID card"));
    // Decided once only.
    assert!(matches!(
        f.station.decide(&s, &out.enrollment, Verdict::Approve, None, T0),
        Err(CoreError::WrongStage { found: Stage::Rejected, .. })
    ));
}

#[test]
fn limits_stop_new_enrollments() {
    let mut f = fixture("core-limits");
    let admin = f.station.login("admin1", "correct horse", T0).unwrap();
    let mut config = f.station.config.clone();
    config.max_awaiting_approval = 1;
    f.station.set_config(&admin, config, T0).unwrap();
    let c = clerk(&mut f);
    run(&mut f, &c, "child-under-5").unwrap();
    let e = f.station.start(&c, None, T0).unwrap_err();
    assert!(matches!(e, CoreError::TooManyAwaitingApproval { count: 1, limit: 1 }), "{e}");
    assert!(e.bilingual().ar.contains("بانتظار المشرف"));

    let mut f = fixture("core-limits-registry");
    let c = clerk(&mut f);
    let six_days = 6 * 86_400_000;
    let e = f.station.start(&c, None, T0 + six_days).unwrap_err();
    assert!(matches!(e, CoreError::RegistryTooLongAgo { days: 6, limit: 5 }), "{e}");
    f.station.registry_contact(T0 + six_days).unwrap();
    f.station.start(&c, None, T0 + six_days).unwrap();
}

#[test]
fn lockout_admin_lock_and_idle_sessions() {
    let mut f = fixture("core-lockout");
    for _ in 0..4 {
        assert!(matches!(
            f.station.login("clerk1", "wrong", T0),
            Err(CoreError::Operator(OperatorError::BadCredentials))
        ));
    }
    // The fifth failure locks the account, even against the right password.
    assert!(f.station.login("clerk1", "wrong", T0).is_err());
    let e = f.station.login("clerk1", "clerk password", T0 + 1000).unwrap_err();
    assert!(matches!(e, CoreError::Operator(OperatorError::LockedOut { .. })), "{e}");
    assert!(e.bilingual().ar.contains("مقفل"));
    // After the lockout period it opens again.
    f.station.login("clerk1", "clerk password", T0 + 16 * 60_000).unwrap();
    // Unknown users read the same as wrong passwords.
    assert!(matches!(
        f.station.login("nobody", "x", T0),
        Err(CoreError::Operator(OperatorError::BadCredentials))
    ));

    let admin = f.station.login("admin1", "correct horse", T0).unwrap();
    station_core::operators::set_locked(&mut f.station.store, &admin, "clerk2", true, T0).unwrap();
    assert!(matches!(
        f.station.login("clerk2", "clerk2 password", T0),
        Err(CoreError::Operator(OperatorError::LockedByAdmin))
    ));
    station_core::operators::set_locked(&mut f.station.store, &admin, "clerk2", false, T0).unwrap();
    let mut s = f.station.login("clerk2", "clerk2 password", T0).unwrap();
    let policy = station_core::operators::LoginPolicy::default();
    s.touch(T0 + 60_000, &policy).unwrap();
    assert_eq!(s.touch(T0 + 60_000 + policy.idle_lock_ms + 1, &policy), Err(OperatorError::Idle));
    // Weak passwords and bad names are refused on a real (non-demo) station.
    assert!(matches!(
        f.station.add_operator(&admin, "clerk3", Role::Clerk, "short", T0),
        Err(CoreError::Operator(OperatorError::WeakPassword { min: 8 }))
    ));
    assert!(matches!(
        f.station.add_operator(&admin, "x", Role::Clerk, "long enough", T0),
        Err(CoreError::Operator(OperatorError::BadUsername))
    ));
    assert!(matches!(
        f.station.add_operator(&admin, "clerk1", Role::Clerk, "long enough", T0),
        Err(CoreError::Operator(OperatorError::Exists(_)))
    ));
    // Only administrators add operators.
    let c = clerk(&mut f);
    assert!(matches!(
        f.station.add_operator(&c, "clerk9", Role::Clerk, "long enough", T0),
        Err(CoreError::Operator(OperatorError::NotAllowed("admin")))
    ));
    let _ = f.data;
}

/// Nothing of an enrollment is on disk in the clear: no name, number, address, or image bytes.
#[test]
fn the_data_directory_holds_no_plaintext() {
    let mut f = fixture("core-plaintext");
    let c = clerk(&mut f);
    let a = run(&mut f, &c, "adult").unwrap();
    run(&mut f, &c, "adult-missing-finger").unwrap();
    let s = supervisor(&mut f);
    f.station.decide(&s, &a.enrollment, Verdict::Approve, None, T0).unwrap();
    // The one left awaiting approval is kept as a signed draft; the other is sealed.
    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(f.registry.clone())];
    let (bundle, _) = f.station.outbox_bundle(&a.enrollment).unwrap();
    let opened = schemas::bundle::open(&bundle[..], &ids, &Trust::default()).unwrap();
    let mut needles: Vec<Vec<u8>> = [
        "سلمى",
        "الخطيب",
        "Salma",
        "Al-Khatib",
        "401234562",
        "599123456",
        "salma.khatib",
        "البيرة",
        "خالد",
        "Al-Najjar",
        "852314475",
        "Amman",
        "amputated in 2003",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    // 48-byte windows from inside every record and document image.
    for p in &opened.payloads {
        needles.push(p[p.len() / 2..p.len() / 2 + 48].to_vec());
    }
    // And raw pixels as the camera gave them.
    let face = drivers::sim::face(101);
    needles.push(face.data[face.data.len() / 2..face.data.len() / 2 + 48].to_vec());
    let scan = |what: &str| {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&f.data).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            names.push(path.file_name().unwrap().to_string_lossy().to_string());
            for n in &needles {
                assert!(
                    !bytes.windows(n.len()).any(|w| w == &n[..]),
                    "{what}: {} holds {:?} in the clear",
                    path.display(),
                    String::from_utf8_lossy(n)
                );
            }
        }
        names
    };
    // While the station runs (database, write-ahead log, shared memory) and after it closed.
    let open_files = scan("open");
    assert!(open_files.iter().any(|n| n.ends_with("-wal")), "{open_files:?}");
    drop(f.station);
    scan("closed");
}

/// A folder with no station in it, opened by the window or a command, is refused in both
/// languages and left as it was: `demo-seed` then sets it up (a half-made database used to make
/// it refuse the folder as a used one).
#[test]
fn a_folder_without_a_station_is_refused_untouched_and_can_still_be_seeded() {
    let d = tempdir("core-unset");
    let data = d.join("data");
    for command in ["ui", "status"] {
        let out = crate::common::run(
            std::process::Command::new(STATION)
                .args([command, "--data", p(&data)])
                .env_remove("DISPLAY")
                .env_remove("WAYLAND_DISPLAY"),
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{command}: {err}");
        assert!(err.contains("not set up yet") && err.contains("لم تُعدّ هذه المحطة بعد"), "{err}");
        assert!(!data.join(station_core::store::DB_FILE).exists(), "{command} made a database");
    }
    let out = station(&["demo-seed", "--data", p(&data)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(Station::open(&data).is_ok());
}

#[test]
fn commands_demo_seed_operators_approve_reject_outbox_audit() {
    let d = demo_station("core-cli");
    let data = d.join("data");
    let data = p(&data);
    // demo-seed refuses an existing station.
    assert_eq!(station(&["demo-seed", "--data", data]).status.code(), Some(2));
    let list = json(&station(&["operator", "list", "--data", data]));
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["username"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["admin1", "clerk1", "super1"]);

    let out = station_in(
        &[
            "operator",
            "add",
            "--data",
            data,
            "--operator",
            "admin1",
            "--username",
            "clerk2",
            "--role",
            "clerk",
        ],
        "demo\nsecret2\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = station_in(
        &["enroll", "--data", data, "--script", p(&script("adult")), "--operator", "clerk1"],
        "demo\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DEMO"));
    let first = json(&out)["enrollment"].as_str().unwrap().to_string();
    let out = station_in(
        &[
            "enroll",
            "--data",
            data,
            "--script",
            p(&script("child-under-5")),
            "--operator",
            "clerk2",
        ],
        "secret2\n",
    );
    let second = json(&out)["enrollment"].as_str().unwrap().to_string();
    // A wrong password: refused, in both languages.
    let out = station_in(&["approve", "--all", "--data", data, "--operator", "super1"], "nope\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("كلمة المرور غير صحيحة"));
    let out = station_in(
        &[
            "reject",
            &second,
            "--reason",
            "guardian not present",
            "--data",
            data,
            "--operator",
            "super1",
        ],
        "demo\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = station_in(&["approve", "--all", "--data", data, "--operator", "super1"], "demo\n");
    assert!(out.status.success());
    assert_eq!(json(&out)["sealed"][0]["bundle_id"], first.as_str());
    let outbox = json(&station(&["outbox", "list", "--json", "--data", data]));
    let verdicts: Vec<_> = outbox
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["sequence"].as_u64().unwrap(), e["verdict"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(verdicts, [(1, "approve".to_string()), (2, "reject".to_string())]);
    // Without --json, the same outbox for a person: a count, then each bundle, in Arabic and English.
    let plain = station(&["outbox", "list", "--data", data]);
    assert!(plain.status.success());
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "the plain list is not JSON: {text}"
    );
    assert!(
        text.contains("2 sealed bundles in the outbox, 2 waiting to be sent")
            && text.contains("حزمتان مختومتان"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("No. 1:"))
        .unwrap_or_else(|| panic!("no English line for bundle 1: {text}"));
    assert!(
        line.contains(&first)
            && line.contains("Approved and sealed")
            && line.contains("waiting to be sent ("),
        "{line}"
    );
    assert!(text.lines().any(|l| l.contains(&second) && l.contains("مرفوض")), "{text}");
    // The sealed bundle opens with the demo registry key and verifies.
    let out_dir = d.join("export");
    assert!(
        station(&["outbox", "export", "--data", data, &first, "--out", p(&out_dir)])
            .status
            .success()
    );
    let v = station(&[
        "bundle",
        "verify",
        p(&out_dir.join(format!("{first}.age"))),
        "--identity",
        p(&d.join("data/demo-registry/keys/registry.age")),
        "--decision",
        p(&out_dir.join(format!("{first}.decision.cose"))),
    ]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    assert_eq!(json(&v)["station"]["id"], "DEMO-ST-0001");

    let audit = json(&station(&["audit", "verify", "--data", data]));
    assert_eq!(audit["ok"], true);
    // Lock clerk1: enrolling is refused.
    assert!(
        station_in(
            &["operator", "lock", "--data", data, "--operator", "admin1", "--username", "clerk1"],
            "demo\n"
        )
        .status
        .success()
    );
    let out = station_in(
        &["enroll", "--data", data, "--script", p(&script("adult")), "--operator", "clerk1"],
        "demo\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("locked by the centre's administrator")
            && err.contains("مقفل من قبل مدير المركز"),
        "{err}"
    );
    // Edit one audit entry behind the station's back: detected.
    {
        let conn =
            rusqlite::Connection::open(std::path::Path::new(data).join("station.db")).unwrap();
        conn.execute("UPDATE audit SET actor = 'someone-else' WHERE seq = 5", []).unwrap();
    }
    let out = station(&["audit", "verify", "--data", data]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["broken_at"], 5);
}
