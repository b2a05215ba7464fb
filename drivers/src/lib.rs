//! Devices of the registration station: fingerprint and iris scanners, face and document cameras.
//!
//! This crate knows devices and nothing of enrollments. For now it holds the simulated backend
//! ([`sim`]), which makes deterministic synthetic images for demo mode, training and tests; the
//! device traits and the real backends (USB fingerprint reader over nusb, UVC cameras, SBI
//! scanners) come with the station-core and real-device issues.

pub mod sim;
