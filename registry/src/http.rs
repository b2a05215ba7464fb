//! The HTTP API (axum): thin handlers that read the request, authenticate it, call the intake
//! ([`crate::intake`]) and write its answer. Every refusal, including a malformed path, query,
//! header or body and an unknown route, is answered as JSON `{code, detail}` with a 4xx status;
//! only a failing database or object store answers 503. The API is described in
//! `docs/openapi.json`, served at `/openapi.json`.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use sync::Code;
use sync::api::{self, Signed, UploadDone, b64};
use sync::token::RequestLine;

use crate::error::ApiError;
use crate::intake::{Intake, UploadOutcome};
use crate::meta::{Meta, StationRow};

/// The OpenAPI description of this API.
pub const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// The largest JSON body accepted.
const MAX_JSON: usize = 1 << 20;

type App<M> = Arc<Intake<M>>;

pub fn router<M: Meta>(intake: App<M>) -> Router {
    Router::new()
        .route(api::HEALTH, get(health))
        .route("/openapi.json", get(openapi))
        .route(api::ANNOUNCE, post(announce::<M>))
        .route("/v1/uploads/{sha}", axum::routing::head(upload_head::<M>).patch(upload_patch::<M>))
        .route(api::OPERATORS, post(operators::<M>))
        .route(api::MASTER_DATA, get(master_data::<M>))
        .route(api::STATUS, get(status::<M>))
        .route("/v1/admin/stations", post(admin_add_station::<M>))
        .route("/v1/admin/stations/{id}/revoke", post(admin_revoke_station::<M>))
        .route(
            "/v1/admin/stations/{id}/operators/{username}/revoke",
            post(admin_revoke_operator::<M>),
        )
        .route("/v1/admin/operators/approve", post(admin_approve_operator::<M>))
        .route("/v1/admin/bundles/{id}/status", post(admin_status::<M>))
        .route("/v1/admin/log", get(admin_log::<M>))
        .fallback(|| async {
            ApiError::new(Code::BadRequest, "no such path in this API (see /openapi.json)")
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                Code::BadRequest,
                "this path does not take this method (see /openapi.json)",
            )
        })
        .layer(axum::extract::DefaultBodyLimit::max(MAX_JSON))
        .layer(axum::middleware::from_fn_with_state(intake.clone(), observe::<M>))
        .with_state(intake)
}

/// Counts what the operations team watches (crate::monitor): refusals by code, the time
/// uploads take.
async fn observe<M: Meta>(
    State(app): State<App<M>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let upload = req.method() == Method::PATCH && req.uri().path().starts_with("/v1/uploads/");
    let started = std::time::Instant::now();
    let r = next.run(req).await;
    if upload {
        app.metrics.upload_took(started.elapsed());
    }
    if let Some(code) = r.extensions().get::<Code>() {
        app.metrics.refused(*code);
    }
    r
}

/// Notes a station's authenticated request (its last contact, in the metrics).
fn contact<M: Meta>(app: &App<M>, st: &StationRow) {
    app.metrics.contact(&st.id, (app.clock)());
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "ok": true }))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

fn authorization(h: &HeaderMap) -> Option<&str> {
    h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

fn path_of(uri: &OriginalUri) -> String {
    uri.0
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.0.path().to_string())
}

fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::new(Code::BadRequest, format!("body: {e}")))
}

/// Reads a body whole (bounded), refusing anything larger than a JSON request may be or slower
/// than the configured body timeout.
async fn read_body<M: Meta>(app: &App<M>, body: Body) -> Result<Bytes, ApiError> {
    let limit = std::time::Duration::from_secs(app.limits.body_timeout_s);
    tokio::time::timeout(limit, axum::body::to_bytes(body, MAX_JSON))
        .await
        .map_err(|_| {
            ApiError::new(Code::BadRequest, format!("the body did not arrive within {limit:?}"))
        })?
        .map_err(|e| ApiError::new(Code::TooLarge, format!("body: {e}")))
}

/// Authenticates a station's request whose token binds `body`.
async fn station<M: Meta>(
    app: &App<M>,
    method: &Method,
    uri: &OriginalUri,
    headers: &HeaderMap,
    body: Option<&[u8]>,
) -> Result<StationRow, ApiError> {
    let path = path_of(uri);
    let line =
        RequestLine { method: method.as_str(), path: &path, body_sha256: body.map(sync::sha256) };
    let st = app.authenticate(authorization(headers), &line).await?;
    contact(app, &st);
    Ok(st)
}

/// Like [`station`] for a request without a body, letting a revoked station through (it may
/// fetch its master data, which tells it that it is revoked).
async fn station_even_revoked<M: Meta>(
    app: &App<M>,
    method: &Method,
    uri: &OriginalUri,
    headers: &HeaderMap,
) -> Result<StationRow, ApiError> {
    let path = path_of(uri);
    let line =
        RequestLine { method: method.as_str(), path: &path, body_sha256: Some(sync::sha256(b"")) };
    let st = app.authenticate_revoked(authorization(headers), &line).await?;
    contact(app, &st);
    Ok(st)
}

/// Authenticates a station's request before its body is read (the token names the body's
/// hash, so it can be checked first), then reads the body and holds it to that hash: nobody
/// without a station's key makes the registry read a body.
async fn station_then_body<M: Meta>(
    app: &App<M>,
    method: &Method,
    uri: &OriginalUri,
    headers: &HeaderMap,
    body: Body,
) -> Result<(StationRow, Bytes), ApiError> {
    let claimed = sync::token::parse(authorization(headers)).ok().and_then(|t| t.body_sha256());
    let path = path_of(uri);
    let line = RequestLine { method: method.as_str(), path: &path, body_sha256: claimed };
    let st = app.authenticate(authorization(headers), &line).await?;
    contact(app, &st);
    let body = read_body(app, body).await?;
    if claimed != Some(sync::sha256(&body)) {
        return Err(ApiError::new(
            Code::BadToken,
            sync::token::TokenError::WrongRequest("body".into()).to_string(),
        ));
    }
    Ok((st, body))
}

fn sha_of(p: Result<Path<String>, PathRejection>) -> Result<[u8; 32], ApiError> {
    let Path(hex_text) = p.map_err(|e| ApiError::new(Code::BadRequest, e.body_text()))?;
    hex::decode(&hex_text).ok().and_then(|v| v.try_into().ok()).ok_or_else(|| {
        ApiError::new(
            Code::BadRequest,
            "the upload is named by 64 hex digits (the ciphertext's SHA-256)",
        )
    })
}

fn query_u64(uri: &OriginalUri, name: &str) -> Result<u64, ApiError> {
    let Some(q) = uri.0.query() else { return Ok(0) };
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            return v.parse().map_err(|_| {
                ApiError::new(Code::BadRequest, format!("{name} is a whole number ≥ 0"))
            });
        }
    }
    Ok(0)
}

async fn announce<M: Meta>(
    State(app): State<App<M>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<api::AnnounceResponse>, ApiError> {
    let (st, body) = station_then_body(&app, &method, &uri, &headers, body).await?;
    Ok(Json(app.announce(&st, json_body(&body)?).await?))
}

fn offset_headers(offset: u64, length: Option<u64>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(api::TUS_RESUMABLE, HeaderValue::from_static(api::TUS_VERSION));
    h.insert(api::UPLOAD_OFFSET, HeaderValue::from(offset));
    if let Some(l) = length {
        h.insert(api::UPLOAD_LENGTH, HeaderValue::from(l));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h
}

async fn upload_head<M: Meta>(
    State(app): State<App<M>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    sha: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let sha = sha_of(sha)?;
    let st = station(&app, &method, &uri, &headers, Some(b"")).await?;
    let (offset, length) = app.upload_state(&st, &sha).await?;
    Ok((StatusCode::OK, offset_headers(offset, Some(length))).into_response())
}

async fn upload_patch<M: Meta>(
    State(app): State<App<M>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    sha: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let sha = sha_of(sha)?;
    let st = station(&app, &method, &uri, &headers, None).await?;
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type != api::OFFSET_OCTET_STREAM {
        return Err(ApiError::new(
            Code::BadRequest,
            format!("an upload's content type is {}", api::OFFSET_OCTET_STREAM),
        ));
    }
    let offset: u64 = headers
        .get(api::UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            ApiError::new(
                Code::BadRequest,
                "an upload needs an Upload-Offset header (a whole number)",
            )
        })?;
    match app.upload(&st, sha, offset, body.into_data_stream()).await? {
        UploadOutcome::Partial { offset } => {
            Ok((StatusCode::NO_CONTENT, offset_headers(offset, None)).into_response())
        }
        UploadOutcome::Done { receipt } => {
            let length = app.upload_state(&st, &sha).await?.1;
            Ok((
                StatusCode::OK,
                offset_headers(length, None),
                Json(UploadDone { receipt: b64(&receipt) }),
            )
                .into_response())
        }
    }
}

async fn operators<M: Meta>(
    State(app): State<App<M>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let (st, body) = station_then_body(&app, &method, &uri, &headers, body).await?;
    app.register_operator(&st, json_body(&body)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn master_data<M: Meta>(
    State(app): State<App<M>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Result<Json<Signed>, ApiError> {
    // A revoked station gets its master data too: signed, it says the station is revoked.
    let st = station_even_revoked(&app, &method, &uri, &headers).await?;
    Ok(Json(Signed { signed: b64(&app.master_data(&st).await?) }))
}

async fn status<M: Meta>(
    State(app): State<App<M>>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Result<Json<Signed>, ApiError> {
    let after = query_u64(&uri, "after")?;
    let st = station(&app, &method, &uri, &headers, Some(b"")).await?;
    Ok(Json(Signed { signed: b64(&app.status_page(&st, after).await?) }))
}

fn path_text(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(s)| s).map_err(|e| ApiError::new(Code::BadRequest, e.body_text()))
}

async fn admin_add_station<M: Meta>(
    State(app): State<App<M>>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    app.check_admin(authorization(&headers))?;
    let body = read_body(&app, body).await?;
    Ok(if app.add_station(json_body(&body)?).await? { StatusCode::CREATED } else { StatusCode::OK })
}

async fn admin_revoke_station<M: Meta>(
    State(app): State<App<M>>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    app.check_admin(authorization(&headers))?;
    app.revoke_station(&path_text(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn admin_revoke_operator<M: Meta>(
    State(app): State<App<M>>,
    headers: HeaderMap,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    app.check_admin(authorization(&headers))?;
    let Path((station, username)) =
        p.map_err(|e| ApiError::new(Code::BadRequest, e.body_text()))?;
    app.revoke_operator(&station, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn admin_approve_operator<M: Meta>(
    State(app): State<App<M>>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    app.check_admin(authorization(&headers))?;
    let body = read_body(&app, body).await?;
    app.approve_operator(json_body(&body)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn admin_status<M: Meta>(
    State(app): State<App<M>>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Body,
) -> Result<Json<serde_json::Value>, ApiError> {
    app.check_admin(authorization(&headers))?;
    let id = path_text(id)?;
    let body = read_body(&app, body).await?;
    let cursor = app.set_status(&id, json_body(&body)?).await?;
    Ok(Json(serde_json::json!({ "cursor": cursor })))
}

async fn admin_log<M: Meta>(
    State(app): State<App<M>>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Result<Json<Vec<api::LogEntry>>, ApiError> {
    app.check_admin(authorization(&headers))?;
    Ok(Json(app.log(query_u64(&uri, "from")?).await?))
}
