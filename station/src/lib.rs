//! The Hukumati registration station: headless core.
//!
//! The egui kiosk ([`ui`]) is a thin layer over this library:
//! - [`bidi`]: the one bidirectional text path for every string shown or printed;
//! - [`i18n`]: the interface texts (Fluent files), plural forms from ICU4X;
//! - [`core`]: the station and every operation on it (set-up, enrollments, approval, outbox);
//! - [`consent`]: the versioned consent notice in Arabic and English;
//! - [`workflow`]: the stages of an enrollment and what each completed step records;
//! - [`capture`]: driving the devices with retries, thresholds and exceptions;
//! - [`devices`]: which devices are attached (hotplug), which one captures each modality, and
//!   the simulated ones in demo mode only;
//! - [`validate`]: what a clerk types, checked, with reasons in Arabic and English;
//! - [`quality`]: live verdicts on preview frames (exposure, motion, the ICAO head guide);
//! - [`operators`]: accounts, passwords, keys, lockout, sessions;
//! - [`store`]: the power-cut-safe SQLite store and the audit hash chain;
//! - [`vault`]: keys and encryption of everything that touches the disk;
//! - [`script`]: scripted enrollments against simulated devices (headless runs and tests);
//! - [`sample`]: a complete synthetic enrollment for `bundle sample` and benchmarks;
//! - [`slip`]: the acknowledgement slip the applicant takes home (PDF with a QR code);
//! - [`fonts`]: the vendored fonts of the kiosk and the slip;
//! - [`uplink`]: sync with the central registry (tickets, resumable uploads, receipts, master
//!   data, the status feed, removable media) and its background worker;
//! - [`ui`]: the egui kiosk, a thin layer over all of the above;
//! - [`report`]: opening and verifying a sealed bundle into a JSON report;
//! - [`messages`]: what a person reads when something is refused or fails, from the Fluent files.

pub mod bidi;
pub mod capture;
pub mod consent;
pub mod core;
pub mod devices;
pub mod fonts;
pub mod i18n;
pub mod messages;
pub mod operators;
pub mod quality;
pub mod report;
pub mod sample;
pub mod script;
pub mod slip;
pub mod store;
pub mod ui;
pub mod uplink;
pub mod validate;
pub mod vault;
pub mod workflow;
