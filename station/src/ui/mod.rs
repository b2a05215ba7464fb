//! The kiosk: a thin egui layer over the station core.
//!
//! [`Model`] holds the interface state apart from any drawing, and changes only through
//! [`Action`]s (as in the rerun viewer); [`App`] draws the current screen from the model and turns
//! what the clerk does into actions. Every text comes from the translation files and goes through
//! the bidi path ([`text`]). The layout mirrors for Arabic (right to left).

pub mod text;

use egui::{Align, Layout, TextEdit, Ui};
use fluent_bundle::FluentValue;

use crate::bidi::{Base, isolate};
use crate::core::Station;
use crate::i18n::{Lang, Translations};
use crate::operators::{Role, Session};
use text::Style;

/// The screens built so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Login,
    Home,
}

/// What the clerk asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    SetLang(Lang),
    LogIn,
    LogOut,
}

/// The interface state, without any drawing.
pub struct Model {
    pub station: Station,
    pub lang: Lang,
    pub screen: Screen,
    pub session: Option<Session>,
    pub username: String,
    pub password: String,
    /// The last refusal, in both languages.
    pub message: Option<(String, String)>,
    pub clock: Box<dyn Fn() -> i64>,
}

impl Model {
    pub fn new(station: Station, clock: Box<dyn Fn() -> i64>) -> Model {
        Model { station, lang: Lang::Ar, screen: Screen::Login, session: None, username: String::new(), password: String::new(), message: None, clock }
    }

    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SetLang(l) => self.lang = l,
            Action::LogIn => {
                let now = (self.clock)();
                match self.station.login(self.username.trim(), &self.password, now) {
                    Ok(s) => {
                        self.session = Some(s);
                        self.screen = Screen::Home;
                        self.message = None;
                    }
                    Err(e) => self.message = Some((e.ar(), e.to_string())),
                }
                // The password never stays in memory longer than the attempt.
                self.password.clear();
            }
            Action::LogOut => {
                self.session = None;
                self.screen = Screen::Login;
                self.username.clear();
            }
        }
    }

    fn base(&self) -> Base {
        if self.lang.rtl() { Base::Rtl } else { Base::Ltr }
    }
}

/// The egui application.
pub struct App {
    pub model: Model,
    tr: Translations,
}

impl App {
    pub fn new(model: Model, tr: Translations) -> App {
        App { model, tr }
    }

    /// Installs the vendored fonts; call once on the context.
    pub fn setup(ctx: &egui::Context) {
        ctx.set_fonts(text::fonts());
        ctx.all_styles_mut(|s| {
            s.spacing.interact_size.y = 44.0;
            s.text_styles.insert(egui::TextStyle::Body, egui::FontId::proportional(18.0));
        });
    }

    fn t(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.tr.text(self.model.lang, id, args)
    }

    /// Draws one frame.
    pub fn draw(&mut self, ui: &mut Ui) {
        let mut actions = Vec::new();
        let rtl = self.model.lang.rtl();
        // Right to left for Arabic: widgets hug the right edge.
        let column = Layout::top_down(if rtl { Align::Max } else { Align::Min });
        egui::Frame::central_panel(ui.style()).show(ui, |ui| {
            ui.set_min_size(ui.available_size());
            ui.with_layout(column, |ui| {
                text::paragraph(ui, &self.t("app-title", &[]), self.model.base(), Style::heading(ui));
                if self.model.station.demo {
                    text::paragraph(ui, &self.t("demo-banner", &[]), self.model.base(), Style { size: 18.0, color: egui::Color32::from_rgb(220, 90, 20) });
                }
                let other = if rtl { Lang::En } else { Lang::Ar };
                let switch = if rtl { "English" } else { "العربية" };
                if text::button(ui, switch, Base::Auto, Style::body(ui)).clicked() {
                    actions.push(Action::SetLang(other));
                }
                ui.add_space(12.0);
                match self.model.screen {
                    Screen::Login => self.login(ui, &mut actions),
                    Screen::Home => self.home(ui, &mut actions),
                }
            });
        });
        for a in actions {
            self.model.apply(a);
        }
    }

    fn status_lines(&self, ui: &mut Ui) {
        let base = self.model.base();
        let st = &self.model.station;
        let line = self.t("station-status", &[("station", FluentValue::from(st.station_id.as_str())), ("centre", FluentValue::from(st.centre.as_str()))]);
        text::paragraph(ui, &line, base, Style::body(ui));
        let waiting = st.status().ok().and_then(|s| s["awaiting_approval"].as_u64()).unwrap_or(0);
        text::paragraph(ui, &self.t("awaiting-approval", &[("count", FluentValue::from(waiting))]), base, Style::body(ui));
    }

    fn login(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        self.status_lines(ui);
        ui.add_space(12.0);
        text::paragraph(ui, &self.t("login-title", &[]), base, Style::heading(ui));
        let user_label = text::paragraph(ui, &self.t("login-username", &[]), base, Style::body(ui));
        ui.add(TextEdit::singleline(&mut self.model.username).desired_width(320.0).min_size(egui::vec2(320.0, 44.0))).labelled_by(user_label.id);
        let pw_label = text::paragraph(ui, &self.t("login-password", &[]), base, Style::body(ui));
        let pw = ui.add(TextEdit::singleline(&mut self.model.password).password(true).desired_width(320.0).min_size(egui::vec2(320.0, 44.0))).labelled_by(pw_label.id);
        let enter = pw.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if text::button(ui, &self.t("login-submit", &[]), base, Style::body(ui)).clicked() || enter {
            actions.push(Action::LogIn);
        }
        if let Some((ar, en)) = &self.model.message {
            let msg = if self.model.lang.rtl() { ar } else { en };
            text::paragraph(ui, msg, base, Style { size: 18.0, color: egui::Color32::from_rgb(190, 30, 30) });
        }
    }

    fn home(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        if let Some(s) = &self.model.session {
            let role = match (s.role, self.model.lang) {
                (r, Lang::Ar) => r.name_ar().to_string(),
                (Role::Clerk, Lang::En) => "clerk".into(),
                (Role::Supervisor, Lang::En) => "supervisor".into(),
                (Role::Admin, Lang::En) => "centre administrator".into(),
            };
            let welcome = self.t("welcome", &[("user", FluentValue::from(s.username.as_str())), ("role", FluentValue::from(role))]);
            text::paragraph(ui, &welcome, base, Style::heading(ui));
        }
        self.status_lines(ui);
        // Today's date inside a sentence: it must read 2026-11-18 in Arabic too.
        let today = time::OffsetDateTime::from_unix_timestamp((self.model.clock)() / 1000)
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        text::paragraph(ui, &self.t("today", &[("date", FluentValue::from(isolate(&today)))]), base, Style::body(ui));
        ui.add_space(12.0);
        if text::button(ui, &self.t("logout", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::LogOut);
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }
}

/// Runs the kiosk in a native window (glow renderer: under software rendering it keeps a 720p
/// camera preview near 30 frames per second where wgpu did not).
pub fn run_native(model: Model) -> Result<(), String> {
    let tr = Translations::load().map_err(|e| e.to_string())?;
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default().with_title("Hukumati").with_inner_size([1280.0, 800.0]).with_app_id("ps.hukumati.station"),
        ..Default::default()
    };
    eframe::run_native(
        "Hukumati",
        options,
        Box::new(move |cc| {
            App::setup(&cc.egui_ctx);
            Ok(Box::new(App::new(model, tr)))
        }),
    )
    .map_err(|e| e.to_string())
}
