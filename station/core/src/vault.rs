//! Secrets at rest: the station data key, password-derived keys, and authenticated encryption of
//! everything of an enrollment that touches the disk.
//!
//! - The **data key** (32 random bytes) encrypts every draft and every signed-but-unsealed
//!   enrollment, and the station's signing key. It is never stored in the clear: each operator's
//!   record holds it wrapped under that operator's key-encryption key, so the station's secrets
//!   open only while someone who knows a password is logged in.
//! - A **key-encryption key** is Argon2id(password, per-operator salt) with OWASP's parameters
//!   (19 MiB, 2 passes, 1 lane).
//! - Blobs are XChaCha20-Poly1305 with a random 192-bit nonce and associated data naming what the
//!   blob is (enrollment id and step), so a blob moved to another row does not open.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

/// OWASP's Argon2id recommendation: m = 19 MiB, t = 2, p = 1.
pub(crate) const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
pub(crate) const ARGON2_PASSES: u32 = 2;
pub(crate) const ARGON2_LANES: u32 = 1;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum VaultError {
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error("key derivation failed: {0}")]
    Kdf(String),
    #[error("a stored secret does not open: wrong key, or the data was changed ({0})")]
    Open(&'static str),
}

impl station_text::messages::Explain for VaultError {
    fn explain(&self) -> station_text::messages::Message {
        station_text::messages::Message::new("vault-error").detail(self)
    }
}

/// A 256-bit symmetric key, wiped from memory when dropped.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], VaultError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| VaultError::Random(e.to_string()))?;
    Ok(b)
}

impl Key {
    pub fn random() -> Result<Key, VaultError> {
        Ok(Key(Zeroizing::new(random_bytes()?)))
    }

    pub fn from_bytes(b: [u8; 32]) -> Key {
        Key(Zeroizing::new(b))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Argon2id(password, salt) with the OWASP parameters.
    pub(crate) fn from_password(password: &str, salt: &[u8]) -> Result<Key, VaultError> {
        let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, Some(32))
            .map_err(|e| VaultError::Kdf(e.to_string()))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(password.as_bytes(), salt, out.as_mut())
            .map_err(|e| VaultError::Kdf(e.to_string()))?;
        Ok(Key(out))
    }

    /// Encrypts `plaintext`, bound to `aad`. Output: nonce (24 bytes) then ciphertext and tag.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        let nonce: [u8; 24] = random_bytes()?;
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(self.0.as_slice()));
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad })
            .map_err(|_| VaultError::Open("encryption"))?;
        let mut out = Vec::with_capacity(24 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypts what [`Key::seal`] made with the same `aad`.
    pub fn open(
        &self,
        aad: &[u8],
        sealed: &[u8],
        what: &'static str,
    ) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        if sealed.len() < 24 + 16 {
            return Err(VaultError::Open(what));
        }
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(self.0.as_slice()));
        cipher
            .decrypt(XNonce::from_slice(&sealed[..24]), Payload { msg: &sealed[24..], aad })
            .map(Zeroizing::new)
            .map_err(|_| VaultError::Open(what))
    }

    /// Wraps another 32-byte secret under this key.
    pub fn wrap(&self, aad: &[u8], secret: &[u8; 32]) -> Result<Vec<u8>, VaultError> {
        self.seal(aad, secret)
    }

    pub(crate) fn unwrap_key(
        &self,
        aad: &[u8],
        wrapped: &[u8],
        what: &'static str,
    ) -> Result<Key, VaultError> {
        let mut plain = self.open(aad, wrapped, what)?;
        let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| VaultError::Open(what))?;
        plain.zeroize();
        Ok(Key::from_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_blobs_open_only_with_key_and_context() {
        let k = Key::random().unwrap();
        let blob = k.seal(b"enrollment-1/face", b"secret pixels").unwrap();
        assert!(!blob.windows(6).any(|w| w == b"secret"));
        assert_eq!(
            k.open(b"enrollment-1/face", &blob, "draft").unwrap().as_slice(),
            b"secret pixels"
        );
        assert!(k.open(b"enrollment-2/face", &blob, "draft").is_err());
        assert!(Key::random().unwrap().open(b"enrollment-1/face", &blob, "draft").is_err());
        let mut bad = blob.clone();
        bad[30] ^= 1;
        assert!(matches!(
            k.open(b"enrollment-1/face", &bad, "draft"),
            Err(VaultError::Open("draft"))
        ));
    }

    #[test]
    fn password_keys_depend_on_password_and_salt() {
        let a = Key::from_password("demo", b"salt-salt-salt-1").unwrap();
        let b = Key::from_password("demo", b"salt-salt-salt-1").unwrap();
        let c = Key::from_password("demo", b"salt-salt-salt-2").unwrap();
        let d = Key::from_password("Demo", b"salt-salt-salt-1").unwrap();
        assert_eq!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), c.bytes());
        assert_ne!(a.bytes(), d.bytes());
        let dk = Key::random().unwrap();
        let wrapped = a.wrap(b"op", dk.bytes()).unwrap();
        assert_eq!(b.unwrap_key(b"op", &wrapped, "data key").unwrap().bytes(), dk.bytes());
        assert!(c.unwrap_key(b"op", &wrapped, "data key").is_err());
    }
}
