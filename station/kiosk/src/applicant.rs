//! The applicant's screen: a second window facing the person being enrolled, in their own
//! language, mirroring the live capture with one plain instruction, and the review for them to
//! check before they confirm.

use egui::{Align, Layout, Ui};
use fluent_bundle::FluentValue;

use super::text::{self, Style};
use super::{Action, App, Screen};
use station_core::workflow::Stage;
use station_text::bidi::Base;
use station_text::i18n::Lang;

impl App {
    /// The review on the applicant's side: their portrait, then every field as it will be
    /// sealed in large type, then what the clerk asks of them.
    fn applicant_review(&mut self, ui: &mut Ui, base: Base) {
        let lang = self.model.applicant_lang;
        let samples = self.model.review_samples.take().unwrap_or_default();
        let key = self.draft_key(&samples);
        self.sample_textures(ui, &key, &samples);
        let portrait = samples
            .iter()
            .position(|s| s.position == schemas::manifest::Position::Face && s.image.is_some())
            .and_then(|i| self.sample_texture(i).cloned());
        self.model.review_samples = Some(samples);
        if let Some(t) = portrait {
            let size = t.size_vec2();
            let scale = (180.0 / size.x).min(220.0 / size.y);
            ui.image((t.id(), size * scale));
        }
        let large =
            Style { size: crate::theme::size::APPLICANT, color: crate::theme::palette(ui).text };
        for line in self.review_lines(lang) {
            text::paragraph(ui, &line, base, large);
        }
        ui.add_space(crate::theme::space::M);
        let ask =
            Style { size: crate::theme::size::APPLICANT, color: crate::theme::palette(ui).accent };
        text::paragraph(ui, &self.ta("applicant-check", &[]), base, ask);
    }

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
                            self.applicant_review(ui, base);
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
