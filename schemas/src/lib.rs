//! Formats of the Hukumati registration station.
//!
//! This crate knows formats and nothing of devices, workflows or screens:
//! - [`iso19794`]: ISO/IEC 19794-4/-5/-6 biometric records (2005 read, 2011 read and write);
//! - [`jp2k`]: JPEG 2000 lossless images in memory (OpenJPEG);
//! - [`cbor`]: RFC 8949 core deterministic CBOR;
//! - [`manifest`]: the enrollment manifest;
//! - [`bundle`]: sealing and opening an enrollment bundle (COSE signatures, age encryption);
//! - [`cose`]: single-signer COSE_Sign1 statements (EdDSA), shared by decisions and the sync protocol;
//! - [`decision`]: the supervisor's signed decision statement;
//! - [`cbeff`]: CBEFF (ISO/IEC 19785-3) XML for hand-off to an ABIS;
//! - [`keys`]: Ed25519 signing keys and age identities;
//! - [`mrz`]: machine-readable zones of ID cards and passports (ICAO 9303 TD1, TD3).

pub mod bundle;
pub mod cbeff;
pub mod cbor;
pub mod cose;
pub mod decision;
pub mod iso19794;
#[allow(unsafe_code)] // The OpenJPEG binding: the only unsafe code of the workspace.
pub mod jp2k;
pub mod keys;
pub mod manifest;
pub mod mrz;

pub use age;
pub use ed25519_dalek::{SigningKey, VerifyingKey};
