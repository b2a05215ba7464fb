//! Where bundle bytes are kept: an object store (the `object_store` crate) addressed by the
//! ciphertext's SHA-256. A local folder (files and their folders fsynced before a write returns)
//! is the embedded default; an S3-compatible store is for production. Parts of uploads cut off
//! mid-way are kept as objects of their own until the upload completes, so any instance can
//! resume an upload another one started.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

#[derive(Debug, thiserror::Error)]
#[error("object store: {0}")]
pub struct ObjectError(pub String);

fn err(e: impl std::fmt::Display) -> ObjectError {
    ObjectError(e.to_string())
}

#[derive(Clone, Debug)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
}

/// Where an S3-compatible store is; credentials come from the usual `AWS_*` environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Location {
    pub bucket: String,
    /// The service's address (`http://127.0.0.1:9000`); empty for AWS itself.
    #[serde(default)]
    pub endpoint: String,
    #[serde(default = "default_region")]
    pub region: String,
    /// Allow plain HTTP (a store on the same host or network only).
    #[serde(default)]
    pub allow_http: bool,
    /// Credentials, when not taken from the environment (`AWS_ACCESS_KEY_ID`, ...).
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    pub secret_access_key: Option<String>,
}

fn default_region() -> String {
    "us-east-1".into()
}

impl Objects {
    /// A local folder; every write is fsynced with its folder before it returns.
    pub fn local(dir: &std::path::Path) -> Result<Objects, ObjectError> {
        std::fs::create_dir_all(dir).map_err(|e| err(format!("{}: {e}", dir.display())))?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(err)?
            .with_fsync(true);
        Ok(Objects { store: Arc::new(fs) })
    }

    /// An S3-compatible bucket.
    #[cfg(feature = "s3")]
    pub fn s3(at: &S3Location) -> Result<Objects, ObjectError> {
        let mut b = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(&at.bucket)
            .with_region(&at.region)
            .with_allow_http(at.allow_http);
        if !at.endpoint.is_empty() {
            b = b.with_endpoint(&at.endpoint);
        }
        if let (Some(id), Some(secret)) = (&at.access_key_id, &at.secret_access_key) {
            b = b.with_access_key_id(id).with_secret_access_key(secret);
        }
        Ok(Objects { store: Arc::new(b.build().map_err(err)?) })
    }

    /// Any store (tests).
    pub fn from_store(store: Arc<dyn ObjectStore>) -> Objects {
        Objects { store }
    }

    fn bundle(sha: &[u8; 32]) -> ObjectPath {
        ObjectPath::from(format!("bundles/{}.age", hex::encode(sha)))
    }

    fn parts_of(sha: &[u8; 32]) -> ObjectPath {
        ObjectPath::from(format!("parts/{}", hex::encode(sha)))
    }

    pub async fn put_bundle(&self, sha: &[u8; 32], bytes: Bytes) -> Result<(), ObjectError> {
        self.store.put(&Self::bundle(sha), PutPayload::from_bytes(bytes)).await.map_err(err)?;
        Ok(())
    }

    pub async fn get_bundle(&self, sha: &[u8; 32]) -> Result<Option<Bytes>, ObjectError> {
        match self.store.get(&Self::bundle(sha)).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(err)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(err(e)),
        }
    }

    /// Keeps the bytes of an upload from `offset` on.
    pub async fn put_part(
        &self,
        sha: &[u8; 32],
        offset: u64,
        bytes: Bytes,
    ) -> Result<(), ObjectError> {
        let path = ObjectPath::from(format!("parts/{}/{offset:020}", hex::encode(sha)));
        self.store.put(&path, PutPayload::from_bytes(bytes)).await.map_err(err)?;
        Ok(())
    }

    /// The kept parts of an upload, in order, joined; only parts that follow on from 0 count.
    pub async fn parts(&self, sha: &[u8; 32]) -> Result<Vec<u8>, ObjectError> {
        let mut metas: Vec<_> =
            self.store.list(Some(&Self::parts_of(sha))).try_collect().await.map_err(err)?;
        metas.sort_by(|a, b| a.location.as_ref().cmp(b.location.as_ref()));
        let mut out = Vec::new();
        for m in metas {
            let offset: u64 = m
                .location
                .filename()
                .and_then(|f| f.parse().ok())
                .ok_or_else(|| err(format!("part {} has no offset", m.location)))?;
            if offset != out.len() as u64 {
                break;
            }
            let bytes =
                self.store.get(&m.location).await.map_err(err)?.bytes().await.map_err(err)?;
            out.extend_from_slice(&bytes);
        }
        Ok(out)
    }

    pub async fn delete_parts(&self, sha: &[u8; 32]) -> Result<(), ObjectError> {
        let metas: Vec<_> =
            self.store.list(Some(&Self::parts_of(sha))).try_collect().await.map_err(err)?;
        for m in metas {
            match self.store.delete(&m.location).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(err(e)),
            }
        }
        Ok(())
    }

    /// The uploads whose kept parts were all last written before `before` (ms since the epoch).
    pub async fn parts_untouched_since(&self, before: i64) -> Result<Vec<[u8; 32]>, ObjectError> {
        let metas: Vec<_> =
            self.store.list(Some(&ObjectPath::from("parts"))).try_collect().await.map_err(err)?;
        let mut newest = std::collections::BTreeMap::<[u8; 32], i64>::new();
        for m in &metas {
            // parts/<hash>/<offset>: anything else under parts/ is not ours and is left alone.
            let mut segments = m.location.parts();
            let (Some(_), Some(hash), Some(_), None) =
                (segments.next(), segments.next(), segments.next(), segments.next())
            else {
                continue;
            };
            let Some(sha) = hex::decode(hash.as_ref()).ok().and_then(|v| v.try_into().ok()) else {
                continue;
            };
            let at = m.last_modified.timestamp_millis();
            let e = newest.entry(sha).or_insert(at);
            *e = (*e).max(at);
        }
        Ok(newest.into_iter().filter(|(_, at)| *at < before).map(|(sha, _)| sha).collect())
    }

    /// Every kept bundle's content hash (an audit of the store).
    pub async fn bundles(&self) -> Result<Vec<String>, ObjectError> {
        let metas: Vec<_> =
            self.store.list(Some(&ObjectPath::from("bundles"))).try_collect().await.map_err(err)?;
        Ok(metas
            .iter()
            .filter_map(|m| {
                m.location.filename().and_then(|f| f.strip_suffix(".age")).map(str::to_string)
            })
            .collect())
    }
}
