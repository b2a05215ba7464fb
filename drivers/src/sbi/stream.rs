//! The SBI preview: an M-JPEG stream (`multipart/x-mixed-replace`), split into its JPEG frames.
//!
//! Each part starts with `--BOUNDARY`, has headers, a blank line and the JPEG. A part with a
//! `Content-Length` is read by length; one without is read up to the next boundary. Parts are
//! limited in size so that a runaway stream cannot exhaust memory.

use std::io::{BufRead, BufReader, Read};

/// The largest preview frame accepted.
pub const MAX_FRAME: usize = 8 << 20;

#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("the stream is not multipart: content type {0:?}")]
    NotMultipart(String),
    #[error("the stream is damaged: {0}")]
    Damaged(String),
    #[error("reading the stream: {0}")]
    Io(#[from] std::io::Error),
}

/// The boundary named by a `multipart/x-mixed-replace; boundary=...` content type.
pub fn boundary(content_type: &str) -> Result<String, StreamError> {
    let lower = content_type.to_ascii_lowercase();
    if !lower.starts_with("multipart/") {
        return Err(StreamError::NotMultipart(content_type.to_string()));
    }
    content_type
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').trim_start_matches("--").to_string())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| StreamError::NotMultipart(content_type.to_string()))
}

/// Reads JPEG frames one by one from a multipart body.
pub struct Frames<R: Read> {
    reader: BufReader<R>,
    delimiter: Vec<u8>,
    /// The next part's delimiter line was already consumed (by a part read up to it).
    at_part: bool,
    /// The closing delimiter was seen.
    done: bool,
}

impl<R: Read> Frames<R> {
    pub fn new(body: R, boundary: &str) -> Self {
        Frames {
            reader: BufReader::with_capacity(64 << 10, body),
            delimiter: format!("--{boundary}").into_bytes(),
            at_part: false,
            done: false,
        }
    }

    fn line(&mut self) -> Result<Option<Vec<u8>>, StreamError> {
        let mut line = Vec::new();
        let n = (&mut self.reader).take(8192).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        if line.last() != Some(&b'\n') {
            return Err(StreamError::Damaged("a header line is too long".into()));
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        Ok(Some(line))
    }

    /// The next frame's bytes, or `None` at the end of the stream.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, StreamError> {
        if self.done {
            return Ok(None);
        }
        if !self.at_part {
            // Skip the preamble and blank lines up to the delimiter.
            loop {
                match self.line()? {
                    None => return Ok(None),
                    Some(l) if l.starts_with(&self.delimiter) => {
                        if l[self.delimiter.len()..].starts_with(b"--") {
                            return Ok(None);
                        }
                        break;
                    }
                    Some(_) => {}
                }
            }
        }
        self.at_part = false;
        let mut length = None;
        loop {
            let Some(l) = self.line()? else {
                return Err(StreamError::Damaged(
                    "the stream ended inside a part's headers".into(),
                ));
            };
            if l.is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(&l);
            if let Some((k, v)) = text.split_once(':')
                && k.trim().eq_ignore_ascii_case("content-length")
            {
                let n: usize = v
                    .trim()
                    .parse()
                    .map_err(|_| StreamError::Damaged(format!("content length {:?}", v.trim())))?;
                if n > MAX_FRAME {
                    return Err(StreamError::Damaged(format!(
                        "a frame of {n} bytes is over the {MAX_FRAME}-byte limit"
                    )));
                }
                length = Some(n);
            }
        }
        if let Some(n) = length {
            let mut frame = vec![0; n];
            self.reader
                .read_exact(&mut frame)
                .map_err(|e| StreamError::Damaged(format!("a frame ended early: {e}")))?;
            Ok(Some(frame))
        } else {
            // No length: the part runs to the next delimiter line.
            let mut frame = Vec::new();
            loop {
                let mut chunk = Vec::new();
                let n = (&mut self.reader).take(MAX_FRAME as u64).read_until(b'\n', &mut chunk)?;
                if n == 0 {
                    return Err(StreamError::Damaged("the stream ended inside a frame".into()));
                }
                if chunk.starts_with(&self.delimiter) {
                    for _ in 0..2 {
                        if matches!(frame.last(), Some(b'\n' | b'\r')) {
                            frame.pop();
                        }
                    }
                    if chunk[self.delimiter.len()..].starts_with(b"--") {
                        self.done = true;
                    } else {
                        self.at_part = true;
                    }
                    return Ok(Some(frame));
                }
                frame.extend_from_slice(&chunk);
                if frame.len() > MAX_FRAME {
                    return Err(StreamError::Damaged(format!(
                        "a frame is over the {MAX_FRAME}-byte limit"
                    )));
                }
            }
        }
    }
}
