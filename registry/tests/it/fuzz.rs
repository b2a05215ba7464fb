//! The intake fuzzed from its OpenAPI description by schemathesis (tests/independent/
//! fuzz_registry.py), which signs station requests with its own implementation of the request
//! token: no request may get a server error or an answer the description does not allow.

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
