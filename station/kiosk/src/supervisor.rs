//! The supervisor's screens: one enrollment of the queue with its samples, and the day's report
//! per operator.

use egui::{TextureHandle, TextureOptions, Ui};
use fluent_bundle::FluentValue;
use schemas::manifest::Position;

use super::text::{self, Style};
use super::{Action, App, Model, Screen, live};
use station_text::bidi::isolate;

/// One sample as the supervisor sees it.
pub struct ReviewSample {
    pub position: Position,
    pub quality: Option<u8>,
    /// The station's own score beside the device's, when the device scored the sample.
    pub station_quality: Option<u8>,
    pub forced: bool,
    pub exception: Option<String>,
    /// Decoded from the signed ISO record: width, height, channels, pixels.
    pub image: Option<(u32, u32, u8, Vec<u8>)>,
}

impl ReviewSample {
    /// A sample of an unsigned draft, its record decoded (none if it does not decode: the
    /// review shows an empty frame, the record checks at signature say why).
    pub fn of_draft(s: station_core::workflow::CapturedSample) -> ReviewSample {
        let image = s
            .record
            .as_deref()
            .and_then(|r| schemas::iso19794::Record::parse(r).ok())
            .and_then(|r| r.decode_images().ok())
            .and_then(|v| v.into_iter().next())
            .map(|p| (p.width, p.height, p.channels, p.data));
        ReviewSample {
            position: s.position,
            quality: s.quality.as_ref().map(|q| q.score),
            station_quality: s.station_quality.as_ref().map(|q| q.score),
            forced: s.forced,
            exception: s.exception.map(|e| e.reason),
            image,
        }
    }
}

/// An enrollment awaiting approval, opened from its signed draft.
pub struct ReviewView {
    pub id: String,
    pub sequence: u64,
    pub operator: String,
    pub name_ar: String,
    pub name_latin: String,
    pub national_id: String,
    pub date_of_birth: String,
    pub samples: Vec<ReviewSample>,
}

impl Model {
    pub(super) fn open_review(&mut self, id: &str) {
        let Some(s) = &self.session else { return };
        let opened = match self.services.station.signed_enrollment(s, id) {
            Ok(o) => o,
            Err(e) => return self.refuse_err(&e),
        };
        // Every record is parsed and decoded: what the supervisor sees is what was signed.
        let decoded = match opened.check_records(true) {
            Ok(d) => d,
            Err(e) => {
                return self.refuse_err(&station_core::explain::bundle(&e));
            }
        };
        let m = &opened.manifest;
        let mut samples = Vec::new();
        for sample in &m.samples {
            let image = decoded
                .iter()
                .find(|(r, _)| r.position == sample.position)
                .and_then(|(_, px)| px.as_ref())
                .map(|p| (p.width, p.height, p.channels, p.data.clone()));
            samples.push(ReviewSample {
                position: sample.position,
                quality: sample.quality.as_ref().map(|q| q.score),
                station_quality: sample.station_quality.as_ref().map(|q| q.score),
                forced: sample.forced,
                exception: sample.exception.as_ref().map(|e| e.reason.clone()),
                image,
            });
        }
        self.review = Some(ReviewView {
            id: id.to_string(),
            sequence: m.station.sequence,
            operator: m.operator_id.clone(),
            name_ar: m.applicant.name_ar.full(),
            name_latin: m.applicant.name_latin.full(),
            national_id: m.applicant.national_id.clone().unwrap_or_default(),
            date_of_birth: m.applicant.date_of_birth.clone(),
            samples,
        });
        self.refusal.clear();
        self.screen = Screen::Review;
    }

    /// Today's report (station clock, UTC day).
    pub(super) fn open_report(&mut self) {
        let Some(s) = &self.session else { return };
        let now = (self.services.clock)();
        let start = now - now.rem_euclid(86_400_000);
        match self.services.station.daily_report(s, start, start + 86_400_000) {
            Ok(r) => {
                self.operator_days = r;
                self.screen = Screen::Report;
            }
            Err(e) => self.refuse_err(&e),
        }
    }
}

/// The review's images as textures, made once per opened enrollment.
#[derive(Default)]
pub(crate) struct ReviewTextures {
    id: String,
    textures: Vec<Option<TextureHandle>>,
}

/// Hours and minutes (UTC, the station's clock) of a time in milliseconds.
fn clock_time(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&time::macros::format_description!("[hour]:[minute]")).ok())
        .unwrap_or_else(|| "--:--".into())
}

/// The widths of the queue's columns in the reading order (number, time, clerk, what needs
/// attention, lowest quality) in a table `width` wide: the two buttons need up to 240 points in
/// either language, what needs attention takes the rest.
fn columns(width: f32, spacing: f32) -> [f32; 5] {
    let fixed = 60.0 + 90.0 + 130.0 + 110.0 + 240.0 + 8.0 * spacing;
    [60.0, 90.0, 130.0, (width - fixed).clamp(100.0, 360.0), 110.0]
}

impl App {
    /// The supervisor's queue as a table in risk order (exceptions, then captures kept after
    /// retries, then the lowest quality first): one row per enrollment with its buttons, the
    /// keyboard's row highlighted (up and down move it, Enter opens it); then the end-of-day
    /// batch, which shows what it would approve before it does.
    pub(super) fn queue_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let rtl = self.model.lang.rtl();
        let (start, _) = self.rows();
        text::paragraph(ui, &self.t("queue-title", &[]), base, Style::heading(ui));
        if self.model.pending.is_empty() {
            return;
        }
        let p = crate::theme::palette(ui);
        let head = Style { size: crate::theme::size::SMALL, color: p.text_weak };
        let widths = columns(ui.available_width(), ui.spacing().item_spacing.x);
        super::row(ui, start, |ui| {
            for (key, width) in [
                "queue-col-sequence",
                "queue-col-time",
                "queue-col-clerk",
                "queue-col-flags",
                "queue-col-quality",
            ]
            .into_iter()
            .zip(widths)
            {
                super::cell(ui, width, rtl, |ui| {
                    text::label(ui, &self.t(key, &[]), base, head);
                });
            }
        });
        let selected = self.model.queue_selected;
        // The keyboard, unless a text field (the rejection's reason) has it.
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        if !typing && self.model.batch.is_none() {
            let (down, up, enter) = ui.input(|i| {
                (
                    i.key_pressed(egui::Key::ArrowDown),
                    i.key_pressed(egui::Key::ArrowUp),
                    i.key_pressed(egui::Key::Enter),
                )
            });
            if down {
                actions.push(Action::SelectQueue(selected + 1));
            }
            if up {
                actions.push(Action::SelectQueue(selected.saturating_sub(1)));
            }
            if enter && let Some(p) = self.model.pending.get(selected) {
                actions.push(Action::OpenReview(p.id.clone()));
            }
        }
        // Long queues scroll inside the table; a short one shows whole.
        egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
            for (i, q) in self.model.pending.clone().iter().enumerate() {
                let fill = if i == selected { p.selection } else { p.surface };
                let time = isolate(&clock_time(q.signed_at));
                let flags = self.t(
                    "queue-flags",
                    &[
                        ("exceptions", FluentValue::from(q.exceptions)),
                        ("forced", FluentValue::from(q.forced)),
                    ],
                );
                let quality = q.lowest_quality.map_or("-".to_string(), |v| v.to_string());
                let flagged = q.exceptions > 0 || q.forced > 0;
                egui::Frame::new().fill(fill).show(ui, |ui| {
                    super::row(ui, start, |ui| {
                        let body = Style::body(ui);
                        let cells: [(String, Style); 5] = [
                            (q.sequence.to_string(), body),
                            (time.clone(), body),
                            (q.operator.clone(), body),
                            (
                                flags.clone(),
                                if flagged { Style { color: p.warn, ..body } } else { body },
                            ),
                            (quality.clone(), body),
                        ];
                        for ((value, style), width) in cells.into_iter().zip(widths) {
                            // Wrapped inside its cell: a long line must not push the
                            // row's buttons (and the panel beside) out of place.
                            super::cell(ui, width, rtl, |ui| {
                                text::paragraph(ui, &value, base, style);
                            });
                        }
                        let seq = [("sequence", FluentValue::from(q.sequence))];
                        let open = text::button_said(
                            ui,
                            &self.t("queue-open", &[]),
                            &self.t("open-one", &seq),
                            base,
                            body,
                        );
                        if open.clicked() {
                            actions.push(Action::OpenReview(q.id.clone()));
                        }
                        let reject = text::button_said(
                            ui,
                            &self.t("queue-reject", &[]),
                            &self.t("reject-one", &seq),
                            base,
                            body,
                        );
                        if reject.clicked() {
                            actions.push(Action::Reject(q.id.clone()));
                        }
                    });
                });
            }
        });
        text::paragraph(
            ui,
            &self.t("queue-keys", &[]),
            base,
            Style { size: crate::theme::size::SMALL, color: p.text_weak },
        );
        let label = text::paragraph(ui, &self.t("reject-reason", &[]), base, Style::body(ui));
        text::field(ui, &mut self.model.reject_reason, 360.0, false).labelled_by(label.id);
        match self.model.batch.clone() {
            None => {
                if text::button(ui, &self.t("approve-all", &[]), base, Style::body(ui)).clicked() {
                    actions.push(Action::ApproveAll);
                }
            }
            Some(ids) => self.batch_ui(ui, &ids, actions),
        }
    }

    /// The batch about to be approved, line by line, and the enrollments left out of it.
    fn batch_ui(&mut self, ui: &mut Ui, ids: &[String], actions: &mut Vec<Action>) {
        let base = self.model.base();
        let p = crate::theme::palette(ui);
        egui::Frame::new()
            .fill(p.surface)
            .stroke(egui::Stroke::new(1.0, p.line))
            .inner_margin(crate::theme::space::M)
            .corner_radius(crate::theme::radius::M)
            .show(ui, |ui| {
                let count = FluentValue::from(ids.len());
                text::paragraph(
                    ui,
                    &self.t("batch-title", &[("count", count.clone())]),
                    base,
                    Style::heading(ui),
                );
                let chosen = self.model.pending.iter().filter(|q| ids.contains(&q.id));
                for q in chosen {
                    let line = self.t(
                        "batch-line",
                        &[
                            ("sequence", FluentValue::from(q.sequence)),
                            ("operator", FluentValue::from(q.operator.as_str())),
                            ("time", FluentValue::from(isolate(&clock_time(q.signed_at)))),
                        ],
                    );
                    text::paragraph(ui, &line, base, Style::body(ui));
                }
                let left: Vec<String> = self
                    .model
                    .pending
                    .iter()
                    .filter(|q| !ids.contains(&q.id))
                    .map(|q| q.sequence.to_string())
                    .collect();
                if !left.is_empty() {
                    let sep = if self.model.lang.rtl() { "، " } else { ", " };
                    let line =
                        self.t("batch-flagged", &[("list", FluentValue::from(left.join(sep)))]);
                    text::paragraph(
                        ui,
                        &line,
                        base,
                        Style { size: crate::theme::size::BODY, color: p.warn },
                    );
                }
                super::row(ui, self.rows().0, |ui| {
                    if !ids.is_empty()
                        && text::button(
                            ui,
                            &self.t("batch-confirm", &[("count", count)]),
                            base,
                            Style::body(ui),
                        )
                        .clicked()
                    {
                        actions.push(Action::ConfirmBatch);
                    }
                    if text::button(ui, &self.t("batch-cancel", &[]), base, Style::body(ui))
                        .clicked()
                    {
                        actions.push(Action::CancelBatch);
                    }
                });
            });
    }

    /// One enrollment of the queue side by side: on the reading side who it is and the decision
    /// (F2 approves, F4 rejects with the reason typed, Esc goes back), on the other every sample
    /// decoded from the signed records.
    pub(super) fn review(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let rtl = self.model.lang.rtl();
        let Some(r) = &self.model.review else { return };
        let title = self.t(
            "review-title",
            &[
                ("sequence", FluentValue::from(r.sequence)),
                ("operator", FluentValue::from(r.operator.as_str())),
            ],
        );
        let name = if rtl { &r.name_ar } else { &r.name_latin };
        let summary = self.t(
            "review-summary",
            &[
                ("name", FluentValue::from(name.as_str())),
                ("id", FluentValue::from(isolate(&r.national_id))),
                ("date", FluentValue::from(isolate(&r.date_of_birth))),
            ],
        );
        let id = r.id.clone();
        let typing = ui.ctx().memory(|m| m.focused().is_some());
        let (approve_key, reject_key, back_key) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::F2),
                i.key_pressed(egui::Key::F4),
                i.key_pressed(egui::Key::Escape),
            )
        });
        let column = egui::Layout::top_down(if rtl { egui::Align::Max } else { egui::Align::Min });
        ui.columns(2, |cols| {
            let (first, second) = cols.split_at_mut(1);
            let (decision, samples) =
                if rtl { (&mut second[0], &mut first[0]) } else { (&mut first[0], &mut second[0]) };
            decision.with_layout(column, |ui| {
                text::paragraph(ui, &title, base, Style::heading(ui));
                text::paragraph(ui, &summary, base, Style::body(ui));
                self.refusal(ui);
                ui.add_space(crate::theme::space::M);
                let approve = text::button_said(
                    ui,
                    &self.t("approve-key", &[]),
                    &self.t("approve-one", &[]),
                    base,
                    Style::body(ui),
                );
                if approve.clicked() || (approve_key && !typing) {
                    actions.push(Action::Approve(id.clone()));
                }
                let label =
                    text::paragraph(ui, &self.t("reject-reason", &[]), base, Style::body(ui));
                let reason = text::field(ui, &mut self.model.reject_reason, 360.0, false)
                    .labelled_by(label.id);
                let reject = text::button_said(
                    ui,
                    &self.t("reject-key", &[]),
                    &self.t("reject-this", &[]),
                    base,
                    Style::body(ui),
                );
                if reject.clicked() || reject_key {
                    if self.model.reject_reason.trim().is_empty() {
                        // The reason first: the keyboard goes to its field.
                        reason.request_focus();
                    }
                    actions.push(Action::Reject(id.clone()));
                }
                let back = text::button_said(
                    ui,
                    &self.t("back-key", &[]),
                    &self.t("back-home", &[]),
                    base,
                    Style::body(ui),
                );
                if back.clicked() || back_key {
                    actions.push(Action::Home);
                }
            });
            samples.with_layout(column, |ui| {
                // The samples are lent to the grid while it draws (it needs the textures mutably).
                if let Some(r) = self.model.review.take() {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        self.sample_grid(ui, &r.id, &r.samples);
                    });
                    self.model.review = Some(r);
                }
            });
        });
    }

    /// The samples in a grid from the reading side: each picture decoded from its record, its
    /// position, its quality or its exception, and the station's own score.
    pub(super) fn sample_grid(&mut self, ui: &mut Ui, key: &str, samples: &[ReviewSample]) {
        let base = self.model.base();
        self.sample_textures(ui, key, samples);
        self.sample_cells(ui, samples, base, 120.0);
    }

    /// The textures of `samples`, made again only when `key` changes.
    pub(super) fn sample_textures(&mut self, ui: &Ui, key: &str, samples: &[ReviewSample]) {
        if self.review_textures.id != key {
            self.review_textures = ReviewTextures {
                id: key.to_string(),
                textures: samples
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        s.image.as_ref().map(|(w, h, c, d)| {
                            ui.ctx().load_texture(
                                format!("review-{i}"),
                                live::color_image(*w, *h, *c, d),
                                TextureOptions::LINEAR,
                            )
                        })
                    })
                    .collect(),
            };
        }
    }

    /// The texture of sample `i` of the samples last given to [`App::sample_textures`].
    pub(super) fn sample_texture(&self, i: usize) -> Option<&TextureHandle> {
        self.review_textures.textures.get(i).and_then(Option::as_ref)
    }

    /// The texture of sample `i` if the textures kept are those of `key` (none made here).
    pub(super) fn current_texture(&self, key: &str, i: usize) -> Option<TextureHandle> {
        (self.review_textures.id == key).then(|| self.sample_texture(i).cloned()).flatten()
    }

    /// The samples' cells: each picture `side` points at most, its lines below.
    pub(super) fn sample_cells(
        &mut self,
        ui: &mut Ui,
        samples: &[ReviewSample],
        base: station_text::bidi::Base,
        side: f32,
    ) {
        // Each sample's line, and the station's own score when the device's decided.
        let lines: Vec<(String, Option<String>)> = samples
            .iter()
            .map(|s| {
                let pos = self.t(&format!("pos-{}", super::position_name(s.position)), &[]);
                match (&s.exception, s.quality) {
                    (Some(reason), _) => (
                        self.t(
                            "excepted-line",
                            &[
                                ("position", FluentValue::from(pos)),
                                ("reason", FluentValue::from(reason.as_str())),
                            ],
                        ),
                        None,
                    ),
                    (None, q) => {
                        let q = q.map(|q| q.to_string()).unwrap_or_else(|| "-".into());
                        let key = if s.forced { "forced-line" } else { "quality-line" };
                        let line = self.t(
                            key,
                            &[
                                ("position", FluentValue::from(pos)),
                                ("quality", FluentValue::from(q)),
                            ],
                        );
                        (
                            line,
                            s.station_quality.map(|own| {
                                self.t(
                                    "station-quality-line",
                                    &[("quality", FluentValue::from(own))],
                                )
                            }),
                        )
                    }
                }
            })
            .collect();
        let rtl = self.model.lang.rtl();
        let layout = egui::Layout::left_to_right(egui::Align::TOP).with_main_wrap(true);
        let layout = if rtl {
            egui::Layout::right_to_left(egui::Align::TOP).with_main_wrap(true)
        } else {
            layout
        };
        ui.with_layout(layout, |ui| {
            for (i, (line, second)) in lines.iter().enumerate() {
                ui.allocate_ui(egui::vec2(side + 10.0, side + 60.0), |ui| {
                    ui.set_max_width(side + 10.0);
                    let column = egui::Layout::top_down(if rtl {
                        egui::Align::Max
                    } else {
                        egui::Align::Min
                    });
                    ui.with_layout(column, |ui| {
                        if let Some(Some(t)) = self.review_textures.textures.get(i) {
                            let size = t.size_vec2();
                            let scale = (side / size.x).min(side / size.y);
                            ui.image((t.id(), size * scale));
                        } else {
                            ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
                        }
                        text::paragraph(
                            ui,
                            line,
                            base,
                            Style {
                                size: crate::theme::size::SMALL,
                                color: crate::theme::palette(ui).text,
                            },
                        );
                        if let Some(second) = second {
                            text::paragraph(
                                ui,
                                second,
                                base,
                                Style {
                                    size: crate::theme::size::SMALL,
                                    color: crate::theme::palette(ui).text_weak,
                                },
                            );
                        }
                    });
                });
            }
        });
    }

    pub(super) fn day_report_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let today = time::OffsetDateTime::from_unix_timestamp((self.model.services.clock)() / 1000)
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        text::paragraph(
            ui,
            &self.t("report-title", &[("date", FluentValue::from(isolate(&today)))]),
            base,
            Style::heading(ui),
        );
        if self.model.operator_days.is_empty() {
            text::paragraph(ui, &self.t("report-empty", &[]), base, Style::body(ui));
        }
        for d in self.model.operator_days.clone() {
            let quality = d.mean_quality.map(|q| format!("{q:.0}")).unwrap_or_else(|| "-".into());
            let line = self.t(
                "report-line",
                &[
                    ("operator", FluentValue::from(d.operator.as_str())),
                    ("signed", FluentValue::from(d.signed)),
                    ("approved", FluentValue::from(d.approved)),
                    ("rejected", FluentValue::from(d.rejected)),
                    ("awaiting", FluentValue::from(d.awaiting)),
                    ("exceptions", FluentValue::from(d.exceptions)),
                    ("quality", FluentValue::from(quality)),
                ],
            );
            text::paragraph(ui, &line, base, Style::body(ui));
        }
        if text::button(ui, &self.t("back-home", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Home);
        }
    }
}
