//! The Hukumati registration station: headless core.
//!
//! The egui kiosk (a later issue) is a thin layer over this library:
//! - [`validate`]: what a clerk types, checked, with reasons in Arabic and English;
//! - [`vault`]: keys and encryption of everything that touches the disk;
//! - [`sample`]: a complete synthetic enrollment from simulated devices;
//! - [`report`]: opening and verifying a sealed bundle into a JSON report;
//! - [`messages`]: what a person reads when something fails, in Arabic and English.

pub mod messages;
pub mod report;
pub mod sample;
pub mod validate;
pub mod vault;
