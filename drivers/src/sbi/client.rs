//! Talking to SBI services: discovery over the port range, device information with its signed
//! identity checked, registration capture with every signature and the hash chain checked, and
//! the preview stream.

use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use sha2::{Digest, Sha256};

use super::SbiError;
use super::jws::{self, TrustAnchors};
use super::stream::{self, Frames};
use super::wire::*;

/// The ports SBI services listen on.
pub const PORTS: RangeInclusive<u16> = 4501..=4600;
/// MOSIP's client timeouts: connecting, and answering discovery or device info.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
pub const INFO_TIMEOUT: Duration = Duration::from_secs(5);
/// How long past the capture timeout given to the device the station waits for its answer.
pub const CAPTURE_GRACE: Duration = Duration::from_secs(2);

/// The hash a capture chain starts from: SHA-256 of nothing.
pub fn chain_start() -> String {
    hex::encode_upper(Sha256::digest(b""))
}

/// The next link of a capture chain: SHA-256(previous hash bytes || SHA-256(record)).
pub fn chain_next(previous: &str, record: &[u8]) -> Result<String, SbiError> {
    let prev = hex::decode(previous)
        .map_err(|_| SbiError::Protocol(format!("previous hash {previous:?} is not hex")))?;
    let mut h = Sha256::new();
    h.update(&prev);
    h.update(Sha256::digest(record));
    Ok(hex::encode_upper(h.finalize()))
}

/// A device as its service describes it, with its identity verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub port: u16,
    pub device_id: String,
    pub status: String,
    pub firmware: String,
    pub certification: String,
    pub env: String,
    pub purpose: String,
    pub device_code: String,
    pub sub_ids: Vec<String>,
    pub spec_versions: Vec<String>,
    pub digital_id: DigitalId,
    /// The device key's certificate subject, and the anchor its path ends at.
    pub signer: String,
    pub anchor: String,
    pub signer_fingerprint: String,
    /// The certificate that signed the digital id (the device key, or the FTM's key), by its
    /// SHA-256: every capture's digital id must be signed by it too.
    pub digital_id_signer: String,
}

/// One captured biometric, verified: the record exactly as the device signed it.
#[derive(Debug, Clone)]
pub struct SignedBiometric {
    pub bio_type: String,
    pub bio_sub_type: String,
    pub record: Vec<u8>,
    pub quality: Option<f64>,
    pub requested_score: Option<f64>,
    pub timestamp: String,
    pub digital_id: DigitalId,
    pub signer: String,
    /// The `data` JWS as received: the evidence kept in the bundle.
    pub jws: String,
    pub previous_hash: String,
    pub hash: String,
}

/// An SBI client for the services on one host (127.0.0.1: SBI services bind only there).
#[derive(Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    host: IpAddr,
    anchors: Arc<TrustAnchors>,
    clock: fn() -> i64,
    env: String,
}

/// Two digital ids name the same device: all but the time they were signed.
fn same_device(a: &DigitalId, b: &DigitalId) -> bool {
    DigitalId { date_time: String::new(), ..a.clone() }
        == DigitalId { date_time: String::new(), ..b.clone() }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn method(name: &'static str) -> Method {
    Method::from_bytes(name.as_bytes()).expect("SBI verbs are valid HTTP tokens")
}

impl Client {
    pub fn new(anchors: TrustAnchors) -> Result<Client, SbiError> {
        Self::with_host(IpAddr::from([127, 0, 0, 1]), anchors)
    }

    pub fn with_host(host: IpAddr, anchors: TrustAnchors) -> Result<Client, SbiError> {
        if anchors.is_empty() {
            return Err(SbiError::NoAnchors);
        }
        // SBI is plain HTTP on loopback, but the HTTP client is built with TLS support, which
        // needs a crypto provider (the workspace's is ring).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .no_proxy()
            .pool_max_idle_per_host(2)
            .build()
            .map_err(|e| SbiError::Protocol(format!("HTTP client: {e}")))?;
        Ok(Client {
            http,
            host,
            anchors: Arc::new(anchors),
            clock: unix_now,
            env: "Production".into(),
        })
    }

    /// The SBI environment (Production, Pre-Production, Staging, Developer) devices must be
    /// registered for and captures asked for; Production unless set.
    pub fn with_env(mut self, env: &str) -> Client {
        self.env = env.into();
        self
    }

    /// The SBI environment captures are asked for.
    pub fn env(&self) -> &str {
        &self.env
    }

    fn check_env(&self, found: &str) -> Result<(), SbiError> {
        if found.eq_ignore_ascii_case(&self.env) {
            Ok(())
        } else {
            Err(SbiError::WrongEnv { found: found.into(), expected: self.env.clone() })
        }
    }

    /// Uses `clock` (Unix seconds) to judge certificate validity, for tests of expiry.
    pub fn with_clock(mut self, clock: fn() -> i64) -> Client {
        self.clock = clock;
        self
    }

    fn url(&self, port: u16, path: &str) -> String {
        format!("http://{}:{port}{path}", self.host)
    }

    fn call<T: serde::de::DeserializeOwned>(
        &self,
        port: u16,
        verb: &'static str,
        path: &str,
        body: Option<&impl serde::Serialize>,
        timeout: Duration,
    ) -> Result<T, SbiError> {
        let mut req = self.http.request(method(verb), self.url(port, path)).timeout(timeout);
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(b).map_err(|e| SbiError::Protocol(e.to_string()))?);
        }
        let resp = req.send().map_err(|e| SbiError::from_transport(port, timeout, e))?;
        let status = resp.status();
        let bytes = resp.bytes().map_err(|e| SbiError::from_transport(port, timeout, e))?;
        if !status.is_success() {
            // Services report their errors in the body even with a failing status.
            if let Ok(e) = serde_json::from_slice::<serde_json::Value>(&bytes)
                && let Some(err) =
                    e.get("error").and_then(|v| serde_json::from_value::<WireError>(v.clone()).ok())
                && err.code != 0
            {
                return Err(SbiError::Device { code: err.code, info: err.info });
            }
            return Err(SbiError::Protocol(format!("{verb} {path} answered HTTP {status}")));
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| SbiError::Protocol(format!("{verb} {path}: {e}")))
    }

    /// MOSIPDISC on one port: the devices of `kind` ("Biometric Device" for all, or "Finger",
    /// "Iris", "Face").
    pub fn discover_port(&self, port: u16, kind: &str) -> Result<Vec<Discovered>, SbiError> {
        self.call(
            port,
            "MOSIPDISC",
            "/device",
            Some(&serde_json::json!({ "type": kind })),
            INFO_TIMEOUT,
        )
    }

    /// Scans `ports` (in parallel; closed ports answer at once on loopback) and returns the ports
    /// where a service answered, with what it listed.
    pub fn discover(&self, ports: RangeInclusive<u16>, kind: &str) -> Vec<(u16, Vec<Discovered>)> {
        let ports: Vec<u16> = ports.collect();
        let mut found = Vec::new();
        std::thread::scope(|s| {
            let workers: Vec<_> = ports
                .chunks(10)
                .map(|chunk| {
                    s.spawn(move || {
                        chunk
                            .iter()
                            .filter_map(|p| self.discover_port(*p, kind).ok().map(|d| (*p, d)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for w in workers {
                if let Ok(mut f) = w.join() {
                    found.append(&mut f);
                }
            }
        });
        found.sort_by_key(|(p, _)| *p);
        found
    }

    /// MOSIPDINFO: every device of the service on `port`, each with its signed identity checked.
    /// A device whose identity fails the checks is returned as its error.
    pub fn info(&self, port: u16) -> Result<Vec<Result<Identity, SbiError>>, SbiError> {
        let entries: Vec<InfoEntry> =
            self.call(port, "MOSIPDINFO", "/info", None::<&()>, INFO_TIMEOUT)?;
        Ok(entries.into_iter().map(|e| self.identity(port, e)).collect())
    }

    fn identity(&self, port: u16, entry: InfoEntry) -> Result<Identity, SbiError> {
        if let Some(err) = entry.error.as_ref().filter(|e| e.code != 0) {
            return Err(SbiError::Device { code: err.code, info: err.info.clone() });
        }
        if entry.device_info.matches('.').count() != 2 {
            // An unsigned (base64url) payload: the device is not registered.
            return Err(SbiError::Device {
                code: 100,
                info: "the device information is not signed: the device is not registered".into(),
            });
        }
        let now = (self.clock)();
        let info = jws::verify(&entry.device_info, &self.anchors, now)?;
        let signed: SignedInfo = serde_json::from_slice(&info.payload)
            .map_err(|e| SbiError::Protocol(format!("device information: {e}")))?;
        let digital = jws::verify(&signed.digital_id, &self.anchors, now)?;
        let digital_id: DigitalId = serde_json::from_slice(&digital.payload)
            .map_err(|e| SbiError::Protocol(format!("digital id: {e}")))?;
        self.check_env(&signed.env)?;
        Ok(Identity {
            port,
            device_id: signed.device_id,
            status: signed.device_status,
            firmware: signed.firmware,
            certification: signed.certification,
            env: signed.env,
            purpose: signed.purpose,
            device_code: signed.device_code,
            sub_ids: signed.device_sub_id,
            spec_versions: signed.spec_version,
            digital_id,
            signer: info.signer,
            anchor: info.anchor,
            signer_fingerprint: info.signer_fingerprint,
            digital_id_signer: digital.signer_fingerprint,
        })
    }

    /// RCAPTURE from the device `device` identified: captures as `request` asks and checks
    /// every answer: the device's error code, the JWS and its certificate path, that the same
    /// device key signed it and the same key its digital id as when the device was identified,
    /// that the digital id names the same device, the environment, the transaction id, the
    /// purpose, the modality, and the hash chain from the request's previous hash.
    pub fn capture(
        &self,
        device: &Identity,
        request: &CaptureRequest,
    ) -> Result<Vec<SignedBiometric>, SbiError> {
        let port = device.port;
        let wait = Duration::from_millis(request.timeout) + CAPTURE_GRACE;
        let answer: CaptureResponse =
            self.call(port, "RCAPTURE", "/capture", Some(request), wait)?;
        let first = request
            .bio
            .first()
            .ok_or_else(|| SbiError::Protocol("a capture request needs one bio entry".into()))?;
        let mut previous = if first.previous_hash.is_empty() {
            chain_start()
        } else {
            first.previous_hash.clone()
        };
        let now = (self.clock)();
        let mut out = Vec::new();
        for entry in answer.biometrics {
            if let Some(err) = entry.error.as_ref().filter(|e| e.code != 0) {
                return Err(SbiError::Device { code: err.code, info: err.info.clone() });
            }
            let verified = jws::verify(&entry.data, &self.anchors, now)?;
            let data: CaptureData = serde_json::from_slice(&verified.payload)
                .map_err(|e| SbiError::Protocol(format!("capture data: {e}")))?;
            let digital = jws::verify(&data.digital_id, &self.anchors, now)?;
            let digital_id: DigitalId = serde_json::from_slice(&digital.payload)
                .map_err(|e| SbiError::Protocol(format!("digital id: {e}")))?;
            if verified.signer_fingerprint != device.signer_fingerprint {
                return Err(SbiError::NotTheDevice(format!(
                    "the capture is signed by {:?}, the device identified itself with the key of {:?}",
                    verified.signer, device.signer
                )));
            }
            if digital.signer_fingerprint != device.digital_id_signer
                || !same_device(&digital_id, &device.digital_id)
            {
                return Err(SbiError::NotTheDevice(format!(
                    "the capture names device {} {} serial {:?}, the device identified is {} {} serial {:?}",
                    digital_id.make,
                    digital_id.model,
                    digital_id.serial_no,
                    device.digital_id.make,
                    device.digital_id.model,
                    device.digital_id.serial_no
                )));
            }
            self.check_env(&data.env)?;
            if data.transaction_id != request.transaction_id {
                return Err(SbiError::Protocol(format!(
                    "the capture answers transaction {:?}, not {:?}",
                    data.transaction_id, request.transaction_id
                )));
            }
            if !data.purpose.eq_ignore_ascii_case(&request.purpose) {
                return Err(SbiError::Protocol(format!(
                    "the capture is for {:?}, not {:?}",
                    data.purpose, request.purpose
                )));
            }
            if !data.bio_type.eq_ignore_ascii_case(&first.kind) {
                return Err(SbiError::Protocol(format!(
                    "asked for {}, the device returned {}",
                    first.kind, data.bio_type
                )));
            }
            let record = URL_SAFE_NO_PAD
                .decode(data.bio_value.trim_end_matches('='))
                .map_err(|e| SbiError::Protocol(format!("bioValue: {e}")))?;
            let expected = chain_next(&previous, &record)?;
            if !entry.hash.eq_ignore_ascii_case(&expected) {
                return Err(SbiError::BrokenChain {
                    sub_type: data.bio_sub_type,
                    expected,
                    found: entry.hash,
                });
            }
            out.push(SignedBiometric {
                bio_type: data.bio_type,
                bio_sub_type: data.bio_sub_type,
                record,
                quality: data.quality_score,
                requested_score: data.requested_score,
                timestamp: data.timestamp,
                digital_id,
                signer: verified.signer,
                jws: entry.data,
                previous_hash: std::mem::replace(&mut previous, expected.clone()),
                hash: expected,
            });
        }
        Ok(out)
    }

    /// STREAM: the preview of one device for `timeout`, as JPEG frames.
    pub fn stream(
        &self,
        port: u16,
        device_id: &str,
        sub_id: &str,
        timeout: Duration,
    ) -> Result<Frames<reqwest::blocking::Response>, SbiError> {
        let body = StreamRequest {
            device_id: device_id.into(),
            device_sub_id: sub_id.into(),
            timeout: timeout.as_millis() as u64,
        };
        let resp = self
            .http
            .request(method("STREAM"), self.url(port, "/stream"))
            .timeout(timeout + CAPTURE_GRACE)
            .header("Content-Type", "application/json")
            .body(serde_json::to_vec(&body).map_err(|e| SbiError::Protocol(e.to_string()))?)
            .send()
            .map_err(|e| SbiError::from_transport(port, timeout, e))?;
        if !resp.status().is_success() {
            return Err(SbiError::Device {
                code: 106,
                info: format!("STREAM answered HTTP {}", resp.status()),
            });
        }
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let b = stream::boundary(&ct).map_err(|e| SbiError::Protocol(e.to_string()))?;
        Ok(Frames::new(resp, &b))
    }
}
