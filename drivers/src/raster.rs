//! The pixels every device delivers and every check reads: [`Image`], an 8-bit grey or RGB
//! raster. Real backends (UVC, U.are.U, SBI) and the simulator all produce it.

/// An 8-bit image, grey (1 channel) or RGB (3 channels), rows top to bottom.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub data: Vec<u8>,
}

impl Image {
    /// Grey or RGB, with exactly width x height x channels bytes: what a frame from a device
    /// must be before anyone draws it.
    pub fn is_well_formed(&self) -> bool {
        matches!(self.channels, 1 | 3)
            && self.data.len() as u64
                == u64::from(self.width) * u64::from(self.height) * u64::from(self.channels)
    }
}

/// A decoded record image (JPEG 2000 or raw, from `schemas`) as the pixels the checks read.
impl From<schemas::jp2k::Pixels> for Image {
    fn from(p: schemas::jp2k::Pixels) -> Image {
        Image { width: p.width, height: p.height, channels: p.channels, data: p.data }
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}x{}x{})", self.width, self.height, self.channels)
    }
}
