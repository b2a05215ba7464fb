//! The vendored fonts (OFL, see `station/assets/fonts/README.md`), shared by the kiosk and the
//! printed slip so both look the same on every machine, whatever fonts it has.

/// Noto Naskh Arabic, for right-to-left runs.
pub static ARABIC: &[u8] = include_bytes!("../assets/fonts/NotoNaskhArabic-Regular.ttf");
/// Noto Sans, for left-to-right runs.
pub static LATIN: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");
