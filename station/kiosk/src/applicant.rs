//! The applicant's screen: a second window facing the person being enrolled, in their own
//! language, mirroring the live capture with one plain instruction, and the review for them to
//! check before they confirm.

use egui::{Align, Layout, Ui};
use fluent_bundle::FluentValue;

use super::text::{self, Style};
use super::{Action, App, Screen};
use station_core::workflow::Stage;
use station_text::bidi::{Base, isolate};
use station_text::i18n::Lang;

impl App {
    fn ta(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.tr.text(self.model.applicant_lang, id, args)
    }

    /// Draws the applicant's screen; actions are queued like the clerk's.
    pub fn draw_applicant(&mut self, ui: &mut Ui) {
        let mut actions = Vec::new();
        let lang = self.model.applicant_lang;
        let base = if lang.rtl() { Base::Rtl } else { Base::Ltr };
        let column = Layout::top_down(if lang.rtl() { Align::Max } else { Align::Min });
        egui::Frame::central_panel(ui.style()).show(ui, |ui| {
            ui.set_min_size(ui.available_size());
            ui.with_layout(column, |ui| {
                text::paragraph(ui, &self.ta("applicant-title", &[]), base, Style::heading(ui));
                let other = if lang.rtl() { Lang::En } else { Lang::Ar };
                let caption = self.ta("switch-language", &[]);
                if text::button(ui, &caption, Base::Auto, Style::body(ui)).clicked() {
                    actions.push(Action::SetApplicantLang(other));
                }
                ui.add_space(12.0);
                let stage = self.model.enrolling.as_ref().map(|e| e.stage);
                match (self.model.screen, stage) {
                    (Screen::Enroll, Some(stage)) => {
                        text::paragraph(
                            ui,
                            &self.ta(&format!("applicant-{}", stage.as_str()), &[]),
                            base,
                            Style::heading(ui),
                        );
                        if let Some(live) = &self.model.live {
                            let instruction =
                                self.ta(&format!("instr-{}", live.verdict.instruction.key()), &[]);
                            text::paragraph(
                                ui,
                                &instruction,
                                base,
                                Style {
                                    size: crate::theme::size::APPLICANT,
                                    color: crate::theme::palette(ui).accent,
                                },
                            );
                            let tex = self.preview.update(ui, live).clone();
                            super::live::preview(
                                ui,
                                &tex,
                                live,
                                egui::vec2(ui.available_width(), 400.0),
                            );
                        }
                        if stage == Stage::Review {
                            let f = &self.model.form;
                            let name = if lang.rtl() {
                                f.name_ar.join(" ")
                            } else {
                                f.name_latin.join(" ")
                            };
                            let summary = self.ta(
                                "review-summary",
                                &[
                                    ("name", FluentValue::from(name)),
                                    (
                                        "id",
                                        FluentValue::from(isolate(
                                            &station_text::digits::normalize_digits(&f.national_id),
                                        )),
                                    ),
                                    (
                                        "date",
                                        FluentValue::from(isolate(
                                            &station_text::digits::normalize_digits(
                                                &f.date_of_birth,
                                            ),
                                        )),
                                    ),
                                ],
                            );
                            text::paragraph(ui, &summary, base, Style::body(ui));
                            text::paragraph(
                                ui,
                                &self.ta("applicant-check", &[]),
                                base,
                                Style::body(ui),
                            );
                        }
                    }
                    (Screen::Slip, _) => {
                        text::paragraph(
                            ui,
                            &self.ta("applicant-thanks", &[]),
                            base,
                            Style::heading(ui),
                        );
                    }
                    _ => {
                        text::paragraph(
                            ui,
                            &self.ta("applicant-welcome", &[]),
                            base,
                            Style::heading(ui),
                        );
                    }
                }
            });
        });
        for a in actions {
            self.model.apply(a);
        }
    }
}
