//! Keys: Ed25519 signing keys (station, operators, supervisors) and the registry's age X25519
//! identity, in the text forms the tools around us use (hex for Ed25519 public keys, age's own
//! identity-file format for the registry key, readable by the `age` command-line tool).

use std::io::BufReader;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{SigningKey, VerifyingKey};

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum KeyError {
    #[error("no randomness available from the operating system: {0}")]
    Random(String),
    #[error("not an age identity file: {0}")]
    IdentityFile(String),
    #[error("the identity file holds no identity")]
    NoIdentity,
    #[error("not an age X25519 recipient: {0}")]
    Recipient(String),
    #[error("not a hex Ed25519 public key: {0}")]
    PublicKey(String),
    #[error("not an Ed25519 key file (a line of 64 hex digits): {0}")]
    SecretKey(String),
}

/// A fresh Ed25519 signing key from the operating system's randomness.
pub fn new_signing_key() -> Result<SigningKey, KeyError> {
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A signing key in its file form: comment lines, then the 32-byte seed in hex.
pub fn signing_key_file_text(key: &SigningKey, what: &str) -> String {
    format!(
        "# {what}\n# public key: {}\n{}\n",
        hex::encode(key.verifying_key().to_bytes()),
        hex::encode(key.to_bytes())
    )
}

/// Reads a signing key file written by [`signing_key_file_text`].
pub fn parse_signing_key_file(text: &str) -> Result<SigningKey, KeyError> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or(KeyError::NoIdentity)?;
    let seed: [u8; 32] = hex::decode(line)
        .map_err(|e| KeyError::SecretKey(e.to_string()))?
        .try_into()
        .map_err(|_| KeyError::SecretKey("not 32 bytes".into()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Parses a hex Ed25519 public key (64 hex digits), checking that it is a valid curve point.
pub fn parse_public_key(hex_text: &str) -> Result<VerifyingKey, KeyError> {
    let bytes: [u8; 32] = hex::decode(hex_text.trim())
        .map_err(|e| KeyError::PublicKey(e.to_string()))?
        .try_into()
        .map_err(|_| KeyError::PublicKey("not 32 bytes".into()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| KeyError::PublicKey(e.to_string()))
}

/// A fresh age X25519 identity for the registry (or a test).
pub fn new_registry_identity() -> age::x25519::Identity {
    age::x25519::Identity::generate()
}

/// The identity in the file format `age-keygen` writes, which `age -d -i FILE` reads.
pub fn identity_file_text(identity: &age::x25519::Identity) -> String {
    let created = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    format!(
        "# created: {created}\n# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    )
}

/// Reads the identities of an age identity file.
pub fn parse_identity_file(
    text: &str,
) -> Result<Vec<Box<dyn age::Identity + Send + Sync>>, KeyError> {
    let file = age::IdentityFile::from_buffer(BufReader::new(text.as_bytes()))
        .map_err(|e| KeyError::IdentityFile(e.to_string()))?;
    let ids = file.into_identities().map_err(|e| KeyError::IdentityFile(e.to_string()))?;
    if ids.is_empty() {
        return Err(KeyError::NoIdentity);
    }
    Ok(ids)
}

/// Parses an `age1...` recipient.
pub fn parse_recipient(text: &str) -> Result<age::x25519::Recipient, KeyError> {
    age::x25519::Recipient::from_str(text.trim()).map_err(|e| KeyError::Recipient(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_file_round_trips() {
        let id = new_registry_identity();
        let text = identity_file_text(&id);
        assert!(text.contains("AGE-SECRET-KEY-1"));
        assert_eq!(parse_identity_file(&text).unwrap().len(), 1);
        assert!(matches!(parse_identity_file("# nothing here\n"), Err(KeyError::NoIdentity)));
        assert!(parse_identity_file("AGE-SECRET-KEY-1BROKEN\n").is_err());
    }

    #[test]
    fn signing_key_files_round_trip() {
        let k = new_signing_key().unwrap();
        let text = signing_key_file_text(&k, "receipt key r1");
        assert_eq!(parse_signing_key_file(&text).unwrap().to_bytes(), k.to_bytes());
        assert!(parse_signing_key_file("# nothing\n").is_err());
        assert!(parse_signing_key_file("abcd\n").is_err());
    }

    #[test]
    fn public_keys_parse_from_hex() {
        let k = new_signing_key().unwrap();
        let hex_text = hex::encode(k.verifying_key().to_bytes());
        assert_eq!(parse_public_key(&hex_text).unwrap(), k.verifying_key());
        assert!(parse_public_key("abcd").is_err());
        assert!(parse_public_key("zz").is_err());
    }
}
