//! Onboarding a station without typing keys.
//!
//! 1. The registry issues an [`Onboarding`] for one new station, signed with its root key: where
//!    the registry is, its root key and the recipient bundles are sealed to, the station's id,
//!    centre and mode, and until when the file may be used.
//! 2. `station init --onboarding FILE` opens it (the signature must verify with the root key it
//!    names, and that root key must be one the station trusts or, on first use, the one the
//!    technician confirms by its fingerprint), sets the station up, and writes a [`StationKey`]:
//!    the onboarding file again, with the station's new public key, signed by that key.
//! 3. The registry imports the station key: it checks that it issued the onboarding (its own root
//!    signature, not expired) and that the station holds the key it names (its signature), then
//!    onboards the station with exactly the id, centre and mode it issued.
//!
//! Both files are COSE_Sign1 over deterministic CBOR, like every signed document of the protocol.

use schemas::manifest::Bytes32;
use serde::{Deserialize, Serialize};

use crate::ProtocolError;
use crate::master::StationMode;

pub const CONTENT_TYPE: &str = "application/vnd.hukumati.onboarding+cbor";
pub const STATION_KEY_CONTENT_TYPE: &str = "application/vnd.hukumati.station-key+cbor";
/// The key id of a station key file's signature (the station's own key).
pub const STATION_KID: &str = "station";
/// The longest an onboarding file may be valid: a file that leaks is useless after this.
pub const MAX_VALIDITY_MS: i64 = 90 * 24 * 3600 * 1000;

/// What the registry tells a new station (signed with its root key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Onboarding {
    /// Where the station syncs (`https://...`); empty for a station that only uses removable
    /// media.
    pub registry_url: String,
    /// The registry's root public key (signs this file and the master data).
    pub root_key: Bytes32,
    /// The age recipient the station seals bundles to until master data names another.
    pub recipient: String,
    pub station_id: String,
    pub centre: String,
    pub mode: StationMode,
    /// ms since the epoch.
    pub issued_at: i64,
    /// ms since the epoch; the registry refuses the station key after this.
    pub expires_at: i64,
}

impl Onboarding {
    pub fn sign(&self, root: &schemas::SigningKey) -> Vec<u8> {
        crate::sign(self, CONTENT_TYPE, crate::master::ROOT_KID, root)
    }

    /// Opens an onboarding file: it must be well formed, signed by the root key it names, and
    /// valid at `now` (ms). Whether that root key is to be trusted is the caller's decision.
    pub fn open(bytes: &[u8], now: i64) -> Result<Onboarding, ProtocolError> {
        let o: Onboarding = open_self_signed(
            "onboarding file",
            bytes,
            CONTENT_TYPE,
            crate::master::ROOT_KID,
            |o: &Onboarding| &o.root_key,
        )?;
        o.check(now)?;
        Ok(o)
    }

    /// What must hold of any onboarding: plain ids, a known recipient form, a sane validity.
    fn check(&self, now: i64) -> Result<(), ProtocolError> {
        let bad = |p: String| Err(ProtocolError::Mismatch(format!("onboarding file: {p}")));
        if !crate::plain_id(&self.station_id) {
            return bad(format!(
                "the station id {:?} is not 1 to 64 letters, digits, . - _",
                self.station_id
            ));
        }
        if self.centre.trim().is_empty() || self.centre.len() > 200 {
            return bad("the centre is empty or longer than 200 bytes".into());
        }
        if schemas::keys::parse_recipient(&self.recipient).is_err() {
            return bad("the recipient is not an age X25519 recipient".into());
        }
        if !(self.registry_url.is_empty()
            || self.registry_url.starts_with("https://")
            || self.registry_url.starts_with("http://"))
        {
            return bad(format!("the registry address {:?} is not http(s)", self.registry_url));
        }
        if self.expires_at <= self.issued_at || self.expires_at - self.issued_at > MAX_VALIDITY_MS {
            return bad("its validity is empty or longer than 90 days".into());
        }
        if now < self.issued_at - crate::token::MAX_SKEW_S * 1000 {
            return bad("it was issued in the future: is this computer's clock right?".into());
        }
        if now > self.expires_at {
            return bad("it has expired: ask the registry's operations team for a new one".into());
        }
        Ok(())
    }

    /// The root key's fingerprint as a person compares it: the first 16 bytes of its SHA-256, in
    /// eight groups of four hex digits.
    pub fn root_fingerprint(&self) -> String {
        fingerprint(&self.root_key)
    }
}

/// Opens a document signed by a key it carries itself (`key_of` finds it in the payload): well
/// formed, of `content_type`, under key id `kid`, and verifying with that key. Whether the key is
/// to be trusted is the caller's decision.
fn open_self_signed<T: serde::de::DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
    content_type: &str,
    kid: &str,
    key_of: impl Fn(&T) -> &Bytes32,
) -> Result<T, ProtocolError> {
    let s = schemas::cose::parse1(bytes, content_type)
        .map_err(|e| ProtocolError::malformed(what, e))?;
    if s.kid_text() != kid {
        return Err(ProtocolError::UnknownKey { what, kid: s.kid_text() });
    }
    let value: T =
        schemas::cbor::from_slice(&s.payload).map_err(|e| ProtocolError::malformed(what, e))?;
    let key = schemas::VerifyingKey::from_bytes(key_of(&value))
        .map_err(|e| ProtocolError::malformed(what, format!("its key: {e}")))?;
    s.verify(&key).map_err(|_| ProtocolError::BadSignature { what })?;
    Ok(value)
}

/// A key's fingerprint as a person compares it (see [`Onboarding::root_fingerprint`]).
pub fn fingerprint(key: &[u8; 32]) -> String {
    let h = crate::sha256(key);
    h[..16].chunks(2).map(hex::encode).collect::<Vec<_>>().join("-").to_uppercase()
}

/// What a station sends back: the onboarding file it was set up from, and its public key,
/// signed with that key (it holds the key it names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationKey {
    #[serde(with = "serde_bytes")]
    pub onboarding: Vec<u8>,
    pub station_key: Bytes32,
}

impl StationKey {
    pub fn sign(&self, station: &schemas::SigningKey) -> Vec<u8> {
        crate::sign(self, STATION_KEY_CONTENT_TYPE, STATION_KID, station)
    }

    /// Opens a station key file at the registry whose root key is `root`: the onboarding inside
    /// must be this registry's and valid at `now`, and the station's signature must verify with
    /// the key it names. The onboarding and the station's key.
    pub fn open(
        bytes: &[u8],
        root: &schemas::VerifyingKey,
        now: i64,
    ) -> Result<(Onboarding, Bytes32), ProtocolError> {
        let k: StationKey = open_self_signed(
            "station key file",
            bytes,
            STATION_KEY_CONTENT_TYPE,
            STATION_KID,
            |k: &StationKey| &k.station_key,
        )?;
        let o = Onboarding::open(&k.onboarding, now)?;
        if o.root_key.as_slice() != root.as_bytes() {
            return Err(ProtocolError::Mismatch(
                "station key file: its onboarding was issued by another registry".into(),
            ));
        }
        Ok((o, k.station_key))
    }
}

/// The text form of a station key file, for a QR code or a message: `hukumati-station-key:`
/// then the file in unpadded base64url.
pub fn station_key_text(file: &[u8]) -> String {
    use base64::Engine;
    format!("{TEXT_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(file))
}

const TEXT_PREFIX: &str = "hukumati-station-key:";

/// A station key file from its bytes or its text form (a scanned QR code, surrounding spaces
/// allowed).
pub fn station_key_bytes(input: &[u8]) -> Result<Vec<u8>, ProtocolError> {
    use base64::Engine;
    let text = std::str::from_utf8(input).ok().map(str::trim);
    match text.and_then(|t| t.strip_prefix(TEXT_PREFIX)) {
        Some(b64) => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|e| ProtocolError::malformed("station key text", e)),
        None => Ok(input.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;
    const DAY: i64 = 24 * 3600 * 1000;

    fn onboarding(root: &schemas::SigningKey) -> Onboarding {
        let id = schemas::keys::new_registry_identity();
        Onboarding {
            registry_url: "https://registry.example".into(),
            root_key: Bytes32::new(root.verifying_key().to_bytes()),
            recipient: id.to_public().to_string(),
            station_id: "ST-1".into(),
            centre: "RAM-PO-01".into(),
            mode: StationMode::Production,
            issued_at: NOW,
            expires_at: NOW + 14 * DAY,
        }
    }

    #[test]
    fn an_onboarding_file_opens_only_intact_signed_by_the_root_it_names_and_in_its_time() {
        let root = schemas::keys::new_signing_key().unwrap();
        let o = onboarding(&root);
        let bytes = o.sign(&root);
        assert_eq!(Onboarding::open(&bytes, NOW + DAY).unwrap(), o);
        // Any byte changed: refused.
        for i in [bytes.len() / 2, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert!(Onboarding::open(&b, NOW).is_err(), "byte {i}");
        }
        // Signed by another key than the root it names.
        let other = schemas::keys::new_signing_key().unwrap();
        assert!(matches!(
            Onboarding::open(&o.sign(&other), NOW),
            Err(ProtocolError::BadSignature { .. })
        ));
        // Expired; issued ahead of this clock; valid for too long or not at all.
        assert!(
            Onboarding::open(&bytes, NOW + 15 * DAY).unwrap_err().to_string().contains("expired")
        );
        assert!(Onboarding::open(&bytes, NOW - DAY).unwrap_err().to_string().contains("future"));
        for expires_at in [NOW, NOW + 91 * DAY] {
            let b = Onboarding { expires_at, ..o.clone() }.sign(&root);
            assert!(Onboarding::open(&b, NOW).is_err(), "{expires_at}");
        }
        // Fields a station would act on, hostile.
        for bad in [
            Onboarding { station_id: "../../etc".into(), ..o.clone() },
            Onboarding { station_id: String::new(), ..o.clone() },
            Onboarding { centre: " ".into(), ..o.clone() },
            Onboarding { recipient: "age1notarecipient".into(), ..o.clone() },
            Onboarding { registry_url: "file:///etc/passwd".into(), ..o.clone() },
        ] {
            assert!(Onboarding::open(&bad.sign(&root), NOW).is_err(), "{bad:?}");
        }
        // Another document type under the onboarding's signature.
        assert!(
            Onboarding::open(&crate::sign(&o, "application/cbor", "root", &root), NOW).is_err()
        );
        // Not COSE at all.
        assert!(Onboarding::open(b"hello", NOW).is_err());
    }

    #[test]
    fn a_station_key_file_proves_the_station_holds_its_key_and_the_registry_issued_it() {
        let root = schemas::keys::new_signing_key().unwrap();
        let onboarding = onboarding(&root).sign(&root);
        let station = schemas::keys::new_signing_key().unwrap();
        let k = StationKey {
            onboarding: onboarding.clone(),
            station_key: Bytes32::new(station.verifying_key().to_bytes()),
        };
        let file = k.sign(&station);
        let (o, key) = StationKey::open(&file, &root.verifying_key(), NOW).unwrap();
        assert_eq!((o.station_id.as_str(), key), ("ST-1", k.station_key));
        // Its text form (a QR code) reads back the same.
        let text = station_key_text(&file);
        assert!(text.starts_with("hukumati-station-key:"));
        assert_eq!(station_key_bytes(format!("  {text}\n").as_bytes()).unwrap(), file);
        assert!(station_key_bytes(b"hukumati-station-key:!!!").is_err());
        // Signed by a key other than the one it names: someone without the station's key.
        let thief = schemas::keys::new_signing_key().unwrap();
        assert!(StationKey::open(&k.sign(&thief), &root.verifying_key(), NOW).is_err());
        // Another registry's onboarding.
        let other = schemas::keys::new_signing_key().unwrap();
        let err = StationKey::open(&file, &other.verifying_key(), NOW).unwrap_err();
        assert!(err.to_string().contains("another registry"), "{err}");
        // After the onboarding expired.
        assert!(StationKey::open(&file, &root.verifying_key(), NOW + 15 * DAY).is_err());
        // An onboarding file where the key file belongs.
        assert!(StationKey::open(&onboarding, &root.verifying_key(), NOW).is_err());
    }

    #[test]
    fn a_fingerprint_is_eight_groups_of_four_hex_digits() {
        let f = fingerprint(&[7; 32]);
        assert_eq!(f.len(), 39);
        assert!(f.split('-').all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit())));
        assert_ne!(f, fingerprint(&[8; 32]));
    }
}
