//! `registry`: the reference central intake's command. `registry init` sets up a registry in a
//! folder; `registry serve` runs it; the other commands are the administrators' (onboarding and
//! revoking stations and operators, recording decisions, importing removable media, checking
//! the receipt log) and work on its database directly.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use registry::config::Config;
use registry::meta::Meta;
use registry::{AnyIntake, ServeError, with_intake};

#[derive(Parser)]
#[command(name = "registry", version, about = "Hukumati central registry intake (reference)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up a new registry in DIR: keys, and a configuration on SQLite and a local folder.
    Init {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: String,
    },
    /// Write every key file the configuration names that does not exist yet, leaving existing
    /// ones alone (a packaged registry runs this at install; run it again after adding a key to
    /// the configuration). Prints the recipient and root key stations are given.
    Keys {
        #[arg(long)]
        config: PathBuf,
    },
    /// Make a new age identity (the key stations seal bundles to) and print its recipient.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve the intake.
    Serve {
        #[arg(long)]
        config: PathBuf,
    },
    /// Stations: onboard, revoke.
    Station {
        #[command(subcommand)]
        command: StationCommand,
    },
    /// Approve a station's operator: their key, as the station registered it (`station operator
    /// list` shows it at the station), checked by the registry's administrator. Until then the
    /// operator's bundles wait at the station.
    OperatorApprove {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        station: String,
        #[arg(long)]
        username: String,
        /// The operator's Ed25519 public key, hex.
        #[arg(long)]
        key: String,
    },
    /// Revoke a station's operator.
    OperatorRevoke {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        station: String,
        #[arg(long)]
        username: String,
    },
    /// Record a later decision about a received bundle (accepted, rejected, duplicate_identity, resend).
    Status {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        bundle: String,
        #[arg(long)]
        status: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Import bundles a station exported to removable media; writes receipts beside them.
    Import {
        dir: PathBuf,
        #[arg(long)]
        config: PathBuf,
    },
    /// Replay the receipt log from its start and check every link.
    LogVerify {
        #[arg(long)]
        config: PathBuf,
    },
}

#[derive(Subcommand)]
enum StationCommand {
    Add {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        id: String,
        /// The station's Ed25519 public key, hex (`station status` prints it).
        #[arg(long)]
        key: String,
        #[arg(long)]
        centre: String,
        /// production (the default), training or demo: only a production station's bundles
        /// can become identities.
        #[arg(long, default_value = "production")]
        mode: String,
    },
    Revoke {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        id: String,
    },
    /// Issue the signed onboarding file for a new station (`station init --onboarding FILE`
    /// sets the station up from it; nobody types a key).
    Invite {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        id: String,
        #[arg(long)]
        centre: String,
        /// production, training or demo.
        #[arg(long)]
        mode: String,
        /// The address stations reach this registry at (https://...), as they see it.
        #[arg(long)]
        url: String,
        /// Days the file may be used (1 to 90).
        #[arg(long, default_value_t = 14)]
        days: u32,
        /// The file to write (it must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Finish onboarding a station from the station key file `station init --onboarding` wrote
    /// (or its text form, `hukumati-station-key:...`, as a QR code scanner types it).
    Import {
        #[arg(long)]
        config: PathBuf,
        file: PathBuf,
    },
}

/// A failure, told in Arabic (what kind) and English (exactly what).
struct Failure {
    ar: &'static str,
    en: String,
}

impl From<ServeError> for Failure {
    fn from(e: ServeError) -> Failure {
        let ar = match e {
            ServeError::Config(_) => "ملف إعدادات السجل أو أحد مفاتيحه غير صالح",
            ServeError::Meta(_) => "تعذّر العمل على قاعدة بيانات السجل",
            ServeError::Objects(_) => "تعذّر العمل على مخزن الحزم",
            ServeError::Other(_) => "تعذّر تشغيل السجل",
        };
        Failure { ar, en: e.to_string() }
    }
}

impl From<registry::error::ApiError> for Failure {
    fn from(e: registry::error::ApiError) -> Failure {
        Failure { ar: "رُفض الطلب", en: e.to_string() }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Runtime::new()
        .map_err(|e| Failure { ar: "تعذّر تشغيل السجل", en: e.to_string() })
}

fn open(rt: &tokio::runtime::Runtime, config: &Path) -> Result<AnyIntake, Failure> {
    let c = Config::load(config).map_err(ServeError::from)?;
    Ok(rt.block_on(registry::open(&c, registry::intake::system_clock()))?)
}

/// Reads a small file named on the command line (it may come on a station's stick): as removable
/// media are read, never through a link, only a regular file, at most `max` bytes.
fn read_small(path: &Path, max: u64, what: &'static str) -> Result<Vec<u8>, Failure> {
    let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let folder = path.parent().unwrap_or(Path::new("/"));
    sync::media::read(folder, path, max, what)
        .map_err(|e| Failure { ar: "تعذّرت قراءة الملف", en: e.to_string() })
}

/// Writes a file that must not exist yet (made and synced as files for removable media are).
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |en: String| Failure { ar: "تعذّرت كتابة الملف", en };
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(fail(format!("{}: exists already", path.display())));
    }
    let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let folder = path.parent().unwrap_or(Path::new("/"));
    sync::media::write_new(folder, path, bytes).map_err(|e| fail(e.to_string()))
}

/// Resolves on Ctrl-C or SIGTERM (systemd stopping the service): requests under way finish.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn run(command: Command) -> Result<(), Failure> {
    registry::install_tls_provider();
    let rt = runtime()?;
    match command {
        Command::Init { dir, listen } => {
            let made = registry::config::init(&dir, &listen).map_err(ServeError::from)?;
            println!(
                "{}",
                serde_json::json!({
                    "config": made.config,
                    "recipient": made.recipient,
                    "root_key": made.root_public,
                    "admin_token_file": dir.join("keys/admin.token"),
                })
            );
        }
        Command::Keys { config } => {
            let c = Config::load(&config).map_err(ServeError::from)?;
            let made = c.make_keys().map_err(ServeError::from)?;
            println!(
                "{}",
                serde_json::json!({
                    "written": made.written,
                    "recipient": made.recipient,
                    "root_key": made.root_public,
                    "root_fingerprint": made.root_fingerprint,
                })
            );
        }
        Command::Keygen { out } => {
            if out.exists() {
                return Err(Failure {
                    ar: "الملف موجود مسبقًا",
                    en: format!("refusing to overwrite {}", out.display()),
                });
            }
            let id = schemas::keys::new_registry_identity();
            std::fs::write(&out, schemas::keys::identity_file_text(&id)).map_err(|e| Failure {
                ar: "تعذّرت كتابة الملف",
                en: format!("{}: {e}", out.display()),
            })?;
            println!("{}", id.to_public());
        }
        Command::Serve { config } => {
            let c = Config::load(&config).map_err(ServeError::from)?;
            rt.block_on(async {
                let intake = registry::open(&c, registry::intake::system_clock()).await?;
                let listener = tokio::net::TcpListener::bind(c.listen)
                    .await
                    .map_err(|e| ServeError::Other(format!("{}: {e}", c.listen)))?;
                let monitoring = match c.monitoring {
                    Some(addr) => Some(
                        tokio::net::TcpListener::bind(addr)
                            .await
                            .map_err(|e| ServeError::Other(format!("monitoring {addr}: {e}")))?,
                    ),
                    None => None,
                };
                let address = |l: &tokio::net::TcpListener| {
                    l.local_addr().map(|a| a.to_string()).unwrap_or_default()
                };
                tracing::info!(
                    listen = address(&listener),
                    monitoring = monitoring.as_ref().map(address).unwrap_or_default(),
                    "registry serving"
                );
                let _monitor = monitoring.map(|m| registry::serve_monitoring(&intake, m));
                registry::serve(&intake, listener, stop_signal()).await?;
                tracing::info!("registry stopped");
                Ok::<(), ServeError>(())
            })?;
        }
        Command::Station { command: StationCommand::Add { config, id, key, centre, mode } } => {
            let mode = sync::master::StationMode::parse(&mode).ok_or_else(|| Failure {
                ar: "نوع المحطة غير معروف",
                en: format!("unknown station mode {mode}: production, training or demo"),
            })?;
            let i = open(&rt, &config)?;
            let created = rt.block_on(async {
                with_intake!(&i, |x| x
                    .add_station(sync::api::NewStation {
                        id: id.clone(),
                        ed25519: key,
                        centre,
                        mode
                    })
                    .await)
            })?;
            eprintln!(
                "station {id} {}",
                if created { "onboarded" } else { "was already onboarded with this key" }
            );
        }
        Command::Station {
            command: StationCommand::Invite { config, id, centre, mode, url, days, out },
        } => {
            let mode = sync::master::StationMode::parse(&mode).ok_or_else(|| Failure {
                ar: "نوع المحطة غير معروف",
                en: format!("unknown station mode {mode}: production, training or demo"),
            })?;
            let c = Config::load(&config).map_err(ServeError::from)?;
            let invitation = registry::onboarding::Invitation {
                station_id: &id,
                centre: &centre,
                mode,
                url: &url,
                days,
            };
            let (bytes, o) =
                registry::onboarding::invite(&c, &invitation, registry::intake::system_clock()())?;
            write_new(&out, &bytes)?;
            tracing::info!(station = id, "onboarding file issued");
            println!(
                "{}",
                serde_json::json!({
                    "file": out,
                    "station": id,
                    "expires_at": o.expires_at,
                    "root_fingerprint": o.root_fingerprint(),
                })
            );
        }
        Command::Station { command: StationCommand::Import { config, file } } => {
            let input = read_small(&file, 64 * 1024, "station key file")?;
            let (o, created) =
                registry::import_station_key(&config, &input).map_err(|e| Failure {
                    ar: "ملف مفتاح المحطة غير صالح أو ليس من هذا السجل",
                    en: format!("{}: {e}", file.display()),
                })?;
            println!(
                "{}",
                serde_json::json!({
                    "station": o.station_id,
                    "centre": o.centre,
                    "mode": o.mode.as_str(),
                    "onboarded": created,
                })
            );
        }
        Command::Station { command: StationCommand::Revoke { config, id } } => {
            let i = open(&rt, &config)?;
            rt.block_on(async { with_intake!(&i, |x| x.revoke_station(&id).await) })?;
            eprintln!("station {id} revoked");
        }
        Command::OperatorApprove { config, station, username, key } => {
            let i = open(&rt, &config)?;
            rt.block_on(async {
                with_intake!(&i, |x| x
                    .approve_operator(sync::api::OperatorApproval {
                        station: station.clone(),
                        username: username.clone(),
                        ed25519: key
                    })
                    .await)
            })?;
            eprintln!("operator {username} of {station} approved");
        }
        Command::OperatorRevoke { config, station, username } => {
            let i = open(&rt, &config)?;
            rt.block_on(async {
                with_intake!(&i, |x| x.revoke_operator(&station, &username).await)
            })?;
            eprintln!("operator {username} of {station} revoked");
        }
        Command::Status { config, bundle, status, reason } => {
            let status = sync::status::BundleStatus::parse(&status).ok_or_else(|| Failure {
                ar: "حالة غير معروفة",
                en: format!(
                    "unknown status {status}: accepted, rejected, duplicate_identity or resend"
                ),
            })?;
            let i = open(&rt, &config)?;
            let cursor = rt.block_on(async {
                with_intake!(&i, |x| x
                    .set_status(&bundle, sync::api::NewStatus { status, reason })
                    .await)
            })?;
            println!("{}", serde_json::json!({ "cursor": cursor }));
        }
        Command::Import { dir, config } => {
            let i = open(&rt, &config)?;
            let report = rt
                .block_on(async { with_intake!(&i, |x| registry::media::import(x, &dir).await) })?;
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        }
        Command::LogVerify { config } => {
            let i = open(&rt, &config)?;
            let (entries, keys) = rt.block_on(async {
                with_intake!(&i, |x| {
                    let mut all = Vec::new();
                    let mut from = 1;
                    loop {
                        let page = x.meta.log(from, 500).await.map_err(ServeError::from)?;
                        let Some(last) = page.last().map(|e| e.0) else { break };
                        from = last + 1;
                        all.extend(page);
                    }
                    Ok::<_, ServeError>((all, x.keys.receipt_infos()))
                })
            })?;
            let receipts: Vec<&[u8]> = entries.iter().map(|(_, r, _)| r.as_slice()).collect();
            match sync::receipt::verify_log(receipts, &keys) {
                Ok((n, head)) => {
                    let stored = entries.last().map(|e| e.2).unwrap_or(sync::receipt::LOG_GENESIS);
                    if stored != head {
                        return Err(Failure {
                            ar: "سجل الإيصالات معدّل",
                            en: format!(
                                "the stored head {} is not the replayed {}",
                                hex::encode(stored),
                                hex::encode(head)
                            ),
                        });
                    }
                    println!(
                        "{}",
                        serde_json::json!({ "ok": true, "entries": n, "head": hex::encode(head) })
                    );
                }
                Err((i, problem)) => {
                    return Err(Failure {
                        ar: "سجل الإيصالات معدّل أو ناقص",
                        en: format!("entry {i}: {problem}"),
                    });
                }
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    registry::monitor::init_logging();
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("خطأ: {}\nerror: {}", f.ar, f.en);
            ExitCode::from(2)
        }
    }
}
