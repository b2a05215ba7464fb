//! Certified scanners through MOSIP's Secure Biometric Interface (SBI 0.9.5): vendor services on
//! 127.0.0.1, ports 4501-4600, speaking HTTP with the verbs MOSIPDISC, MOSIPDINFO, RCAPTURE and
//! STREAM.
//!
//! - [`wire`]: the JSON of the interface;
//! - [`jws`]: checking what the devices sign (JWS with an `x5c` path to configured trust anchors);
//! - [`client`]: discovery, device information, registration capture with the hash chain,
//!   the preview stream;
//! - [`stream`]: splitting the M-JPEG preview into frames;
//! - [`devices`]: slap scanners, iris cameras and face cameras behind the [`crate::device`]
//!   traits, keeping each capture's signed payload as evidence.
//!
//! Nothing a device says is used before its signature and certificate path are checked. The ISO
//! records it returns are kept byte for byte as signed, so anyone holding the bundle can check
//! them against the device's signature.

pub mod client;
pub mod devices;
pub mod jws;
pub mod stream;
pub mod wire;

use std::time::Duration;

pub use client::{Client, Identity, SignedBiometric};
pub use jws::{TrustAnchors, TrustError};

use crate::device::{DeviceError, Distrust};

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SbiError {
    #[error("no trust anchors are configured for SBI devices")]
    NoAnchors,
    #[error("the SBI service on port {port} cannot be reached: {detail}")]
    Unreachable { port: u16, detail: String },
    #[error("the SBI service gave no answer within {0:?}")]
    Timeout(Duration),
    #[error("the device reports error {code} ({}): {info}", meaning(*.code))]
    Device { code: u32, info: String },
    #[error("the device's signature is not trusted: {0}")]
    Untrusted(#[from] TrustError),
    #[error(
        "the capture hash chain is broken at {sub_type}: expected {expected}, the device sent {found}"
    )]
    BrokenChain { sub_type: String, expected: String, found: String },
    #[error(
        "the device is registered for the SBI environment {found:?}; this station captures for {expected:?}"
    )]
    WrongEnv { found: String, expected: String },
    #[error("the capture does not come from the device identified: {0}")]
    NotTheDevice(String),
    #[error("the SBI service answered something unexpected: {0}")]
    Protocol(String),
}

/// What an SBI error code means (SBI 0.9.5; 5xx and up are the vendor's own).
pub fn meaning(code: u32) -> &'static str {
    match code {
        0 => "success",
        100 => "device not registered",
        101 => "unable to detect a biometric object",
        102 => "technical error during extraction",
        103 => "device tamper detected",
        104 => "unable to connect to the management server",
        105 => "image orientation error",
        106 => "device not found",
        107 => "device public key expired",
        108 => "domain public key missing",
        109 => "requested number of biometrics not supported",
        110 => "device not ready",
        111 => "device busy",
        112 => "invalid transaction id",
        500..=999 => "vendor-specific error",
        _ => "unknown error code",
    }
}

impl SbiError {
    fn from_transport(port: u16, timeout: Duration, e: reqwest::Error) -> SbiError {
        if e.is_timeout() {
            SbiError::Timeout(timeout)
        } else {
            // Refused, reset or cut mid-answer: the service (or its device) is gone.
            let mut detail = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                detail = format!("{detail}: {s}");
                source = s.source();
            }
            SbiError::Unreachable { port, detail }
        }
    }
}

impl From<SbiError> for DeviceError {
    fn from(e: SbiError) -> DeviceError {
        match e {
            SbiError::Unreachable { .. } => DeviceError::Disconnected,
            SbiError::Timeout(d) => DeviceError::Timeout(d),
            SbiError::Device { code: 101 | 110 | 111, .. } => DeviceError::NotReady(e.to_string()),
            SbiError::Device { code: 106, .. } => DeviceError::Disconnected,
            SbiError::Device { code: 100 | 103 | 104 | 107 | 108, .. } => {
                DeviceError::Untrusted { why: Distrust::Device, detail: e.to_string() }
            }
            SbiError::Untrusted(ref t) => {
                DeviceError::Untrusted { why: t.distrust(), detail: e.to_string() }
            }
            SbiError::BrokenChain { .. } => {
                DeviceError::Untrusted { why: Distrust::BrokenChain, detail: e.to_string() }
            }
            SbiError::NoAnchors => {
                DeviceError::Untrusted { why: Distrust::NoAnchors, detail: e.to_string() }
            }
            SbiError::WrongEnv { .. } => {
                DeviceError::Untrusted { why: Distrust::WrongEnv, detail: e.to_string() }
            }
            SbiError::NotTheDevice(_) => {
                DeviceError::Untrusted { why: Distrust::NotTheDevice, detail: e.to_string() }
            }
            SbiError::Device { .. } | SbiError::Protocol(_) => DeviceError::Protocol(e.to_string()),
        }
    }
}
