//! Officials' fingers: enrolment of their minutiae templates, finger log-in and sign-off (1:1,
//! offline), and the check that an applicant is not one of the station's officials.
//!
//! **Keys.** A finger is not a secret, so it cannot open a key the way a password does. A
//! station that enrols officials' fingers gets a **machine key**: 32 random bytes in the file
//! [`MACHINE_KEY_FILE`] of the data folder (mode 0600, the station's user only). It seals the
//! templates (each bound to its operator) and a copy of the station data key; each operator's
//! signing key is also wrapped under the data key. A finger log-in therefore opens the same
//! keys a password does. What this trades: on a station with fingers enrolled, whoever can read
//! the whole data folder as the station's user can open its drafts, as on any station that must
//! start without a typed secret; the disk should be encrypted (docs/operations.md). A station
//! with no finger enrolled has no machine key and keeps the password-only protection.
//!
//! **Policy** ([`OfficialsPolicy`], part of the station's settings): whether clerks and
//! supervisors may still log in by password, whether the supervisor's approval needs their
//! finger, and the comparison threshold with the false-match rate it was chosen for.

use drivers::raster::Image;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use station_quality::matching::{self, Comparison, Template};

use crate::operators::{self, OperatorError, Role, Session};
use crate::station::{CoreError, Station};
use crate::store::{audit_append, set_meta};
use crate::vault::{Key, VaultError};
use crate::workflow::SignedData;
use schemas::iso19794::Record;
use schemas::manifest::PayloadKind;

/// The machine key's file in the data folder.
pub const MACHINE_KEY_FILE: &str = "machine.key";
/// An enrolled impression needs at least this many minutiae (NFIQ 2 flags fewer than 5 as
/// unusable; BOZORTH3 scores nothing under 10; 20 leaves room for a partial touch at log-in).
pub const MIN_ENROL_MINUTIAE: usize = 20;
/// The most impressions one official may have enrolled.
pub const MAX_IMPRESSIONS: usize = 20;

/// How officials prove who they are (`Config.officials`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfficialsPolicy {
    /// Clerks and supervisors may log in with their password. When off, they log in by finger
    /// only; administrators keep the password (someone must be able to enrol fingers).
    pub password_login: bool,
    /// The supervisor's approval or rejection needs their finger, checked at that moment.
    pub approval_requires_finger: bool,
    /// The BOZORTH3 score at or above which two fingers are taken as one. 40 is NIST's published
    /// guidance for BOZORTH3; docs/quality.md ("Officials' fingers") gives the false-match and
    /// false-non-match rates measured at it on the shared fixtures.
    pub finger_threshold: u32,
    /// The score at or above which an applicant's finger is taken for an official's. Higher
    /// than log-in's: each approval compares ten fingers with every impression of every
    /// official (hundreds of comparisons), and a false alarm turns an honest applicant away.
    pub applicant_threshold: u32,
}

impl Default for OfficialsPolicy {
    fn default() -> Self {
        OfficialsPolicy {
            password_login: true,
            approval_requires_finger: false,
            finger_threshold: 40,
            applicant_threshold: 80,
        }
    }
}

/// One finger image offered for enrolment or comparison.
pub struct FingerImage<'a> {
    pub image: &'a Image,
    /// Scan resolution (0: 500).
    pub ppi: u16,
    /// ISO/IEC 19794 finger position (0: unknown).
    pub position: u8,
}

/// What an enrolment recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Enrolled {
    pub position: u8,
    pub minutiae: usize,
}

/// A 1:1 check of a finger against an official's templates.
#[derive(Debug, Clone, Serialize)]
pub struct FingerCheck {
    #[serde(flatten)]
    pub comparison: Comparison,
    pub algorithm: &'static str,
    /// Impressions compared against.
    pub templates: usize,
    /// Minutiae found in the finger offered.
    pub minutiae: usize,
}

/// An applicant's finger matched an official's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficialMatch {
    pub official: String,
    /// The applicant's finger (ISO position).
    pub position: u8,
    pub score: u32,
}

fn template_aad(username: &str) -> Vec<u8> {
    format!("operator:{username}:finger-template").into_bytes()
}

fn data_key_aad(station_id: &str) -> Vec<u8> {
    format!("station:{station_id}:data-key-for-fingers").into_bytes()
}

impl Station {
    /// The machine key, made (once, never replaced) when `create`; `None` when there is none.
    fn machine_key(&self, create: bool) -> Result<Option<Key>, CoreError> {
        let path = self.store.dir.join(MACHINE_KEY_FILE);
        match std::fs::symlink_metadata(&path) {
            Ok(m) => {
                if !m.file_type().is_file() || m.len() != 32 {
                    return Err(CoreError::Vault(VaultError::Open(
                        "the machine key file is not a 32-byte regular file",
                    )));
                }
                let bytes = std::fs::read(&path).map_err(|e| CoreError::Config(e.to_string()))?;
                let arr: [u8; 32] = bytes.try_into().map_err(|_| {
                    CoreError::Vault(VaultError::Open("the machine key changed while read"))
                })?;
                Ok(Some(Key::from_bytes(arr)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !create {
                    return Ok(None);
                }
                let key = Key::random()?;
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                let write = || -> std::io::Result<()> {
                    use std::io::Write;
                    let mut f = opts.open(&path)?;
                    f.write_all(key.bytes())?;
                    f.sync_all()?;
                    std::fs::File::open(&self.store.dir)?.sync_all()
                };
                write().map_err(|e| CoreError::Config(format!("{}: {e}", path.display())))?;
                Ok(Some(key))
            }
            Err(e) => Err(CoreError::Config(format!("{}: {e}", path.display()))),
        }
    }

    /// Templates of every image, refusing the lot if one is unusable (the administrator
    /// captures again).
    fn templates_of(images: &[FingerImage<'_>], min: usize) -> Result<Vec<Template>, CoreError> {
        images.iter().map(|f| Ok(matching::extract(f.image, f.ppi, min)?)).collect()
    }

    /// Enrols impressions of an official's fingers (administrators only). Two or more
    /// impressions are needed the first time; each must show enough minutiae.
    pub fn enrol_fingers(
        &mut self,
        admin: &Session,
        username: &str,
        images: &[FingerImage<'_>],
        now_ms: i64,
    ) -> Result<Vec<Enrolled>, CoreError> {
        admin.require(Role::Admin)?;
        operators::not_revoked(&self.store, username)?;
        let exists: Option<i64> = self
            .store
            .conn
            .query_row("SELECT 1 FROM operators WHERE username = ?1", [username], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(OperatorError::Unknown(username.into()).into());
        }
        let have = self.fingers_enrolled(username)?;
        if have + images.len() < 2 {
            return Err(CoreError::FingerEnrolment(
                "at least two impressions are needed: offer two fingers, or one finger twice"
                    .into(),
            ));
        }
        if have + images.len() > MAX_IMPRESSIONS {
            return Err(CoreError::FingerEnrolment(format!(
                "at most {MAX_IMPRESSIONS} impressions per official ({have} already enrolled)"
            )));
        }
        let templates = Self::templates_of(images, MIN_ENROL_MINUTIAE)?;
        let records = templates
            .iter()
            .zip(images)
            .map(|(t, f)| t.to_iso(f.position))
            .collect::<Result<Vec<_>, _>>()?;
        let machine = self
            .machine_key(true)?
            .ok_or(CoreError::Vault(VaultError::Open("the machine key could not be made")))?;
        let tx = self.store.conn.transaction()?;
        let wrapped: Option<Vec<u8>> = tx
            .query_row("SELECT value FROM meta WHERE key = 'machine_wrapped_data_key'", [], |r| {
                r.get(0)
            })
            .optional()?;
        if wrapped.is_none() {
            set_meta(
                &tx,
                "machine_wrapped_data_key",
                &machine.wrap(&data_key_aad(&self.station_id), admin.data_key.bytes())?,
            )?;
        }
        for (record, f) in records.iter().zip(images) {
            tx.execute(
                "INSERT INTO operator_fingers (username, position, template, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![username, i64::from(f.position), machine.seal(&template_aad(username), record)?, now_ms],
            )?;
        }
        audit_append(
            &tx,
            now_ms,
            &admin.username,
            &format!("operator:finger-add:{username}:{}", records.len()),
            None,
        )?;
        tx.commit()?;
        Ok(templates
            .iter()
            .zip(images)
            .map(|(t, f)| Enrolled { position: f.position, minutiae: t.minutiae.len() })
            .collect())
    }

    /// How many impressions an official has enrolled.
    pub fn fingers_enrolled(&self, username: &str) -> Result<usize, CoreError> {
        let n: i64 = self.store.conn.query_row(
            "SELECT count(*) FROM operator_fingers WHERE username = ?1",
            [username],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Every official's templates, opened with the machine key: (username, position, template).
    fn official_templates(
        &self,
        only: Option<&str>,
    ) -> Result<Vec<(String, u8, Template)>, CoreError> {
        let mut stmt = self.store.conn.prepare(
            "SELECT username, position, template FROM operator_fingers WHERE ?1 IS NULL OR username = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([only], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let machine = self.machine_key(false)?.ok_or(CoreError::Vault(VaultError::Open(
            "fingers are enrolled but the machine key file is missing",
        )))?;
        rows.into_iter()
            .map(|(user, position, sealed)| {
                let record =
                    machine.open(&template_aad(&user), &sealed, "an official's finger template")?;
                let t = Template::from_iso(&record)?;
                Ok((user, u8::try_from(position).unwrap_or(0), t))
            })
            .collect()
    }

    /// Compares `probe` with an official's enrolled fingers (1:1). Records nothing.
    pub fn check_finger(
        &self,
        username: &str,
        probe: &FingerImage<'_>,
    ) -> Result<FingerCheck, CoreError> {
        let enrolled: Vec<Template> =
            self.official_templates(Some(username))?.into_iter().map(|(_, _, t)| t).collect();
        if enrolled.is_empty() {
            return Err(OperatorError::NoFingers(username.into()).into());
        }
        let t = matching::extract(probe.image, probe.ppi, 0)?;
        Ok(FingerCheck {
            comparison: matching::compare(&t, &enrolled, self.config.officials.finger_threshold),
            algorithm: matching::ALGORITHM,
            templates: enrolled.len(),
            minutiae: t.minutiae.len(),
        })
    }

    /// Log-in by user name and finger. A finger that does not match counts towards the lockout
    /// as a wrong password does; a locked account stays locked whatever finger is offered.
    pub fn login_finger(
        &mut self,
        username: &str,
        probe: &FingerImage<'_>,
        now_ms: i64,
    ) -> Result<Session, CoreError> {
        let Some(row) = operators::login_row(&self.store, username, now_ms)? else {
            return Err(OperatorError::BadCredentials.into());
        };
        let check = match self.check_finger(username, probe) {
            Ok(c) => c,
            // A finger too poor to compare is a failed attempt too: it can be repeated at will.
            Err(CoreError::Finger(matching::MatchError::TooFewMinutiae { .. })) => FingerCheck {
                comparison: Comparison {
                    score: 0,
                    threshold: self.config.officials.finger_threshold,
                    matched: false,
                },
                algorithm: matching::ALGORITHM,
                templates: 0,
                minutiae: 0,
            },
            Err(e) => return Err(e),
        };
        if !check.comparison.matched {
            operators::count_failure(
                &mut self.store,
                username,
                row.failures(),
                &self.login_policy,
                "login:finger-failed",
                now_ms,
            )?;
            return Err(OperatorError::FingerNoMatch.into());
        }
        let machine = self
            .machine_key(false)?
            .ok_or(CoreError::Vault(VaultError::Open("the machine key file is missing")))?;
        let wrapped = self.store.meta("machine_wrapped_data_key")?.ok_or(CoreError::Vault(
            VaultError::Open("the data key was never kept for finger log-in"),
        ))?;
        let data_key = machine.unwrap_key(
            &data_key_aad(&self.station_id),
            &wrapped,
            "the station data key",
        )?;
        let signing_key = row
            .signing_key_by_data_key(username, &data_key)?
            .ok_or_else(|| OperatorError::PasswordOnceFirst(username.into()))?;
        operators::record_login(&mut self.store, username, "login:finger", now_ms)?;
        Ok(row.session(username, data_key, signing_key, now_ms)?)
    }

    /// The supervisor's finger at sign-off: refused (and counted towards the lockout) unless it
    /// matches the one who is logged in.
    pub(crate) fn confirm_finger(
        &mut self,
        session: &Session,
        probe: &FingerImage<'_>,
        now_ms: i64,
    ) -> Result<(), CoreError> {
        let check = self.check_finger(&session.username, probe)?;
        if check.comparison.matched {
            return Ok(());
        }
        let failures: i64 = self.store.conn.query_row(
            "SELECT failed_logins FROM operators WHERE username = ?1",
            [&session.username],
            |r| r.get(0),
        )?;
        operators::count_failure(
            &mut self.store,
            &session.username,
            failures,
            &self.login_policy,
            "sign-off:finger-failed",
            now_ms,
        )?;
        Err(OperatorError::FingerNoMatch.into())
    }

    /// Whether one of the applicant's finger records in a signed enrollment matches any
    /// official enrolled at this station. Nothing is decoded when no official has a finger; an
    /// unreadable finger is skipped (the capture checks judged it).
    pub(crate) fn applicant_official_match(
        &self,
        signed: &SignedData,
    ) -> Result<Option<OfficialMatch>, CoreError> {
        let officials = self.official_templates(None)?;
        if officials.is_empty() {
            return Ok(None);
        }
        let threshold = self.config.officials.applicant_threshold;
        let mut best: Option<OfficialMatch> = None;
        let records = signed
            .payload_kinds
            .iter()
            .zip(&signed.payloads)
            .filter(|(kind, _)| **kind == PayloadKind::FingerRecord);
        for (_, bytes) in records {
            let Ok(Record::Finger(r)) = Record::parse(bytes) else { continue };
            for v in &r.views {
                let Ok(px) = v.decode_image() else { continue };
                let image = Image::from(px);
                let Ok(probe) = matching::extract(&image, v.ppi().unwrap_or(500), 0) else {
                    continue;
                };
                for (official, _, t) in &officials {
                    let score = matching::score(&probe, t);
                    if score >= threshold && best.as_ref().is_none_or(|b| score > b.score) {
                        best = Some(OfficialMatch {
                            official: official.clone(),
                            position: v.position,
                            score,
                        });
                    }
                }
            }
        }
        Ok(best)
    }

    /// A password log-in is refused for clerks and supervisors when the station's policy says
    /// fingers only.
    pub(crate) fn password_login_allowed(&self, username: &str) -> Result<bool, CoreError> {
        if self.config.officials.password_login {
            return Ok(true);
        }
        let role: Option<String> = self
            .store
            .conn
            .query_row("SELECT role FROM operators WHERE username = ?1", [username], |r| r.get(0))
            .optional()?;
        Ok(role.as_deref() == Some(Role::Admin.as_str()) || role.is_none())
    }
}
