//! The kiosk: a thin egui layer over the station core.
//!
//! [`Model`] holds the interface state apart from any drawing, and changes only through
//! [`Action`]s (as in the rerun viewer); [`App`] draws the current screen from the model and turns
//! what the clerk does into actions. Every text comes from the translation files and goes through
//! the bidi path ([`text`]). The layout mirrors for Arabic (right to left).

#![forbid(unsafe_code)]

pub mod admin;
pub mod applicant;
mod biometrics;
pub mod field;
pub mod live;
pub mod slip;
pub mod supervisor;
pub mod text;
pub mod theme;

use egui::Role as Role2;
use egui::{Align, Layout, Ui};
use fluent_bundle::FluentValue;

use schemas::decision::Verdict;
use station_core::operators::{Role, Session};
use station_core::script::{
    Captured, ConsentInput, DocumentInput, ReviewInput, RunError, Runner, Script,
};
use station_core::station::{OperatorDay, Pending, Station};
use station_core::validate::{AddressInput, DemographicsInput, FieldError};
use station_core::workflow::{CaptureData, Stage};
use station_quality::document::{FormField, Mismatch, Prefill};
use station_text::bidi::{Base, isolate};
use station_text::i18n::{Lang, Translations};
use station_text::messages::{Explain, Message};
use station_uplink::SyncState;
use text::Style;

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Login,
    Home,
    Enroll,
    /// The acknowledgement slip, after the operator signed.
    Slip,
    /// One enrollment awaiting approval, with its samples (supervisor).
    Review,
    /// The day's work per operator (supervisor, administrator).
    Report,
    /// Operators, settings and devices (administrator).
    Admin,
}

/// What the clerk or supervisor asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    SetLang(Lang),
    LogIn,
    /// Log in with the user name typed and a finger.
    FingerLogIn,
    /// Stop waiting for a finger.
    CancelFinger,
    /// An administrator enrols this official's fingers from the reader.
    EnrolFingers(String),
    /// An administrator turns over password log-in (`password`) or the finger at sign-off.
    ToggleOfficials {
        password: bool,
    },
    LogOut,
    NewEnrollment,
    Consent(bool),
    /// Perform the current stage with what the forms hold.
    Advance,
    /// Read the ID card on the document camera and fill the form's empty fields from it.
    ReadDocument,
    SetSex(&'static str),
    /// Show the end-of-day batch: which enrollments one press would approve, and which are
    /// flagged for a look one by one.
    ApproveAll,
    /// Approve exactly the batch shown.
    ConfirmBatch,
    /// Close the batch without approving.
    CancelBatch,
    /// Move the queue's selection to this row.
    SelectQueue(usize),
    Home,
    /// Continue an interrupted enrollment.
    Resume(String),
    /// After the last retry: keep the best capture of the undecided position (marked forced).
    AcceptBest,
    /// After the last retry: record an exception of this kind with the typed reason.
    Except(schemas::manifest::ExceptionKind),
    /// The supervisor rejects one enrollment with the typed reason.
    Reject(String),
    /// The supervisor approves one enrollment.
    Approve(String),
    /// Open one enrollment of the queue with its samples.
    OpenReview(String),
    /// The day's report.
    Report,
    /// Send the acknowledgement slip to the printer.
    PrintSlip,
    /// The administrator's screen.
    Admin,
    SetLocked(String, bool),
    AddOperator,
    SetNewRole(Role),
    SaveSettings,
    /// The language of the applicant's screen.
    SetApplicantLang(Lang),
    /// Light or dark.
    SetTheme(theme::Theme),
    /// Stop waiting for the capture under way (what it brings back is dropped).
    CancelCapture,
}

/// The demographics and document form, as typed.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub name_ar: [String; 4],
    pub name_latin: [String; 4],
    pub national_id: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: String,
    pub email: String,
    pub country: String,
    pub governorate: String,
    pub locality: String,
    pub document_number: String,
    pub document_expiry: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl Form {
    /// The text box of a field a document states.
    fn slot(&mut self, f: FormField) -> &mut String {
        match f {
            FormField::LatinFirst => &mut self.name_latin[0],
            FormField::LatinFather => &mut self.name_latin[1],
            FormField::LatinGrandfather => &mut self.name_latin[2],
            FormField::LatinFamily => &mut self.name_latin[3],
            FormField::DateOfBirth => &mut self.date_of_birth,
            FormField::Sex => &mut self.sex,
            FormField::DocumentNumber => &mut self.document_number,
            FormField::DocumentExpiry => &mut self.document_expiry,
        }
    }

    /// Fills the empty fields `p` offers; a field the clerk already typed is kept. Returns the
    /// fields filled and those where what was typed differs from the document.
    pub fn take(&mut self, p: &Prefill) -> (Vec<FormField>, Vec<Mismatch>) {
        // Only typed fields can differ, and only empty ones are filled: compare first.
        let differ = p.differences(|f| {
            let typed = self.slot(f).trim().to_string();
            (!typed.is_empty()).then_some(typed)
        });
        let mut filled = Vec::new();
        for (field, value) in &p.offers {
            let slot = self.slot(*field);
            if slot.trim().is_empty() {
                *slot = value.clone();
                filled.push(*field);
            }
        }
        (filled, differ)
    }

    fn demographics(&self) -> DemographicsInput {
        let n = |a: &[String; 4]| station_core::validate::NameInput {
            first: a[0].clone(),
            father: a[1].clone(),
            grandfather: a[2].clone(),
            family: a[3].clone(),
        };
        DemographicsInput {
            name_ar: n(&self.name_ar),
            name_latin: n(&self.name_latin),
            national_id: opt(&self.national_id),
            date_of_birth: self.date_of_birth.clone(),
            sex: self.sex.clone(),
            phone: opt(&self.phone),
            email: opt(&self.email),
            address: AddressInput {
                country: self.country.clone(),
                governorate: opt(&self.governorate),
                locality: self.locality.clone(),
                street: None,
            },
            guardian: None,
        }
    }
}

/// An enrollment being captured at this station.
pub struct Enrolling {
    pub id: String,
    pub stage: Stage,
    pub input: Script,
    /// The enrollment's devices and what it declared; away on the capture thread while a
    /// capture runs.
    runner: Option<Runner>,
    /// What the last capture step recorded, for the clerk to see.
    pub last: Vec<Recorded>,
    /// A child under five: the face only.
    face_only: bool,
}

/// What a capture step recorded for one position, as the clerk is shown it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Captured { position: schemas::manifest::Position, quality: Option<u8>, retries: u8 },
    Excepted { position: schemas::manifest::Position, reason: String },
}

/// A stage's device work on a thread of its own, so that every window keeps drawing while a
/// device takes its time: the runner comes back with what it captured.
pub struct CaptureJob {
    pub stage: Stage,
    started: std::time::Instant,
    /// The clerk gave up waiting: what comes back is dropped, the step stays.
    pub cancelled: bool,
    done: std::sync::mpsc::Receiver<(Runner, Result<Captured, RunError>)>,
}

impl CaptureJob {
    /// Seconds since the capture began.
    pub fn seconds(&self) -> u64 {
        self.started.elapsed().as_secs()
    }
}

/// What the kiosk works with, apart from what it shows: the station and its clock, the devices,
/// how a demo station's registry starts, and the work that runs beside the screens (the sync
/// worker, the thread judging preview frames, the capture under way, the samples being decoded)
/// with the modes that say whether tests and screenshots wait for it.
pub struct Services {
    pub station: Station,
    /// The station's clock (milliseconds since the epoch), the same the station's records use.
    pub clock: Box<dyn Fn() -> i64>,
    /// The devices attached to this station, kept up to date by a watcher (the real kiosk). None:
    /// every enrollment captures with the simulated devices of its script (tests, training).
    pub devices: Option<std::sync::Arc<std::sync::Mutex<station_core::devices::Attached>>>,
    /// How a demo station's embedded registry is started (handed in by the `station` binary).
    pub embedded_registry: Option<station_uplink::StartEmbedded>,
    /// Start syncing with the registry at log-in (a real window; tests that want it set it).
    pub sync_enabled: bool,
    /// How long the worker waits between cycles when all went well, and its clock.
    pub sync_interval: std::time::Duration,
    pub sync_clock: std::sync::Arc<dyn Fn() -> i64 + Send + Sync>,
    /// The background sync, while an operator is logged in (their session opens the station's key).
    pub sync: Option<station_uplink::Worker>,
    /// The worker's cycle count when the counts were last read.
    sync_seen: u64,
    /// The thread that judges preview frames, started at the first one, and the step (enrollment
    /// and stage) it judges for.
    judge: Option<station_quality::Judge>,
    judged_step: Option<(String, Stage)>,
    /// The capture under way, on its own thread.
    pub capturing: Option<CaptureJob>,
    /// Samples being decoded for the modality list and the review, one channel per step.
    decoding: Vec<std::sync::mpsc::Receiver<Vec<supervisor::ReviewSample>>>,
    /// Whether each preview frame waits for its own verdict before it is drawn (tests and
    /// screenshots, so every picture is the same), or is drawn at once with the newest verdict
    /// there is (the kiosk, so the preview keeps the camera's rate however long judging takes).
    pub wait_for_verdict: bool,
    /// Whether the screens keep drawing while a device captures (the kiosk), or each capture is
    /// waited for before the frame ends (tests and screenshots, so every picture is the same).
    pub captures_in_background: bool,
    /// Where an official's finger comes from at log-in and sign-off: the attached reader (the
    /// `station` binary hands it in; never a simulated one, whose fingers look alike), or a test's.
    /// None: no reader, finger log-in is not offered.
    pub finger_reader: Option<FingerReader>,
    /// An official's finger being read, on its own thread.
    pub finger_job: Option<FingerJob>,
}

/// Reads one finger of an official (blocking until a finger is on the glass or the reader gives
/// up).
pub type FingerReader =
    Box<dyn FnMut() -> Result<drivers::device::FingerCapture, drivers::device::DeviceError> + Send>;

/// What an official's finger is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FingerFor {
    LogIn(String),
    Decide(String, Verdict),
    /// An administrator enrols an official's fingers: two impressions, one after the other.
    Enrol(String),
    /// The supervisor approves the batch shown.
    Batch,
}

/// Impressions an enrolment takes at the kiosk.
const ENROL_IMPRESSIONS: usize = 2;

/// A finger being read: the reader comes back with the finger.
pub struct FingerJob {
    pub purpose: FingerFor,
    /// The operator stopped waiting: the prompt is gone, and what the reader brings back is
    /// dropped (the reader itself is kept). A new request takes the read over instead.
    pub cancelled: bool,
    done: std::sync::mpsc::Receiver<(
        FingerReader,
        Result<drivers::device::FingerCapture, drivers::device::DeviceError>,
    )>,
}

/// The interface state, without any drawing: what the screens show (typed, changed only by
/// [`Action`]s) and, apart, the [`Services`] it works with.
pub struct Model {
    pub services: Services,
    pub lang: Lang,
    pub screen: Screen,
    pub session: Option<Session>,
    pub username: String,
    pub password: String,
    /// What was refused or needs the operator's attention, as message ids with their
    /// arguments (shown in the screen's language; empty when nothing is).
    pub refusal: Vec<Message>,
    /// Field-by-field refusals of the demographics form.
    pub field_errors: Vec<FieldError>,
    /// The last thing done, in both languages (a confirmation, not an error).
    pub notice: Option<Message>,
    pub form: Form,
    pub enrolling: Option<Enrolling>,
    pub pending: Vec<Pending>,
    /// This clerk's interrupted enrollments.
    pub in_progress: Vec<(String, Stage)>,
    /// Enrollments awaiting approval at this station, read after every action (not every frame).
    pub awaiting_approval: u64,
    /// A position still short after the last retry, waiting for the clerk's decision.
    pub undecided: Option<schemas::manifest::Position>,
    /// The reason typed for an exception.
    pub exception_reason: String,
    /// The reason typed for a rejection.
    pub reject_reason: String,
    /// The row of the supervisor's queue the keyboard is on.
    pub queue_selected: usize,
    /// The batch shown for approval: exactly these enrollments are approved when confirmed.
    pub batch: Option<Vec<String>>,
    /// Seed of the next simulated applicant.
    pub next_seed: u64,
    /// The live frame of the current capture step and its verdict.
    pub live: Option<live::Live>,
    /// What each position (face, fingers, irises, exception photo) has so far in this
    /// enrollment: the hand diagram, the modality list and the quality bars draw it.
    pub marks: Vec<(schemas::manifest::Position, live::Mark)>,
    /// The slip of the enrollment just signed.
    pub slip: Option<crate::slip::Slip>,
    /// The enrollment the supervisor has open.
    pub review: Option<supervisor::ReviewView>,
    pub operator_days: Vec<OperatorDay>,
    pub admin: admin::AdminForms,
    /// The applicant's screen has its own language.
    pub applicant_lang: Lang,
    /// Light (the default) or dark.
    pub theme: theme::Theme,
    /// Bundles in the outbox: waiting to be sent, their bytes, and all.
    pub outbox: (u64, u64, u64),
    /// What the registry said about this station's bundles that a supervisor must see:
    /// refusals and decisions other than acceptance.
    pub registry_news: Vec<station_uplink::outbox::RegistryView>,
    /// The samples this enrollment has captured, decoded from the draft's records on threads of
    /// their own: the modality list's thumbnails and the review with the applicant.
    pub review_samples: Option<Vec<supervisor::ReviewSample>>,
}

impl Model {
    pub fn new(station: Station, clock: Box<dyn Fn() -> i64>) -> Model {
        let services = Services {
            station,
            clock,
            devices: None,
            embedded_registry: None,
            sync_enabled: false,
            sync_interval: std::time::Duration::from_secs(60),
            sync_clock: std::sync::Arc::new(station_uplink::system_ms),
            sync: None,
            sync_seen: 0,
            judge: None,
            judged_step: None,
            capturing: None,
            decoding: Vec::new(),
            wait_for_verdict: true,
            captures_in_background: false,
            finger_reader: None,
            finger_job: None,
        };
        let mut m = Model {
            services,
            lang: Lang::Ar,
            screen: Screen::Login,
            session: None,
            username: String::new(),
            password: String::new(),
            refusal: Vec::new(),
            field_errors: Vec::new(),
            notice: None,
            form: Form { country: "PS".into(), ..Form::default() },
            enrolling: None,
            pending: Vec::new(),
            in_progress: Vec::new(),
            awaiting_approval: 0,
            undecided: None,
            exception_reason: String::new(),
            reject_reason: String::new(),
            queue_selected: 0,
            batch: None,
            next_seed: 1,
            live: None,
            marks: Vec::new(),
            slip: None,
            review: None,
            operator_days: Vec::new(),
            admin: admin::AdminForms::default(),
            applicant_lang: Lang::Ar,
            theme: theme::Theme::default(),
            outbox: (0, 0, 0),
            registry_news: Vec::new(),
            review_samples: None,
        };
        m.refresh_pending();
        m
    }

    /// Whether a capture step's preview is being judged (its first verdict may not have come yet).
    pub fn judging(&self) -> bool {
        self.services.judge.is_some()
            && self.enrolling.as_ref().is_some_and(|e| {
                self.services
                    .judged_step
                    .as_ref()
                    .is_some_and(|(id, stage)| *id == e.id && *stage == e.stage)
            })
    }

    /// The simulated devices' fault script of the enrollment being captured (training and tests).
    pub fn faults(&self) -> Option<&drivers::simdev::Faults> {
        self.enrolling.as_ref().and_then(|e| e.runner.as_ref()).map(Runner::faults)
    }

    /// Shows why `e` happened, from the translation files: the one way a refusal is shown.
    fn refuse_err(&mut self, e: &impl Explain) {
        self.refusal = vec![e.explain()];
    }

    /// The refusal in `lang`, its messages one after another.
    pub fn refusal_text(&self, lang: Lang) -> Option<String> {
        (!self.refusal.is_empty())
            .then(|| self.refusal.iter().map(|m| m.text(lang)).collect::<Vec<_>>().join(" "))
    }

    /// Starts the sync worker with the logged-in operator's session (it opens the station key).
    fn start_sync(&mut self) {
        if !self.services.sync_enabled || self.services.sync.is_some() {
            return;
        }
        let Some(s) = &self.session else { return };
        match self.services.station.sync_identity(s) {
            Ok(id) => {
                self.services.sync = Some(station_uplink::Worker::start(
                    self.services.station.store.dir.clone(),
                    id,
                    self.services.sync_interval,
                    self.services.sync_clock.clone(),
                    self.services.embedded_registry.clone(),
                ))
            }
            Err(e) => self.refuse_err(&e),
        }
    }

    /// Asks the sync worker for a cycle now (a bundle was sealed).
    fn wake_sync(&self) {
        if let Some(w) = &self.services.sync {
            w.wake();
        }
    }

    fn refresh_pending(&mut self) {
        // The sync worker may have applied the registry's settings meanwhile.
        let _ = self.services.station.reload_config();
        self.registry_news = match &self.session {
            Some(s) if s.role == Role::Supervisor => self
                .services
                .station
                .registry_view()
                .unwrap_or_default()
                .into_iter()
                .filter(|v| {
                    v.refusal.is_some()
                        || v.status
                            .as_ref()
                            .is_some_and(|(st, _)| !matches!(st.as_str(), "received" | "accepted"))
                })
                .collect(),
            _ => Vec::new(),
        };
        self.awaiting_approval = self.services.station.awaiting_approval().map_or(0, u64::from);
        if let Ok(o) = self.services.station.outbox() {
            // A bundle set aside waits for nothing: the registry's news tells of it.
            let waiting: Vec<_> =
                o.iter().filter(|e| e.synced_at.is_none() && e.set_aside_at.is_none()).collect();
            self.outbox =
                (waiting.len() as u64, waiting.iter().map(|e| e.bytes).sum(), o.len() as u64);
        }
        self.pending = match &self.session {
            Some(s) if s.role == Role::Supervisor => {
                self.services.station.pending(s).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        self.queue_selected = self.queue_selected.min(self.pending.len().saturating_sub(1));
        self.in_progress = match &self.session {
            Some(s) if s.role == Role::Clerk => {
                self.services.station.in_progress(s).unwrap_or_default()
            }
            _ => Vec::new(),
        };
    }

    /// Reopens an interrupted enrollment at its stage, with the form refilled from its drafts.
    fn resume(&mut self, id: &str) {
        let Some(s) = &self.session else { return };
        let stage = match self.services.station.stage(id) {
            Ok((st, _)) => st,
            Err(e) => return self.refuse_err(&e),
        };
        let mut form = Form { country: "PS".into(), ..Form::default() };
        let mut applicant = DemographicsInput::default();
        if let Ok(Some(d)) = self
            .services
            .station
            .load_step::<station_core::workflow::DemographicsData>(s, id, Stage::Demographics)
        {
            let a = &d.applicant;
            let parts = |n: &schemas::manifest::PersonName| {
                [n.first.clone(), n.father.clone(), n.grandfather.clone(), n.family.clone()]
            };
            form = Form {
                name_ar: parts(&a.name_ar),
                name_latin: parts(&a.name_latin),
                national_id: a.national_id.clone().unwrap_or_default(),
                date_of_birth: a.date_of_birth.clone(),
                sex: match a.sex {
                    schemas::manifest::Sex::Male => "male".into(),
                    schemas::manifest::Sex::Female => "female".into(),
                },
                phone: a.phone.clone().unwrap_or_default(),
                email: a.email.clone().unwrap_or_default(),
                country: a.address.country.clone(),
                governorate: a.address.governorate.clone().unwrap_or_default(),
                locality: a.address.locality.clone(),
                document_number: String::new(),
                document_expiry: String::new(),
            };
            applicant = form.demographics();
        }
        let input = self.blank_input(true, applicant);
        let Some(s) = &self.session else { return };
        let runner = {
            let attached = self
                .services
                .devices
                .as_ref()
                .map(|d| d.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            Runner::with_devices(&self.services.station, s, id, &input, attached.as_deref())
        };
        match runner {
            Ok(runner) => {
                self.form = form;
                let face_only = runner.face_only();
                self.enrolling = Some(Enrolling {
                    id: id.to_string(),
                    stage,
                    input,
                    runner: Some(runner),
                    last: Vec::new(),
                    face_only,
                });
                self.screen = Screen::Enroll;
                self.review_samples = Some(Vec::new());
                self.services.decoding.clear();
                self.refresh_marks();
                self.start_decode(&live::CAPTURE_STAGES);
            }
            Err(e) => self.refuse_err(&e),
        }
    }

    /// The inputs of a new or resumed enrollment, with the next simulated applicant.
    fn blank_input(&mut self, consented: bool, applicant: DemographicsInput) -> Script {
        self.next_seed += 1;
        Script {
            seed: self.next_seed - 1,
            consent: ConsentInput { language: self.lang.code().into(), accepted: consented },
            applicant,
            documents: Vec::new(),
            faults: Vec::new(),
            exceptions: std::collections::HashMap::new(),
            after_retries: std::collections::HashMap::new(),
            review: ReviewInput { confirmed: false },
        }
    }

    fn new_enrollment(&mut self) {
        let Some(s) = &self.session else { return };
        let now = (self.services.clock)();
        let id = match self.services.station.start(s, None, now) {
            Ok(id) => id,
            Err(e) => return self.refuse_err(&e),
        };
        let input = self.blank_input(false, DemographicsInput::default());
        let Some(s) = &self.session else { return };
        let runner = {
            let attached = self
                .services
                .devices
                .as_ref()
                .map(|d| d.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            Runner::with_devices(&self.services.station, s, &id, &input, attached.as_deref())
        };
        match runner {
            Ok(runner) => {
                self.enrolling = Some(Enrolling {
                    id,
                    stage: Stage::Consent,
                    input,
                    runner: Some(runner),
                    last: Vec::new(),
                    face_only: false,
                });
                self.review_samples = Some(Vec::new());
                self.services.decoding.clear();
                self.marks.clear();
                self.form = Form { country: "PS".into(), ..Form::default() };
                self.screen = Screen::Enroll;
            }
            Err(e) => self.refuse_err(&e),
        }
    }

    /// Reads the ID card on the document camera and fills the form's empty fields from its
    /// machine-readable zone; what the clerk typed is kept, and where it differs from the card
    /// the clerk is told.
    fn read_document(&mut self) {
        let policy = self.services.station.config.capture.clone();
        let Some(e) = &mut self.enrolling else { return };
        self.refusal.clear();
        self.notice = None;
        // The refusals of the last press of "next" no longer describe the form once it is filled.
        self.field_errors.clear();
        // A capture under way has the devices.
        let Some(runner) = e.runner.as_mut() else { return };
        let zone = match runner.read_document(&policy) {
            Ok(Some(zone)) => zone,
            Ok(None) => {
                return self
                    .refuse_err(&station_text::messages::Message::new("document-zone-unread"));
            }
            Err(err) => return self.refuse_err(&err),
        };
        let Some(parsed) = zone.parsed else {
            return self.refuse_err(&station_text::messages::Message::new("document-zone-unread"));
        };
        let this_year = match station_core::script::today((self.services.clock)()) {
            Ok(d) => d.year(),
            Err(err) => return self.refuse_err(&err),
        };
        let offer =
            station_quality::document::prefill(&parsed.data, parsed.name_truncated, this_year)
                .doubting(&zone.doubts);
        let (filled, differ) = self.form.take(&offer);
        self.notice = Some(if filled.is_empty() && differ.is_empty() {
            Message::new("prefill-complete")
        } else {
            Message::new("prefill-filled").number("count", filled.len() as i64)
        });
        let mut told = Vec::new();
        if !differ.is_empty() {
            told.push(
                Message::new("prefill-differs")
                    .both_langs("fields", station_quality::document::differences_message(&differ)),
            );
        }
        if offer.name_truncated {
            told.push(Message::new("prefill-name-cut"));
        }
        told.extend(offer.doubts.iter().map(station_quality::document::doubt_message));
        self.refusal = told;
    }

    /// Performs the current stage with the form's contents.
    fn advance(&mut self) {
        let now = (self.services.clock)();
        let (Some(s), Some(e)) = (&self.session, &mut self.enrolling) else { return };
        self.refusal.clear();
        self.notice = None;
        self.field_errors.clear();
        e.input.applicant = self.form.demographics();
        e.input.documents = vec![DocumentInput {
            kind: schemas::manifest::DocumentKind::NationalIdCard,
            number: if self.form.document_number.trim().is_empty() {
                self.form.national_id.clone()
            } else {
                self.form.document_number.clone()
            },
            issuing_state: "PSE".into(),
            expiry: opt(&self.form.document_expiry),
            pages: 2,
        }];
        if e.stage == Stage::Review {
            e.input.review.confirmed = true;
        }
        let stage = e.stage;
        if self.services.capturing.is_some() {
            return;
        }
        let Some(mut runner) = e.runner.take() else { return };
        if !stage.uses_devices() {
            let result = runner.advance(&mut self.services.station, s, &e.id, stage, &e.input, now);
            e.runner = Some(runner);
            return self.after_step(stage, result);
        }
        // The device part on its own thread; the screens keep drawing meanwhile.
        let (script, policy) = (e.input.clone(), self.services.station.config.capture.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("capture".into()).spawn(move || {
            let captured = runner.capture(stage, &script, &policy, now);
            let _ = tx.send((runner, captured));
        });
        if let Err(err) = spawned {
            // The runner went with the refused thread: the enrollment is resumed from home.
            self.enrolling = None;
            self.screen = Screen::Home;
            let m = station_text::messages::Message::new("capture-thread").detail(err);
            return self.refuse_err(&m);
        }
        self.services.capturing = Some(CaptureJob {
            stage,
            started: std::time::Instant::now(),
            cancelled: false,
            done: rx,
        });
        if !self.services.captures_in_background {
            while self.services.capturing.is_some() {
                self.poll_capture(Some(std::time::Duration::from_secs(3600)));
            }
        }
    }

    /// Takes a finished capture back (waiting up to `wait` for it): checks and saves what it
    /// captured, unless the clerk cancelled. Called every frame.
    pub fn poll_capture(&mut self, wait: Option<std::time::Duration>) {
        let Some(job) = &self.services.capturing else { return };
        let got = match wait {
            Some(w) => job
                .done
                .recv_timeout(w)
                .map_err(|e| matches!(e, std::sync::mpsc::RecvTimeoutError::Disconnected)),
            None => job
                .done
                .try_recv()
                .map_err(|e| matches!(e, std::sync::mpsc::TryRecvError::Disconnected)),
        };
        let (runner, captured) = match got {
            Ok(done) => done,
            Err(false) => return,
            Err(true) => {
                // The capture thread ended without an answer: its devices went with it.
                self.services.capturing = None;
                self.enrolling = None;
                self.screen = Screen::Home;
                return self.refuse_err(&station_text::messages::Message::new("capture-lost"));
            }
        };
        let (stage, cancelled) = (job.stage, job.cancelled);
        self.services.capturing = None;
        let now = (self.services.clock)();
        let (Some(s), Some(e)) = (&self.session, &mut self.enrolling) else { return };
        e.runner = Some(runner);
        if cancelled || e.stage != stage {
            self.notice = Some(Message::new("capture-cancelled"));
            return;
        }
        let result = match captured {
            Ok(c) => match e.runner.as_mut() {
                Some(r) => r.commit(&mut self.services.station, s, &e.id, stage, &e.input, c, now),
                None => return,
            },
            Err(err) => Err(err),
        };
        self.after_step(stage, result);
    }

    /// Decodes the samples `stages` recorded in the draft (face, fingers, irises, exception
    /// photo) on a thread of its own, JPEG 2000 taking its time: the modality list's thumbnails
    /// and the review with the applicant show them.
    fn start_decode(&mut self, stages: &[Stage]) {
        let (Some(s), Some(e)) = (&self.session, &self.enrolling) else { return };
        let mut samples = Vec::new();
        for stage in stages {
            if let Ok(Some(c)) = self.services.station.load_step::<CaptureData>(s, &e.id, *stage) {
                samples.extend(c.samples);
                samples.extend(c.exception_photo);
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("sample-decode".into()).spawn(move || {
            let _ = tx.send(samples.into_iter().map(supervisor::ReviewSample::of_draft).collect());
        });
        // Without the thread the samples show as empty frames: their records are checked at
        // signature all the same.
        if spawned.is_ok() {
            self.services.decoding.push(rx);
            if !self.services.captures_in_background {
                self.poll_review(true);
            }
        }
    }

    /// Takes the decoded samples that are ready (waiting for all of them if `wait`), each
    /// replacing what its position had.
    pub fn poll_review(&mut self, wait: bool) {
        let mut still = Vec::new();
        for rx in std::mem::take(&mut self.services.decoding) {
            use std::sync::mpsc::TryRecvError;
            let got = if wait {
                rx.recv().ok()
            } else {
                match rx.try_recv() {
                    Ok(samples) => Some(samples),
                    Err(TryRecvError::Empty) => {
                        still.push(rx);
                        continue;
                    }
                    // A thread that died is dropped with its channel.
                    Err(TryRecvError::Disconnected) => None,
                }
            };
            let list = self.review_samples.get_or_insert_with(Vec::new);
            for sample in got.unwrap_or_default() {
                list.retain(|x: &supervisor::ReviewSample| x.position != sample.position);
                list.push(sample);
            }
        }
        self.services.decoding = still;
    }

    /// Whether samples are still being decoded for the modality list and the review.
    pub fn decoding(&self) -> bool {
        !self.services.decoding.is_empty()
    }

    /// What the screen shows after a stage was performed (or refused).
    fn after_step(&mut self, stage: Stage, result: Result<Stage, RunError>) {
        let (Some(s), Some(e)) = (&self.session, &mut self.enrolling) else { return };
        e.face_only = e.runner.as_ref().is_some_and(Runner::face_only);
        match result {
            Ok(next) => {
                e.last = match self.services.station.load_step::<CaptureData>(s, &e.id, stage) {
                    Ok(Some(c)) => c
                        .samples
                        .iter()
                        .chain(c.exception_photo.iter())
                        .map(|x| match &x.exception {
                            Some(ex) => Recorded::Excepted {
                                position: x.position,
                                reason: ex.reason.clone(),
                            },
                            None => Recorded::Captured {
                                position: x.position,
                                quality: x.quality.as_ref().map(|q| q.score),
                                retries: x.retries,
                            },
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                e.stage = next;
                self.live = None;
                if next == Stage::AwaitingApproval {
                    let seq = self.services.station.sequence_of(&e.id).ok().flatten().unwrap_or(0);
                    self.notice = Some(Message::new("signed").number("sequence", seq as i64));
                    let id = e.id.clone();
                    self.enrolling = None;
                    self.marks.clear();
                    self.screen = Screen::Home;
                    match self.services.station.signed_enrollment(s, &id) {
                        Ok(opened) => {
                            self.slip = Some(crate::slip::Slip::from_manifest(&opened.manifest));
                            self.screen = Screen::Slip;
                        }
                        Err(err) => self.refuse_err(&err),
                    }
                    self.refresh_pending();
                } else {
                    self.refresh_marks();
                    if live::CAPTURE_STAGES.contains(&stage) {
                        self.start_decode(&[stage]);
                    }
                }
            }
            Err(RunError::Demographics(errors)) => self.field_errors = errors,
            Err(RunError::Capture {
                source: station_core::capture::CaptureError::Undecided { position },
                ..
            }) => self.undecided = Some(position),
            Err(err) => self.refuse_err(&err),
        }
    }

    /// The batch a supervisor may approve in one press: the enrollments without exceptions or
    /// forced captures (those are opened one by one).
    fn show_batch(&mut self) {
        self.batch = Some(
            self.pending
                .iter()
                .filter(|p| p.exceptions == 0 && p.forced == 0)
                .map(|p| p.id.clone())
                .collect(),
        );
    }

    /// Approves the batch that was shown, and nothing that arrived since; with the supervisor's
    /// finger when the station asks for it (one touch for the batch).
    fn approve_batch(&mut self, finger: Option<&station_core::fingers::FingerImage<'_>>) {
        if finger.is_none() && self.services.station.config.officials.approval_requires_finger {
            return self.read_finger(FingerFor::Batch);
        }
        let now = (self.services.clock)();
        let Some(s) = &self.session else { return };
        let Some(ids) = self.batch.take() else { return };
        let mut sealed = 0;
        for id in ids {
            match self.services.station.decide_with_finger(
                s,
                &id,
                Verdict::Approve,
                None,
                finger,
                now,
            ) {
                Ok(_) => sealed += 1,
                Err(e) => self.refusal = vec![e.explain()],
            }
        }
        self.notice = Some(Message::new("sealed-count").number("count", sealed));
        self.wake_sync();
        self.refresh_pending();
    }

    pub fn apply(&mut self, action: Action) {
        let now = (self.services.clock)();
        // An idle session locks itself: the next action finds it gone.
        if let Some(s) = &mut self.session
            && s.touch(now, &self.services.station.login_policy).is_err()
        {
            let e = station_core::operators::OperatorError::Idle;
            self.session = None;
            self.apply(Action::LogOut);
            self.refuse_err(&e);
            return;
        }
        match action {
            Action::SetLang(l) => self.lang = l,
            Action::SetTheme(t) => self.theme = t,
            Action::CancelCapture => {
                if let Some(job) = &mut self.services.capturing {
                    job.cancelled = true;
                }
            }
            Action::LogIn => self.log_in(),
            Action::FingerLogIn => {
                let user = self.username.trim().to_string();
                if user.is_empty() {
                    self.refusal = vec![Message::new("login-finger-who")];
                } else {
                    self.read_finger(FingerFor::LogIn(user));
                }
            }
            Action::CancelFinger => {
                // The reader's thread ends with a finger or its timeout; the reader comes back.
                if let Some(job) = &mut self.services.finger_job {
                    job.cancelled = true;
                }
                self.admin.impressions.clear();
            }
            Action::ToggleOfficials { password } => self.toggle_officials(password),
            Action::EnrolFingers(user) => {
                self.admin.impressions.clear();
                self.read_finger(FingerFor::Enrol(user));
            }
            Action::LogOut => self.log_out(),
            Action::NewEnrollment => self.new_enrollment(),
            Action::Consent(true) => {
                if let Some(e) = &mut self.enrolling {
                    e.input.consent =
                        ConsentInput { language: self.lang.code().into(), accepted: true };
                }
                self.advance();
            }
            Action::Consent(false) => {
                // Nothing else is recorded; the enrollment stays at its consent step unused.
                self.enrolling = None;
                self.notice = Some(Message::new("consent-refused"));
                self.screen = Screen::Home;
            }
            Action::Advance => self.advance(),
            Action::ReadDocument => self.read_document(),
            Action::SetSex(s) => self.form.sex = s.into(),
            Action::ApproveAll => self.show_batch(),
            Action::ConfirmBatch => self.approve_batch(None),
            Action::CancelBatch => self.batch = None,
            Action::SelectQueue(i) => {
                self.queue_selected = i.min(self.pending.len().saturating_sub(1));
            }
            Action::Home => self.go_home(),
            Action::Resume(id) => self.resume(&id),
            Action::Approve(id) => self.decide(&id, Verdict::Approve, now),
            Action::OpenReview(id) => self.open_review(&id),
            Action::Report => self.open_report(),
            Action::PrintSlip => self.print_slip(),
            Action::Admin => self.open_admin(),
            Action::SetLocked(user, locked) => self.set_locked(&user, locked),
            Action::AddOperator => self.add_operator(),
            Action::SetNewRole(r) => self.admin.role = Some(r),
            Action::SaveSettings => self.save_settings(),
            Action::SetApplicantLang(l) => self.applicant_lang = l,
            Action::Reject(id) => self.decide(&id, Verdict::Reject, now),
            Action::AcceptBest => self.after_retries(None),
            Action::Except(kind) => self.after_retries(Some(kind)),
        }
    }

    fn log_in(&mut self) {
        let now = (self.services.clock)();
        match self.services.station.login(self.username.trim(), &self.password, now) {
            Ok(s) => self.logged_in(s),
            Err(e) => self.refuse_err(&e),
        }
        // The password never stays in memory longer than the attempt.
        self.password.clear();
    }

    fn logged_in(&mut self, s: Session) {
        self.session = Some(s);
        self.screen = Screen::Home;
        self.refusal.clear();
        self.start_sync();
        self.refresh_pending();
    }

    fn log_out(&mut self) {
        // The worker finishes the step it is on, then stops; the next log-in starts it again.
        self.services.sync = None;
        self.session = None;
        self.enrolling = None;
        self.slip = None;
        self.review = None;
        self.batch = None;
        self.live = None;
        self.operator_days.clear();
        self.admin = admin::AdminForms::default();
        self.notice = None;
        self.refusal.clear();
        self.screen = Screen::Login;
        self.username.clear();
    }

    fn go_home(&mut self) {
        self.enrolling = None;
        self.slip = None;
        self.review = None;
        self.live = None;
        self.screen = Screen::Home;
        self.refresh_pending();
    }

    /// The supervisor approves, or rejects with the reason typed, and the bundle is sealed.
    fn decide(&mut self, id: &str, verdict: Verdict, now: i64) {
        if self.services.station.config.officials.approval_requires_finger {
            return self.read_finger(FingerFor::Decide(id.to_string(), verdict));
        }
        self.decide_with(id, verdict, None, now);
    }

    /// Starts reading an official's finger for `purpose`; the screens say so until it is done.
    fn read_finger(&mut self, purpose: FingerFor) {
        if let Some(job) = &mut self.services.finger_job {
            // A cancelled read still waits on the reader: it serves this request.
            if job.cancelled {
                job.purpose = purpose;
                job.cancelled = false;
                self.refusal.clear();
            }
            return;
        }
        let Some(mut reader) = self.services.finger_reader.take() else {
            self.refusal = vec![Message::new("finger-no-reader")];
            return;
        };
        self.refusal.clear();
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("finger".into()).spawn(move || {
            let got = reader();
            let _ = tx.send((reader, got));
        });
        match spawned {
            Ok(_) => {
                self.services.finger_job = Some(FingerJob { purpose, cancelled: false, done: rx })
            }
            Err(e) => self.refuse_err(&Message::new("capture-thread").detail(e)),
        }
    }

    /// Takes the finger read back, if it has come, and does what it was for.
    pub fn poll_finger(&mut self) {
        let Some(job) = &self.services.finger_job else { return };
        let (reader, got) = match job.done.try_recv() {
            Ok(r) => r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.services.finger_job = None;
                return self.refuse_err(&Message::new("capture-lost"));
            }
        };
        let Some(job) = self.services.finger_job.take() else { return };
        self.services.finger_reader = Some(reader);
        if job.cancelled {
            return;
        }
        let purpose = job.purpose;
        let capture = match got {
            Ok(c) => c,
            Err(e) => return self.refuse_err(&station_core::explain::device(&e)),
        };
        let finger = station_core::fingers::FingerImage {
            image: &capture.image,
            ppi: capture.ppi,
            position: capture.finger.iso_code(),
        };
        let now = (self.services.clock)();
        match purpose {
            FingerFor::LogIn(user) => {
                match self.services.station.login_finger(&user, &finger, now) {
                    Ok(s) => self.logged_in(s),
                    Err(e) => self.refuse_err(&e),
                }
            }
            FingerFor::Decide(id, verdict) => self.decide_with(&id, verdict, Some(&finger), now),
            FingerFor::Batch => self.approve_batch(Some(&finger)),
            FingerFor::Enrol(user) => {
                self.admin.impressions.push(capture);
                if self.admin.impressions.len() < ENROL_IMPRESSIONS {
                    return self.read_finger(FingerFor::Enrol(user));
                }
                self.enrol_impressions(&user, now);
            }
        }
    }

    fn decide_with(
        &mut self,
        id: &str,
        verdict: Verdict,
        finger: Option<&station_core::fingers::FingerImage<'_>>,
        now: i64,
    ) {
        let Some(s) = &self.session else { return };
        let reason = (verdict == Verdict::Reject).then_some(self.reject_reason.as_str());
        match self.services.station.decide_with_finger(s, id, verdict, reason, finger, now) {
            Ok(_) => {
                if verdict == Verdict::Reject {
                    self.reject_reason.clear();
                    self.refusal.clear();
                    self.notice = Some(Message::new("rejected-notice"));
                } else {
                    self.notice = Some(Message::new("sealed-count").number("count", 1));
                }
                self.review = None;
                self.screen = Screen::Home;
                self.wake_sync();
            }
            Err(e) => self.refuse_err(&e),
        }
        self.refresh_pending();
    }

    fn print_slip(&mut self) {
        let Some(slip) = &self.slip else { return };
        let printed =
            station_text::i18n::with(|tr| slip.pdf(tr)).and_then(|pdf| crate::slip::print(&pdf));
        match printed {
            Ok(()) => self.notice = Some(Message::new("slip-printed")),
            Err(e) => self.refuse_err(&e),
        }
    }

    /// The clerk's decision for a position still failing after its retries: keep the best
    /// attempt (`None`), or record an exception of `kind` with the reason typed.
    fn after_retries(&mut self, exception: Option<schemas::manifest::ExceptionKind>) {
        let (Some(pos), Some(e)) = (self.undecided, &mut self.enrolling) else { return };
        let decision = match exception {
            Some(kind) => {
                if self.exception_reason.trim().is_empty() {
                    return self.refuse_err(&Message::new("exception-reason-missing"));
                }
                station_core::script::AfterRetriesInput::Exception(
                    station_core::script::ExceptionInput {
                        kind,
                        reason: self.exception_reason.trim().to_string(),
                    },
                )
            }
            None => station_core::script::AfterRetriesInput::AcceptBest,
        };
        e.input.after_retries.insert(position_name(pos), decision);
        self.undecided = None;
        self.exception_reason.clear();
        self.advance();
    }

    fn base(&self) -> Base {
        if self.lang.rtl() { Base::Rtl } else { Base::Ltr }
    }
}

pub use station_core::workflow::position_name;

/// The egui application.
/// A row of widgets in `layout` (left to right or right to left), as tall as its tallest one:
/// like `ui.horizontal`, in either direction.
fn row<R>(ui: &mut Ui, layout: Layout, add: impl FnOnce(&mut Ui) -> R) -> R {
    let size = egui::vec2(ui.available_size_before_wrap().x, ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(size, layout, add).inner
}

/// One cell of a row of columns, `width` wide, its contents from the reading side.
fn cell(ui: &mut Ui, width: f32, rtl: bool, add: impl FnOnce(&mut Ui)) {
    let layout = Layout::top_down(if rtl { Align::Max } else { Align::Min });
    // As tall as the space left (what scrolls inside needs it); only what it holds is taken.
    ui.allocate_ui_with_layout(egui::vec2(width, ui.available_height()), layout, |ui| {
        ui.set_width(width);
        add(ui);
    });
}

pub struct App {
    pub model: Model,
    tr: Translations,
    /// Fullscreen, undecorated, and closable only by an administrator.
    pub kiosk: bool,
    /// Ask for the next frame while a preview runs (a real window; tests step frames themselves).
    pub live_refresh: bool,
    /// Open the applicant's second window (a real window).
    pub applicant_window: bool,
    preview: live::PreviewTexture,
    review_textures: supervisor::ReviewTextures,
}

impl App {
    pub fn new(model: Model, tr: Translations) -> App {
        App {
            model,
            tr,
            kiosk: false,
            live_refresh: false,
            applicant_window: false,
            preview: live::PreviewTexture::default(),
            review_textures: supervisor::ReviewTextures::default(),
        }
    }

    fn role_name(&self, r: Role) -> String {
        self.t(&format!("role-{}", r.as_str()), &[])
    }

    /// The last confirmation, in the interface language.
    fn notice(&self, ui: &mut Ui) {
        if let Some(m) = &self.model.notice {
            let msg = m.text(self.model.lang);
            text::paragraph(
                ui,
                &msg,
                self.model.base(),
                Style { size: theme::size::BODY, color: theme::palette(ui).ok },
            );
        }
    }

    /// Installs the vendored fonts, sizes and the light theme (the default); call once on the
    /// context.
    pub fn setup(ctx: &egui::Context) {
        ctx.set_fonts(text::fonts());
        ctx.all_styles_mut(|s| {
            s.spacing.interact_size.y = 44.0;
            s.spacing.item_spacing = egui::vec2(theme::space::S, theme::space::S);
            s.text_styles
                .insert(egui::TextStyle::Body, egui::FontId::proportional(theme::size::BODY));
        });
        theme::Theme::Light.apply(ctx);
    }

    fn t(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.tr.text(self.model.lang, id, args)
    }

    /// One screen refresh: takes the live device frame, then draws.
    pub fn frame(&mut self, ui: &mut Ui) {
        if self.model.services.finger_job.is_some() {
            self.model.poll_finger();
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        if self.model.services.capturing.is_some() {
            self.model.poll_capture(None);
            // Drawn on while the device works: the seconds count, the cancel button answers.
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        if self.model.screen == Screen::Enroll {
            self.model.poll_live();
            self.model.poll_review(false);
        }
        // After each sync cycle the counts and the registry's news are read again.
        if let Some(cycles) = self.model.services.sync.as_ref().map(|w| w.progress().cycles)
            && cycles != self.model.services.sync_seen
        {
            self.model.services.sync_seen = cycles;
            self.model.refresh_pending();
        }
        self.draw(ui);
    }

    /// Draws the current screen (the UI's own work of a frame).
    pub fn draw(&mut self, ui: &mut Ui) {
        let mut actions = Vec::new();
        if self.live_refresh && (self.model.live.is_some() || self.model.judging()) {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(33));
        }
        // While the worker sends, its progress is drawn twice a second; otherwise every few seconds.
        if let Some(w) = &self.model.services.sync {
            let busy = !matches!(
                w.progress().phase,
                station_uplink::Phase::Idle | station_uplink::Phase::Backoff
            );
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(if busy {
                500
            } else {
                5000
            }));
        }
        let theme = self.model.theme;
        if (theme == theme::Theme::Dark) != ui.visuals().dark_mode {
            theme.apply(ui.ctx());
            ui.ctx().request_repaint();
        }
        let rtl = self.model.lang.rtl();
        // Right to left for Arabic: widgets hug the right edge.
        let column = Layout::top_down(if rtl { Align::Max } else { Align::Min });
        egui::Frame::central_panel(ui.style()).show(ui, |ui| {
            ui.set_min_size(ui.available_size());
            ui.with_layout(column, |ui| {
                self.top_bar(ui, &mut actions);
                ui.add_space(theme::space::S);
                self.finger_prompt(ui, &mut actions);
                match self.model.screen {
                    Screen::Login => self.login(ui, &mut actions),
                    Screen::Home => self.home(ui, &mut actions),
                    Screen::Enroll => {
                        egui::ScrollArea::vertical().show(ui, |ui| {
                            ui.with_layout(
                                Layout::top_down(if rtl { Align::Max } else { Align::Min }),
                                |ui| self.enroll(ui, &mut actions),
                            );
                        });
                    }
                    Screen::Slip => self.slip(ui, &mut actions),
                    // Side by side; the samples scroll in their own column.
                    Screen::Review => self.review(ui, &mut actions),
                    Screen::Report => self.day_report_ui(ui, &mut actions),
                    Screen::Admin => {
                        egui::ScrollArea::vertical().show(ui, |ui| {
                            ui.with_layout(
                                Layout::top_down(if rtl { Align::Max } else { Align::Min }),
                                |ui| self.admin(ui, &mut actions),
                            );
                        });
                    }
                }
            });
        });
        for a in actions {
            self.model.apply(a);
        }
    }

    /// One row across the top: the station's name and the demo banner on the reading side, the
    /// language and theme switches at the far end.
    fn top_bar(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let (start, end) = self.rows();
        // The two switches need about this much; in a narrower window they go on a line of their
        // own rather than over the banner.
        const SWITCHES: f32 = 360.0;
        let room = row(ui, start, |ui| {
            text::label(ui, &self.t("app-title", &[]), base, Style::heading(ui));
            if self.model.services.station.is_demo() {
                ui.add_space(theme::space::L);
                let style = Style { size: theme::size::BODY, color: theme::palette(ui).warn };
                text::label(ui, &self.t("demo-banner", &[]), base, style);
            }
            let room = ui.available_width() >= SWITCHES;
            if room {
                row(ui, end, |ui| self.switches(ui, actions));
            }
            room
        });
        if !room {
            row(ui, end, |ui| self.switches(ui, actions));
        }
    }

    /// The language and theme switches.
    fn switches(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let other = if self.model.lang.rtl() { Lang::En } else { Lang::Ar };
        let switch = self.t("switch-language", &[]);
        if text::button(ui, &switch, Base::Auto, Style::body(ui)).clicked() {
            actions.push(Action::SetLang(other));
        }
        let (key, to) = match self.model.theme {
            theme::Theme::Light => ("theme-dark", theme::Theme::Dark),
            theme::Theme::Dark => ("theme-light", theme::Theme::Light),
        };
        if text::button(ui, &self.t(key, &[]), self.model.base(), Style::body(ui)).clicked() {
            actions.push(Action::SetTheme(to));
        }
    }

    /// Row layouts for the language: from the reading side, and from the far end.
    fn rows(&self) -> (Layout, Layout) {
        let (ltr, rtl) =
            (Layout::left_to_right(Align::Center), Layout::right_to_left(Align::Center));
        if self.model.lang.rtl() { (rtl, ltr) } else { (ltr, rtl) }
    }

    fn status_lines(&self, ui: &mut Ui) {
        let base = self.model.base();
        let st = &self.model.services.station;
        let line = self.t(
            "station-status",
            &[
                ("station", FluentValue::from(st.station_id.as_str())),
                ("centre", FluentValue::from(st.centre.as_str())),
            ],
        );
        text::paragraph(ui, &line, base, Style::body(ui));
        let waiting = self.model.awaiting_approval;
        text::paragraph(
            ui,
            &self.t("awaiting-approval", &[("count", FluentValue::from(waiting))]),
            base,
            Style::body(ui),
        );
        // Sync: what waits in the outbox; the bar shows the share of sealed bundles sent.
        let (unsent, bytes, all) = self.model.outbox;
        let megabytes = format!("{:.1}", bytes as f64 / 1e6);
        text::paragraph(
            ui,
            &self.t(
                "sync-status",
                &[
                    ("count", FluentValue::from(unsent)),
                    ("size", FluentValue::from(isolate(&megabytes))),
                ],
            ),
            base,
            Style::body(ui),
        );
        if all > 0 {
            let sent = (all - unsent) as f32 / all as f32;
            ui.add(egui::ProgressBar::new(sent).desired_width(320.0));
        }
        self.sync_lines(ui);
        self.device_lines(ui);
    }

    /// The devices: how many of the four an enrollment needs are ready, and which are missing.
    fn device_lines(&self, ui: &mut Ui) {
        let Some(a) = &self.model.services.devices else { return };
        let base = self.model.base();
        let list = a
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .inventory(self.model.services.station.mode.allows_simulation());
        let needed: Vec<_> = list
            .iter()
            .filter(|e| {
                station_core::devices::Modality::ENROLLMENT.contains(&e.modality)
                    && e.status != "untrusted"
            })
            .collect();
        let ready = needed.iter().filter(|e| e.status == "ready").count() as u64;
        text::paragraph(
            ui,
            &self.t(
                "devices-status",
                &[
                    ("ready", FluentValue::from(ready)),
                    ("total", FluentValue::from(needed.len() as u64)),
                ],
            ),
            base,
            Style::body(ui),
        );
        let missing: Vec<String> = needed
            .iter()
            .filter(|e| e.status != "ready")
            .map(|e| self.t(&format!("modality-{}", e.modality.as_str()), &[]))
            .collect();
        if !missing.is_empty() {
            text::paragraph(
                ui,
                &self.t(
                    "devices-missing",
                    &[(
                        "list",
                        FluentValue::from(missing.join(if self.model.lang.rtl() {
                            "، "
                        } else {
                            ", "
                        })),
                    )],
                ),
                base,
                Style::body(ui),
            );
        }
    }

    /// The sync worker's state: the batch being sent (bundles, bytes, time left) with its bar,
    /// the last failure and when the registry was last reached.
    fn sync_lines(&self, ui: &mut Ui) {
        use station_uplink::Phase;
        let Some(w) = &self.model.services.sync else { return };
        let base = self.model.base();
        let p = w.progress();
        let mb = |b: u64| isolate(&format!("{:.1}", b as f64 / 1e6));
        if matches!(p.phase, Phase::Announcing | Phase::Uploading) && p.batch_bundles > 0 {
            let mut args = vec![
                ("done", FluentValue::from(p.batch_done)),
                ("total", FluentValue::from(p.batch_bundles)),
                ("sent", FluentValue::from(mb(p.bytes_sent))),
                ("size", FluentValue::from(mb(p.batch_bytes))),
            ];
            let key = match p.eta_s {
                Some(eta) => {
                    args.push(("eta", FluentValue::from(eta)));
                    "sync-sending"
                }
                None => "sync-sending-no-eta",
            };
            let line = self.t(key, &args);
            text::paragraph(ui, &line, base, Style::body(ui));
            let share =
                if p.batch_bytes > 0 { p.bytes_sent as f32 / p.batch_bytes as f32 } else { 0.0 };
            ui.add(egui::ProgressBar::new(share.clamp(0.0, 1.0)).desired_width(320.0));
        }
        if let Some(e) = &p.last_error {
            let reason = e.get(self.model.lang).to_string();
            text::paragraph(
                ui,
                &self.t("sync-failed", &[("reason", FluentValue::from(reason))]),
                base,
                Style { size: theme::size::BODY, color: theme::palette(ui).warn },
            );
        }
        let limit = self.model.services.station.config.max_clock_offset_s;
        if let Some(offset) =
            p.clock_offset_ms.filter(|o| o.unsigned_abs() / 1000 > u64::from(limit))
        {
            // The administrator sets the clock right; enrollment waits until then.
            let line = self.t(
                "sync-clock-off",
                &[
                    ("offset", FluentValue::from((offset / 1000).abs())),
                    ("limit", FluentValue::from(limit)),
                ],
            );
            text::paragraph(
                ui,
                &line,
                base,
                Style { size: theme::size::BODY, color: theme::palette(ui).warn },
            );
        }
        if let Some(at) = p.last_success_at {
            let when = time::OffsetDateTime::from_unix_timestamp(at / 1000)
                .ok()
                .and_then(|t| {
                    t.format(&time::macros::format_description!(
                        "[year]-[month]-[day] [hour]:[minute]"
                    ))
                    .ok()
                })
                .unwrap_or_default();
            text::paragraph(
                ui,
                &self.t(
                    "sync-last",
                    &[("when", FluentValue::from(isolate(&format!("{when} UTC"))))],
                ),
                base,
                Style::body(ui),
            );
        }
    }

    fn login(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        self.status_lines(ui);
        ui.add_space(12.0);
        text::paragraph(ui, &self.t("login-title", &[]), base, Style::heading(ui));
        let user_label = text::paragraph(ui, &self.t("login-username", &[]), base, Style::body(ui));
        text::field(ui, &mut self.model.username, 320.0, false).labelled_by(user_label.id);
        let pw_label = text::paragraph(ui, &self.t("login-password", &[]), base, Style::body(ui));
        let pw = text::field(ui, &mut self.model.password, 320.0, true).labelled_by(pw_label.id);
        let enter = pw.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if text::button(ui, &self.t("login-submit", &[]), base, Style::body(ui)).clicked() || enter
        {
            actions.push(Action::LogIn);
        }
        let reader = self.model.services.finger_reader.is_some();
        if (reader || self.model.services.finger_job.is_some())
            && text::button(ui, &self.t("login-finger", &[]), base, Style::body(ui)).clicked()
        {
            actions.push(Action::FingerLogIn);
        }
        if let Some(msg) = self.model.refusal_text(self.model.lang) {
            text::paragraph(
                ui,
                &msg,
                base,
                Style { size: theme::size::BODY, color: theme::palette(ui).danger },
            );
        }
    }

    /// While an official's finger is awaited: what for, and a way to stop waiting.
    fn finger_prompt(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(job) = self.model.services.finger_job.as_ref().filter(|j| !j.cancelled) else {
            return;
        };
        let base = self.model.base();
        let what = match &job.purpose {
            FingerFor::LogIn(user) => {
                self.t("finger-place-login", &[("user", FluentValue::from(user.as_str()))])
            }
            FingerFor::Batch => self.t(
                "finger-place-batch",
                &[(
                    "count",
                    FluentValue::from(self.model.batch.as_ref().map_or(0, Vec::len) as i64),
                )],
            ),
            FingerFor::Enrol(user) => self.t(
                "finger-place-enrol",
                &[
                    ("user", FluentValue::from(user.as_str())),
                    ("n", FluentValue::from(self.model.admin.impressions.len() as i64 + 1)),
                    ("of", FluentValue::from(ENROL_IMPRESSIONS as i64)),
                ],
            ),
            FingerFor::Decide(id, verdict) => {
                let n = self
                    .model
                    .pending
                    .iter()
                    .find(|p| p.id == *id)
                    .map_or(0, |p| p.sequence as i64);
                self.t(
                    if *verdict == Verdict::Approve {
                        "finger-place-approve"
                    } else {
                        "finger-place-reject"
                    },
                    &[("n", FluentValue::from(n))],
                )
            }
        };
        egui::Frame::group(ui.style()).inner_margin(theme::space::M).show(ui, |ui| {
            text::paragraph(ui, &what, base, Style::heading(ui));
            text::paragraph(ui, &self.t("finger-place-how", &[]), base, Style::body(ui));
            if text::button(ui, &self.t("finger-cancel", &[]), base, Style::body(ui)).clicked() {
                actions.push(Action::CancelFinger);
            }
        });
        ui.add_space(theme::space::M);
    }

    fn home(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        if let Some(s) = &self.model.session {
            let role = self.role_name(s.role);
            let welcome = self.t(
                "welcome",
                &[
                    ("user", FluentValue::from(s.username.as_str())),
                    ("role", FluentValue::from(role)),
                ],
            );
            text::paragraph(ui, &welcome, base, Style::heading(ui));
        }
        self.notice(ui);
        self.refusal(ui);
        ui.add_space(theme::space::M);
        // On a counter's screen the work on the reading side and the station's state beside it;
        // in a narrow window one below the other.
        let rtl = self.model.lang.rtl();
        let side = 440.0;
        let gap = theme::space::XL;
        if ui.available_width() >= 1200.0 {
            // The row puts item spacing between its cells as well.
            let main = ui.available_width() - side - gap - 2.0 * ui.spacing().item_spacing.x;
            let layout = self.rows().0.with_cross_align(Align::Min);
            ui.allocate_ui_with_layout(ui.available_size(), layout, |ui| {
                cell(ui, main, rtl, |ui| self.home_work(ui, actions));
                ui.add_space(gap - ui.spacing().item_spacing.x);
                cell(ui, side, rtl, |ui| self.home_side(ui, actions));
            });
        } else {
            self.home_work(ui, actions);
            ui.add_space(theme::space::M);
            self.home_side(ui, actions);
        }
    }

    /// What the operator's role does from the start screen: a clerk's new and interrupted
    /// enrollments, a supervisor's queue, an administrator's screens.
    fn home_work(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        match self.model.session.as_ref().map(|s| s.role) {
            Some(Role::Clerk) => {
                if text::button(ui, &self.t("new-enrollment", &[]), base, Style::body(ui)).clicked()
                {
                    actions.push(Action::NewEnrollment);
                }
                for (i, (id, stage)) in self.model.in_progress.iter().enumerate() {
                    let stage_name = self.t(&format!("stage-{}", stage.as_str()), &[]);
                    let caption = self.t(
                        "resume",
                        &[
                            ("n", FluentValue::from(i + 1)),
                            ("stage", FluentValue::from(stage_name)),
                        ],
                    );
                    if text::button(ui, &caption, base, Style::body(ui)).clicked() {
                        actions.push(Action::Resume(id.clone()));
                    }
                }
            }
            Some(Role::Supervisor) => self.queue_ui(ui, actions),
            Some(Role::Admin) => {
                let open = text::button(ui, &self.t("admin-open", &[]), base, Style::body(ui));
                if open.clicked() {
                    actions.push(Action::Admin);
                }
            }
            None => {}
        }
    }

    /// The station's state (sync, devices, the day), the day's report, what the registry said,
    /// and the way out.
    fn home_side(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        self.status_lines(ui);
        // Today's date inside a sentence: it must read 2026-11-18 in Arabic too.
        let today = time::OffsetDateTime::from_unix_timestamp((self.model.services.clock)() / 1000)
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        text::paragraph(
            ui,
            &self.t("today", &[("date", FluentValue::from(isolate(&today)))]),
            base,
            Style::body(ui),
        );
        let role = self.model.session.as_ref().map(|s| s.role);
        if matches!(role, Some(Role::Supervisor | Role::Admin))
            && text::button(ui, &self.t("daily-report", &[]), base, Style::body(ui)).clicked()
        {
            actions.push(Action::Report);
        }
        if role == Some(Role::Supervisor) {
            self.registry_news(ui);
        }
        ui.add_space(theme::space::M);
        if text::button(ui, &self.t("logout", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::LogOut);
        }
    }

    /// The registry's refusals and decisions about this station's bundles, for the supervisor.
    fn registry_news(&self, ui: &mut Ui) {
        if self.model.registry_news.is_empty() {
            return;
        }
        let base = self.model.base();
        text::paragraph(ui, &self.t("registry-news-title", &[]), base, Style::heading(ui));
        for v in &self.model.registry_news {
            let what = match (&v.refusal, &v.status) {
                // Not a refusal: the registry has yet to approve who signed.
                (Some((code, who)), _) if code == "operator_not_approved" => {
                    self.t("registry-held", &[("name", FluentValue::from(who.as_str()))])
                }
                (Some((code, _)), _) => self.t(
                    if v.set_aside_at.is_some() {
                        "registry-set-aside"
                    } else {
                        "registry-refused"
                    },
                    &[("reason", FluentValue::from(self.t(&format!("code-{code}"), &[])))],
                ),
                (None, Some((status, _))) => self.t(&format!("registry-status-{status}"), &[]),
                (None, None) => continue,
            };
            let reason =
                v.status.as_ref().and_then(|s| s.1.clone()).filter(|r| !r.trim().is_empty());
            let key =
                if reason.is_some() { "registry-news-line-reason" } else { "registry-news-line" };
            let line = self.t(
                key,
                &[
                    ("sequence", FluentValue::from(v.sequence)),
                    ("what", FluentValue::from(what)),
                    ("reason", FluentValue::from(reason.unwrap_or_default())),
                ],
            );
            text::paragraph(ui, &line, base, Style::body(ui));
        }
    }

    fn refusal(&self, ui: &mut Ui) {
        if let Some(msg) = self.model.refusal_text(self.model.lang) {
            text::paragraph(
                ui,
                &msg,
                self.model.base(),
                Style { size: theme::size::BODY, color: theme::palette(ui).danger },
            );
        }
    }

    fn field(
        &mut self,
        ui: &mut Ui,
        label_id: &str,
        value: impl Fn(&mut Form) -> &mut String,
        width: f32,
    ) -> egui::Response {
        let label = text::paragraph(ui, &self.t(label_id, &[]), self.model.base(), Style::body(ui));
        text::field(ui, value(&mut self.model.form), width, false).labelled_by(label.id)
    }

    /// The enrollment screen: where the clerk is, what was captured, then the current stage.
    fn enroll(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let Some(e) = &self.model.enrolling else { return };
        let stage = e.stage;
        self.step_header_ui(ui, stage);
        self.notice(ui);
        self.refusal(ui);
        for err in self.model.field_errors.clone() {
            let msg = if self.model.lang.rtl() { err.ar } else { err.en };
            text::paragraph(
                ui,
                &msg,
                base,
                Style { size: theme::size::BODY, color: theme::palette(ui).danger },
            );
        }
        if let Some(pos) = self.model.undecided {
            self.undecided_ui(ui, pos, actions);
            return;
        }
        match stage {
            Stage::Consent => self.consent_ui(ui, actions),
            // The form places its own way back, beside the way on.
            Stage::Demographics => return self.demographics_ui(ui, actions),
            Stage::Documents => {
                self.field(ui, "field-document-number", |f| &mut f.document_number, 360.0);
                self.field(ui, "field-document-expiry", |f| &mut f.document_expiry, 360.0);
                self.step_button(ui, "photograph-document", actions);
            }
            Stage::Review => self.review_step(ui, actions),
            Stage::Sign => self.step_button(ui, "sign", actions),
            // The capture steps place their own way back.
            _ => return self.capture_ui(ui, stage, actions),
        }
        ui.add_space(theme::space::S);
        self.back_home(ui, actions);
    }

    /// The review with the applicant: every field as it will be sealed, then every sample with
    /// its picture, quality or exception, then the confirmation.
    fn review_step(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let lines = self.review_lines(self.model.lang);
        let rtl = self.model.lang.rtl();
        let (start, _) = self.rows();
        // Two columns from the reading side: every field and the confirmation, then every sample.
        let gap = theme::space::L;
        let fields = (ui.available_width() * 0.45).clamp(420.0, 640.0);
        let pictures = (ui.available_width() - fields - gap).max(300.0);
        row(ui, start.with_cross_align(Align::Min), |ui| {
            cell(ui, fields, rtl, |ui| {
                // Two fields a line where there is room for them.
                let per_line = if fields >= 560.0 { 2 } else { 1 };
                let half = (fields - theme::space::M) / per_line as f32;
                for pair in lines.chunks(per_line) {
                    row(ui, start.with_cross_align(Align::Min), |ui| {
                        for line in pair {
                            cell(ui, half, rtl, |ui| {
                                text::paragraph(ui, line, base, Style::body(ui));
                            });
                        }
                    });
                }
                ui.add_space(theme::space::M);
                self.step_button(ui, "review-confirm", actions);
            });
            ui.add_space(gap - ui.spacing().item_spacing.x);
            cell(ui, pictures, rtl, |ui| {
                // Shown once every step's samples are decoded (taken only then: what is taken is
                // put back).
                let ready =
                    if self.model.decoding() { None } else { self.model.review_samples.take() };
                if let Some(samples) = ready {
                    let key = self.draft_key(&samples);
                    self.sample_textures(ui, &key, &samples);
                    self.sample_cells(ui, &samples, base, 80.0);
                    self.model.review_samples = Some(samples);
                } else {
                    text::paragraph(ui, &self.t("review-decoding", &[]), base, Style::body(ui));
                    ui.add(egui::Spinner::new());
                }
            });
        });
    }

    /// Every field of the form as it will be sealed, one "label: value" line each, in `lang`
    /// (the clerk's review and the applicant's screen show the same).
    fn review_lines(&self, lang: Lang) -> Vec<String> {
        let t = |id: &str, args: &[(&str, FluentValue<'_>)]| self.tr.text(lang, id, args);
        let f = &self.model.form;
        let digits = |v: &str| isolate(&station_text::digits::normalize_digits(v));
        let sex = match f.sex.as_str() {
            "female" => t("sex-female", &[]),
            "male" => t("sex-male", &[]),
            other => other.to_string(),
        };
        let fields: [(&str, String); 10] = [
            ("field-review-name-ar", f.name_ar.join(" ")),
            ("field-review-name-latin", f.name_latin.join(" ")),
            ("field-national-id", digits(&f.national_id)),
            ("field-date-of-birth", digits(&f.date_of_birth)),
            ("field-sex", sex),
            ("field-phone", digits(&f.phone)),
            ("field-email", f.email.clone()),
            ("field-governorate", f.governorate.clone()),
            ("field-locality", f.locality.clone()),
            // As sealed: the ID card's number unless another was typed.
            (
                "field-document-number",
                digits(if f.document_number.trim().is_empty() {
                    &f.national_id
                } else {
                    &f.document_number
                }),
            ),
        ];
        fields
            .iter()
            .map(|(label, value)| {
                t(
                    "review-field",
                    &[
                        ("label", FluentValue::from(t(label, &[]))),
                        ("value", FluentValue::from(value.as_str())),
                    ],
                )
            })
            .collect()
    }

    /// What the textures of this enrollment's decoded samples are kept under: its id and how
    /// many there are (each capture step adds some).
    fn draft_key(&self, samples: &[supervisor::ReviewSample]) -> String {
        let id = self.model.enrolling.as_ref().map_or("", |e| &e.id);
        format!("draft-{id}-{}", samples.len())
    }

    fn back_home(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        if text::button(ui, &self.t("back-home", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Home);
        }
    }

    /// Who is being enrolled, kept in view once the form is filled: the portrait once taken, the
    /// name in the screen's language and the ID number.
    fn applicant_strip(&self, ui: &mut Ui, stage: Stage) {
        if matches!(stage, Stage::Consent | Stage::Demographics) {
            return;
        }
        let f = &self.model.form;
        let parts = if self.model.lang.rtl() { &f.name_ar } else { &f.name_latin };
        let name = parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>();
        let id = station_text::digits::normalize_digits(&f.national_id);
        let line = self.t(
            "applicant-strip",
            &[("name", FluentValue::from(name.join(" "))), ("id", FluentValue::from(isolate(&id)))],
        );
        let p = theme::palette(ui);
        let style = Style { size: theme::size::BODY, color: p.text_strong };
        let portrait = self.model.review_samples.as_deref().and_then(|samples| {
            let i = samples.iter().position(|x| x.position == schemas::manifest::Position::Face)?;
            self.current_texture(&self.draft_key(samples), i)
        });
        row(ui, self.rows().0, |ui| {
            // The portrait once taken (its texture made by the modality list or the review).
            if let Some(t) = portrait {
                let size = t.size_vec2();
                let height = 2.0 * theme::size::BODY;
                let label = self.t("applicant-portrait", &[]);
                ui.image((t.id(), size * (height / size.y)))
                    .widget_info(|| egui::WidgetInfo::labeled(Role2::Image, true, &label));
            }
            text::chip(
                ui,
                &line,
                self.model.base(),
                style,
                p.surface,
                egui::Stroke::new(1.0, p.line),
                &line,
            );
        });
    }

    /// Every step of the enrollment in order, the done ones, the current one, and those to do told
    /// apart by colour and by what assistive technology reads.
    fn step_bar(&self, ui: &mut Ui, steps: &[Stage], current: usize) {
        let base = self.model.base();
        let p = theme::palette(ui);
        let direction = if self.model.lang.rtl() {
            Layout::right_to_left(Align::Center)
        } else {
            Layout::left_to_right(Align::Center)
        };
        row(ui, direction.with_main_wrap(true), |ui| {
            ui.spacing_mut().item_spacing = egui::vec2(theme::space::XS, theme::space::XS);
            for (i, step) in steps.iter().enumerate() {
                let n = i + 1;
                let (state, fill, colour, stroke) = match n.cmp(&current) {
                    std::cmp::Ordering::Less => {
                        ("step-done", p.surface, p.ok, egui::Stroke::new(1.0, p.ok))
                    }
                    std::cmp::Ordering::Equal => (
                        "step-current",
                        p.selection,
                        p.text_strong,
                        egui::Stroke::new(2.0, p.accent),
                    ),
                    std::cmp::Ordering::Greater => {
                        ("step-todo", p.background, p.text_weak, egui::Stroke::new(1.0, p.line))
                    }
                };
                let name = self.t(&format!("stage-{}", step.as_str()), &[]);
                let args =
                    [("n", FluentValue::from(n)), ("stage", FluentValue::from(name.clone()))];
                let shown = self.t("step-chip", &args);
                let spoken = self.t(state, &args);
                let style = Style { size: theme::size::SMALL, color: colour };
                text::chip(ui, &shown, base, style, fill, stroke, &spoken);
            }
        });
    }

    /// A button that completes the current step.
    fn step_button(&self, ui: &mut Ui, key: &str, actions: &mut Vec<Action>) {
        if text::button(ui, &self.t(key, &[]), self.model.base(), Style::body(ui)).clicked() {
            actions.push(Action::Advance);
        }
    }

    /// "Step n of N: stage", the step bar (every step of this enrollment: done, current, to do),
    /// then a line for each position captured or excepted so far.
    fn step_header_ui(&self, ui: &mut Ui, stage: Stage) {
        let base = self.model.base();
        let face_only = self.model.enrolling.as_ref().is_some_and(|e| e.face_only);
        let steps = Stage::plan(face_only);
        let n = steps.iter().position(|s| *s == stage).map_or(steps.len(), |i| i + 1);
        let stage_name = self.t(&format!("stage-{}", stage.as_str()), &[]);
        let header = self.t(
            "step-of",
            &[
                ("n", FluentValue::from(n)),
                ("total", FluentValue::from(steps.len())),
                ("stage", FluentValue::from(stage_name)),
            ],
        );
        text::paragraph(ui, &header, base, Style::heading(ui));
        self.step_bar(ui, &steps, n);
        if face_only {
            text::paragraph(ui, &self.t("steps-child", &[]), base, Style::body(ui));
        }
        self.applicant_strip(ui, stage);
    }

    /// A position still failing after its retries: keep the best attempt, or an exception with
    /// its kind and reason.
    fn undecided_ui(
        &mut self,
        ui: &mut Ui,
        pos: schemas::manifest::Position,
        actions: &mut Vec<Action>,
    ) {
        let base = self.model.base();
        let position = self.t(&format!("pos-{}", position_name(pos)), &[]);
        text::paragraph(
            ui,
            &self.t("undecided", &[("position", FluentValue::from(position))]),
            base,
            Style::body(ui),
        );
        if text::button(ui, &self.t("accept-best", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::AcceptBest);
        }
        let label = text::paragraph(ui, &self.t("exception-reason", &[]), base, Style::body(ui));
        text::field(ui, &mut self.model.exception_reason, 360.0, false).labelled_by(label.id);
        use schemas::manifest::ExceptionKind as K;
        for (key, kind) in [
            ("exception-missing", K::Missing),
            ("exception-amputated", K::Amputated),
            ("exception-bandaged", K::Bandaged),
            ("exception-unusable", K::Unusable),
        ] {
            if text::button(ui, &self.t(key, &[]), base, Style::body(ui)).clicked() {
                actions.push(Action::Except(kind));
            }
        }
    }

    fn consent_ui(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let version = self.model.services.station.config.consent_notice_version.clone();
        let notice =
            station_text::consent::notice(&version, self.model.lang).unwrap_or_else(|| {
                self.t("consent-notice-unknown", &[("version", FluentValue::from(version.clone()))])
            });
        text::paragraph(ui, &notice, base, Style::body(ui));
        if text::button(ui, &self.t("consent-accept", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Consent(true));
        }
        if text::button(ui, &self.t("consent-refuse", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Consent(false));
        }
    }

    fn demographics_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        // The card first: its zone fills the Latin names, birth date, sex and the document's
        // number and expiry; the clerk types the rest.
        if text::button(ui, &self.t("read-document", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::ReadDocument);
        }
        // As on the ID card: the Arabic name in four parts, the Latin name, then the rest; each
        // row from the reading side.
        type Slot = fn(&mut Form) -> &mut String;
        let rows: [&[(&str, Slot)]; 4] = [
            &[
                ("field-name-ar-first", |f| &mut f.name_ar[0]),
                ("field-name-ar-father", |f| &mut f.name_ar[1]),
                ("field-name-ar-grandfather", |f| &mut f.name_ar[2]),
                ("field-name-ar-family", |f| &mut f.name_ar[3]),
            ],
            &[
                ("field-name-latin-first", |f| &mut f.name_latin[0]),
                ("field-name-latin-father", |f| &mut f.name_latin[1]),
                ("field-name-latin-grandfather", |f| &mut f.name_latin[2]),
                ("field-name-latin-family", |f| &mut f.name_latin[3]),
            ],
            &[
                ("field-national-id", |f| &mut f.national_id),
                ("field-date-of-birth", |f| &mut f.date_of_birth),
                ("field-phone", |f| &mut f.phone),
                ("field-email", |f| &mut f.email),
            ],
            &[
                ("field-country", |f| &mut f.country),
                ("field-governorate", |f| &mut f.governorate),
                ("field-locality", |f| &mut f.locality),
            ],
        ];
        let (start, _) = self.rows();
        let gap = theme::space::L;
        let width = ((ui.available_width() - 3.0 * gap) / 4.0).clamp(160.0, 360.0);
        // Tab goes from field to field in the card's order; Enter in any field goes on.
        let mut entered = false;
        for line in rows {
            row(ui, start.with_cross_align(Align::Min), |ui| {
                for (label, slot) in line {
                    cell(ui, width, self.model.lang.rtl(), |ui| {
                        let r = self.field(ui, label, *slot, width);
                        entered |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    });
                    ui.add_space(gap - ui.spacing().item_spacing.x);
                }
            });
        }
        if entered {
            actions.push(Action::Advance);
        }
        // Sex, then the way on and the way back, on one line.
        row(ui, start, |ui| {
            text::label(ui, &self.t("field-sex", &[]), base, Style::body(ui));
            for (key, value) in [("sex-female", "female"), ("sex-male", "male")] {
                let chosen = self.model.form.sex == value;
                let caption =
                    if chosen { format!("• {} •", self.t(key, &[])) } else { self.t(key, &[]) };
                if text::button(ui, &caption, base, Style::body(ui)).clicked() {
                    actions.push(Action::SetSex(value));
                }
            }
            ui.add_space(theme::space::XL);
            self.step_button(ui, "next", actions);
            self.back_home(ui, actions);
        });
    }

    /// A capture step in two columns: on the reading side the live preview with its instruction
    /// (and the face's auto-capture), on the other the capture button, for the slaps the hand
    /// diagram with the retries allowed, and the way back.
    fn capture_ui(&mut self, ui: &mut Ui, stage: Stage, actions: &mut Vec<Action>) {
        let base = self.model.base();
        let auto = self.model.services.station.config.capture.quality.auto_capture_frames;
        if stage == Stage::Face
            && self.model.live.as_ref().is_some_and(|l| l.auto_capture_due(auto))
        {
            // Good for long enough: the camera captures without the clerk's press.
            self.model.live = None;
            actions.push(Action::Advance);
        }
        let rtl = self.model.lang.rtl();
        // What is left of the window below the header, for the preview.
        let height = (ui.available_height() - theme::space::L).max(200.0);
        // Three columns from the reading side: the modalities, the live view, the controls.
        let gap = theme::space::L;
        let (list, controls) = (260.0, 420.0);
        let view = (ui.available_width() - list - controls - 2.0 * gap).max(320.0);
        let (start, _) = self.rows();
        row(ui, start.with_cross_align(Align::Min), |ui| {
            cell(ui, list, rtl, |ui| {
                self.modality_list(ui, stage);
                ui.add_space(theme::space::S);
                self.back_home(ui, actions);
            });
            ui.add_space(gap - ui.spacing().item_spacing.x);
            cell(ui, view, rtl, |ui| {
                if let Some(live) = &self.model.live {
                    let instruction =
                        self.t(&format!("instr-{}", live.verdict.instruction.key()), &[]);
                    let style =
                        Style { size: theme::size::NUMBER, color: theme::palette(ui).accent };
                    text::paragraph(ui, &instruction, base, style);
                    let tex = self.preview.update(ui, live).clone();
                    let max = egui::vec2(view, height - 2.0 * theme::size::NUMBER);
                    live::preview(ui, &tex, live, max);
                }
            });
            ui.add_space(gap - ui.spacing().item_spacing.x);
            cell(ui, controls, rtl, |ui| {
                if let Some(job) = &self.model.services.capturing {
                    let seconds = FluentValue::from(job.seconds());
                    let waiting = self.t("capturing", &[("seconds", seconds)]);
                    text::paragraph(ui, &waiting, base, Style::heading(ui));
                    ui.add(egui::Spinner::new().size(theme::size::HEADING));
                    if text::button(ui, &self.t("capture-cancel", &[]), base, Style::body(ui))
                        .clicked()
                    {
                        actions.push(Action::CancelCapture);
                    }
                } else {
                    self.step_button(ui, "capture", actions);
                    // One key captures: the space bar, when no text field has the keyboard.
                    let typing = ui.ctx().memory(|m| m.focused().is_some());
                    if !typing && ui.input(|i| i.key_pressed(egui::Key::Space)) {
                        actions.push(Action::Advance);
                    }
                }
                self.quality_bars(ui, stage);
                if matches!(stage, Stage::RightFour | Stage::LeftFour | Stage::Thumbs) {
                    let threshold = self.model.services.station.config.capture.finger_threshold;
                    live::hand_diagram(ui, &self.model.marks, live::fingers_of(stage), threshold);
                }
            });
        });
    }
}

impl App {
    fn slip(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let base = self.model.base();
        self.notice(ui);
        self.refusal(ui);
        let Some(slip) = self.model.slip.clone() else { return };
        for (i, line) in slip.lines(&self.tr, self.model.lang).iter().enumerate() {
            let style = if i == 0 { Style::heading(ui) } else { Style::body(ui) };
            text::paragraph(ui, line, base, style);
        }
        if let Ok((n, dark)) = slip.qr() {
            let module = 5.0;
            let side = (n as f32 + 8.0) * module;
            let (rect, response) =
                ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 0.0, theme::palette(ui).paper);
            for (i, d) in dark.iter().enumerate() {
                if *d {
                    let min = rect.min
                        + egui::vec2((4 + i % n) as f32 * module, (4 + i / n) as f32 * module);
                    painter.rect_filled(
                        egui::Rect::from_min_size(min, egui::vec2(module, module)),
                        0.0,
                        theme::palette(ui).ink,
                    );
                }
            }
            let label = self.t("slip-qr", &[]);
            response.widget_info(|| egui::WidgetInfo::labeled(Role2::Image, true, &label));
        }
        if text::button(ui, &self.t("slip-print", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::PrintSlip);
        }
        if text::button(ui, &self.t("slip-done", &[]), base, Style::body(ui)).clicked() {
            actions.push(Action::Home);
        }
    }
}

impl Model {
    /// In kiosk mode the window closes only while an administrator is logged in.
    pub fn may_close(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.role == Role::Admin)
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        if self.kiosk
            && ui.ctx().input(|i| i.viewport().close_requested())
            && !self.model.may_close()
        {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        self.frame(ui);
        if self.applicant_window {
            // The applicant's screen: its own window; in kiosk mode fullscreen on the second
            // monitor (the one facing the applicant). Without a second monitor winit leaves it
            // an ordinary window on the first.
            let mut builder = egui::ViewportBuilder::default()
                .with_title("Hukumati — applicant")
                // What a compositor's rule places on the monitor facing the applicant.
                .with_app_id("ps.hukumati.applicant")
                .with_inner_size([900.0, 700.0]);
            if self.kiosk {
                builder = builder.with_monitor(1).with_decorations(false).with_close_button(false);
            }
            let kiosk = self.kiosk;
            ui.ctx().show_viewport_immediate(
                egui::ViewportId::from_hash_of("applicant"),
                builder,
                |ui, _class| {
                    // The applicant cannot close their window either.
                    if kiosk && ui.ctx().input(|i| i.viewport().close_requested()) {
                        ui.ctx().send_viewport_cmd(egui::ViewportCommand::CancelClose);
                    }
                    self.draw_applicant(ui)
                },
            );
        }
    }
}

/// What the window system lacks for the kiosk's window, found before it opens: under a Wayland
/// session (winit prefers Wayland when `WAYLAND_DISPLAY` or `WAYLAND_SOCKET` is set and
/// libwayland-client loads), the OpenGL window also needs `libwayland-egl.so.1`, which winit
/// loads at run time and panics without. `None` when nothing is missing.
pub fn window_system_missing() -> Option<Message> {
    #[cfg(target_os = "linux")]
    {
        let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some()
            || std::env::var_os("WAYLAND_SOCKET").is_some();
        wayland_gap(
            wayland,
            wayland_sys::client::is_lib_available(),
            wayland_sys::egl::is_lib_available(),
        )
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// The decision of [`window_system_missing`], given what it found.
pub fn wayland_gap(session: bool, client: bool, egl: bool) -> Option<Message> {
    (session && client && !egl)
        .then(|| Message::new("cli-wayland-egl").with("library", "libwayland-egl.so.1"))
}

/// Runs the kiosk in a native window (glow renderer: under software rendering it keeps a 720p
/// camera preview near 30 frames per second where wgpu did not).
pub fn run_native(model: Model, kiosk: bool) -> Result<(), String> {
    let tr = Translations::load().map_err(|e| e.to_string())?;
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Hukumati")
        .with_inner_size([1280.0, 800.0])
        .with_app_id("ps.hukumati.station");
    if kiosk {
        viewport = viewport
            .with_monitor(0)
            .with_fullscreen(true)
            .with_decorations(false)
            .with_close_button(false);
    }
    let options =
        eframe::NativeOptions { renderer: eframe::Renderer::Glow, viewport, ..Default::default() };
    eframe::run_native(
        "Hukumati",
        options,
        Box::new(move |cc| {
            App::setup(&cc.egui_ctx);
            let mut app = App::new(model, tr);
            app.kiosk = kiosk;
            app.live_refresh = true;
            app.model.services.wait_for_verdict = false;
            app.model.services.captures_in_background = true;
            app.applicant_window = true;
            app.model.services.sync_enabled = true;
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| e.to_string())
}
