//! What the registry trusts, tried as an attacker or a careless administrator would: captures by
//! simulated or replayed devices, operators nobody at the registry approved, revocations a
//! station's clock would dodge, records that fail their checks, a manifest from another centre.
//! Each scenario failed on the code before its fix.

use schemas::manifest::{DeviceKind, DeviceRef};
use sync::api::unb64;
use sync::receipt::Receipt;

use crate::world::*;

/// Announces one bundle and uploads it whole: the upload's status and answer.
async fn send(st: &Station, reg: &Registry, s: &Sealed) -> (u16, serde_json::Value) {
    let (code, v) = st.announce(&[s], reg.now()).await;
    assert_eq!(code, 200, "{v}");
    let r = st.patch(s, 0, s.bundle.clone(), reg.now()).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

fn device(kind: DeviceKind) -> Option<DeviceRef> {
    Some(DeviceRef {
        kind,
        make: "Hukumati".into(),
        model: format!("{kind:?}"),
        serial: "X-1".into(),
        signed_payload: None,
    })
}

async fn accept(reg: &Registry, s: &Sealed) -> (u16, serde_json::Value) {
    let r = reg
        .admin(
            &format!("/v1/admin/bundles/{}/status", s.ticket.bundle_id),
            serde_json::json!({ "status": "accepted" }),
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

/// A production station's bundle whose samples a simulator, a recording or no named device made
/// is refused with its own code; a training station's is received (kept, receipted) but can
/// never be accepted as an identity.
async fn simulated_captures_never_become_an_identity(storage: Storage) {
    let reg = Registry::start(&format!("simulated-{storage:?}"), storage).await;
    let mut st = Station::new("ST-PROD", &reg);
    st.join(&reg).await;
    for forged in [device(DeviceKind::Simulated), device(DeviceKind::Replayed), None] {
        st.device = forged.clone();
        let s = st.seal(32);
        let (code, v) = send(&st, &reg, &s).await;
        assert_eq!((code, v["code"].as_str()), (422, Some("simulated_capture")), "{forged:?}: {v}");
    }
    // A document photographed by a simulator is refused the same way.
    st.device = Some(camera());
    let mut s = st.seal_with_document(2_000);
    let (code, _) = send(&st, &reg, &s).await;
    assert_eq!(code, 200, "a live camera's bundle goes through");
    assert_eq!(accept(&reg, &s).await.0, 200);
    st.device = device(DeviceKind::Simulated);
    s = st.seal_with_document(2_000);
    let (code, v) = send(&st, &reg, &s).await;
    assert_eq!((code, v["code"].as_str()), (422, Some("simulated_capture")), "{v}");

    let mut training = Station::new("ST-TRAIN", &reg);
    training.join_as(&reg, "training").await;
    training.device = device(DeviceKind::Simulated);
    let s = training.seal(32);
    let (code, v) = send(&training, &reg, &s).await;
    assert_eq!(code, 200, "a training station's bundle is received: {v}");
    let (code, v) = accept(&reg, &s).await;
    assert_eq!((code, v["code"].as_str()), (409, Some("not_production")), "{v}");
    assert_eq!(training.master_data(&reg).await.station.mode.as_str(), "training");
}

/// An operator the station registered counts only once the registry's administrator approved
/// their key: before that the bundle is not refused, it waits (the ticket stays announced).
async fn four_eyes_need_two_operators_the_registry_approved(storage: Storage) {
    let reg = Registry::start(&format!("approval-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0001", &reg);
    st.join_as(&reg, "production").await;
    let m = st.master_data(&reg).await;
    assert!(m.operators.iter().all(|o| !o.approved), "{:?}", m.operators);
    let s = st.seal(32);
    let (code, v) = send(&st, &reg, &s).await;
    assert_eq!((code, v["code"].as_str()), (409, Some("operator_not_approved")), "{v}");
    let state = registry::with_intake!(&reg.intake, |i| {
        use registry::meta::Meta;
        i.meta.ticket_by_hash(&s.ticket.ciphertext_sha256).await.unwrap().unwrap()
    });
    assert_eq!((state.state.as_str(), state.offset), ("announced", 0), "held, not refused");

    // Approval names the key: another key under the same name is not approved by it.
    let wrong = serde_json::json!({ "station": "ST-0001", "username": "clerk1", "ed25519": hex::encode(st.supervisor.verifying_key().to_bytes()) });
    let r = reg.admin("/v1/admin/operators/approve", wrong).await;
    assert_eq!(r.status(), 422, "{}", r.text().await.unwrap());
    st.approve(&reg).await;
    let m2 = st.master_data(&reg).await;
    assert!(m2.operators.iter().all(|o| o.approved) && m2.version > m.version);
    let r = st.patch(&s, 0, s.bundle.clone(), reg.now()).await;
    assert_eq!(r.status(), 200, "sent again after the approval");
    let receipt = unb64(r.json::<serde_json::Value>().await.unwrap()["receipt"].as_str().unwrap());
    Receipt::open(&receipt.unwrap(), &m2.receipt_keys).unwrap().check_for(&s.ticket).unwrap();
}

/// A revocation is judged by the master-data version the station held when the operator (or
/// the supervisor) signed, which the registry issues, not by the station's clock: a bundle
/// signed knowing of the revocation is refused, whatever time it claims.
async fn revocation_is_judged_by_the_master_data_the_station_held(storage: Storage) {
    let reg = Registry::start(&format!("revocation-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0001", &reg);
    st.join(&reg).await;
    let before = st.master_data(&reg).await.version;
    let r = reg
        .admin("/v1/admin/stations/ST-0001/operators/clerk1/revoke", serde_json::json!({}))
        .await;
    assert_eq!(r.status(), 204);
    let after = st.master_data(&reg).await;
    assert!(after.operators.iter().any(|o| o.username == "clerk1" && o.revoked));

    // Signed while the station still held the older version (offline): received.
    st.master_version = before;
    let s = st.seal(32);
    assert_eq!(send(&st, &reg, &s).await.0, 200);
    // Signed holding the version that revoked the clerk, with a time from long before (the
    // world's bundles all claim T0 - 10 s, before the revocation): refused.
    st.master_version = after.version;
    let s = st.seal(32);
    let (code, v) = send(&st, &reg, &s).await;
    assert_eq!((code, v["code"].as_str()), (422, Some("revoked_operator")), "{v}");
}

/// The registry runs the ISO/IEC 19794 record checks and compares the manifest's centre with
/// the one the station was onboarded at.
async fn records_and_centre_are_checked_at_intake(storage: Storage) {
    let reg = Registry::start(&format!("intake-checks-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0001", &reg);
    st.join(&reg).await;
    st.centre = "GZA-PO-09".into();
    let s = st.seal(32);
    let (code, v) = send(&st, &reg, &s).await;
    assert_eq!((code, v["code"].as_str()), (422, Some("wrong_centre")), "{v}");

    st.centre = "RAM-PO-01".into();
    // A face payload that is not an ISO/IEC 19794-5 record: its hash is in the manifest, so only
    // the record checks can catch it.
    st.face_record = Some(b"FAC\0 not a face record at all".to_vec());
    let s = st.seal(32);
    let (code, v) = send(&st, &reg, &s).await;
    assert_eq!((code, v["code"].as_str()), (422, Some("bad_record")), "{v}");
    // The refused ones used their numbers: the bundle after them is received.
    st.face_record = None;
    let s = st.seal(32);
    assert_eq!(send(&st, &reg, &s).await.0, 200);
}

on_both!(
    simulated_captures_never_become_an_identity,
    four_eyes_need_two_operators_the_registry_approved,
    revocation_is_judged_by_the_master_data_the_station_held,
    records_and_centre_are_checked_at_intake
);
