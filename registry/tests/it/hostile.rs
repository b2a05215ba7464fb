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

/// A caller without a station's key who announces a megabyte body and sends ten bytes of it is
/// answered at once: the registry authenticates before it reads a body.
async fn no_body_is_read_before_the_caller_is_authenticated(storage: Storage) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let reg = Registry::start(&format!("body-first-{storage:?}"), storage).await;
    let st = Station::new("ST-0010", &reg);
    st.join(&reg).await;
    // A token of a prober: the right station id, another key.
    let mut prober = Station::new("ST-0010", &reg);
    prober.key = schemas::keys::new_signing_key().unwrap();
    let token = prober.token(&reqwest::Method::POST, sync::api::ANNOUNCE, Some(b"{}"), reg.now());
    let addr = reg.url.trim_start_matches("http://").to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: {addr}\r\nauthorization: {token}\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n{{\"tickets\"",
        sync::api::ANNOUNCE
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 12];
    let read =
        tokio::time::timeout(std::time::Duration::from_secs(5), conn.read_exact(&mut answer)).await;
    assert!(read.is_ok(), "no answer in 5 s: the registry waits for the body");
    assert_eq!(&answer, b"HTTP/1.1 401");
}

on_both!(
    a_hostile_stick_overwrites_and_exhausts_nothing,
    station_ids_cannot_be_probed_without_a_key,
    no_body_is_read_before_the_caller_is_authenticated
);

/// A PostgreSQL server of its own with TLS on (a CA and a server certificate for `localhost`
/// made with openssl), stopped when dropped.
struct TlsPostgres {
    dir: fixtures::TempDir,
    bin: std::path::PathBuf,
    port: u16,
}

fn as_postgres(cmd: &std::path::Path) -> std::process::Command {
    // initdb and the server refuse to run as root: as the postgres user then.
    if std::process::Command::new("id").arg("-u").output().unwrap().stdout == b"0\n" {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(cmd);
        c
    } else {
        std::process::Command::new(cmd)
    }
}

fn run(c: &mut std::process::Command) {
    let out = c.output().unwrap();
    assert!(out.status.success(), "{c:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl TlsPostgres {
    fn start() -> TlsPostgres {
        let initdb = std::fs::read_dir("/usr/lib/postgresql")
            .unwrap()
            .filter_map(Result::ok)
            .map(|v| v.path().join("bin/initdb"))
            .filter(|p| p.exists())
            .max()
            .expect("PostgreSQL's initdb (scripts/postgres.sh installs it)");
        let bin = initdb.parent().unwrap().to_path_buf();
        let dir = fixtures::tempdir("registry-pg-tls");
        let data = dir.join("data");
        let certs = dir.join("certs");
        std::fs::create_dir_all(&certs).unwrap();
        let ssl = |args: &[&str]| {
            run(std::process::Command::new("openssl").args(args).current_dir(&certs))
        };
        ssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Test CA",
        ]);
        ssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(
            certs.join("ext.cnf"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        ssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        // A second CA the server's certificate does not chain to.
        ssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "other.key",
            "-out",
            "other.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Other CA",
        ]);
        run(std::process::Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.as_ref() as &std::path::Path));
        run(std::process::Command::new("chmod").args(["600"]).arg(certs.join("server.key")));
        run(as_postgres(&initdb).args(["-A", "trust", "-U", "postgres", "-D"]).arg(&data));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let opts = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k /tmp -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
            certs.join("server.pem").display(),
            certs.join("server.key").display()
        );
        run(as_postgres(&bin.join("pg_ctl"))
            .args(["-w", "-l"])
            .arg(dir.join("server.log"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "start"]));
        TlsPostgres { dir, bin, port }
    }

    fn url(&self, sslmode: &str) -> String {
        format!("postgres://postgres@localhost:{}/postgres?sslmode={sslmode}", self.port)
    }
}

impl Drop for TlsPostgres {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .args(["-w", "-m", "immediate", "-D"])
            .arg(self.dir.join("data"))
            .arg("stop")
            .output();
    }
}

/// The registry reaches PostgreSQL over TLS (`sslmode=require`), checking the server's
/// certificate against the CA it is given: a server whose certificate another CA signed is
/// refused, and so is a server without TLS when TLS is required.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_is_reached_over_tls_with_its_certificate_checked() {
    use registry::meta::Meta;
    use registry::meta::postgres::PgMeta;
    registry::install_tls_provider();
    let pg = TlsPostgres::start();
    let ca = pg.dir.join("certs/ca.pem");
    let meta = PgMeta::connect(&pg.url("require"), 2, Some(&ca)).unwrap();
    meta.migrate().await.unwrap();
    assert_eq!(meta.version().await.unwrap(), 1);

    let other =
        PgMeta::connect(&pg.url("require"), 2, Some(&pg.dir.join("certs/other.pem"))).unwrap();
    let e = other.migrate().await.unwrap_err().to_string();
    assert!(e.to_lowercase().contains("certificate"), "{e}");

    // The machine's test server, whose certificate (if it has TLS at all) this CA did not sign:
    // requiring TLS fails there.
    let field = |name: &str| {
        pg_server()
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_string))
            .unwrap_or_default()
    };
    let plain =
        format!("postgres://postgres@{}:{}/postgres?sslmode=require", field("host"), field("port"));
    let no_tls = PgMeta::connect(&plain, 2, Some(&ca)).unwrap();
    assert!(no_tls.migrate().await.is_err(), "TLS required, with a certificate of this CA");
}
