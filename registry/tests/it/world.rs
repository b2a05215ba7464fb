//! A registry to test against, on either storage (SQLite and a folder; PostgreSQL and an S3
//! server), and a station that talks to it: keys, operators, sealed bundles, signed requests.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use registry::config::{Config, MetadataConfig, ObjectsConfig};
use registry::objects::S3Location;
use reqwest::Method;
use schemas::SigningKey;
use schemas::bundle::{self, Payload, Signer};
use schemas::decision::{self, Decision, Verdict};
use schemas::iso19794::{CaptureDevice, Quality, face::FaceImage};
use schemas::jp2k::Pixels;
use schemas::manifest::*;
use sync::api::{self, b64};
use sync::ticket::Ticket;
use sync::token::RequestLine;

pub const T0: i64 = 1_800_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    Embedded,
    PostgresS3,
    /// PostgreSQL and the local folder (the intake benchmark).
    PostgresFs,
}

/// A moto S3 server for one test, on a free port, stopped when dropped.
pub struct S3Server {
    child: Child,
    pub endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The Python environment `scripts/setup.sh` makes (moto, schemathesis).
pub fn venv_bin(name: &str) -> PathBuf {
    let venv = std::env::var_os("HUKUMATI_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/cache/hukumati-venv"));
    let p = venv.join("bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: run scripts/setup.sh (it installs moto and schemathesis into {})",
        p.display(),
        venv.display()
    );
    p
}

pub async fn start_s3(bucket: &str) -> S3Server {
    let port = free_port();
    let child = Command::new(venv_bin("moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let server = S3Server { child, endpoint: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(r) = client.put(format!("{}/{bucket}", server.endpoint)).send().await
            && r.status().is_success()
        {
            return server;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("moto_server did not answer on {}", server.endpoint);
}

/// The PostgreSQL server of the tests (`HUKUMATI_PG`, set by scripts/postgres.sh; the machine's
/// own on 127.0.0.1:5432 otherwise).
pub fn pg_server() -> String {
    std::env::var("HUKUMATI_PG").unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres".into())
}

/// A fresh PostgreSQL database on the machine's server (trust authentication), dropped after.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    pub async fn create() -> PgDatabase {
        static N: AtomicI64 = AtomicI64::new(0);
        let name =
            format!("hukumati_it_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let (client, conn) = tokio_postgres::connect(
            &format!("{} dbname=postgres", pg_server()),
            tokio_postgres::NoTls,
        )
        .await
        .unwrap_or_else(|e| {
            panic!(
                "no PostgreSQL at `{}` ({e}): scripts/test.sh starts one (scripts/postgres.sh)",
                pg_server()
            )
        });
        tokio::spawn(conn);
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        PgDatabase { url: format!("{} dbname={name}", pg_server()), name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(
                    &format!("{} dbname=postgres", pg_server()),
                    tokio_postgres::NoTls,
                )
                .await
                {
                    tokio::spawn(conn);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

/// A running registry.
pub struct Registry {
    pub url: String,
    pub dir: fixtures::TempDir,
    pub admin_token: String,
    pub root: schemas::VerifyingKey,
    pub recipient: String,
    pub clock: Arc<AtomicI64>,
    pub intake: registry::AnyIntake,
    _stop: tokio::sync::oneshot::Sender<()>,
    _s3: Option<S3Server>,
    _pg: Option<PgDatabase>,
}

impl Registry {
    pub async fn start(name: &str, storage: Storage) -> Registry {
        Self::start_with(name, storage, |_| {}).await
    }

    /// Starts a registry whose configuration `adjust` changed first (its limits, say).
    pub async fn start_with(
        name: &str,
        storage: Storage,
        adjust: impl FnOnce(&mut Config),
    ) -> Registry {
        let dir = fixtures::tempdir(&format!("registry-it-{name}"));
        let made = registry::config::init(&dir.join("registry"), "127.0.0.1:0").unwrap();
        let mut config = Config::load(&made.config).unwrap();
        adjust(&mut config);
        let (mut s3, mut pg) = (None, None);
        if storage == Storage::PostgresFs {
            let db = PgDatabase::create().await;
            config.metadata = MetadataConfig::Postgres { url: db.url.clone(), pool: 16, ca: None };
            pg = Some(db);
        }
        if storage == Storage::PostgresS3 {
            let db = PgDatabase::create().await;
            config.metadata = MetadataConfig::Postgres { url: db.url.clone(), pool: 8, ca: None };
            let server = start_s3("bundles").await;
            config.objects = ObjectsConfig::S3(S3Location {
                bucket: "bundles".into(),
                endpoint: server.endpoint.clone(),
                region: "us-east-1".into(),
                allow_http: true,
                access_key_id: Some("test".into()),
                secret_access_key: Some("test".into()),
            });
            s3 = Some(server);
            pg = Some(db);
        }
        let clock = Arc::new(AtomicI64::new(T0));
        let c = clock.clone();
        let intake =
            registry::open(&config, Arc::new(move || c.load(Ordering::SeqCst))).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = intake.clone();
        tokio::spawn(async move {
            registry::serve(&served, listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        let root = schemas::keys::parse_public_key(&made.root_public).unwrap();
        Registry {
            url,
            dir,
            admin_token: made.admin_token,
            root,
            recipient: made.recipient,
            clock,
            intake,
            _stop: tx,
            _s3: s3,
            _pg: pg,
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    pub async fn admin(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.admin_token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

/// A station: its keys and operators, and a counter of sealed enrollments.
pub struct Station {
    pub id: String,
    pub key: SigningKey,
    pub clerk: SigningKey,
    pub supervisor: SigningKey,
    pub next: u64,
    pub audit: u64,
    pub recipient: String,
    pub http: reqwest::Client,
    pub url: String,
    /// What the next sealed bundles say of themselves (tests change these to forge).
    pub device: Option<DeviceRef>,
    pub centre: String,
    pub master_version: u64,
    /// Replaces the face record's bytes.
    pub face_record: Option<Vec<u8>>,
}

/// A live UVC camera as a sample names it.
pub fn camera() -> DeviceRef {
    DeviceRef {
        kind: DeviceKind::Camera,
        make: "Logitech".into(),
        model: "C920".into(),
        serial: "CAM-0042".into(),
        signed_payload: None,
    }
}

/// One sealed enrollment, as a station's outbox holds it.
#[derive(Clone)]
pub struct Sealed {
    pub bundle: Vec<u8>,
    pub ticket: Ticket,
    pub signed_ticket: Vec<u8>,
}

fn grey(w: u32, h: u32, seed: u64) -> Pixels {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    Pixels::new(
        w,
        h,
        3,
        (0..w * h * 3)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 56) as u8
            })
            .collect(),
    )
    .unwrap()
}

impl Station {
    pub fn new(id: &str, reg: &Registry) -> Station {
        Station::at(id, &reg.url, &reg.recipient)
    }

    /// A station of the registry at `url`, which seals to `recipient`.
    pub fn at(id: &str, url: &str, recipient: &str) -> Station {
        Station {
            id: id.into(),
            key: schemas::keys::new_signing_key().unwrap(),
            clerk: schemas::keys::new_signing_key().unwrap(),
            supervisor: schemas::keys::new_signing_key().unwrap(),
            next: 1,
            audit: 10,
            recipient: recipient.into(),
            http: reqwest::Client::new(),
            url: url.into(),
            device: Some(camera()),
            centre: "RAM-PO-01".into(),
            master_version: 0,
            face_record: None,
        }
    }

    /// Onboards the station as a production station, registers its clerk and supervisor, and
    /// has the registry's administrator approve them.
    pub async fn join(&self, reg: &Registry) {
        self.join_as(reg, "production").await;
        self.approve(reg).await;
    }

    /// The registry's administrator approves the clerk and the supervisor.
    pub async fn approve(&self, reg: &Registry) {
        for (name, key) in [("clerk1", &self.clerk), ("super1", &self.supervisor)] {
            let body = serde_json::json!({ "station": self.id, "username": name, "ed25519": hex::encode(key.verifying_key().to_bytes()) });
            let r = reg.admin("/v1/admin/operators/approve", body).await;
            assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
        }
    }

    /// Onboards the station in `mode` and registers its clerk and supervisor (not approved).
    pub async fn join_as(&self, reg: &Registry, mode: &str) {
        let r = reg.admin("/v1/admin/stations", serde_json::json!({ "id": self.id, "ed25519": hex::encode(self.key.verifying_key().to_bytes()), "centre": "RAM-PO-01", "mode": mode })).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        self.register_operators(reg.now()).await;
    }

    /// Registers the clerk and the supervisor with the registry.
    pub async fn register_operators(&self, now_ms: i64) {
        for (name, role, key) in
            [("clerk1", "clerk", &self.clerk), ("super1", "supervisor", &self.supervisor)]
        {
            let body = serde_json::json!({ "username": name, "role": role, "ed25519": hex::encode(key.verifying_key().to_bytes()) });
            let r = self
                .send(
                    Method::POST,
                    api::OPERATORS,
                    Some(serde_json::to_vec(&body).unwrap()),
                    now_ms,
                )
                .await;
            assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
        }
    }

    /// Seals the next enrollment (`pixels` bytes of face image make the bundle's size).
    pub fn seal(&mut self, side: u32) -> Sealed {
        let sequence = self.next;
        self.next += 1;
        self.audit += 3;
        self.seal_as(
            sequence,
            side,
            &self.clerk.clone(),
            "clerk1",
            &self.supervisor.clone(),
            "super1",
        )
    }

    /// The next enrollment with a photographed document of `document` bytes (a bundle of about
    /// that size; the photo's bytes are random, so they do not compress).
    pub fn seal_with_document(&mut self, document: usize) -> Sealed {
        let sequence = self.next;
        self.next += 1;
        self.audit += 3;
        let (clerk, supervisor) = (self.clerk.clone(), self.supervisor.clone());
        self.seal_full(sequence, 32, document, &clerk, "clerk1", &supervisor, "super1")
    }

    pub fn seal_as(
        &self,
        sequence: u64,
        side: u32,
        clerk: &SigningKey,
        clerk_id: &str,
        supervisor: &SigningKey,
        supervisor_id: &str,
    ) -> Sealed {
        self.seal_full(sequence, side, 0, clerk, clerk_id, supervisor, supervisor_id)
    }

    #[allow(clippy::too_many_arguments)]
    fn seal_full(
        &self,
        sequence: u64,
        side: u32,
        document: usize,
        clerk: &SigningKey,
        clerk_id: &str,
        supervisor: &SigningKey,
        supervisor_id: &str,
    ) -> Sealed {
        let face = FaceImage::new_full_frontal(
            &grey(side, side, sequence),
            vec![Quality { score: 70, algorithm_vendor: 0xffff, algorithm_id: 1 }],
            CaptureDevice::default(),
            None,
        )
        .unwrap();
        let record = self.face_record.clone().unwrap_or_else(|| face.to_record().unwrap());
        let mut payloads = vec![Payload { kind: PayloadKind::FaceRecord, bytes: record }];
        let mut documents = vec![];
        if document > 0 {
            let mut photo = vec![0u8; document];
            let mut x = sequence.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for b in photo.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            payloads.push(Payload { kind: PayloadKind::Jpeg, bytes: photo });
            documents.push(IdentityDocument {
                kind: DocumentKind::BirthCertificate,
                number: format!("BC-{sequence}"),
                issuing_state: "PSE".into(),
                expiry: None,
                mrz: None,
                images: vec![1],
                device: self.device.clone(),
            });
        }
        let name = |a: &str| PersonName {
            first: a.into(),
            father: "Khalil".into(),
            grandfather: "Omar".into(),
            family: "Haddad".into(),
        };
        let m = Manifest {
            schema: 0,
            bundle_id: uuid::Uuid::now_v7().to_string(),
            station: StationRef { id: self.id.clone(), sequence, centre: self.centre.clone() },
            operator_id: clerk_id.into(),
            signers: vec![],
            times: Times {
                capture_started_at: T0 - 100_000,
                capture_ended_at: T0 - 50_000,
                signed_at: T0 - 10_000,
                registry_vouched_at: None,
            },
            applicant: Applicant {
                name_ar: PersonName {
                    first: "سلمى".into(),
                    father: "يوسف".into(),
                    grandfather: "محمود".into(),
                    family: "الخطيب".into(),
                },
                name_latin: name("Salma"),
                national_id: None,
                date_of_birth: "2023-05-12".into(),
                sex: Sex::Female,
                phone: None,
                email: None,
                address: Address {
                    country: "PS".into(),
                    governorate: Some("Ramallah".into()),
                    locality: "Al-Bireh".into(),
                    street: None,
                },
                guardian: Some(Guardian {
                    relation: "mother".into(),
                    national_id: Some("401234567".into()),
                    bundle_id: None,
                }),
            },
            documents,
            consent: Consent {
                notice_version: "2026.1".into(),
                language: "ar".into(),
                accepted: true,
                at: T0 - 100_000,
            },
            samples: vec![Sample {
                modality: Modality::Face,
                position: Position::Face,
                quality: Some(QualityScore {
                    score: 70,
                    algorithm: "test/1".into(),
                    vendor_id: 0xffff,
                    algorithm_id: 1,
                }),
                station_quality: None,
                device: self.device.clone(),
                retries: 0,
                forced: false,
                exception: None,
                payload: Some(0),
                captured_at: T0 - 60_000,
            }],
            payloads: vec![],
            audit: AuditHead { sequence: self.audit - 2, head: Bytes32::new([5; 32]) },
            master_version: self.master_version,
        };
        let recipient = schemas::keys::parse_recipient(&self.recipient).unwrap();
        let mut bytes = Vec::new();
        let sealed = bundle::seal(
            m,
            &payloads,
            &Signer { id: &self.id, key: &self.key },
            &Signer { id: clerk_id, key: clerk },
            &recipient,
            &mut bytes,
        )
        .unwrap();
        let d = Decision {
            bundle_id: sealed.bundle_id.clone(),
            manifest_sha256: Bytes32::new(sealed.manifest_sha256),
            verdict: Verdict::Approve,
            reason: None,
            decided_at: T0 - 5_000,
            supervisor_id: supervisor_id.into(),
            supervisor_ed25519: Bytes32::new(supervisor.verifying_key().to_bytes()),
            master_version: self.master_version,
        };
        let ticket = Ticket {
            bundle_id: sealed.bundle_id.clone(),
            station_id: self.id.clone(),
            station_sequence: sequence,
            ciphertext_sha256: Bytes32::new(sealed.ciphertext_sha256),
            ciphertext_len: sealed.ciphertext_len,
            manifest_sha256: Bytes32::new(sealed.manifest_sha256),
            decision: decision::sign(&d, supervisor).unwrap(),
            audit: AuditHead { sequence: self.audit, head: Bytes32::new([6; 32]) },
            sealed_at: T0 - 5_000,
        };
        let signed_ticket = ticket.sign(&self.key);
        Sealed { bundle: bytes, ticket, signed_ticket }
    }

    /// The `Authorization` header for one request.
    pub fn token(&self, method: &Method, path: &str, body: Option<&[u8]>, now_ms: i64) -> String {
        sync::token::make(
            &self.id,
            &self.key,
            &RequestLine { method: method.as_str(), path, body_sha256: body.map(sync::sha256) },
            now_ms / 1000,
        )
    }

    /// A signed request; GET and HEAD bind an empty body, PATCH none.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        now_ms: i64,
    ) -> reqwest::Response {
        let bound =
            if method == Method::PATCH { None } else { Some(body.clone().unwrap_or_default()) };
        let auth = self.token(&method, path, bound.as_deref(), now_ms);
        let mut rq =
            self.http.request(method, format!("{}{path}", self.url)).header("authorization", auth);
        if let Some(b) = body {
            rq = rq.header("content-type", "application/json").body(b);
        }
        rq.send().await.unwrap()
    }

    pub async fn announce(&self, tickets: &[&Sealed], now_ms: i64) -> (u16, serde_json::Value) {
        let body = serde_json::to_vec(&serde_json::json!({ "tickets": tickets.iter().map(|s| b64(&s.signed_ticket)).collect::<Vec<_>>() })).unwrap();
        let r = self.send(Method::POST, api::ANNOUNCE, Some(body), now_ms).await;
        (r.status().as_u16(), r.json().await.unwrap())
    }

    /// Sends `bytes` as an upload from `offset`.
    pub async fn patch(
        &self,
        s: &Sealed,
        offset: u64,
        bytes: Vec<u8>,
        now_ms: i64,
    ) -> reqwest::Response {
        let path = api::upload_path(&s.ticket.ciphertext_sha256);
        let auth = self.token(&Method::PATCH, &path, None, now_ms);
        self.http
            .patch(format!("{}{path}", self.url))
            .header("authorization", auth)
            .header("content-type", api::OFFSET_OCTET_STREAM)
            .header(api::UPLOAD_OFFSET, offset.to_string())
            .header(api::TUS_RESUMABLE, api::TUS_VERSION)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    pub async fn master_data(&self, reg: &Registry) -> sync::master::MasterData {
        let r = self.send(Method::GET, api::MASTER_DATA, None, reg.now()).await;
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        sync::master::MasterData::open(
            &api::unb64(v["signed"].as_str().unwrap()).unwrap(),
            &reg.root,
        )
        .unwrap()
    }
}
