//! JPEG 2000 in memory, through OpenJPEG (the reference codec, built from source by `openjpeg-sys`).
//!
//! Biometric records for registration carry JPEG 2000 *lossless* images (reversible 5/3 wavelet,
//! one quality layer, no rate limit). This module is the only place that talks to OpenJPEG: it
//! encodes 8-bit grey or RGB pixels to a JP2 file in memory and decodes a JP2 file or a raw
//! codestream back to pixels. Nothing touches the disk: biometric pixels never leave memory here.
//!
//! OpenJPEG reports problems through callbacks; they are collected and returned in the error, so a
//! corrupt image says what OpenJPEG objected to instead of printing to stderr.

use std::ffi::{CStr, c_char, c_void};
use std::ptr;

use openjpeg_sys as opj;

/// Pixels of an 8-bit image, rows top to bottom, channels interleaved (grey: 1, RGB: 3).
#[derive(Clone, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Pixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print biometric pixels into a log.
        write!(
            f,
            "Pixels({}x{}x{}, {} bytes)",
            self.width,
            self.height,
            self.channels,
            self.data.len()
        )
    }
}

impl Pixels {
    /// Checks that the buffer matches the stated geometry.
    pub fn new(width: u32, height: u32, channels: u8, data: Vec<u8>) -> Result<Self, Jp2kError> {
        let p = Pixels { width, height, channels, data };
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), Jp2kError> {
        if self.channels != 1 && self.channels != 3 {
            return Err(Jp2kError::Unsupported(format!(
                "{} channels (only 1 or 3)",
                self.channels
            )));
        }
        if self.width == 0 || self.height == 0 {
            return Err(Jp2kError::Unsupported("an empty image".into()));
        }
        let expected = self.width as usize * self.height as usize * self.channels as usize;
        if self.data.len() != expected {
            return Err(Jp2kError::Unsupported(format!(
                "{} bytes of pixels for {}x{}x{} (expected {expected})",
                self.data.len(),
                self.width,
                self.height,
                self.channels
            )));
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Jp2kError {
    #[error("JPEG 2000: unsupported image: {0}")]
    Unsupported(String),
    #[error("JPEG 2000: OpenJPEG failed while {stage}: {messages}")]
    Codec { stage: &'static str, messages: String },
    #[error("JPEG 2000: not a JPEG 2000 file or codestream")]
    NotJpeg2000,
    #[error(
        "JPEG 2000: a {width}x{height} image of {components} components is larger than the {MAX_SAMPLES} samples decoded here"
    )]
    TooLarge { width: u64, height: u64, components: u32 },
}

/// The most samples (pixels times components) a decode may produce: 32 Mi, four times a 10-print
/// slap at 500 ppi in colour. OpenJPEG holds each sample as 32 bits while decoding, so this
/// caps it at 128 MiB, whatever a small file's header claims.
pub const MAX_SAMPLES: u64 = 32 << 20;

/// Which container the bytes use, from their signature.
pub fn sniff(data: &[u8]) -> Option<opj::CODEC_FORMAT> {
    const JP2_SIG: [u8; 12] = [0, 0, 0, 0x0c, b'j', b'P', b' ', b' ', 0x0d, 0x0a, 0x87, 0x0a];
    if data.starts_with(&JP2_SIG) {
        Some(opj::CODEC_FORMAT::OPJ_CODEC_JP2)
    } else if data.starts_with(&[0xff, 0x4f, 0xff, 0x51]) {
        Some(opj::CODEC_FORMAT::OPJ_CODEC_J2K)
    } else {
        None
    }
}

/// Length of the JP2 file that starts `data`, by walking its top-level boxes (a box of length 0
/// runs to the end). `None` when `data` does not start with a well-formed JP2 box sequence.
///
/// Used to recognise records whose image-length field disagrees with the image actually stored.
pub fn jp2_file_length(data: &[u8]) -> Option<usize> {
    if sniff(data) != Some(opj::CODEC_FORMAT::OPJ_CODEC_JP2) {
        return None;
    }
    let mut pos = 0usize;
    let mut saw_codestream = false;
    while pos < data.len() {
        let head = data.get(pos..pos + 8)?;
        let mut len = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
        let kind = &head[4..8];
        if len == 1 {
            let ext = data.get(pos + 8..pos + 16)?;
            len = u64::from_be_bytes(ext.try_into().ok()?);
        } else if len == 0 {
            len = (data.len() - pos) as u64;
        }
        if len < 8 || len > (data.len() - pos) as u64 {
            return if saw_codestream { Some(pos) } else { None };
        }
        saw_codestream |= kind == b"jp2c";
        pos += len as usize;
        if saw_codestream && kind == b"jp2c" && pos == data.len() {
            break;
        }
    }
    saw_codestream.then_some(pos)
}

/// Collected OpenJPEG messages for one operation.
#[derive(Default)]
struct Messages(String);

unsafe extern "C" fn collect_message(msg: *const c_char, client: *mut c_void) {
    if msg.is_null() || client.is_null() {
        return;
    }
    // SAFETY: `client` is the `Messages` registered for this codec and outlives it; `msg` is a
    // NUL-terminated string owned by OpenJPEG for the duration of the call.
    let (messages, text) = unsafe { (&mut *(client as *mut Messages), CStr::from_ptr(msg)) };
    if messages.0.len() < 2000 {
        if !messages.0.is_empty() {
            messages.0.push_str("; ");
        }
        messages.0.push_str(text.to_string_lossy().trim());
    }
}

/// Owns an OpenJPEG codec, stream and image and frees them in the right order.
struct Session {
    codec: *mut opj::opj_codec_t,
    stream: *mut opj::opj_stream_t,
    image: *mut opj::opj_image_t,
    messages: Box<Messages>,
}

impl Session {
    fn new(codec: *mut opj::opj_codec_t) -> Result<Self, Jp2kError> {
        if codec.is_null() {
            return Err(Jp2kError::Codec { stage: "creating the codec", messages: String::new() });
        }
        let mut messages = Box::<Messages>::default();
        let client = &mut *messages as *mut Messages as *mut c_void;
        // SAFETY: codec is valid; the handler's client data lives in `messages`, dropped after the
        // codec in `Drop`.
        unsafe {
            opj::opj_set_error_handler(codec, Some(collect_message), client);
            opj::opj_set_warning_handler(codec, None, ptr::null_mut());
            opj::opj_set_info_handler(codec, None, ptr::null_mut());
        }
        Ok(Session { codec, stream: ptr::null_mut(), image: ptr::null_mut(), messages })
    }

    fn fail(&self, stage: &'static str) -> Jp2kError {
        Jp2kError::Codec { stage, messages: self.messages.0.clone() }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: each pointer is either null or owned by this session.
        unsafe {
            if !self.stream.is_null() {
                opj::opj_stream_destroy(self.stream);
            }
            if !self.codec.is_null() {
                opj::opj_destroy_codec(self.codec);
            }
            if !self.image.is_null() {
                opj::opj_image_destroy(self.image);
            }
        }
    }
}

/// Output stream state: a growing buffer with a write position (OpenJPEG seeks back to patch box
/// lengths when it writes JP2).
struct Sink {
    buf: Vec<u8>,
    pos: usize,
}

unsafe extern "C" fn sink_write(src: *mut c_void, n: usize, user: *mut c_void) -> usize {
    // SAFETY: `user` is the `Sink` registered with the stream; `src` holds `n` readable bytes.
    let (sink, bytes) =
        unsafe { (&mut *(user as *mut Sink), std::slice::from_raw_parts(src as *const u8, n)) };
    let end = sink.pos + n;
    if sink.buf.len() < end {
        sink.buf.resize(end, 0);
    }
    sink.buf[sink.pos..end].copy_from_slice(bytes);
    sink.pos = end;
    n
}

unsafe extern "C" fn sink_skip(n: i64, user: *mut c_void) -> i64 {
    // SAFETY: as in `sink_write`.
    let sink = unsafe { &mut *(user as *mut Sink) };
    let Some(new) = (sink.pos as i64).checked_add(n).filter(|p| *p >= 0) else { return -1 };
    sink.pos = new as usize;
    if sink.buf.len() < sink.pos {
        sink.buf.resize(sink.pos, 0);
    }
    n
}

unsafe extern "C" fn sink_seek(to: i64, user: *mut c_void) -> i32 {
    // SAFETY: as in `sink_write`.
    let sink = unsafe { &mut *(user as *mut Sink) };
    if to < 0 {
        return 0;
    }
    sink.pos = to as usize;
    if sink.buf.len() < sink.pos {
        sink.buf.resize(sink.pos, 0);
    }
    1
}

/// Input stream state over a borrowed slice.
struct Source<'a> {
    data: &'a [u8],
    pos: usize,
}

unsafe extern "C" fn source_read(dst: *mut c_void, n: usize, user: *mut c_void) -> usize {
    // SAFETY: `user` is the `Source` registered with the stream; `dst` has room for `n` bytes.
    let src = unsafe { &mut *(user as *mut Source) };
    let left = src.data.len() - src.pos;
    if left == 0 {
        return usize::MAX; // OpenJPEG's end-of-stream marker, (OPJ_SIZE_T)-1.
    }
    let k = n.min(left);
    // SAFETY: `pos + k` is within `data`, and OpenJPEG gave `dst` room for `n >= k` bytes that
    // do not overlap our slice.
    unsafe { ptr::copy_nonoverlapping(src.data.as_ptr().add(src.pos), dst as *mut u8, k) };
    src.pos += k;
    k
}

unsafe extern "C" fn source_skip(n: i64, user: *mut c_void) -> i64 {
    // SAFETY: as in `source_read`.
    let src = unsafe { &mut *(user as *mut Source) };
    let target = (src.pos as i64).saturating_add(n).clamp(0, src.data.len() as i64);
    let moved = target - src.pos as i64;
    src.pos = target as usize;
    moved
}

unsafe extern "C" fn source_seek(to: i64, user: *mut c_void) -> i32 {
    // SAFETY: as in `source_read`.
    let src = unsafe { &mut *(user as *mut Source) };
    if to < 0 || to as usize > src.data.len() {
        return 0;
    }
    src.pos = to as usize;
    1
}

/// Encodes 8-bit grey or RGB pixels as a lossless JP2 file (reversible 5/3 wavelet; for RGB the
/// reversible colour transform), the layout ISO/IEC 19794 records carry.
pub fn encode_lossless(pixels: &Pixels) -> Result<Vec<u8>, Jp2kError> {
    pixels.check()?;
    let n = pixels.channels as usize;
    let (w, h) = (pixels.width, pixels.height);
    let mut params: Vec<opj::opj_image_cmptparm_t> = (0..n)
        .map(|_| opj::opj_image_cmptparm_t {
            dx: 1,
            dy: 1,
            w,
            h,
            x0: 0,
            y0: 0,
            prec: 8,
            bpp: 8,
            sgnd: 0,
        })
        .collect();
    let colour =
        if n == 1 { opj::COLOR_SPACE::OPJ_CLRSPC_GRAY } else { opj::COLOR_SPACE::OPJ_CLRSPC_SRGB };

    // SAFETY: all pointers come from OpenJPEG and are checked for null; the session frees them.
    unsafe {
        let mut s = Session::new(opj::opj_create_compress(opj::CODEC_FORMAT::OPJ_CODEC_JP2))?;
        s.image = opj::opj_image_create(n as u32, params.as_mut_ptr(), colour);
        if s.image.is_null() {
            return Err(s.fail("allocating the image"));
        }
        let img = &mut *s.image;
        img.x0 = 0;
        img.y0 = 0;
        img.x1 = w;
        img.y1 = h;
        let comps = std::slice::from_raw_parts_mut(img.comps, n);
        for (c, comp) in comps.iter_mut().enumerate() {
            let plane = std::slice::from_raw_parts_mut(comp.data, (w * h) as usize);
            for (dst, src) in plane.iter_mut().zip(pixels.data.iter().skip(c).step_by(n)) {
                *dst = i32::from(*src);
            }
        }

        let mut cp: opj::opj_cparameters_t = std::mem::zeroed();
        opj::opj_set_default_encoder_parameters(&mut cp);
        cp.irreversible = 0; // reversible 5/3: lossless
        cp.tcp_numlayers = 1;
        cp.tcp_rates[0] = 0.0; // no rate limit on the single layer
        cp.cp_disto_alloc = 1;
        cp.tcp_mct = if n == 3 { 1 } else { 0 };
        // Resolution levels must fit the smaller side (each level halves it).
        let min_side = w.min(h).max(1);
        let max_levels = (32 - min_side.leading_zeros()) as i32; // floor(log2)+1
        cp.numresolution = cp.numresolution.min(max_levels.max(1));
        if opj::opj_setup_encoder(s.codec, &mut cp, s.image) == 0 {
            return Err(s.fail("setting up the encoder"));
        }

        let mut sink = Box::new(Sink { buf: Vec::with_capacity(pixels.data.len() / 2), pos: 0 });
        s.stream = opj::opj_stream_create(1 << 16, 0);
        if s.stream.is_null() {
            return Err(s.fail("creating the output stream"));
        }
        opj::opj_stream_set_user_data(s.stream, &mut *sink as *mut Sink as *mut c_void, None);
        opj::opj_stream_set_write_function(s.stream, Some(sink_write));
        opj::opj_stream_set_skip_function(s.stream, Some(sink_skip));
        opj::opj_stream_set_seek_function(s.stream, Some(sink_seek));

        if opj::opj_start_compress(s.codec, s.image, s.stream) == 0 {
            return Err(s.fail("starting compression"));
        }
        if opj::opj_encode(s.codec, s.stream) == 0 {
            return Err(s.fail("encoding"));
        }
        if opj::opj_end_compress(s.codec, s.stream) == 0 {
            return Err(s.fail("finishing compression"));
        }
        drop(s); // flushes and frees the stream before the sink goes
        let mut out = sink.buf;
        out.truncate(sink.pos.max(out.len()));
        Ok(out)
    }
}

/// Decodes a JP2 file or raw JPEG 2000 codestream with 8-bit unsigned components (1 or 3) to
/// interleaved pixels.
pub fn decode(data: &[u8]) -> Result<Pixels, Jp2kError> {
    let format = sniff(data).ok_or(Jp2kError::NotJpeg2000)?;
    // SAFETY: see `encode_lossless`.
    unsafe {
        let mut s = Session::new(opj::opj_create_decompress(format))?;
        let mut dp: opj::opj_dparameters_t = std::mem::zeroed();
        opj::opj_set_default_decoder_parameters(&mut dp);
        if opj::opj_setup_decoder(s.codec, &mut dp) == 0 {
            return Err(s.fail("setting up the decoder"));
        }
        let mut source = Box::new(Source { data, pos: 0 });
        s.stream = opj::opj_stream_create(1 << 16, 1);
        if s.stream.is_null() {
            return Err(s.fail("creating the input stream"));
        }
        opj::opj_stream_set_user_data(s.stream, &mut *source as *mut Source as *mut c_void, None);
        opj::opj_stream_set_user_data_length(s.stream, data.len() as u64);
        opj::opj_stream_set_read_function(s.stream, Some(source_read));
        opj::opj_stream_set_skip_function(s.stream, Some(source_skip));
        opj::opj_stream_set_seek_function(s.stream, Some(source_seek));

        if opj::opj_read_header(s.stream, s.codec, &mut s.image) == 0 || s.image.is_null() {
            return Err(s.fail("reading the header"));
        }
        // What the header claims, checked before anything is decoded: a few bytes can claim an
        // image of gigabytes.
        let head = &*s.image;
        let width = u64::from(head.x1.saturating_sub(head.x0));
        let height = u64::from(head.y1.saturating_sub(head.y0));
        let components = head.numcomps;
        if width.saturating_mul(height).saturating_mul(u64::from(components)) > MAX_SAMPLES {
            return Err(Jp2kError::TooLarge { width, height, components });
        }
        if opj::opj_decode(s.codec, s.stream, s.image) == 0 {
            return Err(s.fail("decoding"));
        }
        if opj::opj_end_decompress(s.codec, s.stream) == 0 {
            return Err(s.fail("finishing decoding"));
        }
        let img = &*s.image;
        let n = img.numcomps as usize;
        if n != 1 && n != 3 {
            return Err(Jp2kError::Unsupported(format!("{n} components (only 1 or 3)")));
        }
        let comps = std::slice::from_raw_parts(img.comps, n);
        let (w, h) = (comps[0].w, comps[0].h);
        for c in comps {
            if c.w != w || c.h != h || c.dx != 1 || c.dy != 1 {
                return Err(Jp2kError::Unsupported("subsampled components".into()));
            }
            if c.prec != 8 || c.sgnd != 0 {
                return Err(Jp2kError::Unsupported(format!(
                    "{}-bit {} samples",
                    c.prec,
                    if c.sgnd != 0 { "signed" } else { "unsigned" }
                )));
            }
            if c.data.is_null() {
                return Err(s.fail("decoding (no data)"));
            }
        }
        let count = w as usize * h as usize;
        let mut out = vec![0u8; count * n];
        for (ci, c) in comps.iter().enumerate() {
            let plane = std::slice::from_raw_parts(c.data, count);
            for (i, v) in plane.iter().enumerate() {
                out[i * n + ci] = (*v).clamp(0, 255) as u8;
            }
        }
        drop(s);
        drop(source);
        Pixels::new(w, h, n as u8, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32, channels: u8) -> Pixels {
        let data = (0..w * h * u32::from(channels)).map(|i| ((i * 7) ^ (i >> 5)) as u8).collect();
        Pixels::new(w, h, channels, data).unwrap()
    }

    #[test]
    fn grey_round_trip_is_lossless() {
        let p = gradient(123, 77, 1);
        let j = encode_lossless(&p).unwrap();
        assert!(sniff(&j).is_some());
        assert_eq!(decode(&j).unwrap(), p);
    }

    #[test]
    fn rgb_round_trip_is_lossless() {
        let p = gradient(64, 90, 3);
        assert_eq!(decode(&encode_lossless(&p).unwrap()).unwrap(), p);
    }

    #[test]
    fn tiny_images_still_encode() {
        let p = gradient(3, 2, 1);
        assert_eq!(decode(&encode_lossless(&p).unwrap()).unwrap(), p);
    }

    #[test]
    fn garbage_is_an_error_not_a_crash() {
        assert_eq!(decode(b"hello").unwrap_err(), Jp2kError::NotJpeg2000);
        let mut j = encode_lossless(&gradient(40, 40, 1)).unwrap();
        j.truncate(j.len() / 2);
        assert!(decode(&j).is_err());
    }

    #[test]
    fn a_header_claiming_a_huge_image_is_refused_before_decoding() {
        // A file whose size marker (SIZ) claims 60000x60000: edit a real one. SIZ is FF51, Lsiz
        // (2 bytes), Rsiz (2), then Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz (4 each).
        let j = encode_lossless(&gradient(40, 40, 1)).unwrap();
        let at = j.windows(2).position(|w| w == [0xff, 0x51]).expect("a SIZ marker");
        let mut big = j.clone();
        big[at + 6..at + 10].copy_from_slice(&60_000u32.to_be_bytes());
        big[at + 10..at + 14].copy_from_slice(&60_000u32.to_be_bytes());
        // One tile of that size (XTsiz, YTsiz), as a valid header would have it.
        big[at + 22..at + 26].copy_from_slice(&60_000u32.to_be_bytes());
        big[at + 26..at + 30].copy_from_slice(&60_000u32.to_be_bytes());
        // The JP2 container says the size again (ihdr: height, then width).
        if let Some(h) = big.windows(4).position(|w| w == b"ihdr") {
            big[h + 4..h + 8].copy_from_slice(&60_000u32.to_be_bytes());
            big[h + 8..h + 12].copy_from_slice(&60_000u32.to_be_bytes());
        }
        let started = std::time::Instant::now();
        let e = decode(&big).unwrap_err();
        assert!(matches!(e, Jp2kError::TooLarge { width: 60_000, .. }), "{e}");
        assert!(started.elapsed().as_secs() < 2);
    }

    #[test]
    fn wrong_geometry_is_refused() {
        assert!(Pixels::new(10, 10, 1, vec![0; 99]).is_err());
        assert!(Pixels::new(10, 10, 2, vec![0; 200]).is_err());
    }
}
