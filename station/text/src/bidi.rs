//! The one bidirectional text path every string the station shows goes through.
//!
//! egui shapes Arabic but lays text out left to right in typing order, so digits inside Arabic
//! come out reversed and mixed Arabic/Latin lines in the wrong order. Here a paragraph is split
//! with the Unicode Bidirectional Algorithm (UAX #9, `unicode-bidi`) into directional runs, in the
//! order they appear on screen from left to right; the UI draws each run on its own (egui shapes
//! an Arabic run and draws it right to left) and aligns right-to-left paragraphs to the right.
//! Lines are broken on the logical text first and reordered line by line, as UAX #9 requires.
//!
//! Values inside sentences (dates, ID numbers, phone numbers, names typed in the other script)
//! are isolated with [`isolate`]: by the algorithm alone, "1990-05-12" after Arabic words turns
//! into "12-05-1990" (its digits become Arabic numbers and the hyphens take the sentence's
//! direction). Fluent placeables are isolated the same way (first-strong isolates).

use unicode_bidi::{Level, ParagraphBidiInfo};

/// LEFT-TO-RIGHT ISOLATE.
pub(crate) const LRI: char = '\u{2066}';
/// POP DIRECTIONAL ISOLATE.
pub(crate) const PDI: char = '\u{2069}';

/// Wraps a value that must read left to right wherever it stands (dates, numbers, codes).
pub fn isolate(value: &str) -> String {
    format!("{LRI}{value}{PDI}")
}

/// Paragraph direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// From the first strong character (for text typed by people).
    Auto,
    /// Right to left (labels of the Arabic interface).
    Rtl,
    /// Left to right (labels of the English interface).
    Ltr,
}

/// A stretch of text in one direction, its characters in logical (typing) order, controls
/// removed. A right-to-left run is drawn right to left by the renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub rtl: bool,
}

/// One line: its runs from left to right on screen, and whether the paragraph is right to left
/// (then the line is aligned to the right).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub runs: Vec<Run>,
    pub rtl: bool,
}

impl Line {
    /// The characters as they appear from left to right (right-to-left runs reversed): what the
    /// eye reads, for tests and logs. Arabic letters are not joined here.
    pub fn visual(&self) -> String {
        self.runs
            .iter()
            .map(|r| if r.rtl { r.text.chars().rev().collect() } else { r.text.clone() })
            .collect()
    }

    /// The text back in logical order.
    pub fn logical(&self) -> String {
        let mut runs: Vec<&Run> = self.runs.iter().collect();
        if self.rtl {
            runs.reverse();
        }
        runs.iter().map(|r| r.text.as_str()).collect()
    }
}

fn is_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn level(base: Base) -> Option<Level> {
    match base {
        Base::Auto => None,
        Base::Rtl => Some(Level::rtl()),
        Base::Ltr => Some(Level::ltr()),
    }
}

fn runs_of(info: &ParagraphBidiInfo<'_>, text: &str, line: std::ops::Range<usize>) -> Vec<Run> {
    // unicode-bidi indexes its first level unconditionally: an empty line has no runs.
    if line.is_empty() {
        return Vec::new();
    }
    let (levels, runs) = info.visual_runs(line);
    let mut out: Vec<Run> = Vec::new();
    for r in runs {
        let rtl = levels[r.start].is_rtl();
        let t: String = text[r].chars().filter(|c| !is_control(*c)).collect();
        if t.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.rtl == rtl && !rtl => last.text.push_str(&t),
            // Two adjacent right-to-left runs on screen: the later one in logical order is left.
            Some(last) if last.rtl == rtl => last.text.insert_str(0, &t),
            _ => out.push(Run { text: t, rtl }),
        }
    }
    out
}

/// Splits a right-to-left run into pieces the Arabic font can draw (`covered`) and pieces it
/// cannot (an em dash, say, drawn in the Latin font), in visual order (left to right), so each
/// piece can be shaped and placed on its own. Inside a right-to-left run, paired marks show
/// mirrored (UAX #9 rule L4); a shaper does that for a whole run, not for a mark drawn alone, so
/// the uncovered pieces get their mirrored characters here.
pub fn split_by_font(run: &Run, covered: &mut dyn FnMut(char) -> bool) -> Vec<Run> {
    let mut pieces: Vec<Run> = Vec::new();
    let mut last: Option<bool> = None;
    for c in run.text.chars() {
        let cov = c.is_whitespace() || covered(c);
        match pieces.last_mut() {
            Some(p) if last == Some(cov) => p.text.push(c),
            _ => pieces.push(Run { text: c.to_string(), rtl: cov }),
        }
        last = Some(cov);
    }
    for p in pieces.iter_mut().filter(|p| !p.rtl) {
        p.text = p.text.chars().map(mirror).collect();
    }
    pieces.reverse();
    pieces
}

/// The mirrored form of a paired mark (Bidi_Mirroring_Glyph for the common ones).
pub fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        other => other,
    }
}

/// A directional run of a one-line text with its place in the logical text, for editing: the
/// caret is placed and moved by where each character stands on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the logical text.
    pub range: std::ops::Range<usize>,
    pub rtl: bool,
}

/// The runs of one line from left to right on screen, each with its logical byte range (controls
/// are kept: a field shows what was typed), and whether the paragraph is right to left.
pub fn spans(text: &str, base: Base) -> (Vec<Span>, bool) {
    let info = ParagraphBidiInfo::new(text, level(base));
    let rtl = info.paragraph_level.is_rtl();
    if text.is_empty() {
        return (Vec::new(), rtl);
    }
    let (levels, runs) = info.visual_runs(0..text.len());
    (runs.into_iter().map(|r| Span { rtl: levels[r.start].is_rtl(), range: r }).collect(), rtl)
}

/// The direction of the first letter of `text` (right to left or not), `None` when it has no
/// letter at all (only digits, punctuation, spaces).
pub fn first_strong(text: &str) -> Option<bool> {
    match unicode_bidi::get_base_direction(text) {
        unicode_bidi::Direction::Ltr => Some(false),
        unicode_bidi::Direction::Rtl => Some(true),
        unicode_bidi::Direction::Mixed => None,
    }
}

/// Lays out one paragraph on one line.
pub fn lay_out(text: &str, base: Base) -> Line {
    let info = ParagraphBidiInfo::new(text, level(base));
    Line { runs: runs_of(&info, text, 0..text.len()), rtl: info.paragraph_level.is_rtl() }
}

/// Breaks a paragraph into lines no wider than `max_width` (as `measure` tells the width of a
/// piece of text), at spaces, then lays each line out. A word wider than the line stands alone.
pub fn wrap(text: &str, base: Base, max_width: f32, measure: &dyn Fn(&str) -> f32) -> Vec<Line> {
    let info = ParagraphBidiInfo::new(text, level(base));
    let rtl = info.paragraph_level.is_rtl();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut end = 0; // end of the last word that fits
    let mut pos = 0;
    for word in text.split_inclusive(' ') {
        let word_end = pos + word.len();
        let candidate = &text[start..word_end];
        if end > start && measure(candidate.trim_end()) > max_width {
            lines.push(start..end);
            start = end;
        }
        end = word_end;
        pos = word_end;
    }
    if start < text.len() || lines.is_empty() {
        lines.push(start..text.len());
    }
    lines.into_iter().map(|range| Line { runs: runs_of(&info, text, range), rtl }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(line: &Line) -> Vec<(&str, bool)> {
        line.runs.iter().map(|r| (r.text.as_str(), r.rtl)).collect()
    }

    #[test]
    fn spans_keep_their_logical_ranges_in_visual_order() {
        let text = "عدد 123 مرحبا";
        let (spans, rtl) = spans(text, Base::Auto);
        assert!(rtl);
        // On screen from the left: the last Arabic word, the number, then the first word.
        let parts: Vec<(&str, bool)> =
            spans.iter().map(|s| (&text[s.range.clone()], s.rtl)).collect();
        assert_eq!(parts, [(" مرحبا", true), ("123", false), ("عدد ", true)]);
        let covered: usize = spans.iter().map(|s| s.range.len()).sum();
        assert_eq!(covered, text.len());
        assert_eq!(super::spans("", Base::Rtl), (Vec::new(), true));
        let (latin, rtl) = super::spans("Ahmad", Base::Auto);
        assert!(!rtl && latin.len() == 1 && !latin[0].rtl);
    }

    #[test]
    fn a_number_inside_arabic_keeps_its_digit_order() {
        let l = lay_out("رقم الهوية: 401234567", Base::Rtl);
        assert!(l.rtl);
        assert_eq!(runs(&l), [("401234567", false), ("رقم الهوية: ", true)]);
        assert!(l.visual().starts_with("401234567 :"));
    }

    #[test]
    fn an_isolated_date_reads_left_to_right_a_bare_one_does_not() {
        let isolated = lay_out(&format!("تاريخ الميلاد {}", isolate("1990-05-12")), Base::Rtl);
        assert_eq!(isolated.runs[0], Run { text: "1990-05-12".into(), rtl: false });
        assert!(isolated.visual().starts_with("1990-05-12 "));
        // The failure isolation prevents: the digits become Arabic numbers, the hyphens take the
        // sentence's direction, and the date shows as 12-05-1990.
        let bare = lay_out("تاريخ الميلاد 1990-05-12", Base::Rtl);
        assert!(bare.visual().starts_with("12-05-1990"), "{}", bare.visual());
    }

    #[test]
    fn arabic_with_latin_and_latin_with_arabic() {
        let l = lay_out("الاسم: Ahmad 123", Base::Rtl);
        assert_eq!(runs(&l), [("Ahmad 123", false), ("الاسم: ", true)]);
        let l = lay_out("Name: أحمد خليل", Base::Ltr);
        assert!(!l.rtl);
        assert_eq!(runs(&l), [("Name: ", false), ("أحمد خليل", true)]);
        // Two Latin words inside an Arabic sentence keep their order.
        let l = lay_out("مرحبا Ahmad Haddad في المحطة", Base::Rtl);
        assert_eq!(l.runs[1], Run { text: "Ahmad Haddad".into(), rtl: false });
        assert_eq!(l.logical(), "مرحبا Ahmad Haddad في المحطة");
    }

    #[test]
    fn punctuation_at_the_edges_and_auto_direction() {
        // A full stop after Arabic belongs to the Arabic run, at its left end on screen.
        let l = lay_out("تم الحفظ.", Base::Rtl);
        assert_eq!(runs(&l), [("تم الحفظ.", true)]);
        assert!(l.visual().starts_with('.'));
        // An English sentence ending in an Arabic word, with a final full stop.
        let l = lay_out("Welcome, سلمى.", Base::Ltr);
        assert_eq!(runs(&l), [("Welcome, ", false), ("سلمى", true), (".", false)]);
        // Auto takes the first strong character.
        assert!(lay_out("123 سلمى", Base::Auto).rtl);
        assert!(!lay_out("123 Salma", Base::Auto).rtl);
        // Controls never reach the screen.
        assert!(
            lay_out(&isolate("+970599123456"), Base::Rtl)
                .runs
                .iter()
                .all(|r| !r.text.chars().any(is_control))
        );
    }

    #[test]
    fn wrapping_keeps_words_whole_and_reorders_each_line() {
        let text = format!(
            "يرجى التأكد من رقم الهاتف {} قبل المتابعة إلى الخطوة التالية",
            isolate("+970 599 123 456")
        );
        // One unit per character: lines of at most 20.
        let measure = |s: &str| s.chars().filter(|c| !is_control(*c)).count() as f32;
        let lines = wrap(&text, Base::Rtl, 20.0, &measure);
        assert!(lines.len() >= 3);
        for l in &lines {
            assert!(l.rtl);
            assert!(
                measure(l.logical().trim_end()) <= 20.0 || !l.logical().trim().contains(' '),
                "{:?}",
                l.logical()
            );
        }
        let joined: String = lines.iter().map(super::Line::logical).collect();
        assert_eq!(joined, text.chars().filter(|c| !is_control(*c)).collect::<String>());
        // The phone number stays one left-to-right run on whichever line it landed.
        assert!(lines.iter().any(|l| l.runs.iter().any(|r| !r.rtl && r.text.contains("+970 599"))));
        assert_eq!(wrap("", Base::Rtl, 10.0, &measure).len(), 1);
        assert!(lay_out("", Base::Rtl).runs.is_empty());
    }

    proptest::proptest! {
        /// Any mix of Arabic, Latin, digits, punctuation, spaces and isolates: no panic, and every
        /// character shown exactly once.
        #[test]
        fn any_text_lays_out_without_loss(parts in proptest::collection::vec(proptest::sample::select(vec!["سلمى", "الخطيب", "Ahmad", "123", "٤٥٦", " ", ": ", ".", "(", ")", "-", "\u{2066}", "\u{2069}", "\u{200F}", "+970"]), 0..20), base in proptest::sample::select(vec![Base::Auto, Base::Rtl, Base::Ltr])) {
            let text: String = parts.concat();
            let mut want: Vec<char> = text.chars().filter(|c| !is_control(*c)).collect();
            let line = lay_out(&text, base);
            let mut got: Vec<char> = line.runs.iter().flat_map(|r| r.text.chars()).collect();
            want.sort();
            got.sort();
            proptest::prop_assert_eq!(got, want);
            let lines = wrap(&text, base, 8.0, &|s: &str| s.chars().count() as f32);
            let total: usize = lines.iter().map(|l| l.runs.iter().map(|r| r.text.chars().count()).sum::<usize>()).sum();
            proptest::prop_assert_eq!(total, text.chars().filter(|c| !is_control(*c)).count());
        }
    }
}
