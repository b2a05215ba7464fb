//! The kiosk's visual design in one place: colours, type sizes, spacing and corner radii, for a
//! light theme (the default: post offices and ministries are bright) and a dark one. No colour is
//! written anywhere else in the kiosk. The tests below hold every text colour to a contrast of at
//! least 4.5:1 against the backgrounds it is drawn on (WCAG 2), and body text to 16 px at least
//! (Arabic's small forms and dots need it).

use egui::{Color32, CornerRadius, Stroke, Ui};

/// An image drawn as it is (egui multiplies a texture by this colour).
pub const UNTINTED: Color32 = Color32::WHITE;

/// Light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// The colours of one theme. Text colours are read on `background`, `surface` and `field`;
/// drawing colours (outlines, marks on the hand diagram, the preview's frame) are not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// The window's background.
    pub background: Color32,
    /// Panels and cards on it.
    pub surface: Color32,
    /// Inside text fields.
    pub field: Color32,
    /// A button at rest, and under the pointer.
    pub button: Color32,
    pub button_hover: Color32,
    /// Text.
    pub text: Color32,
    pub text_strong: Color32,
    /// Secondary text (still readable: the same contrast floor).
    pub text_weak: Color32,
    /// Text that guides: the applicant's instructions, the current step.
    pub accent: Color32,
    /// Text that says something went well, needs attention, or was refused.
    pub ok: Color32,
    pub warn: Color32,
    pub danger: Color32,
    /// Selection and focus.
    pub selection: Color32,
    /// Outlines and separators.
    pub line: Color32,
    /// The preview's frame when the capture is ready, and when it is not.
    pub ready: Color32,
    pub not_ready: Color32,
    /// The head guide and face box drawn over the preview.
    pub guide: Color32,
    /// The hand diagram: palm, a finger with nothing yet, captured, captured below the
    /// threshold or forced, excepted, the current slap's outline, and the cross of an exception.
    pub palm: Color32,
    pub finger_empty: Color32,
    pub finger_done: Color32,
    pub finger_forced: Color32,
    pub finger_excepted: Color32,
    pub finger_current: Color32,
    pub cross: Color32,
    /// The slip's preview is paper whatever the theme: ink on white.
    pub paper: Color32,
    pub ink: Color32,
}

pub const LIGHT: Palette = Palette {
    background: Color32::from_rgb(0xF7, 0xF8, 0xFA),
    surface: Color32::from_rgb(0xFF, 0xFF, 0xFF),
    field: Color32::from_rgb(0xFF, 0xFF, 0xFF),
    button: Color32::from_rgb(0xE3, 0xE8, 0xEF),
    button_hover: Color32::from_rgb(0xD2, 0xDA, 0xE5),
    text: Color32::from_rgb(0x1F, 0x29, 0x33),
    text_strong: Color32::from_rgb(0x0B, 0x12, 0x1A),
    text_weak: Color32::from_rgb(0x52, 0x5F, 0x6D),
    accent: Color32::from_rgb(0x1D, 0x4E, 0xD8),
    ok: Color32::from_rgb(0x16, 0x6B, 0x34),
    warn: Color32::from_rgb(0x8A, 0x4B, 0x08),
    danger: Color32::from_rgb(0xB4, 0x1C, 0x1C),
    selection: Color32::from_rgb(0xBF, 0xD3, 0xFA),
    line: Color32::from_rgb(0xB8, 0xC2, 0xCC),
    ready: Color32::from_rgb(0x22, 0xA0, 0x4B),
    not_ready: Color32::from_rgb(0xE8, 0x93, 0x14),
    guide: Color32::from_rgb(0x3C, 0x8C, 0xF0),
    palm: Color32::from_rgb(0xD7, 0xDC, 0xE2),
    finger_empty: Color32::from_rgb(0xEE, 0xF0, 0xF3),
    finger_done: Color32::from_rgb(0x46, 0xB4, 0x64),
    finger_forced: Color32::from_rgb(0xF0, 0xAA, 0x28),
    finger_excepted: Color32::from_rgb(0x8C, 0x8C, 0x8C),
    finger_current: Color32::from_rgb(0x28, 0x6E, 0xE6),
    cross: Color32::from_rgb(0xAA, 0x1E, 0x1E),
    paper: Color32::WHITE,
    ink: Color32::BLACK,
};

pub const DARK: Palette = Palette {
    background: Color32::from_rgb(0x15, 0x19, 0x1E),
    surface: Color32::from_rgb(0x1E, 0x24, 0x2B),
    field: Color32::from_rgb(0x0E, 0x11, 0x15),
    button: Color32::from_rgb(0x2F, 0x38, 0x42),
    button_hover: Color32::from_rgb(0x34, 0x3E, 0x49),
    text: Color32::from_rgb(0xDD, 0xE3, 0xEA),
    text_strong: Color32::from_rgb(0xF5, 0xF7, 0xFA),
    text_weak: Color32::from_rgb(0xB0, 0xBA, 0xC5),
    accent: Color32::from_rgb(0x8A, 0xB4, 0xF8),
    ok: Color32::from_rgb(0x6C, 0xCB, 0x8A),
    warn: Color32::from_rgb(0xF2, 0xB3, 0x5B),
    danger: Color32::from_rgb(0xF6, 0xA3, 0x9C),
    selection: Color32::from_rgb(0x2E, 0x4A, 0x7A),
    line: Color32::from_rgb(0x4A, 0x55, 0x61),
    ready: Color32::from_rgb(0x3C, 0xC3, 0x6A),
    not_ready: Color32::from_rgb(0xF0, 0xA0, 0x2A),
    guide: Color32::from_rgb(0x6A, 0xAA, 0xFF),
    palm: Color32::from_rgb(0x4A, 0x52, 0x5C),
    finger_empty: Color32::from_rgb(0x2A, 0x31, 0x39),
    finger_done: Color32::from_rgb(0x3C, 0xA0, 0x5A),
    finger_forced: Color32::from_rgb(0xD9, 0x96, 0x20),
    finger_excepted: Color32::from_rgb(0x78, 0x78, 0x78),
    finger_current: Color32::from_rgb(0x6A, 0xAA, 0xFF),
    cross: Color32::from_rgb(0xF2, 0x8B, 0x82),
    paper: Color32::WHITE,
    ink: Color32::BLACK,
};

/// Type sizes, in points (egui's logical pixels).
pub mod size {
    /// The smallest text anywhere (table cells, secondary lines).
    pub const SMALL: f32 = 16.0;
    /// Body text, labels, buttons.
    pub const BODY: f32 = 18.0;
    /// A step's or a screen's title.
    pub const HEADING: f32 = 28.0;
    /// The applicant's instructions, read from a metre away.
    pub const APPLICANT: f32 = 26.0;
    /// The enrollment number on the slip's preview.
    pub const NUMBER: f32 = 22.0;
    /// A quality number inside a finger of the hand diagram (digits on a drawing, not text to
    /// read as a sentence; the finger is 26 points wide).
    pub const MARK: f32 = 14.0;
}

/// Space between things, in points.
pub mod space {
    pub const XS: f32 = 4.0;
    pub const S: f32 = 8.0;
    pub const M: f32 = 12.0;
    pub const L: f32 = 20.0;
    pub const XL: f32 = 32.0;
}

/// Corner radii.
pub mod radius {
    pub const S: u8 = 4;
    pub const M: u8 = 8;
    pub const L: u8 = 18;
}

impl Theme {
    pub fn palette(self) -> &'static Palette {
        match self {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
        }
    }

    /// Sets egui's own colours (panels, buttons, fields, selection) from the palette.
    pub fn apply(self, ctx: &egui::Context) {
        let p = self.palette();
        let mut v = match self {
            Theme::Light => egui::Visuals::light(),
            Theme::Dark => egui::Visuals::dark(),
        };
        v.panel_fill = p.background;
        v.window_fill = p.surface;
        v.extreme_bg_color = p.field;
        v.faint_bg_color = p.surface;
        v.override_text_color = None;
        v.hyperlink_color = p.accent;
        v.warn_fg_color = p.warn;
        v.error_fg_color = p.danger;
        v.selection.bg_fill = p.selection;
        v.selection.stroke = Stroke::new(1.0, p.text_strong);
        let corner = CornerRadius::same(radius::S);
        for (w, fill) in [
            (&mut v.widgets.noninteractive, p.background),
            (&mut v.widgets.inactive, p.button),
            (&mut v.widgets.hovered, p.button_hover),
            (&mut v.widgets.active, p.selection),
            (&mut v.widgets.open, p.button),
        ] {
            w.bg_fill = fill;
            w.weak_bg_fill = fill;
            w.fg_stroke = Stroke::new(1.0, p.text);
            w.corner_radius = corner;
        }
        v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, p.line);
        v.widgets.hovered.bg_stroke = Stroke::new(1.0, p.line);
        ctx.set_visuals(v);
    }
}

/// The palette of the theme `ui` is drawn with.
pub fn palette(ui: &Ui) -> &'static Palette {
    if ui.visuals().dark_mode { &DARK } else { &LIGHT }
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance(c: Color32) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.040_45 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_colour_reads_at_4_5_to_1_on_every_background_in_both_themes() {
        for theme in [Theme::Light, Theme::Dark] {
            let p = theme.palette();
            let texts = [
                ("text", p.text),
                ("text_strong", p.text_strong),
                ("text_weak", p.text_weak),
                ("accent", p.accent),
                ("ok", p.ok),
                ("warn", p.warn),
                ("danger", p.danger),
            ];
            let grounds = [
                ("background", p.background),
                ("surface", p.surface),
                ("field", p.field),
                ("button", p.button),
                ("button_hover", p.button_hover),
            ];
            for (tn, t) in texts {
                for (gn, g) in grounds {
                    let c = contrast(t, g);
                    assert!(c >= 4.5, "{theme:?}: {tn} on {gn} is {c:.2}:1");
                }
            }
            // Selected text, and the slip's ink on its paper.
            assert!(contrast(p.text_strong, p.selection) >= 4.5, "{theme:?}: selection");
            assert!(contrast(p.ink, p.paper) >= 4.5);
        }
    }

    #[test]
    fn the_contrast_formula_gives_the_known_extremes() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(LIGHT.text, LIGHT.text) - 1.0).abs() < 1e-9);
        // WCAG's example: #777777 on white is just under 4.5:1.
        let grey = contrast(Color32::from_gray(0x77), Color32::WHITE);
        assert!((4.47..4.49).contains(&grey), "{grey}");
    }

    #[test]
    fn no_colour_is_written_outside_the_theme() {
        let sources = [
            ("admin.rs", include_str!("admin.rs")),
            ("applicant.rs", include_str!("applicant.rs")),
            ("field.rs", include_str!("field.rs")),
            ("lib.rs", include_str!("lib.rs")),
            ("live.rs", include_str!("live.rs")),
            ("slip.rs", include_str!("slip.rs")),
            ("supervisor.rs", include_str!("supervisor.rs")),
            ("text.rs", include_str!("text.rs")),
        ];
        for (name, text) in sources {
            for (n, line) in text.lines().enumerate() {
                // PLACEHOLDER is egui's "the galley's own colour", not a colour.
                let written = ["Color32::from_", "Color32::WHITE", "Color32::BLACK", "Rgba::"]
                    .iter()
                    .any(|c| line.contains(c))
                    || line.contains("visuals().text_color");
                assert!(!written, "{name}:{}: {line}", n + 1);
            }
        }
    }

    #[test]
    fn text_to_read_is_never_smaller_than_16_px() {
        for s in [size::SMALL, size::BODY, size::HEADING, size::APPLICANT, size::NUMBER] {
            assert!(s >= 16.0, "{s}");
        }
    }
}
