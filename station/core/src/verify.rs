//! Opening a sealed bundle and reporting every check, for `station bundle verify` and support.

use std::path::Path;

use schemas::bundle::{self, Check, Opened, Trust};
use schemas::decision;
use schemas::manifest::SignerRole;
use serde::Serialize;
use serde_json::{Value, json};

use station_text::messages::{self, Bilingual};

/// Keys pinned from a `signers.json` file: `{"station": HEX, "operator": HEX, "supervisor": HEX}`.
#[derive(Debug, Default, Clone)]
pub struct PinnedKeys {
    pub trust: Trust,
    pub supervisor: Option<schemas::VerifyingKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {problem}")]
    File { path: String, problem: String },
}

impl messages::Explain for InputError {
    fn explain(&self) -> messages::Message {
        let InputError::File { path, problem } = self;
        messages::Message::new("input-file").with("path", path).detail(problem)
    }
}

fn file_err(path: &Path, problem: impl ToString) -> InputError {
    InputError::File { path: path.display().to_string(), problem: problem.to_string() }
}

impl PinnedKeys {
    pub fn from_file(path: &Path) -> Result<Self, InputError> {
        let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
        let v: Value = serde_json::from_str(&text).map_err(|e| file_err(path, e))?;
        let key = |role: &str| -> Result<Option<schemas::VerifyingKey>, InputError> {
            match v.get(role) {
                None => Ok(None),
                Some(Value::String(h)) => schemas::keys::parse_public_key(h)
                    .map(Some)
                    .map_err(|e| file_err(path, format!("{role}: {e}"))),
                Some(_) => Err(file_err(path, format!("{role}: expected a hex string"))),
            }
        };
        Ok(PinnedKeys {
            trust: Trust { station: key("station")?, operator: key("operator")? },
            supervisor: key("supervisor")?,
        })
    }
}

#[derive(Serialize)]
struct SampleLine {
    position: schemas::manifest::Position,
    modality: schemas::manifest::Modality,
    payload: Option<u32>,
    bytes: Option<u64>,
    quality: Option<u8>,
    quality_algorithm: Option<String>,
    retries: u8,
    forced: bool,
    exception: Option<String>,
    device: Option<String>,
}

fn ms(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| t.to_string())
}

/// Outcome of a verification: the JSON report, and whether everything passed.
pub struct Verification {
    pub ok: bool,
    pub report: Value,
    pub opened: Option<Opened>,
}

fn failure(checks: Vec<Check>, error: Bilingual) -> Verification {
    Verification {
        ok: false,
        report: json!({ "ok": false, "error": error, "checks": checks }),
        opened: None,
    }
}

/// Opens `bundle` with `identity_file`, verifies everything (optionally the decision statement and
/// pinned keys), decodes every record when `decode_images`, and builds the report.
pub fn bundle(
    bundle_path: &Path,
    identity_file: &Path,
    pinned: &PinnedKeys,
    decision_file: Option<&Path>,
    decode_images: bool,
) -> Result<Verification, InputError> {
    let identity_text =
        std::fs::read_to_string(identity_file).map_err(|e| file_err(identity_file, e))?;
    let identities = schemas::keys::parse_identity_file(&identity_text)
        .map_err(|e| file_err(identity_file, e))?;
    let file = std::fs::File::open(bundle_path).map_err(|e| file_err(bundle_path, e))?;
    let opened = match bundle::open(std::io::BufReader::new(file), &identities, &pinned.trust) {
        Ok(o) => o,
        Err(e) => return Ok(failure(vec![], crate::explain::bundle(&e).both())),
    };
    let mut checks = opened.checks.clone();
    let records = match opened.check_records(decode_images) {
        Ok(r) => r,
        Err(e) => return Ok(failure(checks, crate::explain::bundle(&e).both())),
    };
    checks.push(Check {
        name: "iso records".into(),
        ok: true,
        detail: format!(
            "{} records parsed{}; modality, position and quality match the manifest",
            records.len(),
            if decode_images {
                " and their JPEG 2000 images decoded at the stated size"
            } else {
                ""
            }
        ),
    });
    let mut decision_json = Value::Null;
    if let Some(path) = decision_file {
        let bytes = std::fs::read(path).map_err(|e| file_err(path, e))?;
        match decision::verify(
            &bytes,
            &opened.manifest,
            &opened.manifest_sha256,
            pinned.supervisor.as_ref(),
        ) {
            Ok(d) => {
                checks.push(Check {
                    name: "supervisor decision".into(),
                    ok: true,
                    detail: format!(
                        "{:?} by {}, bound to this manifest",
                        d.verdict, d.supervisor_id
                    ),
                });
                decision_json = json!({ "verdict": d.verdict, "reason": d.reason, "supervisor": d.supervisor_id, "decided_at": ms(d.decided_at) });
            }
            Err(e) => {
                return Ok(failure(
                    checks,
                    Bilingual {
                        ar: format!("قرار المشرف غير صالح: {e}"), en: e.to_string()
                    },
                ));
            }
        }
    }
    let m = &opened.manifest;
    let samples: Vec<SampleLine> = m
        .samples
        .iter()
        .map(|s| SampleLine {
            position: s.position,
            modality: s.modality,
            payload: s.payload,
            bytes: s.payload.map(|p| m.payloads[p as usize].length),
            quality: s.quality.as_ref().map(|q| q.score),
            quality_algorithm: s.quality.as_ref().map(|q| q.algorithm.clone()),
            retries: s.retries,
            forced: s.forced,
            exception: s.exception.as_ref().map(|e| format!("{:?}: {}", e.kind, e.reason)),
            device: s
                .device
                .as_ref()
                .map(|d| format!("{:?} {} {} ({})", d.kind, d.make, d.model, d.serial)),
        })
        .collect();
    let signer =
        |role| m.signer(role).map(|s| json!({ "id": s.id, "ed25519": hex::encode(*s.ed25519) }));
    let report = json!({
        "ok": true,
        "bundle_id": m.bundle_id,
        "schema": m.schema,
        "station": { "id": m.station.id, "sequence": m.station.sequence, "centre": m.station.centre },
        "operator": m.operator_id,
        "signers": { "station": signer(SignerRole::Station), "operator": signer(SignerRole::Operator) },
        "keys_pinned": { "station": pinned.trust.station.is_some(), "operator": pinned.trust.operator.is_some() },
        "times": { "capture_started_at": ms(m.times.capture_started_at), "capture_ended_at": ms(m.times.capture_ended_at), "signed_at": ms(m.times.signed_at), "registry_vouched_at": m.times.registry_vouched_at.map(ms) },
        "manifest_sha256": hex::encode(opened.manifest_sha256),
        "samples": samples,
        "records": records.iter().map(|(r, _)| r).collect::<Vec<_>>(),
        "documents": m.documents.iter().map(|d| json!({ "kind": d.kind, "issuing_state": d.issuing_state, "images": d.images.iter().map(|i| json!({"payload": i, "kind": m.payloads[*i as usize].kind.name(), "bytes": m.payloads[*i as usize].length})).collect::<Vec<_>>() })).collect::<Vec<_>>(),
        "decision": decision_json,
        "checks": checks,
    });
    Ok(Verification { ok: true, report, opened: Some(opened) })
}
