//! The reference central intake of the Hukumati identity registry.
//!
//! Stations announce sealed bundles with signed tickets, upload them (resumable, content
//! addressed), and get a signed receipt once the registry has verified and durably stored them;
//! they pull their master data and the later decisions about their bundles. The protocol's types
//! are in the `sync` crate, shared with the station.
//!
//! - [`config`]: the configuration file and the keys it names; `registry init` writes one;
//! - [`meta`]: the metadata store behind one trait, on PostgreSQL or SQLite;
//! - [`objects`]: bundle bytes in an object store (S3-compatible, or a local folder);
//! - [`intake`]: the logic (authentication, tickets, uploads, verification, receipts, feeds);
//! - [`http`]: the axum API over it;
//! - [`error`]: the one error type;
//! - [`onboarding`]: onboarding files issued for new stations, and their key files imported;
//! - [`monitor`]: health, Prometheus metrics and structured log lines for operations;
//! - [`media`]: bundles carried on removable media by stations without a link;
//! - this module: building a registry from its configuration and serving it, in its own process
//!   or embedded in another (a demo station's).
//!
//! The registry keeps no state of its own: several instances against the same PostgreSQL
//! database and object store can stand behind one load balancer (docs/sync-protocol.md).

#![forbid(unsafe_code)]

pub mod config;
pub mod error;
pub mod http;
pub mod intake;
pub mod media;
pub mod meta;
pub mod monitor;
pub mod objects;
pub mod onboarding;

use std::path::Path;
use std::sync::Arc;

use config::{Config, MetadataConfig, ObjectsConfig};
use intake::{Clock, Intake};
use meta::Meta;
use objects::Objects;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Meta(#[from] meta::MetaError),
    #[error(transparent)]
    Objects(#[from] objects::ObjectError),
    #[error("{0}")]
    Other(String),
}

/// The registry's metadata store, whichever the configuration names.
#[derive(Clone)]
pub enum AnyIntake {
    Sqlite(Arc<Intake<meta::sqlite::SqliteMeta>>),
    #[cfg(feature = "postgres")]
    Postgres(Arc<Intake<meta::postgres::PgMeta>>),
}

/// Runs `$body` with `$i` bound to the intake, whichever store it uses. (Two definitions, so
/// that the expansion in another crate carries no `cfg` of this one.)
#[cfg(feature = "postgres")]
#[macro_export]
macro_rules! with_intake {
    ($any:expr, |$i:ident| $body:expr) => {
        match $any {
            $crate::AnyIntake::Sqlite($i) => $body,
            $crate::AnyIntake::Postgres($i) => $body,
        }
    };
}

#[cfg(not(feature = "postgres"))]
#[macro_export]
macro_rules! with_intake {
    ($any:expr, |$i:ident| $body:expr) => {
        match $any {
            $crate::AnyIntake::Sqlite($i) => $body,
        }
    };
}

fn objects_of(c: &Config) -> Result<Objects, ServeError> {
    Ok(match &c.objects {
        ObjectsConfig::Local(p) => Objects::local(p)?,
        #[cfg(feature = "s3")]
        ObjectsConfig::S3(l) => Objects::s3(l)?,
        #[cfg(not(feature = "s3"))]
        ObjectsConfig::S3(_) => {
            return Err(ServeError::Other(
                "this build of the registry has no S3 support (feature `s3`)".into(),
            ));
        }
    })
}

fn intake_of<M: Meta>(c: &Config, meta: M, clock: Clock) -> Result<Arc<Intake<M>>, ServeError> {
    Ok(Arc::new(Intake {
        meta,
        objects: objects_of(c)?,
        keys: c.load_keys()?,
        limits: c.limits.clone(),
        centres: c.centres.clone(),
        settings: c.settings.clone(),
        clock,
        gates: intake::Gates::new(&c.limits),
        metrics: monitor::Metrics::new(),
    }))
}

/// Opens the registry a configuration describes (migrating its database).
pub async fn open(c: &Config, clock: Clock) -> Result<AnyIntake, ServeError> {
    Ok(match &c.metadata {
        MetadataConfig::Sqlite(p) => {
            let m = meta::sqlite::SqliteMeta::open(p)?;
            m.migrate().await?;
            AnyIntake::Sqlite(intake_of(c, m, clock)?)
        }
        #[cfg(feature = "postgres")]
        MetadataConfig::Postgres { url, pool, ca } => {
            let m = meta::postgres::PgMeta::connect(url, *pool, ca.as_deref())?;
            m.migrate().await?;
            AnyIntake::Postgres(intake_of(c, m, clock)?)
        }
        #[cfg(not(feature = "postgres"))]
        MetadataConfig::Postgres { .. } => {
            return Err(ServeError::Other(
                "this build of the registry has no PostgreSQL support (feature `postgres`)".into(),
            ));
        }
    })
}

impl AnyIntake {
    pub fn router(&self) -> axum::Router {
        with_intake!(self, |i| http::router(i.clone()))
    }
    /// The monitoring address's routes (health, metrics): [`monitor::router`].
    pub fn monitoring_router(&self) -> axum::Router {
        with_intake!(self, |i| monitor::router(i.clone()))
    }
}

/// Serves the health check and metrics on `listener` until the process ends (plain HTTP/1, for
/// Prometheus and the load balancer's checks on an internal address).
pub fn serve_monitoring(
    intake: &AnyIntake,
    listener: tokio::net::TcpListener,
) -> tokio::task::JoinHandle<()> {
    let router = intake.monitoring_router();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(problem = %e, "the monitoring address stopped");
        }
    })
}

/// Installs rustls's ring provider as the process's TLS crypto (once; later calls do nothing).
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// How often abandoned upload parts are looked for while serving.
const EXPIRY_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Serves `intake` on `listener` until `shutdown` resolves, under the configured limits: at most
/// `max_connections` connections at once (more wait in the listen queue), each closed when its
/// request headers take longer than `header_timeout_s` or it idles that long between requests.
/// Abandoned upload parts are deleted at start and every hour.
pub async fn serve(
    intake: &AnyIntake,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let limits = with_intake!(intake, |i| i.limits.clone());
    let expiry = with_intake!(intake, |i| {
        let i = i.clone();
        tokio::spawn(async move {
            loop {
                // A failure (the store down) is tried again at the next round.
                let _ = i.expire_parts().await;
                tokio::time::sleep(EXPIRY_EVERY).await;
            }
        })
    });
    let router = intake.router();
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections as usize));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(std::time::Duration::from_secs(limits.header_timeout_s));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => match s {
                Ok(s) => s,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let Ok((tcp, _)) = accepted else {
            // Out of descriptors, or a connection reset before it was accepted: go on.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let conn = graceful.watch(http.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    expiry.abort();
    // Requests under way finish (a bounded wait); idle connections close at once.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}

/// The registry configured in `config`, opened on a runtime of its own for one command that
/// works on its database directly (no server).
fn open_blocking(config: &Path) -> Result<(tokio::runtime::Runtime, AnyIntake), ServeError> {
    let c = Config::load(config)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Other(e.to_string()))?;
    let intake = rt.block_on(open(&c, intake::system_clock()))?;
    Ok((rt, intake))
}

/// Onboards a station into the registry configured in `config`, directly on its database (for
/// a demo station's embedded registry, and the `registry station add` command). `false` if it
/// was onboarded already with the same key.
pub fn onboard(config: &Path, station: sync::api::NewStation) -> Result<bool, ServeError> {
    let (rt, intake) = open_blocking(config)?;
    rt.block_on(async { with_intake!(&intake, |i| i.add_station(station).await) })
        .map_err(|e| ServeError::Other(e.to_string()))
}

/// Imports a station key file (or its `hukumati-station-key:` text) into the registry
/// configured in `config`, directly on its database (the `registry station import` command):
/// the onboarding it carries, and whether the station is new.
pub fn import_station_key(
    config: &Path,
    input: &[u8],
) -> Result<(sync::onboarding::Onboarding, bool), ServeError> {
    let (rt, intake) = open_blocking(config)?;
    rt.block_on(async { with_intake!(&intake, |i| i.import_station_key(input).await) })
        .map_err(|e| ServeError::Other(e.to_string()))
}

/// A registry running inside another process (a demo station's), on a loopback port.
pub struct Embedded {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Embedded {
    /// Starts the registry configured in `config` on 127.0.0.1 (a free port), on its own thread.
    pub fn start(config: &Path) -> Result<Embedded, ServeError> {
        let c = Config::load(config)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| ServeError::Other(e.to_string()))?;
        let (intake, listener) = rt.block_on(async {
            let intake = open(&c, intake::system_clock()).await?;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| ServeError::Other(e.to_string()))?;
            Ok::<_, ServeError>((intake, listener))
        })?;
        let url = format!(
            "http://{}",
            listener.local_addr().map_err(|e| ServeError::Other(e.to_string()))?
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("embedded-registry".into())
            .spawn(move || {
                let _ = rt.block_on(serve(&intake, listener, async {
                    let _ = rx.await;
                }));
            })
            .map_err(|e| ServeError::Other(e.to_string()))?;
        Ok(Embedded { url, stop: Some(tx), thread: Some(thread) })
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
