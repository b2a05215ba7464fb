//! The capture steps' side panels, as the best enrollment clients lay them out: a list of the
//! modalities with a thumbnail and the scores of what each has captured so far, and for the
//! current step one quality bar per finger or eye with the threshold drawn on it and the attempts
//! left.

use egui::{CornerRadius, Rect, Stroke, Ui, pos2, vec2};
use fluent_bundle::FluentValue;
use schemas::manifest::Position;
use station_core::workflow::Stage;

use super::live::{self, Mark};
use super::text::{self, Style};
use super::{App, Recorded, position_name, theme};

/// How large a thumbnail of the modality list is.
const THUMB: f32 = 44.0;

impl App {
    /// Each capture step of this enrollment (and the exception photo once taken): a thumbnail of
    /// what it captured, its name, and how many positions it has with the lowest quality; the
    /// current step highlighted.
    pub(super) fn modality_list(&mut self, ui: &mut Ui, current: Stage) {
        let base = self.model.base();
        let face_only = self.model.enrolling.as_ref().is_some_and(|e| e.face_only);
        let samples = self.model.review_samples.take().unwrap_or_default();
        let key = self.draft_key(&samples);
        self.sample_textures(ui, &key, &samples);
        let p = theme::palette(ui);
        let mut rows: Vec<(String, &[Position], bool)> = Stage::plan(face_only)
            .into_iter()
            .filter(|s| live::CAPTURE_STAGES.contains(s))
            .map(|s| {
                (self.t(&format!("stage-{}", s.as_str()), &[]), live::positions_of(s), s == current)
            })
            .collect();
        if self.model.marks.iter().any(|(pos, _)| *pos == Position::ExceptionPhoto) {
            rows.push((self.t("pos-exception_photo", &[]), &[Position::ExceptionPhoto], false));
        }
        let (start, _) = self.rows();
        for (name, positions, is_current) in rows {
            let summary = self.modality_summary(positions);
            let thumb = samples
                .iter()
                .position(|s| positions.contains(&s.position) && s.image.is_some())
                .and_then(|i| self.sample_texture(i).cloned());
            let fill = if is_current { p.selection } else { p.surface };
            egui::Frame::new()
                .fill(fill)
                .corner_radius(theme::radius::M)
                .inner_margin(theme::space::XS)
                .show(ui, |ui| {
                    ui.set_min_width(ui.available_width());
                    super::row(ui, start, |ui| {
                        let (rect, _) =
                            ui.allocate_exact_size(vec2(THUMB, THUMB), egui::Sense::hover());
                        match &thumb {
                            Some(t) => {
                                let size = t.size_vec2();
                                let scale = (THUMB / size.x).min(THUMB / size.y);
                                let r = Rect::from_center_size(rect.center(), size * scale);
                                ui.painter().image(
                                    t.id(),
                                    r,
                                    Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                                    theme::UNTINTED,
                                );
                            }
                            None => {
                                ui.painter().rect_stroke(
                                    rect,
                                    CornerRadius::same(theme::radius::S),
                                    Stroke::new(1.0, p.line),
                                    egui::StrokeKind::Inside,
                                );
                            }
                        }
                        ui.vertical(|ui| {
                            ui.spacing_mut().item_spacing.y = 0.0;
                            let strong = Style { size: theme::size::SMALL, color: p.text_strong };
                            text::label(ui, &name, base, strong);
                            let weak = Style { size: theme::size::SMALL, color: p.text_weak };
                            text::label(ui, &summary, base, weak);
                        });
                    });
                });
        }
        self.model.review_samples = Some(samples);
    }

    /// "3 of 4, lowest quality 62, 1 exception", or "not captured yet".
    fn modality_summary(&self, positions: &[Position]) -> String {
        let marks: Vec<Mark> = self
            .model
            .marks
            .iter()
            .filter(|(pos, _)| positions.contains(pos))
            .map(|(_, m)| *m)
            .collect();
        if marks.is_empty() {
            return self.t("modality-todo", &[]);
        }
        let captured: Vec<Option<u8>> = marks
            .iter()
            .filter_map(|m| match m {
                Mark::Captured { quality, .. } => Some(*quality),
                Mark::Excepted(_) => None,
            })
            .collect();
        let lowest = captured.iter().flatten().min().map_or("-".to_string(), u8::to_string);
        self.t(
            "modality-summary",
            &[
                ("captured", FluentValue::from(captured.len())),
                ("total", FluentValue::from(positions.len())),
                ("lowest", FluentValue::from(lowest)),
                ("excepted", FluentValue::from(marks.len() - captured.len())),
            ],
        )
    }

    /// One bar per position of the current step, with what it has (after a capture), the
    /// threshold drawn across it and the attempts left; then the positions the step just
    /// recorded as exceptions, with their reasons.
    pub(super) fn quality_bars(&self, ui: &mut Ui, stage: Stage) {
        let base = self.model.base();
        let policy = &self.model.services.station.config.capture;
        let attempts = u32::from(policy.max_retries) + 1;
        for &pos in live::positions_of(stage) {
            let name = self.t(&format!("pos-{}", position_name(pos)), &[]);
            let threshold = policy.threshold(pos);
            let mark = self.model.marks.iter().find(|(p, _)| *p == pos).map(|(_, m)| *m);
            let (quality, left) = match mark {
                Some(Mark::Captured { quality, retries, .. }) => {
                    (quality, attempts.saturating_sub(u32::from(retries) + 1))
                }
                _ if self.model.undecided == Some(pos) => (None, 0),
                _ => (None, attempts),
            };
            let said = self.t(
                "quality-bar",
                &[
                    ("position", FluentValue::from(name.clone())),
                    (
                        "quality",
                        FluentValue::from(quality.map_or("-".to_string(), |q| q.to_string())),
                    ),
                    ("threshold", FluentValue::from(threshold)),
                    ("left", FluentValue::from(left)),
                ],
            );
            let caption = match quality {
                Some(q) => self.t(
                    "quality-bar-caption",
                    &[
                        ("position", FluentValue::from(name.clone())),
                        ("quality", FluentValue::from(q)),
                        ("threshold", FluentValue::from(threshold)),
                        ("left", FluentValue::from(left)),
                    ],
                ),
                None => self.t(
                    "quality-bar-empty",
                    &[
                        ("position", FluentValue::from(name.clone())),
                        ("threshold", FluentValue::from(threshold)),
                        ("left", FluentValue::from(left)),
                    ],
                ),
            };
            quality_bar(ui, &caption, &said, quality, threshold, base, self.model.lang.rtl());
        }
        // A step that moved on shows its results in the modality list and the hand diagram; the
        // reasons of its exceptions are told here.
        let last = self.model.enrolling.as_ref().map_or(&[][..], |e| &e.last[..]);
        for l in last {
            if let Recorded::Excepted { position, reason } = l {
                let line = self.t(
                    "excepted-line",
                    &[
                        (
                            "position",
                            FluentValue::from(
                                self.t(&format!("pos-{}", position_name(*position)), &[]),
                            ),
                        ),
                        ("reason", FluentValue::from(reason.as_str())),
                    ],
                );
                text::paragraph(ui, &line, base, Style::body(ui));
            }
        }
    }
}

/// The position's caption (its name, its quality once captured, its threshold, its attempts), then
/// below it a bar filled to the quality (green at or above the threshold, amber below) with the threshold as
/// a mark across it, growing from the reading side; read by assistive technology as `said`.
fn quality_bar(
    ui: &mut Ui,
    caption: &str,
    said: &str,
    quality: Option<u8>,
    threshold: u8,
    base: station_text::bidi::Base,
    rtl: bool,
) {
    let p = theme::palette(ui);
    let small = Style { size: theme::size::SMALL, color: p.text };
    ui.scope(|ui| {
        ui.spacing_mut().item_spacing.y = theme::space::XS;
        text::label(ui, caption, base, small);
        let width = ui.available_width().min(400.0);
        let (rect, response) = ui.allocate_exact_size(vec2(width, 12.0), egui::Sense::hover());
        let painter = ui.painter_at(rect.expand(3.0));
        painter.rect_filled(rect, CornerRadius::same(theme::radius::S), p.finger_empty);
        let at = |share: f32| {
            if rtl {
                rect.right() - share * rect.width()
            } else {
                rect.left() + share * rect.width()
            }
        };
        if let Some(q) = quality {
            let share = f32::from(q.min(100)) / 100.0;
            let filled = if rtl {
                Rect::from_min_max(pos2(at(share), rect.top()), rect.right_bottom())
            } else {
                Rect::from_min_max(rect.left_top(), pos2(at(share), rect.bottom()))
            };
            let colour = if q >= threshold { p.finger_done } else { p.finger_forced };
            painter.rect_filled(filled, CornerRadius::same(theme::radius::S), colour);
        }
        let x = at(f32::from(threshold.min(100)) / 100.0);
        painter.line_segment(
            [pos2(x, rect.top() - 3.0), pos2(x, rect.bottom() + 3.0)],
            Stroke::new(2.5, p.text_strong),
        );
        let said = text::spoken(said);
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &said));
    });
}
