//! What the operations team watches: Prometheus metrics (OpenMetrics text) and a health check,
//! served on their own address (`monitoring` in the configuration) apart from the stations' API,
//! and the service's log lines with structured fields (to the journal under systemd). Nothing
//! here holds or logs personal data: station ids, bundle ids, refusal codes, sizes and times.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sync::Code;

use crate::intake::Intake;
use crate::meta::Meta;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StationLabel {
    station: String,
}

/// The registry's metrics, for this process (several processes behind one load balancer are
/// summed by Prometheus).
pub struct Metrics {
    registry: Registry,
    received: Counter,
    refused: Family<CodeLabel, Counter>,
    bytes: Counter,
    upload_seconds: Histogram,
    last_contact: Family<StationLabel, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("hukumati_registry");
        let received = Counter::default();
        registry.register(
            "bundles_received",
            "Bundles received, verified and receipted (each once)",
            received.clone(),
        );
        let refused = Family::<CodeLabel, Counter>::default();
        registry.register(
            "refusals",
            "Requests refused, by refusal code (docs/sync-protocol.md)",
            refused.clone(),
        );
        let bytes = Counter::default();
        registry.register("upload_bytes", "Bundle bytes received in uploads", bytes.clone());
        // 10 ms to about 160 s.
        let upload_seconds = Histogram::new(exponential_buckets(0.01, 2.0, 15));
        registry.register(
            "upload_duration_seconds",
            "Time to answer an upload request (PATCH /v1/uploads/...)",
            upload_seconds.clone(),
        );
        let last_contact = Family::<StationLabel, Gauge>::default();
        registry.register(
            "station_last_contact_seconds",
            "When each station last made an authenticated request to this process (Unix time)",
            last_contact.clone(),
        );
        Metrics { registry, received, refused, bytes, upload_seconds, last_contact }
    }

    /// A bundle received, verified and receipted for the first time.
    pub fn received(&self, station: &str, bundle: &str, bytes: u64) {
        self.received.inc();
        tracing::info!(station, bundle, bytes, "bundle received");
    }

    /// A request refused with `code`.
    pub fn refused(&self, code: Code) {
        self.refused.get_or_create(&CodeLabel { code: code.as_str() }).inc();
    }

    /// A bundle refused after it arrived whole (it failed verification).
    pub fn bundle_refused(&self, station: &str, bundle: &str, code: Code) {
        tracing::warn!(station, bundle, code = code.as_str(), "bundle refused");
    }

    pub fn upload_bytes(&self, n: u64) {
        self.bytes.inc_by(n);
    }

    pub fn upload_took(&self, d: Duration) {
        self.upload_seconds.observe(d.as_secs_f64());
    }

    /// A station authenticated at `now_ms`.
    pub fn contact(&self, station: &str, now_ms: i64) {
        self.last_contact
            .get_or_create(&StationLabel { station: station.to_string() })
            .set(now_ms / 1000);
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String does not fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The monitoring address's routes: `GET /health` (the metadata store answers: 200, else 503)
/// and `GET /metrics`.
pub fn router<M: Meta>(intake: Arc<Intake<M>>) -> Router {
    Router::new()
        .route("/health", get(health::<M>))
        .route("/metrics", get(metrics::<M>))
        .with_state(intake)
}

async fn health<M: Meta>(State(app): State<Arc<Intake<M>>>) -> Response {
    let database = tokio::time::timeout(Duration::from_secs(5), app.meta.version()).await;
    match database {
        Ok(Ok(_)) => Json(serde_json::json!({ "ok": true, "database": "ok" })).into_response(),
        Ok(Err(e)) => unhealthy(e.to_string()),
        Err(_) => unhealthy("no answer within 5 s".into()),
    }
}

fn unhealthy(problem: String) -> Response {
    tracing::error!(problem, "health check failed: the metadata store");
    (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "ok": false, "database": problem })))
        .into_response()
}

async fn metrics<M: Meta>(State(app): State<Arc<Intake<M>>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        app.metrics.encode(),
    )
        .into_response()
}

/// Sends the process's log lines to the journal when systemd runs it (`JOURNAL_STREAM` names the
/// journal as standard error), with their fields as journal fields (`STATION`, `BUNDLE`,
/// `CODE`, ...); otherwise writes them to standard error as `key=value` text.
pub fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("registry", tracing::Level::INFO)
        .with_default(tracing::Level::WARN);
    let journal = if std::env::var_os("JOURNAL_STREAM").is_some() {
        tracing_journald::layer()
            .ok()
            .map(|l| l.with_field_prefix(None).with_syslog_identifier("hukumati-registry".into()))
    } else {
        None
    };
    let text = journal.is_none().then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_ansi(false)
    });
    let _ = tracing_subscriber::registry().with(filter).with(journal).with(text).try_init();
}
