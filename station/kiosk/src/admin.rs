//! The centre administrator's screen: operators (add, lock, unlock), station settings (quality
//! thresholds, retries, registry address, the sync upload limit) and the devices the station
//! sees.

use egui::Ui;
use fluent_bundle::FluentValue;

use super::text::{self, Style};
use super::{Action, App, Model};
use station_core::operators::{OperatorInfo, Role};
use station_text::digits::normalize_digits;
use station_text::messages::Message;

/// What the administrator's forms hold, as typed.
#[derive(Default)]
pub struct AdminForms {
    pub operators: Vec<OperatorInfo>,
    pub username: String,
    pub password: String,
    pub role: Option<Role>,
    pub finger: String,
    pub thumb: String,
    pub iris: String,
    pub face: String,
    pub retries: String,
    pub registry_url: String,
    /// The sync upload limit, kbit/s (0: none).
    pub sync_limit: String,
    /// Each device, one line each.
    pub devices: Vec<station_core::devices::Entry>,
    /// The impressions of an official's fingers read so far for an enrolment.
    pub impressions: Vec<drivers::device::FingerCapture>,
}

impl Model {
    pub(super) fn open_admin(&mut self) {
        let operators =
            station_core::operators::list(&self.services.station.store).unwrap_or_default();
        // The devices this station captures with: the attached ones as the watcher last saw
        // them, or (no watcher: tests, training) the simulated devices of the next applicant.
        let devices = if let Some(a) = &self.services.devices {
            a.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .inventory(self.services.station.mode.allows_simulation())
        } else {
            let seed = self.next_seed;
            let probe =
                self.blank_input(false, station_core::validate::DemographicsInput::default());
            self.next_seed = seed;
            match probe.devices() {
                Ok((d, _)) => station_core::devices::inventory_of(&d),
                Err(_) => Vec::new(),
            }
        };
        let c = &self.services.station.config;
        self.admin = AdminForms {
            operators,
            role: Some(Role::Clerk),
            finger: c.capture.finger_threshold.to_string(),
            thumb: c.capture.thumb_threshold.to_string(),
            iris: c.capture.iris_threshold.to_string(),
            face: c.capture.face_threshold.to_string(),
            retries: c.capture.max_retries.to_string(),
            registry_url: c.registry_url.clone(),
            sync_limit: c.sync_limit_kbit.to_string(),
            devices,
            ..AdminForms::default()
        };
        self.refusal.clear();
        self.screen = super::Screen::Admin;
    }

    pub(super) fn set_locked(&mut self, user: &str, locked: bool) {
        let now = (self.services.clock)();
        let Some(s) = &self.session else { return };
        match station_core::operators::set_locked(
            &mut self.services.station.store,
            s,
            user,
            locked,
            now,
        ) {
            Ok(()) => {
                self.admin.operators =
                    station_core::operators::list(&self.services.station.store).unwrap_or_default()
            }
            Err(e) => self.refuse_err(&e),
        }
    }

    /// Turns over one of the officials' settings: password log-in for clerks and supervisors
    /// (`password`), or the supervisor's finger at sign-off.
    pub(super) fn toggle_officials(&mut self, password: bool) {
        let now = (self.services.clock)();
        let Some(s) = &self.session else { return };
        let mut config = self.services.station.config.clone();
        if password {
            config.officials.password_login = !config.officials.password_login;
        } else {
            config.officials.approval_requires_finger = !config.officials.approval_requires_finger;
        }
        match self.services.station.set_config(s, config, now) {
            Ok(()) => {
                self.refusal.clear();
                self.notice = Some(Message::new("settings-saved"));
            }
            Err(e) => self.refuse_err(&e),
        }
    }

    /// Enrols the impressions read for `user`; whatever happens they are dropped.
    pub(super) fn enrol_impressions(&mut self, user: &str, now: i64) {
        let impressions = std::mem::take(&mut self.admin.impressions);
        let Some(s) = &self.session else { return };
        let images: Vec<_> = impressions
            .iter()
            .map(|c| station_core::fingers::FingerImage {
                image: &c.image,
                ppi: c.ppi,
                position: 0,
            })
            .collect();
        match self.services.station.enrol_fingers(s, user, &images, now) {
            Ok(done) => {
                self.refusal.clear();
                self.notice = Some(
                    Message::new("fingers-enrolled")
                        .with("user", user)
                        .number("count", done.len() as i64),
                );
                self.admin.operators =
                    station_core::operators::list(&self.services.station.store).unwrap_or_default();
            }
            Err(e) => self.refuse_err(&e),
        }
    }

    pub(super) fn add_operator(&mut self) {
        let now = (self.services.clock)();
        let Some(s) = &self.session else { return };
        let role = self.admin.role.unwrap_or(Role::Clerk);
        match self.services.station.add_operator(
            s,
            self.admin.username.trim(),
            role,
            &self.admin.password,
            now,
        ) {
            Ok(()) => {
                self.notice = Some(station_text::messages::Message::new("operator-added"));
                self.refusal.clear();
                self.admin.username.clear();
                self.admin.operators =
                    station_core::operators::list(&self.services.station.store).unwrap_or_default();
            }
            Err(e) => self.refuse_err(&e),
        }
        // Never kept beyond the attempt.
        self.admin.password.clear();
    }

    /// Checks every number typed (Eastern Arabic digits accepted) before anything is saved.
    pub(super) fn save_settings(&mut self) {
        let now = (self.services.clock)();
        // "The setting: not a number from 0 to max".
        let not_a_number = |setting: &'static str, max: i64| {
            Message::new("setting-invalid")
                .nested("setting", Message::new(setting))
                .nested("problem", Message::new("setting-not-a-number").number("max", max))
        };
        let number = |v: &str, max: u8, setting: &'static str| -> Result<u8, Message> {
            normalize_digits(v.trim())
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| not_a_number(setting, i64::from(max)))
        };
        let f = &self.admin;
        let parsed = (|| {
            Ok::<_, Message>((
                number(&f.finger, 100, "setting-finger-name")?,
                number(&f.thumb, 100, "setting-thumb-name")?,
                number(&f.iris, 100, "setting-iris-name")?,
                number(&f.face, 100, "setting-face-name")?,
                number(&f.retries, 10, "setting-retries-name")?,
            ))
        })();
        let (finger, thumb, iris, face, retries) = match parsed {
            Ok(v) => v,
            Err(m) => return self.refuse_err(&m),
        };
        let sync_limit = if let Some(n) =
            normalize_digits(f.sync_limit.trim()).parse::<u32>().ok().filter(|n| *n <= 1_000_000)
        {
            n
        } else {
            return self.refuse_err(&not_a_number("setting-sync-limit-name", 1_000_000));
        };
        let url = f.registry_url.trim().to_string();
        if !(url.is_empty()
            || url.starts_with("https://")
            || url.starts_with("http://127.0.0.1")
            || url.starts_with("http://localhost"))
        {
            return self.refuse_err(&Message::new("setting-registry-https"));
        }
        let mut config = self.services.station.config.clone();
        config.capture.finger_threshold = finger;
        config.capture.thumb_threshold = thumb;
        config.capture.iris_threshold = iris;
        config.capture.face_threshold = face;
        config.capture.max_retries = retries;
        config.registry_url = url;
        config.sync_limit_kbit = sync_limit;
        let Some(s) = &self.session else { return };
        match self.services.station.set_config(s, config, now) {
            Ok(()) => {
                self.refusal.clear();
                self.notice = Some(station_text::messages::Message::new("settings-saved"));
            }
            Err(e) => self.refuse_err(&e),
        }
    }
}

impl App {
    fn admin_field(
        &mut self,
        ui: &mut Ui,
        label_id: &str,
        value: impl Fn(&mut AdminForms) -> &mut String,
        password: bool,
    ) {
        let label = text::paragraph(ui, &self.t(label_id, &[]), self.model.base(), Style::body(ui));
        text::field(ui, value(&mut self.model.admin), 320.0, password).labelled_by(label.id);
    }

    pub(super) fn admin(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        self.notice(ui);
        self.refusal(ui);
        text::paragraph(ui, &self.t("admin-operators", &[]), base, Style::heading(ui));
        for o in self.model.admin.operators.clone() {
            let role = self.role_name(o.role);
            let key = if o.locked { "operator-line-locked" } else { "operator-line" };
            text::paragraph(
                ui,
                &self.t(
                    key,
                    &[
                        ("user", FluentValue::from(o.username.as_str())),
                        ("role", FluentValue::from(role)),
                    ],
                ),
                base,
                Style::body(ui),
            );
            let (caption, lock) =
                if o.locked { ("unlock-operator", false) } else { ("lock-operator", true) };
            if o.role != Role::Admin
                && text::button(
                    ui,
                    &self.t(caption, &[("user", FluentValue::from(o.username.as_str()))]),
                    base,
                    Style::body(ui),
                )
                .clicked()
            {
                actions.push(Action::SetLocked(o.username.clone(), lock));
            }
            let reader = self.model.services.finger_reader.is_some()
                || self.model.services.finger_job.is_some();
            if reader
                && !o.locked
                && text::button(
                    ui,
                    &self.t(
                        "enrol-fingers",
                        &[
                            ("user", FluentValue::from(o.username.as_str())),
                            ("count", FluentValue::from(o.fingers as i64)),
                        ],
                    ),
                    base,
                    Style::body(ui),
                )
                .clicked()
            {
                actions.push(Action::EnrolFingers(o.username.clone()));
            }
        }
        text::paragraph(ui, &self.t("admin-add-operator", &[]), base, Style::heading(ui));
        self.admin_field(ui, "admin-username", |f| &mut f.username, false);
        self.admin_field(ui, "admin-password", |f| &mut f.password, true);
        for r in [Role::Clerk, Role::Supervisor, Role::Admin] {
            let name = self.role_name(r);
            let caption =
                if self.model.admin.role == Some(r) { format!("• {name} •") } else { name };
            if text::button(ui, &caption, base, Style::body(ui)).clicked() {
                actions.push(Action::SetNewRole(r));
            }
        }
        if text::button(ui, &self.t("admin-add", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::AddOperator);
        }
        text::paragraph(ui, &self.t("admin-settings", &[]), base, Style::heading(ui));
        self.admin_field(ui, "setting-finger", |f| &mut f.finger, false);
        self.admin_field(ui, "setting-thumb", |f| &mut f.thumb, false);
        self.admin_field(ui, "setting-iris", |f| &mut f.iris, false);
        self.admin_field(ui, "setting-face", |f| &mut f.face, false);
        self.admin_field(ui, "setting-retries", |f| &mut f.retries, false);
        self.admin_field(ui, "setting-registry", |f| &mut f.registry_url, false);
        self.admin_field(ui, "setting-sync-limit", |f| &mut f.sync_limit, false);
        if text::button(ui, &self.t("admin-save", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::SaveSettings);
        }
        // How officials prove who they are: each button says the setting and turns it over.
        let o = self.model.services.station.config.officials.clone();
        for (key, on, password) in [
            ("officials-password-login", o.password_login, true),
            ("officials-finger-signoff", o.approval_requires_finger, false),
        ] {
            let state = self.t(if on { "setting-on" } else { "setting-off" }, &[]);
            let caption = self.t(key, &[("state", FluentValue::from(state))]);
            if text::button(ui, &caption, base, Style::body(ui)).clicked() {
                actions.push(Action::ToggleOfficials { password });
            }
        }
        text::paragraph(ui, &self.t("admin-devices", &[]), base, Style::heading(ui));
        // Devices come and go while the screen is open: read the watcher's list every frame.
        if let Some(a) = &self.model.services.devices {
            self.model.admin.devices = a
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .inventory(self.model.services.station.mode.allows_simulation());
        }
        for d in self.model.admin.devices.clone() {
            let modality = self.t(&format!("modality-{}", d.modality.as_str()), &[]);
            let kind = self.t(&format!("device-kind-{}", d.kind), &[]);
            let status = self.t(&format!("device-status-{}", d.status), &[]);
            let name = format!("{} {}", d.make, d.model).trim().to_string();
            let line = self.t(
                "device-line",
                &[
                    ("modality", FluentValue::from(modality)),
                    ("kind", FluentValue::from(kind)),
                    ("model", FluentValue::from(name)),
                    ("serial", FluentValue::from(d.serial.clone())),
                    ("status", FluentValue::from(status)),
                ],
            );
            text::paragraph(ui, &line, base, Style::body(ui));
            let detail = d.detail.get(self.model.lang);
            if !detail.is_empty() {
                text::paragraph(ui, detail, base, Style::body(ui));
            }
        }
        if text::button(ui, &self.t("back-home", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Home);
        }
    }
}
