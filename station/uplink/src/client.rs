//! The station's HTTP client for the registry (reqwest, rustls): every request signed with the
//! station's key (a request token, [`sync::token`]), every answer the station relies on checked
//! (master data against the pinned root key, receipts and status pages against the receipt
//! keys). Uploads resume from the registry's offset and respect the bandwidth limit.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::blocking::{Client as Http, RequestBuilder, Response};
use sync::Code;
use sync::api::{self, AnnounceResponse, Answer, Refusal, b64, unb64};
use sync::master::MasterData;
use sync::token::RequestLine;

use station_text::messages::{Explain, Message};

use super::outbox::SyncIdentity;

/// Why a sync step failed.
#[derive(Debug, thiserror::Error)]
pub enum UplinkError {
    /// The link: no answer, a cut connection, a timeout, a 503. Worth trying again.
    #[error("the registry could not be reached: {0}")]
    Network(String),
    /// The registry refused, with its reason.
    #[error("the registry refused: {}: {}", .0.code.as_str(), .0.detail)]
    Refused(Refusal),
    /// An answer that is not what the protocol says, or does not verify.
    #[error("the registry's answer is not valid: {0}")]
    Protocol(String),
    #[error("sync is not set up: {0}")]
    NotConfigured(&'static str),
    /// The registry's address may not be used by this station.
    #[error("the registry's address is refused: {0}")]
    Address(String),
    /// The registry's signed master data says this station is revoked: it enrolls no one.
    #[error("the registry has revoked this station (signed master data): it may not enroll")]
    Revoked,
    #[error(transparent)]
    Station(#[from] station_core::station::CoreError),
}

impl UplinkError {
    /// Worth trying again later, the same way.
    pub(crate) fn transient(&self) -> bool {
        matches!(self, UplinkError::Network(_))
            || matches!(self, UplinkError::Refused(r) if matches!(r.code, Code::Unavailable | Code::Busy | Code::StaleToken | Code::ReplayedRequest | Code::OffsetMismatch))
    }
}

impl Explain for UplinkError {
    fn explain(&self) -> Message {
        match self {
            UplinkError::Network(d) => Message::new("uplink-network").detail(d),
            UplinkError::Refused(r) => Message::new("uplink-refused")
                .nested("reason", Message::new(format!("code-{}", r.code.as_str())))
                .detail(&r.detail),
            UplinkError::Protocol(d) => Message::new("uplink-protocol").detail(d),
            UplinkError::NotConfigured(d) => Message::new("uplink-not-configured").detail(d),
            UplinkError::Address(d) => Message::new("uplink-address").detail(d),
            UplinkError::Revoked => Message::new("station-revoked"),
            UplinkError::Station(e) => e.explain(),
        }
    }
}

fn net(e: reqwest::Error) -> UplinkError {
    UplinkError::Network(e.to_string())
}

/// The most an answer of the registry may hold: the largest is master data (a few hundred
/// kilobytes for a big registry) or a status page of 200 events.
pub const MAX_ANSWER: u64 = 8 << 20;

/// An answer's body, read up to [`MAX_ANSWER`] bytes: a registry (or whoever answers in its
/// place) that sends more is refused, not read to the end.
fn body_of(r: Response) -> Result<Vec<u8>, UplinkError> {
    if r.content_length().is_some_and(|n| n > MAX_ANSWER) {
        return Err(UplinkError::Protocol(format!(
            "an answer of {} bytes, above the {MAX_ANSWER} the station reads",
            r.content_length().unwrap_or_default()
        )));
    }
    let mut out = Vec::new();
    r.take(MAX_ANSWER + 1)
        .read_to_end(&mut out)
        .map_err(|e| UplinkError::Network(e.to_string()))?;
    if out.len() as u64 > MAX_ANSWER {
        return Err(UplinkError::Protocol(format!(
            "an answer above the {MAX_ANSWER} bytes the station reads"
        )));
    }
    Ok(out)
}

fn json_of<T: serde::de::DeserializeOwned>(r: Response) -> Result<T, UplinkError> {
    serde_json::from_slice(&body_of(r)?).map_err(|e| UplinkError::Protocol(e.to_string()))
}

/// The end of an upload request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploaded {
    /// The registry holds this much; send the rest.
    Partial(u64),
    /// Complete: the receipt (not yet verified).
    Done(Vec<u8>),
}

/// A body that reads `data` from a position, no faster than `limit` bytes a second, and tells
/// `progress` how far it got.
struct Throttled {
    data: Arc<Vec<u8>>,
    pos: usize,
    start_pos: usize,
    limit: Option<u64>,
    started: Instant,
    progress: Arc<dyn Fn(u64) + Send + Sync>,
}

impl Read for Throttled {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.data.len() {
            return Ok(0);
        }
        let mut n = (self.data.len() - self.pos).min(buf.len()).min(16 * 1024);
        if let Some(limit) = self.limit.filter(|l| *l > 0) {
            n = n.min((limit as usize / 8).max(512));
            // Where the bytes sent so far may be by now; wait until then.
            let due =
                Duration::from_secs_f64((self.pos - self.start_pos + n) as f64 / limit as f64);
            let elapsed = self.started.elapsed();
            if due > elapsed {
                std::thread::sleep(due - elapsed);
            }
        }
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        (self.progress)(self.pos as u64);
        Ok(n)
    }
}

/// The client of one station.
pub struct Client {
    http: Http,
    base: String,
    id: SyncIdentity,
    root: schemas::VerifyingKey,
    /// Bytes a second, for uploads; `None` for no limit.
    pub limit: Option<u64>,
    clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// How far the registry's clock is ahead of `clock` (ms): request tokens carry the
    /// registry's time, so a station whose clock is off still syncs (and is told).
    skew_ms: AtomicI64,
}

impl Client {
    pub fn new(
        base: &str,
        id: SyncIdentity,
        root: schemas::VerifyingKey,
        limit: Option<u64>,
        clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    ) -> Result<Client, UplinkError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = Http::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .tcp_keepalive(Duration::from_secs(30))
            .user_agent(concat!("hukumati-station/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(net)?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            id,
            root,
            limit,
            clock,
            skew_ms: AtomicI64::new(0),
        })
    }

    /// Signs requests from now on with the station's clock corrected by `ms`.
    pub fn set_skew(&self, ms: i64) {
        self.skew_ms.store(ms, Ordering::SeqCst);
    }

    /// The correction in use (registry minus station, ms).
    pub fn skew(&self) -> i64 {
        self.skew_ms.load(Ordering::SeqCst)
    }

    /// The client's own clock, uncorrected (ms).
    pub fn clock_ms(&self) -> i64 {
        (self.clock)()
    }

    /// The station's time as the registry would read it (ms).
    fn registry_now(&self) -> i64 {
        (self.clock)().saturating_add(self.skew())
    }

    pub fn identity(&self) -> &SyncIdentity {
        &self.id
    }

    fn request(&self, method: Method, path: &str, body: Option<&[u8]>) -> RequestBuilder {
        let line =
            RequestLine { method: method.as_str(), path, body_sha256: body.map(sync::sha256) };
        let token =
            sync::token::make(&self.id.station_id, &self.id.key, &line, self.registry_now() / 1000);
        self.http.request(method, format!("{}{path}", self.base)).header("authorization", token)
    }

    /// A refusal from a non-success answer (its JSON body, or the status alone).
    fn refusal(r: Response) -> UplinkError {
        let status = r.status();
        if status == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            return UplinkError::Network(format!("the registry answered {status}"));
        }
        match json_of::<Refusal>(r) {
            Ok(refusal) => UplinkError::Refused(refusal),
            Err(_) => UplinkError::Protocol(format!("HTTP {status} without a reason")),
        }
    }

    fn json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, UplinkError> {
        let bound = body.clone().unwrap_or_default();
        let send = || {
            let mut rq = self.request(method.clone(), path, Some(&bound));
            if let Some(b) = &body {
                rq = rq.header("content-type", "application/json").body(b.clone());
            }
            rq.send().map_err(net)
        };
        let mut r = send()?;
        if !r.status().is_success() {
            // A token outside the registry's window: its answer's Date says the registry's time.
            // That unsigned time only makes the next token acceptable; what the station trusts
            // about time comes from signed master data.
            let date = http_date_ms(&r);
            let refusal = Self::refusal(r);
            let stale = matches!(&refusal, UplinkError::Refused(f) if f.code == Code::StaleToken);
            match date.filter(|_| stale) {
                Some(registry_ms) => {
                    self.set_skew(registry_ms + 500 - (self.clock)());
                    r = send()?;
                    if !r.status().is_success() {
                        return Err(Self::refusal(r));
                    }
                }
                None => return Err(refusal),
            }
        }
        json_of(r)
    }

    /// The station's master data, verified with the pinned root key.
    pub fn master_data(&self) -> Result<MasterData, UplinkError> {
        let s: api::Signed = self.json(Method::GET, api::MASTER_DATA, None)?;
        let bytes = unb64(&s.signed).map_err(UplinkError::Protocol)?;
        MasterData::open(&bytes, &self.root).map_err(|e| UplinkError::Protocol(e.to_string()))
    }

    pub fn register_operator(
        &self,
        username: &str,
        role: &str,
        ed25519: &str,
    ) -> Result<(), UplinkError> {
        let body = serde_json::to_vec(&api::OperatorRegistration {
            username: username.into(),
            role: role.into(),
            ed25519: ed25519.into(),
        })
        .expect("json");
        let r = self
            .request(Method::POST, api::OPERATORS, Some(&body))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .map_err(net)?;
        if r.status().is_success() { Ok(()) } else { Err(Self::refusal(r)) }
    }

    /// Announces signed tickets; one answer each, in order.
    pub fn announce(&self, signed_tickets: &[Vec<u8>]) -> Result<Vec<Answer>, UplinkError> {
        let body = serde_json::to_vec(&api::AnnounceRequest {
            tickets: signed_tickets.iter().map(|t| b64(t)).collect(),
        })
        .expect("json");
        let r: AnnounceResponse = self.json(Method::POST, api::ANNOUNCE, Some(body))?;
        if r.answers.len() != signed_tickets.len() {
            return Err(UplinkError::Protocol(format!(
                "{} answers to {} tickets",
                r.answers.len(),
                signed_tickets.len()
            )));
        }
        Ok(r.answers)
    }

    /// How many bytes of a bundle the registry holds.
    pub fn offset(&self, sha: &[u8; 32]) -> Result<u64, UplinkError> {
        let path = api::upload_path(sha);
        let r = self.request(Method::HEAD, &path, Some(b"")).send().map_err(net)?;
        if !r.status().is_success() {
            return Err(UplinkError::Refused(Refusal {
                code: if r.status() == 404 { Code::UnknownUpload } else { Code::BadRequest },
                detail: format!("HEAD {path}: {}", r.status()),
            }));
        }
        header_u64(&r, api::UPLOAD_OFFSET)
            .ok_or_else(|| UplinkError::Protocol("no Upload-Offset".into()))
    }

    /// Sends a bundle from `from` in one request; `progress` hears the position reached.
    pub fn upload(
        &self,
        sha: &[u8; 32],
        bundle: Arc<Vec<u8>>,
        from: u64,
        progress: Arc<dyn Fn(u64) + Send + Sync>,
    ) -> Result<Uploaded, UplinkError> {
        let path = api::upload_path(sha);
        // An offset past the end (a registry's answer) is not a place to send from.
        let len = (bundle.len() as u64).checked_sub(from).ok_or_else(|| {
            UplinkError::Protocol(format!(
                "the registry asks for bytes from {from} of a bundle of {}",
                bundle.len()
            ))
        })?;
        let body = Throttled {
            data: bundle,
            pos: from as usize,
            start_pos: from as usize,
            limit: self.limit,
            started: Instant::now(),
            progress,
        };
        // A slow link may take long: a minute, plus the time the bytes need at 16 kB/s (or the limit).
        let secs = 60 + len / self.limit.unwrap_or(16_000).clamp(1, 16_000);
        let r = self
            .request(Method::PATCH, &path, None)
            .timeout(Duration::from_secs(secs))
            .header("content-type", api::OFFSET_OCTET_STREAM)
            .header(api::TUS_RESUMABLE, api::TUS_VERSION)
            .header(api::UPLOAD_OFFSET, from.to_string())
            .body(reqwest::blocking::Body::sized(body, len))
            .send()
            .map_err(net)?;
        match r.status().as_u16() {
            200 => {
                let done: api::UploadDone = json_of(r)?;
                Ok(Uploaded::Done(unb64(&done.receipt).map_err(UplinkError::Protocol)?))
            }
            204 => Ok(Uploaded::Partial(
                header_u64(&r, api::UPLOAD_OFFSET)
                    .ok_or_else(|| UplinkError::Protocol("no Upload-Offset".into()))?,
            )),
            409 if header_u64(&r, api::UPLOAD_OFFSET).is_some() => {
                Ok(Uploaded::Partial(header_u64(&r, api::UPLOAD_OFFSET).unwrap_or(0)))
            }
            _ => Err(Self::refusal(r)),
        }
    }

    /// A page of the status feed after `after`, verified.
    pub fn status(
        &self,
        keys: &[sync::master::KeyInfo],
        after: u64,
    ) -> Result<sync::status::StatusPage, UplinkError> {
        let s: api::Signed =
            self.json(Method::GET, &format!("{}?after={after}", api::STATUS), None)?;
        let bytes = unb64(&s.signed).map_err(UplinkError::Protocol)?;
        sync::status::StatusPage::open(&bytes, keys, &self.id.station_id, after)
            .map_err(|e| UplinkError::Protocol(e.to_string()))
    }
}

/// The answer's `Date` header (RFC 9110 IMF-fixdate), in ms since the epoch.
fn http_date_ms(r: &Response) -> Option<i64> {
    parse_http_date(r.headers().get("date")?.to_str().ok()?)
}

fn parse_http_date(text: &str) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc2822).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn header_u64(r: &Response, name: &str) -> Option<u64> {
    r.headers().get(name)?.to_str().ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registrys_date_header_is_read_and_nonsense_is_not() {
        assert_eq!(parse_http_date("Sun, 06 Dec 2026 08:42:11 GMT"), Some(1_796_546_531_000));
        for bad in ["", "yesterday", "Sun, 06 Dec 2026 25:42:11 GMT", "1796546531"] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_upload_body_keeps_to_the_bandwidth_limit_and_reports_its_position() {
        let data = Arc::new(vec![7u8; 120_000]);
        let seen = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let s2 = seen.clone();
        let mut body = Throttled {
            data,
            pos: 20_000,
            start_pos: 20_000,
            limit: Some(200_000),
            started: Instant::now(),
            progress: Arc::new(move |p| s2.store(p, std::sync::atomic::Ordering::SeqCst)),
        };
        let t = Instant::now();
        let mut out = Vec::new();
        body.read_to_end(&mut out).unwrap();
        let took = t.elapsed().as_secs_f64();
        // 100,000 bytes at 200,000 bytes a second: half a second, not much less.
        assert_eq!(out.len(), 100_000);
        assert!(took >= 0.45, "{took} s");
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 120_000);
        // Without a limit it is immediate.
        let mut free = Throttled {
            data: Arc::new(vec![1u8; 1_000_000]),
            pos: 0,
            start_pos: 0,
            limit: None,
            started: Instant::now(),
            progress: Arc::new(|_| {}),
        };
        let t = Instant::now();
        std::io::copy(&mut free, &mut std::io::sink()).unwrap();
        assert!(t.elapsed().as_secs_f64() < 0.2);
    }
}
