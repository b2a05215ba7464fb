//! The intake through its HTTP API, on both storages: the same suite runs on SQLite and a local
//! folder (the embedded default) and on PostgreSQL and an S3 server (production).

use reqwest::Method;
use sync::api::{self, b64, unb64};
use sync::master::KeyInfo;
use sync::receipt::Receipt;
use sync::status::{BundleStatus, StatusPage};

use crate::world::*;

async fn receipt_keys(st: &Station, reg: &Registry) -> Vec<KeyInfo> {
    st.master_data(reg).await.receipt_keys
}

fn receipt_of(v: &serde_json::Value) -> Vec<u8> {
    unb64(v["receipt"].as_str().expect("a receipt")).unwrap()
}

async fn objects_held(reg: &Registry) -> Vec<String> {
    registry::with_intake!(&reg.intake, |i| i.objects.bundles().await.unwrap())
}

async fn ticket_state(reg: &Registry, sha: &[u8; 32]) -> Option<(String, u64)> {
    use registry::meta::Meta;
    registry::with_intake!(&reg.intake, |i| i
        .meta
        .ticket_by_hash(sha)
        .await
        .unwrap()
        .map(|t| (t.state.as_str().to_string(), t.offset)))
}

/// Announce, upload, receipt, again (the same receipt), status feed, master data, the log.
async fn a_bundle_travels_and_is_receipted_once(storage: Storage) {
    let reg = Registry::start(&format!("happy-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0001", &reg);
    st.join(&reg).await;
    let keys = receipt_keys(&st, &reg).await;
    let sealed: Vec<Sealed> = (0..3).map(|_| st.seal(96)).collect();
    let (code, v) = st.announce(&sealed.iter().collect::<Vec<_>>(), reg.now()).await;
    assert_eq!(code, 200, "{v}");
    for a in v["answers"].as_array().unwrap() {
        assert_eq!((a["action"].as_str(), a["offset"].as_u64()), (Some("send"), Some(0)), "{a}");
    }
    let mut receipts = Vec::new();
    for s in &sealed {
        let r = st.patch(s, 0, s.bundle.clone(), reg.now()).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[api::UPLOAD_OFFSET].to_str().unwrap(), s.bundle.len().to_string());
        let receipt = receipt_of(&r.json().await.unwrap());
        let opened = Receipt::open(&receipt, &keys).unwrap();
        opened.check_for(&s.ticket).unwrap();
        receipts.push(receipt);
    }
    // Uploading again, or announcing again, is harmless and gives the same receipt.
    let r = st.patch(&sealed[1], 0, sealed[1].bundle.clone(), reg.now()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(receipt_of(&r.json().await.unwrap()), receipts[1]);
    let (_, v) = st.announce(&[&sealed[0]], reg.now()).await;
    assert_eq!(v["answers"][0]["action"], "have");
    assert_eq!(receipt_of(&v["answers"][0]), receipts[0]);
    assert_eq!(objects_held(&reg).await.len(), 3);

    // The receipts form one chain.
    let chain: Vec<&[u8]> = receipts.iter().map(std::vec::Vec::as_slice).collect();
    let (n, _) = sync::receipt::verify_log(chain, &keys).unwrap();
    assert_eq!(n, 3);
    let log: Vec<api::LogEntry> = reqwest::Client::new()
        .get(format!("{}/v1/admin/log", reg.url))
        .bearer_auth(&reg.admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.iter().map(|e| unb64(&e.receipt).unwrap()).collect::<Vec<_>>(), receipts);

    // The status feed: three receptions, then the registry's decision on one.
    let r = reg.admin(&format!("/v1/admin/bundles/{}/status", sealed[2].ticket.bundle_id), serde_json::json!({ "status": "duplicate_identity", "reason": "enrolled at RAM-PO-02" })).await;
    assert_eq!(r.status(), 200);
    let r = st.send(Method::GET, "/v1/status?after=0", None, reg.now()).await;
    let v: serde_json::Value = r.json().await.unwrap();
    let page =
        StatusPage::open(&unb64(v["signed"].as_str().unwrap()).unwrap(), &keys, "ST-0001", 0)
            .unwrap();
    let statuses: Vec<BundleStatus> = page.events.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            BundleStatus::Received,
            BundleStatus::Received,
            BundleStatus::Received,
            BundleStatus::DuplicateIdentity
        ]
    );
    let last = page.events[2].cursor;
    let r = st.send(Method::GET, &format!("/v1/status?after={last}"), None, reg.now()).await;
    let v: serde_json::Value = r.json().await.unwrap();
    let page =
        StatusPage::open(&unb64(v["signed"].as_str().unwrap()).unwrap(), &keys, "ST-0001", last)
            .unwrap();
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].reason.as_deref(), Some("enrolled at RAM-PO-02"));

    // Master data: the operators, the recipient, a revocation.
    let m = st.master_data(&reg).await;
    assert_eq!(
        m.operators.iter().map(|o| (o.username.as_str(), o.revoked)).collect::<Vec<_>>(),
        [("clerk1", false), ("super1", false)]
    );
    assert_eq!(m.recipient_at(reg.now()), Some(reg.recipient.as_str()));
    let r = reqwest::Client::new()
        .post(format!("{}/v1/admin/stations/ST-0001/operators/clerk1/revoke", reg.url))
        .bearer_auth(&reg.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let m2 = st.master_data(&reg).await;
    assert!(m2.version > m.version && m2.operators[0].revoked);
}

/// A cut-off upload keeps its whole 64 KiB blocks; the station resumes from there.
async fn an_upload_cut_off_resumes_and_wrong_offsets_are_told_where_to_go(storage: Storage) {
    let reg = Registry::start(&format!("resume-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0002", &reg);
    st.join(&reg).await;
    // A bundle with a photographed document: 350 kB that do not compress.
    let s = st.seal_with_document(350_000);
    assert!(s.bundle.len() > 300_000, "{}", s.bundle.len());
    st.announce(&[&s], reg.now()).await;
    // The link drops after 150,000 bytes of the body: the registry keeps 2 blocks (131,072 bytes).
    let path = api::upload_path(&s.ticket.ciphertext_sha256);
    let auth = st.token(&Method::PATCH, &path, None, reg.now());
    {
        use tokio::io::AsyncWriteExt;
        let mut tcp =
            tokio::net::TcpStream::connect(reg.url.trim_start_matches("http://")).await.unwrap();
        let head = format!(
            "PATCH {path} HTTP/1.1\r\nhost: registry\r\nauthorization: {auth}\r\ncontent-type: {}\r\nupload-offset: 0\r\ncontent-length: {}\r\n\r\n",
            api::OFFSET_OCTET_STREAM,
            s.bundle.len()
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&s.bundle[..150_000]).await.unwrap();
        tcp.flush().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        drop(tcp);
    }
    let mut offset = 0;
    for _ in 0..50 {
        offset = ticket_state(&reg, &s.ticket.ciphertext_sha256).await.unwrap().1;
        if offset > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(offset, 131_072);
    let r = st.send(Method::HEAD, &path, None, reg.now()).await;
    assert_eq!(r.headers()[api::UPLOAD_OFFSET].to_str().unwrap(), "131072");
    assert_eq!(r.headers()[api::UPLOAD_LENGTH].to_str().unwrap(), s.bundle.len().to_string());
    // From the wrong offset: refused, and told where the registry is.
    let r = st.patch(&s, 0, s.bundle.clone(), reg.now()).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.headers()[api::UPLOAD_OFFSET].to_str().unwrap(), "131072");
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "offset_mismatch");
    // A part that stops short is kept whole; the rest completes.
    let r = st.patch(&s, 131_072, s.bundle[131_072..200_000].to_vec(), reg.now()).await;
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()[api::UPLOAD_OFFSET].to_str().unwrap(), "200000");
    let r = st.patch(&s, 200_000, s.bundle[200_000..].to_vec(), reg.now()).await;
    assert_eq!(r.status(), 200);
    let keys = receipt_keys(&st, &reg).await;
    Receipt::open(&receipt_of(&r.json().await.unwrap()), &keys)
        .unwrap()
        .check_for(&s.ticket)
        .unwrap();
}

/// Tampering of every kind is refused with its reason, and nothing of it is stored.
async fn tampering_is_refused_with_its_reason_and_nothing_is_stored(storage: Storage) {
    let reg = Registry::start(&format!("tamper-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0003", &reg);
    st.join(&reg).await;

    // A bundle with one byte changed: the content is not the announced one.
    let s = st.seal(96);
    st.announce(&[&s], reg.now()).await;
    let mut damaged = s.bundle.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x01;
    let r = st.patch(&s, 0, damaged, reg.now()).await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "hash_mismatch");
    assert_eq!(objects_held(&reg).await.len(), 0);
    assert_eq!(
        ticket_state(&reg, &s.ticket.ciphertext_sha256).await,
        Some(("announced".into(), 0))
    );
    // The genuine bytes then go through.
    assert_eq!(st.patch(&s, 0, s.bundle.clone(), reg.now()).await.status(), 200);

    // A reused sequence number, and one that skips: refused, no ticket kept.
    let reused = st.seal_as(1, 96, &st.clerk.clone(), "clerk1", &st.supervisor.clone(), "super1");
    let (_, v) = st.announce(&[&reused], reg.now()).await;
    assert_eq!(v["answers"][0]["refusal"]["code"], "sequence_reused", "{v}");
    let skipping = st.seal_as(5, 96, &st.clerk.clone(), "clerk1", &st.supervisor.clone(), "super1");
    let (_, v) = st.announce(&[&skipping], reg.now()).await;
    assert_eq!(v["answers"][0]["refusal"]["code"], "sequence_gap");
    for x in [&reused, &skipping] {
        assert_eq!(ticket_state(&reg, &x.ticket.ciphertext_sha256).await, None);
    }

    // A replayed request: the same token twice.
    let next = st.seal(96);
    let body =
        serde_json::to_vec(&serde_json::json!({ "tickets": [b64(&next.signed_ticket)] })).unwrap();
    let auth = st.token(&Method::POST, api::ANNOUNCE, Some(&body), reg.now());
    let send = |auth: String, body: Vec<u8>| {
        let url = format!("{}{}", reg.url, api::ANNOUNCE);
        async move {
            reqwest::Client::new()
                .post(url)
                .header("authorization", auth)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(send(auth.clone(), body.clone()).await.status(), 200);
    let r = send(auth, body.clone()).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "replayed_request");
    // A token from 10 minutes ago, and one for another body.
    let old = st.token(&Method::POST, api::ANNOUNCE, Some(&body), reg.now() - 600_000);
    assert_eq!(
        send(old, body.clone()).await.json::<serde_json::Value>().await.unwrap()["code"],
        "stale_token"
    );
    let other = st.token(&Method::POST, api::ANNOUNCE, Some(b"{}"), reg.now());
    assert_eq!(
        send(other, body.clone()).await.json::<serde_json::Value>().await.unwrap()["code"],
        "bad_token"
    );

    // A ticket from an unknown station, and a ticket of this station signed by another key.
    let stranger = Station::new("ST-9999", &reg);
    let (code, v) = stranger.announce(&[&next], reg.now()).await;
    assert_eq!((code, v["code"].as_str()), (401, Some("bad_token")));
    let mut forged = next.clone();
    forged.signed_ticket = next.ticket.sign(&stranger.key);
    let (_, v) = st.announce(&[&forged], reg.now()).await;
    assert_eq!(v["answers"][0]["refusal"]["code"], "bad_ticket");

    // A bundle signed by an operator the registry does not know yet: not taken, and not refused
    // for good either (the station registers its operators before it sends their bundles).
    let unknown_clerk = schemas::keys::new_signing_key().unwrap();
    let s3 = st.seal_as(3, 96, &unknown_clerk, "clerk9", &st.supervisor.clone(), "super1");
    st.next = 4;
    let (_, v) = st.announce(&[&s3], reg.now()).await;
    assert_eq!(v["answers"][0]["action"], "send", "{v}");
    let r = st.patch(&s3, 0, s3.bundle.clone(), reg.now()).await;
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "unknown_operator");
    assert_eq!(
        ticket_state(&reg, &s3.ticket.ciphertext_sha256).await,
        Some(("announced".into(), 0))
    );
    // The clerk approving their own work (the decision signed by the clerk as supervisor).
    let s4 = st.seal_as(4, 96, &st.clerk.clone(), "clerk1", &st.clerk.clone(), "clerk1");
    st.next = 5;
    st.announce(&[&s4], reg.now()).await;
    let r = st.patch(&s4, 0, s4.bundle.clone(), reg.now()).await;
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "bad_decision");
    assert_eq!(objects_held(&reg).await.len(), 1, "only the genuine bundle is kept");

    // A revoked station is refused everything.
    let r = reqwest::Client::new()
        .post(format!("{}/v1/admin/stations/ST-0003/revoke", reg.url))
        .bearer_auth(&reg.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let later = st.seal(96);
    let (code, v) = st.announce(&[&later], reg.now()).await;
    assert_eq!((code, v["code"].as_str()), (403, Some("revoked_station")));
}

/// Requests that are not of the API's form get a 4xx with a JSON reason, never a 5xx.
async fn bad_requests_get_a_reason_not_a_crash(storage: Storage) {
    let reg = Registry::start(&format!("bad-{storage:?}"), storage).await;
    let st = Station::new("ST-0004", &reg);
    st.join(&reg).await;
    let c = reqwest::Client::new();
    let check = |r: reqwest::Response, status: u16, code: &'static str| async move {
        assert_eq!(r.status().as_u16(), status);
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], code);
    };
    check(
        c.post(format!("{}/v1/announce", reg.url)).body("{}").send().await.unwrap(),
        401,
        "bad_token",
    )
    .await;
    check(
        st.send(Method::POST, api::ANNOUNCE, Some(b"not json".to_vec()), reg.now()).await,
        400,
        "bad_request",
    )
    .await;
    check(
        st.send(Method::POST, api::ANNOUNCE, Some(br#"{"tickets":[]}"#.to_vec()), reg.now()).await,
        400,
        "bad_request",
    )
    .await;
    check(c.get(format!("{}/v1/nothing-here", reg.url)).send().await.unwrap(), 400, "bad_request")
        .await;
    check(c.delete(format!("{}/v1/announce", reg.url)).send().await.unwrap(), 400, "bad_request")
        .await;
    check(
        st.send(Method::GET, "/v1/status?after=minus-one", None, reg.now()).await,
        400,
        "bad_request",
    )
    .await;
    assert_eq!(st.send(Method::HEAD, "/v1/uploads/zz", None, reg.now()).await.status(), 400);
    let unknown = format!("/v1/uploads/{}", "ab".repeat(32));
    let r = st.send(Method::HEAD, &unknown, None, reg.now()).await;
    assert_eq!(r.status(), 404);
    check(
        c.post(format!("{}/v1/admin/stations", reg.url))
            .bearer_auth("wrong")
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap(),
        401,
        "not_admin",
    )
    .await;
    check(
        reg.admin(
            "/v1/admin/stations",
            serde_json::json!({ "id": "x y", "ed25519": "00", "centre": "" }),
        )
        .await,
        400,
        "bad_request",
    )
    .await;
    // Text PostgreSQL cannot hold (a NUL byte), found by the fuzzer: a refusal, not a 503.
    let r = c
        .post(format!("{}/v1/admin/stations/ST%00X/revoke", reg.url))
        .bearer_auth(&reg.admin_token)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = reg.admin("/v1/admin/stations", serde_json::json!({ "id": "ST-0009", "ed25519": hex::encode([7u8; 32]), "centre": "a\u{0}b" })).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = c
        .post(format!("{}/v1/admin/bundles/x%00y/status", reg.url))
        .bearer_auth(&reg.admin_token)
        .json(&serde_json::json!({ "status": "accepted" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c.get(format!("{}/openapi.json", reg.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let spec: serde_json::Value = r.json().await.unwrap();
    assert!(spec["paths"][api::ANNOUNCE].is_object());
}

/// A station with no link exports to a folder; the registry imports it and writes receipts.
async fn removable_media_are_imported_and_receipted(storage: Storage) {
    let reg = Registry::start(&format!("media-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0005", &reg);
    st.join(&reg).await;
    let dir = reg.dir.join("usb");
    let sealed: Vec<Sealed> = (0..2).map(|_| st.seal(96)).collect();
    for s in &sealed {
        let t =
            sync::media::ticket_path(&dir, &st.id, s.ticket.station_sequence, &s.ticket.bundle_id);
        std::fs::create_dir_all(t.parent().unwrap()).unwrap();
        std::fs::write(&t, &s.signed_ticket).unwrap();
        let b =
            sync::media::bundle_path(&dir, &st.id, s.ticket.station_sequence, &s.ticket.bundle_id);
        std::fs::create_dir_all(b.parent().unwrap()).unwrap();
        std::fs::write(&b, &s.bundle).unwrap();
    }
    let report =
        registry::with_intake!(&reg.intake, |i| registry::media::import(i, &dir).await.unwrap());
    assert_eq!(report.received.len(), 2, "{report:?}");
    let keys = receipt_keys(&st, &reg).await;
    for s in &sealed {
        let r =
            std::fs::read(sync::media::receipt_path(&dir, &st.id, &s.ticket.bundle_id)).unwrap();
        Receipt::open(&r, &keys).unwrap().check_for(&s.ticket).unwrap();
    }
    // Importing again changes nothing and gives the same receipts.
    let again =
        registry::with_intake!(&reg.intake, |i| registry::media::import(i, &dir).await.unwrap());
    assert_eq!(again.received.len(), 2);
    assert_eq!(objects_held(&reg).await.len(), 2);
}

on_both!(
    a_bundle_travels_and_is_receipted_once,
    an_upload_cut_off_resumes_and_wrong_offsets_are_told_where_to_go,
    tampering_is_refused_with_its_reason_and_nothing_is_stored,
    bad_requests_get_a_reason_not_a_crash,
    removable_media_are_imported_and_receipted
);
