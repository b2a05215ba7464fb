//! Importing bundles a station exported to removable media (layout in [`sync::media`]): each
//! ticket goes through the same announce and upload as over the network, and each receipt is
//! written back beside the bundle for the station to pick up.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use sync::Code;
use sync::api::{Action, AnnounceRequest, b64, unb64};

use crate::error::ApiError;
use crate::intake::{Intake, UploadOutcome};
use crate::meta::Meta;

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ImportReport {
    /// Bundle ids received (or already held), with a receipt written.
    pub received: Vec<String>,
    /// Bundle ids (or ticket files) refused, with why.
    pub refused: Vec<(String, Code, String)>,
}

fn media(e: sync::media::MediaError) -> ApiError {
    ApiError::new(Code::BadRequest, e.to_string())
}

/// Imports every station folder under `dir/hukumati-export`.
pub async fn import<M: Meta>(
    intake: &Arc<Intake<M>>,
    dir: &Path,
) -> Result<ImportReport, ApiError> {
    // Whoever wrote the stick may be hostile: no link is followed, no special file opened, no
    // file larger than its kind may be is read, and the registry writes only new regular files
    // (the master data, receipts) after what it read was verified.
    let root = dir.join(sync::media::ROOT);
    let mut report = ImportReport::default();
    let stations = sync::media::list(dir, &root, true, "").map_err(media)?;
    for sdir in stations {
        let Some(station_id) = sdir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        let tickets = match sync::media::list(dir, &sdir.join("tickets"), false, "ticket") {
            Ok(t) => t,
            Err(e) => {
                report.refused.push((sdir.display().to_string(), Code::BadRequest, e.to_string()));
                continue;
            }
        };
        let Some(station) = intake.meta.station(&station_id).await? else {
            for t in tickets {
                report.refused.push((
                    t.display().to_string(),
                    Code::UnknownStation,
                    format!("no station {station_id} is onboarded"),
                ));
            }
            continue;
        };
        // The station's operators first: their bundles are verified against them.
        let opath = sync::media::operators_path(dir, &station.id);
        if let Some(bytes) =
            read_or_report(dir, &opath, sync::media::MAX_SIGNED, "operator list", &mut report)
        {
            let key = schemas::VerifyingKey::from_bytes(&station.ed25519)
                .map_err(|e| ApiError::new(Code::Unavailable, e.to_string()))?;
            match sync::media::OperatorList::open(&bytes, &station.id, &key) {
                Ok(list) => {
                    for op in list.operators {
                        if let Err(e) = intake.register_operator(&station, op.clone()).await {
                            report.refused.push((
                                format!("operator {}", op.username),
                                e.code,
                                e.detail,
                            ));
                        }
                    }
                }
                Err(e) => report.refused.push((
                    opath.display().to_string(),
                    Code::BadTicket,
                    e.to_string(),
                )),
            }
        }
        for tpath in tickets {
            let Some(signed) =
                read_or_report(dir, &tpath, sync::media::MAX_TICKET, "ticket", &mut report)
            else {
                continue;
            };
            let answer = match intake
                .announce(&station, AnnounceRequest { tickets: vec![b64(&signed)] })
                .await
            {
                Ok(mut r) => r.answers.remove(0),
                Err(e) => {
                    report.refused.push((tpath.display().to_string(), e.code, e.detail));
                    continue;
                }
            };
            let receipt = match answer.action {
                Action::Have => answer.receipt.as_deref().and_then(|r| unb64(r).ok()),
                Action::Refused => {
                    let r = answer.refusal.unwrap_or(sync::api::Refusal {
                        code: Code::BadTicket,
                        detail: String::new(),
                    });
                    report.refused.push((answer.bundle_id, r.code, r.detail));
                    continue;
                }
                Action::Send => {
                    let Some(bpath) = sync::media::bundle_for_ticket(&tpath) else { continue };
                    let max = intake.limits.max_bundle_bytes;
                    let Some(bytes) = read_or_report(dir, &bpath, max, "bundle", &mut report)
                    else {
                        continue;
                    };
                    let offset = answer.offset.unwrap_or(0) as usize;
                    if offset > bytes.len() {
                        report.refused.push((
                            answer.bundle_id,
                            Code::SizeMismatch,
                            format!("{} is shorter than the registry's copy", bpath.display()),
                        ));
                        continue;
                    }
                    let sha = sync::sha256(&bytes);
                    let chunk: Result<Bytes, std::io::Error> =
                        Ok(Bytes::from(bytes).slice(offset..));
                    match intake
                        .upload(&station, sha, offset as u64, futures_util::stream::iter([chunk]))
                        .await
                    {
                        Ok(UploadOutcome::Done { receipt }) => Some(receipt),
                        Ok(UploadOutcome::Partial { .. }) => None,
                        Err(e) => {
                            report.refused.push((answer.bundle_id, e.code, e.detail));
                            continue;
                        }
                    }
                }
            };
            if let Some(r) = receipt {
                let rpath = sync::media::receipt_path(dir, &station.id, &answer.bundle_id);
                sync::media::write_new(dir, &rpath, &r).map_err(media)?;
                report.received.push(answer.bundle_id);
            }
        }
        // The master data goes back with the receipts: the station verifies them with its keys.
        let mpath = sync::media::master_data_path(dir, &station.id);
        sync::media::write_new(dir, &mpath, &intake.master_data(&station).await?).map_err(media)?;
    }
    Ok(report)
}

/// Reads a file of the stick, or reports why not (a missing operator list is no refusal).
fn read_or_report(
    dir: &Path,
    path: &Path,
    max: u64,
    what: &'static str,
    report: &mut ImportReport,
) -> Option<Vec<u8>> {
    match sync::media::read(dir, path, max, what) {
        Ok(b) => Some(b),
        Err(e) if e.is_missing() && what == "operator list" => None,
        Err(e) => {
            report.refused.push((path.display().to_string(), Code::BadRequest, e.to_string()));
            None
        }
    }
}
