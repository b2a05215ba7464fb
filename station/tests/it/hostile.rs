//! Files, answers and devices written by someone who may be hostile (issue "Hostile sticks,
//! requests and devices"), as the station meets them. Each test failed on the code before its
//! fix.

use station_text::messages::Explain;
use station_uplink::{RemovableMedia, SyncState};

use crate::common::*;
use station_testkit::*;

/// A stick with links planted where the station writes and reads: exporting removes the link and
/// writes a new file (the station's database, which the link pointed to, is untouched), and
/// importing master data that links to /dev/zero is refused at once, in both languages, instead
/// of reading without end.
#[test]
fn a_stick_with_planted_links_never_touches_the_station() {
    let d = tempdir("hostile-stick");
    let reg = Reg::start(&d);
    let mut st = onboarded_station(&reg, &d, "ST-USB-02", "https://registry.invalid");
    enroll(&mut st, 1, 700);
    let usb = d.join("usb");
    let db = st.data.join("station.db");
    let before = std::fs::metadata(&db).unwrap().len();
    let ops = sync::media::operators_path(&usb, "ST-USB-02");
    std::fs::create_dir_all(ops.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&db, &ops).unwrap();
    st.station.export_to(&st.id, &usb).unwrap();
    assert_eq!(std::fs::metadata(&db).unwrap().len(), before, "the database is untouched");
    let m = std::fs::symlink_metadata(&ops).unwrap();
    assert!(m.file_type().is_file(), "a new regular file replaced the link");
    assert!(st.station.audit_verify().unwrap().is_ok());

    // A folder of the export linked elsewhere: nothing is written through it.
    let elsewhere = d.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let tickets = sync::media::station_dir(&usb, "ST-USB-02").join("tickets");
    std::fs::remove_dir_all(&tickets).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &tickets).unwrap();
    let e = st.station.export_to(&st.id, &usb).unwrap_err();
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none(), "nothing written through");
    let m = e.bilingual();
    assert!(m.ar.contains("وسيلة التخزين المنقولة") && m.en.contains("symbolic link"), "{m:?}");

    // Master data that links to /dev/zero: refused at once.
    let md = sync::media::master_data_path(&usb, "ST-USB-02");
    std::os::unix::fs::symlink("/dev/zero", &md).unwrap();
    let t = std::time::Instant::now();
    let e = st.station.import_receipts(&st.id, &usb, now()).unwrap_err();
    assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
    assert!(e.to_string().contains("symbolic link"), "{e}");
    // A master-data file larger than any the registry writes: refused without reading it all.
    std::fs::remove_file(&md).unwrap();
    let f = std::fs::File::create(&md).unwrap();
    f.set_len(1 << 30).unwrap();
    let e = st.station.import_receipts(&st.id, &usb, now()).unwrap_err();
    assert!(e.to_string().contains("above the"), "{e}");
    assert_eq!(st.station.waiting(&st.id, 10).unwrap().len(), 1, "nothing erased");
}
