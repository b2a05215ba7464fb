//! The Hukumati registration station's headless core: no screen, no server.
//!
//! - [`station`]: the [`Station`] and every operation on it (set-up, enrollments, approval,
//!   outbox), each one durable transaction with its audit entry;
//! - [`workflow`]: the stages of an enrollment and what each completed step records;
//! - [`capture`]: driving the devices with retries, thresholds and exceptions;
//! - [`devices`]: which devices are attached (hotplug), which one captures each modality, and
//!   the simulated ones in demo mode only;
//! - [`validate`]: what a clerk types, checked, with reasons in Arabic and English;
//! - [`operators`]: accounts, passwords, keys, lockout, sessions;
//! - [`fingers`]: officials' finger templates, finger log-in and sign-off, and the check that an
//!   applicant is not one of the station's officials;
//! - [`store`]: the power-cut-safe SQLite store and the audit hash chain;
//! - [`vault`]: keys and encryption of everything that touches the disk;
//! - [`script`]: scripted enrollments against simulated devices (headless runs and tests);
//! - [`sample`]: a complete synthetic enrollment for `bundle sample` and benchmarks;
//! - [`verify`]: opening and verifying a sealed bundle into a JSON verification;
//! - [`explain`]: the errors of formats and devices told to a person.
//!
//! The capture checks come from `station_quality`, every text from `station_text`; syncing with
//! the registry is `station_uplink`'s, on top of this crate.

#![forbid(unsafe_code)]

pub mod capture;
pub mod devices;
pub mod explain;
pub mod fingers;
pub mod operators;
pub mod sample;
pub mod script;
pub mod station;
pub mod store;
pub mod validate;
pub mod vault;
pub mod verify;
pub mod workflow;

pub use station::{CoreError, InitParams, Station};
