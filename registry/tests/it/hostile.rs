//! Requests, files and answers written by someone who may be hostile (issue "Hostile sticks,
//! requests and devices"), as the registry meets them. Each test failed on the code before its
//! fix.

use crate::world::*;

/// A stick laid out to make the registry's import overwrite its own root key (a link where the
/// master data is written back) and exhaust its memory (a ticket linked to /dev/zero, a bundle
/// file of a gigabyte): nothing outside the stick is written, nothing large is read, and the
/// honest bundle beside them is received.
async fn a_hostile_stick_overwrites_and_exhausts_nothing(storage: Storage) {
    let reg = Registry::start(&format!("hostile-stick-{storage:?}"), storage).await;
    let mut st = Station::new("ST-0006", &reg);
    st.join(&reg).await;
    let dir = reg.dir.join("usb");
    let good = st.seal(64);
    let big = st.seal(64);
    let zero = st.seal(64);
    for s in [&good, &big, &zero] {
        let t =
            sync::media::ticket_path(&dir, &st.id, s.ticket.station_sequence, &s.ticket.bundle_id);
        std::fs::create_dir_all(t.parent().unwrap()).unwrap();
        let b =
            sync::media::bundle_path(&dir, &st.id, s.ticket.station_sequence, &s.ticket.bundle_id);
        std::fs::create_dir_all(b.parent().unwrap()).unwrap();
        if s.ticket.bundle_id == zero.ticket.bundle_id {
            std::os::unix::fs::symlink("/dev/zero", &t).unwrap();
        } else {
            std::fs::write(&t, &s.signed_ticket).unwrap();
        }
        if s.ticket.bundle_id == big.ticket.bundle_id {
            std::fs::File::create(&b).unwrap().set_len(1 << 30).unwrap();
        } else {
            std::fs::write(&b, &s.bundle).unwrap();
        }
    }
    let root_key = reg.dir.join("registry/keys/root.key");
    let key_before = std::fs::read(&root_key).unwrap();
    let md = sync::media::master_data_path(&dir, &st.id);
    std::os::unix::fs::symlink(&root_key, &md).unwrap();

    let report =
        registry::with_intake!(&reg.intake, |i| registry::media::import(i, &dir).await.unwrap());
    assert_eq!(std::fs::read(&root_key).unwrap(), key_before, "the root key is untouched");
    assert!(std::fs::symlink_metadata(&md).unwrap().file_type().is_file(), "a new file");
    assert_eq!(report.received, std::slice::from_ref(&good.ticket.bundle_id), "{report:?}");
    let why: Vec<&str> = report.refused.iter().map(|r| r.2.as_str()).collect();
    assert!(why.iter().any(|w| w.contains("above the")), "{why:?}");
    // The ticket link is not even listed: a link is not a ticket.
    assert_eq!(report.refused.len(), 1, "{report:?}");
}

/// Before authentication, an onboarded station, an unknown one and a revoked one look the same:
/// a token that does not verify gets one answer, whichever id it names.
async fn station_ids_cannot_be_probed_without_a_key(storage: Storage) {
    let reg = Registry::start(&format!("probe-{storage:?}"), storage).await;
    let onboarded = Station::new("ST-0007", &reg);
    onboarded.join(&reg).await;
    let revoked = Station::new("ST-0008", &reg);
    revoked.join(&reg).await;
    let r = reg.admin("/v1/admin/stations/ST-0008/revoke", serde_json::json!({})).await;
    assert_eq!(r.status(), 204);
    let mut answers = Vec::new();
    for id in ["ST-0007", "ST-0008", "ST-9999"] {
        // A prober without the station's key: the id is right, the key is not.
        let mut prober = Station::new(id, &reg);
        prober.key = schemas::keys::new_signing_key().unwrap();
        let r = prober.send(reqwest::Method::GET, sync::api::MASTER_DATA, None, reg.now()).await;
        let status = r.status().as_u16();
        answers.push((status, r.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1], "onboarded and revoked look the same");
    assert_eq!(answers[0], answers[2], "onboarded and unknown look the same");
    assert_eq!(answers[0].0, 401);
}

on_both!(
    a_hostile_stick_overwrites_and_exhausts_nothing,
    station_ids_cannot_be_probed_without_a_key
);
