//! A U.are.U 4500 image frame: its header, descrambling with the key the device and the driver
//! agreed on, assembling the 384x290 picture, and turning it the usual way up (ridges dark on
//! light). Pure functions over bytes: every length is checked, any frame gives an image or an
//! error, never a panic.

pub const WIDTH: usize = 384;
pub const HEIGHT: usize = 290;
pub const HEADER: usize = 64;
/// Blocks in the header's table.
const BLOCKS: usize = 15;

const CHANGE_KEY: u8 = 0x80;
const NO_KEY_UPDATE: u8 = 0x04;
const SCRAMBLED: u8 = 0x02;
const NOT_PRESENT: u8 = 0x01;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FrameError {
    #[error("the frame is {got} bytes, shorter than the {need} its header needs")]
    Short { got: usize, need: usize },
    #[error("the frame's header is not valid: {0}")]
    Header(String),
    #[error("the frame's blocks do not fit its {lines} lines")]
    Blocks { lines: u16 },
    #[error(
        "the frame still looks scrambled after decoding: the key is wrong (was the seed the one written to the device?)"
    )]
    StillScrambled,
    #[error("a new key was needed and could not be had: {0}")]
    Rekey(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub flags: u8,
    pub lines: u8,
}

impl Block {
    fn present(self) -> bool {
        self.flags & NOT_PRESENT == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Lines present in the transfer.
    pub lines: u16,
    pub key_number: u8,
    pub blocks: Vec<Block>,
}

/// Reads a frame's header and checks that the frame holds the lines it announces.
pub fn parse_header(frame: &[u8]) -> Result<Header, FrameError> {
    if frame.len() < HEADER {
        return Err(FrameError::Short { got: frame.len(), need: HEADER });
    }
    let lines = u16::from_le_bytes([frame[4], frame[5]]);
    if lines == 0 || lines as usize >= HEIGHT {
        return Err(FrameError::Header(format!("{lines} lines (1 to {} expected)", HEIGHT - 1)));
    }
    let need = HEADER + lines as usize * WIDTH;
    if frame.len() < need {
        return Err(FrameError::Short { got: frame.len(), need });
    }
    let blocks =
        (0..BLOCKS).map(|i| Block { flags: frame[16 + 2 * i], lines: frame[17 + 2 * i] }).collect();
    Ok(Header { lines, key_number: frame[6], blocks })
}

/// One step of the device's key register: bit 31 becomes the parity of the key's tapped bits.
fn step(key: u32) -> u32 {
    let bit = (key & 0x9248_144D).count_ones() & 1;
    (key >> 1) | (bit << 31)
}

/// The byte the key gives: key bits 4, 8, 11, 14, 18, 21, 24 and 29 as bits 0 to 7.
fn xor_byte(key: u32) -> u8 {
    [4, 8, 11, 14, 18, 21, 24, 29]
        .iter()
        .enumerate()
        .fold(0u8, |b, (i, bit)| b | ((((key >> bit) & 1) as u8) << i))
}

/// The blocks that are used: in order, until the present lines are all accounted for or a block
/// has no lines.
fn used_blocks(h: &Header) -> impl Iterator<Item = Block> + '_ {
    let mut handled = 0u32;
    h.blocks.iter().copied().take_while(move |b| {
        let go = handled < u32::from(h.lines) && b.lines > 0;
        if b.present() {
            handled += u32::from(b.lines);
        }
        go
    })
}

/// Descrambles the lines after the header in place, starting from `key`; `rekey` gives the
/// key of a block that asks for a new one.
pub fn descramble(
    frame: &mut [u8],
    h: &Header,
    mut key: u32,
    rekey: &mut dyn FnMut(u8) -> Result<u32, FrameError>,
) -> Result<(), FrameError> {
    let data = frame.get_mut(HEADER..).ok_or(FrameError::Short { got: 0, need: HEADER })?;
    let mut pos = 0usize;
    let mut key_number = h.key_number;
    for b in used_blocks(h).collect::<Vec<_>>() {
        if b.flags & CHANGE_KEY != 0 {
            key_number = key_number.wrapping_add(1);
            key = rekey(key_number)?;
        }
        let n = b.lines as usize * WIDTH;
        match b.flags & (SCRAMBLED | NO_KEY_UPDATE) {
            SCRAMBLED if b.present() => {
                let block =
                    data.get_mut(pos..pos + n).ok_or(FrameError::Blocks { lines: h.lines })?;
                for i in 0..n - 1 {
                    let x = xor_byte(key);
                    key = step(key);
                    block[i] = block[i + 1] ^ x;
                }
                block[n - 1] = 0;
                key = step(key);
            }
            0 | SCRAMBLED => {
                for _ in 0..n {
                    key = step(key);
                }
            }
            _ => {}
        }
        if b.present() {
            pos += n;
        }
    }
    Ok(())
}

/// Whether lines look scrambled: the column sums of the first two present lines vary far more
/// than a finger's ridges make them (mean squared deviation of 5000 or more).
pub fn looks_scrambled(frame: &[u8]) -> bool {
    let (Some(a), Some(b)) =
        (frame.get(HEADER..HEADER + WIDTH), frame.get(HEADER + WIDTH..HEADER + 2 * WIDTH))
    else {
        return false;
    };
    let sums: Vec<f64> = a.iter().zip(b).map(|(x, y)| f64::from(*x) + f64::from(*y)).collect();
    let mean = sums.iter().sum::<f64>() / sums.len() as f64;
    let msd = sums.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / sums.len() as f64;
    msd >= 5000.0
}

/// The 384x290 picture as the device sees it: each block fills its lines from the current
/// present line, and only present blocks move on (a missing line repeats the next present one).
pub fn assemble(frame: &[u8], h: &Header) -> Result<Vec<u8>, FrameError> {
    let data = &frame[HEADER..];
    let mut out = Vec::with_capacity(WIDTH * HEIGHT);
    let mut pos = 0usize;
    for b in h.blocks.iter().take_while(|b| b.lines > 0) {
        for i in 0..b.lines as usize {
            if out.len() == WIDTH * HEIGHT {
                break;
            }
            let line = (pos + i).min(h.lines as usize - 1);
            out.extend_from_slice(
                data.get(line * WIDTH..(line + 1) * WIDTH)
                    .ok_or(FrameError::Blocks { lines: h.lines })?,
            );
        }
        if b.present() {
            pos += b.lines as usize;
        }
    }
    if out.len() < WIDTH * HEIGHT {
        return Err(FrameError::Blocks { lines: h.lines });
    }
    Ok(out)
}

/// The usual picture: ridges dark on light, the right way up (255 minus each pixel, turned by
/// 180 degrees).
pub fn orient(raw: &[u8]) -> Vec<u8> {
    raw.iter().rev().map(|p| 255 - p).collect()
}

/// A whole frame to the usual 384x290 picture.
pub fn decode(
    mut frame: Vec<u8>,
    key: u32,
    rekey: &mut dyn FnMut(u8) -> Result<u32, FrameError>,
) -> Result<Vec<u8>, FrameError> {
    let h = parse_header(&frame)?;
    let scrambled =
        used_blocks(&h).any(|b| b.present() && b.flags & (SCRAMBLED | NO_KEY_UPDATE) == SCRAMBLED);
    descramble(&mut frame, &h, key, rekey)?;
    // The first two present lines are checked only when they were scrambled themselves.
    if scrambled
        && h.blocks.first().is_some_and(|b| {
            b.flags & (SCRAMBLED | NO_KEY_UPDATE) == SCRAMBLED && b.present() && b.lines >= 2
        })
        && looks_scrambled(&frame)
    {
        return Err(FrameError::StillScrambled);
    }
    Ok(orient(&assemble(&frame, &h)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame(lines: u16, blocks: &[(u8, u8)], fill: impl Fn(usize) -> u8) -> Vec<u8> {
        let mut f = vec![0u8; HEADER + lines as usize * WIDTH];
        f[4..6].copy_from_slice(&lines.to_le_bytes());
        for (i, (fl, n)) in blocks.iter().enumerate() {
            f[16 + 2 * i] = *fl;
            f[17 + 2 * i] = *n;
        }
        for (i, b) in f[HEADER..].iter_mut().enumerate() {
            *b = fill(i);
        }
        f
    }

    #[test]
    fn the_key_register_and_its_byte() {
        assert_eq!(step(0), 0);
        assert_eq!(step(1), 1 << 31, "bit 0 is tapped");
        assert_eq!(step(2), 1, "bit 1 is not");
        assert_eq!(xor_byte(1 << 4), 1);
        assert_eq!(xor_byte(1 << 29), 0x80);
        assert_eq!(xor_byte(u32::MAX), 0xff);
    }

    #[test]
    fn scrambling_then_descrambling_gives_the_lines_back() {
        // Scramble as the device would (the inverse of the descrambling), then decode.
        let lines = 289u16;
        let blocks = [
            (0x02, 72),
            (0x00, 1),
            (0x02, 49),
            (0x01, 1),
            (0x00, 1),
            (0x02, 49),
            (0x00, 1),
            (0x02, 116),
        ];
        let plain = frame(lines, &blocks, |i| ((i % WIDTH) / 16) as u8 + (i / WIDTH) as u8 / 2);
        let mut scrambled = plain.clone();
        let h = parse_header(&scrambled).unwrap();
        let mut key = 0x1234_5678u32;
        let mut pos = 0;
        for b in used_blocks(&h).collect::<Vec<_>>() {
            let n = b.lines as usize * WIDTH;
            match b.flags & 0x06 {
                0x02 if b.present() => {
                    let block = &mut scrambled[HEADER + pos..HEADER + pos + n];
                    let orig = block.to_vec();
                    // byte[i+1] = orig[i] ^ x_i, keeping byte[0] arbitrary.
                    for i in 0..n - 1 {
                        block[i + 1] = orig[i] ^ xor_byte(key);
                        key = step(key);
                    }
                    key = step(key);
                }
                0 => (0..n).for_each(|_| key = step(key)),
                _ => {}
            }
            if b.present() {
                pos += n;
            }
        }
        let mut decoded = scrambled.clone();
        descramble(&mut decoded, &h, 0x1234_5678, &mut |_| unreachable!()).unwrap();
        // Each scrambled block is back but for its last byte (zeroed, as the device's format has it).
        assert_eq!(
            decoded[HEADER..HEADER + 72 * WIDTH - 1],
            plain[HEADER..HEADER + 72 * WIDTH - 1]
        );
        assert_eq!(
            decoded[HEADER + 73 * WIDTH..HEADER + 122 * WIDTH - 1],
            plain[HEADER + 73 * WIDTH..HEADER + 122 * WIDTH - 1]
        );
        let image = decode(scrambled.clone(), 0x1234_5678, &mut |_| unreachable!()).unwrap();
        assert_eq!(image.len(), WIDTH * HEIGHT);
        // The wrong key leaves noise, and says so.
        assert_eq!(
            decode(scrambled, 0x1234_5679, &mut |_| unreachable!()),
            Err(FrameError::StillScrambled)
        );
    }

    #[test]
    fn a_missing_line_repeats_the_next_present_one_and_the_picture_turns() {
        let f = frame(3, &[(0x04, 1), (0x01, 1), (0x04, 2)], |i| (i / WIDTH) as u8 * 10 + 1);
        let h = parse_header(&f).unwrap();
        let raw = assemble(&{ f.clone() }, &h);
        // Blocks cover 4 lines but the picture needs 290: incomplete.
        assert_eq!(raw, Err(FrameError::Blocks { lines: 3 }));
        let f = frame(3, &[(0x04, 1), (0x01, 1), (0x04, 255), (0x04, 33)], |i| {
            (i / WIDTH) as u8 * 10 + 1
        });
        let h = parse_header(&f).unwrap();
        let raw = assemble(&f, &h).unwrap();
        let row = |r: usize| raw[r * WIDTH];
        assert_eq!(
            (row(0), row(1), row(2), row(3), row(289)),
            (1, 11, 11, 21, 21),
            "line 1 is missing: it shows line 1 of the transfer"
        );
        let up = orient(&raw);
        assert_eq!(up[0], 255 - raw[raw.len() - 1]);
        assert_eq!(up[up.len() - 1], 255 - raw[0]);
    }

    #[test]
    fn bad_headers_are_refused() {
        assert!(matches!(parse_header(&[0; 10]), Err(FrameError::Short { .. })));
        assert!(matches!(parse_header(&frame(0, &[], |_| 0)), Err(FrameError::Header(_))));
        let mut f = frame(10, &[(0, 10)], |_| 0);
        f[4..6].copy_from_slice(&300u16.to_le_bytes());
        assert!(matches!(parse_header(&f), Err(FrameError::Header(_))));
        let f = frame(10, &[(0, 10)], |_| 0);
        assert!(matches!(parse_header(&f[..HEADER + 100]), Err(FrameError::Short { .. })));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any bytes, any key: an image or an error, never a panic.
        #[test]
        fn mutated_frames_never_panic(lines in 1u16..290, blocks in proptest::collection::vec((any::<u8>(), any::<u8>()), 15), flips in proptest::collection::vec((0usize..120_000, any::<u8>()), 0..20), key in any::<u32>(), cut in 0usize..120_000) {
            let mut f = frame(lines, &blocks, |i| (i * 7) as u8);
            for (at, v) in flips {
                if let Some(b) = f.get_mut(at) {
                    *b = v;
                }
            }
            f.truncate(cut.max(1));
            let _ = decode(f, key, &mut |n| if n % 2 == 0 { Ok(u32::from(n)) } else { Err(FrameError::Rekey("no".into())) });
        }
    }
}
