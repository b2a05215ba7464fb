//! The one error type of the intake: a refusal code, its HTTP status, and a detail in English.
//! Every failure, from a malformed header to a database outage, becomes one of these and reaches
//! the client as `{"code": ..., "detail": ...}`; nothing is answered with a bare 500.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sync::Code;
use sync::api::Refusal;

use crate::meta::MetaError;
use crate::objects::ObjectError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    pub detail: String,
    /// For `offset_mismatch`: where the registry is.
    pub offset: Option<u64>,
}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<String>) -> ApiError {
        ApiError { code, detail: detail.into(), offset: None }
    }

    pub fn status(&self) -> StatusCode {
        match self.code {
            Code::BadRequest => StatusCode::BAD_REQUEST,
            Code::BadToken | Code::StaleToken | Code::UnknownStation | Code::NotAdmin => {
                StatusCode::UNAUTHORIZED
            }
            Code::RevokedStation => StatusCode::FORBIDDEN,
            Code::ReplayedRequest
            | Code::SequenceReused
            | Code::SequenceGap
            | Code::BundleIdReused
            | Code::ContentReused
            | Code::OffsetMismatch
            | Code::OperatorKeyChanged => StatusCode::CONFLICT,
            Code::TooLarge | Code::SizeMismatch => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnknownUpload | Code::UnknownBundle => StatusCode::NOT_FOUND,
            Code::BadTicket
            | Code::HashMismatch
            | Code::BadBundle
            | Code::BadDecision
            | Code::UnknownOperator
            | Code::RevokedOperator
            | Code::SimulatedCapture
            | Code::WrongCentre
            | Code::BadRecord => StatusCode::UNPROCESSABLE_ENTITY,
            Code::OperatorNotApproved | Code::NotProduction => StatusCode::CONFLICT,
            Code::Busy => StatusCode::TOO_MANY_REQUESTS,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn refusal(&self) -> Refusal {
        Refusal { code: self.code, detail: self.detail.clone() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)
    }
}

impl std::error::Error for ApiError {}

impl From<MetaError> for ApiError {
    fn from(e: MetaError) -> ApiError {
        match e {
            MetaError::Conflict(d) => ApiError::new(Code::BadRequest, d),
            other => ApiError::new(Code::Unavailable, other.to_string()),
        }
    }
}

impl From<ObjectError> for ApiError {
    fn from(e: ObjectError) -> ApiError {
        ApiError::new(Code::Unavailable, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status(), Json(self.refusal())).into_response();
        // For the metrics (crate::monitor), counted by the router's middleware.
        r.extensions_mut().insert(self.code);
        if let Some(o) = self.offset
            && let Ok(v) = o.to_string().parse()
        {
            r.headers_mut().insert(sync::api::UPLOAD_OFFSET, v);
        }
        r
    }
}
