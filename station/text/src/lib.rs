//! The station's words and letters: everything a person reads goes through this crate.
//!
//! - [`bidi`]: the one bidirectional text path for every string shown or printed;
//! - [`i18n`]: the interface texts (Fluent files in `i18n/`), plural forms from ICU4X;
//! - [`messages`]: what a person reads when something is refused or fails, and the
//!   [`messages::Explain`] trait every error of the station implements;
//! - [`consent`]: the versioned consent notice in Arabic and English;
//! - [`digits`]: Eastern Arabic and Persian digits read as 0-9;
//! - [`fonts`]: the vendored fonts of the kiosk and the slip, with their shaping faces.
//!
//! It knows no device, no image, no store and no screen.

#![forbid(unsafe_code)]

pub mod bidi;
pub mod consent;
pub mod digits;
pub mod fonts;
pub mod i18n;
pub mod messages;
