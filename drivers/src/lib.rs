//! Devices of the registration station: fingerprint and iris scanners, face and document cameras.
//!
//! This crate knows devices and nothing of enrollments:
//! - [`device`]: the traits every backend implements (identity, status, preview, capture, errors);
//! - [`simdev`]: simulated devices behind those traits, driven by a scriptable fault list;
//! - [`sim`]: the deterministic synthetic images the simulated devices deliver.
//!
//! Real backends (USB fingerprint reader over nusb, UVC cameras, SBI scanners) come with the
//! real-device issue.

pub mod device;
pub mod sim;
pub mod simdev;
