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
        let opened = match self.station.signed_enrollment(s, id) {
            Ok(o) => o,
            Err(e) => return self.refuse_err(&e),
        };
        // Every record is parsed and decoded: what the supervisor sees is what was signed.
        let decoded = match opened.check_records(true) {
            Ok(d) => d,
            Err(e) => {
                let m = station_core::explain::bundle(&e).both();
                return self.refuse(m.ar, m.en);
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
        self.message = None;
        self.screen = Screen::Review;
    }

    /// Today's report (station clock, UTC day).
    pub(super) fn open_report(&mut self) {
        let Some(s) = &self.session else { return };
        let now = (self.clock)();
        let start = now - now.rem_euclid(86_400_000);
        match self.station.daily_report(s, start, start + 86_400_000) {
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

impl App {
    pub(super) fn review(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let Some(r) = &self.model.review else { return };
        let title = self.t(
            "review-title",
            &[
                ("sequence", FluentValue::from(r.sequence)),
                ("operator", FluentValue::from(r.operator.as_str())),
            ],
        );
        text::paragraph(ui, &title, base, Style::heading(ui));
        let name = if self.model.lang.rtl() { &r.name_ar } else { &r.name_latin };
        let summary = self.t(
            "review-summary",
            &[
                ("name", FluentValue::from(name.as_str())),
                ("id", FluentValue::from(isolate(&r.national_id))),
                ("date", FluentValue::from(isolate(&r.date_of_birth))),
            ],
        );
        text::paragraph(ui, &summary, base, Style::body(ui));
        self.refusal(ui);
        let id = r.id.clone();
        // The samples are lent to the grid while it draws (it needs the textures mutably).
        if let Some(r) = self.model.review.take() {
            self.sample_grid(ui, &r.id, &r.samples);
            self.model.review = Some(r);
        }
        ui.add_space(8.0);
        if text::button(ui, &self.t("approve-one", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Approve(id.clone()));
        }
        let label = text::paragraph(ui, &self.t("reject-reason", &[]), base, Style::body(ui));
        text::field(ui, &mut self.model.reject_reason, 360.0, false).labelled_by(label.id);
        if text::button(ui, &self.t("reject-this", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Reject(id));
        }
        if text::button(ui, &self.t("back-home", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Home);
        }
    }

    /// The samples in a grid from the reading side: each picture decoded from its record, its
    /// position, its quality or its exception, and the station's own score.
    pub(super) fn sample_grid(&mut self, ui: &mut Ui, key: &str, samples: &[ReviewSample]) {
        let base = self.model.base();
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
                ui.allocate_ui(egui::vec2(160.0, 210.0), |ui| {
                    ui.vertical(|ui| {
                        if let Some(Some(t)) = self.review_textures.textures.get(i) {
                            let size = t.size_vec2();
                            let scale = (150.0 / size.x).min(150.0 / size.y);
                            ui.image((t.id(), size * scale));
                        } else {
                            ui.allocate_exact_size(egui::vec2(150.0, 150.0), egui::Sense::hover());
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
        let today = time::OffsetDateTime::from_unix_timestamp((self.model.clock)() / 1000)
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
