//! RFC 8949 §4.2.1 core deterministic CBOR.
//!
//! ciborium already writes integers and lengths in their shortest form and never uses
//! indefinite lengths for values it knows; what it does not do is order map keys. Here every map
//! is sorted by the bytewise order of its encoded keys before writing, and reading checks that
//! the bytes received are exactly what this encoder would write, so one manifest has one
//! encoding and one hash.

use ciborium::Value;
use serde::{Serialize, de::DeserializeOwned};

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CborError {
    #[error("CBOR: cannot encode {0}")]
    Encode(String),
    #[error("CBOR: malformed: {0}")]
    Decode(String),
    #[error("CBOR: not in deterministic encoding (RFC 8949 §4.2.1)")]
    NotDeterministic,
    #[error("CBOR: map has a duplicate key")]
    DuplicateKey,
    #[error("CBOR: floating-point values are not allowed")]
    Float,
    #[error("CBOR: does not match the expected structure: {0}")]
    Shape(String),
}

fn encode_value(v: &Value) -> Result<Vec<u8>, CborError> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).map_err(|e| CborError::Encode(e.to_string()))?;
    Ok(out)
}

/// Sorts every map (recursively) into deterministic key order; refuses floats and duplicate keys.
pub fn canonicalize(v: &mut Value) -> Result<(), CborError> {
    match v {
        Value::Float(_) => Err(CborError::Float),
        Value::Array(items) => items.iter_mut().try_for_each(canonicalize),
        Value::Tag(_, inner) => canonicalize(inner),
        Value::Map(entries) => {
            let mut keyed = Vec::with_capacity(entries.len());
            for (mut k, mut val) in std::mem::take(entries) {
                canonicalize(&mut k)?;
                canonicalize(&mut val)?;
                keyed.push((encode_value(&k)?, k, val));
            }
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            if keyed.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(CborError::DuplicateKey);
            }
            *entries = keyed.into_iter().map(|(_, k, v)| (k, v)).collect();
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Encodes a value in deterministic CBOR.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CborError> {
    let mut v = Value::serialized(value).map_err(|e| CborError::Encode(e.to_string()))?;
    canonicalize(&mut v)?;
    encode_value(&v)
}

/// Decodes one value that must fill `bytes` exactly and be in deterministic encoding.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CborError> {
    let mut reader = bytes;
    let mut v: Value =
        ciborium::from_reader(&mut reader).map_err(|e| CborError::Decode(e.to_string()))?;
    if !reader.is_empty() {
        return Err(CborError::Decode(format!("{} bytes after the value", reader.len())));
    }
    let mut canonical = v.clone();
    canonicalize(&mut canonical)?;
    if encode_value(&canonical)? != bytes {
        return Err(CborError::NotDeterministic);
    }
    v = canonical;
    v.deserialized().map_err(|e| CborError::Shape(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn keys_are_ordered_by_encoded_bytes() {
        // "b" (0x61 0x62) < "aa" (0x62 0x61 0x61): shorter text keys come first.
        let mut m = BTreeMap::new();
        m.insert("aa", 1);
        m.insert("b", 2);
        let bytes = to_vec(&m).unwrap();
        assert_eq!(bytes, [0xa2, 0x61, b'b', 0x02, 0x62, b'a', b'a', 0x01]);
        let back: BTreeMap<String, u8> = from_slice(&bytes).unwrap();
        assert_eq!(back.len(), 2);
    }

    #[test]
    fn non_deterministic_input_is_refused() {
        // Same map, keys in the wrong order.
        let bytes = [0xa2, 0x62, b'a', b'a', 0x01, 0x61, b'b', 0x02];
        assert_eq!(from_slice::<BTreeMap<String, u8>>(&bytes), Err(CborError::NotDeterministic));
        // 1 encoded in two bytes instead of one.
        assert_eq!(from_slice::<u8>(&[0x18, 0x01]), Err(CborError::NotDeterministic));
        // Indefinite-length byte string.
        assert_eq!(
            from_slice::<serde_bytes::ByteBuf>(&[0x5f, 0x41, 0x00, 0xff]),
            Err(CborError::NotDeterministic)
        );
        // Trailing bytes.
        assert!(matches!(from_slice::<u8>(&[0x01, 0x01]), Err(CborError::Decode(_))));
        assert_eq!(to_vec(&1.5f64), Err(CborError::Float));
    }
}
