//! The kiosk's one-line text field: drawn through the bidi path like every label, with a caret
//! that stands and moves where the eye expects, in Arabic too.
//!
//! egui's `TextEdit` lays its text out left to right in typing order (mixed Arabic and Latin
//! come out in the wrong order) and, since egui 0.35, loses its caret in right-to-left text:
//! rows hold more glyphs than characters (egui #8576, open). This field keeps the text in
//! logical order, lays it out with [`bidi::spans`] (runs in visual order, each shaped in the
//! font of its direction), and measures the edge of every character to place the caret:
//!
//! - the arrow keys move the caret visually (left goes left, also through Arabic), with Shift
//!   extending the selection; Home and End go to the logical start and end (the right and left
//!   ends of an Arabic field);
//! - Backspace and Delete remove the character before and after the caret in typing order;
//! - a click puts the caret at the nearest character edge; Ctrl+A selects everything; copy, cut
//!   and paste work (never for a password); Enter ends the input (the form can confirm on it);
//! - Eastern Arabic digits become 0-9 as they are typed (not in a password), as the station
//!   stores them; assistive technologies can set the value (AccessKit `SetValue`).
//!
//! `Editor` is the headless part (caret, selection, edits), tested without a window; the
//! drawing only tells it where each caret position stands on screen.

use std::ops::Range;

use egui::{Event, EventFilter, Id, Key, Rect, Response, Sense, Ui, Vec2, WidgetInfo, accesskit};

use super::text::{self, Piece, Style};
use station_text::bidi::{self, Base};

/// Caret and selection of a field, as character positions in the logical text (0 is before the
/// first character typed, `n` after the last).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Editor {
    pub caret: usize,
    /// The other end of the selection (equal to `caret` when nothing is selected).
    pub anchor: usize,
}

fn byte_at(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map(|(b, _)| b).unwrap_or(text.len())
}

impl Editor {
    pub fn at(caret: usize) -> Editor {
        Editor { caret, anchor: caret }
    }

    pub(crate) fn selection(&self) -> Range<usize> {
        self.caret.min(self.anchor)..self.caret.max(self.anchor)
    }

    /// Keeps the positions inside a text of `n` characters (after the text changed elsewhere).
    pub fn clamp(&mut self, n: usize) {
        self.caret = self.caret.min(n);
        self.anchor = self.anchor.min(n);
    }

    fn place(&mut self, to: usize, extend: bool) {
        self.caret = to;
        if !extend {
            self.anchor = to;
        }
    }

    fn delete_selection(&mut self, text: &mut String) -> bool {
        let sel = self.selection();
        if sel.is_empty() {
            return false;
        }
        let (a, b) = (byte_at(text, sel.start), byte_at(text, sel.end));
        text.replace_range(a..b, "");
        *self = Editor::at(sel.start);
        true
    }

    /// Types `s` at the caret, replacing the selection.
    pub fn insert(&mut self, text: &mut String, s: &str) {
        self.delete_selection(text);
        let at = byte_at(text, self.caret);
        text.insert_str(at, s);
        *self = Editor::at(self.caret + s.chars().count());
    }

    /// Removes the selection, or the character before the caret.
    pub(crate) fn backspace(&mut self, text: &mut String) {
        if self.delete_selection(text) || self.caret == 0 {
            return;
        }
        let (a, b) = (byte_at(text, self.caret - 1), byte_at(text, self.caret));
        text.replace_range(a..b, "");
        *self = Editor::at(self.caret - 1);
    }

    /// Removes the selection, or the character after the caret.
    pub fn delete(&mut self, text: &mut String) {
        if self.delete_selection(text) {
            return;
        }
        let n = text.chars().count();
        if self.caret < n {
            let (a, b) = (byte_at(text, self.caret), byte_at(text, self.caret + 1));
            text.replace_range(a..b, "");
        }
    }

    /// Moves the caret to the next position on its left (or right) on screen. `stops[c]` is where
    /// caret position `c` stands; of two positions at the same place, the one nearer in the text
    /// is taken. Without Shift, a selection collapses to its end on that side first.
    pub(crate) fn move_visual(&mut self, stops: &[f32], left: bool, extend: bool) {
        let Some(&here) = stops.get(self.caret) else { return };
        if !extend && self.caret != self.anchor {
            let other = stops.get(self.anchor).copied().unwrap_or(here);
            let pick_anchor = if left { other < here } else { other > here };
            let to = if pick_anchor { self.anchor } else { self.caret };
            *self = Editor::at(to);
            return;
        }
        let beyond = |x: f32| if left { x < here - 0.5 } else { x > here + 0.5 };
        let best = stops
            .iter()
            .enumerate()
            .filter(|(_, x)| beyond(**x))
            .min_by(|(i, a), (j, b)| {
                let (da, db) = ((**a - here).abs(), (**b - here).abs());
                da.total_cmp(&db).then(
                    (*i as i64 - self.caret as i64)
                        .abs()
                        .cmp(&(*j as i64 - self.caret as i64).abs()),
                )
            })
            .map(|(i, _)| i);
        if let Some(to) = best {
            self.place(to, extend);
        }
    }

    pub fn home(&mut self, extend: bool) {
        self.place(0, extend);
    }

    pub fn end(&mut self, n: usize, extend: bool) {
        self.place(n, extend);
    }

    pub(crate) fn select_all(&mut self, n: usize) {
        *self = Editor { caret: n, anchor: 0 };
    }

    /// The caret position nearest to `x` on screen.
    pub fn nearest(stops: &[f32], x: f32) -> usize {
        stops
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| (**a - x).abs().total_cmp(&(**b - x).abs()))
            .map(|(i, _)| i)
            .unwrap_or(0)
    }
}

/// What a field remembers between frames.
#[derive(Debug, Clone, Copy, Default)]
struct FieldState {
    editor: Editor,
    /// How far the text is scrolled when it is wider than the field.
    scroll: f32,
}

/// The shown text laid out: the pieces drawn (with their left edges) and where each character
/// stands, both from the left end of the text.
struct Laid {
    pieces: Vec<(Piece, f32)>,
    /// Each character's left and right edge on screen, in logical order.
    chars: Vec<(f32, f32)>,
    /// Whether each character belongs to a right-to-left run.
    char_rtl: Vec<bool>,
    width: f32,
    rtl: bool,
}

/// Where each character of `text` stands inside its drawn `piece` (from the piece's left edge),
/// in logical order: spaces at the ends in the piece's gaps, the rest where the shaper put them
/// (scaled to the width egui drew).
fn places_in_piece(piece: &Piece, text: &str, rtl: bool) -> Vec<(f32, f32)> {
    let n = text.chars().count();
    let n_lead = text.chars().take_while(|c| c.is_whitespace()).count();
    let n_trail =
        if n_lead == n { 0 } else { text.chars().rev().take_while(|c| c.is_whitespace()).count() };
    let core = text.trim();
    let galley_w = piece.galley.size().x;
    let (core_ext, total) = station_text::fonts::char_extents(core, rtl).unwrap_or_default();
    let scale = if total > 0.0 { galley_w / total } else { 0.0 };
    let (lead_gap, trail_gap) =
        if rtl { (piece.after, piece.before) } else { (piece.before, piece.after) };
    let (lead_w, trail_w) = (lead_gap / n_lead.max(1) as f32, trail_gap / n_trail.max(1) as f32);
    let width = piece.width();
    let mut out = Vec::with_capacity(n);
    for i in 0..n_lead {
        let i = i as f32;
        out.push(if rtl {
            (width - (i + 1.0) * lead_w, width - i * lead_w)
        } else {
            (i * lead_w, (i + 1.0) * lead_w)
        });
    }
    for (l, r) in core_ext {
        out.push((piece.before + l * scale, piece.before + r * scale));
    }
    let core_end = piece.before + galley_w;
    for j in 0..n_trail {
        let j = j as f32;
        out.push(if rtl {
            (piece.before - (j + 1.0) * trail_w, piece.before - j * trail_w)
        } else {
            (core_end + j * trail_w, core_end + (j + 1.0) * trail_w)
        });
    }
    out.resize(n, (width, width));
    out
}

/// Splits a right-to-left run where the Arabic font lacks a character (those stretches are drawn
/// in the Latin font, mirrored), as the labels do; byte ranges in logical order.
fn segments(text: &str, rtl: bool) -> Vec<(Range<usize>, bool)> {
    if !rtl {
        return vec![(0..text.len(), false)];
    }
    let covered = |c: char| {
        c.is_whitespace()
            || station_text::fonts::face(true).is_some_and(|f| f.glyph_index(c).is_some())
    };
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    for (b, c) in text.char_indices() {
        let cov = covered(c);
        match out.last_mut() {
            Some((r, shaped_rtl)) if *shaped_rtl == cov => r.end = b + c.len_utf8(),
            _ => out.push((b..b + c.len_utf8(), cov)),
        }
    }
    out
}

fn lay_out(ui: &Ui, shown: &str, style: Style) -> Laid {
    let (spans, rtl) = bidi::spans(shown, Base::Auto);
    let starts: Vec<usize> = shown.char_indices().map(|(b, _)| b).collect();
    let index_of = |b: usize| starts.binary_search(&b).unwrap_or_else(|i| i);
    let mut chars = vec![(0.0, 0.0); starts.len()];
    let mut char_rtl = vec![false; starts.len()];
    let mut pieces = Vec::new();
    let mut x = 0.0;
    for span in spans {
        let span_text = &shown[span.range.clone()];
        let mut segs = segments(span_text, span.rtl);
        if span.rtl {
            segs.reverse();
        }
        for (range, shaped_rtl) in segs {
            let text = &span_text[range.clone()];
            let drawn: String = if span.rtl && !shaped_rtl {
                text.chars().map(bidi::mirror).collect()
            } else {
                text.to_string()
            };
            let piece = text::piece(ui, &bidi::Run { text: drawn, rtl: shaped_rtl }, style);
            let places = places_in_piece(&piece, text, shaped_rtl);
            // A stretch drawn left to right inside a right-to-left run keeps its characters in
            // that order on screen: they are placed as drawn.
            for ((b, _), (l, r)) in text.char_indices().zip(places) {
                let k = index_of(span.range.start + range.start + b);
                chars[k] = (x + l, x + r);
                char_rtl[k] = span.rtl;
            }
            let w = piece.width();
            pieces.push((piece, x));
            x += w;
        }
    }
    Laid { pieces, chars, char_rtl, width: x, rtl }
}

/// Where each caret position (0..=n) stands: after a character, at its trailing edge (right in a
/// left-to-right run, left in a right-to-left one); position 0 at the leading edge of the first.
fn stops(laid: &Laid) -> Vec<f32> {
    let mut out = Vec::with_capacity(laid.chars.len() + 1);
    out.push(match (laid.chars.first(), laid.char_rtl.first()) {
        (Some(&(l, r)), Some(&rtl)) => {
            if rtl {
                r
            } else {
                l
            }
        }
        _ => 0.0,
    });
    for (&(l, r), &rtl) in laid.chars.iter().zip(&laid.char_rtl) {
        out.push(if rtl { l } else { r });
    }
    out
}

/// The edits and moves asked for in this frame's input; returns whether the text changed.
fn handle_input(
    ui: &Ui,
    id: Id,
    value: &mut String,
    password: bool,
    editor: &mut Editor,
    stops: &dyn Fn(&str) -> Vec<f32>,
) -> bool {
    let filter =
        EventFilter { horizontal_arrows: true, vertical_arrows: false, tab: false, escape: false };
    ui.memory_mut(|m| m.set_focus_lock_filter(id, filter));
    let events = ui.input(|i| i.filtered_events(&filter));
    let typed =
        |s: &str| if password { s.to_string() } else { station_text::digits::western_digits(s) };
    let mut changed = false;
    for event in events {
        let n = value.chars().count();
        editor.clamp(n);
        match event {
            Event::Text(t) if !t.is_empty() && t != "\n" && t != "\r" => {
                editor.insert(value, &typed(&t));
                changed = true;
            }
            Event::Paste(t) if !t.is_empty() => {
                editor.insert(value, &typed(&t.replace(['\r', '\n'], " ")));
                changed = true;
            }
            Event::Ime(egui::ImeEvent::Commit(t)) if !t.is_empty() => {
                editor.insert(value, &typed(&t));
                changed = true;
            }
            Event::Copy | Event::Cut if !password && !editor.selection().is_empty() => {
                let sel = editor.selection();
                let (a, b) = (byte_at(value, sel.start), byte_at(value, sel.end));
                ui.copy_text(value[a..b].to_string());
                if matches!(event, Event::Cut) {
                    editor.backspace(value);
                    changed = true;
                }
            }
            Event::AccessKitActionRequest(accesskit::ActionRequest {
                action: accesskit::Action::ReplaceSelectedText,
                target_node,
                data: Some(accesskit::ActionData::Value(t)),
                ..
            }) if target_node == id.accesskit_id() => {
                editor.insert(value, &typed(&t));
                changed = true;
            }
            Event::Key { key, pressed: true, modifiers, .. } => {
                let shift = modifiers.shift;
                match key {
                    Key::ArrowLeft | Key::ArrowRight => {
                        editor.move_visual(&stops(value), key == Key::ArrowLeft, shift)
                    }
                    Key::Home => editor.home(shift),
                    Key::End => editor.end(n, shift),
                    Key::A if modifiers.command => editor.select_all(n),
                    Key::Backspace => {
                        editor.backspace(value);
                        changed = true;
                    }
                    Key::Delete => {
                        editor.delete(value);
                        changed = true;
                    }
                    Key::Enter => {
                        ui.memory_mut(|m| m.surrender_focus(id));
                        break;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    changed
}

/// A one-line text field at least 40 px high and `width` wide (see the module's text).
pub fn field(ui: &mut Ui, value: &mut String, width: f32, password: bool) -> Response {
    // Typed values stand out from the labels around them.
    let p = crate::theme::palette(ui);
    let style = Style { color: p.text_strong, ..Style::body(ui) };
    let (rect, mut response) =
        ui.allocate_exact_size(Vec2::new(width, 40.0_f32.max(style.size * 2.0)), Sense::click());
    let id = response.id;
    let inner = rect.shrink2(Vec2::new(8.0, 4.0));
    let mut state: FieldState = ui.data(|d| d.get_temp(id)).unwrap_or_default();
    let before = value.clone();
    let shown_of = |v: &str| if password { "•".repeat(v.chars().count()) } else { v.to_string() };

    // Assistive technologies set the whole value without focusing the field first.
    let set = ui.input(|i| {
        i.accesskit_action_requests(id, accesskit::Action::SetValue)
            .filter_map(|r| match &r.data {
                Some(accesskit::ActionData::Value(v)) => Some(v.to_string()),
                _ => None,
            })
            .last()
    });
    let was_set = set.is_some();
    if let Some(v) = set {
        *value = if password { v } else { station_text::digits::western_digits(&v) };
        state.editor = Editor::at(value.chars().count());
    }

    let laid_of = |ui: &Ui, v: &str| lay_out(ui, &shown_of(v), style);
    // Text with letters is aligned by its own direction; text without (numbers, dates, phone
    // numbers) is read left to right but aligned like the column the field stands in.
    let column_right = ui.layout().horizontal_align() == egui::Align::Max;
    let align_right =
        |v: &str, laid: &Laid| bidi::first_strong(&shown_of(v)).map_or(column_right, |_| laid.rtl);
    let origin_of = |laid: &Laid, scroll: f32, right: bool| {
        if laid.width <= inner.width() {
            if right { inner.right() - laid.width } else { inner.left() }
        } else {
            inner.left() - scroll
        }
    };

    if response.clicked() {
        response.request_focus();
        let laid = laid_of(ui, value);
        let stops = stops(&laid);
        if let Some(p) = response.interact_pointer_pos() {
            let x = p.x - origin_of(&laid, state.scroll, align_right(value, &laid));
            let to = Editor::nearest(&stops, x);
            let shift = ui.input(|i| i.modifiers.shift);
            if shift { state.editor.caret = to } else { state.editor = Editor::at(to) }
        }
    } else if response.gained_focus() {
        state.editor = Editor::at(value.chars().count());
    }

    let focused = response.has_focus();
    if focused {
        let stops_now = |v: &str| stops(&lay_out(ui, &shown_of(v), style));
        if handle_input(ui, id, value, password, &mut state.editor, &stops_now) {
            response.mark_changed();
        }
    }
    if was_set && *value != before {
        response.mark_changed();
    }
    state.editor.clamp(value.chars().count());

    // Drawing.
    let laid = laid_of(ui, value);
    let visuals = ui.style().interact(&response);
    let stroke =
        if focused { egui::Stroke::new(2.0, p.accent) } else { egui::Stroke::new(1.0, p.line) };
    ui.painter().rect(rect, visuals.corner_radius, p.field, stroke, egui::StrokeKind::Inside);
    let stops = if focused { stops(&laid) } else { Vec::new() };
    if laid.width > inner.width() {
        let max = laid.width - inner.width();
        if focused && let Some(&x) = stops.get(state.editor.caret) {
            if x < state.scroll {
                state.scroll = x;
            } else if x > state.scroll + inner.width() {
                state.scroll = x - inner.width();
            }
        } else if !focused {
            // Show the beginning of the text: the left end for Latin, the right end for Arabic.
            state.scroll = if laid.rtl { max } else { 0.0 };
        }
        state.scroll = state.scroll.clamp(0.0, max);
    } else {
        state.scroll = 0.0;
    }
    let origin = origin_of(&laid, state.scroll, align_right(value, &laid));
    let painter = ui.painter_at(inner);
    let line_height = inner.height();
    if focused && !state.editor.selection().is_empty() {
        for i in state.editor.selection() {
            if let Some((x0, x1)) = laid.chars.get(i) {
                let r = Rect::from_x_y_ranges(origin + x0..=origin + x1, inner.y_range());
                painter.rect_filled(r, 0.0, p.selection);
            }
        }
    }
    for (piece, left) in &laid.pieces {
        text::paint_pieces(
            &painter,
            std::slice::from_ref(piece),
            origin + left,
            inner.top(),
            line_height,
        );
    }
    if focused && let Some(&x) = stops.get(state.editor.caret) {
        let x = (origin + x).round();
        painter.line_segment(
            [egui::pos2(x, inner.top() + 4.0), egui::pos2(x, inner.bottom() - 4.0)],
            egui::Stroke::new(2.0, p.text_strong),
        );
        ui.output_mut(|o| {
            o.ime = Some(egui::output::IMEOutput {
                purpose: if password {
                    egui::IMEPurpose::Password
                } else {
                    egui::IMEPurpose::Normal
                },
                rect,
                cursor_rect: Rect::from_min_max(
                    egui::pos2(x, inner.top()),
                    egui::pos2(x + 1.0, inner.bottom()),
                ),
                should_interrupt_composition: false,
            })
        });
    }
    ui.data_mut(|d| d.insert_temp(id, state));

    let mask = |v: &str| if password { "•".repeat(v.chars().count()) } else { v.to_string() };
    response.widget_info(|| WidgetInfo::text_edit(true, mask(&before), mask(value), ""));
    ui.ctx().accesskit_node_builder(id, |b| {
        b.set_role(if password {
            accesskit::Role::PasswordInput
        } else {
            accesskit::Role::TextInput
        });
        b.add_action(accesskit::Action::SetValue);
        b.add_action(accesskit::Action::ReplaceSelectedText);
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Caret positions of a right-to-left word of four letters: position 0 at the right end.
    const RTL4: [f32; 5] = [40.0, 30.0, 20.0, 10.0, 0.0];

    #[test]
    fn arrows_move_visually_through_arabic() {
        let mut e = Editor::at(0);
        e.move_visual(&RTL4, true, false);
        assert_eq!(e, Editor::at(1), "left in Arabic moves forward in the text");
        e.move_visual(&RTL4, false, false);
        e.move_visual(&RTL4, false, false);
        assert_eq!(e, Editor::at(0), "right stops at the right end");
        let mut e = Editor::at(4);
        e.move_visual(&RTL4, true, false);
        assert_eq!(e, Editor::at(4), "left stops at the left end");
    }

    #[test]
    fn ties_go_to_the_nearer_position_in_the_text() {
        // "عدد 123": position 4 (after the space) and 7 (after "3") stand at the same place.
        let stops = [70.0, 60.0, 50.0, 40.0, 30.0, 10.0, 20.0, 30.0];
        let mut e = Editor::at(6);
        e.move_visual(&stops, false, false);
        assert_eq!(e.caret, 7);
        e.move_visual(&stops, false, false);
        assert_eq!(e.caret, 3);
    }

    #[test]
    fn typing_and_deleting_follow_the_logical_text() {
        let mut t = String::from("مرحبا");
        let mut e = Editor::at(5);
        e.move_visual(&[50.0, 40.0, 30.0, 20.0, 10.0, 0.0], false, false);
        e.move_visual(&[50.0, 40.0, 30.0, 20.0, 10.0, 0.0], false, false);
        assert_eq!(e.caret, 3);
        e.insert(&mut t, "x");
        assert_eq!(t, "مرحxبا");
        e.backspace(&mut t);
        assert_eq!(t, "مرحبا");
        e.delete(&mut t);
        assert_eq!(t, "مرحا");
        assert_eq!(e.caret, 3);
        e.home(false);
        e.backspace(&mut t);
        assert_eq!(t, "مرحا", "nothing before the start");
        e.end(4, false);
        e.delete(&mut t);
        assert_eq!(t, "مرحا", "nothing after the end");
    }

    #[test]
    fn selections_extend_with_shift_are_replaced_by_typing_and_collapse_on_their_side() {
        let mut t = String::from("Ahmad");
        let stops = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0];
        let mut e = Editor::at(1);
        e.move_visual(&stops, false, true);
        e.move_visual(&stops, false, true);
        assert_eq!(e.selection(), 1..3);
        let mut collapsed = e;
        collapsed.move_visual(&stops, true, false);
        assert_eq!(collapsed, Editor::at(1));
        e.insert(&mut t, "Y");
        assert_eq!(t, "AYad");
        e.select_all(4);
        e.backspace(&mut t);
        assert!(t.is_empty());
        assert_eq!(Editor::nearest(&stops, 24.0), 2);
        assert_eq!(Editor::nearest(&[], 24.0), 0);
    }
}
