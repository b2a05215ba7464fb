//! The intake fuzzed from its OpenAPI description by schemathesis (tests/independent/
//! fuzz_registry.py), which signs station requests with its own implementation of the request
//! token: no request may get a server error or an answer the description does not allow. Then
//! proptest on what schemathesis cannot shape: damaged tickets, request bodies that are
//! correctly signed but malformed, and damaged files on removable media. Each run's case count is
//! printed (the closing notes quote it).

use std::cell::{Cell, RefCell};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use registry::meta::Meta;
use reqwest::Method;
use sync::api::b64;

use crate::world::*;

fn fuzz(storage: Storage) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (reg, st) = rt.block_on(async {
        registry::install_tls_provider();
        let reg = Registry::start(&format!("fuzz-{storage:?}"), storage).await;
        let mut st = Station::new("ST-FUZZ", &reg);
        st.join(&reg).await;
        // A real bundle announced and received, so that the feeds and the log have something.
        let s = st.seal(64);
        st.announce(&[&s], reg.now()).await;
        assert_eq!(st.patch(&s, 0, s.bundle.clone(), reg.now()).await.status(), 200);
        (reg, st)
    });
    let key = reg.dir.join("station.key");
    std::fs::write(&key, schemas::keys::signing_key_file_text(&st.key, "fuzzing station")).unwrap();
    let token = reg.dir.join("admin.token");
    std::fs::write(&token, &reg.admin_token).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/independent/fuzz_registry.py");
    let out = std::process::Command::new(venv_bin("python"))
        .arg(&script)
        .args([
            "--base",
            &reg.url,
            "--station",
            &st.id,
            "--key",
            key.to_str().unwrap(),
            "--admin-token",
            token.to_str().unwrap(),
            "--examples",
            "40",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(out.status.success(), "{report:#}");
    assert_eq!(report["operations"], 13, "{report:#}");
    assert!(report["requests"].as_u64().unwrap() > 1000, "{report:#}");
    // Signed requests got through: the token made in Python verifies in Rust.
    assert!(report["statuses"]["200"].as_u64().unwrap_or(0) > 50, "{report:#}");
    assert!(
        report["statuses"].as_object().unwrap().keys().all(|s| !s.starts_with('5')),
        "{report:#}"
    );
    drop(rt);
}

#[test]
fn no_request_gets_a_server_error_on_the_embedded_storage() {
    fuzz(Storage::Embedded);
}

#[test]
fn no_request_gets_a_server_error_on_postgres_and_s3() {
    fuzz(Storage::PostgresS3);
}

/// `base` damaged: one byte changed, cut short, bytes inserted, or other bytes altogether.
fn damaged(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let (b1, b2, b3) = (base.clone(), base.clone(), base);
    prop_oneof![
        (any::<Index>(), 1u8..=255).prop_map(move |(i, x)| {
            let mut v = b1.clone();
            let k = i.index(v.len());
            v[k] ^= x;
            v
        }),
        any::<Index>().prop_map(move |i| b2[..i.index(b2.len())].to_vec()),
        (any::<Index>(), proptest::collection::vec(any::<u8>(), 1..32)).prop_map(move |(i, x)| {
            let mut v = b3.clone();
            let k = i.index(v.len());
            v.splice(k..k, x);
            v
        }),
        proptest::collection::vec(any::<u8>(), 0..400),
    ]
}

/// A JSON scalar: any, or one the API takes somewhere.
fn leaf_value() -> impl Strategy<Value = serde_json::Value> + Clone {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,40}".prop_map(serde_json::Value::from),
        "[0-9a-f]{64}".prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "clerk",
            "supervisor",
            "admin",
            "production",
            "training",
            "accepted",
            "ST-FUZZ",
            "RAM-PO-01"
        ])
        .prop_map(serde_json::Value::from),
    ]
}

/// The fields each operation reads, in order of the paths fuzzed: bodies with the right names
/// and any values get past parsing to the checks behind it.
const SHAPES: [&[&str]; 5] = [
    &["tickets"],
    &["username", "role", "ed25519"],
    &["id", "ed25519", "centre", "mode"],
    &["station", "username", "ed25519"],
    &["status", "reason"],
];

fn shaped(which: usize) -> impl Strategy<Value = serde_json::Value> {
    let fields = SHAPES[which];
    let value = prop_oneof![
        3 => leaf_value(),
        1 => proptest::collection::vec(".{0,200}".prop_map(serde_json::Value::from), 0..4)
            .prop_map(serde_json::Value::from),
    ];
    proptest::collection::vec(value, fields.len()).prop_map(move |vs| {
        serde_json::Value::Object(
            fields.iter().zip(vs).map(|(k, v)| ((*k).to_string(), v)).collect(),
        )
    })
}

/// A JSON value shaped like the API's bodies, with any content: the names the API uses, and
/// values of every kind.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let names = prop::sample::select(vec![
        "tickets", "username", "role", "ed25519", "id", "centre", "mode", "station", "status",
        "reason", "key", "x",
    ]);
    let leaf = leaf_value();
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(names.clone(), inner, 0..6).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

const CASES: u32 = 400;

/// A registry on the embedded storage, a station that joined it, and one enrollment it sealed.
fn joined(rt: &tokio::runtime::Runtime, name: &str) -> (Registry, Station, Sealed) {
    rt.block_on(async {
        registry::install_tls_provider();
        let reg = Registry::start(name, Storage::Embedded).await;
        let mut st = Station::new("ST-FUZZ", &reg);
        st.join(&reg).await;
        let s = st.seal(32);
        (reg, st, s)
    })
}

/// Damaged tickets announced by an authenticated station are all refused, none with a server
/// error, none crashing the intake.
#[test]
fn damaged_tickets_are_refused_without_a_server_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (reg, st, sealed) = joined(&rt, "fuzz-tickets");
    let row = rt.block_on(async {
        registry::with_intake!(&reg.intake, |i| i.meta.station(&st.id).await).unwrap().unwrap()
    });
    let mut runner =
        TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    let refused = Cell::new(0u32);
    runner
        .run(&damaged(sealed.signed_ticket.clone()), |bytes| {
            let answer = rt.block_on(async {
                registry::with_intake!(&reg.intake, |i| {
                    i.announce(&row, sync::api::AnnounceRequest { tickets: vec![b64(&bytes)] })
                        .await
                })
            });
            match answer {
                Ok(r) => prop_assert_eq!(r.answers[0].action, sync::api::Action::Refused),
                Err(e) => prop_assert_ne!(e.code, sync::Code::Unavailable, "{}", e),
            }
            refused.set(refused.get() + 1);
            Ok(())
        })
        .unwrap();
    eprintln!("fuzz: {} damaged tickets, all refused, no server error", refused.get());
    assert!(refused.get() >= CASES);
}

/// Bodies of any JSON shape, correctly signed by a station or sent with the administrator's
/// token, to every operation that reads a body: answered with a 4xx refusal or a success, never
/// a server error.
#[test]
fn malformed_bodies_get_no_server_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (reg, st) = rt.block_on(async {
        registry::install_tls_provider();
        let reg = Registry::start("fuzz-bodies", Storage::Embedded).await;
        let st = Station::new("ST-FUZZ", &reg);
        st.join(&reg).await;
        (reg, st)
    });
    let station_paths = [sync::api::ANNOUNCE, sync::api::OPERATORS];
    let admin_paths = [
        "/v1/admin/stations",
        "/v1/admin/operators/approve",
        "/v1/admin/bundles/0190a0a0-0000-7000-8000-000000000000/status",
    ];
    let mut runner =
        TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    let statuses = RefCell::new(std::collections::BTreeMap::<u16, u32>::new());
    let strategy = (0..station_paths.len() + admin_paths.len()).prop_flat_map(|which| {
        (prop_oneof![json_value(), shaped(which)], Just(which), any::<bool>())
    });
    runner
        .run(&strategy, |(value, which, raw)| {
            // Some cases: the JSON text with a byte cut off its end (not JSON any more).
            let mut body = serde_json::to_vec(&value).unwrap();
            if raw && body.len() % 4 == 0 {
                body.pop();
            }
            let status = rt.block_on(async {
                let r = if which < station_paths.len() {
                    st.send(Method::POST, station_paths[which], Some(body), reg.now()).await
                } else {
                    reqwest::Client::new()
                        .post(format!("{}{}", reg.url, admin_paths[which - station_paths.len()]))
                        .bearer_auth(&reg.admin_token)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .unwrap()
                };
                r.status().as_u16()
            });
            *statuses.borrow_mut().entry(status).or_default() += 1;
            prop_assert!(status < 500, "status {}", status);
            Ok(())
        })
        .unwrap();
    let statuses = statuses.into_inner();
    eprintln!("fuzz: {CASES} signed malformed bodies, statuses {statuses:?}");
    assert_eq!(statuses.values().sum::<u32>(), CASES);
}

/// Sticks whose ticket, bundle and operator list are damaged: the import reports them refused,
/// receives nothing, and neither crashes nor fails as a whole.
#[test]
fn damaged_media_files_are_refused_without_a_crash() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (reg, st, sealed) = joined(&rt, "fuzz-media");
    let operators = sync::media::OperatorList {
        station_id: st.id.clone(),
        operators: vec![sync::api::OperatorRegistration {
            username: "clerk2".into(),
            role: "clerk".into(),
            ed25519: hex::encode(st.clerk.verifying_key().to_bytes()),
        }],
    }
    .sign(&st.key);
    let strategy = (
        damaged(sealed.signed_ticket.clone()),
        damaged(sealed.bundle.clone()),
        damaged(operators),
        0..3usize,
    );
    let mut runner = TestRunner::new(Config {
        cases: CASES / 2,
        failure_persistence: None,
        ..Config::default()
    });
    let n = Cell::new(0u32);
    runner
        .run(&strategy, |(ticket, bundle, ops, keep)| {
            n.set(n.get() + 1);
            let dir = reg.dir.join(format!("stick-{}", n.get()));
            let s = &sealed.ticket;
            let t = sync::media::ticket_path(&dir, &st.id, s.station_sequence, &s.bundle_id);
            let b = sync::media::bundle_path(&dir, &st.id, s.station_sequence, &s.bundle_id);
            for p in [&t, &b] {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            }
            // One of the three files may be the honest one; the others are damaged.
            std::fs::write(&t, if keep == 0 { &sealed.signed_ticket } else { &ticket }).unwrap();
            std::fs::write(&b, if keep == 1 { &sealed.bundle } else { &bundle }).unwrap();
            std::fs::write(sync::media::operators_path(&dir, &st.id), ops).unwrap();
            let report = rt.block_on(async {
                registry::with_intake!(&reg.intake, |i| registry::media::import(i, &dir).await)
            });
            let report = report.map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(report.received.is_empty(), "{:?}", report);
            prop_assert!(
                report.refused.iter().all(|r| r.1 != sync::Code::Unavailable),
                "{:?}",
                report
            );
            let _ = std::fs::remove_dir_all(&dir);
            Ok(())
        })
        .unwrap();
    eprintln!("fuzz: {} damaged sticks, nothing received, no crash", n.get());
}
