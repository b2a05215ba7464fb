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

fn io(p: &Path, e: std::io::Error) -> ApiError {
    ApiError::new(Code::BadRequest, format!("{}: {e}", p.display()))
}

/// Imports every station folder under `dir/hukumati-export`.
pub async fn import<M: Meta>(
    intake: &Arc<Intake<M>>,
    dir: &Path,
) -> Result<ImportReport, ApiError> {
    let root = dir.join(sync::media::ROOT);
    let mut report = ImportReport::default();
    let mut stations: Vec<_> = std::fs::read_dir(&root)
        .map_err(|e| io(&root, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    stations.sort();
    for sdir in stations {
        let Some(station_id) = sdir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        let tdir = sdir.join("tickets");
        let mut tickets: Vec<_> = match std::fs::read_dir(&tdir) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ticket"))
                .collect(),
            Err(_) => continue,
        };
        tickets.sort();
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
        if let Ok(bytes) = std::fs::read(&opath) {
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
        // The master data goes back with the receipts: the station verifies them with its keys.
        let mpath = sync::media::master_data_path(dir, &station.id);
        std::fs::write(&mpath, intake.master_data(&station).await?).map_err(|e| io(&mpath, e))?;
        for tpath in tickets {
            let signed = std::fs::read(&tpath).map_err(|e| io(&tpath, e))?;
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
                    let bytes = std::fs::read(&bpath).map_err(|e| io(&bpath, e))?;
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
                if let Some(parent) = rpath.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
                }
                std::fs::write(&rpath, r).map_err(|e| io(&rpath, e))?;
                report.received.push(answer.bundle_id);
            }
        }
    }
    Ok(report)
}
