//! Fonts and the widgets that draw text through the bidi path ([`station_text::bidi`]).
//!
//! Every run is laid out by egui in the font family of its direction (Arabic runs in Noto Naskh
//! Arabic, left-to-right runs in Noto Sans) and the runs are placed in visual order; right-to-left
//! paragraphs are aligned to the right. Each widget carries the whole logical string as its
//! accessible label, so screen readers and tests see the sentence as written.

use std::sync::Arc;

use egui::{
    Align2, Color32, FontData, FontDefinitions, FontFamily, FontId, Galley, Response, Role, Sense,
    Ui, Vec2, WidgetInfo,
};

use station_text::bidi::{self, Base, Line};

pub const ARABIC: &str = "arabic";
pub const LATIN: &str = "latin";
/// The Arabic font alone, to ask which characters it covers.
const NASKH_ONLY: &str = "naskh-only";

/// The vendored fonts (OFL, see `station/assets/fonts/README.md`), without any system font, so
/// the look is the same on every machine.
pub fn fonts() -> FontDefinitions {
    let mut f = FontDefinitions::default();
    f.font_data
        .insert("naskh".into(), Arc::new(FontData::from_static(station_text::fonts::ARABIC)));
    f.font_data
        .insert("noto-sans".into(), Arc::new(FontData::from_static(station_text::fonts::LATIN)));
    // egui's bundled symbol fonts (emoji, icons) stay as the last fallbacks of every family.
    let symbols: Vec<String> =
        f.families.get(&FontFamily::Proportional).cloned().unwrap_or_default();
    let family = |first: &str, second: &str| {
        let mut v = vec![first.to_string(), second.to_string()];
        v.extend(symbols.iter().filter(|n| n.contains("moji") || n.contains("icon")).cloned());
        v
    };
    f.families.insert(FontFamily::Name(ARABIC.into()), family("naskh", "noto-sans"));
    f.families.insert(FontFamily::Name(NASKH_ONLY.into()), vec!["naskh".into()]);
    f.families.insert(FontFamily::Name(LATIN.into()), family("noto-sans", "naskh"));
    // egui's own widgets (text fields) use the proportional family: Latin first, Arabic after.
    let proportional = f.families.entry(FontFamily::Proportional).or_default();
    proportional.insert(0, "noto-sans".into());
    proportional.insert(1, "naskh".into());
    f
}

/// Text size and colour of a paragraph.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub color: Color32,
}

impl Style {
    pub fn body(ui: &Ui) -> Style {
        Style { size: crate::theme::size::BODY, color: crate::theme::palette(ui).text }
    }
    pub(crate) fn heading(ui: &Ui) -> Style {
        Style { size: crate::theme::size::HEADING, color: crate::theme::palette(ui).text_strong }
    }
}

fn galley(ui: &Ui, text: &str, rtl: bool, style: Style) -> Arc<Galley> {
    let family = FontFamily::Name(if rtl { ARABIC } else { LATIN }.into());
    ui.painter().layout_no_wrap(text.to_string(), FontId::new(style.size, family), style.color)
}

/// A run ready to paint: space before it, its glyphs, space after it (left to right).
pub(super) struct Piece {
    pub(super) before: f32,
    pub(super) galley: Arc<Galley>,
    pub(super) after: f32,
}

impl Piece {
    pub(super) fn width(&self) -> f32 {
        self.before + self.galley.size().x + self.after
    }
}

struct LaidLine {
    pieces: Vec<Piece>,
    width: f32,
    height: f32,
    rtl: bool,
}

/// Lays out one run. Spaces at a run's ends become explicit gaps on the correct side (egui
/// drops the leading spaces of a right-to-left run), so words on either side of a direction
/// change keep their space.
pub(super) fn piece(ui: &Ui, run: &bidi::Run, style: Style) -> Piece {
    let lead = run.text.len() - run.text.trim_start().len();
    let trail = run.text.len() - run.text.trim_end().len();
    let core = run.text.trim();
    let space = galley(ui, " ", run.rtl, style).size().x;
    let galley = galley(ui, core, run.rtl, style);
    let (lead, trail) = (
        lead.min(run.text.len()) as f32 * space,
        if core.is_empty() { 0.0 } else { trail as f32 * space },
    );
    if run.rtl {
        Piece { before: trail, galley, after: lead }
    } else {
        Piece { before: lead, galley, after: trail }
    }
}

/// Splits a right-to-left run where the Arabic font lacks a character (see
/// [`bidi::split_by_font`]): egui would place the pieces of a run that changes font left to
/// right in typing order, scrambling it.
fn split_rtl_by_font(ui: &Ui, run: &bidi::Run, size: f32) -> Vec<bidi::Run> {
    let naskh = FontId::new(size, FontFamily::Name(NASKH_ONLY.into()));
    ui.ctx().fonts_mut(|f| bidi::split_by_font(run, &mut |c| f.has_glyph(&naskh, c)))
}

/// Splits a left-to-right run so that each Eastern Arabic digit stands alone: egui would shape a
/// run of them right to left (it guesses the direction from the Arabic script) and reverse the
/// number; one digit per piece, placed left to right, reads right.
fn split_eastern_digits(run: &bidi::Run) -> Vec<bidi::Run> {
    if !run.text.chars().any(is_eastern_digit) {
        return vec![run.clone()];
    }
    let mut out: Vec<bidi::Run> = Vec::new();
    for c in run.text.chars() {
        match out.last_mut() {
            Some(last) if !is_eastern_digit(c) && !last.text.chars().any(is_eastern_digit) => {
                last.text.push(c)
            }
            _ => out.push(bidi::Run { text: c.to_string(), rtl: false }),
        }
    }
    out
}

/// The pieces one run is drawn as, left to right: a right-to-left run split where the Arabic
/// font lacks a character, a left-to-right run with each Eastern Arabic digit alone.
pub(super) fn run_pieces(ui: &Ui, run: &bidi::Run, style: Style) -> Vec<Piece> {
    let parts =
        if run.rtl { split_rtl_by_font(ui, run, style.size) } else { split_eastern_digits(run) };
    parts.iter().map(|r| piece(ui, r, style)).collect()
}

/// Paints pieces left to right from `x` on the line whose top is `y` and height `height`.
pub(super) fn paint_pieces(
    painter: &egui::Painter,
    pieces: &[Piece],
    mut x: f32,
    y: f32,
    height: f32,
) {
    for p in pieces {
        x += p.before;
        let pos = egui::pos2(x, y + (height - p.galley.size().y) / 2.0);
        painter.galley(pos, p.galley.clone(), Color32::PLACEHOLDER);
        x += p.galley.size().x + p.after;
    }
}

fn lay_out_lines(ui: &Ui, text: &str, base: Base, style: Style, max_width: f32) -> Vec<LaidLine> {
    let measure = |s: &str| {
        let rtl = bidi::lay_out(s, Base::Auto).rtl;
        galley(ui, s, rtl, style).size().x
    };
    bidi::wrap(text, base, max_width, &measure)
        .into_iter()
        .map(|line: Line| {
            let pieces: Vec<Piece> =
                line.runs.iter().flat_map(|r| run_pieces(ui, r, style)).collect();
            let width = pieces.iter().map(Piece::width).sum();
            let height = pieces.iter().map(|p| p.galley.size().y).fold(style.size * 1.3, f32::max);
            LaidLine { pieces, width, height, rtl: line.rtl }
        })
        .collect()
}

fn paint_lines(ui: &Ui, lines: &[LaidLine], rect: egui::Rect) {
    let mut y = rect.top();
    for l in lines {
        let x = if l.rtl { rect.right() - l.width } else { rect.left() };
        paint_pieces(ui.painter(), &l.pieces, x, y, l.height);
        y += l.height;
    }
}

/// A paragraph of text, wrapped to the available width.
pub fn paragraph(ui: &mut Ui, text: &str, base: Base, style: Style) -> Response {
    let max_width = ui.available_width().max(50.0);
    let lines = lay_out_lines(ui, text, base, style, max_width);
    let height: f32 = lines.iter().map(|l| l.height).sum();
    let (rect, response) = ui.allocate_exact_size(Vec2::new(max_width, height), Sense::hover());
    paint_lines(ui, &lines, rect);
    let logical = spoken(text);
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &logical));
    response
}

/// A button whose caption goes through the bidi path; at least 44 px high for touch.
pub fn button(ui: &mut Ui, text: &str, base: Base, style: Style) -> Response {
    button_said(ui, text, text, base, style)
}

/// A button showing a short caption (`text`, in a table's cell) and read by assistive
/// technology as the whole sentence `said`.
pub fn button_said(ui: &mut Ui, text: &str, said: &str, base: Base, style: Style) -> Response {
    let lines = lay_out_lines(ui, text, base, style, f32::INFINITY);
    let content = Vec2::new(
        lines.iter().map(|l| l.width).fold(0.0, f32::max),
        lines.iter().map(|l| l.height).sum(),
    );
    let padding = Vec2::new(24.0, 10.0);
    let size = Vec2::new(content.x + 2.0 * padding.x, (content.y + 2.0 * padding.y).max(44.0));
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    let visuals = ui.style().interact(&response);
    ui.painter().rect(
        rect,
        visuals.corner_radius,
        visuals.weak_bg_fill,
        visuals.bg_stroke,
        egui::StrokeKind::Inside,
    );
    let inner = Align2::CENTER_CENTER.align_size_within_rect(content, rect);
    paint_lines(ui, &lines, inner);
    let logical = spoken(said);
    response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &logical));
    response
}

/// What assistive technology reads for `text`: the logical sentence without its isolation marks.
pub(crate) fn spoken(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '\u{2066}'..='\u{2069}')).collect()
}

/// A line of text sized to itself (no wrapping), for rows of labels and buttons.
pub fn label(ui: &mut Ui, text: &str, base: Base, style: Style) -> Response {
    let lines = lay_out_lines(ui, text, base, style, f32::INFINITY);
    let size = Vec2::new(
        lines.iter().map(|l| l.width).fold(0.0, f32::max),
        lines.iter().map(|l| l.height).sum(),
    );
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    paint_lines(ui, &lines, rect);
    let logical = spoken(text);
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &logical));
    response
}

/// A short label in a pill (a step of the step bar): its caption through the bidi path, its
/// colours given, sized to its text; read by assistive technology as `said`.
pub fn chip(
    ui: &mut Ui,
    text: &str,
    base: Base,
    style: Style,
    fill: Color32,
    stroke: egui::Stroke,
    said: &str,
) -> Response {
    let lines = lay_out_lines(ui, text, base, style, f32::INFINITY);
    let content = Vec2::new(
        lines.iter().map(|l| l.width).fold(0.0, f32::max),
        lines.iter().map(|l| l.height).sum(),
    );
    let padding = Vec2::new(crate::theme::space::M, crate::theme::space::XS);
    let (rect, response) = ui.allocate_exact_size(content + 2.0 * padding, Sense::hover());
    let radius = egui::CornerRadius::same(crate::theme::radius::L);
    ui.painter().rect(rect, radius, fill, stroke, egui::StrokeKind::Inside);
    paint_lines(ui, &lines, Align2::CENTER_CENTER.align_size_within_rect(content, rect));
    let said = spoken(said);
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &said));
    response
}

pub use super::field::field;

pub(super) fn is_eastern_digit(c: char) -> bool {
    matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eastern_digits_stand_alone_in_order_and_the_rest_stays_whole() {
        let run = bidi::Run { text: "(١٠٠ ab".into(), rtl: false };
        let pieces: Vec<String> = split_eastern_digits(&run).into_iter().map(|r| r.text).collect();
        assert_eq!(pieces, ["(", "١", "٠", "٠", " ab"]);
        let plain = bidi::Run { text: "2026-11-27".into(), rtl: false };
        assert_eq!(split_eastern_digits(&plain), vec![plain.clone()]);
    }
}
