//! The registry's configuration file (TOML) and the keys it names.
//!
//! Every field is read strictly: an unknown field, a missing file, a key that does not parse is an
//! error naming the field or file, never a silent default. Relative paths are taken from the
//! folder of the configuration file. `registry init` writes a working one (SQLite, a local folder,
//! fresh keys).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use schemas::manifest::Bytes32;
use serde::Deserialize;
use sync::master::{Centre, KeyInfo, RecipientInfo, Settings};

use crate::objects::S3Location;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {problem}")]
    File { path: String, problem: String },
    #[error("configuration: {0}")]
    Invalid(String),
}

fn file_err(path: &Path, problem: impl ToString) -> ConfigError {
    ConfigError::File { path: path.display().to_string(), problem: problem.to_string() }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:8443`).
    pub listen: SocketAddr,
    /// Where the operations team's health check and Prometheus metrics are served
    /// (`127.0.0.1:9464`), apart from the stations' API; none when left out.
    #[serde(default)]
    pub monitoring: Option<SocketAddr>,
    pub metadata: MetadataConfig,
    pub objects: ObjectsConfig,
    pub keys: KeysConfig,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub centres: Vec<Centre>,
    /// Capture settings sent to every station in its master data.
    #[serde(default)]
    pub settings: Settings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum MetadataConfig {
    /// A SQLite file (one registry process).
    Sqlite(PathBuf),
    /// A PostgreSQL URL and pool size (any number of registry processes).
    Postgres {
        url: String,
        #[serde(default = "default_pool")]
        pool: usize,
        /// The CA certificates (PEM) the server's certificate must chain to when the URL asks
        /// for TLS (`sslmode=require`); the system's roots when left out.
        #[serde(default)]
        ca: Option<PathBuf>,
    },
}

fn default_pool() -> usize {
    16
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum ObjectsConfig {
    /// A local folder.
    Local(PathBuf),
    /// An S3-compatible bucket.
    S3(S3Location),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// age identity files the registry decrypts bundles with; stations seal to the recipient of
    /// the first (older ones stay for bundles sealed before a rotation).
    pub identities: Vec<PathBuf>,
    /// The root key: signs master data; stations pin its public half.
    pub root: PathBuf,
    /// Keys that sign receipts and status pages; the last one valid now is used.
    pub receipt: Vec<ReceiptKeyConfig>,
    /// A file holding the administrators' bearer token.
    pub admin_token: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptKeyConfig {
    pub kid: String,
    pub file: PathBuf,
    /// ms since the epoch.
    #[serde(default)]
    pub not_before: i64,
    #[serde(default)]
    pub not_after: Option<i64>,
}

/// What one station, one client and the registry as a whole may hold at once. Every field has a
/// default; `[limits]` in the configuration changes any of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// The largest bundle accepted, in bytes.
    pub max_bundle_bytes: u64,
    /// Tickets one station may have announced and not yet delivered; more are answered `busy`
    /// (tried again later). A station announces a batch and sends it before the next.
    pub max_open_tickets: u64,
    /// Uploads one station may send at the same time to one registry process (`busy` beyond).
    pub uploads_per_station: u32,
    /// Bundles verified at the same time; each holds about three times its size in memory.
    pub verifications: u32,
    /// Seconds a client has to send a request's headers; a connection idle this long is closed.
    pub header_timeout_s: u64,
    /// Seconds a request's body may pause; an upload that pauses longer keeps what arrived.
    pub body_timeout_s: u64,
    /// Connections served at once; further ones wait in the listen queue.
    pub max_connections: u32,
    /// Parts of an upload nobody has added to for this many seconds are deleted; the station
    /// sends that bundle again from the start.
    pub parts_expire_s: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bundle_bytes: 64 * 1024 * 1024,
            max_open_tickets: 1000,
            uploads_per_station: 2,
            verifications: 2,
            header_timeout_s: 30,
            body_timeout_s: 30,
            max_connections: 1024,
            parts_expire_s: 7 * 24 * 3600,
        }
    }
}

impl Limits {
    fn check(&self) -> Result<(), ConfigError> {
        for (name, v) in [
            ("max_bundle_bytes", self.max_bundle_bytes),
            ("max_open_tickets", self.max_open_tickets),
            ("uploads_per_station", u64::from(self.uploads_per_station)),
            ("verifications", u64::from(self.verifications)),
            ("header_timeout_s", self.header_timeout_s),
            ("body_timeout_s", self.body_timeout_s),
            ("max_connections", u64::from(self.max_connections)),
            ("parts_expire_s", self.parts_expire_s),
        ] {
            if v == 0 {
                return Err(ConfigError::Invalid(format!("limits.{name} is 0")));
            }
        }
        Ok(())
    }
}

/// The keys, loaded.
pub struct Keys {
    pub identities: Vec<age::x25519::Identity>,
    pub root: schemas::SigningKey,
    pub receipt: Vec<(KeyInfo, schemas::SigningKey)>,
    /// SHA-256 of the administrators' token.
    pub admin_token_sha256: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys({} identities, {} receipt keys)", self.identities.len(), self.receipt.len())
    }
}

impl Keys {
    /// The receipt key to sign with at `now`: the last one valid then.
    pub fn receipt_key(&self, now: i64) -> Option<&(KeyInfo, schemas::SigningKey)> {
        self.receipt.iter().rev().find(|(k, _)| k.valid_at(now))
    }
    pub fn receipt_infos(&self) -> Vec<KeyInfo> {
        self.receipt.iter().map(|(k, _)| k.clone()).collect()
    }
    /// The recipients stations seal to, the current one last.
    pub fn recipients(&self) -> Vec<RecipientInfo> {
        self.identities
            .iter()
            .rev()
            .enumerate()
            .map(|(i, id)| RecipientInfo { recipient: id.to_public().to_string(), from: i as i64 })
            .collect()
    }
}

impl Config {
    /// Reads a configuration file; relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
        let mut c: Config = toml::from_str(&text).map_err(|e| file_err(path, e))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        match &mut c.metadata {
            MetadataConfig::Sqlite(p) => fix(p),
            MetadataConfig::Postgres { ca: Some(p), .. } => fix(p),
            MetadataConfig::Postgres { ca: None, .. } => {}
        }
        if let ObjectsConfig::Local(p) = &mut c.objects {
            fix(p);
        }
        c.keys.identities.iter_mut().for_each(fix);
        fix(&mut c.keys.root);
        c.keys.receipt.iter_mut().for_each(|r| fix(&mut r.file));
        fix(&mut c.keys.admin_token);
        c.check()?;
        Ok(c)
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.keys.identities.is_empty() {
            return Err(ConfigError::Invalid("keys.identities names no identity file".into()));
        }
        if self.keys.receipt.is_empty() {
            return Err(ConfigError::Invalid("keys.receipt names no receipt key".into()));
        }
        self.limits.check()?;
        for (name, v) in [
            ("finger", self.settings.finger_threshold),
            ("thumb", self.settings.thumb_threshold),
            ("iris", self.settings.iris_threshold),
            ("face", self.settings.face_threshold),
        ] {
            if v.is_some_and(|v| v > 100) {
                return Err(ConfigError::Invalid(format!(
                    "settings.{name}_threshold is above 100"
                )));
            }
        }
        Ok(())
    }

    /// Reads the key files.
    pub fn load_keys(&self) -> Result<Keys, ConfigError> {
        let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| file_err(p, e));
        let mut identities = Vec::new();
        for p in &self.keys.identities {
            let text = read(p)?;
            let line = text
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("AGE-SECRET-KEY-"))
                .ok_or_else(|| file_err(p, "no AGE-SECRET-KEY line"))?;
            identities.push(line.parse::<age::x25519::Identity>().map_err(|e| file_err(p, e))?);
        }
        let root = schemas::keys::parse_signing_key_file(&read(&self.keys.root)?)
            .map_err(|e| file_err(&self.keys.root, e))?;
        let mut receipt = Vec::new();
        for r in &self.keys.receipt {
            let key = schemas::keys::parse_signing_key_file(&read(&r.file)?)
                .map_err(|e| file_err(&r.file, e))?;
            let info = KeyInfo {
                kid: r.kid.clone(),
                ed25519: Bytes32::new(key.verifying_key().to_bytes()),
                not_before: r.not_before,
                not_after: r.not_after,
            };
            receipt.push((info, key));
        }
        let token = read(&self.keys.admin_token)?;
        let token = token.trim();
        if token.len() < 32 {
            return Err(file_err(
                &self.keys.admin_token,
                "the administrators' token is shorter than 32 characters",
            ));
        }
        Ok(Keys { identities, root, receipt, admin_token_sha256: sync::sha256(token.as_bytes()) })
    }
}

/// What `registry init` made.
pub struct Initialised {
    pub config: PathBuf,
    pub recipient: String,
    pub root_public: String,
    pub admin_token: String,
}

/// The configuration `registry init` writes: SQLite and a local folder beside it, the keys in
/// `keys/`, listening on `listen`.
fn initial_config(listen: &str) -> String {
    format!(
        "# Hukumati registry (written by `registry init`).\n\
         listen = \"{listen}\"\n\n\
         [metadata]\nsqlite = \"registry.db\"\n\n\
         [objects]\nlocal = \"objects\"\n\n\
         [keys]\nidentities = [\"keys/registry.age\"]\nroot = \"keys/root.key\"\nadmin_token = \"keys/admin.token\"\n\
         receipt = [{{ kid = \"r1\", file = \"keys/receipt-1.key\" }}]\n"
    )
}

/// Writes a new registry into `dir`: keys (age identity, root key, a receipt key, an admin token)
/// and a configuration using SQLite and a local folder there, listening on `listen`.
pub fn init(dir: &Path, listen: &str) -> Result<Initialised, ConfigError> {
    let config = dir.join("registry.toml");
    if config.exists() {
        return Err(file_err(&config, "already exists: a registry is set up in this folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
    std::fs::write(&config, initial_config(listen)).map_err(|e| file_err(&config, e))?;
    let c = Config::load(&config)?;
    let made = c.make_keys()?;
    Ok(Initialised {
        config,
        recipient: made.recipient,
        root_public: made.root_public,
        admin_token: made.admin_token.unwrap_or_default(),
    })
}

/// What [`Config::make_keys`] did.
#[derive(Debug, serde::Serialize)]
pub struct MadeKeys {
    /// The key files written now (the others existed and were left alone).
    pub written: Vec<PathBuf>,
    /// The recipient stations seal to (the first identity's).
    pub recipient: String,
    /// The root key's public half, hex: stations pin it.
    pub root_public: String,
    /// Its fingerprint as people compare it (`/etc/hukumati/registry-roots` on stations).
    pub root_fingerprint: String,
    /// The administrators' token, when it was written now (never read back otherwise).
    #[serde(skip)]
    pub admin_token: Option<String>,
}

impl Config {
    /// Writes every key file this configuration names that does not exist yet (readable by
    /// its owner only, folders made as needed), leaving existing ones untouched, then loads
    /// them all. A packaged registry runs this once at install; an administrator runs it again
    /// after adding a receipt key or an identity to the configuration.
    pub fn make_keys(&self) -> Result<MadeKeys, ConfigError> {
        let mut written = Vec::new();
        let mut write = |p: &Path, text: &str| -> Result<(), ConfigError> {
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
            }
            write_private(p, text).map_err(|e| file_err(p, e))?;
            written.push(p.to_path_buf());
            Ok(())
        };
        for p in &self.keys.identities {
            if !p.exists() {
                let id = schemas::keys::new_registry_identity();
                write(p, &schemas::keys::identity_file_text(&id))?;
            }
        }
        let signing = |what: &str| -> Result<String, ConfigError> {
            let key = schemas::keys::new_signing_key()
                .map_err(|e| ConfigError::Invalid(e.to_string()))?;
            Ok(schemas::keys::signing_key_file_text(&key, what))
        };
        if !self.keys.root.exists() {
            write(&self.keys.root, &signing("registry root key (signs master data)")?)?;
        }
        for r in &self.keys.receipt {
            if !r.file.exists() {
                write(&r.file, &signing(&format!("registry receipt key {}", r.kid))?)?;
            }
        }
        let mut admin_token = None;
        if !self.keys.admin_token.exists() {
            let mut token = [0u8; 24];
            getrandom::fill(&mut token).map_err(|e| ConfigError::Invalid(e.to_string()))?;
            let token = hex::encode(token);
            write(&self.keys.admin_token, &format!("{token}\n"))?;
            admin_token = Some(token);
        }
        let keys = self.load_keys()?;
        Ok(MadeKeys {
            written,
            recipient: keys.recipients().last().map(|r| r.recipient.clone()).unwrap_or_default(),
            root_public: hex::encode(keys.root.verifying_key().to_bytes()),
            root_fingerprint: sync::onboarding::fingerprint(&keys.root.verifying_key().to_bytes()),
            admin_token,
        })
    }
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_a_config_that_loads_and_bad_ones_are_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("registry-config-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let made = init(&dir, "127.0.0.1:0").unwrap();
        let c = Config::load(&made.config).unwrap();
        let keys = c.load_keys().unwrap();
        assert_eq!(keys.recipients().last().unwrap().recipient, made.recipient);
        assert_eq!(hex::encode(keys.root.verifying_key().to_bytes()), made.root_public);
        assert!(keys.receipt_key(0).is_some());
        assert!(init(&dir, "127.0.0.1:0").is_err(), "a second init is refused");

        let bad = dir.join("bad.toml");
        std::fs::write(
            &bad,
            std::fs::read_to_string(&made.config).unwrap().replace("listen", "lisen"),
        )
        .unwrap();
        let e = Config::load(&bad).unwrap_err().to_string();
        assert!(e.contains("lisen") || e.contains("listen"), "{e}");
        std::fs::write(
            &bad,
            std::fs::read_to_string(&made.config).unwrap()
                + "\n[settings]\nfinger_threshold = 140\n",
        )
        .unwrap();
        assert!(Config::load(&bad).unwrap_err().to_string().contains("finger_threshold"));
        std::fs::write(dir.join("keys/root.key"), "# damaged\nxyz\n").unwrap();
        assert!(c.load_keys().unwrap_err().to_string().contains("root.key"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
