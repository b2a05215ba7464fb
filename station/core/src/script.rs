//! Scripted enrollments: one JSON file says who the applicant is, what they present, and what the
//! simulated devices do wrong; [`run`] drives the whole workflow against simulated devices, as a
//! clerk would, saving each step. Running the same script again resumes its enrollment where the
//! last completed step left it.
//!
//! Example scripts live in `fixtures/enrollments/`.

use std::collections::HashMap;

use drivers::device::{Finger, Slap};
use drivers::simdev::{Fault, Faults, SimCamera, SimFingerprintScanner, SimIrisCamera, Target};
use schemas::manifest::{BiometricException, DocumentKind, ExceptionKind, Position};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use station_text::digits::normalize_digits;

use crate::capture::{self, AfterRetries, CaptureError, CapturePolicy, Devices};
use crate::operators::Session;
use crate::station::{CoreError, Station};
use crate::validate::{self, DemographicsInput, FieldError};
use crate::workflow::*;
use station_text::messages::{Bilingual, Explain, Message};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// Seed of the simulated person (their fingers, irises, face and documents).
    pub seed: u64,
    pub consent: ConsentInput,
    pub applicant: DemographicsInput,
    #[serde(default)]
    pub documents: Vec<DocumentInput>,
    /// Faults of the simulated devices, per position ("right_index", "left_iris", "face",
    /// "document").
    #[serde(default)]
    pub faults: Vec<FaultInput>,
    /// Positions known missing before capture (amputated, bandaged ...), not captured.
    #[serde(default)]
    pub exceptions: HashMap<String, ExceptionInput>,
    /// What to do with a position still below the threshold after the last retry.
    #[serde(default)]
    pub after_retries: HashMap<String, AfterRetriesInput>,
    pub review: ReviewInput,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub language: String,
    pub accepted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    pub number: String,
    pub issuing_state: String,
    #[serde(default)]
    pub expiry: Option<String>,
    pub pages: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultInput {
    pub target: String,
    /// One fault per capture attempt, in order.
    #[serde(default)]
    pub next: Vec<FaultName>,
    /// A fault on every attempt.
    #[serde(default)]
    pub always: Option<FaultName>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultName {
    LowQuality,
    Absent,
    Unplug,
    Timeout,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionInput {
    pub kind: ExceptionKind,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AfterRetriesInput {
    AcceptBest,
    Exception(ExceptionInput),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub confirmed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("the script: {0}")]
    Script(String),
    #[error("the station's clock reads {0} ms since 1970, which is no date")]
    Clock(i64),
    #[error("the demographics were refused: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.en)).collect::<Vec<_>>().join("; "))]
    Demographics(Vec<FieldError>),
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("capture at {stage:?}: {source}")]
    Capture { stage: Stage, source: CaptureError },
    #[error("the document's machine-readable zone disagrees with the form: {}", .0.iter().map(|m| format!("{:?} {} (zone) / {} (form)", m.field, m.mrz, m.typed)).collect::<Vec<_>>().join("; "))]
    DocumentMismatch(Vec<station_quality::document::Mismatch>),
}

/// The date (UTC) of a station time in milliseconds since 1970: the day ages are counted to and
/// the year a two-digit birth year is read against. A clock that gives no date is an error, not
/// a guessed year.
pub fn today(now_ms: i64) -> Result<time::Date, RunError> {
    time::OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
        .map(time::OffsetDateTime::date)
        .map_err(|_| RunError::Clock(now_ms))
}

impl Explain for RunError {
    fn explain(&self) -> Message {
        match self {
            RunError::Script(e) => Message::new("script-invalid").detail(e),
            RunError::Clock(ms) => Message::new("clock-unreadable").detail(ms.to_string()),
            RunError::Demographics(errs) => {
                let reasons = Bilingual {
                    ar: errs.iter().map(|e| e.ar.as_str()).collect::<Vec<_>>().join("؛ "),
                    en: errs.iter().map(|e| e.en.as_str()).collect::<Vec<_>>().join("; "),
                };
                Message::new("demographics-refused").both_langs("reasons", reasons)
            }
            RunError::Core(e) => e.explain(),
            RunError::Capture { stage, source } => Message::new("capture-failed")
                .nested("stage", stage.message())
                .nested("reason", source.explain()),
            RunError::DocumentMismatch(m) => Message::new("document-mrz-mismatch")
                .both_langs("fields", station_quality::document::differences_message(m)),
        }
    }
}

/// What a run achieved.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub enrollment: String,
    pub stage: Stage,
    pub resumed_from: Option<Stage>,
    pub sequence: Option<u64>,
    pub steps_done: Vec<Stage>,
    pub device_events: Vec<String>,
}

impl Script {
    pub fn parse(text: &str) -> Result<(Script, String), RunError> {
        let s: Script = serde_json::from_str(text).map_err(|e| RunError::Script(e.to_string()))?;
        let hash = hex::encode(Sha256::digest(text.as_bytes()));
        s.check()?;
        Ok((s, hash))
    }

    fn position(name: &str) -> Result<Position, RunError> {
        crate::station::position_from_name(name)
            .ok_or_else(|| RunError::Script(format!("unknown position '{name}'")))
    }

    fn check(&self) -> Result<(), RunError> {
        for f in &self.faults {
            self.target(&f.target)?;
        }
        for k in self.exceptions.keys().chain(self.after_retries.keys()) {
            Self::position(k)?;
        }
        Ok(())
    }

    fn target(&self, name: &str) -> Result<Target, RunError> {
        Ok(match name {
            "face" => Target::Face,
            "document" => Target::Document,
            other => match Self::position(other)? {
                Position::RightIris => Target::Eye(drivers::device::Eye::Right),
                Position::LeftIris => Target::Eye(drivers::device::Eye::Left),
                p => {
                    Target::Finger(p.iso_finger_code().and_then(Finger::from_iso_code).ok_or_else(
                        || RunError::Script(format!("no device fault for '{other}'")),
                    )?)
                }
            },
        })
    }

    /// The simulated devices of this script's applicant, with its faults queued.
    pub fn devices(&self) -> Result<(Devices, Faults), RunError> {
        let faults = Faults::default();
        let conv = |f: FaultName| match f {
            FaultName::LowQuality => Fault::LowQuality,
            FaultName::Absent => Fault::Absent,
            FaultName::Unplug => Fault::Unplug,
            FaultName::Timeout => Fault::Timeout,
        };
        for f in &self.faults {
            let t = self.target(&f.target)?;
            faults.queue(t, &f.next.iter().map(|x| conv(*x)).collect::<Vec<_>>());
            if let Some(a) = f.always {
                faults.always(t, conv(a));
            }
        }
        let devices = Devices {
            fingerprint: Box::new(SimFingerprintScanner::new(self.seed, faults.clone())),
            iris: Box::new(SimIrisCamera::new(self.seed, faults.clone())),
            face: Box::new(SimCamera::face(self.seed, faults.clone())),
            document: Box::new(
                match self
                    .mrz()
                    .or_else(|| self.documents.is_empty().then(|| demo_card(self.seed)).flatten())
                {
                    Some(lines) => SimCamera::document(self.seed, faults.clone()).with_mrz(lines),
                    None => SimCamera::document(self.seed, faults.clone()),
                },
            ),
        };
        Ok((devices, faults))
    }

    /// The TD1 zone printed on the back of the simulated ID card, from what the script says of
    /// the applicant (none when there is no ID card or the data does not fit an MRZ).
    fn mrz(&self) -> Option<Vec<String>> {
        let card = self.documents.iter().find(|d| d.kind == DocumentKind::NationalIdCard)?;
        let yymmdd = |d: &str| {
            let d = normalize_digits(d);
            (d.len() == 10).then(|| format!("{}{}{}", &d[2..4], &d[5..7], &d[8..10]))
        };
        let a = &self.applicant;
        let data = schemas::mrz::MrzData {
            document_code: "ID".into(),
            issuing_state: card.issuing_state.clone(),
            document_number: normalize_digits(&card.number),
            surname: a.name_latin.family.clone(),
            given_names: a.name_latin.first.clone(),
            nationality: card.issuing_state.clone(),
            birth_date: yymmdd(&a.date_of_birth)?,
            sex: match a.sex.as_str() {
                "male" => 'M',
                "female" => 'F',
                _ => '<',
            },
            expiry_date: yymmdd(card.expiry.as_deref()?)?,
            optional: String::new(),
        };
        data.td1().ok().map(|l| l.to_vec())
    }

    fn declared(&self) -> Result<HashMap<Position, BiometricException>, RunError> {
        self.exceptions
            .iter()
            .map(|(k, e)| {
                Ok((
                    Self::position(k)?,
                    BiometricException { kind: e.kind, reason: e.reason.clone() },
                ))
            })
            .collect()
    }
}

/// The fictional people whose ID cards a demo station's simulated document camera shows when
/// the enrollment has not yet said whose document it is (the kiosk reads the card before
/// anything is typed): surname, given names, birth date, sex, card number, expiry. Salma's
/// three given names are longer than TD1's name field, so her card shows a cut name.
const DEMO_CARD_HOLDERS: [(&str, &str, &str, char, &str, &str); 2] = [
    ("Al-Najjar", "Khaled Omar Hasan", "781102", 'M', "852314475", "290915"),
    ("Al-Khatib", "Salma Yousef Mahmoud", "900512", 'F', "401234562", "310301"),
];

/// The TD1 zone of the demo card holder of simulated person `seed`.
fn demo_card(seed: u64) -> Option<Vec<String>> {
    let (surname, given, born, sex, number, expiry) =
        DEMO_CARD_HOLDERS[(seed % DEMO_CARD_HOLDERS.len() as u64) as usize];
    let data = schemas::mrz::MrzData {
        document_code: "ID".into(),
        issuing_state: "PSE".into(),
        document_number: number.into(),
        surname: surname.into(),
        given_names: given.into(),
        nationality: "PSE".into(),
        birth_date: born.into(),
        sex,
        expiry_date: expiry.into(),
        optional: String::new(),
    };
    data.td1().ok().map(|l| l.to_vec())
}

/// How many times a step is tried again after an unplug or a timeout before the run stops.
const DEVICE_RETRIES: u32 = 3;

/// Drives one enrollment stage by stage with the inputs of a [`Script`] (from a file, or filled
/// in by the kiosk's forms) against simulated devices. Both `station enroll` and the kiosk use
/// it, so a step means the same thing in both.
pub struct Runner {
    devices: Devices,
    faults: Faults,
    declared: HashMap<Position, BiometricException>,
    exception_photo_taken: bool,
    face_only: bool,
    /// What happened with the devices (unplugs, timeouts) and how it was recovered.
    pub events: Vec<String>,
}

impl Runner {
    /// Prepares the devices and reads what the enrollment `id` already has.
    pub fn new(
        station: &Station,
        clerk: &Session,
        id: &str,
        script: &Script,
    ) -> Result<Runner, RunError> {
        Self::with_devices(station, clerk, id, script, None)
    }

    /// Like [`Runner::new`], capturing with the station's attached devices: for each modality the
    /// attached device, else (training and demo stations only) the script's simulated one, else
    /// none (every capture then says the device is absent). Without attached devices, only the
    /// simulated ones: refused on a production station.
    pub fn with_devices(
        station: &Station,
        clerk: &Session,
        id: &str,
        script: &Script,
        attached: Option<&crate::devices::Attached>,
    ) -> Result<Runner, RunError> {
        let (sims, faults) = script.devices()?;
        let simulation = station.mode.allows_simulation();
        let devices = match attached {
            Some(a) => a.assemble(simulation, sims),
            // Only the simulated devices: never on a production station.
            None if simulation => sims,
            None => return Err(CoreError::SimulationOnProduction.into()),
        };
        let face_only = station
            .load_step::<DemographicsData>(clerk, id, Stage::Demographics)?
            .is_some_and(|d| d.age < validate::FACE_ONLY_BELOW_AGE);
        Ok(Runner {
            devices,
            faults,
            declared: script.declared()?,
            exception_photo_taken: has_exception_photo(station, clerk, id)?,
            face_only,
            events: Vec::new(),
        })
    }

    /// The simulated devices' fault script, for training sessions and tests that want a device
    /// to misbehave now.
    /// Whether this enrollment captures the face only (a child under five), as far as its
    /// demographics say so far.
    pub fn face_only(&self) -> bool {
        self.face_only
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Reads the machine-readable zone of the document on the document camera, for the form
    /// to be filled from it (two photographs at most: either side of a card may be up). Nothing
    /// is kept; the document step photographs the pages for the record.
    pub fn read_document(
        &mut self,
        policy: &CapturePolicy,
    ) -> Result<Option<station_quality::ocr::MrzRead>, RunError> {
        capture::document_zone(&mut self.devices, policy, 2)
            .map_err(|source| RunError::Capture { stage: Stage::Documents, source })
    }

    /// The live frame of the device `stage` uses (none for the stages without a device).
    pub fn preview(
        &mut self,
        stage: Stage,
    ) -> Option<Result<drivers::device::Frame, drivers::device::DeviceError>> {
        let d = &mut self.devices;
        Some(match stage {
            Stage::Documents => d.document.preview(),
            Stage::Face => d.face.preview(),
            Stage::RightFour | Stage::LeftFour | Stage::Thumbs => d.fingerprint.preview(),
            Stage::Irises => d.iris.preview(),
            _ => return None,
        })
    }

    /// Performs `stage` and saves it; returns the next stage: [`Runner::capture`], then
    /// [`Runner::commit`].
    pub fn advance(
        &mut self,
        station: &mut Station,
        clerk: &Session,
        id: &str,
        stage: Stage,
        script: &Script,
        now: i64,
    ) -> Result<Stage, RunError> {
        let policy = station.config.capture.clone();
        let captured = self.capture(stage, script, &policy, now)?;
        self.commit(station, clerk, id, stage, script, captured, now)
    }

    /// The device part of `stage` (nothing for the stages without a device): what it captures,
    /// with the script's decisions after the last retry. An unplugged device or a timeout is
    /// reported, the device reconnected, and the capture tried again (up to three times). It
    /// touches no station, so it may run on a thread of its own while a screen keeps drawing.
    pub fn capture(
        &mut self,
        stage: Stage,
        script: &Script,
        policy: &CapturePolicy,
        now: i64,
    ) -> Result<Captured, RunError> {
        let mut decide = |p: Position, best: Option<u8>| -> AfterRetries {
            let name = serde_json::to_value(p)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            match script.after_retries.get(&name) {
                Some(AfterRetriesInput::AcceptBest) if best.is_some() => AfterRetries::AcceptBest,
                Some(AfterRetriesInput::Exception(e)) => {
                    AfterRetries::Exception(BiometricException {
                        kind: e.kind,
                        reason: e.reason.clone(),
                    })
                }
                // No decision given: the position stays undecided (an error naming it).
                _ => AfterRetries::Exception(BiometricException {
                    kind: ExceptionKind::Other,
                    reason: String::new(),
                }),
            }
        };
        let mut attempt = 0;
        loop {
            match self.capture_once(stage, script, policy, now, &mut decide) {
                Err(RunError::Capture { source: CaptureError::Device(e), .. })
                    if attempt < DEVICE_RETRIES =>
                {
                    attempt += 1;
                    self.events.push(format!("{}: {e}; reconnected and retried", stage.as_str()));
                    // What a clerk does: plug the device back in, press retry.
                    self.faults.replug();
                }
                other => return other,
            }
        }
    }

    /// The rest of `stage`: what was captured checked against the enrollment (the same finger
    /// twice, a typed document number against the card) and saved; the next stage.
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &mut self,
        station: &mut Station,
        clerk: &Session,
        id: &str,
        stage: Stage,
        script: &Script,
        captured: Captured,
        now: i64,
    ) -> Result<Stage, RunError> {
        let policy = station.config.capture.clone();
        let mut at = Step { station, clerk, id, stage, script, policy: &policy, now };
        self.step(&mut at, captured)
    }
}

/// What a stage captured from its devices, before it is checked and saved (opaque: only
/// [`Runner::commit`] reads it).
#[derive(Debug)]
pub struct Captured(Taken);

#[derive(Debug)]
enum Taken {
    /// A stage without a device (consent, demographics, review, signature).
    Nothing,
    Documents(Vec<DocumentData>),
    Samples {
        samples: Vec<CapturedSample>,
        exception_photo: Option<Box<CapturedSample>>,
    },
}

/// Runs (or resumes) the script's enrollment as `clerk`, up to the operator's signature.
/// `now` gives the clock, so tests can control it.
pub fn run(
    station: &mut Station,
    clerk: &Session,
    script: &Script,
    script_hash: &str,
    now: &dyn Fn() -> i64,
) -> Result<Outcome, RunError> {
    run_with(station, clerk, script, script_hash, now, None)
}

/// Like [`run`], capturing with the station's attached devices (see [`Runner::with_devices`]).
pub fn run_with(
    station: &mut Station,
    clerk: &Session,
    script: &Script,
    script_hash: &str,
    now: &dyn Fn() -> i64,
    attached: Option<&crate::devices::Attached>,
) -> Result<Outcome, RunError> {
    let (id, mut stage, resumed_from) =
        if let Some((id, stage)) = station.find_by_script(&clerk.username, script_hash)? {
            (id, stage, Some(stage))
        } else {
            if !script.consent.accepted {
                return Err(CoreError::NoConsent.into());
            }
            (station.start(clerk, Some(script_hash), now())?, Stage::Consent, None)
        };
    let mut runner = Runner::with_devices(station, clerk, &id, script, attached)?;
    let mut steps_done = Vec::new();
    while stage.is_capture_step() || stage == Stage::Sign {
        let next = runner.advance(station, clerk, &id, stage, script, now())?;
        steps_done.push(stage);
        stage = next;
    }
    let sequence = station.sequence_of(&id)?;
    Ok(Outcome {
        enrollment: id,
        stage,
        resumed_from,
        sequence,
        steps_done,
        device_events: runner.events,
    })
}

fn has_exception_photo(station: &Station, clerk: &Session, id: &str) -> Result<bool, RunError> {
    for s in [Stage::RightFour, Stage::LeftFour, Stage::Thumbs, Stage::Irises] {
        if let Some(c) = station.load_step::<CaptureData>(clerk, id, s)?
            && c.exception_photo.is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One step of one enrollment: where it is done and with what.
struct Step<'a> {
    station: &'a mut Station,
    clerk: &'a Session,
    id: &'a str,
    stage: Stage,
    script: &'a Script,
    policy: &'a CapturePolicy,
    now: i64,
}

impl Step<'_> {
    fn capture_failed(&self) -> impl Fn(CaptureError) -> RunError + use<> {
        let stage = self.stage;
        move |source| RunError::Capture { stage, source }
    }

    /// Saves this step's data; the next stage.
    fn save<T: serde::Serialize>(&mut self, data: &T, face_only: bool) -> Result<Stage, RunError> {
        Ok(self.station.save_step(self.clerk, self.id, self.stage, data, face_only, self.now)?)
    }
}

impl Runner {
    /// The device work of one stage with the script's answers.
    fn capture_once(
        &mut self,
        stage: Stage,
        script: &Script,
        policy: &CapturePolicy,
        now: i64,
        decide: &mut dyn FnMut(Position, Option<u8>) -> AfterRetries,
    ) -> Result<Captured, RunError> {
        let failed = |source| RunError::Capture { stage, source };
        let samples = match stage {
            Stage::Documents => {
                return Ok(Captured(Taken::Documents(self.documents(script, policy, now)?)));
            }
            Stage::Face => {
                vec![
                    capture::face(&mut self.devices, policy, Position::Face, &[], decide, now)
                        .map_err(failed)?,
                ]
            }
            Stage::RightFour | Stage::LeftFour | Stage::Thumbs => {
                let slap = match stage {
                    Stage::RightFour => Slap::RightFour,
                    Stage::LeftFour => Slap::LeftFour,
                    _ => Slap::Thumbs,
                };
                capture::slap(&mut self.devices, slap, policy, &self.declared, decide, now)
                    .map_err(failed)?
            }
            Stage::Irises => {
                capture::irises(&mut self.devices, policy, &self.declared, decide, now)
                    .map_err(failed)?
            }
            _ => return Ok(Captured(Taken::Nothing)),
        };
        self.with_exception_photo(stage, policy, samples, now)
    }

    /// Checks and saves one stage: the next stage.
    fn step(&mut self, at: &mut Step<'_>, captured: Captured) -> Result<Stage, RunError> {
        match (at.stage, captured.0) {
            (Stage::Consent, _) => consent(at),
            (Stage::Demographics, _) => {
                let d = validate::demographics(&at.script.applicant, today(at.now)?)
                    .map_err(RunError::Demographics)?;
                self.face_only = d.face_only();
                at.save(&DemographicsData { applicant: d.applicant, age: d.age }, self.face_only)
            }
            (Stage::Documents, Taken::Documents(documents)) => {
                at.save(&DocumentsData { documents }, self.face_only)
            }
            (
                Stage::RightFour | Stage::LeftFour | Stage::Thumbs,
                Taken::Samples { samples, exception_photo },
            ) => {
                let mut earlier = Vec::new();
                for s in [Stage::RightFour, Stage::LeftFour, Stage::Thumbs]
                    .into_iter()
                    .filter(|s| *s != at.stage)
                {
                    if let Some(c) = at.station.load_step::<CaptureData>(at.clerk, at.id, s)? {
                        earlier.extend(c.samples);
                    }
                }
                capture::check_same_finger(&samples, &earlier, at.policy)
                    .map_err(at.capture_failed())?;
                self.save_capture(at, samples, exception_photo)
            }
            (Stage::Face | Stage::Irises, Taken::Samples { samples, exception_photo }) => {
                self.save_capture(at, samples, exception_photo)
            }
            (Stage::Review, _) => {
                if !at.script.review.confirmed {
                    return Err(CoreError::NotConfirmed.into());
                }
                let data = ReviewData {
                    confirmed: true,
                    language: at.script.consent.language.clone(),
                    at: at.now,
                };
                at.save(&data, self.face_only)
            }
            (Stage::Sign, _) => {
                at.station.sign(at.clerk, at.id, at.now)?;
                Ok(Stage::AwaitingApproval)
            }
            (stage, captured) if stage.uses_devices() => Err(RunError::Script(format!(
                "stage {} was given {captured:?} to save",
                stage.as_str()
            ))),
            (other, _) => Ok(other),
        }
    }

    /// Photographs each document and compares its machine-readable zone, read with every check
    /// digit holding, with what was typed: a typing slip is caught while the document is still
    /// on the counter.
    fn documents(
        &mut self,
        script: &Script,
        policy: &CapturePolicy,
        now: i64,
    ) -> Result<Vec<DocumentData>, RunError> {
        let failed = |source| RunError::Capture { stage: Stage::Documents, source };
        let mut documents = Vec::new();
        for d in &script.documents {
            let number = normalize_digits(&d.number);
            let expiry = d.expiry.as_deref().map(normalize_digits);
            let photos =
                capture::document_pages(&mut self.devices, policy, d.pages).map_err(failed)?;
            if let Some(m) = &photos.mrz
                && let Some(p) = &m.parsed
            {
                let wrong = station_quality::document::typed_mismatches(
                    &p.data,
                    &m.doubts,
                    &number,
                    expiry.as_deref(),
                    &normalize_digits(&script.applicant.date_of_birth),
                    today(now)?.year(),
                );
                if !wrong.is_empty() {
                    return Err(RunError::DocumentMismatch(wrong));
                }
            }
            documents.push(DocumentData {
                kind: d.kind,
                number,
                issuing_state: d.issuing_state.clone(),
                expiry,
                mrz: photos.mrz.map(|m| m.lines),
                pages: photos.pages,
                device: Some(capture::device_ref(&self.devices.document.info(), None)),
            });
        }
        Ok(documents)
    }

    /// A capture step's samples, with the exception photograph when this is the first step with
    /// an exception (one per enrollment); an exception without a reason is refused.
    fn with_exception_photo(
        &mut self,
        stage: Stage,
        policy: &CapturePolicy,
        samples: Vec<CapturedSample>,
        now: i64,
    ) -> Result<Captured, RunError> {
        if let Some(bad) = samples
            .iter()
            .find(|s| s.exception.as_ref().is_some_and(|e| e.reason.trim().is_empty()))
        {
            return Err(RunError::Capture {
                stage,
                source: CaptureError::Undecided { position: bad.position },
            });
        }
        let mut exception_photo = None;
        if !self.exception_photo_taken && samples.iter().any(|s| s.exception.is_some()) {
            let mut accept = |_: Position, _: Option<u8>| AfterRetries::AcceptBest;
            let excepted: Vec<Position> =
                samples.iter().filter(|s| s.exception.is_some()).map(|s| s.position).collect();
            exception_photo = Some(Box::new(
                capture::face(
                    &mut self.devices,
                    policy,
                    Position::ExceptionPhoto,
                    &excepted,
                    &mut accept,
                    now,
                )
                .map_err(|source| RunError::Capture { stage, source })?,
            ));
        }
        Ok(Captured(Taken::Samples { samples, exception_photo }))
    }

    /// Saves a capture step's samples (and its exception photograph).
    fn save_capture(
        &mut self,
        at: &mut Step<'_>,
        samples: Vec<CapturedSample>,
        exception_photo: Option<Box<CapturedSample>>,
    ) -> Result<Stage, RunError> {
        let taken = exception_photo.is_some();
        let exception_photo = exception_photo.map(|b| *b);
        let next = at.save(&CaptureData { samples, exception_photo }, self.face_only)?;
        if taken {
            self.exception_photo_taken = true;
        }
        Ok(next)
    }
}

/// The applicant's consent, recorded with the notice they were shown.
fn consent(at: &mut Step<'_>) -> Result<Stage, RunError> {
    let c = &at.script.consent;
    if !c.accepted {
        return Err(CoreError::NoConsent.into());
    }
    // The notice must exist in the language chosen: what was shown is what is recorded.
    let version = at.station.config.consent_notice_version.clone();
    if station_text::i18n::Lang::parse(&c.language)
        .and_then(|l| station_text::consent::notice(&version, l))
        .is_none()
    {
        return Err(RunError::Script(format!(
            "no consent notice {version} in language '{}' (ar or en)",
            c.language
        )));
    }
    let data = ConsentData {
        notice_version: version,
        language: c.language.clone(),
        accepted: true,
        at: at.now,
    };
    at.save(&data, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_comes_from_the_clock_or_an_error_says_why() {
        assert_eq!(today(0).expect("a date").to_string(), "1970-01-01");
        // A millisecond before 1970 is still 1969, not 1970 rounded towards zero.
        assert_eq!(today(-1).expect("a date").to_string(), "1969-12-31");
        assert_eq!(today(1_796_169_600_000).expect("a date").to_string(), "2026-12-02");
        let err = today(i64::MAX).expect_err("no date that far");
        assert!(matches!(err, RunError::Clock(i64::MAX)));
        let m = err.bilingual();
        assert!(m.ar.contains("ساعة المحطة") && m.en.contains("clock"), "{m:?}");
    }
}
